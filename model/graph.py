"""Task graphs, workers and platforms.

A :class:`TaskGraph` is a directed acyclic graph of tasks. Each task has either a
``cost`` (an amount of work; its time on a worker is ``cost / speed``) or a list of
``costs`` (one execution time per worker, as for unrelated machines in the HEFT
literature). Each edge carries a ``data`` volume that is sent from the source task to
the target task when the two run on different workers.

A :class:`Platform` is the set of workers and the network between them.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Iterable, Iterator, Mapping, Sequence, Sized
from dataclasses import dataclass, field
from itertools import chain
from types import ModuleType
from typing import TYPE_CHECKING, Any

from .gcpause import paused_collection

if TYPE_CHECKING:
    import networkx as nx

    from .instance import Instance
else:

    class _Networkx(ModuleType):
        """networkx, imported when first used: a command that builds no graph (``taskmapper
        algorithms``, ``--help``) starts without its 0.1-0.3 s import."""

        def __getattr__(self, name: str) -> Any:
            import networkx

            return getattr(networkx, name)

    nx = _Networkx("networkx")

__all__ = [
    "MAX_DATA",
    "MAX_TIME",
    "MAX_WORKERS",
    "GraphError",
    "Network",
    "Platform",
    "TaskGraph",
    "Worker",
    "check_number",
    "shorten",
]

#: The largest time accepted: a task's ``cost`` or ``costs`` entry, a latency, and, on a
#: platform, an execution time (cost / speed) or a transfer time (latency + data /
#: bandwidth). 1e12 seconds is about 31,700 years; sums over millions of tasks stay far
#: from overflowing (and within what the exact solver's integer times can hold), so every
#: algorithm works on any graph that passes :meth:`TaskGraph.validate`.
MAX_TIME = 1e12
#: The largest data volume of an edge (a petabyte when data are bytes, as in WfFormat).
MAX_DATA = 1e15
#: The most workers a platform built from a count or read from a graph file may have
#: (a compiled platform holds worker-by-worker matrices).
MAX_WORKERS = 4096

#: how much of a value taken from the input an error message quotes
_SHORTEN = 40


class GraphError(ValueError):
    """A task graph or platform is invalid; the message names the offending item."""


def shorten(value: object, limit: int = _SHORTEN) -> str:
    """``repr(value)`` cut to about ``limit`` characters, for quoting input in an error message.

    Examples
    --------
    >>> shorten("T1"), shorten("x" * 100)
    ("'T1'", "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…'")
    >>> shorten(10 ** 5000)
    'a number of about 5,001 digits'
    """
    if isinstance(value, str):
        if len(value) <= limit:
            return repr(value)
        r = repr(value[:limit])
        return r[:-1] + "…" + r[-1]
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 3 * limit:
        return f"a number of about {int(value.bit_length() * math.log10(2)) + 1:,} digits"
    try:
        r = repr(value)
    except (ValueError, RecursionError):
        return f"a {type(value).__name__}"
    return r if len(r) <= limit + 2 else r[:limit] + "…"


def check_number(value: Any, what: str, *, allow_zero: bool = True, maximum: float | None = None) -> float:
    """Return ``value`` as a finite, non-negative float or raise :class:`GraphError`.

    Parameters
    ----------
    value : Any
        The value to check.
    what : str
        A description of the value used in the error message, e.g. ``"cost of task 'T1'"``.
    allow_zero : bool
        Whether zero is accepted.
    maximum : float, optional
        The largest value accepted (e.g. :data:`MAX_TIME`).

    Examples
    --------
    >>> check_number(3, "cost of task 'a'")
    3.0
    >>> check_number(1e308, "cost of task 'a'", maximum=MAX_TIME)
    Traceback (most recent call last):
    ...
    model.graph.GraphError: cost of task 'a' is too large (1e+308; at most 1e+12)
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        try:
            if isinstance(value, str) or isinstance(value, bool):
                raise TypeError
            value = float(value)
        except (TypeError, ValueError, OverflowError):
            raise GraphError(f"{what} must be a number, got {shorten(value)}") from None
    try:
        v = float(value)
    except OverflowError:  # an integer beyond any float
        raise GraphError(f"{what} is infinite") from None
    if math.isnan(v):
        raise GraphError(f"{what} is NaN")
    if math.isinf(v):
        raise GraphError(f"{what} is infinite")
    if v < 0:
        raise GraphError(f"{what} is negative ({v:g})")
    if not allow_zero and v == 0:
        raise GraphError(f"{what} must be positive")
    if maximum is not None and v > maximum:
        raise GraphError(f"{what} is too large ({v:g}; at most {maximum:g})")
    return v


