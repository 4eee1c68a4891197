"""Every subcommand explains itself, errors share one prefix, and successes say what was written."""

import argparse
import json

import pytest
from test_cli import HEFT_PAPER, taskmapper

from cli.main import build_parser


def subparsers():
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return action.choices


@pytest.mark.parametrize("name", sorted(subparsers()))
def test_every_argument_has_help_and_shows_its_default(name):
    sp = subparsers()[name]
    assert sp.format_help()
    for action in sp._actions:
        if isinstance(action, argparse._HelpAction):
            continue
        assert action.help, f"{name}: {action.dest} has no help text"
    text = sp.format_help()
    for action in sp._actions:
        if action.option_strings and action.default not in (None, False, argparse.SUPPRESS):
            assert "default" in (action.help or "") or f"(default: {action.default})" in " ".join(text.split()), \
                f"{name}: default of {action.dest} not shown"


def test_run_help_names_graph_executor_and_workers():
    text = " ".join(subparsers()["run"].format_help().split())
    assert "(default: threads)" in text
    assert "number of workers (default: the graph's)" in text
    assert "task graph file" in text


@pytest.mark.parametrize("args, prefix", [
    (["schedule", "missing.json"], "taskmapper schedule: "),
    (["export", str(HEFT_PAPER), "-o", "x.txt"], "taskmapper export: "),
    (["convert", str(HEFT_PAPER), "-o", "x.schedule.json"], "taskmapper convert: "),
    (["generate", "layered", "-p", "oops", "-o", "x.json"], "taskmapper generate: "),
    (["schedule", "--workers", "0", str(HEFT_PAPER)], "taskmapper schedule: "),
])
def test_errors_start_with_the_command_name(args, prefix):
    res = taskmapper(*args)
    assert res.returncode == 2
    assert res.stderr.startswith(prefix), res.stderr
    assert len(res.stderr.splitlines()) == 1


def test_convert_says_what_it_wrote(tmp_path):
    out = tmp_path / "g.dot"
    res = taskmapper("convert", HEFT_PAPER, "-o", out)
    assert res.returncode == 0 and out.is_file()
    assert res.stderr.strip() == f"10 tasks, 15 edges -> {out}"


def test_schedule_to_stdout_still_reports_makespan_and_proof():
    res = taskmapper("schedule", HEFT_PAPER, "-a", "optimal", "--time-limit", "20")
    assert res.returncode == 0
    doc = json.loads(res.stdout)
    assert doc["makespan"] == 73
    assert res.stderr.strip() == "optimal: makespan 73 on 3 workers, proven optimal"
    res = taskmapper("schedule", HEFT_PAPER)
    assert res.stderr.strip() == "heft: makespan 80 on 3 workers"
