"""Exported pictures read back: PNG size, SVG validity, PDF header; the CLI path headless."""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6 import QtCore, QtGui, QtSvg, QtWidgets

from gui.export import default_title, export_scene_image, export_schedule_image
from model.graph import GraphError
from model.schedule import Schedule, Slot

ROOT = Path(__file__).resolve().parents[2]
HEFT_EXAMPLE = ROOT / "assets" / "examples" / "heft-paper.taskgraph.json"


def test_png_size_follows_scale(tmp_path, heft_schedule, heft_graph):
    one, two = tmp_path / "one.png", tmp_path / "two.png"
    export_schedule_image(heft_schedule, one, graph=heft_graph, scale=1.0)
    export_schedule_image(heft_schedule, two, graph=heft_graph, scale=2.0)
    a, b = QtGui.QImage(str(one)), QtGui.QImage(str(two))
    assert not a.isNull() and not b.isNull()
    assert a.width() >= 1000 and a.height() >= 200
    assert abs(b.width() - 2 * a.width()) <= 1 and abs(b.height() - 2 * a.height()) <= 1
    # the chart is drawn: plenty of non-white pixels, among them the bar colours
    colours = {b.pixelColor(x, y).name() for x in range(0, b.width(), 7) for y in range(0, b.height(), 7)}
    assert len(colours) > 10


def test_svg_is_valid_and_carries_the_title(tmp_path, heft_schedule, heft_graph):
    out = tmp_path / "chart.svg"
    export_schedule_image(heft_schedule, out, graph=heft_graph)
    renderer = QtSvg.QSvgRenderer(str(out))
    assert renderer.isValid()
    assert renderer.defaultSize().width() > 500
    root = ET.parse(out).getroot()
    assert root.tag.endswith("svg")
    text = out.read_text(encoding="utf-8")
    assert "makespan 80" in text and "HEFT paper example" in text
    assert ">P1<" in text.replace(" ", "") or "P1" in text  # lane labels
    # rendering it back gives a non-empty picture
    img = QtGui.QImage(renderer.defaultSize(), QtGui.QImage.Format.Format_ARGB32)
    img.fill(QtGui.QColor("white"))
    p = QtGui.QPainter(img)
    renderer.render(p)
    p.end()
    assert len({img.pixelColor(x, y).name() for x in range(0, img.width(), 9)
                for y in range(0, img.height(), 9)}) > 5


def test_pdf_has_a_header_and_content(tmp_path, heft_schedule, heft_graph):
    out = tmp_path / "chart.pdf"
    export_schedule_image(heft_schedule, out, graph=heft_graph)
    data = out.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 1024
    assert b"%%EOF" in data[-64:]


def test_comparison_export_shows_both_schedules(tmp_path, heft_schedule, heft_graph):
    trace = Schedule("trace", list(heft_schedule.workers),
                     [Slot(s.task, s.worker, s.start, s.finish + 1) for s in heft_schedule.slots])
    single, both = tmp_path / "a.png", tmp_path / "b.png"
    # colour by worker: a short legend, so the lanes decide the picture's height
    export_schedule_image(heft_schedule, single, graph=heft_graph, scale=1, colour_mode="worker")
    export_schedule_image(None, both, graph=heft_graph, scale=1, schedules=[heft_schedule, trace],
                          colour_mode="worker")
    assert QtGui.QImage(str(both)).height() > QtGui.QImage(str(single)).height() + 60
    assert default_title([heft_schedule, trace], heft_graph).endswith("heft: makespan 80 · trace: makespan 81")


def test_bad_paths_are_graph_errors(tmp_path, heft_schedule):
    with pytest.raises(GraphError, match="does not exist"):
        export_schedule_image(heft_schedule, tmp_path / "nope" / "x.png")
    with pytest.raises(GraphError, match=r"\.png, \.svg or \.pdf"):
        export_schedule_image(heft_schedule, tmp_path / "x.gif")
    assert list(tmp_path.iterdir()) == []


def test_scene_export_has_title_and_scale(qtbot, tmp_path):
    scene = QtWidgets.QGraphicsScene()
    scene.addRect(QtCore.QRectF(0, 0, 300, 100), QtGui.QPen(QtGui.QColor("black")), QtGui.QColor("#4e79a7"))
    scene.addText("n1")
    out = tmp_path / "graph.png"
    export_scene_image(scene, out, scale=2.0, title="HEFT example", margin=10)
    img = QtGui.QImage(str(out))
    assert img.width() == pytest.approx(2 * (300 + 2 * 10 + 1), abs=3)
    assert img.height() > 2 * (100 + 20)  # title band above the scene
    # the rectangle's fill is in the picture
    assert QtGui.QColor(img.pixel(img.width() // 2, img.height() - 2 * 60)).name() == "#4e79a7"
    svg, pdf = tmp_path / "graph.svg", tmp_path / "graph.pdf"
    export_scene_image(scene, svg, title="HEFT example")
    export_scene_image(scene, pdf)
    assert QtSvg.QSvgRenderer(str(svg)).isValid() and "HEFT example" in svg.read_text(encoding="utf-8")
    assert pdf.read_bytes().startswith(b"%PDF")


def test_scene_export_of_a_huge_scene_stays_within_the_pixel_cap(qtbot, tmp_path):
    # a 10,000-task graph seen whole spans ~22,000 x 12,000 scene units: at scale 2 that was a
    # 4 GB image; the picture is drawn smaller instead, whole, with its content in place
    from gui.report.canvas import MAX_PNG_PIXELS, MAX_PNG_SIDE

    scene = QtWidgets.QGraphicsScene()
    scene.addRect(QtCore.QRectF(0, 0, 22_000, 12_000), QtGui.QPen(QtGui.QColor("black")), QtGui.QColor("#4e79a7"))
    scene.addRect(QtCore.QRectF(21_000, 11_000, 1_000, 1_000), QtGui.QPen(), QtGui.QColor("#e15759"))
    out = tmp_path / "big.png"
    export_scene_image(scene, out, scale=2.0, margin=0)
    img = QtGui.QImage(str(out))
    assert not img.isNull()
    assert img.width() * img.height() <= MAX_PNG_PIXELS * 1.001
    assert max(img.width(), img.height()) <= MAX_PNG_SIDE
    assert img.width() / img.height() == pytest.approx(22_001 / 12_001, rel=0.01)
    # the whole scene is drawn: the far corner's red square is there
    assert QtGui.QColor(img.pixel(img.width() - 5, img.height() - 5)).name() == "#e15759"
    assert QtGui.QColor(img.pixel(img.width() // 2, img.height() // 2)).name() == "#4e79a7"


def _cli(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY")}
    return subprocess.run([sys.executable, "-m", "cli", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("ext", ["png", "svg", "pdf"])
def test_cli_export_works_without_a_display(tmp_path, ext):
    out = tmp_path / f"heft.{ext}"
    r = _cli("export", str(HEFT_EXAMPLE), "-o", str(out))
    assert r.returncode == 0, r.stderr
    magic = {"png": b"\x89PNG", "svg": b"<?xml", "pdf": b"%PDF"}[ext]
    assert out.read_bytes().startswith(magic)
    assert "Traceback" not in r.stderr and "propagateSizeHints" not in r.stderr


def test_cli_export_missing_folder_exits_2_with_one_line(tmp_path):
    r = _cli("export", str(HEFT_EXAMPLE), "-o", str(tmp_path / "missing" / "x.png"))
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "does not exist" in lines[0]
    assert not (tmp_path / "missing").exists()
