"""The mapping step explained in the window: the Analysis panel, overlays and their legend, one overlay
state, the parallelism profile and speed-up views, the construction replay's decisions, the report.

Numbers on the HEFT paper example (Topcuoglu et al. 2002, Fig. 2) are checked against hand
computations: the width 5 (level 1 holds 5 independent tasks, and the 5 chains n1-n2-n9-n10, n3-n7,
n4-n8, n5, n6 cover every task, so no antichain is larger: Dilworth), the critical path n1 n2 n9 n10
of length 108 (rank_u(n1) in the paper), 4 levels.
"""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import networkx as nx
import pytest
from PySide6 import QtCore

from gui.analysis_runs import LiveAnalysis
from gui.document import Document
from gui.editor import GraphEditorView
from gui.editor.looks import EDITOR_OVERLAYS, PALETTE, STATE_COLOURS
from gui.overlay_state import OverlayState, bind_views
from gui.panels.analysis import AnalysisPanel
from gui.session import Session
from gui.views import ProfileView, ScalingView
from model.algorithms import get_algorithm
from model.graph import Platform, TaskGraph
from model.profile import earliest_start_profile, schedule_profile
from model.scaling import scale
from model.schedule import Schedule, Slot

HEFT_EXAMPLE = Path(__file__).resolve().parents[2] / "assets" / "examples" / "heft-paper.taskgraph.json"
HEFT_LEVELS = [["n1"], ["n2", "n3", "n4", "n5", "n6"], ["n7", "n8", "n9"], ["n10"]]


@pytest.fixture
def doc(qtbot):
    d = Document()
    d.load(str(HEFT_EXAMPLE))
    yield d
    d.undo_stack.setClean()


def _wait_current(qtbot, live: LiveAnalysis, timeout: int = 10_000) -> None:
    qtbot.waitUntil(live.is_current, timeout=timeout)


@pytest.fixture
def panel(qtbot, doc):
    live = LiveAnalysis(doc, debounce_ms=10)
    p = AnalysisPanel(doc, live)
    qtbot.addWidget(p)
    _wait_current(qtbot, live)
    return p


def _children(item) -> list[str]:
    return [item.child(k).text(0) for k in range(item.childCount())]


# ------------------------------------------------------------------ the panel
def test_panel_numbers_on_the_heft_example(panel, doc):
    rows = panel.rows()
    assert rows["Tasks"] == "10"
    assert rows["Edges"] == "15 (15 carry data)"
    assert rows["Workers"] == "3"
    assert rows["Critical path"] == "108: n1 → n2 → n9 → n10"
    assert _children(panel.row("Critical path")) == ["n1", "n2", "n9", "n10"]
    assert rows["Width"].startswith("5 independent tasks")
    width_set = _children(panel.row("Width"))
    assert len(width_set) == 5
    reach = nx.transitive_closure_dag(doc.graph.nx)
    assert not any(reach.has_edge(u, v) or reach.has_edge(v, u) for u, v in itertools.combinations(width_set, 2))
    assert rows["Levels"].startswith("4,")
    levels = panel.row("Levels")
    assert [levels.child(k).text(1).split(": ")[1] for k in range(4)] == [", ".join(lv) for lv in HEFT_LEVELS]
    # the total mean work: the sum over the tasks of their mean cost = 400 / 3
    assert rows["Work"] == "133.3"
    # every edge carries data: the heaviest first, n4 -> n8 with 27
    data = panel.row("Data exchange")
    assert data.child(0).text(0) == "n4 → n8" and data.child(0).text(1).startswith("27")
    assert rows["Makespan bound"].startswith("≥ ") and "3 workers" in rows["Makespan bound"]
    # the sentences of model.explain are shown below
    assert "independent" in panel.words.toPlainText() and "critical path" in panel.words.toPlainText()


