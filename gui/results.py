"""The results panel: choose algorithms, run them in the background, compare them.

The panel observes the :class:`~gui.document.Document` (only ``snapshot()``,
``graph_changed`` and ``platform_changed``) and drives a
:class:`~gui.workers.RunManager`. Each algorithm has one row in the comparison table;
running it again replaces the row. Editing the graph or the platform marks every row
stale (greyed, status "stale"). Metrics come from :mod:`model.metrics`.

Anytime algorithms (``improve``, ``best``, ``optimal``) get the panel's time limit as
their ``time_limit``. While one runs, and afterwards when its row is chosen, a small
plot follows its search: best makespan and lower bound over time. The "Gap" column
measures every result against the best lower bound known for its graph: the analytic
bound, or a bound proven by an anytime run on the same graph, whichever is larger.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from model.algorithms import ALGORITHMS, available
from model.graph import Platform, TaskGraph
from model.schedule import Schedule, Slot

from .workers import RunManager, building_long_lived, error_message


def _have_ortools() -> bool:
    from model.algorithms import optimal

    return bool(optimal.have_ortools())


def _ortools_hint() -> str:
    from model.algorithms import optimal

    return str(optimal.INSTALL_HINT)

__all__ = ["COLUMNS", "ResultsModel", "ResultsPanel", "RunRow", "SearchPlot", "assign_bounds", "is_anytime"]

_Index = QtCore.QModelIndex | QtCore.QPersistentModelIndex
SORT_ROLE = QtCore.Qt.ItemDataRole.UserRole
MISSING = math.inf  # sorts after every real value in ascending order
#: default search budget of the anytime algorithms, in seconds
DEFAULT_TIME_LIMIT = 5.0
#: relative tolerance under which a makespan equals its lower bound (proven optimal)
OPTIMAL_TOL = 1e-9

GAP_TIP = (
    "makespan / lower bound − 1, against the best lower bound known for the graph: the analytic bound "
    "(critical path of minimum times, total work ÷ workers) or a bound proven by an anytime run "
    "(improve, best, optimal) on the same graph, whichever is larger. \"optimal\": the makespan equals "
    "a lower bound. Hover a cell to see which bound it is measured against."
)

#: (column id, header, tooltip)
COLUMNS: list[tuple[str, str, str]] = [
    ("algorithm", "Algorithm", "Mapping algorithm"),
    ("makespan", "Makespan", "Finish time of the last task"),
    ("speedup", "Speed-up", "Time of the whole graph on the best single worker / makespan"),
    ("efficiency", "Efficiency", "Speed-up / number of workers"),
    ("utilisation", "Utilisation", "Mean over the workers of busy time / makespan"),
    ("comm_volume", "Comm. volume", "Data moved between different workers"),
    ("slr", "SLR", "Schedule length ratio: makespan / critical path of minimum execution times"),
    ("gap", "Gap", GAP_TIP),
    ("status", "Status", "running, done, failed, cancelled or stale"),
    ("runtime", "Runtime", "Time the algorithm took to compute the schedule"),
]
COL = {cid: i for i, (cid, _, _) in enumerate(COLUMNS)}
NUMERIC = {"makespan", "speedup", "efficiency", "utilisation", "comm_volume", "slr", "gap", "runtime"}


def is_anytime(algorithm: str) -> bool:
    """Whether ``algorithm`` searches within a time limit and reports its bound."""
    return bool(getattr(ALGORITHMS.get(algorithm), "anytime", False))


def compute_metrics(schedule: Schedule, graph: TaskGraph, platform: Platform) -> dict[str, float]:
    """The table's figures of ``schedule`` from :func:`model.metrics.schedule_metrics`.

    Undefined ratios (NaN, infinite) are left out and shown as "—". ``lower_bound``
    is the analytic bound (:func:`model.analysis.lower_bound`) the gap is measured
    against when no search proved a better one.
    """
    from model.metrics import schedule_metrics

    m = schedule_metrics(schedule, graph, platform)
    lb = m.lower_bound
    raw = {
        "makespan": m.makespan,
        "speedup": m.speedup,
        "efficiency": m.efficiency,
        "utilisation": m.mean_utilisation,
        "comm_volume": m.comm_volume,
        "slr": m.slr,
        "gap": (m.makespan / lb - 1.0) if lb > 0 else None,
        "lower_bound": lb,
    }
    return {k: float(v) for k, v in raw.items() if v is not None and math.isfinite(v)}


@dataclass
class RunRow:
    """One algorithm's latest run."""

    algorithm: str
    key: str = ""
    status: str = "running"  # running | done | failed | cancelled
    stale: bool = False
    schedule: Schedule | None = None
    metrics: dict[str, float] = field(default_factory=dict)
    runtime: float | None = None
    message: str = ""
    graph: TaskGraph | None = None
    platform: Platform | None = None
    #: placements in the order the algorithm made them (for construction replays)
    placements: list[Slot] = field(default_factory=list)
    #: rows of the same generation ran on the same graph and platform
    generation: int = 0
    #: an anytime algorithm (time-limited search with a bound)
    anytime: bool = False
    #: the keyword arguments the run was started with
    params: dict[str, Any] = field(default_factory=dict)
    #: ``(seconds, best makespan, bound)`` points of an anytime search, as they arrived
    history: list[tuple[float, float, float]] = field(default_factory=list)
    #: ``time.perf_counter()`` when the run was started
    started: float = 0.0
    #: the lower bound the gap is measured against, its kind ("analytic", "proven",
    #: "optimal") and the algorithm whose run gave it (empty for the analytic bound)
    bound: float | None = None
    bound_kind: str = ""
    bound_by: str = ""
    #: the makespan equals a lower bound
    optimal: bool = False
    #: what the run manager's preparers computed in the worker thread (e.g. ``"gantt"``)
    prepared: dict[str, Any] = field(default_factory=dict)

    @property
    def shown_status(self) -> str:
        return "stale" if self.stale else self.status

    def value(self, col: str) -> Any:
        """The raw (sortable) value of a column; numbers missing are ``None``."""
        if col == "algorithm":
            return self.algorithm
        if col == "status":
            return self.shown_status
        if col == "runtime":
            return self.runtime
        return self.metrics.get(col)


