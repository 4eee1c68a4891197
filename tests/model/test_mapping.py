"""Hand mappings (model.mapping): timing against hand-computed numbers, errors, fitting a schedule."""

import json
import math
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from model_helpers import HEFT_PAPER, unit_graph

from model.formats import load_graph
from model.graph import GraphError, Network, Platform, TaskGraph, Worker
from model.mapping import (
    Evaluator,
    Mapping,
    MappingError,
    evaluate,
    fit_problems,
    load_mapping,
    load_pins,
    mapping_from_dict,
    retime,
)
from model.schedule import Schedule, Slot

#: the HEFT paper's own mapping of its example (Topcuoglu et al. 2002, Fig. 5a)
HEFT_MAPPING = {"P1": ["n2", "n8"], "P2": ["n4", "n6", "n9", "n10"], "P3": ["n1", "n3", "n5", "n7"]}


def times(s: Schedule) -> dict[str, tuple[str, float, float]]:
    return {x.task: (x.worker, x.start, x.finish) for x in s.slots}


@pytest.fixture
def heft():
    g = load_graph(HEFT_PAPER)
    return g, g.default_platform()


# ------------------------------------------------------------ hand-computed timings
def test_heft_paper_mapping_gives_the_papers_times(heft):
    g, p = heft
    s = evaluate(g, p, Mapping(HEFT_MAPPING))
    s.check(g, p)
    # bandwidth 1, latency 0: a transfer takes the edge's data. Worked by hand:
    # n4 on P2 waits for n1's 9 units (9 + 9); n8 waits for n6 on P2 (42 + 15);
    # n9 waits for n2 on P1 (40 + 16); n10 waits for n8 on P1 (62 + 11).
    assert times(s) == {
        "n1": ("P3", 0, 9), "n3": ("P3", 9, 28), "n5": ("P3", 28, 38), "n7": ("P3", 38, 49),
        "n4": ("P2", 18, 26), "n6": ("P2", 26, 42), "n9": ("P2", 56, 68), "n10": ("P2", 73, 80),
        "n2": ("P1", 27, 40), "n8": ("P1", 57, 62),
    }
    assert s.makespan == 80 and s.algorithm == "hand"


def test_heft_paper_everything_on_one_worker_runs_back_to_back(heft):
    g, p = heft
    order = [f"n{i}" for i in range(1, 11)]
    s = evaluate(g, p, Mapping({"P1": order}))
    s.check(g, p)
    p1 = [14, 13, 11, 13, 12, 13, 7, 5, 18, 21]  # the costs on P1
    ends = [sum(p1[: k + 1]) for k in range(10)]
    assert [times(s)[t][1:] for t in order] == [(e - c, e) for e, c in zip(ends, p1)]
    assert s.makespan == 127 and s.transfers == []


def test_moving_a_task_retimes_it(heft):
    g, p = heft
    m = Mapping(HEFT_MAPPING).moved("n10", "P3")
    assert m.order["P3"] == ("n1", "n3", "n5", "n7", "n10") and m.order["P2"] == ("n4", "n6", "n9")
    s = evaluate(g, p, m)
    s.check(g, p)
    # on P3 after n7 (49); n8's data from P1 at 62 + 11, n9's from P2 at 68 + 13 = 81; costs[P3] = 16
    assert times(s)["n10"] == ("P3", 81, 97)


def related_toy():
    """a -> b (4), a -> c (10), b -> c (2); P2 twice as fast; bandwidth 2, latency 1."""
    g = TaskGraph("toy")
    g.add_task("a", 4)
    g.add_task("b", 6)
    g.add_task("c", 2)
    g.add_edge("a", "b", 4)
    g.add_edge("a", "c", 10)
    g.add_edge("b", "c", 2)
    p = Platform((Worker("P1", 1.0), Worker("P2", 2.0)), Network(bandwidth=2.0, latency=1.0))
    return g, p


