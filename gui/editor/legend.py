"""The legend in the graph editor's corner: what the colours, outlines, stripes and edge widths mean."""

from __future__ import annotations

from PySide6 import QtCore, QtGui, QtWidgets

from .looks import LegendEntry

__all__ = ["EditorLegend"]

_PAD = 6.0
_SWATCH_W = 22.0


class EditorLegend(QtWidgets.QWidget):
    """A small translucent box over the editor's bottom left corner.

    It lets mouse events through to the graph, and hides itself when it has nothing to say.
    """

    def __init__(self, parent: QtWidgets.QWidget) -> None:
        super().__init__(parent)
        self.setAttribute(QtCore.Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
        self.heading = ""
        self.entries: list[LegendEntry] = []
        self._font = QtGui.QFont(self.font())
        self._font.setPointSizeF(max(7.0, self._font.pointSizeF() * 0.85))
        parent.installEventFilter(self)
        self.hide()

    def set_entries(self, heading: str, entries: list[LegendEntry]) -> None:
        """Show ``heading`` and ``entries`` (nothing: hidden)."""
        self.heading, self.entries = heading, list(entries)
        if not self.entries:
            self.hide()
            return
        fm = QtGui.QFontMetricsF(self._font)
        bold = QtGui.QFont(self._font)
        bold.setBold(True)
        widths = [QtGui.QFontMetricsF(bold).horizontalAdvance(heading)]
        widths += [_SWATCH_W + 6 + fm.horizontalAdvance(e.text) for e in self.entries]
        lines = len(self.entries) + (1 if heading else 0)
        self.resize(int(max(widths) + 2 * _PAD + 2), int(lines * (fm.height() + 3) + 2 * _PAD))
        self._place()
        self.show()
        self.raise_()
        self.update()

    def texts(self) -> list[str]:
        """The lines shown (for tests and tooltips)."""
        return [e.text for e in self.entries]

    def _place(self) -> None:
        parent = self.parentWidget()
        if parent is not None:
            self.move(8, max(0, parent.height() - self.height() - 8))

    def eventFilter(self, watched: QtCore.QObject, event: QtCore.QEvent) -> bool:
        if event.type() == QtCore.QEvent.Type.Resize:
            self._place()
        return False

    def paintEvent(self, event: QtGui.QPaintEvent) -> None:
        p = QtGui.QPainter(self)
        p.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
        p.setPen(QtGui.QPen(QtGui.QColor(120, 130, 140, 160), 1))
        p.setBrush(QtGui.QColor(255, 255, 255, 228))
        p.drawRoundedRect(QtCore.QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5), 5, 5)
        fm = QtGui.QFontMetricsF(self._font)
        lh = fm.height() + 3
        y = _PAD
        if self.heading:
            bold = QtGui.QFont(self._font)
            bold.setBold(True)
            p.setFont(bold)
            p.setPen(QtGui.QColor("#1b2733"))
            p.drawText(QtCore.QPointF(_PAD, y + fm.ascent()), self.heading)
            y += lh
        p.setFont(self._font)
        for e in self.entries:
            box = QtCore.QRectF(_PAD, y + 2, _SWATCH_W, fm.height() - 3)
            self._swatch(p, e, box)
            p.setPen(QtGui.QColor("#1b2733"))
            x = _PAD if e.kind == "text" else _PAD + _SWATCH_W + 6
            p.drawText(QtCore.QPointF(x, y + fm.ascent()), e.text)
            y += lh
        p.end()

    @staticmethod
    def _swatch(p: QtGui.QPainter, e: LegendEntry, box: QtCore.QRectF) -> None:
        if e.kind == "fill":
            p.setPen(QtGui.QPen(QtGui.QColor("#2f5d8a"), 1))
            p.setBrush(e.colour)
            p.drawRoundedRect(box, 3, 3)
        elif e.kind == "outline":
            p.setPen(QtGui.QPen(e.colour, 2.5))
            p.setBrush(QtGui.QColor("#ffa8a8"))
            p.drawRoundedRect(box.adjusted(1, 1, -1, -1), 3, 3)
        elif e.kind == "stripe":
            p.setPen(QtGui.QPen(QtGui.QColor("#2f5d8a"), 1))
            p.setBrush(QtGui.QColor("#dce9f7"))
            p.drawRoundedRect(box, 3, 3)
            p.setPen(QtCore.Qt.PenStyle.NoPen)
            p.setBrush(e.colour)
            p.drawRoundedRect(QtCore.QRectF(box.left() + 2, box.top() + 2, 4, box.height() - 4), 1, 1)
        elif e.kind == "volume":
            # thin and faint for little data, wide and opaque for the most
            mid = box.center().y()
            for k, (w, a) in enumerate(((1.2, 90), (e.width, 255))):
                c = QtGui.QColor(e.colour)
                c.setAlpha(a)
                p.setPen(QtGui.QPen(c, w, QtCore.Qt.PenStyle.SolidLine, QtCore.Qt.PenCapStyle.FlatCap))
                x0 = box.left() + k * box.width() / 2
                p.drawLine(QtCore.QPointF(x0, mid), QtCore.QPointF(x0 + box.width() / 2 - 2, mid))
        elif e.kind == "line":
            mid = box.center().y()
            p.setPen(QtGui.QPen(e.colour, e.width))
            p.drawLine(QtCore.QPointF(box.left(), mid), QtCore.QPointF(box.right(), mid))
