"""What the window reads of the algorithm registry: names, traits and availability.

The GUI never names a particular algorithm: it asks the registry's metadata.
``Algorithm.anytime`` (a time-limited search with a bound), ``Algorithm.slow`` (left out
of "Run all") and ``Algorithm.needs`` (what must be installed for it to run) are read here,
and only here.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterable
from typing import Any

from model.algorithms import ALGORITHMS, available

__all__ = ["algorithm_class", "is_anytime", "is_slow", "quick_algorithms", "tooltip", "unavailable_reason"]


def algorithm_class(name: str) -> type | None:
    """The registered class of ``name`` (``None`` when unknown)."""
    return ALGORITHMS.get(name)


def is_anytime(name: str) -> bool:
    """Whether ``name`` searches within a time limit and reports its bound."""
    return bool(getattr(ALGORITHMS.get(name), "anytime", False))


def is_slow(name: str) -> bool:
    """Whether ``name`` is an exact, possibly very long search (left out of "Run all")."""
    return bool(getattr(ALGORITHMS.get(name), "slow", False))


def quick_algorithms() -> list[str]:
    """Every registered algorithm but the slow ones: what "Run all" runs."""
    return [n for n in available() if not is_slow(n)]


def _missing_modules(modules: Iterable[str]) -> list[str]:
    missing = []
    for m in modules:
        try:
            found = importlib.util.find_spec(m) is not None
        except (ImportError, ValueError):  # a parent package is missing too
            found = False
        if not found:
            missing.append(m)
    return missing


def unavailable_reason(name: str) -> str | None:
    """Why ``name`` cannot run here (a missing optional package), or ``None`` when it can.

    Reads the class's ``needs``: a module name or a list of them, or a callable that
    returns a reason (or ``True``/``None`` when available). The message is the class's
    ``install_hint``, else its module's ``INSTALL_HINT``, else the missing modules named.
    """
    cls = ALGORITHMS.get(name)
    needs: Any = getattr(cls, "needs", None)
    if cls is None or not needs:
        return None
    if callable(needs):
        verdict = needs()
        if verdict is None or verdict is True:
            return None
        if isinstance(verdict, str):
            return verdict or None
        missing = ["a package it needs"]
    else:
        missing = _missing_modules([needs] if isinstance(needs, str) else list(needs))
        if not missing:
            return None
    hint = getattr(cls, "install_hint", None) or getattr(sys.modules.get(cls.__module__), "INSTALL_HINT", None)
    return str(hint) if hint else f"{name} needs {', '.join(missing)}, which is not installed"


def tooltip(name: str) -> str:
    """The checklist tooltip of ``name``: its description, reference and traits."""
    cls = ALGORITHMS.get(name)
    if cls is None:
        return name
    tip = str(getattr(cls, "description", "")) + (f"\n{cls.reference}" if getattr(cls, "reference", "") else "")
    if is_anytime(name):
        tip += "\n(searches within the time limit and reports its lower bound)"
    if is_slow(name):
        tip += "\n(slow: not included in Run all; tick it to run it)"
    reason = unavailable_reason(name)
    if reason:
        tip += f"\nNot available here: {reason}"
    return tip
