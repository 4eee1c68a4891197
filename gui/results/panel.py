"""The results panel: choose algorithms, run them in the background, compare them.

The panel observes the :class:`~gui.document.Document` (only ``snapshot()``,
``graph_changed`` and ``platform_changed``) and drives a
:class:`~gui.workers.RunManager`. Each algorithm has one row in the comparison table
(:mod:`gui.results.table`); running it again replaces the row. Results belong to their
graph: opening another one (or a new one) clears the table. A row is stale (greyed, status
"stale", sorted after the up-to-date rows) while the document's content differs from the
one it was computed for (:attr:`gui.document.Document.version`): undoing back to that
content makes it up to date again. A stale row can still be chosen; the window shows its
schedule marked stale. The figures are computed in the worker thread
(:func:`model.comparison.table_metrics`).

Cancelling an anytime search keeps the best schedule it had found: its row says
"cancelled (best so far)", and the schedule's ``meta`` says ``cancelled`` and not proven.

Anytime algorithms get the panel's time limit as their ``time_limit``. While one runs,
and afterwards when its row is chosen, a small plot (:mod:`gui.results.search_plot`)
follows its search: best makespan and lower bound over time. The "Gap" column measures
every result against the best lower bound known for its graph: the analytic bound, or a
bound proven by an anytime run on the same graph, whichever is larger.
"""

from __future__ import annotations

import math
import time
from typing import TYPE_CHECKING, Any, cast

from PySide6 import QtCore, QtWidgets

from gui.algorithm_runs import RunManager
from gui.algorithms import RUN_ALL_EXACT_TASKS, is_anytime, run_all_plan
from gui.algorithms import tooltip as algorithm_tooltip
from gui.lazy import LazyPage
from gui.memory import building_long_lived
from gui.workers import error_message
from model.algorithms import available
from model.comparison import finite, table_metrics
from model.schedule import Schedule, Slot

if TYPE_CHECKING:
    from gui.session import Session

    from .search_plot import SearchPlot

from .frozen import FrozenColumn
from .metrics_job import MetricsJob
from .progress import RunProgress
from .table import COL, COLUMNS, SORT_ROLE, ResultsModel, ResultsProxy, RunRow, assign_bounds

__all__ = ["DEFAULT_TIME_LIMIT", "ResultsPanel"]

#: default search budget of the anytime algorithms, in seconds
DEFAULT_TIME_LIMIT = 5.0
#: the algorithm ticked when the panel opens
DEFAULT_CHECKED = "heft"
#: a hand row's figures are computed this long after the move (the chart goes first)
HAND_METRICS_DELAY_MS = 120
#: progress rows in view at once while runs go (more scroll)
PROGRESS_ROWS_SHOWN = 4


def _make_search_plot() -> QtWidgets.QWidget:
    # pyqtgraph is imported with the first plot, not with the window
    from .search_plot import SearchPlot

    return SearchPlot()


