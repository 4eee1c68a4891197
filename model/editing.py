"""The rules of editing a task graph by hand: fresh ids, checked values, pasted snippets.

An editor validates every edit with these functions before it changes the graph, so a
refused edit leaves the graph untouched and the message names the offending item
(:class:`~model.graph.GraphError`). Nothing here mutates its inputs.

A *snippet* is the JSON-ready form of some tasks and the edges among them, as put on
the clipboard by a copy (``{"format": SNIPPET_FORMAT, "version": 1, "tasks": [...],
"edges": [...]}``).
"""

from __future__ import annotations

import copy
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from .graph import GraphError, TaskGraph, check_number

__all__ = [
    "DEFAULT_COST",
    "SNIPPET_FORMAT",
    "Paste",
    "cost_attrs",
    "cycle_message",
    "default_cost_attrs",
    "fit_costs",
    "new_task_id",
    "next_task_id",
    "paste_plan",
    "position",
    "resized_costs",
    "snippet",
]

#: the ``format`` of the JSON snippet put on the clipboard by copy
SNIPPET_FORMAT = "taskmapper-snippet"
#: the cost of a new task
DEFAULT_COST = 10.0

Edge = tuple[str, str]
Pos = tuple[float, float]


def position(graph: TaskGraph, task: str) -> Pos | None:
    """The editor position (``x``, ``y``) of a task, or ``None`` when it has none (or a bad one).

    Examples
    --------
    >>> g = TaskGraph(); g.add_task("a", x=3, y=4); g.add_task("b")
    >>> position(g, "a"), position(g, "b")
    ((3.0, 4.0), None)
    """
    a = graph.task_attrs(task)
    if "x" in a and "y" in a:
        try:
            x, y = float(a["x"]), float(a["y"])
        except (TypeError, ValueError):
            return None
        return (x, y) if math.isfinite(x) and math.isfinite(y) else None
    return None


def next_task_id(graph: TaskGraph, base: str | None = None, also: Iterable[str] = ()) -> str:
    """A fresh task id: ``base`` when free, else its prefix with the next free number.

    ``also`` lists ids taken besides the graph's (a paste in progress).

    Examples
    --------
    >>> g = TaskGraph(); g.add_task("n1"); g.add_task("t7")
    >>> next_task_id(g), next_task_id(g, "t7"), next_task_id(g, "x")
    ('n2', 't8', 'x')
    """
    g = graph.nx
    others = set(also)
    if base is not None and base not in g and base not in others:
        return base
    prefix = "n"
    if base:
        m = re.match(r"^(.*?)(\d*)$", base)
        prefix = m.group(1) if m and m.group(1) else base
    used = set()
    pat = re.compile(re.escape(prefix) + r"(\d+)$")
    for t in [*g.nodes, *others]:
        mm = pat.match(str(t))
        if mm:
            used.add(int(mm.group(1)))
    k = 1 + max(used, default=0)
    while f"{prefix}{k}" in g or f"{prefix}{k}" in others:
        k += 1
    return f"{prefix}{k}"


def new_task_id(graph: TaskGraph, task: Any) -> str:
    """``task`` as the id of a new task, stripped; refused when empty or taken.

    Examples
    --------
    >>> new_task_id(TaskGraph(), " a ")
    'a'
    """
    tid = str(task).strip()
    if not tid:
        raise GraphError("a task id cannot be empty")
    if tid in graph.nx:
        raise GraphError(f"a task named {tid!r} already exists")
    return tid


def cost_attrs(task: str, cost: Any, costs: Any, workers: int) -> dict[str, Any]:
    """The checked ``{"cost": c}`` or ``{"costs": [...]}`` of ``task`` (``costs`` wins when given).

    Raises
    ------
    GraphError
        A value is not a finite non-negative number, or ``costs`` has not one entry per worker.

    Examples
    --------
    >>> cost_attrs("a", 3, None, 2), cost_attrs("a", None, [1, 2], 2)
    ({'cost': 3.0}, {'costs': [1.0, 2.0]})
    """
    if costs is not None:
        cl = [check_number(c, f"cost #{i + 1} of task {task!r}") for i, c in enumerate(costs)]
        if len(cl) != workers:
            raise GraphError(f"task {task!r} needs {workers} costs (one per worker), got {len(cl)}")
        return {"costs": cl}
    return {"cost": check_number(cost, f"cost of task {task!r}")}


def default_cost_attrs(graph: TaskGraph, workers: int) -> dict[str, Any]:
    """The cost of a new task: per-worker times when the graph's tasks have them."""
    if graph.is_unrelated():
        return {"costs": [DEFAULT_COST] * workers}
    return {"cost": DEFAULT_COST}


def resized_costs(costs: Sequence[float], workers: int) -> list[float]:
    """Per-worker times cut to ``workers`` entries, or extended with their mean.

    Examples
    --------
    >>> resized_costs([2, 4], 3), resized_costs([2, 4, 9], 2)
    ([2, 4, 3.0], [2, 4])
    """
    return list(costs[:workers]) + [float(sum(costs)) / len(costs)] * max(0, workers - len(costs))


def fit_costs(graph: TaskGraph, workers: int) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """The per-worker cost lists that must change for ``workers`` workers: ``(old, new)`` by task."""
    old: dict[str, list[float]] = {}
    new: dict[str, list[float]] = {}
    for t, a in graph.nx.nodes(data=True):
        c = a.get("costs")
        if c is not None and len(c) != workers:
            old[t] = list(c)
            new[t] = resized_costs(c, workers)
    return old, new


