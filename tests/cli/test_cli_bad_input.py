"""Bad input in, strict output out, through the real ``python -m cli`` command.

Each case: exit status 2 and one line on stderr naming the problem (no traceback, no
internal error), quickly, and nothing non-standard written.
"""

from __future__ import annotations

import copy
import json
import os
import stat
import time

import pytest
from cli_helpers import HEFT_PAPER, assert_bad_input, graph_file, taskmapper

WF15 = {
    "name": "w", "schemaVersion": "1.5",
    "workflow": {
        "specification": {
            "tasks": [{"id": "a", "parents": [], "children": ["b"], "outputFiles": ["f"]},
                      {"id": "b", "parents": ["a"], "inputFiles": ["f"]}],
            "files": [{"id": "f", "sizeInBytes": 1000}],
        },
        "execution": {
            "makespanInSeconds": 4,
            "tasks": [{"id": "a", "runtimeInSeconds": 2.5, "machines": ["n1"]},
                      {"id": "b", "runtimeInSeconds": 1, "machines": ["n1"]}],
            "machines": [{"nodeName": "n1", "cpu": {"coreCount": 2}}],
        },
    },
}
WF14 = {
    "name": "w14", "schemaVersion": "1.4",
    "workflow": {
        "machines": [{"nodeName": "n1", "cpu": {"count": 2}}],
        "tasks": [{"name": "a", "parents": [], "runtimeInSeconds": 2, "machine": "n1",
                   "files": [{"link": "output", "name": "x", "sizeInBytes": 100}]},
                  {"name": "b", "parents": ["a"], "runtimeInSeconds": 3, "machine": "n1",
                   "files": [{"link": "input", "name": "x", "sizeInBytes": 100}]}],
    },
}


def strict_json(text):
    """Parse as RFC 8259 JSON: NaN and Infinity are not numbers there."""
    def refuse(name):
        raise AssertionError(f"non-standard JSON constant {name} written")
    return json.loads(text, parse_constant=refuse)


def write(tmp_path, doc, name="wf.json"):
    p = tmp_path / name
    p.write_text(json.dumps(doc))
    return p


def spec15(d):
    return d["workflow"]["specification"]


# ------------------------------------------------------------- WfFormat types
@pytest.mark.parametrize(("base", "mutate", "words", "trace"), [
    (WF15, lambda d: spec15(d)["tasks"][1].update(parents=1.5), ["'parents' of task 'b' must be a list", "1.5"], False),
    (WF15, lambda d: spec15(d).update(files=5), ["'workflow.specification.files' must be a list", "5"], True),
    (WF15, lambda d: d["workflow"]["execution"].update(machines=7), ["'workflow.execution.machines' must be a list"], False),
    (WF15, lambda d: d["workflow"]["execution"].update(tasks=3), ["'workflow.execution.tasks' must be a list"], True),
    (WF15, lambda d: spec15(d)["tasks"][0].update(outputFiles={"f": 1}), ["'outputFiles' of task 'a' must be a list"], False),
    (WF15, lambda d: spec15(d)["tasks"][0].update(children=[["b"]]), ["'children' of task 'a'", "must be a text"], True),
    (WF14, lambda d: d["workflow"].update(machines=7), ["'workflow.machines' must be a list"], False),
    (WF14, lambda d: d["workflow"]["tasks"][0].update(files=5), ["'files' of task 'a' must be a list"], True),
    (WF14, lambda d: d["workflow"]["tasks"][1].update(parents=1.5), ["'parents' of task 'b' must be a list"], False),
])
def test_wfformat_fields_of_the_wrong_type_are_one_line(tmp_path, base, mutate, words, trace):
    d = copy.deepcopy(base)
    mutate(d)
    p = write(tmp_path, d)
    out = tmp_path / ("out.schedule.json" if trace else "out.json")
    args = ["convert", p, "-o", out] + (["--trace"] if trace else [])
    assert_bad_input(taskmapper(*args), *words)
    assert not out.exists()


