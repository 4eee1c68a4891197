"""``taskmapper run`` with real code and real processes: consent, stopping, dying workers.

Every test starts ``python -m cli`` in a subprocess, as a user would, and bounds it in
time. Helper callables live in tests/data (``exec_helpers``, ``exec_marker``).
"""

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from model.formats import load_schedule, save_graph
from model.graph import TaskGraph

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals and process groups")

#: the longest a run may take to end after Ctrl-C (the issue's bound)
STOP_BOUND_S = 3.0


def env_with(**extra):
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(DATA)]), **extra}


def taskmapper(*args, env=None, timeout=60):
    return subprocess.run([sys.executable, "-m", "cli", *map(str, args)], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout, env=env or env_with())


def marked_graph(path, module="exec_marker"):
    """A graph whose tasks T1 and T3 call ``module:f``; the others are synthetic."""
    g = TaskGraph("marked")
    for t in ("T1", "T2", "T3", "T4"):
        g.add_task(t, 1)
    g.task_attrs("T1")["call"] = f"{module}:f"
    g.task_attrs("T3")["call"] = f"{module}:f"
    for u, v in [("T1", "T2"), ("T1", "T3"), ("T2", "T4"), ("T3", "T4")]:
        g.add_edge(u, v, 1)
    save_graph(g, path)
    return g


def stuck_graph(path, call="exec_helpers:forever", n_after=3):
    """``a`` then, in parallel, the never-returning ``stuck`` and a short chain of synthetic tasks."""
    g = TaskGraph("stuck")
    g.add_task("a", 1)
    g.add_task("stuck", 1, call=call)
    g.add_edge("a", "stuck", 1)
    prev = "a"
    for k in range(n_after):
        g.add_task(f"c{k}", 1)
        g.add_edge(prev, f"c{k}", 1)
        prev = f"c{k}"
    save_graph(g, path)
    return g


