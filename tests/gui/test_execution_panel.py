"""The execution panel runs graphs for real off the GUI thread and compares traces with predictions."""

import math
from pathlib import Path

import pytest
from PySide6 import QtCore

from gui.document import Document
from gui.runs import DYNAMIC, DeviationView, ExecutionPanel, format_seconds
from model.algorithms import get_algorithm
from model.execution import trace_platform
from model.formats import load_schedule, wfformat
from model.graph import TaskGraph
from model.replay import deviations
from model.schedule import Schedule, Slot

HEFT_EXAMPLE = Path(__file__).resolve().parents[2] / "assets" / "examples" / "heft-paper.taskgraph.json"
TS = 0.001  # seconds per cost unit: the HEFT example's 80 units take about 0.08 s
TIMEOUT = 60_000


@pytest.fixture
def document(qtbot):
    doc = Document()
    doc.load(str(HEFT_EXAMPLE))
    return doc


def make_panel(qtbot, document, results=None, *, ts=TS, work="sleep", consent=True):
    res = {} if results is None else results
    panel = ExecutionPanel(document, lambda: res)
    asked = panel.asked_for_consent = []

    def answer(calls):
        asked.append(dict(calls))
        return consent

    panel.ask_to_run_calls = answer
    qtbot.addWidget(panel)
    panel.resize(760, 700)
    panel.show()
    panel.time_scale_spin.setValue(ts)
    panel.work_combo.setCurrentIndex(panel.work_combo.findData(work))
    return panel


def run_and_wait(qtbot, panel):
    with qtbot.waitSignal(panel.trace_ready, timeout=TIMEOUT) as blocker:
        assert panel.run()
        assert panel.is_running() and not panel.run_button.isEnabled() and panel.cancel_button.isEnabled()
    qtbot.waitUntil(lambda: not panel.is_running(), timeout=TIMEOUT)
    return blocker.args[0]


def model_rows(model):
    return [dict(r) for r in model.rows]


# ------------------------------------------------------------------------ real runs
def test_mapped_run_on_threads_follows_the_computed_prediction(qtbot, document, heft_schedule):
    peft = get_algorithm("peft").schedule(document.graph)
    results = {"heft": heft_schedule, "peft": peft}
    panel = make_panel(qtbot, document, results, work="cpu")
    panel.set_executor("threads")
    panel.set_policy("heft")
    slots = []
    panel.slots_recorded.connect(slots.extend)
    trace = run_and_wait(qtbot, panel)
    graph, platform = document.snapshot()

    assert trace.algorithm == "trace" and trace.meta["executor"] == "threads"
    assert trace.meta["policy"] == "mapped" and trace.meta["followed"] == "heft"
    assert trace.meta["time_scale"] == pytest.approx(TS)
    trace.check(graph, trace_platform(platform, TS), check_durations=False)
    # every task ran where the prediction put it
    assert trace.mapping() == heft_schedule.mapping()
    # live slots: every finished task once, same workers as the trace
    assert sorted(s.task for s in slots) == sorted(s.task for s in trace.slots)
    assert {s.task: s.worker for s in slots} == trace.mapping()

    assert panel.progress_bar.value() == panel.progress_bar.maximum() == 10
    assert panel.status_label.text().startswith("Done: 10 tasks")
    assert panel.run_button.isEnabled() and not panel.cancel_button.isEnabled()
    assert panel.trace is trace and panel.prediction is heft_schedule

    view = panel.deviation
    assert view.task_model.rowCount() == 10 == len(graph)
    want = deviations(heft_schedule, trace, TS)
    got = {r["task"]: r for r in model_rows(view.task_model)}
    for w in want:
        assert got[w["task"]]["start_late"] == pytest.approx(w["start_late"])
        assert got[w["task"]]["finish_late"] == pytest.approx(w["finish_late"])
        assert not got[w["task"]]["moved"]
    # one makespan error row per prediction, the followed one flagged
    errs = {r["algorithm"]: r for r in model_rows(view.error_model)}
    assert set(errs) == {"heft", "peft"}
    assert errs["heft"]["followed"] and not errs["peft"]["followed"]
    assert errs["heft"]["predicted"] == pytest.approx(80 * TS)
    assert errs["peft"]["predicted"] == pytest.approx(peft.makespan * TS)
    assert errs["heft"]["measured"] == pytest.approx(trace.makespan)
    # per-worker utilisation of both
    util = {r["worker"]: r for r in model_rows(view.worker_model)}
    assert set(util) == {"P1", "P2", "P3"}
    assert sum(r["tasks"] for r in util.values()) == 10
    assert all(0 < r["measured"] <= 1 + 1e-9 and 0 < r["predicted"] <= 1 for r in util.values())

    # prediction scaled to seconds, then the trace
    assert panel.compare_button.isEnabled()
    with qtbot.waitSignal(panel.comparison_requested, timeout=1000) as b:
        panel.compare_button.click()
    pred, tr = b.args[0]
    assert tr is trace and pred.algorithm == "heft"
    assert pred.makespan == pytest.approx(80 * TS)
    assert pred.mapping() == heft_schedule.mapping()


