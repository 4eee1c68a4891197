"""The results panel: run algorithms from the checklist, compare, cancel, errors, stale results."""

import math
import random

import pytest
from PySide6 import QtCore, QtGui

from gui.algorithm_runs import RunManager
from gui.results import ResultsPanel
from gui.results.table import COL, COLUMNS, SORT_ROLE, ResultsModel, RunRow
from gui.results.table import format_cell as _fmt
from model.algorithms import ALGORITHMS, available, get_algorithm
from model.graph import Platform, TaskGraph
from model.metrics import schedule_metrics
from model.schedule import Schedule, Slot

LEFT = QtCore.Qt.MouseButton.LeftButton


def layered_graph(n, seed=1, window=50):
    r = random.Random(seed)
    g = TaskGraph(f"random-{n}")
    for i in range(n):
        g.add_task(f"t{i}", r.randint(1, 10))
    for i in range(1, n):
        for j in {r.randrange(max(0, i - window), i) for _ in range(2)}:
            g.add_edge(f"t{j}", f"t{i}", r.randint(0, 5))
    return g


class StandInDocument(QtCore.QObject):
    """Just the part of gui.document.Document the panel uses."""

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


def make_panel(qtbot, manager, graph, platform):
    doc = StandInDocument(graph, platform)
    panel = ResultsPanel(doc, manager)
    qtbot.addWidget(panel)
    panel.resize(900, 500)
    panel.show()
    return doc, panel


def second_algorithm():
    for name in ("etf", "mct", "met", "round-robin", "hlfet"):
        if name in available():
            return name
    pytest.skip("only one algorithm registered")


def column(panel, cid):
    return [row[COL[cid]] for row in panel.displayed()]


def test_checklist_is_built_from_the_registry(qtbot, manager):
    _, panel = make_panel(qtbot, manager, layered_graph(5), Platform.homogeneous(2))
    lst = panel.algorithm_list
    names = [lst.item(i).text() for i in range(lst.count())]
    assert names == available()
    for i, name in enumerate(names):
        assert lst.item(i).toolTip().startswith(ALGORITHMS[name].description)
    assert panel.checked_algorithms() == ["heft"]
    panel.set_checked(["heft", names[0]])
    assert set(panel.checked_algorithms()) == {"heft", names[0]}


def test_run_two_algorithms_and_compare(qtbot, manager):
    g, plat = layered_graph(80, seed=7), Platform.homogeneous(3, bandwidth=2.0)
    other = second_algorithm()
    _, panel = make_panel(qtbot, manager, g, plat)
    panel.set_checked(["heft", other])
    with qtbot.waitSignals([manager.run_finished, manager.run_finished], timeout=30_000):
        qtbot.mouseClick(panel.run_selected_button, LEFT)
    qtbot.waitUntil(lambda: set(panel.results()) == {"heft", other}, timeout=5000)
    want = {n: get_algorithm(n).schedule(g, plat) for n in ("heft", other)}
    got = panel.results()
    for n in want:
        assert got[n].makespan == pytest.approx(want[n].makespan)
        got[n].check(g, plat)
    rows = panel.displayed()
    assert len(rows) == 2
    by_name = {r[COL["algorithm"]]: r for r in rows}
    for n, s in want.items():
        assert by_name[n][COL["makespan"]] == f"{s.makespan:.6g}"
        assert by_name[n][COL["status"]] == "done"
        assert by_name[n][COL["runtime"]].endswith(("ms", " s"))
        m = schedule_metrics(s, g, plat)
        for cid, v in (("speedup", m.speedup), ("efficiency", m.efficiency),
                       ("utilisation", m.mean_utilisation), ("comm_volume", m.comm_volume),
                       ("slr", m.slr), ("gap", m.gap)):
            assert by_name[n][COL[cid]] == _fmt(cid, v), cid
    # sorted by makespan (ascending) by default
    spans = [want[r[COL["algorithm"]]].makespan for r in rows]
    assert spans == sorted(spans)
    # progress lines are gone once the runs end
    qtbot.waitUntil(lambda: panel._progress == {}, timeout=2000)
    assert not panel.cancel_all_button.isEnabled()


def test_metric_columns_on_a_known_schedule(qtbot, manager):
    # a and b (cost 2) side by side, then c (cost 1) on P1 after a: b's 1 unit of data
    # arrives at 3 (on P2, a's 2 units would arrive at 4); makespan 4
    g = TaskGraph("known")
    g.add_task("a", 2)
    g.add_task("b", 2)
    g.add_task("c", 1)
    g.add_edge("a", "c", 2)
    g.add_edge("b", "c", 1)
    _, panel = make_panel(qtbot, manager, g, Platform.homogeneous(2, bandwidth=1.0))
    with qtbot.waitSignal(manager.run_finished, timeout=10_000):
        panel.run(["heft"])
    s = panel.results()["heft"]
    assert s.makespan == 4.0 and s.mapping()["c"] == s.mapping()["a"]
    (row,) = panel.displayed()
    assert row[COL["makespan"]] == "4"
    assert row[COL["speedup"]] == "1.25"  # 5 units of work on one worker / 4
    assert row[COL["efficiency"]] == "62.5 %"
    assert row[COL["utilisation"]] == "62.5 %"  # (3 + 2) / (2 × 4)
    assert row[COL["comm_volume"]] == "1"
    assert row[COL["slr"]] == "1.333"  # critical path a -> c of minimum times: 3
    assert row[COL["gap"]] == "33.3 %"  # lower bound 3 (the critical path)
    assert row[COL["status"]] == "done"


