"""Everything the window shows is right, and the first five minutes are smooth.

One test (or a few) per point of the issue; each failed on the code before its fix.
"""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import pytest
from PySide6 import QtCore, QtGui, QtTest, QtWidgets

from gui.algorithms import is_anytime, is_slow
from gui.gantt import PlaybackBar
from gui.results import COL
from model import generators
from model.algorithms import available
from model.graph import TaskGraph
from model.schedule import Schedule, Slot

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "assets" / "examples"
FORK_JOIN = EXAMPLES / "fork-join.taskgraph.json"
HEFT_PAPER = EXAMPLES / "heft-paper.taskgraph.json"
LEFT = QtCore.Qt.MouseButton.LeftButton


@pytest.fixture
def window(main_window):
    return main_window


def quick_heuristics() -> list[str]:
    return [n for n in available() if not is_anytime(n) and not is_slow(n)]


def run_and_wait(qtbot, w, names, timeout=60_000):
    with qtbot.waitSignals([w.manager.run_finished] * len(names), timeout=timeout):
        w.results.run(names)


def save_as_user_file(w, tmp_path, name="g.taskgraph.json"):
    """Give the open document a file of the user's (examples open as untitled copies)."""
    assert w.files.save_to(str(tmp_path / name))


# ------------------------------------------------------------------ 1. results belong to their graph
def test_opening_another_graph_clears_the_previous_graphs_results(qtbot, window):
    w = window
    assert w.open_path(str(FORK_JOIN))
    run_and_wait(qtbot, w, ["heft", "random"] if "random" in available() else ["heft"])
    assert w.results.displayed()
    assert w.open_path(str(HEFT_PAPER))
    # nothing of the fork-join graph is left to sort among the new results
    assert w.results.displayed() == []
    assert w.session.results == {} and w.session.primary is None
    run_and_wait(qtbot, w, ["heft"])
    assert [r[COL["algorithm"]] for r in w.results.displayed()] == ["heft"]
    assert w.results.displayed()[0][COL["makespan"]] == "80"
    w.files.new_document()
    assert w.results.displayed() == []


def test_a_stale_row_sorts_after_the_fresh_ones_and_shows_its_schedule_marked_stale(qtbot, window):
    w = window
    assert w.open_path(str(FORK_JOIN))
    run_and_wait(qtbot, w, ["heft", "lc"])
    w.document.set_cost(["F0"], 40)  # both stale
    with qtbot.waitSignal(w.manager.run_finished, timeout=30_000):
        w.results.run(["lc"])  # lc fresh again, heft stale
    table = w.results.table
    for order in (QtCore.Qt.SortOrder.AscendingOrder, QtCore.Qt.SortOrder.DescendingOrder):
        table.sortByColumn(COL["makespan"], order)
        rows = w.results.displayed()
        assert [r[COL["status"]] for r in rows] == ["done", "stale"]
    # clicking the stale row shows its schedule, marked stale in the chart's title
    stale = w.results.row("heft")
    w.results.select_algorithms(["heft"])
    assert w.session.primary is stale.schedule
    assert "stale" in w.gantt.chart_title()
    # drawn on the graph it was computed for, not the edited one
    assert w.session.graph is stale.graph


# ------------------------------------------------------------------ 2. the best result is shown
def test_the_chart_shows_the_best_result_and_follows_better_ones_until_the_user_picks_a_row(qtbot, window):
    w = window
    assert w.open_path(str(HEFT_PAPER))
    names = quick_heuristics()
    # a poor result finishes first
    run_and_wait(qtbot, w, ["lc"])
    assert w.session.primary.algorithm == "lc"
    rest = [n for n in names if n != "lc"]
    run_and_wait(qtbot, w, rest)
    best = min(w.results.results().values(), key=lambda s: s.makespan)
    assert w.session.primary.makespan == best.makespan
    chosen = [w.results.model.rows[w.results.proxy.mapToSource(i).row()].schedule
              for i in w.results.table.selectionModel().selectedRows()]
    assert chosen == [w.session.primary]
    # the user picks a worse row: later results leave it on the chart
    worst = max(w.results.results().values(), key=lambda s: s.makespan)
    w.results.select_algorithms([worst.algorithm])
    assert w.session.primary is worst
    others = [n for n in rest if n != worst.algorithm][:3]
    run_and_wait(qtbot, w, others)
    assert w.session.primary is worst


