"""Algorithm runs on the thread pool: results, progress, throttling, cancel, errors."""

import random
import threading

import pytest
from PySide6 import QtCore

from gui import algorithm_runs
from gui.algorithm_runs import AlgorithmWorker, RunManager
from gui.workers import Job, Throttle, error_message
from model.algorithms import available, get_algorithm
from model.graph import GraphError, Platform, TaskGraph
from model.schedule import ScheduleError


def layered_graph(n, seed=1, window=50):
    """A random DAG of ``n`` tasks, each depending on up to two of the ``window`` previous ones."""
    r = random.Random(seed)
    g = TaskGraph(f"random-{n}")
    for i in range(n):
        g.add_task(f"t{i}", r.randint(1, 10))
    for i in range(1, n):
        for j in {r.randrange(max(0, i - window), i) for _ in range(2)}:
            g.add_edge(f"t{j}", f"t{i}", r.randint(0, 5))
    return g


@pytest.fixture(scope="module")
def big_graph():
    return layered_graph(20_000)


@pytest.fixture
def manager(qtbot):
    m = RunManager()
    yield m
    # every test ends with no run left in the pool
    assert m.wait_all(20_000)
    assert m.running() == []
    assert QtCore.QThreadPool.globalInstance().activeThreadCount() == 0


def second_algorithm():
    for name in ("etf", "mct", "met", "round-robin", "hlfet"):
        if name in available():
            return name
    pytest.skip("only one algorithm registered")


def test_two_algorithms_through_the_pool(qtbot, manager):
    g = layered_graph(60, seed=3)
    plat = Platform.homogeneous(3, bandwidth=2.0)
    other = second_algorithm()
    got = {}
    on_gui_thread = []

    def finished(key, schedule):
        on_gui_thread.append(threading.current_thread() is threading.main_thread())
        got[key] = schedule

    manager.run_finished.connect(finished)
    with qtbot.waitSignals([manager.run_finished, manager.run_finished], timeout=20_000):
        k1 = manager.start("heft", g.copy(), plat)
        k2 = manager.start(other, g.copy(), plat)
    qtbot.waitUntil(lambda: len(got) == 2, timeout=5000)
    assert k1 != k2 and manager.algorithm_of(k1) == "heft" and manager.algorithm_of(k2) == other
    assert on_gui_thread == [True, True]
    for key, name in ((k1, "heft"), (k2, other)):
        s = got[key]
        want = get_algorithm(name).schedule(g, plat)
        assert s.algorithm == name
        assert s.makespan == pytest.approx(want.makespan)
        assert s.mapping() == want.mapping()
        s.check(g, plat)
        assert s.meta["graph"] == g.name and s.meta["runtime_s"] >= 0
    # the manager lets finished runs go
    qtbot.waitUntil(lambda: manager.running() == [], timeout=2000)


def test_worker_reports_progress_placements_and_info(qtbot):
    g = layered_graph(300, seed=5)
    plat = Platform.homogeneous(2)
    w = AlgorithmWorker("heft", g, plat, throttle=0.0)  # no throttling: every step reported
    progress, placed = [], []
    w.signals.progress.connect(lambda d, t: progress.append((d, t)))
    w.signals.placed.connect(lambda batch: placed.extend(batch))
    points = []
    w.signals.bound_progress.connect(points.extend)
    with qtbot.waitSignal(w.signals.result, timeout=20_000) as blocker:
        QtCore.QThreadPool.globalInstance().start(w)
    assert QtCore.QThreadPool.globalInstance().waitForDone(5000)
    qtbot.waitUntil(lambda: progress and progress[-1] == (300, 300), timeout=2000)
    s = blocker.args[0]
    assert progress[0] == (0, 300)
    assert [d for d, _ in progress] == sorted(d for d, _ in progress)
    # the placements arrive in the order the algorithm made them, each task once for HEFT
    want = list(get_algorithm("heft").steps(g, plat))
    assert placed == want
    assert s.slot_of() == {sl.task: sl for sl in want}
    assert s.meta["rank"] == "upward"  # the algorithm's info lands in meta
    assert w.state == "done" and w.runtime is not None
    # HEFT is not an anytime search: no search points
    assert points == [] and w.history == [] and w.started_at is not None


