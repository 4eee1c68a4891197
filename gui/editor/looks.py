"""How the editor colours its tasks and edges, and the legend that says what the colours mean.

The colour modes (:data:`EDITOR_OVERLAYS`) are the analyses of
:func:`model.chart.graph_overlay` (levels, critical path, slack), the workers of the
shown schedule, and the replay state (waiting, running, done). Whatever the mode, a
shown schedule adds each task's worker (a coloured stripe and its name) and draws the
edges whose data crosses workers in orange, wider and more opaque the more data they
carry, so the heavy transfers stand out among hundreds of edges.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from PySide6 import QtGui

from model.chart import OVERLAY_MODES, GraphOverlay
from model.explain import fmt
from model.schedule import Schedule

from .items import C_CRIT, C_CROSS, C_TASK, fmt_number

__all__ = [
    "EDITOR_OVERLAYS", "PALETTE", "STATE_COLOURS", "WORKER_PALETTE", "LegendEntry", "LegendRow", "Looks", "legend",
    "looks",
]

Edge = tuple[str, str]

#: the editor's colour modes: the graph analyses, then the shown schedule's workers and the replay state
EDITOR_OVERLAYS = (*OVERLAY_MODES, "worker", "playback")

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
#: how many lines a legend lists of one kind (levels, workers)
LEGEND_LIMIT = 10


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
    #: task -> a small mark in its corner (its level number while the levels overlay is on)
    badge: dict[str, str] = field(default_factory=dict)

    def fill(self, task: str) -> QtGui.QColor:
        return self.fills.get(task, C_TASK)

    def crosses(self, edge: Edge) -> bool:
        """Whether the edge's tasks run on different workers in the shown schedule."""
        wu, wv = self.mapping.get(edge[0]), self.mapping.get(edge[1])
        return wu is not None and wv is not None and wu != wv


def _tint(c: QtGui.QColor, f: float) -> QtGui.QColor:
    """``c`` mixed with white: ``f`` = 1 is ``c``, 0 is white."""
    return QtGui.QColor(round(255 + (c.red() - 255) * f), round(255 + (c.green() - 255) * f),
                        round(255 + (c.blue() - 255) * f))


def _overlay_fills(overlay: GraphOverlay) -> dict[str, QtGui.QColor]:
    if overlay.mode == "levels":
        return {t: PALETTE[k % len(PALETTE)] for t, k in overlay.levels.items()}
    if overlay.mode == "critical":
        return dict.fromkeys(overlay.critical, CRITICAL_FILL)
    if overlay.mode == "slack":
        return {t: _tint(SLACK_RED, f) for t, f in overlay.shade.items()}
    return {}


def worker_colours(schedule: Schedule) -> dict[str, QtGui.QColor]:
    """The colour of each worker of ``schedule``, in its order."""
    return {w: WORKER_PALETTE[i % len(WORKER_PALETTE)] for i, w in enumerate(schedule.workers)}


def looks(mode: str, overlay: GraphOverlay | None, schedule: Schedule | None,
          states: Mapping[str, str]) -> Looks:
    """The looks of the graph in colour ``mode`` (one of :data:`EDITOR_OVERLAYS`).

    ``overlay`` is the analysis of an analysis mode; ``schedule`` the shown one (its
    workers are drawn in every mode); ``states`` the replay state of each task, used
    in the ``"playback"`` mode only, so a chosen overlay stays when a schedule is shown.
    """
    out = Looks()
    if overlay is not None and mode in OVERLAY_MODES:
        out.fills = _overlay_fills(overlay)
        out.emphasised = set(overlay.critical)
        out.emphasised_edges = overlay.critical_edges()
        out.slack = dict(overlay.slack)
        if overlay.mode == "levels":
            out.badge = {t: f"L{k}" for t, k in overlay.levels.items()}
    if mode == "playback":
        for t, st in states.items():
            if st in STATE_COLOURS:
                out.fills[t] = STATE_COLOURS[st]
    if schedule is not None:
        wcol = worker_colours(schedule)
        for sl in schedule.slots:
            out.mapping[sl.task] = sl.worker
            out.worker_label[sl.task] = f"{sl.worker} · {fmt_number(sl.duration)}"
            if sl.worker in wcol:
                out.worker_colour[sl.task] = wcol[sl.worker]
                if mode == "worker":
                    out.fills[sl.task] = _tint(wcol[sl.worker], 0.35)
    return out


