"""Anytime algorithms in the app: live search points, the search plot, time limit, cancel, gap column."""

import math
import threading
import time

import numpy as np
import pytest
from PySide6 import QtCore, QtGui

from gui import algorithm_runs
from gui.algorithm_runs import AlgorithmWorker, RunManager
from gui.numbers import human
from gui.results import COL, COLUMNS, ResultsModel, ResultsPanel, RunRow, SearchPlot
from gui.results.table import assign_bounds
from gui.results.table import format_cell as _fmt
from model.algorithms import ALGORITHMS, available
from model.comparison import search_curves
from model.generators import generate
from model.graph import Platform, TaskGraph
from model.schedule import Schedule, Slot

LEFT = QtCore.Qt.MouseButton.LeftButton
TIP = QtCore.Qt.ItemDataRole.ToolTipRole


@pytest.fixture(scope="module")
def layered():
    g = generate("layered", n=200, seed=1, workers=4)
    return g, g.default_platform()


class StandInDocument(QtCore.QObject):
    graph_changed = QtCore.Signal()
    platform_changed = QtCore.Signal()

    def __init__(self, graph, platform):
        super().__init__()
        self.graph, self.platform = graph, platform

    def snapshot(self):
        return self.graph.copy(), self.platform


@pytest.fixture
def manager(qtbot):
    m = RunManager()
    yield m
    assert m.wait_all(20_000)
    assert m.running() == []
    assert QtCore.QThreadPool.globalInstance().activeThreadCount() == 0


def make_panel(qtbot, manager, graph, platform, time_limit=None):
    panel = ResultsPanel(StandInDocument(graph, platform), manager)
    qtbot.addWidget(panel)
    panel.resize(900, 650)
    panel.show()
    if time_limit is not None:
        panel.set_time_limit(time_limit)
    return panel


def cp_sat_running():
    return any(t.name == "cp-sat" and t.is_alive() for t in threading.enumerate())


def row_text(panel, algorithm):
    (row,) = [r for r in panel.displayed() if r[COL["algorithm"]] == algorithm]
    return dict(zip([c[0] for c in COLUMNS], row))


# ---------------------------------------------------------------- the worker side
def test_anytime_algorithms_are_registered():
    assert {n for n in available() if getattr(ALGORITHMS[n], "anytime", False)} >= {"improve", "best", "optimal"}
    assert ALGORITHMS["optimal"].slow and not ALGORITHMS["best"].slow and not ALGORITHMS["improve"].slow


def test_watcher_forwards_points_while_the_search_does_not_yield(qtbot, monkeypatch):
    # a search that records 5 points over 0.5 s before its first placement: only the
    # watcher thread can deliver them before the placements
    class Silent:
        name = "silent"
        anytime = True

        def __init__(self):
            self.info = {}

        def steps(self, graph, platform, cancel=None):
            hist = []
            self.info["history"] = hist
            for k in range(5):
                hist.append((k / 10, 10.0 - k, 5.0 + k / 10))
                time.sleep(0.1)
            yield Slot("a", "P1", 0.0, 6.0)
            hist.append((0.6, 6.0, 6.0))
            self.info.update(lower_bound=6.0, gap=0.0, proven_optimal=True)

    g = TaskGraph("one")
    g.add_task("a", 6)
    events = []
    w = AlgorithmWorker("silent", g, Platform.homogeneous(1), throttle=0.02)
    w.signals.bound_progress.connect(lambda pts: events.append(("points", pts)))
    w.signals.placed.connect(lambda slots: events.append(("placed", slots)))
    monkeypatch.setattr(algorithm_runs, "get_algorithm", lambda name, **kw: Silent())
    with qtbot.waitSignal(w.signals.result, timeout=10_000) as blocker:
        QtCore.QThreadPool.globalInstance().start(w)
    assert QtCore.QThreadPool.globalInstance().waitForDone(5000)
    first_placed = next(i for i, e in enumerate(events) if e[0] == "placed")
    before = [e for e in events[:first_placed] if e[0] == "points"]
    assert len(before) >= 2, events  # several batches arrived while the generator was blocked
    sent = [p for kind, pts in events if kind == "points" for p in pts]
    want = [(0.0, 10.0, 5.0), (0.1, 9.0, 5.1), (0.2, 8.0, 5.2), (0.3, 7.0, 5.3), (0.4, 6.0, 5.4), (0.6, 6.0, 6.0)]
    assert sent == want  # each point once, in order, the final one included
    assert w.history == sent
    s = blocker.args[0]
    assert s.meta["proven_optimal"] is True and s.meta["history"] == want


