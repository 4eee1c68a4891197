"""A native task graph read straight into the compiled :class:`~model.instance.Instance` of a run.

``taskmapper schedule`` needs the graph only as arrays: the cost matrix, the edges in
CSR form, the pins. :func:`compiled_graph_from_dict` makes them from the parsed JSON in
bulk (C loops and numpy over all tasks and edges at once) and gives a
:class:`CompiledGraph`, a :class:`~model.graph.TaskGraph` whose networkx graph is built
only when something asks for it (an edit, a pin from the command line, a query the
arrays do not answer). Until then :func:`~model.instance.compile_instance` returns the
instance made here for the platform it was made for.

The arrays are made only when every value is plainly valid: the same checks as the
reader and :meth:`TaskGraph.validate <model.graph.TaskGraph.validate>`, with no message
of their own. Anything else (a bad value, an unknown task in an edge, a cycle, ids that
are numbers) gives ``None`` from :func:`compiled_graph_from_dict`, and the caller reads
the document the usual way, whose checks name the problem.
"""

from __future__ import annotations

import operator
from itertools import chain, repeat
from operator import itemgetter, methodcaller
from typing import Any

import numpy as np

from ..gcpause import paused_collection
from ..graph import MAX_DATA, MAX_TIME, MAX_WORKERS, Network, Platform, TaskGraph
from ..instance import Instance, assemble_instance, topological_order
from .native import _TOP_RESERVED, GRAPH_FORMAT, _check_header, _name, _platform_from, _texts, graph_from_dict

__all__ = ["CompiledGraph", "compiled_graph_from_dict"]

_NUMBER_TYPES = frozenset((int, float))
_get_data = methodcaller("get", "data", 0.0)
_get_cost = methodcaller("get", "cost", 0.0)
_get_pin = methodcaller("get", "pin")


class CompiledGraph(TaskGraph):
    """A task graph read as arrays, its networkx graph built on first use.

    Made by :func:`compiled_graph_from_dict`. While :attr:`nx` has not been asked for,
    :meth:`precompiled` gives the instance read from the file, and the length and the
    task ids come from it; the first use of :attr:`nx` reads the kept document into a
    full graph (the same one :func:`~model.formats.native.graph_from_dict` gives), and
    from then on the graph behaves as any other.
    """

    def __init__(self, doc: dict[str, Any], name: str, platform: Platform | None, network: Network | None,
                 inst: Instance, inst_platform: Platform, first_costs: int | None) -> None:
        self._first_costs = first_costs
        self._doc: dict[str, Any] | None = doc
        self._inst: Instance | None = inst
        self._inst_platform = inst_platform
        self._graph: Any = None
        self._made = False
        super().__init__(name, platform)
        self._made = True
        self.network = network
        self.attrs.update({k: v for k, v in doc.items() if k not in _TOP_RESERVED})

    @property
    def nx(self) -> Any:
        """The networkx graph, read from the kept document on first use."""
        if self._graph is None:
            doc, self._doc, self._inst = self._doc, None, None
            assert doc is not None
            self._graph = graph_from_dict(doc).nx
        return self._graph

    @nx.setter
    def nx(self, value: Any) -> None:
        if not self._made:
            return  # TaskGraph.__init__'s empty graph: the document's is made on first use
        self._doc, self._inst, self._graph = None, None, value

    @property
    def materialised(self) -> bool:
        """Whether the networkx graph has been built (the arrays are then no longer used)."""
        return self._inst is None

    def precompiled(self, platform: Platform) -> Instance | None:
        """The instance read from the file, when ``platform`` is the one it was made for
        and the networkx graph was never asked for (nothing can have changed)."""
        inst, made_for = self._inst, self._inst_platform
        if inst is None:
            return None
        if platform is made_for or (platform == made_for and platform.network.links == made_for.network.links
                                    and [w.speed for w in platform.workers] == [w.speed for w in made_for.workers]):
            return inst
        return None

    def default_platform(self, workers: int | None = None) -> Platform:
        """:meth:`TaskGraph.default_platform`, from the arrays while they are in use."""
        if self._inst is None:
            return super().default_platform(workers)
        made = _run_platform(self.platform, self.network, self._first_costs, workers)
        return self._inst_platform if made == self._inst_platform and self.precompiled(made) is not None else made

    def __len__(self) -> int:
        return self._inst.n if self._inst is not None else super().__len__()

    @property
    def tasks(self) -> list[str]:
        """Task ids in insertion order."""
        return list(self._inst.tasks) if self._inst is not None else super().tasks


