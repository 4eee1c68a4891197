"""The compiled placement loop of eft_place against the Python one: the same placements, bit for bit.

Every algorithm that places through ``eft_place`` (HEFT, HCPT, PETS, MCT, MET, the fixed
mappings of greedy, round-robin, random, DSC and LC, frugal HEFT's penalty) runs with
``TASKMAPPER_COMPILED=never`` and ``=always`` on many generated graphs: layered and
random DAGs, with and without communication, on identical and unrelated workers, with
whole and real-valued costs, with many ties (equal and zero costs), with pins and with
per-link networks. Task, worker, start and finish must be equal (``==`` on floats).
"""

from __future__ import annotations

import subprocess
import sys
import threading

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from model_helpers import ROOT

from model.algorithms import get_algorithm
from model.algorithms.base import Cancelled
from model.algorithms.engines import compiled, eft_place, placement_order, upward_rank
from model.algorithms.engines.localsearch import frugal_heft
from model.generators import generate
from model.graph import Network, Platform, TaskGraph, Worker
from model.instance import Instance, compile_instance

#: every algorithm whose placements come from eft_place
EFT_ALGORITHMS = ("heft", "hcpt", "pets", "mct", "met", "greedy", "round-robin", "random", "dsc", "lc")


def both(monkeypatch: pytest.MonkeyPatch, run):
    """``run()`` with the Python loop, then with the kernel."""
    monkeypatch.setenv(compiled.ENV, "never")
    python = run()
    monkeypatch.setenv(compiled.ENV, "always")
    kernel = run()
    return python, kernel


def placements(name: str, inst: Instance, **params):
    return lambda: list(get_algorithm(name, **params).place(inst, None))


def linked_platform(m: int, seed: int) -> Platform:
    """``m`` workers of different speeds, a slow default network and faster or slower links between some."""
    rng = np.random.default_rng(seed)
    ws = tuple(Worker(f"P{i + 1}", float(rng.choice([0.5, 1.0, 1.5, 2.0]))) for i in range(m))
    links = {}
    for a in range(m):
        for b in range(m):
            if a != b and rng.random() < 0.4:
                links[(f"P{a + 1}", f"P{b + 1}")] = (float(rng.choice([0.5, 2.0, 4.0])), float(rng.choice([0.0, 1.5])))
    return Platform(ws, Network(bandwidth=1.0, latency=0.5, links=links))


def pin_some(g: TaskGraph, plat: Platform, seed: int, share: float = 0.1) -> None:
    rng = np.random.default_rng(seed)
    ids = plat.ids
    for t in list(g.nx.nodes):
        if rng.random() < share:
            g.nx.nodes[t]["pin"] = ids[int(rng.integers(len(ids)))]


CASES = {
    # HEFT's own benchmark graphs: per-worker costs, communication (CCR 1)
    "layered-unrelated": lambda: (g := generate("layered", n=1500, seed=1, workers=6), g.default_platform()),
    # real-valued costs and heavy communication: gaps of every length
    "layered-real-ccr5": lambda: (g := generate("layered", n=1200, seed=2, workers=4, ccr=5.0, integer=False),
                                  g.default_platform()),
    # identical workers and whole costs: many ties on finish times
    "layered-identical": lambda: (generate("layered", n=1500, seed=3, vary=0.2, cost=4), Platform.homogeneous(5)),
    # no communication: tasks fill the gaps
    "layered-no-comm": lambda: (generate("layered", n=1000, seed=4, ccr=0.0, workers=3), Platform.homogeneous(3)),
    "fork-join": lambda: (generate("fork-join", n=600, seed=5), Platform.homogeneous(4, latency=2.0)),
    "montage": lambda: (g := generate("montage", n=700, seed=6, workers=5), g.default_platform()),
    # one worker gets nearly every task: its timeline region moves and the pool grows again and again
    "chain": lambda: (generate("chain", n=700, seed=10, workers=3), Platform.homogeneous(3)),
    "independent": lambda: (generate("independent", n=800, seed=7, workers=4), Platform.homogeneous(4)),
    "gaussian-links": lambda: (generate("gaussian", size=14, seed=8), linked_platform(5, 8)),
    "layered-links-pins": lambda: (generate("layered", n=900, seed=9), linked_platform(6, 9)),
}


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("name", EFT_ALGORITHMS)
def test_kernel_places_as_python(monkeypatch, case, name):
    g, plat = CASES[case]()
    if case.endswith("pins"):
        pin_some(g, plat, 3)
    inst = compile_instance(g, plat)
    python, kernel = both(monkeypatch, placements(name, inst))
    assert len(python) == inst.n
    assert kernel == python


