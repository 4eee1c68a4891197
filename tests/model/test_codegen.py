"""Generated programs (model/codegen): they run on their own, follow the mapping, and resist injection.

Each program is run as a user would, in a subprocess in a temporary folder, with an
interpreter that cannot import TaskMapper: ``-I -S`` (no site-packages at all) for the
standard-library targets, and for Dask an isolated launcher that blocks ``model``,
``gui`` and ``cli`` before running the program. The trace it writes is read back with
``model.formats.load_schedule`` and checked against the mapping.
"""

from __future__ import annotations

import ast
import builtins
import glob
import importlib.util
import io
import itertools
import json
import os
import shutil
import subprocess
import sys
import tokenize
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from model_helpers import EXAMPLES, ROOT

from model.algorithms import get_algorithm
from model.codegen import (
    TARGETS,
    generate_program,
    plan_program,
    program_names,
    read_mapping,
    submission_order,
    worker_orders,
)
from model.codegen.names import comment_text, docstring_text, function_names, literal, py_str
from model.formats import load_graph, load_schedule
from model.graph import GraphError, Network, Platform, TaskGraph, Worker
from model.schedule import Schedule, ScheduleError, Slot

ALL_EXAMPLES = sorted(p.name for p in EXAMPLES.iterdir() if p.suffix in (".json", ".dot"))
#: seconds per cost unit at run time (passed with --time-scale; the baked-in default is smaller,
#: so a run that ignored the option would make its stubs too short and fail the duration check)
RUN_SCALE = 0.0005
BAKED_SCALE = 0.0001
DASK = importlib.util.find_spec("dask") is not None and importlib.util.find_spec("distributed") is not None
STDLIB = set(sys.stdlib_module_names)

LAUNCHER = '''\
import runpy
import sys

for name in ("model", "gui", "cli"):
    sys.modules[name] = None  # from here on, importing TaskMapper fails
program, sys.argv = sys.argv[1], sys.argv[1:]
runpy.run_path(program, run_name="__main__")
'''

HELPERS = '''\
import json


def add(inputs, base=0):
    """``base`` plus the whole-number results among the inputs."""
    return base + sum(v for v in inputs.values() if isinstance(v, int))


def record(inputs, path, **extra):
    """Write what this task received to ``path``."""
    with open(path, "w", encoding="utf-8") as f:
        json.dump({"inputs": inputs, "extra": extra}, f)
    return len(inputs)


def boom(inputs):
    raise ZeroDivisionError("boom")
'''


# ----------------------------------------------------------------------------- helpers
def example(name: str) -> tuple[TaskGraph, Platform, Schedule]:
    g = load_graph(EXAMPLES / name)
    plat = g.default_platform()
    return g, plat, get_algorithm("heft").schedule(g, plat)


def write_program(tmp: Path, source: str, name: str = "prog.py") -> Path:
    path = tmp / name
    path.write_text(source, encoding="utf-8")
    return path


