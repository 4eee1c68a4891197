"""What the graph and the chart are coloured by: one state, shown by every control.

The View menu, the toolbar's overlay box, the graph editor and the Gantt chart's own
controls (colour box, critical path, dependencies, transfers) all show one
:class:`OverlayState`. A control changes the state; the state tells every view and
every other control (:attr:`OverlayState.changed`), so the menu's check marks, the
toolbar box and the chart's check boxes never disagree.

:func:`bind_views` connects the state to the editor, the chart and the replay clock:
pressing Play while the graph is plain colours it by playback state (waiting, running,
done), which is a colour mode of its own, so a chosen overlay stays as it is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6 import QtCore

from gui.editor.looks import EDITOR_OVERLAYS
from gui.gantt.colours import COLOUR_MODES

if TYPE_CHECKING:
    from gui.editor import GraphEditorView
    from gui.gantt import GanttView, Playback

__all__ = ["CHART_FLAGS", "OverlayState", "bind_views"]

#: the chart's on/off options
CHART_FLAGS = ("show_critical", "show_dependencies", "show_transfers")


class OverlayState(QtCore.QObject):
    """The editor's overlay, the chart's colour mode and the chart's on/off options.

    Signals
    -------
    changed(str)
        One of them changed: ``"overlay"``, ``"gantt_colour"`` or a name of
        :data:`CHART_FLAGS`.
    """

    changed = QtCore.Signal(str)

    def __init__(self, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self._overlay = "none"
        self._gantt_colour = "task"
        self._flags = dict.fromkeys(CHART_FLAGS, False)

    @property
    def overlay(self) -> str:
        """The editor's overlay, one of :data:`~gui.editor.looks.EDITOR_OVERLAYS`."""
        return self._overlay

    @property
    def gantt_colour(self) -> str:
        """The chart's colour mode, one of :data:`~gui.gantt.colours.COLOUR_MODES`."""
        return self._gantt_colour

    def flag(self, name: str) -> bool:
        """One of the chart's on/off options (:data:`CHART_FLAGS`)."""
        return self._flags[name]

    @property
    def show_critical(self) -> bool:
        return self._flags["show_critical"]

    @property
    def show_dependencies(self) -> bool:
        return self._flags["show_dependencies"]

    @property
    def show_transfers(self) -> bool:
        return self._flags["show_transfers"]

    def set_overlay(self, mode: str) -> None:
        """Colour the graph by ``mode``; emits :attr:`changed` when it differs."""
        if mode not in EDITOR_OVERLAYS:
            raise ValueError(f"unknown overlay {mode!r} (known: {', '.join(EDITOR_OVERLAYS)})")
        if mode != self._overlay:
            self._overlay = mode
            self.changed.emit("overlay")

    def set_gantt_colour(self, mode: str) -> None:
        """Colour the chart's bars by ``mode``; emits :attr:`changed` when it differs."""
        if mode not in COLOUR_MODES:
            raise ValueError(f"unknown colour mode {mode!r} (known: {', '.join(COLOUR_MODES)})")
        if mode != self._gantt_colour:
            self._gantt_colour = mode
            self.changed.emit("gantt_colour")

    def set_flag(self, name: str, on: bool) -> None:
        """Turn a chart option of :data:`CHART_FLAGS` on or off; emits :attr:`changed` when it differs."""
        if name not in self._flags:
            raise ValueError(f"unknown chart option {name!r} (known: {', '.join(CHART_FLAGS)})")
        if bool(on) != self._flags[name]:
            self._flags[name] = bool(on)
            self.changed.emit(name)

    def set_show_critical(self, on: bool) -> None:
        self.set_flag("show_critical", on)

    def set_show_dependencies(self, on: bool) -> None:
        self.set_flag("show_dependencies", on)

    def set_show_transfers(self, on: bool) -> None:
        self.set_flag("show_transfers", on)


def bind_views(state: OverlayState, editor: GraphEditorView | None = None, gantt: GanttView | None = None,
               playback: Playback | None = None) -> None:
    """Make ``editor`` and ``gantt`` show ``state``, and the chart's own controls change it.

    The views keep their setters (``set_overlay``, ``set_colour_mode``, ...); this only
    connects them both ways. With ``playback``, starting a replay while the graph is
    plain turns the playback-state colours on.
    """
    if editor is not None:
        editor.set_overlay(state.overlay)

    def push(what: str) -> None:
        if what == "overlay" and editor is not None:
            if editor.overlay() != state.overlay:
                editor.set_overlay(state.overlay)
        elif gantt is not None and what == "gantt_colour":
            if gantt.colour_mode != state.gantt_colour:
                gantt.set_colour_mode(state.gantt_colour)
        elif gantt is not None and what in CHART_FLAGS:
            setter: Any = getattr(gantt, f"set_{what}")
            if getattr(gantt, what) != state.flag(what):
                setter(state.flag(what))

    state.changed.connect(push)
    if gantt is not None:
        gantt.set_colour_mode(state.gantt_colour)
        for name in CHART_FLAGS:
            getattr(gantt, f"set_{name}")(state.flag(name))
        gantt.colour_box.currentIndexChanged.connect(
            lambda i: state.set_gantt_colour(gantt.colour_box.itemData(i)))
        gantt.critical_box.toggled.connect(state.set_show_critical)
        gantt.deps_box.toggled.connect(state.set_show_dependencies)
        gantt.transfers_box.toggled.connect(state.set_show_transfers)
    if playback is not None:
        def on_playing(playing: bool) -> None:
            if playing and state.overlay == "none":
                state.set_overlay("playback")

        playback.state_changed.connect(on_playing)