def group_alive(pgid):
    """Processes of process group ``pgid`` that are still running (zombies count as ended)."""
    alive = []
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            stat = (d / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        state, group = fields[0], int(fields[2])
        if group == pgid and state not in ("Z", "X"):
            alive.append(int(d.name))
    return alive


def _sigint_default():
    # a child of a shell's background job inherits SIGINT ignored: restore it, as in a terminal
    signal.signal(signal.SIGINT, signal.SIG_DFL)


class Run:
    """``taskmapper run`` in its own process group, its stderr collected by a thread."""

    def __init__(self, *args, env=None):
        self.proc = subprocess.Popen([sys.executable, "-m", "cli", "run", *map(str, args)], cwd=ROOT,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                                     env=env or env_with(), start_new_session=True, preexec_fn=_sigint_default)
        self.lines = []
        self.begun = threading.Event()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.proc.stderr:
            self.lines.append(line.rstrip("\n"))
            if " 0/" in line:
                self.begun.set()
        self.begun.set()

    def wait_begun(self, timeout=30):
        assert self.begun.wait(timeout), self.lines
        assert self.proc.poll() is None, self.lines

    def finish(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)
        self.reader.join(10)
        for pid in group_alive(self.proc.pid):  # nothing of ours outlives the test
            os.kill(pid, signal.SIGKILL)


# ------------------------------------------------------------------------ consent
def test_reading_scheduling_converting_exporting_import_no_call(tmp_path):
    src = tmp_path / "marked.taskgraph.json"
    marked_graph(src)
    marker = tmp_path / "imported"
    env = env_with(TASKMAPPER_TEST_MARKER=str(marker), QT_QPA_PLATFORM="offscreen")
    for args in (["schedule", src, "-o", tmp_path / "s.schedule.json"],
                 ["convert", src, "-o", tmp_path / "g.dot"],
                 ["convert", src, "-o", tmp_path / "g.graphml"],
                 ["analyze", src],
                 ["export", src, "-o", tmp_path / "g.svg"]):
        r = taskmapper(*args, env=env)
        assert r.returncode == 0, (args, r.stderr)
        assert not marker.exists(), args
    # the refusal imports nothing either
    r = taskmapper("run", src, env=env)
    assert r.returncode == 2 and not marker.exists()
    # the same module does leave its mark once the user allows it: the check above can fail
    r = taskmapper("run", src, "--allow-calls", "--time-scale", "0.001", "-o", tmp_path / "t.schedule.json",
                   env=env)
    assert r.returncode == 0, r.stderr
    assert marker.exists()


def test_run_refuses_code_without_allow_calls_in_one_line(tmp_path):
    # the graph of the issue: a shell command through pydoc's pager
    touched = tmp_path / "touched"
    g = TaskGraph("pager")
    for t in ("T1", "T2", "T3", "T4", "T5", "T6", "T7"):
        g.add_task(t, 1)
    g.task_attrs("T1").update(call="pydoc:pipepager", kwargs={"cmd": f"touch {touched}"})
    for t in ("T3", "T4", "T5", "T6", "T7"):
        g.task_attrs(t)["call"] = "mypkg.tasks:work"
    src = tmp_path / "pager.taskgraph.json"
    save_graph(g, src)
    r = taskmapper("run", src, "-o", tmp_path / "t.schedule.json")
    assert r.returncode == 2
    assert r.stderr.splitlines() == [
        "taskmapper run: the graph runs code from mypkg.tasks, pydoc (tasks T1, T3, T4, T5, T6, ...); "
        "pass --allow-calls to run it"]
    assert not touched.exists() and not (tmp_path / "t.schedule.json").exists()
    # refused before the graph is even scheduled: a bad worker count is not reached
    r = taskmapper("run", src, "--workers", "3", "--executor", "processes")
    assert "pass --allow-calls" in r.stderr and len(r.stderr.splitlines()) == 1


def test_a_run_failing_before_it_starts_prints_only_the_error(tmp_path):
    src = tmp_path / "bad.taskgraph.json"
    marked_graph(src, module="no_such_module_xyz")
    for executor in ("threads", "processes"):
        r = taskmapper("run", src, "--allow-calls", "--executor", executor)
        assert r.returncode == 2
        assert r.stderr.splitlines() == [
            "taskmapper run: task 'T1': cannot use call 'no_such_module_xyz:f': no module named "
            "'no_such_module_xyz' on the Python path (put its folder on PYTHONPATH or install its package)"]


# ------------------------------------------------------------------------- Ctrl-C
@pytest.mark.slow
@pytest.mark.serial  # timed against the wall clock
@pytest.mark.parametrize(("executor", "call"), [
    (["threads"], "exec_helpers:forever"),
    (["threads"], "exec_helpers:spin"),  # holds the GIL between switches
    (["processes"], "exec_helpers:forever"),
    (["dask"], "exec_helpers:forever"),
    (["dask", "--dask-processes"], "exec_helpers:forever"),
], ids=["threads", "threads-spin", "processes", "dask", "dask-processes"])
def test_ctrl_c_ends_a_never_returning_run_within_3_s(tmp_path, executor, call):
    pytest.importorskip("distributed") if executor[0] == "dask" else None
    src = tmp_path / "stuck.taskgraph.json"
    g = stuck_graph(src, call)
    out = tmp_path / "part.schedule.json"
    run = Run(src, "--allow-calls", "--workers", "2", "--executor", *executor, "--time-scale", "0.01",
              "-o", out)
    try:
        run.wait_begun()
        time.sleep(0.5)  # 'a' and the chain are done; 'stuck' runs for ever
        t0 = time.monotonic()
        os.killpg(run.proc.pid, signal.SIGINT)  # as Ctrl-C in a terminal: every process of the job
        rc = run.proc.wait(10)
        stop = time.monotonic() - t0
    finally:
        run.finish()
    assert rc == 130, run.lines
    assert stop < STOP_BOUND_S, stop
    # on a loaded machine the chain may not be through yet after 0.5 s: what ran is a prefix of it
    trace = load_schedule(out)
    done = sorted(s.task for s in trace.slots)
    assert done and done == ["a", "c0", "c1", "c2"][: len(done)], done
    assert run.lines[-1].startswith(f"interrupted: partial trace: {len(done)}/5 tasks"), run.lines
    assert "stopped waiting for stuck" in run.lines[-1]
    m = trace.meta
    chain = {"c0", "c1", "c2"}
    assert m["partial"] is True and m["stopped"] == "interrupted" and "stuck" in m["abandoned"]
    assert set(m["abandoned"]) <= {"stuck"} | chain
    # threads cannot be killed: the trace says the task was left running
    left = set(m.get("left_running", []))
    if executor == ["threads"] or executor == ["dask"]:
        assert "stuck" in left and left <= {"stuck"} | chain
    else:
        assert left == set()
    assert json.loads(out.read_text())["format"] == "taskmapper-schedule"
    assert len(g) == 5


@pytest.mark.slow
def test_no_worker_process_outlives_a_killed_run(tmp_path):
    src = tmp_path / "stuck.taskgraph.json"
    pid_file = tmp_path / "worker.pid"
    g = TaskGraph("stuck")
    g.add_task("a", 1)
    g.add_task("stuck", 1, call="exec_helpers:forever_pid", kwargs={"path": str(pid_file)})
    g.add_task("b", 1, call="exec_helpers:forever")
    g.add_edge("a", "stuck", 1)
    g.add_edge("a", "b", 1)
    save_graph(g, src)
    run = Run(src, "--allow-calls", "--workers", "2", "--executor", "processes", "--dynamic")
    try:
        run.wait_begun()
        deadline = time.monotonic() + 10
        while not pid_file.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        worker = int(pid_file.read_text())
        group = group_alive(run.proc.pid)
        # the run, its two workers (one of them is 'worker') and multiprocessing's helpers
        assert worker in group and len(group) >= 3, group
        os.kill(run.proc.pid, signal.SIGKILL)  # the run's process only, as the OOM killer would
        run.proc.wait(5)
        deadline = time.monotonic() + 5
        while group_alive(run.proc.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        left = group_alive(run.proc.pid)
    finally:
        run.finish()
    assert left == [], left


# ------------------------------------------------------------------- dying workers
@pytest.mark.slow
@pytest.mark.parametrize("executor", [["processes"], ["processes", "--dynamic"],
                                      ["dask", "--dask-processes"], ["dask", "--dask-processes", "--dynamic"]],
                         ids=["processes", "processes-dynamic", "dask-processes", "dask-processes-dynamic"])
def test_a_task_that_kills_its_worker_is_named(tmp_path, executor):
    if executor[0] == "dask":
        pytest.importorskip("distributed")
    src = tmp_path / "die.taskgraph.json"
    g = TaskGraph("die")
    g.add_task("a", 1)
    g.add_task("killer", 1, call="exec_helpers:die")
    g.add_task("z", 1)
    g.add_edge("a", "killer", 1)
    g.add_edge("killer", "z", 1)
    save_graph(g, src)
    out = tmp_path / "part.schedule.json"
    # before, this hung (mapped Dask) or died on a KeyError: the timeout bounds it
    r = taskmapper("run", src, "--allow-calls", "--workers", "2", "--executor", *executor,
                   "--time-scale", "0.01", "-o", out, timeout=30)
    assert r.returncode == 2, r.stderr
    errors = [line for line in r.stderr.splitlines() if line.startswith("taskmapper run:")]
    assert len(errors) == 1 and r.stderr.splitlines()[-1] == errors[0], r.stderr
    assert "Traceback" not in r.stderr
    line = errors[0]
    if executor[0] == "processes":
        assert "process died (exit code 3) while running task 'killer'" in line, line
    else:
        assert re.search(r"Dask worker P\d \(tcp://[^)]+\) died with task 'killer' on it", line), line
    assert line.endswith(f"(partial trace: 1/3 tasks -> {out})"), line
    trace = load_schedule(out)
    assert [s.task for s in trace.slots] == ["a"]
    assert trace.meta["stopped"] == "failed" and "killer" in trace.meta["error"]