# ------------------------------------------------------------------ legend
@dataclass(frozen=True)
class LegendEntry:
    """One swatch of the editor's legend, with its text.

    ``kind`` says how it is drawn: ``"fill"`` (a small task box of that colour with the
    text inside), ``"outline"`` (a box with a thick outline of that colour),
    ``"stripe"`` (a box with a worker's stripe), ``"line"`` (an edge of that colour and
    ``width``), ``"volume"`` (a thin faint edge beside a wide opaque one) or ``"text"``
    (no swatch).
    """

    kind: str
    colour: QtGui.QColor
    text: str
    width: float = 1.0


@dataclass(frozen=True)
class LegendRow:
    """A line of the legend: what it is about, then its swatches side by side."""

    label: str
    entries: list[LegendEntry]


def legend(mode: str, overlay: GraphOverlay | None, schedule: Schedule | None, *,
           critical_length: float | None = None, max_data: float = 0.0) -> list[LegendRow]:
    """The lines of the legend for the graph drawn in ``mode`` (empty: nothing to explain).

    ``critical_length`` is printed beside the critical path; ``max_data`` is the
    largest data volume of an edge (the widest crossing edge carries it).
    """
    rows: list[LegendRow] = []
    if mode == "levels" and overlay is not None:
        top = max(overlay.levels.values(), default=-1)
        chips = [LegendEntry("fill", PALETTE[k % len(PALETTE)], f"L{k}") for k in range(min(top + 1, LEGEND_LIMIT))]
        if top + 1 > LEGEND_LIMIT:
            chips.append(LegendEntry("text", C_TASK, f"… L{top}"))
        rows.append(LegendRow("Level (a level's tasks are independent):", chips))
    elif mode == "critical" and overlay is not None:
        length = f" (length {fmt(critical_length)})" if critical_length is not None else ""
        rows.append(LegendRow(f"Critical path{length}:", [LegendEntry("outline", C_CRIT, "its tasks"),
                                                          LegendEntry("line", C_CRIT, "its edges", 3.0)]))
    elif mode == "slack" and overlay is not None:
        most = max(overlay.slack.values(), default=0.0)
        chips = [LegendEntry("fill", SLACK_RED, "0")]
        if most > 0:
            # the shade is 1 - sqrt(slack / most): half the most slack is drawn at 1 - 0.707
            chips += [LegendEntry("fill", _tint(SLACK_RED, 1 - 0.5 ** 0.5), fmt(most / 2)),
                      LegendEntry("fill", QtGui.QColor("#ffffff"), fmt(most))]
        rows.append(LegendRow("Slack (how long a task may wait):", chips))
    elif mode == "worker":
        if schedule is None:
            rows.append(LegendRow("Worker: show a schedule to colour its workers", []))
        else:
            wcol = worker_colours(schedule)
            chips = [LegendEntry("fill", _tint(c, 0.35), w) for w, c in list(wcol.items())[:LEGEND_LIMIT]]
            if len(wcol) > LEGEND_LIMIT:
                chips.append(LegendEntry("text", C_TASK, f"… {len(wcol) - LEGEND_LIMIT} more"))
            rows.append(LegendRow("Worker:", chips))
    elif mode == "playback":
        if schedule is None:
            rows.append(LegendRow("Playback: show a schedule to replay it", []))
        else:
            rows.append(LegendRow("Playback:", [LegendEntry("fill", STATE_COLOURS[st], st)
                                                for st in ("waiting", "running", "done")]))
    if schedule is not None:
        if mode != "worker":
            wcol = worker_colours(schedule)
            chips = [LegendEntry("stripe", c, w) for w, c in list(wcol.items())[:LEGEND_LIMIT]]
            if len(wcol) > LEGEND_LIMIT:
                chips.append(LegendEntry("text", C_TASK, f"… {len(wcol) - LEGEND_LIMIT} more"))
            rows.append(LegendRow("Stripe: the worker", chips))
        heavy = f"wider = more, up to {fmt(max_data)}" if max_data > 0 else "no data"
        rows.append(LegendRow("Data crossing workers:", [LegendEntry("volume", C_CROSS, heavy, 6.5)]))
    return rows
