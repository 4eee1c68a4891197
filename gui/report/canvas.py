"""Painting a picture onto PNG, SVG or PDF bytes, headless.

A picture is a function ``paint(painter, width, height)`` drawing in logical pixels
``0..width × 0..height``; :func:`picture_bytes` runs it on a ``QImage`` (PNG, ``scale``
device pixels per logical pixel), a ``QSvgGenerator`` or a one-page ``QPdfWriter``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from model.graph import GraphError

__all__ = ["FORMATS", "Paint", "check_output", "pdf_device", "picture_bytes", "png_image", "svg_device", "write_picture"]

FORMATS = (".png", ".svg", ".pdf")

Paint = Callable[..., None]


def check_output(path: str | os.PathLike[str], formats: tuple[str, ...] = FORMATS, *,
                 action: str = "write") -> tuple[Path, str]:
    """``(path, extension)`` once the extension is one of ``formats`` and the folder exists
    (a wrong extension is ``cannot ACTION 'path': ...``).

    Raises
    ------
    GraphError
        Otherwise, naming the problem.
    """
    p = Path(path)
    ext = p.suffix.lower()
    if ext not in formats:
        raise GraphError(f"cannot {action} {str(p)!r}: the name must end in {', '.join(formats[:-1])} or {formats[-1]}")
    folder = p.parent if str(p.parent) else Path(".")
    if not folder.is_dir():
        raise GraphError(f"cannot write {str(p)!r}: folder {str(folder)!r} does not exist")
    return p, ext


#: the most pixels a PNG gets (256 MB as ARGB32); a bigger picture is drawn at a lower scale
MAX_PNG_PIXELS = 64_000_000
#: the longest side a PNG gets (Qt's raster painter works in 16-bit device coordinates)
MAX_PNG_SIDE = 32_000


def png_scale(width: float, height: float, scale: float) -> float:
    """``scale``, lowered when needed so the picture stays within :data:`MAX_PNG_PIXELS` and :data:`MAX_PNG_SIDE`.

    A 10,000-task graph seen whole spans tens of thousands of scene units: at scale 2 its
    picture would be about 45,000 × 24,000 pixels (4 GB), which no PNG viewer opens; SVG and
    PDF keep every detail at any size.
    """
    w, h = max(width, 1.0), max(height, 1.0)
    return min(scale, (MAX_PNG_PIXELS / (w * h)) ** 0.5, MAX_PNG_SIDE / w, MAX_PNG_SIDE / h)


def png_image(width: float, height: float, scale: float, image_format=None):
    """A white ``QImage`` of ``width × height`` logical pixels at ``scale`` device pixels each (0 < scale ≤ 16).

    The scale is lowered for pictures beyond :data:`MAX_PNG_PIXELS` (see :func:`png_scale`).
    """
    from PySide6 import QtGui

    if not (0 < scale <= 16):
        raise GraphError(f"scale must be between 0 and 16, got {scale!r}")
    scale = png_scale(width, height, scale)
    img = QtGui.QImage(max(1, round(width * scale)), max(1, round(height * scale)),
                       image_format if image_format is not None else QtGui.QImage.Format.Format_RGB32)
    img.fill(QtGui.QColor("white"))
    return img


def svg_device(dev, width: float, height: float, title: str, description: str = "TaskMapper"):
    """A ``QSvgGenerator`` writing to ``dev``, its view box ``width × height`` logical pixels at 96 dpi."""
    from PySide6 import QtCore, QtSvg

    gen = QtSvg.QSvgGenerator()
    gen.setOutputDevice(dev)
    gen.setSize(QtCore.QSize(round(width), round(height)))
    gen.setViewBox(QtCore.QRectF(0, 0, width, height))
    gen.setResolution(96)
    gen.setTitle(title)
    gen.setDescription(description)
    return gen


def pdf_device(dev, width: float, height: float, title: str, page: str = "picture"):
    """A ``QPdfWriter`` on ``dev``: one page ``width × height`` screen pixels, no margins."""
    from PySide6 import QtCore, QtGui

    writer = QtGui.QPdfWriter(dev)
    # 96 dpi: one device unit per screen pixel, so point-sized fonts keep their size
    writer.setResolution(96)
    writer.setTitle(title)
    writer.setCreator("TaskMapper")
    size_pt = QtCore.QSizeF(width * 72 / 96, height * 72 / 96)
    writer.setPageSize(QtGui.QPageSize(size_pt, QtGui.QPageSize.Unit.Point, page))
    writer.setPageMargins(QtCore.QMarginsF(0, 0, 0, 0))
    return writer


def picture_bytes(paint: Paint, width: float, height: float, ext: str = ".png", *, scale: float = 2.0,
                  title: str = "TaskMapper") -> bytes:
    """The encoded picture (``ext`` one of ``.png``, ``.svg``, ``.pdf``)."""
    from gui.export import ensure_app

    ensure_app()
    from PySide6 import QtCore, QtGui

    buf = QtCore.QByteArray()
    dev = QtCore.QBuffer(buf)
    dev.open(QtCore.QIODevice.OpenModeFlag.WriteOnly)
    painter = QtGui.QPainter()
    if ext == ".png":
        img = png_image(width, height, scale)
        painter.begin(img)
        painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, True)
        painter.setRenderHint(QtGui.QPainter.RenderHint.TextAntialiasing, True)
        painter.scale(img.width() / width, img.height() / height)
        paint(painter, width, height)
        painter.end()
        if not img.save(dev, "PNG"):
            raise GraphError("cannot encode the PNG picture")
    elif ext == ".svg":
        gen = svg_device(dev, width, height, title)
        if not painter.begin(gen):
            raise GraphError("cannot start the SVG picture")
        painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, True)
        painter.fillRect(QtCore.QRectF(0, 0, width, height), QtGui.QColor("white"))
        paint(painter, width, height)
        painter.end()
    elif ext == ".pdf":
        writer = pdf_device(dev, width, height, title)
        if not painter.begin(writer):
            raise GraphError("cannot start the PDF picture")
        painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, True)
        vp = painter.viewport()
        painter.scale(vp.width() / width, vp.height() / height)
        paint(painter, width, height)
        painter.end()
    else:
        raise GraphError(f"unknown picture format {ext!r}")
    dev.close()
    return bytes(buf.data())


def write_picture(paint: Paint, width: float, height: float, path: str | os.PathLike[str], *,
                  scale: float = 2.0, title: str = "TaskMapper") -> None:
    """Write the picture to ``path`` (format by extension) atomically."""
    from model.formats import atomic_write

    p, ext = check_output(path)
    atomic_write(p, picture_bytes(paint, width, height, ext, scale=scale, title=title))
