"""Plot axes whose tick labels read like every other number in the window.

:class:`HumanAxisItem` gives pyqtgraph axes the labels of :func:`gui.numbers.human`, with no
SI-prefix rescaling (no ``"(x0.001)"`` next to the axis title). Kept apart from
:mod:`gui.numbers` because it needs pyqtgraph, which the window loads after it is on screen.
"""

from __future__ import annotations

import math
from typing import Any

import pyqtgraph as pg

from gui.numbers import human

__all__ = ["HumanAxisItem"]


class HumanAxisItem(pg.AxisItem):  # type: ignore[misc]  # pyqtgraph ships no types
    """A pyqtgraph axis whose tick labels are :func:`human` numbers, never SI-rescaled."""

    def __init__(self, orientation: str, **kw: Any) -> None:
        super().__init__(orientation, **kw)
        self.enableAutoSIPrefix(False)

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        # enough digits to tell neighbouring ticks apart, whatever their magnitude
        span = max((abs(v) for v in values), default=0.0)
        digits = 4
        if spacing > 0 and span > 0:
            digits = max(1, math.floor(math.log10(span)) - math.floor(math.log10(spacing)) + 1)
        return [human(v * scale, min(max(digits, 1), 12)) for v in values]
