"""Replay comparison: how an execution trace differs from its prediction.

:class:`DeviationView` shows, for one trace, a summary line, and three sortable tables
computed by :mod:`model.replay` (no comparison logic lives here):

- *Tasks*: per task, predicted and measured start/finish in seconds (the prediction
  scaled by the run's time scale) and how late (+) or early (−) each was;
- *Workers*: per worker, the utilisation predicted and measured, drawn as bars;
- *Makespan*: for each computed algorithm, its predicted makespan × time scale
  against the measured makespan, and the error: measured ÷ predicted − 1
  (:func:`model.replay.makespan_error`, the benchmarks' definition too).

A trace rebuilt from a WfFormat instance (``meta["reconstructed"]``) or cut short
(``meta["partial"]``) says so above the tables.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6 import QtCore, QtGui, QtWidgets

from model.replay import (
    MAKESPAN_ERROR_TEXT,
    deviations,
    makespan_error,
    makespan_errors,
    trace_time_scale,
    utilisation,
)
from model.schedule import Schedule

__all__ = ["DeviationView", "RowsModel", "format_seconds"]

_Index = QtCore.QModelIndex | QtCore.QPersistentModelIndex
SORT_ROLE = QtCore.Qt.ItemDataRole.UserRole
#: a value in [0, 1] drawn as a bar by :class:`_BarDelegate`
BAR_ROLE = QtCore.Qt.ItemDataRole.UserRole + 1

LATE = QtGui.QColor(178, 34, 34)
EARLY = QtGui.QColor(0, 110, 60)
PREDICTED_BAR = QtGui.QColor(120, 150, 200)
MEASURED_BAR = QtGui.QColor(230, 150, 60)


def format_seconds(v: float | None, *, signed: bool = False) -> str:
    """A time in seconds with a readable unit (``"12.5 ms"``, ``"+1.20 s"``)."""
    if v is None or not math.isfinite(v):
        return "—"
    sign = ("+" if v > 0 else "−" if v < 0 else "±") if signed else ("−" if v < 0 else "")
    a = abs(v)
    if a == 0:
        text = "0 s"
    elif a < 1e-3:
        text = f"{a * 1e6:.0f} µs"
    elif a < 1:
        text = f"{a * 1e3:.3g} ms"
    elif a < 100:
        text = f"{a:.3g} s"
    else:
        text = f"{a:,.0f} s"
    return sign + text


def natural_key(text: str) -> str:
    """``text`` with its numbers zero-padded, so ``"n2"`` sorts before ``"n10"``."""
    return re.sub(r"\d+", lambda m: m.group().zfill(12), text)


@dataclass(frozen=True)
class Column:
    """One column of a :class:`RowsModel`: the row dict's ``key`` shown by ``fmt``."""

    key: str
    header: str
    tip: str = ""
    fmt: Callable[[Any], str] = str
    numeric: bool = False
    colour: Callable[[dict[str, Any]], QtGui.QColor | None] | None = None
    bar: bool = False