def program_command(prog: Path, *args: str, target: str = "threads", pythonpath: Path | None = None,
                    python: str = sys.executable) -> tuple[list[str], dict[str, str]]:
    """The command line and environment that run a generated program where TaskMapper cannot be imported."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    if target == "dask":
        # Dask lives in site-packages, next to the editable TaskMapper: block TaskMapper instead
        launcher = prog.parent / "launch.py"
        launcher.write_text(LAUNCHER)
        flags = ["-I"] if pythonpath is None else []
        cmd = [python, *flags, str(launcher), str(prog), *args]
    else:
        # -S: no site-packages at all, only the standard library; -I also ignores PYTHON* variables
        cmd = [python, *(["-S"] if pythonpath is not None else ["-I", "-S"]), str(prog), *args]
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    return cmd, env


def run_program(prog: Path, *args: str, timeout: float = 60, **kw: Any) -> subprocess.CompletedProcess[str]:
    """Run a generated program where TaskMapper cannot be imported (see :func:`program_command`)."""
    cmd, env = program_command(prog, *args, **kw)
    return subprocess.run(cmd, cwd=prog.parent, env=env, capture_output=True, text=True, timeout=timeout)


def mapping_of(source: str) -> dict[str, list[str]]:
    """The MAPPING dict of a generated program, read without running it."""
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == "MAPPING":
            return ast.literal_eval(node.value)  # type: ignore[no-any-return]
    raise AssertionError("no MAPPING in the program")


def imported_modules(source: str) -> set[str]:
    mods = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            mods |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            mods.add((node.module or "").split(".")[0])
    return mods


def check_trace(path: Path, graph: TaskGraph, orders: dict[str, list[str]], stub_costs: dict[str, float],
                scale: float = RUN_SCALE) -> Schedule:
    """The trace follows the mapping: each task once on its worker, in order, after its inputs."""
    trace = load_schedule(path)
    assert trace.algorithm == "trace"
    assert trace.workers == list(orders)
    # every task once, no overlap on a worker, each task starting after its inputs finished
    instant = Platform(tuple(Worker(w) for w in orders), Network(sys.float_info.max, 0.0))
    trace.check(graph, instant, check_durations=False, tol=0.0)
    got = {w: [s.task for s in lst] for w, lst in trace.by_worker().items()}
    assert got == orders
    for s in trace.slots:
        if s.task in stub_costs:  # the stub kept busy for cost x --time-scale seconds
            assert s.duration >= 0.98 * stub_costs[s.task] * scale, (s, stub_costs[s.task])
    return trace


def stub_costs(graph: TaskGraph, orders: dict[str, list[str]], platform: Platform) -> dict[str, float]:
    index = {w: i for i, w in enumerate(platform.ids)}
    return {t: graph.exec_time(t, index[w], platform) for w, ts in orders.items() for t in ts
            if "call" not in graph.task_attrs(t)}


def ruff() -> str | None:
    exe = Path(sys.executable).with_name("ruff")
    return str(exe) if exe.exists() else shutil.which("ruff")


def python310() -> str | None:
    """A Python 3.10 interpreter other than this one (no TaskMapper installed in it), if any."""
    cands = [shutil.which("python3.10"), *glob.glob(os.path.expanduser("~/.pyenv/versions/3.10*/bin/python3"))]
    for c in cands:
        if c and Path(c).exists():
            out = subprocess.run([c, "-c", "import sys; print(sys.version_info[:2])"], capture_output=True,
                                 text=True)
            if out.stdout.strip() == "(3, 10)":
                return c
    return None


def test_the_interpreter_used_cannot_import_taskmapper(tmp_path):
    # the independence checks below mean something only if TaskMapper is out of reach there
    for flags in (["-I", "-S"],):
        r = subprocess.run([sys.executable, *flags, "-c", "import model"], cwd=tmp_path, capture_output=True,
                           text=True, env={"PATH": os.environ.get("PATH", "")})
        assert r.returncode != 0 and "No module named 'model'" in r.stderr
    (tmp_path / "try.py").write_text("import model\n")
    r = run_program(tmp_path / "try.py", target="dask")
    assert r.returncode != 0 and "import of model halted" in r.stderr


# ------------------------------------------------------------------ running the examples
RUNS = [(name, "threads") for name in ALL_EXAMPLES] + [
    ("heft-paper.taskgraph.json", "processes"),
    ("fork-join.taskgraph.json", "processes"),
    ("heft-paper.taskgraph.json", "dask"),
    ("fork-join.taskgraph.json", "dask"),
]


@pytest.mark.parametrize(("name", "target"), RUNS)
def test_program_follows_the_mapping(tmp_path, name, target):
    if target == "dask" and not DASK:
        pytest.fail("Dask is part of the test extras but is not importable")
    g, plat, sched = example(name)
    src = generate_program(g, sched, target=target, platform=plat, time_scale=BAKED_SCALE)
    assert imported_modules(src) <= STDLIB | ({"dask"} if target == "dask" else set())
    orders = worker_orders(sched)
    assert mapping_of(src) == orders
    prog = write_program(tmp_path, src)
    # the fork-join Dask run uses worker processes (the default; 2 of them), the other a cluster
    # in this process
    extra = ["--in-process"] if target == "dask" and name != "fork-join.taskgraph.json" else []
    r = run_program(prog, "--time-scale", str(RUN_SCALE), "--trace", "out.json", *extra, target=target)
    assert r.returncode == 0, r.stderr
    assert f"{len(g)} of {len(g)} tasks ran" in r.stdout
    trace = check_trace(tmp_path / "out.json", g, orders, stub_costs(g, orders, plat))
    assert trace.meta["executor"] == target and trace.meta["followed"] == "heft"
    assert trace.meta["predicted_makespan"] == pytest.approx(sched.makespan * RUN_SCALE)


@pytest.mark.parametrize("target", ["threads", "processes"])
def test_program_runs_on_python_3_10_without_taskmapper(tmp_path, target):
    py = python310()
    if py is None:
        pytest.skip("no Python 3.10 interpreter on this machine")
    g, plat, sched = example("heft-paper.taskgraph.json")
    prog = write_program(tmp_path, generate_program(g, sched, target=target, time_scale=BAKED_SCALE))
    r = run_program(prog, "--time-scale", str(RUN_SCALE), "--trace", "out.json", target=target, python=py)
    assert r.returncode == 0, r.stderr
    check_trace(tmp_path / "out.json", g, worker_orders(sched), stub_costs(g, worker_orders(sched), plat))


def test_dask_program_runs_on_a_running_cluster(tmp_path):
    if not DASK:
        pytest.fail("Dask is part of the test extras but is not importable")
    from dask.distributed import LocalCluster

    g, plat, sched = example("heft-paper.taskgraph.json")
    fj = load_graph(EXAMPLES / "fork-join.taskgraph.json")
    fj4 = get_algorithm("heft").schedule(fj, fj.default_platform(4))
    prog = write_program(tmp_path, generate_program(g, sched, target="dask", time_scale=BAKED_SCALE))
    prog4 = write_program(tmp_path, generate_program(fj, fj4, target="dask", platform=fj.default_platform(4)),
                          "four.py")
    with LocalCluster(n_workers=3, threads_per_worker=1, processes=False, protocol="tcp",
                      dashboard_address=None) as cluster:
        address = cluster.scheduler_address
        # both programs at once (each starts by importing Dask, which takes a while)
        runs = [program_command(prog, "--scheduler", address, "--time-scale", str(RUN_SCALE),
                                "--trace", "out.json", target="dask"),
                program_command(prog4, "--scheduler", address, target="dask")]
        procs = [subprocess.Popen(cmd, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True) for cmd, env in runs]
        (_, err), (_, err4) = (p.communicate(timeout=60) for p in procs)
    assert procs[0].returncode == 0, err
    check_trace(tmp_path / "out.json", g, worker_orders(sched), stub_costs(g, worker_orders(sched), plat))
    assert procs[1].returncode == 1
    assert err4.strip().splitlines()[-1] == "the Dask cluster has 3 workers; MAPPING needs 4"


# ------------------------------------------------ call tasks, order on a worker, failures
def flow_graph(record: Path) -> tuple[TaskGraph, Platform, Schedule]:
    """Call tasks and stubs; ``x`` is ready at once but comes after ``c`` on P1, which waits for P2."""
    g = TaskGraph("flow")
    g.add_task("a", cost=1, call="helpers.tools:add", kwargs={"base": 1})
    g.add_task("b", cost=40)  # a stub: slow, so P1 waits for it
    g.add_task("c", cost=1, call="helpers.tools:add", kwargs={"base": 10})
    g.add_task("x", cost=2)
    g.add_task("d", cost=2)
    g.add_task("e", cost=1, call="helpers.tools:record",
               kwargs={"path": str(record), "not valid": 1, "class": [1, 2.5, None, True], "q": 'say "hi"\n'})
    for u, v in [("a", "c"), ("b", "c"), ("c", "d"), ("c", "e"), ("d", "e"), ("x", "e")]:
        g.add_edge(u, v, data=1)
    plat = Platform.homogeneous(2)
    slots = [Slot("a", "P1", 0, 1), Slot("c", "P1", 41, 42), Slot("x", "P1", 42, 44),
             Slot("b", "P2", 0, 40), Slot("d", "P2", 42, 44), Slot("e", "P2", 45, 46)]
    return g, plat, Schedule("hand", plat.ids, slots)


@pytest.mark.parametrize("target", list(TARGETS))
def test_call_tasks_get_their_inputs_and_each_worker_keeps_its_order(tmp_path, target):
    if target == "dask" and not DASK:
        pytest.fail("Dask is part of the test extras but is not importable")
    lib = tmp_path / "lib" / "helpers"
    lib.mkdir(parents=True)
    (lib / "__init__.py").write_text("")
    (lib / "tools.py").write_text(HELPERS)
    record = tmp_path / "record.json"
    g, plat, sched = flow_graph(record)
    src = generate_program(g, sched, target=target, platform=plat, time_scale=BAKED_SCALE)
    assert "from helpers.tools import add" in src  # imported when the task runs, inside its function
    top = [n for n in ast.parse(src).body if isinstance(n, (ast.Import, ast.ImportFrom))]
    assert "helpers" not in imported_modules(ast.unparse(ast.Module(top, [])))
    prog = write_program(tmp_path, src)
    extra = ["--in-process"] if target == "dask" else []
    r = run_program(prog, "--time-scale", str(RUN_SCALE), "--trace", "out.json", *extra, target=target,
                    pythonpath=tmp_path / "lib")
    assert r.returncode == 0, r.stderr
    got = json.loads(record.read_text())
    # a -> 1, b (stub) -> "b", c = 10 + 1; the stubs d and x return their ids
    assert got == {"inputs": {"c": 11, "d": "d", "x": "x"},
                   "extra": {"not valid": 1, "class": [1, 2.5, None, True], "q": 'say "hi"\n'}}
    trace = check_trace(tmp_path / "out.json", g, worker_orders(sched), stub_costs(g, worker_orders(sched), plat))
    at = trace.slot_of()
    assert at["x"].start >= at["c"].finish >= at["b"].finish  # x waited for its turn behind c


@pytest.mark.parametrize("target", ["threads", "processes"])
def test_a_failing_task_stops_its_successors_and_is_named(tmp_path, target):
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "helpers.py").write_text(HELPERS)
    g = TaskGraph("fails")
    g.add_task("a", cost=1)
    g.add_task("b", cost=1, call="helpers:boom")
    g.add_task("c", cost=1)
    g.add_task("d", cost=3)
    g.add_edge("a", "b")
    g.add_edge("b", "c")
    plat = Platform.homogeneous(2)
    sched = Schedule("hand", plat.ids, [Slot("a", "P1", 0, 1), Slot("b", "P1", 1, 2), Slot("c", "P2", 2, 3),
                                        Slot("d", "P2", 0, 3)])
    prog = write_program(tmp_path, generate_program(g, sched, target=target, platform=plat))
    r = run_program(prog, "--time-scale", str(RUN_SCALE), "--trace", "out.json", target=target, pythonpath=lib)
    assert r.returncode == 1
    assert r.stderr.strip().splitlines()[-1] == "task 'b' failed: ZeroDivisionError: boom"
    trace = load_schedule(tmp_path / "out.json")
    assert sorted(s.task for s in trace.slots) == ["a", "d"]
    assert trace.meta["partial"] is True


def edit_mapping(source: str, mapping: dict[str, list[str]]) -> str:
    start = source.index("MAPPING = {")
    end = source.index("\n}\n", start) + 3
    return source[:start] + f"MAPPING = {mapping!r}\n" + source[end:]


@pytest.mark.parametrize("target", ["threads", "processes"])
@pytest.mark.parametrize(("edges", "mapping"), [
    # b needs a, but is queued before it on the same worker
    ([("a", "b")], {"P1": ["b", "a", "c", "d"], "P2": []}),
    # P1 runs d after a, P2 runs b after c: d needs b, c needs d... and a needs nothing
    ([("b", "d"), ("d", "c")], {"P1": ["a", "d"], "P2": ["c", "b"]}),
], ids=["same-worker", "across-workers"])
def test_an_edited_mapping_that_would_deadlock_is_refused_at_once(tmp_path, target, edges, mapping):
    g = TaskGraph("cycle")
    for t in "abcd":
        g.add_task(t, cost=1)
    for u, v in edges:
        g.add_edge(u, v)
    plat = Platform.homogeneous(2)
    good = Schedule("hand", plat.ids, [Slot(t, "P1", k, k + 1) for k, t in enumerate(g.topological_order())])
    src = edit_mapping(generate_program(g, good, target=target, platform=plat), mapping)
    r = run_program(write_program(tmp_path, src), target=target, timeout=20)
    assert r.returncode == 1
    assert "MAPPING cannot run" in r.stderr and "Traceback" not in r.stderr


# --------------------------------------------------------------------- untrusted graphs
EVIL_IDS = [
    'a"b', "c'd", 'e"""f', "g'''h", "new\nline", "cr\rreturn", "back\\slash", "\\", "# hash",
    "x = 1; import os", "__import__('os').system('touch PWNED')", '"""); open("PWNED", "w"); ("""',
    "tab\there", "\u2028sep", "nul\x00", "\ud800", " lead", "trail ", "class", "print", "TASKS",
    "run_task", "main", "busy_work", "T1", "t1", "1st", "!!!", "é", "x" * 200,
    "-*- coding: latin-1 -*-",
]