@dataclass(frozen=True)
class Worker:
    """A processing element.

    Parameters
    ----------
    id : str
        Unique name of the worker, e.g. ``"P1"``.
    speed : float
        Relative speed; a task of cost ``c`` takes ``c / speed`` on this worker.
    """

    id: str
    speed: float = 1.0
    attrs: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Network:
    """Communication model between workers.

    Sending ``d`` units of data between two different workers takes
    ``latency + d / bandwidth``; on the same worker it is free. ``links`` optionally
    overrides bandwidth and latency for an (ordered) pair of worker ids. A link's
    bandwidth may be ``math.inf``: data then cost nothing beyond the link's latency
    (e.g. between two cores of one machine, which share memory).
    """

    bandwidth: float = 1.0
    latency: float = 0.0
    links: Mapping[tuple[str, str], tuple[float, float]] = field(
        default_factory=dict, compare=False, hash=False
    )

    def comm_time(self, data: float, src: str, dst: str) -> float:
        """Time to move ``data`` from worker ``src`` to worker ``dst``.

        Examples
        --------
        >>> Network(bandwidth=2.0, latency=1.0).comm_time(10, "P1", "P2")
        6.0
        >>> Network().comm_time(10, "P1", "P1")
        0.0
        >>> Network(links={("P1", "P2"): (math.inf, 0.0)}).comm_time(10, "P1", "P2")
        0.0
        """
        if src == dst:
            return 0.0
        bw, lat = self.links.get((src, dst), (self.bandwidth, self.latency))
        return lat + data / bw


@dataclass(frozen=True)
class Platform:
    """Workers and the network that connects them.

    Examples
    --------
    >>> p = Platform.homogeneous(3)
    >>> [w.id for w in p.workers]
    ['P1', 'P2', 'P3']
    """

    workers: tuple[Worker, ...]
    network: Network = field(default_factory=Network)

    def __post_init__(self) -> None:
        if not self.workers:
            raise GraphError("a platform needs at least one worker")
        seen: set[str] = set()
        for w in self.workers:
            if w.id in seen:
                raise GraphError(f"duplicate worker id {shorten(w.id)}")
            seen.add(w.id)
            check_number(w.speed, f"speed of worker {shorten(w.id)}", allow_zero=False)
        check_number(self.network.bandwidth, "network bandwidth", allow_zero=False)
        check_number(self.network.latency, "network latency", maximum=MAX_TIME)
        for (a, b), (bw, lat) in self.network.links.items():
            for wid in (a, b):
                if wid not in seen:
                    raise GraphError(
                        f"network link ({shorten(a)}, {shorten(b)}) names unknown worker {shorten(wid)}"
                    )
            if bw != math.inf:  # an unlimited link (cores of one machine) is allowed
                check_number(bw, f"bandwidth of link ({shorten(a)}, {shorten(b)})", allow_zero=False)
            check_number(lat, f"latency of link ({shorten(a)}, {shorten(b)})", maximum=MAX_TIME)

    @classmethod
    def homogeneous(
        cls, n: int, *, bandwidth: float = 1.0, latency: float = 0.0
    ) -> Platform:
        """``n`` workers ``P1..Pn`` of speed 1 (1 to :data:`MAX_WORKERS`)."""
        _check_count(n)
        return cls(
            tuple(Worker(f"P{i + 1}") for i in range(n)),
            Network(bandwidth=bandwidth, latency=latency),
        )

    @property
    def ids(self) -> list[str]:
        """Worker ids in order."""
        return [w.id for w in self.workers]

    def __len__(self) -> int:
        return len(self.workers)

    def with_workers(self, n: int) -> Platform:
        """A platform with ``n`` workers, keeping the network; new workers get speed 1."""
        _check_count(n)
        ws = list(self.workers[:n])
        for i in range(len(ws), n):
            ws.append(Worker(f"P{i + 1}"))
        links = {k: v for k, v in self.network.links.items() if k[0] in {w.id for w in ws} and k[1] in {w.id for w in ws}}
        return Platform(tuple(ws), Network(self.network.bandwidth, self.network.latency, links))


def _check_count(n: int) -> None:
    if n < 1:
        raise GraphError(f"number of workers must be at least 1, got {n}")
    if n > MAX_WORKERS:
        raise GraphError(f"number of workers must be at most {MAX_WORKERS:,}, got {n:,}")


def _check_costs(task: str, n: int) -> None:
    if n > MAX_WORKERS:
        raise GraphError(
            f"task {shorten(task)} has {n:,} costs: a platform has at most {MAX_WORKERS:,} workers"
        )


def _plain(value: Any, maximum: float) -> float | None:
    """``value`` as a float when it plainly is a valid one (the fast path of big graphs), else ``None``."""
    if (type(value) is float or type(value) is int) and 0 <= value <= maximum:
        return float(value)
    return None


_NUMBER_TYPES = frozenset((float, int))
_get_data = operator.methodcaller("get", "data", 0.0)
_get_cost = operator.methodcaller("get", "cost", 0.0)
_get_pin = operator.methodcaller("get", "pin")


