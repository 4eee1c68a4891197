"""File formats other than native JSON: DOT, GraphML, STG, WfFormat, Chrome Trace Event."""

from __future__ import annotations

import csv
import json
import re

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from model_helpers import HEFT_PAPER, ROOT, TINY_STG

from model.algorithms import get_algorithm
from model.formats import (
    chrome_trace,
    dot,
    load_graph,
    load_schedule,
    save_graph,
    save_schedule,
    stg,
    wfformat,
)
from model.graph import GraphError, Network, Platform, TaskGraph, Worker
from model.schedule import Schedule, ScheduleError, Slot, Transfer

BENCH = ROOT / "benchmarks" / "data"
STG_DIR = BENCH / "stg"
WF_FILES = sorted((BENCH / "wf").glob("*.json"))


def rich_graph() -> TaskGraph:
    """Costs lists, positions, free attributes on tasks and edges, a platform."""
    g = load_graph(HEFT_PAPER)
    g.nx.nodes["n1"]["label"] = "entry task"
    g.nx.nodes["n2"]["color"] = "#ff0000"
    g.nx.nodes["n3"]["notes"] = 'has "quotes" and \\ backslash'
    g.nx.edges["n1", "n2"]["style"] = "dashed"
    return g


def same_graph(a: TaskGraph, b: TaskGraph, *, positions: bool = True, order: bool = True) -> None:
    assert a.tasks == b.tasks if order else sorted(a.tasks) == sorted(b.tasks)
    assert sorted(a.edges) == sorted(b.edges)
    for t in a.tasks:
        assert a.costs(t) == b.costs(t)
        assert a.cost(t) == pytest.approx(b.cost(t))
        if positions:
            assert a.task_attrs(t)["x"] == pytest.approx(b.task_attrs(t)["x"])
            assert a.task_attrs(t)["y"] == pytest.approx(b.task_attrs(t)["y"])
    for u, v in a.edges:
        assert a.data(u, v) == b.data(u, v)


def heft_makespan(g: TaskGraph, workers: int | None = None) -> float:
    return get_algorithm("heft").schedule(g, g.default_platform(workers)).makespan


# ------------------------------------------------------------------------ DOT
def test_dot_round_trip_keeps_costs_lists_positions_and_free_attributes(tmp_path):
    g = rich_graph()
    save_graph(g, tmp_path / "g.dot")
    h = load_graph(tmp_path / "g.dot")
    same_graph(g, h)
    assert h.task_attrs("n1")["label"] == "entry task"
    assert h.task_attrs("n2")["color"] == "#ff0000"
    assert h.task_attrs("n3")["notes"] == 'has "quotes" and \\ backslash'
    assert h.nx.edges["n1", "n2"]["style"] == "dashed"
    assert h.platform is not None and h.platform.ids == ["P1", "P2", "P3"]
    assert heft_makespan(h) == 80.0


def test_dot_reads_teaching_conventions():
    text = """
    /* weights under several names */
    digraph "lecture 3" {
      node [shape=circle]
      a [Weight=2, pos="0,0"]; b [weight="3"]; c [cost=4]; d [size=5]
      subgraph cluster_1 { label="stage"; e [Weight=1] }
      a -> {b c} [Weight=7]
      b -> d -> e [data=2]
      c -> d [size=1]; c:s -> e:n [weight=0.5]
    }
    """
    g = dot.read_text(text)
    assert g.name == "lecture 3"
    assert [g.cost(t) for t in "abcde"] == [2, 3, 4, 5, 1]
    assert g.data("a", "b") == 7 and g.data("a", "c") == 7
    assert g.data("b", "d") == 2 and g.data("d", "e") == 2
    assert g.data("c", "d") == 1 and g.data("c", "e") == 0.5
    assert g.task_attrs("a")["shape"] == "circle"
    assert "label" not in g.attrs.get("dot", {})  # the subgraph's label is not the graph's


def test_dot_positions_use_graphviz_axes():
    g = dot.read_text('digraph { a [Weight=1, pos="10,-240"]; b [Weight=1, pos="30.5,-120!"]; a -> b }')
    assert (g.task_attrs("a")["x"], g.task_attrs("a")["y"]) == (10.0, 240.0)
    assert (g.task_attrs("b")["x"], g.task_attrs("b")["y"]) == (30.5, 120.0)


def test_dot_without_positions_gets_a_layered_layout():
    g = dot.read_text("digraph { a [Weight=1]; b [Weight=1]; c [Weight=1]; a -> b; a -> c }")
    ys = {t: g.task_attrs(t)["y"] for t in g.tasks}
    assert ys["a"] < ys["b"] == ys["c"]


def test_dot_write_with_schedule_adds_start_and_processor(tmp_path):
    g = load_graph(HEFT_PAPER)
    s = get_algorithm("heft").schedule(g)
    dot.write(g, tmp_path / "s.dot", schedule=s)
    text = (tmp_path / "s.dot").read_text()
    parsed = dot.parse(text)
    at = s.slot_of()
    for t in g.tasks:
        assert float(parsed.nodes[t]["Start"]) == pytest.approx(at[t].start)
        assert parsed.nodes[t]["Processor"] == at[t].worker
    # the written file still reads as the same graph
    same_graph(g, dot.read(tmp_path / "s.dot"))


def test_dot_example_file_loads_and_schedules():
    g = load_graph(ROOT / "assets" / "examples" / "teaching.dot")
    assert len(g) == 9 and g.nx.number_of_edges() == 12
    assert g.cost("n5") == 5 and g.data("n1", "n7") == 10
    s = get_algorithm("heft").schedule(g, g.default_platform(2))
    assert s.makespan >= max(nx.dag_longest_path_length(g.nx, weight=None), 1)
    # lower bound: the longest chain of costs when everything is on one worker
    chain = max(sum(g.cost(t) for t in p) for p in nx.all_simple_paths(g.nx, "n1", "n9"))
    assert s.makespan >= chain


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        ("digraph {\n a -> ;\n}", r"line 2: syntax error"),
        ("digraph {\n a [Weight=1]\n", r"missing '\}'"),
        ("graph {\n a -- b\n}", r"line 1: the graph is undirected"),
        ("digraph {\n a [Weight=1]; a -- b\n}", r"line 2: undirected edge"),
        ("digraph {\n a [Weight=x]\n}", r"line 2: node 'a': Weight must be a number, got 'x'"),
        ("digraph {\n a [Weight=1]; b [Weight=1]\n a -> b [Weight=lots]\n}", r"line 3: edge 'a' -> 'b'"),
        ("digraph {\n a [Weight=-2]\n}", r"node 'a'.*non-negative"),
        ("digraph {\n a [Weight=1]\n b [Weight=1]\n a -> bb\n}", r"line 4: node 'bb' .*unknown node"),
        ("digraph {\n a [Weight=1]; b [Weight=1]\n a -> b\n b -> a\n}", r"cycle: (a -> b -> a|b -> a -> b)"),
        ("digraph {\n a [Weight=1]\n a -> a\n}", r"line 3: .*self-loop"),
        ("digraph {\n a [Weight=1]; b [Weight=1]\n a -> b\n a -> b\n}", r"line 4: duplicate edge 'a' -> 'b'"),
        ('digraph {\n a [label="oops]\n}', r"unterminated string"),
    ],
)
def test_dot_bad_input_names_the_problem(text, expect):
    with pytest.raises(GraphError, match=expect):
        dot.read_text(text)


