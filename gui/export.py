"""Pictures of Gantt charts and of the graph editor: PNG, SVG and PDF, with no window.

PNG renders the scene with ``QPainter`` into a ``QImage`` ``scale`` times the chart's
size, SVG goes through ``QSvgGenerator`` and PDF through ``QPdfWriter`` (pyqtgraph's own
SVG exporter does not work with recent PySide6). Every file is written through a memory
buffer and :func:`model.formats.atomic_write`, so a failure never leaves half a file.

Works headless: when no Qt platform is chosen and no display exists, the ``offscreen``
platform is selected before the ``QApplication`` is created.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from model.graph import GraphError
from model.schedule import Schedule

__all__ = ["default_title", "ensure_app", "export_scene_image", "export_schedule_image"]

FORMATS = (".png", ".svg", ".pdf")
WIDTH = 1200


def ensure_app():
    """The running ``QApplication``, created (headless if need be) when there is none."""
    if (
        "QT_QPA_PLATFORM" not in os.environ
        and "PySide6.QtWidgets" not in sys.modules
        and not os.environ.get("DISPLAY")
        and not os.environ.get("WAYLAND_DISPLAY")
        and sys.platform.startswith("linux")
    ):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")
    from PySide6 import QtWidgets

    app = QtWidgets.QApplication.instance()
    if app is None:
        if (
            "QT_QPA_PLATFORM" not in os.environ
            and not os.environ.get("DISPLAY")
            and not os.environ.get("WAYLAND_DISPLAY")
            and sys.platform.startswith("linux")
        ):
            os.environ["QT_QPA_PLATFORM"] = "offscreen"
        app = QtWidgets.QApplication(sys.argv[:1])
    return app


def _quiet_offscreen(mode, context, message) -> None:
    """Drop the offscreen platform's notice about size hints; pass everything else on."""
    if "propagateSizeHints" in message:
        return
    sys.stderr.write(message + "\n")


def _check_path(path: str | os.PathLike[str]) -> tuple[Path, str]:
    from gui.report.canvas import check_output

    return check_output(path, FORMATS, action="export to")


def default_title(schedules: list[Schedule], graph=None) -> str:
    """``graph name — algorithm: makespan`` (one part per schedule)."""
    name = None
    if graph is not None:
        name = graph.name
    else:
        for s in schedules:
            if s.meta.get("graph"):
                name = str(s.meta["graph"])
                break
    parts = [f"{s.meta.get('label') or s.algorithm}: makespan {s.makespan:.6g}" for s in schedules]
    head = f"{name} — " if name else ""
    return head + " · ".join(parts)


def _render(paint, src_w: float, src_h: float, path: Path, ext: str, scale: float, title: str) -> None:
    """Call ``paint(painter, target_rect)`` on the device chosen by ``ext`` and write ``path``."""
    from PySide6 import QtCore, QtGui

    from gui.report.canvas import pdf_device, png_image, svg_device
    from model.formats import atomic_write

    buf = QtCore.QByteArray()
    dev = QtCore.QBuffer(buf)
    dev.open(QtCore.QIODevice.OpenModeFlag.WriteOnly)
    painter = QtGui.QPainter()
    if ext == ".png":
        img = png_image(src_w, src_h, scale, QtGui.QImage.Format.Format_ARGB32)
        painter.begin(img)
        painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, True)
        painter.setRenderHint(QtGui.QPainter.RenderHint.TextAntialiasing, True)
        paint(painter, QtCore.QRectF(0, 0, img.width(), img.height()))
        painter.end()
        if not img.save(dev, "PNG"):  # type: ignore[call-overload]  # the stubs say bytes; PySide6 takes str
            raise GraphError(f"cannot encode PNG for {str(path)!r}")
    elif ext == ".svg":
        gen = svg_device(dev, src_w, src_h, title, "TaskMapper export")
        if not painter.begin(gen):
            raise GraphError(f"cannot start SVG output for {str(path)!r}")
        painter.fillRect(QtCore.QRectF(0, 0, src_w, src_h), QtGui.QColor("white"))
        paint(painter, QtCore.QRectF(0, 0, src_w, src_h))
        painter.end()
    else:
        # one page the chart's size: text and bars stay vectors at any zoom
        writer = pdf_device(dev, src_w, src_h, title, "chart")
        if not painter.begin(writer):
            raise GraphError(f"cannot start PDF output for {str(path)!r}")
        vp = painter.viewport()
        target = QtCore.QRectF(0, 0, vp.width(), vp.height())
        paint(painter, target)
        painter.end()
    dev.close()
    atomic_write(path, bytes(buf.data()))