def test_missing_prediction_is_computed_on_the_fly(qtbot, document):
    panel = make_panel(qtbot, document, {})
    panel.set_policy("peft")
    trace = run_and_wait(qtbot, panel)
    graph, platform = document.snapshot()
    peft = get_algorithm("peft").schedule(graph, platform)
    assert trace.meta["followed"] == "peft"
    assert trace.mapping() == peft.mapping()
    trace.check(graph, trace_platform(platform, TS), check_durations=False)
    assert panel.prediction is not None and panel.prediction.makespan == pytest.approx(peft.makespan)
    rows = model_rows(panel.deviation.error_model)
    assert [r["algorithm"] for r in rows] == ["peft"] and rows[0]["followed"]
    assert panel.deviation.task_model.rowCount() == 10


def test_dynamic_run_compares_with_the_best_computed_mapping(qtbot, document, heft_schedule):
    met = get_algorithm("met").schedule(document.graph)
    assert met.makespan > heft_schedule.makespan
    panel = make_panel(qtbot, document, {"met": met, "heft": heft_schedule})
    panel.set_policy(None)
    assert panel.policy() == DYNAMIC
    trace = run_and_wait(qtbot, panel)
    graph, platform = document.snapshot()
    assert trace.meta["policy"] == "dynamic" and trace.meta["followed"] is None
    trace.check(graph, trace_platform(platform, TS), check_durations=False)
    assert panel.prediction is heft_schedule
    assert "best computed mapping (heft)" in panel.deviation.notes.text()
    errs = model_rows(panel.deviation.error_model)
    assert sorted(r["algorithm"] for r in errs) == ["heft", "met"]
    assert not any(r["followed"] for r in errs)


def test_processes_executor_from_the_gui(qtbot, document, heft_schedule):
    panel = make_panel(qtbot, document, {"heft": heft_schedule})
    panel.set_executor("processes")
    panel.set_policy("heft")
    trace = run_and_wait(qtbot, panel)
    graph, platform = document.snapshot()
    assert trace.meta["executor"] == "processes"
    assert len(trace.slots) == 10 and not trace.meta["partial"]
    trace.check(graph, trace_platform(platform, TS), check_durations=False)
    assert trace.mapping() == heft_schedule.mapping()
    assert "Done" in panel.status_label.text()


def test_dask_local_cluster_from_the_gui(qtbot, document, heft_schedule):
    pytest.importorskip("distributed")
    panel = make_panel(qtbot, document, {"heft": heft_schedule})
    panel.set_executor("dask")
    assert panel.address_edit.isEnabled()
    trace = run_and_wait(qtbot, panel)
    graph, platform = document.snapshot()
    assert trace.meta["executor"] == "dask"
    trace.check(graph, trace_platform(platform, TS), check_durations=False)
    assert trace.mapping() == heft_schedule.mapping()


