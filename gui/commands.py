"""Undo commands of the graph editor: one :class:`QtGui.QUndoCommand` per edit.

Every change to the open :class:`~model.graph.TaskGraph` goes through one of these
commands, pushed on the document's undo stack by its edit methods (which validate the
input first, with :mod:`model.editing`). ``redo`` and ``undo`` change the graph through
its methods, then tell the document what changed through its public notifications, so
the views redraw from its signals.

Commands know the document only as an :class:`EditTarget` (this module does not import
the document). Removal and rename keep the insertion order of tasks and edges (it
decides ties in topological orders and the order of the saved file): undo restores the
exact order.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from typing import Any, Protocol

from PySide6 import QtGui

from model.editing import fit_costs
from model.graph import Network, Platform, TaskGraph

__all__ = [
    "AddTaskCommand",
    "AutoLayoutCommand",
    "ConnectCommand",
    "EditTarget",
    "MoveTasksCommand",
    "PasteCommand",
    "PlatformCommand",
    "RemoveCommand",
    "RenameTaskCommand",
    "SetCostsCommand",
    "SetEdgeDataCommand",
]

Edge = tuple[str, str]
Pos = tuple[float, float]


class EditTarget(Protocol):
    """What a command needs of the document: its graph and its change notifications."""

    @property
    def graph(self) -> TaskGraph: ...

    def writable_graph(self) -> TaskGraph: ...

    def notify_graph_changed(self, renamed: tuple[str, str] | None = None) -> None: ...

    def notify_positions_changed(self, tasks: list[str]) -> None: ...

    def notify_platform_changed(self, graph_too: bool = False) -> None: ...


def _copy_attrs(a: Mapping[str, Any]) -> dict[str, Any]:
    return copy.deepcopy(dict(a))


def _add_task(graph: TaskGraph, task: str, attrs: Mapping[str, Any]) -> None:
    a = _copy_attrs(attrs)
    graph.add_task(task, a.pop("cost", None), costs=a.pop("costs", None), **a)


def _add_edge(graph: TaskGraph, edge: Edge, attrs: Mapping[str, Any]) -> None:
    a = _copy_attrs(attrs)
    graph.add_edge(*edge, a.pop("data", 0.0), **a)


class _Command(QtGui.QUndoCommand):
    def __init__(self, doc: EditTarget, text: str) -> None:
        super().__init__(text)
        self.doc = doc

    @property
    def graph(self) -> TaskGraph:
        # the graph to change: never one a running job holds (Document.snapshot)
        return self.doc.writable_graph()


class AddTaskCommand(_Command):
    """Add one task with its attributes (``cost`` or ``costs``, ``x``, ``y``, ...)."""

    def __init__(self, doc: EditTarget, task: str, attrs: Mapping[str, Any]) -> None:
        super().__init__(doc, f"add task {task}")
        self.task = task
        self.attrs = _copy_attrs(attrs)

    def redo(self) -> None:
        _add_task(self.graph, self.task, self.attrs)
        self.doc.notify_graph_changed()

    def undo(self) -> None:
        self.graph.remove_task(self.task)
        self.doc.notify_graph_changed()


class RemoveCommand(_Command):
    """Remove tasks (with all their edges) and edges; undo restores them in their order."""

    def __init__(self, doc: EditTarget, tasks: Iterable[str], edges: Iterable[Edge] = ()) -> None:
        g = doc.graph
        self.tasks = [t for t in dict.fromkeys(tasks) if t in g]
        ts = set(self.tasks)
        edge_set = {e for e in edges if g.nx.has_edge(*e)}
        self.edges = [(u, v) for u, v in g.edges if (u, v) in edge_set or u in ts or v in ts]
        n_t, n_e = len(self.tasks), len(self.edges)
        what = (f"{n_t} task{'s' * (n_t != 1)}" if n_t else f"{n_e} edge{'s' * (n_e != 1)}")
        super().__init__(doc, f"delete {what}")
        self.task_attrs = {t: _copy_attrs(g.task_attrs(t)) for t in self.tasks}
        self.edge_attrs = {e: _copy_attrs(g.nx.edges[e]) for e in self.edges}
        self.node_order: list[str] = []
        self.edge_order: list[Edge] = []

    def redo(self) -> None:
        g = self.graph
        self.node_order = g.tasks
        self.edge_order = g.edges
        for e in self.edges:
            g.remove_edge(*e)
        for t in self.tasks:
            g.remove_task(t)
        self.doc.notify_graph_changed()

    def undo(self) -> None:
        g = self.graph
        for t in self.tasks:
            _add_task(g, t, self.task_attrs[t])
        for e in self.edges:
            _add_edge(g, e, self.edge_attrs[e])
        g.reorder(self.node_order, self.edge_order)
        self.doc.notify_graph_changed()


class MoveTasksCommand(_Command):
    """Move tasks to new positions; consecutive moves of the same tasks merge into one step."""

    ID = 1001

    def __init__(self, doc: EditTarget, old: Mapping[str, Pos | None], new: Mapping[str, Pos],
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
        g = self.graph
        for t, p in pos.items():
            if t not in g:
                continue
            if p is None:
                g.update_task(t, remove=("x", "y"))
            else:
                g.update_task(t, {"x": float(p[0]), "y": float(p[1])})
        self.doc.notify_positions_changed(list(pos))

    def redo(self) -> None:
        self._apply(self.new)

    def undo(self) -> None:
        self._apply(self.old)


class AutoLayoutCommand(MoveTasksCommand):
    """Apply an automatic layout: positions and edge routes (one undo step, never merged with moves)."""

    ID = 1002

    def __init__(
        self,
        doc: EditTarget,
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
        g = self.graph
        for (u, v), r in routes.items():
            if not g.nx.has_edge(u, v):
                continue
            if r is None:
                g.update_edge(u, v, remove=("route",))
            else:
                g.update_edge(u, v, {"route": copy.deepcopy(r)})

    def redo(self) -> None:
        self._set_routes(self.new_routes)  # before the positions: the views redraw on their signal
        self._apply(self.new)

    def undo(self) -> None:
        self._set_routes(self.old_routes)
        self._apply(self.old)


class ConnectCommand(_Command):
    """Add an edge ``source -> target`` (the document checked it closes no cycle)."""

    def __init__(self, doc: EditTarget, source: str, target: str, attrs: Mapping[str, Any]) -> None:
        super().__init__(doc, f"connect {source} -> {target}")
        self.edge = (source, target)
        self.attrs = _copy_attrs(attrs)

    def redo(self) -> None:
        _add_edge(self.graph, self.edge, self.attrs)
        self.doc.notify_graph_changed()

    def undo(self) -> None:
        self.graph.remove_edge(*self.edge)
        self.doc.notify_graph_changed()


class SetCostsCommand(_Command):
    """Set the ``cost`` or the per-worker ``costs`` of tasks (switching between the two is allowed).

    ``new`` maps a task to ``{"cost": c}`` or ``{"costs": [...]}``.
    """

    def __init__(self, doc: EditTarget, new: Mapping[str, Mapping[str, Any]], text: str | None = None) -> None:
        n = len(new)
        super().__init__(doc, text or (f"set cost of {next(iter(new))}" if n == 1 else f"set cost of {n} tasks"))
        g = doc.graph
        self.new = {t: _copy_attrs(a) for t, a in new.items()}
        self.old = {t: {k: copy.deepcopy(v) for k, v in g.task_attrs(t).items() if k in ("cost", "costs")}
                    for t in new}

    def _apply(self, vals: Mapping[str, Mapping[str, Any]]) -> None:
        for t, a in vals.items():
            self.graph.update_task(t, _copy_attrs(a), remove=("cost", "costs"))
        self.doc.notify_graph_changed()

    def redo(self) -> None:
        self._apply(self.new)

    def undo(self) -> None:
        self._apply(self.old)


class SetEdgeDataCommand(_Command):
    """Set the data volume of edges."""

    def __init__(self, doc: EditTarget, new: Mapping[Edge, float]) -> None:
        n = len(new)
        e0 = next(iter(new))
        super().__init__(doc, f"set data of {e0[0]} -> {e0[1]}" if n == 1 else f"set data of {n} edges")
        g = doc.graph
        self.new: dict[Edge, float | None] = dict(new)
        self.old: dict[Edge, float | None] = {e: g.nx.edges[e].get("data") for e in new}

    def _apply(self, vals: Mapping[Edge, float | None]) -> None:
        for (u, v), d in vals.items():
            if d is None:
                self.graph.update_edge(u, v, remove=("data",))
            else:
                self.graph.update_edge(u, v, {"data": float(d)})
        self.doc.notify_graph_changed()

    def redo(self) -> None:
        self._apply(self.new)

    def undo(self) -> None:
        self._apply(self.old)


class RenameTaskCommand(_Command):
    """Rename a task; its edges, attributes and place in the order are kept."""

    def __init__(self, doc: EditTarget, old: str, new: str) -> None:
        super().__init__(doc, f"rename {old} to {new}")
        self.old_id, self.new_id = old, new

    def _rename(self, a: str, b: str) -> None:
        self.graph.rename_task(a, b)
        self.doc.notify_graph_changed(renamed=(a, b))

    def redo(self) -> None:
        self._rename(self.old_id, self.new_id)

    def undo(self) -> None:
        self._rename(self.new_id, self.old_id)


class PasteCommand(_Command):
    """Add several tasks and the edges between them (paste, duplicate)."""

    def __init__(self, doc: EditTarget, tasks: Mapping[str, Mapping[str, Any]],
                 edges: Mapping[Edge, Mapping[str, Any]], text: str = "paste") -> None:
        n = len(tasks)
        super().__init__(doc, f"{text} {n} task{'s' * (n != 1)}")
        self.tasks = {t: _copy_attrs(a) for t, a in tasks.items()}
        self.edges = {e: _copy_attrs(a) for e, a in edges.items()}

    def redo(self) -> None:
        for t, a in self.tasks.items():
            _add_task(self.graph, t, a)
        for e, a in self.edges.items():
            _add_edge(self.graph, e, a)
        self.doc.notify_graph_changed()

    def undo(self) -> None:
        for t in self.tasks:
            self.graph.remove_task(t)
        self.doc.notify_graph_changed()


class PlatformCommand(_Command):
    """Replace the platform (workers, speeds, network).

    When the number of workers changes, per-worker ``costs`` lists are cut or extended
    (a new worker gets the task's mean time, :func:`model.editing.fit_costs`) so the graph
    stays valid; undo restores them.
    """

    def __init__(self, doc: EditTarget, platform: Platform, text: str = "edit platform") -> None:
        super().__init__(doc, text)
        g = doc.graph
        self.old = (g.platform, g.network)
        self.new = (platform, platform.network)
        self.old_costs, self.new_costs = fit_costs(g, len(platform))

    def _apply(self, plat: tuple[Platform | None, Network | None], costs: Mapping[str, list[float]]) -> None:
        g = self.graph
        g.platform, g.network = plat
        for t, c in costs.items():
            g.update_task(t, {"costs": list(c)})
        self.doc.notify_platform_changed(graph_too=bool(costs))

    def redo(self) -> None:
        self._apply(self.new, self.new_costs)

    def undo(self) -> None:
        self._apply(self.old, self.old_costs)