def evil_graph() -> tuple[TaskGraph, Platform, Schedule]:
    g = TaskGraph('evil\n"""\nimport os; os.system("touch PWNED")\n#')
    for t in EVIL_IDS:
        g.add_task(t, cost=1)
    for u, v in itertools.pairwise(EVIL_IDS):
        if EVIL_IDS.index(u) % 3:
            g.add_edge(u, v)
    plat = Platform((Worker('W"1'), Worker("W'2\n"), Worker("W#3 \"\"\"")))
    order = g.topological_order()
    slots = [Slot(t, plat.ids[k % 3], k, k + 1) for k, t in enumerate(order)]
    return g, plat, Schedule('al"go\n"""rithm', plat.ids, slots)


def test_untrusted_ids_and_names_cannot_inject_code(tmp_path):
    g, plat, sched = evil_graph()
    src = generate_program(g, sched, platform=plat, program="evil\nprog.py")
    ast.parse(src, feature_version=(3, 10))
    # no text from the graph became code: the only names are those of a plain program and the
    # task functions
    def names(text):
        return {t.string for t in tokenize.generate_tokens(io.StringIO(text).readline) if t.type == tokenize.NAME}

    plain_g, _, plain_s = example("fork-join.taskgraph.json")
    allowed = names(generate_program(plain_g, plain_s)) | set(function_names(EVIL_IDS, program_names()).values())
    assert names(src) <= allowed
    assert not {"PWNED", "system", "__import__"} & names(src)
    assert all(line.startswith("#") for line in src.splitlines()[:3])  # no coding line from the graph
    funcs = [n.name for n in ast.parse(src).body if isinstance(n, ast.FunctionDef)]
    assert len(funcs) == len(set(funcs))
    prog = write_program(tmp_path, src)
    r = run_program(prog, "--time-scale", str(RUN_SCALE), "--trace", "out.json")
    assert r.returncode == 0, r.stderr
    assert not (tmp_path / "PWNED").exists()
    trace = check_trace(tmp_path / "out.json", g, worker_orders(sched), stub_costs(g, worker_orders(sched), plat))
    assert {s.task for s in trace.slots} == set(EVIL_IDS)
    assert json.loads((tmp_path / "out.json").read_text())["graph"] == g.name


