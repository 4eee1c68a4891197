"""Line and step charts drawn with ``QPainter``: speed-up curves and parallelism profiles.

A :class:`Chart` is a plain description (series of points, axis titles); :func:`paint_chart`
draws it into a rectangle with a frame, a grid, readable tick labels and a legend under
the plot. :func:`scaling_picture` and :func:`profile_picture` build the report's two
charts from :func:`model.scaling.scale` results and :class:`model.profile.Profile` steps.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from model.profile import Profile

from .canvas import Paint

__all__ = ["Chart", "Series", "nice_ticks", "paint_chart", "profile_picture", "scaling_picture"]

#: series colours (the Gantt chart's palette order)
COLOURS = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#b07aa1", "#76b7b2", "#9c755f", "#edc948",
           "#ff9da7", "#2f5d8a"]
BOUND = "#333333"
MARKERS = ["circle", "square", "triangle", "diamond"]
FONT_PX = 13


@dataclass
class Series:
    """One line of a chart.

    ``step``: a step function (each ``y`` holds until the next ``x``). ``style``:
    ``solid``, ``dash`` or ``dot``. ``fill``: colour under the line (step charts).
    """

    label: str
    xs: Sequence[float]
    ys: Sequence[float | None]
    colour: str
    width: float = 2.0
    style: str = "solid"
    markers: bool = False
    step: bool = False
    fill: str | None = None
    #: ``circle``, ``square``, ``triangle`` or ``diamond``, and its radius
    marker: str = "circle"
    marker_size: float = 3.6


@dataclass
class Chart:
    """What to draw: a title, axis titles and series; ``x_log2`` spaces the x axis by powers of 2."""

    title: str
    x_label: str
    y_label: str
    series: list[Series] = field(default_factory=list)
    x_ticks: Sequence[float] | None = None
    x_log2: bool = False
    integer_y: bool = False
    #: top of the y axis (default: above the highest point); lines above it are clipped
    y_max: float | None = None


def nice_ticks(lo: float, hi: float, target: int = 6, *, integer: bool = False) -> list[float]:
    """Round tick values covering ``[lo, hi]`` (steps of 1, 2 or 5 times a power of ten).

    >>> nice_ticks(0, 133.3)
    [0.0, 25.0, 50.0, 75.0, 100.0, 125.0, 150.0]
    >>> nice_ticks(0, 3, integer=True)
    [0.0, 1.0, 2.0, 3.0]
    """
    if not (hi > lo):
        hi = lo + 1.0
    raw = (hi - lo) / max(1, target)
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    if integer:
        step = max(1.0, round(step))
    start = math.floor(lo / step + 1e-9) * step
    ticks = []
    k = 0
    while True:
        t = start + k * step
        ticks.append(round(t, 10))
        if t >= hi - 1e-9 * max(1.0, abs(hi)):
            break
        k += 1
    return ticks


def _label(v: float) -> str:
    if abs(v - round(v)) < 1e-9:
        return str(round(v))
    return f"{v:.4g}"


def paint_chart(painter: Any, x0: float, y0: float, w: float, h: float, chart: Chart) -> None:
    """Draw ``chart`` into the rectangle ``(x0, y0, w, h)`` (logical pixels)."""
    from PySide6 import QtCore, QtGui

    Qt = QtCore.Qt
    font = QtGui.QFont()
    font.setPixelSize(FONT_PX)
    bold = QtGui.QFont(font)
    bold.setBold(True)
    bold.setPixelSize(FONT_PX + 2)
    fm = QtGui.QFontMetricsF(font)
    line_h = fm.height()

    xs_all = [x for s in chart.series for x in s.xs]
    ys_all = [y for s in chart.series for y in s.ys if y is not None and math.isfinite(y)]
    if not xs_all:
        xs_all = [0.0, 1.0]
    if not ys_all:
        ys_all = [0.0, 1.0]
    top_y = chart.y_max if chart.y_max is not None else max(ys_all) * 1.04
    yt = nice_ticks(0.0, top_y if top_y > 0 else 1.0, 6, integer=chart.integer_y)
    y_lo, y_hi = yt[0], yt[-1]
    def fx(v: float) -> float:
        return math.log2(v) if chart.x_log2 else v

    x_lo, x_hi = fx(min(xs_all)), fx(max(xs_all))
    if x_hi <= x_lo:
        x_hi = x_lo + 1.0
    if chart.x_ticks is not None:
        xt = list(chart.x_ticks)
    else:
        xt = [v for v in nice_ticks(x_lo, x_hi, 8) if x_lo - 1e-9 <= v <= x_hi + 1e-9]

    # legend rows under the plot: entries laid out left to right, wrapping
    entries = [s for s in chart.series if s.label]
    sw = 26.0
    widths = [sw + 6 + fm.horizontalAdvance(s.label) + 18 for s in entries]
    rows: list[list[int]] = [[]]
    used = 0.0
    for i, ew in enumerate(widths):
        if rows[-1] and used + ew > w - 20:
            rows.append([])
            used = 0.0
        rows[-1].append(i)
        used += ew
    legend_h = (len(rows) * (line_h + 4) + 6) if entries else 0.0

    y_tick_w = max(fm.horizontalAdvance(_label(v)) for v in yt)
    left = x0 + line_h + 10 + y_tick_w + 8
    top = y0 + QtGui.QFontMetricsF(bold).height() + 10
    right = x0 + w - 16
    bottom = y0 + h - legend_h - 2 * line_h - 14
    pw, ph = right - left, bottom - top

    def px(v: float) -> float:
        return left + (fx(v) - x_lo) / (x_hi - x_lo) * pw

    def py(v: float) -> float:
        return bottom - (v - y_lo) / (y_hi - y_lo) * ph

    # title
    painter.setFont(bold)
    painter.setPen(QtGui.QColor("#111111"))
    painter.drawText(QtCore.QRectF(x0, y0 + 2, w, top - y0 - 6), int(Qt.AlignmentFlag.AlignCenter), chart.title)
    painter.setFont(font)
    # grid and ticks
    grid = QtGui.QPen(QtGui.QColor("#e3e3e3"))
    grid.setWidthF(1.0)
    text_pen = QtGui.QPen(QtGui.QColor("#222222"))
    for v in yt:
        y = py(v)
        painter.setPen(grid)
        painter.drawLine(QtCore.QPointF(left, y), QtCore.QPointF(right, y))
        painter.setPen(text_pen)
        painter.drawText(QtCore.QRectF(left - 8 - y_tick_w - 4, y - line_h / 2, y_tick_w + 4, line_h),
                         int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), _label(v))
    last_right = -1e9
    for v in xt:
        x = px(v)
        lab = _label(v)
        tw = fm.horizontalAdvance(lab)
        painter.setPen(grid)
        painter.drawLine(QtCore.QPointF(x, top), QtCore.QPointF(x, bottom))
        if x - tw / 2 > last_right + 4:  # never let two labels overlap
            painter.setPen(text_pen)
            painter.drawText(QtCore.QRectF(x - tw / 2 - 2, bottom + 4, tw + 4, line_h),
                             int(Qt.AlignmentFlag.AlignCenter), lab)
            last_right = x + tw / 2
    # frame
    painter.setPen(QtGui.QPen(QtGui.QColor("#555555"), 1.2))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawRect(QtCore.QRectF(left, top, pw, ph))
    # axis titles
    painter.setPen(text_pen)
    painter.drawText(QtCore.QRectF(left, bottom + line_h + 6, pw, line_h + 2),
                     int(Qt.AlignmentFlag.AlignCenter), chart.x_label)
    painter.save()
    painter.translate(x0 + 2, top + ph / 2)
    painter.rotate(-90)
    painter.drawText(QtCore.QRectF(-ph / 2, 0, ph, line_h + 2), int(Qt.AlignmentFlag.AlignCenter), chart.y_label)
    painter.restore()

    # series, clipped to the plot
    painter.save()
    painter.setClipRect(QtCore.QRectF(left, top - 2, pw, ph + 4))
    for s in chart.series:
        pen = _pen(s)
        pts: list[Any] = []
        for xv, yv in zip(s.xs, s.ys):
            if yv is None or not math.isfinite(yv):
                continue
            if s.step and pts:
                pts.append(QtCore.QPointF(px(xv), pts[-1].y()))
            pts.append(QtCore.QPointF(px(xv), py(yv)))
        if s.fill and len(pts) > 1:
            poly = QtGui.QPolygonF([QtCore.QPointF(pts[0].x(), py(y_lo)), *pts,
                                    QtCore.QPointF(pts[-1].x(), py(y_lo))])
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QtGui.QColor(s.fill))
            painter.drawPolygon(poly)
            painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(pen)
        if len(pts) > 1:
            painter.drawPolyline(QtGui.QPolygonF(pts))
        if s.markers:
            for q in pts:
                _marker(painter, s, q.x(), q.y())
    painter.restore()

    # legend
    ly = bottom + 2 * line_h + 14
    for row in rows:
        row_w = sum(widths[i] for i in row)
        lx = x0 + (w - row_w) / 2
        for i in row:
            s = entries[i]
            cy = ly + line_h / 2
            if s.fill and not s.markers:
                painter.fillRect(QtCore.QRectF(lx, cy - 6, sw, 12), QtGui.QColor(s.fill))
            painter.setPen(_pen(s))
            painter.drawLine(QtCore.QPointF(lx, cy), QtCore.QPointF(lx + sw, cy))
            if s.markers:
                _marker(painter, s, lx + sw / 2, cy)
            painter.setPen(text_pen)
            painter.drawText(QtCore.QRectF(lx + sw + 6, ly, widths[i], line_h),
                             int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), s.label)
            lx += widths[i]
        ly += line_h + 4


def _marker(painter: Any, s: Series, x: float, y: float) -> None:
    from PySide6 import QtCore, QtGui

    r = s.marker_size
    painter.setBrush(QtGui.QColor(s.colour))
    painter.setPen(QtGui.QPen(QtGui.QColor("white"), 1.0))
    if s.marker == "square":
        painter.drawRect(QtCore.QRectF(x - r, y - r, 2 * r, 2 * r))
    elif s.marker in ("triangle", "diamond"):
        pts = ([(0, -1.25), (1.1, 0.75), (-1.1, 0.75)] if s.marker == "triangle"
               else [(0, -1.3), (1.3, 0), (0, 1.3), (-1.3, 0)])
        painter.drawPolygon(QtGui.QPolygonF([QtCore.QPointF(x + r * a, y + r * b) for a, b in pts]))
    else:
        painter.drawEllipse(QtCore.QPointF(x, y), r, r)
    painter.setBrush(QtCore.Qt.BrushStyle.NoBrush)


def _pen(s: Series) -> Any:
    from PySide6 import QtCore, QtGui

    pen = QtGui.QPen(QtGui.QColor(s.colour))
    pen.setWidthF(s.width)
    pen.setCapStyle(QtCore.Qt.PenCapStyle.FlatCap)
    pen.setJoinStyle(QtCore.Qt.PenJoinStyle.MiterJoin if s.step else QtCore.Qt.PenJoinStyle.RoundJoin)
    if s.style == "dash":
        pen.setStyle(QtCore.Qt.PenStyle.DashLine)
    elif s.style == "dot":
        pen.setStyle(QtCore.Qt.PenStyle.DotLine)
    return pen


def _worker_axis(workers: Sequence[int]) -> tuple[bool, list[float]]:
    """(log2 axis?, tick values) for a list of worker counts."""
    ws = sorted(set(workers))
    log2 = len(ws) >= 3 and ws[0] >= 1 and ws[-1] / ws[0] >= 32
    if log2:
        ticks = [float(2 ** k) for k in range(int(math.log2(ws[0])), math.ceil(math.log2(ws[-1])) + 1)]
        return True, [t for t in ticks if ws[0] <= t <= ws[-1]] or [float(ws[0]), float(ws[-1])]
    if len(ws) <= 17:
        return False, [float(w) for w in ws]
    return False, [v for v in nice_ticks(ws[0], ws[-1], 10, integer=True) if ws[0] <= v <= ws[-1]]


def scaling_charts(result: dict[str, Any]) -> tuple[Chart, Chart]:
    """The makespan chart and the speed-up chart of a :func:`model.scaling.scale` result."""
    workers = [float(p) for p in result["workers"]]
    order = sorted(range(len(workers)), key=lambda k: workers[k])
    xs = [workers[k] for k in order]
    work, span = float(result["work"]), float(result["span"])
    log2, ticks = _worker_axis(result["workers"])
    # the bounds are drawn as curves through every integer P between the points
    dense = sorted({*xs, *[float(p) for p in range(int(xs[0]), int(xs[-1]) + 1)]}) if len(xs) < 600 else xs
    ms = Chart("Makespan against the number of workers", "workers (P)", "makespan", x_ticks=ticks, x_log2=log2)
    sp = Chart("Speed-up against the number of workers", "workers (P)", "speed-up = work ÷ makespan",
               x_ticks=ticks, x_log2=log2)
    ms.series.append(Series("lower bound max(critical path, work ÷ P)", dense, [max(span, work / p) for p in dense],
                            "#bbbbbb", width=7.0))
    ms.series.append(Series(f"work ÷ P (W = {_label(work)})", dense, [work / p for p in dense], BOUND,
                            width=1.4, style="dash"))
    ms.series.append(Series(f"critical path S = {_label(span)}", [dense[0], dense[-1]], [span, span], BOUND,
                            width=1.4, style="dot"))
    sp.series.append(Series("upper bound min(P, W ÷ S)", dense,
                            [min(p, work / span) if span > 0 else p for p in dense], "#bbbbbb", width=7.0))
    sp.series.append(Series("P (linear)", dense, dense, BOUND, width=1.4, style="dash"))
    if span > 0:
        sp.series.append(Series(f"W ÷ S = {work / span:.3g} (average parallelism)", [dense[0], dense[-1]],
                                [work / span] * 2, BOUND, width=1.4, style="dot"))
    reached = [v for row in result["speedup"].values() for v in row if v is not None]
    ceiling = max([*reached, work / span if span > 0 else 1.0, 1.0])
    sp.y_max = min(max(xs), max(2.0, ceiling * 1.3))  # the P line would flatten every curve
    n = len(result["makespan"])
    for k, (name, row) in enumerate(result["makespan"].items()):
        # earlier curves are drawn wider and with bigger marks, so equal curves stay visible
        look: dict[str, Any] = {"width": 1.8 + 1.0 * (n - 1 - k) / max(1, n - 1) * min(3, n - 1),
                "markers": True, "marker": MARKERS[k % len(MARKERS)], "marker_size": 3.4 + 0.8 * min(3, n - 1 - k)}
        colour = COLOURS[k % len(COLOURS)]
        ms.series.append(Series(name, xs, [row[i] for i in order], colour, **look))
        srow = result["speedup"][name]
        sp.series.append(Series(name, xs, [srow[i] for i in order], colour, **look))
    return ms, sp


def scaling_picture(result: dict[str, Any], *, width: float = 1200.0, height: float = 520.0) -> tuple[Paint, float, float]:
    """``(paint, width, height)`` of the two scaling charts side by side, under the graph's name."""
    ms, sp = scaling_charts(result)
    head = 30.0

    def paint(painter: Any, w: float, h: float) -> None:
        from PySide6 import QtCore, QtGui

        font = QtGui.QFont()
        font.setPixelSize(FONT_PX + 3)
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(QtGui.QColor("#111111"))
        title = f"{result.get('graph', '')} — {len(result['makespan'])} algorithm(s), identical workers of speed 1"
        painter.drawText(QtCore.QRectF(0, 4, w, head), int(QtCore.Qt.AlignmentFlag.AlignCenter), title)
        half = w / 2
        paint_chart(painter, 8, head + 4, half - 12, h - head - 10, ms)
        paint_chart(painter, half + 4, head + 4, half - 12, h - head - 10, sp)

    return paint, width, height


