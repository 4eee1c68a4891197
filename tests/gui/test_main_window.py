"""The whole window, driven as a user would: open, run, choose, play, execute, export, close."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from PySide6 import QtCore, QtWidgets

from model.formats import load_graph

HEFT_EXAMPLE = Path(__file__).resolve().parents[2] / "assets" / "examples" / "heft-paper.taskgraph.json"


@pytest.fixture
def window(main_window):
    return main_window


def run_and_wait(qtbot, w, names):
    with qtbot.waitSignals([w.manager.run_finished] * len(names), timeout=30_000):
        w.results.run(names)


def test_open_run_choose_and_play(qtbot, window):
    w = window
    assert w.open_path(str(HEFT_EXAMPLE))
    assert len(w.document.graph) == 10
    run_and_wait(qtbot, w, ["heft", "cpop"])
    res = w.results.results()
    assert res["heft"].makespan == 80 and res["cpop"].makespan == 86
    # the first finished result went to the chart
    assert w.session.primary is not None and w.session.primary.algorithm in ("heft", "cpop")
    w.show_schedule(res["cpop"])
    assert w.gantt.schedules == [res["cpop"]]
    # play from the start to the end: the clock runs and every task ends up done
    w.playback.seek(0.0)
    w.playback.set_speed(1000.0)
    with qtbot.waitSignal(w.playback.finished, timeout=10_000):
        w.playback.play()
    assert w.playback.time == pytest.approx(86)
    from model.replay import task_states

    assert set(task_states(res["cpop"], w.playback.time).values()) == {"done"}
    assert set(w.editor._states.values()) == {"done"}
    done_colour = w.editor.task_colour("n1")
    w.playback.seek(0.5)  # n1 runs first on its worker
    assert w.editor._states["n1"] == "running" and w.editor._states["n10"] == "waiting"
    assert w.editor.task_colour("n10") != done_colour


def test_selection_is_shared_between_gantt_and_editor(qtbot, window):
    w = window
    w.open_path(str(HEFT_EXAMPLE))
    run_and_wait(qtbot, w, ["heft"])
    w.gantt.task_clicked.emit("n4")
    assert w.document.selected() == ["n4"]
    assert "n4" in w.gantt.selected_tasks()


def test_bad_file_keeps_the_open_graph(qtbot, window, tmp_path):
    w = window
    w.open_path(str(HEFT_EXAMPLE))
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"format": "taskmapper-graph", "version": 1,
                               "tasks": [{"id": "a", "cost": -1}]}))
    assert not w.open_path(str(bad))
    assert len(w.document.graph) == 10
    assert "negative" in w.statusBar().currentMessage()


def test_open_a_schedule_file_shows_it(qtbot, window, tmp_path, heft_schedule):
    from model.formats import save_schedule

    w = window
    w.open_path(str(HEFT_EXAMPLE))
    p = tmp_path / "h.schedule.json"
    save_schedule(heft_schedule, p)
    assert w.open_path(str(p))
    assert w.gantt.schedules[0].makespan == 80
    assert "makespan 80" in w.statusBar().currentMessage()


def test_export_chart_from_the_window(qtbot, window, tmp_path):
    w = window
    w.open_path(str(HEFT_EXAMPLE))
    run_and_wait(qtbot, w, ["heft"])
    for ext in ("png", "svg", "pdf"):
        out = tmp_path / f"chart.{ext}"
        assert w.export_chart(str(out))
        assert out.stat().st_size > 1000
    assert (tmp_path / "chart.pdf").read_bytes().startswith(b"%PDF")


def test_execute_for_real_and_compare(qtbot, window):
    w = window
    w.open_path(str(HEFT_EXAMPLE))
    run_and_wait(qtbot, w, ["heft"])
    w.execution.time_scale_spin.setValue(0.001)
    w.execution.set_executor("threads")
    w.execution.set_policy("heft")
    with qtbot.waitSignal(w.execution.trace_ready, timeout=60_000) as sig:
        assert w.execution.run()
    trace = sig.args[0]
    assert trace.algorithm == "trace" and len(trace.slots) == 10
    # the window shows prediction and trace on one axis
    assert len(w.gantt.schedules) == 2
    assert w.gantt.schedules[1] is trace


def test_unsaved_changes_prompt_can_cancel_close(qtbot, window, monkeypatch):
    w = window
    w.open_path(str(HEFT_EXAMPLE))
    w.document.add_task("extra", (0.0, 500.0), cost=3.0)
    assert w.document.dirty
    monkeypatch.setattr(QtWidgets.QMessageBox, "question",
                        lambda *a, **k: QtWidgets.QMessageBox.StandardButton.Cancel)
    assert not w.close()
    assert w.isVisible()
    monkeypatch.setattr(QtWidgets.QMessageBox, "question",
                        lambda *a, **k: QtWidgets.QMessageBox.StandardButton.Discard)
    assert w.close()


def test_save_as_writes_an_equal_graph(qtbot, window, tmp_path):
    w = window
    src = tmp_path / "g.taskgraph.json"
    shutil.copy(HEFT_EXAMPLE, src)
    w.open_path(str(src))
    out = tmp_path / "copy.taskgraph.json"
    assert w.files.save_to(str(out))
    a, b = load_graph(src), load_graph(out)
    assert sorted(a.edges) == sorted(b.edges)
    assert [a.costs(t) for t in a.tasks] == [b.costs(t) for t in b.tasks]
    assert not w.document.dirty


def test_a_workflow_instance_opens_as_graph_and_recorded_run(qtbot, window):
    wf = Path(__file__).resolve().parents[2] / "benchmarks" / "data" / "wf" / "helloworld-forkjoin-10-chameleon.json"
    if not wf.exists():
        pytest.fail(f"benchmark data missing: {wf}")
    w = window
    assert w.open_path(str(wf))
    assert len(w.document.graph) == 10
    trace = w.gantt.schedules[-1]
    assert trace.algorithm == "trace" and trace.meta.get("reconstructed")
    assert "rebuilt from dependencies" in w.statusBar().currentMessage()
    assert "Reconstructed trace" in w.execution.status_label.text()


def test_a_rebuilt_trace_with_free_transfers_inside_a_machine_fits_its_graph(qtbot, window, tmp_path):
    # a sends 250 MB (2 s between machines) to b and c on the two cores of its machine
    # and to d on another one: c starts next to b as soon as a ends
    wf = {"name": "lr", "schemaVersion": "1.5", "workflow": {
        "specification": {
            "tasks": [{"id": "a", "children": ["b", "c", "d"], "outputFiles": ["f"]},
                      *({"id": t, "parents": ["a"], "inputFiles": ["f"]} for t in "bcd")],
            "files": [{"id": "f", "sizeInBytes": 250_000_000}]},
        "execution": {
            "machines": [{"nodeName": "n1", "cpu": {"coreCount": 2}}, {"nodeName": "n2", "cpu": {"coreCount": 1}}],
            "tasks": [{"id": t, "runtimeInSeconds": 1 if t == "a" else 3, "machines": ["n2" if t == "d" else "n1"]}
                      for t in "abcd"]}}}
    path = tmp_path / "lr.json"
    path.write_text(json.dumps(wf))
    w = window
    assert w.open_path(str(path))
    at = w.gantt.schedules[-1].slot_of()
    assert at["c"].start == at["b"].start == 1 and at["d"].start == 3
    msg = w.statusBar().currentMessage()
    assert "rebuilt from dependencies" in msg and "does not fit" not in msg


def test_animate_construction_replays_the_placements(qtbot, window):
    w = window
    w.open_path(str(HEFT_EXAMPLE))
    run_and_wait(qtbot, w, ["heft"])
    w.show_schedule(w.results.results()["heft"])
    order = [s.task for s in w.results.construction("heft")]
    assert sorted(order) == sorted(w.document.graph.tasks)
    seen: list[int] = []
    w.gantt.construction.timer.timeout.connect(lambda: seen.append(int(w.gantt.item.visible_mask.sum())))
    with qtbot.waitSignal(w.gantt.construction_finished, timeout=20_000):
        w.animate_construction()
        assert int(w.gantt.item.visible_mask.sum()) == 0  # nothing placed yet
    # placements appeared one batch at a time, never more than all of them
    assert seen == sorted(seen) and seen[-1] == 10 and len(seen) > 1
    # the bars follow the algorithm's placement order
    assert [w.gantt.chart.bar_task[i] for i in range(10)] == order


def test_an_unexpected_error_in_a_slot_is_reported_and_the_window_goes_on(qtbot, window, monkeypatch, capsys):
    import sys

    from gui.app import install_excepthook

    w = window
    w.open_path(str(HEFT_EXAMPLE))
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    install_excepthook()

    def broken() -> None:
        raise RuntimeError("boom in a slot")

    # a slot called by Qt's event loop raises
    QtCore.QTimer.singleShot(0, broken)
    qtbot.waitUntil(lambda: "boom" in w.statusBar().currentMessage(), timeout=5000)
    assert "Unexpected error: RuntimeError: boom in a slot" in w.statusBar().currentMessage()
    assert len(w.document.graph) == 10 and w.isVisible()
    assert "boom in a slot" in capsys.readouterr().err


def test_a_graph_too_large_to_draw_still_maps_and_saves(qtbot, window, monkeypatch, tmp_path):
    import gui.editor.view

    monkeypatch.setattr(gui.editor.view, "DRAW_LIMIT_TASKS", 5)
    w = window
    assert w.open_path(str(HEFT_EXAMPLE))
    assert w.editor.too_large() and w.editor.task_item("n1") is None
    texts = [i.toPlainText() for i in w.editor.scene().items() if hasattr(i, "toPlainText")]
    assert any("10 tasks and 15 edges" in t and "not drawn" in t for t in texts)
    run_and_wait(qtbot, w, ["heft"])
    assert w.results.results()["heft"].makespan == 80
    assert w.files.save_to(str(tmp_path / "copy.taskgraph.json"))
    assert len(load_graph(tmp_path / "copy.taskgraph.json")) == 10


def test_profile_and_speed_up_tabs_are_made_when_first_shown(qtbot, window):
    w = window
    assert not w._profile_page.made and not w._scaling_page.made  # not paid for at start
    assert w.open_path(str(HEFT_EXAMPLE))
    run_and_wait(qtbot, w, ["heft"])
    heft = w.results.results()["heft"]
    w.show_schedule(heft)
    w.show_chart_tab(1)
    assert w._profile_page.made and not w._scaling_page.made
    view = w.profile_view
    assert view.isVisible() and view.parent() is w._profile_page
    # made after the schedule was shown, it still draws that schedule's profile
    from model.profile import schedule_profile

    assert view.schedule_steps() == list(schedule_profile(heft).steps)
    qtbot.waitUntil(lambda: bool(view.unlimited_steps()), timeout=10_000)
    # asked for before it is shown: made then, the same one afterwards
    scaling = w.scaling_view
    assert w._scaling_page.made and w.scaling_view is scaling
    w.show_chart_tab(2)
    assert scaling.isVisible()
    # a click on a point of the speed-up curves brings the chart tab back
    scaling.schedule_shown.emit(heft)
    assert w.chart_tabs.currentIndex() == 0
