"""The mapping report as one self-contained HTML page or a PDF of a few pages.

Pictures (the task graph, the parallelism profile, the Gantt charts, the speed-up curve)
are drawn offscreen and embedded as base64 ``data:`` URIs, so the file needs nothing
else. The HTML page carries the ``taskmapper analyze --json`` object in
``<script type="application/json" id="taskmapper-analysis">`` (and the scaling and
comparison objects in ``taskmapper-scaling`` / ``taskmapper-comparison``), and a print
style sheet. The PDF is the same content laid out by ``QTextDocument`` on A4 pages
through ``QPdfWriter``.
"""

from __future__ import annotations

import base64
import html
import json
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from model import __version__
from model.algorithms import ALGORITHMS, CancelToken
from model.explain import fmt
from model.graph import GraphError, TaskGraph

from .canvas import check_output, picture_bytes
from .charts import profile_picture, scaling_picture
from .content import ReportContent, build_content
from .graph_picture import graph_picture

__all__ = ["REPORT_FORMATS", "Images", "render_images", "report_html", "write_content", "write_report"]

REPORT_FORMATS = (".html", ".pdf")
#: device pixels per logical pixel of the embedded PNGs (sharp when zoomed or printed)
PNG_SCALE = 2.0
#: width of the PDF's text column in logical pixels (A4 less 14 mm margins at 96 dpi)
PRINT_WIDTH = 690.0


@dataclass
class Image:
    """An embedded PNG and its size in logical pixels."""

    png: bytes
    width: float
    height: float

    @property
    def uri(self) -> str:
        return "data:image/png;base64," + base64.b64encode(self.png).decode("ascii")


@dataclass
class Images:
    """The pictures of a report (``heft_gantt`` is ``None`` when HEFT is the best)."""

    graph: Image
    profile: Image
    best_gantt: Image
    heft_gantt: Image | None
    scaling: Image


def _picture(made: tuple[Any, float, float]) -> Image:
    paint, w, h = made
    return Image(picture_bytes(paint, w, h, ".png", scale=PNG_SCALE), w, h)


def _gantt(content: ReportContent, name: str) -> Image:
    from PySide6 import QtGui

    from gui.export import export_schedule_image

    sched = content.schedules[name]
    title = f"{display_name(name)} on {len(content.platform)} workers: makespan {fmt(sched.makespan)}"
    with tempfile.TemporaryDirectory(prefix="taskmapper-report-") as tmp:
        path = Path(tmp) / f"{name}.png"
        export_schedule_image(sched, path, graph=content.graph, scale=1.5, title=title, show_critical=True)
        data = path.read_bytes()
    img = QtGui.QImage.fromData(data, "PNG")  # type: ignore[arg-type]  # the stubs say bytes; PySide6 takes str
    return Image(data, img.width() / 1.5, img.height() / 1.5)


def _adapted(content: ReportContent) -> bool:
    """Whether the profile's speed-1 task times differ from the schedule's (per-worker costs, speeds)."""
    return content.graph.is_unrelated() or any(w.speed != 1.0 for w in content.platform.workers)


def render_images(content: ReportContent) -> Images:
    """Draw every picture of the report offscreen (needs Qt)."""
    a = content.analysis
    g = content.graph
    graph = _picture(graph_picture(g, critical_path=a.critical_path, title=g.name))
    own = " (its own costs)" if _adapted(content) else ""
    profile = _picture(profile_picture(content.profile, workers=len(content.platform),
                                       schedule=content.best_profile,
                                       schedule_label=f"{content.best} on {len(content.platform)} workers{own}"))
    best = _gantt(content, content.best)
    heft = None if content.best == "heft" else _gantt(content, "heft")
    scaling = _picture(scaling_picture(content.scaling))
    return Images(graph, profile, best, heft, scaling)


# ---------------------------------------------------------------------- HTML
def _e(x: Any) -> str:
    return html.escape(str(x), quote=True)


def _json_script(element_id: str, obj: Any) -> str:
    # '<' written as \u003c: no '</script>' or '<!--' can end or confuse the element
    text = json.dumps(obj).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f'<script type="application/json" id="{element_id}">{text}</script>'


def _scroll(table: str, for_print: bool) -> str:
    return table if for_print else f'<div class="scroll">{table}</div>'


