"""The report's pieces in process: content, pictures, HTML escaping, PDF pages, charts."""

from __future__ import annotations

import json
import re
import threading
from html.parser import HTMLParser

import pytest
from PySide6 import QtGui

from gui.report.canvas import picture_bytes
from gui.report.charts import _worker_axis, nice_ticks, profile_picture, scaling_charts
from gui.report.content import DEFAULT_ALGORITHMS, build_content
from gui.report.document import render_images, report_html, report_pdf, write_report
from gui.report.graph_picture import graph_picture, positions_of
from model import analysis as A
from model import generators
from model.algorithms import Cancelled
from model.graph import GraphError, TaskGraph
from model.profile import earliest_start_profile


def small_graph(name="fork") -> TaskGraph:
    g = TaskGraph(name)
    g.add_task("a", 2)
    for t in "bcd":
        g.add_task(t, 3)
        g.add_edge("a", t, data=4)
    g.add_task("e", 1)
    for t in "bcd":
        g.add_edge(t, "e", data=1)
    return g


def png(paint_w_h) -> QtGui.QImage:
    paint, w, h = paint_w_h
    img = QtGui.QImage.fromData(picture_bytes(paint, w, h, ".png", scale=1.0), "PNG")
    assert not img.isNull()
    return img


def colours(img: QtGui.QImage) -> set[str]:
    return {img.pixelColor(x, y).name() for x in range(0, img.width(), 5) for y in range(0, img.height(), 5)}


def test_content_adds_heft_and_reports_progress():
    seen = []
    c = build_content(small_graph(), ["cpop", "round-robin"], workers=2,
                      progress=lambda d, t: seen.append((d, t)))
    assert list(c.schedules) == ["heft", "cpop", "round-robin"]
    assert any("HEFT was added" in n for n in c.notes)
    total = seen[-1][1]
    assert [d for d, _ in seen] == list(range(1, total + 1)) and total == 3 + 3 * 8  # 3 runs, 3 curves × 1..8
    assert c.best == min(c.rows, key=lambda r: r["makespan"])["algorithm"]
    assert c.analysis_dict == A.analyze(small_graph(), c.platform).to_dict()
    assert c.profile.maximum == 3 and c.best_profile.maximum <= 2
    assert c.scaling["workers"] == list(range(1, 9))


def test_content_leaves_searches_out_of_the_curve_and_cancels():
    c = build_content(small_graph(), ["heft", "improve"], time_limit=0.1)
    assert "improve" in c.schedules and "improve" not in c.scaling["makespan"]
    assert any("leaves out" in n and "improve" in n for n in c.notes)
    stop = threading.Event()
    stop.set()
    with pytest.raises(Cancelled):
        build_content(small_graph(), cancel=stop)
    with pytest.raises(GraphError, match="unknown algorithm"):
        build_content(small_graph(), ["nope"])
    assert "heft" in DEFAULT_ALGORITHMS


def test_html_escapes_names_and_keeps_json_intact():
    nasty = "</script><script>alert(1)</script><!--"
    g = TaskGraph(nasty)
    g.add_task("<b>x</b>", 2)
    g.add_task("y&z", 3)
    g.add_edge("<b>x</b>", "y&z", data=5)
    c = build_content(g, ["heft"])
    text = report_html(c, render_images(c))

    class P(HTMLParser):
        def __init__(self):
            super().__init__()
            self.scripts, self.cur, self.bold = [], None, 0

        def handle_starttag(self, tag, attrs):
            if tag == "script":
                self.cur = dict(attrs)
                self.scripts.append([self.cur, ""])
            if tag == "b" and self.cur is None:
                self.bold += 1

        def handle_endtag(self, tag):
            if tag == "script":
                self.cur = None

        def handle_data(self, data):
            if self.cur is not None:
                self.scripts[-1][1] += data

    p = P()
    p.feed(text)
    assert [s[0].get("type") for s in p.scripts] == ["application/json"] * 3  # nothing else runs
    body = {s[0]["id"]: json.loads(s[1]) for s in p.scripts}
    assert body["taskmapper-analysis"] == json.loads(json.dumps(c.analysis_dict))
    assert body["taskmapper-analysis"]["graph"] == nasty
    assert "&lt;b&gt;x&lt;/b&gt;" in text and "y&amp;z" in text


def test_pdf_has_several_a4_pages():
    g = generators.generate("gaussian", size=5, seed=2)
    c = build_content(g, ["heft", "etf"])
    data = report_pdf(c, render_images(c))
    assert data.startswith(b"%PDF")
    boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", data)
    assert len(boxes) >= 4 and len(re.findall(rb"/Type\s*/Page[^s]", data)) == len(boxes)
    assert all(abs(float(w) - 595) < 2 and abs(float(h) - 842) < 2 for w, h in boxes)  # A4


def test_write_report_refuses_other_extensions(tmp_path):
    with pytest.raises(GraphError, match=r"\.html or \.pdf"):
        write_report(small_graph(), tmp_path / "r.docx")
    with pytest.raises(GraphError, match="does not exist"):
        write_report(small_graph(), tmp_path / "no" / "r.html")


def test_graph_picture_small_and_large():
    g = small_graph()
    pos, _routes = positions_of(g)  # no x, y in the graph: a layered layout
    assert set(pos) == set(g.tasks) and pos["a"][1] < pos["b"][1] < pos["e"][1]
    img = png(graph_picture(g, critical_path=["a", "b", "e"], title="fork"))
    assert "#d62728" in colours(img)  # the critical path in red
    big = generators.generate("layered", n=400, seed=1)
    paint, w, h = graph_picture(big, critical_path=A.analyze(big).critical_path)
    assert w <= 1100 + 1 and h <= 1500 + 1  # scaled down to a page
    assert len(colours(png((paint, w, h)))) > 5


def test_positions_from_the_file_are_kept():
    g = small_graph()
    for k, t in enumerate(g.tasks):
        g.task_attrs(t).update(x=100.0 * k, y=50.0 * k)
    pos, routes = positions_of(g)
    assert pos["c"] == (200.0, 100.0) and routes == {}


def test_charts():
    assert nice_ticks(0, 1) == [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]
    assert nice_ticks(0, 7, integer=True)[-1] >= 7
    assert _worker_axis([1, 2, 4, 8, 16, 32, 64]) == (True, [1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0])
    assert _worker_axis(range(1, 9)) == (False, [float(p) for p in range(1, 9)])
    result = {"graph": "g", "work": 12.0, "span": 3.0, "workers": [1, 2, 4],
              "lower_bound": [12.0, 6.0, 3.0], "makespan": {"heft": [12.0, 6.0, 4.0]},
              "speedup": {"heft": [1.0, 2.0, 3.0]}}
    ms, sp = scaling_charts(result)
    labels = [s.label for s in ms.series]
    assert "heft" in labels and any("work ÷ P" in s for s in labels) and any("critical path" in s for s in labels)
    bound = next(s for s in sp.series if s.label.startswith("upper bound"))
    assert list(bound.ys) == [1.0, 2.0, 3.0, 4.0]  # min(P, W / S) at P = 1..4
    img = png(profile_picture(earliest_start_profile(small_graph()), workers=2))
    assert len(colours(img)) > 5
    for ext, magic in ((".svg", b"<?xml"), (".pdf", b"%PDF")):
        paint, w, h = profile_picture(earliest_start_profile(small_graph()))
        assert picture_bytes(paint, w, h, ext).startswith(magic)
