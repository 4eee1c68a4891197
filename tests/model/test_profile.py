"""Parallelism profiles: exact steps on hand-computed graphs and schedules, and properties."""


import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from model_helpers import HEFT_PAPER

from model import analysis as A
from model.algorithms import get_algorithm
from model.formats import load_graph
from model.graph import Platform, TaskGraph
from model.profile import (
    earliest_start_profile,
    earliest_starts,
    profile_of_intervals,
    schedule_profile,
    task_times,
    work_and_span,
)
from model.schedule import Schedule, Slot


def diamond() -> TaskGraph:
    """a(2) -> b(3), c(4) -> d(1); data a->b 1, a->c 5, b->d 1, c->d 1."""
    g = TaskGraph("diamond")
    for t, c in [("a", 2), ("b", 3), ("c", 4), ("d", 1)]:
        g.add_task(t, c)
    for u, v, d in [("a", "b", 1), ("a", "c", 5), ("b", "d", 1), ("c", "d", 1)]:
        g.add_edge(u, v, data=d)
    return g


def test_diamond_without_communication():
    # a runs 0-2; b 2-5 and c 2-6 together; d 6-7 right after c (count stays 1 at 6)
    p = earliest_start_profile(diamond())
    assert p.steps == [(0.0, 1), (2.0, 2), (5.0, 1), (7.0, 0)]
    assert (p.work, p.start, p.end, p.span, p.maximum) == (10.0, 0.0, 7.0, 7.0, 2)
    assert p.average == pytest.approx(10 / 7)


def test_diamond_with_the_platforms_communication():
    # bandwidth 2, latency 1: a->b waits 1 + 1/2, a->c 1 + 5/2, c->d 1 + 1/2
    # a 0-2, b 3.5-6.5, c 5.5-9.5, d max(6.5 + 1.5, 9.5 + 1.5) = 11 - 12
    g = diamond()
    plat = Platform.homogeneous(2, bandwidth=2.0, latency=1.0)
    assert earliest_starts(g, plat, communication=True) == {"a": 0.0, "b": 3.5, "c": 5.5, "d": 11.0}
    p = earliest_start_profile(g, plat, communication=True)
    assert p.steps == [(0.0, 1), (2.0, 0), (3.5, 1), (5.5, 2), (6.5, 1), (9.5, 0), (11.0, 1), (12.0, 0)]
    assert p.work == 10.0 and p.span == 12.0 and p.maximum == 2


def test_independent_tasks_and_zero_cost_tasks():
    g = TaskGraph()
    for t in "abc":
        g.add_task(t, 2)
    g.add_task("z", 0)  # takes no time: never counted as running
    g.add_edge("z", "a")
    p = earliest_start_profile(g)
    assert p.steps == [(0.0, 3), (2.0, 0)]
    assert p.average == 3.0 and p.maximum == 3


def test_per_worker_costs_use_the_mean():
    g = TaskGraph()
    g.add_task("a", costs=[2, 4])
    g.add_task("b", costs=[1, 1])
    g.add_edge("a", "b", data=100)
    assert task_times(g) == {"a": 3.0, "b": 1.0}
    assert earliest_start_profile(g).steps == [(0.0, 1), (4.0, 0)]
    assert work_and_span(g) == (4.0, 4.0)


def test_rounding_does_not_make_tiny_steps():
    # a(0.1) -> b(0.2) ends at 0.30000000000000004, c(0.3) at 0.3: one step, not two
    g = TaskGraph()
    g.add_task("a", 0.1)
    g.add_task("b", 0.2)
    g.add_task("c", 0.3)
    g.add_edge("a", "b")
    p = earliest_start_profile(g)
    assert p.steps == [(0.0, 2), (0.3, 0)]  # a cluster is named by its earliest time


def test_empty_graph():
    p = earliest_start_profile(TaskGraph())
    assert p.steps == [(0.0, 0)] and p.work == 0.0 and p.span == 0.0 and p.average == 0.0 and p.maximum == 0


