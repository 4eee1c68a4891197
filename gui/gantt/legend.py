"""The legend beside a Gantt chart: colour swatches with names."""

from __future__ import annotations

import re

from PySide6 import QtCore, QtGui, QtWidgets

__all__ = ["KEY_LINES", "Legend", "fitted", "hidden_count"]

#: the lines at the end of a legend that explain a look rather than name a colour's owner
KEY_LINES = frozenset(("transfer", "critical path"))

#: a legend line that stands for further names not listed (``"… 9,986 more"``)
_MORE = re.compile(r"^… ([\d,]+) more$")


def hidden_count(texts: list[str]) -> int:
    """How many names the legend lines ``texts`` stand for: one each, N for ``"… N more"``,
    none for a key line (:data:`KEY_LINES`).

    Examples
    --------
    >>> hidden_count(["t7", "… 9,986 more", "transfer"])
    9987
    """
    n = 0
    for t in texts:
        if t in KEY_LINES:
            continue
        m = _MORE.match(t)
        n += int(m.group(1).replace(",", "")) if m else 1
    return n


def fitted(entries: list[tuple[QtGui.QColor, str]], fits: int) -> list[tuple[QtGui.QColor | None, str]]:
    """The legend lines to draw when ``fits`` lines fit: all of ``entries`` if they fit.

    Otherwise the keys at the end (transfer, critical path) stay, the names before them
    are cut, and one line without a swatch (colour ``None``) sums up what was cut,
    counting what a cut ``"… N more"`` line stood for, so the total is never lost.
    """
    if len(entries) <= fits:
        return list(entries)
    if fits <= 0:
        return []
    keys = 0
    while keys < len(entries) and entries[len(entries) - 1 - keys][1] in KEY_LINES:
        keys += 1
    keys = min(keys, fits - 1)
    names, tail = entries[: len(entries) - keys], entries[len(entries) - keys:]
    shown = fits - 1 - keys
    more = hidden_count([t for _c, t in names[shown:]])
    return [*names[:shown], (None, f"… {more:,} more"), *tail]


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
        for colour, text in fitted(self.entries, fits):
            if colour is None:
                p.setPen(QtGui.QColor("#555555"))
                p.drawText(QtCore.QPointF(8, y + fm.ascent()), text)
            else:
                p.setPen(QtGui.QPen(QtGui.QColor(30, 30, 30, 150), 0))
                p.setBrush(colour)
                p.drawRect(QtCore.QRectF(8, y + 2, 12, fm.height() - 4))
                p.setPen(QtGui.QColor("#222222"))
                p.drawText(QtCore.QPointF(26, y + fm.ascent()), text)
            y += lh
