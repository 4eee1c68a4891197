"""Replay of a schedule: a small time model driven by a timer, and its control bar.

:class:`Playback` holds the current time of a replay. A ``QTimer`` advances it while
playing; views (the Gantt chart, the graph editor) listen to :attr:`Playback.time_changed`
and draw the state of the schedule at that time (see :func:`model.replay.task_states`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from operator import attrgetter
from typing import Any

import numpy as np
from PySide6 import QtCore, QtGui, QtWidgets

from gui.numbers import human

__all__ = ["JumpSlider", "Playback", "PlaybackBar"]

_START = attrgetter("start")
_FINISH = attrgetter("finish")

#: the speeds offered by the control bar
SPEEDS = (0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0)


class Playback(QtCore.QObject):
    """The clock of a replay.

    Time runs from :attr:`start` to :attr:`end` (``start + duration``). At speed 1 the
    whole range plays in :attr:`play_seconds` seconds of wall-clock time, whatever the
    schedule's unit; :meth:`set_speed` multiplies that rate.

    Signals
    -------
    time_changed(float)
        The current time moved.
    state_changed(bool)
        Playing (``True``) or paused (``False``).
    range_changed()
        ``start`` / ``duration`` changed.
    finished()
        The replay reached the end while playing.
    """

    time_changed = QtCore.Signal(float)
    state_changed = QtCore.Signal(bool)
    range_changed = QtCore.Signal()
    finished = QtCore.Signal()

    def __init__(self, parent: QtCore.QObject | None = None, *, interval_ms: int = 16) -> None:
        super().__init__(parent)
        self._start = 0.0
        self._duration = 0.0
        self._time = 0.0
        self._speed = 1.0
        self.play_seconds = 10.0
        self._events = np.zeros(0)
        self._columns: tuple[np.ndarray, ...] = ()
        self._sorted = True
        self._timer = QtCore.QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._clock = QtCore.QElapsedTimer()

    # ------------------------------------------------------------- properties
    @property
    def time(self) -> float:
        return self._time

    @property
    def start(self) -> float:
        return self._start

    @property
    def duration(self) -> float:
        return self._duration

    @property
    def end(self) -> float:
        return self._start + self._duration

    @property
    def speed(self) -> float:
        return self._speed

    @property
    def playing(self) -> bool:
        return self._timer.isActive()

    @property
    def at_end(self) -> bool:
        return self._time >= self.end

    # ---------------------------------------------------------------- set-up
    def set_range(self, start: float, duration: float, *, events: Iterable[float] = (),
                  event_columns: Sequence[np.ndarray] = ()) -> None:
        """Set the time range (and the event times :meth:`step` jumps between: ``events``,
        and the times in the arrays ``event_columns``, which are only read).

        The time moves to the end, so a freshly loaded chart shows the whole schedule.
        """
        self._start = float(start)
        self._duration = max(0.0, float(duration))
        # joined and sorted on the first step (copying and sorting 2 million times of a big
        # chart is not paid by its first frame); the caller's arrays stay as they are
        first = np.array(events if isinstance(events, np.ndarray) else list(events), dtype=np.float64)
        self._events = first
        self._columns = tuple(event_columns)
        self._sorted = False
        self.range_changed.emit()
        self.pause()
        self.seek(self.end)

    def set_schedule(self, schedule: Any) -> None:
        """Take range and step events (starts and finishes) from a schedule."""
        if schedule is None or not schedule.slots:
            self.set_range(0.0, 0.0)
            return
        slots = schedule.slots
        starts = np.fromiter(map(_START, slots), dtype=np.float64, count=len(slots))
        finishes = np.fromiter(map(_FINISH, slots), dtype=np.float64, count=len(slots))
        origin = min(0.0, float(starts.min()))
        end = float(finishes.max())
        self.set_range(origin, end - origin, event_columns=(starts, finishes))

    def events(self) -> np.ndarray:
        """The times :meth:`step` and :meth:`step_back` stop at, sorted (repeats kept)."""
        if not self._sorted:
            if self._columns:
                self._events = np.concatenate((self._events, *self._columns)).astype(np.float64, copy=False)
                self._columns = ()
            self._events.sort()
            self._sorted = True
        return self._events

    # -------------------------------------------------------------- controls
    def play(self) -> None:
        """Start (or restart from the beginning when at the end)."""
        if self._duration <= 0:
            return
        if self.at_end:
            self.seek(self._start)
        if not self._timer.isActive():
            self._clock.start()
            self._timer.start()
            self.state_changed.emit(True)

    def pause(self) -> None:
        if self._timer.isActive():
            self._timer.stop()
            self.state_changed.emit(False)

    def toggle(self) -> None:
        if self.playing:
            self.pause()
        else:
            self.play()

    def seek(self, t: float) -> None:
        """Move to time ``t`` (clamped to the range)."""
        t = min(max(float(t), self._start), self.end)
        if t != self._time:
            self._time = t
            self.time_changed.emit(t)

    def step(self, dt: float | None = None) -> None:
        """Move by ``dt``; without it, to the next start or finish of a task.

        A negative ``dt`` steps back. Stepping pauses the replay.
        """
        self.pause()
        if dt is None:
            if self.at_end:
                self.seek(self._start)
                return
            events = self.events()
            i = int(np.searchsorted(events, self._time + 1e-12 * max(1.0, abs(self._time)), side="right"))
            target = float(events[i]) if i < len(events) else self.end
            self.seek(target)
        else:
            self.seek(self._time + dt)

    def step_back(self) -> None:
        """Move to the previous start or finish of a task."""
        self.pause()
        events = self.events()
        i = int(np.searchsorted(events, self._time - 1e-12 * max(1.0, abs(self._time)), side="left"))
        self.seek(float(events[i - 1]) if i > 0 else self._start)

    def rewind(self) -> None:
        """Go to the start (pauses the replay)."""
        self.pause()
        self.seek(self._start)

    def set_speed(self, x: float) -> None:
        if not x > 0:
            raise ValueError(f"speed must be positive, got {x!r}")
        self._speed = float(x)

    def rate(self) -> float:
        """Schedule time units per wall-clock second."""
        return self._duration / max(self.play_seconds, 1e-9) * self._speed

    # ------------------------------------------------------------------ timer
    def _on_timer_timeout(self) -> None:
        dt = self._clock.restart() / 1000.0
        t = self._time + dt * self.rate()
        if t >= self.end:
            self.seek(self.end)
            self.pause()
            self.finished.emit()
        else:
            self.seek(t)


class JumpSlider(QtWidgets.QSlider):
    """A slider that jumps to where its groove is clicked (instead of paging towards it),
    then follows the drag."""

    def mousePressEvent(self, ev: QtGui.QMouseEvent) -> None:
        if ev.button() == QtCore.Qt.MouseButton.LeftButton:
            opt = QtWidgets.QStyleOptionSlider()
            self.initStyleOption(opt)
            style = self.style()
            handle = style.subControlRect(QtWidgets.QStyle.ComplexControl.CC_Slider, opt,
                                          QtWidgets.QStyle.SubControl.SC_SliderHandle, self)
            pos = ev.position().toPoint()
            if not handle.contains(pos):
                groove = style.subControlRect(QtWidgets.QStyle.ComplexControl.CC_Slider, opt,
                                              QtWidgets.QStyle.SubControl.SC_SliderGroove, self)
                if self.orientation() == QtCore.Qt.Orientation.Horizontal:
                    span = groove.width() - handle.width()
                    at = pos.x() - groove.x() - handle.width() // 2
                else:
                    span = groove.height() - handle.height()
                    at = pos.y() - groove.y() - handle.height() // 2
                value = QtWidgets.QStyle.sliderValueFromPosition(self.minimum(), self.maximum(), at, max(span, 1),
                                                                 opt.upsideDown)
                self.setValue(value)
                # the handle is now under the mouse: the press goes on as a drag of it
        super().mousePressEvent(ev)


class PlaybackBar(QtWidgets.QWidget):
    """Go to start, step back, play / pause, step, speed and a scrub slider for a :class:`Playback`."""

    _STEPS = 1000

    def __init__(self, playback: Playback, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.playback = playback
        lay = QtWidgets.QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        style = self.style()
        self.start_button = QtWidgets.QToolButton()
        self.start_button.setToolTip("Go to the start")
        self.start_button.setIcon(style.standardIcon(QtWidgets.QStyle.StandardPixmap.SP_MediaSkipBackward))
        self.back_button = QtWidgets.QToolButton()
        self.back_button.setToolTip("Step back to the previous start or finish")
        self.back_button.setIcon(style.standardIcon(QtWidgets.QStyle.StandardPixmap.SP_MediaSeekBackward))
        self.play_button = QtWidgets.QToolButton()
        self.play_button.setToolTip("Play / pause (Space)")
        self.step_button = QtWidgets.QToolButton()
        self.step_button.setToolTip("Step to the next start or finish")
        self.step_button.setIcon(style.standardIcon(QtWidgets.QStyle.StandardPixmap.SP_MediaSeekForward))
        self.speed_box = QtWidgets.QComboBox()
        self.speed_box.setToolTip("Replay speed")
        for s in SPEEDS:
            self.speed_box.addItem(f"{s:g}×", s)
        self.speed_box.setCurrentIndex(SPEEDS.index(1.0))
        self.slider = JumpSlider(QtCore.Qt.Orientation.Horizontal)
        self.slider.setToolTip("Click or drag to move in time")
        self.slider.setRange(0, self._STEPS)
        self.time_label = QtWidgets.QLabel()
        self.time_label.setMinimumWidth(110)
        for w in (self.start_button, self.back_button, self.play_button, self.step_button, self.speed_box):
            lay.addWidget(w)
        lay.addWidget(self.slider, 1)
        lay.addWidget(self.time_label)

        self.start_button.clicked.connect(playback.rewind)
        self.back_button.clicked.connect(playback.step_back)
        self.play_button.clicked.connect(playback.toggle)
        self.step_button.clicked.connect(lambda: playback.step())
        self.speed_box.currentIndexChanged.connect(self._on_speed_box_changed)
        self.slider.valueChanged.connect(self._on_slider_moved)
        playback.time_changed.connect(self._on_playback_time_changed)
        playback.state_changed.connect(self._on_playback_state_changed)
        playback.range_changed.connect(self._on_playback_range_changed)
        self._on_playback_state_changed(playback.playing)
        self._on_playback_range_changed()

    def _on_playback_range_changed(self) -> None:
        # with nothing to replay the transport controls cannot act: grey them out (speed stays choosable)
        has_range = self.playback.duration > 0
        for w in (self.start_button, self.back_button, self.play_button, self.step_button, self.slider):
            w.setEnabled(has_range)
        self._on_playback_time_changed(self.playback.time)

    def _on_speed_box_changed(self, i: int) -> None:
        self.playback.set_speed(float(self.speed_box.itemData(i)))

    def _on_slider_moved(self, v: int) -> None:
        pb = self.playback
        if self.slider.signalsBlocked():
            return
        pb.seek(pb.start + pb.duration * v / self._STEPS)

    def _on_playback_time_changed(self, t: float) -> None:
        pb = self.playback
        frac = 0.0 if pb.duration <= 0 else (t - pb.start) / pb.duration
        blocked = self.slider.blockSignals(True)
        self.slider.setValue(round(frac * self._STEPS))
        self.slider.blockSignals(blocked)
        self.time_label.setText(f"t = {human(t, 6)} / {human(pb.end, 6)}")

    def _on_playback_state_changed(self, playing: bool) -> None:
        icon = QtWidgets.QStyle.StandardPixmap.SP_MediaPause if playing else QtWidgets.QStyle.StandardPixmap.SP_MediaPlay
        self.play_button.setIcon(self.style().standardIcon(icon))
        self.play_button.setText("Pause" if playing else "Play")
