"""model.levels: topological levels, t-/b-levels and longest paths, against plain networkx walks."""

from __future__ import annotations

import itertools

import networkx as nx
import numpy as np
import pytest

from model import analysis, levels
from model.generators import generate
from model.graph import GraphError, Platform, TaskGraph
from model.instance import compile_instance
from model.layout import layered_layout

KINDS = [("layered", 1), ("layered", 9), ("fork-join", 2), ("in-tree", 3), ("series-parallel", 4),
         ("gaussian", 5), ("fft", 6), ("montage", 7), ("independent", 8)]


def het_platform():
    return Platform.homogeneous(3, bandwidth=2.0, latency=0.5)


def naive(g: TaskGraph, plat: Platform, communication: bool):
    """t-levels, b-levels and the longest path length by direct walks over networkx."""
    m = len(plat)
    wbar = {t: sum(g.exec_time(t, k, plat) for k in range(m)) / m for t in g.tasks}

    def c(u, v):
        if not communication or m < 2:
            return 0.0
        pairs = [(a, b) for a, b in itertools.product(plat.ids, plat.ids) if a != b]
        return sum(plat.network.comm_time(g.data(u, v), a, b) for a, b in pairs) / len(pairs)

    order = list(nx.topological_sort(g.nx))
    tl = {}
    for v in order:
        tl[v] = max((tl[u] + wbar[u] + c(u, v) for u in g.nx.predecessors(v)), default=0.0)
    bl = {}
    for u in reversed(order):
        bl[u] = wbar[u] + max((c(u, v) + bl[v] for v in g.nx.successors(u)), default=0.0)
    return tl, bl


@pytest.mark.parametrize(("kind", "seed"), KINDS)
def test_topological_levels_are_longest_predecessor_chains(kind, seed):
    g = generate(kind, n=60, seed=seed)
    lvl = levels.level_of(g)
    assert list(lvl) == g.tasks  # insertion order
    for v in g.tasks:
        preds = list(g.nx.predecessors(v))
        assert lvl[v] == (1 + max(lvl[u] for u in preds) if preds else 0)
    rows = levels.levels(g)
    assert rows == [[t for t in g.tasks if lvl[t] == k] for k in range(max(lvl.values()) + 1)]
    # no edge inside a level: each level is a set of independent tasks
    for row in rows:
        assert not any(g.nx.has_edge(u, v) for u in row for v in row)


@pytest.mark.parametrize(("kind", "seed"), KINDS)
@pytest.mark.parametrize("communication", [True, False])
def test_t_and_b_levels_match_direct_walks(kind, seed, communication):
    g = generate(kind, n=60, seed=seed, workers=3)
    plat = het_platform()
    tl, bl = naive(g, plat, communication)
    got_t = levels.t_levels(g, plat, communication=communication)
    got_b = levels.b_levels(g, plat, communication=communication)
    assert list(got_t) == g.tasks and list(got_b) == g.tasks
    for t in g.tasks:
        assert got_t[t] == pytest.approx(tl[t]) and got_b[t] == pytest.approx(bl[t])
    inst = compile_instance(g, plat)
    comm = levels.mean_edge_times(inst) if communication else None
    path, length = levels.longest_path(inst, None, comm)
    assert length == pytest.approx(max(bl.values()))
    # the path is a real path of that length, starting at an entry and ending at an exit
    names = [inst.tasks[i] for i in path]
    assert not list(g.nx.predecessors(names[0])) and not list(g.nx.successors(names[-1]))
    assert all(g.nx.has_edge(u, v) for u, v in itertools.pairwise(names))
    w = inst.mean_w()
    along = sum(w[i] for i in path) + sum(comm[i][inst.succs[i].index(j)] for i, j in itertools.pairwise(path)) \
        if comm is not None else sum(w[i] for i in path)
    assert along == pytest.approx(length)


def test_every_user_of_levels_agrees():
    g = generate("series-parallel", n=80, seed=11)
    lvl = levels.level_of(g)
    assert analysis.level_of(g) == lvl
    assert analysis.levels(g) == levels.levels(g) == analysis.independent_sets(g)
    assert layered_layout(g).levels == lvl
    plat = het_platform()
    r = analysis.analyze(g, plat)
    bl, tl = levels.b_levels(g, plat), levels.t_levels(g, plat)
    assert {t: v.b_level for t, v in r.tasks.items()} == bl
    assert {t: v.t_level for t, v in r.tasks.items()} == tl
    assert analysis.b_levels(g, plat) == bl and analysis.t_levels(g, plat) == tl
    assert r.critical_path_length == max(bl.values())


def test_array_levels_match_the_graph_functions():
    g = generate("layered", n=120, seed=3, workers=2)
    plat = Platform.homogeneous(2, bandwidth=4.0)
    inst = compile_instance(g, plat)
    comm = levels.mean_edge_times(inst)
    t, b = levels.path_levels(inst, None, comm)
    assert np.array_equal(t, levels.top_levels(inst, inst.mean_w(), comm))
    assert np.array_equal(b, levels.bottom_levels(inst, inst.mean_w(), comm))
    assert dict(zip(inst.tasks, b.tolist())) == levels.b_levels(g, plat)
    assert dict(zip(inst.tasks, t.tolist())) == levels.t_levels(g, plat)
    # the static level (no communication) never exceeds the b-level with communication
    assert np.all(levels.bottom_levels(inst) <= b + 1e-9)


def test_empty_graph_and_cycle():
    g = TaskGraph()
    assert levels.level_of(g) == {} and levels.levels(g) == []
    inst = compile_instance(g, Platform.homogeneous(1))
    assert levels.longest_path(inst) == ([], 0.0)
    for t in "abc":
        g.add_task(t)
    g.add_edge("a", "b")
    g.add_edge("b", "c")
    g.nx.add_edge("c", "b")  # a cycle made behind the graph's back
    with pytest.raises(GraphError, match=r"cycle: (b -> c -> b|c -> b -> c)"):
        levels.level_of(g)