@pytest.mark.parametrize("target", list(TARGETS))
def test_generated_programs_pass_ruff(tmp_path, target):
    exe = ruff()
    if exe is None:
        pytest.skip("ruff is not installed (it is in the dev extras)")
    progs = []
    for k, name in enumerate(["heft-paper.taskgraph.json", "fork-join.taskgraph.json"]):
        g, plat, sched = example(name)
        progs.append(write_program(tmp_path, generate_program(g, sched, target=target), f"p{k}.py"))
    g, plat, sched = evil_graph()
    progs.append(write_program(tmp_path, generate_program(g, sched, target=target, platform=plat), "evil.py"))
    g, plat, sched = flow_graph(tmp_path / "r.json")
    progs.append(write_program(tmp_path, generate_program(g, sched, target=target, platform=plat), "flow.py"))
    only_calls = TaskGraph("calls only")  # no stub: no busy_work, no hashlib
    only_calls.add_task("t", cost=1, call="math:hypot", kwargs={"x": 3})
    src = generate_program(only_calls, Schedule("hand", ["P1"], [Slot("t", "P1", 0, 1)]), target=target,
                           platform=Platform.homogeneous(1))
    assert "hashlib" not in src and "busy_work" not in src
    progs.append(write_program(tmp_path, src, "calls.py"))
    for p in progs:
        p.chmod(0o755)  # they start with #!
    for config in (["--config", str(ROOT / "pyproject.toml")], ["--isolated"]):
        r = subprocess.run([exe, "check", "--no-cache", *config, *map(str, progs)], capture_output=True, text=True)
        assert r.returncode == 0, r.stdout + r.stderr


