"""Running graphs for real: threads, processes, Dask; mapped and dynamic; traces and the CLI."""

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time

import pytest
from model_helpers import HEFT_PAPER, ROOT

from cli.run import ProgressLine
from model.algorithms import get_algorithm
from model.execution import DaskUnavailable, ExecutionError, run_graph, trace_platform
from model.formats import load_graph, load_schedule
from model.graph import GraphError, Platform, TaskGraph
from model.schedule import Schedule, Slot

DATA = ROOT / "tests" / "data"
TS = 0.002


def heft_graph():
    g = load_graph(HEFT_PAPER)
    return g, g.default_platform()


def fork_join(width=4, data=5.0):
    g = TaskGraph("fork-join")
    g.add_task("src", 2)
    g.add_task("sink", 2)
    for k in range(width):
        g.add_task(f"w{k}", 3 + k)
        g.add_edge("src", f"w{k}", data)
        g.add_edge(f"w{k}", "sink", data)
    return g


def chain(n=12, cost=1.0):
    g = TaskGraph("chain")
    for k in range(n):
        g.add_task(f"t{k}", cost)
        if k:
            g.add_edge(f"t{k - 1}", f"t{k}", 1.0)
    return g


def assert_valid_trace(trace, graph, platform, ts=TS, partial=False):
    assert trace.algorithm == "trace"
    trace.check(graph, trace_platform(platform, ts), check_durations=False, partial=partial)
    at = trace.slot_of()
    # every transfer: one per edge that crossed workers, leaving at the source's finish,
    # arriving no later than the target's start, after the modelled network time
    crossing = {(u, v) for u, v in graph.edges if u in at and v in at and at[u].worker != at[v].worker}
    assert {(t.source, t.target) for t in trace.transfers} == crossing
    net = trace_platform(platform, ts).network
    for t in trace.transfers:
        assert t.start == pytest.approx(at[t.source].finish)
        assert t.finish <= at[t.target].start + 1e-9
        assert t.data == graph.data(t.source, t.target)
        assert t.finish - t.start >= net.comm_time(t.data, t.src_worker, t.dst_worker) - 1e-6
    assert min(s.start for s in trace.slots) >= 0


def assert_follows(trace, plan):
    assert trace.mapping() == plan.mapping()
    # each worker ran its tasks in the plan's order
    for w, slots in plan.by_worker().items():
        assert [s.task for s in trace.by_worker()[w]] == [s.task for s in slots]


# ------------------------------------------------------------------------- threads
def test_heft_example_on_threads_follows_the_mapping_and_is_valid():
    g, p = heft_graph()
    plan = get_algorithm("heft").schedule(g, p)
    seen = []
    trace = run_graph(g, p, executor="threads", schedule=plan, time_scale=TS,
                      progress=lambda d, t: seen.append((d, t)))
    assert_valid_trace(trace, g, p)
    assert_follows(trace, plan)
    m = trace.meta
    assert (m["executor"], m["policy"], m["followed"], m["partial"]) == ("threads", "mapped", "heft", False)
    assert m["predicted_makespan"] == pytest.approx(80 * TS)
    assert m["time_scale"] == TS and m["overhead_per_task"] >= 0
    assert seen[0] == (0, 10) and seen[-1] == (10, 10) and [d for d, _ in seen] == list(range(11))


def test_sleep_work_never_beats_the_prediction_it_follows():
    # sleeping at least each task's time and waiting at least each modelled transfer,
    # in the plan's order per worker, cannot finish before the plan does
    g, p = heft_graph()
    plan = get_algorithm("heft").schedule(g, p)
    trace = run_graph(g, p, schedule=plan, time_scale=TS, work="sleep")
    assert_valid_trace(trace, g, p)
    index = {w: k for k, w in enumerate(p.ids)}
    for s in trace.slots:
        assert s.duration >= g.exec_time(s.task, index[s.worker], p) * TS - 1e-4
    assert trace.makespan >= 80 * TS - 1e-4
    assert trace.makespan < 80 * TS + 2.0


