"""Running real code safely: consent before any import, stopping never-returning tasks, dead workers."""

import os
import signal
import sys
import threading
import time
from pathlib import Path

import pytest

from model.algorithms import get_algorithm
from model.execution import (
    CallsNotAllowed,
    ExecutionError,
    calls_in,
    describe_calls,
    run_graph,
    trace_platform,
)
from model.formats import load_graph, save_graph
from model.graph import GraphError, Platform, TaskGraph

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
TS = 0.002
GRACE = 0.3


@pytest.fixture
def marker(monkeypatch, tmp_path):
    """The file ``exec_marker`` writes when imported; the module is not imported yet."""
    path = tmp_path / "imported"
    monkeypatch.setenv("TASKMAPPER_TEST_MARKER", str(path))
    monkeypatch.syspath_prepend(str(DATA))
    monkeypatch.delitem(sys.modules, "exec_marker", raising=False)
    yield path
    sys.modules.pop("exec_marker", None)


@pytest.fixture
def helpers(monkeypatch):
    """tests/data on the path; the threads of never-returning tasks are let go afterwards."""
    monkeypatch.syspath_prepend(str(DATA))
    import exec_helpers

    exec_helpers.hold()
    yield exec_helpers
    exec_helpers.release()


def marked_graph():
    g = TaskGraph("marked")
    for t in ("T1", "T2", "T3", "T4"):
        g.add_task(t, 1)
    g.task_attrs("T1")["call"] = "exec_marker:f"
    g.task_attrs("T3")["call"] = "exec_marker:f"
    g.task_attrs("T4")["call"] = "builtins:len"
    for u, v in [("T1", "T2"), ("T1", "T3"), ("T2", "T4"), ("T3", "T4")]:
        g.add_edge(u, v, 1)
    return g


def stuck_graph(call="exec_helpers:forever", **attrs):
    g = TaskGraph("stuck")
    g.add_task("a", 1)
    g.add_task("stuck", 1, call=call, **attrs)
    g.add_edge("a", "stuck", 1)
    prev = "a"
    for k in range(3):
        g.add_task(f"c{k}", 1)
        g.add_edge(prev, f"c{k}", 1)
        prev = f"c{k}"
    return g


