"""`taskmapper evaluate` and the `--pin` / `--pins` options, run as real processes."""

import argparse
import json

import pytest
from cli_helpers import HEFT_PAPER, assert_bad_input, taskmapper

from model.formats import load_graph
from model.formats.native import schedule_from_dict

HEFT_MAPPING = {"P1": ["n2", "n8"], "P2": ["n4", "n6", "n9", "n10"], "P3": ["n1", "n3", "n5", "n7"]}


def mapping_file(tmp_path, slots, name="m.schedule.json", **extra):
    p = tmp_path / name
    p.write_text(json.dumps({"format": "taskmapper-schedule", "version": 1, "slots": slots, **extra}))
    return p


def heft_slots(with_times=False):
    """The HEFT paper's mapping as slots without times (or with made-up ones)."""
    out = []
    for w, tasks in HEFT_MAPPING.items():
        for k, t in enumerate(tasks):
            out.append({"task": t, "worker": w, **({"start": 10 * k, "finish": 10 * k + 1} if with_times else {})})
    return out


def slots_of(doc):
    return {s["task"]: (s["worker"], s["start"], s["finish"]) for s in doc["slots"]}


# --------------------------------------------------------------------- evaluate
def test_evaluate_times_a_mapping_without_times(tmp_path):
    m = mapping_file(tmp_path, heft_slots())
    res = taskmapper("evaluate", HEFT_PAPER, m)
    assert res.returncode == 0, res.stderr
    doc = json.loads(res.stdout)
    assert doc["format"] == "taskmapper-schedule" and doc["algorithm"] == "hand" and doc["makespan"] == 80
    g = load_graph(HEFT_PAPER)
    schedule_from_dict(doc).check(g, g.default_platform())
    assert slots_of(doc)["n9"] == ("P2", 56, 68) and slots_of(doc)["n10"] == ("P2", 73, 80)
    assert res.stderr.splitlines() == ["hand: makespan 80 on 3 workers"]  # as 'schedule' reports


def test_evaluate_takes_durations_from_the_graph_and_the_algorithm_from_the_file(tmp_path):
    # made-up times: they give only the order; durations come from the graph
    m = mapping_file(tmp_path, heft_slots(with_times=True), algorithm="heft")
    res = taskmapper("evaluate", HEFT_PAPER, m)
    assert res.returncode == 0, res.stderr
    doc = json.loads(res.stdout)
    assert doc["algorithm"] == "heft" and doc["makespan"] == 80
    assert slots_of(doc)["n7"] == ("P3", 38, 49)


def test_evaluate_orders_by_start_and_equal_starts_keep_the_file_order(tmp_path):
    g = tmp_path / "g.json"
    g.write_text(json.dumps({"format": "taskmapper-graph", "version": 1,
                             "tasks": [{"id": "a", "cost": 2}, {"id": "b", "cost": 3}, {"id": "c", "cost": 4}]}))
    m = mapping_file(tmp_path, [{"task": "c", "worker": "P1", "start": 9},
                                {"task": "b", "worker": "P1", "start": 1},
                                {"task": "a", "worker": "P1", "start": 1}])
    doc = json.loads(taskmapper("evaluate", g, m).stdout)
    assert slots_of(doc) == {"b": ("P1", 0, 3), "a": ("P1", 3, 5), "c": ("P1", 5, 9)}


def test_evaluate_to_a_file_prints_a_summary(tmp_path):
    m = mapping_file(tmp_path, heft_slots())
    out = tmp_path / "out.schedule.json"
    res = taskmapper("evaluate", HEFT_PAPER, m, "-o", out)
    assert res.returncode == 0, res.stderr
    assert res.stdout == ""
    assert res.stderr.splitlines() == [f"hand: makespan 80 on 3 workers -> {out}"]
    assert json.loads(out.read_text())["makespan"] == 80


