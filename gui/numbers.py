"""Numbers as people read them, everywhere the window prints one.

:func:`human` writes ``10990`` as ``"10,990"`` (never ``"1.099e+04"``), ``0.25`` as
``"0.25"`` and keeps scientific notation for the very small and the very large only.
The chart axes use it too (:class:`gui.axes.HumanAxisItem`); this module imports no
pyqtgraph, so the window's panels can print numbers before any plot exists.
"""

from __future__ import annotations

import math

__all__ = ["human"]


def human(v: float | None, digits: int = 4) -> str:
    """``v`` with about ``digits`` significant digits, thousands grouped.

    ``None`` and ``nan`` give ``"—"``; values under 0.0001 or from 10¹⁵ on keep
    scientific notation. Whole numbers print without decimals.

    Examples
    --------
    >>> human(10990), human(10990.5, 6), human(0.25), human(80.0), human(123.456)
    ('10,990', '10,990.5', '0.25', '80', '123.5')
    >>> human(-0.001234), human(1.5e-6), human(None), human(float("inf"))
    ('-0.001234', '1.5e-06', '—', '∞')
    """
    if v is None:
        return "—"
    try:
        x = float(v)
    except (TypeError, ValueError):
        return str(v)
    if math.isnan(x):
        return "—"
    if math.isinf(x):
        return "∞" if x > 0 else "-∞"
    a = abs(x)
    if a == 0:
        return "0"
    if a < 1e-4 or a >= 1e15:
        return f"{x:.{max(1, digits - 1)}g}"
    int_digits = math.floor(math.log10(a)) + 1
    decimals = max(0, digits - int_digits)
    text = f"{x:,.{decimals}f}"
    if decimals:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
