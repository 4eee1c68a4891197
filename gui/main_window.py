"""The main window: graph editor above, Gantt chart below, panels around them."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6 import QtCore, QtGui, QtWidgets

from gui.algorithm_runs import RunManager
from gui.document import Document
from gui.editor import GraphEditorView
from gui.gantt import GanttView, Playback
from gui.memory import keep_long_lived, release_long_lived
from gui.platform_panel import PlatformPanel
from gui.properties import PropertyPanel
from gui.results import ResultsPanel
from gui.runs import ExecutionPanel
from model.chart import GanttGeometry, gantt_geometry
from model.graph import GraphError, Platform
from model.replay import task_states
from model.schedule import Schedule, ScheduleError

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "assets" / "examples"
GRAPH_FILTER = "Task graphs (*.json *.dot *.gv *.graphml *.stg);;All files (*)"
IMPORT_FILTER = (
    "All graph formats (*.json *.dot *.gv *.graphml *.stg);;Graphviz DOT (*.dot *.gv);;GraphML (*.graphml);;"
    "Standard Task Graph (*.stg);;WfCommons WfFormat (*.json)"
)
SCHEDULE_FILTER = "Schedules and traces (*.schedule.json *.trace.json *.json);;All files (*)"
MAX_RECENT = 8


def _is_wfformat(path: str) -> bool:
    """Whether a .json file is a WfCommons WfFormat instance (cheap look at its start)."""
    if not path.lower().endswith(".json"):
        return False
    try:
        with open(path, encoding="utf-8") as f:
            head = f.read(65536)
    except OSError:
        return False
    return '"workflow"' in head and '"taskmapper-' not in head


def _prepare_gantt(sched: Schedule, graph, platform: Platform, *, show_transfers: bool) -> GanttGeometry:
    """The chart of a fresh result, laid out in its worker thread (``show_transfers`` was
    read from the chart when the run started)."""
    return gantt_geometry([sched], graph, [platform], show_transfers=show_transfers)


class MainWindow(QtWidgets.QMainWindow):
    """TaskMapper's window. Holds one :class:`Document` at a time."""

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("TaskMapper")
        self.resize(1280, 800)
        self.settings = QtCore.QSettings("TaskMapper", "TaskMapper")

        self.document = Document(self)
        self.manager = RunManager(self)
        self.playback = Playback(self)
        self._schedule: Schedule | None = None

        self.editor = GraphEditorView(self.document)
        self.gantt = GanttView(self.playback)
        split = QtWidgets.QSplitter(QtCore.Qt.Orientation.Vertical)
        split.addWidget(self.editor)
        split.addWidget(self.gantt)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        # the chart needs room for its lanes: about 45 % of the height from the start
        split.setSizes([400, 330])
        self.setCentralWidget(split)

        self.properties = PropertyPanel(self.document)
        self.platform_panel = PlatformPanel(self.document)
        left = QtWidgets.QTabWidget()
        left.addTab(self.properties, "Properties")
        left.addTab(self.platform_panel, "Platform")
        self._dock(left, "Task && platform", QtCore.Qt.DockWidgetArea.LeftDockWidgetArea)

        self.results = ResultsPanel(self.document, self.manager)
        mapping_dock = self._dock(self.results, "Mapping", QtCore.Qt.DockWidgetArea.RightDockWidgetArea)
        self.execution = ExecutionPanel(self.document, results_provider=self.results.results)
        run_dock = self._dock(self.execution, "Run for real", QtCore.Qt.DockWidgetArea.RightDockWidgetArea)
        self.tabifyDockWidget(mapping_dock, run_dock)
        mapping_dock.raise_()
        self.run_dock = run_dock
        self.resizeDocks([self.findChild(QtWidgets.QDockWidget, "Task && platform")], [210],
                         QtCore.Qt.Orientation.Horizontal)
        if hasattr(self.results, "splitter"):
            self.results.splitter.setSizes([320, 170])

        # the bars of a big result are laid out in the worker thread, not when it is shown
        self.manager.add_preparer("gantt", _prepare_gantt,
                                  capture=lambda: {"show_transfers": self.gantt.show_transfers})

        self._build_actions()
        self._connect()
        self.statusBar().showMessage("Ready")
        self._update_title()

    # ------------------------------------------------------------------ building
    def _dock(self, widget: QtWidgets.QWidget, title: str, area: QtCore.Qt.DockWidgetArea) -> QtWidgets.QDockWidget:
        dock = QtWidgets.QDockWidget(title, self)
        dock.setObjectName(title)
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    def _action(self, text: str, slot, shortcut=None, tip: str = "") -> QtGui.QAction:
        a = QtGui.QAction(text, self)
        if shortcut is not None:
            a.setShortcut(QtGui.QKeySequence(shortcut))
        if tip:
            a.setStatusTip(tip)
            a.setToolTip(tip)
        a.triggered.connect(slot)
        return a

    def _build_actions(self) -> None:
        S = QtGui.QKeySequence.StandardKey
        mb = self.menuBar()
        file_menu = mb.addMenu("&File")
        self.act_new = self._action("&New", self.new_document, S.New)
        self.act_open = self._action("&Open…", self.open_dialog, S.Open, "Open a task graph, schedule or trace")
        self.act_save = self._action("&Save", self.save, S.Save)
        self.act_save_as = self._action("Save &As…", self.save_as, S.SaveAs)
        file_menu.addActions([self.act_new, self.act_open])
        self.recent_menu = file_menu.addMenu("Open &Recent")
        self.examples_menu = file_menu.addMenu("&Examples")
        for p in sorted(EXAMPLES.glob("*")):
            if p.suffix.lower() in (".json", ".dot", ".graphml", ".stg"):
                self.examples_menu.addAction(p.name, lambda p=p: self.open_path(str(p)))
        file_menu.addSeparator()
        file_menu.addActions([self.act_save, self.act_save_as])
        file_menu.addSeparator()
        file_menu.addAction(self._action("&Import…", self.import_dialog, tip="Import DOT, GraphML, STG or WfFormat"))
        file_menu.addAction(self._action("Export &graph as…", self.export_graph_dialog,
                                         tip="Write the graph as JSON, DOT, GraphML or STG"))
        file_menu.addAction(self._action("Open schedule or &trace…", self.open_schedule_dialog))
        file_menu.addAction(self._action("Save &schedule as…", self.save_schedule_dialog))
        file_menu.addSeparator()
        file_menu.addAction(self._action("Export &chart image…", self.export_chart_dialog, "Ctrl+E",
                                         "Gantt chart as PNG, SVG or PDF"))
        file_menu.addAction(self._action("Export graph &image…", self.export_graph_image_dialog, "Ctrl+Shift+E",
                                         "Graph picture as PNG, SVG or PDF"))
        file_menu.addSeparator()
        file_menu.addAction(self._action("&Quit", self.close, S.Quit))

        edit = mb.addMenu("&Edit")
        self.act_undo = self.document.undo_stack.createUndoAction(self, "&Undo")
        self.act_undo.setShortcut(S.Undo)
        self.act_redo = self.document.undo_stack.createRedoAction(self, "&Redo")
        self.act_redo.setShortcut(S.Redo)
        edit.addActions([self.act_undo, self.act_redo])
        edit.addSeparator()
        edit.addActions(self.editor.commands.edit)

        view = mb.addMenu("&View")
        # window-wide keys (the editor's own F and L work while it has the focus)
        self.act_fit_graph = self._action("&Fit graph", self.editor.fit, "Ctrl+0")
        self.act_layout_graph = self._action("&Layout graph", self.editor.auto_layout, "Ctrl+L",
                                             "Layered layout by levels")
        self.act_fit_graph.setIconText("Fit")  # the toolbar's short names
        self.act_layout_graph.setIconText("Layout")
        view.addActions([self.act_fit_graph, self.act_layout_graph])
        view.addSeparator()
        self.overlay_group = QtGui.QActionGroup(self)
        for mode, text in (("none", "&Plain"), ("levels", "Colour by &level (independent tasks)"),
                           ("critical", "&Critical path"), ("slack", "&Slack")):
            a = QtGui.QAction(text, self, checkable=True)
            a.setData(mode)
            a.setChecked(mode == "none")
            self.overlay_group.addAction(a)
            view.addAction(a)
        self.overlay_group.triggered.connect(lambda a: self.editor.set_overlay(a.data()))
        view.addSeparator()
        colour = view.addMenu("Gantt &colours")
        cg = QtGui.QActionGroup(self)
        for mode in ("task", "level", "algorithm", "worker"):
            a = QtGui.QAction(f"By {mode}", self, checkable=True)
            a.setChecked(mode == "task")
            a.triggered.connect(lambda _=False, m=mode: self.gantt.set_colour_mode(m))
            cg.addAction(a)
            colour.addAction(a)
        for text, setter in (("Show critical path", self.gantt.set_show_critical),
                             ("Show dependencies", self.gantt.set_show_dependencies),
                             ("Show transfer lanes", self.gantt.set_show_transfers)):
            a = QtGui.QAction(text, self, checkable=True)
            a.toggled.connect(setter)
            view.addAction(a)

        run = mb.addMenu("&Run")
        run.addAction(self._action("Run &selected algorithms", self.results.run_selected, "Ctrl+R"))
        self.act_run_all = self._action("Run &all algorithms", self.results.run_all, "Ctrl+Shift+R")
        self.act_run_all.setIconText("Run all")
        run.addAction(self.act_run_all)
        self.act_cancel_all = self._action("&Cancel all runs", self.manager.cancel_all, "Esc")
        self.act_cancel_all.setEnabled(False)  # nothing to cancel until a run starts
        self.results.runs_active_changed.connect(self.act_cancel_all.setEnabled)
        run.addAction(self.act_cancel_all)
        run.addSeparator()
        run.addAction(self._action("&Execute graph for real…", self._show_run_panel, "F5",
                                   "Run the graph on threads, processes or Dask and record a trace"))
        run.addSeparator()
        self.act_play = self._action("&Play / pause schedule", self.playback.toggle, "Space")
        # like the play button: offered once there is a schedule to replay
        self.playback.range_changed.connect(lambda: self.act_play.setEnabled(self.playback.duration > 0))
        self.act_play.setEnabled(self.playback.duration > 0)
        run.addAction(self.act_play)
        run.addAction(self._action("Animate &construction", self.animate_construction,
                                   tip="Replay how the algorithm placed the tasks, one by one"))

        help_menu = mb.addMenu("&Help")
        help_menu.addAction(self._action("&About TaskMapper", self.about))

        tb = self.addToolBar("Main")
        tb.setObjectName("main-toolbar")
        tb.addActions([self.act_new, self.act_open, self.act_save])
        tb.addSeparator()
        tb.addActions([self.act_undo, self.act_redo])
        tb.addSeparator()
        tb.addActions([self.editor.commands.add_task, self.editor.commands.delete])
        tb.addActions([self.act_layout_graph, self.act_fit_graph])
        tb.addSeparator()
        combo = QtWidgets.QComboBox()
        for mode, text in (("none", "Plain"), ("levels", "Levels"), ("critical", "Critical path"), ("slack", "Slack")):
            combo.addItem(text, mode)
        combo.setToolTip("Analysis overlay on the graph")
        combo.currentIndexChanged.connect(lambda _i: self.editor.set_overlay(combo.currentData()))
        tb.addWidget(combo)
        tb.addSeparator()
        tb.addAction(self.act_run_all)
        self._refresh_recent()

    def _connect(self) -> None:
        d = self.document
        d.path_changed.connect(lambda _p: self._update_title())
        d.dirty_changed.connect(lambda _d: self._update_title())
        d.selection_changed.connect(self.gantt.select_tasks)
        self.gantt.task_clicked.connect(lambda t: d.select([t]))
        self.editor.error.connect(self._show_error_message)
        self.results.schedule_chosen.connect(self.show_schedule)
        self.results.comparison_chosen.connect(self.show_comparison)
        self.playback.time_changed.connect(self._on_playback_time_changed)
        d.graph_changed.connect(self._on_document_graph_changed)
        d.platform_changed.connect(self._on_document_platform_changed)
        self.manager.run_finished.connect(self._on_manager_run_finished)
        self.execution.trace_ready.connect(self._on_execution_trace_ready)
        self.execution.comparison_requested.connect(self.show_comparison)

    # ------------------------------------------------------------------- files
    def _update_title(self) -> None:
        name = Path(self.document.path).name if self.document.path else "untitled"
        self.setWindowTitle(f"{name}{' *' if self.document.dirty else ''} — TaskMapper")

    def maybe_save(self) -> bool:
        """Ask what to do with unsaved changes; ``False`` means the user cancelled."""
        if not self.document.dirty:
            return True
        r = QtWidgets.QMessageBox.question(
            self, "Unsaved changes", "The graph has unsaved changes. Save them?",
            QtWidgets.QMessageBox.StandardButton.Save | QtWidgets.QMessageBox.StandardButton.Discard
            | QtWidgets.QMessageBox.StandardButton.Cancel,
        )
        if r == QtWidgets.QMessageBox.StandardButton.Save:
            return self.save()
        return r == QtWidgets.QMessageBox.StandardButton.Discard

    def new_document(self) -> None:
        if self.maybe_save():
            self.manager.cancel_all()
            release_long_lived()
            self.document.new()
            self._set_schedule(None)

    def open_dialog(self) -> None:
        path, _ = QtWidgets.QFileDialog.getOpenFileName(self, "Open", self._last_dir(), GRAPH_FILTER)
        if path:
            self.open_path(path)

    def import_dialog(self) -> None:
        path, _ = QtWidgets.QFileDialog.getOpenFileName(self, "Import graph", self._last_dir(), IMPORT_FILTER)
        if path:
            self.open_path(path)

    def open_path(self, path: str) -> bool:
        """Open a graph, or a schedule / trace, by content. Errors are shown, the open work is kept."""
        from model.formats import is_schedule_file

        if is_schedule_file(path):
            return self.open_schedule(path)
        if not self.maybe_save():
            return False
        release_long_lived()
        try:
            self.document.load(path)
        except (GraphError, OSError) as e:
            self._show_error("Cannot open graph", f"{Path(path).name}: {e}")
            return False
        finally:
            keep_long_lived(len(self.document.graph))  # the open graph stays: keep it out of full collections
        self.manager.cancel_all()
        self._set_schedule(None)
        self._remember(path)
        self.editor.fit()
        if _is_wfformat(path):
            # a workflow instance is a graph and a recorded execution: show both
            self.open_schedule(path, remember=False)
            return True
        self.statusBar().showMessage(
            f"Opened {Path(path).name}: {len(self.document.graph)} tasks, "
            f"{self.document.graph.nx.number_of_edges()} edges", 5000)
        return True

    def open_schedule_dialog(self) -> None:
        path, _ = QtWidgets.QFileDialog.getOpenFileName(self, "Open schedule or trace", self._last_dir(),
                                                        SCHEDULE_FILTER)
        if path:
            self.open_schedule(path)

    def open_schedule(self, path: str, *, remember: bool = True) -> bool:
        """Show a schedule or execution trace; checked against the open graph when it matches."""
        from model.formats import load_schedule

        try:
            sched = load_schedule(path)
        except (GraphError, OSError) as e:
            self._show_error("Cannot open schedule", f"{Path(path).name}: {e}")
            return False
        graph = self.document.graph
        note = ""
        plat: Platform | None = None
        if graph is not None and len(graph) and {s.task for s in sched.slots} <= set(graph.nx):
            try:
                from model.graph import Worker

                net = self.document.platform.network
                if sched.meta.get("reconstructed"):
                    from model.formats.wfformat import trace_platform

                    plat = trace_platform(sched, net)  # cores of one machine share data for free
                else:
                    plat = Platform(tuple(Worker(w) for w in sched.workers), net)
                sched.check(graph, plat, check_durations=False, partial=True)
            except (ScheduleError, GraphError) as e:
                note = f" — does not fit the open graph: {e}"
        if sched.meta.get("reconstructed"):
            note += " — start times rebuilt from dependencies (the file records runtimes only)"
        self._set_schedule(sched, plat)  # the platform it ran on gives the transfers of a trace
        if sched.algorithm == "trace":
            self.execution.show_trace(sched)
            self.run_dock.raise_()
        if remember:
            self._remember(path)
        self.statusBar().showMessage(f"Opened {sched.algorithm} schedule, makespan {sched.makespan:g}{note}")
        return True

    def save(self) -> bool:
        if not self.document.path or not self.document.path.lower().endswith(".json"):
            return self.save_as()
        return self._save_to(self.document.path)

    def save_as(self) -> bool:
        path, _ = QtWidgets.QFileDialog.getSaveFileName(self, "Save graph", self._last_dir(),
                                                        "TaskMapper graph (*.taskgraph.json *.json)")
        if not path:
            return False
        if not path.lower().endswith(".json"):
            path += ".taskgraph.json"
        return self._save_to(path)

    def _save_to(self, path: str) -> bool:
        try:
            self.document.save(path)
        except (GraphError, OSError) as e:
            self._show_error("Cannot save", str(e))
            return False
        self._remember(path)
        self.statusBar().showMessage(f"Saved {path}", 4000)
        return True

    def export_graph_dialog(self) -> None:
        path, _ = QtWidgets.QFileDialog.getSaveFileName(
            self, "Export graph", self._last_dir(),
            "TaskMapper JSON (*.json);;Graphviz DOT (*.dot);;GraphML (*.graphml);;Standard Task Graph (*.stg)")
        if not path:
            return
        from model.formats import save_graph

        try:
            save_graph(self.document.graph, path)
        except (GraphError, OSError) as e:
            self._show_error("Cannot export graph", str(e))
            return
        self.statusBar().showMessage(f"Exported {path}", 4000)

    def save_schedule_dialog(self) -> None:
        if self._schedule is None:
            self._show_error_message("No schedule to save: run an algorithm and choose a result first")
            return
        path, _ = QtWidgets.QFileDialog.getSaveFileName(
            self, "Save schedule", self._last_dir(),
            "Schedule (*.schedule.json);;Chrome trace for Perfetto (*.trace.json)")
        if not path:
            return
        from model.formats import save_schedule

        if not path.lower().endswith(".json"):
            path += ".schedule.json"
        try:
            save_schedule(self._schedule, path)
        except (GraphError, OSError) as e:
            self._show_error("Cannot save schedule", str(e))
            return
        self.statusBar().showMessage(f"Saved {path}", 4000)

    def export_chart_dialog(self) -> None:
        if not self._shown_schedules():
            self._show_error_message("No Gantt chart to export: run an algorithm and choose a result first")
            return
        path, _ = QtWidgets.QFileDialog.getSaveFileName(self, "Export chart", self._last_dir(),
                                                        "PNG image (*.png);;SVG image (*.svg);;PDF (*.pdf)")
        if path:
            self.export_chart(path)

    def export_chart(self, path: str) -> bool:
        from gui.export import export_schedule_image

        scheds = self._shown_schedules()
        try:
            # the picture shows what the chart shows: same colours and overlays
            g = self.gantt
            export_schedule_image(scheds[0], path, graph=self.document.graph, schedules=scheds,
                                  colour_mode=g.colour_mode, show_critical=g.show_critical,
                                  show_dependencies=g.show_dependencies, show_transfers=g.show_transfers)
        except (GraphError, OSError, ValueError) as e:
            self._show_error("Cannot export chart", str(e))
            return False
        self.statusBar().showMessage(f"Exported {path}", 4000)
        return True

    def export_graph_image_dialog(self) -> None:
        path, _ = QtWidgets.QFileDialog.getSaveFileName(self, "Export graph image", self._last_dir(),
                                                        "PNG image (*.png);;SVG image (*.svg);;PDF (*.pdf)")
        if not path:
            return
        from gui.export import export_scene_image

        try:
            export_scene_image(self.editor.scene(), path, title=self.document.graph.name)
        except (GraphError, OSError, ValueError) as e:
            self._show_error("Cannot export graph image", str(e))
            return
        self.statusBar().showMessage(f"Exported {path}", 4000)

    def _last_dir(self) -> str:
        return str(self.settings.value("last_dir", os.getcwd()))

    def _remember(self, path: str) -> None:
        path = str(Path(path).resolve())
        self.settings.setValue("last_dir", str(Path(path).parent))
        recent = [p for p in self._recent() if p != path]
        recent.insert(0, path)
        self.settings.setValue("recent", recent[:MAX_RECENT])
        self._refresh_recent()

    def _recent(self) -> list[str]:
        v = self.settings.value("recent", [])
        if isinstance(v, str):
            v = [v]
        return [str(p) for p in (v or [])]

    def _refresh_recent(self) -> None:
        self.recent_menu.clear()
        for p in self._recent():
            self.recent_menu.addAction(Path(p).name, lambda p=p: self.open_path(p)).setStatusTip(p)
        self.recent_menu.setEnabled(bool(self._recent()))

    # -------------------------------------------------------------- schedules
    def _shown_schedules(self) -> list[Schedule]:
        return list(getattr(self, "_shown", []) or ([self._schedule] if self._schedule else []))

    def _set_schedule(self, sched: Schedule | None, platform: Platform | None = None) -> None:
        self._schedule = sched
        self._shown = [sched] if sched is not None else []
        geometry = None
        if sched is not None:
            prepared = self.results.prepared_of(sched).get("gantt")
            geometry = prepared if isinstance(prepared, GanttGeometry) else None
        self.gantt.set_schedule(sched, self.document.graph if sched is not None else None, platform=platform,
                                geometry=geometry)
        self.editor.set_schedule(sched)
        if sched is None:
            self.editor.set_task_states({})

    def show_schedule(self, sched: Schedule) -> None:
        self._set_schedule(sched)
        self.statusBar().showMessage(f"{sched.algorithm}: makespan {sched.makespan:g}", 4000)

    def show_comparison(self, schedules: list[Schedule]) -> None:
        if not schedules:
            return
        self._schedule = schedules[0]
        self._shown = list(schedules)
        self.gantt.set_schedules(schedules, self.document.graph)
        self.editor.set_schedule(schedules[0])

    def animate_construction(self) -> None:
        if self._schedule is None:
            self._show_error_message("Choose a result first: its construction is replayed placement by placement")
            return
        slots = self.results.construction(self._schedule.algorithm) or self._schedule.slots
        self.gantt.animate_construction(slots)

    def _on_playback_time_changed(self, t: float) -> None:
        # past the editor's drawing limit nothing shows the states: spare the loop over every slot
        if self._schedule is not None and not self.editor.too_large():
            self.editor.set_task_states(task_states(self._schedule, t))

    def _show_run_panel(self) -> None:
        self.run_dock.show()
        self.run_dock.raise_()

    def _on_execution_trace_ready(self, trace: Schedule) -> None:
        pair = self.execution.comparison()
        if len(pair) == 2:
            self.show_comparison(pair)
        else:
            self._set_schedule(trace)
        self.statusBar().showMessage(
            f"Recorded trace: {len(trace.slots)} tasks, makespan {trace.makespan:.3g} s"
            + (" (partial)" if trace.meta.get("partial") else ""), 6000)

    def _on_manager_run_finished(self, _key: str, sched: Schedule) -> None:
        # the first result of a fresh graph goes straight to the chart
        if self._schedule is None:
            self.show_schedule(sched)
            self._auto_chosen = sched
            # its row is selected, so the table says which result the chart shows
            blocked = self.results.blockSignals(True)
            try:
                self.results.select_algorithms([sched.algorithm])
            finally:
                self.results.blockSignals(blocked)
        elif self._schedule is getattr(self, "_auto_chosen", None):
            # later results sort in around it: keep the shown result's row in view until the user picks
            self.results.reveal_selection()

    def _on_document_graph_changed(self) -> None:
        if self._schedule is not None and self._schedule.algorithm != "trace":
            self.statusBar().showMessage("The graph changed: results are stale, run again", 4000)
            # the chart keeps the old bars: its title says so for as long as they stay
            self.gantt.mark_stale()

    def _on_document_platform_changed(self) -> None:
        if self._schedule is not None and self._schedule.algorithm != "trace":
            self.statusBar().showMessage("The platform changed: results are stale, run again", 4000)
            self.gantt.mark_stale("stale: the platform changed, run again")

    # ------------------------------------------------------------------ misc
    def _show_error(self, title: str, text: str) -> None:
        self.statusBar().showMessage(text, 10000)
        if os.environ.get("TASKMAPPER_NO_DIALOGS"):
            return
        QtWidgets.QMessageBox.warning(self, title, text)

    def _show_error_message(self, text: str) -> None:
        self.statusBar().showMessage(text, 8000)

    def about(self) -> None:
        QtWidgets.QMessageBox.about(
            self, "About TaskMapper",
            "<b>TaskMapper</b><br>Design how parallel work is mapped onto workers: draw task graphs, "
            "run mapping algorithms, watch the schedules play out.")

    def closeEvent(self, event: QtGui.QCloseEvent) -> None:
        if not self.maybe_save():
            event.ignore()
            return
        self.playback.pause()
        self.manager.wait_all(3000)
        self.execution.wait_all(5000)
        event.accept()
