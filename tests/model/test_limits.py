"""Limits on input (sizes, magnitudes, nesting), strict JSON, and how files are written."""

from __future__ import annotations

import json
import math
import os
import stat

import pytest

from model.formats import atomic_write, load_graph, load_schedule, save_graph, save_schedule, wfformat
from model.formats.chrome_trace import schedule_to_trace
from model.formats.jsonio import MAX_DEPTH, dumps_json, finite_only, parse_json
from model.formats.native import graph_to_dict, schedule_to_dict
from model.graph import (
    MAX_DATA,
    MAX_TIME,
    MAX_WORKERS,
    GraphError,
    Network,
    Platform,
    TaskGraph,
    Worker,
    shorten,
)
from model.schedule import Schedule, Slot


def graph(**costs):
    g = TaskGraph()
    for t, c in costs.items():
        g.add_task(t, c)
    return g


# ------------------------------------------------------------------ magnitudes
@pytest.mark.parametrize("build, expect", [
    (lambda: graph(a=1e308), r"cost of task 'a' is too large \(1e\+308; at most 1e\+12\)"),
    (lambda: TaskGraph().add_task("a", costs=[1, MAX_TIME * 2]), r"cost #2 of task 'a' is too large"),
    (lambda: graph(a=1, b=1).add_edge("a", "b", 1e16), r"data of edge 'a' -> 'b' is too large \(1e\+16; at most 1e\+15\)"),
    (lambda: Platform((Worker("P1"),), Network(latency=1e13)), r"network latency is too large"),
    (lambda: Platform.homogeneous(MAX_WORKERS + 1), r"number of workers must be at most 4,096, got 4,097"),
    (lambda: Platform.homogeneous(2).with_workers(10**6), r"at most 4,096, got 1,000,000"),
    (lambda: TaskGraph().add_task("a", costs=[1] * (MAX_WORKERS + 1)), r"task 'a' has 4,097 costs"),
])
def test_values_past_the_limits_are_refused(build, expect):
    with pytest.raises(GraphError, match=expect):
        build()


def test_limits_on_the_platform_are_checked_against_times():
    g = graph(a=1e6, b=1)
    g.add_edge("a", "b", 1e9)
    g.validate(Platform.homogeneous(2))
    slow = Platform((Worker("P1", 1e-7), Worker("P2")))
    with pytest.raises(GraphError, match=r"task 'a' takes 1e\+13 on the slowest worker \(cost 1e\+06 / speed 1e-07"):
        g.validate(slow)
    thin = Platform.homogeneous(2, bandwidth=1e-4)
    with pytest.raises(GraphError, match=r"edge 'a' -> 'b' takes 1e\+13 to transfer on the slowest link"):
        g.validate(thin)
    link = Platform((Worker("P1"), Worker("P2")), Network(links={("P1", "P2"): (1e-5, 0.0)}))
    with pytest.raises(GraphError, match=r"edge 'a' -> 'b' takes 1e\+14"):
        g.validate(link)
    g.validate(Platform.homogeneous(1, bandwidth=1e-4))  # one worker: nothing is ever sent


def test_the_largest_accepted_values_keep_every_sum_finite():
    g = TaskGraph()
    for i in range(1000):
        g.add_task(f"t{i}", MAX_TIME)
        if i:
            g.add_edge(f"t{i - 1}", f"t{i}", MAX_TIME)
    g.validate(Platform.homogeneous(2))
    from model.analysis import analyze

    r = analyze(g, Platform.homogeneous(2))
    assert all(math.isfinite(x) for x in (r.critical_path_length, r.total_work_mean, r.lower_bound, r.ccr))
    assert MAX_DATA >= MAX_TIME


def test_shorten_cuts_long_input():
    assert shorten("abc") == "'abc'"
    s = shorten("x" * 10_000)
    assert len(s) <= 45 and s.startswith("'xxx") and s.endswith("…'")
    assert len(shorten(list(range(10_000)))) <= 45
    assert "digits" in shorten(10 ** 100_000)


def test_error_messages_quote_at_most_a_little_of_the_input(tmp_path):
    p = tmp_path / "g.json"
    big = "7" * 1_000_000
    p.write_text(json.dumps({"format": "taskmapper-graph", "version": 1, "name": big,
                             "tasks": [{"id": "a", "cost": big}]}))
    with pytest.raises(GraphError) as e:
        load_graph(p)
    assert "cost of task 'a' must be a number" in str(e.value) and len(str(e.value)) < 120
    g = TaskGraph()
    g.add_task("y" * 500_000, 1)
    with pytest.raises(GraphError) as e:
        g.add_task("y" * 500_000, 1)
    assert len(str(e.value)) < 80


