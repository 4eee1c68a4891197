"""`taskmapper convert` and `taskmapper generate`, run as real processes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from model.formats import load_graph, load_schedule, wfformat

ROOT = Path(__file__).resolve().parents[2]
HEFT_PAPER = ROOT / "assets" / "examples" / "heft-paper.taskgraph.json"
BENCH = ROOT / "benchmarks" / "data"
WF_FILES = sorted((BENCH / "wf").glob("*.json"))


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cli", *args],
        capture_output=True, text=True, cwd=cwd or ROOT, timeout=120,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"},
    )


def assert_bad(p: subprocess.CompletedProcess[str], *words: str) -> None:
    assert p.returncode == 2, p.stderr
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1, p.stderr
    assert "Traceback" not in p.stderr
    for w in words:
        assert w in lines[0], lines[0]


def test_generate_writes_each_format(tmp_path):
    out = tmp_path / "l.json"
    p = run("generate", "layered", "--tasks", "60", "--seed", "3", "-p", "alpha=0.5", "-p", "ccr=2", "-o", str(out))
    assert p.returncode == 0, p.stderr
    g = load_graph(out)
    assert len(g) == 60
    assert max(g.task_attrs(t)["y"] for t in g.tasks) == 120.0 * (round(60**0.5 / 0.5) - 1)
    # same seed, same file
    out2 = tmp_path / "l2.json"
    assert run("generate", "layered", "--tasks", "60", "--seed", "3", "-p", "alpha=0.5", "-p", "ccr=2",
               "-o", str(out2)).returncode == 0
    assert out.read_text() == out2.read_text()
    for kind, ext, n in [("fft", "dot", 39), ("gaussian", "graphml", 20), ("fork-join", "stg", 20)]:
        f = tmp_path / f"{kind}.{ext}"
        p = run("generate", kind, "-n", str(n), "-p", "ccr=0", "-o", str(f))
        assert p.returncode == 0, p.stderr
        assert len(load_graph(f)) == n


def test_generate_with_workers_gives_cost_lists(tmp_path):
    out = tmp_path / "h.json"
    assert run("generate", "montage", "-p", "images=3", "-p", "workers=3", "-o", str(out)).returncode == 0
    d = json.loads(out.read_text())
    assert len(d["tasks"]) == 15 and all(len(t["costs"]) == 3 for t in d["tasks"])


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["generate", "spiral", "-o", "{tmp}/x.json"], ["unknown generator 'spiral'"]),
        (["generate", "layered", "-p", "colour=red", "-o", "{tmp}/x.json"], ["unknown parameter 'colour'"]),
        (["generate", "layered", "-p", "alpha", "-o", "{tmp}/x.json"], ["alpha", "NAME=VALUE"]),
        (["generate", "fft", "-p", "points=6", "-o", "{tmp}/x.json"], ["power of 2"]),
        (["generate", "layered", "-p", "alpha=-1", "-o", "{tmp}/x.json"], ["alpha"]),
        (["generate", "chain", "-o", "{tmp}/missing/x.json"], ["does not exist"]),
        (["generate", "chain", "-o", "{tmp}/x.xyz"], ["unknown graph file type '.xyz'"]),
        (["generate", "chain", "--tasks", "0", "-o", "{tmp}/x.json"], ["--tasks"]),
    ],
)
def test_generate_bad_input(tmp_path, args, words):
    assert_bad(run(*[a.replace("{tmp}", str(tmp_path)) for a in args]), *words)


def test_convert_between_graph_formats(tmp_path):
    src = str(HEFT_PAPER)
    for ext in ("dot", "graphml", "json"):
        out = tmp_path / f"g.{ext}"
        p = run("convert", src, "-o", str(out))
        assert p.returncode == 0, p.stderr
        g = load_graph(out)
        assert len(g) == 10 and g.costs("n1") == [14, 16, 9] and g.data("n4", "n8") == 27
        src = str(out)  # chain the conversions: json -> dot -> graphml -> json
    # STG (no per-worker costs): from a plain-cost graph and back
    gen = tmp_path / "sp.json"
    assert run("generate", "series-parallel", "-n", "25", "-p", "ccr=0", "-o", str(gen)).returncode == 0
    assert run("convert", str(gen), "-o", str(tmp_path / "sp.stg")).returncode == 0
    assert run("convert", str(tmp_path / "sp.stg"), "-o", str(tmp_path / "sp2.json")).returncode == 0
    a, b = load_graph(gen), load_graph(tmp_path / "sp2.json")
    assert a.tasks == b.tasks and sorted(a.edges) == sorted(b.edges)
    assert [a.cost(t) for t in a.tasks] == [b.cost(t) for t in b.tasks]


def test_convert_wfformat_graph_and_trace(tmp_path):
    wf = WF_FILES[-1]
    out = tmp_path / "wf.json"
    assert run("convert", str(wf), "-o", str(out)).returncode == 0
    g = load_graph(out)
    assert len(g) == len(json.loads(wf.read_text())["workflow"]["specification"]["tasks"])
    for ext in ("schedule.json", "trace.json"):
        t = tmp_path / f"wf.{ext}"
        p = run("convert", str(wf), "--trace", "-o", str(t))
        assert p.returncode == 0, p.stderr
        s = load_schedule(t)
        assert s.algorithm == "trace" and s.meta["reconstructed"] is True
        s.check(g, wfformat.platform_from_dict(json.loads(wf.read_text())), check_durations=False)


def test_convert_schedule_to_chrome_trace_and_back(tmp_path):
    sched = tmp_path / "h.schedule.json"
    p = run("schedule", str(HEFT_PAPER), "-o", str(sched))
    assert p.returncode == 0, p.stderr
    trace = tmp_path / "h.trace.json"
    assert run("convert", str(sched), "-o", str(trace)).returncode == 0
    d = json.loads(trace.read_text())
    assert sum(1 for e in d["traceEvents"] if e["ph"] == "X") == 10
    back = tmp_path / "back.schedule.json"
    assert run("convert", str(trace), "-o", str(back)).returncode == 0
    a, b = load_schedule(sched), load_schedule(back)
    assert b.makespan == pytest.approx(80.0)
    at, bt = a.slot_of(), b.slot_of()
    assert set(at) == set(bt)
    for t in at:
        assert bt[t].worker == at[t].worker
        assert bt[t].start == pytest.approx(at[t].start) and bt[t].finish == pytest.approx(at[t].finish)


@pytest.mark.parametrize(
    ("content", "name", "words"),
    [
        ("digraph {\n a [Weight=x]\n}", "bad.dot", ["line 2", "node 'a'"]),
        ("graph { a -- b }", "u.dot", ["undirected"]),
        ("2\n0 0 0\n1 3 1 9\n", "bad.stg", ["line 3", "unknown predecessor 9"]),
        ("<graphml", "bad.graphml", ["not valid XML"]),
        ('{"workflow": {"specification": {"tasks": [{"id": "a", "parents": ["b"]}]}}}', "wf.json",
         ["unknown parent task 'b'"]),
        ("[{\"ph\": \"E\", \"name\": \"a\", \"ts\": 1}]", "t.trace.json", ["no matching 'B'"]),
    ],
)
def test_convert_bad_input(tmp_path, content, name, words):
    src = tmp_path / name
    src.write_text(content)
    out = "out.schedule.json" if name.endswith(".trace.json") else "out.json"
    assert_bad(run("convert", str(src), "-o", str(tmp_path / out)), *words)
    assert not (tmp_path / out).exists()


def test_convert_missing_input_and_output_folder(tmp_path):
    assert_bad(run("convert", str(tmp_path / "none.dot"), "-o", str(tmp_path / "x.json")), "no such file")
    assert_bad(run("convert", str(HEFT_PAPER), "-o", str(tmp_path / "no" / "x.dot")), "does not exist")
    assert_bad(run("convert", str(HEFT_PAPER), "-o", str(tmp_path / "x.stg")), "per-worker costs")


@pytest.mark.parametrize("out", ["x.dot", "x.graphml", "x.stg", "x.taskgraph.json"])
def test_a_schedule_is_not_converted_into_a_graph_file(tmp_path, out):
    sched = tmp_path / "h.schedule.json"
    assert run("schedule", str(HEFT_PAPER), "-o", str(sched)).returncode == 0
    p = run("convert", str(sched), "-o", str(tmp_path / out))
    assert p.returncode == 2 and len(p.stderr.splitlines()) == 1, p.stderr
    assert "is a schedule" in p.stderr and out in p.stderr
    assert not (tmp_path / out).exists()
    p = run("convert", str(sched), "-o", str(tmp_path / "plain.json"))  # plain .json is still a schedule
    assert p.returncode == 0, p.stderr
    assert load_schedule(tmp_path / "plain.json").makespan == pytest.approx(80.0)


def test_generate_refuses_a_schedule_file_name(tmp_path):
    out = tmp_path / "g.schedule.json"
    p = run("generate", "layered", "-n", "5", "-o", str(out))
    assert p.returncode == 2 and len(p.stderr.splitlines()) == 1 and "names a schedule" in p.stderr, p.stderr
    assert not out.exists()