@pytest.mark.parametrize(
    "order, want",
    [
        # a 0-4; b needs a: 4 + 1 + 4/2 = 7, lasts 6/2; c after a on P1, b's data at 10 + 1 + 2/2
        ({"P1": ["a", "c"], "P2": ["b"]}, {"a": ("P1", 0, 4), "b": ("P2", 7, 10), "c": ("P1", 12, 14)}),
        # all on the fast worker: no transfer, halved durations
        ({"P2": ["a", "b", "c"]}, {"a": ("P2", 0, 2), "b": ("P2", 2, 5), "c": ("P2", 5, 6)}),
        # a on P2 0-2; b on P1 at 2 + 1 + 2 = 5 for 6; c after b (11), a's data at 2 + 1 + 5 = 8
        ({"P2": ["a"], "P1": ["b", "c"]}, {"a": ("P2", 0, 2), "b": ("P1", 5, 11), "c": ("P1", 11, 13)}),
    ],
)
def test_latency_bandwidth_and_speeds(order, want):
    g, p = related_toy()
    s = evaluate(g, p, Mapping(order))
    s.check(g, p)
    assert times(s) == want


def test_transfers_follow_the_network():
    g, p = related_toy()
    s = evaluate(g, p, Mapping({"P1": ["a", "c"], "P2": ["b"]}))
    got = {(t.source, t.target): (t.src_worker, t.dst_worker, t.start, t.finish, t.data) for t in s.transfers}
    assert got == {("a", "b"): ("P1", "P2", 4, 7, 4), ("b", "c"): ("P2", "P1", 10, 12, 2)}
    assert sorted(got) == sorted((t.source, t.target) for t in s.compute_transfers(g, p))


def test_unrelated_costs_and_links():
    g = TaskGraph()
    g.add_task("a", costs=[3, 5])
    g.add_task("b", costs=[4, 1])
    g.add_task("c", costs=[2, 2])
    g.add_edge("a", "b", 100)
    g.add_edge("b", "c", 100)
    # P1 -> P2 shares memory (only its latency 0.5); P2 -> P1 goes over the network (1 + 100/10)
    net = Network(bandwidth=10.0, latency=1.0, links={("P1", "P2"): (math.inf, 0.5)})
    p = Platform((Worker("P1"), Worker("P2")), net)
    s = evaluate(g, p, Mapping({"P1": ["a", "c"], "P2": ["b"]}))
    s.check(g, p)
    assert times(s) == {"a": ("P1", 0, 3), "b": ("P2", 3.5, 4.5), "c": ("P1", 15.5, 17.5)}


def test_a_worker_waits_for_its_previous_task_even_when_data_is_ready():
    g = TaskGraph()
    g.add_task("x", 5)
    g.add_task("y", 1)
    g.add_task("z", 1)
    g.add_edge("y", "z", 0)
    s = evaluate(g, Platform.homogeneous(2), Mapping({"P1": ["x", "z"], "P2": ["y"]}))
    assert times(s) == {"x": ("P1", 0, 5), "y": ("P2", 0, 1), "z": ("P1", 5, 6)}


def test_zero_length_tasks_keep_their_order_through_a_schedule():
    g = TaskGraph()
    for t in ("entry", "a", "b", "exit"):
        g.add_task(t, 0 if t in ("entry", "exit") else 3)
    g.add_edge("entry", "a")
    g.add_edge("entry", "b")
    g.add_edge("a", "exit")
    g.add_edge("b", "exit")
    p = Platform.homogeneous(2)
    m = Mapping({"P1": ["entry", "a", "exit"], "P2": ["b"]})
    s = evaluate(g, p, m)
    s.check(g, p)
    assert times(s)["entry"] == ("P1", 0, 0) and times(s)["a"] == ("P1", 0, 3)
    assert Mapping.from_schedule(s) == m
    assert retime(s, g, p).slots == s.slots


def test_evaluator_reuses_its_instance_and_previews_the_makespan(heft):
    g, p = heft
    ev = Evaluator(g, p)
    m = Mapping(HEFT_MAPPING)
    assert ev.makespan(m) == 80 == ev.evaluate(m).makespan
    assert ev.makespan(m.moved("n10", "P3")) == 97
    assert ev.evaluate(m, algorithm="mine", meta={"note": 1}).meta == {"graph": g.name, "note": 1}