def test_dot_missing_file_is_a_graph_error(tmp_path):
    with pytest.raises(GraphError, match="no such file"):
        load_graph(tmp_path / "nope.dot")


# -------------------------------------------------------------------- GraphML
def test_graphml_round_trip_keeps_costs_lists_positions_and_free_attributes(tmp_path):
    g = rich_graph()
    g.nx.nodes["n4"]["flag"] = True
    g.nx.nodes["n5"]["priority"] = 3.5
    save_graph(g, tmp_path / "g.graphml")
    h = load_graph(tmp_path / "g.graphml")
    same_graph(g, h)
    assert h.task_attrs("n1")["label"] == "entry task"
    assert h.task_attrs("n3")["notes"] == 'has "quotes" and \\ backslash'
    assert h.task_attrs("n4")["flag"] is True
    assert h.task_attrs("n5")["priority"] == 3.5
    assert h.nx.edges["n1", "n2"]["style"] == "dashed"
    assert h.platform is not None and h.platform.ids == ["P1", "P2", "P3"]
    assert h.attrs["notes"] == g.attrs["notes"]
    assert heft_makespan(h) == 80.0
    # the costs list is a string attribute in the file
    assert "14.0,16.0,9.0" in (tmp_path / "g.graphml").read_text()


@pytest.mark.parametrize("ext", [".dot", ".graphml"])
def test_editor_edge_routes_are_left_out_of_dot_and_graphml(tmp_path, ext):
    from model.layout import apply_layout, layered_layout

    g = TaskGraph("bends")
    for t in "abcd":
        g.add_task(t, 1)
    for u, v in ("ab", "ac", "bd", "ad"):
        g.add_edge(u, v, 2)
    g.nx.edges["a", "d"]["style"] = "dashed"
    apply_layout(g, layered_layout(g))
    assert isinstance(g.nx.edges["a", "d"].get("route"), list)  # a -> d bends around row 1
    save_graph(g, tmp_path / f"g{ext}")
    assert "route" not in (tmp_path / f"g{ext}").read_text()
    h = load_graph(tmp_path / f"g{ext}")
    assert all("route" not in a for *_, a in h.nx.edges(data=True))
    assert h.nx.edges["a", "d"]["style"] == "dashed" and h.data("a", "d") == 2
    assert h.task_attrs("d")["x"] == g.task_attrs("d")["x"]
    # the native file keeps the route
    save_graph(g, tmp_path / "g.json")
    assert load_graph(tmp_path / "g.json").nx.edges["a", "d"]["route"] == g.nx.edges["a", "d"]["route"]


def test_graphml_from_another_tool_uses_weight(tmp_path):
    h = nx.DiGraph()
    h.add_node("a", weight=3)
    h.add_node("b", weight=4)
    h.add_edge("a", "b", weight=6)
    nx.write_graphml(h, tmp_path / "w.graphml")
    g = load_graph(tmp_path / "w.graphml")
    assert (g.cost("a"), g.cost("b"), g.data("a", "b")) == (3, 4, 6)


@pytest.mark.parametrize(
    ("build", "expect"),
    [
        (lambda h: h.add_edges_from([("a", "b"), ("b", "a")]), r"cycle"),
        (lambda h: h.add_node("a", cost="lots"), r"cost of task 'a' must be a number"),
        (lambda h: h.add_node("a", costs="1,x"), r"cost #2 of task 'a' must be a number"),
        (lambda h: h.add_node("a", cost=-1.0), r"cost of task 'a' is negative"),
    ],
)
def test_graphml_bad_input_names_the_problem(tmp_path, build, expect):
    h = nx.DiGraph()
    build(h)
    nx.write_graphml(h, tmp_path / "bad.graphml")
    with pytest.raises(GraphError, match=expect):
        load_graph(tmp_path / "bad.graphml")


def test_graphml_not_xml_or_undirected(tmp_path):
    (tmp_path / "x.graphml").write_text("<graphml><graph")
    with pytest.raises(GraphError, match="not valid XML"):
        load_graph(tmp_path / "x.graphml")
    nx.write_graphml(nx.Graph([("a", "b")]), tmp_path / "u.graphml")
    with pytest.raises(GraphError, match="undirected"):
        load_graph(tmp_path / "u.graphml")


# ------------------------------------------------------------------------ STG
STG_WITH_TRAILER = TINY_STG + """\
# Standard Task Graph Set style trailer
#   CP Length : 12
"""


def test_stg_drops_dummies_and_keeps_precedence():
    g = stg.read_text(STG_WITH_TRAILER)
    assert g.tasks == ["1", "2", "3", "4"]
    assert sorted(g.edges) == [("1", "2"), ("1", "3"), ("2", "4"), ("3", "4")]
    assert [g.cost(t) for t in g.tasks] == [3, 5, 2, 4]
    assert all(g.data(u, v) == 0 for u, v in g.edges)
    assert nx.dag_longest_path_length(g.nx, weight=None) == 2


def test_stg_dummy_with_time_is_kept():
    g = stg.read_text("1\n0 2 0\n1 3 1 0\n2 0 1 1\n")
    assert g.tasks == ["0", "1"] and g.edges == [("0", "1")]


def test_stg_round_trip_restores_ids(tmp_path):
    from model.generators import generate

    g = generate("series-parallel", n=30, seed=4, ccr=0)  # the format has no data volumes
    save_graph(g, tmp_path / "g.stg")
    h = load_graph(tmp_path / "g.stg")
    same_graph(g, h, positions=False)
    # and the numbered form (no names comment) is the same graph up to renaming
    text = (tmp_path / "g.stg").read_text()
    plain = stg.read_text("\n".join(line for line in text.splitlines() if "task numbers" not in line))
    assert nx.is_isomorphic(plain.nx, g.nx)
    assert sorted(plain.cost(t) for t in plain.tasks) == sorted(g.cost(t) for t in g.tasks)