def test_choosing_rows_emits_schedules(qtbot, manager):
    g, plat = layered_graph(30, seed=2), Platform.homogeneous(2)
    other = second_algorithm()
    _, panel = make_panel(qtbot, manager, g, plat)
    with qtbot.waitSignals([manager.run_finished, manager.run_finished], timeout=30_000):
        panel.run(["heft", other])
    qtbot.waitUntil(lambda: len(panel.results()) == 2, timeout=5000)
    res = panel.results()
    # click the first row of the table
    view = panel.table
    rect = view.visualRect(panel.proxy.index(0, COL["makespan"]))
    first = panel.displayed()[0][COL["algorithm"]]
    with qtbot.waitSignal(panel.schedule_chosen, timeout=2000) as one:
        qtbot.mouseClick(view.viewport(), LEFT, pos=rect.center())
    assert one.args[0] is res[first]
    with qtbot.waitSignal(panel.comparison_chosen, timeout=2000) as two:
        panel.select_algorithms(["heft", other])
    assert {s.algorithm for s in two.args[0]} == {"heft", other}
    assert len(two.args[0]) == 2


def test_cancel_a_long_run_from_its_progress_line(qtbot, manager):
    _, panel = make_panel(qtbot, manager, layered_graph(20_000), Platform.homogeneous(4))
    with qtbot.waitSignal(manager.run_progress, timeout=30_000, check_params_cb=lambda k, d, t: d > 0):
        (key,) = panel.run(["heft"])
    line = panel._progress[key]
    assert line.bar.maximum() == 20_000
    assert 0 < line.bar.value() < 20_000
    assert panel.cancel_all_button.isEnabled()
    assert column(panel, "status") == ["running"]
    with qtbot.waitSignal(manager.run_cancelled, timeout=10_000):
        qtbot.mouseClick(line.cancel_button, LEFT)
    assert column(panel, "status") == ["cancelled"]
    assert panel.results() == {}
    assert panel.message_label.text() == "heft cancelled"
    assert key not in panel._progress


def test_cancel_all_button(qtbot, manager):
    _, panel = make_panel(qtbot, manager, layered_graph(20_000, seed=4), Platform.homogeneous(4))
    other = second_algorithm()
    ended = {}
    manager.run_cancelled.connect(lambda k: ended.setdefault(k, "cancelled"))
    manager.run_finished.connect(lambda k, s: ended.setdefault(k, "done"))
    with qtbot.waitSignal(manager.run_progress, timeout=30_000, check_params_cb=lambda k, d, t: d > 0):
        keys = panel.run(["heft", other])
    # on a loaded machine the faster run may end before the click: only runs still going
    # when it happens must be cancelled
    going = {k for k in keys if manager.worker(k) is not None and manager.worker(k).state in ("pending", "running")}
    qtbot.mouseClick(panel.cancel_all_button, LEFT)
    assert going, "both runs ended before the click"
    qtbot.waitUntil(lambda: len(ended) == 2, timeout=20_000)
    assert {k for k, v in ended.items() if v == "cancelled"} == going
    want = ["cancelled" if panel.row(n).key in going else "done" for n in ("heft", other)]
    assert sorted(column(panel, "status")) == sorted(want)
    assert not panel.cancel_all_button.isEnabled()


def test_failing_run_shows_the_error_in_the_panel(qtbot, manager):
    g = TaskGraph("unrelated")
    g.add_task("a", costs=[1, 2, 3])
    g.add_task("b", costs=[2, 2, 2])
    g.add_edge("a", "b", 1)
    _, panel = make_panel(qtbot, manager, g, Platform.homogeneous(2))
    with qtbot.waitSignal(manager.run_failed, timeout=10_000):
        panel.run(["heft"])
    msg = "task 'a' has 3 costs but the platform has 2 workers"
    assert column(panel, "status") == ["failed"]
    assert panel.message_label.isVisible()
    assert panel.message_label.text() == f"heft failed: {msg}"
    idx = panel.proxy.index(0, COL["status"])
    assert idx.data(QtCore.Qt.ItemDataRole.ToolTipRole) == msg
    assert panel.results() == {}
    assert column(panel, "makespan") == ["—"]


