"""``taskmapper scale`` and ``taskmapper report``, run as a user would: in a subprocess.

The JSON of ``scale`` and the HTML of ``report`` are read back as an outside check would:
json.loads, html.parser, the embedded analysis compared with ``taskmapper analyze --json``.
"""

import csv
import io
import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser

import pytest
from cli_helpers import HEFT_PAPER, ROOT, assert_bad_input, graph_file, taskmapper


# ------------------------------------------------------------------------- scale
def test_scale_json_on_stdout():
    res = taskmapper("scale", HEFT_PAPER, "--algorithms", "heft,cpop", "--workers", "1,2,4,8")
    assert res.returncode == 0, res.stderr
    doc = json.loads(res.stdout)
    assert doc["format"] == "taskmapper-scaling" and doc["version"] == 1
    assert doc["graph"] == "HEFT paper example (Topcuoglu et al. 2002, Fig. 2)"
    assert doc["workers"] == [1, 2, 4, 8]
    W, S = doc["work"], doc["span"]
    assert doc["lower_bound"] == pytest.approx([max(S, W / p) for p in (1, 2, 4, 8)])
    assert list(doc["makespan"]) == ["heft", "cpop"]
    for a in ("heft", "cpop"):
        assert doc["makespan"][a][0] == pytest.approx(W)  # one worker runs all the work
        assert doc["speedup"][a] == pytest.approx([W / m for m in doc["makespan"][a]])
        assert all(m >= lb - 1e-9 for m, lb in zip(doc["makespan"][a], doc["lower_bound"]))
    assert "mean cost" in doc["note"]


def test_scale_default_workers_and_algorithm(tmp_path):
    res = taskmapper("scale", HEFT_PAPER)  # 3 workers in the file: 1 to max(8, 6)
    assert res.returncode == 0, res.stderr
    doc = json.loads(res.stdout)
    assert doc["workers"] == list(range(1, 9)) and list(doc["makespan"]) == ["heft"]
    five = graph_file(tmp_path, [{"id": f"t{i}", "cost": 2} for i in range(12)],
                      workers=[{"id": f"W{i}"} for i in range(5)], network={"bandwidth": 2.0, "latency": 0.5})
    doc = json.loads(taskmapper("scale", five, "-w", "1-3,10").stdout)
    assert doc["workers"] == [1, 2, 3, 10] and "note" not in doc
    assert doc["network"] == {"bandwidth": 2.0, "latency": 0.5}
    assert doc["makespan"]["heft"] == [24.0, 12.0, 8.0, 4.0]
    doc = json.loads(taskmapper("scale", five).stdout)
    assert doc["workers"] == list(range(1, 11))


def test_scale_csv_and_pictures(tmp_path):
    out = tmp_path / "s.csv"
    res = taskmapper("scale", HEFT_PAPER, "-a", "heft,etf", "-w", "1-5", "-o", out)
    assert res.returncode == 0, res.stderr
    assert res.stdout == "" and str(out) in res.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert [int(r["workers"]) for r in rows] == [1, 2, 3, 4, 5]
    assert float(rows[0]["makespan_heft"]) == pytest.approx(float(rows[0]["lower_bound"]))
    assert all(float(r["speedup_etf"]) <= int(r["workers"]) + 1e-9 for r in rows)
    for ext, magic in ((".png", b"\x89PNG\r\n\x1a\n"), (".svg", b"<?xml"), (".pdf", b"%PDF")):
        out = tmp_path / f"s{ext}"
        res = taskmapper("scale", HEFT_PAPER, "-a", "heft,cpop", "-w", "1-6", "-o", out)
        assert res.returncode == 0, res.stderr
        data = out.read_bytes()
        assert data.startswith(magic) and len(data) > 5000, ext
    svg = (tmp_path / "s.svg").read_text()
    for text in ("heft", "cpop", "workers (P)", "makespan", "speed-up", "critical path"):
        assert text in svg, text


def test_scale_bad_input(tmp_path):
    assert_bad_input(taskmapper("scale", HEFT_PAPER, "-w", "0-4"), "--workers", "at least 1")
    assert_bad_input(taskmapper("scale", HEFT_PAPER, "-w", "8-2"), "--workers", "backwards")
    assert_bad_input(taskmapper("scale", HEFT_PAPER, "-w", "two"), "--workers", "1-16", "1,2,4,8")
    assert_bad_input(taskmapper("scale", HEFT_PAPER, "-w", "1-100000"), "--workers", "at most")
    assert_bad_input(taskmapper("scale", HEFT_PAPER, "-a", "heft,nope"), "unknown algorithm 'nope'")
    assert_bad_input(taskmapper("scale", HEFT_PAPER, "-a", "heft,"), "--algorithms")
    assert_bad_input(taskmapper("scale", HEFT_PAPER, "-o", tmp_path / "s.txt"), "s.txt", ".json", ".csv", ".png")
    assert_bad_input(taskmapper("scale", HEFT_PAPER, "-o", tmp_path / "no" / "s.json"), "does not exist")
    assert_bad_input(taskmapper("scale", HEFT_PAPER, "--time-limit", "-1"), "--time-limit")
    assert_bad_input(taskmapper("scale", tmp_path / "missing.json"), "missing.json")
    assert not list(tmp_path.iterdir())


def test_scale_and_report_help():
    res = taskmapper("scale", "--help", COLUMNS="250")
    assert res.returncode == 0, res.stderr
    assert "default: heft" in res.stdout and "1-16" in res.stdout and ".csv" in res.stdout
    res = taskmapper("report", "--help", COLUMNS="250")  # one line per option: no break in 'round-robin'
    assert res.returncode == 0, res.stderr
    from gui.report.content import DEFAULT_ALGORITHMS

    assert f"default: {','.join(DEFAULT_ALGORITHMS)}" in res.stdout