def display_name(name: str) -> str:
    """The algorithm's name as its description writes it (``Min-Min`` for ``minmin``), else ``name``."""
    cls = ALGORITHMS.get(name)
    head = cls.description.split(":", 1)[0].strip() if cls is not None and ":" in cls.description else ""
    if head and len(head) <= 24 and head.replace("-", "").replace(" ", "").lower().startswith(name.replace("-", "")):
        return head
    return name


def _ms(secs: float | None) -> str:
    if secs is None:
        return "–"
    return f"{secs:.3g} s" if secs >= 1 else f"{1000 * secs:.2g} ms"


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.1f}%"


def _num(x: float | None, digits: int = 4) -> str:
    if x is None:
        return "–"
    if abs(x - round(x)) < 1e-9 * max(1.0, abs(x)):
        return str(round(x))
    return f"{x:.{digits}g}"


def _names(ts: Sequence[str], k: int = 30) -> str:
    more = f", … (+{len(ts) - k})" if len(ts) > k else ""
    return _e(", ".join(ts[:k]) + more)


def _figure(img: Image, alt: str, caption: str, print_width: float | None) -> str:
    if print_width is not None:  # QTextDocument: an explicit size in its pixels
        w = min(print_width, img.width)
        h = img.height * w / img.width
        return (f'<p align="center"><img src="{img.uri}" width="{w:.0f}" height="{h:.0f}" alt="{_e(alt)}"></p>'
                f'<p class="caption">{caption}</p>')
    return (f'<figure><img src="{img.uri}" alt="{_e(alt)}" width="{img.width:.0f}" height="{img.height:.0f}">'
            f"<figcaption>{caption}</figcaption></figure>")


CSS = """
:root { --ink: #1d1d1f; --muted: #5b5b63; --line: #d9d9de; --accent: #2f5d8a; --best: #e8f3e6; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: var(--ink);
       max-width: 1180px; margin: 0 auto; padding: 24px 28px 48px; background: #fff; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 36px 0 10px; padding-bottom: 4px; border-bottom: 2px solid var(--accent); }
h3 { font-size: 16px; margin: 20px 0 6px; }
.sub { color: var(--muted); margin: 0 0 14px; }
nav { background: #f5f6f8; border: 1px solid var(--line); border-radius: 6px; padding: 8px 14px; margin: 12px 0; }
nav a { color: var(--accent); text-decoration: none; margin-right: 16px; white-space: nowrap; }
ul.sentences { padding-left: 22px; }
ul.sentences li { margin: 6px 0; }
.notes { color: var(--muted); font-size: 13px; }
figure { margin: 14px 0; text-align: center; }
figure img { max-width: 100%; height: auto; border: 1px solid var(--line); border-radius: 4px; }
figcaption, .caption { color: var(--muted); font-size: 13px; margin-top: 4px; text-align: center; }
table { border-collapse: collapse; margin: 8px 0 12px; font-size: 14px; }
th, td { border: 1px solid var(--line); padding: 4px 9px; text-align: left; vertical-align: top; }
th { background: #f0f2f5; font-weight: 600; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
td.n { white-space: nowrap; }
tr.best td { background: var(--best); font-weight: 600; }
.scroll { overflow-x: auto; }
td .desc { display: block; color: var(--muted); font-weight: 400; font-size: 12px; }
.two { display: flex; gap: 28px; flex-wrap: wrap; align-items: flex-start; }
footer { margin-top: 40px; color: var(--muted); font-size: 12px; border-top: 1px solid var(--line); padding-top: 8px; }
@page { size: A4; margin: 14mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  nav { display: none; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
  .scroll { overflow: visible; }
  .scroll table { width: 100%; font-size: 9pt; }
  .scroll td, .scroll th { padding: 3px 5px; }
  section { break-before: page; }
  section.first { break-before: auto; }
  figure, table, ul.sentences li { break-inside: avoid; }
  tr.best td { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  a { color: inherit; text-decoration: none; }
}
"""

QT_CSS = """
body { font-family: 'DejaVu Sans', sans-serif; font-size: 12px; color: #1d1d1f; }
h1 { font-size: 22px; }
h2 { font-size: 17px; color: #2f5d8a; margin-top: 16px; }
h3 { font-size: 13px; margin-top: 10px; }
th { background-color: #f0f2f5; }
td, th { font-size: 11px; }
.sub, .notes, .caption { color: #5b5b63; font-size: 10px; }
.caption { text-align: center; }
small { color: #5b5b63; font-size: 9px; }
tr.best { background-color: #e8f3e6; }
"""