def test_retime_keeps_the_mapping_and_the_algorithm_name(heft):
    g, p = heft
    slots = [Slot(t, w, 100.0 * k, 100.0 * k + 1) for w, ts in HEFT_MAPPING.items() for k, t in enumerate(ts)]
    s = retime(Schedule("heft", p.ids, slots), g, p)
    assert s.algorithm == "heft" and s.makespan == 80
    assert retime(Schedule("trace", p.ids, slots), g, p).algorithm == "hand"


# ------------------------------------------------------------ the Mapping object
def test_mapping_from_schedule_orders_by_start_with_ties_in_slot_order():
    s = Schedule("x", ["P1", "P2", "P3"], [
        Slot("c", "P1", 5, 6), Slot("b", "P1", 2, 3), Slot("d", "P1", 2, 2), Slot("e", "P2", 0, 1),
    ])
    m = Mapping.from_schedule(s)
    assert m.order == {"P1": ("b", "d", "c"), "P2": ("e",), "P3": ()}
    assert m.workers == ["P1", "P2", "P3"] and m.tasks == ["b", "d", "c", "e"]
    assert m.assignment() == {"b": "P1", "d": "P1", "c": "P1", "e": "P2"}
    assert len(m) == 4 and "e" in m and "z" not in m


def test_moved_positions():
    m = Mapping({"P1": ["a", "b", "c"], "P2": ["d"]})
    assert m.moved("a", "P1", 2).order["P1"] == ("b", "c", "a")
    assert m.moved("c", "P1", 0).order["P1"] == ("c", "a", "b")
    assert m.moved("d", "P1", 1).order == {"P1": ("a", "d", "b", "c"), "P2": ()}
    assert m.moved("a", "P3").order["P3"] == ("a",)
    assert m.order["P1"] == ("a", "b", "c")  # unchanged
    with pytest.raises(MappingError, match="'z' is not in the mapping"):
        m.moved("z", "P1")


def test_mapping_refuses_a_task_twice():
    with pytest.raises(MappingError, match=r"task 'a' appears twice in the mapping \(on P1 and on P2\)"):
        Mapping({"P1": ["a", "b"], "P2": ["a"]})
    with pytest.raises(MappingError, match=r"task 'a' appears twice in the mapping \(on P1\)"):
        Mapping({"P1": ["a", "b", "a"]})
    with pytest.raises(MappingError, match="'b' appears twice"):
        Mapping.from_slots([("b", "P1", 0), ("b", "P2", 1)])


# ------------------------------------------------------------ errors
def chain_graph():
    """a -> b -> c, d alone; unit costs."""
    return unit_graph("abcd", ["ab", "bc"])


@pytest.mark.parametrize(
    "order, message",
    [
        ({"P1": ["a", "b", "c"]}, "task 'd' is missing from the mapping"),
        ({"P1": ["a"], "P2": ["b"]}, "tasks 'c', 'd' are missing from the mapping"),
        ({"P1": ["a", "b", "c", "d", "x"]}, "the mapping names unknown task 'x'"),
        ({"P1": ["a", "b", "c"], "P7": ["d"]}, "task 'd' is mapped to unknown worker 'P7' (workers: P1, P2)"),
        ({"P1": ["b", "a", "c", "d"]}, "on P1, 'b' is ordered before 'a', but 'b' needs data of 'a'"),
        ({"P1": ["c", "d", "a"], "P2": ["b"]},
         "on P1, 'c' is ordered before 'a', but 'c' depends on 'a' through 'b'"),
    ],
)
def test_bad_mappings_name_the_tasks(order, message):
    with pytest.raises(MappingError) as e:
        evaluate(chain_graph(), Platform.homogeneous(2), Mapping(order))
    assert str(e.value) == message
    assert isinstance(e.value, GraphError)