# ------------------------------------------------------------------ 4. cancelling keeps the best
def test_cancelling_a_search_keeps_the_best_schedule_found_marked_cancelled_and_unproven(qtbot, window):
    w = window
    g = generators.generate("layered", n=150, seed=5, ccr=1.0, workers=4)
    w.document.set_graph(g)
    w.results.set_time_limit(60)
    (key,) = w.results.run(["improve"])
    row = w.results.row("improve")
    qtbot.waitUntil(lambda: len(row.history) >= 2, timeout=30_000)
    with qtbot.waitSignal(w.manager.run_cancelled, timeout=20_000):
        w.manager.cancel(key)
    assert row.status == "cancelled" and row.schedule is not None
    sched = row.schedule
    assert sched.meta["cancelled"] is True and sched.meta["proven_optimal"] is False
    assert len(sched.slots) == len(g)
    sched.check(g, g.default_platform())
    assert sched.makespan == pytest.approx(min(p[1] for p in row.history))
    status = w.results.displayed()[0][COL["status"]]
    assert status == "cancelled (best so far)"
    assert "not proven" in w.results.message_label.text()
    # it is the best result of the graph: the chart shows it
    assert w.session.primary is sched


# ------------------------------------------------------------------ 6. staleness by content version
def test_undoing_back_to_the_graph_a_result_was_computed_for_makes_it_up_to_date_again(qtbot, window, tmp_path):
    w = window
    assert w.open_path(str(FORK_JOIN))
    run_and_wait(qtbot, w, ["heft"])
    sched = w.session.primary
    w.document.set_cost(["F0"], 40)
    w.document.set_worker_count(3)
    assert w.results.displayed()[0][COL["status"]] == "stale"
    assert "stale" in w.gantt.chart_title()
    w.document.undo_stack.undo()
    assert w.results.displayed()[0][COL["status"]] == "stale"  # still one edit away
    w.document.undo_stack.undo()
    assert w.results.displayed()[0][COL["status"]] == "done"
    assert w.results.results() == {"heft": sched} and w.session.results == {"heft": sched}
    assert "stale" not in w.gantt.chart_title()
    # a different edit after the undo is another content: stale again
    w.document.set_cost(["F0"], 41)
    assert w.results.displayed()[0][COL["status"]] == "stale"
    # moving a task changes no result
    w.document.undo_stack.undo()
    w.document.move({"F0": (500.0, 500.0)})
    assert w.results.displayed()[0][COL["status"]] == "done"


# ------------------------------------------------------------------ 7. speed-up and efficiency
def test_speedup_and_efficiency_say_what_they_are_measured_against(qtbot, window):
    w = window
    g = TaskGraph("unrelated")
    # each task is fast on its own worker only: the schedule beats the best single worker 3-fold and more
    for i, costs in enumerate(([1, 10, 10], [10, 1, 10], [10, 10, 1])):
        g.add_task(f"t{i}", costs=costs)
    w.document.set_graph(g)
    run_and_wait(qtbot, w, ["heft"])
    eff = w.results.row("heft").metrics["efficiency"]
    assert eff > 1.0  # 3 units of work in 1 against 12 on the best single worker
    model = w.results.proxy
    for col in ("speedup", "efficiency"):
        tip = model.headerData(COL[col], QtCore.Qt.Orientation.Horizontal, QtCore.Qt.ItemDataRole.ToolTipRole)
        assert "single fastest worker" in tip and "unrelated" in tip
    tip = model.headerData(COL["efficiency"], QtCore.Qt.Orientation.Horizontal, QtCore.Qt.ItemDataRole.ToolTipRole)
    assert "100 %" in tip
    cell = model.index(0, COL["efficiency"]).data(QtCore.Qt.ItemDataRole.ToolTipRole)
    assert "single fastest worker" in cell


