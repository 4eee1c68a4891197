"""`taskmapper schedule --pin/--pins`: every algorithm keeps the pins given on the command line."""

import json

import pytest
from cli_helpers import HEFT_PAPER, taskmapper

#: every algorithm honouring pins is tested in-process (tests/model/test_pins.py); here a few
#: kinds (list, clustering, batch, random, search, exact) show the options reach them
ALGORITHMS = ["heft", "cpop", "dsc", "minmin", "random", "improve", "optimal"]
#: a mapping no algorithm picks on its own: everything on one worker but n1
PINNED = {"n1": "P1", **{f"n{i}": "P3" for i in range(2, 11)}}


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_all_tasks_pinned_by_file_give_exactly_that_mapping(tmp_path, algorithm):
    pins = tmp_path / "pins.json"
    pins.write_text(json.dumps(PINNED))
    res = taskmapper("schedule", HEFT_PAPER, "-a", algorithm, "--pins", pins, "--time-limit", "2")
    assert res.returncode == 0, res.stderr
    doc = json.loads(res.stdout)
    assert {s["task"]: s["worker"] for s in doc["slots"]} == PINNED


@pytest.mark.parametrize("algorithm", ["heft", "sufferage", "optimal"])
def test_pins_on_the_command_line_are_kept(algorithm):
    res = taskmapper("schedule", HEFT_PAPER, "-a", algorithm, "--pin", "n1=P2", "--pin", "n10=P1",
                     "--time-limit", "2")
    assert res.returncode == 0, res.stderr
    got = {s["task"]: s["worker"] for s in json.loads(res.stdout)["slots"]}
    assert got["n1"] == "P2" and got["n10"] == "P1"


def test_pins_from_a_schedule_file_are_kept(tmp_path):
    sched = tmp_path / "cpop.schedule.json"
    assert taskmapper("schedule", HEFT_PAPER, "-a", "cpop", "-o", sched).returncode == 0
    want = {s["task"]: s["worker"] for s in json.loads(sched.read_text())["slots"]}
    res = taskmapper("schedule", HEFT_PAPER, "-a", "heft", "--pins", sched)
    assert res.returncode == 0, res.stderr
    assert {s["task"]: s["worker"] for s in json.loads(res.stdout)["slots"]} == want


def test_run_follows_the_pinned_mapping():
    res = taskmapper("run", HEFT_PAPER, "--pin", "n1=P2", "--pin", "n10=P1", "--time-scale", "0.001")
    assert res.returncode == 0, res.stderr
    doc = json.loads(res.stdout)
    got = {s["task"]: s["worker"] for s in doc["slots"]}
    assert doc["algorithm"] == "trace" and got["n1"] == "P2" and got["n10"] == "P1"
