"""The parallelism profile: how many tasks could run at each moment, and how many do.

Two step plots on one time axis: the tasks running at each moment of the graph's
earliest-start schedule with unlimited workers (:func:`model.profile.earliest_start_profile`,
from :class:`~gui.analysis_runs.LiveAnalysis`), and the tasks running in the shown
schedule (:func:`model.profile.schedule_profile`). A horizontal line marks the number
of workers P. Where the unlimited profile is below P the graph starves workers (shaded
orange: too few ready tasks); where it is above P there is more work than workers
(shaded blue: tasks will wait for a worker).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtWidgets

from gui.analysis_runs import AnalysisResult, LiveAnalysis
from model.explain import fmt
from model.profile import Profile, schedule_profile

from .plots import chart_widget

__all__ = ["EXCESS_COLOUR", "STARVED_COLOUR", "ProfileView"]

UNLIMITED_COLOUR = "#1c7ed6"
SCHEDULE_COLOUR = "#2b8a3e"
WORKERS_COLOUR = "#c92a2a"
#: fill where the graph has fewer tasks ready than workers / more than workers
STARVED_COLOUR = (240, 140, 0, 60)
EXCESS_COLOUR = (28, 126, 214, 45)


def _xy(p: Profile) -> tuple[np.ndarray, np.ndarray]:
    """Edges and heights of a profile for a ``stepMode="center"`` plot (``len(x) == len(y) + 1``)."""
    x = np.array([t for t, _ in p.steps], dtype=np.float64)
    y = np.array([c for _, c in p.steps[:-1]], dtype=np.float64)
    return x, y


def _regions(p: Profile, workers: int) -> tuple[list[tuple[float, float, float, float]],
                                                  list[tuple[float, float, float, float]]]:
    """``(x0, x1, y0, y1)`` boxes between the profile and ``workers``: below it (starved), above it (excess)."""
    starved, excess = [], []
    for (t0, c), (t1, _) in zip(p.steps, p.steps[1:]):
        if c < workers:
            starved.append((t0, t1, float(c), float(workers)))
        elif c > workers:
            excess.append((t0, t1, float(workers), float(c)))
    return starved, excess


class ProfileView(QtWidgets.QWidget):
    """The parallelism profile of the open graph and of the shown schedule (see the module doc)."""

    def __init__(self, live: LiveAnalysis, session: Any = None, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.live = live
        self.session = session
        self.unlimited: Profile | None = None
        self.scheduled: Profile | None = None
        self.workers = 0
        self._result: AnalysisResult | None = None

        self.comm_box = QtWidgets.QCheckBox("With transfer times")
        self.comm_box.setToolTip("Delay each task by the mean transfer time of its inputs (latency + data ÷ "
                                 "bandwidth over pairs of workers); unchecked: communication left out, so the "
                                 "span is the longest chain of task times")
        self.comm_box.toggled.connect(lambda _on: self._redraw())
        self.summary = QtWidgets.QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(QtCore.Qt.TextInteractionFlag.TextSelectableByMouse)
        self.plot = chart_widget("time", "tasks running", x_grid=False)
        pi = self.plot.getPlotItem()
        self.starved_item = pg.BarGraphItem(x0=[], x1=[], y0=[], y1=[], brush=pg.mkBrush(*STARVED_COLOUR),
                                            pen=pg.mkPen(None))
        self.excess_item = pg.BarGraphItem(x0=[], x1=[], y0=[], y1=[], brush=pg.mkBrush(*EXCESS_COLOUR),
                                           pen=pg.mkPen(None))
        self.unlimited_curve = pg.PlotDataItem(stepMode="center", pen=pg.mkPen(UNLIMITED_COLOUR, width=2),
                                               name="could run (unlimited workers)")
        self.schedule_curve = pg.PlotDataItem(stepMode="center", pen=pg.mkPen(SCHEDULE_COLOUR, width=2),
                                              name="run in the shown schedule")
        self.workers_line = pg.InfiniteLine(angle=0, movable=False,
                                            pen=pg.mkPen(WORKERS_COLOUR, width=1.5, style=QtCore.Qt.PenStyle.DashLine))
        for item in (self.starved_item, self.excess_item, self.unlimited_curve, self.schedule_curve):
            pi.addItem(item)
        pi.addItem(self.workers_line, ignoreBounds=True)
        top = QtWidgets.QHBoxLayout()
        top.addWidget(self.comm_box)
        top.addStretch(1)
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(2, 2, 2, 2)
        lay.addLayout(top)
        lay.addWidget(self.plot, 1)
        self.legend = QtWidgets.QLabel()
        self.legend.setWordWrap(True)
        lay.addWidget(self.legend)
        lay.addWidget(self.summary)
        live.updated.connect(self._on_live_updated)
        if session is not None:
            session.shown_changed.connect(self._on_session_shown_changed)
        # made late (a tab built when first shown), it takes the schedule already shown
        if session is not None and session.primary is not None and session.primary.slots:
            self.scheduled = schedule_profile(session.primary)
        if live.result is not None:
            self._on_live_updated(live.result)
        else:
            self.summary.setText("Analysing the graph…")

    # ------------------------------------------------------------------ queries
    def unlimited_steps(self) -> list[tuple[float, int]]:
        """The steps drawn for unlimited workers."""
        return list(self.unlimited.steps) if self.unlimited is not None else []

    def schedule_steps(self) -> list[tuple[float, int]]:
        """The steps drawn for the shown schedule (empty when none is shown)."""
        return list(self.scheduled.steps) if self.scheduled is not None else []

    def regions(self) -> tuple[list[tuple[float, float, float, float]], list[tuple[float, float, float, float]]]:
        """The shaded boxes ``(x0, x1, y0, y1)``: where workers starve, where work exceeds them."""
        if self.unlimited is None:
            return [], []
        return _regions(self.unlimited, self.workers)

    # ------------------------------------------------------------------ drawing
    def _on_live_updated(self, r: AnalysisResult) -> None:
        self._result = r
        self._redraw()

    def _on_session_shown_changed(self) -> None:
        sched = self.session.primary if self.session is not None else None
        self.scheduled = schedule_profile(sched) if sched is not None and sched.slots else None
        self._redraw()

    def _redraw(self) -> None:
        r = self._result
        if r is None or r.profile is None:
            self.unlimited = None
            self.summary.setText(f"Cannot draw the profile: {r.error}" if r is not None and r.error else "")
        else:
            self.unlimited = r.profile_comm if self.comm_box.isChecked() else r.profile
        self.workers = r.workers if r is not None else 0
        self._draw_curve(self.unlimited_curve, self.unlimited)
        self._draw_curve(self.schedule_curve, self.scheduled)
        self.workers_line.setPos(self.workers)
        self.legend.setText(self._legend_html())
        starved, excess = self.regions()
        for item, boxes in ((self.starved_item, starved), (self.excess_item, excess)):
            arr = np.array(boxes, dtype=np.float64).reshape(-1, 4)
            item.setOpts(x0=arr[:, 0], x1=arr[:, 1], y0=arr[:, 2], y1=arr[:, 3])
        self._update_range()
        if self.unlimited is not None:
            self.summary.setText(self._summary_text())

    @staticmethod
    def _draw_curve(curve: pg.PlotDataItem, p: Profile | None) -> None:
        if p is None or len(p.steps) < 2:
            curve.setData([], [])
            curve.setVisible(False)
            return
        x, y = _xy(p)
        curve.setData(x, y)
        curve.setVisible(True)

    def _update_range(self) -> None:
        ends = [p.end for p in (self.unlimited, self.scheduled) if p is not None]
        tops = [p.maximum for p in (self.unlimited, self.scheduled) if p is not None] + [self.workers]
        end = max(ends, default=1.0) or 1.0
        self.plot.getPlotItem().getViewBox().setRange(xRange=(-0.01 * end, 1.02 * end),
                                                      yRange=(-0.25, max(tops) + 0.75), padding=0)

    def _legend_html(self) -> str:
        def swatch(colour: str, mark: str, text: str) -> str:
            return f"<span style='color:{colour}; font-weight:bold'>{mark}</span>&nbsp;{text}"

        def rgba(c: tuple[int, int, int, int]) -> str:
            return f"rgba({c[0]},{c[1]},{c[2]},{min(1.0, 3 * c[3] / 255):.2f})"

        P = self.workers
        parts = [swatch(UNLIMITED_COLOUR, "━━", "could run (unlimited workers)")]
        if self.scheduled is not None:
            parts.append(swatch(SCHEDULE_COLOUR, "━━", "run in the shown schedule"))
        parts += [swatch(WORKERS_COLOUR, "╌╌", f"P = {P} worker{'s' * (P != 1)}"),
                  swatch(rgba(STARVED_COLOUR), "██", "workers starved (fewer ready tasks than P)"),
                  swatch(rgba(EXCESS_COLOUR), "██", "more work than workers")]
        return "&nbsp;&nbsp;&nbsp; ".join(parts)

    def _summary_text(self) -> str:
        p = self.unlimited
        assert p is not None
        P = self.workers
        span = p.span
        starve = sum(t1 - t0 for t0, t1, *_ in self.regions()[0])
        excess = sum(t1 - t0 for t0, t1, *_ in self.regions()[1])
        comm = "with mean transfer times" if self.comm_box.isChecked() else "communication left out"
        text = (f"Unlimited workers ({comm}): work {fmt(p.work)}, span {fmt(span)}, on average "
                f"{p.average:.2f} tasks at once, at most {p.maximum}. ")
        if span > 0:
            text += (f"Fewer tasks than the {P} workers {100 * starve / span:.0f}% of the time, "
                     f"more {100 * excess / span:.0f}% of the time.")
        s = self.scheduled
        if s is not None and s.span > 0:
            text += f" The shown schedule keeps {s.average:.2f} workers busy on average over {fmt(s.span)}."
        return text
