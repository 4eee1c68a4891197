"""The property panel: edit the selected task(s) or edge.

A task shows its id (editable: renaming keeps its edges), its cost or, with per-worker
costs, a small table with one row per worker. An edge shows its data volume. Every edit
goes through the document (one undo step each). Invalid input is refused with a message
in the panel; the model is left unchanged.

With a session attached (:meth:`PropertyPanel.attach`), a task also shows where the shown
schedule runs it: its worker (a box: choosing another moves the task by hand, through the
window's hand mapper), start, finish, and its incoming and outgoing transfers; and a pin
box fixes it to a worker for every algorithm (an undoable graph edit, saved as ``"pin"``).
Without a shown schedule the worker box chooses the worker to pin the task to.
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, Any

from PySide6 import QtCore, QtWidgets

from gui.commands import SetPinCommand
from gui.document import Document
from model.chart import schedule_transfers
from model.graph import GraphError
from model.schedule import Schedule, Slot, Transfer

if TYPE_CHECKING:
    from gui.hand_mapping import HandMapper
    from gui.session import Session

__all__ = ["PropertyPanel", "fit_table_height", "parse_number", "set_column_texts"]


def _fmt(v: float) -> str:
    return f"{v:g}"


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'s' * (n != 1)}"


def parse_number(text: str, what: str) -> float:
    """Parse a number typed by the user, or raise :class:`GraphError` naming ``what``."""
    raw = text.strip()
    if re.fullmatch(r"[+-]?[1-9]\d{0,2},\d{3}", raw):
        # a thousands separator or a decimal comma: guessing would silently give 1000 times less or more
        whole, frac = raw.split(",")
        raise GraphError(f"{what}: {raw!r} is ambiguous, write {whole}{frac} or {whole}.{frac}")
    t = raw.replace(",", ".") if raw.count(",") == 1 and "." not in raw else raw
    if not t:
        raise GraphError(f"{what} is empty")
    try:
        v = float(t)
    except ValueError:
        raise GraphError(f"{what} must be a number, got {text.strip()!r}") from None
    if math.isnan(v) or math.isinf(v):
        raise GraphError(f"{what} must be a finite number, got {text.strip()!r}")
    if v < 0:
        raise GraphError(f"{what} cannot be negative ({v:g})")
    return v


def set_column_texts(table: QtWidgets.QTableWidget, texts: list[str]) -> None:
    """Show ``texts`` in the first column, touching only the cells whose text differs.

    A cell being edited (the user tabbed into it while the previous edit was applied)
    keeps its editor and its selected text: replacing its item would reset the editor
    to the old value with the cursor at the end, and the typed digits would be appended.
    """
    table.setRowCount(len(texts))
    for i, text in enumerate(texts):
        it = table.item(i, 0)
        if it is None:
            table.setItem(i, 0, QtWidgets.QTableWidgetItem(text))
        elif it.text() != text:
            it.setText(text)


def fit_table_height(table: QtWidgets.QTableWidget, max_rows: int = 8) -> None:
    """Make a small table just tall enough for its rows (scrolling beyond ``max_rows``)."""
    rows = min(table.rowCount(), max_rows)
    h = table.horizontalHeader().sizeHint().height() + 2 * table.frameWidth()
    h += sum(table.rowHeight(i) for i in range(rows)) if rows else table.verticalHeader().defaultSectionSize()
    table.setFixedHeight(h + 2)


class PropertyPanel(QtWidgets.QWidget):
    """Properties of the document's selection (see the module doc)."""

    def __init__(self, document: Document, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self._refreshing = False
        self._task: str | None = None
        self._tasks: list[str] = []
        self._edge: tuple[str, str] | None = None

        self.title = QtWidgets.QLabel()
        f = self.title.font()
        f.setBold(True)
        self.title.setFont(f)
        self.title.setWordWrap(True)

        # task page
        self.id_edit = QtWidgets.QLineEdit()
        self.id_edit.setToolTip("The task's id; renaming keeps its edges")
        self.per_worker = QtWidgets.QCheckBox("Per-worker times")
        self.per_worker.setToolTip("One execution time per worker (unrelated workers) instead of one cost")
        self.cost_edit = QtWidgets.QLineEdit()
        self.cost_edit.setToolTip("Work of the task; its time on a worker is cost / speed")
        self.costs_table = QtWidgets.QTableWidget(0, 1)
        self.costs_table.setHorizontalHeaderLabels(["Time"])
        self.costs_table.horizontalHeader().setStretchLastSection(True)
        self.links = QtWidgets.QLabel()
        self.links.setWordWrap(True)
        self.links.setTextInteractionFlags(QtCore.Qt.TextInteractionFlag.TextSelectableByMouse)
        # where the shown schedule runs the task
        self.worker_box = QtWidgets.QComboBox()
        self.worker_box.setObjectName("worker_box")
        self.pin_box = QtWidgets.QCheckBox("Pin")
        self.pin_box.setObjectName("pin_box")
        self.pin_box.setToolTip("Fix the task to this worker for every algorithm (saved with the graph)")
        self.timing = QtWidgets.QLabel()
        self.timing.setWordWrap(True)
        self.timing.setTextInteractionFlags(QtCore.Qt.TextInteractionFlag.TextSelectableByMouse)
        self.transfers = QtWidgets.QLabel()
        self.transfers.setWordWrap(True)
        self.transfers.setTextInteractionFlags(QtCore.Qt.TextInteractionFlag.TextSelectableByMouse)
        task_page = QtWidgets.QWidget()
        tf = QtWidgets.QFormLayout(task_page)
        tf.addRow("Id", self.id_edit)
        tf.addRow("", self.per_worker)
        self._cost_label = QtWidgets.QLabel("Cost")
        tf.addRow(self._cost_label, self.cost_edit)
        tf.addRow(self.costs_table)
        tf.addRow(self.links)
        tf.addRow("Worker", self.worker_box)
        tf.addRow("", self.pin_box)
        tf.addRow(self.timing)
        tf.addRow(self.transfers)
        self.session: Session | None = None
        self.hand: HandMapper | None = None
        self._transfers_of: tuple[Schedule, list[Transfer]] | None = None
        self._slots_of: tuple[Schedule, dict[str, Slot]] | None = None

        # several tasks
        self.multi_cost_edit = QtWidgets.QLineEdit()
        self.multi_cost_edit.setPlaceholderText("set the cost of all")
        multi_page = QtWidgets.QWidget()
        mf = QtWidgets.QFormLayout(multi_page)
        mf.addRow("Cost", self.multi_cost_edit)

        # edge page
        self.data_edit = QtWidgets.QLineEdit()
        self.data_edit.setToolTip("Data sent along the edge; it costs latency + data / bandwidth between workers")
        edge_page = QtWidgets.QWidget()
        ef = QtWidgets.QFormLayout(edge_page)
        ef.addRow("Data", self.data_edit)

        self.summary = QtWidgets.QLabel()
        self.summary.setWordWrap(True)
        empty_page = QtWidgets.QWidget()
        empty_lay = QtWidgets.QVBoxLayout(empty_page)
        empty_lay.addWidget(self.summary)
        empty_lay.addStretch(1)  # right under the title, not floating in the middle of the panel

        self.pages = QtWidgets.QStackedWidget()
        for p in (empty_page, task_page, multi_page, edge_page):
            self.pages.addWidget(p)
        self._empty_page, self._task_page, self._multi_page, self._edge_page = (
            empty_page, task_page, multi_page, edge_page)

        self.message = QtWidgets.QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #c92a2a;")
        self.message.hide()

        lay = QtWidgets.QVBoxLayout(self)
        lay.addWidget(self.title)
        lay.addWidget(self.pages)
        lay.addWidget(self.message)
        lay.addStretch(1)

        self.id_edit.editingFinished.connect(self._on_id_edit_finished)
        self.cost_edit.editingFinished.connect(self._on_cost_edit_finished)
        self.multi_cost_edit.editingFinished.connect(self._on_multi_cost_edit_finished)
        self.data_edit.editingFinished.connect(self._on_data_edit_finished)
        self.per_worker.toggled.connect(self._on_per_worker_toggled)
        self.costs_table.itemChanged.connect(self._on_costs_table_item_changed)
        self.worker_box.activated.connect(self._on_worker_box_activated)
        self.pin_box.toggled.connect(self._on_pin_box_toggled)
        document.selection_changed.connect(self._on_document_selection_changed)
        document.graph_changed.connect(self._on_document_changed)
        document.platform_changed.connect(self._on_document_changed)
        document.graph_reset.connect(self._on_document_changed)
        self.refresh()

    def attach(self, session: Session, hand: HandMapper | None = None) -> None:
        """Show where ``session``'s schedule runs the selected task; ``hand`` moves it."""
        self.session = session
        self.hand = hand
        session.shown_changed.connect(self._on_session_shown_changed)

    def _on_session_shown_changed(self) -> None:
        if self._task is not None:  # only a task's page shows the schedule
            self.refresh(keep_message=True)

    # ------------------------------------------------------------- messages
    def show_message(self, text: str) -> None:
        """Show a refusal (empty text hides it)."""
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def message_text(self) -> str:
        """The message shown (empty when none)."""
        return self.message.text()

    def _try(self, fn: Any, *args: Any) -> bool:
        try:
            fn(*args)
        except GraphError as e:
            self.show_message(str(e))
            self.refresh(keep_message=True)
            return False
        self.show_message("")
        return True

    # -------------------------------------------------------------- refresh
    def _on_document_changed(self, *args: Any) -> None:
        self.refresh(keep_message=True)

    def _on_document_selection_changed(self, tasks: list[str]) -> None:
        self.refresh()

    def refresh(self, keep_message: bool = False) -> None:
        """Show the document's current selection."""
        if not keep_message:
            self.show_message("")
        doc = self.document
        g = doc.graph
        tasks = [t for t in doc.selected() if t in g]
        edges = [e for e in doc.selected_edges() if g.nx.has_edge(*e)]
        self._refreshing = True
        try:
            self._task, self._tasks, self._edge = None, tasks, None
            if len(tasks) == 1:
                self._show_task(tasks[0])
            elif len(tasks) > 1:
                self.title.setText(f"{len(tasks)} tasks")
                costs = {g.cost(t) for t in tasks}
                self.multi_cost_edit.setText(_fmt(costs.pop()) if len(costs) == 1 else "")
                self.pages.setCurrentWidget(self._multi_page)
            elif len(edges) == 1:
                self._edge = edges[0]
                u, v = edges[0]
                self.title.setText(f"Edge {u} → {v}")
                self.data_edit.setText(_fmt(g.data(u, v)))
                self.pages.setCurrentWidget(self._edge_page)
            else:
                self.title.setText(g.name or "untitled")
                self.summary.setText(
                    f"{_count(len(g), 'task')}, {_count(g.nx.number_of_edges(), 'edge')}, "
                    f"{_count(len(doc.platform), 'worker')}.\n"
                    "Select a task or an edge to edit it." if len(g) else
                    "Double-click the editor to add a task.")
                self.pages.setCurrentWidget(self._empty_page)
        finally:
            self._refreshing = False

    def _show_task(self, t: str) -> None:
        g = self.document.graph
        self._task = t
        self.title.setText(f"Task {t}")
        self.id_edit.setText(t)
        costs = g.costs(t)
        self.per_worker.setChecked(costs is not None)
        self.cost_edit.setVisible(costs is None)
        self._cost_label.setVisible(costs is None)
        self.costs_table.setVisible(costs is not None)
        if costs is None:
            self.cost_edit.setText(_fmt(g.cost(t)))
        else:
            ids = self.document.platform.ids
            set_column_texts(self.costs_table, [_fmt(c) for c in costs])
            self.costs_table.setVerticalHeaderLabels(
                [ids[i] if i < len(ids) else f"#{i + 1}" for i in range(len(costs))])
            fit_table_height(self.costs_table)
        preds, succs = g.predecessors(t), g.successors(t)
        self.links.setText(
            f"after: {', '.join(preds) or '—'}\nbefore: {', '.join(succs) or '—'}")
        self._show_placement(t)
        self.pages.setCurrentWidget(self._task_page)

    # ------------------------------------------------------------ placement
    def shown_slot(self, task: str) -> Slot | None:
        """The slot of ``task`` in the shown schedule (``None``: none shown, or not in it)."""
        s = self.session.primary if self.session is not None else None
        if s is None:
            return None
        if self._slots_of is None or self._slots_of[0] is not s:
            self._slots_of = (s, s.slot_of())
        return self._slots_of[1].get(task)

    def _shown_transfers(self) -> list[Transfer]:
        assert self.session is not None
        s = self.session.primary
        if s is None:
            return []
        if self._transfers_of is None or self._transfers_of[0] is not s:
            plats = self.session.platforms
            self._transfers_of = (s, schedule_transfers(s, self.session.graph, plats[0] if plats else None))
        return self._transfers_of[1]

    def _show_placement(self, t: str) -> None:
        g = self.document.graph
        ids = self.document.platform.ids
        if [self.worker_box.itemText(i) for i in range(self.worker_box.count())] != ids:
            self.worker_box.clear()
            self.worker_box.addItems(ids)
        slot = self.shown_slot(t)
        pin = g.pin(t)
        if slot is not None:
            cur = slot.worker
            why = self.hand.why_not() if self.hand is not None else "bars cannot be moved here"
            self.worker_box.setEnabled(why is None)
            self.worker_box.setToolTip(why or "Move the task to another worker: the schedule is re-timed at once "
                                              "(undo with Ctrl+Z)")
            txt = (f"start {_fmt(slot.start)}, finish {_fmt(slot.finish)} (duration {_fmt(slot.duration)}) "
                   f"on {slot.worker}")
            if pin is not None and pin != slot.worker:
                txt += f"\npinned to {pin}, but this schedule runs it on {slot.worker}"
            self.timing.setText(txt)
            self.transfers.setText(self._transfer_text(t))
        else:
            cur = pin or (ids[0] if ids else "")
            self.worker_box.setEnabled(bool(ids))
            self.worker_box.setToolTip("No schedule shows this task: choose the worker to pin it to")
            self.timing.setText("not in the shown schedule" if self.session is not None
                                and self.session.primary is not None else "no schedule shown")
            self.transfers.setText("")
        if cur in ids:
            self.worker_box.setCurrentIndex(ids.index(cur))
        self.pin_box.setChecked(pin is not None)
        self.pin_box.setText(f"Pinned to {pin}" if pin is not None else f"Pin to {cur}")
        self.timing.setVisible(self.session is not None)
        self.transfers.setVisible(bool(self.transfers.text()))

    def _transfer_text(self, t: str) -> str:
        trs = self._shown_transfers()
        ins = [x for x in trs if x.target == t]
        outs = [x for x in trs if x.source == t]

        def line(x: Transfer, other: str) -> str:
            return (f"{other} {x.src_worker}→{x.dst_worker} {_fmt(x.start)}–{_fmt(x.finish)}"
                    f" (data {_fmt(x.data)})")

        def block(title: str, lst: list[Transfer], outgoing: bool) -> str:
            if not lst:
                return f"{title}: none"
            shown = [line(x, x.target if outgoing else x.source) for x in lst[:8]]
            more = [f"… and {len(lst) - 8} more"] if len(lst) > 8 else []
            return f"{title}:\n  " + "\n  ".join(shown + more)

        return block("transfers in", ins, False) + "\n" + block("transfers out", outs, True)

    def _on_worker_box_activated(self, index: int) -> None:
        if self._refreshing or self._task is None or index < 0:
            return
        t = self._task
        w = self.worker_box.itemText(index)
        slot = self.shown_slot(t)
        if slot is not None:
            if w == slot.worker:
                return
            why = self.hand.move(t, w) if self.hand is not None else "bars cannot be moved here"
            self.show_message(why or "")
            self.refresh(keep_message=True)
            return
        # no schedule: the box chooses the worker of the pin
        if self.document.graph.pin(t) is not None:
            self._try(self._set_pin, t, w)
        else:
            self.pin_box.setText(f"Pin to {w}")

    def _on_pin_box_toggled(self, on: bool) -> None:
        if self._refreshing or self._task is None:
            return
        t = self._task
        self._try(self._set_pin, t, self.worker_box.currentText() if on else None)

    def _set_pin(self, task: str, worker: str | None) -> None:
        if self.hand is not None:
            self.hand.set_pin(task, worker)
        elif self.document.graph.pin(task) != worker:
            self.document.undo_stack.push(SetPinCommand(self.document, task, worker))

    # ---------------------------------------------------------------- edits
    def _on_id_edit_finished(self) -> None:
        if self._refreshing or self._task is None:
            return
        new = self.id_edit.text().strip()
        if new == self._task:
            return
        old = self._task
        if not new:
            self.show_message("a task id cannot be empty")
            self.id_edit.setText(old)
            return
        self._try(self.document.rename, old, new)

    def _on_cost_edit_finished(self) -> None:
        if self._refreshing or self._task is None:
            return
        t = self._task
        if self.cost_edit.text().strip() == _fmt(self.document.graph.cost(t)) \
                and self.document.graph.costs(t) is None:
            return
        try:
            v = parse_number(self.cost_edit.text(), f"cost of task {t!r}")
        except GraphError as e:
            self.show_message(str(e))
            self.refresh(keep_message=True)
            return
        self._try(self.document.set_cost, [t], v)

    def _on_multi_cost_edit_finished(self) -> None:
        if self._refreshing or len(self._tasks) < 2 or not self.multi_cost_edit.text().strip():
            return
        try:
            v = parse_number(self.multi_cost_edit.text(), "cost")
        except GraphError as e:
            self.show_message(str(e))
            self.refresh(keep_message=True)
            return
        self._try(self.document.set_cost, list(self._tasks), v)

    def _on_data_edit_finished(self) -> None:
        if self._refreshing or self._edge is None:
            return
        u, v = self._edge
        if self.data_edit.text().strip() == _fmt(self.document.graph.data(u, v)):
            return
        try:
            d = parse_number(self.data_edit.text(), f"data of edge {u!r} -> {v!r}")
        except GraphError as e:
            self.show_message(str(e))
            self.refresh(keep_message=True)
            return
        self._try(self.document.set_data, [self._edge], d)

    def _on_per_worker_toggled(self, on: bool) -> None:
        if self._refreshing or self._task is None:
            return
        t = self._task
        g = self.document.graph
        plat = self.document.platform
        if on:
            c = g.cost(t)
            self._try(self.document.set_costs, t, [c / w.speed for w in plat.workers])
        else:
            self._try(self.document.set_cost, [t], g.cost(t))

    def _on_costs_table_item_changed(self, item: QtWidgets.QTableWidgetItem) -> None:
        if self._refreshing or self._task is None:
            return
        t = self._task
        ids = self.document.platform.ids
        vals = []
        for i in range(self.costs_table.rowCount()):
            it = self.costs_table.item(i, 0)
            name = ids[i] if i < len(ids) else f"#{i + 1}"
            try:
                vals.append(parse_number(it.text() if it else "", f"time of task {t!r} on {name}"))
            except GraphError as e:
                self.show_message(str(e))
                # put the model's value back (after this signal returns)
                QtCore.QTimer.singleShot(0, lambda: self.refresh(keep_message=True))
                return
        QtCore.QTimer.singleShot(0, lambda: self._try(self.document.set_costs, t, vals))

    def sizeHint(self) -> QtCore.QSize:
        return QtCore.QSize(240, 320)