def test_default_policy_is_heft_and_dynamic_runs_everything():
    g = fork_join()
    p = Platform.homogeneous(3, bandwidth=2.0, latency=0.5)
    trace = run_graph(g, p, time_scale=TS)
    assert trace.meta["followed"] == "heft"
    assert_follows(trace, get_algorithm("heft").schedule(g, p))
    dyn = run_graph(g, p, dynamic=True, time_scale=TS)
    assert_valid_trace(dyn, g, p)
    assert sorted(s.task for s in dyn.slots) == sorted(g.tasks)
    assert dyn.meta["policy"] == "dynamic" and dyn.meta["followed"] is None
    assert "predicted_makespan" not in dyn.meta
    # independent workers of the fork got spread: a free worker takes the next ready task
    assert len({s.worker for s in dyn.slots}) >= 2


def test_on_slot_streams_each_finished_task():
    g = fork_join(width=2)
    got = []
    trace = run_graph(g, Platform.homogeneous(2), time_scale=TS, on_slot=got.append)
    assert sorted(got, key=lambda s: s.task) == sorted(trace.slots, key=lambda s: s.task)


def test_cancel_midway_leaves_a_valid_partial_trace():
    g = chain(12)
    p = Platform.homogeneous(2)
    cancel = threading.Event()

    def progress(done, total):
        if done >= 4:
            cancel.set()

    trace = run_graph(g, p, time_scale=TS, cancel=cancel, progress=progress)
    assert 4 <= len(trace.slots) <= 5
    assert trace.meta["partial"] is True and trace.meta["stopped"] == "cancelled"
    assert trace.meta["tasks_done"] == len(trace.slots) and trace.meta["tasks_total"] == 12
    assert_valid_trace(trace, g, p, partial=True)
    with pytest.raises(Exception, match="not scheduled"):
        trace.check(g, trace_platform(p, TS), check_durations=False)


def test_keyboard_interrupt_keeps_the_partial_trace():
    g = chain(10)
    p = Platform.homogeneous(1)

    def progress(done, total):
        if done == 3:
            raise KeyboardInterrupt

    trace = run_graph(g, p, time_scale=TS, progress=progress)
    assert trace.meta["stopped"] == "interrupted" and trace.meta["partial"] is True
    assert [s.task for s in trace.slots] == ["t0", "t1", "t2"]
    assert_valid_trace(trace, g, p, partial=True)


def test_call_tasks_receive_their_predecessors_results(monkeypatch):
    monkeypatch.syspath_prepend(str(DATA))
    g = TaskGraph("calls")
    g.add_task("a", 1, call="exec_helpers:total", kwargs={"base": 5})
    g.add_task("b", 1, call="exec_helpers:total", kwargs={"base": 7})
    g.add_task("c", 1, call="exec_helpers:total")
    g.add_task("d", 1)  # synthetic: its bytes go to e
    g.add_task("e", 1, call="builtins:dict")
    for u, v in [("a", "c"), ("b", "c"), ("c", "e"), ("d", "e")]:
        g.add_edge(u, v, 2)
    results = {}
    p = Platform.homogeneous(2)
    trace = run_graph(g, p, dynamic=True, time_scale=TS, results=results, data_scale=10)
    assert_valid_trace(trace, g, p)
    assert results["a"] == 5 and results["b"] == 7 and results["c"] == 12
    assert results["e"] == {"c": 12, "d": bytes(20)}
    assert "d" not in results


