"""Graphs built in bulk (``add_tasks``, ``add_edges``, the fast path of ``validate`` and of the
JSON reader) give the same graph and the same error, at the same item, as one by one."""

from __future__ import annotations

import math

import numpy as np
import pytest

from model.formats.native import graph_from_dict
from model.graph import MAX_DATA, MAX_TIME, GraphError, Network, Platform, TaskGraph, Worker


def error_of(fn):
    try:
        fn()
    except GraphError as e:
        return str(e)
    except Exception as e:  # the same kind of failure either way
        return f"{type(e).__name__}: {e}"
    return None


def one_by_one(tasks, costs, edges):
    g = TaskGraph()
    for t, c in zip(tasks, costs):
        g.add_task(t, None if isinstance(c, list) else c, costs=c if isinstance(c, list) else None)
    for u, v, d in edges:
        g.add_edge(u, v, d)
    return g


def in_bulk(tasks, costs, edges):
    g = TaskGraph()
    g.add_tasks(tasks, costs)
    g.add_edges([e[0] for e in edges], [e[1] for e in edges], [e[2] for e in edges])
    return g


GOOD_T = ["a", "b", "c"]
GOOD_C = [1, [2, 3], None]
GOOD_E = [("a", "b", 1.5), ("a", "c", 0), ("b", "c", 2)]


@pytest.mark.parametrize("tasks, costs, edges", [
    (GOOD_T, GOOD_C, GOOD_E),
    (["a", "a"], [1, 2], []),
    (["a", "b"], [1, -2], []),
    (["a", "b"], [1, [1, math.nan]], []),
    (["a", "b"], [math.inf, 1], []),
    (["a", "b"], [1, []], []),
    (["a", "b"], [1, [1, 10**400]], []),
    (["a", "b"], [MAX_TIME * 2, 1], []),
    (["a", "b"], [True, 1], []),
    (["a", "b"], ["3", 1], []),
    (["a", 7], [1, 2], []),
    (GOOD_T, GOOD_C, [("a", "b", 1), ("a", "b", 2)]),
    (GOOD_T, GOOD_C, [("a", "b", 1), ("b", "b", 2)]),
    (GOOD_T, GOOD_C, [("a", "x", 1)]),
    (GOOD_T, GOOD_C, [("a", "b", 1), ("b", "c", -1)]),
    (GOOD_T, GOOD_C, [("a", "b", math.nan)]),
    (GOOD_T, GOOD_C, [("a", "b", MAX_DATA * 10)]),
    (GOOD_T, GOOD_C, [("a", "b", np.float64(2.0))]),
])
def test_bulk_matches_one_by_one(tasks, costs, edges):
    want, got = error_of(lambda: one_by_one(tasks, costs, edges)), error_of(lambda: in_bulk(tasks, costs, edges))
    assert got == want
    if want is None:
        a, b = one_by_one(tasks, costs, edges), in_bulk(tasks, costs, edges)
        assert list(a.nx.nodes(data=True)) == list(b.nx.nodes(data=True))
        assert list(a.nx.edges(data=True)) == list(b.nx.edges(data=True))
        assert [list(a.nx.pred[t]) for t in a] == [list(b.nx.pred[t]) for t in b]


def test_bulk_edges_into_a_graph_with_edges():
    g = in_bulk(GOOD_T, GOOD_C, GOOD_E[:1])
    with pytest.raises(GraphError, match="duplicate edge 'a' -> 'b'"):
        g.add_edges(["b", "a"], ["c", "b"], [1, 1])
    g = in_bulk(GOOD_T, GOOD_C, GOOD_E[:1])
    g.add_edges(["b"], ["c"], [4], [{"label": "x"}])
    assert g.nx.edges["b", "c"] == {"data": 4.0, "label": "x"}


def set_node(t, key, value):
    return lambda g: g.nx.nodes[t].__setitem__(key, value)


def set_data(value):
    return lambda g: g.nx.edges["a", "b"].__setitem__("data", value)


SLOW = Platform((Worker("P1", 0.5), Worker("P2")))
THIN = Platform((Worker("P1"), Worker("P2")), Network(0.5))
#: edits that make a graph invalid (or keep it valid in a way the fast path does not take)
EDITS = [
    (set_node("a", "cost", -1), None), (set_node("b", "costs", [1, math.nan]), None),
    (set_node("b", "costs", [1, 2, 3]), None), (set_node("b", "costs", (1, 2)), None),
    (set_node("b", "costs", 5), None), (set_node("a", "pin", "P9"), Platform.homogeneous(2)),
    (set_node("a", "pin", " "), None), (set_node("a", "pin", "P2"), Platform.homogeneous(2)),
    (set_data(math.inf), None), (set_data(np.float64(3)), None),
    (set_node("a", "cost", MAX_TIME), SLOW), (set_data(MAX_TIME), THIN),
    (lambda g: None, Platform.homogeneous(3)), (lambda g: g.nx.add_edge("c", "a"), None), (lambda g: None, None),
]


@pytest.mark.parametrize("k", range(len(EDITS)))
def test_validate_fast_path_agrees_with_the_item_checks(k):
    edit, plat = EDITS[k]
    g = in_bulk(GOOD_T, [*GOOD_C[:1], [2, 3], [4, 5]], GOOD_E)
    edit(g)
    want = error_of(lambda: (g.check_acyclic(), g._check_items(plat if plat is not None else g.platform)))
    assert error_of(lambda: g.validate(plat)) == want


def test_reader_messages_unchanged_by_the_bulk_path():
    def doc(tasks, edges):
        return {"format": "taskmapper-graph", "version": 1, "tasks": tasks, "edges": edges}

    t2 = [{"id": "a", "cost": 1}, {"id": "b", "cost": 2}]
    cases = [
        (doc([{"id": "a"}, {"id": " "}], []), "id of task #2 is empty"),
        (doc([{"id": "a", "costs": 3}], []), "'costs' of task 'a' must be a list of numbers"),
        (doc([{"id": "a", "cost": None}], []), "cost of task 'a' must be a number, got null"),
        (doc([{"id": "a", "pin": 3.5}], []), None),
        (doc([{"id": "a", "pin": [1]}], []), "pin of task 'a' must be a worker id (text), got [1]"),
        (doc([{"id": "a", "cost": 1, "costs": [1]}], []), "task 'a' has both 'cost' and 'costs'"),
        (doc(t2, [{"source": "a", "target": "b"}, {"source": "a", "target": "b"}]), "duplicate edge 'a' -> 'b'"),
        (doc(t2, [{"source": "a", "target": "b"}, {"source": "b"}]), "edge #2 needs 'source' and 'target'"),
        (doc(t2, [{"source": "a", "target": "b"}, {"source": "b", "target": "a"}]), "the graph has a cycle"),
        (doc(t2, [{"source": 1, "target": "b"}]), "edge '1' -> 'b' names unknown task '1'"),
    ]
    for d, want in cases:
        got = error_of(lambda d=d: graph_from_dict(d))
        assert (got is None and want is None) or (want is not None and got is not None and want in got), (got, want)
    g = graph_from_dict(doc([{"id": "a", "pin": "P2", "x": 1}, {"id": "b", "pin": None}],
                            [{"source": "a", "target": "b", "note": "n"}]))
    assert g.pins() == {"a": "P2"} and g.nx.nodes["a"] == {"cost": 0.0, "pin": "P2", "x": 1}
    assert g.nx.edges["a", "b"] == {"data": 0.0, "note": "n"}
