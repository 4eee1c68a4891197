"""What the window shows: the schedules on the chart and the up-to-date results.

One :class:`Session` per window holds the shown schedules (with the platform each was
computed or recorded for, and their chart geometry when a worker prepared it) and the
computed results the other panels may use. The Gantt chart and the graph editor observe
it (:attr:`Session.shown_changed`) and draw what it holds; the window and the panels only
call :meth:`Session.show`. The selection is the document's (:meth:`Document.select`), shared
the same way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6 import QtCore

from model.chart import GanttGeometry
from model.graph import Platform, TaskGraph
from model.schedule import Schedule

__all__ = ["Session"]


class Session(QtCore.QObject):
    """The shown schedules and the up-to-date results of a window.

    Signals
    -------
    shown_changed()
        Other schedules are shown (or none).
    results_changed()
        The up-to-date results changed (a run finished, or results went stale).
    """

    shown_changed = QtCore.Signal()
    results_changed = QtCore.Signal()

    def __init__(self, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self._schedules: list[Schedule] = []
        self._platforms: list[Platform | None] = []
        self._graph: TaskGraph | None = None
        self._geometry: GanttGeometry | None = None
        self._results: dict[str, Schedule] = {}
        self._retimed = False
        self._change = ""

    # ------------------------------------------------------------ shown schedules
    @property
    def schedules(self) -> list[Schedule]:
        """The shown schedules, top to bottom (empty: none)."""
        return list(self._schedules)

    @property
    def primary(self) -> Schedule | None:
        """The first shown schedule: the one the editor shows, saved or replayed."""
        return self._schedules[0] if self._schedules else None

    @property
    def platforms(self) -> list[Platform | None]:
        """The platform each shown schedule was computed or recorded for (``None``: unknown)."""
        return list(self._platforms)

    @property
    def graph(self) -> TaskGraph | None:
        """The graph the shown schedules belong to."""
        return self._graph

    @property
    def geometry(self) -> GanttGeometry | None:
        """The chart of the shown schedules, when a worker prepared it."""
        return self._geometry

    @property
    def retimed(self) -> bool:
        """The shown schedule is the one shown before, re-timed after a hand move (or its undo):
        views keep their zoom and may move each task from its old place to its new one."""
        return self._retimed

    @property
    def change(self) -> str:
        """What the last hand move changed, in words (``"makespan 80 → 77, −3"``; empty: none)."""
        return self._change

    def show(self, schedules: Sequence[Schedule], graph: TaskGraph | None = None, *,
             platforms: Sequence[Platform | None] | None = None, geometry: GanttGeometry | None = None,
             retimed: bool = False, change: str = "") -> None:
        """Show ``schedules`` of ``graph`` (see the properties); emits :attr:`shown_changed`."""
        self._schedules = list(schedules)
        self._platforms = list(platforms) if platforms is not None else [None] * len(self._schedules)
        self._graph = graph if self._schedules else None
        self._geometry = geometry
        self._retimed = bool(retimed) and len(self._schedules) == 1
        self._change = change if self._schedules else ""
        self.shown_changed.emit()

    def clear(self) -> None:
        """Show nothing."""
        self.show([])

    # ------------------------------------------------------------ results
    @property
    def results(self) -> dict[str, Schedule]:
        """Algorithm -> schedule of every finished, up-to-date run."""
        return dict(self._results)

    def set_results(self, results: Mapping[str, Schedule]) -> None:
        """Replace the up-to-date results; emits :attr:`results_changed` when they differ."""
        new = dict(results)
        if new.keys() == self._results.keys() and all(new[k] is self._results[k] for k in new):
            return
        self._results = new
        self.results_changed.emit()