def test_a_failing_call_stops_the_run_with_a_named_error(monkeypatch):
    monkeypatch.syspath_prepend(str(DATA))
    g = chain(4)
    g.task_attrs("t1")["call"] = "exec_helpers:fail"
    with pytest.raises(ExecutionError, match="task 't1' failed: ZeroDivisionError: boom") as info:
        run_graph(g, Platform.homogeneous(2), time_scale=TS)
    assert [s.task for s in info.value.trace.slots] == ["t0"]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"executor": "gpu"}, "unknown executor 'gpu'"),
        ({"work": "dance"}, "unknown work kind 'dance'"),
        ({"time_scale": -1}, "time scale must be a non-negative number"),
        ({"dynamic": True, "schedule": Schedule("x", ["P1"], [])}, "not both"),
        ({"schedule": Schedule("x", ["P1", "P9"], [Slot("t0", "P1", 0, 1), Slot("t1", "P9", 1, 2)])},
         "task 't1' on worker 'P9'"),
        ({"schedule": Schedule("x", ["P1"], [Slot("t0", "P1", 0, 1)])}, "no slot for task 't1'"),
        ({"schedule": Schedule("x", ["P1"], [Slot("t1", "P1", 0, 1), Slot("t0", "P1", 1, 2)])},
         "order cannot be followed: task\\(s\\) 't1'"),
    ],
)
def test_bad_options_are_named(kwargs, message):
    g = chain(2)
    with pytest.raises(GraphError, match=message):
        run_graph(g, Platform.homogeneous(2), **{"time_scale": TS, **kwargs})


def test_a_bad_call_is_rejected_before_running():
    g = chain(2)
    g.task_attrs("t1")["call"] = "no_such_module_xyz:f"
    with pytest.raises(GraphError, match="task 't1': cannot use call 'no_such_module_xyz:f'"):
        run_graph(g, Platform.homogeneous(1), time_scale=TS)


@pytest.mark.parametrize(("call", "message"), [
    ("no_such_module_xyz:f", "no module named 'no_such_module_xyz' on the Python path"),
    ("no_such_pkg_xyz.sub:f", "no module named 'no_such_pkg_xyz' on the Python path"),
    ("math:no_such_fn", "module 'math' has no function 'no_such_fn'"),
    ("os.path:nosuch.deeper", "module 'os.path' has no function 'nosuch.deeper'"),
    ("exec_helpers_broken:f", "importing module 'exec_helpers_broken' fails: ModuleNotFoundError: "
                              "No module named 'no_such_dependency_xyz'"),
    ("math:pi", "TypeError: 'math:pi' is not callable"),
    ("json", "ValueError: 'json' is not of the form 'package.module:function'"),
])
def test_a_bad_call_names_the_missing_module_or_function(monkeypatch, call, message):
    monkeypatch.syspath_prepend(str(DATA))
    g = chain(2)
    g.task_attrs("t0")["call"] = call
    with pytest.raises(GraphError, match=f"task 't0': cannot use call '{call}': {re.escape(message)}"):
        run_graph(g, Platform.homogeneous(1), time_scale=TS)


@pytest.mark.parametrize(("address", "message"), [
    ("nonsense", "no port (expected HOST:PORT"),
    ("tcp://:8786", "no host"),
    ("127.0.0.1:99999", "port '99999' is not a number from 1 to 65535"),
    ("tcp://127.0.0.1:abc", "port 'abc' is not a number"),
    ("foo://h:1", "unknown scheme 'foo'"),
])
def test_bad_scheduler_address_is_named_at_once(address, message):
    pytest.importorskip("distributed")
    t0 = time.perf_counter()
    with pytest.raises(GraphError, match=f"bad Dask scheduler address '{re.escape(address)}': {re.escape(message)}"):
        run_graph(chain(2), Platform.homogeneous(1), executor="dask", scheduler_address=address, time_scale=TS)
    assert time.perf_counter() - t0 < 5  # refused before any connection attempt


def test_dask_missing_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(DaskUnavailable, match=r'pip install "taskmapper\[dask\]"'):
        run_graph(chain(2), Platform.homogeneous(1), executor="dask", time_scale=TS)