def _finite(v: Any) -> float | None:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def assign_bounds(rows: list[RunRow]) -> None:
    """Measure every finished row against the best lower bound known for its graph.

    Rows of one generation ran on the same graph and platform. The candidates are each
    row's analytic bound (``metrics["lower_bound"]``) and the ``lower_bound`` a run put
    in its schedule's ``meta`` (anytime searches; a ``proven_optimal`` run proves its
    makespan). The largest wins (on a tie the stronger kind: optimal, proven, analytic),
    and sets each row's ``bound``, ``bound_kind``, ``bound_by``, ``optimal`` and
    ``metrics["gap"]``.
    """
    rank = {"analytic": 0, "proven": 1, "optimal": 2}
    groups: dict[int, list[RunRow]] = defaultdict(list)
    for r in rows:
        r.bound, r.bound_kind, r.bound_by, r.optimal = None, "", "", False
        if r.status == "done" and r.schedule is not None:
            groups[r.generation].append(r)
    for group in groups.values():
        analytic = max((_finite(r.metrics.get("lower_bound")) or 0.0 for r in group), default=0.0)
        best = (analytic, "analytic", "")
        for r in group:
            meta = r.schedule.meta if r.schedule is not None else {}
            lb = _finite(meta.get("lower_bound"))
            if lb is None:
                continue
            if meta.get("proven_optimal"):
                kind, lb = "optimal", max(lb, float(r.schedule.makespan))  # type: ignore[union-attr]
            elif lb > analytic * (1 + OPTIMAL_TOL):
                kind = "proven"
            else:
                continue  # no better than the analytic bound
            tol = OPTIMAL_TOL * max(1.0, abs(best[0]))
            if lb > best[0] + tol or (lb >= best[0] - tol and rank[kind] > rank[best[1]]):
                best = (max(lb, best[0]), kind, r.algorithm)
        bound, kind, by = best
        for r in group:
            r.bound, r.bound_kind, r.bound_by = bound, kind, by
            ms = _finite(r.metrics.get("makespan"))
            if ms is None or bound <= 0:
                r.metrics.pop("gap", None)
                continue
            gap = ms / bound - 1.0
            r.optimal = abs(gap) <= OPTIMAL_TOL * max(1.0, ms)
            r.metrics["gap"] = 0.0 if r.optimal else gap


