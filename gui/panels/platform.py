"""The platform panel: number of workers, their speeds, network bandwidth and latency.

Every change is one undo step on the document's stack. Invalid input (zero or negative
speed or bandwidth, negative latency, text) is refused with a message in the panel.
"""

from __future__ import annotations

from typing import Any

from PySide6 import QtCore, QtWidgets

from gui.document import Document
from model.graph import GraphError

from .properties import fit_table_height, parse_number, set_column_texts

__all__ = ["PlatformPanel"]

MAX_WORKERS = 1024


def _fmt(v: float) -> str:
    return f"{v:g}"


class PlatformPanel(QtWidgets.QWidget):
    """Edit the platform of a document.

    Signals
    -------
    platform_changed()
        Relayed from the document: workers, speeds or network changed.
    """

    platform_changed = QtCore.Signal()

    def __init__(self, document: Document, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self._refreshing = False

        self.workers_spin = QtWidgets.QSpinBox()
        self.workers_spin.setRange(1, MAX_WORKERS)
        self.workers_spin.setKeyboardTracking(False)  # one edit when typing "12", not "1" then "12"
        self.workers_spin.setToolTip("Number of workers (per-worker task times follow)")
        self.speeds = QtWidgets.QTableWidget(0, 1)
        self.speeds.setHorizontalHeaderLabels(["Speed"])
        self.speeds.horizontalHeader().setStretchLastSection(True)
        self.speeds.setToolTip("A task of cost c takes c / speed on a worker")
        self.bandwidth_edit = QtWidgets.QLineEdit()
        self.bandwidth_edit.setToolTip("Data units per time unit between two different workers")
        self.latency_edit = QtWidgets.QLineEdit()
        self.latency_edit.setToolTip("Start-up time of every transfer between two different workers")
        self.message = QtWidgets.QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #c92a2a;")
        self.message.hide()

        form = QtWidgets.QFormLayout()
        form.addRow("Workers", self.workers_spin)
        form.addRow(self.speeds)
        form.addRow("Bandwidth", self.bandwidth_edit)
        form.addRow("Latency", self.latency_edit)
        lay = QtWidgets.QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.message)
        lay.addStretch(1)

        self.workers_spin.valueChanged.connect(self._on_workers_spin_value_changed)
        self.speeds.itemChanged.connect(self._on_speeds_item_changed)
        self.bandwidth_edit.editingFinished.connect(self._on_bandwidth_edit_finished)
        self.latency_edit.editingFinished.connect(self._on_latency_edit_finished)
        document.platform_changed.connect(self._on_document_platform_changed)
        document.graph_reset.connect(self.refresh)
        self.refresh()

    def show_message(self, text: str) -> None:
        """Show a refusal (empty text hides it)."""
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def message_text(self) -> str:
        """The message shown (empty when none)."""
        return self.message.text()

    def _on_document_platform_changed(self) -> None:
        self.refresh()
        self.platform_changed.emit()

    def refresh(self) -> None:
        """Show the document's platform."""
        p = self.document.platform
        self._refreshing = True
        try:
            self.workers_spin.setValue(len(p))
            set_column_texts(self.speeds, [_fmt(w.speed) for w in p.workers])
            self.speeds.setVerticalHeaderLabels(p.ids)
            fit_table_height(self.speeds, 10)
            self.bandwidth_edit.setText(_fmt(p.network.bandwidth))
            self.latency_edit.setText(_fmt(p.network.latency))
        finally:
            self._refreshing = False

    def _try(self, fn: Any, *args: Any) -> bool:
        try:
            fn(*args)
        except GraphError as e:
            self.show_message(str(e))
            QtCore.QTimer.singleShot(0, self.refresh)
            return False
        self.show_message("")
        return True

    def _on_workers_spin_value_changed(self, n: int) -> None:
        if not self._refreshing:
            self._try(self.document.set_worker_count, n)

    def _on_speeds_item_changed(self, item: QtWidgets.QTableWidgetItem) -> None:
        if self._refreshing:
            return
        row = item.row()
        ids = self.document.platform.ids
        name = ids[row] if row < len(ids) else f"#{row + 1}"
        try:
            v = parse_number(item.text(), f"speed of worker {name!r}")
            if v == 0:
                raise GraphError(f"speed of worker {name!r} must be positive (0)")
        except GraphError as e:
            self.show_message(str(e))
            QtCore.QTimer.singleShot(0, self.refresh)
            return
        # the document rebuilds this table: not from inside the table's own signal
        QtCore.QTimer.singleShot(0, lambda: self._try(self.document.set_worker_speed, row, v))

    def _on_bandwidth_edit_finished(self) -> None:
        if self._refreshing:
            return
        try:
            v = parse_number(self.bandwidth_edit.text(), "network bandwidth")
            if v == 0:
                raise GraphError("network bandwidth must be positive (0)")
        except GraphError as e:
            self.show_message(str(e))
            self.refresh()
            return
        self._try(self.document.set_network, v, None)

    def _on_latency_edit_finished(self) -> None:
        if self._refreshing:
            return
        try:
            v = parse_number(self.latency_edit.text(), "network latency")
        except GraphError as e:
            self.show_message(str(e))
            self.refresh()
            return
        self._try(self.document.set_network, None, v)

    def sizeHint(self) -> QtCore.QSize:
        return QtCore.QSize(220, 300)
