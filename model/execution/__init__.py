"""Running task graphs for real and recording execution traces.

:func:`run_graph` executes a graph on threads, processes or Dask distributed, either
following a computed mapping or placing tasks dynamically, and returns the trace as a
:class:`~model.schedule.Schedule` (``algorithm="trace"``, seconds). Use
:func:`trace_platform` to check a trace with :meth:`~model.schedule.Schedule.check`.
Dask is imported only when used.
"""

from __future__ import annotations

from ._worker import WORK_MODES, calibrate
from .backends import EXECUTORS, DaskUnavailable
from .engine import ExecutionError, run_graph, trace_platform

__all__ = [
    "EXECUTORS",
    "WORK_MODES",
    "DaskUnavailable",
    "ExecutionError",
    "calibrate",
    "run_graph",
    "trace_platform",
]
