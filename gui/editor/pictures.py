"""Pictures of a drawing kept between frames, one per zoom level.

A big graph's overview and its plain edges zoomed in (the scene's background) cost tens of
milliseconds to draw; a :class:`PictureCache` draws them once into a pixmap at the zoom of
the view and lays that pixmap again on the next frames. A pan reuses the part of the last
picture still in view and draws only the strips coming in; zooming back to one of the last
few levels finds its picture. A change of the drawing either drops every picture
(:meth:`PictureCache.clear`) or redraws its rectangle of the latest one
(:meth:`PictureCache.dirty`).

While a zoom goes on (the wheel turning), a frame at a zoom never drawn may be laid as a
*preview* (``paint(..., preview=True)``): the latest picture scaled to the new zoom, with
what it does not cover drawn exactly. Such a picture is provisional: :meth:`PictureCache.settle`
drops every provisional picture, and the caller draws the view again then, exactly (the
editor does it when the wheel has rested for ``ZOOM_REST_MS``).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6 import QtCore, QtGui

__all__ = ["PictureCache"]

#: a preview is scaled from an exact picture of a zoom up to this ratio away, when there is one
PREVIEW_RATIO = 1.5

#: draws the scene rectangle given on the painter (its transform and clip already set)
Draw = Callable[[QtGui.QPainter, QtCore.QRectF], None]


@dataclass
class _Picture:
    """The drawing at one zoom: ``rect`` in pixels of that zoom (scene coordinates times the
    scale), ``dirty`` the part of it to draw again before its next use."""

    sx: float
    sy: float
    dpr: float
    rect: QtCore.QRect
    image: QtGui.QPixmap
    dirty: QtCore.QRectF | None = None
    #: things added on top since it was drawn (their pixels and how to draw them), drawn
    #: over it before its next use
    added: list[tuple[QtCore.QRect, Draw]] = field(default_factory=list)
    #: laid from a picture of another zoom, scaled (a preview): dropped by settle
    provisional: bool = False

    def same_zoom(self, sx: float, sy: float, dpr: float) -> bool:
        return abs(sx - self.sx) <= 1e-9 * abs(sx) and abs(sy - self.sy) <= 1e-9 * abs(sy) and dpr == self.dpr


def _outward(r: QtCore.QRectF) -> QtCore.QRect:
    """The smallest rectangle of whole pixels holding ``r``."""
    x0, y0 = math.floor(r.left()), math.floor(r.top())
    return QtCore.QRect(x0, y0, math.ceil(r.right()) - x0, math.ceil(r.bottom()) - y0)


def _minus(a: QtCore.QRect, b: QtCore.QRect) -> list[QtCore.QRect]:
    """``a`` without ``b`` (``b`` inside ``a``), as up to four rectangles: the bands above
    and below ``b``, then the parts left and right of it."""
    out = []
    if b.top() > a.top():
        out.append(QtCore.QRect(a.left(), a.top(), a.width(), b.top() - a.top()))
    if b.bottom() < a.bottom():
        out.append(QtCore.QRect(a.left(), b.bottom() + 1, a.width(), a.bottom() - b.bottom()))
    if b.left() > a.left():
        out.append(QtCore.QRect(a.left(), b.top(), b.left() - a.left(), b.height()))
    if b.right() < a.right():
        out.append(QtCore.QRect(b.right() + 1, b.top(), a.right() - b.right(), b.height()))
    return out


class PictureCache:
    """Pictures of a drawing at the last ``levels`` zoom levels.

    Each picture holds the view and ``margin`` (a share of the view) around it, within
    ``bounds`` when given; ``opaque`` drawings (a background) are not cleared first.
    """

    def __init__(self, levels: int, margin: float, *, opaque: bool = False) -> None:
        self.levels = levels
        self.margin = margin
        self.opaque = opaque
        self._pictures: list[_Picture] = []
        #: how many rectangles were drawn into pictures, and how many frames laid one (for tests)
        self.draws = 0
        self.blits = 0
        #: how many pixels (of the zoom) were drawn into pictures in all (for tests)
        self.drawn_pixels = 0

    def __len__(self) -> int:
        return len(self._pictures)

    def clear(self) -> None:
        """Drop every picture (the drawing changed)."""
        self._pictures.clear()

    def settle(self) -> bool:
        """Drop the provisional pictures (previews scaled from another zoom); whether there
        were any (then the view is to be drawn again, exactly)."""
        kept = [p for p in self._pictures if not p.provisional]
        dropped = len(kept) < len(self._pictures)
        self._pictures[:] = kept
        return dropped

    def provisional(self) -> bool:
        """Whether some picture is a preview scaled from another zoom (see :meth:`settle`)."""
        return any(p.provisional for p in self._pictures)

    def dirty(self, rect: QtCore.QRectF) -> None:
        """What lies under the scene rectangle ``rect`` changed: it is drawn again in the
        latest picture before its next use; the pictures of other zoom levels are dropped."""
        del self._pictures[1:]
        if self._pictures and not rect.isEmpty():
            p = self._pictures[0]
            r = QtCore.QRectF(rect.left() * p.sx, rect.top() * p.sy, rect.width() * p.sx, rect.height() * p.sy)
            for px, _draw in p.added:  # drawn again with the rest
                r = r.united(QtCore.QRectF(px))
            p.added.clear()
            p.dirty = r if p.dirty is None else p.dirty.united(r)

    def add(self, rect: QtCore.QRectF, draw: Draw) -> None:
        """Something new lies on top of the drawing within the scene rectangle ``rect``
        (it comes last in its order): ``draw`` draws it over the latest picture at its next
        use; the pictures of other zoom levels are dropped."""
        del self._pictures[1:]
        if not self._pictures or rect.isEmpty():
            return
        pic = self._pictures[0]
        r = QtCore.QRectF(rect.left() * pic.sx, rect.top() * pic.sy, rect.width() * pic.sx, rect.height() * pic.sy)
        if pic.dirty is not None:  # drawn again there anyway: the new part with the rest
            pic.dirty = pic.dirty.united(r)
            return
        px = _outward(r) & pic.rect
        if not px.isEmpty():
            pic.added.append((px, draw))  # drawn at the picture's next use, if it has one

    def paint(self, painter: QtGui.QPainter, exposed: QtCore.QRectF, view: QtCore.QRect,
              bounds: QtCore.QRectF | None, draw: Draw, *, preview: bool = False) -> bool:
        """Lay the picture of the painter's zoom over ``exposed`` (a scene rectangle) of a
        view ``view`` pixels wide and tall, drawing what it lacks first. False when the
        painter's transform is more than a scale and a shift (then nothing is drawn).

        With ``preview``, a zoom without a picture gets a provisional one: the latest
        picture scaled, what that does not cover drawn exactly (see :meth:`settle`)."""
        t = painter.worldTransform()
        if t.type().value > QtGui.QTransform.TransformationType.TxScale.value:
            return False
        sx, sy, dx, dy = t.m11(), t.m22(), t.dx(), t.dy()
        if sx <= 0 or sy <= 0:
            return False
        dpr = painter.device().devicePixelRatioF()
        shown = QtCore.QRectF(view).translated(-dx, -dy)  # the view, in pixels of this zoom
        need = QtCore.QRectF(exposed.left() * sx, exposed.top() * sy, exposed.width() * sx,
                             exposed.height() * sy) & shown
        if need.isEmpty():
            return True
        need_px = _outward(need)
        pic = self._picture(sx, sy, dpr, need_px, shown, bounds, draw, painter.font(), preview)
        if pic is None:
            return False
        part = need_px & pic.rect
        painter.save()
        painter.setWorldTransform(QtGui.QTransform())
        ox, oy = round(dx), round(dy)
        source = QtCore.QRectF((part.left() - pic.rect.left()) * dpr, (part.top() - pic.rect.top()) * dpr,
                               part.width() * dpr, part.height() * dpr)
        painter.drawPixmap(QtCore.QRectF(part.left() + ox, part.top() + oy, part.width(), part.height()),
                           pic.image, source)
        painter.restore()
        self.blits += 1
        return True

    def _picture(self, sx: float, sy: float, dpr: float, need: QtCore.QRect, shown: QtCore.QRectF,
                 bounds: QtCore.QRectF | None, draw: Draw, font: QtGui.QFont,
                 preview: bool = False) -> _Picture | None:
        """The picture of this zoom holding ``need`` (made now, reusing what an earlier
        picture of the zoom already holds; with ``preview`` and none of this zoom, scaled
        from the latest picture)."""
        old: _Picture | None = None
        for k, pic in enumerate(self._pictures):
            if pic.same_zoom(sx, sy, dpr):
                self._patch(pic, draw, font)
                self._pictures.insert(0, self._pictures.pop(k))  # the most recently used first
                if pic.rect.contains(need):
                    return pic
                old = pic
                break
        mx, my = shown.width() * self.margin, shown.height() * self.margin
        area_f = shown.adjusted(-mx, -my, mx, my)
        if bounds is not None:
            area_f &= QtCore.QRectF(bounds.left() * sx, bounds.top() * sy, bounds.width() * sx, bounds.height() * sy)
        area = _outward(area_f) | need if not area_f.isEmpty() else need
        image = QtGui.QPixmap(math.ceil(area.width() * dpr), math.ceil(area.height() * dpr))
        image.setDevicePixelRatio(dpr)
        if not self.opaque:
            image.fill(QtCore.Qt.GlobalColor.transparent)
        pic = _Picture(sx, sy, dpr, area, image)
        todo = [area]
        scaled_from = None
        if old is None and preview:
            scaled_from = self._scale_source(sx, dpr)
        p = QtGui.QPainter(image)
        try:
            if scaled_from is not None and (scaled_from.dirty is None or self.opaque):
                self._scale(p, pic, scaled_from, todo)
            self._fill(p, pic, old, todo, draw, font)
        finally:
            p.end()
        if pic.added:
            self._patch(pic, draw, font)
        self._pictures.insert(0, pic)
        del self._pictures[self.levels:]
        return pic

    def _fill(self, p: QtGui.QPainter, pic: _Picture, old: _Picture | None, todo: list[QtCore.QRect],
              draw: Draw, font: QtGui.QFont) -> None:
        """Draw a new picture: what ``old`` holds of it copied, the rest drawn."""
        area = pic.rect
        dpr = pic.dpr
        if old is not None:
            keep = old.rect & area
            if not keep.isEmpty():  # the part still in view: copied, not drawn again
                p.setCompositionMode(QtGui.QPainter.CompositionMode.CompositionMode_Source)
                src = QtCore.QRectF((keep.left() - old.rect.left()) * dpr, (keep.top() - old.rect.top()) * dpr,
                                    keep.width() * dpr, keep.height() * dpr)
                p.drawPixmap(QtCore.QRectF(keep.left() - area.left(), keep.top() - area.top(),
                                           keep.width(), keep.height()), old.image, src)
                p.setCompositionMode(QtGui.QPainter.CompositionMode.CompositionMode_SourceOver)
                todo[:] = _minus(area, keep)
                pic.provisional = old.provisional  # a preview panned stays one
            self._pictures.remove(old)
        for r in todo:
            self._draw(p, pic, r, draw, font)

    def _scale_source(self, sx: float, dpr: float) -> _Picture | None:
        """The picture a preview at the zoom ``sx`` is scaled from: among those within
        :data:`PREVIEW_RATIO` of it, first one zoomed out from it (scaled up, it covers the
        view: nothing left to draw), an exact one (scaled once, it stays sharper) before a
        preview; else the latest (zooming out, the one of the last step: what it does not
        cover, drawn exactly, is a thin border)."""
        same = [q for q in self._pictures if q.dpr == dpr]
        near = [q for q in same if 1 / PREVIEW_RATIO <= sx / q.sx <= PREVIEW_RATIO]
        if near:  # (min is stable: the latest first among equals)
            return min(near, key=lambda q: (q.sx > sx, q.provisional and q.sx <= sx))
        return same[0] if same else None

    def _scale(self, p: QtGui.QPainter, pic: _Picture, src: _Picture, todo: list[QtCore.QRect]) -> None:
        """Lay ``src`` (a picture of another zoom) scaled into the new ``pic``, which
        becomes provisional; ``todo`` keeps the parts of it left to draw."""
        area = pic.rect
        # what src holds, in pixels of the new zoom
        held = QtCore.QRectF(src.rect.left() / src.sx * pic.sx, src.rect.top() / src.sy * pic.sy,
                             src.rect.width() / src.sx * pic.sx, src.rect.height() / src.sy * pic.sy)
        x0, y0 = math.ceil(held.left()), math.ceil(held.top())
        inner = QtCore.QRect(x0, y0, math.floor(held.right()) - x0, math.floor(held.bottom()) - y0) & area
        if inner.isEmpty():
            return
        p.save()
        p.setRenderHint(QtGui.QPainter.RenderHint.SmoothPixmapTransform, True)
        p.setClipRect(inner.translated(-area.topLeft()))
        p.setCompositionMode(QtGui.QPainter.CompositionMode.CompositionMode_Source)
        p.drawPixmap(held.translated(-area.left(), -area.top()), src.image,
                     QtCore.QRectF(0, 0, src.image.width(), src.image.height()))
        p.restore()
        pic.provisional = True
        todo[:] = _minus(area, inner)
        if src.dirty is not None:  # changed since src was drawn: drawn exactly (over it: opaque)
            d = src.dirty
            r = QtCore.QRectF(d.left() / src.sx * pic.sx, d.top() / src.sy * pic.sy,
                              d.width() / src.sx * pic.sx, d.height() / src.sy * pic.sy)
            changed = _outward(r) & inner
            if not changed.isEmpty():
                todo.append(changed)
        # what was added over src since it was drawn: drawn over the new picture, at its zoom
        for px, draw_added in src.added:
            r = QtCore.QRectF(px.left() / src.sx * pic.sx, px.top() / src.sy * pic.sy,
                              px.width() / src.sx * pic.sx, px.height() / src.sy * pic.sy)
            moved = _outward(r) & inner
            if not moved.isEmpty():
                pic.added.append((moved, draw_added))

    def _patch(self, pic: _Picture, draw: Draw, font: QtGui.QFont) -> None:
        """Draw the picture's dirty rectangle again, and what was added over it."""
        if pic.added:
            added, pic.added = pic.added, []
            p = QtGui.QPainter(pic.image)
            try:
                for px, draw_added in added:
                    self._draw(p, pic, px, draw_added, font)
            finally:
                p.end()
        if pic.dirty is None:
            return
        r = _outward(pic.dirty) & pic.rect
        pic.dirty = None
        if r.isEmpty():
            return
        p = QtGui.QPainter(pic.image)
        try:
            if not self.opaque:
                p.setCompositionMode(QtGui.QPainter.CompositionMode.CompositionMode_Source)
                p.fillRect(QtCore.QRectF(r.translated(-pic.rect.topLeft())), QtCore.Qt.GlobalColor.transparent)
                p.setCompositionMode(QtGui.QPainter.CompositionMode.CompositionMode_SourceOver)
            self._draw(p, pic, r, draw, font)
        finally:
            p.end()

    def _draw(self, p: QtGui.QPainter, pic: _Picture, r: QtCore.QRect, draw: Draw, font: QtGui.QFont) -> None:
        """Draw the pixels ``r`` (of the zoom) into the picture."""
        p.save()
        p.setFont(font)
        p.setClipRect(r.translated(-pic.rect.topLeft()))
        p.setWorldTransform(QtGui.QTransform(pic.sx, 0, 0, pic.sy, -pic.rect.left(), -pic.rect.top()))
        draw(p, QtCore.QRectF(r.left() / pic.sx, r.top() / pic.sy, r.width() / pic.sx, r.height() / pic.sy))
        p.restore()
        self.draws += 1
        self.drawn_pixels += r.width() * r.height()