@pytest.mark.parametrize("count", [1e8, "1000000000", 1e308, 5000])
def test_absurd_machine_core_counts_are_refused_at_once(tmp_path, count):
    d = copy.deepcopy(WF15)
    d["workflow"]["execution"]["machines"][0]["cpu"]["coreCount"] = count
    t0 = time.perf_counter()
    line = assert_bad_input(taskmapper("convert", "--trace", write(tmp_path, d), "-o", tmp_path / "t.schedule.json"),
                            "core count of machine 'n1'", "at most 4,096 cores per machine")
    assert time.perf_counter() - t0 < 30, line


def test_a_machine_at_the_core_limit_still_converts(tmp_path):
    d = copy.deepcopy(WF15)
    d["workflow"]["execution"]["machines"][0]["cpu"]["coreCount"] = "4096"
    out = tmp_path / "t.schedule.json"
    res = taskmapper("convert", "--trace", write(tmp_path, d), "-o", out)
    assert res.returncode == 0, res.stderr
    assert strict_json(out.read_text())["machines"] == {"n1": 4096}


def test_absurd_task_core_count_is_refused(tmp_path):
    d = copy.deepcopy(WF15)
    d["workflow"]["execution"]["tasks"][0]["coreCount"] = 100_000
    assert_bad_input(taskmapper("convert", "--trace", write(tmp_path, d), "-o", tmp_path / "t.schedule.json"),
                     "core count of task 'a'", "4,096")


# --------------------------------------------------------------- huge numbers
# each case through one algorithm (they take turns): the checks come before any of them
@pytest.mark.parametrize(("change", "words", "algorithm"), [
    ({"tasks": [{"id": "a", "cost": 1e308}, {"id": "b", "cost": 1}, {"id": "c", "cost": 1}]},
     ["cost of task 'a' is too large", "1e+308"], "sufferage"),
    ({"tasks": [{"id": "a", "costs": [1, 1e300]}, {"id": "b", "costs": [1, 1]}, {"id": "c", "costs": [1, 1]}]},
     ["cost #2 of task 'a' is too large"], "optimal"),
    ({"edges": [{"source": "a", "target": "b", "data": 1e308}]}, ["data of edge 'a' -> 'b' is too large"], "heft"),
    ({"network": {"latency": 1e308}}, ["network latency is too large"], "sufferage"),
    ({"network": {"bandwidth": 1e-300}, "edges": [{"source": "a", "target": "b", "data": 5}]},
     ["edge 'a' -> 'b' takes", "to transfer", "at most 1e+12"], "optimal"),
    ({"workers": [{"id": "P1", "speed": 1e-300}, {"id": "P2"}]}, ["task", "on the slowest worker", "at most 1e+12"],
     "heft"),
])
def test_huge_finite_values_are_refused_before_any_algorithm(tmp_path, change, words, algorithm):
    doc = {"format": "taskmapper-graph", "version": 1,
           "tasks": [{"id": "a", "cost": 2}, {"id": "b", "cost": 3}, {"id": "c", "cost": 4}],
           "edges": [{"source": "a", "target": "b", "data": 1}], **change}
    p = tmp_path / "g.json"
    p.write_text(json.dumps(doc))
    assert_bad_input(taskmapper("schedule", p, "-a", algorithm, "--time-limit", "2"), *words)


def test_a_million_digit_number_is_not_echoed_whole(tmp_path):
    p = tmp_path / "g.json"
    p.write_text('{"format": "taskmapper-graph", "version": 1, "tasks": [{"id": "a", "cost": "'
                 + "9" * 1_000_000 + '"}]}')
    line = assert_bad_input(taskmapper("convert", p, "-o", tmp_path / "o.json"), "cost of task 'a' must be a number")
    assert len(line) < 200, len(line)


