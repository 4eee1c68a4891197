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
