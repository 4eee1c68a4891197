"""A native graph read straight into arrays (model/formats/native_compiled.py) gives the
same instance as the networkx graph compiled, and refuses every file the usual reader
refuses, which then names the problem with its own message."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import numpy as np
import pytest

from model.formats import graph_to_dict, load_graph, load_graph_for_run
from model.formats.native import graph_from_dict
from model.formats.native_compiled import CompiledGraph, compiled_graph_from_dict
from model.generators import generate
from model.graph import GraphError
from model.instance import compile_instance

EXAMPLES = sorted(Path(__file__).parents[2].joinpath("assets", "examples").glob("*.taskgraph.json"))


def _same_instance(a, b) -> None:
    assert a.tasks == b.tasks and a.workers == b.workers
    for name in ("w", "pred_ptr", "pred_idx", "pred_dat", "succ_ptr", "succ_idx", "succ_dat", "lat", "inv_bw", "pin"):
        x, y = getattr(a, name), getattr(b, name)
        assert x.dtype == y.dtype and x.shape == y.shape, name
        assert np.array_equal(x, y), name
    assert a.topo == b.topo and a.uniform_comm == b.uniform_comm


def _documents():
    for path in EXAMPLES:
        yield path.name, json.loads(path.read_text())
    for kind, n in (("layered", 300), ("fork-join", 60), ("in-tree", 80), ("out-tree", 80),
                    ("series-parallel", 120), ("gaussian", 40), ("fft", 40), ("montage", 60)):
        for seed in (1, 2):
            yield f"{kind}-{seed}", graph_to_dict(generate(kind, n=n, seed=seed))
    yield "layered-unrelated", graph_to_dict(generate("layered", n=200, seed=3, workers=5, ccr=2.0))
    # a mix of cost and costs, pins, a network with links, extra keys
    d = graph_to_dict(generate("layered", n=150, seed=4, workers=3))
    d["workers"] = [{"id": "A", "speed": 2.0}, {"id": "B"}, {"id": "C", "speed": 0.5}]
    d["network"] = {"bandwidth": 2.0, "latency": 0.25,
                    "links": [{"source": "A", "target": "B", "bandwidth": 4.0, "latency": 1.0}]}
    for k, t in enumerate(d["tasks"]):
        if k % 3 == 0:
            t["cost"] = sum(t.pop("costs")) / 3
        if k % 7 == 0:
            t["pin"] = "BAC"[k % 3]
        if k % 11 == 0:
            t["pin"] = None
        t["label"] = f"task {k}"
    for k, e in enumerate(d["edges"]):
        if k % 5 == 0:
            e.pop("data")
        if k % 4 == 0:
            e["colour"] = "red"
    yield "mixed", d
    yield "empty", {"format": "taskmapper-graph", "version": 1, "tasks": []}
    yield "no-edges", {"format": "taskmapper-graph", "version": 1, "tasks": [{"id": "a", "cost": 2}, {"id": "b"}]}


@pytest.mark.parametrize("compiled", ["never", "always"])
@pytest.mark.parametrize("workers", [None, 1, 4])
def test_the_arrays_are_the_instance_of_the_networkx_graph(monkeypatch, compiled, workers):
    monkeypatch.setenv("TASKMAPPER_COMPILED", compiled)
    seen = 0
    for label, d in _documents():
        full = graph_from_dict(copy.deepcopy(d))
        made = compiled_graph_from_dict(copy.deepcopy(d), workers)
        try:
            plat = full.default_platform(workers)
            want = compile_instance(full, plat)
        except GraphError:
            assert made is None, label  # (costs lists of another length than --workers)
            continue
        assert made is not None, label
        seen += 1
        assert made.default_platform(workers) == plat
        got = made.precompiled(made.default_platform(workers))
        assert got is not None, label
        _same_instance(got, want)
        assert compile_instance(made, made.default_platform(workers)) is got
        assert len(made) == len(full) and made.tasks == full.tasks and not made.materialised
    assert seen >= 15


def test_the_networkx_graph_is_built_on_first_use_and_the_arrays_then_left():
    d = graph_to_dict(generate("layered", n=120, seed=5, workers=4))
    made = compiled_graph_from_dict(copy.deepcopy(d))
    full = graph_from_dict(copy.deepcopy(d))
    plat = made.default_platform()
    assert made.precompiled(plat) is not None
    assert made.edges == full.edges and made.nx.nodes(data=True) == full.nx.nodes(data=True)
    assert made.materialised and made.precompiled(plat) is None
    # an edit is seen by the next compile
    first = made.tasks[0]
    made.set_pin(first, "P3")
    assert compile_instance(made, plat).pin[0] == 2
    assert made.name == full.name and made.attrs == full.attrs and made.platform == full.platform


def test_another_platform_is_compiled_from_the_graph():
    d = graph_to_dict(generate("layered", n=80, seed=6))
    made = compiled_graph_from_dict(d, 3)
    other = made.default_platform(5)
    assert made.precompiled(other) is None
    inst = compile_instance(made, other)  # builds the networkx graph
    assert inst.m == 5 and made.materialised


def _base():
    return {"format": "taskmapper-graph", "version": 1,
            "workers": [{"id": "P1"}, {"id": "P2"}],
            "tasks": [{"id": "a", "cost": 1}, {"id": "b", "costs": [1, 2]}, {"id": "c", "cost": 2.5}],
            "edges": [{"source": "a", "target": "b", "data": 1}, {"source": "b", "target": "c"}]}


def _bad(change):
    d = _base()
    change(d)
    return d


BAD = {
    "unknown source": lambda d: d["edges"].append({"source": "x", "target": "a"}),
    "unknown target": lambda d: d["edges"].append({"source": "a", "target": "zz"}),
    "duplicate id": lambda d: d["tasks"].append({"id": "a", "cost": 1}),
    "duplicate edge": lambda d: d["edges"].append({"source": "a", "target": "b"}),
    "self-loop": lambda d: d["edges"].append({"source": "c", "target": "c"}),
    "cycle": lambda d: d["edges"].append({"source": "c", "target": "a"}),
    "negative cost": lambda d: d["tasks"][0].update(cost=-1),
    "text cost": lambda d: d["tasks"][0].update(cost="3"),
    "null cost": lambda d: d["tasks"][0].update(cost=None),
    "bool cost": lambda d: d["tasks"][0].update(cost=True),
    "huge cost": lambda d: d["tasks"][0].update(cost=1e300),
    "bad costs entry": lambda d: d["tasks"][1].update(costs=[1, "x"]),
    "negative costs entry": lambda d: d["tasks"][1].update(costs=[1, -2]),
    "short costs": lambda d: d["tasks"][1].update(costs=[1]),
    "costs not a list": lambda d: d["tasks"][1].update(costs=3),
    "cost and costs": lambda d: d["tasks"][1].update(cost=3),
    "negative data": lambda d: d["edges"][0].update(data=-1),
    "text data": lambda d: d["edges"][0].update(data="1"),
    "huge data": lambda d: d["edges"][0].update(data=1e20),
    "slow transfer": lambda d: d["edges"][0].update(data=1e14),
    "unknown pin": lambda d: d["tasks"][0].update(pin="P9"),
    "number pin": lambda d: d["tasks"][0].update(pin=2),
    "blank pin": lambda d: d["tasks"][0].update(pin=" "),
    "number id": lambda d: d["tasks"][0].update(id=7),
    "blank id": lambda d: d["tasks"][0].update(id=" "),
    "task not an object": lambda d: d["tasks"].append(3),
    "task without id": lambda d: d["tasks"].append({"cost": 1}),
    "edge without target": lambda d: d["edges"].append({"source": "a"}),
    "edge not an object": lambda d: d["edges"].append("a->b"),
    "tasks not a list": lambda d: d.update(tasks={"a": 1}),
    "edges not a list": lambda d: d.update(edges=3),
    "no tasks": lambda d: d.pop("tasks"),
    "bad version": lambda d: d.update(version=2),
    "bad name": lambda d: d.update(name=3),
    "bad worker": lambda d: d["workers"].append({"speed": 2}),
    "zero speed": lambda d: d["workers"][0].update(speed=0),
    "list source": lambda d: d["edges"].append({"source": ["a"], "target": "b"}),
}


@pytest.mark.parametrize("label", sorted(BAD))
def test_a_bad_file_gets_the_usual_message(tmp_path, label):
    d = _bad(BAD[label])
    path = tmp_path / "bad.taskgraph.json"
    path.write_text(json.dumps(d))
    with pytest.raises(GraphError) as usual:
        load_graph(path)
    with pytest.raises(GraphError) as run:
        load_graph_for_run(path)
    assert str(run.value) == str(usual.value)


def test_values_the_usual_reader_converts_go_through_it(tmp_path):
    # number ids and pins are read as texts by the usual reader: the same graph results
    d = _base()
    d["tasks"][0]["id"] = 7
    d["edges"][0]["source"] = 7
    path = tmp_path / "numbers.taskgraph.json"
    path.write_text(json.dumps(d))
    g = load_graph_for_run(path)
    assert not isinstance(g, CompiledGraph)
    assert g.tasks == load_graph(path).tasks == ["7", "b", "c"]
    assert isinstance(load_graph_for_run(EXAMPLES[0]), CompiledGraph)