# ------------------------------------------------------------------ file sizes
def test_a_file_with_too_many_workers_is_refused_by_count(tmp_path):
    p = tmp_path / "g.json"
    p.write_text(json.dumps({"format": "taskmapper-graph", "version": 1, "tasks": [{"id": "a"}],
                             "workers": [{"id": f"P{i}"} for i in range(100_000)]}))
    with pytest.raises(GraphError, match="the file lists 100,000 workers; at most 4,096 are supported"):
        load_graph(p)


def test_wfformat_machine_and_task_cores_are_capped():
    d = {"name": "w", "workflow": {"specification": {"tasks": [{"id": "a"}]},
                                   "execution": {"tasks": [{"id": "a", "machines": ["n"]}],
                                                 "machines": [{"nodeName": "n", "cpu": {"coreCount": 4097}}]}}}
    with pytest.raises(GraphError, match="core count of machine 'n' is 4097; at most 4,096 cores per machine"):
        wfformat.trace_from_dict(d)
    d["workflow"]["execution"]["machines"][0]["cpu"]["coreCount"] = "lots"
    with pytest.raises(GraphError, match="core count of machine 'n' must be a number, got 'lots'"):
        wfformat.trace_from_dict(d)
    d["workflow"]["execution"]["machines"][0]["cpu"]["coreCount"] = " 12 "
    assert wfformat.trace_from_dict(d).meta["machines"] == {"n": 12}
    d["workflow"]["execution"]["tasks"][0]["coreCount"] = 5000
    with pytest.raises(GraphError, match="core count of task 'a' is 5000; at most 4,096"):
        wfformat.trace_from_dict(d)


def test_wfformat_rebuild_with_thousands_of_unrecorded_cores_is_linear():
    # tasks without a machine share a pseudo-machine with one core per task: picking the
    # core free first must not scan all of them for every task
    import time

    n = 20_000
    tasks = [{"id": "root", "children": [f"t{i}" for i in range(n)]}]
    tasks += [{"id": f"t{i}", "parents": ["root"], "runtimeInSeconds": 1 + i % 3} for i in range(n)]
    d = {"name": "w", "workflow": {"specification": {"tasks": tasks}}}
    t0 = time.process_time()
    s = wfformat.trace_from_dict(d)
    assert len(s.slots) == n + 1 and len(s.workers) == n
    assert time.process_time() - t0 < 20
    # every child starts when the root ends, each on a core of its own
    assert {sl.start for sl in s.slots if sl.task != "root"} == {0.0}


# --------------------------------------------------------------- strict JSON
@pytest.mark.parametrize("text, expect", [
    ('{"a": NaN}', "NaN is not a JSON number"),
    ('[Infinity]', "Infinity is not a JSON number"),
    ('[-Infinity]', "-Infinity is not a JSON number"),
    ('{"a": 1, "a": 2}', "key 'a' appears twice"),
    ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1), "nested too deeply (at most 100 levels)"),
    ('{"a": [1, }', "not valid JSON"),
])
def test_strict_json_reading(text, expect):
    with pytest.raises(GraphError, match=re_escape(expect)):
        parse_json(text, "'t.json'")


def re_escape(s):
    import re

    return re.escape(s)


def test_strict_json_accepts_what_it_should():
    assert parse_json("\ufeff" + "[" * MAX_DEPTH + "]" * MAX_DEPTH, "t") == eval("[" * MAX_DEPTH + "]" * MAX_DEPTH)
    assert parse_json('{"a": 1e999, "b": 12345678901234567890}', "t") == {"a": math.inf, "b": 12345678901234567890}


def test_deep_json_files_give_the_readers_error(tmp_path):
    for name in ("g.json", "s.schedule.json", "s.trace.json"):
        p = tmp_path / name
        p.write_text('{"a": ' + "[" * 50_000 + "]" * 50_000 + "}")
        with pytest.raises(GraphError, match="nested too deeply"):
            (load_schedule if "schedule" in name or "trace" in name else load_graph)(p)


def test_writers_never_emit_nan_or_infinity(tmp_path):
    with pytest.raises(GraphError, match=r"cannot write a\.b\[1\]: nan is not a finite number"):
        dumps_json({"a": {"b": [1, math.nan]}})
    assert finite_only({"a": math.inf, "b": [math.nan, {"c": -math.inf, "d": 1}]}) == {"b": [None, {"d": 1}]}
    g = graph(a=1, b=2)
    g.add_edge("a", "b", 3, weight=math.nan)
    g.nx.nodes["a"]["label"] = math.inf
    g.nx.nodes["a"]["x"] = 5.0
    g.attrs["note"] = [1.0, math.nan]
    d = graph_to_dict(g)
    assert d["tasks"][0] == {"id": "a", "cost": 1, "x": 5.0} and d["edges"][0] == {"source": "a", "target": "b", "data": 3}
    assert d["note"] == [1.0, None]
    save_graph(g, tmp_path / "g.json")
    json.loads((tmp_path / "g.json").read_text(), parse_constant=pytest.fail)
    s = Schedule("heft", ["P1"], [Slot("a", "P1", 0.0, 1.0)], meta={"recorded_makespan": math.nan, "ok": 2})
    assert "recorded_makespan" not in schedule_to_dict(s) and schedule_to_dict(s)["ok"] == 2
    assert "recorded_makespan" not in schedule_to_trace(s)["otherData"]
    huge = Schedule("heft", ["P1"], [Slot("a", "P1", 0.0, 1e305)])
    with pytest.raises(GraphError, match=r"duration of task 'a' \(1e\+305 s\) does not fit a Chrome trace"):
        save_schedule(huge, tmp_path / "s.trace.json")
    assert not (tmp_path / "s.trace.json").exists()