def test_orders_waiting_on_each_other_across_workers_name_the_cycle():
    g = unit_graph("abcd", ["ab", "cd"])
    # P1 runs d before a, P2 runs b before c: d waits for c, c for b, b for a, a for d
    with pytest.raises(MappingError) as e:
        evaluate(g, Platform.homogeneous(2), Mapping({"P1": ["d", "a"], "P2": ["b", "c"]}))
    msg = str(e.value)
    assert msg.startswith("the orders on P1, P2 wait on each other (deadlock): ")
    for step in ("'d' runs before 'a' on P1", "'b' needs data of 'a'", "'b' runs before 'c' on P2",
                 "'d' needs data of 'c'"):
        assert step in msg
    # the same tasks in a runnable order
    evaluate(g, Platform.homogeneous(2), Mapping({"P1": ["a", "d"], "P2": ["c", "b"]}))


def test_a_pin_on_an_unknown_worker_is_refused_before_timing():
    g = chain_graph()
    g.set_pin("b", "P5")
    with pytest.raises(GraphError, match="task 'b' is pinned to unknown worker 'P5'"):
        evaluate(g, Platform.homogeneous(2), Mapping({"P1": ["a", "b", "c", "d"]}))


# ------------------------------------------------------------ hypothesis
@st.composite
def mapped_graphs(draw):
    n = draw(st.integers(1, 14))
    m = draw(st.integers(1, 4))
    g = TaskGraph()
    unrelated = draw(st.booleans())
    for i in range(n):
        if unrelated:
            g.add_task(f"t{i}", costs=draw(st.lists(st.integers(0, 9), min_size=m, max_size=m)))
        else:
            g.add_task(f"t{i}", draw(st.integers(0, 9)))
    for j in range(n):
        for i in range(j):
            if draw(st.integers(0, 3)) == 0:
                g.add_edge(f"t{i}", f"t{j}", draw(st.integers(0, 9)))
    speeds = draw(st.lists(st.sampled_from([0.5, 1.0, 2.0]), min_size=m, max_size=m))
    net = Network(bandwidth=draw(st.sampled_from([0.5, 1.0, 4.0])), latency=draw(st.sampled_from([0.0, 1.5])))
    p = Platform(tuple(Worker(f"P{k + 1}", s) for k, s in enumerate(speeds)), net)
    rng = random.Random(draw(st.integers(0, 2**32)))
    assign = {t: rng.choice(p.ids) for t in g.tasks}
    # a random topological order: repeatedly take a random task whose predecessors are done
    indeg = {t: len(g.predecessors(t)) for t in g.tasks}
    ready = [t for t in g.tasks if indeg[t] == 0]
    seq = []
    while ready:
        t = ready.pop(rng.randrange(len(ready)))
        seq.append(t)
        for u in g.successors(t):
            indeg[u] -= 1
            if indeg[u] == 0:
                ready.append(u)
    return g, p, Mapping.from_sequence(assign, seq)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mapped_graphs())
def test_random_mappings_give_valid_schedules_keeping_each_workers_order(case):
    g, p, m = case
    s = evaluate(g, p, m)
    s.check(g, p)
    assert {x.task for x in s.slots} == set(g.tasks)
    assert all(x.worker == m.worker_of(x.task) for x in s.slots)
    assert Mapping.from_schedule(s) == m
    # every task starts exactly when its worker and its inputs allow (worked out with the graph's API)
    at = s.slot_of()
    idx = {w: k for k, w in enumerate(p.ids)}
    for w, tasks in m.order.items():
        free = 0.0
        for t in tasks:
            ready = max([free] + [at[u].finish + p.network.comm_time(g.data(u, t), at[u].worker, w)
                                  for u in g.predecessors(t)])
            assert at[t].start == pytest.approx(ready)
            assert at[t].finish == pytest.approx(ready + g.exec_time(t, idx[w], p))
            free = at[t].finish
    assert fit_problems(s, g, p) == []


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mapped_graphs(), st.randoms(use_true_random=False))
def test_a_worker_order_against_a_dependency_is_refused(case, rnd):
    g, p, m = case
    pairs = [(u, v) for u, v in g.edges if m.worker_of(u) == m.worker_of(v)]
    if not pairs:
        return
    u, v = rnd.choice(pairs)
    w = m.worker_of(u)
    # put v right before u on their worker
    bad = m.moved(v, w, m.position(u))
    with pytest.raises(MappingError) as e:
        evaluate(g, p, bad)
    assert f"on {w}, " in str(e.value) and repr(v) in str(e.value)