def test_evaluate_reads_the_schedule_command_output(tmp_path):
    out = tmp_path / "heft.schedule.json"
    assert taskmapper("schedule", HEFT_PAPER, "-a", "cpop", "-o", out).returncode == 0
    res = taskmapper("evaluate", HEFT_PAPER, out)
    assert res.returncode == 0, res.stderr
    doc = json.loads(res.stdout)
    before = json.loads(out.read_text())
    assert doc["algorithm"] == "cpop"
    assert {s["task"]: s["worker"] for s in doc["slots"]} == {s["task"]: s["worker"] for s in before["slots"]}
    assert doc["makespan"] <= before["makespan"]


def test_evaluate_takes_the_worker_count_from_the_mapping_when_the_graph_has_none(tmp_path):
    g = tmp_path / "g.json"
    g.write_text(json.dumps({"format": "taskmapper-graph", "version": 1, "network": {"latency": 2},
                             "tasks": [{"id": "a", "cost": 1}, {"id": "b", "cost": 1}],
                             "edges": [{"source": "a", "target": "b", "data": 3}]}))
    m = mapping_file(tmp_path, [{"task": "a", "worker": "P3"}, {"task": "b", "worker": "P1"}],
                     workers=["P1", "P2", "P3"])
    doc = json.loads(taskmapper("evaluate", g, m).stdout)
    assert doc["workers"] == ["P1", "P2", "P3"]
    assert slots_of(doc) == {"a": ("P3", 0, 1), "b": ("P1", 6, 7)}  # 1 + latency 2 + 3 / bandwidth 1


@pytest.mark.parametrize("change, words", [
    (lambda s: s[:-1], ["'n7' is missing from the mapping"]),
    (lambda s: [*s, {"task": "n7", "worker": "P1"}], ["'n7' appears twice", "#10", "#11"]),
    (lambda s: [*s, {"task": "n99", "worker": "P1"}], ["unknown task 'n99'"]),
    (lambda s: [{**x, "worker": "P7"} if x["task"] == "n8" else x for x in s], ["'n8'", "unknown worker 'P7'"]),
    # n10 first on P2 (no start times: file order): it needs data of n9, which P2 runs after it
    (lambda s: [x for x in s if x["task"] == "n10"] + [x for x in s if x["task"] != "n10"],
     ["on P2, 'n10' is ordered before 'n9', but 'n10' needs data of 'n9'"]),
])
def test_evaluate_bad_mappings_exit_2_with_one_line(tmp_path, change, words):
    m = mapping_file(tmp_path, change(heft_slots()))
    assert_bad_input(taskmapper("evaluate", HEFT_PAPER, m), *words)


@pytest.mark.parametrize("change, words", [
    # n9 starting first on P2 puts it before n4, whose data it needs
    (lambda s: [{**x, "start": -1} if x["task"] == "n9" else x for x in s],
     ["on P2, 'n9' is ordered before 'n4', but 'n9' needs data of 'n4'"]),
    # n1 last on P3: n3, n5 and n7 need its data; the first of them in the graph is named
    (lambda s: [{**x, "start": 100} if x["task"] == "n1" else x for x in s],
     ["on P3, 'n3' is ordered before 'n1', but 'n3' needs data of 'n1'"]),
])
def test_evaluate_orders_by_start_times_against_dependencies(tmp_path, change, words):
    m = mapping_file(tmp_path, change(heft_slots(with_times=True)))
    assert_bad_input(taskmapper("evaluate", HEFT_PAPER, m), *words)


def test_evaluate_bad_files(tmp_path):
    assert_bad_input(taskmapper("evaluate", HEFT_PAPER, tmp_path / "nope.json"), "no such file")
    assert_bad_input(taskmapper("evaluate", HEFT_PAPER, HEFT_PAPER), "task graph, not a mapping")
    m = mapping_file(tmp_path, heft_slots())
    assert_bad_input(taskmapper("evaluate", HEFT_PAPER, m, "-o", tmp_path / "no" / "x.schedule.json"),
                     "does not exist")
    assert_bad_input(taskmapper("evaluate", HEFT_PAPER), "required: MAPPING")
    bad = mapping_file(tmp_path, [{"task": "n1", "worker": "P1", "start": "early"}], name="b.schedule.json")
    assert_bad_input(taskmapper("evaluate", HEFT_PAPER, bad), "start of task 'n1' must be a finite number")