def test_stg_refuses_costs_lists():
    with pytest.raises(GraphError, match="task 'n1' has per-worker costs"):
        stg.write_text(load_graph(HEFT_PAPER))


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        ("", r"empty"),
        ("two\n", r"line 1: the number of tasks must be a whole number"),
        ("2\n0 0 0\n1 3 1 0\n", r"task 2 is missing"),
        ("2\n0 0 0\n1 x 1 0\n2 1 1 1\n3 0 1 2\n", r"line 3: time of task 1 must be a number, got 'x'"),
        ("2\n0 0 0\n1 -3 1 0\n2 1 1 1\n3 0 1 2\n", r"line 3: time of task 1 is negative"),
        ("2\n0 0 0\n1 3 1 7\n2 1 1 1\n3 0 1 2\n", r"line 3: task 1 names unknown predecessor 7"),
        ("2\n0 0 0\n2 3 1 0\n1 1 1 1\n3 0 1 2\n", r"line 3: expected task 1, found task 2"),
        ("2\n0 0 0\n1 3 1 2\n2 1 1 1\n3 0 1 2\n", r"cycle: (1 -> 2 -> 1|2 -> 1 -> 2)"),
        ("2\n0 0 0\n1 3 5 0\n", r"task 1 declares 5 predecessors"),
    ],
)
def test_stg_bad_input_names_the_line(text, expect):
    with pytest.raises(GraphError, match=expect):
        stg.read_text(text)


def _stg_optima() -> dict[str, float]:
    out = {}
    with open(STG_DIR / "optimal-50.csv") as f:
        for row in csv.reader(f):
            if row and row[1] == "2":
                out[row[0]] = float(row[2])
    return out


def test_stg_benchmark_set_reads_all_60_and_heft_respects_the_optimum():
    files = sorted((STG_DIR / "50").glob("*.stg"))
    assert len(files) == 60
    optima = _stg_optima()
    assert len(optima) == 60
    ratios = []
    for f in files:
        g = load_graph(f)
        header = f.read_text()
        assert len(g) == 50
        # the file's own information block: edge count (without dummies) and critical path
        n_edges = int(re.search(r"Edges\s*:\s*(\d+)", header).group(1))
        cp = float(re.search(r"CP Length\s*:\s*(\d+)", header).group(1))
        assert g.nx.number_of_edges() == n_edges, f.name
        longest = max(
            (sum(g.cost(t) for t in path) for path in _longest_paths(g)),
        )
        assert longest == cp, f.name
        ms = heft_makespan(g, 2)
        opt = optima[f"50/{f.name}"]
        assert ms >= opt - 1e-9, f.name
        assert ms >= sum(g.cost(t) for t in g.tasks) / 2 - 1e-9
        ratios.append(ms / opt)
    # HEFT is a good heuristic on these: within a few per cent of the optimum on average
    assert 1.0 <= sum(ratios) / len(ratios) < 1.10


def _longest_paths(g: TaskGraph):
    """The heaviest path (costs on nodes) via a DP, returned as a one-element list."""
    best: dict[str, tuple[float, list[str]]] = {}
    for t in g.topological_order():
        prev = max((best[p] for p in g.predecessors(t)), default=(0.0, []), key=lambda b: b[0])
        best[t] = (prev[0] + g.cost(t), [*prev[1], t])
    return [max(best.values(), key=lambda b: b[0])[1]]


# ------------------------------------------------------------------- WfFormat
@pytest.mark.parametrize("path", WF_FILES, ids=lambda p: p.stem)
def test_wfformat_graph_and_trace(path):
    d = json.loads(path.read_text())
    spec = d["workflow"]["specification"]
    ex = {t["id"]: t for t in d["workflow"]["execution"]["tasks"]}
    sizes = {f["id"]: f["sizeInBytes"] for f in spec["files"]}
    g = load_graph(path)  # routed by content
    assert len(g) == len(spec["tasks"])
    for t in spec["tasks"]:
        assert g.cost(t["id"]) == pytest.approx(ex[t["id"]]["runtimeInSeconds"])
        for c in t["children"]:
            child = next(x for x in spec["tasks"] if x["id"] == c)
            want = sum(sizes[f] for f in set(t["outputFiles"]) & set(child["inputFiles"]))
            assert g.data(t["id"], c) == want
    assert g.network is not None and g.network.bandwidth == wfformat.DEFAULT_BANDWIDTH

    s = wfformat.read_trace(path)
    plat = wfformat.platform_from_dict(d)
    assert s.algorithm == "trace" and s.meta["reconstructed"] is True
    assert s.meta["recorded_makespan"] == d["workflow"]["execution"]["makespanInSeconds"]
    s.check(g, plat, check_durations=False)
    assert set(s.workers) == set(plat.ids)
    at = s.slot_of()
    for tid, e in ex.items():
        assert at[tid].duration == pytest.approx(e["runtimeInSeconds"])
        assert at[tid].worker.split("/")[0] == e["machines"][0]
    # rebuilt start times are the earliest possible: some task starts at 0, and each task
    # starts either at 0, when a parent's data arrive, or when its core frees up
    assert min(sl.start for sl in s.slots) == 0.0
    by_worker = s.by_worker()
    for sl in s.slots:
        arrivals = [at[p].finish + plat.network.comm_time(g.data(p, sl.task), at[p].worker, sl.worker)
                    for p in g.predecessors(sl.task)]
        frees = [o.finish for o in by_worker[sl.worker] if o.finish <= sl.start + 1e-9 and o.task != sl.task]
        assert any(abs(sl.start - x) < 1e-6 for x in [0.0, *arrivals, *frees])


def test_wfformat_forkjoin_structure():
    path = next(p for p in WF_FILES if "forkjoin" in p.name)
    g = load_graph(path)
    s = wfformat.read_trace(path)
    sources = [t for t in g.tasks if not g.predecessors(t)]
    sinks = [t for t in g.tasks if not g.successors(t)]
    assert len(sources) == 1 and len(sinks) == 1
    # the fan-out tasks run side by side on different cores of the one machine
    mids = [t for t in g.tasks if t not in sources + sinks]
    at = s.slot_of()
    assert len({at[t].worker for t in mids}) == len(mids)
    assert s.meta["machines"] == {"ubuntu": 64}


WF14 = {
    "name": "tiny-1.4",
    "schemaVersion": "1.4",
    "workflow": {
        "makespanInSeconds": 9,
        "executedAt": "2021-01-01T00:00:00Z",
        "machines": [{"nodeName": "n1", "cpu": {"count": 2}}],
        "tasks": [
            {"name": "a", "type": "compute", "parents": [], "runtimeInSeconds": 2, "machine": "n1",
             "files": [{"link": "output", "name": "x", "sizeInBytes": 100},
                       {"link": "output", "name": "y", "sizeInBytes": 50}]},
            {"name": "b", "type": "compute", "parents": ["a"], "runtimeInSeconds": 3, "machine": "n1",
             "files": [{"link": "input", "name": "x", "sizeInBytes": 100}]},
            {"name": "c", "type": "compute", "parents": ["a"], "runtimeInSeconds": 4, "machine": "n1",
             "files": [{"link": "input", "name": "x", "sizeInBytes": 100},
                       {"link": "input", "name": "y", "sizeInBytes": 50}]},
        ],
    },
}