# ------------------------------------------------------------------ 8. one makespan error
def test_the_window_shows_the_makespan_error_as_measured_over_predicted_minus_one(qtbot):
    from gui.runs.deviation import DeviationView

    view = DeviationView()
    qtbot.addWidget(view)
    plan = Schedule("heft", ["P1"], [Slot("a", "P1", 0, 80)])
    trace = Schedule("trace", ["P1"], [Slot("a", "P1", 0, 4.01)], meta={"time_scale": 0.01, "followed": "heft"})
    view.set_comparison(trace, plan, {"heft": plan}, 0.01)
    m = view.error_model
    col = [c.key for c in m.columns].index("error_pct")
    cell = m.index(0, col)
    assert cell.data() == "+401.2 %"  # 4.01 s against 0.8 s: not "−80 %"
    tip = m.headerData(col, QtCore.Qt.Orientation.Horizontal, QtCore.Qt.ItemDataRole.ToolTipRole)
    assert "measured ÷ predicted makespan − 1" in tip
    assert "+401.2 %" in view.summary.text() and "measured ÷ predicted − 1" in view.summary.text()


# ------------------------------------------------------------------ 9. real runs
def test_a_run_in_progress_does_not_show_the_previous_runs_summary(qtbot, window):
    w = window
    assert w.open_path(str(FORK_JOIN))
    ex = w.execution
    ex.time_scale_spin.setValue(0.001)
    ex.set_executor("threads")
    with qtbot.waitSignal(ex.trace_ready, timeout=60_000):
        assert ex.run()
    assert "Measured makespan" in ex.deviation.summary.text()
    qtbot.waitUntil(lambda: not ex.is_running(), timeout=10_000)  # its job ends just after the trace
    ex.time_scale_spin.setValue(0.02)
    assert ex.run()
    try:
        assert "Measured makespan" not in ex.deviation.summary.text()
        assert "Running" in ex.deviation.summary.text()
        assert ex.deviation.task_model.rowCount() == 0
    finally:
        with qtbot.waitSignal(ex.trace_ready, timeout=60_000):
            ex.cancel()


def test_after_a_cancelled_run_the_editor_shows_as_done_only_the_tasks_that_ran(qtbot, window):
    w = window
    g = TaskGraph("chain")
    for i in range(10):
        g.add_task(f"t{i}", 1)
        if i:
            g.add_edge(f"t{i - 1}", f"t{i}", 0)
    w.document.set_graph(g)
    run_and_wait(qtbot, w, ["heft"])
    ex = w.execution
    ex.set_executor("threads")
    ex.time_scale_spin.setValue(0.05)
    ex.set_policy("heft")
    ran = []
    ex.slots_recorded.connect(ran.extend)
    assert ex.run()
    qtbot.waitUntil(lambda: len(ran) >= 4, timeout=30_000)
    with qtbot.waitSignal(ex.trace_ready, timeout=30_000) as blocker:
        ex.cancel()
    trace = blocker.args[0]
    assert trace.meta.get("partial") and 4 <= len(trace.slots) < 10
    done = {t for t in g.tasks if w.editor._states.get(t) == "done"}
    assert done == {s.task for s in trace.slots}
    assert all(w.editor._states.get(t) == "waiting" for t in g.tasks if t not in done)


def test_reopening_the_apps_own_saved_trace_fits_the_open_graph(qtbot, window, tmp_path):
    w = window
    g = TaskGraph("data")
    g.add_task("a", 1)
    g.add_task("b", 1)
    g.add_task("c", 1)
    g.add_edge("a", "b", 50)  # heavy data: 50 cost units of transfer, 0.05 s at 0.001 s per unit
    g.add_edge("a", "c", 50)
    w.document.set_graph(g)
    w.document.set_worker_count(2)
    run_and_wait(qtbot, w, ["heft"])
    ex = w.execution
    ex.set_executor("threads")
    ex.time_scale_spin.setValue(0.001)
    with qtbot.waitSignal(ex.trace_ready, timeout=60_000):
        assert ex.run()
    path = tmp_path / "run.schedule.json"
    ex.save_trace(str(path))
    assert w.open_path(str(path))
    text = w.statusBar().currentMessage()
    assert "Opened trace schedule" in text and "does not fit" not in text