def test_schedule_times_past_the_limit_are_refused(tmp_path):
    p = tmp_path / "s.schedule.json"
    p.write_text(json.dumps({"format": "taskmapper-schedule", "version": 1, "workers": ["P1"],
                             "slots": [{"task": "a", "worker": "P1", "start": -2e12, "finish": 0}]}))
    with pytest.raises(GraphError, match=r"start of task 'a' is too large \(-2e\+12; at most 1e\+12 either way\)"):
        load_schedule(p)


# ------------------------------------------------------------------ atomic_write
def test_atomic_write_replaces_a_regular_file_keeping_its_mode(tmp_path):
    p = tmp_path / "f.json"
    p.write_text("old")
    os.chmod(p, 0o600)
    atomic_write(p, "new")
    assert p.read_text() == "new" and stat.S_IMODE(p.stat().st_mode) == 0o600
    assert [x.name for x in tmp_path.iterdir()] == ["f.json"]  # no temporary left


@pytest.mark.parametrize("relative", [False, True])
def test_atomic_write_writes_through_a_symlink(tmp_path, relative):
    (tmp_path / "sub").mkdir()
    target = tmp_path / "sub" / "real.json"
    target.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(os.path.relpath(target, tmp_path) if relative else target)
    atomic_write(link, "new")
    assert link.is_symlink() and target.read_text() == "new"
    chain = tmp_path / "chain.json"  # a link to a link
    chain.symlink_to(link)
    atomic_write(chain, "newer")
    assert chain.is_symlink() and link.is_symlink() and target.read_text() == "newer"
    dangling = tmp_path / "dangling.json"
    dangling.symlink_to(tmp_path / "sub" / "made.json")
    atomic_write(dangling, "made")
    assert dangling.is_symlink() and (tmp_path / "sub" / "made.json").read_text() == "made"


def test_atomic_write_refuses_what_is_not_a_regular_file(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(GraphError, match=r"'.*pipe': it is a named pipe, not a regular file"):
        atomic_write(fifo, "x")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    with pytest.raises(GraphError, match="it is a folder, not a regular file"):
        atomic_write(tmp_path, "x")
    link = tmp_path / "to-pipe"
    link.symlink_to(fifo)
    with pytest.raises(GraphError, match="a named pipe"):
        atomic_write(link, "x")
    assert link.is_symlink() and stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert sorted(x.name for x in tmp_path.iterdir()) == ["pipe", "to-pipe"]


@pytest.mark.skipif(not os.path.exists("/dev/null"), reason="no /dev/null")
def test_atomic_write_refuses_a_device():
    before = os.stat("/dev/null")
    with pytest.raises(GraphError, match="'/dev/null': it is a device, not a regular file"):
        atomic_write("/dev/null", "x")
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and (after.st_ino, after.st_rdev) == (before.st_ino, before.st_rdev)


def test_deeply_nested_dot_subgraphs_are_named(tmp_path):
    p = tmp_path / "deep.dot"
    p.write_text("digraph { " + "subgraph { " * 100_000 + "a" + " }" * 100_000 + " }")
    with pytest.raises(GraphError, match=r"'deep.dot' line 1: subgraphs nested too deeply \(at most 100 levels\)"):
        load_graph(p)
    p.write_text("digraph { " + "{ " * 100 + "a -> b" + " }" * 100 + " }")
    assert load_graph(p).edges == [("a", "b")]
    p.write_text("digraph { a -> " + "x" * 100_000 + " -> }")
    with pytest.raises(GraphError) as e:
        load_graph(p)
    assert len(str(e.value)) < 150


def test_every_algorithm_maps_a_graph_at_the_limits():
    from model.algorithms import available, get_algorithm

    g = TaskGraph()
    g.add_task("a", MAX_TIME)
    g.add_task("b", MAX_TIME)
    g.add_task("c", MAX_TIME / 2)
    g.add_edge("a", "b", MAX_TIME)
    plat = Platform.homogeneous(2)
    for name in available():
        s = get_algorithm(name, time_limit=1.0).schedule(g, plat)
        s.check(g, plat)
        assert math.isfinite(s.makespan) and s.makespan >= 2 * MAX_TIME, name
        dumps_json(schedule_to_dict(s))
