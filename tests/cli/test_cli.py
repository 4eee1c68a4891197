"""The ``taskmapper`` command line, run as a user would: in a subprocess.

The contract (shared/spec/formats.md): exit 0 on success; 2 on bad input or usage with
exactly one line on stderr naming the problem and no traceback.
"""

import json
import os
from pathlib import Path

import pytest
from cli_helpers import HEFT_PAPER, assert_bad_input, graph_file, taskmapper

from model.formats import load_graph
from model.formats.native import schedule_from_dict

SUBCOMMANDS = ["algorithms", "schedule", "export", "convert", "analyze", "generate", "run", "evaluate", "scale", "report", "codegen"]


def check_schedule_doc(doc, graph_path, workers=None):
    assert doc["format"] == "taskmapper-schedule" and doc["version"] == 1
    assert isinstance(doc["algorithm"], str) and isinstance(doc["makespan"], (int, float))
    assert all(isinstance(w, str) for w in doc["workers"])
    for s in doc["slots"]:
        assert {"task", "worker", "start", "finish"} <= set(s)
    g = load_graph(graph_path)
    plat = g.default_platform(workers)
    sched = schedule_from_dict(doc)
    sched.check(g, plat)
    assert doc["makespan"] == pytest.approx(max(s["finish"] for s in doc["slots"]))
    assert len(doc["slots"]) == len(g)
    return sched


# --------------------------------------------------------------------- success
def test_algorithms_lists_one_registered_name_per_line():
    from model.algorithms import available

    res = taskmapper("algorithms")
    assert res.returncode == 0, res.stderr
    lines = [ln for ln in res.stdout.splitlines() if ln.strip()]
    names = [ln.split()[0] for ln in lines]
    assert names == available()
    assert "heft" in names and len(names) == len(set(names))
    assert all(len(ln.split(None, 1)) == 2 for ln in lines)  # name then a description


def test_schedule_to_stdout_is_a_valid_schedule():
    res = taskmapper("schedule", HEFT_PAPER)
    assert res.returncode == 0, res.stderr
    doc = json.loads(res.stdout)
    check_schedule_doc(doc, HEFT_PAPER)
    assert doc["algorithm"] == "heft" and doc["makespan"] == 80
    assert doc["workers"] == ["P1", "P2", "P3"]


def test_schedule_to_file_with_algorithm_and_workers(tmp_path):
    g = graph_file(
        tmp_path,
        [{"id": f"t{i}", "cost": 1 + i % 3} for i in range(8)],
        [{"source": "t0", "target": f"t{i}", "data": 1} for i in range(1, 8)],
    )
    out = tmp_path / "out.schedule.json"
    res = taskmapper("schedule", g, "--algorithm", "cpop", "--workers", "4", "-o", out)
    assert res.returncode == 0, res.stderr
    assert res.stdout == ""
    doc = json.loads(out.read_text())
    sched = check_schedule_doc(doc, g, workers=4)
    assert doc["algorithm"] == "cpop" and doc["workers"] == ["P1", "P2", "P3", "P4"]
    assert sched.makespan == doc["makespan"]
    res = taskmapper("schedule", g, "-a", "round-robin", "-w", "2", "-o", out)
    assert res.returncode == 0, res.stderr
    doc = json.loads(out.read_text())
    check_schedule_doc(doc, g, workers=2)
    assert doc["algorithm"] == "round-robin" and doc["workers"] == ["P1", "P2"]


def test_analyze_text_and_json(tmp_path):
    res = taskmapper("analyze", HEFT_PAPER)
    assert res.returncode == 0, res.stderr
    assert "width (max independent set): 5" in res.stdout
    assert "n1 -> n2 -> n9 -> n10" in res.stdout
    res = taskmapper("analyze", HEFT_PAPER, "--json")
    assert res.returncode == 0, res.stderr
    d = json.loads(res.stdout)
    assert d["width"] == 5 and d["lower_bound"] == 41 and d["tasks"] == 10
    assert d["critical_path"]["tasks"] == ["n1", "n2", "n9", "n10"]
    assert d["critical_path"]["length"] == pytest.approx(108)
    out = tmp_path / "a.json"
    res = taskmapper("analyze", HEFT_PAPER, "--json", "--workers", "3", "-o", out)
    assert res.returncode == 0, res.stderr
    assert json.loads(out.read_text())["workers"] == 3


@pytest.mark.parametrize("command", [None, *SUBCOMMANDS])
def test_help_of_every_subcommand(command):
    res = taskmapper(*([command] if command else []), "--help")
    assert res.returncode == 0, res.stderr
    assert "usage:" in res.stdout.lower()
    if command:
        assert command in res.stdout


# ------------------------------------------------------------------- bad input
def test_missing_file(tmp_path):
    missing = tmp_path / "nope.json"
    for cmd in ("schedule", "analyze"):
        assert_bad_input(taskmapper(cmd, missing), "nope.json")


def test_malformed_json(tmp_path):
    p = tmp_path / "broken.json"
    p.write_text('{"format": "taskmapper-graph", "tasks": [')
    for cmd in ("schedule", "analyze"):
        assert_bad_input(taskmapper(cmd, p), "broken.json", "JSON")


def test_cycle_is_named(tmp_path):
    g = graph_file(
        tmp_path, [{"id": "a"}, {"id": "b"}, {"id": "c"}],
        [{"source": "a", "target": "b"}, {"source": "b", "target": "c"}, {"source": "c", "target": "a"}],
    )
    for cmd in ("schedule", "analyze"):
        line = assert_bad_input(taskmapper(cmd, g), "cycle")
        assert all(t in line for t in ("a", "b", "c"))