def test_editing_marks_results_stale_and_a_rerun_replaces_them(qtbot, manager):
    g, plat = layered_graph(40, seed=9), Platform.homogeneous(2)
    doc, panel = make_panel(qtbot, manager, g, plat)
    with qtbot.waitSignal(manager.run_finished, timeout=20_000):
        panel.run(["heft"])
    qtbot.waitUntil(lambda: "heft" in panel.results(), timeout=5000)
    old = panel.results()["heft"]

    doc.graph.add_task("extra", 100)
    doc.graph_changed.emit()
    assert column(panel, "status") == ["stale"]
    assert panel.results() == {}
    brush = panel.proxy.index(0, COL["makespan"]).data(QtCore.Qt.ItemDataRole.ForegroundRole)
    assert isinstance(brush, QtGui.QBrush) and brush.color().red() == brush.color().green() == 150
    # a stale row still shows its schedule when chosen (the chart marks it stale)
    chosen = []
    panel.schedule_chosen.connect(chosen.append)
    panel.select_algorithms(["heft"])
    assert chosen == [old]

    with qtbot.waitSignal(manager.run_finished, timeout=20_000):
        panel.run(["heft"])
    qtbot.waitUntil(lambda: "heft" in panel.results(), timeout=5000)
    assert len(panel.displayed()) == 1
    assert column(panel, "status") == ["done"]
    new = panel.results()["heft"]
    assert new is not old and "extra" in new.slot_of() and "extra" not in old.slot_of()
    assert new.makespan >= 100

    doc.platform_changed.emit()
    assert column(panel, "status") == ["stale"]


def test_rerun_while_running_replaces_the_run(qtbot, manager):
    _, panel = make_panel(qtbot, manager, layered_graph(20_000, seed=6), Platform.homogeneous(4))
    with qtbot.waitSignal(manager.run_started, timeout=5000):
        (k1,) = panel.run(["heft"])
    with qtbot.waitSignals([manager.run_cancelled, manager.run_finished], timeout=60_000):
        (k2,) = panel.run(["heft"])
    assert k1 != k2
    assert len(panel.displayed()) == 1
    assert column(panel, "status") == ["done"]
    assert panel.row("heft").key == k2


def test_sorting_by_makespan_is_numeric():
    model = ResultsModel()
    proxy = QtCore.QSortFilterProxyModel()
    proxy.setSourceModel(model)
    proxy.setSortRole(SORT_ROLE)
    for name, span in (("a", 9.0), ("b", 100.0), ("c", 10.0)):
        s = Schedule(name, ["P1"], [Slot("t", "P1", 0, span)])
        model.upsert(RunRow(name, f"{name}#1", "done", schedule=s, metrics={"makespan": s.makespan}))
    model.upsert(RunRow("d", "d#1", "running"))
    proxy.sort(COL["makespan"], QtCore.Qt.SortOrder.AscendingOrder)
    shown = [proxy.index(r, COL["makespan"]).data() for r in range(4)]
    assert shown == ["9", "10", "100", "—"]  # text order would put "10" and "100" before "9"
    proxy.sort(COL["makespan"], QtCore.Qt.SortOrder.DescendingOrder)
    assert [proxy.index(r, COL["algorithm"]).data() for r in range(4)] == ["d", "b", "c", "a"]
    assert proxy.index(0, COL["makespan"]).data(SORT_ROLE) == math.inf
    # replacing a row keeps one row per algorithm
    model.upsert(RunRow("a", "a#2", "failed", message="boom"))
    assert model.rowCount() == 4 and model.rows[0].key == "a#2"
    assert [c[1] for c in COLUMNS][:2] == ["Algorithm", "Makespan"]


def test_sorting_the_view_by_clicking_the_header(qtbot, manager):
    _, panel = make_panel(qtbot, manager, layered_graph(5), Platform.homogeneous(2))
    for name, span in (("x", 9.0), ("y", 100.0), ("z", 10.0)):
        s = Schedule(name, ["P1"], [Slot("t", "P1", 0, span)])
        panel.model.upsert(RunRow(name, f"{name}#1", "done", schedule=s, metrics={"makespan": span}))
    header = panel.table.horizontalHeader()
    assert column(panel, "makespan") == ["9", "10", "100"]
    x = header.sectionViewportPosition(COL["makespan"]) + 5
    qtbot.mouseClick(header.viewport(), LEFT, pos=QtCore.QPoint(x, header.height() // 2))
    assert column(panel, "makespan") == ["100", "10", "9"]


def test_with_the_real_document(qtbot, manager):
    document = pytest.importorskip("gui.document")
    g = layered_graph(20, seed=11)
    doc = document.Document()
    doc.set_graph(g)
    panel = ResultsPanel(doc, manager)
    qtbot.addWidget(panel)
    with qtbot.waitSignal(manager.run_finished, timeout=20_000):
        panel.run(["heft"])
    qtbot.waitUntil(lambda: "heft" in panel.results(), timeout=5000)
    want = get_algorithm("heft").schedule(g, doc.platform)
    assert panel.results()["heft"].makespan == want.makespan
    doc.set_cost(["t0"], 50)
    assert column(panel, "status") == ["stale"]