def profile_chart(profile: Profile, *, workers: int | None = None, schedule: Profile | None = None,
                  schedule_label: str = "schedule") -> Chart:
    """The parallelism profile (unlimited workers) and, when given, a schedule's running tasks."""
    c = Chart("Parallelism profile: tasks running at each moment", "time", "tasks running", integer_y=True)
    xs = [t for t, _ in profile.steps]
    ys = [float(n) for _, n in profile.steps]
    c.series.append(Series("unlimited workers, each task as early as possible", xs, ys, "#4e79a7", width=1.6,
                           step=True, fill="#c9d9ec"))
    end = max(profile.end, schedule.end if schedule is not None else 0.0)
    if profile.span > 0:
        c.series.append(Series(f"average parallelism W ÷ S = {profile.average:.3g}", [profile.start, profile.end],
                               [profile.average] * 2, "#4e79a7", width=1.4, style="dash"))
    if schedule is not None:
        c.series.append(Series(schedule_label, [t for t, _ in schedule.steps], [float(n) for _, n in schedule.steps],
                               "#e15759", width=2.0, step=True))
    if workers is not None:
        c.series.append(Series(f"{workers} workers", [0.0, end], [float(workers)] * 2, BOUND, width=1.2, style="dot"))
    return c


def profile_picture(profile: Profile, *, workers: int | None = None, schedule: Profile | None = None,
                    schedule_label: str = "schedule", width: float = 1000.0,
                    height: float = 380.0) -> tuple[Paint, float, float]:
    """``(paint, width, height)`` of :func:`profile_chart`."""
    chart = profile_chart(profile, workers=workers, schedule=schedule, schedule_label=schedule_label)

    def paint(painter: Any, w: float, h: float) -> None:
        paint_chart(painter, 6, 4, w - 12, h - 8, chart)

    return paint, width, height
