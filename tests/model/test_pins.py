"""Pins: a task whose attribute ``pin`` names a worker runs there, whatever the algorithm.

Every registered algorithm is run on seeded random graphs with random pins: its
schedule is valid, honours every pin at every step, and a graph with every task pinned
gets exactly that mapping. ``optimal`` with pins is compared with a brute-force
optimum (every mapping that honours the pins × every topological order, each timed as
early as possible) on tiny graphs, and is never worse than a heuristic.
"""

from __future__ import annotations

import random

import numpy as np
import pytest
from model_helpers import brute_force

from model.algorithms import ALGORITHMS, PinViolation, available, get_algorithm
from model.algorithms.base import Algorithm
from model.algorithms.engines import lower_bound
from model.generators import generate
from model.graph import GraphError, Network, Platform, TaskGraph, Worker
from model.instance import compile_instance

#: reproducible budgets of the searches (the other algorithms ignore them)
BUDGET = {"time_limit": 30.0, "max_iterations": 60, "work_limit": 0.3}
SMALL = 10  # tasks: the size slow algorithms are run on
NAMES = available()
HEURISTICS = [n for n in NAMES if not ALGORITHMS[n].slow]


def pin(g: TaskGraph, task: str, worker: str) -> None:
    g.nx.nodes[task]["pin"] = worker


def random_case(seed: int) -> tuple[TaskGraph, Platform]:
    """A seeded graph of varied shape and platform, small enough for every algorithm."""
    rnd = random.Random(seed)
    kind = ["layered", "fork-join", "series-parallel", "independent", "gaussian", "out-tree"][seed % 6]
    n = rnd.randint(4, SMALL)
    params: dict[str, object] = {"n": n}
    if kind == "gaussian":
        params = {"size": 4}
    elif kind == "fork-join":
        params = {}
    m = rnd.randint(2, 4)
    if rnd.random() < 0.5:
        params["workers"] = m  # unrelated costs
        g = generate(kind, seed=seed, **params)
        plat = g.default_platform()
    else:
        g = generate(kind, seed=seed, **params)
        speeds = [rnd.choice([0.5, 1.0, 2.0]) for _ in range(m)]
        ids = [f"P{k + 1}" for k in range(m)]
        links = {("P1", "P2"): (4.0, 1.0)} if rnd.random() < 0.5 else {}
        plat = Platform(tuple(Worker(i, s) for i, s in zip(ids, speeds)), Network(2.0, rnd.choice([0.0, 1.0]), links))
    return g, plat


def random_pins(g: TaskGraph, plat: Platform, seed: int, share: float = 0.4) -> dict[str, str]:
    rnd = random.Random(1000 + seed)
    pins = {t: rnd.choice(plat.ids) for t in g.tasks if rnd.random() < share}
    for t, w in pins.items():
        pin(g, t, w)
    return pins


# --------------------------------------------------------------- the instance
def test_compile_reads_pins_as_worker_indices():
    g = TaskGraph()
    for t in "abc":
        g.add_task(t, 1)
    inst = compile_instance(g, Platform.homogeneous(3))
    assert inst.pin.tolist() == [-1, -1, -1] and not inst.pinned
    assert inst.pin.dtype == np.int64
    pin(g, "c", "P3")
    pin(g, "a", "P2")
    g.nx.nodes["b"]["pin"] = None  # cleared pin: free
    inst = compile_instance(g, Platform.homogeneous(3))
    assert inst.pin.tolist() == [1, -1, 2] and inst.pinned


def test_a_pin_to_an_unknown_worker_is_bad_input_naming_task_and_worker():
    g = TaskGraph()
    g.add_task("a", 1)
    g.add_task("T7", 1)
    pin(g, "T7", "P9")
    with pytest.raises(GraphError, match=r"'T7'.*'P9'"):
        compile_instance(g, Platform.homogeneous(2))
    with pytest.raises(GraphError, match=r"'T7'.*'P9'"):
        get_algorithm("heft").schedule(g, Platform.homogeneous(2))


# ------------------------------------------------------- every algorithm honours pins
def _cases(name: str) -> list[int]:
    return list(range(12)) if not ALGORITHMS[name].slow else list(range(6))


@pytest.mark.parametrize("name", NAMES)
def test_every_algorithm_honours_random_pins(name):
    for seed in _cases(name):
        g, plat = random_case(seed)
        pins = random_pins(g, plat, seed)
        assert pins, seed
        algo = get_algorithm(name, seed=seed, **BUDGET)
        steps = list(algo.steps(g, plat))
        assert all(s.worker == pins[s.task] for s in steps if s.task in pins), (name, seed)
        s = get_algorithm(name, seed=seed, **BUDGET).schedule(g, plat)
        s.check(g, plat)
        mapping = s.mapping()
        assert {t: mapping[t] for t in pins} == pins, (name, seed)
        lb = lower_bound(compile_instance(g, plat))
        assert s.makespan >= lb - 1e-9 * max(1.0, lb), (name, seed)


@pytest.mark.parametrize("name", NAMES)
def test_all_tasks_pinned_gives_exactly_that_mapping(name):
    for seed in range(4):
        g, plat = random_case(seed)
        pins = random_pins(g, plat, seed, share=1.0)
        assert len(pins) == len(g)
        s = get_algorithm(name, seed=seed, **BUDGET).schedule(g, plat)
        s.check(g, plat)
        assert s.mapping() == pins, (name, seed)


