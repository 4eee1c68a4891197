"""Naive baselines, greedy LPT, the batch-mode family and clustering: known results."""

import threading
from collections import Counter

import pytest

from model.algorithms import Cancelled, available, get_algorithm
from model.algorithms.dsc import dsc_clusters
from model.algorithms.engines import map_clusters, priority_topological_order
from model.algorithms.lc import linear_clusters
from model.graph import Network, Platform, TaskGraph, Worker
from model.instance import compile_instance

MINE = ["round-robin", "random", "greedy", "met", "mct", "minmin", "maxmin", "sufferage", "dsc", "lc"]


def independent(costs=None, *, unrelated=None):
    g = TaskGraph("independent")
    if unrelated is not None:
        for k, c in enumerate(unrelated):
            g.add_task(f"t{k}", costs=c)
    else:
        for k, c in enumerate(costs):
            g.add_task(f"t{k}", c)
    return g


def chain(n, cost=1.0, data=1.0, prefix="c"):
    g = TaskGraph("chain")
    for k in range(n):
        g.add_task(f"{prefix}{k}", cost)
        if k:
            g.add_edge(f"{prefix}{k - 1}", f"{prefix}{k}", data)
    return g


def heavy_chain_graph():
    """A chain exchanging lots of data plus light independent tasks."""
    g = chain(4, cost=2.0, data=50.0)
    for k in range(4):
        g.add_task(f"x{k}", 2.0)
    return g


def test_all_registered():
    assert set(MINE) <= set(available())


def test_round_robin_deals_tasks_in_topological_order():
    g = chain(4)
    s = get_algorithm("round-robin").schedule(g, Platform.homogeneous(2))
    by = s.slot_of()
    assert [by[f"c{k}"].worker for k in range(4)] == ["P1", "P2", "P1", "P2"]
    # every edge crosses workers: 1 of work + 1 of transfer per step
    assert [by[f"c{k}"].start for k in range(4)] == [0.0, 2.0, 4.0, 6.0]
    assert s.makespan == 7.0
    s = get_algorithm("round-robin").schedule(independent([1] * 5), Platform.homogeneous(3))
    assert [s.slot_of()[f"t{k}"].worker for k in range(5)] == ["P1", "P2", "P3", "P1", "P2"]
    assert s.makespan == 2.0


def test_random_is_seeded_and_roughly_uniform():
    g = independent([1] * 200)
    p = Platform.homogeneous(4)
    a = get_algorithm("random", seed=7).schedule(g, p).mapping()
    assert a == get_algorithm("random", seed=7).schedule(g, p).mapping()
    b = get_algorithm("random", seed=8).schedule(g, p).mapping()
    assert a != b
    counts = Counter(a.values())
    assert set(counts) == {"P1", "P2", "P3", "P4"}
    assert all(25 <= c <= 75 for c in counts.values()), counts


def test_greedy_is_lpt_with_grahams_bad_case():
    # LPT gives 11 where the optimum (5+4, 5+4, 3+3+3) is 9
    s = get_algorithm("greedy").schedule(independent([5, 5, 4, 4, 3, 3, 3]), Platform.homogeneous(3))
    assert s.makespan == 11.0
    loads = Counter()
    for sl in s.slots:
        loads[sl.worker] += sl.duration
    assert sorted(loads.values()) == [8.0, 8.0, 11.0]


def test_greedy_prefers_fast_worker_on_related_machines():
    g = independent([6, 6])
    plat = Platform((Worker("fast", 3.0), Worker("slow", 1.0)))
    s = get_algorithm("greedy").schedule(g, plat)
    assert s.mapping() == {"t0": "fast", "t1": "fast"}
    assert s.makespan == 4.0


def test_greedy_ignores_communication_when_choosing():
    g = chain(2, cost=1.0, data=100.0)
    s = get_algorithm("greedy").schedule(g, Platform.homogeneous(2))
    assert s.mapping() == {"c0": "P1", "c1": "P2"}
    assert s.makespan == 102.0  # valid nonetheless: the transfer is paid