# ------------------------------------------------------------ fitting a schedule
def test_fit_problems_names_a_wrong_duration():
    g = TaskGraph()
    g.add_task("T1", 4)
    g.add_task("T3", 9)
    g.add_edge("T1", "T3", 2)
    p = Platform((Worker("P1"), Worker("P2", 0.5)))
    s = Schedule("heft", p.ids, [Slot("T1", "P2", 0, 8), Slot("T3", "P2", 8, 17)])
    assert fit_problems(s, g, p) == ["'T3' on P2 lasts 9 but the graph gives 18 (cost 9 ÷ speed 0.5)"]
    g2 = TaskGraph()
    g2.add_task("T3", costs=[1, 7])
    assert fit_problems(Schedule("x", p.ids, [Slot("T3", "P2", 0, 9)]), g2, p) == [
        "'T3' on P2 lasts 9 but the graph gives 7 (its time on P2 in 'costs')"]


def test_fit_problems_of_a_schedule_file_with_wrong_durations(tmp_path, heft):
    g, p = heft
    good = evaluate(g, p, Mapping(HEFT_MAPPING))
    from model.formats.native import schedule_to_dict

    d = schedule_to_dict(good)
    for sd in d["slots"]:
        if sd["task"] == "n7":
            sd["finish"] = sd["start"] + 2  # n7 lasts 11 on P3
    path = tmp_path / "wrong.schedule.json"
    path.write_text(json.dumps(d))
    from model.formats import load_schedule

    s = load_schedule(path)
    assert fit_problems(s, g, p) == ["'n7' on P3 lasts 2 but the graph gives 11 (its time on P3 in 'costs')"]
    assert fit_problems(retime(s, g, p), g, p) == []


def test_fit_problems_precedence_transfers_workers_tasks_pins_and_overlap():
    g, p = related_toy()
    g.set_pin("c", "P2")
    s = Schedule("x", p.ids, [
        Slot("a", "P1", 0, 4),
        Slot("b", "P2", 5, 8),      # a's data arrives on P2 at 4 + 1 + 4/2 = 7
        Slot("c", "P1", 3, 5),      # overlaps a, starts before a finishes, pinned to P2
        Slot("ghost", "P1", 0, 1),
    ])
    probs = fit_problems(s, g, p)
    assert probs[0] == "the schedule places task not in the graph: 'ghost'"
    assert "'c' is pinned to P2 but runs on P1" in probs
    assert "'a' and 'c' overlap on P1 (0-4 and 3-5)" in probs
    assert "'b' starts at 5 on P2 before the data of 'a' arrives from P1 at 7 (finish 4 + transfer 3)" in probs
    assert "'c' starts at 3 before its predecessor 'a' finishes at 4" in probs
    assert "'c' starts at 3 on P1 before the data of 'b' arrives from P2 at 10 (finish 8 + transfer 2)" in probs
    early = Schedule("x", p.ids, [Slot("a", "P1", -4, 0), Slot("b", "P2", 4, 7), Slot("c", "P2", 7, 8)])
    assert fit_problems(early, g, p) == ["'a' starts at -4, before time 0"]
    s2 = Schedule("x", p.ids, [Slot("a", "P9", 0, 4)])
    probs2 = fit_problems(s2, g, p)
    assert "'a' runs on unknown worker 'P9'" in probs2 and "tasks 'b', 'c' are not in the schedule" in probs2


def test_fit_problems_of_a_trace_skip_durations_and_transfers():
    g, p = related_toy()
    # wall-clock seconds: nothing like the costs, but every task after its predecessors
    ok = Schedule("trace", p.ids, [Slot("a", "P1", 0, 0.04), Slot("b", "P2", 0.05, 0.06), Slot("c", "P1", 0.06, 0.07)])
    assert fit_problems(ok, g, p) == []
    bad = Schedule("trace", p.ids, [Slot("a", "P1", 0, 0.04), Slot("b", "P2", 0.03, 0.06), Slot("c", "P1", 0.06, 0.07)])
    assert fit_problems(bad, g, p) == ["'b' starts at 0.03 before its predecessor 'a' finishes at 0.04"]
    # the same slots as a computed schedule: durations are compared too
    assert any("lasts" in x for x in fit_problems(Schedule("heft", ok.workers, ok.slots), g, p))


