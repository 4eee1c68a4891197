"""A frozen first column for a table view: the row names stay in view when it scrolls sideways.

Qt's "Frozen Column" pattern: a second ``QTableView`` over the table's left edge shows
only the frozen column, with the same model and selection model; it follows the table's
vertical scrolling, row heights and column width, and its header sorts the table.
"""

from __future__ import annotations

from PySide6 import QtCore, QtWidgets

__all__ = ["FrozenColumn"]


class FrozenColumn(QtWidgets.QTableView):
    """Keep ``column`` of ``table`` (its first visible column) in view whatever the horizontal scroll."""

    def __init__(self, table: QtWidgets.QTableView, column: int = 0) -> None:
        super().__init__(table)
        self.setObjectName(f"{table.objectName() or 'table'}_frozen")
        self.table = table
        self.column = column
        self.setModel(table.model())
        self.setSelectionModel(table.selectionModel())
        self.setSelectionBehavior(table.selectionBehavior())
        self.setSelectionMode(table.selectionMode())
        self.setAlternatingRowColors(table.alternatingRowColors())
        self.setFocusPolicy(QtCore.Qt.FocusPolicy.NoFocus)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(table.verticalHeader().defaultSectionSize())
        self.horizontalHeader().setSectionResizeMode(QtWidgets.QHeaderView.ResizeMode.Fixed)
        self.horizontalHeader().setSectionsClickable(True)
        self.horizontalHeader().setSortIndicatorShown(True)
        self.setHorizontalScrollBarPolicy(QtCore.Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(QtCore.Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollMode(table.verticalScrollMode())
        self.setFrameShape(QtWidgets.QFrame.Shape.NoFrame)
        # a thin line tells the frozen column from the cells sliding under it
        self.setStyleSheet("QTableView { border-right: 1px solid palette(mid); }")
        table.viewport().stackUnder(self)
        self._hide_other_columns()

        model = table.model()
        model.columnsInserted.connect(self._hide_other_columns)
        model.modelReset.connect(self._hide_other_columns)
        table.horizontalHeader().sectionResized.connect(self._on_table_section_resized)
        table.verticalHeader().sectionResized.connect(self._on_table_row_resized)
        table.horizontalHeader().sortIndicatorChanged.connect(self._on_table_sort_changed)
        self.horizontalHeader().sectionClicked.connect(self._on_header_clicked)
        self.verticalScrollBar().valueChanged.connect(table.verticalScrollBar().setValue)
        table.verticalScrollBar().valueChanged.connect(self.verticalScrollBar().setValue)
        table.installEventFilter(self)
        self._on_table_sort_changed(table.horizontalHeader().sortIndicatorSection(),
                                    table.horizontalHeader().sortIndicatorOrder())
        self.update_geometry()
        self.show()

    # ----------------------------------------------------------------- layout
    def update_geometry(self) -> None:
        """Sit exactly over the table's frozen column (header and rows)."""
        t = self.table
        self.setColumnWidth(self.column, t.columnWidth(self.column))
        self.setGeometry(t.verticalHeader().width() + t.frameWidth(), t.frameWidth(),
                         t.columnWidth(self.column) + 1,
                         t.viewport().height() + t.horizontalHeader().height())
        self.horizontalHeader().setFixedHeight(t.horizontalHeader().height())

    def eventFilter(self, obj: QtCore.QObject, event: QtCore.QEvent) -> bool:
        if obj is self.table and event.type() in (QtCore.QEvent.Type.Resize, QtCore.QEvent.Type.Show,
                                                  QtCore.QEvent.Type.LayoutRequest):
            self.update_geometry()
        return False

    def _hide_other_columns(self, *_: object) -> None:
        for c in range(self.model().columnCount()):
            self.setColumnHidden(c, c != self.column)
        self.update_geometry()

    # ----------------------------------------------------------------- slots
    def _on_table_section_resized(self, index: int, _old: int, size: int) -> None:
        if index == self.column:
            self.setColumnWidth(index, size)
            self.update_geometry()

    def _on_table_row_resized(self, row: int, _old: int, size: int) -> None:
        self.setRowHeight(row, size)

    def _on_table_sort_changed(self, section: int, order: QtCore.Qt.SortOrder) -> None:
        self.horizontalHeader().setSortIndicator(section, order)

    def _on_header_clicked(self, section: int) -> None:
        # a click on the frozen header sorts the table like a click on the table's own
        header = self.table.horizontalHeader()
        if header.sortIndicatorSection() == section:
            order = (QtCore.Qt.SortOrder.DescendingOrder
                     if header.sortIndicatorOrder() == QtCore.Qt.SortOrder.AscendingOrder
                     else QtCore.Qt.SortOrder.AscendingOrder)
        else:
            order = QtCore.Qt.SortOrder.AscendingOrder
        self.table.sortByColumn(section, order)
