"""What the window reads of the algorithm registry: names, traits and availability.

The GUI never names a particular algorithm: it asks the registry's metadata.
``Algorithm.anytime`` (a time-limited search with a bound), ``Algorithm.slow`` (left out
of "Run all") and ``Algorithm.needs`` (an optional module it needs, through
``Algorithm.unavailable_reason``) and ``Algorithm.family`` (the kind of method: the hand
mapping's menus offer "the search algorithms" and "the exact ones" by family) are read
here, and only here.
"""

from __future__ import annotations

from model.algorithms import ALGORITHMS, Algorithm, available

__all__ = ["algorithm_class", "family", "is_anytime", "is_slow", "of_family", "quick_algorithms", "runnable", "tooltip",
           "unavailable_reason"]


def algorithm_class(name: str) -> type[Algorithm] | None:
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


def family(name: str) -> str:
    """The kind of method of ``name`` (a key of :data:`model.algorithms.FAMILIES`; ``""`` when unknown)."""
    return str(getattr(ALGORITHMS.get(name), "family", ""))


def runnable() -> list[str]:
    """Every registered algorithm that can run here (its optional module is installed)."""
    return [n for n in available() if unavailable_reason(n) is None]


def of_family(kind: str) -> list[str]:
    """The algorithms of family ``kind`` that can run here, in registry order."""
    return [n for n in runnable() if family(n) == kind]


def unavailable_reason(name: str) -> str | None:
    """Why ``name`` cannot run here (what to install), or ``None`` when it can
    (:meth:`model.algorithms.Algorithm.unavailable_reason`, from its ``needs``)."""
    cls = ALGORITHMS.get(name)
    return (cls.unavailable_reason() or None) if cls is not None else None


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
