"""The search plot: best makespan and lower bound of one anytime run over time."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtWidgets

from gui.axes import HumanAxisItem
from gui.numbers import human
from model.comparison import OPTIMAL_TOL, finite, search_curves

from .table import RunRow

__all__ = ["SearchPlot"]


class SearchPlot(QtWidgets.QWidget):
    """Best makespan and lower bound of one anytime run over time (two step curves).

    :meth:`set_row` chooses the run; :meth:`redraw` draws its ``history`` (call it when
    points arrive; ``t_end`` stretches the last step to the present while it runs).
    """

    BEST_COLOUR = (31, 119, 180)
    BOUND_COLOUR = (214, 39, 40)

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.row: RunRow | None = None
        self.plot = pg.PlotWidget(background="w", axisItems={"bottom": HumanAxisItem("bottom"),
                                                             "left": HumanAxisItem("left")})
        self.plot.setObjectName("search_plot")
        item = self.plot.getPlotItem()
        item.showGrid(x=True, y=True, alpha=0.25)
        item.setLabel("bottom", "time (s)")
        item.setLabel("left", "makespan")
        item.setMenuEnabled(False)
        item.hideButtons()
        for ax in ("left", "bottom"):
            item.getAxis(ax).setTextPen("k")
            item.getAxis(ax).setPen(pg.mkPen(120, 120, 120))
        self.legend = item.addLegend(offset=(-8, 4), labelTextColor="k", brush=pg.mkBrush(255, 255, 255, 210),
                                     colCount=2)
        self.best_curve = pg.PlotDataItem(stepMode="center", name="best makespan",
                                          pen=pg.mkPen(self.BEST_COLOUR, width=2))
        self.bound_curve = pg.PlotDataItem(stepMode="center", name="lower bound",
                                           pen=pg.mkPen(self.BOUND_COLOUR, width=2, style=QtCore.Qt.PenStyle.DashLine))
        item.addItem(self.best_curve)
        item.addItem(self.bound_curve)
        self.title = QtWidgets.QLabel()
        self.title.setObjectName("search_title")
        self.title.setTextInteractionFlags(QtCore.Qt.TextInteractionFlag.TextSelectableByMouse)
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        lay.addWidget(self.title)
        lay.addWidget(self.plot, 1)
        self.setMinimumHeight(170)

    def set_row(self, row: RunRow | None) -> None:
        """Show the search of ``row`` (``None``: nothing)."""
        self.row = row
        self.redraw()

    def redraw(self, t_end: float | None = None) -> None:
        row = self.row
        if row is None:
            self.best_curve.clear()
            self.bound_curve.clear()
            self.title.setText("")
            return
        xb, yb, xl, yl = search_curves(row.history, t_end)
        for curve, x, y in ((self.best_curve, xb, yb), (self.bound_curve, xl, yl)):
            if len(y):
                curve.setData(x=x, y=y)
            else:
                curve.clear()
        self.title.setText(self._title(row, yb, yl))
        ys = np.concatenate([yb, yl])
        xs = np.concatenate([xb, xl])
        if len(ys):
            # room above the curves for the legend (top right), time from 0
            lo, hi = float(ys.min()), float(ys.max())
            span = (hi - lo) or max(1.0, abs(hi) * 0.05)
            vb = self.plot.getPlotItem().getViewBox()
            vb.setRange(xRange=(0.0, max(float(xs.max()), 1e-3)), yRange=(lo - 0.08 * span, hi + 0.5 * span),
                        padding=0.02)

    @staticmethod
    def _title(row: RunRow, best: np.ndarray, bound: np.ndarray) -> str:
        parts = [f"<b>{row.algorithm}</b> search"]
        b = float(best[-1]) if len(best) else None
        lb = float(bound[-1]) if len(bound) else None
        if row.status == "done" and row.schedule is not None:
            b = float(row.schedule.makespan)
            lb = finite(row.schedule.meta.get("lower_bound")) or lb
        if b is not None:
            parts.append(f"best {human(b, 8)}")
        if lb is not None:
            parts.append(f"bound {human(lb, 8)}")
        if b is not None and lb:
            gap = b / lb - 1.0
            proven = row.schedule is not None and bool(row.schedule.meta.get("proven_optimal"))
            # closed: the makespan is the bound, up to rounding (an absolute difference)
            closed = proven or b - lb <= OPTIMAL_TOL * max(1.0, abs(b))
            parts.append("optimal" if closed else f"gap {human(100 * gap, 2)} %")
        state = row.shown_status
        if state != "done":
            parts.append(state + ("…" if state == "running" else ""))
        return " · ".join(parts)