def test_wfformat_14_layout():
    g = wfformat.graph_from_dict(WF14)
    assert sorted(g.edges) == [("a", "b"), ("a", "c")]
    assert (g.data("a", "b"), g.data("a", "c")) == (100, 150)
    s = wfformat.trace_from_dict(WF14)
    at = s.slot_of()
    assert s.workers == ["n1/1", "n1/2"]
    assert (at["a"].start, at["a"].finish) == (0, 2)
    # b follows a on its core; c runs on the other core after the transfer
    assert at["b"].worker == at["a"].worker and at["b"].start == 2
    assert at["c"].worker != at["a"].worker
    assert at["c"].start == pytest.approx(2 + 150 / wfformat.DEFAULT_BANDWIDTH)
    s.check(g, wfformat.platform_from_dict(WF14), check_durations=False)


@pytest.mark.parametrize(
    ("mutate", "expect"),
    [
        (lambda d: d.pop("workflow"), r"no 'workflow'"),
        (lambda d: d["workflow"]["tasks"][1].update(parents=["zz"]), r"task 'b' names unknown parent task 'zz'"),
        (lambda d: d["workflow"]["tasks"][1].update(runtimeInSeconds="slow"), r"runtime of task 'b' must be a number"),
        (lambda d: d["workflow"]["tasks"][2].update(runtimeInSeconds=-1), r"runtime of task 'c' is negative"),
        (lambda d: d["workflow"]["tasks"][0].update(parents=["c"]), r"cycle"),
        (lambda d: d["workflow"]["tasks"].append({"name": "a"}), r"duplicate task name 'a'"),
    ],
)
def test_wfformat_bad_input_names_the_problem(mutate, expect):
    d = json.loads(json.dumps(WF14))
    mutate(d)
    with pytest.raises(GraphError, match=expect):
        wfformat.graph_from_dict(d)


# --------------------------------------------------------------- Chrome trace
def heft_schedule() -> tuple[TaskGraph, Schedule]:
    g = load_graph(HEFT_PAPER)
    return g, get_algorithm("heft").schedule(g)


def test_chrome_trace_layout():
    _, s = heft_schedule()
    d = chrome_trace.schedule_to_trace(s)
    x = [e for e in d["traceEvents"] if e["ph"] == "X"]
    names = {e["tid"]: e["args"]["name"] for e in d["traceEvents"] if e["name"] == "thread_name"}
    assert len(x) == 10 and all(e["pid"] == 1 for e in x)
    assert sorted(names.values()) == ["P1", "P2", "P3"]
    at = s.slot_of()
    for e in x:
        sl = at[e["name"]]
        assert names[e["tid"]] == sl.worker
        assert e["ts"] == pytest.approx(sl.start * 1e6) and e["dur"] == pytest.approx(sl.duration * 1e6)
    json.dumps(d)  # serialisable


def test_chrome_trace_round_trip(tmp_path):
    g, s = heft_schedule()
    save_schedule(s, tmp_path / "s.trace.json")
    r = load_schedule(tmp_path / "s.trace.json")
    assert r.algorithm == "heft"
    assert r.workers == s.workers
    assert r.makespan == pytest.approx(80.0)
    got = r.slot_of()
    for sl in s.slots:
        assert got[sl.task].worker == sl.worker
        assert got[sl.task].start == pytest.approx(sl.start)
        assert got[sl.task].finish == pytest.approx(sl.finish)
    r.check(g, g.default_platform())


def test_chrome_trace_reads_begin_end_pairs_bare_list_and_offsets():
    events = [
        {"name": "thread_name", "ph": "M", "pid": 9, "tid": 2, "args": {"name": "gpu"}},
        {"name": "a", "ph": "B", "pid": 9, "tid": 1, "ts": 5_000_000, "args": {"rows": 10}},
        {"name": "a", "ph": "E", "pid": 9, "tid": 1, "ts": 7_000_000},
        {"name": "b", "ph": "X", "pid": 9, "tid": 2, "ts": 6_000_000, "dur": 500_000},
        {"name": "tick", "ph": "i", "pid": 9, "tid": 2, "ts": 6_100_000},
        {"name": "c", "ph": "B", "pid": 9, "tid": 1, "ts": 7_500_000},
        {"name": "c", "ph": "E", "pid": 9, "tid": 1, "ts": 8_000_000},
    ]
    s = chrome_trace.schedule_from_trace(events)
    at = s.slot_of()
    assert s.algorithm == "trace"
    assert s.workers == ["tid 1", "gpu"]
    assert (at["a"].worker, at["a"].start, at["a"].finish) == ("tid 1", 0.0, 2.0)
    assert (at["b"].worker, at["b"].start, at["b"].finish) == ("gpu", 1.0, 1.5)
    assert (at["c"].start, at["c"].finish) == (2.5, 3.0)
    assert s.meta["args"]["a"] == {"rows": 10}
    assert len(s.slots) == 3
    # the same through the object form
    assert chrome_trace.schedule_from_trace({"traceEvents": events}).slots == s.slots


@pytest.mark.parametrize(
    ("events", "expect"),
    [
        ([{"name": "a", "ph": "E", "tid": 1, "ts": 0}], r"'E' event with no matching 'B'"),
        ([{"name": "a", "ph": "B", "tid": 1, "ts": 0}], r"'B' of 'a' .* never ends"),
        ([{"name": "a", "ph": "X", "tid": 1, "ts": "soon", "dur": 1}], r"event #1 \('a'\): 'ts' must be a finite number"),
        ([{"name": "a", "ph": "X", "tid": 1, "ts": 0, "dur": -1}], r"negative duration"),
        ([{"name": "a", "ph": "X", "tid": 1, "ts": 0, "dur": 1}, {"name": "a", "ph": "X", "tid": 2, "ts": 0, "dur": 1}],
         r"task 'a' appears twice"),
        ({"events": []}, r"needs a 'traceEvents' list"),
        (["x"], r"event #1 must be an object"),
        ([{"name": "a", "ph": "X", "tid": [1], "ts": 0, "dur": 1}], r"event #1: 'tid' must be a number or a name"),
        ([{"name": "a", "ph": "X", "pid": {}, "ts": 0, "dur": 1}], r"event #1: 'pid' must be a number or a name"),
    ],
)
def test_chrome_trace_bad_input(events, expect):
    with pytest.raises(GraphError, match=expect):
        chrome_trace.schedule_from_trace(events)


def test_trace_of_recorded_execution_survives_chrome_round_trip():
    if not WF_FILES:
        pytest.skip("benchmark data not available")
    g, s, plat = wfformat.read_all(WF_FILES[0])
    back = chrome_trace.schedule_from_trace(json.loads(json.dumps(chrome_trace.schedule_to_trace(s))))
    assert back.algorithm == "trace" and back.meta["reconstructed"] is True
    assert set(back.workers) == set(s.workers)
    back.check(g, Platform(tuple(Worker(w) for w in back.workers), plat.network), check_durations=False)


# ------------------------------------------------------------ every format
@pytest.mark.parametrize("ext", [".json", ".dot", ".gv", ".graphml"])
def test_every_graph_format_round_trips_every_example(tmp_path, ext):
    for src in sorted((ROOT / "assets" / "examples").glob("*")):
        if not (src.name.endswith(".taskgraph.json") or src.suffix == ".dot"):
            continue
        g = load_graph(src)
        save_graph(g, tmp_path / f"x{ext}")
        h = load_graph(tmp_path / f"x{ext}")
        same_graph(g, h)
        plat = g.default_platform(3)
        assert heft_makespan(h, 3) == pytest.approx(get_algorithm("heft").schedule(g, plat).makespan)


