"""Mapping by hand in the window: drag bars, refusals, undo, the property panel, pins, menus, files.

Every expected makespan is :func:`model.mapping.evaluate` of the mapping the move should
give (worker per task, order per worker), computed here from HEFT's schedule of the
HEFT paper graph (makespan 80):

    P1: n2 27-45, n8 57-68     P2: n4 18-26, n6 26-42, n9 56-68?, n10 73-80
    P3: n1 0-9, n3 9-28, n5 28-38, n7 38-49
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6 import QtCore, QtGui, QtWidgets
from PySide6.QtTest import QTest

from model.formats import load_graph, load_schedule, save_schedule
from model.hand import drop_position, position_in_time
from model.mapping import Mapping, evaluate, fit_problems
from model.schedule import Schedule, Slot

HEFT_EXAMPLE = Path(__file__).resolve().parents[2] / "assets" / "examples" / "heft-paper.taskgraph.json"


@pytest.fixture
def window(qtbot, main_window, monkeypatch):
    w = main_window
    # a test may open another graph over its moves: no unsaved-changes question then either
    monkeypatch.setattr(w, "maybe_save", lambda: True)
    qtbot.waitExposed(w)
    assert w.open_path(str(HEFT_EXAMPLE))
    with qtbot.waitSignal(w.manager.run_finished, timeout=30_000):
        w.results.run(["heft"])
    assert w.session.primary is not None and w.session.primary.makespan == 80
    w.gantt.glide.duration_ms = 0  # bars jump to their places (the glide has its own test)
    yield w
    w.results.wait_hand_jobs(5000)


def heft(w) -> Schedule:
    return w.results.results()["heft"]


def expected(w, mapping: Mapping) -> Schedule:
    return evaluate(w.document.graph, w.document.platform, mapping)


def order(s: Schedule) -> dict[str, list[str]]:
    return {w: list(ts) for w, ts in Mapping.from_schedule(s).order.items()}


def viewport_point(view, x: float, y: float) -> QtCore.QPoint:
    return view.plot.mapFromScene(view.view_box.mapViewToScene(QtCore.QPointF(x, y)))


def data_point(view, p: QtCore.QPoint) -> QtCore.QPointF:
    return view.view_box.mapSceneToView(view.plot.mapToScene(p))


def mouse_drag(qtbot, view, start: QtCore.QPoint, end: QtCore.QPoint, steps: int = 8) -> None:
    vp = view.plot.viewport()
    QTest.mousePress(vp, QtCore.Qt.MouseButton.LeftButton, QtCore.Qt.KeyboardModifier.NoModifier, start)
    for k in range(1, steps + 1):
        p = start + (end - start) * (k / steps)
        ev = QtGui.QMouseEvent(QtCore.QEvent.Type.MouseMove, QtCore.QPointF(p), QtCore.QPointF(vp.mapToGlobal(p)),
                               QtCore.Qt.MouseButton.NoButton, QtCore.Qt.MouseButton.LeftButton,
                               QtCore.Qt.KeyboardModifier.NoModifier)
        QtWidgets.QApplication.sendEvent(vp, ev)
    QTest.mouseRelease(vp, QtCore.Qt.MouseButton.LeftButton, QtCore.Qt.KeyboardModifier.NoModifier, end)


# ---------------------------------------------------------------------------- drag and drop
def test_dragging_a_bar_to_another_lane_with_the_mouse_retimes_the_schedule(qtbot, window):
    w = window
    view = w.gantt
    base = heft(w)
    bar = view.bar_rect("n4")  # P2, 18-26
    start = viewport_point(view, bar.center().x(), bar.center().y())
    end = viewport_point(view, bar.center().x() - 8.0, 0.05)  # P1's lane, 8 earlier
    press, release = data_point(view, start), data_point(view, end)
    x0 = bar.left() + (release.x() - press.x())  # where the dropped bar starts
    mapping = Mapping.from_schedule(base)
    want = expected(w, mapping.moved("n4", "P1", drop_position(mapping, {s.task: s.start for s in base.slots},
                                                               "n4", "P1", x0)))
    assert order(want)["P1"][0] == "n4"  # dropped before n2 (starts at 27)
    mouse_drag(qtbot, view, start, end)
    shown = w.session.primary
    assert shown is not None and shown.algorithm == "hand" and shown is not base
    assert order(shown) == order(want)
    assert shown.makespan == pytest.approx(want.makespan)
    assert [(s.task, s.worker, s.start, s.finish) for s in shown.slots] == \
        [(s.task, s.worker, s.start, s.finish) for s in want.slots]
    # the chart shows it: bars where the slots are, the change in the title and the status bar
    r = view.bar_rect("n4")
    s4 = shown.slot_of()["n4"]
    assert (r.left(), r.right(), r.center().y()) == pytest.approx((s4.start, s4.finish, 0.0))
    change = f"makespan 80 → {want.makespan:g}"
    assert view.chart_title() == f"hand: makespan {want.makespan:g}"
    assert view.change_note().startswith(change) and view.change_label.text() == view.change_note()
    assert change in w.statusBar().currentMessage()
    # the moved task is hatched
    assert view.item.highlights["moved"].tolist() == view.bars_of("n4")
    assert not view.drag.ghost.isVisible()


def test_a_click_without_a_drag_still_selects_the_task(qtbot, window):
    w = window
    r = w.gantt.bar_rect("n5")
    with qtbot.waitSignal(w.gantt.task_clicked, timeout=2000) as blocker:
        qtbot.mouseClick(w.gantt.plot.viewport(), QtCore.Qt.MouseButton.LeftButton,
                         pos=viewport_point(w.gantt, r.center().x(), r.center().y()))
    assert blocker.args == ["n5"] and w.document.selected() == ["n5"]
    assert w.session.primary is heft(w)  # nothing moved


def test_the_ghost_follows_the_mouse_and_previews_the_makespan(qtbot, window):
    w = window
    view = w.gantt
    bar = view.bar_rect("n4")
    vp = view.plot.viewport()
    start = viewport_point(view, bar.center().x(), bar.center().y())
    QTest.mousePress(vp, QtCore.Qt.MouseButton.LeftButton, QtCore.Qt.KeyboardModifier.NoModifier, start)
    end = viewport_point(view, bar.center().x() - 8.0, 0.0)
    ev = QtGui.QMouseEvent(QtCore.QEvent.Type.MouseMove, QtCore.QPointF(end), QtCore.QPointF(vp.mapToGlobal(end)),
                           QtCore.Qt.MouseButton.NoButton, QtCore.Qt.MouseButton.LeftButton,
                           QtCore.Qt.KeyboardModifier.NoModifier)
    before = view.item.paint_count
    QtWidgets.QApplication.sendEvent(vp, ev)
    assert view.drag.dragging and view.drag.ghost.isVisible()
    g = view.drag.ghost.rect()
    assert g.center().y() == pytest.approx(0.0) and g.width() == pytest.approx(bar.width())
    assert view.drag.target is not None and view.drag.target[0] == "P1"
    # the chart itself is not rebuilt while dragging
    assert view.item.paint_count - before <= 1 and w.session.primary is heft(w)
    qtbot.waitUntil(lambda: "makespan 80 →" in view.drag.label.textItem.toPlainText(), timeout=2000)
    makespan, words = w.hand.preview_drop("n4", "P1", view.drag.target[1])
    assert words in view.drag.label.textItem.toPlainText()
    QTest.mouseRelease(vp, QtCore.Qt.MouseButton.LeftButton, QtCore.Qt.KeyboardModifier.NoModifier, end)
    assert w.session.primary.makespan == pytest.approx(makespan)


def test_dropping_along_the_own_lane_changes_the_order(qtbot, window):
    w = window
    base = heft(w)
    # n6 dropped at 17 on P2 goes before n4 (starts at 18)
    assert w.gantt.drop_task("n6", "P2", 17.0) is None
    want = expected(w, Mapping.from_schedule(base).moved("n6", "P2", 0))
    shown = w.session.primary
    assert order(shown)["P2"] == ["n6", "n4", "n9", "n10"] == order(want)["P2"]
    assert shown.makespan == pytest.approx(want.makespan)
    assert shown.slot_of()["n6"].start < shown.slot_of()["n4"].start


def test_a_drop_that_breaks_a_dependency_is_refused_where_it_was_dropped(qtbot, window):
    w = window
    base = heft(w)
    steps = w.document.undo_stack.count()
    # n9 needs n4's data: before n4 on P2 it could never start
    why = w.gantt.drop_task("n9", "P2", 0.0)
    assert why == "on P2, 'n9' is ordered before 'n4', but 'n9' needs data of 'n4'"
    assert w.gantt.drag.refusal.isVisible() and why in w.gantt.drag.refusal_text()
    assert w.gantt.drag.refusal.pos().x() == pytest.approx(0.0)
    assert why in w.statusBar().currentMessage()
    # nothing changed: the same schedule, no hand row, no undo step
    assert w.session.primary is base and w.gantt.schedules == [base]
    assert "hand" not in w.results.row_names() and w.document.undo_stack.count() == steps


def test_a_refused_mouse_drop_sends_the_ghost_back(qtbot, window):
    w = window
    view = w.gantt
    view.glide.duration_ms = 150
    bar = view.bar_rect("n9")  # P2 56-..., needs n4 (P2 18-26)
    start = viewport_point(view, bar.center().x(), bar.center().y())
    end = viewport_point(view, 1.0 + bar.width() / 2, bar.center().y())
    mouse_drag(qtbot, view, start, end)
    assert "needs data of" in view.drag.refusal_text()
    assert w.session.primary is heft(w)
    qtbot.waitUntil(lambda: not view.drag.ghost.isVisible(), timeout=3000)


def test_a_move_whose_order_waits_on_a_chain_across_workers_is_refused(qtbot, window):
    w = window
    # n3 last on P2 runs after n10, but n10 needs n7 (on P3), which needs n3
    why = w.hand.move("n3", "P2", 4)
    assert why == "on P2, 'n10' is ordered before 'n3', but 'n10' depends on 'n3' through 'n7'"
    assert w.session.primary is heft(w)


def test_a_move_that_deadlocks_two_workers_is_refused(qtbot, window):
    w = window
    assert w.hand.move("n3", "P2", 3) is None  # P2: n4, n6, n9, n3, n10 (runs)
    hand = w.session.primary
    # n4 after n7 on P3: n7 waits for n3, after n9 on P2, and n9 waits for n4
    why = w.hand.move("n4", "P3", 3)
    assert why is not None and why.startswith("the orders on P2, P3 wait on each other (deadlock)")
    for t in ("n3", "n4", "n7", "n9"):
        assert repr(t) in why
    assert w.session.primary is hand and order(hand)["P3"] == ["n1", "n5", "n7"]


# ---------------------------------------------------------------------------- results and undo
def test_the_first_move_makes_a_hand_row_and_later_moves_update_it(qtbot, window):
    w = window
    base = heft(w)
    assert w.hand.move("n4", "P1") is None
    assert w.results.row_names() == ["heft", "hand"]
    first = w.results.results()["hand"]
    assert first.meta["derived_from"] == "heft" and first.meta["moved"] == ["n4"]
    assert w.results.results()["heft"] is base  # the original row stays
    assert w.hand.move("n6", "P3") is None
    assert w.results.row_names() == ["heft", "hand"]
    second = w.results.results()["hand"]
    assert second is not first and sorted(second.meta["moved"]) == ["n4", "n6"]
    # the hand row is selected: the table says what the chart shows
    rows = w.results.table.selectionModel().selectedRows()
    assert [w.results.proxy.index(i.row(), 0).data() for i in rows] == ["hand"]
    # a move on heft's schedule again makes a second hand result
    w.show_schedule(base)
    assert w.hand.move("n5", "P1") is None
    assert w.results.row_names() == ["heft", "hand", "hand 2"]
    assert w.results.results()["hand 2"].meta["moved"] == ["n5"]


def test_the_hand_row_has_every_figure_and_the_gap(qtbot, window):
    w = window
    assert w.hand.move("n4", "P1") is None
    assert w.results.wait_hand_jobs(5000)
    row = w.results.row("hand")
    shown = w.session.primary
    from model.comparison import table_metrics

    want = table_metrics(shown, w.document.graph, w.document.platform)
    for k in ("makespan", "speedup", "efficiency", "utilisation", "comm_volume", "slr"):
        assert row.metrics[k] == pytest.approx(want[k])
    heft_row = w.results.row("heft")
    assert row.bound == heft_row.bound and row.metrics["gap"] == pytest.approx(shown.makespan / row.bound - 1)
    text = dict((r[0], r) for r in w.results.displayed())["hand"]
    assert text[1] == f"{shown.makespan:g}" and "—" not in text[1:8]


def test_a_hand_result_is_compared_on_one_axis_and_saved_like_any_schedule(qtbot, window, tmp_path):
    w = window
    assert w.hand.move("n4", "P1") is None
    hand = w.session.primary
    with qtbot.waitSignal(w.results.comparison_chosen, timeout=2000):
        w.results.select_algorithms(["heft", "hand"])
    assert {s.algorithm for s in w.session.schedules} == {"heft", "hand"}
    assert "hand: makespan" in w.gantt.chart_title() and "heft: makespan 80" in w.gantt.chart_title()
    # a comparison cannot be dragged: the reason is said
    assert "compared" in (w.gantt.drop_task("n5", "P1", 0.0) or "")
    path = tmp_path / "hand.schedule.json"
    save_schedule(hand, path)
    back = load_schedule(path)
    assert back.algorithm == "hand" and back.makespan == hand.makespan and back.meta["moved"] == ["n4"]
    assert fit_problems(back, w.document.graph, w.document.platform) == []
    assert w.export_chart(str(tmp_path / "chart.png")) and (tmp_path / "chart.png").stat().st_size > 1000


def test_undo_and_redo_walk_through_moves(qtbot, window):
    w = window
    base = heft(w)
    stack = w.document.undo_stack
    assert w.hand.move("n4", "P1") is None
    one = w.session.primary
    assert w.hand.move("n6", "P3") is None
    two = w.session.primary
    assert stack.undoText() == "move n6 to P3"
    stack.undo()
    assert w.session.primary is one and w.results.results()["hand"] is one
    assert order(w.gantt.schedules[0]) == order(one)
    assert w.gantt.bar_rect("n6").center().y() == pytest.approx(1.0)  # back on P2
    stack.undo()
    assert w.session.primary is base and "hand" not in w.results.row_names()
    assert w.gantt.chart_title() == "heft: makespan 80" and w.gantt.change_note().startswith("makespan")
    stack.redo()
    stack.redo()
    assert w.session.primary is two and w.results.results()["hand"] is two
    assert w.gantt.bar_rect("n6").center().y() == pytest.approx(2.0)  # on P3 again


def test_hand_moves_leave_the_graph_clean_and_pins_do_not(qtbot, window):
    w = window
    assert not w.document.dirty
    assert w.hand.move("n4", "P1") is None
    assert not w.document.dirty and not w.windowTitle().startswith("heft-paper.taskgraph.json *")
    w.hand.set_pin("n5", "P1")
    assert w.document.dirty and "*" in w.windowTitle()
    w.document.undo_stack.undo()
    assert not w.document.dirty
    w.document.undo_stack.undo()  # the move
    assert not w.document.dirty and w.session.primary is heft_row_schedule(w)


def test_bars_glide_to_their_new_places(qtbot, window):
    w = window
    view = w.gantt
    view.glide.duration_ms = 150
    old = view.bar_rect("n4")
    assert w.hand.move("n4", "P1") is None
    assert view.glide.running
    new = w.session.primary.slot_of()["n4"]
    qtbot.waitUntil(lambda: not view.glide.running, timeout=3000)
    assert view.glide.frames >= 2
    r = view.bar_rect("n4")
    assert (r.left(), r.center().y()) == pytest.approx((new.start, 0.0))
    assert (old.center().y()) == pytest.approx(1.0)


def test_a_move_after_a_graph_edit_retimes_on_the_edited_graph(qtbot, window):
    w = window
    w.document.set_cost(["n1"], 20)  # heft's schedule is now stale
    assert w.results.results() == {}
    assert w.hand.move("n4", "P1") is None
    shown = w.session.primary
    want = expected(w, Mapping.from_schedule(heft_row_schedule(w)).moved(
        "n4", "P1", position_in_time(Mapping.from_schedule(heft_row_schedule(w)), heft_row_schedule(w), "n4", "P1")))
    assert shown.makespan == pytest.approx(want.makespan)
    before = evaluate(w.document.graph, w.document.platform, Mapping.from_schedule(heft_row_schedule(w))).makespan
    assert w.gantt.change_note().startswith(f"makespan {before:g} → {want.makespan:g}")
    assert not w.results.row("hand").stale


def heft_row_schedule(w) -> Schedule:
    return w.results.row("heft").schedule


# ---------------------------------------------------------------------------- property panel
def test_the_property_panel_shows_the_placement_and_moves_the_task(qtbot, window):
    w = window
    p = w.properties
    w.document.select(["n4"])
    assert p.worker_box.currentText() == "P2" and p.worker_box.isEnabled()
    assert p.timing.text().startswith("start 18, finish 26")
    assert "transfers in:\n  n1 P3→P2 9–18 (data 9)" in p.transfers.text()
    assert "transfers out:" in p.transfers.text() and "n8 P2→P1" in p.transfers.text()
    i = p.worker_box.findText("P1")
    p.worker_box.setCurrentIndex(i)
    p.worker_box.activated.emit(i)
    base = heft(w)
    m = Mapping.from_schedule(base)
    want = expected(w, m.moved("n4", "P1", position_in_time(m, base, "n4", "P1")))
    shown = w.session.primary
    assert shown.algorithm == "hand" and shown.makespan == pytest.approx(want.makespan)
    assert order(shown) == order(want)
    assert p.worker_box.currentText() == "P1"
    s4 = shown.slot_of()["n4"]
    assert p.timing.text().startswith(f"start {s4.start:g}, finish {s4.finish:g}")
    assert "n1 P3→P1" in p.transfers.text()


def test_the_pin_box_is_an_undoable_graph_edit_saved_as_pin(qtbot, window, tmp_path):
    w = window
    p = w.properties
    w.document.select(["n4"])
    assert not p.pin_box.isChecked() and p.pin_box.text() == "Pin to P2"
    p.pin_box.setChecked(True)
    assert w.document.graph.pin("n4") == "P2" and p.pin_box.text() == "Pinned to P2"
    assert w.editor.task_item("n4").pin == "P2"
    assert w.gantt.item.highlights["pinned"].tolist() == w.gantt.bars_of("n4")
    path = tmp_path / "pinned.taskgraph.json"
    w.document.save(str(path))
    saved = {t["id"]: t for t in json.loads(path.read_text())["tasks"]}
    assert saved["n4"]["pin"] == "P2" and "pin" not in saved["n5"]
    assert load_graph(path).pins() == {"n4": "P2"}
    w.document.undo_stack.undo()
    assert w.document.graph.pin("n4") is None and not p.pin_box.isChecked()
    assert w.editor.task_item("n4").pin == "" and "pinned" not in w.gantt.item.highlights
    w.document.undo_stack.redo()
    assert w.document.graph.pin("n4") == "P2" and p.pin_box.isChecked()
    p.pin_box.setChecked(False)
    assert w.document.graph.pin("n4") is None


def test_without_a_schedule_the_worker_box_chooses_the_pin(qtbot, window):
    w = window
    w.session.clear()
    p = w.properties
    w.document.select(["n3"])
    assert p.timing.text() == "no schedule shown"
    i = p.worker_box.findText("P2")
    p.worker_box.setCurrentIndex(i)
    p.worker_box.activated.emit(i)
    assert p.pin_box.text() == "Pin to P2" and w.document.graph.pin("n3") is None
    p.pin_box.setChecked(True)
    assert w.document.graph.pin("n3") == "P2"


# ---------------------------------------------------------------------------- context menus
def menu_actions(menu) -> dict:
    """Every action of ``menu`` and its submenus, by its ``(kind, argument)`` data.

    (``QAction.menu()`` is not used: its PySide wrapper can delete the submenu.)"""
    return {tuple(a.data()): a for a in menu.findChildren(QtGui.QAction) if isinstance(a.data(), (list, tuple))}


def submenu(menu, title: str):
    return next(m for m in menu.findChildren(QtWidgets.QMenu) if m.title() == title)


def test_the_bar_menu_moves_and_pins(qtbot, window):
    w = window
    menu = w.gantt.task_menu("n4")
    acts = menu_actions(menu)
    assert not acts[("move", "P2")].isEnabled() and acts[("move", "P2")].isChecked()  # where it is
    # each other worker says what the move would give
    for worker in ("P1", "P3"):
        makespan, words = w.hand.preview("n4", worker)
        assert makespan is not None and acts[("move", worker)].text() == f"{worker}    ({words[len('makespan '):]})"
    acts[("move", "P3")].trigger()
    base = heft(w)
    m = Mapping.from_schedule(base)
    want = expected(w, m.moved("n4", "P3", position_in_time(m, base, "n4", "P3")))
    assert w.session.primary.makespan == pytest.approx(want.makespan)
    assert order(w.session.primary) == order(want)
    menu = w.gantt.task_menu("n4")
    acts = menu_actions(menu)
    acts[("pin", "P3")].trigger()
    assert w.document.graph.pin("n4") == "P3"
    menu = w.hand.task_menu("n4")
    acts = menu_actions(menu)
    assert ("pin", None) in acts
    acts[("pin", None)].trigger()
    assert w.document.graph.pin("n4") is None


def test_complete_the_rest_keeps_the_moved_tasks_on_their_workers(qtbot, window):
    w = window
    assert w.hand.move("n4", "P1") is None  # heft keeps n4 on P2: the run must not
    menu = w.hand.task_menu("n7")
    acts = menu_actions(menu)
    assert ("complete", "heft") in acts and ("complete", "optimal") in acts
    with qtbot.waitSignal(w.manager.run_finished, timeout=30_000):
        acts[("complete", "heft")].trigger()
    row = w.results.row("heft + pins")
    assert row is not None and row.extra_pins == {"n4": "P1"}
    s = row.schedule
    assert s.slot_of()["n4"].worker == "P1"
    s.check(w.document.graph, w.document.platform)
    assert s.meta["label"] == "heft + pins" and s.meta["kept"] == {"n4": "P1"}
    assert w.gantt.chart_title() == f"heft + pins: makespan {s.makespan:g}"
    # the completed result is shown; the document's graph got no pin
    assert w.session.primary is s and w.document.graph.pins() == {}


def test_a_graph_pin_wins_over_a_hand_placement_in_a_completion(qtbot, window):
    w = window
    assert w.hand.move("n4", "P1") is None and w.hand.move("n5", "P1") is None
    assert w.hand.kept() == {"n4": "P1", "n5": "P1"}
    w.hand.set_pin("n4", "P3")
    assert w.hand.kept() == {"n5": "P1"}
    with qtbot.waitSignal(w.manager.run_finished, timeout=30_000):
        w.hand.complete("heft")
    s = w.results.row("heft + pins").schedule
    assert s.slot_of()["n4"].worker == "P3" and s.slot_of()["n5"].worker == "P1"


def test_improve_and_optimal_come_from_the_registry_families(qtbot, window, monkeypatch):
    from gui import algorithms, hand_mapping

    menu = w_menu(window)
    texts = [a.text() for a in menu.actions()]
    assert "Improve from here" in texts and "Optimal with these pins" in texts
    imp = submenu(menu, "Improve from here")
    assert [a.text() for a in imp.actions()] == algorithms.of_family("search") == ["best", "improve"]
    assert [a.data()[1] for a in imp.actions()] == ["best", "improve"]
    rest = submenu(menu, "Complete the rest with")
    assert [a.text() for a in rest.actions()] == algorithms.runnable()
    # without an available exact solver the item is not offered
    monkeypatch.setattr(hand_mapping, "of_family", lambda kind: [] if kind == "exact" else algorithms.of_family(kind))
    menu = w_menu(window)
    assert "Optimal with these pins" not in [a.text() for a in menu.actions()]


def w_menu(w):
    return w.hand.task_menu("n5")


def test_optimal_with_these_pins_runs_the_exact_solver_with_the_pins(qtbot, window):
    w = window
    pytest.importorskip("ortools")
    w.results.set_time_limit(5)
    assert w.hand.move("n4", "P1") is None
    menu = w_menu(w)
    act = next(a for a in menu.actions() if a.text() == "Optimal with these pins")
    with qtbot.waitSignal(w.manager.run_finished, timeout=60_000):
        act.trigger()
    label = f"{act.data()[1]} + pins"
    s = w.results.row(label).schedule
    assert s.slot_of()["n4"].worker == "P1"
    # the pinned optimum is no lower bound of the free graph: heft's gap is not measured against it
    w.results._refresh_gaps()
    assert w.results.row("heft").bound_by != label


def test_the_editor_asks_for_a_task_menu_on_a_right_click_without_a_drag(qtbot):
    from gui.document import Document
    from gui.editor import GraphEditorView

    doc = Document()
    doc.load(str(HEFT_EXAMPLE))
    ed = GraphEditorView(doc)
    qtbot.addWidget(ed)
    ed.resize(800, 600)
    ed.show()
    qtbot.waitExposed(ed)
    ed.fit()
    item = ed.task_item("n3")
    pos = ed.mapFromScene(item.scenePos())
    with qtbot.waitSignal(ed.task_menu_requested, timeout=2000) as blocker:
        qtbot.mousePress(ed.viewport(), QtCore.Qt.MouseButton.RightButton, pos=pos)
        qtbot.mouseRelease(ed.viewport(), QtCore.Qt.MouseButton.RightButton, pos=pos)
    assert blocker.args[0] == "n3" and doc.selected() == ["n3"]


# ---------------------------------------------------------------------------- schedule files
def wrong_durations(tmp_path, base: Schedule) -> Path:
    """HEFT's schedule with n1 lasting 12 instead of 9 (the file's own claim)."""
    slots = [Slot(s.task, s.worker, s.start, s.finish + (3 if s.task == "n1" else 0)) for s in base.slots]
    path = tmp_path / "wrong.schedule.json"
    save_schedule(Schedule("heft", base.workers, slots), path)
    return path


def test_a_schedule_file_that_does_not_fit_is_explained_and_retimed_on_accept(qtbot, window, tmp_path,
                                                                               monkeypatch):
    from gui import files

    w = window
    path = wrong_durations(tmp_path, heft(w))
    asked = []

    def ask(parent, name, problems, cannot_retime, trace):
        asked.append((name, problems, cannot_retime, trace))
        return "retime"

    monkeypatch.setattr(files, "ask_fit", ask)
    assert w.open_path(str(path))
    (name, problems, cannot, trace), = asked
    assert name == "wrong.schedule.json" and cannot is None and not trace
    assert "'n1' on P3 lasts 12 but the graph gives 9 (its time on P3 in 'costs')" in problems
    shown = w.session.primary
    want = expected(w, Mapping.from_schedule(load_schedule(path)))
    assert shown.makespan == pytest.approx(want.makespan) == 80
    assert fit_problems(shown, w.document.graph, w.document.platform) == []
    assert "re-timed on the open graph" in w.statusBar().currentMessage()
    # it can be moved like any result
    assert w.hand.move("n4", "P1") is None and w.session.primary.algorithm == "hand"


def test_a_schedule_file_that_does_not_fit_is_not_shown_when_declined(qtbot, window, tmp_path, monkeypatch):
    from gui import files

    w = window
    path = wrong_durations(tmp_path, heft(w))
    monkeypatch.setattr(files, "ask_fit", lambda *a: "cancel")
    shown = w.session.schedules
    assert not w.open_path(str(path))
    assert w.session.schedules == shown
    assert "does not fit" in w.statusBar().currentMessage()


def test_a_schedule_of_another_graph_cannot_be_retimed(qtbot, window, tmp_path, monkeypatch):
    from gui import files

    w = window
    path = tmp_path / "other.schedule.json"
    save_schedule(Schedule("heft", ["P1"], [Slot("zz", "P1", 0, 1)]), path)
    asked = []
    monkeypatch.setattr(files, "ask_fit", lambda parent, name, problems, cannot, trace:
                        asked.append((problems, cannot)) or "retime")
    assert not w.open_path(str(path))
    (problems, cannot), = asked
    assert problems[0] == "the schedule places task not in the graph: 'zz'" and "zz" in cannot


def test_a_fitting_schedule_file_opens_without_a_question(qtbot, window, tmp_path, monkeypatch):
    from gui import files

    w = window
    path = tmp_path / "heft.schedule.json"
    save_schedule(heft(w), path)
    monkeypatch.setattr(files, "ask_fit", lambda *a: pytest.fail("asked about a fitting schedule"))
    assert w.open_path(str(path))
    assert w.session.primary.makespan == 80