def _all_plain(values: Iterable[Any], maximum: float) -> tuple[bool, float]:
    """Whether every value is a plain int or float from 0 to ``maximum`` (checked in C
    loops: the fast path of big graphs), and the largest (0 when there are none)."""
    vl = values if isinstance(values, list) else list(values)
    if not vl:
        return True, 0.0
    if not _NUMBER_TYPES.issuperset(map(type, vl)):
        return False, 0.0
    try:
        # NaN fools min and max but not the sum; a huge integer overflows it
        hi, ok = max(vl), math.isfinite(sum(vl)) and min(vl) >= 0
    except OverflowError:
        return False, 0.0
    return ok and hi <= maximum, float(hi)


def _time(value: Any, task: str, index: int | None = None) -> float:
    """A task's cost (or its ``costs`` entry number ``index``), checked."""
    v = _plain(value, MAX_TIME)
    if v is not None:
        return v
    what = f"cost of task {shorten(task)}" if index is None else f"cost #{index + 1} of task {shorten(task)}"
    return check_number(value, what, maximum=MAX_TIME)


def _data(value: Any, source: str, target: str) -> float:
    """An edge's data volume, checked."""
    v = _plain(value, MAX_DATA)
    return v if v is not None else check_number(value, f"data of edge {_edge(source, target)}", maximum=MAX_DATA)


def _edge(source: str, target: str) -> str:
    return f"{shorten(source)} -> {shorten(target)}"


_TASK_KEYS = ("cost", "costs")


def _check_pin(worker: Any, task: str) -> str:
    """A task's pin as a worker id, or :class:`GraphError` naming the task."""
    if not isinstance(worker, str):
        raise GraphError(f"pin of task {shorten(task)} must be a worker id (text), got {shorten(worker)}")
    if not worker.strip():
        raise GraphError(f"pin of task {shorten(task)} is an empty worker id")
    return worker


def _some(ids: list[str], k: int = 8) -> str:
    """The first ``k`` ids, comma-separated, with ``...`` when there are more."""
    return ", ".join(ids[:k]) + (", ..." if len(ids) > k else "")