def test_examples_load_and_schedule_validly():
    examples = [p for p in sorted((ROOT / "assets" / "examples").glob("*"))
                if p.name.endswith(".taskgraph.json") or p.suffix == ".dot"]
    assert len(examples) >= 6
    for p in examples:
        g = load_graph(p)
        for alg in ("heft",):
            s = get_algorithm(alg).schedule(g, g.default_platform(3))
            s.check(g, g.default_platform(3))
            assert s.makespan > 0
        assert all("x" in g.task_attrs(t) and "y" in g.task_attrs(t) for t in g.tasks), p.name


def test_unknown_extension_is_named(tmp_path):
    (tmp_path / "g.xyz").write_text("x")
    with pytest.raises(GraphError, match=r"unknown graph file type '\.xyz'"):
        load_graph(tmp_path / "g.xyz")


def test_chrome_trace_keeps_idle_workers():
    s = Schedule("manual", ["P1", "P2", "P3"], [Slot("a", "P1", 0.0, 1.0), Slot("b", "P3", 1.0, 2.0)])
    back = chrome_trace.schedule_from_trace(chrome_trace.schedule_to_trace(s))
    assert back.workers == ["P1", "P2", "P3"]
    assert back.by_worker()["P2"] == []
    assert back.algorithm == "manual"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    kind=st.sampled_from(["layered", "series-parallel", "fork-join", "montage", "in-tree"]),
    seed=st.integers(0, 10_000),
    workers=st.one_of(st.none(), st.integers(1, 4)),
    integer=st.booleans(),
)
def test_random_graphs_round_trip_through_dot_and_graphml(tmp_path, kind, seed, workers, integer):
    from model.generators import generate

    g = generate(kind, n=25, seed=seed, workers=workers, integer=integer)
    for ext in (".dot", ".graphml", ".json"):
        save_graph(g, tmp_path / f"r{ext}")
        same_graph(g, load_graph(tmp_path / f"r{ext}"))
    if workers is None:
        g0 = generate(kind, n=25, seed=seed, integer=integer, ccr=0)
        save_graph(g0, tmp_path / "r.stg")
        # STG numbers tasks in a topological order: same tasks, maybe another order
        same_graph(g0, load_graph(tmp_path / "r.stg"), positions=False, order=False)


@pytest.mark.parametrize("digits, expect", [
    (400, r"cost of task 'a' is infinite"),       # beyond the float range
    (5000, r"cost of task 'a' is infinite"),      # beyond Python's int-from-text limit
])
def test_huge_json_integers_are_named_not_crashing(tmp_path, digits, expect):
    p = tmp_path / "g.taskgraph.json"
    p.write_text('{"format": "taskmapper-graph", "version": 1, "tasks": [{"id": "a", "cost": %s}]}' % ("9" * digits))
    with pytest.raises(GraphError, match=expect):
        load_graph(p)
    p.write_text('{"format": "taskmapper-graph", "version": 1, "tasks": [{"id": "a", "cost": 12}]}')
    assert load_graph(p).cost("a") == 12


def test_chrome_trace_begin_end_with_non_object_args_reads_the_times():
    s = chrome_trace.schedule_from_trace([
        {"name": "a", "ph": "B", "tid": 1, "ts": 0, "args": "x"},
        {"ph": "E", "tid": 1, "ts": 5_000_000, "args": [1]},
    ])
    assert [(sl.task, sl.start, sl.finish) for sl in s.slots] == [("a", 0.0, 5.0)]


@pytest.mark.parametrize("transfers", [5, 2.5, True, "x", {"from": "a"}])
def test_schedule_transfers_that_are_not_a_list_are_named(transfers):
    from model.formats.native import schedule_from_dict

    d = {"format": "taskmapper-schedule", "version": 1, "workers": ["P1"],
         "slots": [{"task": "a", "worker": "P1", "start": 0, "finish": 1, "transfers": transfers}]}
    with pytest.raises(GraphError, match=r"'transfers' of task 'a' must be a list"):
        schedule_from_dict(d)
    d["slots"][0]["transfers"] = []
    assert schedule_from_dict(d).makespan == 1


# ------------------------------------------------- Chrome trace: transfers
def _by_ph(d, ph):
    return [e for e in d["traceEvents"] if e["ph"] == ph]


def test_chrome_trace_writes_each_transfer_as_async_pair_and_flow():
    _, s = heft_schedule()
    assert len(s.transfers) >= 5
    d = json.loads(json.dumps(chrome_trace.schedule_to_trace(s)))
    assert len(_by_ph(d, "X")) == len(s.slots)  # tasks only: transfers never look like tasks
    tid = {e["args"]["name"]: e["tid"] for e in d["traceEvents"] if e["name"] == "thread_name"}
    at = s.slot_of()
    begins = {e["id"]: e for e in _by_ph(d, "b")}
    ends = {e["id"]: e for e in _by_ph(d, "e")}
    starts = {e["id"]: e for e in _by_ph(d, "s")}
    finishes = {e["id"]: e for e in _by_ph(d, "f")}
    assert len(begins) == len(ends) == len(starts) == len(finishes) == len(s.transfers)
    seen = set()
    for i, b in begins.items():
        a = b["args"]
        tr = next(t for t in s.transfers if (t.source, t.target) == (a["source"], a["target"]))
        seen.add((tr.source, tr.target))
        assert b["cat"] == ends[i]["cat"] == "transfer" and b["name"] == ends[i]["name"]
        assert b["name"] == f"{tr.src_worker} → {tr.dst_worker}"
        assert (a["src_worker"], a["dst_worker"], a["data"]) == (tr.src_worker, tr.dst_worker, tr.data)
        assert b["ts"] == pytest.approx(tr.start * 1e6) and ends[i]["ts"] == pytest.approx(tr.finish * 1e6)
        # the arrow: starts inside the producer's slice, ends inside the consumer's (bound to it)
        fs, ff = starts[i], finishes[i]
        assert (fs["cat"], fs["name"]) == (ff["cat"], ff["name"]) and ff["bp"] == "e"
        su, sv = at[tr.source], at[tr.target]
        assert fs["tid"] == tid[su.worker] and ff["tid"] == tid[sv.worker]
        assert su.start * 1e6 < fs["ts"] < su.finish * 1e6
        assert sv.start * 1e6 < ff["ts"] < sv.finish * 1e6
    assert seen == {(t.source, t.target) for t in s.transfers}