@pytest.mark.parametrize(
    "name, makespan, mapping",
    [
        ("met", 5.0, {"t0": "P1", "t1": "P1"}),
        ("mct", 5.0, {"t0": "P1", "t1": "P1"}),
        ("minmin", 5.0, {"t0": "P1", "t1": "P1"}),
        ("maxmin", 3.0, {"t0": "P2", "t1": "P1"}),
        ("sufferage", 3.0, {"t0": "P2", "t1": "P1"}),
    ],
)
def test_batch_family_on_unrelated_machines(name, makespan, mapping):
    # t1 suffers badly (97) away from P1; t0 loses only 1
    g = independent(unrelated=[[2, 3], [3, 100]])
    s = get_algorithm(name).schedule(g, Platform.homogeneous(2))
    assert s.makespan == makespan
    assert s.mapping() == mapping


def test_sufferage_rounds_resolve_conflicts_per_worker():
    # costs on (P1, P2): t0 (5, 1), t1 (4, 6), t2 (2, 4).
    # Round 1, both workers free at 0: t0 best P2 (1), sufferage 5 - 1 = 4; t1 best P1 (4),
    # sufferage 2; t2 best P1 (2), sufferage 2. Scan: t0 takes P2, t1 takes P1, t2 finds
    # P1 held by t1 with an equal sufferage (not larger): t2 waits although nothing else
    # is decided. Commit t0 P2 0-1, t1 P1 0-4.
    # Round 2, P1 free at 4, P2 at 1: t2 completes at 6 on P1, 5 on P2: P2 1-5.
    # (Placing one task per step, t2 would take P1 at 0-2 and t1 would end at 6.)
    g = independent(unrelated=[[5, 1], [4, 6], [2, 4]])
    steps = [(x.task, x.worker, x.start, x.finish) for x in get_algorithm("sufferage").steps(g, Platform.homogeneous(2))]
    assert steps == [("t0", "P2", 0.0, 1.0), ("t1", "P1", 0.0, 4.0), ("t2", "P2", 1.0, 5.0)]


def test_sufferage_larger_sufferage_takes_the_worker_over():
    # t0 (2, 3): best P1, sufferage 1; t1 (3, 100): best P1, sufferage 97. t0 is scanned
    # first and holds P1, t1 takes it over; t0 waits. Round 1: t1 P1 0-3. Round 2, P1 free
    # at 3: t0 completes at 5 on P1, 3 on P2: P2 0-3.
    g = independent(unrelated=[[2, 3], [3, 100]])
    steps = [(x.task, x.worker, x.start, x.finish) for x in get_algorithm("sufferage").steps(g, Platform.homogeneous(2))]
    assert steps == [("t1", "P1", 0.0, 3.0), ("t0", "P2", 0.0, 3.0)]


def test_sufferage_tasks_made_ready_wait_for_the_next_round():
    # a (1) -> c (1) with data 0, b (5) independent, 2 identical workers.
    # Round 1: a best P1 (1), b best P1 (5), both sufferage 0: a keeps P1, b waits.
    # Round 2 (P1 free at 1): b best P2 (5), c (ready now) best P1 (2): both committed.
    g = TaskGraph()
    for t, c in [("a", 1), ("b", 5), ("c", 1)]:
        g.add_task(t, c)
    g.add_edge("a", "c", 0)
    steps = [(x.task, x.worker, x.start, x.finish) for x in get_algorithm("sufferage").steps(g, Platform.homogeneous(2))]
    assert steps == [("a", "P1", 0.0, 1.0), ("b", "P2", 0.0, 5.0), ("c", "P1", 1.0, 2.0)]


def test_minmin_short_first_maxmin_long_first():
    g = independent([1, 1, 1, 3])
    p = Platform.homogeneous(2)
    mn = get_algorithm("minmin").schedule(g, p)
    mx = get_algorithm("maxmin").schedule(g, p)
    assert mn.makespan == 4.0
    assert mx.makespan == 3.0
    assert next(s.task for s in get_algorithm("maxmin").steps(g, p)) == "t3"
    assert [s.task for s in get_algorithm("minmin").steps(g, p)][-1] == "t3"


