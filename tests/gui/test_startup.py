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

def docks():
    # whether the panels under the mapping dock (and their modules) exist yet
    return {"analysis": w._analysis_page.made, "run": w._run_page.made,
            "modules": sorted(m for m in ("gui.panels.analysis", "gui.runs", "model.execution")
                              if m in sys.modules)}

class FirstPaint(QtCore.QObject):
    def eventFilter(self, obj, event):
        if obj is w and event.type() == QtCore.QEvent.Type.Paint and "paint" not in seen:
            seen["paint"] = {"pyqtgraph": "pyqtgraph" in sys.modules, "plot": w.gantt.plot_made,
                             "ready": w.is_ready, "docks": docks()}
        return False

f = FirstPaint()
app.installEventFilter(f)
w.ready.connect(lambda: (seen.__setitem__("ready", {"pyqtgraph": "pyqtgraph" in sys.modules,
                                                    "plot": w.gantt.plot_made, "docks": docks()}), app.quit()))
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
    untouched = {"analysis": False, "run": False, "modules": []}
    assert seen["paint"] == {"pyqtgraph": False, "plot": False, "ready": False, "docks": untouched}
    assert seen["ready"] == {"pyqtgraph": True, "plot": True, "docks": untouched}


#: ``taskmapper FILE`` in a fresh process, leaving once the window is ready: the modules loaded
#: when PySide6 is first imported, and when pyqtgraph is (right after the window's first paint)
_ORDER_CHILD = r"""
import json, sys
seen = {}

class Watch:
    def find_spec(self, name, path=None, target=None):
        if name in ("PySide6", "pyqtgraph") and name not in seen:
            seen[name] = sorted(sys.modules)
        return None

sys.meta_path.insert(0, Watch())
from cli.main import main
status = main([sys.argv[1]])
print(json.dumps({"status": status, **seen}))
"""


def _app_child(tmp_path, code: str) -> dict:
    """Run ``code`` (one of the children here) on the HEFT example in a fresh process that
    quits once the window is ready; what it printed last, as JSON."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", TASKMAPPER_NO_DIALOGS="1", HOME=str(tmp_path),
               TASKMAPPER_AUTOSAVE_DIR=str(tmp_path / "autosave"), TASKMAPPER_QUIT_AFTER_START="1")
    example = ROOT / "assets" / "examples" / "heft-paper.taskgraph.json"
    r = subprocess.run([sys.executable, "-c", code, str(example)], cwd=ROOT, env=env,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout.strip().splitlines()[-1])


def test_the_model_numpy_and_networkx_are_imported_before_pyside6(tmp_path):
    """PySide6 reads the source of every module imported after it: the window's modules outside
    Qt come first (:data:`gui.app.MODEL_FIRST`)."""
    seen = _app_child(tmp_path, _ORDER_CHILD)
    assert seen["status"] == 0
    at_pyside, at_paint = set(seen["PySide6"]), set(seen["pyqtgraph"])
    later = at_paint - at_pyside
    assert "gui.main_window" in later and "networkx" in at_pyside and "numpy" in at_pyside
    assert sorted(m for m in later if m.split(".")[0] in ("model", "numpy", "networkx")) == []


def test_the_panels_under_the_mapping_dock_are_made_when_their_tab_is_chosen(main_window, qtbot, heft_schedule):
    w = main_window
    w.open_path(str(ROOT / "assets" / "examples" / "heft-paper.taskgraph.json"))
    qtbot.waitUntil(lambda: w.is_ready and w.live_analysis.result is not None, timeout=10_000)
    assert not w._analysis_page.made and not w._run_page.made
    w.show_analysis_panel()
    qtbot.waitUntil(lambda: w._analysis_page.made, timeout=5000)
    assert not w._run_page.made
    # made after the analysis was done: it shows it at once
    assert w.analysis.rows()["Critical path"] == "108: n1 → n2 → n9 → n10"
    assert w.analysis.isVisible()
    w.show_run_panel()
    qtbot.waitUntil(lambda: w._run_page.made, timeout=5000)
    assert w.execution.isVisible()
    # the panel made late is wired to the window as the others are
    w.execution.comparison_requested.emit([heft_schedule, heft_schedule])
    assert w.session.schedules == [heft_schedule, heft_schedule]


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


#: ``gui.app.main`` on the example, leaving once the window is ready: whether the garbage
#: collector runs while the window makes its deferred parts, and once it is ready
_GC_CHILD = r"""
import gc, json, sys
from gui import main_window
from gui.app import main

seen = {}
finish = main_window.MainWindow._finish_start

def watched(self):
    seen["before ready"] = gc.isenabled()
    finish(self)
    seen["ready"] = {"enabled": gc.isenabled(), "frozen": gc.get_freeze_count()}

main_window.MainWindow._finish_start = watched
seen["status"] = main([sys.argv[1]])
print(json.dumps(seen))
"""


def test_the_garbage_collector_waits_for_the_window_and_then_skips_what_the_start_made(tmp_path):
    seen = _app_child(tmp_path, _GC_CHILD)
    assert seen["status"] == 0 and seen["before ready"] is False
    # on again once ready, the modules and the window (over 50,000 objects) out of its passes
    assert seen["ready"]["enabled"] is True and seen["ready"]["frozen"] > 50_000