# ------------------------------------------------------------------ 11. tooltips stay
def test_the_bar_tooltip_stays_while_the_mouse_is_still(qtbot, window, heft_schedule, heft_graph):
    w = window
    w.document.set_graph(heft_graph.copy())
    w.session.show([heft_schedule], w.document.graph)
    qtbot.wait(50)
    gv = w.gantt
    rect = gv.bar_rect("n1")
    scene_pt = gv.view_box.mapViewToScene(rect.center())
    vp = gv.plot.viewport()
    local = gv.plot.mapFromScene(scene_pt)
    QtTest.QTest.mouseMove(vp, local)
    gv._on_scene_mouse_moved(scene_pt)
    qtbot.waitUntil(QtWidgets.QToolTip.isVisible, timeout=2000)
    assert "task n1" in QtWidgets.QToolTip.text()
    # the tooltip event that follows (the mouse rests) must not take it away
    ev = QtGui.QHelpEvent(QtCore.QEvent.Type.ToolTip, local, vp.mapToGlobal(local))
    QtWidgets.QApplication.sendEvent(vp, ev)
    qtbot.wait(1500)
    assert QtWidgets.QToolTip.isVisible() and "task n1" in QtWidgets.QToolTip.text()
    QtWidgets.QToolTip.hideText()