def gap_tooltip(row: RunRow) -> str | None:
    """What the gap of ``row`` is measured against, in words."""
    if row.bound is None or row.schedule is None:
        return None
    ms = float(row.schedule.makespan)
    if row.optimal:
        lines = [f"Optimal: makespan {ms:g} equals the lower bound {row.bound:g}."]
    elif "gap" in row.metrics:
        lines = [f"Makespan {ms:g} is {100 * row.metrics['gap']:.1f} % above the lower bound {row.bound:g}."]
    else:
        lines = [f"Lower bound {row.bound:g}."]
    if row.bound_kind == "analytic":
        lines.append("Analytic bound: the larger of the critical path of minimum execution times and the "
                     "total minimum work ÷ workers, rounded up when every time is a whole number. No search "
                     "has proven a better one on this graph.")
    elif row.bound_kind == "optimal":
        lines.append(f"Proven bound: the {row.bound_by} run proved the optimum of this graph.")
    else:
        lines.append(f"Proven bound: reported by the {row.bound_by} run's search on this graph "
                     f"(better than the analytic bound {row.metrics.get('lower_bound', 0.0):g}).")
    meta = row.schedule.meta
    own = _finite(meta.get("lower_bound"))
    if row.anytime and own is not None:
        if meta.get("proven_optimal"):
            lines.append("This run proved its schedule optimal.")
        else:
            g = _finite(meta.get("gap"))
            txt = f"This run's own bound: {own:g}" + (f" (gap {100 * g:.1f} %)" if g is not None else "")
            if "proven_optimal" in meta:
                txt += "; the time limit ran out before the gap closed"
            lines.append(txt + ".")
    return "\n".join(lines)


def _fmt(col: str, v: Any) -> str:
    if v is None:
        return "—"
    if col in ("algorithm", "status"):
        return str(v)
    if col in ("efficiency", "utilisation", "gap"):
        return f"{100 * v:.1f} %"
    if col == "runtime":
        return f"{v * 1000:.3g} ms" if v < 1 else f"{v:.2f} s"
    if col in ("speedup", "slr"):
        return f"{v:.3f}"
    return f"{v:.6g}"