def test_cancel_keeps_the_partial_trace(qtbot, document, heft_schedule):
    ts = 0.02  # 80 units: 1.6 s predicted, plenty of time to cancel after the first task
    panel = make_panel(qtbot, document, {"heft": heft_schedule}, ts=ts)
    with qtbot.waitSignal(panel.trace_ready, timeout=TIMEOUT) as blocker:
        with qtbot.waitSignal(panel.slots_recorded, timeout=TIMEOUT):
            panel.run()
        panel.cancel()
        assert not panel.cancel_button.isEnabled()
        assert panel.status_label.text().startswith("Cancelling")
    qtbot.waitUntil(lambda: not panel.is_running(), timeout=TIMEOUT)
    trace = blocker.args[0]
    graph, platform = document.snapshot()
    assert trace.meta["partial"] and trace.meta["stopped"] == "cancelled"
    assert 1 <= len(trace.slots) < 10
    assert "n10" not in trace.mapping()  # the exit task waits for every other one
    trace.check(graph, trace_platform(platform, ts), check_durations=False, partial=True)
    assert "Cancelled after" in panel.status_label.text()
    assert "Partial trace" in panel.deviation.notes.text() and panel.deviation.notes.isVisibleTo(panel)
    assert panel.deviation.task_model.rowCount() == len(trace.slots)
    # no makespan error for a run cut short
    errs = model_rows(panel.deviation.error_model)
    assert len(errs) == 1 and math.isnan(errs[0]["error_pct"])
    assert "error" not in panel.deviation.summary.text()
    assert panel.run_button.isEnabled()


def test_wait_all_stops_a_run_for_shutdown(qtbot, document, heft_schedule):
    panel = make_panel(qtbot, document, {"heft": heft_schedule}, ts=0.05)
    got = []
    panel.trace_ready.connect(got.append)
    assert panel.run()
    assert not panel.run()  # one run at a time
    assert panel.wait_all(30_000)
    assert not panel.is_running()
    assert len(got) == 1 and got[0].meta["partial"]
    assert panel.wait_all(10)  # nothing left


def test_a_failing_task_reports_and_keeps_its_partial_trace(qtbot):
    g = TaskGraph("failing")
    g.add_task("a", 1)
    g.add_task("b", 1)
    g.add_edge("a", "b", 0)
    g.nx.nodes["b"]["call"] = "math:sqrt"  # receives a dict: TypeError
    doc = Document(graph=g)
    panel = make_panel(qtbot, doc)
    panel.set_policy("heft")
    trace = run_and_wait(qtbot, panel)
    assert [s.task for s in trace.slots] == ["a"]
    text = panel.status_label.text()
    assert text.startswith("Run failed:") and "'b'" in text and "TypeError" in text
    assert "The run failed" in panel.deviation.notes.text()


def test_bad_input_fails_with_a_message_naming_the_task(qtbot):
    g = TaskGraph("bad call")
    g.add_task("x", 1)
    g.nx.nodes["x"]["call"] = "no_such_module_here:f"
    panel = make_panel(qtbot, Document(graph=g))
    got = []
    panel.trace_ready.connect(got.append)
    with qtbot.waitSignal(panel.running_changed, timeout=TIMEOUT, check_params_cb=lambda r: not r):
        panel.run()
    assert got == []
    text = panel.status_label.text()
    assert text.startswith("Run failed:") and "'x'" in text and "no_such_module_here" in text
    assert "Traceback" not in text


def test_empty_graph_does_not_start(qtbot):
    panel = make_panel(qtbot, Document())
    assert not panel.run()
    assert "no task" in panel.status_label.text()
    assert panel.progress_bar.text() == "no tasks"


def test_idle_progress_bar_counts_the_open_graph_tasks(qtbot, document):
    panel = make_panel(qtbot, document)
    assert panel.progress_bar.text() == "0 / 10 tasks"
    document.add_task("extra", (500.0, 500.0), cost=3)
    assert panel.progress_bar.text() == "0 / 11 tasks"


# ------------------------------------------------------------------------ opened traces
def test_reconstructed_wfformat_trace_says_so(qtbot, document):
    d = {"name": "w", "workflow": {"specification": {"tasks": [
        {"id": "a", "children": ["b"]}, {"id": "b", "parents": ["a"]}]},
        "execution": {"makespanInSeconds": 4, "tasks": [
            {"id": "a", "runtimeInSeconds": 1, "machines": ["n1"]},
            {"id": "b", "runtimeInSeconds": 2, "machines": ["n1"]}],
            "machines": [{"nodeName": "n1", "cpu": {"coreCount": 1}}]}}}
    trace = wfformat.trace_from_dict(d)
    panel = make_panel(qtbot, document)
    panel.show_trace(trace)
    notes = panel.deviation.notes
    assert notes.isVisibleTo(panel) and "Reconstructed trace" in notes.text()
    assert panel.status_label.text().startswith("Reconstructed trace: 2 tasks")
    assert not panel.compare_button.isEnabled()  # no prediction of that graph
    rows = model_rows(panel.deviation.worker_model)
    assert rows == [{"worker": "n1", "predicted": rows[0]["predicted"], "measured": 1.0, "tasks": 2}]
    assert panel.deviation.worker_table.isColumnHidden(1)
    # an ordinary trace hides the note again
    panel.show_trace(Schedule("trace", ["P1"], [Slot("n1", "P1", 0, 1)]))
    assert not notes.isVisibleTo(panel)