def report_html(content: ReportContent, images: Images, *, for_print: bool = False) -> str:
    """The report as HTML: a browser page, or (``for_print``) the plainer markup ``QTextDocument`` lays out."""
    a = content.analysis
    g = content.graph
    plat = content.platform
    m = len(plat)
    pw = PRINT_WIDTH - 4 if for_print else None
    table = '<table border="1" cellspacing="0" cellpadding="3">' if for_print else "<table>"
    wide = '<table border="1" cellspacing="0" cellpadding="3" width="100%">' if for_print else "<table>"

    def section(sid: str, title: str, first: bool = False) -> str:
        if for_print:
            brk = "" if first else ' style="page-break-before: always"'
            return f'<h2 id="{sid}"{brk}>{_e(title)}</h2>'
        cls = ' class="first"' if first else ""
        return f'<section id="{sid}"{cls}><h2>{_e(title)}</h2>'

    end = "" if for_print else "</section>"
    costs = "per-worker costs (unrelated machines)" if g.is_unrelated() else "costs ÷ worker speed"
    speeds = sorted({w.speed for w in plat.workers})
    speed_txt = "all of speed 1" if speeds == [1.0] else "speeds " + ", ".join(f"{s:g}" for s in speeds)
    net = plat.network
    out: list[str] = []
    out.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">")
    if not for_print:
        out.append('<meta name="viewport" content="width=device-width, initial-scale=1">')
    out.append(f"<title>Mapping report: {_e(g.name)}</title>")
    out.append(f"<style>{QT_CSS if for_print else CSS}</style>\n</head>\n<body>")
    out.append(f"<h1>Mapping report: {_e(g.name)}</h1>")
    out.append(
        f'<p class="sub">{a.n_tasks} tasks, {a.n_edges} edges, mapped onto {m} worker{"s" if m != 1 else ""} '
        f"({_e(', '.join(plat.ids))}; {speed_txt}; {costs}; network bandwidth {net.bandwidth:g}, latency "
        f"{net.latency:g}). Made by TaskMapper {__version__}.</p>"
    )
    if not for_print:
        out.append('<nav><a href="#graph">1 Task graph</a><a href="#analysis">2 Analysis</a>'
                   '<a href="#profile">3 Parallelism</a><a href="#comparison">4 Algorithms</a>'
                   '<a href="#gantt">5 Gantt charts</a><a href="#scaling">6 Speed-up</a></nav>')

    # 1 the graph
    out.append(section("graph", "1. The task graph", first=True))
    out.append(_figure(images.graph, f"the task graph {g.name}",
                       "Each box is a task with its cost (one per worker when the costs differ by worker); "
                       "each arrow a dependency labelled with the data it sends. The tint gives the level; "
                       "red marks the critical path.", pw))
    out.append(end)

    # 2 analysis
    out.append(section("analysis", "2. The mapping step in plain words"))
    out.append('<ul class="sentences">' + "".join(f"<li>{_e(s.text)}</li>" for s in content.sentences) + "</ul>")
    out.append("<h3>The numbers</h3>")
    nums = [
        ("Tasks / edges / workers", f"{a.n_tasks} / {a.n_edges} / {a.n_workers}"),
        ("Levels (groups of independent tasks)", f"{len(a.levels)}"),
        ("Width (largest set of independent tasks)", f"{a.width}" + ("" if a.width_exact else " (largest level)")),
        ("Total work, mean times / fastest times", f"{_num(a.total_work_mean)} / {_num(a.total_work_min)}"),
        ("Data on edges, total", _num(a.total_data)),
        ("CCR (mean communication ÷ mean computation)", _num(a.ccr, 3)),
        ("Critical path, mean times and transfers", f"{_num(a.critical_path_length)}: "
                                                   f"{_e(' → '.join(a.critical_path[:20]))}"
                                                   + (" → …" if len(a.critical_path) > 20 else "")),
        ("Critical path, fastest times, no communication", _num(a.critical_path_min_length)),
        ("Average parallelism (work ÷ span)", _num(a.average_parallelism, 3)),
        (f"Lower bound on the makespan with {m} workers", _num(a.lower_bound)),
    ]
    out.append(table + "".join(f"<tr><th>{_e(k)}</th><td>{v}</td></tr>" for k, v in nums) + "</table>")
    out.append("<h3>Levels: tasks that never depend on each other</h3>")
    rows = "".join(f'<tr><td class="n">{k}</td><td class="n">{len(lv)}</td><td>{_names(lv)}</td></tr>'
                   for k, lv in enumerate(a.levels[:30]))
    if len(a.levels) > 30:
        rows += f'<tr><td colspan="3">… {len(a.levels) - 30} more levels</td></tr>'
    out.append(f'{table}<tr><th class="n">Level</th><th class="n">Tasks</th><th>Which</th></tr>{rows}</table>')
    if a.data_edges:
        out.append("<h3>Edges carrying the most data</h3>")
        rows = "".join(f'<tr><td>{_e(e.source)} → {_e(e.target)}</td><td class="n">{_num(e.data)}</td>'
                       f'<td class="n">{_num(e.mean_time)}</td></tr>' for e in a.top_edges(10))
        out.append(f'{table}<tr><th>Edge</th><th class="n">Data</th><th class="n">Transfer time between two '
                   f"workers (mean)</th></tr>{rows}</table>")
    out.append(end)

    # 3 profile
    bp, pp = content.best_profile, content.profile
    own = ", with each worker's own task times" if _adapted(content) else ""
    out.append(section("profile", "3. Parallelism: how many tasks can run at once"))
    out.append(
        f"<p>The blue area is the <b>parallelism profile</b>: each task starts as soon as its predecessors are done, "
        f"with as many workers as needed, task times on a worker of speed 1 (the mean of the per-worker costs "
        f"when they differ) and communication left out. At most {pp.maximum} tasks run at once; on average "
        f"{pp.average:.2f} (work {_num(pp.work)} ÷ span {_num(pp.span)}). Where it rises above the {m} workers, "
        f"tasks must wait for a worker; where it falls below, workers wait for tasks. The red line counts "
        f"the tasks running in the best schedule found ({_e(content.best)}){own}, transfers included: "
        f"on average {bp.average:.2f} of its {m} workers are busy.</p>"
    )
    out.append(_figure(images.profile, "parallelism profile",
                       "Tasks running at each moment: unlimited workers (blue) and the best schedule (red).", pw))
    out.append(end)

    # 4 comparison
    out.append(section("comparison", f"4. The algorithms compared on {m} workers"))
    # column widths for QTextDocument, which otherwise squeezes the numbers to wrap them
    columns = [("Rank", 5, True), ("Algorithm", 27, False), ("Makespan", 10, True), ("Speed-up", 9, True),
               ("Efficiency", 10, True), ("SLR", 6, True), ("Gap to<br>lower bound", 10, True),
               ("Data between<br>workers", 11, True), ("Run time", 12, True)]
    head = "<tr>" + "".join(
        ('<th class="n"' if num else "<th") + (f' width="{w}%"' if for_print else "") + f">{label}</th>"
        for label, w, num in columns) + "</tr>"
    body = []
    for r in sorted(content.rows, key=lambda r: (r["rank"], r["makespan"])):
        name = r["algorithm"]
        cls = ALGORITHMS.get(name)
        desc = _e(cls.description) if cls is not None else ""
        best = ' class="best"' if name == content.best else ""
        secs = content.seconds.get(name)
        desc_html = f"<br><small>{desc}</small>" if for_print else f'<span class="desc">{desc}</span>'
        body.append(
            f'<tr{best}><td class="n">{r["rank"]}</td><td><b>{_e(name)}</b>{desc_html}</td>'
            f'<td class="n">{_num(r["makespan"])}</td><td class="n">{_num(r["speedup"], 3)}</td>'
            f'<td class="n">{_pct(r["efficiency"])}</td><td class="n">{_num(r["slr"], 3)}</td>'
            f'<td class="n">{_pct(r["gap"])}</td><td class="n">{_num(r["comm_volume"])}</td>'
            f'<td class="n">{_ms(secs)}</td></tr>'
        )
    out.append(_scroll(wide + head + "".join(body) + "</table>", for_print))
    seq = content.rows[0]["sequential_time"] if content.rows else 0.0
    bw = content.rows[0]["best_worker"] if content.rows else ""
    out.append(
        f'<p class="notes">Speed-up: time of the whole graph on the best single worker ({_e(bw)}, {_num(seq)}) ÷ '
        f"makespan. Efficiency: speed-up ÷ {m} workers. SLR (schedule length ratio): makespan ÷ the critical "
        f"path at the fastest times ({_num(a.critical_path_min_length)}); 1 is the ideal. Gap: makespan ÷ lower "
        f"bound ({_num(a.lower_bound)}) − 1; 0% proves the schedule optimal. Data between workers: the volume "
        f"sent over the network (edges whose tasks run on different workers).</p>"
    )
    out.append(end)

    # 5 Gantt
    out.append(section("gantt", "5. Gantt charts"))
    if images.heft_gantt is None:
        out.append(_figure(images.best_gantt, "Gantt chart of HEFT",
                           "HEFT gives the best schedule here. One lane per worker; critical path in red.", pw))
    else:
        out.append(_figure(images.best_gantt, f"Gantt chart of {content.best}",
                           f"The best schedule, by {_e(content.best)}. One lane per worker; critical path in red.",
                           pw))
        out.append(_figure(images.heft_gantt, "Gantt chart of HEFT", "HEFT, the reference list heuristic.", pw))
    out.append(end)

    # 6 scaling
    sc = content.scaling
    out.append(section("scaling", "6. Speed-up against the number of workers"))
    out.append(
        f"<p>Each point maps the graph onto P identical workers of speed 1 with the same network. "
        f"No schedule beats the <b>work law</b> (makespan ≥ W ÷ P, W = {_num(sc['work'])}) or the "
        f"<b>span law</b> (makespan ≥ S = {_num(sc['span'])}, the longest chain of task times), so the speed-up "
        f"W ÷ makespan never exceeds min(P, W ÷ S = {sc['work'] / sc['span'] if sc['span'] else 0:.3g}).</p>"
    )
    out.append(_figure(images.scaling, "speed-up curve", "Makespan (left) and speed-up (right) against the number "
                       "of workers, with the bounds.", pw))
    algs = list(sc["makespan"])
    head = ('<tr><th class="n">Workers</th><th class="n">Lower bound</th>'
            + "".join(f'<th class="n">{_e(x)}<br>makespan<br>(speed-up)</th>' for x in algs) + "</tr>")
    body = []
    for k, p in enumerate(sc["workers"]):
        cells = "".join(f'<td class="n">{_num(sc["makespan"][x][k])} ({_num(sc["speedup"][x][k], 3)})</td>'
                        for x in algs)
        body.append(f'<tr><td class="n">{p}</td><td class="n">{_num(sc["lower_bound"][k])}</td>{cells}</tr>')
    out.append(_scroll(wide + head + "".join(body) + "</table>", for_print))
    notes = list(content.notes)
    if sc.get("note"):
        notes.append(f"For the curve: {sc['note']}.")
    if notes:
        out.append('<p class="notes">' + " ".join(_e(n) for n in notes) + "</p>")
    out.append(end)

    out.append(
        '<p class="notes">' if for_print else "<footer>"
    )
    out.append(
        "Terms after I. Foster, <i>Designing and Building Parallel Programs</i> (1995), ch. 2; mean costs, "
        "CCR, SLR and HEFT after Topcuoglu, Hariri and Wu, IEEE TPDS 13(3), 2002; the work and span laws after "
        "Graham (1969) and Eager, Zahorjan and Lazowska (1989)."
    )
    out.append("</p>" if for_print else "</footer>")
    if not for_print:
        out.append(_json_script("taskmapper-analysis", content.analysis_dict))
        out.append(_json_script("taskmapper-scaling", content.scaling))
        out.append(_json_script("taskmapper-comparison", content.comparison_dict()))
    out.append("</body>\n</html>\n")
    text = "\n".join(out)
    if for_print:  # QTextDocument reads alignment and wrapping from attributes, not from classes
        text = text.replace('<td class="n">', '<td align="right" style="white-space: nowrap">').replace(
            '<th class="n"', '<th align="right" style="white-space: nowrap"')
    return text


