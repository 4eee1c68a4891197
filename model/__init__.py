"""TaskMapper's model: task graphs, platforms, schedules, analysis, algorithms, formats.

Pure Python (stdlib, networkx, numpy): nothing here imports Qt.
"""

from .graph import GraphError, Network, Platform, TaskGraph, Worker
from .schedule import Schedule, ScheduleError, Slot, Transfer

__all__ = [
    "GraphError",
    "Network",
    "Platform",
    "Schedule",
    "ScheduleError",
    "Slot",
    "TaskGraph",
    "Transfer",
    "Worker",
]
__version__ = "0.1.0"
