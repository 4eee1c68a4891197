"""The algorithm contract and the registry.

An algorithm is a class with a short lower-case ``name``, a one-line ``description``
and a generator :meth:`Algorithm.steps` that yields :class:`~model.schedule.Slot`
placements one at a time. A later slot for a task already yielded replaces it (local
search moves tasks). :meth:`Algorithm.schedule` runs the generator to the end and
checks the result through :meth:`~model.schedule.Schedule.build`.

Registry metadata
-----------------
Class attributes describe an algorithm to the user interface, which lists, groups and
enables algorithms from them alone, never from their names:

``name``, ``description``, ``reference``
    Identifier (short, lower case), one-line summary, bibliographic reference.
``family``
    The kind of method, a key of :data:`FAMILIES`: ``"baseline"``, ``"list"``,
    ``"batch"``, ``"clustering"``, ``"search"`` or ``"exact"``.
``needs``
    An optional extra module the algorithm cannot run without (``"ortools"`` for the
    exact solver), ``""`` for none. :meth:`Algorithm.available` says whether it is
    installed here and :meth:`Algorithm.unavailable_reason` what to install.
``slow``
    Exponential in the worst case: run it on small graphs only, and leave it out of
    "run everything" batches.
``anytime``
    A search bounded by a ``time_limit`` (and ``max_iterations`` / ``work_limit``)
    parameter that improves its schedule as it runs and reports ``lower_bound``,
    ``gap`` and a live ``history`` in :attr:`Algorithm.info`.
``uses_communication``
    Whether transfer times influence the algorithm's choices (informational).

Pins
----
A task whose attribute ``pin`` names a worker must run on it
(:attr:`Instance.pin <model.instance.Instance.pin>`). Every algorithm honours pins
through the engines (:mod:`model.algorithms.engines.pins`), with its priorities
unchanged; exact solvers optimise over the schedules that honour them.
:meth:`Algorithm.steps` and :meth:`Algorithm.schedule` check every placement and raise
:class:`PinViolation` if an algorithm ever breaks one.
"""

from __future__ import annotations

import importlib.util
import time
from collections.abc import Callable, Iterator
from typing import Any, ClassVar, Protocol, TypeVar

import numpy as np

from ..gcpause import paused_collection
from ..graph import GraphError, Platform, TaskGraph
from ..instance import Instance, compile_instance
from ..schedule import Schedule, Slot

__all__ = [
    "ALGORITHMS",
    "FAMILIES",
    "Algorithm",
    "CancelToken",
    "Cancelled",
    "PinViolation",
    "Placement",
    "check_cancel",
    "get_algorithm",
    "register",
]

#: a placement on index-based data: ``(task, worker, start, finish)``
Placement = tuple[int, int, float, float]

#: the families of :attr:`Algorithm.family`, with a one-line description each
FAMILIES: dict[str, str] = {
    "baseline": "naive mappings that ignore most costs: the reference points",
    "list": "list scheduling: tasks by priority, each on the worker that suits it best",
    "batch": "immediate and batch-mode heuristics: ready tasks matched to workers by completion time",
    "clustering": "tasks grouped into clusters that exchange data, clusters merged onto workers",
    "search": "searches improving a schedule within a time budget, reporting the gap to a bound",
    "exact": "exact solvers: the proven optimum, or the best schedule and a bound at the time limit",
}


class Cancelled(Exception):
    """Raised inside :meth:`Algorithm.steps` when the cancel token is set.

    Attributes
    ----------
    best : list of Slot or None
        The best complete schedule an anytime algorithm had found when it was
        cancelled (:meth:`Algorithm.best_so_far`); ``None`` when there is none.
    """

    def __init__(self, *args: object, best: list[Slot] | None = None) -> None:
        super().__init__(*args)
        self.best = best


class PinViolation(RuntimeError):
    """An algorithm put a pinned task on another worker: a bug in the algorithm, never bad input."""


class CancelToken(Protocol):
    """Anything with ``is_set()``, e.g. :class:`threading.Event`."""

    def is_set(self) -> bool: ...