# ------------------------------------------------------------------ 12. transport
def test_go_to_start_and_a_click_on_the_slider_jumps_there(qtbot, window, heft_schedule, heft_graph):
    w = window
    w.document.set_graph(heft_graph.copy())
    w.session.show([heft_schedule], w.document.graph)
    bar = w.gantt.findChild(PlaybackBar)
    pb = w.playback
    assert pb.time == pb.end
    bar.back_button.click()
    assert 0 < pb.time < pb.end  # one event back
    bar.start_button.click()
    assert pb.time == pb.start
    s = bar.slider
    qtbot.waitUntil(lambda: s.width() > 100, timeout=2000)
    # a click at three quarters of the groove goes there, not one page further
    x = int(s.width() * 0.75)
    qtbot.mouseClick(s, LEFT, pos=QtCore.QPoint(x, s.height() // 2))
    frac = (pb.time - pb.start) / pb.duration
    assert 0.65 < frac < 0.85


# ------------------------------------------------------------------ 13. human numbers
def test_times_and_axes_read_as_people_read_them(qtbot, window):
    w = window
    sched = Schedule("m", ["P1"], [Slot("a", "P1", 0, 10990.0)])
    w.session.show([sched])
    bar = w.gantt.findChild(PlaybackBar)
    assert bar.time_label.text() == "t = 10,990 / 10,990"
    ticks = w.gantt.plot_item.getAxis("bottom").tickStrings([0.0, 5000.0, 10000.0], 1.0, 5000.0)
    assert ticks == ["0", "5,000", "10,000"]
    plot = w.results.search_plot.plot.getPlotItem()
    axis = plot.getAxis("bottom")
    axis.setRange(0.0, 0.004)  # a short search: pyqtgraph would write "time (s) (x0.001)"
    assert "x0.001" not in axis.labelString() and "(s)" in axis.labelString()
    assert axis.tickStrings([0.001, 0.002], 1.0, 0.001) == ["0.001", "0.002"]


# ------------------------------------------------------------------ 14. readable lanes
def test_transfer_lanes_of_eight_workers_keep_every_lane_readable(qtbot, window):
    w = window
    g = generators.generate("layered", n=120, seed=2, ccr=2.0, workers=8)
    w.document.set_graph(g)
    run_and_wait(qtbot, w, ["heft"])
    w.gantt.set_show_transfers(True)
    qtbot.wait(50)
    gv = w.gantt
    assert len(gv.lanes) > 20
    (y0, y1) = gv.view_box.viewRange()[1]
    px_per_lane = gv.view_box.height() / (y1 - y0)
    assert px_per_lane >= 18  # a lane label is a line of text
    font_h = QtGui.QFontMetrics(gv.plot_item.getAxis("left").style.get("tickFont") or gv.font()).height()
    assert px_per_lane >= font_h
    # the other lanes are reached by dragging up and down
    assert gv.view_box.state["mouseEnabled"][1]


# ------------------------------------------------------------------ 15. bring the task into view
def test_selecting_a_bar_brings_its_task_into_readable_view_in_a_big_graph(qtbot, window):
    w = window
    g = generators.generate("layered", n=3000, seed=4, workers=4)
    w.document.set_graph(g)
    w.editor.fit()
    qtbot.wait(20)
    assert w.editor.zoom_level() < 0.3  # the whole graph in view: tasks too small to read
    task = g.tasks[1500]
    w.gantt.task_clicked.emit(task)  # as a click on its bar does
    item = w.editor.task_item(task)
    assert item.isSelected()
    vp = w.editor.viewport().rect()
    shown = w.editor.mapFromScene(item.sceneBoundingRect()).boundingRect()
    assert vp.contains(shown)
    assert shown.height() >= 24  # tall enough to read its name


# ------------------------------------------------------------------ 16. progress rows
def test_many_progress_rows_scroll_at_a_readable_height(qtbot, window):
    w = window
    panel = w.results
    for k in range(20):
        panel._add_progress(f"fake#{k}", f"algorithm-{k}")
    qtbot.wait(50)
    rows = list(panel._progress.values())
    heights = {r.height() for r in rows}
    assert len(heights) == 1
    h = heights.pop()
    assert h >= rows[0].label.sizeHint().height() and h >= rows[0].cancel_button.sizeHint().height()
    ys = sorted(r.geometry().top() for r in rows)
    assert all(b - a >= h for a, b in itertools.pairwise(ys))  # no row overlaps the next
    assert all(r.cancel_button.width() >= r.cancel_button.sizeHint().width() for r in rows)
    # the scroll area shows a few and scrolls to the rest
    assert panel.progress_scroll.verticalScrollBar().maximum() > 0
    for key in list(panel._progress):
        panel._remove_progress(key)


# ------------------------------------------------------------------ 17. the algorithm column
def test_the_algorithm_names_stay_in_view_when_the_table_scrolls_sideways(qtbot, window):
    w = window
    assert w.open_path(str(FORK_JOIN))
    run_and_wait(qtbot, w, ["heft", "lc"])
    table = w.results.table
    table.horizontalScrollBar().setValue(table.horizontalScrollBar().maximum())
    qtbot.wait(20)
    y = table.horizontalHeader().height() + table.rowHeight(0) // 2 + table.frameWidth()
    pt = QtCore.QPoint(table.frameWidth() + 8, y)  # near the table's left edge
    # what is drawn there is the topmost visible child of the table at that point
    covering = [c for c in table.findChildren(QtWidgets.QTableView)
                if c.parent() is table and c.isVisible() and c.geometry().contains(pt)]
    assert covering, "nothing keeps the algorithm column in view"
    view = covering[-1]
    idx = view.indexAt(view.viewport().mapFrom(table, pt))
    assert idx.column() == COL["algorithm"] and idx.data() in ("heft", "lc")
    # and the table itself has scrolled: without the frozen column the name would be gone
    assert table.columnViewportPosition(COL["algorithm"]) < 0 or table.horizontalScrollBar().maximum() == 0
    # compact headers explain themselves
    for c in range(w.results.proxy.columnCount()):
        tip = w.results.proxy.headerData(c, QtCore.Qt.Orientation.Horizontal, QtCore.Qt.ItemDataRole.ToolTipRole)
        assert tip


# ------------------------------------------------------------------ 18. window sizes
def _inside(widget: QtWidgets.QWidget, outer: QtWidgets.QWidget) -> bool:
    r = QtCore.QRect(widget.mapTo(outer, QtCore.QPoint(0, 0)), widget.size())
    return outer.rect().contains(r)


def test_at_1024_by_700_nothing_is_cut_and_at_1920_the_right_panel_grows(qtbot, window):
    w = window
    assert w.open_path(str(HEFT_PAPER))
    w.resize(1024, 700)
    qtbot.wait(100)
    assert w.width() <= 1024 and w.height() <= 700  # the window fits the screen at all
    gv = w.gantt
    for box in (gv.critical_box, gv.deps_box, gv.transfers_box):
        assert box.width() >= box.sizeHint().width(), box.text()
        assert _inside(box, gv), box.text()
    w.show_run_panel()
    qtbot.wait(50)
    ex = w.execution
    for b in (ex.run_button, ex.cancel_button, ex.compare_button, ex.save_button):
        assert b.width() >= b.sizeHint().width() and _inside(b, w.run_dock), b.text()
    narrow = w.run_dock.width()  # the right-hand dock in front
    w.resize(1920, 1080)
    qtbot.wait(100)
    assert w.run_dock.width() >= 1.4 * narrow and w.run_dock.width() >= 550


def test_the_editor_refits_the_graph_as_the_window_is_resized(qtbot, window):
    w = window
    assert w.open_path(str(HEFT_PAPER))
    w.resize(1600, 1000)
    qtbot.wait(50)
    w.editor.fit()
    big = w.editor.zoom_level()
    w.resize(1024, 700)
    qtbot.wait(100)
    r = w.editor.mapFromScene(w.editor.scene().itemsBoundingRect()).boundingRect()
    assert w.editor.viewport().rect().contains(r)
    assert w.editor.zoom_level() < big


# ------------------------------------------------------------------ 19. toolbar and help
def test_undo_and_redo_keep_their_texts_and_say_the_action_in_their_tooltips(qtbot, window):
    w = window
    assert w.open_path(str(HEFT_PAPER))
    undo, redo = w.menus.undo, w.menus.redo
    w.document.set_cost(["n1"], 99)
    assert undo.iconText() == "Undo" and undo.text().replace("&", "") == "Undo"
    assert "set" in undo.toolTip().lower() or "cost" in undo.toolTip().lower()
    w.document.undo_stack.undo()
    assert redo.iconText() == "Redo" and redo.text().replace("&", "") == "Redo" and redo.isEnabled()
    assert redo.toolTip().startswith("Redo ")
    assert not undo.isEnabled()


def test_help_has_a_guide_and_every_shortcut_of_the_window(qtbot, window):
    from gui.guide import shortcut_list

    w = window
    listed = shortcut_list(w)
    keys = {k for k, _ in listed}
    menus = [a for m in w.menuBar().findChildren(QtWidgets.QMenu) for a in m.actions()]
    for a in menus:
        for seq in a.shortcuts():
            k = seq.toString(QtGui.QKeySequence.SequenceFormat.NativeText)
            if k:
                assert any(k in ks for ks in keys), (a.text(), k)
    assert any("Run all" in t for _, t in listed) and any("Paste" in t for _, t in listed)
    help_menu = next(m for m in w.menuBar().findChildren(QtWidgets.QMenu) if m.title() == "&Help")
    texts = [a.text() for a in help_menu.actions()]
    assert any("guide" in t.lower() for t in texts)
    dlg = w.show_guide()
    html = dlg.findChild(QtWidgets.QTextBrowser, "guide_text").toPlainText()
    assert "Run all" in html and "Ctrl+R" in html


# ------------------------------------------------------------------ 20. files
def test_save_dialogs_start_outside_the_examples_with_a_suggested_name(qtbot, window, monkeypatch, tmp_path):
    w = window
    asked = []
    monkeypatch.setattr(QtWidgets.QFileDialog, "getSaveFileName",
                        staticmethod(lambda parent, title, start, filt: (asked.append(start), ("", ""))[1]))
    assert w.open_path(str(HEFT_PAPER))
    run_and_wait(qtbot, w, ["heft"])
    w.files.save_as()
    w.files.save_schedule_dialog()
    w.files.export_chart_dialog()
    assert len(asked) == 3
    for start in asked:
        assert not Path(start).resolve().is_relative_to(EXAMPLES.resolve())
        assert Path(start).name  # a suggested file name, not just a folder
    assert Path(asked[0]).name == "heft-paper.taskgraph.json"
    assert Path(asked[1]).name == "heft-paper-heft.schedule.json"
    assert Path(asked[2]).name == "heft-paper-heft.png"
    # after saving somewhere, the next dialog starts there
    assert w.files.save_to(str(tmp_path / "mine.taskgraph.json"))
    asked.clear()
    w.files.save_schedule_dialog()
    assert Path(asked[0]).parent == tmp_path


def test_examples_open_as_untitled_copies_and_save_never_overwrites_them(qtbot, window, monkeypatch):
    w = window
    before = HEFT_PAPER.read_bytes()
    assert w.open_path(str(HEFT_PAPER))
    assert w.document.path is None
    assert "untitled copy" in w.windowTitle()
    w.document.set_cost(["n1"], 1)
    asked = []
    monkeypatch.setattr(QtWidgets.QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a: (asked.append(a), ("", ""))[1]))
    assert w.files.save() is False  # asks where, and the user cancelled
    assert asked and HEFT_PAPER.read_bytes() == before


def test_paste_lands_beside_the_original_at_any_zoom(qtbot, window):
    w = window
    assert w.open_path(str(HEFT_PAPER))
    ed = w.editor
    ed.setTransform(QtGui.QTransform.fromScale(0.1, 0.1))
    w.document.select(["n1"])
    assert ed.copy_selection()
    (new,) = ed.paste()
    a, b = w.document.position("n1"), w.document.position(new)
    on_screen = math.hypot(b[0] - a[0], b[1] - a[1]) * ed.zoom_level()
    assert on_screen >= 20  # pixels: clearly beside it, not on top


# ------------------------------------------------------------------ 21. big files open in the background
def test_a_big_file_is_read_in_the_background_and_the_open_graph_stays_until_it_is_read(qtbot, window, tmp_path):
    from model.formats import save_graph

    w = window
    big = generators.generate("layered", n=10_000, seed=1, workers=4)
    for t in big.tasks:  # no positions: the layout is part of the work done off the GUI thread
        big.nx.nodes[t].pop("x", None)
        big.nx.nodes[t].pop("y", None)
    path = tmp_path / "big.taskgraph.json"
    save_graph(big, path)
    assert w.open_path(str(FORK_JOIN))
    before = w.document.graph
    assert w.open_path(str(path))
    assert w.files.loading is not None
    assert w.document.graph is before  # untouched while the file is read
    assert w.statusBar().currentMessage().startswith("Opening big.taskgraph.json")
    qtbot.waitUntil(lambda: w.files.loading is None, timeout=120_000)
    assert len(w.document.graph) == 10_000
    assert w.document.position(big.tasks[0]) is not None
    assert "Opened big.taskgraph.json: 10,000 tasks" in w.statusBar().currentMessage()


def test_a_file_that_cannot_be_read_in_the_background_leaves_the_open_graph(qtbot, window, tmp_path):
    w = window
    assert w.open_path(str(FORK_JOIN))
    before = w.document.graph
    bad = tmp_path / "bad.taskgraph.json"
    bad.write_text('{"format": "taskmapper-graph", "tasks": [{"id": "a", "cost": -1}]}')
    assert w.open_path(str(bad), background=True)
    qtbot.waitUntil(lambda: w.files.loading is None, timeout=30_000)
    assert w.document.graph is before
    assert "bad.taskgraph.json" in w.statusBar().currentMessage()


def test_the_window_opens_no_larger_than_the_screen(qtbot, window):
    from gui.app import fit_to_screen

    w = window
    w.resize(1280, 800)
    free = w.screen().availableGeometry()  # offscreen: 800 × 800
    assert free.width() < 1280
    fit_to_screen(w)
    assert w.width() <= max(free.width(), w.minimumSizeHint().width()) < 1280
    assert w.height() <= max(free.height(), w.minimumSizeHint().height())


def test_the_search_title_calls_optimal_only_a_makespan_at_its_bound(qtbot):
    import numpy as np

    from gui.results.search_plot import SearchPlot
    from gui.results.table import RunRow

    # a 10,000-task search: a gap of 1 in 100,286 is small, not closed
    sched = Schedule("best", ["P1"], [Slot("a", "P1", 0, 100286.0)], meta={"lower_bound": 100285.0})
    row = RunRow("best", status="done", schedule=sched)
    title = SearchPlot._title(row, np.array([100286.0]), np.array([100285.0]))
    assert "optimal" not in title and "gap 0.001 %" in title and "best 100,286" in title
    sched.meta["lower_bound"] = 100286.0
    assert SearchPlot._title(row, np.array([100286.0]), np.array([100286.0])).endswith("optimal")
