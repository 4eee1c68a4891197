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
    """The optimum by enumeration (:func:`model.reference.brute_force_makespan`)."""
    from model.reference import brute_force_makespan

    return brute_force_makespan(g, plat)
