"""The main window: graph editor above, Gantt chart below, panels around them.

This module only builds and wires: the document (:mod:`gui.document`), what is shown
(:mod:`gui.session`), the views and panels, the menus (:mod:`gui.actions`) and the file
commands (:mod:`gui.files`). Views observe the document and the session.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, cast

from PySide6 import QtCore, QtGui, QtWidgets

from gui.actions import build_menus
from gui.algorithm_runs import RunManager
from gui.analysis_runs import LiveAnalysis
from gui.autosave import Autosave
from gui.document import Document
from gui.editor import GraphEditorView
from gui.files import FileCommands
from gui.gantt import GanttView, Playback
from gui.hand_mapping import HandMapper
from gui.lazy import LazyPage
from gui.numbers import human
from gui.overlay_state import OverlayState, bind_views
from gui.panels import PlatformPanel, PropertyPanel
from gui.report_export import ReportExport
from gui.results import ResultsPanel
from gui.session import Session
from model.chart import GanttGeometry, gantt_geometry
from model.graph import Platform, TaskGraph
from model.replay import task_states
from model.schedule import Schedule

if TYPE_CHECKING:
    from gui.panels.analysis import AnalysisPanel
    from gui.runs import ExecutionPanel
    from gui.views import ProfileView, ScalingView

__all__ = ["MainWindow"]


def _prepare_gantt(sched: Schedule, graph: TaskGraph, platform: Platform, *, show_transfers: bool) -> GanttGeometry:
    """The chart of a fresh result, laid out in its worker thread (``show_transfers`` was
    read from the chart when the run started)."""
    return gantt_geometry([sched], graph, [platform], show_transfers=show_transfers)


class MainWindow(QtWidgets.QMainWindow):
    """TaskMapper's window. Holds one :class:`Document` at a time.

    What the first paint does not show is made right after it: the Gantt chart's plot
    (:meth:`GanttView.make_plot`, with pyqtgraph's import), so the window is on screen
    sooner. :attr:`ready` says when that is done; a part asked for earlier is made then.
    """

    #: the window has been painted once and the parts made after that first paint exist
    ready = QtCore.Signal()

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("TaskMapper")
        self.resize(1280, 800)
        self.settings = QtCore.QSettings("TaskMapper", "TaskMapper")

        self.document = Document(self)
        self.session = Session(self)
        self.manager = RunManager(self)
        self.playback = Playback(self)

        #: what the graph and the chart are coloured by, shown by the menus, the toolbar and the chart
        self.overlay_state = OverlayState(self)
        #: the analysis of the open graph, kept up to date
        self.live_analysis = LiveAnalysis(self.document, self)

        self.editor = GraphEditorView(self.document, session=self.session)
        self.gantt = GanttView(self.playback, session=self.session)
        bind_views(self.overlay_state, self.editor, self.gantt, self.playback)
        # the profile and speed-up tabs are made when first shown (or asked for): not at start
        self._profile_page = LazyPage(self._make_profile_view)
        self._scaling_page = LazyPage(self._make_scaling_view)
        self.chart_tabs = QtWidgets.QTabWidget()
        self.chart_tabs.setDocumentMode(True)
        self.chart_tabs.addTab(self.gantt, "Gantt chart")
        self.chart_tabs.addTab(self._profile_page, "Parallelism profile")
        self.chart_tabs.addTab(self._scaling_page, "Speed-up")
        split = QtWidgets.QSplitter(QtCore.Qt.Orientation.Vertical)
        split.addWidget(self.editor)
        split.addWidget(self.chart_tabs)
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
        self.left_dock = left_dock = self._dock(left, "Task && platform", QtCore.Qt.DockWidgetArea.LeftDockWidgetArea)

        self.results = ResultsPanel(self.document, self.manager, session=self.session)
        self.mapping_dock = mapping_dock = self._dock(self.results, "Mapping",
                                                      QtCore.Qt.DockWidgetArea.RightDockWidgetArea)
        # the analysis and run panels lie under the mapping one: made when first shown (or asked for)
        self._analysis_page = LazyPage(self._make_analysis_panel, on_show=False)
        self.analysis_dock = self._dock(self._analysis_page, "Analysis", QtCore.Qt.DockWidgetArea.RightDockWidgetArea)
        self._analysis_page.make_when_in_front(self.analysis_dock)
        self.tabifyDockWidget(mapping_dock, self.analysis_dock)
        self._run_page = LazyPage(self._make_execution_panel, on_show=False)
        self.run_dock = self._dock(self._run_page, "Run for real", QtCore.Qt.DockWidgetArea.RightDockWidgetArea)
        self._run_page.make_when_in_front(self.run_dock)
        self.tabifyDockWidget(self.analysis_dock, self.run_dock)
        # the construction replay explains each step in a dock of its own, shown while it runs
        self.construction_dock = self._dock(self.gantt.construction.panel, "Construction",
                                            QtCore.Qt.DockWidgetArea.RightDockWidgetArea)
        self.tabifyDockWidget(self.run_dock, self.construction_dock)
        self.construction_dock.hide()
        self.gantt.construction.panel.shown_changed.connect(self._on_construction_shown_changed)
        self.gantt.construction.stepped.connect(self._on_construction_stepped)
        mapping_dock.raise_()
        self.resizeDocks([left_dock], [210], QtCore.Qt.Orientation.Horizontal)
        self.results.splitter.setSizes([320, 170])
        #: the window width the docks were last sized for (they follow big changes of it)
        self._docks_sized_for = 0

        # moving tasks by hand: the chart's drag and drop, the property panel's worker box, the menus
        self.hand = HandMapper(self.document, self.session, self.results, self, status=self.show_status)
        self.gantt.set_mover(self.hand)
        self.properties.attach(self.session, self.hand)

        # the bars of a big result are laid out in the worker thread, not when it is shown
        self.manager.add_preparer("gantt", _prepare_gantt,
                                  capture=lambda: {"show_transfers": self.gantt.show_transfers})

        self.files = FileCommands(self)
        self.autosave = Autosave(self)
        #: set when the window closes because the process was interrupted (Ctrl-C)
        self.closing_on_signal = False
        self.report_export = ReportExport(self)
        self.menus = build_menus(self)
        #: the result the window put on the chart by itself (the best so far), and the
        #: one the user chose in the table: the window follows better results as they
        #: arrive unless the user's choice is still in the table
        self._auto_chosen: Schedule | None = None
        self._user_chosen: Schedule | None = None
        #: the content version the shown schedules belong to, and what made them stale
        self._shown_version: object = None
        self._stale_reason = "graph"
        self._pending_change = ""
        self._showing_stale = False
        self._connect()
        self.statusBar().showMessage("Ready")
        self._update_title()
        #: whether the first paint happened and what it left for later is made
        self.is_ready = False
        self._first_paint_seen = False
        self._closing = False
        self.installEventFilter(self)

    def eventFilter(self, obj: QtCore.QObject, event: QtCore.QEvent) -> bool:
        if obj is self and event.type() == QtCore.QEvent.Type.Paint and not self._first_paint_seen:
            self._first_paint_seen = True
            self.removeEventFilter(self)
            # after the paint is on screen (the children paint in the same pass): a queued call
            QtCore.QTimer.singleShot(0, self._finish_start)
        return super().eventFilter(obj, event)

    def _finish_start(self) -> None:
        """Make what the first paint did not need (the chart's plot), so that the first run
        shown does not wait for it."""
        if self._closing:  # closed at once (the waits of closeEvent run queued calls)
            return
        self.gantt.make_plot()
        self.is_ready = True
        self.ready.emit()

    @property
    def profile_view(self) -> ProfileView:
        """The parallelism profile tab (made on first use)."""
        return cast("ProfileView", self._profile_page.content())

    @property
    def scaling_view(self) -> ScalingView:
        """The speed-up tab (made on first use)."""
        return cast("ScalingView", self._scaling_page.content())

    @property
    def analysis(self) -> AnalysisPanel:
        """The Analysis dock's panel (made on first use)."""
        return cast("AnalysisPanel", self._analysis_page.content())

    @property
    def execution(self) -> ExecutionPanel:
        """The "Run for real" dock's panel (made on first use)."""
        return cast("ExecutionPanel", self._run_page.content())

    def _make_analysis_panel(self) -> QtWidgets.QWidget:
        from gui.panels.analysis import AnalysisPanel

        return AnalysisPanel(self.document, self.live_analysis)

    def _make_execution_panel(self) -> QtWidgets.QWidget:
        from gui.runs import ExecutionPanel

        panel = ExecutionPanel(self.document, results_provider=lambda: self.session.results)
        panel.trace_ready.connect(self._on_execution_trace_ready)
        panel.comparison_requested.connect(self.show_comparison)
        return panel

    def _make_profile_view(self) -> QtWidgets.QWidget:
        from gui.views import ProfileView

        return ProfileView(self.live_analysis, self.session)

    def _make_scaling_view(self) -> QtWidgets.QWidget:
        from gui.views import ScalingView

        view = ScalingView(self.document, self.session)
        view.schedule_shown.connect(lambda _s: self.chart_tabs.setCurrentIndex(0))
        return view

    def _dock(self, widget: QtWidgets.QWidget, title: str, area: QtCore.Qt.DockWidgetArea) -> QtWidgets.QDockWidget:
        dock = QtWidgets.QDockWidget(title, self)
        dock.setObjectName(title)
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    def _connect(self) -> None:
        d = self.document
        d.path_changed.connect(lambda _p: self._update_title())
        d.dirty_changed.connect(lambda _d: self._update_title())
        d.selection_changed.connect(self.gantt.select_tasks)
        self.gantt.task_clicked.connect(lambda t: self.editor.focus_tasks([t]))
        self.editor.error.connect(lambda text: self.show_status(text, 8000))
        self.editor.task_menu_requested.connect(self._on_editor_task_menu_requested)
        d.graph_changed.connect(lambda: self.gantt.set_pins(d.graph.pins()))  # pins come and go with graph edits
        self.results.schedule_chosen.connect(self._on_results_schedule_chosen)
        self.results.comparison_chosen.connect(self._on_results_comparison_chosen)
        self.results.result_arrived.connect(self._on_results_result_arrived)
        self.session.shown_changed.connect(self._on_session_shown_changed)
        self.playback.time_changed.connect(self._on_playback_time_changed)
        d.graph_changed.connect(self._on_document_graph_changed)
        d.platform_changed.connect(self._on_document_platform_changed)
        d.version_changed.connect(self._on_document_version_changed)

    # ------------------------------------------------------------------ commands
    def open_path(self, path: str, *, background: bool | None = None) -> bool:
        """Open a graph, or a schedule / trace, by content (see :meth:`FileCommands.open_path`)."""
        return self.files.open_path(path, background=background)

    def export_chart(self, path: str) -> bool:
        """Write the chart as shown to ``path`` (PNG, SVG or PDF)."""
        return self.files.export_chart(path)

    def maybe_save(self) -> bool:
        """Ask what to do with unsaved changes; ``False`` means the user cancelled."""
        return self.files.maybe_save()

    def show_schedule(self, sched: Schedule) -> None:
        """Show one schedule: a result of the table is drawn on the graph it was computed
        for (its chart prepared by the worker), and marked stale when the document's
        content has changed since."""
        row = self.results.row_of_schedule(sched)
        graph = row.graph if row is not None and row.graph is not None else self.document.graph
        prepared = row.prepared.get("gantt") if row is not None else None
        geometry = prepared if isinstance(prepared, GanttGeometry) else None
        self.session.show([sched], graph, geometry=geometry)  # its stale note: _on_session_shown_changed
        note = ""
        if sched.meta.get("cancelled"):
            note = " (cancelled: the best found so far, not proven)"
        self.statusBar().showMessage(f"{sched.algorithm}: makespan {human(sched.makespan, 6)}{note}", 4000)

    def show_comparison(self, schedules: list[Schedule]) -> None:
        """Show 2+ schedules stacked on one time axis."""
        if schedules:
            row = self.results.row_of_schedule(schedules[0])
            self.session.show(schedules, self.document.graph if row is None or row.graph is None else row.graph)

    def animate_construction(self) -> None:
        sched = self.session.primary
        if sched is None:
            self.show_status("Choose a result first: its construction is replayed placement by placement", 8000)
            return
        slots = self.results.construction(sched.algorithm) or sched.slots
        self.chart_tabs.setCurrentIndex(0)
        self.gantt.animate_construction(slots)
        platform = self.session.platforms[0] if self.session.platforms else None
        self.gantt.construction.explain(self.session.graph or self.document.graph,
                                        platform or self.document.platform, sched.algorithm)

    def show_analysis_panel(self) -> None:
        self.analysis_dock.show()
        self.analysis_dock.raise_()

    def show_chart_tab(self, index: int) -> None:
        """Show the Gantt chart (0), the parallelism profile (1) or the speed-up curves (2)."""
        self.chart_tabs.setCurrentIndex(index)

    def show_run_panel(self) -> None:
        self.run_dock.show()
        self.run_dock.raise_()

    def show_guide(self) -> QtWidgets.QDialog:
        """A short guide to the window and the list of its keyboard shortcuts."""
        from gui.guide import show_guide

        return show_guide(self)

    def about(self) -> None:
        QtWidgets.QMessageBox.about(
            self, "About TaskMapper",
            "<b>TaskMapper</b><br>Design how parallel work is mapped onto workers: draw task graphs, "
            "run mapping algorithms, watch the schedules play out.")

    # ------------------------------------------------------------------ messages
    def show_status(self, text: str, ms: int = 0) -> None:
        """A message in the status bar (for ``ms`` milliseconds; 0: until the next one)."""
        self.statusBar().showMessage(text, ms)

    def show_error(self, title: str, text: str) -> None:
        """An error in the status bar and, unless ``TASKMAPPER_NO_DIALOGS`` is set, a dialog."""
        self.statusBar().showMessage(text, 10000)
        if os.environ.get("TASKMAPPER_NO_DIALOGS"):
            return
        QtWidgets.QMessageBox.warning(self, title, text)

    def _update_title(self) -> None:
        name = self.files.display_name()
        self.setWindowTitle(f"{name}{' *' if self.document.dirty else ''} — TaskMapper")

    # ------------------------------------------------------------------ slots
    def _replayed(self) -> Schedule | None:
        """The schedule whose states the editor shows: the trace of what really ran when
        one is shown (beside its prediction), else the first shown schedule."""
        shown = self.session.schedules
        return next((s for s in shown if s.algorithm == "trace"), shown[0] if shown else None)

    def _on_playback_time_changed(self, t: float) -> None:
        # past the editor's drawing limit nothing shows the states: spare the loop over every slot
        sched = self._replayed()
        if sched is not None and not self.editor.too_large():
            states = task_states(sched, t)
            if sched.meta.get("partial"):
                # a cut-short run: the tasks it never ran are still waiting, not done
                for task in self.document.graph.tasks:
                    states.setdefault(task, "waiting")
            self.editor.set_task_states(states)

    def _on_construction_shown_changed(self, shown: bool) -> None:
        if shown:
            self.construction_dock.show()
            self.construction_dock.raise_()
        else:
            self.construction_dock.hide()

    def _on_construction_stepped(self, k: int) -> None:
        # the task just placed is selected in the graph too
        slot = self.gantt.construction.slot(k)
        self.document.select([slot.task] if slot is not None else [])

    def _on_editor_task_menu_requested(self, task: str, pos: QtCore.QPoint) -> None:
        menu = self.hand.task_menu(task, self)
        menu.exec(pos)
        menu.deleteLater()

    def _on_execution_trace_ready(self, trace: Schedule) -> None:
        pair = self.execution.comparison()
        self._shown_version = self.document.version
        if len(pair) == 2:
            self.session.show(pair, self.document.graph)
        else:
            self.session.show([trace], self.document.graph)
        self.statusBar().showMessage(
            f"Recorded trace: {len(trace.slots)} tasks, makespan {human(trace.makespan)} s"
            + (" (partial)" if trace.meta.get("partial") else ""), 6000)

    def _on_session_shown_changed(self) -> None:
        # whoever showed it (a result, a hand move, a replay): its version is its row's, or
        # the document's now when it is in no row yet (made this moment)
        shown = self.session.primary
        if shown is None or shown.algorithm == "trace":
            return
        row = self.results.row_of_schedule(shown)
        self._shown_version = row.version if row is not None else self.document.version
        self._refresh_stale_note()

    def _on_results_schedule_chosen(self, sched: Schedule) -> None:
        self._user_chosen = sched
        self.show_schedule(sched)

    def _on_results_comparison_chosen(self, schedules: list[Schedule]) -> None:
        self._user_chosen = schedules[0] if schedules else None
        self.show_comparison(schedules)

    def _follows_best(self) -> bool:
        """Whether the chart follows the best result: nothing is shown, the window chose what
        is, or what the user chose has left the table (its algorithm ran again)."""
        shown = self.session.primary
        if shown is None or shown is self._auto_chosen:
            return True
        return shown is self._user_chosen and self.results.row_of_schedule(shown) is None

    def _on_results_result_arrived(self, _sched: Schedule) -> None:
        if not self._follows_best():
            return
        best = self.results.best_result()
        if best is None:
            return
        if best is not self.session.primary:
            self.show_schedule(best)
            self._auto_chosen = best
            # its row is selected, so the table says which result the chart shows
            blocked = self.results.blockSignals(True)
            try:
                self.results.select_algorithms([best.algorithm])
            finally:
                self.results.blockSignals(blocked)
        else:
            # later results sort in around it: keep the shown result's row in view
            self.results.reveal_selection()

    def _shows_computed_result(self) -> bool:
        sched = self.session.primary
        return sched is not None and sched.algorithm != "trace"

    def _refresh_stale_note(self) -> None:
        """The chart's title says whether its schedules still match the document's content."""
        self._showing_stale = False
        if not self._shows_computed_result():
            return
        self._showing_stale = self._shown_version != self.document.version
        if not self._showing_stale:
            self.gantt.mark_stale("")
        elif self._stale_reason == "platform":
            self.gantt.mark_stale("stale: the platform changed, run again")
        else:
            self.gantt.mark_stale("stale: the graph changed, run again")

    def _on_document_graph_changed(self) -> None:
        self._pending_change = self._pending_change or "graph"

    def _on_document_platform_changed(self) -> None:
        self._pending_change = self._pending_change or "platform"

    def _on_document_version_changed(self) -> None:
        # the edit (or undo, redo) is complete: the version says whether the chart still matches
        what, self._pending_change = self._pending_change, ""
        if not self._shows_computed_result():
            return
        was_stale = self._showing_stale
        if self._shown_version != self.document.version:
            if what:
                self._stale_reason = what
                self.statusBar().showMessage(f"The {what} changed: results are stale, run again", 4000)
        elif was_stale:
            self.statusBar().showMessage("Back to the content the shown result was computed for: "
                                         "it is up to date again", 4000)
        # the chart keeps its bars: its title says whether they still match
        self._refresh_stale_note()

    def close_on_signal(self) -> None:
        """Close at once, asking nothing (Ctrl-C in the terminal): unsaved work stays in
        the autosave, offered back at the next start."""
        self.closing_on_signal = True
        self.close()

    def dock_widths(self, width: int) -> tuple[int, int]:
        """The widths of the left and right docks for a window ``width`` pixels wide: the
        right one (mapping, running for real) gets about a third, the left one a sixth."""
        left = int(min(max(0.16 * width, 170), 280))
        right = int(min(max(0.32 * width, 330), 700))
        return left, right

    def resizeEvent(self, event: QtGui.QResizeEvent) -> None:
        super().resizeEvent(event)
        w = event.size().width()
        # the docks follow big changes of the window (maximising, a new screen), not every pixel
        if abs(w - self._docks_sized_for) >= 80:
            self._docks_sized_for = w
            left, right = self.dock_widths(w)
            # whichever right-hand dock is in front (they may be tabs of one another) takes the width
            docks = [d for d in self.findChildren(QtWidgets.QDockWidget)
                     if d.isVisible() and not d.isFloating()
                     and self.dockWidgetArea(d) in (QtCore.Qt.DockWidgetArea.LeftDockWidgetArea,
                                                    QtCore.Qt.DockWidgetArea.RightDockWidgetArea)]
            widths = [left if self.dockWidgetArea(d) == QtCore.Qt.DockWidgetArea.LeftDockWidgetArea else right
                      for d in docks]
            if docks:
                self.resizeDocks(docks, widths, QtCore.Qt.Orientation.Horizontal)

    def closeEvent(self, event: QtGui.QCloseEvent) -> None:
        if self.closing_on_signal:
            if self.document.dirty and self.autosave.save_now():
                print(f"taskmapper: unsaved changes kept in {self.autosave.graph_file}; "
                      "the next start offers to restore them", file=sys.stderr)
        elif not self.maybe_save():
            event.ignore()
            return
        else:
            self.autosave.discard()  # a clean exit: nothing left to restore
        self.playback.pause()
        if self.files.loading is not None:
            self.files.loading.cancel()
        self.gantt.construction.stop()
        self._closing = True
        self.wait_for_background()
        event.accept()

    def wait_for_background(self, ms: int = 3000) -> None:
        """Wait (up to about ``ms`` each) for the window's background work: analysis, the
        speed-up curves (if that tab was ever built), report export, mapping runs and a real
        run (if that panel was ever built; it gets at least 5 s: its tasks get time to finish)."""
        self.live_analysis.wait(ms)
        if self._scaling_page.made:
            self.scaling_view.wait(ms)
        self.report_export.wait(ms)
        self.manager.wait_all(ms)
        if self._run_page.made:
            self.execution.wait_all(max(ms, 5000))