class RowsModel(QtCore.QAbstractTableModel):
    """A read-only table of dicts (one per row), sorted through a proxy on :data:`SORT_ROLE`."""

    def __init__(self, columns: Sequence[Column], parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self.rows: list[dict[str, Any]] = []
        self.bold: Callable[[dict[str, Any]], bool] | None = None

    def set_rows(self, rows: list[dict[str, Any]]) -> None:
        """Replace every row."""
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: _Index = QtCore.QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QtCore.QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: QtCore.Qt.Orientation,
                   role: int = QtCore.Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != QtCore.Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        c = self.columns[section]
        if role == QtCore.Qt.ItemDataRole.DisplayRole:
            return c.header
        if role == QtCore.Qt.ItemDataRole.ToolTipRole:
            return c.tip or None
        return None

    def data(self, index: _Index, role: int = QtCore.Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        c = self.columns[index.column()]
        v = row.get(c.key)
        if role == QtCore.Qt.ItemDataRole.DisplayRole:
            return c.fmt(v)
        if role == SORT_ROLE:
            if c.numeric:
                # undefined values sort last
                return float(v) if isinstance(v, (int, float)) and math.isfinite(v) else math.inf
            return natural_key(str(v))
        if role == BAR_ROLE and c.bar:
            return float(v) if isinstance(v, (int, float)) else None
        if role == QtCore.Qt.ItemDataRole.ForegroundRole and c.colour is not None:
            return c.colour(row)
        if role == QtCore.Qt.ItemDataRole.TextAlignmentRole and c.numeric:
            return int(QtCore.Qt.AlignmentFlag.AlignRight | QtCore.Qt.AlignmentFlag.AlignVCenter)
        if role == QtCore.Qt.ItemDataRole.FontRole and self.bold is not None and self.bold(row):
            f = QtGui.QFont()
            f.setBold(True)
            return f
        return None


class _BarDelegate(QtWidgets.QStyledItemDelegate):
    """Draws the cell's :data:`BAR_ROLE` fraction as a horizontal bar behind its text."""

    def __init__(self, colour: QtGui.QColor, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self.colour = colour

    def paint(self, painter: QtGui.QPainter, option: QtWidgets.QStyleOptionViewItem, index: _Index) -> None:
        frac = index.data(BAR_ROLE)
        if isinstance(frac, float) and math.isfinite(frac):
            r = option.rect.adjusted(3, 4, -3, -4)
            w = int(r.width() * max(0.0, min(1.0, frac)))
            painter.save()
            painter.fillRect(QtCore.QRect(r.left(), r.top(), w, r.height()), self.colour)
            painter.restore()
        super().paint(painter, option, index)


def _table(model: RowsModel, name: str) -> tuple[QtWidgets.QTableView, QtCore.QSortFilterProxyModel]:
    proxy = QtCore.QSortFilterProxyModel(model)
    proxy.setSourceModel(model)
    proxy.setSortRole(SORT_ROLE)
    view = QtWidgets.QTableView()
    view.setObjectName(name)
    view.setModel(proxy)
    view.setSortingEnabled(True)
    view.setSelectionBehavior(QtWidgets.QAbstractItemView.SelectionBehavior.SelectRows)
    view.setAlternatingRowColors(True)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 8)
    view.horizontalHeader().setStretchLastSection(False)
    view.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
    return view, proxy


def _pct(v: Any) -> str:
    return "—" if not isinstance(v, (int, float)) or not math.isfinite(v) else f"{100 * v:.0f} %"


def _signed_pct(v: Any) -> str:
    if not isinstance(v, (int, float)) or not math.isfinite(v):
        return "—"
    return f"{v:+.1f} %".replace("-", "−")


class DeviationView(QtWidgets.QWidget):
    """Trace against prediction: per-task deviation, utilisation, makespan errors.

    Call :meth:`set_comparison` with a trace (and what to compare it with); :meth:`clear`
    empties it. The tables are ``task_table``, ``worker_table`` and ``error_table``
    (sortable views over ``task_model``, ``worker_model`` and ``error_model``).
    """

    #: a task id was double-clicked in the task table
    task_activated = QtCore.Signal(str)

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.trace: Schedule | None = None
        self.prediction: Schedule | None = None
        self.time_scale = 1.0
        self._tolerance = 0.0

        self.summary = QtWidgets.QLabel()
        self.summary.setObjectName("summary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(QtCore.Qt.TextFormat.RichText)
        self.summary.setTextInteractionFlags(QtCore.Qt.TextInteractionFlag.TextSelectableByMouse)
        self.notes = QtWidgets.QLabel()
        self.notes.setObjectName("notes")
        self.notes.setWordWrap(True)
        self.notes.setTextFormat(QtCore.Qt.TextFormat.RichText)
        self.notes.setStyleSheet("QLabel#notes { background: #fff4d6; border: 1px solid #e0c060; "
                                 "border-radius: 3px; padding: 4px; color: #4a3b00; }")
        self.notes.hide()

        late = self._late_colour
        self.task_model = RowsModel([
            Column("task", "Task"),
            Column("where", "Worker", "predicted worker → measured worker"),
            Column("predicted_start", "Pred. start", "predicted start × time scale", format_seconds, True),
            Column("start", "Start", "measured start", format_seconds, True),
            Column("start_late", "Start Δ", "measured − predicted start (+ late, − early)",
                   lambda v: format_seconds(v, signed=True), True, lambda r: late(r["start_late"])),
            Column("predicted_finish", "Pred. finish", "predicted finish × time scale", format_seconds, True),
            Column("finish", "Finish", "measured finish", format_seconds, True),
            Column("finish_late", "Finish Δ", "measured − predicted finish (+ late, − early)",
                   lambda v: format_seconds(v, signed=True), True, lambda r: late(r["finish_late"])),
            Column("duration_ratio", "Duration ×", "measured / predicted duration",
                   lambda v: "—" if not isinstance(v, float) or not math.isfinite(v) else f"{v:.2f}", True),
        ], self)
        self.task_table, self.task_proxy = _table(self.task_model, "task_table")
        self.task_table.doubleClicked.connect(self._on_task_table_double_clicked)

        self.worker_model = RowsModel([
            Column("worker", "Worker"),
            Column("predicted", "Predicted", "busy time / makespan of the prediction", _pct, True, bar=True),
            Column("measured", "Measured", "busy time / makespan of the trace", _pct, True, bar=True),
            Column("tasks", "Tasks", "tasks that ran on the worker", str, True),
        ], self)
        self.worker_table, self.worker_proxy = _table(self.worker_model, "worker_table")
        self.worker_table.setItemDelegateForColumn(1, _BarDelegate(PREDICTED_BAR, self.worker_table))
        self.worker_table.setItemDelegateForColumn(2, _BarDelegate(MEASURED_BAR, self.worker_table))

        self.error_model = RowsModel([
            Column("label", "Algorithm", "bold: the mapping the run followed"),
            Column("predicted", "Predicted", "predicted makespan × time scale", format_seconds, True),
            Column("measured", "Measured", "measured makespan", format_seconds, True),
            Column("error_pct", "Error", f"Makespan error: {MAKESPAN_ERROR_TEXT}",
                   _signed_pct, True, lambda r: late(r["error"]) if math.isfinite(r["error_pct"]) else None),
        ], self)
        self.error_model.bold = lambda r: bool(r.get("followed"))
        self.error_table, self.error_proxy = _table(self.error_model, "error_table")
        # an explicit initial order (Qt's default is the first column, descending)
        self.task_table.sortByColumn(2, QtCore.Qt.SortOrder.AscendingOrder)
        self.worker_table.sortByColumn(0, QtCore.Qt.SortOrder.AscendingOrder)
        self.error_table.sortByColumn(1, QtCore.Qt.SortOrder.AscendingOrder)

        self.tabs = QtWidgets.QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.task_table, "Tasks")
        self.tabs.addTab(self.worker_table, "Workers")
        self.tabs.addTab(self.error_table, "Makespan error")

        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.summary)
        lay.addWidget(self.notes)
        lay.addWidget(self.tabs, 1)
        self.clear()

    # ------------------------------------------------------------------ content
    def clear(self) -> None:
        """Show nothing."""
        self.trace = self.prediction = None
        for m in (self.task_model, self.worker_model, self.error_model):
            m.set_rows([])
        self.summary.setText("<i>No execution yet: run the graph, or open a trace.</i>")
        self.notes.hide()

    def set_comparison(
        self,
        trace: Schedule,
        prediction: Schedule | None = None,
        predictions: Mapping[str, Schedule] | None = None,
        time_scale: float | None = None,
        notes: Sequence[str] = (),
    ) -> None:
        """Show ``trace`` against ``prediction`` and the makespans of ``predictions``.

        Parameters
        ----------
        trace : Schedule
            What ran (seconds).
        prediction : Schedule, optional
            The schedule the run followed, or any computed schedule of the same graph
            (cost units). Without it the task table stays empty.
        predictions : mapping, optional
            Algorithm -> computed schedule, for the makespan error table.
        time_scale : float, optional
            Seconds per cost unit (default: the trace's ``meta["time_scale"]``, else 1).
        notes : sequence of str
            Extra notes (plain text) shown above the tables.
        """
        ts = time_scale if time_scale is not None else trace_time_scale(trace)
        self.trace, self.prediction, self.time_scale = trace, prediction, ts
        measured = trace.makespan
        self._tolerance = max(1e-3, 0.01 * measured)
        texts = [html.escape(n) for n in notes]
        meta = trace.meta
        if meta.get("reconstructed"):
            texts.append("<b>Reconstructed trace</b>: this WfFormat instance records runtimes and machines "
                         "but not start times; they were rebuilt from the dependencies and the recorded "
                         "machines.")
            multi = meta.get("multicore")
            if isinstance(multi, dict) and multi:
                n = len(multi)
                texts.append(f"{n} task{'s' if n != 1 else ''} used several cores: each is drawn on one core "
                             "and held the others, left empty in the chart, for its whole run.")
        if meta.get("partial"):
            why = {"cancelled": "the run was cancelled", "interrupted": "the run was interrupted",
                   "failed": "a task failed"}.get(str(meta.get("stopped")), "the run stopped early")
            texts.append(f"<b>Partial trace</b>: {why} after {meta.get('tasks_done', len(trace.slots))} of "
                         f"{meta.get('tasks_total', '?')} tasks.")
        self.notes.setText("<br>".join(texts))
        self.notes.setVisible(bool(texts))

        # tasks
        rows: list[dict[str, Any]] = []
        error: str | None = None
        if prediction is not None:
            try:
                rows = deviations(prediction, trace, ts)
            except ValueError as e:  # GraphError: not the same graph
                error = str(e)
                # nothing else of that prediction is comparable either
                prediction = self.prediction = None
            for r in rows:
                r["where"] = r["worker"] if not r["moved"] else f"{r['predicted_worker']} → {r['worker']}"
        self.task_model.set_rows(rows)

        # workers
        u_meas = utilisation(trace)
        u_pred = utilisation(prediction) if prediction is not None else {}
        count: dict[str, int] = {}
        for s in trace.slots:
            count[s.worker] = count.get(s.worker, 0) + 1
        names = list(u_meas) + [w for w in u_pred if w not in u_meas]
        self.worker_model.set_rows([
            {"worker": w, "predicted": u_pred.get(w, math.nan) if prediction is not None else math.nan,
             "measured": u_meas.get(w, 0.0), "tasks": count.get(w, 0)} for w in names
        ])

        self.worker_table.setColumnHidden(1, prediction is None)

        # makespan errors
        preds = dict(predictions or {})
        if prediction is not None and not any(p is prediction for p in preds.values()):
            preds.setdefault(prediction.algorithm, prediction)
        errs = makespan_errors(preds, trace, ts)
        partial = bool(meta.get("partial"))
        for row in errs:
            row["label"] = row["algorithm"] + ("  (followed)" if row["followed"] else "")
            if partial:
                # a cut-short run has no makespan to compare with
                row["error"] = row["error_pct"] = math.nan
        self.error_model.set_rows(errs)
        for view in (self.task_table, self.worker_table, self.error_table):
            view.resizeColumnsToContents()
        for col in (1, 2):
            self.worker_table.setColumnWidth(col, max(self.worker_table.columnWidth(col), 130))

        # summary
        policy = meta.get("policy")
        how = ""
        if policy == "mapped" and meta.get("followed"):
            how = f" following <b>{html.escape(str(meta['followed']))}</b>"
        elif policy == "dynamic":
            how = " with <b>dynamic</b> placement"
        where = f" on {html.escape(str(meta['executor']))}" if meta.get("executor") else ""
        parts = [f"Measured makespan <b>{format_seconds(measured)}</b>{where}{how}"]
        if prediction is not None:
            pm = prediction.makespan * ts
            text = f"predicted ({html.escape(prediction.algorithm)}) {format_seconds(pm)}"
            err = makespan_error(pm, measured)
            if not partial and measured > 0 and math.isfinite(err):
                text += f", error {_signed_pct(100 * err)} (measured ÷ predicted − 1)"
            parts.append(text)
        if rows:
            moved = sum(r["moved"] for r in rows)
            worst = max(rows, key=lambda r: abs(r["finish_late"]))
            parts.append(f"largest finish deviation {format_seconds(worst['finish_late'], signed=True)} "
                         f"({html.escape(worst['task'])})" + (f", {moved} task(s) moved" if moved else ""))
        if "overhead_per_task" in meta:
            parts.append(f"overhead {format_seconds(float(meta['overhead_per_task']))}/task")
        parts.append(f"time scale {ts:g} s per cost unit")
        text = " · ".join(parts)
        if error:
            text += f"<br><span style='color:#b22222'>{html.escape(error, quote=False)}</span>"
        elif prediction is None:
            text += "<br><i>No prediction to compare with: compute a mapping first.</i>"
        self.summary.setText(text)

    # ------------------------------------------------------------------ helpers
    def _late_colour(self, v: float) -> QtGui.QColor | None:
        if not math.isfinite(v) or abs(v) <= self._tolerance:
            return None
        return LATE if v > 0 else EARLY

    def _on_task_table_double_clicked(self, index: QtCore.QModelIndex) -> None:
        src = self.task_proxy.mapToSource(index)
        if src.isValid():
            self.task_activated.emit(self.task_model.rows[src.row()]["task"])