class TaskGraph:
    """A directed acyclic graph of tasks with costs and data volumes.

    The graph wraps a :class:`networkx.DiGraph` (available as :attr:`nx`). Node
    attributes: ``cost`` (float) or ``costs`` (list of floats, one per worker),
    ``pin`` (the id of the worker the task is fixed to; absent or ``None``: free),
    plus free attributes (``x``, ``y``, ``label``, ...). Edge attribute: ``data``.

    Parameters
    ----------
    name : str
        Display name.
    platform : Platform or None
        The workers described in the file, if any.

    Examples
    --------
    >>> g = TaskGraph("demo")
    >>> g.add_task("a", cost=2)
    >>> g.add_task("b", cost=3)
    >>> g.add_edge("a", "b", data=5)
    >>> g.validate()
    >>> sorted(g.tasks)
    ['a', 'b']
    """

    def __init__(self, name: str = "untitled", platform: Platform | None = None) -> None:
        self.name = name
        self.platform = platform
        #: the network the file described when it gave no worker list
        self.network: Network | None = None
        self.nx: nx.DiGraph = nx.DiGraph()
        #: free top-level attributes kept on save
        self.attrs: dict[str, Any] = {}

    # ----------------------------------------------------------------- building
    def add_task(
        self,
        task: str,
        cost: float | None = None,
        *,
        costs: Iterable[float] | None = None,
        **attrs: Any,
    ) -> None:
        """Add a task with a ``cost`` or a per-worker ``costs`` list (not both)."""
        task = str(task)
        if task in self.nx:
            raise GraphError(f"duplicate task id {shorten(task)}")
        if cost is not None and costs is not None:
            raise GraphError(f"task {shorten(task)} has both 'cost' and 'costs'")
        if costs is not None:
            if isinstance(costs, (str, bytes)) or not isinstance(costs, Iterable):
                raise GraphError(f"'costs' of task {shorten(task)} must be a list of numbers")
            if isinstance(costs, Sized):
                _check_costs(task, len(costs))
            if type(costs) is list and _all_plain(costs, MAX_TIME)[0]:
                cl = list(map(float, costs))
            else:
                cl = [_time(c, task, i) for i, c in enumerate(costs)]
            if not cl:
                raise GraphError(f"'costs' of task {shorten(task)} is empty")
            _check_costs(task, len(cl))
            self.nx.add_node(task, costs=cl, **attrs)
        else:
            self.nx.add_node(task, cost=_time(0.0 if cost is None else cost, task), **attrs)

    def add_edge(self, source: str, target: str, data: float = 0.0, **attrs: Any) -> None:
        """Add an edge ``source -> target`` carrying ``data`` units."""
        source, target = str(source), str(target)
        for t in (source, target):
            if t not in self.nx:
                raise GraphError(f"edge {_edge(source, target)} names unknown task {shorten(t)}")
        if source == target:
            raise GraphError(f"edge {_edge(source, target)} is a self-loop (a cycle)")
        if self.nx.has_edge(source, target):
            raise GraphError(f"duplicate edge {_edge(source, target)}")
        self.nx.add_edge(source, target, data=_data(data, source, target), **attrs)

    def add_tasks(
        self,
        tasks: Sequence[str],
        costs: Sequence[Any],
        attrs: Sequence[Mapping[str, Any]] | None = None,
    ) -> None:
        """Add the tasks ``tasks[k]``, as :meth:`add_task` would one by one: ``costs[k]`` is
        the task's cost (a number, ``None``: 0) or its list of per-worker costs, and
        ``attrs[k]`` its other attributes.

        Checked in bulk (all costs at once, in C loops) when every id is a text and every
        value plain: a graph read from a file is built this way. On a problem the tasks
        are added one by one, so the error is the one :meth:`add_task` gives, at the
        same task.

        Raises
        ------
        GraphError
            On a duplicate id or a bad cost.

        Examples
        --------
        >>> g = TaskGraph(); g.add_tasks(["a", "b"], [2, [1, 3]], [{"x": 1.0}, {}])
        >>> g.cost("a"), g.costs("b"), g.task_attrs("a")["x"]
        (2.0, [1.0, 3.0], 1.0)
        """
        n = len(tasks)
        if len(costs) != n or (attrs is not None and len(attrs) != n):
            raise ValueError("tasks, costs and attrs must have one entry per task")
        nodes = self.nx._node
        lists = [c for c in costs if type(c) is list]
        numbers = [0.0 if c is None else c for c in costs if type(c) is not list]
        fast = (
            set(map(type, tasks)) <= {str}
            and len(set(tasks)) == n
            and not any(map(nodes.__contains__, tasks))
            and len(lists) + len(numbers) == n
            and (not lists or (min(map(len, lists)) > 0 and max(map(len, lists)) <= MAX_WORKERS))
            and _all_plain(chain.from_iterable(lists), MAX_TIME)[0]
            and _all_plain(numbers, MAX_TIME)[0]
            and (attrs is None or not any("cost" in a or "costs" in a for a in attrs))
        )
        if not fast:
            for k in range(n):
                c = costs[k]
                islist = type(c) is list
                self.add_task(tasks[k], None if islist else c, costs=c if islist else None,
                              **(attrs[k] if attrs is not None else {}))
            return
        made = [
            {"costs": list(map(float, c))} if type(c) is list else {"cost": 0.0 if c is None else float(c)}
            for c in costs
        ]
        if attrs is not None:
            for d, a in zip(made, attrs):
                d.update(a)
        # networkx's own layout, without add_node's per-node calls
        succ, pred = self.nx._succ, self.nx._pred
        for t, d in zip(tasks, made):
            succ[t] = {}
            pred[t] = {}
            nodes[t] = d
        _clear_nx_cache(self.nx)

    def add_edges(
        self,
        sources: Sequence[str],
        targets: Sequence[str],
        data: Sequence[float],
        attrs: Sequence[Mapping[str, Any]] | None = None,
    ) -> None:
        """Add the edges ``sources[k] -> targets[k]`` carrying ``data[k]`` (and the
        attributes ``attrs[k]``), as :meth:`add_edge` would one by one.

        Checked in bulk (in C loops as far as it goes) when every value is plain: a
        graph read from a file is built this way. On a problem the edges are added one
        by one, so the error is the one :meth:`add_edge` gives, at the same edge.

        Raises
        ------
        GraphError
            On an unknown task, a self-loop, an edge given twice or a bad data volume.

        Examples
        --------
        >>> g = TaskGraph(); g.add_task("a"); g.add_task("b"); g.add_task("c")
        >>> g.add_edges(["a", "a"], ["b", "c"], [1, 2.5])
        >>> g.edges, g.data("a", "c")
        ([('a', 'b'), ('a', 'c')], 2.5)
        >>> g.add_edges(["b"], ["b"], [0])
        Traceback (most recent call last):
        ...
        model.graph.GraphError: edge 'b' -> 'b' is a self-loop (a cycle)
        """
        n = len(sources)
        if len(targets) != n or len(data) != n or (attrs is not None and len(attrs) != n):
            raise ValueError("sources, targets, data and attrs must have one entry per edge")
        nodes = self.nx._node
        succ, pred = self.nx._succ, self.nx._pred
        empty = not any(map(len, succ.values()))
        fast = (
            set(map(type, chain(sources, targets))) <= {str}
            and all(map(nodes.__contains__, sources))
            and all(map(nodes.__contains__, targets))
            and not any(map(operator.eq, sources, targets))
            # into a graph without edges, an edge given twice shows in the count afterwards
            and (empty or (len(set(zip(sources, targets))) == n
                           and not any(v in succ[u] for u, v in zip(sources, targets))))
            and _all_plain(data, MAX_DATA)[0]
        )
        if fast:
            if attrs is None:
                dicts = [{"data": float(d)} for d in data]
            else:
                dicts = [{"data": float(d), **a} for d, a in zip(data, attrs)]
            # networkx's own layout (one attribute dict shared by both directions), without
            # add_edges_from's per-edge dict copies: a 300,000-edge file is read in a third
            for u, v, dd in zip(sources, targets, dicts):
                succ[u][v] = dd
                pred[v][u] = dd
            _clear_nx_cache(self.nx)
            # (networkx's number_of_edges walks every node's degree in Python)
            if not empty or sum(map(len, succ.values())) == n:
                return
            self.nx.remove_edges_from(list(self.nx.edges))
        for k in range(n):
            self.add_edge(sources[k], targets[k], data[k], **(attrs[k] if attrs is not None else {}))

    def would_create_cycle(self, source: str, target: str) -> list[str] | None:
        """The cycle an edge ``source -> target`` would close, or ``None``.

        Examples
        --------
        >>> g = TaskGraph(); g.add_task("a"); g.add_task("b"); g.add_edge("a", "b")
        >>> g.would_create_cycle("b", "a")
        ['b', 'a', 'b']
        """
        if source == target:
            return [source, source]
        if source not in self.nx or target not in self.nx:
            return None
        try:
            path = nx.shortest_path(self.nx, target, source)
        except nx.NetworkXNoPath:
            return None
        return [source, *path]

    def remove_task(self, task: str) -> None:
        """Remove a task and its edges."""
        if task not in self.nx:
            raise GraphError(f"unknown task {shorten(task)}")
        self.nx.remove_node(task)

    def remove_edge(self, source: str, target: str) -> None:
        """Remove an edge."""
        if not self.nx.has_edge(source, target):
            raise GraphError(f"unknown edge {shorten(source)} -> {shorten(target)}")
        self.nx.remove_edge(source, target)

    def update_task(self, task: str, values: Mapping[str, Any] | None = None, remove: Iterable[str] = ()) -> None:
        """Remove the attributes ``remove`` of a task, then set ``values`` (an editor's edit;
        the editor checked them)."""
        a = self.task_attrs(task)
        for k in remove:
            a.pop(k, None)
        a.update(values or {})

    def update_edge(self, source: str, target: str, values: Mapping[str, Any] | None = None,
                    remove: Iterable[str] = ()) -> None:
        """Remove the attributes ``remove`` of an edge, then set ``values``."""
        if not self.nx.has_edge(source, target):
            raise GraphError(f"unknown edge {shorten(source)} -> {shorten(target)}")
        a = self.nx.edges[source, target]
        for k in remove:
            a.pop(k, None)
        a.update(values or {})

    def rename_task(self, old: str, new: str) -> None:
        """Rename a task, keeping its attributes, its edges and its place in the orders.

        Examples
        --------
        >>> g = TaskGraph(); g.add_task("a"); g.add_task("b"); g.add_edge("a", "b")
        >>> g.rename_task("a", "z"); g.tasks, g.edges
        (['z', 'b'], [('z', 'b')])
        """
        if old not in self.nx:
            raise GraphError(f"unknown task {shorten(old)}")
        if new in self.nx and new != old:
            raise GraphError(f"a task named {shorten(new)} already exists")
        self._rebuild(self.nx.nodes, self.nx.edges, {old: new})

    def reorder(self, tasks: Iterable[str], edges: Iterable[tuple[str, str]]) -> None:
        """Put the tasks and edges in the given order (those not named follow in their order).

        The order decides ties in topological orders and the order of a saved file: an
        undone removal restores it exactly.

        Examples
        --------
        >>> g = TaskGraph(); g.add_task("a"); g.add_task("b"); g.add_task("c")
        >>> g.reorder(["c", "a"], []); g.tasks
        ['c', 'a', 'b']
        """
        self._rebuild(tasks, edges, {})

    def _rebuild(self, tasks: Iterable[str], edges: Iterable[tuple[str, str]], rename: Mapping[str, str]) -> None:
        old = self.nx
        new = nx.DiGraph()
        new.graph.update(old.graph)
        for n in [*tasks, *old.nodes]:
            if n in old and rename.get(n, n) not in new:
                new.add_node(rename.get(n, n), **old.nodes[n])
        for u, v in [*edges, *old.edges]:
            if old.has_edge(u, v) and not new.has_edge(rename.get(u, u), rename.get(v, v)):
                new.add_edge(rename.get(u, u), rename.get(v, v), **old.edges[u, v])
        self.nx = new

    def copy(self) -> TaskGraph:
        """A deep-enough copy (attribute dicts and cost lists are copied).

        Task order and every task's successor and predecessor orders are kept exactly,
        so algorithms that iterate them break ties as on the original.

        Examples
        --------
        >>> g = TaskGraph(); g.add_task("a", 1); g.add_task("b", 2); g.add_edge("a", "b", 3)
        >>> h = g.copy(); h.nx.edges["a", "b"]["data"] = 5
        >>> g.data("a", "b"), h.data("a", "b")
        (3.0, 5.0)
        """
        g = TaskGraph(self.name, self.platform)
        g.network = self.network
        g.attrs = dict(self.attrs)

        def node_attrs(a: dict[str, Any]) -> dict[str, Any]:
            a2 = dict(a)
            if "costs" in a2:
                a2["costs"] = list(a2["costs"])
            return a2

        src = self.nx
        # hundreds of thousands of small dicts: the cyclic garbage collector would rescan
        # them again and again while a 100,000-task graph is snapshotted for a run
        with paused_collection():
            h = g.nx
            h.add_nodes_from((n, node_attrs(a)) for n, a in src.nodes(data=True))
            h.add_edges_from((u, v, dict(d)) for u, v, d in _edges_keeping_both_orders(src))
        return g

    # ------------------------------------------------------------------ reading
    @property
    def tasks(self) -> list[str]:
        """Task ids in insertion order."""
        return list(self.nx.nodes)

    @property
    def edges(self) -> list[tuple[str, str]]:
        """Edges as ``(source, target)`` pairs."""
        return list(self.nx.edges)

    def __len__(self) -> int:
        return int(self.nx.number_of_nodes())

    def __contains__(self, task: object) -> bool:
        return task in self.nx

    def __iter__(self) -> Iterator[str]:
        return iter(self.nx.nodes)

    def task_attrs(self, task: str) -> dict[str, Any]:
        """The attribute dict of a task (live; do not mutate outside an edit)."""
        try:
            return self.nx.nodes[task]  # type: ignore[no-any-return]
        except KeyError:
            raise GraphError(f"unknown task {shorten(task)}") from None

    def cost(self, task: str) -> float:
        """The work of a task: ``cost``, or the mean of ``costs``."""
        a = self.task_attrs(task)
        if "costs" in a:
            c = a["costs"]
            return float(sum(c)) / len(c)
        return float(a.get("cost", 0.0))

    def costs(self, task: str) -> list[float] | None:
        """The per-worker execution times of a task, or ``None`` for a plain cost."""
        c = self.task_attrs(task).get("costs")
        return None if c is None else list(c)

    def data(self, source: str, target: str) -> float:
        """The data volume of an edge."""
        try:
            return float(self.nx.edges[source, target].get("data", 0.0))
        except KeyError:
            raise GraphError(f"unknown edge {shorten(source)} -> {shorten(target)}") from None

    def predecessors(self, task: str) -> list[str]:
        """Direct predecessors of a task."""
        return list(self.nx.predecessors(task))

    def successors(self, task: str) -> list[str]:
        """Direct successors of a task."""
        return list(self.nx.successors(task))

    def topological_order(self) -> list[str]:
        """Tasks in a topological order (stable: ties in insertion order)."""
        self.check_acyclic()
        return list(nx.lexicographical_topological_sort(self.nx, key=self._order_key()))

    def _order_key(self) -> Any:
        pos = {n: i for i, n in enumerate(self.nx.nodes)}
        return pos.__getitem__

    def is_unrelated(self) -> bool:
        """Whether any task carries a per-worker ``costs`` list."""
        return any("costs" in a for _, a in self.nx.nodes(data=True))

    def pins(self) -> dict[str, str]:
        """The pinned tasks: task id -> the worker id it is fixed to (free tasks left out).

        A pin is the task attribute ``"pin"``, a worker id; absent or ``None`` means free.

        Examples
        --------
        >>> g = TaskGraph(); g.add_task("a"); g.add_task("b"); g.set_pin("b", "P2")
        >>> g.pins()
        {'b': 'P2'}
        """
        return {n: a["pin"] for n, a in self.nx.nodes(data=True) if a.get("pin") is not None}

    def pin(self, task: str) -> str | None:
        """The worker id ``task`` is pinned to, or ``None`` when it is free."""
        pin = self.task_attrs(task).get("pin")
        return None if pin is None else str(pin)

    def set_pin(self, task: str, worker: str | None) -> None:
        """Fix ``task`` to the worker id ``worker``, or free it with ``None``.

        The worker is checked against a platform by :meth:`validate`, since a graph
        may leave its workers to the command line or the app.

        Raises
        ------
        GraphError
            If the task is unknown or ``worker`` is not a non-empty text.
        """
        a = self.task_attrs(task)
        if worker is None:
            a.pop("pin", None)
            return
        a["pin"] = _check_pin(worker, task)

    def exec_time(self, task: str, worker_index: int, platform: Platform) -> float:
        """Execution time of ``task`` on worker number ``worker_index`` of ``platform``."""
        a = self.task_attrs(task)
        if "costs" in a:
            return float(a["costs"][worker_index])
        return float(a.get("cost", 0.0)) / platform.workers[worker_index].speed

    def precompiled(self, platform: Platform) -> Instance | None:
        """The compiled instance on ``platform`` when the graph was read straight into
        one (:mod:`model.formats.native_compiled`), else ``None``:
        :func:`~model.instance.compile_instance` then builds it."""
        return None

    def default_platform(self, workers: int | None = None) -> Platform:
        """The platform to map onto.

        ``workers`` (from the command line or GUI) wins over the graph's own worker list;
        without either, the length of the ``costs`` lists, else 2 workers.
        """
        if self.platform is not None:
            if workers is None or workers == len(self.platform):
                return self.platform
            return self.platform.with_workers(workers)
        if workers is None:
            for _, a in self.nx.nodes(data=True):
                if "costs" in a:
                    workers = len(a["costs"])
                    break
            else:
                workers = 2
        net = self.network or Network()
        return Platform.homogeneous(workers, bandwidth=net.bandwidth, latency=net.latency)

    # --------------------------------------------------------------- validation
    def check_acyclic(self) -> None:
        """Raise :class:`GraphError` naming a cycle if the graph has one."""
        if _is_acyclic(self.nx):
            return
        cyc = nx.find_cycle(self.nx)
        names = [u for u, _ in cyc] + [cyc[0][0]]
        raise GraphError("the graph has a cycle: " + " -> ".join(shorten(str(x))[1:-1] for x in names[:20])
                         + (" -> …" if len(names) > 20 else ""))

    def validate(self, platform: Platform | None = None) -> None:
        """Check the graph (and its fit to ``platform``); raise :class:`GraphError`.

        Checks acyclicity, numeric non-negative costs and data within :data:`MAX_TIME`
        and :data:`MAX_DATA`, that every ``costs`` list has one entry per worker, that
        every pin names a worker of the platform, and that no execution time (cost / speed
        of the slowest worker) or transfer time (latency + data / bandwidth of the slowest
        link) on the platform exceeds :data:`MAX_TIME`. Without ``platform`` the graph's
        own is used, else workers of speed 1 and the graph's network.
        """
        self.check_acyclic()
        plat = platform if platform is not None else self.platform
        try:
            if self._plainly_valid(plat):
                return
        except TypeError:  # a 'costs' that is no list: the checks below name it
            pass
        self._check_items(plat)

    def _plainly_valid(self, plat: Platform | None) -> bool:
        """Whether every check of :meth:`validate` but acyclicity passes, every value being
        plain (the fast path of big graphs: C loops over all values at once); ``False``
        sends the graph to :meth:`_check_items`, which names the problem."""
        attrs = list(self.nx._node.values())
        pins = set(map(_get_pin, attrs))
        pins.discard(None)
        if pins and not (all(type(p) is str and p.strip() for p in pins)
                         and (plat is None or pins <= set(plat.ids))):
            return False
        lists = [a["costs"] for a in attrs if "costs" in a]
        if lists:
            lengths = set(map(len, lists))
            if (len(lengths) > 1 or max(lengths) > MAX_WORKERS or (plat is not None and lengths != {len(plat)})
                    or not _all_plain(chain.from_iterable(lists), MAX_TIME)[0]):
                return False
        ok, longest = _all_plain([_get_cost(a) for a in attrs if "costs" not in a], MAX_TIME)
        slowest = min(w.speed for w in plat.workers) if plat is not None else 1.0
        if not ok or longest / slowest > MAX_TIME:
            return False
        ok, most = _all_plain(list(map(_get_data, chain.from_iterable(map(dict.values, self.nx._succ.values())))),
                              MAX_DATA)
        if not ok:
            return False
        net = plat.network if plat is not None else self.network or Network()
        if most > 0 and (plat is None or len(plat) > 1):
            links = list(net.links.values())
            if max([net.latency, *(x for _, x in links)]) + most / min([net.bandwidth, *(b for b, _ in links)]) > MAX_TIME:
                return False
        return True

    def _check_items(self, plat: Platform | None) -> None:
        """The checks of :meth:`validate` but acyclicity, item by item: the first problem is named."""
        ids = None if plat is None else plat.ids
        known = None if ids is None else set(ids)
        slowest = min(w.speed for w in plat.workers) if plat is not None else 1.0
        longest = 0.0  # longest execution time at speed 1, and its task
        longest_task = None
        for n, a in self.nx.nodes(data=True):
            pin = a.get("pin")
            if pin is not None:
                _check_pin(pin, n)
                if known is not None and pin not in known:
                    raise GraphError(
                        f"task {shorten(n)} is pinned to unknown worker {shorten(pin)} (workers: {_some(ids or [])})"
                    )
            if "costs" in a:
                cl = a["costs"]
                _check_costs(n, len(cl))
                for i, c in enumerate(cl):
                    _time(c, n, i)
                if plat is not None and len(cl) != len(plat):
                    raise GraphError(
                        f"task {shorten(n)} has {len(cl)} costs but the platform has {len(plat)} workers"
                    )
            else:
                c = _time(a.get("cost", 0.0), n)
                if c > longest:
                    longest, longest_task = c, n
        most = 0.0  # largest data volume, and its edge
        most_edge = None
        for u, v, a in self.nx.edges(data=True):
            d = _data(a.get("data", 0.0), u, v)
            if d > most:
                most, most_edge = d, (u, v)
        if plat is None:
            lengths = {len(a["costs"]) for _, a in self.nx.nodes(data=True) if "costs" in a}
            if len(lengths) > 1:
                raise GraphError(f"tasks have 'costs' lists of different lengths: {sorted(lengths)}")
        if longest_task is not None and longest / slowest > MAX_TIME:
            raise GraphError(
                f"task {shorten(longest_task)} takes {longest / slowest:g} on the slowest worker "
                f"(cost {longest:g} / speed {slowest:g}; at most {MAX_TIME:g})"
            )
        net = plat.network if plat is not None else self.network or Network()
        if most_edge is not None and (plat is None or len(plat) > 1):
            links = list(net.links.values())
            bw = min([net.bandwidth, *(b for b, _ in links)])
            lat = max([net.latency, *(x for _, x in links)])
            t = lat + most / bw
            if t > MAX_TIME:
                u, v = most_edge
                raise GraphError(
                    f"edge {shorten(u)} -> {shorten(v)} takes {t:g} to transfer on the slowest link "
                    f"(data {most:g} / bandwidth {bw:g}; at most {MAX_TIME:g})"
                )

    def __repr__(self) -> str:
        return f"TaskGraph({self.name!r}, {len(self)} tasks, {self.nx.number_of_edges()} edges)"


