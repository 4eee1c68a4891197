"""Undo commands of the graph editor: one :class:`QtGui.QUndoCommand` per edit.

Every change to the open :class:`~model.graph.TaskGraph` goes through one of these
commands, pushed on :attr:`gui.document.Document.undo_stack` by the ``Document`` edit
methods (which validate the input first). ``redo`` and ``undo`` mutate the graph and
then tell the document what changed, so the views redraw from its signals.

Removal and rename keep the insertion order of tasks and edges (it decides ties in
topological orders and the order of the saved file): undo restores the exact order.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import networkx as nx
from PySide6 import QtGui

from model.graph import Network, Platform, TaskGraph
from model.layout import BOX_GAP, LAYER_GAP, TASK_MAX_W, TASK_MIN_W, count_crossings, task_width
from model.layout import layered_layout as _model_layout

if TYPE_CHECKING:
    from gui.document import Document

__all__ = [
    "AddTaskCommand",
    "AutoLayoutCommand",
    "ConnectCommand",
    "MoveTasksCommand",
    "PasteCommand",
    "PlatformCommand",
    "RemoveCommand",
    "RenameTaskCommand",
    "SetCostsCommand",
    "SetEdgeDataCommand",
    "layered_layout",
]

Edge = tuple[str, str]
Pos = tuple[float, float]

#: spacing of the automatic layout, in scene units (the layout itself is model.layout)
NODE_GAP = TASK_MIN_W + BOX_GAP


def _copy_attrs(a: Mapping[str, Any]) -> dict[str, Any]:
    return copy.deepcopy(dict(a))


def _rebuild(graph: TaskGraph, node_order: Iterable[str], edge_order: Iterable[Edge],
             rename: Mapping[str, str] | None = None) -> None:
    """Rebuild ``graph.nx`` with the given node and edge order (then any others), optionally renaming."""
    old = graph.nx
    r = rename or {}
    new = nx.DiGraph()
    new.graph.update(old.graph)
    for n in node_order:
        if n in old and r.get(n, n) not in new:
            new.add_node(r.get(n, n), **old.nodes[n])
    for n in old:
        if r.get(n, n) not in new:
            new.add_node(r.get(n, n), **old.nodes[n])
    for u, v in edge_order:
        if old.has_edge(u, v):
            new.add_edge(r.get(u, u), r.get(v, v), **old.edges[u, v])
    for u, v, a in old.edges(data=True):
        if not new.has_edge(r.get(u, u), r.get(v, v)):
            new.add_edge(r.get(u, u), r.get(v, v), **a)
    graph.nx = new


class _Command(QtGui.QUndoCommand):
    def __init__(self, doc: Document, text: str) -> None:
        super().__init__(text)
        self.doc = doc

    @property
    def g(self) -> nx.DiGraph:
        return self.doc.graph.nx


class AddTaskCommand(_Command):
    """Add one task with its attributes (``cost`` or ``costs``, ``x``, ``y``, ...)."""

    def __init__(self, doc: Document, task: str, attrs: Mapping[str, Any]) -> None:
        super().__init__(doc, f"add task {task}")
        self.task = task
        self.attrs = _copy_attrs(attrs)

    def redo(self) -> None:
        self.g.add_node(self.task, **_copy_attrs(self.attrs))
        self.doc._notify_graph()

    def undo(self) -> None:
        self.g.remove_node(self.task)
        self.doc._notify_graph()


class RemoveCommand(_Command):
    """Remove tasks (with all their edges) and edges; undo restores them in their order."""

    def __init__(self, doc: Document, tasks: Iterable[str], edges: Iterable[Edge] = ()) -> None:
        g = doc.graph.nx
        self.tasks = [t for t in dict.fromkeys(tasks) if t in g]
        ts = set(self.tasks)
        edge_set = {e for e in edges if g.has_edge(*e)}
        self.edges = [(u, v) for u, v in g.edges if (u, v) in edge_set or u in ts or v in ts]
        n_t, n_e = len(self.tasks), len(self.edges)
        what = (f"{n_t} task{'s' * (n_t != 1)}" if n_t else f"{n_e} edge{'s' * (n_e != 1)}")
        super().__init__(doc, f"delete {what}")
        self.task_attrs = {t: _copy_attrs(g.nodes[t]) for t in self.tasks}
        self.edge_attrs = {e: _copy_attrs(g.edges[e]) for e in self.edges}
        self.node_order: list[str] = []
        self.edge_order: list[Edge] = []

    def redo(self) -> None:
        self.node_order = list(self.g.nodes)
        self.edge_order = list(self.g.edges)
        self.g.remove_edges_from(self.edges)
        self.g.remove_nodes_from(self.tasks)
        self.doc._notify_graph()

    def undo(self) -> None:
        for t in self.tasks:
            self.g.add_node(t, **_copy_attrs(self.task_attrs[t]))
        for e in self.edges:
            self.g.add_edge(*e, **_copy_attrs(self.edge_attrs[e]))
        _rebuild(self.doc.graph, self.node_order, self.edge_order)
        self.doc._notify_graph()


class MoveTasksCommand(_Command):
    """Move tasks to new positions; consecutive moves of the same tasks merge into one step."""

    ID = 1001

    def __init__(self, doc: Document, old: Mapping[str, Pos | None], new: Mapping[str, Pos],
                 text: str | None = None) -> None:
        n = len(new)
        super().__init__(doc, text or (f"move {next(iter(new))}" if n == 1 else f"move {n} tasks"))
        self.old = dict(old)
        self.new = dict(new)

    def id(self) -> int:
        return self.ID

    def mergeWith(self, other: QtGui.QUndoCommand) -> bool:
        if not isinstance(other, MoveTasksCommand) or other.id() != self.id():
            return False
        if set(other.new) != set(self.new):
            return False
        self.new = dict(other.new)
        return True

    def _apply(self, pos: Mapping[str, Pos | None]) -> None:
        g = self.g
        for t, p in pos.items():
            if t not in g:
                continue
            a = g.nodes[t]
            if p is None:
                a.pop("x", None)
                a.pop("y", None)
            else:
                a["x"], a["y"] = float(p[0]), float(p[1])
        self.doc._notify_positions(list(pos))

    def redo(self) -> None:
        self._apply(self.new)

    def undo(self) -> None:
        self._apply(self.old)


class AutoLayoutCommand(MoveTasksCommand):
    """Apply an automatic layout: positions and edge routes (one undo step, never merged with moves)."""

    ID = 1002

    def __init__(
        self,
        doc: Document,
        old: Mapping[str, Pos | None],
        new: Mapping[str, Pos],
        old_routes: Mapping[Edge, Any] | None = None,
        new_routes: Mapping[Edge, Any] | None = None,
    ) -> None:
        super().__init__(doc, old, new, text="automatic layout")
        self.old_routes = {e: copy.deepcopy(r) for e, r in (old_routes or {}).items()}
        self.new_routes = {e: copy.deepcopy(r) for e, r in (new_routes or {}).items()}

    def mergeWith(self, other: QtGui.QUndoCommand) -> bool:
        return False

    def _set_routes(self, routes: Mapping[Edge, Any]) -> None:
        g = self.g
        for (u, v), r in routes.items():
            if not g.has_edge(u, v):
                continue
            a = g.edges[u, v]
            if r is None:
                a.pop("route", None)
            else:
                a["route"] = copy.deepcopy(r)

    def redo(self) -> None:
        self._set_routes(self.new_routes)  # before the positions: the views redraw on their signal
        self._apply(self.new)

    def undo(self) -> None:
        self._set_routes(self.old_routes)
        self._apply(self.old)


class ConnectCommand(_Command):
    """Add an edge ``source -> target`` (the document checked it closes no cycle)."""

    def __init__(self, doc: Document, source: str, target: str, attrs: Mapping[str, Any]) -> None:
        super().__init__(doc, f"connect {source} -> {target}")
        self.edge = (source, target)
        self.attrs = _copy_attrs(attrs)

    def redo(self) -> None:
        self.g.add_edge(*self.edge, **_copy_attrs(self.attrs))
        self.doc._notify_graph()

    def undo(self) -> None:
        self.g.remove_edge(*self.edge)
        self.doc._notify_graph()


class SetCostsCommand(_Command):
    """Set the ``cost`` or the per-worker ``costs`` of tasks (switching between the two is allowed).

    ``new`` maps a task to ``{"cost": c}`` or ``{"costs": [...]}``.
    """

    def __init__(self, doc: Document, new: Mapping[str, Mapping[str, Any]], text: str | None = None) -> None:
        n = len(new)
        super().__init__(doc, text or (f"set cost of {next(iter(new))}" if n == 1 else f"set cost of {n} tasks"))
        g = doc.graph.nx
        self.new = {t: _copy_attrs(a) for t, a in new.items()}
        self.old = {t: {k: copy.deepcopy(g.nodes[t][k]) for k in ("cost", "costs") if k in g.nodes[t]}
                    for t in new}

    def _apply(self, vals: Mapping[str, Mapping[str, Any]]) -> None:
        for t, a in vals.items():
            node = self.g.nodes[t]
            node.pop("cost", None)
            node.pop("costs", None)
            node.update(_copy_attrs(a))
        self.doc._notify_graph()

    def redo(self) -> None:
        self._apply(self.new)

    def undo(self) -> None:
        self._apply(self.old)


class SetEdgeDataCommand(_Command):
    """Set the data volume of edges."""

    def __init__(self, doc: Document, new: Mapping[Edge, float]) -> None:
        n = len(new)
        e0 = next(iter(new))
        super().__init__(doc, f"set data of {e0[0]} -> {e0[1]}" if n == 1 else f"set data of {n} edges")
        g = doc.graph.nx
        self.new = dict(new)
        self.old = {e: g.edges[e].get("data") for e in new}

    def _apply(self, vals: Mapping[Edge, float | None]) -> None:
        for e, d in vals.items():
            a = self.g.edges[e]
            if d is None:
                a.pop("data", None)
            else:
                a["data"] = float(d)
        self.doc._notify_graph()

    def redo(self) -> None:
        self._apply(self.new)

    def undo(self) -> None:
        self._apply(self.old)


class RenameTaskCommand(_Command):
    """Rename a task; its edges, attributes and place in the order are kept."""

    def __init__(self, doc: Document, old: str, new: str) -> None:
        super().__init__(doc, f"rename {old} to {new}")
        self.old_id, self.new_id = old, new

    def _rename(self, a: str, b: str) -> None:
        g = self.doc.graph
        _rebuild(g, list(g.nx.nodes), list(g.nx.edges), {a: b})
        self.doc._notify_graph(renamed=(a, b))

    def redo(self) -> None:
        self._rename(self.old_id, self.new_id)

    def undo(self) -> None:
        self._rename(self.new_id, self.old_id)


class PasteCommand(_Command):
    """Add several tasks and the edges between them (paste, duplicate)."""

    def __init__(self, doc: Document, tasks: Mapping[str, Mapping[str, Any]],
                 edges: Mapping[Edge, Mapping[str, Any]], text: str = "paste") -> None:
        n = len(tasks)
        super().__init__(doc, f"{text} {n} task{'s' * (n != 1)}")
        self.tasks = {t: _copy_attrs(a) for t, a in tasks.items()}
        self.edges = {e: _copy_attrs(a) for e, a in edges.items()}

    def redo(self) -> None:
        for t, a in self.tasks.items():
            self.g.add_node(t, **_copy_attrs(a))
        for e, a in self.edges.items():
            self.g.add_edge(*e, **_copy_attrs(a))
        self.doc._notify_graph()

    def undo(self) -> None:
        self.g.remove_nodes_from(list(self.tasks))
        self.doc._notify_graph()


class PlatformCommand(_Command):
    """Replace the platform (workers, speeds, network).

    When the number of workers changes, per-worker ``costs`` lists are cut or extended
    (a new worker gets the task's mean time) so the graph stays valid; undo restores them.
    """

    def __init__(self, doc: Document, platform: Platform, text: str = "edit platform") -> None:
        super().__init__(doc, text)
        g = doc.graph
        self.old = (g.platform, g.network)
        self.new = (platform, platform.network)
        m = len(platform)
        self.old_costs: dict[str, list[float]] = {}
        self.new_costs: dict[str, list[float]] = {}
        for t, a in g.nx.nodes(data=True):
            c = a.get("costs")
            if c is not None and len(c) != m:
                mean = float(sum(c)) / len(c)
                self.old_costs[t] = list(c)
                self.new_costs[t] = list(c[:m]) + [mean] * max(0, m - len(c))

    def _apply(self, plat: tuple[Platform | None, Network | None], costs: Mapping[str, list[float]]) -> None:
        g = self.doc.graph
        g.platform, g.network = plat
        for t, c in costs.items():
            g.nx.nodes[t]["costs"] = list(c)
        self.doc._notify_platform(graph_too=bool(costs))

    def redo(self) -> None:
        self._apply(self.new, self.new_costs)

    def undo(self) -> None:
        self._apply(self.old, self.old_costs)


# ---------------------------------------------------------------------- layout
def layered_layout(graph: TaskGraph, *, sweeps: int | None = None) -> dict[str, Pos]:
    """Task positions of the automatic layout (:func:`model.layout.layered_layout`)."""
    return _model_layout(graph, sweeps=sweeps).positions


__all__ += ["BOX_GAP", "LAYER_GAP", "TASK_MAX_W", "TASK_MIN_W", "count_crossings", "task_width"]