def test_progress_is_throttled_on_a_big_run(qtbot, manager, big_graph):
    counts = {"progress": 0, "placed": 0, "slots": 0}
    last = []

    def on_progress(key, done, total):
        counts["progress"] += 1
        last[:] = [done, total]

    def on_placed(key, slots):
        counts["placed"] += 1
        counts["slots"] += len(slots)

    manager.run_progress.connect(on_progress)
    manager.run_placed.connect(on_placed)
    with qtbot.waitSignal(manager.run_finished, timeout=60_000) as blocker:
        key = manager.start("heft", big_graph.copy(), Platform.homogeneous(4))
    worker_runtime = blocker.args[1].meta["runtime_s"]
    assert last == [20_000, 20_000]
    assert counts["slots"] == 20_000  # every placement delivered, in batches
    # at most one emission per 30 ms, plus the first and the last one
    bound = worker_runtime / 0.030 + 3
    assert 2 <= counts["progress"] <= bound, (counts, worker_runtime)
    assert counts["placed"] <= bound
    assert counts["progress"] < 1000  # versus 20,000 steps
    qtbot.waitUntil(lambda: key not in manager.running(), timeout=2000)


def test_cancel_a_long_run(qtbot, manager, big_graph):
    seen = []
    manager.run_progress.connect(lambda k, d, t: seen.append(d))
    finished = []
    manager.run_finished.connect(lambda k, s: finished.append(k))
    with qtbot.waitSignal(manager.run_progress, timeout=30_000, check_params_cb=lambda k, d, t: d > 0):
        key = manager.start("heft", big_graph.copy(), Platform.homogeneous(4))
    worker = manager.worker(key)
    with qtbot.waitSignal(manager.run_cancelled, timeout=10_000) as blocker:
        assert manager.cancel(key)
    assert blocker.args == [key]
    assert worker.state == "cancelled"
    assert 0 < max(seen) < 20_000
    assert finished == []
    qtbot.waitUntil(lambda: manager.running() == [], timeout=2000)
    assert manager.cancel(key) is False  # nothing left to cancel


def test_cancel_before_start_reports_cancelled():
    # the worker checks the token before doing anything
    w = AlgorithmWorker("heft", layered_graph(10), Platform.homogeneous(2))
    events = []
    w.signals.cancelled.connect(lambda: events.append("cancelled"))
    w.signals.result.connect(lambda s: events.append("result"))
    w.signals.finished.connect(lambda: events.append("finished"))
    w.cancel()
    w.run()  # synchronously, in this thread
    assert events == ["cancelled", "finished"] and w.state == "cancelled"


def test_failing_run_reports_a_readable_message(qtbot, manager):
    g = TaskGraph("unrelated")
    g.add_task("a", costs=[1, 2, 3])
    g.add_task("b", costs=[2, 2, 2])
    g.add_edge("a", "b", 1)
    with qtbot.waitSignal(manager.run_failed, timeout=10_000) as blocker:
        key = manager.start("heft", g, Platform.homogeneous(2))
    assert blocker.args == [key, "task 'a' has 3 costs but the platform has 2 workers"]


def test_unknown_algorithm_fails_with_the_known_list(qtbot, manager):
    with qtbot.waitSignal(manager.run_failed, timeout=10_000) as blocker:
        manager.start("no-such", layered_graph(5), Platform.homogeneous(2))
    assert blocker.args[1].startswith("unknown algorithm 'no-such'; known: ")
    assert "heft" in blocker.args[1]


