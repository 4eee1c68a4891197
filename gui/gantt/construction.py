"""Replaying how an algorithm built its schedule, placement by placement, and what it weighed.

:class:`Construction` shows a chart's bars (one per placement, in order) as a replay
runs: at a chosen speed, or one placement at a time forward and back. With the
algorithm's :class:`~model.decisions.Decisions` (:meth:`Construction.explain`) its
:class:`ConstructionPanel` lists, for the placement just made, every worker's data-ready
time, earliest start and earliest finish (EFT) with the chosen worker highlighted, the
task's priority and one sentence on the choice.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6 import QtCore, QtGui, QtWidgets

from model.explain import fmt
from model.graph import GraphError, Platform, TaskGraph
from model.schedule import Slot

if TYPE_CHECKING:
    from model.decisions import Decision, Decisions

    from .view import GanttView

__all__ = ["SPEEDS", "Construction", "ConstructionPanel"]

#: placements per second the speed slider offers (log scale)
SPEEDS = (0.5, 500.0)
CHOSEN_BACKGROUND = QtGui.QColor("#fff3bf")


class Construction(QtCore.QObject):
    """Shows a chart's bars (one per placement, in order) as a replay moves on.

    A later placement of a task hides the earlier one from then on. The first time the
    last placement is shown the time range becomes that of the final placements and
    :attr:`finished` is emitted; the replay can still be stepped back and forth until
    :meth:`stop`. :attr:`timer` drives it; :meth:`step` moves one tick on.

    Signals
    -------
    finished()
        The last placement is shown (once per replay).
    stepped(int)
        The placement shown last changed (its index, -1 before the first).
    """

    finished = QtCore.Signal()
    stepped = QtCore.Signal(int)

    def __init__(self, view: GanttView) -> None:
        super().__init__(view)
        self.view = view
        self.timer = QtCore.QTimer(self)
        self.timer.setInterval(30)
        self.timer.timeout.connect(self._on_timer_timeout)
        self._slots: list[Slot] = []
        self._later = np.zeros(0, dtype=np.int64)
        self._k = -1
        self._rate = 10.0  # placements per second
        self._acc = 0.0
        self._active = False
        self._ended = False
        self.decisions: Decisions | None = None
        self.note = ""
        #: the per-step explanation; the window places it beside the chart
        self.panel = ConstructionPanel(self)

    # ------------------------------------------------------------------ state
    @property
    def running(self) -> bool:
        """Whether a replay is playing."""
        return self._active and self.timer.isActive()

    @property
    def active(self) -> bool:
        """Whether a replay is shown (playing or paused), until :meth:`stop`."""
        return self._active

    @property
    def index(self) -> int:
        """The index of the placement shown last (-1: none yet)."""
        return self._k

    @property
    def count(self) -> int:
        """How many placements the replay has."""
        return len(self._slots)

    @property
    def rate(self) -> float:
        """Placements per second while playing."""
        return self._rate

    def slot(self, k: int | None = None) -> Slot | None:
        """Placement ``k`` (default: the one shown last)."""
        k = self._k if k is None else k
        return self._slots[k] if 0 <= k < len(self._slots) else None

    def decision(self, k: int | None = None) -> Decision | None:
        """What was weighed for placement ``k`` (default: the one shown last), when known."""
        k = self._k if k is None else k
        d = self.decisions
        return d.steps[k] if d is not None and 0 <= k < len(d.steps) else None

    # ------------------------------------------------------------------ control
    def start(self, slots: list[Slot], duration_s: float | None = None) -> None:
        """Replay ``slots`` (already drawn by the view, bar ``i`` for slot ``i``) in about ``duration_s``."""
        view = self.view
        n = len(slots)
        later = np.full(n, n + 1, dtype=np.int64)
        last: dict[str, int] = {}
        for i in range(n - 1, -1, -1):
            later[i] = last.get(slots[i].task, n + 1)
            last[slots[i].task] = i
        total_s = duration_s if duration_s is not None else min(8.0, max(1.5, 0.06 * n))
        self._slots, self._later, self._k = list(slots), later, -1
        self._rate = max(n / max(total_s, 1e-3), 1e-3)
        self._acc = 0.0
        self._active = True
        self._ended = False
        self.decisions = None
        self.note = ""
        view.item.set_visible_mask(np.zeros(n, dtype=bool))
        view.playback.set_range(0.0, max((s.finish for s in slots), default=0.0))
        view.fit()
        self.panel.refresh()
        if n:
            self.timer.start()
        else:
            self._end()

    def explain(self, graph: TaskGraph, platform: Platform, algorithm: str) -> Decisions | None:
        """Compute what ``algorithm`` weighed at each placement of the replay (see :mod:`model.decisions`).

        Replays of more than :data:`~model.decisions.MAX_DECISIONS` placements, or of
        placements that do not fit the graph any more, go on without it; :attr:`note` says why.
        """
        # the explanations (and the algorithm engines they replay) load when first asked for
        from model.decisions import MAX_DECISIONS, decisions

        self.decisions, self.note = None, ""
        if len(self._slots) > MAX_DECISIONS:
            self.note = (f"{len(self._slots):,} placements: what each one weighed is shown up to "
                         f"{MAX_DECISIONS:,}")
        else:
            try:
                self.decisions = decisions(graph, platform, algorithm, self._slots)
            except GraphError as e:
                self.note = f"What each placement weighed is not available: {e} (the graph changed since the run?)"
        self.panel.refresh()
        return self.decisions

    def step(self) -> bool:
        """One timer tick: show the placements due by now; ``False`` once all are shown."""
        if not self._active or self._k >= len(self._slots) - 1:
            self.timer.stop()
            return False
        self._acc += self._rate * self.timer.interval() / 1000.0
        n = max(1, math.floor(self._acc)) if self._acc >= 1 or self._k < 0 else 0
        if n:
            self._acc = max(0.0, self._acc - n)
            self._show(min(len(self._slots) - 1, self._k + n))
        if self._k >= len(self._slots) - 1:
            self.timer.stop()
            return False
        return True

    def step_forward(self) -> bool:
        """Pause and show one placement more; ``False`` at the last one."""
        self.pause()
        if not self._active or self._k >= len(self._slots) - 1:
            return False
        self._show(self._k + 1)
        return True

    def step_back(self) -> bool:
        """Pause and show one placement less; ``False`` before the first."""
        self.pause()
        if not self._active or self._k < 0:
            return False
        self._show(self._k - 1)
        return True

    def go_to(self, k: int) -> None:
        """Show the placements up to ``k`` (-1: none), paused."""
        self.pause()
        if self._active:
            self._show(max(-1, min(len(self._slots) - 1, int(k))))

    def pause(self) -> None:
        self.timer.stop()
        self.panel.refresh_controls()

    def play(self) -> None:
        """Go on from the placement shown (from the first after the last)."""
        if not self._active or not self._slots:
            return
        if self._k >= len(self._slots) - 1:
            self._show(-1)
        self._acc = 0.0
        self.timer.start()
        self.panel.refresh_controls()

    def toggle(self) -> None:
        if self.timer.isActive():
            self.pause()
        else:
            self.play()

    def set_rate(self, per_second: float) -> None:
        """Placements per second while playing."""
        self._rate = max(SPEEDS[0], min(SPEEDS[1], float(per_second)))
        self.panel.refresh_controls()

    def stop(self) -> None:
        """Stop a replay and show every bar."""
        self.timer.stop()
        self._active = False
        if self.view.plot_made:  # else no bar was ever drawn
            self.view.item.visible_mask = None
            self.view.item.set_highlight("selected", [])
        self.panel.refresh()

    # ------------------------------------------------------------------ drawing
    def _show(self, k: int) -> None:
        view = self.view
        n = len(self._slots)
        self._k = k
        idx = np.arange(n)
        view.item.set_visible_mask((idx <= k) & (self._later > k))
        view.item.set_highlight("selected", [k] if k >= 0 else [])
        self.panel.refresh()
        self.stepped.emit(k)
        if k == n - 1 and not self._ended:
            self._end()

    def _end(self) -> None:
        self._ended = True
        view = self.view
        n = len(self._slots)
        # end on the final placements: replaced ones must not stretch the time range
        final = [s for s, later in zip(self._slots, self._later, strict=True) if later > n]
        end = max((s.finish for s in final), default=0.0)
        view.playback.set_range(0.0, end, events=[t for s in final for t in (s.start, s.finish)])
        if final:
            view.view_box.setXRange(min(0.0, min(s.start for s in final)), end, padding=0.02)
        if n and self.decisions is None:
            view.item.set_highlight("selected", [])
        self.panel.refresh_controls()
        self.finished.emit()

    def _on_timer_timeout(self) -> None:
        self.step()


class ConstructionPanel(QtWidgets.QFrame):
    """Controls of a construction replay and what the algorithm weighed at the step shown.

    Back / play-pause / forward, the speed, the step, and a table with a row per
    worker: when the task's data is there (ready), its earliest start and its earliest
    finish (EFT) — and the algorithm's own score when it has one (PEFT, DLS); the
    chosen worker's row is highlighted. The window shows it (a dock) while
    :attr:`shown_changed` says a replay is on.

    Signals
    -------
    shown_changed(bool)
        A replay started (``True``) or ended.
    """

    shown_changed = QtCore.Signal(bool)

    def __init__(self, construction: Construction, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.construction = construction
        self._shown = False
        self.setFrameShape(QtWidgets.QFrame.Shape.StyledPanel)
        self.title = QtWidgets.QLabel()
        f = self.title.font()
        f.setBold(True)
        self.title.setFont(f)
        self.title.setWordWrap(True)

        def button(text: str, tip: str, slot: Any) -> QtWidgets.QToolButton:
            b = QtWidgets.QToolButton()
            b.setText(text)
            b.setToolTip(tip)
            b.clicked.connect(lambda _c=False: slot())
            return b

        self.back_button = button("◀", "One placement back", construction.step_back)
        self.play_button = button("▶", "Play / pause", construction.toggle)
        self.forward_button = button("▶|", "One placement forward", construction.step_forward)
        self.close_button = button("Done", "End the replay and show the whole schedule", construction.stop)
        self.speed = QtWidgets.QSlider(QtCore.Qt.Orientation.Horizontal)
        self.speed.setRange(0, 100)
        self.speed.setToolTip("Placements per second")
        self.speed.valueChanged.connect(self._on_speed_value_changed)
        self.speed_label = QtWidgets.QLabel()
        self.speed_label.setMinimumWidth(48)
        controls = QtWidgets.QHBoxLayout()
        for b in (self.back_button, self.play_button, self.forward_button):
            controls.addWidget(b)
        controls.addWidget(self.speed, 1)
        controls.addWidget(self.speed_label)
        controls.addWidget(self.close_button)
        self.priority = QtWidgets.QLabel()
        self.priority.setWordWrap(True)
        self.table = QtWidgets.QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["worker", "ready", "start", "EFT"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QtWidgets.QAbstractItemView.SelectionMode.NoSelection)
        self.table.horizontalHeader().setSectionResizeMode(QtWidgets.QHeaderView.ResizeMode.Stretch)
        self.table.setToolTip("ready: the task's inputs are there; start: its earliest start (in an idle gap "
                              "when the algorithm inserts); EFT: its earliest finish. Highlighted: the chosen worker.")
        self.text = QtWidgets.QLabel()
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(QtCore.Qt.TextInteractionFlag.TextSelectableByMouse)
        self.rule = QtWidgets.QLabel()
        self.rule.setWordWrap(True)
        self.rule.setStyleSheet("color: #555;")
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.addWidget(self.title)
        lay.addLayout(controls)
        lay.addWidget(self.priority)
        lay.addWidget(self.table, 1)
        lay.addWidget(self.text)
        lay.addWidget(self.rule)
        lay.addStretch(1)

    # ------------------------------------------------------------------ queries
    def rows(self) -> list[list[str]]:
        """The table as text, a row per worker."""
        def text(r: int, c: int) -> str:
            it = self.table.item(r, c)
            return it.text() if it is not None else ""

        return [[text(r, c) for c in range(self.table.columnCount())] for r in range(self.table.rowCount())]

    def chosen_row(self) -> int:
        """The highlighted row (-1: none)."""
        for r in range(self.table.rowCount()):
            it = self.table.item(r, 0)
            if it is not None and it.background().color() == CHOSEN_BACKGROUND:
                return r
        return -1

    # ------------------------------------------------------------------ drawing
    def refresh_controls(self) -> None:
        c = self.construction
        playing = c.timer.isActive()
        self.play_button.setText("❚❚" if playing else "▶")
        self.back_button.setEnabled(c.active and c.index >= 0)
        self.forward_button.setEnabled(c.active and c.index < c.count - 1)
        lo, hi = math.log(SPEEDS[0]), math.log(SPEEDS[1])
        v = round(100 * (math.log(max(SPEEDS[0], min(SPEEDS[1], c.rate))) - lo) / (hi - lo))
        if self.speed.value() != v:
            blocked = self.speed.blockSignals(True)
            self.speed.setValue(v)
            self.speed.blockSignals(blocked)
        self.speed_label.setText(f"{c.rate:.3g}/s")

    def refresh(self) -> None:
        c = self.construction
        if c.active != self._shown:
            self._shown = c.active
            self.shown_changed.emit(c.active)
        if not c.active:
            return
        self.refresh_controls()
        d = c.decisions
        algorithm = d.algorithm if d is not None else (c.view.schedules[0].algorithm if c.view.schedules else "")
        slot = c.slot()
        step = f"step {c.index + 1} of {c.count}" if c.index >= 0 else f"{c.count} placements"
        self.title.setText(f"How {algorithm} builds its schedule: {step}")
        self.rule.setText(f"Rule: {d.rule}." if d is not None else c.note)
        dec = c.decision()
        score = d is not None and bool(d.score_name)
        self.table.setColumnCount(5 if score else 4)
        self.table.setHorizontalHeaderLabels(["worker", "ready", "start", "EFT", *([d.score_name] if score and d else [])])
        if dec is None:
            self.table.setRowCount(0)
            self.table.setVisible(False)
            self.priority.setText(f"{slot.task} on {slot.worker}, {fmt(slot.start)}–{fmt(slot.finish)}"
                                  if slot is not None else "Press ▶ or step forward to see the first placement.")
            self.text.setText("")
            return
        assert d is not None
        pr = f" · {d.priority_name} {fmt(dec.priority)}" if dec.priority is not None and d.priority_name else ""
        self.priority.setText(f"<b>{dec.task}</b>{pr} → <b>{dec.worker}</b>")
        self.text.setText(dec.text)
        self.table.setVisible(bool(dec.options))
        self.table.setRowCount(len(dec.options))
        for r, o in enumerate(dec.options):
            mark = " ✓" if o.worker == dec.worker else (" (pinned away)" if not o.allowed else "")
            values = [o.worker + mark, fmt(o.ready), fmt(o.start), fmt(o.finish)]
            if score:
                values.append(fmt(o.score) if o.score is not None else "")
            for col, v in enumerate(values):
                it = QtWidgets.QTableWidgetItem(v)
                if col:
                    it.setTextAlignment(QtCore.Qt.AlignmentFlag.AlignRight | QtCore.Qt.AlignmentFlag.AlignVCenter)
                if o.worker == dec.worker:
                    it.setBackground(CHOSEN_BACKGROUND)
                    fnt = it.font()
                    fnt.setBold(True)
                    it.setFont(fnt)
                elif not o.allowed:
                    it.setForeground(QtGui.QColor("#999999"))
                self.table.setItem(r, col, it)
        self.table.setFixedHeight(self.table.horizontalHeader().height() + 4
                                  + sum(self.table.rowHeight(r) for r in range(min(len(dec.options), 12))))

    def _on_speed_value_changed(self, v: int) -> None:
        lo, hi = math.log(SPEEDS[0]), math.log(SPEEDS[1])
        self.construction.set_rate(math.exp(lo + (hi - lo) * v / 100))
