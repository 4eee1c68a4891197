"""The figures of a schedule made outside the run manager (a hand mapping), in the background.

An algorithm's run computes its table figures in its worker thread
(:func:`model.comparison.table_metrics` as a preparer). A hand-made schedule has no
run: :class:`MetricsJob` computes its figures on the pool instead, so a move on a
10,000-task schedule never waits for them on the GUI thread.
"""

from __future__ import annotations

from typing import Any

from gui.workers import Job
from model.comparison import table_metrics
from model.graph import Platform, TaskGraph
from model.schedule import Schedule

__all__ = ["MetricsJob"]


class MetricsJob(Job):
    """``table_metrics(schedule, graph, platform)`` in a pool thread.

    ``graph`` and ``platform`` are copies nobody mutates (the snapshot the schedule was
    timed on); ``result`` carries the figures' dict.
    """

    what = "metrics of a hand-made schedule"

    def __init__(self, schedule: Schedule, graph: TaskGraph, platform: Platform) -> None:
        super().__init__()
        self.schedule = schedule
        self.graph = graph
        self.platform = platform

    def execute(self) -> tuple[str, Any]:
        if self.cancelled:
            return "cancelled", None
        return "done", table_metrics(self.schedule, self.graph, self.platform)
