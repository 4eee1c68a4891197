"""Trace vs prediction: per-task deviation, utilisation, makespan error (model/replay.py)."""

import math
from pathlib import Path

import pytest

from model.algorithms import get_algorithm
from model.execution import run_graph
from model.formats import load_graph
from model.graph import GraphError, Network, TaskGraph
from model.replay import (
    check_fits,
    deviations,
    makespan_error,
    makespan_errors,
    scaled,
    trace_time_scale,
    utilisation,
)
from model.schedule import Schedule, ScheduleError, Slot, Transfer

HEFT_PAPER = Path(__file__).resolve().parents[2] / "assets" / "examples" / "heft-paper.taskgraph.json"


@pytest.fixture(scope="module")
def heft():
    g = load_graph(HEFT_PAPER)
    return g, g.default_platform(), get_algorithm("heft").schedule(g)


def test_deviations_exact_values():
    pred = Schedule("heft", ["P1", "P2"], [Slot("b", "P2", 4, 6), Slot("a", "P1", 0, 4)])
    trace = Schedule("trace", ["P1", "P2"], [Slot("a", "P1", 0.5, 2.5), Slot("b", "P1", 2.5, 3.0)])
    rows = deviations(pred, trace, 0.5)
    # ordered by predicted start, not by slot order
    assert [r["task"] for r in rows] == ["a", "b"]
    a, b = rows
    assert (a["predicted_start"], a["predicted_finish"]) == (0.0, 2.0)
    assert (a["start_late"], a["finish_late"]) == (0.5, 0.5)
    assert a["moved"] is False and a["duration_ratio"] == 1.0
    assert (b["predicted_start"], b["predicted_finish"]) == (2.0, 3.0)
    assert (b["start_late"], b["finish_late"]) == (0.5, 0.0)
    assert b["moved"] is True and (b["predicted_worker"], b["worker"]) == ("P2", "P1")
    assert b["duration_ratio"] == 0.5


def test_deviations_partial_trace_and_zero_duration():
    pred = Schedule("x", ["P1"], [Slot("a", "P1", 0, 0), Slot("b", "P1", 0, 3)])
    trace = Schedule("trace", ["P1"], [Slot("a", "P1", 0.0, 0.1)])
    rows = deviations(pred, trace, 1.0)
    assert [r["task"] for r in rows] == ["a"]
    assert math.isnan(rows[0]["duration_ratio"])


def test_deviations_bad_input():
    pred = Schedule("heft", ["P1"], [Slot("a", "P1", 0, 1)])
    trace = Schedule("trace", ["P1"], [Slot("zz", "P1", 0, 1)])
    with pytest.raises(GraphError, match="'zz'"):
        deviations(pred, trace, 1.0)
    for bad in (0, -1, math.nan, math.inf, "1", True):
        with pytest.raises(GraphError, match="time scale"):
            deviations(pred, Schedule("trace", ["P1"], []), bad)


def test_deviations_of_a_perfect_trace_are_zero(heft):
    _, _, plan = heft
    perfect = scaled(plan, 0.01)
    rows = deviations(plan, perfect, 0.01)
    assert len(rows) == 10
    assert all(abs(r["start_late"]) < 1e-12 and abs(r["finish_late"]) < 1e-12 for r in rows)
    assert not any(r["moved"] for r in rows)


def test_scaled_copies_and_keeps_transfers():
    s = Schedule("heft", ["P1", "P2"], [Slot("a", "P1", 0, 2), Slot("b", "P2", 5, 6)],
                 [Transfer("a", "b", "P1", "P2", 2, 5, 3.0)], {"graph": "g"})
    t = scaled(s, 2.0)
    assert [(x.start, x.finish) for x in t.slots] == [(0, 4), (10, 12)]
    assert (t.transfers[0].start, t.transfers[0].finish, t.transfers[0].data) == (4, 10, 3.0)
    assert t.meta == {"graph": "g", "time_scale": 2.0}
    assert s.slots[1].start == 5 and s.meta == {"graph": "g"}  # input untouched
    assert t.makespan == 2 * s.makespan


def test_utilisation_known_values(heft):
    _, _, plan = heft
    u = utilisation(plan)
    assert list(u) == ["P1", "P2", "P3"]
    busy = {w: sum(s.duration for s in plan.slots if s.worker == w) for w in plan.workers}
    for w in u:
        assert u[w] == pytest.approx(busy[w] / 80.0)
    # scaling time does not change utilisation
    assert utilisation(scaled(plan, 0.003)) == pytest.approx(u)
    assert utilisation(Schedule("x", ["P1"], [])) == {"P1": 0.0}