# ------------------------------------------------------------------------ report
class Page(HTMLParser):
    """Collects the page's scripts by id, and every src / href."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.scripts = {}
        self.refs = []
        self.imgs = []
        self.tags = []
        self._in = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append(tag)
        if tag == "script":
            self._in = a.get("id", "")
            self.scripts[self._in] = (a.get("type"), "")
        for k in ("src", "href"):
            if k in a:
                self.refs.append((tag, k, a[k]))
        if tag == "img":
            self.imgs.append(a)

    def handle_endtag(self, tag):
        if tag == "script":
            self._in = None

    def handle_data(self, data):
        if self._in is not None:
            t, text = self.scripts[self._in]
            self.scripts[self._in] = (t, text + data)


@pytest.fixture(scope="module")
def html_report(tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "r.html"
    res = taskmapper("report", HEFT_PAPER, "-a", "cpop,peft,round-robin", "-o", out)
    assert res.returncode == 0, res.stderr
    return out, res


def test_report_html_is_self_contained(html_report):
    out, res = html_report
    assert str(out) in res.stderr and res.stdout == ""
    text = out.read_text(encoding="utf-8")
    page = Page()
    page.feed(text)
    page.close()
    assert text.lstrip().lower().startswith("<!doctype html>")
    comparison = json.loads(page.scripts["taskmapper-comparison"][1])
    # graph, profile, speed-up curve, and the Gantt charts of the best and of HEFT (one when HEFT is the best)
    assert len(page.imgs) == (4 if comparison["best"] == "heft" else 5)
    alts = " ".join(img["alt"] for img in page.imgs)
    assert "Gantt chart of HEFT" in alts and "task graph" in alts and "speed-up" in alts
    for img in page.imgs:
        assert img["src"].startswith("data:image/png;base64,"), img["src"][:40]
        assert img.get("alt")
    for tag, attr, ref in page.refs:
        assert ref.startswith(("data:", "#")), (tag, attr, ref[:60])
    assert "link" not in page.tags and "iframe" not in page.tags
    assert "@media print" in text
    for heading in ("The task graph", "plain words", "Parallelism", "algorithms compared", "Gantt charts",
                    "Speed-up against the number of workers"):
        assert heading in text, heading


def test_report_embeds_the_analyze_json(html_report):
    out, _ = html_report
    page = Page()
    page.feed(out.read_text(encoding="utf-8"))
    kind, body = page.scripts["taskmapper-analysis"]
    assert kind == "application/json"
    assert "</" not in body
    res = taskmapper("analyze", HEFT_PAPER, "--json")
    assert res.returncode == 0, res.stderr
    assert json.loads(body) == json.loads(res.stdout)
    scaling = json.loads(page.scripts["taskmapper-scaling"][1])
    assert scaling["format"] == "taskmapper-scaling" and "heft" in scaling["makespan"]
    comparison = json.loads(page.scripts["taskmapper-comparison"][1])
    assert {r["algorithm"] for r in comparison["rows"]} == {"heft", "cpop", "peft", "round-robin"}


def test_report_html_content(html_report):
    out, _ = html_report
    text = out.read_text(encoding="utf-8")
    plain = re.sub(r"<[^>]+>", "", text)
    # the explanation, from the numbers
    assert "n2, n4, n5, n6 and n7 are independent" in plain
    assert "n4 → n8 carries the most data (27)" in plain
    assert "with 3 workers the graph can keep at most 2.2 busy on average" in plain
    # the comparison: HEFT's known makespan on the paper's example, the bound, the definitions
    row = re.search(r"<b>heft</b>.*?</tr>", text, re.S).group(0)
    cells = re.findall(r'<td class="n">([^<]*)</td>', row)
    assert cells[0] == "80"  # makespan
    assert cells[4] == f"{100 * (80 / 41 - 1):.1f}%"  # gap to the lower bound 41
    assert "SLR" in text and "Efficiency" in text and "HEFT was added" in text


def test_report_pdf(tmp_path):
    out = tmp_path / "r.pdf"
    res = taskmapper("report", HEFT_PAPER, "-a", "heft,etf", "-o", out)
    assert res.returncode == 0, res.stderr
    data = out.read_bytes()
    assert data.startswith(b"%PDF")
    pages = len(re.findall(rb"/Type\s*/Page[^s]", data))
    assert pages > 1 and len(data) > 50_000, (pages, len(data))


def test_report_bad_input(tmp_path):
    assert_bad_input(taskmapper("report", HEFT_PAPER, "-o", tmp_path / "r.txt"), ".html", ".pdf")
    assert_bad_input(taskmapper("report", HEFT_PAPER), "-o/--output")
    assert_bad_input(taskmapper("report", HEFT_PAPER, "-a", "nope", "-o", tmp_path / "r.html"), "unknown algorithm")
    assert_bad_input(taskmapper("report", HEFT_PAPER, "-o", tmp_path / "x" / "r.html"), "does not exist")
    assert_bad_input(taskmapper("report", tmp_path / "none.json", "-o", tmp_path / "r.html"), "none.json")
    assert not list(tmp_path.iterdir())


def test_commands_do_not_load_qt_until_they_draw():
    code = ("import sys, cli.main as m; m.build_parser(); "
            "print(any(k.startswith(('PySide6', 'pyqtgraph', 'gui')) for k in sys.modules))")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                         env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=60)
    assert res.stdout.strip() == "False", res.stderr
