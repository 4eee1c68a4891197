"""The incremental timing of the local search, its estimates, the frugal HEFT starts and the assignment bound."""

from __future__ import annotations

import random

import numpy as np
import pytest

from model.algorithms import get_algorithm
from model.algorithms.engines import eft_place, placement_order, upward_rank
from model.algorithms.engines.bounds import assignment_bound, lower_bound
from model.algorithms.engines.localsearch import (
    Chains,
    Timer,
    _tails,
    from_placements,
    frugal_heft,
    local_search,
)
from model.generators import generate
from model.graph import Platform, TaskGraph, Worker
from model.instance import compile_instance


def _start(seed: int, n: int = 120, workers: int = 4):
    g = generate("layered", n=n, seed=seed, workers=workers, ccr=1.0)
    inst = compile_instance(g, g.default_platform())
    assign, seq = from_placements(inst, list(get_algorithm("heft").place(inst, None)))
    return inst, assign, seq


def _random_move(sol: Chains, rng: random.Random, n: int, m: int):
    i = rng.randrange(n)
    kind = rng.random()
    if kind < 0.3:
        p = rng.randrange(m)
        return [(i, p, sol.key[i])] if p != sol.assign[i] else None
    if kind < 0.7:
        p = rng.randrange(m)
        chain, a, b, lo = sol.slots(i, p)
        return [(i, p, sol.slot_key(chain, rng.randint(a, b), lo))]
    q = rng.randrange(m)
    if q == sol.assign[i]:
        return None
    others = sol.overlapping(i, q)
    if not others:
        return None
    j = rng.choice(others)
    return [(i, q, sol.key[i]), (j, sol.assign[i], sol.key[j])]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_incremental_timing_equals_a_full_timing_after_every_move(seed):
    inst, assign, seq = _start(seed)
    sol = Chains(inst, assign, seq, _tails(inst))
    sol.tails()
    timer = Timer(inst)
    rng = random.Random(seed)
    kept = 0
    for _ in range(1500):
        mv = _random_move(sol, rng, inst.n, inst.m)
        if mv is None:
            continue
        before = (sol.assign.copy(), sol.seq.copy(), sol.start.copy(), sol.finish.copy(), sol.key.copy(),
                  [c.copy() for c in sol.lists], sol.prev.copy(), sol.next.copy())
        ms = sol.apply(mv)
        assert ms is not None
        if rng.random() < 0.4:
            sol.undo()
            after = (sol.assign, sol.seq, sol.start, sol.finish, sol.key, sol.lists, sol.prev, sol.next)
            assert all(x == y for x, y in zip(before, after))
            continue
        sol.commit()
        kept += 1
        start, finish = timer.times(sol.assign, sol.seq)
        assert (sol.start, sol.finish) == (start, finish)
        assert ms == max(finish)
        assert [sol.key[x] for x in sol.seq] == list(range(inst.n))
        assert all(sol.key[x] < sol.key[y] for x in range(inst.n) for y in inst.succs[x])
        assert sol.lists == [[x for x in sol.seq if sol.assign[x] == p] for p in range(inst.m)]
        rest = sol.rest.copy()
        sol.tails()
        assert rest == sol.rest
    assert kept > 300


def test_a_bounded_evaluation_refuses_a_move_past_the_bound_and_leaves_the_solution():
    inst, assign, seq = _start(3)
    sol = Chains(inst, assign, seq, _tails(inst))
    rng = random.Random(3)
    refused = 0
    for _ in range(300):
        mv = _random_move(sol, rng, inst.n, inst.m)
        if mv is None:
            continue
        exact = sol.apply(mv)
        sol.undo()
        finish = sol.finish.copy()
        assert exact is not None
        got = sol.evaluate(mv, exact - 1.0)
        if got is None:
            refused += 1
            assert sol.finish == finish
        else:
            # the tasks past the bound were not moved by it: the exact makespan all the same
            assert got == exact
            sol.undo()
    assert refused > 0


def test_the_estimate_is_the_chain_through_the_moved_task():
    g = TaskGraph()
    for t, c in zip("abc", (2, 3, 4)):
        g.add_task(t, c)
    g.add_edge("a", "b", 1)
    g.add_edge("b", "c", 1)
    inst = compile_instance(g, Platform.homogeneous(2))
    sol = Chains(inst, [0, 0, 0], [0, 1, 2], _tails(inst))
    sol.tails()
    # b to the other worker: a (2) + transfer (1) + b (3) + transfer (1) + c (4)
    assert sol.estimate([(1, 1, sol.key[1])]) == 11.0
    assert sol.apply([(1, 1, sol.key[1])]) == 11.0


def test_local_search_is_deterministic_for_a_seed_and_never_worse():
    inst, assign, seq = _start(4, n=600, workers=6)
    timer = Timer(inst)
    start = max(timer.times(assign, seq)[1])
    runs = [list(local_search(inst, assign, seq, time_limit=60.0, seed=7, max_iterations=400)) for _ in range(2)]
    assert [r[0] for r in runs[0]] == [r[0] for r in runs[1]]
    assert runs[0] and runs[0][-1][0] < start
    for ms, a, s in runs[0]:
        assert max(timer.times(a, s)[1]) == ms


def test_frugal_heft_with_no_weight_is_heft_and_a_weight_saves_work():
    g = generate("layered", n=300, seed=5, workers=6, ccr=1.0)
    inst = compile_instance(g, g.default_platform())
    heft = list(eft_place(inst, placement_order(inst, upward_rank(inst)), None))
    assert list(frugal_heft(inst, 0.0)) == heft
    work = [sum(inst.w[i, p] for i, p, _s, _f in pl) for pl in (heft, list(frugal_heft(inst, 4.0)))]
    assert work[1] < work[0]


def test_frugal_heft_honours_pins():
    g = generate("layered", n=60, seed=2, workers=3)
    for t in list(g.nx.nodes)[::5]:
        g.nx.nodes[t]["pin"] = "P3"
    inst = compile_instance(g, g.default_platform())
    pin = inst.pin.tolist()
    for i, p, _s, _f in frugal_heft(inst, 8.0):
        assert pin[i] < 0 or pin[i] == p


def test_the_assignment_bound_bounds_the_optimum_and_beats_the_load_bound_on_skewed_speeds():
    g = TaskGraph()
    for t in "abcdef":
        g.add_task(t, 6)
    plat = Platform((Worker("fast", 3.0), Worker("slow", 1.0)))
    inst = compile_instance(g, plat)
    # 36 units of work at speeds 3 and 1: fractional loads balance at 9, the minima alone
    # give 6; the optimum is 10 (five tasks on the fast worker, one on the slow)
    assert inst.w.min(axis=1).sum() / inst.m == 6.0
    assert 8.99 < assignment_bound(inst) <= 9.0 + 1e-9
    assert lower_bound(inst) == 9.0  # whole times: rounded up
    assert get_algorithm("improve", max_iterations=300).schedule(g, plat).makespan >= 10.0


@pytest.mark.parametrize("seed", range(6))
def test_the_lower_bound_stays_below_every_schedule(seed):
    g = generate("layered", n=40, seed=seed, workers=3)
    rng = np.random.default_rng(seed)
    speeds = rng.uniform(0.3, 3.0, 3)
    plat = Platform(tuple(Worker(f"P{k + 1}", float(s)) for k, s in enumerate(speeds)))
    inst = compile_instance(g, plat)
    lb = lower_bound(inst)
    for name in ("heft", "mct", "met", "minmin", "improve"):
        ms = get_algorithm(name, max_iterations=200).schedule(g, plat).makespan
        assert lb <= ms + 1e-9
