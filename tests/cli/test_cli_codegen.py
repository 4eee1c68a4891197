"""`taskmapper codegen`: the command that writes a program, its options and its one-line errors.

One test runs the command and the program it writes as real processes (the whole loop:
graph -> program -> trace TaskMapper reads). The others call ``cli.main.main`` in this
process, which is what the ``taskmapper`` script runs, so that they stay fast.
"""

from __future__ import annotations

import ast
import json
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from cli.main import main
from model.algorithms import get_algorithm
from model.codegen import worker_orders
from model.formats import load_graph, load_schedule
from model.formats.native import schedule_to_dict

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "assets" / "examples"
HEFT_PAPER = EXAMPLES / "heft-paper.taskgraph.json"
FORK_JOIN = EXAMPLES / "fork-join.taskgraph.json"


def constants(source: str) -> dict[str, object]:
    """The top-level constants of a generated program (MAPPING, TIME_SCALE, ...), read without running it."""
    out = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            try:
                out[node.targets[0].id] = ast.literal_eval(node.value)
            except ValueError:  # TASKS holds functions
                pass
    return out


def codegen(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["codegen", *map(str, args)])
    cap = capsys.readouterr()
    return code, cap.out, cap.err


def assert_bad(capsys, *args, words=()):
    code, _, err = codegen(capsys, *args)
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    assert lines[0].startswith("taskmapper codegen: "), lines[0]
    for w in words:
        assert w in lines[0], lines[0]


def test_codegen_writes_a_program_that_runs_and_writes_a_trace(tmp_path):
    prog = tmp_path / "heft.py"
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}
    r = subprocess.run([sys.executable, "-m", "cli", "codegen", str(HEFT_PAPER), "-o", str(prog)],
                       capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120)
    assert r.returncode == 0, r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 and str(prog) in r.stderr
    assert prog.stat().st_mode & stat.S_IXUSR  # it starts with #!/usr/bin/env python3
    src = prog.read_text()
    assert src.startswith("#!/usr/bin/env python3\n") and "ThreadPoolExecutor(" in src
    g = load_graph(HEFT_PAPER)
    heft = get_algorithm("heft").schedule(g, g.default_platform())
    assert constants(src)["MAPPING"] == worker_orders(heft)
    assert constants(src)["TIME_SCALE"] == 0.01 and constants(src)["PREDICTED_MAKESPAN"] == 80
    # the program, where TaskMapper cannot be imported
    r = subprocess.run([sys.executable, "-I", "-S", str(prog), "--time-scale", "0.0005", "--trace", "run.json"],
                       capture_output=True, text=True, cwd=tmp_path, env={"PATH": "/usr/bin:/bin"}, timeout=60)
    assert r.returncode == 0, r.stderr
    trace = load_schedule(tmp_path / "run.json")
    assert trace.algorithm == "trace" and trace.mapping() == heft.mapping()
    assert trace.meta["predicted_makespan"] == pytest.approx(80 * 0.0005)
    # and its own errors are one line too
    r = subprocess.run([sys.executable, "-I", "-S", str(prog), "--trace", "no/such/dir/run.json"],
                       capture_output=True, text=True, cwd=tmp_path, env={"PATH": "/usr/bin:/bin"}, timeout=60)
    assert r.returncode == 2 and "its folder does not exist" in r.stderr and "Traceback" not in r.stderr


def test_target_workers_and_time_scale(capsys, tmp_path):
    out = tmp_path / "p.py"
    code, _, err = codegen(capsys, FORK_JOIN, "--target", "processes", "--workers", "3", "--time-scale", "0.002",
                           "-a", "cpop", "-o", out)
    assert code == 0, err
    assert "processes program following cpop for 11 tasks on 3 workers" in err
    src = out.read_text()
    c = constants(src)
    assert list(c["MAPPING"]) == ["P1", "P2", "P3"] and c["TIME_SCALE"] == 0.002 and c["ALGORITHM"] == "cpop"
    assert "ProcessPoolExecutor(" in src and "ThreadPoolExecutor" not in src
    g = load_graph(FORK_JOIN)
    cpop = get_algorithm("cpop").schedule(g, g.default_platform(3))
    assert c["MAPPING"] == worker_orders(cpop) and c["PREDICTED_MAKESPAN"] == pytest.approx(cpop.makespan)

    code, _, err = codegen(capsys, FORK_JOIN, "-t", "dask", "-o", out)
    assert code == 0, err
    src = out.read_text()
    assert "from dask.distributed import Client, LocalCluster" in src and "--scheduler" in src


