"""Benchmark graph generators: structure, parameters, determinism, errors."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pytest
from model_helpers import unit_graph

from model.algorithms import get_algorithm
from model.generators import GENERATORS, generate, layout_levels, parameters
from model.graph import GraphError, TaskGraph


def levels(g: TaskGraph) -> dict[str, int]:
    lv: dict[str, int] = {}
    for t in g.topological_order():
        lv[t] = max((lv[p] + 1 for p in g.predecessors(t)), default=0)
    return lv


@pytest.mark.parametrize("kind", sorted(GENERATORS))
def test_every_kind_is_valid_deterministic_positioned_and_schedulable(kind):
    g = generate(kind, n=40, seed=7)
    g.validate()
    assert len(g) >= 10
    # the same seed gives the very same graph, costs and data included
    h = generate(kind, n=40, seed=7)
    assert g.tasks == h.tasks and g.edges == h.edges
    assert [g.cost(t) for t in g.tasks] == [h.cost(t) for t in h.tasks]
    assert [g.data(*e) for e in g.edges] == [h.data(*e) for e in h.edges]
    # another seed changes the weights
    k = generate(kind, n=40, seed=8)
    assert [g.cost(t) for t in g.tasks] != [k.cost(t) for t in k.tasks]
    # a layered drawing: every edge goes down at least one row
    for t in g.tasks:
        a = g.task_attrs(t)
        assert isinstance(a["x"], float) and isinstance(a["y"], float)
    for u, v in g.edges:
        assert g.task_attrs(u)["y"] < g.task_attrs(v)["y"]
    # whole-number costs of at least 1 by default
    assert all(g.cost(t) >= 1 and float(g.cost(t)).is_integer() for t in g.tasks)
    s = get_algorithm("heft").schedule(g, g.default_platform(3))
    s.check(g, g.default_platform(3))
    assert g.attrs["generator"]["kind"] == kind


def test_layered_follows_the_heft_paper_parameters():
    n = 2500
    for alpha in (0.5, 1.0, 2.0):
        g = generate("layered", n=n, alpha=alpha, seed=1)
        assert len(g) == n
        depth = max(levels(g).values()) + 1
        assert depth == round(math.sqrt(n) / alpha)
    g = generate("layered", n=n, out_degree=4, ccr=5.0, seed=2)
    lv = levels(g)
    # every task outside the first level has a predecessor, and edges go one level down
    assert all(g.predecessors(t) for t in g.tasks if lv[t] > 0)
    assert all(lv[v] == lv[u] + 1 for u, v in g.edges)
    # mean out-degree of non-exit levels close to out_degree (duplicates merged, orphans adopted)
    last = max(lv.values())
    inner = [t for t in g.tasks if lv[t] < last]
    mean_out = sum(len(g.successors(t)) for t in inner) / len(inner)
    assert 3.0 < mean_out < 4.5
    # CCR: mean data / mean cost (bandwidth 1)
    costs = np.array([g.cost(t) for t in g.tasks])
    data = np.array([g.data(*e) for e in g.edges])
    assert data.mean() / costs.mean() == pytest.approx(5.0, rel=0.1)
    # the paper's w_i ~ U(0, 2 w_DAG): mean 20, spread over the whole range
    assert costs.mean() == pytest.approx(20, rel=0.1)
    assert costs.min() <= 2 and costs.max() >= 38


def test_layered_heterogeneity_beta():
    g = generate("layered", n=500, workers=4, beta=1.0, integer=False, vary=0.0, cost=100, seed=3)
    assert g.is_unrelated()
    arr = np.array([g.costs(t) for t in g.tasks])
    assert arr.shape == (500, 4)
    # w_ij ~ U(w_i (1 - beta/2), w_i (1 + beta/2)) with w_i = 100 (vary = 0)
    assert arr.min() >= 50 - 1e-9 and arr.max() <= 150 + 1e-9
    assert arr.mean() == pytest.approx(100, rel=0.03)
    assert g.default_platform().ids == ["P1", "P2", "P3", "P4"]
    beta0 = generate("layered", n=50, workers=3, beta=0.0, seed=3)
    assert all(len(set(beta0.costs(t))) == 1 for t in beta0.tasks)


def test_gaussian_structure():
    for m in (2, 3, 5, 10):
        g = generate("gaussian", size=m)
        assert len(g) == (m * m + m - 2) // 2
        # critical path: pivot, update of the next column, next pivot ...: 2(m-1) tasks long
        assert nx.dag_longest_path_length(g.nx) == 2 * (m - 1) - 1
        assert [t for t in g.tasks if not g.predecessors(t)] == ["P1"]
    g = generate("gaussian", size=4)
    assert sorted(g.successors("P1")) == ["U1_2", "U1_3", "U1_4"]
    assert sorted(g.successors("U1_2")) == ["P2"]
    assert sorted(g.successors("U1_3")) == ["U2_3"]
    assert sorted(g.predecessors("U2_4")) == ["P2", "U1_4"]
    # n picks the nearest size: 20 tasks -> size 5 (14) or 6 (20)
    assert len(generate("gaussian", n=20)) == 20


def test_fft_structure():
    for p in (2, 4, 8, 16):
        g = generate("fft", points=p)
        stages = int(math.log2(p))
        assert len(g) == 2 * p - 1 + p * stages
        assert nx.dag_longest_path_length(g.nx) == stages + stages  # tree depth + butterflies
        exits = [t for t in g.tasks if not g.successors(t)]
        assert len(exits) == p
        for t in g.tasks:
            if t.startswith("B"):
                assert len(g.predecessors(t)) == 2
    g = generate("fft", points=4)
    assert sorted(g.predecessors("B2_1")) == ["B1_1", "B1_3"]
    assert generate("fft", n=100).attrs["generator"]["n"] == 100
    assert len(generate("fft", n=100)) == 95  # 16 points: 31 + 64


def test_trees_fork_join_chain_independent():
    out = generate("out-tree", n=15, degree=2)
    assert nx.is_arborescence(out.nx) and len(out) == 15
    assert max(levels(out).values()) == 3
    inn = generate("in-tree", n=13, degree=3)
    assert nx.is_arborescence(inn.nx.reverse()) and len(inn) == 13
    assert [t for t in inn.tasks if not inn.successors(t)] == ["T1"]
    fj = generate("fork-join", width=5, phases=3)
    assert len(fj) == 1 + 3 * 6 and fj.nx.number_of_edges() == 3 * 10
    assert nx.dag_longest_path_length(fj.nx) == 6
    assert len(generate("fork-join", n=50)) == 50
    ch = generate("chain", n=12)
    assert nx.dag_longest_path_length(ch.nx) == 11
    ind = generate("independent", n=9)
    assert len(ind) == 9 and ind.nx.number_of_edges() == 0


def test_series_parallel_is_two_terminal_and_reducible():
    for seed in range(5):
        g = generate("series-parallel", n=60, seed=seed, branches=4)
        assert len(g) == 60
        assert len([t for t in g.tasks if not g.predecessors(t)]) == 1
        assert len([t for t in g.tasks if not g.successors(t)]) == 1
        assert _is_series_parallel(g.nx)


def _is_series_parallel(h: nx.DiGraph) -> bool:
    """Vertex series-parallel check: add a source/sink edge view and reduce edges
    (series: a node with one in- and one out-edge; parallel: duplicate edges)."""
    m = nx.MultiDiGraph()
    # node-weighted SP graph -> edge SP graph: split each node into (in, out)
    for t in h.nodes:
        m.add_edge((t, 0), (t, 1))
    for u, v in h.edges:
        m.add_edge((u, 1), (v, 0))
    changed = True
    while changed and m.number_of_edges() > 1:
        changed = False
        for u, v in list(m.edges()):
            if m.number_of_edges(u, v) > 1:
                keys = list(m[u][v])
                for k in keys[1:]:
                    m.remove_edge(u, v, k)
                changed = True
        for x in list(m.nodes):
            if m.in_degree(x) == 1 and m.out_degree(x) == 1:
                (a, _), (_, b) = next(iter(m.in_edges(x))), next(iter(m.out_edges(x)))
                m.remove_node(x)
                m.add_edge(a, b)
                changed = True
    return m.number_of_edges() == 1


def test_montage_structure():
    g = generate("montage", images=5)
    assert len(g) == 4 * 5 + 3
    cats = [g.task_attrs(t)["category"] for t in g.tasks]
    assert cats.count("mProjectPP") == 5 and cats.count("mDiffFit") == 2 * 5 - 3
    assert [t for t in g.tasks if not g.successors(t)] == ["mJPEG"]
    assert sorted(g.predecessors("mDiffFit_1_3")) == ["mProjectPP_1", "mProjectPP_3"]
    assert set(g.predecessors("mAdd")) == {"mImgtbl", *(f"mBackground_{i}" for i in range(1, 6))}
    # images are heavier to move than fit tables
    assert g.data("mProjectPP_1", "mDiffFit_1_2") > g.data("mDiffFit_1_2", "mConcatFit")


def test_common_weight_parameters():
    g = generate("chain", n=5, cost=7, vary=0, ccr=2)
    assert [g.cost(t) for t in g.tasks] == [7] * 5
    assert [g.data(*e) for e in g.edges] == [14] * 4
    f = generate("chain", n=50, integer=False, seed=1)
    assert any(not float(f.cost(t)).is_integer() for t in f.tasks)
    assert generate("independent", n=3, m=2).costs("T1") is not None  # 'm' is 'workers'


def test_large_layered_graph():
    g = generate("layered", n=20000, workers=4, seed=1)
    assert len(g) == 20000
    assert g.nx.number_of_edges() > 40000
    g.check_acyclic()


@pytest.mark.parametrize(
    ("kind", "params", "expect"),
    [
        ("spiral", {}, r"unknown generator 'spiral'; known: layered"),
        ("layered", {"colour": 3}, r"unknown parameter 'colour' for generator 'layered'"),
        ("layered", {"alpha": 0}, r"parameter 'alpha' of generator 'layered' must be > 0"),
        ("layered", {"n": 0}, r"parameter 'n' of generator 'layered' must be at least 1"),
        ("layered", {"n": 2.5}, r"parameter 'n' of generator 'layered' must be a whole number"),
        ("layered", {"ccr": "high"}, r"parameter 'ccr' of generator 'layered' must be a number"),
        ("layered", {"beta": 3}, r"parameter 'beta' of generator 'layered' must be >= 0 and <= 2"),
        ("fft", {"points": 6}, r"'points' of generator 'fft' must be a power of 2, got 6"),
        ("gaussian", {"size": 1}, r"parameter 'size' of generator 'gaussian' must be between 2"),
        ("chain", {"workers": 0}, r"parameter 'workers' of generator 'chain'"),
        ("chain", {"integer": "yes"}, r"'integer' of generator 'chain' must be true or false"),
        ("montage", {"images": -1}, r"parameter 'images' of generator 'montage' must be at least 2"),
        # sizes that would hang the machine are refused at once
        ("layered", {"n": 1e9}, r"parameter 'n' of generator 'layered' must be at most 1,000,000, got 1,000,000,000"),
        ("chain", {"n": 10**30}, r"parameter 'n' of generator 'chain' must be at most 1,000,000"),
        ("fork-join", {"width": 5000, "phases": 5000},
         r"'fork-join' with 5,000 phases of width 5,000 would make 25,005,001 tasks; at most 1,000,000"),
        # tasks and edges are worked out from the parameters before anything is generated
        ("gaussian", {"size": 2000}, r"'gaussian' with size=2,000 would make 2,000,999 tasks; at most 1,000,000"),
        ("fft", {"points": 1 << 16}, r"'fft' with points=65,536 would make 1,179,647 tasks"),
        ("montage", {"images": 1_000_000}, r"'montage' with images=1,000,000 would make 4,000,003 tasks"),
        ("layered", {"n": 100_000, "out_degree": 1000},
         r"'layered' with n=100,000, out_degree=1000 would make about 100,000,000 edges; at most 4,000,000"),
        ("layered", {"n": 1_000_000, "workers": 64}, r"would make 64,000,000 per-worker costs; at most 16,000,000"),
        # drawn costs and data volumes stay within the graph's limits
        ("chain", {"cost": 1e308}, r"parameter 'cost' of generator 'chain' must be > 0 and <= 1e\+10, got 1e\+308"),
        ("chain", {"ccr": 1e300}, r"'ccr' x 'cost' of generator 'chain' must be at most 1e\+10"),
        ("fft", {"points": 1 << 20}, r"parameter 'points' of generator 'fft' must be between 2 and 65536"),
        ("montage", {"images": 10**12}, r"parameter 'images' of generator 'montage' must be at most"),
    ],
)
def test_bad_parameters_are_named(kind, params, expect):
    with pytest.raises(GraphError, match=expect):
        generate(kind, **params)


def test_parameters_lists_defaults():
    p = parameters("layered")
    assert p["alpha"] == 1.0 and p["out_degree"] == 3 and p["ccr"] == 1.0 and p["beta"] == 0.5
    with pytest.raises(GraphError, match="unknown generator"):
        parameters("nope")


def test_layout_levels_spreads_rows():
    g = unit_graph("abcd", ["ab", "ac", "bd", "cd"])
    layout_levels(g)
    pos = {t: (g.task_attrs(t)["x"], g.task_attrs(t)["y"]) for t in g.tasks}
    # b and c: boxes 78 wide with 37 between them, centred under a; d centred under both
    assert pos == {"a": (0.0, 0.0), "b": (-57.5, 120.0), "c": (57.5, 120.0), "d": (0.0, 240.0)}


@pytest.mark.parametrize(
    ("kind", "params"),
    [("layered", {"n": 400}), ("layered", {"n": 300, "out_degree": 6, "jump": 3}), ("fork-join", {"width": 7, "phases": 4}),
     ("in-tree", {"n": 50, "degree": 3}), ("out-tree", {"n": 31}), ("series-parallel", {"n": 300, "p_parallel": 1.0}),
     ("series-parallel", {"n": 200, "branches": 6}), ("gaussian", {"size": 9}), ("fft", {"points": 32}),
     ("montage", {"images": 12}), ("chain", {"n": 9}), ("independent", {"n": 5})],
)
def test_size_estimates_made_before_generating_match_the_graph(monkeypatch, kind, params):
    import model.generators as G

    seen = []
    real = G._limit
    monkeypatch.setattr(G, "_limit", lambda k, tasks, edges, w, what: seen.append((tasks, edges)) or real(k, tasks, edges, w, what))
    g = generate(kind, seed=3, **params)
    (tasks, edges), = seen
    assert tasks == len(g)
    m = g.nx.number_of_edges()
    if kind == "layered":  # drawn out-degrees: the estimate is their mean, before duplicates are merged
        assert 0.5 * edges <= m <= 1.5 * edges + len(g)
    elif kind == "series-parallel":
        assert m <= edges
    else:
        assert m == edges
