"""The mapping analysis of a task graph on a platform.

This is the "processing and mapping" step of parallel algorithm design made concrete
(I. Foster, *Designing and Building Parallel Programs*, 1995, ch. 2: partitioning,
communication, agglomeration, mapping): which tasks are independent and may run
concurrently (topological levels, the maximum antichain), which tasks exchange data
and how much, the critical path that bounds any schedule from below, the total work,
the communication-to-computation ratio (CCR), the average parallelism, and lower
bounds on the makespan.

Costs follow the HEFT conventions (Topcuoglu, Hariri, Wu, IEEE TPDS 13(3), 2002): a
task's *mean* time is its execution time averaged over the workers and an edge's mean
time is its transfer time averaged over the ordered pairs of distinct workers.

Every function takes the graph first and never mutates it.

Examples
--------
>>> from model.graph import TaskGraph, Platform
>>> g = TaskGraph("diamond")
>>> for t, c in [("a", 2), ("b", 3), ("c", 4), ("d", 1)]:
...     g.add_task(t, c)
>>> for u, v in [("a", "b"), ("a", "c"), ("b", "d"), ("c", "d")]:
...     g.add_edge(u, v, data=1)
>>> rep = analyze(g, Platform.homogeneous(2))
>>> rep.levels, rep.width, rep.critical_path
([['a'], ['b', 'c'], ['d']], 2, ['a', 'c', 'd'])
>>> rep.critical_path_length, rep.lower_bound
(9.0, 7.0)
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from .graph import Platform, TaskGraph
from .instance import Instance, compile_instance

__all__ = [
    "EXACT_WIDTH_MAX_TASKS",
    "Analysis",
    "CriticalPath",
    "DataEdge",
    "TaskTimes",
    "analyze",
    "b_levels",
    "critical_path",
    "critical_path_min",
    "critical_path_min_of",
    "data_exchange_edges",
    "independent_sets",
    "level_of",
    "levels",
    "lower_bound",
    "lower_bound_of",
    "max_antichain",
    "slack",
    "t_levels",
]

#: Above this many tasks the width is the largest level (the closure is too big).
EXACT_WIDTH_MAX_TASKS = 3000

_EPS = 1e-9


# --------------------------------------------------------------------- helpers
def _instance(graph: TaskGraph, platform: Platform | None) -> Instance:
    return compile_instance(graph, platform if platform is not None else graph.default_platform())


def _level_numbers(graph: TaskGraph) -> dict[str, int]:
    graph.check_acyclic()
    lvl: dict[str, int] = {}
    g = graph.nx
    for t in graph.topological_order():
        lvl[t] = 1 + max((lvl[p] for p in g.predecessors(t)), default=-1)
    return lvl


def _mean_edge_times(inst: Instance) -> list[list[float]]:
    return [[inst.mean_comm(d) for d in row] for row in inst.succ_data]


def _longest(inst: Instance, w: np.ndarray, comm: list[list[float]] | None) -> tuple[np.ndarray, np.ndarray]:
    """(t-level, b-level) of every task for execution times ``w`` and edge times ``comm``."""
    n = inst.n
    t = np.zeros(n)
    b = np.zeros(n)
    for i in inst.topo:
        ti = t[i] + w[i]
        for k, j in enumerate(inst.succs[i]):
            v = ti + (comm[i][k] if comm is not None else 0.0)
            if v > t[j]:
                t[j] = v
    for i in reversed(inst.topo):
        best = 0.0
        for k, j in enumerate(inst.succs[i]):
            v = (comm[i][k] if comm is not None else 0.0) + b[j]
            if v > best:
                best = v
        b[i] = w[i] + best
    return t, b


def _path(inst: Instance, w: np.ndarray, comm: list[list[float]] | None, b: np.ndarray) -> list[int]:
    """Follow the longest path from the entry with the largest b-level."""
    if inst.n == 0:
        return []
    entries = [i for i in inst.topo if not inst.preds[i]]
    i = max(entries, key=lambda e: b[e])  # the first of equals, in topological order
    out = [i]
    while inst.succs[i]:
        rest = b[i] - w[i]
        nxt = -1
        for k, j in enumerate(inst.succs[i]):
            c = comm[i][k] if comm is not None else 0.0
            if abs(c + b[j] - rest) <= _EPS * max(1.0, abs(rest)):
                nxt = j
                break
        if nxt < 0:  # b-level of i is its own time only: an exit of the path
            break
        out.append(nxt)
        i = nxt
    return out


# --------------------------------------------------------- independent tasks
def levels(graph: TaskGraph) -> list[list[str]]:
    """Topological levels: level 0 holds the entry tasks, level k the tasks whose longest
    chain of predecessors has k edges.

    Tasks in the same level are mutually independent (no path joins them), so each level
    could run concurrently given enough workers.

    Parameters
    ----------
    graph : TaskGraph
        The graph (not modified).

    Returns
    -------
    list of list of str
        The levels in order, each in insertion order of its tasks.

    Raises
    ------
    GraphError
        If the graph has a cycle (the message names it).

    Examples
    --------
    >>> g = TaskGraph(); g.add_task("a"); g.add_task("b"); g.add_task("c")
    >>> g.add_edge("a", "c")
    >>> levels(g)
    [['a', 'b'], ['c']]
    """
    lvl = _level_numbers(graph)
    out: list[list[str]] = [[] for _ in range(1 + max(lvl.values(), default=-1))]
    for t in graph.tasks:
        out[lvl[t]].append(t)
    return out


def independent_sets(graph: TaskGraph) -> list[list[str]]:
    """Groups of mutually independent tasks: the topological :func:`levels`.

    Examples
    --------
    >>> g = TaskGraph(); g.add_task("a"); g.add_task("b")
    >>> independent_sets(g)
    [['a', 'b']]
    """
    return levels(graph)


def level_of(graph: TaskGraph) -> dict[str, int]:
    """The topological level of every task (see :func:`levels`).

    Examples
    --------
    >>> g = TaskGraph(); g.add_task("a"); g.add_task("b"); g.add_edge("a", "b")
    >>> level_of(g)
    {'a': 0, 'b': 1}
    """
    lvl = _level_numbers(graph)
    return {t: lvl[t] for t in graph.tasks}


def max_antichain(
    graph: TaskGraph,
    *,
    max_tasks: int = EXACT_WIDTH_MAX_TASKS,
) -> tuple[list[str], bool]:
    """A largest set of mutually independent tasks (maximum antichain) and whether it is exact.

    By Dilworth's theorem the size of a maximum antichain equals the minimum number of
    chains covering the partial order; that cover is ``n - |M|`` for a maximum matching
    ``M`` of the bipartite graph with an edge ``u_out -> v_in`` whenever ``u`` reaches
    ``v`` (Fulkerson 1956). The antichain itself is the set of tasks with neither copy in
    the minimum vertex cover given by König's theorem. The transitive closure is kept as
    one bitset per task and the matching grows by augmenting paths over whole bitset
    rows (3,000 tasks take well under a second; a generic matching on the closure's
    millions of edges takes minutes).

    Graphs with more than ``max_tasks`` tasks fall back to the largest topological level
    (an antichain, maybe not maximum) and return ``False`` as the flag.

    References
    ----------
    R. P. Dilworth, "A decomposition theorem for partially ordered sets", Annals of
    Mathematics 51(1), 1950. D. R. Fulkerson, "Note on Dilworth's decomposition theorem
    for partially ordered sets", Proc. AMS 7(4), 1956.

    Examples
    --------
    >>> g = TaskGraph()
    >>> for t in "abcde": g.add_task(t)
    >>> for u, v in ["ab", "bc", "ad", "de"]: g.add_edge(u, v)
    >>> nodes, exact = max_antichain(g)
    >>> len(nodes), exact
    (2, True)

    A level can be smaller than the width: here ``{b, e}`` is independent yet ``b``
    and ``e`` sit on different levels.

    >>> h = TaskGraph()
    >>> for t in "abcde": h.add_task(t)
    >>> for u, v in ["ab", "cd", "de"]: h.add_edge(u, v)
    >>> sorted(max_antichain(h)[0]), [len(x) for x in levels(h)]
    (['b', 'e'], [2, 2, 1])
    """
    lv = levels(graph)
    largest = max(lv, key=len, default=[])
    n = len(graph)
    if n == 0:
        return [], True
    if n > max_tasks:
        return list(largest), False
    tasks = graph.tasks
    index = {t: i for i, t in enumerate(tasks)}
    order = [index[t] for t in graph.topological_order()]
    succs = [[index[v] for v in graph.nx.successors(t)] for t in tasks]
    reach = [0] * n
    for i in reversed(order):
        r = 0
        for j in succs[i]:
            r |= reach[j] | (1 << j)
        reach[i] = r
    match_r = _max_matching(reach, order)
    anti = [tasks[i] for i in _konig_antichain(reach, match_r)]
    return anti, True


def _bits(x: int) -> list[int]:
    """Indices of the set bits of ``x``, lowest first."""
    out = []
    while x:
        low = x & -x
        out.append(low.bit_length() - 1)
        x ^= low
    return out


def _max_matching(reach: list[int], order: list[int]) -> list[int]:
    """Maximum matching of the bipartite graph ``u_out -> v_in`` for ``v`` in ``reach[u]``.

    Rows are Python-int bitsets, so each step of the alternating-path search handles a
    whole row at once. A greedy pass (each task matched to its first reachable free
    task) is completed by augmenting paths (Kuhn's method; the visited set is kept
    across failed searches, which stays correct because a failed search leaves the
    matching unchanged). Returns ``match_r[v]``: the left vertex matched to ``v``, or -1.
    """
    n = len(reach)
    match_r = [-1] * n
    matched_l = [False] * n
    taken = 0
    for u in order:
        free = reach[u] & ~taken
        if free:
            low = free & -free
            v = low.bit_length() - 1
            taken |= low
            match_r[v] = u
            matched_l[u] = True
    visited = 0
    for u in order:
        if matched_l[u]:
            continue
        stack = [u]
        cands = [reach[u] & ~visited]
        via: list[int] = []
        while stack:
            cand = cands[-1] & ~visited
            if not cand:
                stack.pop()
                cands.pop()
                if via:
                    via.pop()
                continue
            low = cand & -cand
            v = low.bit_length() - 1
            cands[-1] = cand ^ low
            visited |= low
            x = match_r[v]
            if x < 0:
                # augment: frame k takes via[k] (k < top), the top frame takes v
                path = [*via, v]
                for left, right in zip(stack, path):
                    match_r[right] = left
                matched_l[u] = True
                visited = 0
                break
            stack.append(x)
            cands.append(reach[x] & ~visited)
            via.append(v)
    return match_r


def _konig_antichain(reach: list[int], match_r: list[int]) -> list[int]:
    """The maximum antichain read off a maximum matching through König's theorem.

    ``Z`` is what alternating paths reach from the unmatched left vertices; the tasks
    whose left copy is in ``Z`` and right copy is not form the antichain.
    """
    n = len(reach)
    matched_l = [False] * n
    for v in range(n):
        if match_r[v] >= 0:
            matched_l[match_r[v]] = True
    zl = [not matched_l[u] for u in range(n)]
    queue = [u for u in range(n) if zl[u]]
    zr = 0
    while queue:
        u = queue.pop()
        new = reach[u] & ~zr
        zr |= new
        for v in _bits(new):
            x = match_r[v]
            if x >= 0 and not zl[x]:
                zl[x] = True
                queue.append(x)
    return [x for x in range(n) if zl[x] and not (zr >> x) & 1]


# ------------------------------------------------------------ data exchange
@dataclass(frozen=True)
class DataEdge:
    """An edge whose tasks exchange data.

    Attributes
    ----------
    source, target : str
        The tasks.
    data : float
        Volume sent.
    mean_time : float
        Transfer time averaged over the ordered pairs of distinct workers (0 when a
        platform was not given or has one worker).
    """

    source: str
    target: str
    data: float
    mean_time: float = 0.0


def data_exchange_edges(graph: TaskGraph, platform: Platform | None = None) -> list[DataEdge]:
    """The edges that carry data (``data > 0``), largest volume first.

    Parameters
    ----------
    graph : TaskGraph
        The graph (not modified).
    platform : Platform, optional
        Used for the mean transfer time of each edge; without it, ``mean_time`` is 0.

    Examples
    --------
    >>> g = TaskGraph(); g.add_task("a"); g.add_task("b"); g.add_task("c")
    >>> g.add_edge("a", "b", data=2); g.add_edge("a", "c", data=0)
    >>> data_exchange_edges(g, Platform.homogeneous(2, bandwidth=2))
    [DataEdge(source='a', target='b', data=2.0, mean_time=1.0)]
    """
    inst = _instance(graph, platform) if platform is not None else None
    out = []
    for u, v, a in graph.nx.edges(data=True):
        d = float(a.get("data", 0.0))
        if d > 0:
            out.append(DataEdge(u, v, d, inst.mean_comm(d) if inst is not None else 0.0))
    out.sort(key=lambda e: -e.data)
    return out


# -------------------------------------------------------------- critical path
@dataclass(frozen=True)
class CriticalPath:
    """A longest path and its length.

    Attributes
    ----------
    tasks : list[str]
        The tasks on the path, entry first.
    length : float
        Sum of the task times and edge times along it.
    """

    tasks: list[str]
    length: float


def critical_path(graph: TaskGraph, platform: Platform | None = None) -> CriticalPath:
    """The critical path with mean execution times and mean transfer times.

    Its length is the largest upward rank, as in HEFT and CPOP (Topcuoglu, Hariri, Wu,
    IEEE TPDS 13(3), 2002).

    Examples
    --------
    >>> g = TaskGraph(); g.add_task("a", 1); g.add_task("b", 5); g.add_task("c", 2)
    >>> g.add_edge("a", "b", data=1); g.add_edge("a", "c", data=9)
    >>> critical_path(g, Platform.homogeneous(2))
    CriticalPath(tasks=['a', 'c'], length=12.0)
    """
    inst = _instance(graph, platform)
    w = inst.mean_w()
    comm = _mean_edge_times(inst)
    _, b = _longest(inst, w, comm)
    path = _path(inst, w, comm, b)
    return CriticalPath([inst.tasks[i] for i in path], float(b.max()) if inst.n else 0.0)


def critical_path_min(graph: TaskGraph, platform: Platform | None = None) -> CriticalPath:
    """The longest path with each task's *minimum* execution time and no communication.

    No schedule can be shorter: it is the denominator of the SLR (Topcuoglu 2002).

    Examples
    --------
    >>> g = TaskGraph(); g.add_task("a", costs=[1, 3]); g.add_task("b", costs=[4, 2])
    >>> g.add_edge("a", "b", data=10)
    >>> critical_path_min(g)
    CriticalPath(tasks=['a', 'b'], length=3.0)
    """
    return critical_path_min_of(_instance(graph, platform))


def critical_path_min_of(inst: Instance) -> CriticalPath:
    """:func:`critical_path_min` of an already compiled instance (no second compilation)."""
    w = inst.w.min(axis=1) if inst.n else np.zeros(0)
    _, b = _longest(inst, w, None)
    path = _path(inst, w, None, b)
    return CriticalPath([inst.tasks[i] for i in path], float(b.max()) if inst.n else 0.0)


def t_levels(graph: TaskGraph, platform: Platform | None = None) -> dict[str, float]:
    """t-level of every task: the longest mean-cost path from an entry to it, excluding it
    (its earliest start, ASAP, with unbounded workers and mean costs).

    Examples
    --------
    >>> g = TaskGraph(); g.add_task("a", 2); g.add_task("b", 1); g.add_edge("a", "b", 3)
    >>> t_levels(g, Platform.homogeneous(2))
    {'a': 0.0, 'b': 5.0}
    """
    inst = _instance(graph, platform)
    t, _ = _longest(inst, inst.mean_w(), _mean_edge_times(inst))
    return {task: float(t[i]) for i, task in enumerate(inst.tasks)}


def b_levels(graph: TaskGraph, platform: Platform | None = None) -> dict[str, float]:
    """b-level of every task: the longest mean-cost path from it to an exit, including it
    (the upward rank of HEFT).

    Examples
    --------
    >>> g = TaskGraph(); g.add_task("a", 2); g.add_task("b", 1); g.add_edge("a", "b", 3)
    >>> b_levels(g, Platform.homogeneous(2))
    {'a': 6.0, 'b': 1.0}
    """
    inst = _instance(graph, platform)
    _, b = _longest(inst, inst.mean_w(), _mean_edge_times(inst))
    return {task: float(b[i]) for i, task in enumerate(inst.tasks)}


def slack(graph: TaskGraph, platform: Platform | None = None) -> dict[str, float]:
    """Slack of every task: ALAP − ASAP with mean costs (0 on the critical path).

    ASAP is the t-level; ALAP is the critical-path length minus the b-level. A task with
    slack can be delayed that long without lengthening the critical path (Kwok and
    Ahmad, "Static scheduling algorithms for allocating directed task graphs to
    multiprocessors", ACM Computing Surveys 31(4), 1999).

    Examples
    --------
    >>> g = TaskGraph(); g.add_task("a", 1); g.add_task("b", 5); g.add_task("c", 2)
    >>> g.add_edge("a", "b"); g.add_edge("a", "c")
    >>> slack(g, Platform.homogeneous(2))
    {'a': 0.0, 'b': 0.0, 'c': 3.0}
    """
    inst = _instance(graph, platform)
    t, b = _longest(inst, inst.mean_w(), _mean_edge_times(inst))
    cp = float(b.max()) if inst.n else 0.0
    s = cp - t - b
    return {task: max(0.0, float(s[i])) if s[i] > _EPS * max(1.0, cp) else 0.0 for i, task in enumerate(inst.tasks)}


def lower_bound(graph: TaskGraph, platform: Platform | None = None) -> float:
    """A lower bound on the makespan of any schedule of ``graph`` on ``platform``.

    ``max(critical path with minimum times and no communication, total minimum work / m,
    longest task at its fastest)``, rounded up when every execution and transfer time is a
    whole number (some optimal schedule then has whole-number times). The same bound the
    searching algorithms report their gap against.

    Examples
    --------
    >>> g = TaskGraph()
    >>> for t in "abcd": g.add_task(t, 3)
    >>> lower_bound(g, Platform.homogeneous(2))
    6.0
    """
    return lower_bound_of(_instance(graph, platform))


def lower_bound_of(inst: Instance) -> float:
    """:func:`lower_bound` of an already compiled instance (no second compilation)."""
    from .algorithms.engines import lower_bound as instance_bound

    return instance_bound(inst)


# ------------------------------------------------------------------- report
@dataclass(frozen=True)
class TaskTimes:
    """Per-task figures of the analysis (mean costs)."""

    level: int
    t_level: float
    b_level: float
    slack: float


@dataclass
class Analysis:
    """The result of :func:`analyze`; ``to_dict()`` for JSON, ``to_text()`` for people.

    Attributes
    ----------
    levels : list[list[str]]
        Topological levels (each a set of mutually independent tasks).
    width : int
        Size of a maximum antichain (exact when ``width_exact``, else the largest level).
    max_antichain : list[str]
        One maximum set of mutually independent tasks.
    data_edges : list[DataEdge]
        Edges carrying data, largest first.
    critical_path, critical_path_length
        Longest path with mean execution and transfer times.
    critical_path_min, critical_path_min_length
        Longest path with minimum execution times and no communication.
    total_work_mean, total_work_min
        Sum over tasks of the mean / minimum execution time.
    ccr : float
        Mean edge transfer time / mean task execution time (Topcuoglu 2002).
    average_parallelism : float
        Total mean work / longest path of mean execution times (no communication).
    lower_bound : float
        ``max(critical_path_min_length, total_work_min / workers)``.
    tasks : dict[str, TaskTimes]
        Level, t-level, b-level and slack of each task.
    """

    name: str
    n_tasks: int
    n_edges: int
    n_workers: int
    levels: list[list[str]]
    width: int
    width_exact: bool
    max_antichain: list[str]
    data_edges: list[DataEdge]
    total_data: float
    critical_path: list[str]
    critical_path_length: float
    critical_path_min: list[str]
    critical_path_min_length: float
    total_work_mean: float
    total_work_min: float
    ccr: float
    average_parallelism: float
    lower_bound: float
    lower_bound_work: float
    tasks: dict[str, TaskTimes] = field(default_factory=dict)

    @property
    def total_comm_mean(self) -> float:
        """Sum of the mean transfer times of the data edges."""
        return sum(e.mean_time for e in self.data_edges)

    def top_edges(self, k: int = 10) -> list[DataEdge]:
        """The ``k`` edges carrying the most data."""
        return self.data_edges[:k]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (plain lists, dicts, numbers, strings)."""
        return {
            "graph": self.name,
            "tasks": self.n_tasks,
            "edges": self.n_edges,
            "workers": self.n_workers,
            "levels": [list(x) for x in self.levels],
            "level_count": len(self.levels),
            "width": self.width,
            "width_exact": self.width_exact,
            "max_antichain": list(self.max_antichain),
            "data_exchange": {
                "edges": len(self.data_edges),
                "total_data": self.total_data,
                "total_mean_time": self.total_comm_mean,
                "top": [asdict(e) for e in self.top_edges()],
                "all": [asdict(e) for e in self.data_edges],
            },
            "critical_path": {"tasks": list(self.critical_path), "length": self.critical_path_length},
            "critical_path_min": {"tasks": list(self.critical_path_min), "length": self.critical_path_min_length},
            "total_work_mean": self.total_work_mean,
            "total_work_min": self.total_work_min,
            "ccr": self.ccr,
            "average_parallelism": self.average_parallelism,
            "lower_bound": self.lower_bound,
            "lower_bound_work": self.lower_bound_work,
            "per_task": {t: asdict(v) for t, v in self.tasks.items()},
        }

    def to_text(self) -> str:
        """A readable multi-line report for a terminal."""

        def names(ts: list[str], k: int = 12) -> str:
            more = f", … (+{len(ts) - k})" if len(ts) > k else ""
            return ", ".join(ts[:k]) + more

        lines = [
            f"Analysis of {self.name!r}: {self.n_tasks} tasks, {self.n_edges} edges, {self.n_workers} workers",
            "",
            "Independent tasks",
            f"  topological levels: {len(self.levels)} (largest has {max(map(len, self.levels), default=0)} tasks)",
        ]
        for k, lv in enumerate(self.levels[:8]):
            lines.append(f"    level {k}: {len(lv)} task(s): {names(lv)}")
        if len(self.levels) > 8:
            lines.append(f"    … {len(self.levels) - 8} more levels")
        exact = "exact, Dilworth" if self.width_exact else "largest level; graph too large for the exact width"
        lines += [
            f"  width (max independent set): {self.width} ({exact})",
            f"    {names(self.max_antichain)}",
            "",
            "Data exchange",
            f"  edges carrying data: {len(self.data_edges)} of {self.n_edges}, total volume {self.total_data:g}"
            f", mean transfer time total {self.total_comm_mean:g}",
        ]
        for e in self.top_edges():
            lines.append(f"    {e.source} -> {e.target}: {e.data:g} (mean time {e.mean_time:g})")
        lines += [
            "",
            "Critical path",
            f"  mean costs: length {self.critical_path_length:g}: {' -> '.join(self.critical_path[:20])}"
            + (" -> …" if len(self.critical_path) > 20 else ""),
            f"  minimum times, no communication: length {self.critical_path_min_length:g}: "
            + " -> ".join(self.critical_path_min[:20]) + (" -> …" if len(self.critical_path_min) > 20 else ""),
            "",
            "Work and parallelism",
            f"  total work: {self.total_work_mean:g} (mean times), {self.total_work_min:g} (minimum times)",
            f"  CCR (mean communication / mean computation): {self.ccr:.4g}",
            f"  average parallelism (work / span): {self.average_parallelism:.4g}",
            "",
            "Lower bound on the makespan",
            f"  {self.lower_bound:g} from max(critical path of minimum times {self.critical_path_min_length:g}, "
            f"minimum work / {self.n_workers} workers {self.lower_bound_work:g}, longest task), "
            "rounded up when all times are whole numbers",
        ]
        slack_tasks = sorted(self.tasks.items(), key=lambda kv: -kv[1].slack)
        flexible = [f"{t} ({v.slack:g})" for t, v in slack_tasks[:8] if v.slack > 0]
        if flexible:
            lines += ["", "Most slack (can be delayed without lengthening the critical path)", "  " + ", ".join(flexible)]
        return "\n".join(lines) + "\n"


def analyze(graph: TaskGraph, platform: Platform | None = None) -> Analysis:
    """Analyse ``graph`` on ``platform`` for mapping (see the module docstring).

    Parameters
    ----------
    graph : TaskGraph
        The graph (not modified).
    platform : Platform, optional
        The workers; default the graph's own (:meth:`TaskGraph.default_platform`).

    Returns
    -------
    Analysis

    Raises
    ------
    GraphError
        If the graph is invalid (cycle, bad costs, costs not matching the platform).

    References
    ----------
    H. Topcuoglu, S. Hariri, M.-Y. Wu, "Performance-effective and low-complexity task
    scheduling for heterogeneous computing", IEEE TPDS 13(3), 2002 (mean costs, CCR,
    critical path); Y.-K. Kwok, I. Ahmad, ACM Computing Surveys 31(4), 1999 (t-level,
    b-level, ALAP).

    Examples
    --------
    >>> g = TaskGraph(); g.add_task("a", 4); g.add_task("b", 4); g.add_edge("a", "b", 2)
    >>> r = analyze(g, Platform.homogeneous(2))
    >>> r.ccr, r.average_parallelism, r.width
    (0.5, 1.0, 1)
    """
    plat = platform if platform is not None else graph.default_platform()
    inst = compile_instance(graph, plat)
    n = inst.n
    lv = levels(graph)
    lvl_of = {t: k for k, ts in enumerate(lv) for t in ts}
    anti, exact = max_antichain(graph)
    wbar = inst.mean_w()
    wmin = inst.w.min(axis=1) if n else np.zeros(0)
    comm = _mean_edge_times(inst)
    t, b = _longest(inst, wbar, comm)
    cp_len = float(b.max()) if n else 0.0
    cp = [inst.tasks[i] for i in _path(inst, wbar, comm, b)]
    _, bmin = _longest(inst, wmin, None)
    cpmin_len = float(bmin.max()) if n else 0.0
    cpmin = [inst.tasks[i] for i in _path(inst, wmin, None, bmin)]
    _, bspan = _longest(inst, wbar, None)
    span = float(bspan.max()) if n else 0.0
    work_mean = float(wbar.sum())
    work_min = float(wmin.sum())
    n_edges = graph.nx.number_of_edges()
    edge_times = [c for row in comm for c in row]
    mean_comm = sum(edge_times) / len(edge_times) if edge_times else 0.0
    mean_comp = work_mean / n if n else 0.0
    ccr = mean_comm / mean_comp if mean_comp > 0 else 0.0
    data_edges = []
    for i, row in enumerate(inst.succs):
        for k, j in enumerate(row):
            d = inst.succ_data[i][k]
            if d > 0:
                data_edges.append(DataEdge(inst.tasks[i], inst.tasks[j], d, comm[i][k]))
    data_edges.sort(key=lambda e: -e.data)
    sl = cp_len - t - b
    tol = _EPS * max(1.0, cp_len)
    per_task = {
        task: TaskTimes(lvl_of[task], float(t[i]), float(b[i]), float(sl[i]) if sl[i] > tol else 0.0)
        for i, task in enumerate(inst.tasks)
    }
    lb_work = work_min / inst.m
    return Analysis(
        name=graph.name,
        n_tasks=n,
        n_edges=n_edges,
        n_workers=inst.m,
        levels=lv,
        width=len(anti),
        width_exact=exact,
        max_antichain=anti,
        data_edges=data_edges,
        total_data=float(sum(e.data for e in data_edges)),
        critical_path=cp,
        critical_path_length=cp_len,
        critical_path_min=cpmin,
        critical_path_min_length=cpmin_len,
        total_work_mean=work_mean,
        total_work_min=work_min,
        ccr=ccr,
        average_parallelism=work_mean / span if span > 0 else 0.0,
        lower_bound=lower_bound(graph, platform),
        lower_bound_work=lb_work,
        tasks=per_task,
    )