def test_reconstructed_trace_with_a_multicore_task_says_how_it_is_drawn(qtbot, document):
    d = {"name": "w", "workflow": {"specification": {"tasks": [{"id": "a"}, {"id": "b"}]},
         "execution": {"tasks": [
             {"id": "a", "runtimeInSeconds": 1, "coreCount": 2, "machines": ["n1"]},
             {"id": "b", "runtimeInSeconds": 2, "machines": ["n1"]}],
             "machines": [{"nodeName": "n1", "cpu": {"coreCount": 2}}]}}}
    panel = make_panel(qtbot, document)
    panel.show_trace(wfformat.trace_from_dict(d))
    assert "1 task used several cores" in panel.deviation.notes.text()
    d["workflow"]["execution"]["tasks"][0]["coreCount"] = 1
    panel.show_trace(wfformat.trace_from_dict(d))
    assert "several cores" not in panel.deviation.notes.text()


def test_opened_trace_uses_the_followed_prediction_and_saves(qtbot, document, heft_schedule, tmp_path):
    panel = make_panel(qtbot, document, {"heft": heft_schedule})
    slots = [Slot(s.task, s.worker, s.start * 0.01 + 0.001, s.finish * 0.01 + 0.002) for s in heft_schedule.slots]
    trace = Schedule("trace", ["P1", "P2", "P3"], slots, meta={"followed": "heft", "time_scale": 0.01})
    panel.show_trace(trace)
    assert panel.prediction is heft_schedule and panel.time_scale == 0.01
    rows = model_rows(panel.deviation.task_model)
    assert len(rows) == 10
    assert all(r["start_late"] == pytest.approx(0.001) and r["finish_late"] == pytest.approx(0.002) for r in rows)
    out = tmp_path / "run.schedule.json"
    panel.save_trace(str(out))
    back = load_schedule(str(out))
    assert back.algorithm == "trace" and back.mapping() == trace.mapping()
    # editing the graph marks the shown trace stale
    with qtbot.waitSignal(document.graph_changed, timeout=1000):
        document.set_cost(["n1"], 20)
    assert "Stale" in panel.deviation.notes.text()


def test_policy_list_marks_computed_results(qtbot, document, heft_schedule):
    results = {}
    panel = make_panel(qtbot, document, results)
    i = panel.policy_combo.findData("heft")
    assert "computed" not in panel.policy_combo.itemText(i)
    results["heft"] = heft_schedule
    panel.refresh_policies()
    assert "computed" in panel.policy_combo.itemText(panel.policy_combo.findData("heft"))
    assert panel.policy() == "heft"
    with pytest.raises(ValueError, match="nope"):
        panel.set_policy("nope")
    # the Dask address only matters for Dask
    panel.set_executor("threads")
    assert not panel.address_edit.isEnabled()


# ------------------------------------------------------------------------ the view alone
def test_deviation_view_tables_sort_numerically(qtbot, heft_graph, heft_schedule):
    view = DeviationView()
    qtbot.addWidget(view)
    ts = 0.01
    late = {"n1": 0.0, "n2": 0.5, "n3": -0.02, "n4": 0.003}
    slots = [Slot(s.task, s.worker, s.start * ts + late.get(s.task, 0.1), s.finish * ts + late.get(s.task, 0.1))
             for s in heft_schedule.slots]
    trace = Schedule("trace", ["P1", "P2", "P3"], slots)
    preds = {"heft": heft_schedule, "met": get_algorithm("met").schedule(heft_graph)}
    view.set_comparison(trace, heft_schedule, preds, ts)
    assert view.task_model.rowCount() == 10
    assert view.error_model.rowCount() == len(preds)
    view.task_table.sortByColumn(4, QtCore.Qt.SortOrder.AscendingOrder)  # Start Δ
    order = [view.task_proxy.index(r, 0).data() for r in range(10)]
    assert order[:3] == ["n3", "n1", "n4"] and order[-1] == "n2"
    # coloured: late red, early green, on time default
    idx = {view.task_proxy.index(r, 0).data(): r for r in range(10)}
    fg = QtCore.Qt.ItemDataRole.ForegroundRole
    assert view.task_proxy.index(idx["n2"], 4).data(fg).red() > 150
    assert view.task_proxy.index(idx["n3"], 4).data(fg).green() > 80
    assert view.task_proxy.index(idx["n1"], 4).data(fg) is None
    # a trace of another graph: a message instead of rows
    other = Schedule("trace", ["P1"], [Slot("zz", "P1", 0, 1)])
    view.set_comparison(other, heft_schedule, {}, ts)
    assert view.task_model.rowCount() == 0 and "'zz'" in view.summary.text()
    view.clear()
    assert view.task_model.rowCount() == view.error_model.rowCount() == view.worker_model.rowCount() == 0


