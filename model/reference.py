"""Reference instances and an exhaustive optimum, to check the solvers against.

The tests and ``benchmarks/bench_optimal.py`` use the same pieces:

- :func:`brute_force_makespan`: the optimum of a tiny graph by enumeration, computed
  independently of every algorithm and solver;
- :func:`tiny_real_case`: a seeded graph of 3-6 tasks whose costs, data, latency and
  bandwidth are real numbers (nothing scales to thousandths), with some pins;
- :func:`jittered`: a graph with every cost and data size multiplied by a seeded factor.
"""

from __future__ import annotations

import itertools
import random

from model.graph import Platform, TaskGraph
from model.instance import compile_instance

__all__ = ["brute_force_makespan", "jittered", "tiny_real_case"]


def brute_force_makespan(graph: TaskGraph, platform: Platform) -> float:
    """Smallest makespan over every pin-honouring mapping and every topological order.

    Each task starts as early as its worker and its inputs allow, in the order; some
    optimal schedule is of that form (take its tasks in the order of their starts), so
    this is the optimum. The work grows as workers^tasks × tasks!: tiny graphs only.

    Examples
    --------
    >>> g = TaskGraph(); g.add_task("a", 2); g.add_task("b", 3); g.add_edge("a", "b", 10)
    >>> brute_force_makespan(g, Platform.homogeneous(2))
    5.0
    """
    inst = compile_instance(graph, platform)
    n, m = inst.n, inst.m
    choices = [[int(inst.pin[i])] if inst.pin[i] >= 0 else list(range(m)) for i in range(n)]
    orders = [
        order
        for order in itertools.permutations(range(n))
        if all(order.index(j) < order.index(i) for i in range(n) for j in inst.preds[i])
    ]
    best = float("inf")
    for assign in itertools.product(*choices):
        for order in orders:
            free = [0.0] * m
            finish = [0.0] * n
            for i in order:
                p = assign[i]
                start = free[p]
                for j, d in zip(inst.preds[i], inst.pred_data[i]):
                    start = max(start, finish[j] + inst.comm(float(d), assign[j], p))
                finish[i] = free[p] = start + float(inst.w[i, p])
            best = min(best, max(finish))
    return best


def tiny_real_case(seed: int) -> tuple[TaskGraph, Platform]:
    """3-6 tasks with real-valued costs (related or unrelated, 2 or 3 workers), real-valued
    data, latency and bandwidth, and some pins.

    Examples
    --------
    >>> g, plat = tiny_real_case(0)
    >>> 3 <= len(g) <= 6 and len(plat.ids) in (2, 3)
    True
    """
    rnd = random.Random(seed)
    n, m = rnd.randint(3, 6), rnd.choice([2, 3])
    g = TaskGraph(f"real-{seed}")
    unrelated = rnd.random() < 0.5
    for k in range(n):
        if unrelated:
            g.add_task(f"t{k}", costs=[rnd.uniform(0.5, 9.5) for _ in range(m)])
        else:
            g.add_task(f"t{k}", rnd.uniform(0.5, 9.5))
    for v in range(n):
        for u in range(v):
            if rnd.random() < 0.4:
                g.add_edge(f"t{u}", f"t{v}", rnd.uniform(0.0, 8.0))
    plat = Platform.homogeneous(m, bandwidth=rnd.uniform(0.5, 2.0), latency=rnd.uniform(0.0, 1.5))
    for t in g.tasks:
        if rnd.random() < 0.25:
            g.nx.nodes[t]["pin"] = rnd.choice(plat.ids)
    return g, plat


def jittered(graph: TaskGraph, seed: int, spread: float = 0.1) -> TaskGraph:
    """``graph`` with every cost and data size multiplied by a seeded factor in
    [1 - ``spread``, 1 + ``spread``] (integer costs become real-valued ones).

    Examples
    --------
    >>> g = TaskGraph(); g.add_task("a", 10)
    >>> 9.0 <= jittered(g, 1).cost("a") <= 11.0
    True
    """
    rnd = random.Random(seed)
    lo, hi = 1.0 - spread, 1.0 + spread
    h = TaskGraph(graph.name)
    for t in graph.tasks:
        costs = graph.costs(t)
        if costs:
            h.add_task(t, costs=[c * rnd.uniform(lo, hi) for c in costs])
        else:
            h.add_task(t, graph.cost(t) * rnd.uniform(lo, hi))
    for u, v in graph.edges:
        h.add_edge(u, v, graph.data(u, v) * rnd.uniform(lo, hi))
    return h