def test_clicking_rows_selects_their_tasks_and_edges(panel, doc):
    panel.click(panel.row("Critical path"))
    assert doc.selected() == ["n1", "n2", "n9", "n10"]
    cp = panel.row("Critical path")
    panel.click(cp.child(2))
    assert doc.selected() == ["n9"]
    panel.click(panel.row("Width"))
    assert sorted(doc.selected()) == sorted(_children(panel.row("Width")))
    level1 = panel.row("Levels").child(1)
    panel.click(level1)
    assert doc.selected() == HEFT_LEVELS[1]
    panel.click(panel.row("Data exchange").child(0))
    assert doc.selected_edges() == [("n4", "n8")] and doc.selected() == []


def test_clicking_the_critical_path_selects_it_in_the_editor(qtbot, doc):
    live = LiveAnalysis(doc, debounce_ms=10)
    p = AnalysisPanel(doc, live)
    editor = GraphEditorView(doc)
    qtbot.addWidget(p)
    qtbot.addWidget(editor)
    _wait_current(qtbot, live)
    p.click(p.row("Critical path"))
    assert editor.selected_tasks() == ["n1", "n2", "n9", "n10"]
    assert all(editor.task_item(t).isSelected() for t in ("n1", "n2", "n9", "n10"))


def test_the_panel_follows_an_edit_after_a_pause(qtbot, panel, doc):
    live = panel.live
    doc.remove(["n6"])
    assert not live.is_current()  # debounced: not recomputed inside the edit
    assert panel.status.text() == "Updating…"
    _wait_current(qtbot, live)
    rows = panel.rows()
    assert rows["Tasks"] == "9"
    # the chains n1-n2-n9-n10, n3-n7, n4-n8 and n5 now cover every task: the width drops to 4
    assert rows["Width"].startswith("4 ")
    doc.undo_stack.undo()
    _wait_current(qtbot, live)
    assert panel.rows()["Tasks"] == "10"


def test_a_result_for_an_older_graph_is_dropped(qtbot, doc):
    # every graph goes to the pool here: a job's answer arrives after the next edit
    live = LiveAnalysis(doc, debounce_ms=10_000, inline_max_tasks=0)
    got: list[tuple[int, int, int]] = []
    live.updated.connect(lambda r: got.append((r.version, live.version, r.analysis.n_tasks)))
    live.refresh_now()
    doc.remove(["n6"])  # a newer version before the job's answer is delivered
    live.refresh_now()
    qtbot.waitUntil(lambda: bool(got), timeout=10_000)
    qtbot.wait(100)
    assert got and all(v == current for v, current, _ in got)
    assert got[-1][2] == 9
    live.wait(5000)


# ------------------------------------------------------------------ overlays and legend
@pytest.fixture
def heft_schedule_of(doc):
    return get_algorithm("heft").schedule(doc.graph, doc.platform)


def test_a_legend_for_every_overlay_mode(qtbot, doc, heft_schedule_of):
    view = GraphEditorView(doc)
    qtbot.addWidget(view)
    view.show()
    view.set_overlay("none")
    assert view.legend_texts() == [] and not view.legend.isVisible()
    view.set_schedule(heft_schedule_of)
    expect = {"none": [], "levels": ["L0", "L3"], "critical": ["Critical path (length 108):"],
              "slack": ["Slack (how long a task may wait):", "0"], "worker": ["Worker:", "P1", "P2", "P3"],
              "playback": ["waiting", "running", "done"]}
    for mode in EDITOR_OVERLAYS:
        view.set_overlay(mode)
        texts = view.legend_texts()
        assert view.legend.isVisible(), mode
        for t in expect[mode]:
            assert t in texts, (mode, texts)
        # with a schedule shown, every mode says what the stripes and the orange edges mean
        assert "Data crossing workers:" in texts
        if mode != "worker":
            assert "Stripe: the worker" in texts
    # the legend sits below the graph, not over it
    assert view.legend.geometry().top() >= view.viewport().geometry().bottom()


def test_levels_overlay_numbers_the_tasks(qtbot, doc):
    view = GraphEditorView(doc)
    qtbot.addWidget(view)
    view.set_overlay("levels")
    for k, lv in enumerate(HEFT_LEVELS):
        for t in lv:
            assert view.task_item(t).badge == f"L{k}"
            assert view.task_colour(t) == PALETTE[k]
    view.set_overlay("critical")
    assert view.task_item("n1").badge == ""


