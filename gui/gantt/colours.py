"""How a Gantt chart colours its bars, and the legend that says so.

Colours are chosen per bar from a :class:`~model.chart.GanttGeometry` by one of
:data:`COLOUR_MODES`; transfers always get the last colour (grey, translucent).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from PySide6 import QtGui

from model.chart import GanttGeometry, schedule_label

__all__ = ["COLOUR_MODES", "CRITICAL_COLOUR", "PALETTE", "TRANSFER_COLOUR", "bar_colours", "legend_entries"]

COLOUR_MODES = ("task", "level", "algorithm", "worker")

#: 20 distinguishable mid-tone colours (cycled when there are more categories)
PALETTE = [
    "#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7",
    "#9c755f", "#bab0ac", "#2f5d8a", "#c46b12", "#3b7a33", "#a8323a", "#3f8580", "#b59a1c",
    "#7d4f73", "#d9707c", "#6f5140", "#707070",
]
TRANSFER_COLOUR = "#9a9a9a"
CRITICAL_COLOUR = "#d62728"
#: at most this many legend lines per category
LEGEND_LIMIT = 14


def bar_colours(geo: GanttGeometry, mode: str,
                levels: Mapping[str, int]) -> tuple[np.ndarray, list[QtGui.QColor]]:
    """Colour index of every bar of ``geo`` and the colours (the last one is for transfers)."""
    pal = [QtGui.QColor(c) for c in PALETTE]
    k = len(pal)
    if mode == "task":
        out = geo.bar_code % k
    elif mode == "level":
        by_code = np.array([levels.get(t, 0) for t in geo.code_names] or [0], dtype=np.int64)
        out = by_code[geo.bar_code] % k
    elif mode == "algorithm":
        out = geo.bar_sched % k
    else:
        out = geo.bar_worker % k
    out = out.astype(np.int32)
    if any(geo.transfers):  # the transfer bars (bars past the slots) in the transfer colour
        out[geo.bar_worker < 0] = k
    # translucent, so transfers overlapping on one link show as darker bands
    tc = QtGui.QColor(TRANSFER_COLOUR)
    tc.setAlpha(170)
    return out, [*pal, tc]


def legend_entries(geo: GanttGeometry, mode: str, levels: Mapping[str, int],
                   show_critical: bool) -> list[tuple[QtGui.QColor, str]]:
    """The legend of ``geo`` coloured by ``mode``: ``(colour, text)`` lines."""
    pal = [QtGui.QColor(c) for c in PALETTE]
    k = len(pal)
    limit = LEGEND_LIMIT
    entries: list[tuple[QtGui.QColor, str]] = []
    if mode == "task":
        tasks = geo.shown_tasks
        entries = [(pal[i % k], t) for i, t in enumerate(tasks[:limit])]
        if len(tasks) > limit:
            entries.append((QtGui.QColor("#ffffff"), f"… {len(tasks) - limit:,} more"))
    elif mode == "level":
        if levels:
            top = max(levels.values())
            entries = [(pal[i % k], f"level {i}") for i in range(min(top + 1, limit))]
            if top + 1 > limit:
                entries.append((QtGui.QColor("#ffffff"), f"… to level {top}"))
        else:
            entries = [(pal[0], "level 0 (no graph)")]
    elif mode == "algorithm":
        entries = [(pal[i % k], schedule_label(geo.schedules, i)) for i in range(len(geo.schedules))]
    else:
        seen: list[str] = []
        for _si, w in geo.lane_worker:
            if "->" not in w and w not in seen:
                seen.append(w)
        entries = [(pal[i % k], w) for i, w in enumerate(seen[:limit])]
        if len(seen) > limit:
            entries.append((QtGui.QColor("#ffffff"), f"… {len(seen) - limit:,} more"))
    if (geo.bar_worker < 0).any():
        entries.append((QtGui.QColor(TRANSFER_COLOUR), "transfer"))
    if show_critical:
        entries.append((QtGui.QColor(CRITICAL_COLOUR), "critical path"))
    return entries
