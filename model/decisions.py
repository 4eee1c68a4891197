"""What a mapping algorithm weighed at each of its placements.

Given a graph, a platform and the placements an algorithm yielded, in order
(:meth:`model.algorithms.Algorithm.steps`), :func:`decisions` replays them one by
one. Before each placement the slots placed so far are booked on per-worker
timelines (:class:`~model.algorithms.engines.Timeline`, with idle-gap insertion
when the algorithm uses it), and the task is tried on every worker as the
algorithm's rule would: when its inputs are there (:meth:`Instance.ready_times`),
its earliest start and its earliest finish (EFT). The worker the algorithm chose
is set beside the best of those options by its rule, with the task's priority
(HEFT's upward rank, CPOP's upward + downward rank, PEFT's OCT rank, a static
level) and one sentence saying what happened.

Clustering algorithms (DSC, LC) decide on clusters before any task is timed: each
decision then says which cluster the task belongs to, which of its edges were
zeroed (their data stays on one worker) and where the cluster was merged.
Searches and exact solvers move tasks: their decisions say so.

Costs and rules are those of :mod:`model.algorithms.engines`; nothing here changes
its inputs.

Examples
--------
>>> from model.graph import TaskGraph, Platform
>>> from model.algorithms import get_algorithm
>>> g = TaskGraph("fork")
>>> for t, c in [("a", 2), ("b", 3), ("c", 3)]:
...     g.add_task(t, c)
>>> g.add_edge("a", "b", 1); g.add_edge("a", "c", 1)
>>> plat = Platform.homogeneous(2)
>>> slots = list(get_algorithm("heft").steps(g, plat))
>>> d = decisions(g, plat, "heft", slots)
>>> first = d.steps[1]
>>> first.task, first.priority, [(o.worker, o.finish) for o in first.options], first.worker
('b', 3.0, [('P1', 5.0), ('P2', 6.0)], 'P1')
>>> print(first.text)
b (upward rank 3) goes to P1, where it finishes earliest, at 5 (P2: 6).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from .algorithms import ALGORITHMS, load_all
from .algorithms.engines import (
    Timeline,
    downward_rank,
    map_clusters,
    static_level,
    upward_rank,
)
from .explain import fmt, join_names
from .graph import GraphError, Platform, TaskGraph
from .instance import Instance, compile_instance
from .schedule import Slot

__all__ = ["MAX_DECISIONS", "Decision", "Decisions", "Option", "decisions"]

#: past this many placements :func:`decisions` is not worth its time in a window (the
#: replay books every slot on a sorted timeline: quadratic in the worst case)
MAX_DECISIONS = 5000

_TOL = 1e-9


@dataclass(frozen=True)
class Option:
    """One worker as the algorithm saw it for one task.

    Attributes
    ----------
    worker : str
        The worker.
    ready : float
        When the inputs of the task are all there on this worker (transfers from the
        workers of its predecessors; free on the same worker).
    start : float
        Its earliest start there: ``ready`` or later, in an idle gap when the
        algorithm inserts, else after the worker's last task.
    finish : float
        ``start`` plus the task's execution time there: the earliest finish time (EFT).
    allowed : bool
        Whether the algorithm could choose this worker (``False`` for a pinned task's
        other workers, CPOP's critical path off its worker, MET's slower workers).
    score : float or None
        The algorithm's own measure when it is not the finish time (PEFT's
        ``EFT + OCT``, DLS's dynamic level); ``None`` otherwise.
    """

    worker: str
    ready: float
    start: float
    finish: float
    allowed: bool = True
    score: float | None = None


@dataclass(frozen=True)
class Decision:
    """One placement and what was weighed for it.

    Attributes
    ----------
    step : int
        The placement's index (0 for the first).
    task, worker : str
        The task placed and the worker the algorithm chose.
    start, finish : float
        The times the algorithm gave it.
    priority : float or None
        The task's priority under the algorithm's rule (see :attr:`Decisions.priority_name`).
    options : list of Option
        Every worker, in platform order (empty when the task's inputs were not all
        placed yet, as in a search's moves).
    best : str or None
        The worker the rule alone prefers among the allowed ones (ties to the first):
        the smallest finish, start or score, or the largest dynamic level.
    moved : bool
        The task had been placed before (a search moves tasks).
    cluster : int or None
        Clustering algorithms: the task's cluster.
    zeroed : list of (str, str)
        Clustering algorithms: the task's edges inside its cluster (their data stays
        on one worker).
    text : str
        One sentence about the decision.
    """

    step: int
    task: str
    worker: str
    start: float
    finish: float
    priority: float | None
    options: list[Option]
    best: str | None
    moved: bool = False
    cluster: int | None = None
    zeroed: list[tuple[str, str]] = field(default_factory=list)
    text: str = ""

    def option(self, worker: str) -> Option | None:
        """The option of ``worker`` (``None`` when there is none)."""
        return next((o for o in self.options if o.worker == worker), None)


@dataclass(frozen=True)
class Decisions:
    """The decisions of one algorithm's run (see :func:`decisions`).

    Attributes
    ----------
    algorithm : str
        Its registered name.
    rule : str
        How it chooses a worker, in words.
    priority_name : str
        What :attr:`Decision.priority` is (``"upward rank"``), ``""`` when the
        algorithm has no numeric priority.
    score_name : str
        What :attr:`Option.score` is, ``""`` when the rule is on the finish or start time.
    measure : str
        ``"finish"``, ``"start"``, ``"score"`` (smallest), ``"level"`` (largest score),
        ``"fixed"`` (the mapping was fixed in advance), ``"cluster"`` or ``"search"``.
    steps : list of Decision
        One per placement, in order.
    clusters : list of list of str
        Clustering algorithms: the tasks of each cluster (empty otherwise).
    """

    algorithm: str
    rule: str
    priority_name: str
    score_name: str
    measure: str
    steps: list[Decision]
    clusters: list[list[str]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.steps)


# ------------------------------------------------------------------ the rules
Priority = Callable[[Instance], np.ndarray]


@dataclass(frozen=True)
class _Rule:
    measure: str
    insertion: bool
    rule: str
    priority_name: str = ""
    priority: Priority | None = None
    score_name: str = ""


def _cpop_priority(inst: Instance) -> np.ndarray:
    total: np.ndarray = upward_rank(inst) + downward_rank(inst)
    return total


def _oct_rank(inst: Instance) -> np.ndarray:
    from .algorithms.peft import optimistic_cost_table

    return optimistic_cost_table(inst).mean(axis=1)  # type: ignore[no-any-return]


def _dls_level(inst: Instance) -> np.ndarray:
    return static_level(inst, np.median(inst.w, axis=1))


def _pets_rank(inst: Instance) -> np.ndarray:
    from .algorithms.pets import pets_levels_and_ranks

    return np.asarray(pets_levels_and_ranks(inst)[1], dtype=np.float64)


_EFT = "each task on the worker where it finishes earliest, in an idle gap if one fits"
_RULES: dict[str, _Rule] = {
    "heft": _Rule("finish", True, _EFT, "upward rank", upward_rank),
    "lookahead": _Rule("finish", True, "each task on the worker that lets its children finish earliest "
                       "(HEFT's rule one level ahead)", "upward rank", upward_rank),
    "hcpt": _Rule("finish", True, _EFT + "; critical tasks and their parents first"),
    "pets": _Rule("finish", True, _EFT + "; level by level", "PETS rank", _pets_rank),
    "cpop": _Rule("finish", True, "the critical path on the one worker running it fastest, every other task "
                  "where it finishes earliest", "upward + downward rank", _cpop_priority),
    "peft": _Rule("score", True, "each task on the worker with the smallest EFT + OCT (its finish plus the "
                  "optimistic time still to go after it)", "OCT rank", _oct_rank, "EFT + OCT"),
    "mct": _Rule("finish", False, "tasks in arrival order, each on the worker completing it first"),
    "met": _Rule("finish", False, "each task on its fastest worker, whatever the load"),
    "hlfet": _Rule("start", False, "tasks by static level, each on the worker where it starts earliest",
                   "static b-level", static_level),
    "etf": _Rule("start", False, "the ready task and worker with the earliest start, ties by static level",
                 "static b-level", static_level),
    "dls": _Rule("level", False, "the ready task and worker with the largest dynamic level (static level − "
                 "start + speed bonus)", "static level", _dls_level, "dynamic level"),
    "minmin": _Rule("finish", False, "of the ready tasks, the one whose best completion time is smallest, "
                    "on that worker"),
    "maxmin": _Rule("finish", False, "of the ready tasks, the one whose best completion time is largest, "
                    "on that worker"),
    "sufferage": _Rule("finish", False, "each worker to the ready task that would lose most without it"),
    "greedy": _Rule("fixed", True, "largest task first to the least-loaded worker, communication ignored "
                    "(mapping fixed in advance)"),
    "round-robin": _Rule("fixed", True, "task k to worker k mod m (mapping fixed in advance)"),
    "random": _Rule("fixed", True, "each task on a random worker (mapping fixed in advance)"),
    "dsc": _Rule("cluster", True, "dominant sequence clustering: edges of the longest path are zeroed "
                 "into clusters, clusters merged onto the workers by load", "upward rank", upward_rank),
    "lc": _Rule("cluster", True, "linear clustering: each longest chain becomes a cluster (its edges "
                "zeroed), clusters merged onto the workers by load", "upward rank", upward_rank),
}
_BY_FAMILY = {
    "list": _Rule("finish", True, _EFT),
    "batch": _Rule("finish", False, "ready tasks matched to workers by completion time"),
    "baseline": _Rule("fixed", True, "a mapping fixed in advance"),
    "clustering": _Rule("cluster", True, "clusters merged onto the workers"),
    "search": _Rule("search", True, "a search that moves tasks to shorten the schedule"),
    "exact": _Rule("search", True, "an exact solver: the placements are its improving solutions"),
}


def _rule_of(algorithm: str) -> _Rule:
    name = algorithm.lower()
    if name in _RULES:
        return _RULES[name]
    load_all()
    cls = ALGORITHMS.get(name)
    if cls is None:
        return _Rule("search", True, "placements of an unknown algorithm")
    return _BY_FAMILY.get(cls.family, _Rule("search", True, cls.description))


def _clusters_of(algorithm: str, inst: Instance) -> list[int]:
    if algorithm == "dsc":
        from .algorithms.dsc import dsc_clusters

        return dsc_clusters(inst)
    from .algorithms.lc import linear_clusters

    return linear_clusters(inst)


def _allowed(algorithm: str, inst: Instance) -> list[list[bool]]:
    """Which workers the algorithm may choose for each task: pins, CPOP's critical worker, MET's fastest."""
    n, m = inst.n, inst.m
    ok = [[True] * m for _ in range(n)]
    if algorithm == "cpop" and n:
        from .algorithms.cpop import critical_path

        path = critical_path(inst, _cpop_priority(inst))
        free_path = [i for i in path if inst.pin[i] < 0]
        cp_worker = int(np.argmin(inst.w[free_path].sum(axis=0))) if free_path else 0
        for i in path:
            ok[i] = [p == cp_worker for p in range(m)]
    elif algorithm == "met":
        for i in range(n):
            lim = float(inst.w[i].min()) + _TOL * max(1.0, abs(float(inst.w[i].min())))
            ok[i] = [float(inst.w[i, p]) <= lim for p in range(m)]
    for i, p in enumerate(inst.pin.tolist()):
        if p >= 0:
            ok[i] = [q == p for q in range(m)]
    return ok


# ------------------------------------------------------------------ the replay
def decisions(
    graph: TaskGraph,
    platform: Platform,
    algorithm: str,
    slots: Sequence[Slot],
    *,
    insertion: bool | None = None,
) -> Decisions:
    """Replay ``slots`` (an algorithm's placements, in order) and say what was weighed at each.

    Parameters
    ----------
    graph : TaskGraph
        The graph the algorithm ran on (not modified).
    platform : Platform
        Its platform.
    algorithm : str
        The registered name of the algorithm; it selects the rule, the priority and
        whether idle gaps are used (see the module docstring). Unknown names are
        replayed as a search.
    slots : sequence of Slot
        The placements in the order the algorithm yielded them; a later slot of a
        task moves it.
    insertion : bool, optional
        Override whether options may use idle gaps between booked slots (the
        algorithm's default otherwise, e.g. HEFT's ``insertion`` parameter).

    Returns
    -------
    Decisions

    Raises
    ------
    GraphError
        If the graph or platform is invalid, or a placement names a task or a worker
        they do not have.

    Examples
    --------
    >>> from model.graph import TaskGraph, Platform
    >>> g = TaskGraph(); g.add_task("a", 2); g.add_task("b", 1)
    >>> d = decisions(g, Platform.homogeneous(2), "round-robin", [Slot("a", "P1", 0, 2), Slot("b", "P2", 0, 1)])
    >>> d.measure, [x.worker for x in d.steps], d.steps[1].best
    ('fixed', ['P1', 'P2'], 'P2')
    """
    name = algorithm.lower()
    rule = _rule_of(name)
    inst = compile_instance(graph, platform)
    index = {t: i for i, t in enumerate(inst.tasks)}
    windex = {w: p for p, w in enumerate(inst.workers)}
    for s in slots:
        if s.task not in index:
            raise GraphError(f"placement of task {s.task!r}, which the graph does not have")
        if s.worker not in windex:
            raise GraphError(f"placement of {s.task!r} on worker {s.worker!r}, which the platform does not have")
    inserts = rule.insertion if insertion is None else bool(insertion)
    prio = rule.priority(inst).tolist() if rule.priority is not None and inst.n else None
    allowed = _allowed(name, inst)
    extra: np.ndarray | None = None
    if name == "peft" and inst.n:
        from .algorithms.peft import optimistic_cost_table

        extra = optimistic_cost_table(inst)
    elif name == "dls" and inst.n:
        median = np.median(inst.w, axis=1)
        extra = _dls_level(inst)[:, None] + (median[:, None] - inst.w)
    cluster: list[int] = []
    cluster_tasks: list[list[str]] = []
    if rule.measure == "cluster" and name in ("dsc", "lc") and inst.n:
        cluster = _clusters_of(name, inst)
        k = max(cluster) + 1
        cluster_tasks = [[] for _ in range(k)]
        for i, ci in enumerate(cluster):
            cluster_tasks[ci].append(inst.tasks[i])
        merged_onto = map_clusters(inst, cluster)
        where = [merged_onto[first] if first >= 0 else -1 for first in _first_task(cluster, k)]
    else:
        where = []

    proc = np.full(inst.n, -1, dtype=np.int64)
    finish = np.zeros(inst.n)
    booked: dict[int, tuple[int, float, float]] = {}
    lines = [Timeline() for _ in range(inst.m)]
    out: list[Decision] = []
    for step, s in enumerate(slots):
        i = index[s.task]
        chosen = windex[s.worker]
        moved = i in booked
        if moved:
            p0, s0, f0 = booked.pop(i)
            lines[p0].remove(s0, f0)
            proc[i] = -1
        options: list[Option] = []
        if all(proc[j] >= 0 for j in inst.preds[i]):
            ready = inst.ready_times(i, proc, finish)
            for p in range(inst.m):
                d = float(inst.w[i, p])
                st = lines[p].earliest(float(ready[p]), d, inserts)
                fi = st + d
                score: float | None = None
                if extra is not None:
                    score = fi + float(extra[i, p]) if name == "peft" else float(extra[i, p]) - st
                options.append(Option(inst.workers[p], float(ready[p]), float(st), float(fi),
                                      allowed[i][p], score))
        best = _best(options, rule.measure)
        zeroed: list[tuple[str, str]] = []
        c: int | None = cluster[i] if cluster else None
        if c is not None:
            zeroed = [(inst.tasks[u], s.task) for u in inst.preds[i] if cluster[u] == c]
            zeroed += [(s.task, inst.tasks[v]) for v in inst.succs[i] if cluster[v] == c]
        p_value = float(prio[i]) if prio is not None else None
        text = _sentence(rule, name, s, p_value, options, best, moved, bool(inst.pin[i] >= 0), c, zeroed,
                         cluster_tasks, where)
        out.append(Decision(step, s.task, s.worker, float(s.start), float(s.finish), p_value, options, best,
                            moved, c, zeroed, text))
        lines[chosen].insert(float(s.start), float(s.finish))
        booked[i] = (chosen, float(s.start), float(s.finish))
        proc[i] = chosen
        finish[i] = float(s.finish)
    return Decisions(name, rule.rule, rule.priority_name, rule.score_name, rule.measure, out, cluster_tasks)


def _first_task(cluster: list[int], k: int) -> list[int]:
    """The index of one task of each cluster id below ``k`` (-1 for an id no task has)."""
    first = [-1] * k
    for i, c in enumerate(cluster):
        if first[c] < 0:
            first[c] = i
    return first


def _best(options: list[Option], measure: str) -> str | None:
    """The worker the rule prefers among the allowed options (ties to the first)."""
    ok = [o for o in options if o.allowed]
    if not ok:
        return None

    def value(o: Option) -> tuple[float, float]:
        # the second key breaks ties as the engines do: the earlier finish
        if measure == "start":
            return o.start, o.finish
        if measure == "score" and o.score is not None:
            return o.score, o.finish
        if measure == "level" and o.score is not None:
            return -o.score, o.start
        return o.finish, 0.0

    def below(a: float, b: float) -> bool:
        return a < b - _TOL * max(1.0, abs(b))

    best = ok[0]
    for o in ok[1:]:
        (a1, a2), (b1, b2) = value(o), value(best)
        if below(a1, b1) or (not below(b1, a1) and below(a2, b2)):
            best = o
    return best.worker


def _others(options: list[Option], chosen: str, what: Callable[[Option], float], *, all_: bool = False) -> str:
    rest = [f"{o.worker}: {fmt(what(o))}" for o in options if o.worker != chosen and (all_ or o.allowed)]
    if len(rest) > 6:
        rest = [*rest[:6], "…"]
    return ", ".join(rest)


def _cluster_sentence(who: str, s: Slot, c: int, zeroed: list[tuple[str, str]], cluster_tasks: list[list[str]],
                      where: list[int]) -> str:
    mates = [t for t in cluster_tasks[c] if t != s.task]
    if zeroed:
        edges = join_names([f"{u} → {v}" for u, v in zeroed], 4)
        what = f"in cluster {c + 1} with {join_names(mates, 5)}, so {edges} {'is' if len(zeroed) == 1 else 'are'} " \
               "zeroed (the data stays on one worker)"
    elif mates:
        what = f"in cluster {c + 1} with {join_names(mates, 5)}"
    else:
        what = f"alone in cluster {c + 1}"
    same = [str(k + 1) for k in range(len(cluster_tasks)) if k != c and where[k] == where[c]]
    merged = f"the cluster was merged onto {s.worker}"
    if same:
        merged += f" with cluster{'s' if len(same) > 1 else ''} {join_names(same, 5)}"
    return f"{who} is {what}; {merged}."


def _sentence(rule: _Rule, name: str, s: Slot, priority: float | None, options: list[Option], best: str | None,
              moved: bool, pinned: bool, c: int | None, zeroed: list[tuple[str, str]],
              cluster_tasks: list[list[str]], where: list[int]) -> str:
    who = s.task + (f" ({rule.priority_name} {fmt(priority)})" if priority is not None else "")
    if c is not None:
        return _cluster_sentence(who, s, c, zeroed, cluster_tasks, where)
    if rule.measure == "search" or moved:
        verb = "moves to" if moved else "goes to"
        return f"{who} {verb} {s.worker}, {fmt(s.start)}–{fmt(s.finish)}: a step of the search, not a one-pass rule."
    opt = next((o for o in options if o.worker == s.worker), None)
    if opt is None:
        return f"{who} goes to {s.worker}, {fmt(s.start)}–{fmt(s.finish)}."
    by_finish = _others(options, s.worker, lambda o: o.finish, all_=True)
    if len(options) > 1 and sum(o.allowed for o in options) == 1 and rule.measure != "fixed":
        if pinned:
            why = f"is pinned to {s.worker}"
        elif name == "cpop":
            why = f"is on the critical path: CPOP keeps it on {s.worker}"
        elif name == "met":
            why = f"runs fastest on {s.worker}"
        else:
            why = f"may only go to {s.worker}"
        return f"{who} {why}, where it finishes at {fmt(opt.finish)} (elsewhere {by_finish})."
    if rule.measure == "fixed":
        if best == s.worker:
            return (f"{who} goes to {s.worker}, fixed in advance; it finishes there at {fmt(opt.finish)}, "
                    "the earliest anyway.")
        b = next(o for o in options if o.worker == best)
        return (f"{who} goes to {s.worker}, fixed in advance: it finishes there at {fmt(opt.finish)}, "
                f"though {b.worker} would finish it at {fmt(b.finish)}.")
    if rule.measure == "start":
        rest = _others(options, s.worker, lambda o: o.start)
        if best == s.worker:
            return f"{who} goes to {s.worker}, where it starts earliest, at {fmt(opt.start)}" + \
                (f" ({rest})." if rest else ".")
        return f"{who} goes to {s.worker} (start {fmt(opt.start)}); by its start alone it would go to {best}."
    if rule.measure in ("score", "level") and opt.score is not None:
        rest = _others(options, s.worker, lambda o: o.score if o.score is not None else 0.0)
        how = "smallest" if rule.measure == "score" else "largest"
        if best == s.worker:
            return (f"{who} goes to {s.worker}: its {rule.score_name} there, {fmt(opt.score)}, is the {how}"
                    + (f" ({rest})" if rest else "") + f"; it finishes at {fmt(opt.finish)}.")
        return (f"{who} goes to {s.worker} ({rule.score_name} {fmt(opt.score)}, finish {fmt(opt.finish)}); "
                f"by {rule.score_name} alone it would go to {best}.")
    rest = _others(options, s.worker, lambda o: o.finish)
    if best == s.worker:
        tied = [o.worker for o in options if o.allowed and o.worker != s.worker
                and abs(o.finish - opt.finish) <= _TOL * max(1.0, abs(opt.finish))]
        tie = f"; a tie with {join_names(tied)} goes to the first worker" if tied else ""
        return f"{who} goes to {s.worker}, where it finishes earliest, at {fmt(opt.finish)}" + \
            (f" ({rest}{tie})." if rest else ".")
    alt_opt = next((o for o in options if o.worker == best), None)
    alt = f", though {alt_opt.worker} would finish it at {fmt(alt_opt.finish)}" if alt_opt is not None else ""
    return f"{who} goes to {s.worker}, finishing at {fmt(opt.finish)}{alt}: {rule.rule}."