def test_a_huge_task_id_is_not_echoed_whole(tmp_path):
    tid = "T" * 1_000_000
    p = graph_file(tmp_path, [{"id": tid, "cost": 1}, {"id": tid, "cost": 2}])
    line = assert_bad_input(taskmapper("convert", p, "-o", tmp_path / "o.json"), "duplicate task id 'TTTT")
    assert len(line) < 200, len(line)


def test_deep_nesting_is_one_line(tmp_path):
    p = tmp_path / "deep.json"
    p.write_text("[" * 100_000 + "]" * 100_000)
    assert_bad_input(taskmapper("convert", p, "-o", tmp_path / "o.json"), "nested too deeply")
    q = tmp_path / "deep2.json"  # parses, but deeper than any TaskMapper file
    q.write_text('{"format": "taskmapper-graph", "version": 1, "tasks": [], "note": ' + "[" * 500 + "]" * 500 + "}")
    assert_bad_input(taskmapper("convert", q, "-o", tmp_path / "o.json"), "nested too deeply", "at most 100")


def test_a_hundred_thousand_workers_are_refused_by_count(tmp_path):
    p = tmp_path / "g.json"
    p.write_text(json.dumps({"format": "taskmapper-graph", "version": 1, "tasks": [{"id": "a", "cost": 1}],
                             "workers": [{"id": f"P{i}"} for i in range(100_000)]}))
    assert_bad_input(taskmapper("schedule", p), "100,000 workers", "at most 4,096")
    q = graph_file(tmp_path, [{"id": "a", "costs": [1] * 5000}], name="costs.json")
    assert_bad_input(taskmapper("schedule", q), "task 'a' has 5,000 costs", "at most 4,096 workers")


# ------------------------------------------------------------- strict output
def test_nan_and_infinity_in_input_are_refused(tmp_path):
    p = tmp_path / "g.json"
    p.write_text('{"format": "taskmapper-graph", "version": 1, "tasks": [{"id": "a", "cost": 1, "label": NaN}]}')
    assert_bad_input(taskmapper("convert", p, "-o", tmp_path / "o.json"), "NaN is not a JSON number")
    d = json.dumps(WF15).replace('"makespanInSeconds": 4', '"makespanInSeconds": Infinity')
    q = tmp_path / "wf.json"
    q.write_text(d)
    assert_bad_input(taskmapper("convert", "--trace", q, "-o", tmp_path / "t.schedule.json"),
                     "Infinity is not a JSON number")


def test_non_finite_free_values_are_left_out_of_the_output(tmp_path):
    # 1e999 is valid JSON but no finite number: a recorded makespan or free attribute
    # holding it is not written back as Infinity
    q = tmp_path / "wf.json"
    q.write_text(json.dumps(WF15).replace('"makespanInSeconds": 4', '"makespanInSeconds": 1e999'))
    out = tmp_path / "t.schedule.json"
    res = taskmapper("convert", "--trace", q, "-o", out)
    assert res.returncode == 0, res.stderr
    doc = strict_json(out.read_text())
    assert "recorded_makespan" not in doc and len(doc["slots"]) == 2
    trace = tmp_path / "t.trace.json"
    assert taskmapper("convert", out, "-o", trace).returncode == 0
    strict_json(trace.read_text())
    p = tmp_path / "g.json"
    p.write_text('{"format": "taskmapper-graph", "version": 1, "x-note": 1e999, '
                 '"tasks": [{"id": "a", "cost": 1, "label": "A", "weight": -1e999, "marks": [1, 1e999]}]}')
    for ext in (".json", ".dot", ".graphml"):
        o = tmp_path / f"o{ext}"
        res = taskmapper("convert", p, "-o", o)
        assert res.returncode == 0, res.stderr
        assert "Infinity" not in o.read_text() and "inf" not in o.read_text().replace("info", "")
    doc = strict_json((tmp_path / "o.json").read_text())
    assert "x-note" not in doc and doc["tasks"][0] == {"id": "a", "cost": 1, "label": "A", "marks": [1, None]}