def test_the_overlay_stays_when_a_schedule_is_shown_and_replayed(qtbot, doc, heft_schedule_of):
    view = GraphEditorView(doc)
    qtbot.addWidget(view)
    view.set_overlay("levels")
    before = {t: view.task_colour(t) for t in doc.graph.tasks}
    view.set_schedule(heft_schedule_of)
    view.set_task_states({t: "waiting" for t in doc.graph.tasks})  # a shown schedule at t = 0
    assert {t: view.task_colour(t) for t in doc.graph.tasks} == before
    assert view.task_item("n1").worker.startswith("P3")
    # the playback state is a mode of its own
    view.set_overlay("playback")
    assert view.task_colour("n1") == STATE_COLOURS["waiting"]


def test_crossing_edges_grow_with_their_data(qtbot):
    g = TaskGraph()
    for t in "abcd":
        g.add_task(t, 1)
    g.add_edge("a", "b", data=2)
    g.add_edge("a", "c", data=20)
    g.add_edge("a", "d", data=10)
    d = Document(graph=g)
    view = GraphEditorView(d)
    qtbot.addWidget(view)
    sched = Schedule("m", ["P1", "P2"], [Slot("a", "P1", 0, 1), Slot("b", "P2", 3, 4), Slot("c", "P2", 21, 22),
                                         Slot("d", "P1", 1, 2)])
    view.set_schedule(sched)
    small, big, local = view.edge_item("a", "b"), view.edge_item("a", "c"), view.edge_item("a", "d")
    assert small.crossing and big.crossing and not local.crossing
    (c_small, w_small), (c_big, w_big) = small.line_style(), big.line_style()
    assert w_big > w_small and c_big.alpha() > c_small.alpha()
    assert big.weight == 1.0 and small.weight == pytest.approx(0.1)
    # an edge on one worker is drawn plainly whatever its data
    assert local.line_style()[1] < w_small


def test_one_overlay_state_in_the_menu_the_toolbar_box_and_the_chart(qtbot, window):
    w = window
    m = w.menus
    state = w.overlay_state
    # the View menu
    next(a for a in m.overlays.actions() if a.data() == "critical").trigger()
    assert state.overlay == "critical" and w.editor.overlay() == "critical"
    assert m.overlay_box.currentData() == "critical"
    # the toolbar box
    m.overlay_box.setCurrentIndex(m.overlay_box.findData("slack"))
    assert state.overlay == "slack" and w.editor.overlay() == "slack"
    assert next(a for a in m.overlays.actions() if a.isChecked()).data() == "slack"
    # the chart's own check box and the menu's check mark
    w.gantt.critical_box.setChecked(True)
    assert state.show_critical and w.gantt.show_critical and m.chart_flags["show_critical"].isChecked()
    m.chart_flags["show_dependencies"].trigger()
    assert w.gantt.deps_box.isChecked() and w.gantt.show_dependencies
    m.gantt_colours["worker"].trigger()
    assert w.gantt.colour_mode == "worker" and w.gantt.colour_box.currentData() == "worker"
    w.gantt.colour_box.setCurrentIndex(w.gantt.colour_box.findData("level"))
    assert state.gantt_colour == "level" and m.gantt_colours["level"].isChecked()


def test_play_turns_the_playback_colours_on_only_from_plain(qtbot):
    from gui.gantt import Playback

    state = OverlayState()
    pb = Playback()
    bind_views(state, playback=pb)
    pb.set_range(0.0, 10.0)
    pb.play()
    assert state.overlay == "playback"
    pb.pause()
    state.set_overlay("levels")
    pb.play()
    assert state.overlay == "levels"
    pb.pause()


# ------------------------------------------------------------------ the whole window
@pytest.fixture
def window(main_window):
    main_window.open_path(str(HEFT_EXAMPLE))
    return main_window


def _run(qtbot, w, names):
    with qtbot.waitSignals([w.manager.run_finished] * len(names), timeout=30_000):
        w.results.run(names)