# ----------------------------------------------------------------------- processes
@pytest.mark.slow
def test_processes_mapped_and_dynamic():
    g, p = heft_graph()
    plan = get_algorithm("heft").schedule(g, p)
    trace = run_graph(g, p, executor="processes", schedule=plan, time_scale=TS)
    assert_valid_trace(trace, g, p)
    assert_follows(trace, plan)
    assert trace.meta["executor"] == "processes"
    g2 = fork_join()
    p2 = Platform.homogeneous(2)
    results = {}
    g2.task_attrs("sink")["call"] = "builtins:sorted"  # receives the dict pred -> result
    dyn = run_graph(g2, p2, executor="processes", dynamic=True, time_scale=TS, results=results)
    assert_valid_trace(dyn, g2, p2)
    assert len(dyn.slots) == len(g2)
    assert results["sink"] == ["w0", "w1", "w2", "w3"]


# ---------------------------------------------------------------------------- dask
@pytest.fixture(scope="module")
def dask_cluster():
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(n_workers=3, threads_per_worker=1, processes=False,
                                       dashboard_address=":0", silence_logs=40)
    try:
        yield cluster
    finally:
        cluster.close()


@pytest.mark.slow
def test_dask_mapped_run_uses_worker_restrictions(dask_cluster):
    g, p = heft_graph()
    plan = get_algorithm("heft").schedule(g, p)
    trace = run_graph(g, p, executor="dask", schedule=plan, time_scale=TS,
                      scheduler_address=dask_cluster.scheduler_address)
    assert_valid_trace(trace, g, p)
    assert_follows(trace, plan)
    assert trace.meta["scheduler"] == dask_cluster.scheduler_address
    assert len(trace.meta["dask_workers"]) == 3


@pytest.mark.slow
def test_dask_dynamic_and_cancel(dask_cluster):
    g = fork_join()
    p = Platform.homogeneous(2)
    dyn = run_graph(g, p, executor="dask", dynamic=True, time_scale=TS,
                    scheduler_address=dask_cluster.scheduler_address)
    assert_valid_trace(dyn, g, p)
    assert len(dyn.slots) == len(g) and dyn.meta["policy"] == "dynamic"
    # two logical workers out of the cluster's three: only those two ran tasks
    assert {s.worker for s in dyn.slots} <= {"P1", "P2"}
    cancel = threading.Event()
    c = chain(10)
    part = run_graph(c, p, executor="dask", time_scale=TS, cancel=cancel,
                     scheduler_address=dask_cluster.scheduler_address,
                     progress=lambda d, t: d >= 3 and cancel.set())
    assert 3 <= len(part.slots) < 10 and part.meta["partial"] is True
    assert_valid_trace(part, c, p, partial=True)


@pytest.mark.slow
def test_dask_own_local_cluster_and_too_few_workers(dask_cluster):
    g = fork_join(width=2)
    p = Platform.homogeneous(2)
    trace = run_graph(g, p, executor="dask", time_scale=TS)
    assert_valid_trace(trace, g, p)
    assert trace.meta["dask_processes"] is False
    with pytest.raises(GraphError, match="has 3 worker\\(s\\) but the run needs 4"):
        run_graph(g, Platform.homogeneous(4), executor="dask", time_scale=TS,
                  scheduler_address=dask_cluster.scheduler_address)


# ----------------------------------------------------------------------------- CLI
def test_progress_line_rewrites_one_line_on_a_terminal():
    import io

    out = io.StringIO()
    p = ProgressLine("run", out, tty=True)
    for k in range(4):
        p(k, 3)
    p.close()
    text = out.getvalue()
    assert text.count("\n") == 1 and text.endswith("\n")
    assert "\rrun" in text.replace("\x1b[K", "") and "3/3 tasks" in text
    quiet = io.StringIO()
    p = ProgressLine("run", quiet, tty=False)
    for k in range(101):
        p(k, 100)
    assert quiet.getvalue().count("\n") == 5  # 0, 25, 50, 75, 100 %