# ----------------------------------------------------------------- text made safe to write
@given(st.text())
def test_text_written_into_a_program_stays_text(s):
    assert ast.literal_eval(py_str(s)) == s
    c = comment_text(s)
    toks = [t for t in tokenize.generate_tokens(io.StringIO(f"# {c}\n").readline)
            if t.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.ENDMARKER)]
    assert [t.type for t in toks] == [tokenize.COMMENT]
    assert c == s or ast.literal_eval(c) == s  # plain, or its repr
    assert ast.literal_eval(f'"""{docstring_text(c)}"""') == c


@given(st.lists(st.text(), unique=True))
def test_function_names_are_distinct_identifiers_clear_of_the_program(ids):
    names = function_names(ids, program_names())
    assert list(names) == ids
    assert len(set(names.values())) == len(ids)
    reserved = program_names()
    for n in names.values():
        assert n.isidentifier() and n.isascii() and n not in reserved and n not in dir(builtins)
        assert not __import__("keyword").iskeyword(n)


def test_function_names_stay_readable():
    assert function_names(["T1.2", "n1", "Tâche 3", "T1.2 "]) == {
        "T1.2": "t1_2", "n1": "n1", "Tâche 3": "tache_3", "T1.2 ": "t1_2_2"}


def test_literal_refuses_what_is_not_json():
    assert ast.literal_eval(literal({"a": [1, "b", None, False, 2.5]}, "x")) == {"a": [1, "b", None, False, 2.5]}
    with pytest.raises(GraphError, match="kwargs of task 'T' holds a set"):
        literal({"a": {1, 2}}, "kwargs of task 'T'")