@pytest.mark.parametrize("name", ["improve", "best"])
def test_points_arrive_during_a_run(qtbot, manager, layered, name):
    g, plat = layered
    batches, finished_at = [], []
    manager.run_bound.connect(lambda k, pts: batches.append((k, time.perf_counter(), list(pts))))
    manager.run_finished.connect(lambda k, s: finished_at.append(time.perf_counter()))
    with qtbot.waitSignal(manager.run_finished, timeout=60_000) as blocker:
        key = manager.start(name, g.copy(), plat, {"time_limit": 0.8})
    s = blocker.args[1]
    assert {k for k, _, _ in batches} == {key}
    # live: the first points came well before the end of the run
    assert batches[0][1] < finished_at[0] - 0.2
    sent = [p for _, _, pts in batches for p in pts]
    assert sent == [tuple(p) for p in s.meta["history"]]
    assert len(sent) >= 1
    best = [p[1] for p in sent]
    assert min(best) == pytest.approx(s.makespan)  # the last best point is the result
    assert all(p[2] <= s.makespan + 1e-9 for p in sent)  # a lower bound never exceeds a schedule
    s.check(g, plat)


# ---------------------------------------------------------------- the plot
def test_search_curves_are_running_best_and_bound():
    hist = [(0.0, 10.0, 5.0), (1.0, 12.0, 6.0), (2.0, 8.0, 5.5), (3.0, math.inf, 7.0)]
    xb, yb, xl, yl = search_curves(hist, t_end=4.0)
    assert xb.tolist() == [0.0, 1.0, 2.0, 4.0] and yb.tolist() == [10.0, 10.0, 8.0]
    assert xl.tolist() == [0.0, 1.0, 2.0, 3.0, 4.0] and yl.tolist() == [5.0, 6.0, 6.0, 7.0]
    # the closing edge never goes back in time
    assert search_curves(hist, t_end=1.0)[2].tolist() == [0.0, 1.0, 2.0, 3.0, 3.0]
    assert [a.size for a in search_curves([])] == [0, 0, 0, 0]


def test_the_search_plot_is_made_when_a_search_is_first_shown(qtbot, manager, layered):
    g, plat = layered
    panel = make_panel(qtbot, manager, g, plat, time_limit=0.3)
    with qtbot.waitSignal(manager.run_finished, timeout=30_000):
        panel.run(["heft"])
    assert not panel._plot_page.made and not panel._plot_page.isVisible()
    panel.clear()  # nothing to reset in a plot not made
    assert not panel._plot_page.made
    panel.run(["best"])
    assert panel._plot_page.made and panel.search_plot.isVisible()
    assert panel.search_plot.row is panel.row("best")
    qtbot.waitUntil(lambda: panel.row("best").status != "running", timeout=30_000)


def test_plot_follows_a_best_run_live(qtbot, manager, layered):
    g, plat = layered
    panel = make_panel(qtbot, manager, g, plat, time_limit=0.8)
    (key,) = panel.run(["best"])
    row = panel.row("best")
    assert panel.search_plot.isVisible() and panel.search_plot.row is row
    assert row.params == {"time_limit": 0.8}
    # points on the curves while the run is still going
    qtbot.waitUntil(lambda: bool(row.history) and panel.search_plot.best_curve.getData()[0] is not None, timeout=20_000)
    assert row.status == "running" and key in manager.running()
    x, y = panel.search_plot.best_curve.getData()
    assert len(y) >= 1 and y[0] == row.history[0][1]
    assert "running" in panel.search_plot.title.text()
    # its progress line counts search time against the limit, with best and bound
    line = panel._progress[key]
    qtbot.waitUntil(lambda: line.bar.format().endswith(" / 0.8 s") and "best " in line.search_label.text(),
                    timeout=5000)
    assert f"best {human(min(p[1] for p in row.history), 6)}" in line.search_label.text()
    with qtbot.waitSignal(manager.run_finished, timeout=60_000):
        pass
    hist = panel.row("best").history
    s = panel.results()["best"]
    assert hist == [tuple(p) for p in s.meta["history"]]
    x, y = panel.search_plot.best_curve.getData()
    xl, yl = panel.search_plot.bound_curve.getData()
    times = sorted(p[0] for p in hist)
    assert x[:-1].tolist() == pytest.approx(times) and xl[:-1].tolist() == pytest.approx(times)
    assert x[-1] == pytest.approx(max(times[-1], s.meta["runtime_s"]))
    assert y.tolist() == np.minimum.accumulate([p[1] for p in hist]).tolist()
    assert yl.tolist() == np.maximum.accumulate([p[2] for p in hist]).tolist()
    assert y[-1] == s.makespan and yl[-1] == pytest.approx(s.meta["lower_bound"])
    title = panel.search_plot.title.text()
    assert f"best {s.makespan:g}" in title and f"bound {s.meta['lower_bound']:g}" in title
    assert [it.text for _, it in panel.search_plot.legend.items] == ["best makespan", "lower bound"]