class ResultsModel(QtCore.QAbstractTableModel):
    """Table model of :class:`RunRow` rows, one per algorithm.

    The display role shows formatted text; :data:`SORT_ROLE` gives the raw value
    (a float for numeric columns, missing values as +inf) so a proxy sorts numerically.
    """

    def __init__(self, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[RunRow] = []

    # -------------------------------------------------------------- Qt model API
    def rowCount(self, parent: _Index = QtCore.QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QtCore.QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: QtCore.Qt.Orientation, role: int = QtCore.Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == QtCore.Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            if role == QtCore.Qt.ItemDataRole.DisplayRole:
                return COLUMNS[section][1]
            if role == QtCore.Qt.ItemDataRole.ToolTipRole:
                return COLUMNS[section][2]
        return None

    def data(self, index: _Index, role: int = QtCore.Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self.rows)):
            return None
        row = self.rows[index.row()]
        col = COLUMNS[index.column()][0]
        R = QtCore.Qt.ItemDataRole
        if role == R.DisplayRole:
            if col == "gap" and row.optimal and "gap" in row.metrics:
                return "optimal"
            return _fmt(col, row.value(col))
        if role == SORT_ROLE:
            v = row.value(col)
            if col in NUMERIC:
                return MISSING if v is None else float(v)
            return str(v)
        if role == R.ForegroundRole:
            if row.stale:
                return QtGui.QBrush(QtGui.QColor(150, 150, 150))
            if row.status == "failed":
                return QtGui.QBrush(QtGui.QColor(190, 30, 30))
            return None
        if role == R.ToolTipRole:
            if row.stale:
                return "The graph or platform changed since this run; run it again."
            if row.message:
                return row.message
            if col == "gap":
                return gap_tooltip(row)
            return None
        if role == R.TextAlignmentRole and col in NUMERIC:
            return int(QtCore.Qt.AlignmentFlag.AlignRight | QtCore.Qt.AlignmentFlag.AlignVCenter)
        return None

    # -------------------------------------------------------------- editing
    def row_of(self, algorithm: str) -> int:
        """Row number of ``algorithm`` or -1."""
        for i, r in enumerate(self.rows):
            if r.algorithm == algorithm:
                return i
        return -1

    def find_key(self, key: str) -> RunRow | None:
        """The row whose current run is ``key`` (older, replaced runs have none)."""
        for r in self.rows:
            if r.key == key:
                return r
        return None

    def upsert(self, row: RunRow) -> None:
        """Add ``row``, replacing the row of the same algorithm."""
        i = self.row_of(row.algorithm)
        if i < 0:
            n = len(self.rows)
            self.beginInsertRows(QtCore.QModelIndex(), n, n)
            self.rows.append(row)
            self.endInsertRows()
        else:
            self.rows[i] = row
            self.row_changed(row)

    def row_changed(self, row: RunRow) -> None:
        """Tell views that ``row`` changed."""
        i = self.rows.index(row)
        self.dataChanged.emit(self.index(i, 0), self.index(i, len(COLUMNS) - 1))

    def mark_stale(self) -> None:
        """Mark every row stale."""
        if not self.rows:
            return
        for r in self.rows:
            r.stale = True
        self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, len(COLUMNS) - 1))

    def clear(self) -> None:
        self.beginResetModel()
        self.rows = []
        self.endResetModel()