def test_chrome_trace_round_trip_restores_transfers(tmp_path):
    _, s = heft_schedule()
    save_schedule(s, tmp_path / "s.trace.json")
    r = load_schedule(tmp_path / "s.trace.json")
    assert r.transfers == s.transfers
    # and they go on into the native format
    save_schedule(r, tmp_path / "s.schedule.json")
    assert sorted(load_schedule(tmp_path / "s.schedule.json").transfers, key=repr) == sorted(s.transfers, key=repr)
    # an odd time axis: shifted like the slots
    s2 = Schedule("manual", ["A", "B"], [Slot("u", "A", 0.125, 1.5), Slot("v", "B", 2.75, 3.0)])
    s2.transfers = [Transfer("u", "v", "A", "B", 1.5, 2.25, 7.5)]
    back = chrome_trace.schedule_from_trace(chrome_trace.schedule_to_trace(s2))
    (t,) = back.transfers
    assert (t.source, t.target, t.src_worker, t.dst_worker, t.data) == ("u", "v", "A", "B", 7.5)
    assert (t.start, t.finish) == pytest.approx((1.5 - 0.125, 2.25 - 0.125))
    assert back.slot_of()["u"].start == 0.0


def test_chrome_trace_from_other_tools_reads_no_transfers():
    # Ray-timeline-like: names as pid/tid, flow arrows between tasks, an async pair of
    # its own, instant and counter events; only the X events are tasks
    events = [
        {"name": "process_name", "ph": "M", "pid": "Node 10.0.0.1", "args": {"name": "Node 10.0.0.1"}},
        {"name": "thread_name", "ph": "M", "pid": "Node 10.0.0.1", "tid": "worker:ab", "args": {"name": "worker:ab"}},
        {"cat": "task::f", "name": "f()", "ph": "X", "pid": "Node 10.0.0.1", "tid": "worker:ab",
         "ts": 1_000_000, "dur": 2_000_000, "cname": "rail_load", "args": {"task_id": "01"}},
        {"cat": "task::g", "name": "g()", "ph": "X", "pid": "Node 10.0.0.1", "tid": "worker:cd",
         "ts": 3_500_000, "dur": 1_000_000, "args": {"task_id": "02"}},
        {"cat": "submit_task", "name": "submit", "ph": "s", "id": 7, "pid": "Node 10.0.0.1",
         "tid": "worker:ab", "ts": 2_000_000},
        {"cat": "submit_task", "name": "submit", "ph": "f", "bp": "e", "id": 7, "pid": "Node 10.0.0.1",
         "tid": "worker:cd", "ts": 3_600_000},
        {"cat": "transfer", "name": "object", "ph": "b", "id": 1, "pid": "Node 10.0.0.1", "ts": 3_000_000,
         "args": {"object": "ff01"}},
        {"cat": "transfer", "name": "object", "ph": "e", "id": 1, "pid": "Node 10.0.0.1", "ts": 3_400_000},
        {"cat": "transfer", "name": "orphan", "ph": "e", "id": 99, "pid": "Node 10.0.0.1", "ts": 3_400_000},
        {"name": "mem", "ph": "C", "pid": "Node 10.0.0.1", "ts": 1_000_000, "args": {"rss": 5}},
        {"name": "tick", "ph": "i", "pid": "Node 10.0.0.1", "tid": "worker:ab", "ts": 1_500_000},
    ]
    s = chrome_trace.schedule_from_trace(events)
    assert s.transfers == []
    assert [(sl.task, sl.worker, sl.start, sl.finish) for sl in s.slots] == [
        ("f()", "worker:ab", 0.0, 2.0), ("g()", "tid worker:cd", 2.5, 3.5)]
    # the same slots as with the X and M events alone
    plain = [e for e in events if e["ph"] in ("X", "M")]
    assert chrome_trace.schedule_from_trace(plain).slots == s.slots


def test_chrome_trace_transfer_naming_unknown_task_is_dropped():
    s = Schedule("manual", ["A", "B"], [Slot("u", "A", 0.0, 1.0), Slot("v", "B", 2.0, 3.0)])
    s.transfers = [Transfer("u", "v", "A", "B", 1.0, 2.0, 1.0),
                   Transfer("u", "ghost", "A", "B", 1.0, 2.0, 1.0)]
    d = chrome_trace.schedule_to_trace(s)
    assert len(_by_ph(d, "s")) == 1  # no slice to draw the ghost's arrow to
    back = chrome_trace.schedule_from_trace(d)
    assert [(t.source, t.target) for t in back.transfers] == [("u", "v")]


@pytest.mark.parametrize(("end_ts", "expect"), [
    (None, r"event #2: transfer 'u' -> 'v' never ends"),
    (500_000, r"event #3: transfer 'u' -> 'v' ends before it begins"),
])
def test_chrome_trace_broken_transfer_pair_is_named(end_ts, expect):
    events = [
        {"name": "u", "ph": "X", "tid": 1, "ts": 0, "dur": 1_000_000},
        {"cat": "transfer", "name": "A → B", "ph": "b", "id": 3, "ts": 1_000_000,
         "args": {"source": "u", "target": "v"}},
        {"name": "v", "ph": "X", "tid": 2, "ts": 2_000_000, "dur": 1_000_000},
    ]
    if end_ts is not None:
        events.insert(2, {"cat": "transfer", "name": "A → B", "ph": "e", "id": 3, "ts": end_ts})
    with pytest.raises(GraphError, match=expect):
        chrome_trace.schedule_from_trace(events)


# ------------------------------------------------- WfFormat: multi-core tasks
def wf_multicore(cores_b=2, machine_cores=2, version="1.5"):
    """a (1 core, 1 s) -> b (``cores_b`` cores, 3 s) and c (1 core, 2 s); d independent (1 s)."""
    if version == "1.4":
        return {"name": "mc", "schemaVersion": "1.4", "workflow": {
            "machines": [{"nodeName": "n1", "cpu": {"count": machine_cores}}],
            "tasks": [
                {"name": "a", "runtimeInSeconds": 1, "machine": "n1", "children": ["b", "c"]},
                {"name": "b", "runtimeInSeconds": 3, "machine": "n1", "parents": ["a"], "cores": cores_b},
                {"name": "c", "runtimeInSeconds": 2, "machine": "n1", "parents": ["a"]},
                {"name": "d", "runtimeInSeconds": 1, "machine": "n1"},
            ]}}
    return {"name": "mc", "schemaVersion": "1.5", "workflow": {
        "specification": {"tasks": [
            {"id": "a", "children": ["b", "c"]}, {"id": "b", "parents": ["a"]},
            {"id": "c", "parents": ["a"]}, {"id": "d"}]},
        "execution": {"makespanInSeconds": 6, "machines": [{"nodeName": "n1", "cpu": {"coreCount": machine_cores}}],
                      "tasks": [
                          {"id": "a", "runtimeInSeconds": 1, "coreCount": 1, "machines": ["n1"]},
                          {"id": "b", "runtimeInSeconds": 3, "coreCount": cores_b, "machines": ["n1"]},
                          {"id": "c", "runtimeInSeconds": 2, "coreCount": 1, "machines": ["n1"]},
                          {"id": "d", "runtimeInSeconds": 1, "machines": ["n1"]}]}}}