@pytest.mark.parametrize("name", ["heft", "mct"])
@pytest.mark.parametrize("case", ["layered-unrelated", "layered-identical", "layered-links-pins"])
def test_kernel_without_insertion(monkeypatch, case, name):
    g, plat = CASES[case]()
    if case.endswith("pins"):
        pin_some(g, plat, 4)
    inst = compile_instance(g, plat)
    python, kernel = both(monkeypatch, placements(name, inst, insertion=False))
    assert kernel == python


@pytest.mark.parametrize("weight", [0.5, 4.0])
def test_kernel_with_penalty(monkeypatch, weight):
    """Frugal HEFT chooses by finish plus a penalty: the kernel's choice and times are the same."""
    g = generate("layered", n=1200, seed=11, workers=5, integer=False)
    inst = compile_instance(g, g.default_platform())
    python, kernel = both(monkeypatch, lambda: list(frugal_heft(inst, weight)))
    assert kernel == python


def test_kernel_with_allowed_workers_and_pins(monkeypatch):
    """Random subsets of workers per task, some tasks pinned (the pin wins over the subset)."""
    g = generate("layered", n=1500, seed=12, workers=6)
    plat = g.default_platform()
    pin_some(g, plat, 12, share=0.05)
    inst = compile_instance(g, plat)
    rng = np.random.default_rng(12)
    allowed = [sorted(rng.choice(6, size=int(rng.integers(1, 7)), replace=False).tolist()) for _ in range(inst.n)]
    order = placement_order(inst, upward_rank(inst))
    python, kernel = both(monkeypatch, lambda: list(eft_place(inst, order, None, allowed=allowed)))
    assert kernel == python
    pinned = np.flatnonzero(inst.pin >= 0).tolist()
    assert pinned
    got = {i: p for i, p, _s, _f in kernel}
    assert all(got[i] == inst.pin[i] for i in pinned)


def test_kernel_across_chunks(monkeypatch):
    """Chunks of 256 tasks: the timelines and finish times carry over from one kernel call to the next."""
    from model.algorithms.engines import eft_kernel

    monkeypatch.setattr(eft_kernel, "CHUNK", 256)
    g = generate("layered", n=3000, seed=13, workers=8, integer=False)
    inst = compile_instance(g, g.default_platform())
    for name in ("heft", "met", "greedy"):
        python, kernel = both(monkeypatch, placements(name, inst))
        assert kernel == python


@pytest.mark.parametrize("penalised", [False, True])
def test_rounding_noise_is_a_tie(monkeypatch, penalised):
    """0.1 + 0.2 on P1 and 0.3 on P2 tie (within 1e-12): the lower worker keeps the task."""
    g = TaskGraph()
    g.add_task("a", costs=[0.1, 100.0])
    g.add_task("b", costs=[0.2, 0.3])
    inst = compile_instance(g, Platform.homogeneous(2))
    pen = np.zeros((2, 2)) if penalised else None
    python, kernel = both(monkeypatch, lambda: list(eft_place(inst, [0, 1], None, penalty=pen)))
    assert kernel == python
    assert kernel[1][1] == 0 and kernel[1][3] == 0.1 + 0.2


@st.composite
def tiny_cost_graphs(draw):
    """Random DAGs whose costs include 0 and values about the 1e-9 slack of a gap, so slots that
    overlap by the slack (and finish times out of order) occur."""
    n = draw(st.integers(2, 40))
    m = draw(st.integers(1, 4))
    costs = st.sampled_from([0.0, 0.0, 1e-10, 5e-10, 1e-9, 2e-9, 1.0, 1.0 + 1e-10, 2.0, 3.5])
    g = TaskGraph()
    for i in range(n):
        g.add_task(f"t{i}", costs=[draw(costs) for _ in range(m)])
    for j in range(1, n):
        for i in draw(st.lists(st.integers(0, j - 1), max_size=3, unique=True)):
            g.add_edge(f"t{i}", f"t{j}", draw(st.sampled_from([0.0, 1e-10, 1.0, 2.5])))
    return g, Platform.homogeneous(m, latency=draw(st.sampled_from([0.0, 1e-9, 0.5])))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tiny_cost_graphs(), st.sampled_from(["heft", "hcpt", "pets", "mct", "met", "greedy", "dsc"]))
def test_kernel_on_ties_and_slack(monkeypatch, case, name):
    g, plat = case
    inst = compile_instance(g, plat)
    python, kernel = both(monkeypatch, placements(name, inst))
    assert kernel == python