def test_met_sends_everything_to_the_fastest_worker():
    g = independent(unrelated=[[1, 2], [1, 2], [1, 2], [1, 2]])
    s = get_algorithm("met").schedule(g, Platform.homogeneous(2))
    assert set(s.mapping().values()) == {"P1"}
    assert s.makespan == 4.0
    # MCT weighs the load: t0, t1, t3 on P1 (finish 1, 2, 3), t2 on P2 (finish 2)
    s = get_algorithm("mct").schedule(g, Platform.homogeneous(2))
    assert s.makespan == 3.0
    assert s.mapping() == {"t0": "P1", "t1": "P1", "t2": "P2", "t3": "P1"}
    # identical workers: ties on execution time are broken by completion time
    assert get_algorithm("met").schedule(independent([1] * 4), Platform.homogeneous(2)).makespan == 2.0


def test_batch_family_respects_precedence_and_communication():
    g = TaskGraph()
    for t, c in [("a", 2), ("b", 1), ("c", 4)]:
        g.add_task(t, c)
    g.add_edge("a", "c", 3)
    g.add_edge("b", "c", 1)
    for name in ["minmin", "maxmin", "sufferage"]:
        s = get_algorithm(name).schedule(g, Platform.homogeneous(2))
        # a on P1 (0-2), b on P2 (0-1); c waits for b's data on P1: 1 + 1 = 2, so starts at 2
        assert s.slot_of()["c"].start == 2.0, name
        assert s.makespan == 6.0, name


@pytest.mark.parametrize("name", ["dsc", "lc"])
def test_clustering_keeps_heavy_data_chain_on_one_worker(name):
    g = heavy_chain_graph()
    p = Platform.homogeneous(2)
    s = get_algorithm(name).schedule(g, p)
    workers = {s.mapping()[f"c{k}"] for k in range(4)}
    assert len(workers) == 1
    assert not [t for t in s.transfers if t.source.startswith("c")]
    assert s.makespan == 8.0  # total work 16 on 2 workers: optimal
    rr = get_algorithm("round-robin").schedule(g, p)
    assert rr.makespan > 50.0
    assert get_algorithm("greedy").schedule(g, p).makespan > 50.0


def test_dsc_and_lc_clusters():
    g = TaskGraph()
    for t, c in [("a", 1), ("b", 5), ("c", 1), ("d", 1)]:
        g.add_task(t, c)
    for u, v in [("a", "b"), ("a", "c"), ("b", "d"), ("c", "d")]:
        g.add_edge(u, v, 3)
    inst = compile_instance(g, Platform.homogeneous(2))
    # the path a-b-d is the critical one; c sits apart
    assert linear_clusters(inst) == [0, 0, 1, 0]
    # DSC (blevel a 13, b 9, c 5, d 1): a opens cluster 0 (0-1); b joins it (1-6 < 4-9 alone).
    # c: in cluster 0 it would wait for b (start 6) vs 1 + 3 = 4 alone: opens cluster 1 (4-5).
    # d: arrivals b 6 + 3 = 9, c 5 + 3 = 8; joining b's cluster gives max(6, 8) = 8 < 9.
    # Then the minimisation procedure moves c (alone in its cluster, d its only successor)
    # to the end of cluster 0: c 6-7, d starts at 7 < 8, so the move is kept.
    assert dsc_clusters(inst) == [0, 0, 0, 0]


def test_dsc_without_communication_makes_singletons():
    g = independent([1, 2, 3])
    assert sorted(dsc_clusters(compile_instance(g, Platform.homogeneous(2)))) == [0, 1, 2]


def dsc_by_name(g, workers=2):
    inst = compile_instance(g, Platform.homogeneous(workers))
    return dict(zip(inst.tasks, dsc_clusters(inst)))


def test_dsc_moves_a_lone_predecessor_into_the_join_cluster():
    # a, b, x cost 1; a -> x data 5, b -> x data 4. blevel a 7, b 6, x 1.
    # a opens cluster 0 (0-1), b opens cluster 1 (0-1). x: arrivals a 6, b 5; joining a's
    # cluster: max(end 1, b's 5) = 5 < 6. b is alone with x its only successor: moved to
    # the end of cluster 0 it runs 1-2 and x starts at 2 < 5, so both edges are zeroed.
    g = TaskGraph()
    for t in "abx":
        g.add_task(t, 1)
    g.add_edge("a", "x", 5)
    g.add_edge("b", "x", 4)
    assert dsc_by_name(g) == {"a": 0, "b": 0, "x": 0}
    # b with a second successor e (data 0) must stay: moving it would shift e's input.
    # x joins cluster 0 at 5 (< 6) and stops there; e: b's cluster gives max(1, 1) = 1,
    # not better than alone (1 + 0), so e opens cluster 2.
    g.add_task("e", 1)
    g.add_edge("b", "e", 0)
    assert dsc_by_name(g) == {"a": 0, "b": 1, "x": 0, "e": 2}


