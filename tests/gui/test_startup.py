"""The window goes on screen before the chart's plot (and pyqtgraph) exist, and makes them
right after its first paint; a chart made late draws what was set before."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from gui.gantt import GanttView

ROOT = Path(__file__).resolve().parents[2]

#: a fresh process (pyqtgraph is loaded in this one already): what is imported and made
#: at the window's first paint, and once it says it is ready
_CHILD = r"""
import json, sys
import networkx
from PySide6 import QtCore, QtWidgets
app = QtWidgets.QApplication(["taskmapper"])
from gui.main_window import MainWindow
w = MainWindow()
w.resize(1280, 800)
seen = {}

class FirstPaint(QtCore.QObject):
    def eventFilter(self, obj, event):
        if obj is w and event.type() == QtCore.QEvent.Type.Paint and "paint" not in seen:
            seen["paint"] = {"pyqtgraph": "pyqtgraph" in sys.modules, "plot": w.gantt.plot_made,
                             "ready": w.is_ready}
        return False

f = FirstPaint()
app.installEventFilter(f)
w.ready.connect(lambda: (seen.__setitem__("ready", {"pyqtgraph": "pyqtgraph" in sys.modules,
                                                    "plot": w.gantt.plot_made}), app.quit()))
QtCore.QTimer.singleShot(20_000, app.quit)
w.show()
app.exec()
print(json.dumps(seen))
"""


def test_the_window_is_painted_before_the_chart_plot_is_made_and_makes_it_right_after(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", TASKMAPPER_NO_DIALOGS="1", HOME=str(tmp_path),
               TASKMAPPER_AUTOSAVE_DIR=str(tmp_path / "autosave"))
    r = subprocess.run([sys.executable, "-c", _CHILD], cwd=ROOT, env=env, capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0, r.stderr
    seen = json.loads(r.stdout.strip().splitlines()[-1])
    assert seen["paint"] == {"pyqtgraph": False, "plot": False, "ready": False}
    assert seen["ready"] == {"pyqtgraph": True, "plot": True}


def test_the_main_window_is_ready_after_its_first_paint(main_window, qtbot):
    w = main_window
    qtbot.waitUntil(lambda: w.is_ready, timeout=5000)
    assert w.gantt.plot_made
    assert not w.gantt.plot.isVisible()  # nothing to show yet: the "no schedule" note is
    assert w.gantt.empty_label.isVisible()


def test_an_empty_chart_needs_no_plot_and_any_part_asked_for_makes_it(qtbot):
    v = GanttView()
    qtbot.addWidget(v)
    v.set_schedules([])
    v.set_colour_mode("worker")
    v.set_show_dependencies(True)
    v.select_tasks(["a"])
    v.set_pins({"a": "P1"})
    v.fit()
    assert not v.plot_made and v.lanes == [] and v.change_note() == ""
    item = v.item  # asked for: made now, with what was set before
    assert v.plot_made and item is v.item
    assert item.show_arrows and len(item.x0) == 0
    assert v.legend_entries() == []
    assert v.plot_item.getAxis("left") is not None


def test_a_schedule_shown_before_the_plot_exists_is_drawn_once(qtbot, heft_schedule, heft_graph, monkeypatch):
    from gui.gantt import view as view_module

    calls = []
    real = view_module.gantt_geometry

    def counted(*args, **kwargs):
        calls.append(len(args[0]))
        return real(*args, **kwargs)

    monkeypatch.setattr(view_module, "gantt_geometry", counted)
    v = GanttView()
    qtbot.addWidget(v)
    v.set_colour_mode("worker")
    v.set_show_critical(True)
    v.set_show_dependencies(True)
    assert not v.plot_made
    v.set_schedule(heft_schedule, heft_graph)
    assert v.plot_made and v.plot.isVisibleTo(v) and not v.empty_label.isVisibleTo(v)
    assert calls.count(1) == 1  # the bars were laid out once, not again when the plot was made
    assert len(v.item.x0) == len(heft_schedule.slots)
    assert v.item.show_arrows and len(v.item.arrow_a) == heft_graph.nx.number_of_edges()
    path = v.critical_paths()[0]
    assert sorted(v.item.highlights["critical"].tolist()) == sorted(v.bars_of(t)[0] for t in path)
    assert v.legend_entries() and v.colour_box.currentData() == "worker"
    assert "makespan 80" in v.chart_title()