def cli(*args, **kw):
    return subprocess.run([sys.executable, "-m", "cli", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=60, **kw)


@pytest.mark.slow
def test_cli_run_writes_a_trace(tmp_path):
    out = tmp_path / "run.schedule.json"
    r = cli("run", str(HEFT_PAPER), "--time-scale", str(TS), "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert "trace: 10/10 tasks" in r.stderr and "predicted 0.160 s" in r.stderr
    trace = load_schedule(out)
    g, p = heft_graph()
    assert trace.algorithm == "trace" and trace.meta["followed"] == "heft"
    trace.check(g, trace_platform(p, TS), check_durations=False)
    assert trace.mapping() == get_algorithm("heft").schedule(g, p).mapping()
    assert json.loads(out.read_text())["format"] == "taskmapper-schedule"
    r = cli("run", str(HEFT_PAPER), "--dynamic", "--executor", "processes", "--time-scale", str(TS))
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert d["algorithm"] == "trace" and d["policy"] == "dynamic" and len(d["slots"]) == 10
    assert d["workers"] == ["P1", "P2", "P3"]


@pytest.mark.slow
def test_cli_run_chrome_trace(tmp_path):
    pytest.importorskip("model.formats.chrome_trace")
    out = tmp_path / "run.trace.json"
    r = cli("run", str(HEFT_PAPER), "--time-scale", str(TS), "-o", str(out))
    assert r.returncode == 0, r.stderr
    back = load_schedule(out)
    assert sorted(s.task for s in back.slots) == sorted(heft_graph()[0].tasks)


def test_cli_run_bad_input_is_one_line(tmp_path):
    for args, message in [
        (["run", str(tmp_path / "nope.json")], "no such file"),
        (["run", str(HEFT_PAPER), "-o", str(tmp_path / "no" / "x.schedule.json")], "does not exist"),
        (["run", str(HEFT_PAPER), "--algorithm", "zzz"], "unknown algorithm 'zzz'"),
        (["run", str(HEFT_PAPER), "--dynamic", "--workers", "2"], "task 'n1' has 3 costs but the platform has 2"),
        (["run", str(HEFT_PAPER), "--scheduler", "127.0.0.1:8786"],
         "--scheduler names a Dask scheduler: use it with --executor dask, not threads"),
        (["run", str(HEFT_PAPER), "--executor", "processes", "--scheduler", "127.0.0.1:8786"],
         "use it with --executor dask, not processes"),
        (["run", str(HEFT_PAPER), "--executor", "dask", "--scheduler", "nonsense"],
         "bad Dask scheduler address 'nonsense': no port"),
    ]:
        r = cli(*args)
        assert r.returncode == 2
        assert message in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr


def _sigint_default() -> None:
    # a child of a shell's background job inherits SIGINT ignored: restore it
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize(("executor", "kind", "name"), [("threads", "thread", "part.schedule.json"),
                                                        ("processes", "process", "part.trace.json")])
def test_cli_ctrl_c_writes_the_partial_trace(tmp_path, executor, kind, name):
    g = chain(40, cost=5.0)
    src = tmp_path / "chain.json"
    from model.formats import save_graph

    save_graph(g, src)
    out = tmp_path / name
    proc = subprocess.Popen([sys.executable, "-m", "cli", "run", str(src), "--workers", "1",
                             "--executor", executor, "--time-scale", "0.01", "-o", str(out)],
                            cwd=ROOT, stderr=subprocess.PIPE, text=True, start_new_session=True,
                            preexec_fn=_sigint_default)
    try:
        line = proc.stderr.readline()  # the "running ..." line
        assert line.startswith(f"running 40 tasks on 1 {kind} workers"), line
        line = proc.stderr.readline()  # "...: 0/40 tasks": the workers are up, the run has begun
        assert "0/40 tasks" in line, line
        time.sleep(0.3)
        os.killpg(proc.pid, signal.SIGINT)  # as Ctrl-C in a terminal: workers get it too
        rest = proc.stderr.read()
        assert proc.wait(timeout=30) == 130, rest
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert "interrupted: partial trace" in rest
    trace = load_schedule(out)
    assert 1 <= len(trace.slots) < 40 and trace.meta["partial"] is True
    assert trace.meta["stopped"] == "interrupted"
    trace.check(g, trace_platform(Platform.homogeneous(1), 0.01), check_durations=False, partial=True)
