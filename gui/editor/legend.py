"""The legend in the graph editor's corner: what the colours, outlines, stripes and edge widths mean."""

from __future__ import annotations

from PySide6 import QtCore, QtGui, QtWidgets

from .items import C_BORDER, C_TASK, C_TEXT
from .looks import LegendEntry, LegendRow

__all__ = ["EditorLegend"]

_PAD = 5.0
_GAP = 5.0
_LINE_W = 26.0


class EditorLegend(QtWidgets.QWidget):
    """A strip below the graph, in the view's bottom margin, so it never hides a task.

    Each :class:`LegendRow` is a label and its swatches; rows flow left to right and wrap
    to the view's width. With nothing to say the strip is hidden and takes no room.
    """

    def __init__(self, view: QtWidgets.QAbstractScrollArea) -> None:
        super().__init__(view)
        self.view = view
        self.rows: list[LegendRow] = []
        self._lines: list[list[tuple[LegendRow, float]]] = []
        self._font = QtGui.QFont(self.font())
        self._font.setPointSizeF(max(7.0, self._font.pointSizeF() * 0.82))
        self._bold = QtGui.QFont(self._font)
        self._bold.setBold(True)
        view.installEventFilter(self)
        self.hide()

    def set_rows(self, rows: list[LegendRow]) -> None:
        """Show ``rows`` (none: hidden)."""
        if list(rows) == self.rows:
            return  # a replay frame repeats the same legend
        self.rows = list(rows)
        self.relayout()

    def texts(self) -> list[str]:
        """Every text shown: each row's label, then its swatches' texts."""
        return [t for r in self.rows for t in (r.label, *(e.text for e in r.entries))]

    # ------------------------------------------------------------------ geometry
    def _line_height(self) -> float:
        return QtGui.QFontMetricsF(self._font).height() + 6

    def _entry_width(self, e: LegendEntry) -> float:
        fm = QtGui.QFontMetricsF(self._font)
        w = fm.horizontalAdvance(e.text)
        if e.kind in ("fill", "outline", "stripe"):
            return w + 12 + (6 if e.kind == "stripe" else 0)
        if e.kind in ("line", "volume"):
            return _LINE_W + 4 + w
        return w

    def _row_width(self, r: LegendRow) -> float:
        w = QtGui.QFontMetricsF(self._bold).horizontalAdvance(r.label)
        return w + sum(_GAP + self._entry_width(e) for e in r.entries)

    def relayout(self) -> None:
        """Flow the rows into lines as wide as the view, and keep that much room below the graph."""
        view = self.view
        if not self.rows:
            self.hide()
            if view.viewportMargins().bottom():
                view.setViewportMargins(0, 0, 0, 0)
            return
        frame = view.frameWidth()
        vbar = view.verticalScrollBar()
        width = view.width() - 2 * frame - (vbar.width() if vbar.isVisible() else 0)
        lines: list[list[tuple[LegendRow, float]]] = [[]]
        x = _PAD
        for r in self.rows:
            w = self._row_width(r)
            if lines[-1] and x + w > width - _PAD:
                lines.append([])
                x = _PAD
            lines[-1].append((r, x))
            x += w + 3 * _GAP
        self._lines = lines
        height = int(len(lines) * self._line_height() + 2 * _PAD - 2)
        if view.viewportMargins().bottom() != height:
            view.setViewportMargins(0, 0, 0, height)
        hbar = view.horizontalScrollBar()
        bottom = view.height() - frame - (hbar.height() if hbar.isVisible() else 0)
        rect = QtCore.QRect(frame, bottom - height, max(1, width), height)
        if self.geometry() != rect:
            self.setGeometry(rect)
        self.show()
        self.raise_()
        self.update()

    def eventFilter(self, watched: QtCore.QObject, event: QtCore.QEvent) -> bool:
        if event.type() == QtCore.QEvent.Type.Resize and self.rows:
            self.relayout()
        return False

    # ------------------------------------------------------------------ painting
    def paintEvent(self, event: QtGui.QPaintEvent) -> None:
        p = QtGui.QPainter(self)
        p.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), QtGui.QColor("#f1f3f5"))
        p.setPen(QtGui.QColor("#ced4da"))
        p.drawLine(0, 0, self.width(), 0)
        lh = self._line_height()
        fm = QtGui.QFontMetricsF(self._font)
        bold = QtGui.QFontMetricsF(self._bold)
        y = _PAD
        for line in self._lines:
            base = y + (lh - 6 - fm.height()) / 2 + fm.ascent() + 2
            for r, x in line:
                p.setFont(self._bold)
                p.setPen(C_TEXT)
                p.drawText(QtCore.QPointF(x, base), r.label)
                x += bold.horizontalAdvance(r.label) + _GAP
                p.setFont(self._font)
                for e in r.entries:
                    box = QtCore.QRectF(x, y + 1, self._entry_width(e), lh - 4)
                    self._paint_entry(p, e, box, base)
                    x += box.width() + _GAP
            y += lh
        p.end()

    def _paint_entry(self, p: QtGui.QPainter, e: LegendEntry, box: QtCore.QRectF, base: float) -> None:
        text_at = QtCore.QPointF(box.left() + 6, base)
        if e.kind in ("fill", "outline", "stripe"):
            if e.kind == "outline":
                p.setPen(QtGui.QPen(e.colour, 2.2))
                p.setBrush(QtGui.QColor("#ffa8a8"))
            else:
                p.setPen(QtGui.QPen(C_BORDER, 1))
                p.setBrush(e.colour if e.kind == "fill" else C_TASK)
            p.drawRoundedRect(box.adjusted(1, 1, -1, -1), 3, 3)
            if e.kind == "stripe":
                p.setPen(QtCore.Qt.PenStyle.NoPen)
                p.setBrush(e.colour)
                p.drawRoundedRect(QtCore.QRectF(box.left() + 3, box.top() + 3, 4, box.height() - 6), 1, 1)
                text_at = QtCore.QPointF(box.left() + 11, base)
        elif e.kind == "line":
            mid = box.center().y()
            p.setPen(QtGui.QPen(e.colour, e.width))
            p.drawLine(QtCore.QPointF(box.left(), mid), QtCore.QPointF(box.left() + _LINE_W, mid))
            text_at = QtCore.QPointF(box.left() + _LINE_W + 4, base)
        elif e.kind == "volume":
            # thin and faint for little data, wide and opaque for the most
            mid = box.center().y()
            for k, (w, a) in enumerate(((1.2, 90), (e.width, 255))):
                c = QtGui.QColor(e.colour)
                c.setAlpha(a)
                p.setPen(QtGui.QPen(c, w, QtCore.Qt.PenStyle.SolidLine, QtCore.Qt.PenCapStyle.FlatCap))
                x0 = box.left() + k * _LINE_W / 2
                p.drawLine(QtCore.QPointF(x0, mid), QtCore.QPointF(x0 + _LINE_W / 2 - 2, mid))
            text_at = QtCore.QPointF(box.left() + _LINE_W + 4, base)
        else:
            text_at = QtCore.QPointF(box.left(), base)
        p.setPen(C_TEXT)
        p.drawText(text_at, e.text)