def assert_lanes_held(s):
    """No slot runs on a core lane that a multi-core task held at the same time."""
    at = s.slot_of()
    for t, lanes in s.meta.get("multicore", {}).items():
        assert lanes[0] == at[t].worker and len(set(lanes)) == len(lanes)
        for o in s.slots:
            if o.task != t and o.worker in lanes:
                assert o.finish <= at[t].start + 1e-9 or o.start >= at[t].finish - 1e-9, (t, o)


@pytest.mark.parametrize("version", ["1.5", "1.4"])
def test_wfformat_two_core_task_holds_two_core_lanes(version):
    d = wf_multicore(version=version)
    g = wfformat.graph_from_dict(d)
    assert g.task_attrs("b")["cores"] == 2 and "cores" not in g.task_attrs("a")
    s = wfformat.trace_from_dict(d)
    plat = wfformat.platform_from_dict(d)
    s.check(g, plat, check_durations=False)
    at = s.slot_of()
    assert s.workers == ["n1/1", "n1/2"]
    assert s.meta["multicore"] == {"b": [at["b"].worker, *({"n1/1", "n1/2"} - {at["b"].worker})]}
    assert_lanes_held(s)
    # a and d start at once side by side; b (ready first) takes both cores from 1 to 4,
    # so c, ready at 1 too, waits for a core until 4
    assert at["a"].start == 0 and at["d"].start == 0
    assert (at["b"].start, at["b"].finish) == (1, 4)
    assert (at["c"].start, at["c"].finish) == (4, 6)
    assert s.makespan == 6


def test_wfformat_one_core_tasks_overlap_where_a_two_core_task_cannot():
    one = wfformat.trace_from_dict(wf_multicore(cores_b=1))
    two = wfformat.trace_from_dict(wf_multicore(cores_b=2))
    ab, ac = one.slot_of()["b"], one.slot_of()["c"]
    assert ab.start < ac.finish and ac.start < ab.finish  # side by side on two cores
    assert "multicore" not in one.meta
    assert (one.makespan, two.makespan) == (4, 6)


def test_wfformat_machine_grows_to_its_widest_task_and_fractions_round_up():
    d = wf_multicore(cores_b=2.5, machine_cores=1)
    s = wfformat.trace_from_dict(d)
    assert s.meta["machines"] == {"n1": 3}
    assert len(s.meta["multicore"]["b"]) == 3
    assert_lanes_held(s)
    s.check(wfformat.graph_from_dict(d), wfformat.platform_from_dict(d), check_durations=False)


@pytest.mark.parametrize(("cores", "expect"), [
    ("two", r"core count of task 'b' must be a number, got 'two'"),
    (-2, r"core count of task 'b'"),
    (True, r"core count of task 'b' must be a number"),
])
def test_wfformat_bad_core_count_is_named(cores, expect):
    with pytest.raises(GraphError, match=expect):
        wfformat.trace_from_dict(wf_multicore(cores_b=cores))


@pytest.mark.parametrize("path", WF_FILES, ids=lambda p: p.name)
def test_wfformat_bench_instances_with_a_task_made_multicore(path):
    d = json.loads(path.read_text())
    ex = d["workflow"]["execution"]["tasks"]
    assert all(e.get("coreCount", 1) == 1 for e in ex)  # as recorded: one core each
    assert "multicore" not in wfformat.trace_from_dict(d).meta
    # the widest task of the instance (most children) said to use 4 cores
    spec = d["workflow"]["specification"]["tasks"]
    wide = max(spec, key=lambda t: len(t.get("children") or []))["id"]
    next(e for e in ex if e["id"] == wide)["coreCount"] = 4
    g = wfformat.graph_from_dict(d)
    s = wfformat.trace_from_dict(d)
    s.check(g, wfformat.platform_from_dict(d), check_durations=False)
    assert len(s.meta["multicore"][wide]) == 4
    assert_lanes_held(s)


def wf_local_and_remote():
    """a on n1 (2 cores) sends 250 MB to b and c: c runs next to b on n1, d on n2."""
    mb = 250_000_000  # 2 s at 1 Gbit/s
    return {"name": "lr", "schemaVersion": "1.5", "workflow": {
        "specification": {
            "tasks": [{"id": "a", "children": ["b", "c", "d"], "outputFiles": ["f"]},
                      *({"id": t, "parents": ["a"], "inputFiles": ["f"]} for t in "bcd")],
            "files": [{"id": "f", "sizeInBytes": mb}]},
        "execution": {
            "machines": [{"nodeName": "n1", "cpu": {"coreCount": 2}}, {"nodeName": "n2", "cpu": {"coreCount": 1}}],
            "tasks": [{"id": "a", "runtimeInSeconds": 1, "machines": ["n1"]},
                      {"id": "b", "runtimeInSeconds": 3, "machines": ["n1"]},
                      {"id": "c", "runtimeInSeconds": 3, "machines": ["n1"]},
                      {"id": "d", "runtimeInSeconds": 3, "machines": ["n2"]}]}}}


def test_wfformat_transfers_between_cores_of_one_machine_are_free():
    d = wf_local_and_remote()
    g = wfformat.graph_from_dict(d)
    s = wfformat.trace_from_dict(d)
    at = s.slot_of()
    # b and c both on n1, side by side on its two cores: the one not on a's core
    # starts right when a ends, with no transfer time
    assert {at["b"].worker, at["c"].worker} == {"n1/1", "n1/2"}
    assert at["b"].start == at["c"].start == 1
    # d on another machine waits for the 2 s transfer
    assert at["d"].worker == "n2" and at["d"].start == 3
    assert s.makespan == 6
    plat = wfformat.platform_from_dict(d)
    s.check(g, plat, check_durations=False)
    assert plat.network.comm_time(g.data("a", "b"), "n1/1", "n1/2") == 0
    assert plat.network.comm_time(g.data("a", "d"), "n1/1", "n2") == 2
    # the same platform from the trace alone, as the app builds it when it opens one
    assert wfformat.trace_platform(s).network.links == plat.network.links
    # on a platform charging every core-to-core transfer, the check catches the early start
    charged = Platform(plat.workers, Network(bandwidth=wfformat.DEFAULT_BANDWIDTH))
    with pytest.raises(ScheduleError, match="before the data of 'a'"):
        s.check(g, charged, check_durations=False)


def test_wfformat_unrecorded_tasks_still_pay_transfers():
    d = wf_local_and_remote()
    for e in d["workflow"]["execution"]["tasks"]:
        e.pop("machines")
    s = wfformat.trace_from_dict(d)
    at = s.slot_of()
    assert {at[t].worker for t in "abcd"} <= {f"unrecorded/{k}" for k in range(1, 5)}
    # one child may share a's core; the others wait for the transfer
    assert sorted(at[t].start for t in "bcd") == [1, 3, 3]
    s.check(wfformat.graph_from_dict(d), wfformat.platform_from_dict(d), check_durations=False)


def test_trace_platform_needs_a_rebuilt_trace():
    with pytest.raises(GraphError, match="not a trace rebuilt from a WfFormat instance"):
        wfformat.trace_platform(Schedule("heft", ["P1"], [Slot("a", "P1", 0, 1)]))


