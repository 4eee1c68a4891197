"""The open document: one task graph, its platform, its undo stack, its file and the shared selection.

Views observe a :class:`Document`: they read :attr:`Document.graph` and redraw from its
signals. Every edit goes through the ``Document`` edit methods, which check the input
with :mod:`model.editing` (raising :class:`~model.graph.GraphError` with a message that
names the offending item) and push an undo command from :mod:`gui.commands`; the
commands change the graph and call the document's public ``notify_*`` methods.
"""

from __future__ import annotations

import itertools
import math
import threading
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from PySide6 import QtCore, QtGui

from gui import commands as cmd
from model import editing
from model.editing import SNIPPET_FORMAT
from model.graph import GraphError, Network, Platform, TaskGraph, Worker, check_number
from model.layout import LAYER_GAP, apply_layout, layered_layout

__all__ = ["SNIPPET_FORMAT", "Document", "place_missing"]

Edge = tuple[str, str]
Pos = tuple[float, float]

#: numbers the graphs opened and the content edits made, for :attr:`Document.version`
_serials = itertools.count(1)


def place_missing(graph: TaskGraph) -> None:
    """Give editor positions to the tasks of ``graph`` that have none (a file without a
    layout): a layered layout, below the existing drawing when some tasks have positions.

    Only touches ``graph``: a background job opening a file calls it on the graph it read.
    """
    g = graph.nx
    missing = [t for t in g.nodes if editing.position(graph, t) is None]
    if not missing:
        return
    try:
        lay = layered_layout(graph)
    except Exception:  # a cyclic graph cannot be opened anyway; do not hide the real error
        return
    if len(missing) < len(g):
        # keep the existing drawing; put the new tasks below it (their edges run straight)
        ys = [p[1] for t in g.nodes if (p := editing.position(graph, t)) is not None]
        base = max(ys) + LAYER_GAP if ys else 0.0
        for t in missing:  # not an edit (no undo step): the file had no positions
            x, y = lay.positions[t]
            graph.update_task(t, {"x": x, "y": base + y})
    else:
        apply_layout(graph, lay)