def test_progress_line_of_a_queued_search(qtbot):
    from gui.results.progress import RunProgress

    line = RunProgress("best#1", "best")
    qtbot.addWidget(line)
    line.show_search(None, 5.0, None, None)
    assert line.search_label.text() == "waiting for a free thread" and line.bar.maximum() == 0
    line.show_search(2.5, 5.0, 101.0, 90.0)
    assert (line.bar.maximum(), line.bar.value(), line.bar.format()) == (1000, 500, "2.5 / 5 s")
    assert line.search_label.text() == "best 101 · bound 90"
    line.show_search(7.0, 5.0, 100.0, 90.0)  # overrunning the limit: never shown as finished
    assert line.bar.value() == 990


def test_choosing_a_row_shows_its_search(qtbot, manager, layered):
    g, plat = layered
    panel = make_panel(qtbot, manager, g, plat, time_limit=0.3)
    with qtbot.waitSignals([manager.run_finished] * 2, timeout=60_000):
        panel.run(["improve", "heft"])
    assert panel.search_plot.row is panel.row("improve")
    panel.select_algorithms(["heft"])  # not an anytime run: the plot stays
    assert panel.search_plot.row is panel.row("improve")
    panel.search_plot.set_row(None)
    panel.select_algorithms(["improve"])
    assert panel.search_plot.row is panel.row("improve")
    assert panel.search_plot.best_curve.getData()[1][-1] == panel.results()["improve"].makespan


def test_render_a_finished_best_run(qtbot, manager, layered, tmp_path):
    g, plat = layered
    panel = make_panel(qtbot, manager, g, plat, time_limit=0.5)
    with qtbot.waitSignals([manager.run_finished] * 2, timeout=60_000):
        panel.run(["heft", "best"])
    panel.select_algorithms(["best"])
    qtbot.wait(50)
    out = tmp_path / "results.png"
    assert panel.grab().save(str(out))
    img = QtGui.QImage(str(out))
    assert img.width() >= 900 and img.height() >= 650
    # both curves are drawn, in their colours, inside the plot
    plot = panel.search_plot.plot
    top_left = plot.mapTo(panel, QtCore.QPoint(0, 0))
    ratio = img.width() / panel.width()
    colours = set()
    for yy in range(top_left.y(), top_left.y() + plot.height()):  # every row: a one-pixel line may fall on any of them
        for xx in range(top_left.x(), top_left.x() + plot.width(), 2):
            c = img.pixelColor(int(xx * ratio), int(yy * ratio))
            colours.add((c.red(), c.green(), c.blue()))
    assert SearchPlot.BEST_COLOUR in colours and SearchPlot.BOUND_COLOUR in colours


# ---------------------------------------------------------------- time limit, run all
def test_time_limit_goes_to_anytime_algorithms_only(qtbot, manager, monkeypatch):
    g = TaskGraph("small")
    for t, c in zip("abcd", (3, 3, 2, 2)):
        g.add_task(t, c)
    panel = make_panel(qtbot, manager, g, Platform.homogeneous(2))
    assert panel.time_limit_spin.value() == 5.0 and panel.time_limit() == 5.0
    started = []
    real_start = manager.start

    def spy(name, graph, platform, params=None):
        started.append((name, params))
        return real_start(name, graph, platform, params)

    monkeypatch.setattr(manager, "start", spy)
    panel.time_limit_spin.setValue(0.7)
    with qtbot.waitSignals([manager.run_finished] * 3, timeout=30_000):
        panel.run(["heft", "improve"], params={"best": {"time_limit": 0.4, "max_iterations": 10}})
        panel.run(["best"], params={"best": {"time_limit": 0.4, "max_iterations": 10}})
    assert started == [("heft", None), ("improve", {"time_limit": 0.7}),
                       ("best", {"time_limit": 0.4, "max_iterations": 10})]
    assert panel.results()["improve"].makespan == 5.0
    assert panel.row("improve").params == {"time_limit": 0.7}


