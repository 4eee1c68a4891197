"""Pins: a task fixed to a worker, in the graph, its validation and its files."""

import json

import pytest

from model.formats import load_graph, save_graph
from model.formats.native import graph_from_dict, graph_to_dict
from model.graph import GraphError, Platform, TaskGraph
from model.instance import compile_instance


def doc(tasks, **extra):
    return {"format": "taskmapper-graph", "version": 1, "tasks": tasks, "edges": [], **extra}


def two_tasks():
    g = TaskGraph()
    g.add_task("a", 1)
    g.add_task("b", 2)
    return g


def test_set_pin_pins_and_free():
    g = two_tasks()
    assert g.pins() == {} and g.pin("a") is None
    g.set_pin("b", "P2")
    g.set_pin("a", "P1")
    assert g.pins() == {"a": "P1", "b": "P2"} and g.pin("b") == "P2"
    g.set_pin("b", None)
    assert g.pins() == {"a": "P1"} and "pin" not in g.task_attrs("b")
    g.set_pin("b", None)  # freeing a free task is no error
    assert g.copy().pins() == {"a": "P1"}


@pytest.mark.parametrize("bad, message", [
    (3, "pin of task 'a' must be a worker id (text), got 3"),
    ("", "pin of task 'a' is an empty worker id"),
    (["P1"], "must be a worker id (text), got ['P1']"),
])
def test_set_pin_refuses_what_is_no_worker_id(bad, message):
    with pytest.raises(GraphError) as e:
        two_tasks().set_pin("a", bad)
    assert message in str(e.value)


def test_set_pin_on_an_unknown_task():
    with pytest.raises(GraphError, match="unknown task 'z'"):
        two_tasks().set_pin("z", "P1")


def test_validate_checks_pins_against_the_platform():
    g = two_tasks()
    g.set_pin("b", "P3")
    g.validate()  # no platform known yet: nothing to check the worker against
    g.validate(Platform.homogeneous(3))
    with pytest.raises(GraphError) as e:
        g.validate(Platform.homogeneous(2))
    assert str(e.value) == "task 'b' is pinned to unknown worker 'P3' (workers: P1, P2)"
    with pytest.raises(GraphError, match="pinned to unknown worker 'P3'"):
        compile_instance(g, Platform.homogeneous(2))
    g.nx.nodes["a"]["pin"] = 7  # a pin written past set_pin
    with pytest.raises(GraphError, match="pin of task 'a' must be a worker id"):
        g.validate()


def test_json_reads_and_writes_pins(tmp_path):
    d = doc([{"id": "a", "cost": 1, "pin": "P2"}, {"id": "b", "cost": 1, "pin": None}, {"id": "c", "pin": 1}],
            workers=[{"id": "P1"}, {"id": "P2"}, {"id": "1"}])
    g = graph_from_dict(d)
    assert g.pins() == {"a": "P2", "c": "1"}
    out = graph_to_dict(g)
    assert [t.get("pin") for t in out["tasks"]] == ["P2", None, "1"]
    assert "pin" not in out["tasks"][1]  # free: no key written
    save_graph(g, tmp_path / "g.json")
    assert load_graph(tmp_path / "g.json").pins() == {"a": "P2", "c": "1"}


@pytest.mark.parametrize("pin, message", [
    (True, "pin of task 'a' must be a worker id (text), got True"),
    ({"id": "P1"}, "pin of task 'a' must be a worker id (text)"),
    ("  ", "pin of task 'a' is empty"),
    ("P9", "task 'a' is pinned to unknown worker 'P9' (workers: P1, P2)"),
])
def test_json_bad_pins(pin, message):
    with pytest.raises(GraphError) as e:
        graph_from_dict(doc([{"id": "a", "pin": pin}], workers=[{"id": "P1"}, {"id": "P2"}]))
    assert message in str(e.value)


def test_a_pin_without_a_worker_list_is_checked_on_the_platform_later(tmp_path):
    p = tmp_path / "g.json"
    p.write_text(json.dumps(doc([{"id": "a", "cost": 1, "pin": "P4"}])))
    g = load_graph(p)
    assert g.pins() == {"a": "P4"}
    g.validate(g.default_platform(4))
    with pytest.raises(GraphError, match="pinned to unknown worker 'P4'"):
        g.validate(g.default_platform(3))


@pytest.mark.parametrize("ext", [".dot", ".graphml"])
def test_dot_and_graphml_keep_pins(tmp_path, ext):
    g = two_tasks()
    g.add_edge("a", "b", 1)
    g.set_pin("a", "P2")
    save_graph(g, tmp_path / f"g{ext}")
    back = load_graph(tmp_path / f"g{ext}")
    assert back.pins() == {"a": "P2"}


def test_graphml_pins_typed_as_numbers_become_worker_ids(tmp_path):
    import networkx as nx

    h = nx.DiGraph()
    h.add_node("a", cost=1.0, pin=2)
    h.add_node("b", cost=1.0, pin=1)
    nx.write_graphml(h, tmp_path / "g.graphml")
    assert load_graph(tmp_path / "g.graphml").pins() == {"a": "2", "b": "1"}
