"""The fast LC and Lookahead against plain reference versions kept here.

The references are the straightforward forms of the two heuristics (LC recomputing the
longest paths of every ancestor a peeled path may change, Lookahead trying every child
on every worker with the general gap search). The fast versions must give exactly the
same clusters and the same placements — task, worker, start and finish — on generated
graphs with per-worker costs, with and without communication and pins — both the Python
loops and the compiled kernels (``TASKMAPPER_COMPILED`` ``never`` and ``always``).
"""

from __future__ import annotations

import heapq
from collections.abc import Callable

import numpy as np
import pytest

from model.algorithms import get_algorithm
from model.algorithms.base import Placement
from model.algorithms.engines import (
    Timeline,
    below,
    best_finish,
    candidates,
    compiled,
    placement_order,
    topo_position,
    upward_rank,
    within,
)
from model.algorithms.lc import linear_clusters
from model.generators import generate
from model.graph import Platform, TaskGraph
from model.instance import Instance, compile_instance


@pytest.fixture(autouse=True, params=["never", "always"])
def kernel_mode(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every test here runs with the Python loops and again with the compiled kernels."""
    mode: str = request.param
    monkeypatch.setenv(compiled.ENV, mode)
    return mode


def reference_linear_clusters(inst: Instance) -> list[int]:
    """Linear clustering recomputing, after each peel, every ancestor whose successor changed."""
    n = inst.n
    wbar = inst.mean_w().tolist()
    comm = inst.mean_comm_array(inst.succ_dat).tolist()
    succ, sptr = inst.succ_idx.tolist(), inst.succ_ptr.tolist()
    pred, pptr = inst.pred_idx.tolist(), inst.pred_ptr.tolist()
    pos = topo_position(inst).tolist()
    cluster = [-1] * n
    dist = [0.0] * n
    nxt = [-1] * n

    def longest(i: int) -> tuple[float, int]:
        b, nx_ = 0.0, -1
        for k in range(sptr[i], sptr[i + 1]):
            s = succ[k]
            if cluster[s] < 0:
                v = comm[k] + dist[s]
                if nx_ < 0 or v > b:
                    b, nx_ = v, s
        return wbar[i] + b, nx_

    for i in reversed(inst.topo):
        dist[i], nxt[i] = longest(i)
    heap = [(-dist[i], pos[i], i) for i in range(n)]
    heapq.heapify(heap)
    cid = 0
    while heap:
        d, _, start = heapq.heappop(heap)
        if cluster[start] >= 0 or -d != dist[start]:
            continue
        path = []
        i = start
        while i >= 0:
            cluster[i] = cid
            path.append(i)
            i = nxt[i]
        cid += 1
        todo: list[tuple[int, int]] = []
        queued = set()
        for j in path:
            for k in range(pptr[j], pptr[j + 1]):
                q = pred[k]
                if cluster[q] < 0 and q not in queued:
                    queued.add(q)
                    heapq.heappush(todo, (-pos[q], q))
        while todo:
            _, q = heapq.heappop(todo)
            queued.discard(q)
            dq, nq = longest(q)
            nxt[q] = nq
            if dq != dist[q]:
                dist[q] = dq
                heapq.heappush(heap, (-dq, pos[q], q))
                for k in range(pptr[q], pptr[q + 1]):
                    r = pred[k]
                    if cluster[r] < 0 and r not in queued:
                        queued.add(r)
                        heapq.heappush(todo, (-pos[r], r))
    return cluster


def _graph(kind: str, n: int, seed: int, **params: object) -> Callable[[], tuple[TaskGraph, Platform]]:
    def make() -> tuple[TaskGraph, Platform]:
        g = generate(kind, n=n, seed=seed, **params)
        return g, g.default_platform()

    return make


def _pinned(n: int, seed: int) -> tuple[TaskGraph, Platform]:
    g = generate("layered", n=n, seed=seed, workers=6, ccr=1.0)
    rng = np.random.default_rng(seed)
    names = list(g.nx.nodes)
    for t in rng.choice(len(names), size=n // 20, replace=False).tolist():
        g.set_pin(names[t], f"P{int(rng.integers(1, 7))}")
    return g, g.default_platform()


CASES: dict[str, Callable[[], tuple[TaskGraph, Platform]]] = {
    "layered-1000": _graph("layered", 1000, 1, workers=8, ccr=1.0),
    "layered-3000-ccr5": _graph("layered", 3000, 2, workers=16, ccr=5.0),
    "layered-10000": _graph("layered", 10_000, 3, workers=16, ccr=1.0),
    "layered-2000-ccr0.1": _graph("layered", 2000, 4, workers=4, ccr=0.1, integer=False),
    "series-parallel-2000": _graph("series-parallel", 2000, 5, workers=8),
    "pinned-1500": lambda: _pinned(1500, 6),
}


@pytest.mark.parametrize("case", list(CASES))
def test_linear_clusters_match_the_reference(case: str) -> None:
    g, plat = CASES[case]()
    inst = compile_instance(g, plat)
    got = linear_clusters(inst)
    assert got == reference_linear_clusters(inst)
    assert len(set(got)) > 1


def reference_lookahead(inst: Instance) -> list[Placement]:
    """Lookahead HEFT trying each child on each worker with the general gap search."""
    n, m, w = inst.n, inst.m, inst.w
    rank = upward_rank(inst)
    order = placement_order(inst, rank)
    proc = np.full(n, -1, dtype=np.int64)
    finish = np.zeros(n)
    lines = [Timeline() for _ in range(m)]
    every = range(m)
    cands = candidates(inst)
    out: list[Placement] = []

    def data_ready(j: int, skip: int) -> np.ndarray:
        r = np.zeros(m)
        for k, d in zip(inst.preds[j], inst.pred_data[j]):
            q = int(proc[k])
            if k == skip or q < 0:
                continue
            arr = inst.comm_row(d, q) + finish[k]
            arr[q] = finish[k]
            np.maximum(r, arr, out=r)
        return r

    for i in order:
        ready = inst.ready_times(i, proc, finish)
        kids = sorted(zip(inst.succs[i], inst.succ_data[i]), key=lambda jd: (-rank[jd[0]], jd[0]))
        base = [data_ready(j, i) for j, _ in kids]
        best = (-1, 0.0, 0.0)
        best_metric = 0.0
        for p in every if cands is None else cands[i]:
            d = float(w[i, p])
            s = lines[p].earliest(float(ready[p]), d)
            f = s + d
            metric = f
            if kids:
                lines[p].insert(s, f)
                booked = [(p, s, f)]
                metric = 0.0
                for (j, dj), r0 in zip(kids, base):
                    arr = inst.comm_row(dj, p) + f
                    arr[p] = f
                    q, sj, fj = best_finish(lines, np.maximum(r0, arr), w[j], every if cands is None else cands[j])
                    lines[q].insert(sj, fj)
                    booked.append((q, sj, fj))
                    metric = max(metric, fj)
                for q, sj, fj in reversed(booked):
                    lines[q].remove(sj, fj)
            if best[0] < 0 or metric < below(best_metric) or (metric <= within(best_metric) and f < below(best[2])):
                best, best_metric = (p, s, f), metric
        p, s, f = best
        lines[p].insert(s, f)
        proc[i], finish[i] = p, f
        out.append((i, p, s, f))
    return out


LOOKAHEAD_CASES = ["layered-1000", "layered-3000-ccr5", "layered-2000-ccr0.1", "series-parallel-2000", "pinned-1500"]


@pytest.mark.parametrize("case", LOOKAHEAD_CASES)
def test_lookahead_matches_the_reference(case: str) -> None:
    g, plat = CASES[case]()
    inst = compile_instance(g, plat)
    got = [(int(i), int(p), float(s), float(f)) for i, p, s, f in get_algorithm("lookahead").place(inst, None)]
    want = [(int(i), int(p), float(s), float(f)) for i, p, s, f in reference_lookahead(inst)]
    assert got == want
    assert len({p for _, p, _, _ in got}) > 1