def test_fit_problems_of_a_graph_that_does_not_fit_the_platform():
    g = TaskGraph()
    g.add_task("a", costs=[1, 2, 3])
    assert fit_problems(Schedule("x", ["P1"], [Slot("a", "P1", 0, 1)]), g, Platform.homogeneous(2)) == [
        "task 'a' has 3 costs but the platform has 2 workers"]


# ------------------------------------------------------------ mapping and pin files
def sched_doc(slots, **extra):
    return {"format": "taskmapper-schedule", "version": 1, "slots": slots, **extra}


def test_mapping_from_dict_orders_by_start_and_keeps_file_order():
    f = mapping_from_dict(sched_doc([
        {"task": "c", "worker": "P1", "start": 7},
        {"task": "a", "worker": "P1", "start": 0},
        {"task": "b", "worker": "P1", "start": 0},
        {"task": "x", "worker": "P2"},
        {"task": "y", "worker": "P2"},
        {"task": "z", "worker": 3, "start": None},
    ], algorithm="heft", workers=["P1", "P2", "3", "P4"]))
    assert f.mapping.order == {"P1": ("a", "b", "c"), "P2": ("x", "y"), "3": ("z",), "P4": ()}
    assert f.algorithm == "heft" and f.workers == ["P1", "P2", "3", "P4"]


@pytest.mark.parametrize(
    "d, message",
    [
        ([], "a mapping is a JSON object"),
        ({"format": "taskmapper-graph", "version": 1, "tasks": []}, "a task graph, not a mapping"),
        ({"format": "other"}, "unknown format 'other'"),
        (sched_doc([], version=2), "unsupported taskmapper-schedule version 2"),
        (sched_doc("x"), "'slots' must be a list"),
        (sched_doc([{"task": "a"}]), "slot #1 has no 'worker'"),
        (sched_doc([{"worker": "P1"}]), "slot #1 has no 'task'"),
        (sched_doc([{"task": "a", "worker": "P1"}, {"task": "a", "worker": "P2"}]),
         r"task 'a' appears twice in the mapping (slots #1 and #2)"),
        (sched_doc([{"task": "a", "worker": "P1", "start": "soon"}]), "start of task 'a' must be a finite number"),
        (sched_doc([{"task": ["a"], "worker": "P1"}]), "task of slot #1 must be a text or a number"),
        (sched_doc([], algorithm=3), "'algorithm' must be a text"),
    ],
)
def test_mapping_from_dict_errors(d, message):
    with pytest.raises(MappingError) as e:
        mapping_from_dict(d)
    assert message in str(e.value)


def test_load_mapping_reads_a_chrome_trace_too(tmp_path, heft):
    g, p = heft
    s = evaluate(g, p, Mapping(HEFT_MAPPING))
    from model.formats import save_schedule

    save_schedule(s, tmp_path / "h.trace.json")
    f = load_mapping(tmp_path / "h.trace.json")
    assert f.mapping == Mapping(HEFT_MAPPING)


def test_load_pins_from_an_object_and_from_a_schedule(tmp_path):
    obj = tmp_path / "pins.json"
    obj.write_text(json.dumps({"a": "P2", "b": None, "c": 3}))
    assert load_pins(obj) == {"a": "P2", "b": None, "c": "3"}
    sch = tmp_path / "m.schedule.json"
    sch.write_text(json.dumps(sched_doc([{"task": "a", "worker": "P1", "start": 0, "finish": 1}])))
    assert load_pins(sch) == {"a": "P1"}
    obj.write_text(json.dumps({"a": ["P2"]}))
    with pytest.raises(GraphError, match=r"the pin of task 'a' must be a worker id, got \['P2'\]"):
        load_pins(obj)
    obj.write_text(json.dumps({"format": "taskmapper-graph", "version": 1, "tasks": []}))
    with pytest.raises(GraphError, match="is a task graph"):
        load_pins(obj)
