"""The Gantt view: bars against the schedule, lanes, clicks, tooltips, playback, comparison."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from PySide6 import QtCore, QtGui, QtWidgets

from gui.gantt import PALETTE, GanttView, Playback
from model.analysis import level_of
from model.chart import TASK_HEIGHT, schedule_critical_path
from model.replay import task_states
from model.schedule import Schedule, Slot


@pytest.fixture
def view(qtbot, heft_schedule, heft_graph):
    v = GanttView()
    qtbot.addWidget(v)
    v.resize(1000, 420)
    v.set_schedule(heft_schedule, heft_graph)
    v.show()
    qtbot.waitExposed(v)
    return v


def _bar_center_on_viewport(view: GanttView, task: str, schedule_index: int = 0) -> QtCore.QPoint:
    r = view.bar_rect(task, schedule_index)
    scene_pt = view.view_box.mapViewToScene(r.center())
    return view.plot.mapFromScene(scene_pt)


def test_one_bar_per_slot_with_the_slot_rectangle(view, heft_schedule):
    item = view.item
    assert len(item.x0) == len(heft_schedule.slots) == 10
    lanes = {w: i for i, w in enumerate(heft_schedule.workers)}
    for s in heft_schedule.slots:
        assert view.bars_of(s.task) and len(view.bars_of(s.task)) == 1
        r = view.bar_rect(s.task)
        assert (r.left(), r.right()) == pytest.approx((s.start, s.finish))
        assert r.center().y() == pytest.approx(lanes[s.worker])
        assert r.height() == pytest.approx(TASK_HEIGHT)
    # HEFT paper: n1 runs first on P3 from 0 to 9
    r = view.bar_rect("n1")
    assert (r.left(), r.right(), r.center().y()) == pytest.approx((0.0, 9.0, 2.0))


def test_lanes_are_the_workers_and_label_the_y_axis(view, heft_schedule):
    assert view.lanes == ["P1", "P2", "P3"] == heft_schedule.workers
    ticks = view.plot_item.getAxis("left")._tickLevels[0]
    assert [(y, name) for y, name in ticks] == [(0.0, "P1"), (1.0, "P2"), (2.0, "P3")]


def test_bars_are_painted_where_the_slots_are(view, qtbot):
    view.set_colour_mode("worker")
    img = view.plot.grab().toImage()
    pt = _bar_center_on_viewport(view, "n3")  # on P3 -> worker colour #3
    # stay off the centred label
    pt = QtCore.QPoint(pt.x(), pt.y() - 8)
    assert QtGui.QColor(img.pixel(pt)).name() == PALETTE[2]
    empty = view.plot.mapFromScene(view.view_box.mapViewToScene(QtCore.QPointF(75.0, 0.0)))  # P1 idle at 75
    assert QtGui.QColor(img.pixel(empty)).name() in ("#ffffff", "#f0f0f0", "#ebebeb", "#e6e6e6") or \
        QtGui.QColor(img.pixel(empty)).lightness() > 200


def test_click_on_a_bar_emits_task_clicked_and_highlights_neighbours(view, qtbot, heft_graph):
    pt = _bar_center_on_viewport(view, "n4")
    with qtbot.waitSignal(view.task_clicked, timeout=2000) as blocker:
        qtbot.mouseClick(view.plot.viewport(), QtCore.Qt.MouseButton.LeftButton, pos=pt)
    assert blocker.args == ["n4"]
    assert view.selected_tasks() == ["n4"]
    sel = view.item.highlights["selected"].tolist()
    assert sel == view.bars_of("n4")
    related = sorted(view.item.highlights["related"].tolist())
    want = sorted(i for t in heft_graph.predecessors("n4") + heft_graph.successors("n4") for i in view.bars_of(t))
    assert related == want and len(want) == 3  # n1 -> n4 -> n8, n9


def test_click_on_empty_space_emits_nothing(view, qtbot):
    empty = view.plot.mapFromScene(view.view_box.mapViewToScene(QtCore.QPointF(75.0, 0.0)))
    with qtbot.assertNotEmitted(view.task_clicked, wait=100):
        qtbot.mouseClick(view.plot.viewport(), QtCore.Qt.MouseButton.LeftButton, pos=empty)


def test_tooltip_names_task_worker_times_and_data(view, qtbot):
    (bar,) = view.bars_of("n1")
    text = view.tooltip_text(bar)
    assert "task n1" in text and "worker P3" in text
    assert "start 0, finish 9 (duration 9)" in text
    assert "data in: none" in text
    # n1 sends 18 to n2, 12 to n3, 9 to n4, 11 to n5, 14 to n6 (Topcuoglu et al., Fig. 2)
    assert "data out: 18 to n2, 12 to n3, 9 to n4, 11 to n5, 14 to n6" in text
    # hovering shows the same text
    pos = view.view_box.mapViewToScene(view.bar_rect("n1").center())
    view._on_scene_mouse_moved(pos)
    assert QtWidgets.QToolTip.text() == text
    QtWidgets.QToolTip.hideText()


def test_hit_testing_finds_the_right_bar(view, heft_schedule):
    for s in heft_schedule.slots:
        y = heft_schedule.workers.index(s.worker)
        assert view.task_at((s.start + s.finish) / 2, y + 0.2) == s.task
    assert view.task_at(75.0, 0.0) is None
    assert view.task_at(4.0, 2.5) is None  # between lanes


def test_playback_to_the_end_finishes_every_task_and_moves_the_now_line(view, qtbot, heft_schedule):
    pb = view.playback
    assert pb.end == pytest.approx(80.0)
    pb.play_seconds = 0.4
    seen: list[float] = []
    pb.time_changed.connect(lambda t: seen.append(view.now_line.value()))
    with qtbot.waitSignal(pb.finished, timeout=5000):
        pb.play()
    assert pb.time == pytest.approx(80.0) and not pb.playing
    assert len(seen) >= 3 and seen == sorted(seen) and seen[0] < 40 < seen[-2]
    states = task_states(heft_schedule, pb.time)
    assert set(states.values()) == {"done"} and len(states) == 10
    assert view.item.now is None  # back to the full picture at the end


def test_seek_draws_the_state_at_that_time(view, heft_schedule):
    pb = view.playback
    pb.seek(30.0)
    assert view.now_line.isVisible() and view.now_line.value() == pytest.approx(30.0)
    assert view.item.now == pytest.approx(30.0)
    st = task_states(heft_schedule, 30.0)
    assert st["n1"] == "done" and st["n2"] == "running" and st["n10"] == "waiting"
    # bars fill while they run: the part of n2 (27-40 on P1) left of "now" is solid, the rest faded
    img = view.plot.grab().toImage()
    solid = QtGui.QColor(PALETTE[1])
    left = view.plot.mapFromScene(view.view_box.mapViewToScene(QtCore.QPointF(28.0, -0.2)))
    right = view.plot.mapFromScene(view.view_box.mapViewToScene(QtCore.QPointF(39.0, -0.2)))
    assert QtGui.QColor(img.pixel(left)).name() == solid.name()
    faded = QtGui.QColor(img.pixel(right))
    assert faded.name() != solid.name() and faded.lightness() > solid.lightness()


def test_step_jumps_between_starts_and_finishes(qtbot, heft_schedule):
    pb = Playback()
    pb.set_schedule(heft_schedule)
    pb.seek(0.0)
    pb.step()
    assert pb.time == pytest.approx(9.0)  # n1 finishes, n3 starts
    pb.step()
    assert pb.time == pytest.approx(18.0)  # n4 starts on P2
    pb.step_back()
    assert pb.time == pytest.approx(9.0)
    pb.step(2.5)
    assert pb.time == pytest.approx(11.5)
    pb.set_speed(4)
    assert pb.rate() == pytest.approx(80.0 / pb.play_seconds * 4)
    with pytest.raises(ValueError):
        pb.set_speed(0)


def test_step_over_unsorted_repeated_event_times(qtbot):
    pb = Playback()
    events = np.array([7.0, 2.0, 2.0, 5.0, 7.0, 2.0])
    pb.set_range(0.0, 10.0, events=events)
    assert events.tolist() == [7.0, 2.0, 2.0, 5.0, 7.0, 2.0]  # the caller's array is not reordered
    pb.rewind()
    stops = []
    for _ in range(4):
        pb.step()
        stops.append(pb.time)
    assert stops == [2.0, 5.0, 7.0, 10.0]
    backs = []
    for _ in range(4):
        pb.step_back()
        backs.append(pb.time)
    assert backs == [7.0, 5.0, 2.0, 0.0]
    pb.set_range(0.0, 4.0, events=iter([3.0, 1.0]))  # any iterable
    pb.rewind()
    pb.step()
    assert pb.time == 1.0


def test_step_over_event_columns_handed_over_as_they_are(qtbot):
    pb = Playback()
    starts, finishes = np.array([4.0, 1.0, 6.0]), np.array([5.0, 3.0, 9.0])
    pb.set_range(0.0, 10.0, event_columns=(np.array([2.0, 7.0]),))  # replaced before any step
    pb.set_range(0.0, 10.0, events=[8.0], event_columns=(starts, finishes))
    pb.rewind()
    stops = []
    for _ in range(8):
        pb.step()
        stops.append(pb.time)
    assert stops == [1.0, 3.0, 4.0, 5.0, 6.0, 8.0, 9.0, 10.0]
    assert starts.tolist() == [4.0, 1.0, 6.0] and finishes.tolist() == [5.0, 3.0, 9.0]  # not reordered


def test_title_makespan_counts_a_trace_from_its_earliest_start(qtbot):
    trace = Schedule("trace", ["P1", "P2"], [Slot("a", "P1", -2.0, 3.0), Slot("b", "P2", 1.0, 6.5)])
    v = GanttView()
    qtbot.addWidget(v)
    v.set_schedule(trace)
    assert trace.makespan == 8.5
    assert v.chart_title() == "trace: makespan 8.5"
    v.set_schedules([Schedule("empty", ["P1"], []), trace])
    assert v.chart_title().endswith(": makespan 8.5") and "makespan 0" in v.chart_title()


def test_side_by_side_comparison_shares_the_time_axis(qtbot, heft_schedule, heft_graph):
    trace = Schedule("trace", list(heft_schedule.workers),
                     [Slot(s.task, s.worker, s.start * 1.1, s.finish * 1.1) for s in heft_schedule.slots])
    v = GanttView()
    qtbot.addWidget(v)
    v.set_schedules([heft_schedule, trace], heft_graph)
    assert v.lanes == ["heft · P1", "heft · P2", "heft · P3", "trace · P1", "trace · P2", "trace · P3"]
    assert len(v.item.x0) == 20
    assert len(v.bars_of("n10")) == 2
    a, b = v.bar_rect("n10", 0), v.bar_rect("n10", 1)
    assert (a.left(), a.right()) == pytest.approx((73.0, 80.0))
    assert (b.left(), b.right()) == pytest.approx((80.3, 88.0))
    assert b.center().y() > a.center().y() + 3  # the second group sits below the first
    assert v.playback.end == pytest.approx(88.0)  # one clock for both
    v.set_colour_mode("algorithm")
    assert [t for _, t in v.legend_entries()] == ["heft", "trace"]
    assert set(v.item.colour[v.bars_of("n1")]) == {0, 1}
    assert v.chart_title() == "heft: makespan 80   vs   trace: makespan 88"
    v.set_schedules([], None)
    assert v.chart_title() == ""


def test_colour_modes_and_legend(view, heft_graph):
    view.set_colour_mode("worker")
    for s in view.schedules[0].slots:
        (bar,) = view.bars_of(s.task)
        assert view.item.colour[bar] == view.schedules[0].workers.index(s.worker)
    assert [t for _, t in view.legend_entries()] == ["P1", "P2", "P3"]
    view.set_colour_mode("level")
    levels = level_of(heft_graph)
    assert levels["n1"] == 0 and levels["n10"] == max(levels.values()) == 3
    assert view.item.colour[view.bars_of("n10")[0]] == 3
    view.set_colour_mode("task")
    assert len({int(c) for c in view.item.colour}) == 10
    with pytest.raises(ValueError, match="colour mode"):
        view.set_colour_mode("rainbow")


def test_critical_path_is_a_chain_of_waits(view, heft_schedule, heft_graph):
    path = schedule_critical_path(heft_schedule, heft_graph)
    at = heft_schedule.slot_of()
    assert at[path[0]].start == 0 and at[path[-1]].finish == heft_schedule.makespan
    arrive = {(t.source, t.target): t.finish for t in heft_schedule.transfers}
    for u, v in itertools.pairwise(path):
        t = arrive.get((u, v), at[u].finish)
        assert at[v].start == pytest.approx(t), (u, v)
    view.set_show_critical(True)
    assert sorted(view.item.highlights["critical"].tolist()) == sorted(view.bars_of(t)[0] for t in path)
    view.set_show_critical(False)
    assert "critical" not in view.item.highlights


def test_dependency_arrows_and_transfer_lanes(view, heft_schedule, heft_graph):
    view.set_show_dependencies(True)
    assert view.item.show_arrows and len(view.item.arrow_a) == heft_graph.nx.number_of_edges() == 15
    view.plot.grab()  # paints with arrows without error
    view.set_show_transfers(True)
    pairs = sorted({f"{t.src_worker}→{t.dst_worker}" for t in heft_schedule.transfers})
    assert view.lanes[:3] == ["P1", "P2", "P3"] and sorted(view.lanes[3:]) == pairs
    assert len(view.item.x0) == 10 + len(heft_schedule.transfers)
    tr = heft_schedule.transfers[0]
    bar = next(i for i, t in enumerate(view.chart.bar_transfer) if t is tr)
    assert view.item.x0[bar] == tr.start and view.item.x1[bar] == tr.finish
    assert "transfer" in view.tooltip_text(bar)
    view.set_show_transfers(False)
    assert len(view.item.x0) == 10


def test_animate_construction_replays_placements(qtbot, heft_schedule):
    v = GanttView()
    qtbot.addWidget(v)
    slots = sorted(heft_schedule.slots, key=lambda s: s.start)
    # a later placement of a task replaces the earlier one
    slots = [Slot("n1", "P1", 0, 14), *slots]
    v.animate_construction(slots, duration_s=0.3)
    assert not v.item.visible_mask.any()
    with qtbot.waitSignal(v.construction_finished, timeout=5000):
        pass
    mask = v.item.visible_mask
    assert mask[1:].all() and not mask[0]  # the first n1 was replaced
    assert v.task_at(7.0, 0.0) is None  # no n1 left on P1


def test_many_bars_use_level_of_detail(qtbot):
    n = 20_000
    rng = np.random.default_rng(1)
    slots = []
    for w in range(4):
        t = 0.0
        for i in range(n // 4):
            d = float(rng.uniform(0.5, 1.5))
            slots.append(Slot(f"t{w}_{i}", f"W{w}", t, t + d))
            t += d
    v = GanttView()
    qtbot.addWidget(v)
    v.resize(800, 300)
    v.set_schedule(Schedule("synthetic", [f"W{w}" for w in range(4)], slots))
    img = v.plot.grab().toImage()
    assert v.item.last_lod and v.item.last_visible == n
    # the busy lanes are covered: the middle of lane W1 is coloured
    p = v.plot.mapFromScene(v.view_box.mapViewToScene(QtCore.QPointF(1000.0, 1.0)))
    assert QtGui.QColor(img.pixel(p)).name() in PALETTE
    # zoomed in, few bars are drawn, each with its label
    v.view_box.setRange(xRange=(100, 110), yRange=(-0.5, 3.5), padding=0)
    v.plot.grab()
    assert not v.item.last_lod and v.item.last_visible < 60 and v.item.last_labels > 0


def test_construction_ends_on_the_schedule_range_not_on_replaced_placements(qtbot, heft_schedule):
    # an algorithm first placed n10 late (finish 95), then moved it: the replay ends on the
    # final schedule, so the time range is the makespan 80, not the replaced 95
    pb = Playback()
    v = GanttView(pb)
    qtbot.addWidget(v)
    v.set_schedule(heft_schedule)
    assert pb.end == pytest.approx(80.0)
    slots = [Slot("n10", "P1", 90, 95), *sorted(heft_schedule.slots, key=lambda s: s.start)]
    with qtbot.waitSignal(v.construction_finished, timeout=5000):
        v.animate_construction(slots, duration_s=0.2)
    assert pb.end == pytest.approx(80.0) and pb.time == pytest.approx(80.0)
    # stepping back from the end lands on the last event of the final placements (n10 starts at 73)
    pb.step_back()
    assert pb.time == pytest.approx(73.0)
    _lo, hi = v.view_box.viewRange()[0]
    assert hi < 90


def test_transfer_lanes_of_a_trace_come_from_the_platform_it_ran_on(qtbot, heft_schedule, heft_graph):
    trace = Schedule("trace", list(heft_schedule.workers), list(heft_schedule.slots))  # no transfers recorded
    v = GanttView()
    qtbot.addWidget(v)
    v.set_show_transfers(True)
    v.set_schedule(trace, heft_graph)
    assert v.lanes == ["P1", "P2", "P3"]  # no platform given: none is guessed
    plat = heft_graph.default_platform()
    v.set_schedule(trace, heft_graph, platform=plat)
    want = trace.compute_transfers(heft_graph, plat)
    assert want and len(v.item.x0) == 10 + len(want)
    assert v.chart.transfers == [want] and v.chart.platforms == [plat]


@pytest.mark.parametrize(("n", "rows"), [(0, 1), (1, 1), (50, 3), (20_000, 16), (5_000, 3_000)])
def test_bar_rows_are_those_of_sorting_every_bar(qtbot, n, rows):
    from gui.gantt.bars import GanttBarsItem

    rng = np.random.default_rng(n)
    y = rng.integers(0, rows, n).astype(float) + rng.choice([0.0, 0.25], n)
    h = np.where(rng.random(n) < 0.05, 0.44, 0.72)
    item = GanttBarsItem()
    item.set_bars(np.zeros(n), np.ones(n), y, h, np.zeros(n, dtype=np.int32), [""] * n, [QtGui.QColor("red")])
    keys = np.round(y * 1024).astype(np.int64) * (1 << 20) + np.round(h * 1024).astype(np.int64)
    _, first, row = np.unique(keys, return_index=True, return_inverse=True)
    assert item.row.tolist() == row.ravel().tolist()
    assert item.row_y.tolist() == y[first].tolist() and item.row_h.tolist() == h[first].tolist()


def test_a_cut_legend_keeps_the_count_of_every_name_and_its_keys():
    from gui.gantt.legend import fitted

    c = QtGui.QColor("#123456")
    entries = [(c, f"t{i}") for i in range(14)] + [(c, "… 9,986 more"), (c, "transfer"), (c, "critical path")]
    assert fitted(entries, 17) == entries  # everything fits: nothing is cut
    lines = fitted(entries, 8)
    texts = [t for _c, t in lines]
    # 5 names, one line for the 9 names cut and the 9,986 they stood for, then the keys
    assert texts == ["t0", "t1", "t2", "t3", "t4", "… 9,995 more", "transfer", "critical path"]
    assert lines[5][0] is None and len(lines) == 8
    assert [t for _c, t in fitted(entries, 2)] == ["… 10,000 more", "critical path"]
    assert fitted(entries, 0) == []


def test_the_worker_legend_says_how_many_workers_it_leaves_out(qtbot):
    from gui.gantt.colours import LEGEND_LIMIT

    workers = [f"w{i}" for i in range(LEGEND_LIMIT + 3)]
    s = Schedule("heft", workers, [Slot(f"t{i}", w, 0.0, 1.0) for i, w in enumerate(workers)])
    v = GanttView()
    qtbot.addWidget(v)
    v.set_schedules([s], None)
    v.set_colour_mode("worker")
    texts = [t for _c, t in v.legend_entries()]
    assert texts[:LEGEND_LIMIT] == workers[:LEGEND_LIMIT] and texts[LEGEND_LIMIT] == "… 3 more"


def test_a_replay_step_repaints_the_chart_as_one_rectangle(qtbot, monkeypatch):
    # the "now" line moving and the bars refilling: as several rectangles, every line of the
    # time grid was drawn clipped to each (4-8 ms a step at a million bars)
    from gui.gantt import grid

    clips: list[int] = []
    real = grid.TimeGrid.paint

    def spy(self, p, *args):
        clips.append(p.paintEngine().systemClip().rectCount())
        real(self, p, *args)

    monkeypatch.setattr(grid.TimeGrid, "paint", spy)
    s = Schedule("m", ["P1", "P2"], [Slot(f"t{i}", f"P{i % 2 + 1}", float(i), i + 1.5) for i in range(40)])
    v = GanttView()
    qtbot.addWidget(v)
    v.resize(900, 400)
    v.set_schedule(s)
    v.show()
    qtbot.waitExposed(v)
    QtWidgets.QApplication.processEvents()
    clips.clear()
    for t in (10.0, 12.5, 15.0):
        v.playback.seek(t)
        QtWidgets.QApplication.processEvents()
    assert len(clips) >= 3 and set(clips) == {1}