def test_unexpected_exception_becomes_type_and_message(qtbot, manager, monkeypatch):
    class Broken:
        name = "broken"

        def __init__(self):
            self.info = {}

        def steps(self, graph, platform, cancel=None):
            yield from ()
            raise ZeroDivisionError("division by zero in the cost model")

    monkeypatch.setattr(algorithm_runs, "get_algorithm", lambda name, **kw: Broken())
    with qtbot.waitSignal(manager.run_failed, timeout=10_000) as blocker:
        manager.start("broken", layered_graph(5), Platform.homogeneous(2))
    assert blocker.args[1] == "ZeroDivisionError: division by zero in the cost model"


def test_invalid_schedule_from_an_algorithm_is_reported(qtbot, manager, monkeypatch):
    from model.schedule import Slot

    class Overlapping:
        name = "overlap"

        def __init__(self):
            self.info = {}

        def steps(self, graph, platform, cancel=None):
            yield Slot("a", "P1", 0, 2)
            yield Slot("b", "P1", 1, 3)

    g = TaskGraph("two")
    g.add_task("a", 2)
    g.add_task("b", 2)
    monkeypatch.setattr(algorithm_runs, "get_algorithm", lambda name, **kw: Overlapping())
    with qtbot.waitSignal(manager.run_failed, timeout=10_000) as blocker:
        manager.start("overlap", g, Platform.homogeneous(2))
    assert blocker.args[1] == "tasks 'a' and 'b' overlap on worker P1 (0-2 and 1-3)"


def test_error_message_formats():
    assert error_message(GraphError("task 'x' is bad")) == "task 'x' is bad"
    assert error_message(ScheduleError("task 'y' overlaps")) == "task 'y' overlaps"
    assert error_message(KeyError("P9")) == "KeyError: 'P9'"
    assert error_message(MemoryError()) == "MemoryError"


def test_wait_all_cancels_everything(qtbot, big_graph):
    m = RunManager()
    cancelled, finished = [], []
    m.run_cancelled.connect(cancelled.append)
    m.run_finished.connect(lambda key, _s: finished.append(key))
    keys = [m.start("heft", big_graph.copy(), Platform.homogeneous(3)) for _ in range(3)]
    assert len(set(keys)) == 3
    assert m.wait_all(20_000)
    assert m.running() == []
    # each run ended exactly once: cancelled, or finished before the cancel reached it (HEFT
    # maps 20,000 tasks in well under a second now)
    assert sorted(cancelled + finished) == sorted(keys)
    assert QtCore.QThreadPool.globalInstance().activeThreadCount() == 0


class Counting(Job):
    """A job of the shared base: counts to ``n`` (or fails at the end)."""

    def __init__(self, n, fail=False):
        super().__init__(throttle=0.0)
        self.n, self.fail = n, fail

    def execute(self):
        for i in range(self.n):
            if self.cancelled:
                return "cancelled", i
            if self.gate():
                self.signals.progress.emit(i + 1, self.n)
        if self.fail:
            raise KeyError("P9")
        return "done", self.n


def test_the_job_base_reports_the_outcome_and_keeps_a_started_job_alive(qtbot):
    got, progress = [], []
    job = Counting(5)
    job.signals.result.connect(got.append)
    job.signals.progress.connect(lambda d, t: progress.append(d))
    finished = job.signals.finished
    with qtbot.waitSignal(finished, timeout=5000):
        job.start()
        del job  # the caller lets go: the base keeps it until its last signal is delivered
    assert got == [5] and progress == [1, 2, 3, 4, 5]
    bad = Counting(1, fail=True)
    with qtbot.waitSignal(bad.signals.failed, timeout=5000) as blocker:
        bad.start()
    assert blocker.args == ["KeyError: 'P9'"] and bad.state == "failed"
    assert bad.wait(1.0)
    stopped = Counting(10)
    stopped.cancel()
    with qtbot.waitSignal(stopped.signals.cancelled, timeout=5000) as blocker:
        stopped.start()
    assert blocker.args == [0] and stopped.state == "cancelled"
    qtbot.waitUntil(lambda: Job.alive() == 0, timeout=2000)


def test_throttle_lets_one_call_through_per_interval():
    gate = Throttle(10.0)
    assert gate() and not gate() and gate(force=True)