def process_ended(pid):
    """Whether process ``pid`` has ended (a zombie waiting for its reaper has)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat[stat.rindex(")") + 2] in "ZX"


# ------------------------------------------------------------------------ consent
def test_reading_scheduling_and_saving_import_no_call(marker, tmp_path):
    src = tmp_path / "g.taskgraph.json"
    save_graph(marked_graph(), src)
    g = load_graph(src)
    p = g.default_platform(2)
    g.validate(p)
    get_algorithm("heft").schedule(g, p)
    for name in ("g.dot", "g.graphml", "back.taskgraph.json"):
        save_graph(g, tmp_path / name)
        load_graph(tmp_path / name)
    assert calls_in(g) == {"exec_marker:f": ["T1", "T3"], "builtins:len": ["T4"]}
    assert "exec_marker" not in sys.modules and not marker.exists()


def test_run_graph_imports_nothing_before_consent(marker):
    g = marked_graph()
    p = Platform.homogeneous(2)
    with pytest.raises(CallsNotAllowed, match=r"^the graph runs code from builtins, exec_marker \(tasks T1, T3, T4\)")\
            as info:
        run_graph(g, p, allow_calls=False, time_scale=TS)
    assert info.value.calls == {"exec_marker:f": ["T1", "T3"], "builtins:len": ["T4"]}
    # allowing some calls refuses the others, still before importing any
    with pytest.raises(CallsNotAllowed, match=r"runs code from exec_marker \(tasks T1, T3\)") as info:
        run_graph(g, p, allow_calls={"builtins:len"}, time_scale=TS)
    assert info.value.calls == {"exec_marker:f": ["T1", "T3"]}
    assert "exec_marker" not in sys.modules and not marker.exists()
    # consent given: now the module is imported (so the checks above can fail)
    results = {}
    run_graph(g, p, allow_calls={"exec_marker:f", "builtins:len"}, time_scale=TS, results=results)
    assert marker.exists() and results["T1"] == 0 and results["T3"] == 1


def test_graph_without_calls_runs_with_calls_refused():
    g = TaskGraph("plain")
    g.add_task("a", 1)
    trace = run_graph(g, Platform.homogeneous(1), allow_calls=False, time_scale=TS)
    assert [s.task for s in trace.slots] == ["a"]


@pytest.mark.parametrize(("attrs", "message"), [
    ({"call": 42}, "'call' of task 'a' must be a string 'package.module:function'"),
    ({"call": "json"}, "task 'a': cannot use call 'json': ValueError: 'json' is not of the form"),
    ({"call": ":f"}, "task 'a': cannot use call ':f'"),
])
def test_calls_in_checks_the_form_without_importing(attrs, message):
    g = TaskGraph("bad")
    g.add_task("a", 1, **attrs)
    with pytest.raises(GraphError, match=message):
        calls_in(g)
    with pytest.raises(GraphError, match=message):
        run_graph(g, Platform.homogeneous(1), allow_calls=False, time_scale=TS)


def test_kwargs_must_be_an_object_of_keywords(marker):
    g = TaskGraph("kw")
    g.add_task("a", 1, call="exec_marker:f", kwargs=[1, 2])
    with pytest.raises(GraphError, match="'kwargs' of task 'a' must be an object"):
        run_graph(g, Platform.homogeneous(1), time_scale=TS)
    assert not marker.exists()  # checked before importing


def test_describe_calls_names_modules_and_the_first_tasks():
    calls = {"pydoc:pipepager": ["T1"], "mypkg.tasks:f": ["T3", "T4", "T5", "T6", "T7"]}
    assert describe_calls(calls) == "runs code from mypkg.tasks, pydoc (tasks T1, T3, T4, T5, T6, ...)"
    assert describe_calls({"m:f": ["x"]}) == "runs code from m (task x)"


# ------------------------------------------------------------------------ stopping
def cancel_after_first(cancel, delay=0.2):
    def progress(done, total):
        if done == 1:
            threading.Timer(delay, cancel.set).start()
    return progress


@pytest.mark.parametrize("executor", ["threads", "processes"])
def test_cancel_stops_waiting_for_a_task_that_never_returns(helpers, tmp_path, executor):
    pid_file = tmp_path / "pid"
    g = stuck_graph("exec_helpers:forever_pid", kwargs={"path": str(pid_file)})
    p = Platform.homogeneous(2)
    cancel = threading.Event()
    asked = []
    threading.Thread(target=lambda: (cancel.wait(), asked.append(time.monotonic())), daemon=True).start()
    trace = run_graph(g, p, executor=executor, time_scale=TS, cancel=cancel, grace=GRACE,
                      progress=cancel_after_first(cancel))
    stop = time.monotonic() - asked[0]
    assert stop < GRACE + 1.0, stop
    m = trace.meta
    assert sorted(s.task for s in trace.slots) == ["a", "c0", "c1", "c2"]
    assert m["stopped"] == "cancelled" and m["partial"] is True and m["abandoned"] == ["stuck"]
    trace.check(g, trace_platform(p, TS), check_durations=False, partial=True)
    pid = int(pid_file.read_text())
    if executor == "threads":
        # a thread cannot be killed: the trace says its task is still running
        assert m["left_running"] == ["stuck"] and pid == os.getpid()
        assert any(t.name.startswith("taskmapper-P") and t.daemon for t in threading.enumerate())
    else:
        assert "left_running" not in m and pid != os.getpid()
        assert process_ended(pid)


def test_a_failed_task_does_not_wait_for_a_stuck_one(helpers):
    g = stuck_graph()
    g.task_attrs("c1")["call"] = "exec_helpers:fail"
    t0 = time.monotonic()
    with pytest.raises(ExecutionError, match="task 'c1' failed: ZeroDivisionError: boom") as info:
        run_graph(g, Platform.homogeneous(2), time_scale=TS, grace=GRACE)
    assert time.monotonic() - t0 < GRACE + 2.0
    m = info.value.trace.meta
    assert m["stopped"] == "failed" and m["abandoned"] == ["stuck"] and m["error"].startswith("task 'c1'")
    assert sorted(s.task for s in info.value.trace.slots) == ["a", "c0"]


@pytest.fixture
def default_sigint():
    old = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, old)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_ctrl_c_in_the_main_thread_keeps_the_partial_trace(helpers, default_sigint):
    g = stuck_graph()

    def progress(done, total):
        if done == 1:
            threading.Timer(0.2, os.kill, (os.getpid(), signal.SIGINT)).start()

    trace = run_graph(g, Platform.homogeneous(2), time_scale=TS, grace=GRACE, progress=progress)
    assert trace.meta["stopped"] == "interrupted" and trace.meta["abandoned"] == ["stuck"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # given back


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_a_second_ctrl_c_stops_waiting_at_once(helpers, default_sigint):
    g = stuck_graph()

    def progress(done, total):
        if done == 1:
            threading.Timer(0.2, os.kill, (os.getpid(), signal.SIGINT)).start()
            threading.Timer(0.4, os.kill, (os.getpid(), signal.SIGINT)).start()

    t0 = time.monotonic()
    trace = run_graph(g, Platform.homogeneous(2), time_scale=TS, grace=60, progress=progress)
    assert time.monotonic() - t0 < 5  # not the 60 s of grace
    assert trace.meta["stopped"] == "interrupted" and trace.meta["abandoned"] == ["stuck"]


def test_running_tasks_finish_within_the_grace():
    g = TaskGraph("two")
    g.add_task("a", 1)
    g.add_task("b", 30)  # 0.3 s of sleep: ends well within the grace
    g.add_task("c", 1)
    g.add_edge("b", "c", 1)
    cancel = threading.Event()

    def progress(done, total):
        if done == 1:  # 'a' is done, 'b' runs
            cancel.set()

    trace = run_graph(g, Platform.homogeneous(2), time_scale=0.01, work="sleep", cancel=cancel, grace=5,
                      progress=progress)
    assert sorted(s.task for s in trace.slots) == ["a", "b"]
    assert trace.meta["stopped"] == "cancelled" and "abandoned" not in trace.meta


def test_grace_must_be_a_number():
    g = TaskGraph("g")
    g.add_task("a", 1)
    with pytest.raises(GraphError, match="grace must be a non-negative number"):
        run_graph(g, Platform.homogeneous(1), grace=-1)


# ------------------------------------------------------------------- dying workers
def test_a_task_that_kills_its_worker_process_is_named(helpers):
    g = TaskGraph("die")
    g.add_task("a", 1)
    g.add_task("killer", 1, call="exec_helpers:die")
    g.add_edge("a", "killer", 1)
    g.add_task("z", 1)
    g.add_edge("killer", "z", 1)
    with pytest.raises(ExecutionError,
                       match=r"^worker P\d's process died \(exit code 3\) while running task 'killer'$") as info:
        run_graph(g, Platform.homogeneous(2), executor="processes", time_scale=TS)
    trace = info.value.trace
    assert [s.task for s in trace.slots] == ["a"] and trace.meta["stopped"] == "failed"


def test_one_allowed_call_may_be_given_as_a_string(marker):
    g = marked_graph()
    with pytest.raises(CallsNotAllowed) as info:
        run_graph(g, Platform.homogeneous(2), allow_calls="exec_marker:f", time_scale=TS)
    assert info.value.calls == {"builtins:len": ["T4"]} and not marker.exists()