def check_cancel(cancel: CancelToken | None) -> None:
    """Raise :class:`Cancelled` if ``cancel`` is set."""
    if cancel is not None and cancel.is_set():
        raise Cancelled()


class Algorithm:
    """Base class of every mapping algorithm.

    Subclasses set ``name``, ``description``, ``reference`` and implement
    :meth:`place` (working on a compiled :class:`~model.instance.Instance`, yielding
    ``(task_index, worker_index, start, finish)`` tuples), or override :meth:`steps`.

    Parameters
    ----------
    seed : int
        Seed of the algorithm's random choices (results are deterministic for a seed).
    **params
        Algorithm-specific options (see each class).
    """

    name: ClassVar[str] = ""
    description: ClassVar[str] = ""
    reference: ClassVar[str] = ""
    #: the kind of method, a key of :data:`FAMILIES`
    family: ClassVar[str] = ""
    #: an optional module the algorithm needs (``""``: none); see :meth:`available`
    needs: ClassVar[str] = ""
    #: whether the algorithm accounts for communication (informational)
    uses_communication: ClassVar[bool] = True
    #: exact solvers: exponential in the worst case, run on small graphs
    slow: ClassVar[bool] = False
    #: searches bounded by a ``time_limit`` (and ``max_iterations``) parameter, reporting
    #: ``lower_bound`` and ``gap`` in ``info``; ``info["history"]`` grows live with
    #: ``(seconds, best makespan, bound)`` points
    anytime: ClassVar[bool] = False

    @classmethod
    def available(cls) -> bool:
        """Whether the algorithm can run here (its :attr:`needs` module, if any, is installed)."""
        return not cls.needs or importlib.util.find_spec(cls.needs) is not None

    @classmethod
    def unavailable_reason(cls) -> str:
        """One line saying what to install to run the algorithm, ``""`` when it is available."""
        if cls.available():
            return ""
        return f"the {cls.name!r} algorithm needs {cls.needs}: pip install {cls.needs}"

    def __init__(self, *, seed: int = 0, **params: Any) -> None:
        self.seed = seed
        self.params = params
        #: ``time.perf_counter()`` when the last :meth:`steps` or :meth:`schedule` began
        #: (before the instance was compiled): anytime algorithms count their budget from it
        self.started = time.perf_counter()
        #: filled by :meth:`steps`: free information for the result's ``meta``
        self.info: dict[str, Any] = {}
        self._best: list[Placement] | None = None
        self._names: tuple[list[str], list[str]] = ([], [])

    def record_best(self, placements: list[Placement]) -> None:
        """Remember ``placements``, a complete schedule, as the best found so far.

        Anytime algorithms call it with each new best, so that a run cancelled before
        its end still gives it (:meth:`best_so_far`, :attr:`Cancelled.best`).
        """
        self._best = list(placements)

    def best_so_far(self) -> list[Slot] | None:
        """The last schedule given to :meth:`record_best`, as slots (``None``: none yet)."""
        if self._best is None:
            return None
        tasks, workers = self._names
        return [Slot(tasks[pl[0]], workers[pl[1]], float(pl[2]), float(pl[3])) for pl in self._best]

    def place(self, inst: Instance, cancel: CancelToken | None) -> Iterator[Placement]:
        """Yield placements ``(task, worker, start, finish)`` on index-based data."""
        raise NotImplementedError

    def steps(
        self, graph: TaskGraph, platform: Platform, *, cancel: CancelToken | None = None
    ) -> Iterator[Slot]:
        """Yield the placements of ``graph`` on ``platform`` one at a time.

        Raises :class:`Cancelled` soon after ``cancel`` is set, and
        :class:`~model.graph.GraphError` when the algorithm is not :meth:`available`.
        """
        self.started = time.perf_counter()
        inst = self._compile(graph, platform)
        tasks, workers = inst.tasks, inst.workers
        for i, p, s, f in self._placements(inst, cancel):
            yield Slot(tasks[i], workers[p], float(s), float(f))

    def _compile(self, graph: TaskGraph, platform: Platform) -> Instance:
        if not self.available():
            raise GraphError(self.unavailable_reason())
        return compile_instance(graph, platform)

    def _placements(self, inst: Instance, cancel: CancelToken | None) -> Iterator[Placement]:
        """:meth:`place`, with the cancel token polled and every pin checked at each placement."""
        pin = inst.pin.tolist() if inst.pinned else None
        self._best, self._names = None, (list(inst.tasks), list(inst.workers))
        try:
            yield from self._checked(inst, cancel, pin)
        except Cancelled as exc:
            if exc.best is None:
                exc.best = self.best_so_far()
            raise

    def _checked(self, inst: Instance, cancel: CancelToken | None, pin: list[int] | None) -> Iterator[Placement]:
        for pl in self.place(inst, cancel):
            # engines poll the token only now and then; this makes a cancel set between
            # two placements stop the run at the next one
            check_cancel(cancel)
            i, p = pl[0], pl[1]
            if pin is not None and pin[i] >= 0 and pin[i] != p:
                raise PinViolation(
                    f"internal error: {self.name} put task {inst.tasks[i]!r} on {inst.workers[p]!r}"
                    f" but it is pinned to {inst.workers[pin[i]]!r}"
                )
            yield pl

    def schedule(
        self,
        graph: TaskGraph,
        platform: Platform | None = None,
        *,
        cancel: CancelToken | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> Schedule:
        """Run :meth:`steps` to the end and return the checked schedule.

        ``progress(done, total)`` is called after each placement when given.
        """
        self.started = time.perf_counter()
        plat = platform if platform is not None else graph.default_platform()
        inst = self._compile(graph, plat)
        placed: dict[int, Placement] = {}
        total = len(graph)
        for pl in self._placements(inst, cancel):
            placed[pl[0]] = pl
            if progress is not None:
                progress(len(placed), total)
        if inst.pinned:
            where = np.full(inst.n, -1, dtype=np.int64)
            where[list(placed)] = [pl[1] for pl in placed.values()]
            wrong = np.flatnonzero((inst.pin >= 0) & (where >= 0) & (where != inst.pin))
            if len(wrong):
                t = int(wrong[0])
                raise PinViolation(
                    f"internal error: {self.name} put task {inst.tasks[t]!r} on {inst.workers[int(where[t])]!r}"
                    f" but it is pinned to {inst.workers[int(inst.pin[t])]!r}"
                )
        tasks, workers = inst.tasks, inst.workers
        with paused_collection():
            slots = [Slot(tasks[i], workers[p], float(s), float(f)) for i, p, s, f in placed.values()]
        meta = {"graph": graph.name, **self.info}
        return Schedule.build(self.name, graph, plat, slots, meta=meta, instance=inst)


ALGORITHMS: dict[str, type[Algorithm]] = {}

A = TypeVar("A", bound=type[Algorithm])


def register(cls: A) -> A:
    """Class decorator adding an algorithm to :data:`ALGORITHMS` under ``cls.name``."""
    if not cls.name or cls.name != cls.name.lower() or " " in cls.name:
        raise ValueError(f"algorithm name must be short and lower-case: {cls.name!r}")
    if cls.family not in FAMILIES:
        raise ValueError(f"algorithm {cls.name!r}: unknown family {cls.family!r}; known: {', '.join(FAMILIES)}")
    if cls.name in ALGORITHMS and ALGORITHMS[cls.name] is not cls:
        raise ValueError(f"algorithm {cls.name!r} registered twice")
    ALGORITHMS[cls.name] = cls
    return cls


def get_algorithm(name: str, **params: Any) -> Algorithm:
    """An instance of the registered algorithm ``name``.

    Raises
    ------
    GraphError
        If no algorithm has that name (the message lists the known ones).
    """
    from . import load_all

    load_all()
    try:
        cls = ALGORITHMS[name.lower()]
    except KeyError:
        raise GraphError(
            f"unknown algorithm {name!r}; known: {', '.join(sorted(ALGORITHMS))}"
        ) from None
    return cls(**params)