def dsrw_graph():
    g = TaskGraph()
    for t, c in [("a", 1), ("x", 8), ("b", 1), ("y", 1), ("z", 10)]:
        g.add_task(t, c)
    for u, v, d in [("a", "x", 10), ("a", "y", 10), ("b", "y", 1), ("y", "z", 1)]:
        g.add_edge(u, v, d)
    return g


def test_dsc_reduction_warranty_protects_the_partially_free_task():
    # blevel: z 10, y 1 + 1 + 10 = 12, x 8, b 1 + 1 + 12 = 14, a 1 + 10 + 12 = 23.
    # a opens cluster 0 (0-1). Free: x (tlevel 11, priority 19), b (0 + 14 = 14); partially
    # free: y (tlevel 11 from a, priority 23). x is examined first; joining cluster 0 would
    # start it at 1 < 11, but y outranks x: with x in cluster 0 (1-9) y could start there
    # at 9 at best, with x alone at 1 (right after a). The warranty refuses: x opens
    # cluster 1 (11-19). b opens cluster 2 (0-1). y: arrivals a 11, b 2; joining cluster 0
    # starts it at max(1, 2) = 2 (moving b there would not start it earlier); z follows y.
    assert dsc_by_name(dsrw_graph(), 3) == {"a": 0, "x": 1, "b": 2, "y": 0, "z": 0}


def test_dsc_reduction_warranty_gives_a_shorter_schedule():
    # the three clusters on three workers, timed by upward rank (a, b, y, z, x):
    # a P1 0-1, b P3 0-1, y P1 at max(1, 1 + 1) = 2 to 3, z P1 3-13, x P2 at 1 + 10 = 11 to 19.
    # Without the warranty x would share a's worker (1-9), pushing y to 9 and z to 10-20,
    # and after merging onto workers the makespan would be 21.
    s = get_algorithm("dsc").schedule(dsrw_graph(), Platform.homogeneous(3))
    assert s.makespan == 19.0
    assert s.mapping()["x"] not in {s.mapping()[t] for t in "ayz"}


def test_map_clusters_balances_and_never_splits():
    g = independent([4, 4, 3, 2, 2, 1])
    inst = compile_instance(g, Platform.homogeneous(2))
    where = map_clusters(inst, [0, 0, 1, 2, 2, 3])  # loads 8, 3, 4, 1
    assert where[0] == where[1] and where[3] == where[4]
    loads = Counter()
    for i, p in enumerate(where):
        loads[p] += inst.w[i, p]
    assert sorted(loads.values()) == [8.0, 8.0]


def test_priority_topological_order_never_breaks_precedence():
    g = TaskGraph()
    for t, c in [("a", 1), ("b", 9), ("c", 5), ("d", 7)]:
        g.add_task(t, c)
    g.add_edge("a", "b")
    g.add_edge("c", "d")
    inst = compile_instance(g, Platform.homogeneous(1))
    order = [inst.tasks[i] for i in priority_topological_order(inst, inst.mean_w())]
    assert order == ["c", "d", "a", "b"]


def test_links_and_latency_are_paid():
    g = chain(2, cost=1.0, data=4.0)
    net = Network(bandwidth=2.0, latency=1.0, links={("P1", "P2"): (4.0, 0.5)})
    p = Platform((Worker("P1"), Worker("P2")), net)
    s = get_algorithm("round-robin").schedule(g, p)
    assert s.slot_of()["c1"].start == 1.0 + 0.5 + 4.0 / 4.0


@pytest.mark.parametrize("name", MINE)
def test_cancel_before_start(name):
    ev = threading.Event()
    ev.set()
    with pytest.raises(Cancelled):
        list(get_algorithm(name).steps(heavy_chain_graph(), Platform.homogeneous(2), cancel=ev))
