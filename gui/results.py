"""The results panel: choose algorithms, run them in the background, compare them.

The panel observes the :class:`~gui.document.Document` (only ``snapshot()``,
``graph_changed`` and ``platform_changed``) and drives a
:class:`~gui.workers.RunManager`. Each algorithm has one row in the comparison table;
running it again replaces the row. Editing the graph or the platform marks every row
stale (greyed, status "stale"). Metrics come from :mod:`model.metrics`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from PySide6 import QtCore, QtGui, QtWidgets

from model.algorithms import ALGORITHMS, available
from model.graph import Platform, TaskGraph
from model.schedule import Schedule, Slot

from .workers import RunManager, error_message

__all__ = ["COLUMNS", "ResultsModel", "ResultsPanel", "RunRow"]

_Index = QtCore.QModelIndex | QtCore.QPersistentModelIndex
SORT_ROLE = QtCore.Qt.ItemDataRole.UserRole
MISSING = math.inf  # sorts after every real value in ascending order

#: (column id, header, tooltip)
COLUMNS: list[tuple[str, str, str]] = [
    ("algorithm", "Algorithm", "Mapping algorithm"),
    ("makespan", "Makespan", "Finish time of the last task"),
    ("speedup", "Speed-up", "Time of the whole graph on the best single worker / makespan"),
    ("efficiency", "Efficiency", "Speed-up / number of workers"),
    ("utilisation", "Utilisation", "Mean over the workers of busy time / makespan"),
    ("comm_volume", "Comm. volume", "Data moved between different workers"),
    ("slr", "SLR", "Schedule length ratio: makespan / critical path of minimum execution times"),
    ("gap", "Gap to LB", "makespan / lower bound − 1 (0 % is provably optimal)"),
    ("status", "Status", "running, done, failed, cancelled or stale"),
    ("runtime", "Runtime", "Time the algorithm took to compute the schedule"),
]
COL = {cid: i for i, (cid, _, _) in enumerate(COLUMNS)}
NUMERIC = {"makespan", "speedup", "efficiency", "utilisation", "comm_volume", "slr", "gap", "runtime"}


def compute_metrics(schedule: Schedule, graph: TaskGraph, platform: Platform) -> dict[str, float]:
    """The table's figures of ``schedule`` from :func:`model.metrics.schedule_metrics`.

    Undefined ratios (NaN, infinite) are left out and shown as "—". ``lower_bound``
    is kept too, for the gap's tooltip.
    """
    from model.metrics import schedule_metrics

    m = schedule_metrics(schedule, graph, platform)
    raw = {
        "makespan": m.makespan,
        "speedup": m.speedup,
        "efficiency": m.efficiency,
        "utilisation": m.mean_utilisation,
        "comm_volume": m.comm_volume,
        "slr": m.slr,
        "gap": m.gap,
        "lower_bound": m.lower_bound,
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
            if col == "gap" and "lower_bound" in row.metrics:
                return f"lower bound {row.metrics['lower_bound']:g}"
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
        lay.addWidget(self.label)
        lay.addWidget(self.bar, 1)
        lay.addWidget(self.cancel_button)
        self.key = key


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

    def __init__(self, document: Any, manager: RunManager, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.manager = manager
        self._progress: dict[str, _RunProgress] = {}

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
                if getattr(cls, "slow", False):
                    tip += "\n(slow: not included in Run all)"
                item.setToolTip(tip)
            self.algorithm_list.addItem(item)

        self.run_selected_button = QtWidgets.QPushButton("Run selected")
        self.run_selected_button.setToolTip("Run the checked algorithms in the background")
        self.run_all_button = QtWidgets.QPushButton("Run all")
        self.cancel_all_button = QtWidgets.QPushButton("Cancel all")
        self.cancel_all_button.setEnabled(False)
        self.run_all_button.setToolTip("Run every algorithm except the slow exact ones")
        self.run_selected_button.clicked.connect(self.run_selected)
        self.run_all_button.clicked.connect(self.run_all)
        self.cancel_all_button.clicked.connect(self.cancel_all)

        buttons = QtWidgets.QVBoxLayout()
        for b in (self.run_selected_button, self.run_all_button, self.cancel_all_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        top = QtWidgets.QHBoxLayout()
        top.addWidget(self.algorithm_list, 1)
        top.addLayout(buttons)

        self.progress_box = QtWidgets.QWidget()
        self._progress_layout = QtWidgets.QVBoxLayout(self.progress_box)
        self._progress_layout.setContentsMargins(0, 0, 0, 0)

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

        lay = QtWidgets.QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.progress_box)
        lay.addWidget(self.message_label)
        lay.addWidget(self.table, 2)

        manager.run_progress.connect(self._on_manager_progress)
        manager.run_placed.connect(self._on_manager_placed)
        manager.run_finished.connect(self._on_manager_finished)
        manager.run_failed.connect(self._on_manager_failed)
        manager.run_cancelled.connect(self._on_manager_cancelled)
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

    def run(self, algorithms: list[str], params: dict[str, dict[str, Any]] | None = None) -> list[str]:
        """Run ``algorithms`` on a snapshot of the document; return the run keys.

        A previous run of the same algorithm still going is cancelled and its row
        replaced. ``params`` optionally maps an algorithm to its keyword arguments.
        """
        if not algorithms:
            self._show_message("Tick at least one algorithm to run.", error=False)
            return []
        try:
            graph, platform = self.document.snapshot()
        except Exception as exc:  # the document cannot give a graph to map
            self._show_message(error_message(exc), error=True)
            return []
        self._show_message("")
        keys = []
        for k, name in enumerate(algorithms):
            old = self.model.row_of(name)
            if old >= 0 and self.model.rows[old].status == "running":
                self.manager.cancel(self.model.rows[old].key)
            # every run reads its own copy; the row keeps one for the metrics
            g = graph if k == 0 else graph.copy()
            key = self.manager.start(name, g, platform, (params or {}).get(name))
            self.model.upsert(RunRow(name, key, "running", graph=g, platform=platform))
            self._add_progress(key, name)
            keys.append(key)
        return keys

    def cancel_all(self) -> None:
        """Cancel every run started from this panel."""
        for key in list(self._progress):
            self.manager.cancel(key)

    def mark_stale(self) -> None:
        """Mark every result stale (the graph or platform changed)."""
        self.model.mark_stale()
        self._emit_choice()

    def results(self) -> dict[str, Schedule]:
        """algorithm -> Schedule of every finished, up-to-date run."""
        return {r.algorithm: r.schedule for r in self.model.rows if r.schedule is not None and not r.stale and r.status == "done"}

    def row(self, algorithm: str) -> RunRow | None:
        """The table row of ``algorithm``."""
        i = self.model.row_of(algorithm)
        return None if i < 0 else self.model.rows[i]

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

    def displayed(self) -> list[list[str]]:
        """The table as shown (sorted), as text: one list per row."""
        out = []
        for r in range(self.proxy.rowCount()):
            out.append([self.proxy.index(r, c).data() for c in range(len(COLUMNS))])
        return out

    # ------------------------------------------------------------------ slots
    def _on_manager_progress(self, key: str, done: int, total: int) -> None:
        w = self._progress.get(key)
        if w is not None:
            w.bar.setRange(0, max(total, 1))
            w.bar.setValue(done)

    def _on_manager_placed(self, key: str, slots: list[Slot]) -> None:
        r = self.model.find_key(key)
        if r is not None:
            r.placements.extend(slots)

    def _on_manager_finished(self, key: str, schedule: Schedule) -> None:
        self._remove_progress(key)
        r = self.model.find_key(key)
        if r is None:
            return
        r.schedule = schedule
        r.status = "done"
        r.runtime = schedule.meta.get("runtime_s")
        r.metrics = {"makespan": float(schedule.makespan)}
        if r.graph is not None and r.platform is not None:
            try:
                r.metrics = compute_metrics(schedule, r.graph, r.platform)
            except Exception as exc:  # metrics are extras: keep the schedule, say what failed
                r.message = f"metrics unavailable: {error_message(exc)}"
        self.model.row_changed(r)

    def _on_manager_failed(self, key: str, message: str) -> None:
        self._remove_progress(key)
        r = self.model.find_key(key)
        if r is None:
            return
        r.status = "failed"
        r.message = message
        self._set_runtime(r, key)
        self.model.row_changed(r)
        self._show_message(f"{r.algorithm} failed: {message}", error=True)

    def _on_manager_cancelled(self, key: str) -> None:
        self._remove_progress(key)
        r = self.model.find_key(key)
        if r is None:
            return
        r.status = "cancelled"
        r.message = "cancelled"
        self.model.row_changed(r)
        self._show_message(f"{r.algorithm} cancelled", error=False)

    def _on_table_selection_changed(self, *_: Any) -> None:
        self._emit_choice()

    # ------------------------------------------------------------------ helpers
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
        self._progress_layout.addWidget(w)
        self._progress[key] = w
        self.cancel_all_button.setEnabled(True)

    def _remove_progress(self, key: str) -> None:
        w = self._progress.pop(key, None)
        if w is not None:
            self._progress_layout.removeWidget(w)
            w.hide()
            w.setParent(None)
        self.cancel_all_button.setEnabled(bool(self._progress))

    def _show_message(self, text: str, *, error: bool = False) -> None:
        self.message_label.setText(text)
        self.message_label.setStyleSheet("color: #b01e1e;" if error else "")
        self.message_label.setVisible(bool(text))