def _run_platform(plat: Platform | None, network: Network | None, first_costs: int | None,
                  workers: int | None) -> Platform:
    """What :meth:`TaskGraph.default_platform` gives for the graph being read."""
    if plat is not None:
        if workers is None or workers == len(plat):
            return plat
        return plat.with_workers(workers)
    if workers is None:
        workers = first_costs if first_costs is not None else 2
    net = network or Network()
    return Platform.homogeneous(workers, bandwidth=net.bandwidth, latency=net.latency)


def _plain_numbers(values: list[Any], maximum: float) -> np.ndarray | None:
    """``values`` as floats when every one is a plain int or float from 0 to ``maximum``."""
    if not _NUMBER_TYPES.issuperset(map(type, values)):
        return None
    try:
        a = np.array(values, dtype=float)
    except (OverflowError, ValueError):
        return None
    if len(a) and not (np.isfinite(a).all() and a.min() >= 0.0 and a.max() <= maximum):
        return None
    return a


def compiled_graph_from_dict(d: Any, workers: int | None = None) -> CompiledGraph | None:
    """The :class:`CompiledGraph` of a parsed ``taskmapper-graph`` document, its instance
    made for the platform ``default_platform(workers)`` gives; ``None`` when a value
    needs the usual reader's attention (see the module description).

    Raises
    ------
    GraphError
        On a bad header, name, worker list or network: the same message the usual
        reader gives, which checks them first too.

    Examples
    --------
    >>> g = compiled_graph_from_dict({"format": "taskmapper-graph", "version": 1,
    ...     "tasks": [{"id": "a", "cost": 1}, {"id": "b", "cost": 2}],
    ...     "edges": [{"source": "a", "target": "b", "data": 3}]})
    >>> inst = g.precompiled(g.default_platform())
    >>> inst.w.tolist(), inst.preds
    ([[1.0, 1.0], [2.0, 2.0]], [[], [0]])
    >>> compiled_graph_from_dict({"format": "taskmapper-graph", "version": 1,
    ...     "tasks": [{"id": "a"}], "edges": [{"source": "a", "target": "a"}]}) is None
    True
    """
    _check_header(d, GRAPH_FORMAT)
    plat, network = _platform_from(d)
    name = _name(d, "untitled")
    with paused_collection():
        made = _arrays(d, plat, network, workers)
    if made is None:
        return None
    inst, run_platform, first_costs = made
    return CompiledGraph(d, name, plat, network, inst, run_platform, first_costs)


