"""Work moved off the GUI thread for big graphs: prepared results, Gantt geometry,
garbage-collector and switch-interval policy while runs go."""

from __future__ import annotations

import gc
import sys
import threading

import numpy as np
import pytest
from PySide6 import QtCore

import gui.results.panel as results_panel
from gui import algorithm_runs, memory
from gui.algorithm_runs import RunManager
from gui.document import Document
from gui.gantt import GanttView
from gui.numbers import human
from gui.results import ResultsPanel
from model.chart import gantt_geometry
from model.comparison import table_metrics
from model.generators import generate


@pytest.fixture
def manager(qtbot):
    m = RunManager()
    yield m
    assert m.wait_all(20_000)


def test_preparers_run_in_the_worker_and_reach_the_finished_slot(qtbot, manager, heft_graph):
    threads: list[str] = []

    def prep(schedule, graph, platform):
        threads.append(threading.current_thread().name)
        return (schedule.algorithm, len(graph), len(platform))

    def broken(schedule, graph, platform):
        raise ValueError("no geometry today")

    manager.add_preparer("info", prep)
    manager.add_preparer("broken", broken)
    seen = {}
    manager.run_finished.connect(lambda k, s: seen.update(manager.prepared(k), schedule=s))
    with qtbot.waitSignal(manager.run_finished, timeout=10_000):
        manager.start("heft", heft_graph.copy(), heft_graph.default_platform())
    assert threads and threads[0] != threading.main_thread().name
    assert seen["info"] == ("heft", 10, 3)
    # a failing preparer does not lose the schedule: its exception is handed over instead
    assert isinstance(seen["broken"], ValueError) and seen["schedule"].makespan == 80


def test_preparer_settings_are_read_on_the_gui_thread_when_the_run_starts(qtbot, manager, heft_graph):
    setting = {"lanes": "first"}
    read_on_gui_thread = []

    def capture():
        read_on_gui_thread.append(threading.current_thread() is threading.main_thread())
        return {"lanes": setting["lanes"]}

    manager.add_preparer("chart", lambda schedule, graph, platform, *, lanes: lanes, capture=capture)
    got = {}
    manager.run_finished.connect(lambda k, s: got.update(manager.prepared(k)))
    with qtbot.waitSignal(manager.run_finished, timeout=10_000):
        manager.start("heft", heft_graph.copy(), heft_graph.default_platform())
        setting["lanes"] = "changed later"  # the run keeps what it captured at its start
    assert got["chart"] == "first" and read_on_gui_thread == [True]


def test_metrics_are_computed_off_the_gui_thread_and_match(qtbot, monkeypatch):
    where: list[bool] = []

    def recording(schedule, graph, platform):
        where.append(threading.current_thread() is threading.main_thread())
        return table_metrics(schedule, graph, platform)

    monkeypatch.setattr(results_panel, "table_metrics", recording)
    doc = Document()
    doc.set_graph(generate("layered", n=300, seed=3))
    manager = RunManager()
    panel = ResultsPanel(doc, manager)
    qtbot.addWidget(panel)
    with qtbot.waitSignals([manager.run_finished] * 2, timeout=30_000):
        panel.run(["heft", "mct"])
    assert where == [False, False]
    for name in ("heft", "mct"):
        r = panel.row(name)
        assert r.status == "done"
        expected = table_metrics(r.schedule, doc.graph, doc.platform)
        for k, v in expected.items():
            if k != "gap":  # the gap is re-measured against the best bound of the generation
                assert r.metrics[k] == pytest.approx(v), k
        assert r.metrics["makespan"] == pytest.approx(r.schedule.makespan)
        assert "gantt" not in r.prepared  # only the window asks for chart geometry
    # one click, one snapshot: the runs share it
    assert panel.row("heft").graph is panel.row("mct").graph
    assert manager.wait_all(5000)


def test_prepared_gantt_geometry_draws_the_same_chart(qtbot, heft_graph, heft_schedule):
    fresh = GanttView()
    qtbot.addWidget(fresh)
    fresh.set_schedule(heft_schedule, heft_graph)
    view = GanttView()
    qtbot.addWidget(view)
    geo = gantt_geometry([heft_schedule], heft_graph.copy())  # as a worker does, on its copy
    view.set_schedule(heft_schedule, heft_graph, geometry=geo)
    assert view.chart is geo
    for name in ("x0", "x1", "y", "h", "colour", "arrow_a", "arrow_b"):
        np.testing.assert_array_equal(getattr(view.item, name), getattr(fresh.item, name), err_msg=name)
    assert view.lanes == fresh.lanes and view.legend_entries() == fresh.legend_entries()
    for s in heft_schedule.slots:
        r = view.bar_rect(s.task)
        assert (r.left(), r.right()) == pytest.approx((s.start, s.finish))
    assert view.playback.end == pytest.approx(heft_schedule.makespan)
    # geometry made for another schedule object, or another transfer setting, is not used
    other = gantt_geometry([heft_schedule], heft_graph)
    assert not other.fits([heft_schedule.__class__(**vars(heft_schedule))], False)
    assert not other.fits([heft_schedule], True)
    view.set_show_transfers(True)
    view.set_schedule(heft_schedule, heft_graph, geometry=other)
    assert view.chart is not other and view.chart.show_transfers