def test_makespan_errors_known_values():
    trace = Schedule("trace", ["P1"], [Slot("a", "P1", 0.0, 1.0)], meta={"followed": "peft"})
    preds = {"heft": Schedule("heft", ["P1"], [Slot("a", "P1", 0, 80)]),
             "peft": Schedule("peft", ["P1"], [Slot("a", "P1", 0, 100)])}
    rows = makespan_errors(preds, trace, 0.01)
    assert [r["algorithm"] for r in rows] == ["heft", "peft"]
    assert rows[0]["predicted"] == pytest.approx(0.8) and rows[0]["error"] == pytest.approx(0.2)
    # measured ÷ predicted − 1: 1.0 s against 0.8 s is a quarter longer than predicted
    assert rows[0]["error_pct"] == pytest.approx(25.0) and rows[0]["followed"] is False
    assert rows[1]["error_pct"] == pytest.approx(0.0) and rows[1]["followed"] is True
    empty = makespan_errors(preds, Schedule("trace", ["P1"], []), 0.01)
    assert all(math.isnan(r["error_pct"]) for r in empty)


def test_makespan_error_has_one_definition_measured_over_predicted_minus_one():
    # the benchmark's definition: 4.01 s measured against 0.8 s predicted is +401 %, not −80 %
    assert makespan_error(0.8, 4.01) == pytest.approx(4.0125)
    assert makespan_error(1.25, 1.0) == pytest.approx(-0.2)
    assert math.isnan(makespan_error(0.0, 1.0))
    trace = Schedule("trace", ["P1"], [Slot("a", "P1", 0.0, 4.01)])
    row = makespan_errors({"heft": Schedule("heft", ["P1"], [Slot("a", "P1", 0, 80)])}, trace, 0.01)[0]
    assert row["error_pct"] == pytest.approx(100 * makespan_error(0.8, 4.01))
    assert row["error"] == pytest.approx(4.01 - 0.8)


def test_a_recorded_trace_is_checked_in_seconds_against_its_graph():
    # a trace of a run at 0.01 s per cost unit: the data of a -> b (10 units over
    # bandwidth 1) takes 0.1 s, so b starting 0.1 s after a finishes fits; in cost units
    # it would have to wait 10 and "not fit"
    g = TaskGraph()
    g.add_task("a", 1)
    g.add_task("b", 1)
    g.add_edge("a", "b", 10)
    net = Network(bandwidth=1.0)
    trace = Schedule("trace", ["P1", "P2"], [Slot("a", "P1", 0, 0.01), Slot("b", "P2", 0.11, 0.12)],
                     meta={"time_scale": 0.01, "network": "emulated"})
    assert check_fits(trace, g, net).network.comm_time(10, "P1", "P2") == pytest.approx(0.1)
    early = Schedule("trace", ["P1", "P2"], [Slot("a", "P1", 0, 0.01), Slot("b", "P2", 0.05, 0.06)],
                     meta={"time_scale": 0.01, "network": "emulated"})
    with pytest.raises(ScheduleError, match="before the data"):
        check_fits(early, g, net)
    # a computed schedule stays in cost units
    computed = Schedule("heft", ["P1", "P2"], [Slot("a", "P1", 0, 1), Slot("b", "P2", 11, 12)])
    check_fits(computed, g, net)
    with pytest.raises(ScheduleError):
        check_fits(Schedule("heft", ["P1", "P2"], [Slot("a", "P1", 0, 1), Slot("b", "P2", 2, 3)]), g, net)


def test_trace_time_scale():
    assert trace_time_scale(Schedule("trace", [], [], meta={"time_scale": 0.002})) == 0.002
    for bad in (None, 0, -1, "x", True, math.nan):
        assert trace_time_scale(Schedule("trace", [], [], meta={"time_scale": bad}), 3.0) == 3.0


def test_real_run_against_its_prediction(heft):
    g, p, plan = heft
    ts = 0.002
    trace = run_graph(g, p, schedule=plan, time_scale=ts, work="sleep")
    assert trace_time_scale(trace) == ts
    rows = deviations(plan, trace, ts)
    assert len(rows) == 10 and not any(r["moved"] for r in rows)
    # a real run is never early at its end: work lasts at least the predicted time
    # (sleep), and it cannot start before its predecessors
    assert rows[-1]["finish"] == pytest.approx(trace.makespan)
    assert max(r["finish_late"] for r in rows) >= -1e-3
    errs = makespan_errors({"heft": plan}, trace, ts)
    assert errs[0]["followed"] is True
    assert errs[0]["predicted"] == pytest.approx(80 * ts)
    assert errs[0]["measured"] == pytest.approx(trace.makespan)
    assert errs[0]["error_pct"] == pytest.approx(100 * (trace.makespan / (80 * ts) - 1))
    u = utilisation(trace)
    assert set(u) == {"P1", "P2", "P3"} and all(0 < v <= 1 + 1e-9 for v in u.values())