@pytest.mark.parametrize(("call", "word"), [
    ("os:system('rm -rf /')", "is not of the form"),
    ("os; import sys:x", "is not of the form"),
    ("no_colon", "is not of the form"),
    ("__future__:annotations", "is not of the form"),
    ("mod:class", "is not of the form"),
    (3, "must be a text"),
])
def test_a_bad_call_is_refused(call, word):
    g = TaskGraph()
    g.add_task("t", cost=1, call=call)
    with pytest.raises(GraphError, match=word):
        generate_program(g, Schedule("hand", ["P1"], [Slot("t", "P1", 0, 1)]), platform=Platform.homogeneous(1))


# --------------------------------------------------------------- plans: checks and timing
def chain() -> TaskGraph:
    g = TaskGraph()
    for t, c in (("a", 2), ("b", 3), ("c", 1)):
        g.add_task(t, cost=c)
    g.add_edge("a", "b", data=4)
    g.add_edge("b", "c", data=1)
    return g


@pytest.mark.parametrize(("slots", "message"), [
    ([("a", "P1"), ("b", "P1")], "does not place task 'c'"),
    ([("a", "P1"), ("b", "P1"), ("c", "P1"), ("z", "P1")], "places task 'z', which the graph does not have"),
    ([("a", "P1"), ("b", "P9"), ("c", "P1")], "on worker 'P9', which the platform does not have"),
    ([("a", "P1"), ("c", "P1"), ("b", "P1"), ("b", "P2")], "places task 'b' twice"),
    ([("b", "P1"), ("a", "P1"), ("c", "P2")], "worker P1 contradicts a dependency: 'b' runs before 'a' but needs"),
])
def test_a_schedule_that_does_not_fit_is_refused(slots, message):
    s = Schedule("hand", ["P1", "P2"], [Slot(t, w, k, k) for k, (t, w) in enumerate(slots)])
    with pytest.raises(ScheduleError, match=message):
        plan_program(chain(), s, Platform.homogeneous(2))