def test_format_seconds():
    assert format_seconds(0.0125) == "12.5 ms"
    assert format_seconds(2.5) == "2.5 s"
    assert format_seconds(-0.003, signed=True) == "−3 ms"
    assert format_seconds(0.000042, signed=True) == "+42 µs"
    assert format_seconds(math.nan) == "—"


def test_render_panel_to_png(qtbot, document, heft_schedule, tmp_path):
    panel = make_panel(qtbot, document, {"heft": heft_schedule})
    trace = run_and_wait(qtbot, panel)
    assert trace.slots
    img = panel.grab()
    path = tmp_path / "panel.png"
    assert img.save(str(path)) and path.stat().st_size > 5000
    assert img.width() >= 700 and img.height() >= 600


# ------------------------------------------------------------------------ taskmapper run flags
def test_cli_run_work_and_data_scale_flags(tmp_path, capsys):
    from cli.main import main

    out = tmp_path / "t.schedule.json"
    rc = main(["run", str(HEFT_EXAMPLE), "--work", "sleep", "--data-scale", "10", "--time-scale", "0.001",
               "-o", str(out)])
    assert rc == 0
    trace = load_schedule(str(out))
    assert trace.meta["work"] == "sleep" and trace.meta["data_scale"] == 10.0
    assert len(trace.slots) == 10
    assert main(["run", str(HEFT_EXAMPLE), "--work", "gpu"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert "--work" in err[-1] and "gpu" in err[-1] and "Traceback" not in err[-1]
    assert main(["run", str(HEFT_EXAMPLE), "--data-scale", "-1"]) == 2


def test_cli_run_dask_processes_flag(tmp_path):
    pytest.importorskip("distributed")
    from cli.main import main

    out = tmp_path / "d.schedule.json"
    rc = main(["run", str(HEFT_EXAMPLE), "--executor", "dask", "--dask-processes", "--work", "sleep",
               "--time-scale", "0.001", "-o", str(out)])
    assert rc == 0
    trace = load_schedule(str(out))
    assert trace.meta["executor"] == "dask" and trace.meta["dask_processes"] is True
    assert len(trace.slots) == 10


def test_code_named_by_the_graph_runs_only_after_the_user_allows_it(qtbot, tmp_path, monkeypatch):
    import sys as _sys

    marker = tmp_path / "imported"
    monkeypatch.setenv("TASKMAPPER_TEST_MARKER", str(marker))
    monkeypatch.syspath_prepend(str(Path(__file__).resolve().parents[1] / "data"))
    _sys.modules.pop("exec_marker", None)
    g = TaskGraph("calls")
    g.add_task("a", 1)
    g.nx.nodes["a"]["call"] = "exec_marker:f"
    doc = Document(graph=g)
    refused = make_panel(qtbot, doc, consent=False)
    refused.set_policy("heft")
    assert not refused.run()
    assert refused.asked_for_consent == [{"exec_marker:f": ["a"]}]
    assert "Not run" in refused.status_label.text() and "exec_marker" in refused.status_label.text()
    assert not marker.exists()  # refusing imported nothing

    allowed = make_panel(qtbot, doc, consent=True)
    allowed.set_policy("heft")
    trace = run_and_wait(qtbot, allowed)
    assert [s.task for s in trace.slots] == ["a"] and marker.exists()
    trace = run_and_wait(qtbot, allowed)  # asked once for this file and these calls
    assert len(allowed.asked_for_consent) == 1
    _sys.modules.pop("exec_marker", None)