# ----------------------------------------------------------------------- PDF
def report_pdf(content: ReportContent, images: Images) -> bytes:
    """The report as PDF bytes: A4 pages laid out by ``QTextDocument``, numbered at the foot."""
    from gui.export import ensure_app

    ensure_app()
    from PySide6 import QtCore, QtGui

    buf = QtCore.QByteArray()
    dev = QtCore.QBuffer(buf)
    dev.open(QtCore.QIODevice.OpenModeFlag.WriteOnly)
    writer = QtGui.QPdfWriter(dev)
    writer.setTitle(f"Mapping report: {content.graph.name}")
    writer.setCreator(f"TaskMapper {__version__}")
    writer.setPageSize(QtGui.QPageSize(QtGui.QPageSize.PageSizeId.A4))
    writer.setPageMargins(QtCore.QMarginsF(14, 14, 14, 16), QtGui.QPageLayout.Unit.Millimeter)
    writer.setResolution(300)
    doc = QtGui.QTextDocument()
    font = QtGui.QFont("DejaVu Sans")
    font.setPixelSize(12)
    doc.setDefaultFont(font)
    doc.setDocumentMargin(0)
    doc.setHtml(report_html(content, images, for_print=True))
    # the document is laid out PRINT_WIDTH logical pixels wide and scaled onto the page,
    # so pictures and text keep the proportions they have on screen
    k = writer.width() / PRINT_WIDTH
    page_h = writer.height() / k
    foot = 18.0
    doc.setPageSize(QtCore.QSizeF(PRINT_WIDTH, page_h - foot))
    pages = doc.pageCount()
    painter = QtGui.QPainter()
    if not painter.begin(writer):
        raise GraphError("cannot start the PDF report")
    foot_font = QtGui.QFont("DejaVu Sans")
    foot_font.setPixelSize(10)
    body_h = page_h - foot
    for n in range(pages):
        if n:
            writer.newPage()
        painter.save()
        painter.scale(k, k)
        painter.save()
        painter.translate(0, -n * body_h)
        ctx = QtGui.QAbstractTextDocumentLayout.PaintContext()
        ctx.clip = QtCore.QRectF(0, n * body_h, PRINT_WIDTH, body_h)
        painter.setClipRect(ctx.clip)
        doc.documentLayout().draw(painter, ctx)
        painter.restore()
        painter.setFont(foot_font)
        painter.setPen(QtGui.QColor("#666666"))
        painter.drawText(QtCore.QRectF(0, body_h + 4, PRINT_WIDTH, foot - 4),
                         int(QtCore.Qt.AlignmentFlag.AlignCenter),
                         f"{content.graph.name} — TaskMapper mapping report — page {n + 1} of {pages}")
        painter.restore()
    painter.end()
    dev.close()
    return bytes(buf.data())


