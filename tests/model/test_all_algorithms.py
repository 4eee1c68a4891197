"""Every registered algorithm × many graphs: valid schedules, lower bounds, steps, cancel, determinism.

The algorithm list comes from the registry, so an algorithm added in a new module is
tested here without touching this file. Algorithms whose class sets ``slow = True``
(exact solvers) run only on the small graphs.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from model_helpers import HEFT_PAPER

from model.algorithms import ALGORITHMS, Cancelled, available, get_algorithm
from model.formats import load_graph
from model.graph import Network, Platform, TaskGraph, Worker
from model.instance import compile_instance
from model.schedule import Schedule

SMALL = 10  # tasks: the size slow algorithms are run on
#: Budget options given to every algorithm (the others ignore them): searches that run
#: until a time limit stop after a fixed number of moves instead, so results do not
#: depend on the machine's speed and the file stays fast.
BUDGET = {"time_limit": 30.0, "max_iterations": 50, "work_limit": 0.5}

NAMES = available()
FAST = [n for n in NAMES if not getattr(ALGORITHMS[n], "slow", False)]

Case = tuple[TaskGraph, Platform]


# ------------------------------------------------------------------ the graphs
def _graph(name: str, costs, edges=(), *, unrelated: bool = False) -> TaskGraph:
    g = TaskGraph(name)
    for k, c in enumerate(costs):
        if unrelated:
            g.add_task(f"t{k}", costs=c)
        else:
            g.add_task(f"t{k}", c)
    for u, v, d in edges:
        g.add_edge(f"t{u}", f"t{v}", d)
    return g


def heft_paper() -> Case:
    g = load_graph(HEFT_PAPER)
    return g, g.default_platform()


def chain() -> Case:
    return _graph("chain", [3, 1, 4, 1, 5], [(k, k + 1, 2 * k + 1) for k in range(4)]), Platform.homogeneous(3)


def fork() -> Case:
    return _graph("fork", [2, 3, 1, 4, 1, 5, 9], [(0, k, k) for k in range(1, 7)]), Platform.homogeneous(3)


def join() -> Case:
    return _graph("join", [3, 1, 4, 1, 5, 9, 2], [(k, 6, 7 - k) for k in range(6)]), Platform.homogeneous(2)


def fork_join() -> Case:
    edges = [(0, k, 4) for k in range(1, 5)] + [(k, 5, 4) for k in range(1, 5)]
    return _graph("fork-join", [1, 6, 2, 5, 3, 1], edges), Platform.homogeneous(3)


def no_edges() -> Case:
    return _graph("no edges", [5, 5, 4, 4, 3, 3, 3, 7]), Platform.homogeneous(3)


def one_task() -> Case:
    return _graph("one task", [4]), Platform.homogeneous(3)


def zero_costs() -> Case:
    edges = [(0, 1, 0), (0, 2, 5), (1, 3, 0), (2, 3, 3), (3, 4, 0)]
    return _graph("zero costs", [0, 0, 2, 0, 0], edges), Platform.homogeneous(2)


def all_zero() -> Case:
    return _graph("all zero", [0, 0, 0, 0], [(0, 1, 0), (0, 2, 0), (2, 3, 0)]), Platform.homogeneous(2)


def tiny_costs() -> Case:
    # a task far shorter than the timing tolerance must not slip inside a busy slot
    return _graph("tiny costs", [1, 1e-12, 0], [(1, 2, 0)]), Platform.homogeneous(2)


def unrelated() -> Case:
    costs = [[4, 9, 2], [0, 3, 8], [6, 1, 7], [5, 5, 5], [2, 8, 1], [9, 2, 3]]
    edges = [(0, 1, 4), (0, 2, 6), (1, 3, 2), (2, 3, 9), (2, 4, 1), (3, 5, 3), (4, 5, 5)]
    g = _graph("unrelated", costs, edges, unrelated=True)
    return g, g.default_platform()


def related_speeds() -> Case:
    g = _graph("related", [6, 3, 9, 2, 4, 8], [(0, 2, 3), (1, 2, 1), (2, 3, 4), (2, 4, 2), (3, 5, 1), (4, 5, 6)])
    return g, Platform((Worker("fast", 3.0), Worker("mid", 1.5), Worker("slow", 0.5)))


def latency_bandwidth() -> Case:
    g = _graph("latency", [2, 3, 3, 2, 4], [(0, 1, 6), (0, 2, 2), (1, 3, 8), (2, 3, 1), (3, 4, 5)])
    return g, Platform.homogeneous(3, bandwidth=2.0, latency=1.5)


def per_pair_links() -> Case:
    g = _graph("links", [2, 3, 3, 2, 4, 1], [(0, 1, 6), (0, 2, 2), (1, 3, 8), (2, 4, 1), (3, 5, 5), (4, 5, 3)])
    links = {("P1", "P2"): (10.0, 0.0), ("P2", "P1"): (0.5, 2.0), ("P3", "P1"): (4.0, 1.0)}
    return g, Platform((Worker("P1"), Worker("P2"), Worker("P3")), Network(1.0, 0.5, links))


def one_worker() -> Case:
    g, _ = fork_join()
    return g, Platform.homogeneous(1)


def more_workers_than_tasks() -> Case:
    return _graph("wide platform", [3, 2, 2], [(0, 1, 1), (0, 2, 4)]), Platform.homogeneous(8)


def heavy_chain() -> Case:
    costs = [2, 2, 2, 2, 2, 2, 2, 2]
    return _graph("heavy chain", costs, [(0, 1, 50), (1, 2, 50), (2, 3, 50)]), Platform.homogeneous(2)


def layered(n_layers: int = 8, width: int = 10, m: int = 4, seed: int = 1) -> Case:
    """A random layered DAG with unrelated costs and communication (not small)."""
    rng = np.random.default_rng(seed)
    g = TaskGraph("layered")
    layers = []
    k = 0
    for _ in range(n_layers):
        layer = []
        for _ in range(int(rng.integers(1, width + 1))):
            g.add_task(f"t{k}", costs=rng.integers(1, 30, size=m).astype(float).tolist())
            layer.append(f"t{k}")
            k += 1
        if layers:
            prev = layers[-1]
            for t in layer:
                for s in rng.choice(prev, size=min(len(prev), int(rng.integers(1, 4))), replace=False):
                    g.add_edge(str(s), t, float(rng.integers(0, 40)))
        layers.append(layer)
    return g, Platform.homogeneous(m, bandwidth=2.0, latency=0.5)


CASES: dict[str, Callable[[], Case]] = {
    f.__name__.replace("_", "-"): f
    for f in [
        heft_paper, chain, fork, join, fork_join, no_edges, one_task, zero_costs, all_zero, tiny_costs,
        unrelated,
        related_speeds, latency_bandwidth, per_pair_links, one_worker, more_workers_than_tasks,
        heavy_chain, layered,
    ]
}


def lower_bound(graph: TaskGraph, platform: Platform) -> float:
    """max(longest task at its fastest, total fastest work / m, longest path of fastest times)."""
    inst = compile_instance(graph, platform)
    if inst.n == 0:
        return 0.0
    wmin = inst.w.min(axis=1)
    path = np.zeros(inst.n)
    for i in inst.topo:
        path[i] = wmin[i] + max((path[j] for j in inst.preds[i]), default=0.0)
    return float(max(wmin.max(), wmin.sum() / inst.m, path.max()))


def check_schedule(name: str, s: Schedule, graph: TaskGraph, platform: Platform) -> None:
    s.check(graph, platform)  # schedule() checked already: check again, explicitly
    assert s.algorithm == name
    assert sorted(sl.task for sl in s.slots) == sorted(graph.tasks)
    assert s.workers == platform.ids
    lb = lower_bound(graph, platform)
    assert s.makespan >= lb - 1e-9 * max(1.0, lb), (name, s.makespan, lb)
    assert min((sl.start for sl in s.slots), default=0.0) >= 0.0


def pairs(names: list[str], cases: dict[str, Callable[[], Case]]) -> list:
    sizes = {c: len(f()[0]) for c, f in cases.items()}
    out = []
    for n in names:
        slow = getattr(ALGORITHMS[n], "slow", False)
        for c in cases:
            if slow and sizes[c] > SMALL:
                continue
            out.append(pytest.param(n, c, id=f"{n}-{c}"))
    return out


def make(name: str, seed: int = 0):
    return get_algorithm(name, seed=seed, **BUDGET)


# ----------------------------------------------------------------------- tests
def test_registry_is_not_empty():
    assert {"heft", "round-robin", "random", "greedy", "dsc"} <= set(NAMES)
    for n in NAMES:
        cls = ALGORITHMS[n]
        assert cls.name == n and cls.description and cls.reference
        assert cls.__doc__ and "References" in cls.__doc__, n


@pytest.mark.parametrize("name, case", pairs(NAMES, CASES))
def test_valid_schedule_above_lower_bounds(name, case):
    graph, platform = CASES[case]()
    s = make(name).schedule(graph, platform)
    check_schedule(name, s, graph, platform)
    if case == "heft-paper":
        assert s.makespan >= 73.0 - 1e-9  # the proven optimum
    if case in ("chain", "one-worker"):
        # no parallelism: the best possible is everything on one worker back to back
        assert s.makespan >= sum(graph.cost(t) for t in graph.tasks) - 1e-9
    if case == "all-zero":
        assert s.makespan == 0.0


@pytest.mark.parametrize("name", NAMES)
def test_steps_yield_every_placement(name):
    graph, platform = heft_paper()
    slots = list(make(name).steps(graph, platform))
    assert {sl.task for sl in slots} == set(graph.tasks)
    assert len(slots) >= len(graph)
    final = {sl.task: sl for sl in slots}  # a later slot for a task replaces an earlier one
    s = make(name).schedule(graph, platform)
    assert final == s.slot_of()
    progress: list[tuple[int, int]] = []
    make(name).schedule(graph, platform, progress=lambda d, t: progress.append((d, t)))
    assert progress[-1] == (len(graph), len(graph))


@pytest.mark.parametrize("k", [1, 4])
@pytest.mark.parametrize("name", NAMES)
def test_cancel_after_k_steps(name, k):
    graph, platform = heft_paper()
    ev = threading.Event()
    got = 0
    with pytest.raises(Cancelled):
        for _ in make(name).steps(graph, platform, cancel=ev):
            got += 1
            if got == k:
                ev.set()
    assert got == k


@pytest.mark.parametrize("name", NAMES)
def test_cancelled_schedule_raises(name):
    ev = threading.Event()
    ev.set()
    graph, platform = heft_paper()
    with pytest.raises(Cancelled):
        make(name).schedule(graph, platform, cancel=ev)


@pytest.mark.parametrize("seed", [0, 5])
@pytest.mark.parametrize("name", NAMES)
def test_deterministic_for_a_seed(name, seed):
    graph, platform = heft_paper() if getattr(ALGORITHMS[name], "slow", False) else layered(4, 6, 3, seed=9)
    a = make(name, seed).schedule(graph, platform)
    b = make(name, seed).schedule(graph, platform)
    assert sorted(a.slots, key=lambda s: s.task) == sorted(b.slots, key=lambda s: s.task)


# ------------------------------------------------------------------ hypothesis
@st.composite
def random_cases(draw) -> Case:
    n = draw(st.integers(1, 9))
    m = draw(st.integers(1, 4))
    is_unrelated = draw(st.booleans())
    value = st.one_of(st.integers(0, 20), st.floats(0, 20, allow_nan=False, allow_infinity=False))
    g = TaskGraph("random")
    for k in range(n):
        if is_unrelated:
            g.add_task(f"t{k}", costs=[draw(value) for _ in range(m)])
        else:
            g.add_task(f"t{k}", draw(value))
    raw = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1), value), max_size=3 * n))
    for a, b, d in raw:
        u, v = min(a, b), max(a, b)  # low index -> high index: always acyclic
        if u != v and not g.nx.has_edge(f"t{u}", f"t{v}"):
            g.add_edge(f"t{u}", f"t{v}", d)
    speeds = [1.0] * m if is_unrelated else draw(st.lists(st.sampled_from([0.5, 1.0, 2.0, 3.0]), min_size=m, max_size=m))
    ids = [f"P{k + 1}" for k in range(m)]
    links = {}
    if m > 1 and draw(st.booleans()):
        for p, q in draw(st.lists(st.tuples(st.sampled_from(ids), st.sampled_from(ids)), max_size=4)):
            if p != q:
                links[(p, q)] = (draw(st.sampled_from([0.5, 1.0, 4.0])), draw(st.sampled_from([0.0, 1.0])))
    net = Network(draw(st.sampled_from([0.5, 1.0, 2.0, 10.0])), draw(st.sampled_from([0.0, 0.5, 3.0])), links)
    return g, Platform(tuple(Worker(i, s) for i, s in zip(ids, speeds)), net)


@pytest.mark.parametrize("name", FAST)
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=random_cases())
def test_random_dags(name, case):
    graph, platform = case
    s = make(name, 3).schedule(graph, platform)
    check_schedule(name, s, graph, platform)
