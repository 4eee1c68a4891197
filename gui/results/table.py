"""The comparison table: one row per algorithm's latest run, its figures and its gap.

:class:`RunRow` is one run; :class:`ResultsModel` shows the rows (formatted text, with
raw values on :data:`SORT_ROLE` so a proxy sorts numerically). The figures come from
:func:`model.comparison.table_metrics` and the gaps from :func:`model.comparison.measure_gaps`.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any

from PySide6 import QtCore, QtGui

from gui.numbers import human
from model.comparison import RunResult, gap_explanation, measure_gaps
from model.graph import Platform, TaskGraph
from model.schedule import Schedule, Slot

__all__ = ["COL", "COLUMNS", "NUMERIC", "SORT_ROLE", "ResultsModel", "ResultsProxy", "RunRow", "assign_bounds",
           "format_cell", "gap_tooltip"]

_Index = QtCore.QModelIndex | QtCore.QPersistentModelIndex
SORT_ROLE = QtCore.Qt.ItemDataRole.UserRole
MISSING = math.inf  # sorts after every real value in ascending order

GAP_TIP = (
    "makespan / lower bound − 1, against the best lower bound known for the graph: the analytic bound "
    "(critical path of minimum times, total work ÷ workers) or a bound proven by an anytime run "
    "(a time-limited search) on the same graph, whichever is larger. \"optimal\": the makespan equals "
    "a lower bound. Hover a cell to see which bound it is measured against."
)

SPEEDUP_TIP = (
    "Speed-up: the time of the whole graph run alone on the single fastest worker (for this graph) "
    "÷ the makespan — the usual definition (Topcuoglu et al., 2002).\n"
    "With per-worker execution times (unrelated workers) a schedule can put every task on the worker that "
    "suits it best, which no single worker can: the speed-up can then exceed the number of workers."
)
EFFICIENCY_TIP = (
    "Efficiency: speed-up ÷ number of workers.\n"
    "Measured against the single fastest worker, so with per-worker execution times (unrelated workers) "
    "it can pass 100 %: each task runs on the worker that suits it best, which no single worker can match."
)

#: (column id, header, tooltip); compact headers, so the table fits a narrow dock
COLUMNS: list[tuple[str, str, str]] = [
    ("algorithm", "Algorithm", "Mapping algorithm"),
    ("makespan", "Makespan", "Finish time of the last task"),
    ("speedup", "Speed-up", SPEEDUP_TIP),
    ("efficiency", "Eff.", EFFICIENCY_TIP),
    ("utilisation", "Util.", "Utilisation: mean over the workers of busy time ÷ makespan"),
    ("comm_volume", "Comm.", "Communication volume: data moved between different workers"),
    ("slr", "SLR", "Schedule length ratio: makespan ÷ critical path of minimum execution times"),
    ("gap", "Gap", GAP_TIP),
    ("status", "Status", "running, done, failed, cancelled (the best schedule found, not proven) or stale "
                         "(the graph or platform changed since the run; stale rows sort last)"),
    ("runtime", "Time", "Runtime: the time the algorithm took to compute the schedule"),
]
COL = {cid: i for i, (cid, _, _) in enumerate(COLUMNS)}
NUMERIC = {"makespan", "speedup", "efficiency", "utilisation", "comm_volume", "slr", "gap", "runtime"}


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
    #: the document's content version the run was computed for (:attr:`gui.document.Document.version`)
    version: Any = None
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
    #: tasks the run was given on top of the graph's pins (a run completing a hand
    #: mapping): its own lower bound is one of that narrower problem, not the graph's
    extra_pins: dict[str, str] = field(default_factory=dict)
    #: made outside the run manager (a hand mapping): figures come from a MetricsJob
    hand: bool = False

    @property
    def shown_status(self) -> str:
        return "stale" if self.stale else self.status

    @property
    def cancelled_best(self) -> bool:
        """A cancelled search that kept the best schedule it had found."""
        return self.status == "cancelled" and self.schedule is not None

    def value(self, col: str) -> Any:
        """The raw (sortable) value of a column; numbers missing are ``None``."""
        if col == "algorithm":
            return self.algorithm
        if col == "status":
            return self.shown_status
        if col == "runtime":
            return self.runtime
        return self.metrics.get(col)


def assign_bounds(rows: list[RunRow]) -> None:
    """Measure every finished row against the best lower bound known for its graph
    (:func:`model.comparison.measure_gaps`), setting its ``bound``, ``bound_kind``,
    ``bound_by``, ``optimal`` and ``metrics["gap"]``."""
    done = [r for r in rows if r.status in ("done", "cancelled") and r.schedule is not None]
    for r in rows:
        r.bound, r.bound_kind, r.bound_by, r.optimal = None, "", "", False
    gaps = measure_gaps([RunResult(r.algorithm, _bounding(r), r.metrics, r.generation) for r in done])
    for r, g in zip(done, gaps, strict=True):
        r.bound, r.bound_kind, r.bound_by, r.optimal = g.bound, g.kind, g.by, g.optimal
        if g.gap is None:
            r.metrics.pop("gap", None)
        else:
            r.metrics["gap"] = g.gap


def _bounding(row: RunRow) -> Schedule:
    """The schedule whose ``meta`` may give the graph a lower bound: a run with extra pins
    solved a narrower problem, so its own bound (or proven optimum) is left out."""
    s = row.schedule
    assert s is not None
    if not row.extra_pins or not ({"lower_bound", "proven_optimal"} & s.meta.keys()):
        return s
    meta = {k: v for k, v in s.meta.items() if k not in ("lower_bound", "proven_optimal")}
    return dataclasses.replace(s, meta=meta)


def gap_tooltip(row: RunRow) -> str | None:
    """What the gap of ``row`` is measured against, in words."""
    if row.bound is None or row.schedule is None:
        return None
    from model.comparison import Gap

    gap = Gap(row.bound, row.bound_kind, row.bound_by, row.metrics.get("gap"), row.optimal)
    return gap_explanation(gap, row.schedule, row.metrics, anytime=row.anytime)


def format_cell(col: str, v: Any) -> str:
    """The text of a cell of column ``col`` holding ``v`` (``None``: "—")."""
    if v is None:
        return "—"
    if col in ("algorithm", "status"):
        return str(v)
    if col in ("efficiency", "utilisation", "gap"):
        return f"{100 * v:,.1f} %"  # one decimal in every row: the column reads aligned
    if col == "runtime":
        return f"{human(v * 1000, 3)} ms" if v < 1 else f"{human(v, 3)} s"
    if col in ("speedup", "slr"):
        return human(v, 4)
    return human(v, 6)


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
            if col == "status" and row.cancelled_best and not row.stale:
                return "cancelled (best so far)"
            return format_cell(col, row.value(col))
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
                return ("The graph or platform changed since this run: click to see its schedule (marked stale), "
                        "or run it again.")
            if row.message:
                return row.message
            if col == "gap":
                return gap_tooltip(row)
            if col in ("speedup", "efficiency"):
                return COLUMNS[index.column()][2]
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

    def remove(self, algorithm: str) -> bool:
        """Remove the row of ``algorithm``; ``False`` if there is none."""
        i = self.row_of(algorithm)
        if i < 0:
            return False
        self.beginRemoveRows(QtCore.QModelIndex(), i, i)
        del self.rows[i]
        self.endRemoveRows()
        return True

    def mark_stale(self) -> None:
        """Mark every row stale."""
        self.set_stale(lambda _r: True)

    def set_stale(self, is_stale: Any) -> None:
        """Set every row's ``stale`` to ``is_stale(row)``; views hear of the rows that changed."""
        changed = False
        for r in self.rows:
            st = bool(is_stale(r))
            if st != r.stale:
                r.stale, changed = st, True
        if changed:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, len(COLUMNS) - 1))

    def row_of_schedule(self, schedule: Schedule) -> RunRow | None:
        """The row holding ``schedule`` (``None``: no row does)."""
        for r in self.rows:
            if r.schedule is schedule:
                return r
        return None

    def clear(self) -> None:
        self.beginResetModel()
        self.rows = []
        self.endResetModel()


class ResultsProxy(QtCore.QSortFilterProxyModel):
    """Sorts the results numerically (:data:`SORT_ROLE`), stale rows always after the
    up-to-date ones, whichever the column and the order."""

    def lessThan(self, left: _Index, right: _Index) -> bool:
        model = self.sourceModel()
        rows = getattr(model, "rows", None)
        if rows is not None:
            a, b = rows[left.row()].stale, rows[right.row()].stale
            if a != b:
                # Qt reverses lessThan for a descending order: keep stale rows last in both
                ascending = self.sortOrder() == QtCore.Qt.SortOrder.AscendingOrder
                return b if ascending else a
        return bool(super().lessThan(left, right))