def test_window_shows_the_first_result_with_geometry_from_the_worker(qtbot, tmp_path, monkeypatch):
    from gui.main_window import MainWindow
    from model.formats import save_graph

    monkeypatch.setenv("TASKMAPPER_NO_DIALOGS", "1")
    QtCore.QSettings.setDefaultFormat(QtCore.QSettings.Format.IniFormat)
    QtCore.QSettings.setPath(QtCore.QSettings.Format.IniFormat, QtCore.QSettings.Scope.UserScope, str(tmp_path))
    path = tmp_path / "g.taskgraph.json"
    save_graph(generate("layered", n=200, seed=5), path)
    w = MainWindow()
    qtbot.addWidget(w)
    assert w.open_path(str(path))
    with qtbot.waitSignal(w.manager.run_finished, timeout=20_000):
        w.results.run(["heft"])
    row = w.results.row("heft")
    assert w.gantt.schedules == [row.schedule]
    assert w.gantt.chart is row.prepared["gantt"]  # not rebuilt on the GUI thread
    assert sorted(w.gantt.item.x0) == sorted(s.start for s in row.schedule.slots)
    # the table selects the shown result and the chart's title names it
    assert [r.algorithm for r in w.results._chosen_rows()] == ["heft"]
    assert w.gantt.chart_title() == f"heft: makespan {human(row.schedule.makespan, 6)}"
    assert "heft: makespan" in w.gantt.plot_item.titleLabel.text
    # a stale row's geometry (the graph changed since) is not reused
    w.document.set_cost([w.document.graph.tasks[0]], 99.0)
    assert w.results.prepared_of(row.schedule) == {}
    assert w.manager.wait_all(5000)
    w.document.undo_stack.setClean()


def test_switch_interval_is_short_only_while_big_runs_go(qtbot, manager, monkeypatch):
    monkeypatch.setattr(algorithm_runs, "BIG_GRAPH_TASKS", 50)
    before = sys.getswitchinterval()
    small = generate("layered", n=20, seed=1)
    with qtbot.waitSignal(manager.run_finished, timeout=10_000):
        manager.start("heft", small, small.default_platform())
        assert sys.getswitchinterval() == before
    big = generate("layered", n=400, seed=1)
    with qtbot.waitSignals([manager.run_finished] * 2, timeout=20_000):
        manager.start("heft", big, big.default_platform())
        manager.start("mct", big, big.default_platform())
        assert sys.getswitchinterval() == pytest.approx(min(before, algorithm_runs.RUN_SWITCH_INTERVAL))
    qtbot.waitUntil(lambda: not manager.running(), timeout=5000)
    assert sys.getswitchinterval() == before


def test_big_graphs_are_kept_out_of_full_collections():
    gc.unfreeze()
    try:
        memory.keep_long_lived(10)  # small graph: nothing changes
        assert gc.get_freeze_count() == 0
        keep = [[i] for i in range(1000)]  # noqa: F841 - alive while frozen
        memory.keep_long_lived(memory.BIG_GRAPH_TASKS)
        assert gc.get_freeze_count() >= 1000
        memory.release_long_lived()
        assert gc.get_freeze_count() == 0
    finally:
        gc.unfreeze()


def test_building_long_lived_pauses_collection_then_freezes():
    gc.unfreeze()
    try:
        with memory.building_long_lived(10):  # small: collection stays on, nothing frozen
            assert gc.isenabled()
        assert gc.get_freeze_count() == 0
        with memory.building_long_lived(memory.BIG_GRAPH_TASKS):
            assert not gc.isenabled()
            built = [[i] for i in range(1000)]
        assert gc.isenabled() and gc.get_freeze_count() >= len(built)
        with pytest.raises(RuntimeError), memory.building_long_lived(memory.BIG_GRAPH_TASKS):
            raise RuntimeError("copy failed")
        assert gc.isenabled()  # re-enabled whatever happened inside
    finally:
        gc.unfreeze()
        gc.enable()
