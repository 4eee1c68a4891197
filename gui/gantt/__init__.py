"""Gantt charts of schedules: the widget, its bars item, colours, legend, replay clock.

- :mod:`gui.gantt.view`: :class:`GanttView`, the chart widget;
- :mod:`gui.gantt.bars`: :class:`GanttBarsItem`, every bar in one culling graphics item;
- :mod:`gui.gantt.colours`: bar colours and legend lines per colour mode;
- :mod:`gui.gantt.grid`, :mod:`gui.gantt.legend`: the time grid and the legend;
- :mod:`gui.gantt.construction`: the placement-by-placement replay;
- :mod:`gui.gantt.playback`: :class:`Playback`, the replay clock, and its control bar.

What a chart draws is computed without Qt by :func:`model.chart.gantt_geometry`.
Importing this package (or the chart widget) does not import pyqtgraph: the chart's
plot is made on first use (:meth:`GanttView.make_plot`), after the window is on screen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .colours import COLOUR_MODES, PALETTE
from .playback import Playback, PlaybackBar
from .view import GanttView

if TYPE_CHECKING:
    from .bars import GanttBarsItem

__all__ = ["COLOUR_MODES", "PALETTE", "GanttBarsItem", "GanttView", "Playback", "PlaybackBar"]


def __getattr__(name: str) -> Any:
    if name == "GanttBarsItem":  # a pyqtgraph item: imported when asked for
        from .bars import GanttBarsItem

        return GanttBarsItem
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