class ResultsPanel(QtWidgets.QWidget):
    """Run mapping algorithms in the background and compare their schedules.

    Parameters
    ----------
    document
        Anything with ``snapshot() -> (TaskGraph, Platform)`` and the signals
        ``graph_changed`` and ``platform_changed``; optionally ``graph_reset`` (another
        graph was opened: the table is cleared) and ``version`` with ``version_changed``
        (the content version, see :attr:`gui.document.Document.version`; without them
        any change makes every row stale for good).
    manager : RunManager
        Runs the algorithms on the thread pool.
    """

    #: the Schedule of the chosen table row
    schedule_chosen = QtCore.Signal(object)
    #: two chosen rows -> [Schedule, Schedule]
    comparison_chosen = QtCore.Signal(list)
    #: True while at least one run is in progress (what "Cancel all" can act on)
    runs_active_changed = QtCore.Signal(bool)
    #: the Schedule of a run of the open graph that has just ended (finished, or cancelled
    #: with the best schedule found), once its row is up to date
    result_arrived = QtCore.Signal(object)

    def __init__(self, document: Any, manager: RunManager, parent: QtWidgets.QWidget | None = None, *,
                 session: Session | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.manager = manager
        #: where the up-to-date results are published (``None``: only :meth:`results` gives them)
        self.session = session
        self._progress: dict[str, RunProgress] = {}
        #: hand rows: the figures job of each row still computing, and figures already known
        self._hand_jobs: dict[str, MetricsJob] = {}
        self._hand_metrics: dict[int, tuple[Schedule, dict[str, float]]] = {}
        #: bumped on every change when the document has no ``version``
        self._changes = 0
        #: content version -> generation number: rows of one generation are comparable
        self._generations: dict[Any, int] = {}
        self._build_checklist()
        self._build_buttons()
        self._build_progress()
        self._build_table()
        top = QtWidgets.QHBoxLayout()
        top.addWidget(self.algorithm_list, 1)
        top.addLayout(self._buttons)
        lay = QtWidgets.QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.progress_scroll)
        lay.addWidget(self.message_label)
        lay.addWidget(self.splitter, 2)

        manager.run_progress.connect(self._on_manager_progress)
        manager.run_placed.connect(self._on_manager_placed)
        manager.run_finished.connect(self._on_manager_finished)
        manager.run_failed.connect(self._on_manager_failed)
        manager.run_cancelled.connect(self._on_manager_cancelled)
        manager.run_bound.connect(self._on_manager_bound)
        # metrics of a 100,000-task schedule take seconds: the worker computes them, and only it
        manager.add_preparer("metrics", table_metrics)
        if hasattr(document, "version_changed"):
            # the version is up to date only once the edit (or undo) is complete
            document.version_changed.connect(self.refresh_staleness)
        else:
            document.graph_changed.connect(self.mark_stale)
            document.platform_changed.connect(self.mark_stale)
        if hasattr(document, "graph_reset"):
            document.graph_reset.connect(self.clear)

    def _build_checklist(self) -> None:
        """The algorithm checklist, built from the registry."""
        self.algorithm_list = QtWidgets.QListWidget()
        self.algorithm_list.setObjectName("algorithm_list")
        for name in available():
            item = QtWidgets.QListWidgetItem(name)
            item.setFlags(item.flags() | QtCore.Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(QtCore.Qt.CheckState.Checked if name == DEFAULT_CHECKED
                               else QtCore.Qt.CheckState.Unchecked)
            item.setToolTip(algorithm_tooltip(name))
            self.algorithm_list.addItem(item)

    def _build_buttons(self) -> None:
        self.run_selected_button = QtWidgets.QPushButton("Run selected")
        self.run_selected_button.setToolTip("Run the checked algorithms in the background")
        self.run_all_button = QtWidgets.QPushButton("Run all")
        self.run_all_button.setToolTip(
            f"Run every algorithm. Exact solvers are exponential: Run all leaves them out on graphs over "
            f"{RUN_ALL_EXACT_TASKS} tasks (tick one and use Run selected to run it anyway)")
        self.cancel_all_button = QtWidgets.QPushButton("Cancel all")
        self.cancel_all_button.setEnabled(False)
        self.time_limit_spin = QtWidgets.QDoubleSpinBox()
        self.time_limit_spin.setObjectName("time_limit_spin")
        self.time_limit_spin.setRange(0.1, 3600.0)
        self.time_limit_spin.setDecimals(1)
        self.time_limit_spin.setSingleStep(1.0)
        self.time_limit_spin.setSuffix(" s")
        self.time_limit_spin.setValue(DEFAULT_TIME_LIMIT)
        searches = ", ".join(n for n in available() if is_anytime(n))
        self.time_limit_spin.setToolTip(f"Search budget of the anytime algorithms ({searches}): "
                                        "they stop with the best schedule found and its proven gap")
        limit_label = QtWidgets.QLabel("Time limit")
        limit_label.setBuddy(self.time_limit_spin)
        self.run_selected_button.clicked.connect(self.run_selected)
        self.run_all_button.clicked.connect(self.run_all)
        self.cancel_all_button.clicked.connect(self.cancel_all)
        self._buttons = QtWidgets.QVBoxLayout()
        for b in (self.run_selected_button, self.run_all_button, self.cancel_all_button):
            self._buttons.addWidget(b)
        self._buttons.addWidget(limit_label)
        self._buttons.addWidget(self.time_limit_spin)
        self._buttons.addStretch(1)

    def _build_progress(self) -> None:
        self.progress_box = QtWidgets.QWidget()
        self._progress_layout = QtWidgets.QVBoxLayout(self.progress_box)
        self._progress_layout.setContentsMargins(0, 0, 0, 0)
        self._progress_layout.setSpacing(2)
        # the box is as tall as its rows (each of a fixed, readable height): the scroll
        # area scrolls through them instead of squeezing them into its height
        self._progress_layout.setSizeConstraint(QtWidgets.QLayout.SizeConstraint.SetMinAndMaxSize)
        self._progress_layout.addStretch(1)
        # many runs at once must not push the window taller: the lines scroll past a few rows
        self.progress_scroll = QtWidgets.QScrollArea()
        self.progress_scroll.setWidget(self.progress_box)
        self.progress_scroll.setWidgetResizable(True)
        self.progress_scroll.setFrameShape(QtWidgets.QFrame.Shape.NoFrame)
        self.progress_scroll.setHorizontalScrollBarPolicy(QtCore.Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.progress_scroll.hide()
        self.message_label = QtWidgets.QLabel()
        self.message_label.setObjectName("message_label")
        self.message_label.setWordWrap(True)
        self.message_label.setTextInteractionFlags(QtCore.Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message_label.hide()
        # while a shown search runs, stretch its curves to the present and update the
        # progress lines of anytime runs (their task counts say nothing about the search)
        self._live_timer = QtCore.QTimer(self)
        self._live_timer.setInterval(200)
        self._live_timer.timeout.connect(self._on_live_timer_timeout)

    def _build_table(self) -> None:
        self.model = ResultsModel(self)
        self.proxy = ResultsProxy(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.proxy.setDynamicSortFilter(True)
        self.table = QtWidgets.QTableView()
        self.table.setObjectName("results_table")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(COL["makespan"], QtCore.Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QtWidgets.QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QtWidgets.QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.setAlternatingRowColors(True)
        # a handful of rows: sizing columns to their contents is cheap and keeps the dock narrow
        self.table.horizontalHeader().setSectionResizeMode(QtWidgets.QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.selectionModel().selectionChanged.connect(self._on_table_selection_changed)
        # the algorithm names stay in view when the figures scroll sideways
        self.frozen = FrozenColumn(self.table, COL["algorithm"])
        # the search plot is made when a search is first shown
        self._plot_page = LazyPage(_make_search_plot)
        self._plot_page.hide()
        self.splitter = QtWidgets.QSplitter(QtCore.Qt.Orientation.Vertical)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self._plot_page)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)

    # ------------------------------------------------------------------ public
    def checked_algorithms(self) -> list[str]:
        """Names ticked in the checklist."""
        out = []
        for i in range(self.algorithm_list.count()):
            it = self.algorithm_list.item(i)
            if it.checkState() == QtCore.Qt.CheckState.Checked:
                out.append(it.text())
        return out

    def set_checked(self, algorithms: list[str]) -> None:
        """Tick exactly ``algorithms`` in the checklist."""
        want = set(algorithms)
        for i in range(self.algorithm_list.count()):
            it = self.algorithm_list.item(i)
            it.setCheckState(QtCore.Qt.CheckState.Checked if it.text() in want else QtCore.Qt.CheckState.Unchecked)

    def run_selected(self) -> list[str]:
        """Run the ticked algorithms."""
        return self.run(self.checked_algorithms())

    def run_all(self) -> list[str]:
        """Run every registered algorithm that can run here; exact solvers only on graphs of
        up to :data:`~gui.algorithms.RUN_ALL_EXACT_TASKS` tasks (the message says what was
        left out, and why)."""
        names, left_out = run_all_plan(len(self.document.graph))
        keys = self.run(names)
        if keys and left_out:
            self._show_message("Run all left out " + "; ".join(f"{n}: {why}" for n, why in left_out.items()),
                               error=False)
        return keys

    def time_limit(self) -> float:
        """The search budget given to anytime algorithms, in seconds."""
        return float(self.time_limit_spin.value())

    def set_time_limit(self, seconds: float) -> None:
        """Set the search budget of anytime algorithms (clamped to the spin box's range)."""
        self.time_limit_spin.setValue(float(seconds))

    def run(self, algorithms: list[str], params: dict[str, dict[str, Any]] | None = None) -> list[str]:
        """Run ``algorithms`` on a snapshot of the document; return the run keys.

        A previous run of the same algorithm still going is cancelled and its row
        replaced. ``params`` optionally maps an algorithm to its keyword arguments;
        anytime algorithms get the panel's time limit as ``time_limit`` unless
        ``params`` sets it.
        """
        if not algorithms:
            self._show_message("Tick at least one algorithm to run.", error=False)
            return []
        try:
            # the snapshot lives as long as the rows: keep it out of full collections
            with building_long_lived(len(self.document.graph)):
                graph, platform = self.document.snapshot()
        except Exception as exc:  # the document cannot give a graph to map
            self._show_message(error_message(exc), error=True)
            return []
        self._show_message("")
        version = self._version()
        keys = []
        for name in algorithms:
            old = self.model.row_of(name)
            if old >= 0 and self.model.rows[old].status == "running":
                self.manager.cancel(self.model.rows[old].key)
            anytime = is_anytime(name)
            p = dict((params or {}).get(name) or {})
            if anytime:
                p.setdefault("time_limit", self.time_limit())
            # the runs of one click share one copy: algorithms only read the graph, and a
            # second copy of a 100,000-task graph would cost the GUI thread seconds
            key = self.manager.start(name, graph, platform, p or None)
            row = RunRow(name, key, "running", graph=graph, platform=platform, generation=self._generation_of(version),
                         version=version, anytime=anytime, params=p, started=time.perf_counter())
            self.model.upsert(row)
            self._add_progress(key, name)
            keys.append(key)
            shown = self._search_row()
            if anytime and (shown is None or shown.status != "running" or shown.algorithm == name):
                self.show_search(name)  # a replaced run's plot follows its replacement
        self._refresh_gaps()
        self._sync_live_timer()
        return keys

    def run_variant(self, algorithm: str, label: str, graph: Any, platform: Any, *,
                    params: dict[str, Any] | None = None, extra_pins: dict[str, str] | None = None) -> str:
        """Run ``algorithm`` on ``graph`` (a copy the caller no longer touches, e.g. the
        document's graph with more pins) as the row ``label``; return the run key.

        ``extra_pins``: the pins ``graph`` has on top of the document's (the row's own lower
        bound is then not used for the others' gaps). Anytime algorithms get the time limit.
        """
        old = self.model.row_of(label)
        if old >= 0 and self.model.rows[old].status == "running":
            self.manager.cancel(self.model.rows[old].key)
        anytime = is_anytime(algorithm)
        p = dict(params or {})
        if anytime:
            p.setdefault("time_limit", self.time_limit())
        key = self.manager.start(algorithm, graph, platform, p or None)
        row = RunRow(label, key, "running", graph=graph, platform=platform, generation=self._generation_of(self._version()),
                     version=self._version(), anytime=anytime, params=p, started=time.perf_counter(), extra_pins=dict(extra_pins or {}))
        self.model.upsert(row)
        self._add_progress(key, label)
        if anytime:
            self.show_search(label)
        self._show_message("")
        self._refresh_gaps()
        self._sync_live_timer()
        return key

    # ------------------------------------------------------- results made by hand
    @property
    def generation(self) -> int:
        """Bumped on every graph or platform change: rows of one generation are comparable."""
        return self._generation_of(self._version())

    def row_names(self) -> list[str]:
        """The name of every row (algorithms, hand results), in table-model order."""
        return [r.algorithm for r in self.model.rows]

    def put_result(self, name: str, schedule: Schedule, graph: Any, platform: Any, *,
                   stale: bool = False) -> RunRow:
        """Show ``schedule``, made outside the run manager (a hand mapping), as the finished
        row ``name`` (replacing a row of that name).

        ``graph`` and ``platform`` are the copies it was timed on. Its figures are computed
        on the pool (:class:`~gui.results.metrics_job.MetricsJob`); until they arrive the
        row shows the makespan. ``stale``: timed on an earlier version of the graph.
        """
        cached = self._hand_metrics.get(id(schedule))
        metrics = dict(cached[1]) if cached is not None and cached[0] is schedule else {}
        row = RunRow(name, f"{name}#made", "done", stale=stale, schedule=schedule,
                     metrics=metrics or {"makespan": float(schedule.makespan)}, graph=graph, platform=platform,
                     generation=-1 if stale else self._generation_of(self._version()), hand=True,
                     version=("timed on an earlier graph",) if stale else self._version())
        self.model.upsert(row)
        old_job = self._hand_jobs.pop(name, None)
        if old_job is not None:
            old_job.cancel()
        if not metrics:
            job = MetricsJob(schedule, graph, platform)
            job.signals.result.connect(lambda m, s=schedule: self._on_hand_metrics(s, m))
            job.signals.failed.connect(lambda msg, n=name: self._show_message(
                f"{n}: metrics unavailable: {msg}", error=True))
            job.signals.finished.connect(lambda n=name, j=job: self._hand_jobs.pop(n, None)
                                         if self._hand_jobs.get(n) is j else None)
            self._hand_jobs[name] = job
            # started once the chart has shown the move (a worker thread computing meanwhile
            # would slow the GUI thread down); a newer move of the same row replaces it unstarted
            QtCore.QTimer.singleShot(HAND_METRICS_DELAY_MS, self, lambda n=name, j=job: self._start_hand_job(n, j))
        self._refresh_gaps()
        self._publish_results()
        return row

    def _start_hand_job(self, name: str, job: MetricsJob) -> None:
        if self._hand_jobs.get(name) is job and not job.cancelled:
            job.start()

    def remove_result(self, name: str) -> None:
        """Remove the row ``name`` (a hand result whose first move was undone)."""
        job = self._hand_jobs.pop(name, None)
        if job is not None:
            job.cancel()
        if self.model.remove(name):
            self._refresh_gaps()
            self._publish_results()

    def select_quietly(self, names: list[str]) -> None:
        """Select the rows ``names`` without emitting a choice (the chart already shows them)."""
        blocked = self.blockSignals(True)
        try:
            self.select_algorithms(names)
        finally:
            self.blockSignals(blocked)

    def wait_hand_jobs(self, ms: int = 5000) -> bool:
        """Wait until the figures of every hand row have arrived (tests and benchmarks)."""
        deadline = time.perf_counter() + ms / 1000
        while self._hand_jobs and time.perf_counter() < deadline:
            QtCore.QCoreApplication.processEvents(QtCore.QEventLoop.ProcessEventsFlag.AllEvents, 20)
            for job in list(self._hand_jobs.values()):
                if job.state != "pending":
                    job.wait(0.02)
        QtCore.QCoreApplication.processEvents()
        return not self._hand_jobs

    def _on_hand_metrics(self, schedule: Schedule, metrics: dict[str, float]) -> None:
        self._hand_metrics[id(schedule)] = (schedule, dict(metrics))
        while len(self._hand_metrics) > 32:  # the undo stack keeps older schedules; their figures are cheap to redo
            self._hand_metrics.pop(next(iter(self._hand_metrics)))
        for r in self.model.rows:
            if r.hand and r.schedule is schedule:
                r.metrics = dict(metrics)
                self._refresh_gaps()
                self.model.row_changed(r)

    def cancel_all(self) -> None:
        """Cancel every run started from this panel."""
        for key in list(self._progress):
            self.manager.cancel(key)

    def mark_stale(self) -> None:
        """Mark every result stale for good (the content changed in a way no version tracks)."""
        self._changes += 1
        self.model.mark_stale()
        self._after_staleness_changed()

    def refresh_staleness(self) -> None:
        """Mark stale exactly the rows computed for another content version than the document's."""
        current = self._version()
        self.model.set_stale(lambda r: r.version != current)
        self._after_staleness_changed()

    def clear(self) -> None:
        """Forget every result (another graph was opened); runs still going are cancelled."""
        for key in list(self._progress):
            self.manager.cancel(key)
            self._remove_progress(key)
        for r in self.model.rows:
            if r.status == "running":
                self.manager.cancel(r.key)
        self.model.clear()
        self._generations.clear()
        if self._plot_page.made:
            self.search_plot.set_row(None)
        self._plot_page.hide()
        self._show_message("")
        self._publish_results()
        self._sync_live_timer()

    def results(self) -> dict[str, Schedule]:
        """algorithm -> Schedule of every finished, up-to-date run."""
        return {r.algorithm: r.schedule for r in self.model.rows if r.schedule is not None and not r.stale and r.status == "done"}

    def best_result(self) -> Schedule | None:
        """The up-to-date schedule with the smallest makespan (finished runs, and cancelled
        searches with the best schedule they found); ``None`` when there is none."""
        usable = [r for r in self.model.rows
                  if r.schedule is not None and not r.stale and r.status in ("done", "cancelled")]
        if not usable:
            return None
        return min(usable, key=lambda r: float(r.schedule.makespan)).schedule  # type: ignore[union-attr]

    def row_of_schedule(self, schedule: Schedule) -> RunRow | None:
        """The row holding ``schedule`` (``None``: it is not, or no longer, in the table)."""
        return self.model.row_of_schedule(schedule)

    def is_stale(self, schedule: Schedule) -> bool:
        """Whether ``schedule`` is a result computed for other content than the document's."""
        r = self.model.row_of_schedule(schedule)
        return r is not None and r.stale

    def prepared_of(self, schedule: Schedule) -> dict[str, Any]:
        """What was prepared in the worker for ``schedule``, while its row is up to date
        (the graph it was prepared from is then the document's); else empty."""
        for r in self.model.rows:
            if r.schedule is schedule and not r.stale:
                return r.prepared
        return {}

    def row(self, algorithm: str) -> RunRow | None:
        """The table row of ``algorithm``."""
        i = self.model.row_of(algorithm)
        return None if i < 0 else self.model.rows[i]

    def show_search(self, algorithm: str | None) -> bool:
        """Plot the search of ``algorithm``'s latest run; ``False`` if it is not an anytime run."""
        r = self.row(algorithm) if algorithm else None
        if r is None or not r.anytime:
            return False
        self.search_plot.set_row(r)
        self._redraw_search()
        self._plot_page.show()
        self._sync_live_timer()
        return True

    def construction(self, algorithm: str) -> list[Slot]:
        """The placements of the algorithm's latest run, in the order it made them."""
        r = self.row(algorithm)
        return [] if r is None else list(r.placements)

    def select_algorithms(self, algorithms: list[str]) -> None:
        """Select the table rows of ``algorithms`` (as a click would)."""
        sm = self.table.selectionModel()
        sel = QtCore.QItemSelection()
        for name in algorithms:
            i = self.model.row_of(name)
            if i >= 0:
                p = self.proxy.mapFromSource(self.model.index(i, 0))
                sel.select(p, p.siblingAtColumn(len(COLUMNS) - 1))
        sm.select(sel, QtCore.QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self.reveal_selection()

    def reveal_selection(self) -> None:
        """Scroll the table so the first selected row is in view (rows move as results arrive)."""
        rows = sorted(self.table.selectionModel().selectedRows(), key=lambda i: i.row())
        if rows:
            self.table.scrollTo(rows[0], QtWidgets.QAbstractItemView.ScrollHint.EnsureVisible)

    def displayed(self) -> list[list[str]]:
        """The table as shown (sorted), as text: one list per row."""
        out = []
        for r in range(self.proxy.rowCount()):
            out.append([self.proxy.index(r, c).data() for c in range(len(COLUMNS))])
        return out

    # ------------------------------------------------------------------ slots
    def _on_manager_progress(self, key: str, done: int, total: int) -> None:
        w = self._progress.get(key)
        r = self.model.find_key(key)
        if r is not None and r.anytime:
            return  # shown as search time and bounds by the live timer
        if w is not None:
            w.bar.setRange(0, max(total, 1))
            w.bar.setValue(done)

    def _on_manager_placed(self, key: str, slots: list[Slot]) -> None:
        r = self.model.find_key(key)
        if r is not None:
            r.placements.extend(slots)

    def _on_manager_bound(self, key: str, points: list[tuple[float, float, float]]) -> None:
        r = self.model.find_key(key)
        if r is None:
            return
        r.history.extend(points)
        if r is self._search_row():
            self._redraw_search()

    def _on_manager_finished(self, key: str, schedule: Schedule) -> None:
        self._remove_progress(key)
        r = self.model.find_key(key)
        if r is None:
            return
        r.status = "done"
        self._take_schedule(r, key, schedule)
        self._after_run_ended(r)
        self.result_arrived.emit(schedule)

    def _take_schedule(self, r: RunRow, key: str, schedule: Schedule) -> None:
        r.schedule = schedule
        if r.extra_pins:  # a run completing a hand mapping: named and saved as its row, with what it kept
            schedule.meta.setdefault("label", r.algorithm)
            schedule.meta.setdefault("kept", dict(r.extra_pins))
        hist = schedule.meta.get("history")
        if isinstance(hist, list) and len(hist) >= len(r.history):
            r.history = [tuple(float(x) for x in p) for p in hist]  # type: ignore[misc]
        r.runtime = schedule.meta.get("runtime_s")
        prepared = self.manager.prepared(key)
        metrics = prepared.pop("metrics", None)  # computed in the worker thread, never here
        r.prepared = prepared
        if isinstance(metrics, dict):
            r.metrics = metrics
        elif isinstance(metrics, BaseException):  # metrics are extras: keep the schedule, say what failed
            r.message = f"metrics unavailable: {error_message(metrics)}"
        if "makespan" not in r.metrics:
            r.metrics = {"makespan": float(schedule.makespan)}
        self._refresh_gaps()

    def _on_manager_failed(self, key: str, message: str) -> None:
        self._remove_progress(key)
        r = self.model.find_key(key)
        if r is None:
            return
        r.status = "failed"
        r.message = message
        self._set_runtime(r, key)
        self.model.row_changed(r)
        self._after_run_ended(r)
        self._show_message(f"{r.algorithm} failed: {message}", error=True)

    def _on_manager_cancelled(self, key: str) -> None:
        self._remove_progress(key)
        r = self.model.find_key(key)
        if r is None:
            return
        r.status = "cancelled"
        best = self.manager.partial(key)
        if best is None:
            r.message = "cancelled"
            self._set_runtime(r, key)
            self.model.row_changed(r)
            self._after_run_ended(r)
            self._show_message(f"{r.algorithm} cancelled", error=False)
            return
        self._take_schedule(r, key, best)
        r.message = (f"Cancelled: the best schedule found before the cancel (makespan {best.makespan:g}); "
                     "not proven optimal.")
        self._after_run_ended(r)
        self._show_message(f"{r.algorithm} cancelled: kept the best schedule found so far "
                           f"(makespan {best.makespan:g}, not proven optimal)", error=False)
        self.result_arrived.emit(best)

    def _on_table_selection_changed(self, *_: Any) -> None:
        chosen = self._chosen_rows()
        if len(chosen) == 1 and chosen[0].anytime:
            self.show_search(chosen[0].algorithm)
        self._emit_choice()

    def _on_live_timer_timeout(self) -> None:
        for key, w in self._progress.items():
            r = self.model.find_key(key)
            if r is not None and r.anytime:
                best = min((p[1] for p in r.history if math.isfinite(p[1])), default=None)
                bound = max((p[2] for p in r.history if math.isfinite(p[2])), default=None)
                w.show_search(self._elapsed(r), finite(r.params.get("time_limit")), best, bound)
        shown = self._search_row()
        if shown is not None and shown.status == "running":
            self._redraw_search()
        self._sync_live_timer()

    # ------------------------------------------------------------------ helpers
    def _version(self) -> Any:
        """The document's content version (a counter of changes when it has none)."""
        v = getattr(self.document, "version", None)
        return ("changes", self._changes) if v is None else v

    def _generation_of(self, version: Any) -> int:
        return self._generations.setdefault(version, len(self._generations))

    def _after_staleness_changed(self) -> None:
        self._publish_results()
        if self._plot_page.made:
            self.search_plot.redraw()

    def _refresh_gaps(self) -> None:
        assign_bounds(self.model.rows)
        if self.model.rows:
            c = COL["gap"]
            self.model.dataChanged.emit(self.model.index(0, c), self.model.index(len(self.model.rows) - 1, c))

    def _publish_results(self) -> None:
        if self.session is not None:
            self.session.set_results(self.results())

    def _after_run_ended(self, r: RunRow) -> None:
        self._publish_results()
        self.model.row_changed(r)
        if r is self._search_row():
            self._redraw_search()
        self._sync_live_timer()

    @property
    def search_plot(self) -> SearchPlot:
        """The plot of the shown search's best makespan and bound (made on first use)."""
        return cast("SearchPlot", self._plot_page.content())

    def _search_row(self) -> RunRow | None:
        """The run the search plot shows (``None``: none, or no plot made yet)."""
        return self.search_plot.row if self._plot_page.made else None

    def _redraw_search(self) -> None:
        r = self._search_row()
        if r is None:
            return
        t_end = None
        if r.status == "running":
            t_end = self._elapsed(r)
        elif r.status == "done" and r.schedule is not None:
            t_end = finite(r.schedule.meta.get("runtime_s"))
        self.search_plot.redraw(t_end)

    def _elapsed(self, r: RunRow) -> float | None:
        """Seconds since a pool thread started ``r``'s run (``None`` while it waits for one)."""
        w = self.manager.worker(r.key)
        if w is None:
            return time.perf_counter() - r.started
        started = getattr(w, "started_at", None)
        return None if started is None else time.perf_counter() - started

    def _sync_live_timer(self) -> None:
        live = any(r.anytime and r.status == "running" for r in self.model.rows)
        if live and not self._live_timer.isActive():
            self._live_timer.start()
        elif not live and self._live_timer.isActive():
            self._live_timer.stop()

    def _set_runtime(self, r: RunRow, key: str) -> None:
        w = self.manager.worker(key)
        if w is not None and w.runtime is not None:
            r.runtime = w.runtime

    def _chosen_rows(self) -> list[RunRow]:
        rows = {self.proxy.mapToSource(i).row() for i in self.table.selectionModel().selectedRows()}
        return [self.model.rows[i] for i in sorted(rows)]

    def _emit_choice(self) -> None:
        # stale rows too: the window shows their schedule marked stale
        chosen = self._chosen_rows()
        usable = [r.schedule for r in chosen if r.schedule is not None]
        if len(chosen) == 1 and not usable:
            r = chosen[0]
            why = {"running": "it is still running", "failed": f"it failed: {r.message}",
                   "cancelled": "it was cancelled before it found a complete schedule"}.get(r.status, r.status)
            self._show_message(f"{r.algorithm} has no schedule to show: {why}", error=False)
            return
        if len(usable) == 1:
            self.schedule_chosen.emit(usable[0])
        elif len(usable) == 2:
            self.comparison_chosen.emit(usable)

    def _add_progress(self, key: str, algorithm: str) -> None:
        old = self._progress.get(key)
        if old is not None:
            self._remove_progress(key)
        w = RunProgress(key, algorithm, self.progress_box)
        w.cancel_button.clicked.connect(lambda _=False, k=key: self.manager.cancel(k))
        self._progress_layout.insertWidget(self._progress_layout.count() - 1, w)
        self._progress[key] = w
        self.cancel_all_button.setEnabled(True)
        self.runs_active_changed.emit(True)
        self._fit_progress_scroll()

    def _remove_progress(self, key: str) -> None:
        w = self._progress.pop(key, None)
        if w is not None:
            self._progress_layout.removeWidget(w)
            w.hide()
            w.setParent(None)
        self.cancel_all_button.setEnabled(bool(self._progress))
        self.runs_active_changed.emit(bool(self._progress))
        self._fit_progress_scroll()

    def _fit_progress_scroll(self) -> None:
        n = len(self._progress)
        self.progress_scroll.setVisible(n > 0)
        if n:
            # up to four rows in view; more scroll (each row keeps its fixed height)
            row = max(w.height() for w in self._progress.values()) + self._progress_layout.spacing()
            self.progress_scroll.setFixedHeight(min(n, PROGRESS_ROWS_SHOWN) * row + 2)

    def _show_message(self, text: str, *, error: bool = False) -> None:
        self.message_label.setText(text)
        self.message_label.setStyleSheet("color: #b01e1e;" if error else "")
        self.message_label.setVisible(bool(text))