# ------------------------------------------------ native JSON: the contract's bad input
def _graph_doc(**kw):
    return {"format": "taskmapper-graph", "version": 1,
            "tasks": [{"id": "a", "cost": 1}, {"id": "b", "cost": 2}],
            "edges": [{"source": "a", "target": "b", "data": 1}], **kw}


def _schedule_doc(**kw):
    return {"format": "taskmapper-schedule", "version": 1, "algorithm": "heft", "makespan": 9,
            "workers": ["P1", "P2"],
            "slots": [{"task": "a", "worker": "P1", "start": 0, "finish": 4},
                      {"task": "b", "worker": "P2", "start": 5, "finish": 9}], **kw}


@pytest.mark.parametrize("change, expect", [
    ({"version": True}, "version True"),
    ({"tasks": [{"id": None, "cost": 1}]}, "id of task #1"),
    ({"tasks": [{"id": ["a"], "cost": 1}]}, "id of task #1"),
    ({"tasks": [{"id": " ", "cost": 1}]}, "id of task #1 is empty"),
    ({"tasks": [{"id": "a", "cost": None}]}, "cost of task 'a'"),
    ({"edges": [{"source": None, "target": "b"}]}, "'source' of edge #1"),
    ({"workers": [{"id": None}]}, "id of worker #1"),
    ({"workers": [{"id": "P1"}], "network": {"links": 5}}, "'network.links' must be a list"),
    ({"workers": [{"id": "P1"}], "network": {"links": {"source": "P1"}}}, "'network.links' must be a list"),
    ({"name": ["x"]}, "'name'"),
])
def test_native_graph_wrong_types_are_named(tmp_path, change, expect):
    p = tmp_path / "g.json"
    p.write_text(json.dumps(_graph_doc(**change)))
    with pytest.raises(GraphError, match=re.escape(expect)):
        load_graph(p)


def test_native_graph_null_name_takes_the_file_name(tmp_path):
    p = tmp_path / "mine.taskgraph.json"
    p.write_text(json.dumps(_graph_doc(name=None)))
    assert load_graph(p).name == "mine"


@pytest.mark.parametrize("change, expect", [
    ({"workers": ["P1", "P1", "P2"]}, "duplicate worker id 'P1'"),
    ({"workers": [None, "P1", "P2"]}, "worker #1 in 'workers'"),
    ({"slots": [{"task": None, "worker": "P1", "start": 0, "finish": 1}]}, "task of slot #1"),
    ({"slots": [{"task": "a", "worker": {"id": "P1"}, "start": 0, "finish": 1}]}, "worker of task 'a'"),
    ({"algorithm": ["heft"]}, "'algorithm'"),
    ({"makespan": "nine"}, "'makespan'"),
    ({"slots": [{"task": "a", "worker": "P1", "start": 0, "finish": 4,
                 "transfers": [{"from": "x", "worker": "P2", "start": "soon", "finish": 1}]}]},
     "start of transfer 'x' -> 'a'"),
    ({"slots": [{"task": "a", "worker": "P1", "start": 0, "finish": 4,
                 "transfers": [{"from": "x", "worker": "P2", "start": 0, "finish": 1, "data": -3}]}]},
     "data of transfer 'x' -> 'a'"),
])
def test_native_schedule_wrong_types_are_named(tmp_path, change, expect):
    p = tmp_path / "s.schedule.json"
    p.write_text(json.dumps(_schedule_doc(**change)))
    with pytest.raises(GraphError, match=re.escape(expect)):
        load_schedule(p)


def test_json_with_a_byte_order_mark_reads(tmp_path):
    g, s = tmp_path / "g.json", tmp_path / "s.schedule.json"
    g.write_text("\ufeff" + json.dumps(_graph_doc()), encoding="utf-8")
    s.write_text("\ufeff" + json.dumps(_schedule_doc()), encoding="utf-8")
    assert load_graph(g).data("a", "b") == 1.0
    assert load_schedule(s).makespan == 9


def test_json_duplicate_keys_are_refused(tmp_path):
    p = tmp_path / "g.json"
    p.write_text('{"format": "taskmapper-graph", "version": 1, '
                 '"tasks": [{"id": "a", "cost": 1, "cost": -1}], "tasks": []}')
    with pytest.raises(GraphError, match="'cost' appears twice"):
        load_graph(p)


@pytest.mark.parametrize("ext", [".dot", ".graphml"])
@pytest.mark.parametrize("with_workers", [True, False])
def test_dot_and_graphml_keep_the_network(tmp_path, ext, with_workers):
    doc = _graph_doc(network={"bandwidth": 2.5, "latency": 0.5})
    if with_workers:
        doc["workers"] = [{"id": "P1"}, {"id": "P2", "speed": 2}]
        doc["network"]["links"] = [{"source": "P1", "target": "P2", "bandwidth": 4, "latency": 1}]
    src = tmp_path / "g.json"
    src.write_text(json.dumps(doc))
    g = load_graph(src)
    save_graph(g, tmp_path / f"g{ext}")
    back = load_graph(tmp_path / f"g{ext}")
    plat, plat_back = g.default_platform(2), back.default_platform(2)
    assert plat_back.network == plat.network
    assert dict(plat_back.network.links) == dict(plat.network.links)
    # the times a schedule is built from are those of the original file
    assert get_algorithm("round-robin").schedule(back, plat_back).makespan == \
        get_algorithm("round-robin").schedule(g, plat).makespan


@pytest.mark.parametrize("attrs, expect", [
    ('bandwidth="fast"', "network bandwidth must be a number"),
    ("bandwidth=0", "network bandwidth must be positive"),
    ('links="[1]"', "'links' must be a JSON list"),
    ('links="[[\\"P1\\", \\"P2\\", 1, 0]]"', "'links' needs a 'workers'"),
])
def test_dot_bad_network_attributes_are_named(attrs, expect):
    with pytest.raises(GraphError, match=re.escape(expect)):
        dot.read_text(f"digraph {{ graph [{attrs}]; a [Weight=1]; }}")


def test_dot_writes_a_graph_whose_positions_are_not_numbers(tmp_path):
    g = TaskGraph("g")
    g.add_task("a", 1, x="left", y=2)
    save_graph(g, tmp_path / "g.dot")
    a = load_graph(tmp_path / "g.dot").task_attrs("a")
    assert a["x"] == "left" and "pos" not in a


@pytest.mark.parametrize("name, text", [
    ("g.dot", "digraph { a [Weight=2]; b [Weight=3]; a -> b [Weight=1]; }"),
    ("g.stg", "2\n0 0 0\n1 2 1 0\n2 3 1 1\n3 0 1 2\n"),
])
def test_text_formats_with_a_byte_order_mark_read(tmp_path, name, text):
    p = tmp_path / name
    p.write_text("\ufeff" + text, encoding="utf-8")
    g = load_graph(p)
    assert sorted(g.cost(t) for t in g.tasks) == [2.0, 3.0]
