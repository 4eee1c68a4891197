"""Comparing an execution trace with the predictions that mapped it.

A computed schedule (a *prediction*) is in cost units; a trace recorded by
:func:`model.execution.run_graph` is in wall-clock seconds, with ``time_scale`` seconds
of work per cost unit. Every function here first scales the prediction by
``time_scale`` so both are in seconds, then compares:

- :func:`deviations`: per task, how late (positive) or early (negative) it started and
  finished, and whether it ran where it was predicted to;
- :func:`utilisation`: per worker, the fraction of the makespan it was busy;
- :func:`makespan_errors`: for each algorithm's prediction, the predicted makespan
  against the measured one, as :func:`makespan_error` (measured ÷ predicted − 1: the one
  definition the window, the command line and the benchmarks use);
- :func:`check_fits`: whether a computed schedule or a recorded trace fits a graph, each
  checked on the platform its times are measured on (:func:`recorded_platform`).

Pure Python: no numpy needed, nothing here mutates its inputs.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from .graph import GraphError, Network, Platform, TaskGraph, Worker
from .schedule import Schedule, Slot, Transfer

__all__ = ["MAKESPAN_ERROR_TEXT", "check_fits", "deviations", "makespan_error", "makespan_errors",
           "recorded_platform", "scaled", "task_states", "trace_time_scale", "utilisation"]

#: how :func:`makespan_error` is defined, in words (for labels and tooltips)
MAKESPAN_ERROR_TEXT = ("measured ÷ predicted makespan − 1: +25 % means the run took a quarter longer "
                       "than predicted, −20 % that it was a fifth shorter")


def _check_scale(time_scale: float) -> float:
    if (isinstance(time_scale, bool) or not isinstance(time_scale, (int, float))
            or not math.isfinite(time_scale) or time_scale <= 0):
        raise GraphError(f"time scale must be a positive number of seconds per cost unit, got {time_scale!r}")
    return float(time_scale)


def trace_time_scale(trace: Schedule, default: float = 1.0) -> float:
    """The seconds per cost unit a trace was recorded with (``meta["time_scale"]``).

    Traces that do not record it (WfFormat instances, whose costs are already seconds;
    Chrome traces from other tools) get ``default``.

    Examples
    --------
    >>> trace_time_scale(Schedule("trace", ["P1"], [], meta={"time_scale": 0.01}))
    0.01
    >>> trace_time_scale(Schedule("trace", ["P1"], []))
    1.0
    """
    v = trace.meta.get("time_scale")
    if isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) and v > 0:
        return float(v)
    return default


def scaled(schedule: Schedule, time_scale: float) -> Schedule:
    """A copy of ``schedule`` with every time multiplied by ``time_scale`` (seconds).

    Use it to draw a prediction and a trace on one time axis. ``meta["time_scale"]``
    records the factor.

    Examples
    --------
    >>> s = scaled(Schedule("heft", ["P1"], [Slot("a", "P1", 0, 4)]), 0.5)
    >>> s.slots[0].finish, s.algorithm, s.meta["time_scale"]
    (2.0, 'heft', 0.5)
    """
    k = _check_scale(time_scale)
    slots = [Slot(s.task, s.worker, s.start * k, s.finish * k) for s in schedule.slots]
    transfers = [Transfer(t.source, t.target, t.src_worker, t.dst_worker, t.start * k, t.finish * k, t.data)
                 for t in schedule.transfers]
    return Schedule(schedule.algorithm, list(schedule.workers), slots, transfers,
                    {**schedule.meta, "time_scale": k})


def deviations(prediction: Schedule, trace: Schedule, time_scale: float) -> list[dict[str, Any]]:
    """Per task: predicted and measured times in seconds, and how far they differ.

    Parameters
    ----------
    prediction : Schedule
        A computed schedule, in cost units.
    trace : Schedule
        What really ran, in seconds. A partial trace (cancelled run) is fine: tasks it
        does not hold are left out.
    time_scale : float
        Seconds per cost unit the run used (``trace.meta["time_scale"]``).

    Returns
    -------
    list of dict
        One dict per task that ran, in order of predicted start, with keys ``task``,
        ``predicted_worker``, ``worker``, ``moved`` (ran on another worker than
        predicted), ``predicted_start``, ``start``, ``start_late``,
        ``predicted_finish``, ``finish``, ``finish_late`` (measured minus predicted,
        seconds: positive is late, negative early) and ``duration_ratio`` (measured
        over predicted duration; ``nan`` when the prediction lasts 0).

    Raises
    ------
    GraphError
        A bad ``time_scale``, or a trace task the prediction does not have (they are
        not of the same graph).

    Examples
    --------
    >>> p = Schedule("heft", ["P1", "P2"], [Slot("a", "P1", 0, 2), Slot("b", "P2", 3, 5)])
    >>> t = Schedule("trace", ["P1", "P2"], [Slot("a", "P1", 0.0, 0.5), Slot("b", "P1", 0.5, 0.625)])
    >>> [(d["task"], d["start_late"], d["finish_late"], d["moved"]) for d in deviations(p, t, 0.125)]
    [('a', 0.0, 0.25, False), ('b', 0.125, 0.0, True)]
    """
    k = _check_scale(time_scale)
    predicted = prediction.slot_of()
    extra = [s.task for s in trace.slots if s.task not in predicted]
    if extra:
        raise GraphError(f"the trace has task {extra[0]!r}, which the prediction "
                         f"{prediction.algorithm!r} does not have: they are not of the same graph")
    measured = trace.slot_of()
    out: list[dict[str, Any]] = []
    for p in sorted(prediction.slots, key=lambda s: (s.start, s.finish, s.task)):
        m = measured.get(p.task)
        if m is None:
            continue
        ps, pf = p.start * k, p.finish * k
        pd = pf - ps
        out.append({
            "task": p.task,
            "predicted_worker": p.worker,
            "worker": m.worker,
            "moved": m.worker != p.worker,
            "predicted_start": ps,
            "start": m.start,
            "start_late": m.start - ps,
            "predicted_finish": pf,
            "finish": m.finish,
            "finish_late": m.finish - pf,
            "duration_ratio": m.duration / pd if pd > 0 else math.nan,
        })
    return out


def utilisation(schedule: Schedule) -> dict[str, float]:
    """Per worker, the fraction of the makespan it spent running tasks.

    Every worker of ``schedule.workers`` is present (0 when idle), in that order,
    followed by any other worker a slot names.

    Examples
    --------
    >>> utilisation(Schedule("x", ["P1", "P2", "P3"], [Slot("a", "P1", 0, 4), Slot("b", "P2", 1, 2)]))
    {'P1': 1.0, 'P2': 0.25, 'P3': 0.0}
    """
    busy = dict.fromkeys(schedule.workers, 0.0)
    for s in schedule.slots:
        busy[s.worker] = busy.get(s.worker, 0.0) + max(0.0, s.duration)
    ms = schedule.makespan
    return {w: (b / ms if ms > 0 else 0.0) for w, b in busy.items()}


def makespan_error(predicted: float, measured: float) -> float:
    """How far a measured makespan is from its prediction: ``measured / predicted - 1``.

    Positive: the run took longer than predicted (the prediction was optimistic);
    negative: it was shorter. Both in the same unit (seconds, the prediction scaled by
    the run's time scale). ``nan`` when nothing was predicted (``predicted <= 0``).

    Examples
    --------
    >>> round(makespan_error(0.8, 1.0), 3), round(makespan_error(0.8, 4.01), 3)
    (0.25, 4.012)
    >>> makespan_error(0.0, 1.0)
    nan
    """
    if not predicted > 0 or not math.isfinite(predicted) or not math.isfinite(measured):
        return math.nan
    return float(measured) / float(predicted) - 1.0


def makespan_errors(predictions: Mapping[str, Schedule], trace: Schedule,
                    time_scale: float) -> list[dict[str, Any]]:
    """How far the measured makespan is from each algorithm's predicted one.

    Parameters
    ----------
    predictions : mapping of str to Schedule
        Algorithm name -> its computed schedule (cost units).
    trace : Schedule
        The measured run (seconds).
    time_scale : float
        Seconds per cost unit.

    Returns
    -------
    list of dict
        One dict per prediction, in the mapping's order: ``algorithm``, ``predicted``
        (makespan × ``time_scale``, seconds), ``measured`` (seconds), ``error``
        (measured − predicted, seconds: positive means the run took longer),
        ``error_pct`` (:func:`makespan_error` in percent, measured ÷ predicted − 1;
        ``nan`` when nothing was measured or predicted) and ``followed`` (whether the run
        followed this algorithm's mapping, from ``trace.meta["followed"]``).

    Examples
    --------
    >>> t = Schedule("trace", ["P1"], [Slot("a", "P1", 0, 1.0)], meta={"followed": "heft"})
    >>> preds = {"heft": Schedule("heft", ["P1"], [Slot("a", "P1", 0, 80)]),
    ...          "met": Schedule("met", ["P1"], [Slot("a", "P1", 0, 125)])}
    >>> [(e["algorithm"], round(e["predicted"], 3), round(e["error_pct"], 1), e["followed"])
    ...  for e in makespan_errors(preds, t, 0.01)]
    [('heft', 0.8, 25.0, True), ('met', 1.25, -20.0, False)]
    """
    k = _check_scale(time_scale)
    measured = trace.makespan
    followed = trace.meta.get("followed")
    out = []
    for name, sched in predictions.items():
        pred = sched.makespan * k
        out.append({
            "algorithm": name,
            "predicted": pred,
            "measured": measured,
            "error": measured - pred,
            "error_pct": 100.0 * makespan_error(pred, measured) if measured > 0 else math.nan,
            "followed": followed is not None and followed in (name, sched.algorithm),
        })
    return out


def recorded_platform(schedule: Schedule, network: Network) -> Platform:
    """The platform whose times ``schedule`` is measured in, on the workers it names.

    A computed schedule is in cost units: ``network`` as it is. A trace recorded by
    :func:`model.execution.run_graph` is in seconds (``meta["time_scale"]`` per cost
    unit): the network in seconds, or instant transfers when the run did not emulate the
    network (``meta["network"] == "none"``). A trace rebuilt from a WfFormat instance
    (``meta["reconstructed"]``): transfers within one machine are free.

    Examples
    --------
    >>> t = Schedule("trace", ["P1", "P2"], [], meta={"time_scale": 0.01, "network": "emulated"})
    >>> round(recorded_platform(t, Network(bandwidth=2.0, latency=1.0)).network.comm_time(10, "P1", "P2"), 6)
    0.06
    """
    meta = schedule.meta
    if meta.get("reconstructed"):
        from .formats.wfformat import trace_platform as wf_platform

        return wf_platform(schedule, network)
    plat = Platform(tuple(Worker(w) for w in schedule.workers), network)
    if schedule.algorithm == "trace" and "time_scale" in meta:
        from .execution import trace_platform

        return trace_platform(plat, trace_time_scale(schedule), network=meta.get("network") != "none")
    return plat


def check_fits(schedule: Schedule, graph: TaskGraph, network: Network) -> Platform:
    """Check that ``schedule`` (computed, or a recorded trace) is one of ``graph``; return
    the platform it was checked on (:func:`recorded_platform`).

    Durations are not checked (a trace's are measured; a schedule saved from another
    platform may have other speeds), and tasks may be missing (a partial trace). Times
    are compared in the schedule's own unit: seconds for a trace, cost units otherwise.

    Raises
    ------
    ScheduleError
        If a task is unknown, placed twice, overlaps another on its worker, or starts
        before the data of a predecessor can have arrived (the message names them).

    Examples
    --------
    >>> g = TaskGraph(); g.add_task("a", 1); g.add_task("b", 1); g.add_edge("a", "b", 100)
    >>> t = Schedule("trace", ["P1", "P2"], [Slot("a", "P1", 0, 0.01), Slot("b", "P2", 0.02, 0.03)],
    ...              meta={"time_scale": 0.01, "network": "none"})
    >>> check_fits(t, g, Network()).ids
    ['P1', 'P2']
    """
    plat = recorded_platform(schedule, network)
    schedule.check(graph, plat, check_durations=False, partial=True)
    return plat


def task_states(schedule: Schedule | None, t: float) -> dict[str, str]:
    """The state of every task of ``schedule`` at time ``t`` (what a replay shows).

    A task is ``"waiting"`` before its start, ``"running"`` from its start until its
    finish, and ``"done"`` from its finish on (so a zero-length task is never running).

    Examples
    --------
    >>> s = Schedule("m", ["P1"], [Slot("a", "P1", 0, 2), Slot("b", "P1", 2, 5)])
    >>> task_states(s, 2.0)
    {'a': 'done', 'b': 'running'}
    >>> task_states(None, 1.0)
    {}
    """
    out: dict[str, str] = {}
    if schedule is None:
        return out
    for s in schedule.slots:
        if t >= s.finish:
            out[s.task] = "done"
        elif t >= s.start:
            out[s.task] = "running"
        else:
            out[s.task] = "waiting"
    return out