def test_evaluate_help():
    res = taskmapper("evaluate", "--help")
    assert res.returncode == 0 and "usage:" in res.stdout and "MAPPING" in res.stdout.upper()


# --------------------------------------------------------------------- pins
def test_schedule_pin_errors(tmp_path):
    assert_bad_input(taskmapper("schedule", HEFT_PAPER, "--pin", "n99=P1"), "--pin n99=P1", "unknown task 'n99'")
    assert_bad_input(taskmapper("schedule", HEFT_PAPER, "--pin", "n1=P9"), "unknown worker 'P9'", "'n1'")
    assert_bad_input(taskmapper("schedule", HEFT_PAPER, "--pin", "n1"), "expected TASK=WORKER")
    pins = tmp_path / "pins.json"
    pins.write_text(json.dumps({"n1": "P2", "zz": "P1"}))
    assert_bad_input(taskmapper("schedule", HEFT_PAPER, "--pins", pins), "--pins", "unknown task 'zz'")
    pins.write_text(json.dumps({"n1": "P4"}))
    assert_bad_input(taskmapper("schedule", HEFT_PAPER, "--pins", pins), "unknown worker 'P4'")
    pins.write_text(json.dumps({"n1": [1]}))
    assert_bad_input(taskmapper("schedule", HEFT_PAPER, "--pins", pins), "must be a worker id")
    assert_bad_input(taskmapper("schedule", HEFT_PAPER, "--pins", tmp_path / "none.json"), "no such file")
    # a pin in the graph file on a worker the run does not have
    g = json.loads(HEFT_PAPER.read_text())
    g.pop("workers")
    g["tasks"] = [{"id": t["id"], "cost": 5, **({"pin": "P3"} if t["id"] == "n2" else {})} for t in g["tasks"]]
    gp = tmp_path / "pinned.json"
    gp.write_text(json.dumps(g))
    assert_bad_input(taskmapper("schedule", gp, "--workers", "2"), "task 'n2' is pinned to unknown worker 'P3'")
    assert taskmapper("schedule", gp, "--workers", "3").returncode == 0


def test_export_and_run_refuse_pins_where_they_mean_nothing(tmp_path):
    s = tmp_path / "h.schedule.json"
    assert taskmapper("schedule", HEFT_PAPER, "-o", s).returncode == 0
    assert_bad_input(taskmapper("export", s, "--pin", "n1=P1", "-o", tmp_path / "x.png"), "is a schedule", "--pin")
    assert_bad_input(taskmapper("run", HEFT_PAPER, "--dynamic", "--pin", "n1=P1"), "--dynamic")
    assert_bad_input(taskmapper("run", HEFT_PAPER, "--pin", "n1=P7"), "unknown worker 'P7'")


def test_pins_from_the_command_line_add_to_and_override_the_graphs(tmp_path):
    from cli.common import apply_pins

    g = load_graph(HEFT_PAPER)
    g.set_pin("n1", "P1")
    g.set_pin("n2", "P2")
    pins = tmp_path / "pins.schedule.json"
    pins.write_text(json.dumps({"format": "taskmapper-schedule", "version": 1,
                                "slots": [{"task": "n2", "worker": "P3"}, {"task": "n3", "worker": "P3"}]}))
    args = argparse.Namespace(pins=str(pins), pin=[("n3", "P1"), ("n4", "P2")])
    apply_pins(g, g.default_platform(), args)
    assert g.pins() == {"n1": "P1", "n2": "P3", "n3": "P1", "n4": "P2"}
    obj = tmp_path / "free.json"
    obj.write_text(json.dumps({"n1": None}))
    apply_pins(g, g.default_platform(), argparse.Namespace(pins=str(obj), pin=None))
    assert "n1" not in g.pins()