def test_a_cycle_across_workers_is_named():
    g = TaskGraph()
    for t in "abcd":
        g.add_task(t, cost=1)
    g.add_edge("a", "b")
    g.add_edge("c", "d")
    # P1 runs d before a, P2 runs b before c: a -> b -> c -> d -> a
    s = Schedule("hand", ["P1", "P2"], [Slot("d", "P1", 0, 1), Slot("a", "P1", 1, 2),
                                        Slot("b", "P2", 0, 1), Slot("c", "P2", 1, 2)])
    with pytest.raises(ScheduleError) as e:
        plan_program(g, s, Platform.homogeneous(2))
    msg = str(e.value)
    assert msg.startswith("the orders on the workers contradict the dependencies: ")
    for t in "abcd":
        assert repr(t) in msg


def test_prediction_is_the_schedules_own_or_the_mapping_re_timed():
    g, plat, sched = example("heft-paper.taskgraph.json")
    p = plan_program(g, sched, plat)
    assert (p.makespan, p.retimed, p.algorithm) == (80.0, False, "heft")
    # the same mapping and orders with times that do not fit: re-timed, as soon as possible
    rough = Schedule("hand", sched.workers, [Slot(s.task, s.worker, s.start, s.start) for s in sched.slots])
    q = plan_program(g, rough, plat)
    assert q.retimed and q.orders == p.orders and q.makespan <= 80.0
    # on one worker of a chain nothing is sent: both predictions are the sum of the costs
    c = chain()
    one = plan_program(c, Schedule("hand", ["P1"], [Slot(t, "P1", 0, 0) for t in "abc"]), Platform.homogeneous(1))
    assert (one.makespan, one.makespan_without_transfers) == (6.0, 6.0)
    # a on P1, b and c on P2 with latency 1: b starts at 2 + 1 + 4, c right after b
    net = Platform.homogeneous(2, latency=1.0)
    two = plan_program(c, Schedule("hand", ["P1", "P2"], [Slot("a", "P1", 0, 0), Slot("b", "P2", 0, 0),
                                                          Slot("c", "P2", 0, 0)]), net)
    assert (two.makespan, two.makespan_without_transfers, two.retimed) == (11.0, 6.0, True)
    assert submission_order(c, two.orders) == [("a", "P1"), ("b", "P2"), ("c", "P2")]


def test_read_mapping_takes_slots_without_times(tmp_path):
    f = tmp_path / "hand.schedule.json"
    f.write_text(json.dumps({"format": "taskmapper-schedule", "version": 1, "workers": ["P1", "P2"], "slots": [
        {"task": "c", "worker": "P2"}, {"task": "a", "worker": "P1", "start": 5},
        {"task": "b", "worker": "P2", "start": 0}, {"task": "x", "worker": "P2"}]}))
    s = read_mapping(f)
    assert s.algorithm == "hand"
    # b starts at 0; c has no time and comes first in the file; x follows b
    assert worker_orders(s) == {"P1": ["a"], "P2": ["c", "b", "x"]}
    f.write_text(json.dumps({"format": "taskmapper-schedule", "version": 1, "slots": [{"task": "a"}]}))
    with pytest.raises(GraphError, match="slot #1 has no 'worker'"):
        read_mapping(f)


def test_unknown_target_and_bad_time_scale_are_refused():
    g, _, sched = example("heft-paper.taskgraph.json")
    with pytest.raises(GraphError, match="unknown target 'gpu'"):
        generate_program(g, sched, target="gpu")
    with pytest.raises(GraphError, match="time scale"):
        generate_program(g, sched, time_scale=float("nan"))
