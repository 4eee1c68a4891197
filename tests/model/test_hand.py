"""model.hand: where a dropped task goes, the names and pins of hand results, re-timed chart bars."""

from __future__ import annotations

from pathlib import Path

import pytest

from model.algorithms import get_algorithm
from model.chart import gantt_geometry
from model.formats import load_graph
from model.hand import (
    drop_position,
    hand_name,
    kept_pins,
    makespan_change,
    position_in_time,
    retimed_geometry,
)
from model.mapping import Mapping, evaluate
from model.schedule import Schedule, Slot

EXAMPLES = Path(__file__).resolve().parents[2] / "assets" / "examples"


@pytest.fixture(scope="module")
def heft():
    g = load_graph(EXAMPLES / "heft-paper.taskgraph.json")
    return g, get_algorithm("heft").schedule(g)


def test_a_drop_goes_before_the_first_task_starting_after_it(heft):
    _, s = heft
    m = Mapping.from_schedule(s)
    starts = {x.task: x.start for x in s.slots}
    assert list(m.order["P2"]) == ["n4", "n6", "n9", "n10"]  # starts 18, 26, 56, 73
    assert drop_position(m, starts, "n1", "P2", 0.0) == 0
    assert drop_position(m, starts, "n1", "P2", 18.0) == 1  # a start equal to x is not after it
    assert drop_position(m, starts, "n1", "P2", 60.0) == 3
    assert drop_position(m, starts, "n1", "P2", 100.0) == 4
    # along its own lane the task itself is left out
    assert drop_position(m, starts, "n4", "P2", 30.0) == 1
    assert m.moved("n4", "P2", 1).order["P2"] == ("n6", "n4", "n9", "n10")


def test_moving_to_a_worker_keeps_the_task_in_time_order(heft):
    g, s = heft
    m = Mapping.from_schedule(s)
    for t in g.tasks:
        for w in s.workers:
            new = m.moved(t, w, position_in_time(m, s, t, w))
            # the orders stay sorted by the old starts: the mapping always runs
            assert evaluate(g, g.default_platform(), new).makespan > 0


def test_hand_names_and_kept_pins_and_change():
    assert hand_name(["hand", "hand 3"]) == "hand 2"
    m = Mapping({"P1": ["a", "b"], "P2": ["c"]})
    assert kept_pins({"b": "P2"}, m, ["c", "a"]) == {"b": "P2", "c": "P2", "a": "P1"}
    assert kept_pins({"c": "P1"}, m, ["c"]) == {"c": "P1"}  # the graph's pin wins over the hand placement
    assert makespan_change(2.5, 3) == "makespan 2.5 → 3, +0.5"


def test_retimed_bars_keep_their_order_and_follow_the_new_slots(heft):
    g, s = heft
    geo = gantt_geometry([s], g)
    m = Mapping.from_schedule(s)
    new = evaluate(g, g.default_platform(), m.moved("n4", "P1", 0))
    r = retimed_geometry(geo, new)
    assert r is not None and r.bar_task == geo.bar_task and r.schedules == [new]
    assert (r.arrow_a == geo.arrow_a).all() and (r.bar_code == geo.bar_code).all()
    full = gantt_geometry([new], g)
    for t, i in r.bar_maps[0].items():
        j = full.bar_maps[0][t]
        assert (r.x0[i], r.x1[i], r.y[i], r.bar_worker[i]) == (full.x0[j], full.x1[j], full.y[j], full.bar_worker[j])
        assert r.bar_slot[i] == full.bar_slot[j]


def test_retimed_bars_need_the_same_single_chart(heft):
    g, s = heft
    other = Schedule("x", ["P1"], [Slot("n1", "P1", 0, 1)])
    assert retimed_geometry(gantt_geometry([s], g, show_transfers=True), s) is None
    assert retimed_geometry(gantt_geometry([s, s], g), s) is None
    assert retimed_geometry(gantt_geometry([s], g), other) is None
    assert retimed_geometry(gantt_geometry([s], g), Schedule("x", ["P3", "P2", "P1"], s.slots)) is None
