"""Small things a user notices in the window: what the menus offer and what the table shows."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6 import QtCore

from gui.algorithms import is_anytime, is_slow
from gui.gantt import PlaybackBar
from gui.panels import PlatformPanel
from model.algorithms import available

FORK_JOIN = Path(__file__).resolve().parents[2] / "assets" / "examples" / "fork-join.taskgraph.json"


@pytest.fixture
def window(main_window):
    return main_window


def _quick_algorithms() -> list[str]:
    return [n for n in available() if not is_anytime(n) and not is_slow(n)]


def test_cancel_all_runs_is_offered_only_while_something_runs(qtbot, window):
    w = window
    assert w.open_path(str(FORK_JOIN))
    assert not w.menus.cancel_all.isEnabled()  # nothing to cancel yet
    with qtbot.waitSignal(w.manager.run_finished, timeout=30_000):
        w.results.run(["heft"])
        assert w.menus.cancel_all.isEnabled()
    qtbot.waitUntil(lambda: not w.results.cancel_all_button.isEnabled(), timeout=5000)
    assert not w.menus.cancel_all.isEnabled()


def test_the_row_of_the_result_on_the_chart_stays_in_view_as_results_arrive(qtbot, window):
    w = window
    # a short window: the finished table is taller than its view (at 800 px it fits once the
    # progress lines of the runs have gone, which the test must not depend on)
    w.resize(1280, 600)
    assert w.open_path(str(FORK_JOIN))
    names = _quick_algorithms()
    table = w.results.table
    # worst first: the best result, which the chart follows, sorts in at the bottom
    table.sortByColumn(1, QtCore.Qt.SortOrder.DescendingOrder)
    worst = "lc"
    with qtbot.waitSignal(w.manager.run_finished, timeout=30_000):
        w.results.run([worst])
    rest = [n for n in names if n != worst]
    with qtbot.waitSignals([w.manager.run_finished] * len(rest), timeout=60_000):
        w.results.run(rest)
    assert w.results.proxy.rowCount() == len(names)
    shown = w.session.primary.algorithm
    assert shown == min(w.results.results().values(), key=lambda s: s.makespan).algorithm  # the best is followed
    rows = table.selectionModel().selectedRows()
    assert [w.results.model.rows[w.results.proxy.mapToSource(i).row()].algorithm for i in rows] == [shown]
    # the table is taller than its view here: the test means something only if rows can be out of sight
    last = w.results.proxy.index(len(names) - 1, 0)
    first = w.results.proxy.index(0, 0)
    viewport = table.viewport().rect()
    assert not (viewport.contains(table.visualRect(first)) and viewport.contains(table.visualRect(last)))
    assert viewport.intersects(table.visualRect(rows[0]))


def test_transport_controls_are_greyed_out_until_there_is_something_to_replay(qtbot, window):
    w = window
    assert w.open_path(str(FORK_JOIN))
    bar = w.gantt.findChild(PlaybackBar) or w.findChild(PlaybackBar)
    transport = (bar.back_button, bar.play_button, bar.step_button, bar.slider)
    assert not any(c.isEnabled() for c in transport)  # no schedule yet: play would do nothing
    assert not w.menus.play.isEnabled()  # nor Run ▸ Play / pause
    assert bar.speed_box.isEnabled()  # the speed can be chosen beforehand
    with qtbot.waitSignal(w.manager.run_finished, timeout=30_000):
        w.results.run(["heft"])
    assert w.session.primary is not None
    assert all(c.isEnabled() for c in transport) and w.menus.play.isEnabled()
    qtbot.mouseClick(bar.play_button, QtCore.Qt.MouseButton.LeftButton)
    assert w.playback.playing
    w.playback.pause()


def test_a_zero_bandwidth_or_speed_is_refused_with_the_value_named(qtbot, window):
    w = window
    assert w.open_path(str(FORK_JOIN))
    panel = w.findChild(PlatformPanel)
    panel.bandwidth_edit.setText("0")
    panel.bandwidth_edit.editingFinished.emit()
    assert panel.message_text() == "network bandwidth must be positive (0)"
    assert w.document.platform.network.bandwidth == 1  # the platform is unchanged
    panel.speeds.item(1, 0).setText("0.0")
    assert panel.message_text() == "speed of worker 'P2' must be positive (0)"
    assert w.document.platform.workers[1].speed == 1


def test_the_chart_title_says_when_its_schedule_no_longer_matches_the_graph(qtbot, window):
    w = window
    assert w.open_path(str(FORK_JOIN))
    with qtbot.waitSignal(w.manager.run_finished, timeout=30_000):
        w.results.run(["heft"])
    sched = w.session.primary
    assert w.gantt.chart_title() == f"heft: makespan {sched.makespan:g}"
    w.document.set_worker_count(3)
    assert w.gantt.chart_title().endswith("(stale: the platform changed, run again)")
    w.show_schedule(sched)  # shown again, it is as stale as before
    assert w.gantt.chart_title().endswith("(stale: the platform changed, run again)")
    w.document.undo_stack.undo()  # back to the platform it was computed for
    assert "stale" not in w.gantt.chart_title()
    w.document.set_cost(["F0"], 40)
    assert w.gantt.chart_title() == f"heft: makespan {sched.makespan:g}   (stale: the graph changed, run again)"
    assert w.gantt.plot_item.titleLabel.text == w.gantt.chart_title()
    w.document.undo_stack.setClean()  # no unsaved-changes question when the window closes


def test_what_an_algorithm_needs_comes_from_the_registry_whatever_its_name(monkeypatch):
    from gui.algorithms import tooltip, unavailable_reason
    from model.algorithms import ALGORITHMS

    assert unavailable_reason("heft") is None and "Not available" not in tooltip("heft")
    monkeypatch.setattr(ALGORITHMS["heft"], "needs", "no_such_module_here")
    reason = unavailable_reason("heft")
    assert reason is not None and "no_such_module_here" in reason
    assert tooltip("heft").endswith(f"Not available here: {reason}")


def test_allocator_keeps_big_buffers_on_glibc():
    """The app asks glibc to keep the big buffers a frame of a million-bar chart reuses."""
    import platform
    import sys

    from gui.app import keep_big_buffers

    on_glibc = sys.platform.startswith("linux") and platform.libc_ver()[0] == "glibc"
    assert keep_big_buffers() is on_glibc