class Document(QtCore.QObject):
    """A task graph being edited.

    Signals
    -------
    graph_changed()
        Tasks, edges, costs or data changed (computed results become stale).
    platform_changed()
        Workers, speeds, bandwidth or latency changed.
    selection_changed(list)
        The selected task ids (shared by the editor and the Gantt chart).
    path_changed(str), dirty_changed(bool)
        The file name; whether there are unsaved changes.
    graph_reset()
        A different graph was opened (new/load): views rebuild from scratch.
    positions_changed(list)
        Editor positions of these tasks changed (results stay valid).
    task_renamed(str, str)
        A task was renamed (old id, new id).
    version_changed()
        After every edit, undo, redo and opening: :attr:`version` may differ. (During
        ``graph_changed`` the version is still the one before the change: the undo stack
        moves its index once the command has run.)
    """

    graph_changed = QtCore.Signal()
    platform_changed = QtCore.Signal()
    selection_changed = QtCore.Signal(list)
    path_changed = QtCore.Signal(str)
    dirty_changed = QtCore.Signal(bool)
    graph_reset = QtCore.Signal()
    positions_changed = QtCore.Signal(list)
    task_renamed = QtCore.Signal(str, str)
    version_changed = QtCore.Signal()

    def __init__(self, parent: QtCore.QObject | None = None, *, graph: TaskGraph | None = None) -> None:
        super().__init__(parent)
        self._graph = graph if graph is not None else TaskGraph("untitled")
        self.undo_stack = QtGui.QUndoStack(self)
        self._was_dirty = False
        self.undo_stack.cleanChanged.connect(self._on_undo_stack_changed)
        self.undo_stack.indexChanged.connect(self._on_undo_index_changed)
        self.path: str | None = None
        self._reset_serial = next(_serials)
        self._selected: list[str] = []
        self._selected_edges: list[Edge] = []
        # copy-on-write snapshots: once a run holds the open graph it is frozen (never changed
        # again); a background thread copies it, and the next edit swaps to that copy
        self._frozen = False
        self._spare: list[TaskGraph] = []
        self._copier: threading.Thread | None = None
        self._layout_missing()

    # ------------------------------------------------------------------ state
    @property
    def graph(self) -> TaskGraph:
        """The open graph (mutate it only through the edit methods)."""
        return self._graph

    @property
    def platform(self) -> Platform:
        """The platform to map onto: the graph's workers, or a default one."""
        return self._graph.default_platform()

    @property
    def dirty(self) -> bool:
        """Whether the graph has unsaved changes.

        Undo steps that change no graph (a command with ``edits_graph = False``: a task
        moved by hand between workers) do not count.
        """
        st = self.undo_stack
        if st.isClean():
            return False
        clean = st.cleanIndex()
        if clean < 0:
            return True
        lo, hi = sorted((clean, st.index()))
        return any(getattr(st.command(i), "edits_graph", True) for i in range(lo, hi))

    @property
    def version(self) -> tuple[int, int]:
        """The version of what mapping depends on: tasks, costs, edges, data, platform.

        Two equal versions mean the same content: undoing back to a state gives its
        version back, moving tasks in the editor keeps it, and opening another graph
        (or a new one) never gives an earlier version. Results computed for one version
        are up to date exactly while the document has it.
        """
        stack = self.undo_stack
        for i in range(stack.index() - 1, -1, -1):
            c = stack.command(i)
            if isinstance(c, cmd.MoveTasksCommand) or not getattr(c, "edits_graph", True):
                continue  # positions, or a step of a hand mapping: the content stays what it was
            serial = getattr(c, "content_serial", None)
            if serial is None:
                serial = next(_serials)
                c.content_serial = serial  # type: ignore[attr-defined]
            return (self._reset_serial, serial)
        return (self._reset_serial, 0)

    def snapshot(self) -> tuple[TaskGraph, Platform]:
        """The graph and platform as they are now, safe to hand to a background run.

        The returned graph is never changed again: it is the open graph itself, frozen
        (every run of the same graph version shares it, and taking it costs nothing); the
        document copies it in a background thread and edits that copy from the next edit
        on (:meth:`writable_graph`). Readers must not change it either.
        """
        if not self._frozen:
            self._frozen = True
            self._spare = []
            frozen = self._graph
            spare = self._spare

            def copy() -> None:
                spare.append(frozen.copy())

            self._copier = threading.Thread(target=copy, name="graph snapshot copy", daemon=True)
            self._copier.start()
        return self._graph, self.platform

    def writable_graph(self) -> TaskGraph:
        """The open graph, for an edit: a fresh copy if runs hold the current one (see
        :meth:`snapshot`); waits for the background copy when it is not done yet."""
        if self._frozen:
            if self._copier is not None:
                self._copier.join()
            self._copier = None
            self._graph = self._spare[0] if self._spare else self._graph.copy()
            self._spare = []
            self._frozen = False
        return self._graph

    # -------------------------------------------------------------- selection
    def select(self, tasks: Sequence[str], edges: Sequence[Edge] | None = None) -> None:
        """Set the selected tasks (and edges); emits ``selection_changed`` if it changed."""
        g = self._graph.nx
        t = [x for x in dict.fromkeys(tasks) if x in g]
        e = [x for x in dict.fromkeys(edges or ()) if g.has_edge(*x)]
        if t == self._selected and e == self._selected_edges:
            return
        self._selected, self._selected_edges = t, e
        self.selection_changed.emit(list(t))

    def selected(self) -> list[str]:
        """The selected task ids."""
        return list(self._selected)

    def selected_edges(self) -> list[Edge]:
        """The selected edges."""
        return list(self._selected_edges)

    # ------------------------------------------------------------------ files
    def new(self, name: str = "untitled") -> None:
        """Start an empty graph."""
        self.set_graph(TaskGraph(name), None)

    def load(self, path: str) -> None:
        """Open a graph file (any format :func:`model.formats.load_graph` reads).

        Raises
        ------
        GraphError
            If the file cannot be read or is invalid; the open graph is kept.
        """
        from model.formats import load_graph

        graph = load_graph(path)  # raises before anything changes
        native = Path(path).suffix.lower() == ".json"
        self.set_graph(graph, str(path) if native else None)

    def set_graph(self, graph: TaskGraph, path: str | None = None) -> None:
        """Replace the open graph (opened, imported or an example); clears undo history."""
        self._graph = graph
        self._reset_serial = next(_serials)
        self._frozen, self._spare, self._copier = False, [], None
        self._layout_missing()
        self.undo_stack.clear()
        self.undo_stack.setClean()
        self._was_dirty = False
        self._selected, self._selected_edges = [], []
        self.path = path
        self.graph_reset.emit()
        self.graph_changed.emit()
        self.platform_changed.emit()
        self.selection_changed.emit([])
        self.path_changed.emit(path or "")
        self.dirty_changed.emit(False)
        self.version_changed.emit()

    def save(self, path: str | None = None) -> None:
        """Save to ``path`` (or the current file), atomically; the document becomes clean.

        Raises
        ------
        GraphError
            If there is no file name or it cannot be written (the old file is untouched).
        """
        from model.formats import save_graph

        target = path or self.path
        if not target:
            raise GraphError("no file name to save to")
        save_graph(self._graph, target)
        if Path(target).suffix.lower() == ".json":
            if target != self.path:
                self.path = str(target)
                self.path_changed.emit(self.path)
            self.undo_stack.setClean()

    def export(self, path: str) -> None:
        """Write the graph to another format (DOT, GraphML, ...) without changing the document's file."""
        from model.formats import save_graph

        save_graph(self._graph, path)

    def _on_undo_stack_changed(self, *_: object) -> None:
        dirty = self.dirty
        if dirty != self._was_dirty:
            self._was_dirty = dirty
            self.dirty_changed.emit(dirty)

    def _on_undo_index_changed(self, _index: int) -> None:
        self._on_undo_stack_changed()
        self.version_changed.emit()

    # -------------------------------------------------------- notifications
    def notify_graph_changed(self, renamed: tuple[str, str] | None = None) -> None:
        """Tell the views that tasks, edges, costs or data changed (``renamed``: old and new id
        of a renamed task); the selection follows. Called by the undo commands."""
        g = self._graph.nx
        if renamed is not None:
            a, b = renamed
            self._selected = [b if t == a else t for t in self._selected]
            self._selected_edges = [(b if u == a else u, b if v == a else v) for u, v in self._selected_edges]
            self.task_renamed.emit(a, b)
        sel = [t for t in self._selected if t in g]
        sel_e = [e for e in self._selected_edges if g.has_edge(*e)]
        self.graph_changed.emit()
        if sel != self._selected or sel_e != self._selected_edges or renamed is not None:
            self._selected, self._selected_edges = sel, sel_e
            self.selection_changed.emit(list(sel))

    def notify_positions_changed(self, tasks: list[str]) -> None:
        """Tell the views that the editor positions (and routes) of ``tasks`` changed."""
        self.positions_changed.emit(tasks)

    def notify_platform_changed(self, graph_too: bool = False) -> None:
        """Tell the views that the platform changed (``graph_too``: per-worker costs followed)."""
        self.platform_changed.emit()
        if graph_too:
            self.graph_changed.emit()

    # ----------------------------------------------------------------- edits
    def position(self, task: str) -> Pos | None:
        """The editor position of a task, or ``None``."""
        return editing.position(self._graph, task)

    def next_task_id(self, base: str | None = None, also: Iterable[str] = ()) -> str:
        """A fresh task id (see :func:`model.editing.next_task_id`)."""
        return editing.next_task_id(self._graph, base, also)

    def add_task(self, task: str | None = None, pos: Pos = (0.0, 0.0), *, cost: float | None = None,
                 costs: Sequence[float] | None = None) -> str:
        """Add a task at ``pos`` (undoable) and return its id."""
        tid = self.next_task_id() if task is None else editing.new_task_id(self._graph, task)
        m = len(self.platform)
        attrs = editing.cost_attrs(tid, cost, costs, m) if (cost is not None or costs is not None) \
            else editing.default_cost_attrs(self._graph, m)
        attrs["x"], attrs["y"] = float(pos[0]), float(pos[1])
        self.undo_stack.push(cmd.AddTaskCommand(self, tid, attrs))
        return tid

    def remove(self, tasks: Iterable[str] = (), edges: Iterable[Edge] = ()) -> None:
        """Delete tasks (with their edges) and edges (undoable)."""
        c = cmd.RemoveCommand(self, tasks, edges)
        if c.tasks or c.edges:
            self.undo_stack.push(c)

    def move(self, new: Mapping[str, Pos], old: Mapping[str, Pos | None] | None = None) -> None:
        """Move tasks to new positions (undoable; consecutive moves of the same tasks merge).

        ``old`` gives the positions before an interactive drag (the items already moved).
        """
        g = self._graph.nx
        new = {t: (float(p[0]), float(p[1])) for t, p in new.items() if t in g}
        if not new:
            return
        if old is None:
            old = {t: self.position(t) for t in new}
        if all(old.get(t) == p for t, p in new.items()):
            return
        self.undo_stack.push(cmd.MoveTasksCommand(self, {t: old.get(t) for t in new}, new))

    def cycle_message(self, source: str, target: str) -> str | None:
        """Why ``source -> target`` cannot be added, or ``None`` if it can."""
        return editing.cycle_message(self._graph, source, target)

    def connect(self, source: str, target: str, data: float = 0.0) -> None:  # type: ignore[override]
        """Add an edge (undoable).

        Raises
        ------
        GraphError
            If it would close a cycle (the message names it), already exists or names an unknown task.
        """
        msg = self.cycle_message(source, target)
        if msg:
            raise GraphError(msg)
        d = check_number(data, f"data of edge {source!r} -> {target!r}")
        self.undo_stack.push(cmd.ConnectCommand(self, source, target, {"data": d}))

    def set_cost(self, tasks: Iterable[str], cost: Any) -> None:
        """Give tasks a plain ``cost`` (undoable); replaces per-worker costs."""
        ts = [t for t in tasks if t in self._graph]
        if not ts:
            return
        c = check_number(cost, f"cost of task {ts[0]!r}" if len(ts) == 1 else "cost")
        new = {t: {"cost": c} for t in ts}
        if all(self._graph.task_attrs(t).get("cost") == c and "costs" not in self._graph.task_attrs(t)
               for t in ts):
            return
        self.undo_stack.push(cmd.SetCostsCommand(self, new))

    def set_costs(self, task: str, costs: Sequence[Any]) -> None:
        """Give a task one execution time per worker (undoable)."""
        self._graph.task_attrs(task)
        new = editing.cost_attrs(task, None, list(costs), len(self.platform))
        if self._graph.task_attrs(task).get("costs") == new["costs"]:
            return
        self.undo_stack.push(cmd.SetCostsCommand(self, {task: new}))

    def set_data(self, edges: Iterable[Edge], data: Any) -> None:
        """Set the data volume of edges (undoable)."""
        es = [e for e in edges if self._graph.nx.has_edge(*e)]
        if not es:
            return
        what = f"data of edge {es[0][0]!r} -> {es[0][1]!r}" if len(es) == 1 else "data"
        d = check_number(data, what)
        if all(self._graph.data(*e) == d for e in es):
            return
        self.undo_stack.push(cmd.SetEdgeDataCommand(self, {e: d for e in es}))

    def rename(self, old: str, new: str) -> None:
        """Rename a task, keeping its edges (undoable)."""
        self._graph.task_attrs(old)
        new = str(new).strip()
        if new == old:
            return
        editing.new_task_id(self._graph, new)
        self.undo_stack.push(cmd.RenameTaskCommand(self, old, new))

    # ------------------------------------------------------- clipboard / layout
    def copy_snippet(self, tasks: Iterable[str]) -> dict[str, Any]:
        """The JSON-ready snippet of ``tasks`` and the edges among them (for the clipboard)."""
        return editing.snippet(self._graph, tasks)

    def paste(self, snippet: Any, offset: Pos = (30.0, 30.0), text: str = "paste") -> list[str]:
        """Add the tasks of a snippet with fresh ids, shifted by ``offset`` (undoable).

        Returns the new ids (they become the selection).

        Raises
        ------
        GraphError
            If the snippet is not a task snippet or holds invalid tasks.
        """
        explicit = self._graph.platform is not None or self._graph.is_unrelated()
        plan = editing.paste_plan(self._graph, snippet, offset, len(self.platform), explicit_workers=explicit)
        self.undo_stack.push(cmd.PasteCommand(self, plan.tasks, plan.edges, text))
        ids = list(plan.tasks)
        self.select(ids)
        return ids

    def duplicate(self, tasks: Iterable[str]) -> list[str]:
        """Copy and paste ``tasks`` in one step; returns the new ids."""
        ts = list(tasks)
        if not ts:
            return []
        return self.paste(self.copy_snippet(ts), text="duplicate")

    def auto_layout(self) -> None:
        """Lay the graph out in layered rows, long edges routed around tasks (undoable)."""
        lay = layered_layout(self._graph)
        new = lay.positions
        if not new:
            return
        old = {t: self.position(t) for t in new}
        g = self._graph.nx
        old_routes = {(u, v): a.get("route") for u, v, a in g.edges(data=True)}
        new_routes = {(u, v): ([[x, y] for x, y in r] if (r := lay.routes.get((u, v))) else None)
                      for u, v in g.edges}
        if all(old[t] == p for t, p in new.items()) and old_routes == new_routes:
            return
        self.undo_stack.push(cmd.AutoLayoutCommand(self, old, new, old_routes, new_routes))

    def _layout_missing(self) -> None:
        """Give positions to tasks that have none (an opened file without layout); not an edit."""
        place_missing(self._graph)

    # ---------------------------------------------------------------- platform
    def set_platform(self, platform: Platform, text: str = "edit platform") -> None:
        """Replace the platform (undoable); per-worker cost lists follow the worker count."""
        if self._graph.platform is not None and platform == self._graph.platform:
            return
        self.undo_stack.push(cmd.PlatformCommand(self, platform, text))

    def set_worker_count(self, n: int) -> None:
        """Use ``n`` workers (new ones get speed 1; undoable)."""
        if n < 1:
            raise GraphError(f"number of workers must be at least 1, got {n}")
        p = self.platform
        if n == len(p):
            return
        ws = list(p.workers[:n])
        used = {w.id for w in ws}
        k = 0
        while len(ws) < n:  # new workers get the first free names P1, P2, ... (the kept ones may use them)
            k += 1
            if f"P{k}" not in used:
                ws.append(Worker(f"P{k}"))
                used.add(f"P{k}")
        links = {e: v for e, v in p.network.links.items() if e[0] in used and e[1] in used}
        net = Network(p.network.bandwidth, p.network.latency, links)
        self.set_platform(Platform(tuple(ws), net), f"use {n} workers")

    def set_worker_speed(self, index: int, speed: Any) -> None:
        """Change the speed of worker number ``index`` (undoable)."""
        p = self.platform
        w = p.workers[index]
        s = check_number(speed, f"speed of worker {w.id!r}", allow_zero=False)
        if s == w.speed:
            return
        ws = list(p.workers)
        ws[index] = Worker(w.id, s, w.attrs)
        self.set_platform(Platform(tuple(ws), p.network), f"set speed of {w.id}")

    def set_network(self, bandwidth: Any = None, latency: Any = None) -> None:
        """Change the network bandwidth and/or latency (undoable)."""
        p = self.platform
        bw = p.network.bandwidth if bandwidth is None else check_number(
            bandwidth, "network bandwidth", allow_zero=False)
        lat = p.network.latency if latency is None else check_number(latency, "network latency")
        if math.isclose(bw, p.network.bandwidth) and math.isclose(lat, p.network.latency):
            return
        net = Network(bw, lat, p.network.links)
        self.set_platform(Platform(p.workers, net), "edit network")