def cycle_message(graph: TaskGraph, source: str, target: str) -> str | None:
    """Why the edge ``source -> target`` cannot be added, or ``None`` if it can.

    Examples
    --------
    >>> g = TaskGraph(); g.add_task("a"); g.add_task("b"); g.add_edge("a", "b")
    >>> cycle_message(g, "b", "a")
    'connecting b -> a would close the cycle a -> b -> a'
    >>> cycle_message(g, "a", "b")
    'the edge a -> b already exists'
    """
    for t in (source, target):
        if t not in graph:
            return f"unknown task {t!r}"
    if source == target:
        return f"connecting {source} to itself would close the cycle {source} -> {source}"
    if graph.nx.has_edge(source, target):
        return f"the edge {source} -> {target} already exists"
    cyc = graph.would_create_cycle(source, target)
    if cyc:
        # start the cycle at the target: target -> ... -> source -> target
        loop = [*cyc[1:], cyc[1]]
        return f"connecting {source} -> {target} would close the cycle {' -> '.join(loop)}"
    return None


def snippet(graph: TaskGraph, tasks: Iterable[str]) -> dict[str, Any]:
    """The snippet of ``tasks`` (unknown ones skipped) and the edges among them.

    Examples
    --------
    >>> g = TaskGraph(); g.add_task("a", 1); g.add_task("b", 2); g.add_edge("a", "b", 3)
    >>> s = snippet(g, ["a", "b"])
    >>> s["tasks"], s["edges"]
    ([{'id': 'a', 'cost': 1.0}, {'id': 'b', 'cost': 2.0}], [{'source': 'a', 'target': 'b', 'data': 3.0}])
    """
    g = graph.nx
    ts = [t for t in dict.fromkeys(tasks) if t in g]
    s = set(ts)
    return {
        "format": SNIPPET_FORMAT,
        "version": 1,
        "tasks": [{"id": t, **copy.deepcopy(dict(g.nodes[t]))} for t in ts],
        "edges": [{"source": u, "target": v, **copy.deepcopy(dict(a))}
                  for u, v, a in g.edges(data=True) if u in s and v in s],
    }


@dataclass(frozen=True)
class Paste:
    """The tasks and edges a paste adds: fresh ids, checked attributes, shifted positions."""

    tasks: dict[str, dict[str, Any]]
    edges: dict[Edge, dict[str, Any]]


def paste_plan(graph: TaskGraph, snip: Any, offset: Pos, workers: int, *, explicit_workers: bool) -> Paste:
    """What pasting the snippet ``snip`` into ``graph`` adds.

    Pasted ids that are taken get the next free number; costs are checked like a file's;
    per-worker times are fitted to ``workers`` when the worker count is fixed
    (``explicit_workers``: the graph names its workers or has per-worker times), else the
    first pasted list decides it. Positions are shifted by ``offset``.

    Raises
    ------
    GraphError
        If ``snip`` is not a task snippet or holds invalid tasks.

    Examples
    --------
    >>> g = TaskGraph(); g.add_task("a", 1, x=0, y=0)
    >>> p = paste_plan(g, snippet(g, ["a"]), (30.0, 30.0), 2, explicit_workers=False)
    >>> p.tasks
    {'a1': {'x': 30.0, 'y': 30.0, 'cost': 1.0}}
    """
    if not isinstance(snip, dict) or snip.get("format") != SNIPPET_FORMAT:
        raise GraphError("the clipboard holds no TaskMapper tasks")
    tasks_d = snip.get("tasks")
    if not isinstance(tasks_d, list) or not tasks_d:
        raise GraphError("the clipboard snippet holds no tasks")
    m, explicit = workers, explicit_workers
    if not explicit:
        # the pasted per-worker times decide the worker count: all of them get the first one's length
        lengths = [len(td["costs"]) for td in tasks_d
                   if isinstance(td, dict) and isinstance(td.get("costs"), list) and td["costs"]]
        if lengths:
            m, explicit = lengths[0], True
    rename: dict[str, str] = {}
    new_tasks: dict[str, dict[str, Any]] = {}
    taken: set[str] = set()
    for k, td in enumerate(tasks_d):
        if not isinstance(td, dict) or "id" not in td:
            raise GraphError(f"pasted task #{k + 1} has no id")
        old = "" if td["id"] is None else str(td["id"]).strip()
        if not old:
            old = next_task_id(graph, also=taken)
        attrs = {kk: copy.deepcopy(vv) for kk, vv in td.items() if kk != "id"}
        probe = TaskGraph()  # validates cost/costs exactly like a file
        probe.add_task(old, attrs.pop("cost", None), costs=attrs.pop("costs", None))
        cattrs = dict(probe.task_attrs(old))
        if "costs" in cattrs and explicit and len(cattrs["costs"]) != m:
            cattrs["costs"] = resized_costs(cattrs["costs"], m)
        attrs.update(cattrs)
        nid = old if old not in graph.nx and old not in taken else next_task_id(graph, old, also=taken)
        taken.add(nid)
        rename[old] = nid
        try:
            x, y = float(attrs.get("x", 0.0)), float(attrs.get("y", 0.0))
        except (TypeError, ValueError):
            x = y = 0.0
        if not (math.isfinite(x) and math.isfinite(y)):
            x = y = 0.0
        attrs["x"], attrs["y"] = x + offset[0], y + offset[1]
        new_tasks[nid] = attrs
    new_edges: dict[Edge, dict[str, Any]] = {}
    for ed in snip.get("edges") or []:
        if not isinstance(ed, dict):
            continue
        u, v = rename.get(str(ed.get("source"))), rename.get(str(ed.get("target")))
        if u is None or v is None or u == v:
            continue
        a = {kk: copy.deepcopy(vv) for kk, vv in ed.items() if kk not in ("source", "target")}
        a["data"] = check_number(a.get("data", 0.0), f"data of edge {u!r} -> {v!r}")
        new_edges[(u, v)] = a
    return Paste(new_tasks, new_edges)