def test_times_a_chrome_trace_cannot_hold_are_refused(tmp_path):
    p = tmp_path / "s.schedule.json"
    p.write_text(json.dumps({"format": "taskmapper-schedule", "version": 1, "workers": ["P1"],
                             "slots": [{"task": "a", "worker": "P1", "start": 0, "finish": 1e303}]}))
    out = tmp_path / "s.trace.json"
    assert_bad_input(taskmapper("convert", p, "-o", out), "finish of task 'a' is too large")
    assert not out.exists()
    t = tmp_path / "x.trace.json"
    t.write_text(json.dumps({"traceEvents": [
        {"name": "a", "ph": "X", "pid": 1, "tid": 1, "ts": -1e300, "dur": 1},
        {"name": "b", "ph": "X", "pid": 1, "tid": 1, "ts": 1e300, "dur": 1}]}))
    assert_bad_input(taskmapper("convert", t, "-o", tmp_path / "y.schedule.json"), "'ts' is too large")


# ------------------------------------------------------------------- -o target
def test_output_onto_a_device_is_refused_and_the_device_kept(tmp_path):
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full here")
    before = os.stat("/dev/full")
    assert stat.S_ISCHR(before.st_mode)
    assert_bad_input(taskmapper("schedule", HEFT_PAPER, "-o", "/dev/full"), "'/dev/full'", "a device")
    after = os.stat("/dev/full")
    assert stat.S_ISCHR(after.st_mode) and after.st_rdev == before.st_rdev and after.st_ino == before.st_ino


def test_output_onto_a_fifo_or_folder_is_refused(tmp_path):
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    assert_bad_input(taskmapper("convert", HEFT_PAPER, "-o", fifo), "a named pipe")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    folder = tmp_path / "dir.json"
    folder.mkdir()
    assert_bad_input(taskmapper("convert", HEFT_PAPER, "-o", folder), "a folder")
    assert folder.is_dir()


def test_output_through_a_symlink_writes_its_target_and_keeps_the_link(tmp_path):
    real = tmp_path / "real" / "g.json"
    real.parent.mkdir()
    real.write_text("old")
    os.chmod(real, 0o640)
    link = tmp_path / "link.json"
    link.symlink_to(real)
    res = taskmapper("convert", HEFT_PAPER, "-o", link)
    assert res.returncode == 0, res.stderr
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert strict_json(real.read_text())["format"] == "taskmapper-graph"
    assert stat.S_IMODE(os.stat(real).st_mode) == 0o640
    # a link to a device is refused like the device
    if os.path.exists("/dev/full"):
        dev = tmp_path / "dev.json"
        dev.symlink_to("/dev/full")
        assert_bad_input(taskmapper("convert", HEFT_PAPER, "-o", dev), "a device")
        assert_bad_input(taskmapper("schedule", HEFT_PAPER, "-o", dev), "a device")
        assert dev.is_symlink()


# ------------------------------------------------------------------ generators
@pytest.mark.parametrize(("args", "words"), [
    (["layered", "-n", "100000", "-p", "out_degree=1000"], ["about 100,000,000 edges", "at most 4,000,000"]),
    (["gaussian", "-p", "size=2000"], ["2,000,999 tasks", "at most 1,000,000"]),
    (["montage", "-p", "images=1000000"], ["4,000,003 tasks", "at most 1,000,000"]),
    (["fft", "-p", "points=65536"], ["1,179,647 tasks"]),
    (["chain", "-p", "cost=1e308"], ["parameter 'cost'", "1e+308"]),
])
def test_generators_refuse_graphs_past_their_limits_at_once(tmp_path, args, words):
    out = tmp_path / "g.json"
    t0 = time.perf_counter()
    assert_bad_input(taskmapper("generate", *args, "-o", out), *words)
    assert time.perf_counter() - t0 < 30
    assert not out.exists()