def test_the_chosen_overlay_stays_after_mapping(qtbot, window):
    w = window
    w.menus.overlay_box.setCurrentIndex(w.menus.overlay_box.findData("levels"))
    level_colours = {t: w.editor.task_colour(t) for t in w.document.graph.tasks}
    _run(qtbot, w, ["heft"])
    assert w.session.primary is not None  # the first result went to the chart: the playback clock is at 0
    assert {t: w.editor.task_colour(t) for t in w.document.graph.tasks} == level_colours
    assert w.editor.task_item("n1").worker.startswith("P3")
    assert w.overlay_state.overlay == "levels" and w.menus.overlay_box.currentData() == "levels"


def test_the_analysis_dock_is_in_the_window(qtbot, window):
    w = window
    w.show_analysis_panel()
    _wait_current(qtbot, w.live_analysis)
    assert w.analysis_dock.isVisible()
    assert w.analysis.rows()["Critical path"] == "108: n1 → n2 → n9 → n10"


def test_construction_replay_shows_what_heft_weighed(qtbot, window):
    w = window
    _run(qtbot, w, ["heft"])
    w.show_schedule(w.results.results()["heft"])
    w.animate_construction()
    c = w.gantt.construction
    panel = c.panel
    assert w.construction_dock.isVisible()
    c.go_to(0)
    assert not c.running
    # n1, upward rank 108: EFT 14, 16 and 9 on P1..P3, P3 chosen (highlighted)
    assert panel.rows() == [["P1", "0", "0", "14"], ["P2", "0", "0", "16"], ["P3 ✓", "0", "0", "9"]]
    assert panel.chosen_row() == 2
    assert "upward rank 108" in panel.priority.text() and "P3" in panel.text.text()
    assert "step 1 of 10" in panel.title.text()
    assert w.document.selected() == ["n1"]  # the task placed is selected in the graph
    # forward and back one placement at a time
    assert c.step_forward() and c.index == 1 and "step 2 of 10" in panel.title.text()
    second = c.decision()
    assert second.task in ("n3", "n4") and panel.chosen_row() == [o.worker for o in second.options].index(second.worker)
    assert int(w.gantt.item.visible_mask.sum()) == 2
    assert c.step_back() and c.index == 0 and int(w.gantt.item.visible_mask.sum()) == 1
    # the speed control
    panel.speed.setValue(100)
    assert c.rate == pytest.approx(500.0)
    with qtbot.waitSignal(w.gantt.construction_finished, timeout=10_000):
        c.play()
    assert c.index == 9 and int(w.gantt.item.visible_mask.sum()) == 10
    c.stop()
    assert not w.construction_dock.isVisible()


def test_export_report_writes_the_file_and_says_where(qtbot, window, tmp_path):
    w = window
    out = tmp_path / "heft.report.html"
    with qtbot.waitSignal(w.report_export.finished, timeout=60_000) as blocker:
        assert w.report_export.start(str(out), ["heft", "cpop"])
        assert w.report_export.progress.isVisible()
    assert blocker.args == [str(out)]
    text = out.read_text(encoding="utf-8")
    analysis = json.loads(re.search(r'id="taskmapper-analysis">(.*?)</script>', text, re.S).group(1))
    assert analysis["width"] == 5 and analysis["critical_path"]["tasks"] == ["n1", "n2", "n9", "n10"]
    assert str(out) in w.statusBar().currentMessage()
    assert not w.report_export.progress.isVisible()
    # a bad name is refused before any work, in one line
    assert not w.report_export.start(str(tmp_path / "report.txt"))
    assert ".html" in w.statusBar().currentMessage()


