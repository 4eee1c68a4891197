"""A picture of a task graph drawn with ``QPainter``, for reports.

Tasks are boxes (id above, cost below) tinted by topological level, edges are arrows
labelled with their data volume, and the critical path is drawn in red. Positions are
the editor's (every task's ``x`` and ``y``) when the file has them, else the layered
drawing of :func:`model.layout.layered_layout` with its bends. Large graphs are scaled
down to fit a page; when their boxes would be too small to read, tasks become dots and
labels are left out.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from typing import Any

from model.graph import TaskGraph
from model.layout import layered_layout, task_width

from .canvas import Paint

__all__ = ["graph_picture", "positions_of"]

TASK_H = 42.0
CRITICAL = "#d62728"
LEVEL_TINTS = ["#dbe7f3", "#fde3c8", "#dcefd8", "#f8d7d8", "#e3f1f0", "#fbf0c9", "#eadcea", "#ffe4e8"]
MAX_W, MAX_H = 1100.0, 1500.0
#: below this drawing scale, boxes become dots
MIN_READABLE = 0.45


def positions_of(graph: TaskGraph) -> tuple[dict[str, tuple[float, float]], dict[tuple[str, str], list[tuple[float, float]]]]:
    """Task centres and edge bends: the editor's positions when every task has them, else a layered layout."""
    pos: dict[str, tuple[float, float]] = {}
    for t in graph.tasks:
        a = graph.task_attrs(t)
        x, y = a.get("x"), a.get("y")
        if not all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in (x, y)):
            break
        pos[t] = (float(x), float(y))  # type: ignore[arg-type]  # both checked to be finite numbers
    else:
        if len(set(pos.values())) == len(pos):  # a file with every task at (0, 0) has no layout
            return pos, {}
    lay = layered_layout(graph)
    return dict(lay.positions), {k: list(v) for k, v in lay.routes.items()}


def _cost_text(graph: TaskGraph, t: str) -> str:
    costs = graph.costs(t)
    if costs is None:
        return f"{graph.cost(t):g}"
    if len(costs) <= 3:
        return " | ".join(f"{c:g}" for c in costs)
    return f"≈ {graph.cost(t):.4g}"


def _border_point(cx: float, cy: float, hw: float, hh: float, tx: float, ty: float) -> tuple[float, float]:
    """Where the segment from the box centre ``(cx, cy)`` towards ``(tx, ty)`` leaves the box."""
    dx, dy = tx - cx, ty - cy
    if dx == 0 and dy == 0:
        return cx, cy
    k = min(hw / abs(dx) if dx else math.inf, hh / abs(dy) if dy else math.inf)
    return cx + dx * k, cy + dy * k