def test_finish_times_out_of_order_are_walked(monkeypatch):
    """Zero and 1e-10 long slots booked with the gap slack leave the finish times out of order;
    both loops then walk the slots (Timeline._walk), with the same answers."""
    from model.algorithms.engines.timeline import Timeline

    g = TaskGraph()
    for name, cost in [("t0", 0.0), ("t1", 1e-10), ("t2", 0.0), ("t3", 0.0), ("t4", 5e-10),
                       ("u0", 1e-10), ("u1", 0.0), ("u2", 3e-10), ("u3", 1.0), ("u4", 2e-10)]:
        g.add_task(name, costs=[cost, 50.0])
    for a, b in [("t0", "t3"), ("t1", "t2"), ("t3", "t4")]:
        g.add_edge(a, b)
    inst = compile_instance(g, Platform.homogeneous(2))
    walks = []
    real = Timeline._walk
    monkeypatch.setattr(Timeline, "_walk", lambda self, r, d: walks.append(r) or real(self, r, d))
    # t0 t1 t3 t2 t4 leave P1's finish times out of order; the u tasks, ready at 0, then walk
    order = [0, 1, 3, 2, 4, 5, 6, 7, 8, 9]
    python, kernel = both(monkeypatch, lambda: list(eft_place(inst, order, None)))
    assert kernel == python
    assert walks


@pytest.mark.parametrize("mode", ["never", "always"])
def test_cancel_at_the_same_placement(monkeypatch, mode):
    """Cancelled at the same placement in both loops (every 256), also in the middle of a chunk."""
    monkeypatch.setenv(compiled.ENV, mode)
    g = generate("layered", n=2000, seed=14, workers=4)
    inst = compile_instance(g, g.default_platform())
    cancel = threading.Event()
    got = 0
    with pytest.raises(Cancelled):
        for _ in eft_place(inst, placement_order(inst, upward_rank(inst)), cancel):
            got += 1
            if got == 300:
                cancel.set()
    assert got == 512


def test_empty_allowed_list_uses_the_python_loop(monkeypatch):
    """A task with no worker to try is left to the Python loop (the kernel needs one)."""
    g = generate("layered", n=50, seed=15)
    inst = compile_instance(g, Platform.homogeneous(2))
    allowed = [[0, 1]] * inst.n
    allowed[-1] = []
    python, kernel = both(monkeypatch, lambda: list(eft_place(inst, list(inst.topo), None, allowed=allowed)))
    assert kernel == python


def test_small_heft_in_auto_mode_does_not_load_numba():
    code = (
        "import os, sys\n"
        "os.environ.pop('TASKMAPPER_COMPILED', None)\n"
        "from model.generators import generate\n"
        "from model.graph import Platform\n"
        "from model.algorithms import get_algorithm\n"
        "g = generate('layered', n=300, seed=1)\n"
        "s = get_algorithm('heft').schedule(g, Platform.homogeneous(4))\n"
        "assert s.makespan > 0\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('numba', 'llvmlite')))\n"
        "print('eft_kernel' in ' '.join(sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.split("\n")[:2] == ["[]", "False"]


def test_big_heft_in_auto_mode_uses_the_kernel(monkeypatch):
    """From compiled.MIN_WORK task-worker pairs on, auto mode goes through the kernel."""
    from model.algorithms.engines import eft_kernel

    monkeypatch.delenv(compiled.ENV, raising=False)
    calls = []
    real = eft_kernel._place_chunk
    monkeypatch.setattr(eft_kernel, "_place_chunk", lambda *a: (calls.append(a[2] - a[1]), real(*a))[1])
    g = generate("independent", n=compiled.MIN_WORK // 4, seed=16, cost=3)
    inst = compile_instance(g, Platform.homogeneous(4))
    out = list(get_algorithm("mct").place(inst, None))
    assert sum(calls) == inst.n == len(out)
    calls.clear()
    small = compile_instance(generate("independent", n=100, seed=16), Platform.homogeneous(4))
    list(get_algorithm("mct").place(small, None))
    assert calls == []


@pytest.mark.parametrize("small_round", [24, 10**9])
@pytest.mark.parametrize("case", ["layered-real-ccr5", "layered-identical", "fork-join", "chain", "gaussian-links"])
def test_rank_kernel_gives_the_same_ranks(monkeypatch, case, small_round):
    """The task-by-task sweep compiled: the same b-levels, t-levels and ranks, to the last bit
    (``small_round`` 10**9 sends the whole graph through it)."""
    from model.algorithms.engines import b_level, downward_rank, ranks, t_level

    monkeypatch.setattr(ranks, "_SMALL_ROUND", small_round)
    g, plat = CASES[case]()
    inst = compile_instance(g, plat)
    w = inst.mean_w()

    def run():
        return [upward_rank(inst), downward_rank(inst), b_level(inst, w), t_level(inst, w),
                b_level(inst, w, inst.mean_comm_array(inst.succ_dat)), t_level(inst, w, inst.mean_comm_array(inst.succ_dat))]

    python, kernel = both(monkeypatch, run)
    assert all(np.array_equal(a, b) for a, b in zip(python, kernel, strict=True))
    assert python[0].max() > 0