# ------------------------------------------------------------------ profile and scaling views
def test_profile_view_steps_equal_the_model_profiles(qtbot, doc, heft_schedule_of):
    live = LiveAnalysis(doc, debounce_ms=10)
    session = Session()
    view = ProfileView(live, session)
    qtbot.addWidget(view)
    _wait_current(qtbot, live)
    g = doc.graph
    assert view.unlimited_steps() == earliest_start_profile(g).steps
    # n1's mean time is (14 + 16 + 9) / 3 = 13, then the five tasks of level 1 start together
    assert view.unlimited_steps()[:2] == [(0.0, 1), (13.0, 5)]
    assert view.schedule_steps() == []
    session.show([heft_schedule_of], g)
    assert view.schedule_steps() == schedule_profile(heft_schedule_of).steps
    starved, excess = view.regions()
    assert starved[0] == (0.0, 13.0, 1.0, 3.0)  # one task ready, three workers
    assert excess[0][:2] == (13.0, view.unlimited_steps()[2][0]) and excess[0][2:] == (3.0, 5.0)
    view.comm_box.setChecked(True)
    assert view.unlimited_steps() == earliest_start_profile(g, doc.platform, communication=True).steps
    assert "P = 3 workers" in view.legend.text()


def test_scaling_view_runs_and_a_click_opens_that_schedule(qtbot, doc):
    session = Session()
    view = ScalingView(doc, session)
    qtbot.addWidget(view)
    view.resize(900, 400)
    view.show()
    assert view.workers_edit.text() == "1-8"  # 1 to twice the graph's 3 workers, at least 8
    view.set_algorithms(["heft"])
    view.workers_edit.setText("1-4")
    with qtbot.waitSignal(view.finished, timeout=30_000):
        assert view.run()
    want = scale(doc.graph, ["heft"], [1, 2, 3, 4])
    assert view.result["makespan"] == want["makespan"] and view.result["lower_bound"] == want["lower_bound"]
    # click the point of 3 workers on the makespan plot
    pts = view._points["heft"]
    spot = next(p for p in pts.points() if p.data() == ("heft", 3))
    vb = view.makespan_plot.getPlotItem().getViewBox()
    qtbot.wait(50)
    scene_pos = vb.mapViewToScene(spot.pos())
    at = view.makespan_plot.mapFromScene(scene_pos)
    with qtbot.waitSignal(session.shown_changed, timeout=10_000):
        qtbot.mouseClick(view.makespan_plot.viewport(), QtCore.Qt.MouseButton.LeftButton, pos=at)
    sched = session.primary
    assert sched.workers == ["P1", "P2", "P3"] and sched.makespan == want["makespan"]["heft"][2]
    assert session.platforms[0] == Platform.homogeneous(3)
    assert "heft on 3 workers" in view.status.text()


def test_scaling_view_refuses_bad_workers_and_cancels(qtbot, doc):
    view = ScalingView(doc, Session())
    qtbot.addWidget(view)
    view.workers_edit.setText("4-1")
    assert not view.run() and "backwards" in view.status.text()
    view.set_algorithms([])
    view.workers_edit.setText("1-4")
    assert not view.run() and "Check at least one" in view.status.text()
    big = TaskGraph("big")
    for i in range(400):
        big.add_task(f"t{i}", 1 + i % 7)
    for i in range(399):
        big.add_edge(f"t{i}", f"t{i + 1 + i % 3}" if i + 1 + i % 3 < 400 else f"t{i + 1}", data=1)
    doc.set_graph(big)
    view.set_algorithms(["heft", "cpop", "peft"])
    view.workers_edit.setText("1-64")
    with qtbot.waitSignal(view.finished, timeout=30_000):
        assert view.run()
        view.cancel()
    assert view.status.text().startswith("Cancelled") and view.result is None


def test_the_chart_has_a_legend_for_every_colour_mode(qtbot, doc, heft_schedule_of):
    from gui.gantt import COLOUR_MODES, GanttView
    from model.analysis import level_of

    v = GanttView()
    qtbot.addWidget(v)
    v.set_schedule(heft_schedule_of, doc.graph)
    want = {"task": "n1", "level": "level 3", "algorithm": "heft", "worker": "P3"}
    for mode in COLOUR_MODES:
        v.set_colour_mode(mode)
        texts = [t for _c, t in v.legend_entries()]
        assert want[mode] in texts, (mode, texts)
    assert max(level_of(doc.graph).values()) == 3
    v.set_show_critical(True)
    assert "critical path" in [t for _c, t in v.legend_entries()]
