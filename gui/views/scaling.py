"""Speed-up curves: makespan and speed-up against the number of workers, with their bounds.

The user picks algorithms and numbers of workers (1 to twice the graph's by default,
or a list such as ``1,2,4,8``) and presses *Run*: a :class:`ScalingJob` computes
:func:`model.scaling.scale` on the thread pool, with progress and cancel. The left plot
shows the makespans with the work bound ``W / P``, the span ``S`` and the larger of
both (no schedule is shorter); the right one the speed-ups ``W / makespan`` with the
ideal ``P`` and the bound ``min(P, W / S)``. Clicking a point computes that schedule
(the same identical workers) in a :class:`PointJob` and shows it in the Gantt chart
through the session.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtWidgets

from gui.workers import Job
from model.algorithms import ALGORITHMS, Cancelled, get_algorithm, load_all
from model.explain import fmt
from model.graph import GraphError, Platform, TaskGraph
from model.scaling import default_workers, identical_workers_graph, parse_workers, scale, scaling_network
from model.schedule import Schedule

from .plots import chart_widget

__all__ = ["DEFAULT_CURVES", "MAX_WORKERS", "PointJob", "ScalingJob", "ScalingView"]

#: the algorithms checked at first
DEFAULT_CURVES = ("heft", "cpop", "peft")
#: the most workers a point may have
MAX_WORKERS = 1024

SYMBOLS = ["o", "s", "t", "d", "h", "star", "p", "+"]
CURVE_COLOURS = ["#1c7ed6", "#e8590c", "#2b8a3e", "#ae3ec9", "#c92a2a", "#0c8599", "#f08c00", "#5c940d"]
BOUND_PEN = pg.mkPen("#555555", width=2.5)
WORK_PEN = pg.mkPen("#888888", width=1.2, style=QtCore.Qt.PenStyle.DashLine)
SPAN_PEN = pg.mkPen("#888888", width=1.2, style=QtCore.Qt.PenStyle.DotLine)


class ScalingJob(Job):
    """:func:`model.scaling.scale` of a snapshot on the thread pool, with progress and cancel."""

    what = "speed-up curve"

    def __init__(self, graph: TaskGraph, algorithms: list[str], workers: list[int]) -> None:
        super().__init__()
        self.graph, self.algorithms, self.workers = graph, algorithms, workers

    def execute(self) -> tuple[str, Any]:
        def progress(done: int, total: int) -> None:
            if self.gate(force=done == total):
                self.emit(self.signals.progress, done, total)

        try:
            result = scale(self.graph, self.algorithms, self.workers, cancel=self.cancel_event, progress=progress)
        except Cancelled:
            return "cancelled", None
        return "done", result


class PointJob(Job):
    """One point of the curve as a schedule: ``algorithm`` on ``workers`` identical workers."""

    what = "speed-up point"

    def __init__(self, graph: TaskGraph, algorithm: str, workers: int) -> None:
        super().__init__()
        self.graph, self.algorithm, self.workers = graph, algorithm, workers

    def execute(self) -> tuple[str, Any]:
        h, _notes = identical_workers_graph(self.graph)
        net = scaling_network(self.graph)
        plat = Platform.homogeneous(self.workers, bandwidth=net.bandwidth, latency=net.latency)
        try:
            sched = get_algorithm(self.algorithm).schedule(h, plat, cancel=self.cancel_event)
        except Cancelled:
            return "cancelled", None
        sched.meta["label"] = f"{self.algorithm} on {self.workers} workers"
        return "done", (sched, h, plat)


class ScalingView(QtWidgets.QWidget):
    """Makespan and speed-up against the number of workers (see the module doc).

    Signals
    -------
    finished()
        A curve run ended (done, failed or cancelled).
    schedule_shown(object)
        The schedule of a clicked point is shown (the session shows it).
    """

    finished = QtCore.Signal()
    schedule_shown = QtCore.Signal(object)

    def __init__(self, document: Any, session: Any = None, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.session = session
        self.result: dict[str, Any] | None = None
        self._job: ScalingJob | None = None
        self._point_job: PointJob | None = None
        self._graph: TaskGraph | None = None
        self._stale = False
        self._points: dict[str, pg.ScatterPlotItem] = {}
        self._build()
        document.graph_changed.connect(self._on_document_graph_changed)
        document.graph_reset.connect(self._on_document_graph_reset)
        self._on_document_graph_reset()

    def _build(self) -> None:
        load_all()
        self.algorithm_button = QtWidgets.QToolButton()
        self.algorithm_button.setPopupMode(QtWidgets.QToolButton.ToolButtonPopupMode.InstantPopup)
        self.algorithm_menu = QtWidgets.QMenu(self)
        self.algorithm_actions: dict[str, Any] = {}
        for name in sorted(ALGORITHMS):
            cls = ALGORITHMS[name]
            if cls.slow or cls.anytime or not cls.available():
                continue  # every point would take their whole time budget
            a = self.algorithm_menu.addAction(name)
            a.setCheckable(True)
            a.setChecked(name in DEFAULT_CURVES)
            a.setToolTip(cls.description)
            a.toggled.connect(lambda _on: self._update_algorithm_text())
            self.algorithm_actions[name] = a
        self.algorithm_button.setMenu(self.algorithm_menu)
        self.algorithm_button.setToolTip("The algorithms to draw (searches and exact solvers are left out: each "
                                         "point would take their whole time budget)")
        self.workers_edit = QtWidgets.QLineEdit()
        self.workers_edit.setToolTip("Numbers of workers: a range like 1-16, a list like 1,2,4,8, or both")
        self.workers_edit.setMaximumWidth(130)
        self.run_button = QtWidgets.QPushButton("Run")
        self.run_button.setToolTip("Map the graph onto each number of identical workers with each algorithm")
        self.run_button.clicked.connect(self.run)
        self.cancel_button = QtWidgets.QPushButton("Cancel")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        self.progress = QtWidgets.QProgressBar()
        self.progress.setMaximumWidth(160)
        self.progress.setVisible(False)
        self.status = QtWidgets.QLabel()
        self.status.setWordWrap(True)
        top = QtWidgets.QHBoxLayout()
        top.addWidget(QtWidgets.QLabel("Algorithms:"))
        top.addWidget(self.algorithm_button)
        top.addWidget(QtWidgets.QLabel("Workers:"))
        top.addWidget(self.workers_edit)
        top.addWidget(self.run_button)
        top.addWidget(self.cancel_button)
        top.addWidget(self.progress)
        top.addStretch(1)
        self.makespan_plot = self._plot("makespan")
        self.speedup_plot = self._plot("speed-up")
        plots = QtWidgets.QHBoxLayout()
        plots.addWidget(self.makespan_plot, 1)
        plots.addWidget(self.speedup_plot, 1)
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(2, 2, 2, 2)
        lay.addLayout(top)
        lay.addLayout(plots, 1)
        self.legend = QtWidgets.QLabel()
        self.legend.setWordWrap(True)
        lay.addWidget(self.legend)
        lay.addWidget(self.status)
        self._update_algorithm_text()

    def _plot(self, what: str) -> pg.PlotWidget:
        w = chart_widget("workers P", what)
        w.getPlotItem().setTitle(what, size="9pt", color="#222222")
        return w

    # ------------------------------------------------------------------ control
    def algorithms(self) -> list[str]:
        """The checked algorithms, in menu order."""
        return [n for n, a in self.algorithm_actions.items() if a.isChecked()]

    def set_algorithms(self, names: list[str]) -> None:
        for n, a in self.algorithm_actions.items():
            a.setChecked(n in names)

    def workers(self) -> list[int]:
        """The numbers of workers typed in; raises :class:`GraphError` with the reason when they are bad."""
        return parse_workers(self.workers_edit.text() or "1", limit=MAX_WORKERS)

    def running(self) -> bool:
        return self._job is not None

    def run(self) -> bool:
        """Compute the curves of the checked algorithms on the pool; ``False`` (and a message) on bad input."""
        if self._job is not None:
            return False
        names = self.algorithms()
        if not names:
            self._say("Check at least one algorithm.", error=True)
            return False
        try:
            workers = self.workers()
        except GraphError as e:
            self._say(f"Workers: {e}", error=True)
            return False
        graph, _platform = self.document.snapshot()
        if not len(graph):
            self._say("The graph has no tasks.", error=True)
            return False
        job = ScalingJob(graph, names, workers)
        job.signals.progress.connect(self._on_job_progress)
        job.signals.result.connect(self._on_job_result)
        job.signals.failed.connect(lambda msg: self._say(msg, error=True))
        job.signals.cancelled.connect(lambda _p: self._say("Cancelled."))
        job.signals.finished.connect(self._on_job_finished)
        self._job = job
        self._graph = graph
        self._stale = False
        self.run_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.progress.setRange(0, len(names) * len(workers))
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self._say(f"Mapping onto {len(workers)} numbers of workers with {', '.join(names)}…")
        job.start()
        return True

    def cancel(self) -> None:
        if self._job is not None:
            self._job.cancel()
        if self._point_job is not None:
            self._point_job.cancel()

    def wait(self, ms: int = 5000) -> bool:
        """Cancel running jobs and wait for them (closing the window)."""
        ok = True
        for job in (self._job, self._point_job):
            if job is not None:
                job.cancel()
                ok = job.wait(ms / 1000) and ok
        return ok

    def open_point(self, algorithm: str, workers: int) -> bool:
        """Compute the schedule of ``algorithm`` on ``workers`` identical workers and show it."""
        if self._graph is None or self._point_job is not None:
            return False
        job = PointJob(self._graph, algorithm, workers)
        job.signals.result.connect(self._on_point_result)
        job.signals.failed.connect(lambda msg: self._say(msg, error=True))
        job.signals.finished.connect(self._on_point_finished)
        self._point_job = job
        self._say(f"Computing {algorithm} on {workers} workers…")
        job.start()
        return True

    # ------------------------------------------------------------------ drawing
    def _draw(self, r: dict[str, Any]) -> None:
        mp, sp = self.makespan_plot.getPlotItem(), self.speedup_plot.getPlotItem()
        for pi in (mp, sp):
            pi.clear()
        self._points = {}
        P = np.array(r["workers"], dtype=np.float64)
        W, S = float(r["work"]), float(r["span"])
        bound = np.array(r["lower_bound"], dtype=np.float64)
        mp.plot(P, W / P, pen=WORK_PEN)
        mp.plot(P, np.full_like(P, S), pen=SPAN_PEN)
        mp.plot(P, bound, pen=BOUND_PEN)
        sp.plot(P, P, pen=WORK_PEN)
        sp.plot(P, np.full_like(P, W / S if S > 0 else np.nan), pen=SPAN_PEN)
        sp.plot(P, W / bound, pen=BOUND_PEN)
        names = list(r["makespan"])
        for k, name in enumerate(names):
            colour = CURVE_COLOURS[k % len(CURVE_COLOURS)]
            symbol = SYMBOLS[k % len(SYMBOLS)]
            # later curves are drawn smaller on top: equal makespans still show every algorithm
            size = max(5, 13 - 3 * k)
            ms = np.array(r["makespan"][name], dtype=np.float64)
            su = np.array([np.nan if v is None else v for v in r["speedup"][name]], dtype=np.float64)
            for pi, ys in ((mp, ms), (sp, su)):
                pi.plot(P, ys, pen=pg.mkPen(colour, width=2))
                pts = pg.ScatterPlotItem(x=P, y=ys, size=size, symbol=symbol, brush=pg.mkBrush(colour),
                                         pen=pg.mkPen("w"),
                                         data=[(name, int(p)) for p in P], hoverable=True,
                                         tip=lambda x, y, data: f"{data[0]} on {data[1]} workers: {y:.4g}\nclick to show")
                pts.sigClicked.connect(self._on_points_clicked)
                pi.addItem(pts)
                self._points.setdefault(name, pts)
        for pi in (mp, sp):
            pi.getViewBox().autoRange(padding=0.06)
        self.legend.setText(_legend_html(names))
        note = f" Note: {r['note']}." if r.get("note") else ""
        self._say(f"Work {fmt(W)}, span {fmt(S)}: the speed-up can never pass {fmt(W / S) if S > 0 else '∞'}. "
                  f"Click a point to show its schedule.{note}")

    def _say(self, text: str, *, error: bool = False) -> None:
        stale = " (the graph changed since: run again)" if self._stale and self.result is not None else ""
        self.status.setText(text + stale)
        self.status.setStyleSheet("color: #c92a2a;" if error else "color: #333;")

    def _update_algorithm_text(self) -> None:
        names = self.algorithms()
        self.algorithm_button.setText(", ".join(names) if names else "none")

    # ------------------------------------------------------------------ slots
    def _on_document_graph_reset(self) -> None:
        self.workers_edit.setText(_range_text(default_workers(self.document.graph)))

    def _on_document_graph_changed(self) -> None:
        if self.result is not None and not self._stale:
            self._stale = True
            self._say(self.status.text())

    def _on_job_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(done)

    def _on_job_result(self, result: dict[str, Any]) -> None:
        self.result = result
        self._draw(result)

    def _on_job_finished(self) -> None:
        self._job = None
        self.run_button.setEnabled(True)
        self.cancel_button.setEnabled(self._point_job is not None)
        self.progress.setVisible(False)
        self.finished.emit()

    def _on_points_clicked(self, item: pg.ScatterPlotItem, points: Any, *_: Any) -> None:
        if len(points):
            name, p = points[0].data()
            self.open_point(name, int(p))

    def _on_point_result(self, payload: tuple[Schedule, TaskGraph, Platform]) -> None:
        sched, graph, plat = payload
        if self.session is not None:
            self.session.show([sched], graph, platforms=[plat])
        self._say(f"Showing {sched.meta['label']} in the Gantt chart: makespan {fmt(sched.makespan)}.")
        self.schedule_shown.emit(sched)

    def _on_point_finished(self) -> None:
        self._point_job = None


def _legend_html(names: list[str]) -> str:
    """The legend of both plots, as one line of HTML."""
    def line(colour: str, style: str, text: str) -> str:
        return (f"<span style='color:{colour}; font-weight:bold'>{style}</span>&nbsp;{text}")

    parts = [line(CURVE_COLOURS[k % len(CURVE_COLOURS)], "━●━", n) for k, n in enumerate(names)]
    parts += [line("#555555", "━━", "bound: no schedule does better"),
              line("#888888", "╌╌", "work ÷ P (left), ideal P (right)"),
              line("#888888", "┈┈", "span (left), work ÷ span (right)")]
    return "&nbsp;&nbsp;&nbsp; ".join(parts)


def _range_text(workers: list[int]) -> str:
    """``1-8`` for a run of numbers, else the list."""
    if workers and workers == list(range(workers[0], workers[-1] + 1)) and len(workers) > 2:
        return f"{workers[0]}-{workers[-1]}"
    return ",".join(str(w) for w in workers)