class _RunProgress(QtWidgets.QWidget):
    """One line per running algorithm: name, progress bar, cancel button."""

    def __init__(self, key: str, algorithm: str, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        lay = QtWidgets.QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.label = QtWidgets.QLabel(algorithm)
        self.label.setMinimumWidth(90)
        self.bar = QtWidgets.QProgressBar()
        self.bar.setRange(0, 0)  # busy until the first progress report
        self.bar.setFormat("%v / %m tasks")
        self.cancel_button = QtWidgets.QToolButton()
        self.cancel_button.setText("Cancel")
        self.cancel_button.setToolTip(f"Stop the {algorithm} run")
        #: best makespan and bound of an anytime search
        self.search_label = QtWidgets.QLabel()
        self.search_label.hide()
        lay.addWidget(self.label)
        lay.addWidget(self.bar, 1)
        lay.addWidget(self.search_label)
        lay.addWidget(self.cancel_button)
        self.key = key

    def show_search(self, elapsed: float | None, limit: float | None, best: float | None, bound: float | None) -> None:
        """Show an anytime search: time spent against its limit (``None``: still queued), best and bound."""
        if elapsed is None:
            self.bar.setRange(0, 0)
            self.bar.setFormat("waiting for a free thread")
        elif limit and limit > 0:
            self.bar.setRange(0, 1000)
            # the search may overrun its limit a little (it finishes its current step)
            self.bar.setValue(int(1000 * min(elapsed / limit, 0.99)))
            self.bar.setFormat(f"{elapsed:.1f} / {limit:g} s")
        else:
            self.bar.setRange(0, 0)
            self.bar.setFormat(f"{elapsed:.1f} s")
        parts = [] if elapsed is not None else ["waiting for a free thread"]
        if best is not None:
            parts.append(f"best {best:g}")
        if bound is not None:
            parts.append(f"bound {bound:g}")
        self.search_label.setText(" · ".join(parts))
        self.search_label.setVisible(bool(parts))


def search_curves(
    history: list[tuple[float, float, float]], t_end: float | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Step curves of a search history: ``(x_best, best, x_bound, bound)``.

    ``best`` is the best makespan found so far (running minimum) and ``bound`` the best
    lower bound so far (running maximum), one value per point; each ``x`` holds the
    point times plus one closing edge at ``t_end`` (default: the last point), as
    pyqtgraph's ``stepMode="center"`` wants. Non-finite values (no solution yet) are
    left out.
    """
    pts = sorted(history, key=lambda p: p[0])
    out = []
    for col, acc in ((1, np.minimum.accumulate), (2, np.maximum.accumulate)):
        keep = [(float(p[0]), float(p[col])) for p in pts if math.isfinite(p[col]) and math.isfinite(p[0])]
        if not keep:
            out += [np.zeros(0), np.zeros(0)]
            continue
        t = np.array([k[0] for k in keep])
        y = acc(np.array([k[1] for k in keep]))
        end = max(float(t[-1]), float(t_end) if t_end is not None else float(t[-1]))
        out += [np.append(t, end), y]
    return out[0], out[1], out[2], out[3]


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
        self.plot = pg.PlotWidget(background="w")
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
            lb = _finite(row.schedule.meta.get("lower_bound")) or lb
        if b is not None:
            parts.append(f"best {b:g}")
        if lb is not None:
            parts.append(f"bound {lb:g}")
        if b is not None and lb:
            gap = b / lb - 1.0
            proven = row.schedule is not None and bool(row.schedule.meta.get("proven_optimal"))
            closed = proven or abs(gap) <= OPTIMAL_TOL * max(1.0, b)
            parts.append("optimal" if closed else f"gap {100 * gap:.1f} %")
        state = row.shown_status
        if state != "done":
            parts.append(state + ("…" if state == "running" else ""))
        return " · ".join(parts)


class ResultsPanel(QtWidgets.QWidget):
    """Run mapping algorithms in the background and compare their schedules.

    Parameters
    ----------
    document
        Anything with ``snapshot() -> (TaskGraph, Platform)`` and the signals
        ``graph_changed`` and ``platform_changed``.
    manager : RunManager
        Runs the algorithms on the thread pool.
    """

    #: the Schedule of the chosen table row
    schedule_chosen = QtCore.Signal(object)
    #: two chosen rows -> [Schedule, Schedule]
    comparison_chosen = QtCore.Signal(list)
    #: True while at least one run is in progress (what "Cancel all" can act on)
    runs_active_changed = QtCore.Signal(bool)

    def __init__(self, document: Any, manager: RunManager, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.manager = manager
        self._progress: dict[str, _RunProgress] = {}
        #: bumped when the graph or platform changes: rows of one generation are comparable
        self._generation = 0

        # algorithm checklist, built from the registry
        self.algorithm_list = QtWidgets.QListWidget()
        self.algorithm_list.setObjectName("algorithm_list")
        for name in available():
            item = QtWidgets.QListWidgetItem(name)
            item.setFlags(item.flags() | QtCore.Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(QtCore.Qt.CheckState.Checked if name == "heft" else QtCore.Qt.CheckState.Unchecked)
            cls = ALGORITHMS.get(name)
            if cls is not None:
                tip = cls.description + (f"\n{cls.reference}" if cls.reference else "")
                if getattr(cls, "anytime", False):
                    tip += "\n(searches within the time limit and reports its lower bound)"
                if getattr(cls, "slow", False):
                    tip += "\n(slow: not included in Run all; tick it to run it)"
                if name == "optimal" and not _have_ortools():
                    tip += f"\nNot available here: {_ortools_hint()}"
                item.setToolTip(tip)
            self.algorithm_list.addItem(item)

        self.run_selected_button = QtWidgets.QPushButton("Run selected")
        self.run_selected_button.setToolTip("Run the checked algorithms in the background")
        self.run_all_button = QtWidgets.QPushButton("Run all")
        self.cancel_all_button = QtWidgets.QPushButton("Cancel all")
        self.cancel_all_button.setEnabled(False)
        self.run_all_button.setToolTip("Run every algorithm except the slow exact one (optimal: tick it and "
                                       "use Run selected)")
        self.time_limit_spin = QtWidgets.QDoubleSpinBox()
        self.time_limit_spin.setObjectName("time_limit_spin")
        self.time_limit_spin.setRange(0.1, 3600.0)
        self.time_limit_spin.setDecimals(1)
        self.time_limit_spin.setSingleStep(1.0)
        self.time_limit_spin.setSuffix(" s")
        self.time_limit_spin.setValue(DEFAULT_TIME_LIMIT)
        self.time_limit_spin.setToolTip("Search budget of the anytime algorithms (improve, best, optimal): "
                                        "they stop with the best schedule found and its proven gap")
        limit_label = QtWidgets.QLabel("Time limit")
        limit_label.setBuddy(self.time_limit_spin)
        self.run_selected_button.clicked.connect(self.run_selected)
        self.run_all_button.clicked.connect(self.run_all)
        self.cancel_all_button.clicked.connect(self.cancel_all)

        buttons = QtWidgets.QVBoxLayout()
        for b in (self.run_selected_button, self.run_all_button, self.cancel_all_button):
            buttons.addWidget(b)
        buttons.addWidget(limit_label)
        buttons.addWidget(self.time_limit_spin)
        buttons.addStretch(1)
        top = QtWidgets.QHBoxLayout()
        top.addWidget(self.algorithm_list, 1)
        top.addLayout(buttons)

        self.progress_box = QtWidgets.QWidget()
        self._progress_layout = QtWidgets.QVBoxLayout(self.progress_box)
        self._progress_layout.setContentsMargins(0, 0, 0, 0)
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

        self.model = ResultsModel(self)
        self.proxy = QtCore.QSortFilterProxyModel(self)
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

        self.search_plot = SearchPlot()
        self.search_plot.hide()
        # while a shown search runs, stretch its curves to the present and update the
        # progress lines of anytime runs (their task counts say nothing about the search)
        self._live_timer = QtCore.QTimer(self)
        self._live_timer.setInterval(200)
        self._live_timer.timeout.connect(self._on_live_timer_timeout)

        self.splitter = QtWidgets.QSplitter(QtCore.Qt.Orientation.Vertical)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.search_plot)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)

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
        # metrics of a 100,000-task schedule take seconds: the worker computes them
        manager.add_preparer("metrics", compute_metrics)
        document.graph_changed.connect(self.mark_stale)
        document.platform_changed.connect(self.mark_stale)

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
        """Run every registered algorithm except the slow (exact) ones."""
        return self.run([n for n in available() if not getattr(ALGORITHMS.get(n), "slow", False)])

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
            row = RunRow(name, key, "running", graph=graph, platform=platform, generation=self._generation,
                         anytime=anytime, params=p, started=time.perf_counter())
            self.model.upsert(row)
            self._add_progress(key, name)
            keys.append(key)
            shown = self.search_plot.row
            if anytime and (shown is None or shown.status != "running" or shown.algorithm == name):
                self.show_search(name)  # a replaced run's plot follows its replacement
        self._refresh_gaps()
        self._sync_live_timer()
        return keys

    def cancel_all(self) -> None:
        """Cancel every run started from this panel."""
        for key in list(self._progress):
            self.manager.cancel(key)

    def mark_stale(self) -> None:
        """Mark every result stale (the graph or platform changed)."""
        self._generation += 1
        self.model.mark_stale()
        self.search_plot.redraw()
        self._emit_choice()

    def results(self) -> dict[str, Schedule]:
        """algorithm -> Schedule of every finished, up-to-date run."""
        return {r.algorithm: r.schedule for r in self.model.rows if r.schedule is not None and not r.stale and r.status == "done"}

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
        self.search_plot.show()
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
        if r is self.search_plot.row:
            self._redraw_search()

    def _on_manager_finished(self, key: str, schedule: Schedule) -> None:
        self._remove_progress(key)
        r = self.model.find_key(key)
        if r is None:
            return
        r.schedule = schedule
        hist = schedule.meta.get("history")
        if isinstance(hist, list) and len(hist) >= len(r.history):
            r.history = [tuple(float(x) for x in p) for p in hist]  # type: ignore[misc]
        r.status = "done"
        r.runtime = schedule.meta.get("runtime_s")
        prepared = self.manager.prepared(key)
        metrics = prepared.pop("metrics", None)
        r.prepared = prepared
        try:
            if isinstance(metrics, BaseException):
                raise metrics
            if isinstance(metrics, dict):
                r.metrics = metrics  # computed in the worker thread
            elif r.graph is not None and r.platform is not None:
                r.metrics = compute_metrics(schedule, r.graph, r.platform)
        except Exception as exc:  # metrics are extras: keep the schedule, say what failed
            r.message = f"metrics unavailable: {error_message(exc)}"
        if "makespan" not in r.metrics:
            r.metrics = {"makespan": float(schedule.makespan)}
        self._refresh_gaps()
        self._after_run_ended(r)

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
        r.message = "cancelled"
        self.model.row_changed(r)
        self._after_run_ended(r)
        self._show_message(f"{r.algorithm} cancelled", error=False)

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
                w.show_search(self._elapsed(r), _finite(r.params.get("time_limit")), best, bound)
        if self.search_plot.row is not None and self.search_plot.row.status == "running":
            self._redraw_search()
        self._sync_live_timer()

    # ------------------------------------------------------------------ helpers
    def _refresh_gaps(self) -> None:
        assign_bounds(self.model.rows)
        if self.model.rows:
            c = COL["gap"]
            self.model.dataChanged.emit(self.model.index(0, c), self.model.index(len(self.model.rows) - 1, c))

    def _after_run_ended(self, r: RunRow) -> None:
        self.model.row_changed(r)
        if r is self.search_plot.row:
            self._redraw_search()
        self._sync_live_timer()

    def _redraw_search(self) -> None:
        r = self.search_plot.row
        if r is None:
            return
        t_end = None
        if r.status == "running":
            t_end = self._elapsed(r)
        elif r.status == "done" and r.schedule is not None:
            t_end = _finite(r.schedule.meta.get("runtime_s"))
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
        usable = [r.schedule for r in self._chosen_rows() if r.schedule is not None and not r.stale]
        if len(usable) == 1:
            self.schedule_chosen.emit(usable[0])
        elif len(usable) == 2:
            self.comparison_chosen.emit(usable)

    def _add_progress(self, key: str, algorithm: str) -> None:
        w = _RunProgress(key, algorithm, self.progress_box)
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
            row = max(w.sizeHint().height() for w in self._progress.values()) + self._progress_layout.spacing()
            self.progress_scroll.setFixedHeight(min(n, 4) * row + 2)

    def _show_message(self, text: str, *, error: bool = False) -> None:
        self.message_label.setText(text)
        self.message_label.setStyleSheet("color: #b01e1e;" if error else "")
        self.message_label.setVisible(bool(text))
