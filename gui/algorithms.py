"""What the window reads of the algorithm registry: names, traits and availability.

The GUI never names a particular algorithm: it asks the registry's metadata.
``Algorithm.anytime`` (a time-limited search with a bound), ``Algorithm.slow`` (left out of
"Run all" on big graphs), ``Algorithm.needs`` (an optional module it needs, through
``Algorithm.unavailable_reason``) and ``Algorithm.family`` (the kind of method: the hand
mapping's menus offer "the search algorithms" and "the exact ones" by family) are read
here, and only here.

"Run all" runs every algorithm that can run here; the slow (exact, exponential) ones only
on graphs of up to :data:`RUN_ALL_EXACT_TASKS` tasks, and it says what it left out and
why (:func:`run_all_plan`).
"""

from __future__ import annotations

from model.algorithms import ALGORITHMS, Algorithm, available

__all__ = ["RUN_ALL_EXACT_TASKS", "algorithm_class", "family", "is_anytime", "is_slow", "of_family",
           "run_all_plan", "runnable", "tooltip", "unavailable_reason"]

#: "Run all" includes the slow (exact) algorithms on graphs of up to this many tasks
RUN_ALL_EXACT_TASKS = 100


def algorithm_class(name: str) -> type[Algorithm] | None:
    """The registered class of ``name`` (``None`` when unknown)."""
    return ALGORITHMS.get(name)


def is_anytime(name: str) -> bool:
    """Whether ``name`` searches within a time limit and reports its bound."""
    return bool(getattr(ALGORITHMS.get(name), "anytime", False))


def is_slow(name: str) -> bool:
    """Whether ``name`` is an exact, possibly very long search (Run all runs it on small graphs only)."""
    return bool(getattr(ALGORITHMS.get(name), "slow", False))


def run_all_plan(tasks: int) -> tuple[list[str], dict[str, str]]:
    """What "Run all" runs on a graph of ``tasks`` tasks, and why it leaves the others out.

    Returns the names to run (registry order) and ``{name: reason}`` of the ones left
    out: those that cannot run here (what to install), and the slow ones on graphs over
    :data:`RUN_ALL_EXACT_TASKS` tasks.
    """
    run: list[str] = []
    left_out: dict[str, str] = {}
    for n in available():
        reason = unavailable_reason(n)
        if reason:
            left_out[n] = f"not available here ({reason})"
        elif is_slow(n) and tasks > RUN_ALL_EXACT_TASKS:
            left_out[n] = (f"exact solvers are exponential, so Run all runs them only on graphs of up to "
                           f"{RUN_ALL_EXACT_TASKS} tasks (this one has {tasks:,}); tick it and use Run selected "
                           "to run it anyway")
        else:
            run.append(n)
    return run, left_out


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
        tip += (f"\n(exact, exponential: Run all includes it on graphs of up to {RUN_ALL_EXACT_TASKS} tasks; "
                "tick it and use Run selected to run it on a bigger one)")
    reason = unavailable_reason(name)
    if reason:
        tip += f"\nNot available here: {reason}"
    return tip
