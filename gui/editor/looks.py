"""How the editor colours its tasks and edges: analysis overlays, a shown schedule, replay states.

The analyses themselves are :func:`model.chart.graph_overlay`; this module only turns
their numbers, a schedule's mapping and the replay states into the look of each item.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from PySide6 import QtGui

from model.chart import GraphOverlay
from model.schedule import Schedule

from .items import C_TASK, fmt_number

__all__ = ["PALETTE", "STATE_COLOURS", "WORKER_PALETTE", "Looks", "looks"]

Edge = tuple[str, str]

STATE_COLOURS = {
    "waiting": QtGui.QColor("#e9ecef"),
    "running": QtGui.QColor("#ffd43b"),
    "done": QtGui.QColor("#8ce99a"),
}
#: light qualitative palette (levels)
PALETTE = [QtGui.QColor(c) for c in (
    "#a5d8ff", "#ffc9c9", "#b2f2bb", "#ffec99", "#d0bfff", "#99e9f2", "#ffd8a8",
    "#fcc2d7", "#c0eb75", "#bac8ff", "#96f2d7", "#eebefa",
)]
WORKER_PALETTE = [QtGui.QColor(c) for c in (
    "#1c7ed6", "#e8590c", "#2b8a3e", "#ae3ec9", "#c92a2a", "#0c8599", "#f08c00", "#5c940d",
)]
CRITICAL_FILL = QtGui.QColor("#ffa8a8")
#: the colour of a task without slack (white: the most slack)
SLACK_RED = QtGui.QColor("#ff6b6b")


@dataclass
class Looks:
    """What every task and edge looks like; tasks without an entry are drawn plainly."""

    fills: dict[str, QtGui.QColor] = field(default_factory=dict)
    #: tasks and edges drawn with a thick red outline (the critical path)
    emphasised: set[str] = field(default_factory=set)
    emphasised_edges: set[Edge] = field(default_factory=set)
    #: task -> the worker label shown in its box, and the worker's colour
    worker_label: dict[str, str] = field(default_factory=dict)
    worker_colour: dict[str, QtGui.QColor] = field(default_factory=dict)
    #: task -> the worker it runs on (edges between two workers are drawn as crossing)
    mapping: dict[str, str] = field(default_factory=dict)
    #: task -> its slack, shown in the tooltip while the slack overlay is on
    slack: dict[str, float] = field(default_factory=dict)

    def fill(self, task: str) -> QtGui.QColor:
        return self.fills.get(task, C_TASK)

    def crosses(self, edge: Edge) -> bool:
        """Whether the edge's tasks run on different workers in the shown schedule."""
        wu, wv = self.mapping.get(edge[0]), self.mapping.get(edge[1])
        return wu is not None and wv is not None and wu != wv


def _overlay_fills(overlay: GraphOverlay) -> dict[str, QtGui.QColor]:
    if overlay.mode == "levels":
        return {t: PALETTE[k % len(PALETTE)] for t, k in overlay.levels.items()}
    if overlay.mode == "critical":
        return dict.fromkeys(overlay.critical, CRITICAL_FILL)
    if overlay.mode == "slack":
        red = SLACK_RED
        return {t: QtGui.QColor(round(255 + (red.red() - 255) * f), round(255 + (red.green() - 255) * f),
                                round(255 + (red.blue() - 255) * f))
                for t, f in overlay.shade.items()}
    return {}


def looks(overlay: GraphOverlay | None, schedule: Schedule | None, states: Mapping[str, str]) -> Looks:
    """The looks of the graph under ``overlay``, with ``schedule``'s workers and replay ``states``.

    A replay state colours a task over its overlay colour.
    """
    out = Looks()
    if overlay is not None:
        out.fills = _overlay_fills(overlay)
        out.emphasised = set(overlay.critical)
        out.emphasised_edges = overlay.critical_edges()
        out.slack = dict(overlay.slack)
    for t, st in states.items():
        if st in STATE_COLOURS:
            out.fills[t] = STATE_COLOURS[st]
    if schedule is not None:
        wcol = {w: WORKER_PALETTE[i % len(WORKER_PALETTE)] for i, w in enumerate(schedule.workers)}
        for sl in schedule.slots:
            out.mapping[sl.task] = sl.worker
            out.worker_label[sl.task] = f"{sl.worker} · {fmt_number(sl.duration)}"
            if sl.worker in wcol:
                out.worker_colour[sl.task] = wcol[sl.worker]
    return out