def write_report(
    graph: TaskGraph,
    path: str | os.PathLike[str],
    algorithms: Sequence[str] | None = None,
    *,
    workers: int | None = None,
    time_limit: float | None = None,
    cancel: CancelToken | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ReportContent:
    """Compute the report of ``graph`` and write it to ``path`` (``.html`` or ``.pdf``).

    Raises
    ------
    GraphError
        Bad extension, missing folder, unknown algorithm or invalid graph.
    """
    check_output(path, REPORT_FORMATS)  # a bad name fails before any work
    content = build_content(graph, algorithms, workers=workers, time_limit=time_limit, cancel=cancel,
                            progress=progress)
    write_content(content, path)
    return content


def write_content(content: ReportContent, path: str | os.PathLike[str]) -> None:
    """Draw the pictures of ``content`` and write the report to ``path`` (``.html`` or ``.pdf``).

    The pictures are drawn with Qt widgets: call it on the GUI thread (or in a
    program without one, as the command line does). :func:`build_content`, the slow
    part, may run in a worker thread before.

    Raises
    ------
    GraphError
        Bad extension or missing folder.
    """
    from model.formats import atomic_write

    p, ext = check_output(path, REPORT_FORMATS)
    images = render_images(content)
    if ext == ".html":
        atomic_write(p, report_html(content, images))
    elif ext == ".pdf":
        atomic_write(p, report_pdf(content, images))
    else:  # pragma: no cover - check_output refused it
        raise GraphError(f"cannot write {str(p)!r}")