def test_run_all_runs_exact_solvers_on_small_graphs_and_says_why_it_leaves_them_out_on_big_ones(
        qtbot, manager, monkeypatch):
    from gui.algorithms import RUN_ALL_EXACT_TASKS, is_slow, unavailable_reason

    slow = [n for n in available() if is_slow(n)]
    assert slow, "the registry has an exact solver"
    panel = make_panel(qtbot, manager, TaskGraph("e"), Platform.homogeneous(2))
    asked = []
    monkeypatch.setattr(panel, "run", lambda names, params=None: asked.append(list(names)) or ["k"])
    panel.run_all()
    (names,) = asked
    assert "improve" in names and "best" in names and "heft" in names
    # a small graph: the exact solvers run too (those that can run here)
    assert [n for n in slow if not unavailable_reason(n)] == [n for n in names if is_slow(n)]
    # a big graph: left out, and the panel says so (decided by the registry's metadata)
    big = TaskGraph("big")
    for i in range(RUN_ALL_EXACT_TASKS + 1):
        big.add_task(f"t{i}", 1)
    panel.document.graph = big
    asked.clear()
    panel.run_all()
    (names,) = asked
    assert not any(is_slow(n) for n in names)
    text = panel.message_label.text()
    assert panel.message_label.isVisibleTo(panel)
    for n in slow:
        assert n in text
    assert "exponential" in text and f"{RUN_ALL_EXACT_TASKS} tasks" in text
    tip = panel.algorithm_list.findItems(slow[0], QtCore.Qt.MatchFlag.MatchExactly)[0].toolTip()
    assert f"Run all includes it on graphs of up to {RUN_ALL_EXACT_TASKS} tasks" in tip


# ---------------------------------------------------------------- cancel mid-search
@pytest.mark.parametrize(("name", "params", "in_cp_sat"), [
    ("improve", {"time_limit": 60}, False),
    ("best", {"time_limit": 60, "max_iterations": 30}, True),  # short local search, then CP-SAT
    ("optimal", {"time_limit": 60}, True),
])
@pytest.mark.serial  # the cancel's latency is timed against the wall clock
def test_cancel_mid_search(qtbot, manager, layered, name, params, in_cp_sat):
    if in_cp_sat:
        pytest.importorskip("ortools")
    g, plat = layered
    panel = make_panel(qtbot, manager, g, plat)
    (key,) = panel.run([name], params={name: params})
    row = panel.row(name)
    if in_cp_sat:
        qtbot.waitUntil(cp_sat_running, timeout=30_000)
    else:
        qtbot.waitUntil(lambda: len(row.history) >= 1, timeout=30_000)
    qtbot.wait(300)  # well inside the search
    assert row.status == "running"
    line = panel._progress[key]
    t0 = time.perf_counter()
    with qtbot.waitSignal(manager.run_cancelled, timeout=10_000):
        qtbot.mouseClick(line.cancel_button, LEFT)
    latency = time.perf_counter() - t0
    assert latency < 3.0
    # the best schedule found before the cancel is kept, marked cancelled and unproven
    assert row_text(panel, name)["status"] == "cancelled (best so far)"
    assert panel.results() == {}
    best = panel.row(name).schedule
    assert best is not None and best.meta["cancelled"] is True and best.meta["proven_optimal"] is False
    assert len(best.slots) == len(g)
    assert panel.message_label.text().startswith(f"{name} cancelled: kept the best schedule found so far")
    qtbot.waitUntil(lambda: not cp_sat_running(), timeout=3000)  # the solver thread is gone too


# ---------------------------------------------------------------- without OR-Tools
def test_optimal_without_ortools_shows_the_install_hint(qtbot, manager, monkeypatch, layered):
    from model.algorithms import optimal

    monkeypatch.setattr(optimal, "have_ortools", lambda: False)
    g = TaskGraph("small")
    for t, c in zip("abcd", (3, 3, 2, 2)):
        g.add_task(t, c)
    panel = make_panel(qtbot, manager, g, Platform.homogeneous(2), time_limit=0.5)
    item = panel.algorithm_list.findItems("optimal", QtCore.Qt.MatchFlag.MatchExactly)[0]
    # what the registry says is missing (Algorithm.unavailable_reason)
    assert ALGORITHMS["optimal"].unavailable_reason() == optimal.INSTALL_HINT
    assert f"Not available here: {optimal.INSTALL_HINT}" in item.toolTip()
    with qtbot.waitSignals([manager.run_failed, manager.run_finished], timeout=30_000):
        panel.run(["optimal", "best"])
    row = row_text(panel, "optimal")
    assert row["status"] == "failed" and row["makespan"] == "—"
    i = [r[COL["algorithm"]] for r in panel.displayed()].index("optimal")
    assert panel.proxy.index(i, COL["status"]).data(TIP) == optimal.INSTALL_HINT
    assert "pip install" in optimal.INSTALL_HINT
    assert panel.message_label.text() == f"optimal failed: {optimal.INSTALL_HINT}"
    # best still works, without the solver
    s = panel.results()["best"]
    assert s.makespan == 5.0 and set(panel.results()) == {"best"}