def _is_acyclic(g: nx.DiGraph) -> bool:
    """Whether ``g`` has no cycle (Kahn's algorithm on networkx's adjacency dicts)."""
    indeg = dict(zip(g._pred, map(len, g._pred.values())))
    ready = [n for n, k in indeg.items() if k == 0]
    succ = g._succ
    for u in ready:
        for v in succ[u]:
            k = indeg[v] - 1
            indeg[v] = k
            if k == 0:
                ready.append(v)
    return len(ready) == len(indeg)


def _clear_nx_cache(g: nx.DiGraph) -> None:
    """Drop what networkx caches about ``g`` (as its own methods do on a change)."""
    cache = getattr(g, "__networkx_cache__", None)
    if cache:
        cache.clear()


def _edges_keeping_both_orders(g: nx.DiGraph) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """The edges of ``g`` in an order that rebuilds every successor *and* predecessor order.

    An edge is taken once it is first among the remaining successors of its source and
    first among the remaining predecessors of its target. The order in which the edges
    were inserted satisfies both, so on a graph built through networkx's API the merge
    takes every edge; adjacency orders edited by hand that no insertion order gives keep
    the successor order for the rest.
    """
    succ, pred = g.succ, g.pred
    # Adding the edges in successor order (tasks in order, each task's successors in
    # order) gives every task its predecessors in task order: when they already are, that
    # is the order (the usual case, checked in one pass)
    pos = {n: i for i, n in enumerate(g)}
    for nbrs in pred.values():
        if len(nbrs) > 1:
            ps = [pos[u] for u in nbrs]
            if ps != sorted(ps):
                break
    else:
        yield from g.edges(data=True)
        return
    names = list(g)
    s_list = [[pos[v] for v in succ[u]] for u in names]
    p_list = [[pos[u] for u in pred[v]] for v in names]
    s_at = [0] * len(names)  # next successor of each task to take
    p_at = [0] * len(names)  # next predecessor of each task to take
    todo = [(u, sl[0]) for u, sl in enumerate(s_list) if sl and p_list[sl[0]][0] == u]
    todo.reverse()
    done = 0
    while todo:
        u, v = todo.pop()
        yield names[u], names[v], succ[names[u]][names[v]]
        done += 1
        i = s_at[u] = s_at[u] + 1
        j = p_at[v] = p_at[v] + 1
        # the next predecessor of v, if it is also the next successor of its own source
        pl = p_list[v]
        if j < len(pl):
            x = pl[j]
            if s_list[x][s_at[x]] == v:
                todo.append((x, v))
        # the next successor of u, if it is also the next predecessor of its own target
        sl = s_list[u]
        if i < len(sl):
            w = sl[i]
            if p_list[w][p_at[w]] == u:
                todo.append((u, w))
    if done < g.number_of_edges():
        for u, sl in enumerate(s_list):
            for v in sl[s_at[u]:]:
                yield names[u], names[v], succ[names[u]][names[v]]