def export_schedule_image(
    schedule: Schedule | None,
    path: str | os.PathLike[str],
    *,
    graph=None,
    scale: float = 2.0,
    title: str | None = None,
    schedules: list[Schedule] | None = None,
    colour_mode: str = "task",
    show_critical: bool = False,
    show_dependencies: bool = False,
    show_transfers: bool = False,
) -> None:
    """Write the Gantt chart of ``schedule`` (or of ``schedules`` stacked) to ``path``.

    The format follows the extension (``.png``, ``.svg``, ``.pdf``). The picture holds
    a title (graph name, algorithm, makespan unless ``title`` is given), the worker
    lanes, the time axis and the legend. ``scale`` multiplies the PNG's pixel size.

    Raises
    ------
    GraphError
        Unknown extension, missing folder, or a file that cannot be written.
    """
    p, ext = _check_path(path)
    scheds = list(schedules) if schedules else ([] if schedule is None else [schedule])
    if not scheds:
        raise GraphError("nothing to export: no schedule")
    ensure_app()
    from PySide6 import QtCore, QtWidgets

    from gui.gantt import GanttView

    previous = QtCore.qInstallMessageHandler(_quiet_offscreen)
    view = GanttView()
    try:
        view.setAttribute(QtCore.Qt.WidgetAttribute.WA_DontShowOnScreen, True)
        view.set_colour_mode(colour_mode)
        view.set_show_transfers(show_transfers)
        view.set_schedules(scheds, graph)
        view.set_show_critical(show_critical)
        view.set_show_dependencies(show_dependencies)
        text = title if title is not None else default_title(scheds, graph)
        view.plot_item.setTitle(text, color="#111111", size="13pt")
        lanes = max(1, len(view.lanes))
        lane_px = 44 if lanes <= 12 else max(14, 528 // lanes * 2)
        chart = min(lanes, 80) * lane_px + 0.5 * (len(scheds) - 1) * lane_px
        # room for the whole legend (the chart's title, axis and the widget's own controls
        # take about 80 px besides), up to a long page; a longer one ends in "... and N more"
        legend = min(view.legend.preferredHeight(), 900.0)
        view.resize(WIDTH, round(110 + max(chart, legend + 80, 120)))
        view.show()
        QtWidgets.QApplication.processEvents()
        view.fit()
        QtWidgets.QApplication.processEvents()
        item = view.plot_item
        scene = item.scene()
        src = item.sceneBoundingRect()

        def paint(painter, target) -> None:
            scene.render(painter, target, src)

        _render(paint, src.width(), src.height(), p, ext, scale, text)
    finally:
        view.close()
        view.deleteLater()
        QtCore.qInstallMessageHandler(previous)


def export_scene_image(
    scene,
    path: str | os.PathLike[str],
    *,
    scale: float = 2.0,
    title: str | None = None,
    margin: float = 20.0,
) -> None:
    """Write everything drawn in a ``QGraphicsScene`` (the graph editor) to ``path``.

    ``title`` is drawn above the picture. Format by extension, as for
    :func:`export_schedule_image`.
    """
    p, ext = _check_path(path)
    ensure_app()
    from PySide6 import QtCore, QtGui

    src = scene.itemsBoundingRect().adjusted(-margin, -margin, margin, margin)
    if src.isEmpty():
        src = QtCore.QRectF(0, 0, 200, 100)
    font = QtGui.QFont()
    font.setPointSizeF(13)
    font.setBold(True)
    title_h = QtGui.QFontMetricsF(font).height() * 1.8 if title else 0.0
    w, h = src.width(), src.height() + title_h

    def paint(painter, target) -> None:
        k = target.width() / w
        painter.fillRect(target, QtGui.QColor("white"))
        if title:
            painter.save()
            painter.scale(k, k)
            painter.setFont(font)
            painter.setPen(QtGui.QColor("#111111"))
            painter.drawText(QtCore.QRectF(0, 0, w, title_h), QtCore.Qt.AlignmentFlag.AlignCenter, title)
            painter.restore()
        body = QtCore.QRectF(target.left(), target.top() + title_h * k, target.width(), src.height() * k)
        scene.render(painter, body, src)

    _render(paint, w, h, p, ext, scale, title or "graph")
