"""What the model tests share: where the example files are, and small files the readers are tested on."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "assets" / "examples"
HEFT_PAPER = EXAMPLES / "heft-paper.taskgraph.json"

#: a Standard Task Graph Set file: 4 real tasks between a dummy entry (0) and a dummy exit (5)
TINY_STG = """\
# a comment before the data
4
0 0 0
1 3 1 0
2 5 1 1
3 2 1 1
4 4 2 2 3
5 0 1 4
"""


def unit_graph(tasks, edges=()):
    """A graph of ``tasks`` (each a one-letter name in a string, or names in a list) costing 1 each, and
    ``edges`` (pairs, or two-letter strings such as ``"ab"``) carrying no data."""
    from model.graph import TaskGraph

    g = TaskGraph()
    for t in tasks:
        g.add_task(t, 1)
    for u, v in edges:
        g.add_edge(u, v)
    return g


def brute_force(g, plat):
    """Smallest makespan over every pin-honouring mapping and every topological order.

    Each task starts as early as its worker and its inputs allow, in the order; some
    optimal schedule is of that form (take its tasks in the order of their starts), so
    this is the optimum, computed independently of every solver. Tiny graphs only.
    """
    import itertools

    from model.instance import compile_instance

    inst = compile_instance(g, plat)
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
                    start = max(start, finish[j] + inst.comm(d, assign[j], p))
                finish[i] = start + float(inst.w[i, p])
                free[p] = finish[i]
            best = min(best, max(finish))
    return best