def _arrays(d: dict[str, Any], plat: Platform | None, network: Network | None,
            workers: int | None) -> tuple[Instance, Platform, int | None] | None:
    tasks_d = d.get("tasks")
    edges_d = d.get("edges", [])
    if type(tasks_d) is not list or type(edges_d) is not list:
        return None
    n, e = len(tasks_d), len(edges_d)
    # -- tasks: plain objects with a text id, unique
    if not (set(map(type, tasks_d)) <= {dict} and all(map(operator.contains, tasks_d, repeat("id")))):
        return None
    ids = list(map(itemgetter("id"), tasks_d))
    if not _texts(ids):
        return None
    index = dict(zip(ids, range(n)))
    if len(index) != n:
        return None
    # -- costs: a list of per-worker times, or a cost (never both, never null)
    has_list = list(map(operator.contains, tasks_d, repeat("costs")))
    listed = [t for t, h in zip(tasks_d, has_list) if h] if not all(has_list) else tasks_d
    lists = list(map(itemgetter("costs"), listed))
    if lists and (set(map(type, lists)) != {list} or any(map(operator.contains, listed, repeat("cost")))):
        return None
    lengths = set(map(len, lists))
    if lists and (len(lengths) > 1 or min(lengths) == 0 or max(lengths) > MAX_WORKERS
                  or (plat is not None and lengths != {len(plat)})):
        return None
    first_costs = len(lists[0]) if lists else None
    run = _run_platform(plat, network, first_costs, workers)
    m = len(run)
    if lists and lengths != {m}:
        return None
    speeds = np.array([wk.speed for wk in run.workers], dtype=float)
    w = np.empty((n, m))
    if lists:
        flat = _plain_numbers(list(chain.from_iterable(lists)), MAX_TIME)
        if flat is None:
            return None
        if len(lists) == n:
            w = flat.reshape(n, m)
        else:
            w[np.flatnonzero(has_list)] = flat.reshape(len(lists), m)
    if len(lists) < n:
        plain = np.flatnonzero(~np.array(has_list, dtype=bool))
        costs = [_get_cost(tasks_d[i]) for i in plain.tolist()]
        if None in costs:
            return None
        cost = _plain_numbers(costs, MAX_TIME)
        if cost is None:
            return None
        # the file's platform (or speed 1) bounds an execution time, as the reader's check does
        slowest = min(wk.speed for wk in plat.workers) if plat is not None else 1.0
        if len(cost) and cost.max() / slowest > MAX_TIME:
            return None
        w[plain] = cost[:, None] / speeds[None, :]
    # -- pins: a worker id (a non-blank text) of the file's and of the run's platform
    pins = list(map(_get_pin, tasks_d))
    pin = np.full(n, -1, dtype=np.int64)
    given = set(pins)
    given.discard(None)
    if given:
        if not (all(type(p) is str and p.strip() for p in given)
                and (plat is None or given <= set(plat.ids)) and given <= set(run.ids)):
            return None
        windex = {wid: p for p, wid in enumerate(run.ids)}
        for i, where in enumerate(pins):
            if where is not None:
                pin[i] = windex[where]
    # -- edges: plain objects between known tasks, no self-loop, none twice, plain data
    if e and not (set(map(type, edges_d)) <= {dict} and all(map(operator.contains, edges_d, repeat("source")))
                  and all(map(operator.contains, edges_d, repeat("target")))):
        return None
    try:
        src = np.fromiter(map(index.__getitem__, map(itemgetter("source"), edges_d)), np.int64, count=e)
        dst = np.fromiter(map(index.__getitem__, map(itemgetter("target"), edges_d)), np.int64, count=e)
    except (KeyError, TypeError):
        return None
    data = _plain_numbers(list(map(_get_data, edges_d)), MAX_DATA)
    if data is None or (src == dst).any():
        return None
    if e:
        key = np.sort(src * n + dst)
        if (key[1:] == key[:-1]).any():
            return None
        # a transfer on the file's network must stay within the longest time
        net = plat.network if plat is not None else network or Network()
        most = float(data.max())
        if most > 0 and (plat is None or len(plat) > 1):
            links = list(net.links.values())
            if (max([net.latency, *(x for _, x in links)]) + most / min([net.bandwidth, *(b for b, _ in links)])
                    > MAX_TIME):
                return None
    # successors: source by source in task order, each one's targets in the file's order
    by_source = np.argsort(src, kind="stable")
    succ_idx = dst[by_source]
    succ_dat = data[by_source]
    succ_ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(src, minlength=n), out=succ_ptr[1:])
    order = topological_order(n, succ_ptr, succ_idx)
    if len(order) < n:
        return None
    return assemble_instance(ids, run, w, succ_ptr, succ_idx, succ_dat, order, pin), run, first_costs