def graph_picture(graph: TaskGraph, *, critical_path: Sequence[str] = (), title: str | None = None,
                  max_width: float = MAX_W, max_height: float = MAX_H) -> tuple[Paint, float, float]:
    """``(paint, width, height)`` of a drawing of ``graph`` (see the module docstring)."""
    from model.analysis import level_of

    pos, routes = positions_of(graph)
    levels = level_of(graph) if len(graph) else {}
    crit_tasks = set(critical_path)
    crit_edges = set(itertools.pairwise(critical_path))
    tasks = graph.tasks
    if tasks:
        xs0 = [pos[t][0] - task_width(t) / 2 for t in tasks]
        xs1 = [pos[t][0] + task_width(t) / 2 for t in tasks]
        ys0 = [pos[t][1] - TASK_H / 2 for t in tasks]
        ys1 = [pos[t][1] + TASK_H / 2 for t in tasks]
        bx0, bx1, by0, by1 = min(xs0), max(xs1), min(ys0), max(ys1)
    else:
        bx0, bx1, by0, by1 = 0.0, 200.0, 0.0, 60.0
    margin = 24.0
    title_h = 34.0 if title else 0.0
    legend_h = 26.0
    bw, bh = bx1 - bx0 + 2 * margin, by1 - by0 + 2 * margin
    k = min(1.0, max_width / bw, (max_height - title_h - legend_h) / bh)
    readable = k >= MIN_READABLE
    parts = [("box: task and its cost" + (" on each worker" if graph.is_unrelated() else "")) if readable
             else f"dot: task ({len(tasks)} tasks; names and data left out at this size)"]
    if readable:
        parts.append("arrow label: data sent")
    parts.append("tint: level")
    if critical_path:
        parts.append("red: critical path (mean costs)")
    legend = " · ".join(parts)
    width = max(bw * k, 8.0 * len(legend), 520.0)
    height = bh * k + title_h + legend_h
    off_x = (width - bw * k) / 2

    def paint(painter: Any, w: float, h: float) -> None:
        from PySide6 import QtCore, QtGui

        Qt = QtCore.Qt
        if title:
            f = QtGui.QFont()
            f.setPixelSize(16)
            f.setBold(True)
            painter.setFont(f)
            painter.setPen(QtGui.QColor("#111111"))
            painter.drawText(QtCore.QRectF(0, 4, w, title_h - 4), int(Qt.AlignmentFlag.AlignCenter), title)
        painter.save()
        painter.translate(off_x, title_h)
        painter.scale(k, k)
        painter.translate(margin - bx0, margin - by0)
        label_font = QtGui.QFont()
        label_font.setPixelSize(12)
        fm = QtGui.QFontMetricsF(label_font)
        # edges first, boxes over them
        labels: list[tuple[Any, str, bool]] = []
        # critical edges last, so that no other edge hides them
        for u, v in sorted(graph.edges, key=lambda e: e in crit_edges):
            on_cp = (u, v) in crit_edges
            pts = [pos[u], *routes.get((u, v), [])[1:-1], pos[v]] if (u, v) in routes else [pos[u], pos[v]]
            if readable:
                p0 = _border_point(*pos[u], task_width(u) / 2, TASK_H / 2, *pts[1])
                p1 = _border_point(*pos[v], task_width(v) / 2, TASK_H / 2, *pts[-2])
                line = [p0, *pts[1:-1], p1]
            else:  # dots: from centre to centre, light so that the crowd stays legible
                line = pts
            colour = QtGui.QColor(CRITICAL if on_cp else "#6b6b6b")
            if not readable and not on_cp:
                colour = QtGui.QColor(120, 120, 120, 90)
            pen = QtGui.QPen(colour)
            pen.setWidthF((2.6 if on_cp else 1.3) if readable else (2.4 if on_cp else 0.8) / k)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPolyline(QtGui.QPolygonF([QtCore.QPointF(x, y) for x, y in line]))
            if not readable and not on_cp:
                continue
            # arrow head at the target's border
            (ax, ay), (bx, by) = line[-2], line[-1]
            ang = math.atan2(by - ay, bx - ax)
            size = 10.0 if readable else 6.0 / k
            head = QtGui.QPolygonF([
                QtCore.QPointF(bx, by),
                QtCore.QPointF(bx - size * math.cos(ang - 0.4), by - size * math.sin(ang - 0.4)),
                QtCore.QPointF(bx - size * math.cos(ang + 0.4), by - size * math.sin(ang + 0.4)),
            ])
            painter.setBrush(QtGui.QColor(CRITICAL if on_cp else "#6b6b6b"))
            painter.setPen(Qt.PenStyle.NoPen)
            painter.drawPolygon(head)
            d = graph.data(u, v)
            if readable and d > 0:
                # on the edge's longest piece, the first place along it where the label
                # meets no other label (crossing edges would stack theirs in the middle)
                seg = max(itertools.pairwise(line), key=lambda s: math.dist(s[0], s[1]))
                text = f"{d:g}"
                tw = fm.horizontalAdvance(text) + 6
                r = None
                for frac in (0.55, 0.4, 0.7, 0.3, 0.8, 0.5):
                    mx = seg[0][0] + frac * (seg[1][0] - seg[0][0])
                    my = seg[0][1] + frac * (seg[1][1] - seg[0][1])
                    r = QtCore.QRectF(mx - tw / 2, my - fm.height() / 2, tw, fm.height())
                    if not any(r.intersects(o.adjusted(-2, -2, 2, 2)) for o, _, _ in labels):
                        break
                labels.append((r, text, on_cp))
        painter.setFont(label_font)
        for r, text, on_cp in labels:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QtGui.QColor(255, 255, 255, 230))
            painter.drawRoundedRect(r, 3, 3)
            painter.setPen(QtGui.QColor(CRITICAL if on_cp else "#333333"))
            painter.drawText(r, int(Qt.AlignmentFlag.AlignCenter), text)
        id_font = QtGui.QFont()
        id_font.setPixelSize(14)
        id_font.setBold(True)
        cost_font = QtGui.QFont()
        cost_font.setPixelSize(11)
        for t in tasks:
            cx, cy = pos[t]
            tint = QtGui.QColor(LEVEL_TINTS[levels.get(t, 0) % len(LEVEL_TINTS)])
            on_cp = t in crit_tasks
            if not readable:
                radius = max(3.0, 5.0 / k)
                painter.setPen(QtGui.QPen(QtGui.QColor(CRITICAL if on_cp else "#555555"), 1.0 / k))
                painter.setBrush(tint.darker(130))
                painter.drawEllipse(QtCore.QPointF(cx, cy), radius, radius)
                continue
            hw = task_width(t) / 2
            rect = QtCore.QRectF(cx - hw, cy - TASK_H / 2, 2 * hw, TASK_H)
            pen = QtGui.QPen(QtGui.QColor(CRITICAL if on_cp else "#4a4a4a"))
            pen.setWidthF(2.8 if on_cp else 1.2)
            painter.setPen(pen)
            painter.setBrush(tint)
            painter.drawRoundedRect(rect, 6, 6)
            painter.setPen(QtGui.QColor("#111111"))
            painter.setFont(id_font)
            painter.drawText(QtCore.QRectF(rect.left() + 4, rect.top() + 2, rect.width() - 8, TASK_H / 2),
                             int(Qt.AlignmentFlag.AlignCenter), QtGui.QFontMetricsF(id_font).elidedText(
                                 t, Qt.TextElideMode.ElideRight, rect.width() - 8))
            painter.setFont(cost_font)
            painter.setPen(QtGui.QColor("#333333"))
            painter.drawText(QtCore.QRectF(rect.left() + 4, cy, rect.width() - 8, TASK_H / 2 - 3),
                             int(Qt.AlignmentFlag.AlignCenter), _cost_text(graph, t))
        painter.restore()
        # legend line
        f = QtGui.QFont()
        f.setPixelSize(12)
        painter.setFont(f)
        painter.setPen(QtGui.QColor("#444444"))
        painter.drawText(QtCore.QRectF(0, h - legend_h, w, legend_h - 4), int(Qt.AlignmentFlag.AlignCenter), legend)

    return paint, width, height