def test_schedule_file_gives_the_mapping(capsys, tmp_path):
    g = load_graph(HEFT_PAPER)
    cpop = get_algorithm("cpop").schedule(g, g.default_platform())
    sched_file = tmp_path / "cpop.schedule.json"
    sched_file.write_text(json.dumps(schedule_to_dict(cpop)))
    out = tmp_path / "p.py"
    code, _, err = codegen(capsys, HEFT_PAPER, "--schedule", sched_file, "-o", out)
    assert code == 0, err
    c = constants(out.read_text())
    assert c["MAPPING"] == worker_orders(cpop) and c["ALGORITHM"] == "cpop" and c["PREDICTED_MAKESPAN"] == 86

    # a hand-made mapping for a graph without workers: no times, so the order is the file's,
    # and the workers are the file's
    fj = load_graph(FORK_JOIN)
    order = fj.topological_order()
    hand = tmp_path / "hand.json"
    hand.write_text(json.dumps({"format": "taskmapper-schedule", "version": 1, "workers": ["A", "B"], "slots": [
        {"task": t, "worker": "A" if k % 2 else "B"} for k, t in enumerate(order)]}))
    code, text, err = codegen(capsys, FORK_JOIN, "-s", hand, "-o", "-")
    assert code == 0, err
    c = constants(text)
    assert c["MAPPING"] == {"A": order[1::2], "B": order[0::2]} and c["ALGORITHM"] == "hand"
    assert "re-timed from the graph" in text


@pytest.mark.parametrize(("args", "words"), [
    (["--target", "gpu"], ["invalid choice: 'gpu'"]),
    (["-a", "nope"], ["unknown algorithm 'nope'"]),
    (["-a", "heft", "-s", "x.json"], ["not allowed with"]),
    (["-s", "missing.schedule.json"], ["no such file", "missing.schedule.json"]),
    (["--workers", "0"], ["at least 1"]),
    (["--time-scale", "-1"], ["non-negative"]),
])
def test_bad_options_are_one_line(capsys, tmp_path, args, words):
    assert_bad(capsys, HEFT_PAPER, *args, "-o", tmp_path / "p.py", words=words)
    assert not (tmp_path / "p.py").exists()


def test_bad_inputs_are_one_line(capsys, tmp_path):
    p = tmp_path / "p.py"
    assert_bad(capsys, HEFT_PAPER, "-o", tmp_path / "no" / "p.py", words=["does not exist", "no"])
    assert_bad(capsys, tmp_path / "nope.json", "-o", p, words=["no such file"])
    assert_bad(capsys, HEFT_PAPER, words=["-o/--output"])
    # a schedule of another graph
    fj = load_graph(FORK_JOIN)
    other = tmp_path / "fj.schedule.json"
    other.write_text(json.dumps(schedule_to_dict(get_algorithm("heft").schedule(fj, fj.default_platform()))))
    assert_bad(capsys, HEFT_PAPER, "-s", other, "-o", p, words=["the schedule places task 'F0'"])
    # an order against a dependency: n1 feeds n2, both on P1, n2 first
    g = load_graph(HEFT_PAPER)
    heft = schedule_to_dict(get_algorithm("heft").schedule(g, g.default_platform()))
    for s in heft["slots"]:
        s["worker"] = "P1"
        s["start"] = {"n1": 5, "n2": 0}.get(s["task"], 10 + len(s["task"]))
    bad = tmp_path / "bad.schedule.json"
    bad.write_text(json.dumps(heft))
    assert_bad(capsys, HEFT_PAPER, "-s", bad, "-o", p, words=["'n2' runs before 'n1'"])
    # a worker the graph's platform does not have
    heft["slots"][0]["worker"] = "P7"
    heft["workers"].append("P7")
    bad.write_text(json.dumps(heft))
    assert_bad(capsys, HEFT_PAPER, "-s", bad, "-o", p, words=["'P7', which the platform does not have"])
    # a call that is not a function name
    evil = tmp_path / "evil.json"
    evil.write_text(json.dumps({"format": "taskmapper-graph", "version": 1,
                                "tasks": [{"id": "t", "cost": 1, "call": "os:system('x')"}]}))
    assert_bad(capsys, evil, "-o", p, words=["task 't'", "is not of the form"])
    assert not p.exists()


def test_help_lists_codegen(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "codegen" in capsys.readouterr().out
