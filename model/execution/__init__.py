"""Running task graphs for real and recording execution traces.

:func:`run_graph` executes a graph on threads, processes or Dask distributed, either
following a computed mapping or placing tasks dynamically, and returns the trace as a
:class:`~model.schedule.Schedule` (``algorithm="trace"``, seconds). Use
:func:`trace_platform` to check a trace with :meth:`~model.schedule.Schedule.check`.
Dask is imported only when used.

A graph's ``call`` tasks run code named by the graph file. :func:`calls_in` lists
that code without importing anything; :func:`run_graph` runs it only as far as its
``allow_calls`` allows.
"""

from __future__ import annotations

from ._worker import WORK_MODES, calibrate
from .backends import EXECUTORS, DaskUnavailable, WorkerLost
from .engine import (
    CallsNotAllowed,
    ExecutionError,
    call_modules,
    calls_in,
    describe_calls,
    run_graph,
    trace_platform,
)

__all__ = [
    "EXECUTORS",
    "WORK_MODES",
    "CallsNotAllowed",
    "DaskUnavailable",
    "ExecutionError",
    "WorkerLost",
    "calibrate",
    "call_modules",
    "calls_in",
    "describe_calls",
    "run_graph",
    "trace_platform",
]