# ---------------------------------------------------------------- the gap column
def sched(name, span, **meta):
    return Schedule(name, ["P1"], [Slot("t", "P1", 0.0, float(span))], meta=dict(meta))


def done_row(name, span, analytic, generation=0, **meta):
    return RunRow(name, f"{name}#1", "done", schedule=sched(name, span, **meta), generation=generation,
                  anytime=name in ("improve", "best", "optimal"),
                  metrics={"makespan": float(span), "lower_bound": float(analytic), "gap": span / analytic - 1})


def gap_cells(model):
    c = COL["gap"]
    return {r.algorithm: (model.index(i, c).data(), model.index(i, c).data(TIP)) for i, r in enumerate(model.rows)}


def test_gap_uses_the_best_bound_known_for_the_graph():
    model = ResultsModel()
    rows = [
        done_row("heft", 120, 90),
        done_row("best", 110, 90, lower_bound=100.0, gap=0.1, proven_optimal=False),
        done_row("improve", 115, 90, lower_bound=90.0, gap=115 / 90 - 1),
        done_row("mct", 130, 80, generation=1),  # another graph: its own bound only
    ]
    for r in rows:
        model.upsert(r)
    assign_bounds(model.rows)
    cells = gap_cells(model)
    assert cells["best"][0] == _fmt("gap", 0.1) == "10.0 %"  # its own proven gap
    assert cells["heft"][0] == "20.0 %"  # 120 / 100 - 1: best's proven bound beats the analytic 90
    assert cells["improve"][0] == "15.0 %"
    assert cells["mct"][0] == "62.5 %"  # 130 / 80 - 1
    by = {r.algorithm: r for r in model.rows}
    assert (by["heft"].bound, by["heft"].bound_kind, by["heft"].bound_by) == (100.0, "proven", "best")
    assert (by["mct"].bound, by["mct"].bound_kind) == (80.0, "analytic")
    assert "Proven bound" in cells["heft"][1] and "best run" in cells["heft"][1] and "100" in cells["heft"][1]
    assert "Analytic bound" in cells["mct"][1]
    assert "own bound: 100 (gap 10.0 %)" in cells["best"][1] and "time limit" in cells["best"][1]
    assert "own bound: 90" in cells["improve"][1]
    header = model.headerData(COL["gap"], QtCore.Qt.Orientation.Horizontal, TIP)
    assert "analytic" in header and "proven" in header


def test_gap_says_optimal_when_proven():
    model = ResultsModel()
    for r in (done_row("optimal", 100, 90, lower_bound=100.0, gap=0.0, proven_optimal=True),
              done_row("heft", 100, 90), done_row("etf", 104, 90), done_row("met", 90, 90, generation=2)):
        model.upsert(r)
    assign_bounds(model.rows)
    cells = gap_cells(model)
    assert cells["optimal"][0] == "optimal" and cells["heft"][0] == "optimal"
    assert cells["etf"][0] == "4.0 %"
    assert cells["met"][0] == "optimal"  # equals its analytic bound: optimal too
    assert "proved the optimum" in cells["heft"][1]
    assert "This run proved its schedule optimal" in cells["optimal"][1]
    # sorting keeps "optimal" first (0 %)
    i = [r.algorithm for r in model.rows].index("optimal")
    assert model.index(i, COL["gap"]).data(QtCore.Qt.ItemDataRole.UserRole) == 0.0


def test_gap_column_matches_the_meta_of_a_real_run(qtbot, manager, layered):
    g, plat = layered
    panel = make_panel(qtbot, manager, g, plat, time_limit=0.5)
    with qtbot.waitSignals([manager.run_finished] * 3, timeout=60_000):
        panel.run(["heft", "improve", "best"])
    res = panel.results()
    lbs = {n: res[n].meta["lower_bound"] for n in ("improve", "best")}
    bound = max(lbs.values())
    for n in ("improve", "best"):
        m = res[n].meta
        cell = row_text(panel, n)["gap"]
        if m.get("proven_optimal"):
            assert cell == "optimal"
        elif m["lower_bound"] == bound:
            assert cell == _fmt("gap", m["gap"])  # the run's own proven gap
        assert panel.row(n).bound == bound
    # heft is measured against the same bound
    assert row_text(panel, "heft")["gap"] == _fmt("gap", res["heft"].makespan / bound - 1)
    i = [r[COL["algorithm"]] for r in panel.displayed()].index("best")
    assert f"{bound:g}" in panel.proxy.index(i, COL["gap"]).data(TIP)
