"""TaskGraph.copy: an independent graph with the same tasks, edges, attributes and orders."""

from __future__ import annotations

from model.generators import generate
from model.graph import TaskGraph


def test_copy_keeps_orders_attributes_and_is_independent():
    g = TaskGraph("orders")
    for t in "abcdv":
        g.add_task(t, costs=[1.0, 2.0])
    # edges into v added out of task order: predecessor order must survive the copy
    g.add_edge("c", "v", 3.0)
    g.add_edge("a", "v", 1.0)
    g.add_edge("b", "v", 2.0)
    g.add_edge("a", "d", 4.0)
    g.nx.nodes["a"]["x"] = 10
    g.attrs["note"] = "kept"
    h = g.copy()
    assert h.tasks == g.tasks and h.edges == g.edges
    assert list(h.nx.predecessors("v")) == ["c", "a", "b"]
    assert list(h.nx.successors("a")) == list(g.nx.successors("a")) == ["v", "d"]
    assert dict(h.nx.nodes(data=True)) == dict(g.nx.nodes(data=True))
    assert h.data("b", "v") == 2.0 and h.attrs == {"note": "kept"}
    # one edge data dict seen from both ends, as networkx keeps it
    assert h.nx.succ["a"]["v"] is h.nx.pred["v"]["a"]
    # nothing shared with the original
    h.nx.nodes["a"]["costs"][0] = 99.0
    h.nx.edges["c", "v"]["data"] = 7.0
    h.add_task("new", 1.0)
    h.add_edge("d", "new")
    assert g.nx.nodes["a"]["costs"][0] == 1.0 and g.data("c", "v") == 3.0
    assert "new" not in g and not g.nx.has_edge("d", "new")
    assert h.nx.has_edge("d", "new") and list(h.nx.predecessors("new")) == ["d"]
    h.nx.remove_node("v")
    assert "v" in g and h.edges == [("a", "d"), ("d", "new")]


def test_copy_of_a_generated_graph_validates_and_schedules_alike():
    from model.algorithms import get_algorithm

    g = generate("layered", n=300, seed=2)
    h = g.copy()
    h.validate()
    a = get_algorithm("heft").schedule(g)
    b = get_algorithm("heft").schedule(h)
    assert [(s.task, s.worker, s.start) for s in a.slots] == [(s.task, s.worker, s.start) for s in b.slots]


def test_copy_of_a_large_graph_keeps_predecessor_orders_that_differ_from_task_order():
    import random

    g = TaskGraph("shuffled")
    n = 2000
    for i in range(n):
        g.add_task(f"t{i}", 1.0)
    rnd = random.Random(4)
    edges = [(f"t{i}", f"t{j}") for j in range(1, n) for i in rnd.sample(range(j), min(j, 3))]
    rnd.shuffle(edges)
    for u, v in edges:
        g.add_edge(u, v, 1.0)
    g.remove_edge(*edges[7])
    g.add_edge(*edges[7], 2.0)  # re-added: last on both sides
    h = g.copy()
    assert h.edges == g.edges
    for t in g.tasks:
        assert list(h.nx.predecessors(t)) == list(g.nx.predecessors(t))
        assert list(h.nx.successors(t)) == list(g.nx.successors(t))
    assert h.data(*edges[7]) == 2.0


def test_copy_survives_adjacency_orders_no_insertion_order_gives():
    g = TaskGraph()
    for t in "abxy":
        g.add_task(t)
    for u, v in [("a", "x"), ("a", "y"), ("b", "y"), ("b", "x")]:
        g.add_edge(u, v)
    # reorder the predecessors of x behind networkx's back: (b, x) < (a, x) < (a, y) < (b, y) < (b, x)
    g.nx._pred["x"] = {"b": g.nx._pred["x"]["b"], "a": g.nx._pred["x"]["a"]}
    h = g.copy()
    assert sorted(h.edges) == sorted(g.edges)
    for t in g.tasks:
        assert list(h.nx.successors(t)) == list(g.nx.successors(t))