def test_schedule_profile_counts_running_tasks():
    s = Schedule("manual", ["P1", "P2"], [Slot("a", "P1", 0, 2), Slot("c", "P1", 2, 3), Slot("b", "P2", 1, 4)])
    p = schedule_profile(s)
    assert p.steps == [(0.0, 1), (1.0, 2), (3.0, 1), (4.0, 0)]
    assert p.work == 6.0 and p.span == 4.0 and p.average == 1.5


def test_schedule_profile_starts_at_zero_for_a_late_first_task():
    s = Schedule("trace", ["P1"], [Slot("a", "P1", 5, 6)])
    assert schedule_profile(s).steps == [(0.0, 0), (5.0, 1), (6.0, 0)]
    assert schedule_profile(s).average == pytest.approx(1 / 6)


def test_count_at_and_time_at_least():
    p = earliest_start_profile(diamond())
    assert [p.count_at(t) for t in (-1, 0, 1.9, 2, 4.9, 5, 6.5, 7, 8)] == [0, 1, 1, 2, 2, 1, 1, 0, 0]
    assert (p.time_at_least(1), p.time_at_least(2), p.time_at_least(3)) == (7.0, 3.0, 0.0)


def test_to_dict():
    d = earliest_start_profile(diamond()).to_dict()
    assert d["steps"] == [[0.0, 1], [2.0, 2], [5.0, 1], [7.0, 0]]
    assert d["work"] == 10.0 and d["span"] == 7.0 and d["maximum"] == 2


def test_heft_paper_matches_the_analysis():
    g = load_graph(HEFT_PAPER)
    rep = A.analyze(g, g.default_platform())
    p = earliest_start_profile(g)
    assert p.work == pytest.approx(rep.total_work_mean)
    assert p.average == pytest.approx(rep.average_parallelism)
    assert p.maximum <= rep.width
    sched = get_algorithm("heft").schedule(g, g.default_platform())
    sp = schedule_profile(sched)
    assert sp.maximum <= 3
    assert sp.span == pytest.approx(sched.makespan)
    assert sp.work == pytest.approx(sum(s.duration for s in sched.slots))


def test_profile_does_not_change_the_graph():
    g = diamond()
    before = (list(g.nx.nodes(data=True)), list(g.nx.edges(data=True)))
    earliest_start_profile(g, Platform.homogeneous(3), communication=True)
    assert (list(g.nx.nodes(data=True)), list(g.nx.edges(data=True))) == before


@st.composite
def dags(draw):
    n = draw(st.integers(1, 12))
    g = TaskGraph("random")
    for i in range(n):
        g.add_task(f"t{i}", draw(st.integers(0, 9)))
    for j in range(1, n):
        for i in draw(st.sets(st.integers(0, j - 1), max_size=3)):
            g.add_edge(f"t{i}", f"t{j}", draw(st.integers(0, 5)))
    return g


@settings(max_examples=60, deadline=None)
@given(dags())
def test_properties_on_random_graphs(g):
    p = earliest_start_profile(g)
    times = task_times(g)
    assert p.work == pytest.approx(sum(times.values()))
    # the area under the steps is the work
    area = sum((t1 - t0) * c for (t0, c), (t1, _) in zip(p.steps, p.steps[1:]))
    assert area == pytest.approx(p.work)
    # tasks running together are pairwise independent: never more than the width
    assert p.maximum <= A.analyze(g, Platform.homogeneous(2)).width
    assert p.steps[-1][1] == 0 and all(c >= 0 for _, c in p.steps)
    assert all(a[1] != b[1] and a[0] < b[0] for a, b in zip(p.steps, p.steps[1:]))
    w, s = work_and_span(g)
    assert s == pytest.approx(p.span) and w == pytest.approx(p.work)
    if s > 0:
        assert 1.0 - 1e-9 <= p.average <= p.maximum + 1e-9
    # communication only delays: the span can only grow
    pc = earliest_start_profile(g, Platform.homogeneous(2), communication=True)
    assert pc.span >= p.span - 1e-9 and pc.work == pytest.approx(p.work)


def test_profile_of_intervals_merges_equal_counts():
    assert profile_of_intervals([(0, 1), (1, 2)]).steps == [(0.0, 1), (2.0, 0)]
    assert profile_of_intervals([]).steps == [(0.0, 0)]