@pytest.mark.parametrize("name", HEURISTICS)
def test_pinning_every_task_to_one_worker_runs_them_all_there(name):
    # many pinned tasks compete for one worker while the other stays free
    g = generate("independent", seed=3, n=8)
    for t in g.tasks:
        pin(g, t, "P1")
    s = get_algorithm(name, **BUDGET).schedule(g, Platform.homogeneous(2))
    assert set(s.mapping().values()) == {"P1"}
    assert s.makespan == pytest.approx(sum(g.cost(t) for t in g.tasks))


@pytest.mark.parametrize("name", HEURISTICS)
def test_a_pin_is_followed_even_against_the_algorithms_own_choice(name):
    # every algorithm puts the heavy chain on one worker; pinning its middle task elsewhere must win
    g = TaskGraph("chain")
    for k in range(4):
        g.add_task(f"c{k}", 3)
    for k in range(3):
        g.add_edge(f"c{k}", f"c{k + 1}", 20)
    free = get_algorithm(name, **BUDGET).schedule(g, Platform.homogeneous(2)).mapping()
    other = "P2" if free["c2"] == "P1" else "P1"
    pin(g, "c2", other)
    s = get_algorithm(name, **BUDGET).schedule(g, Platform.homogeneous(2))
    assert s.mapping()["c2"] == other


def test_a_broken_algorithm_that_ignores_a_pin_is_an_internal_error():
    class Stubborn(Algorithm):
        name = "stubborn"
        description = "everything on the first worker"
        family = "baseline"

        def place(self, inst, cancel):
            t = 0.0
            for i in inst.topo:
                yield i, 0, t, t + float(inst.w[i, 0])
                t += float(inst.w[i, 0])

    g = TaskGraph()
    g.add_task("a", 1)
    g.add_task("b", 1)
    assert Stubborn().schedule(g, Platform.homogeneous(2)).makespan == 2.0
    pin(g, "b", "P2")
    with pytest.raises(PinViolation, match=r"internal error: stubborn put task 'b' on 'P1' but it is pinned to 'P2'"):
        Stubborn().schedule(g, Platform.homogeneous(2))
    with pytest.raises(PinViolation):
        list(Stubborn().steps(g, Platform.homogeneous(2)))


# ------------------------------------------------------------ optimal against brute force
def tiny_case(seed: int) -> TaskGraph:
    """3-5 tasks, positive whole costs (unrelated on 2 workers or not), whole data, some pins."""
    rnd = random.Random(seed)
    n = rnd.randint(3, 5)
    g = TaskGraph(f"tiny-{seed}")
    unrelated = rnd.random() < 0.5
    for k in range(n):
        if unrelated:
            g.add_task(f"t{k}", costs=[rnd.randint(1, 9), rnd.randint(1, 9)])
        else:
            g.add_task(f"t{k}", rnd.randint(1, 9))
    for v in range(n):
        for u in range(v):
            if rnd.random() < 0.4:
                g.add_edge(f"t{u}", f"t{v}", rnd.randint(0, 8))
    for t in g.tasks:
        if rnd.random() < 0.4:
            pin(g, t, rnd.choice(["P1", "P2"]))
    return g


TINY_PLATFORM = Platform.homogeneous(2, bandwidth=1.0, latency=1.0)


@pytest.mark.parametrize("seed", range(14))
def test_optimal_with_pins_is_the_brute_force_optimum_and_beats_every_heuristic(seed):
    g = tiny_case(seed)
    plat = TINY_PLATFORM
    want = brute_force(g, plat)
    alg = get_algorithm("optimal", time_limit=20)
    s = alg.schedule(g, plat)
    s.check(g, plat)
    assert alg.info["proven_optimal"] is True
    assert s.makespan == pytest.approx(want)
    assert alg.info["lower_bound"] == pytest.approx(want)  # the bound is that of the pinned problem
    assert lower_bound(compile_instance(g, plat)) <= want + 1e-9
    for name in HEURISTICS:
        h = get_algorithm(name, **BUDGET).schedule(g, plat)
        assert s.makespan <= h.makespan + 1e-9, name


def test_pins_can_make_the_optimum_worse_and_optimal_reports_the_pinned_one():
    # two independent tasks of 4 on two workers: 4 free, 8 when both are pinned to P1
    g = TaskGraph()
    g.add_task("a", 4)
    g.add_task("b", 4)
    free = get_algorithm("optimal", time_limit=10).schedule(g, Platform.homogeneous(2))
    assert free.makespan == 4.0
    pin(g, "a", "P1")
    pin(g, "b", "P1")
    alg = get_algorithm("optimal", time_limit=10)
    s = alg.schedule(g, Platform.homogeneous(2))
    assert s.makespan == 8.0 and alg.info["proven_optimal"] and alg.info["lower_bound"] == 8.0


def test_the_lower_bound_counts_the_work_pinned_to_one_worker():
    g = TaskGraph()
    for t in "abcd":
        g.add_task(t, 3)
    plat = Platform.homogeneous(4)
    assert lower_bound(compile_instance(g, plat)) == 3.0
    for t in "abc":
        pin(g, t, "P2")
    assert lower_bound(compile_instance(g, plat)) == 9.0
    assert brute_force(g, plat) == 9.0


@pytest.mark.parametrize("name", ["improve", "best"])
def test_searches_never_move_a_pinned_task(name):
    g = generate("layered", seed=5, n=30, workers=3)
    plat = g.default_platform()
    pins = random_pins(g, plat, 5, share=0.5)
    algo = get_algorithm(name, seed=1, time_limit=30.0, max_iterations=400, work_limit=0.5)
    seen = 0
    for slot in algo.steps(g, plat):
        if slot.task in pins:
            assert slot.worker == pins[slot.task]
            seen += 1
    assert seen >= len(pins)