def test_negative_cost_is_named(tmp_path):
    g = graph_file(tmp_path, [{"id": "ok", "cost": 1}, {"id": "bad-task", "cost": -4}])
    for cmd in ("schedule", "analyze"):
        assert_bad_input(taskmapper(cmd, g), "bad-task", "negative")


def test_unknown_algorithm():
    line = assert_bad_input(taskmapper("schedule", HEFT_PAPER, "--algorithm", "no-such-alg"), "no-such-alg")
    assert "heft" in line  # lists the known ones


@pytest.mark.parametrize("value", ["0", "-3", "many", "100000", "99999999999999999999"])
def test_bad_worker_count(value):
    assert_bad_input(taskmapper("schedule", HEFT_PAPER, "--workers", value), "--workers")


def test_more_workers_than_tasks_and_one_worker(tmp_path):
    g = tmp_path / "two.taskgraph.json"
    g.write_text(json.dumps({"format": "taskmapper-graph", "version": 1,
                             "tasks": [{"id": "a", "cost": 2}, {"id": "b", "cost": 3}],
                             "edges": [{"source": "a", "target": "b", "data": 1}]}))
    for workers, makespan in (("50", 5), ("1", 5)):
        res = taskmapper("schedule", g, "--workers", workers)
        assert res.returncode == 0, res.stderr
        doc = json.loads(res.stdout)
        assert len(doc["workers"]) == int(workers) and doc["makespan"] == makespan


def test_unexpected_errors_are_one_line_without_traceback(monkeypatch, capsys):
    import cli.main
    import cli.mapping

    def boom(args):
        raise ValueError("something odd\nsecond line")

    def no_memory(args):
        raise MemoryError

    monkeypatch.setattr(cli.mapping, "cmd_algorithms", boom)
    assert cli.main.main(["algorithms"]) == 1
    err = capsys.readouterr().err
    assert err == "taskmapper algorithms: internal error: ValueError: something odd\n"
    monkeypatch.setattr(cli.mapping, "cmd_algorithms", no_memory)
    assert cli.main.main(["algorithms"]) == 2
    assert capsys.readouterr().err.startswith("taskmapper algorithms: out of memory")


def test_costs_list_not_matching_the_worker_count():
    assert_bad_input(taskmapper("schedule", HEFT_PAPER, "--workers", "2"), "n1", "3 costs", "2 workers")


def test_missing_output_folder(tmp_path):
    out = tmp_path / "no" / "such" / "dir" / "x.schedule.json"
    assert_bad_input(taskmapper("schedule", HEFT_PAPER, "-o", out), "does not exist")
    assert_bad_input(taskmapper("analyze", HEFT_PAPER, "-o", out.with_name("a.txt")), "does not exist")
    assert not out.parent.exists()


def test_unwritable_output(tmp_path):
    # a folder in the way of the output file: unwritable even for root
    target = tmp_path / "taken.schedule.json"
    target.mkdir()
    assert_bad_input(taskmapper("schedule", HEFT_PAPER, "-o", target), "cannot write", "taken.schedule.json")
    assert_bad_input(taskmapper("analyze", HEFT_PAPER, "--json", "-o", target), "cannot write")
    assert target.is_dir()


def test_read_only_folder(tmp_path):
    if hasattr(os, "geteuid") and os.geteuid() != 0:
        ro = tmp_path / "ro"
        ro.mkdir()
        ro.chmod(0o555)
    else:
        # root may write into any ordinary folder; nobody may create files in /proc
        ro = Path("/proc")
    try:
        assert_bad_input(taskmapper("schedule", HEFT_PAPER, "-o", ro / "x.schedule.json"), "cannot write")
    finally:
        if ro != Path("/proc"):
            ro.chmod(0o755)


def test_usage_errors_are_one_line():
    assert_bad_input(taskmapper("schedule"), "graph")
    assert_bad_input(taskmapper("schedule", HEFT_PAPER, "--bogus"), "--bogus")
    assert_bad_input(taskmapper("algorithms", "extra"), "extra")


def test_a_schedule_is_not_a_graph(tmp_path):
    res = taskmapper("schedule", HEFT_PAPER, "-o", tmp_path / "s.schedule.json")
    assert res.returncode == 0, res.stderr
    assert_bad_input(taskmapper("analyze", tmp_path / "s.schedule.json"), "schedule")


def test_non_utf8_input_is_named_by_every_command(tmp_path):
    p = tmp_path / "g.json"
    p.write_bytes(json.dumps({"format": "taskmapper-graph", "version": 1, "tasks": []}).encode("utf-16"))
    assert_bad_input(taskmapper("convert", p, "-o", tmp_path / "out.dot"), "not UTF-8")
    assert_bad_input(taskmapper("schedule", p), "not UTF-8")


def test_overflowing_costs_give_one_line_not_a_numpy_warning(tmp_path):
    p = graph_file(tmp_path, [{"id": "a", "cost": 1e308}, {"id": "b", "cost": 1e308}],
                   [{"source": "a", "target": "b"}])
    assert_bad_input(taskmapper("schedule", p), "cost of task 'a' is too large", "1e+308", "at most 1e+12")


def test_negative_seed_is_refused_as_usage():
    assert_bad_input(taskmapper("schedule", HEFT_PAPER, "-a", "random", "--seed", "-5"), "--seed", "-5")
    res = taskmapper("schedule", HEFT_PAPER, "-a", "random", "--seed", "7")
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)["algorithm"] == "random"
