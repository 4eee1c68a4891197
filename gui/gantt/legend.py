"""The legend beside a Gantt chart: colour swatches with names."""

from __future__ import annotations

from PySide6 import QtCore, QtGui, QtWidgets

__all__ = ["Legend"]


class Legend(QtWidgets.QGraphicsWidget):
    """Colour swatches with names, laid out in a column beside the plot."""

    def __init__(self) -> None:
        super().__init__()
        self.entries: list[tuple[QtGui.QColor, str]] = []
        self.heading = ""
        self._font = QtGui.QFont()
        self._font.setPointSizeF(max(7.0, self._font.pointSizeF() * 0.9))

    def set_entries(self, heading: str, entries: list[tuple[QtGui.QColor, str]]) -> None:
        self.heading = heading
        self.entries = entries
        fm = QtGui.QFontMetricsF(self._font)
        texts = [heading, *[e[1] for e in entries]]
        w = max((fm.horizontalAdvance(t) for t in texts), default=0) + 30
        h = (len(entries) + 1) * (fm.height() + 3) + 8
        # a long legend must not force the chart (and the window) taller: it shows what fits
        self.setMinimumSize(w, min(h, 3 * (fm.height() + 3) + 8))
        self.setPreferredSize(w, h)
        self.setMaximumWidth(w)
        self.updateGeometry()
        self.update()

    def paint(self, p: QtGui.QPainter, opt: object, widget: object = None) -> None:
        fm = QtGui.QFontMetricsF(self._font)
        p.setFont(self._font)
        lh = fm.height() + 3
        y = 4.0
        p.setPen(QtGui.QColor("#222222"))
        bold = QtGui.QFont(self._font)
        bold.setBold(True)
        p.setFont(bold)
        p.drawText(QtCore.QPointF(8, y + fm.ascent()), self.heading)
        p.setFont(self._font)
        y += lh
        fits = max(0, int((self.size().height() - y - 4) // lh))
        entries = self.entries
        more = 0
        if len(entries) > fits:
            more = len(entries) - max(0, fits - 1)
            entries = entries[: max(0, fits - 1)]
        for colour, text in entries:
            p.setPen(QtGui.QPen(QtGui.QColor(30, 30, 30, 150), 0))
            p.setBrush(colour)
            p.drawRect(QtCore.QRectF(8, y + 2, 12, fm.height() - 4))
            p.setPen(QtGui.QColor("#222222"))
            p.drawText(QtCore.QPointF(26, y + fm.ascent()), text)
            y += lh
        if more:
            p.setPen(QtGui.QColor("#555555"))
            p.drawText(QtCore.QPointF(8, y + fm.ascent()), f"… {more} more lines")
