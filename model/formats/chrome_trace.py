"""Chrome Trace Event JSON: schedules that open in Perfetto / ``chrome://tracing``, and back.

Writing: one process (``pid`` 1), one thread (``tid`` 1, 2, ...) per worker named by a
``thread_name`` metadata event, and one complete event (``"ph": "X"``) per slot with
``ts`` and ``dur`` in microseconds. The task id is the event ``name``; its worker,
start and finish in seconds go in ``args``.

Each data transfer of the schedule (``Schedule.transfers``) is written with events a
reader of the slots never mistakes for a task (only ``"X"`` events are tasks):

- a nestable async pair (``"ph": "b"`` / ``"e"``, ``"cat": "transfer"``, one ``id``
  per transfer) named after its link, e.g. ``"P1 → P2"``, so Perfetto shows the
  transfer's duration on a per-link row of the process; its ``args`` hold ``source``,
  ``target``, ``src_worker``, ``dst_worker``, ``data`` and ``start``/``finish`` in
  seconds;
- a flow (``"ph": "s"`` on the sending task's thread, ``"ph": "f"`` with ``"bp": "e"``
  on the receiving task's thread, same ``cat``, ``name`` and ``id``), each placed in the
  middle of its task's slice so that it binds to that slice (the Trace Event Format
  binds a flow start, and an end with ``"bp": "e"``, to the slice enclosing it), which
  draws the arrow from producer to consumer.

Reading accepts the object form (``{"traceEvents": [...]}``) and the bare list form,
complete ``"X"`` events and ``"B"``/``"E"`` pairs (matched per thread, nested pairs
allowed). Each (``pid``, ``tid``) becomes a worker, named by its ``thread_name``
metadata when present, else ``"tid N"`` (with the process when several processes
appear). Times are turned back to seconds and shifted so the first start is 0.
Transfers come back from the ``"transfer"`` async pairs written as above (those
whose ``args`` name a ``source`` and a ``target`` task of the trace), on the same time
axis as the slots. Instant, counter, flow and all other events are ignored.
"""

from __future__ import annotations

import math
from typing import Any

from ..graph import MAX_TIME, GraphError, shorten
from ..schedule import Schedule, Slot, Transfer
from .jsonio import finite_only

__all__ = ["schedule_from_trace", "schedule_to_trace"]

_US = 1e6
#: the largest time an event may give, in microseconds (``MAX_TIME`` seconds)
_MAX_US = MAX_TIME * _US
#: the ``args`` keys this module writes itself (not kept as free information on reading)
_OWN_ARGS = frozenset({"task", "worker", "start", "finish"})
#: category of the events that carry a transfer (async pair and flow)
_TRANSFER_CAT = "transfer"
_FLOW_NAME = "data"


def schedule_to_trace(schedule: Schedule) -> dict[str, Any]:
    """The Chrome Trace Event dict of a schedule.

    Examples
    --------
    >>> s = Schedule("heft", ["P1"], [Slot("a", "P1", 0.0, 1.5)])
    >>> d = schedule_to_trace(s)
    >>> [e for e in d["traceEvents"] if e["ph"] == "X"][0]["dur"]
    1500000.0
    """
    tids = {w: i + 1 for i, w in enumerate(schedule.workers)}
    for sl in schedule.slots:
        tids.setdefault(sl.worker, len(tids) + 1)
    events: list[dict[str, Any]] = [
        {"name": "process_name", "ph": "M", "pid": 1, "tid": 0,
         "args": {"name": f"TaskMapper: {schedule.algorithm}"}},
    ]
    for w, tid in tids.items():
        events.append({"name": "thread_name", "ph": "M", "pid": 1, "tid": tid, "args": {"name": w}})
        events.append({"name": "thread_sort_index", "ph": "M", "pid": 1, "tid": tid, "args": {"sort_index": tid}})
    for sl in sorted(schedule.slots, key=lambda s: (s.start, tids[s.worker])):
        events.append({
            "name": sl.task, "cat": "task", "ph": "X", "pid": 1, "tid": tids[sl.worker],
            "ts": _us(sl.start, f"start of task {shorten(sl.task)}"),
            "dur": _us(sl.finish - sl.start, f"duration of task {shorten(sl.task)}"),
            "args": {"task": sl.task, "worker": sl.worker, "start": sl.start, "finish": sl.finish},
        })
    events.extend(_transfer_events(schedule, tids))
    meta = {k: v for k, v in finite_only(schedule.meta).items() if isinstance(v, (str, int, float, bool))}
    return {
        "traceEvents": events,
        "displayTimeUnit": "ms",
        "otherData": {"algorithm": schedule.algorithm, "makespan": schedule.makespan, **meta},
    }


def _transfer_events(schedule: Schedule, tids: dict[str, int]) -> list[dict[str, Any]]:
    """Async pair (duration on a per-link row) and flow (arrow) events of every transfer."""
    at = schedule.slot_of()
    out: list[dict[str, Any]] = []
    for i, tr in enumerate(schedule.transfers):
        ident = i + 1
        link = f"{tr.src_worker} \u2192 {tr.dst_worker}"
        src_tid = tids.get(tr.src_worker, 0)
        args = {"source": tr.source, "target": tr.target, "src_worker": tr.src_worker,
                "dst_worker": tr.dst_worker, "data": tr.data, "start": tr.start, "finish": tr.finish}
        common = {"cat": _TRANSFER_CAT, "name": link, "id": ident, "pid": 1, "tid": src_tid}
        what = f"transfer {shorten(tr.source)} -> {shorten(tr.target)}"
        out.append({**common, "ph": "b", "ts": _us(tr.start, f"start of {what}"), "args": args})
        out.append({**common, "ph": "e", "ts": _us(tr.finish, f"finish of {what}")})
        su, sv = at.get(tr.source), at.get(tr.target)
        if su is None or sv is None or su.worker not in tids or sv.worker not in tids:
            continue  # no slice to bind the arrow to
        flow = {"cat": _TRANSFER_CAT, "name": _FLOW_NAME, "id": ident, "pid": 1}
        out.append({**flow, "ph": "s", "tid": tids[su.worker], "ts": _middle(su)})
        out.append({**flow, "ph": "f", "bp": "e", "tid": tids[sv.worker], "ts": _middle(sv)})
    return out


def _us(seconds: float, what: str) -> float:
    """``seconds`` in microseconds, as the trace holds them; refused when that is no finite number."""
    v = round(seconds * _US, 3)
    if not math.isfinite(v):
        raise GraphError(f"{what} ({seconds:g} s) does not fit a Chrome trace (microseconds overflow)")
    return v


def _middle(sl: Slot) -> float:
    """A time strictly inside a slot's slice (its start for an empty slot): flows bind there."""
    return round((sl.start + sl.duration / 2) * _US, 3)


def _num(ev: dict[str, Any], key: str, k: int) -> float:
    """A time of an event, in microseconds: finite and within ``MAX_TIME`` seconds either way."""
    v = ev.get(key)
    at = f"trace event #{k + 1} ({shorten(ev.get('name'))})"
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
        raise GraphError(f"{at}: {shorten(key)} must be a finite number, got {shorten(v)}")
    if abs(v) > _MAX_US:
        raise GraphError(f"{at}: {shorten(key)} is too large ({v:g} µs; at most {_MAX_US:g})")
    return float(v)


def schedule_from_trace(d: Any) -> Schedule:
    """Build a :class:`Schedule` from a parsed Chrome Trace Event JSON document.

    Parameters
    ----------
    d : dict or list
        ``{"traceEvents": [...], ...}`` or the bare list of events.

    Returns
    -------
    Schedule
        ``algorithm`` from ``otherData.algorithm`` when present, else ``"trace"``; slot
        times in seconds with the first start at 0; each event's ``args`` (other than
        the keys this module writes) kept in ``meta["args"][task]``.

    Raises
    ------
    GraphError
        On a malformed event (it is named), an unmatched ``B``/``E`` or a task seen twice.

    Examples
    --------
    >>> s = schedule_from_trace([
    ...     {"name": "a", "ph": "X", "pid": 1, "tid": 7, "ts": 1000, "dur": 2000000},
    ...     {"name": "thread_name", "ph": "M", "pid": 1, "tid": 7, "args": {"name": "cpu0"}}])
    >>> s.slots
    [Slot(task='a', worker='cpu0', start=0.0, finish=2.0)]
    """
    other: dict[str, Any] = {}
    if isinstance(d, dict):
        if "traceEvents" not in d:
            raise GraphError("a Chrome trace object needs a 'traceEvents' list")
        events = d["traceEvents"]
        od = d.get("otherData")
        other = od if isinstance(od, dict) else {}
    else:
        events = d
    if not isinstance(events, list):
        raise GraphError("'traceEvents' must be a list of events")

    names: dict[tuple[Any, Any], str] = {}
    pids: set[Any] = set()
    raw: list[tuple[str, tuple[Any, Any], float, float, dict[str, Any]]] = []
    open_: dict[tuple[Any, Any], list[tuple[int, dict[str, Any], float]]] = {}
    order: list[tuple[Any, Any]] = []
    #: transfer async pairs: id -> (event number, args, begin ts); then with the end ts
    xfer_open: dict[Any, tuple[int, dict[str, Any], float]] = {}
    xfers: list[tuple[int, dict[str, Any], float, float]] = []
    for k, ev in enumerate(events):
        if not isinstance(ev, dict):
            raise GraphError(f"trace event #{k + 1} must be an object")
        ph = ev.get("ph")
        key = (ev.get("pid", 0), ev.get("tid", 0))
        for field, v in zip(("pid", "tid"), key):
            if isinstance(v, (list, dict)):
                raise GraphError(f"trace event #{k + 1}: {shorten(field)} must be a number or a name, got {shorten(v)}")
        if ph == "M":
            if ev.get("name") == "thread_name" and isinstance(ev.get("args"), dict) and "name" in ev["args"]:
                names[key] = str(ev["args"]["name"])
                if key not in order:  # a named thread is a worker even when idle
                    order.append(key)
                    pids.add(key[0])
            continue
        if ph in ("b", "e") and ev.get("cat") == _TRANSFER_CAT:
            _read_transfer_event(ev, k, xfer_open, xfers)
            continue
        if ph not in ("X", "B", "E"):
            continue
        if key not in order:
            order.append(key)
        pids.add(key[0])
        if ph == "X":
            ts = _num(ev, "ts", k)
            dur = _num(ev, "dur", k) if "dur" in ev else 0.0
            if dur < 0:
                raise GraphError(f"trace event #{k + 1} ({shorten(ev.get('name'))}) has a negative duration")
            raw.append((_task_name(ev, k), key, ts, ts + dur, ev.get("args") or {}))
        elif ph == "B":
            open_.setdefault(key, []).append((k, ev, _num(ev, "ts", k)))
        else:
            stack = open_.get(key)
            if not stack:
                raise GraphError(f"trace event #{k + 1}: 'E' event with no matching 'B' on thread {shorten(key[1])}")
            kb, evb, ts0 = stack.pop()
            ts1 = _num(ev, "ts", k)
            if ts1 < ts0:
                raise GraphError(f"trace event #{k + 1}: 'E' of {shorten(evb.get('name'))} is before its 'B'")
            args = {**_args(evb), **_args(ev)}
            raw.append((_task_name(evb, kb), key, ts0, ts1, args))
    for key, stack in open_.items():
        if stack:
            kb, evb, _ = stack[0]
            raise GraphError(f"trace event #{kb + 1}: 'B' of {shorten(evb.get('name'))} on thread {shorten(key[1])} never ends")

    def worker_name(key: tuple[Any, Any]) -> str:
        if key in names:
            return names[key]
        return f"tid {key[1]}" if len(pids) <= 1 else f"pid {key[0]} tid {key[1]}"

    wname = {key: worker_name(key) for key in order}
    if len(set(wname.values())) < len(wname):  # two threads with one name: keep them apart
        wname = {key: (f"{wname[key]} ({key[0]}/{key[1]})") for key in order}
    if xfer_open:
        kb, args, _ = next(iter(xfer_open.values()))
        raise GraphError(f"trace event #{kb + 1}: transfer {shorten(args['source'])} -> {shorten(args['target'])} never ends")
    origin = min((r[2] for r in raw), default=0.0)
    slots: list[Slot] = []
    seen: set[str] = set()
    task_args: dict[str, Any] = {}
    for task, key, t0, t1, args in sorted(raw, key=lambda r: (r[2], r[3])):
        if task in seen:
            raise GraphError(f"task {shorten(task)} appears twice in the trace")
        seen.add(task)
        slots.append(Slot(task, wname[key], (t0 - origin) / _US, (t1 - origin) / _US))
        extra = {k: v for k, v in args.items() if k not in _OWN_ARGS} if isinstance(args, dict) else {}
        if extra:
            task_args[task] = extra
    meta: dict[str, Any] = {k: v for k, v in other.items() if k not in ("algorithm", "makespan")}
    if task_args:
        meta["args"] = task_args
    if origin:
        meta["trace_origin_us"] = origin
    algorithm = str(other.get("algorithm", "trace"))
    at = {sl.task: sl for sl in slots}
    transfers = []
    for _, args, t0, t1 in sorted(xfers, key=lambda x: x[0]):  # in the order written
        su, sv = at.get(args["source"]), at.get(args["target"])
        if su is None or sv is None:
            continue  # names a task this trace does not hold: not one of ours
        data = args.get("data", 0.0)
        ok = isinstance(data, (int, float)) and not isinstance(data, bool) and math.isfinite(data)
        transfers.append(Transfer(su.task, sv.task, su.worker, sv.worker,
                                  (t0 - origin) / _US, (t1 - origin) / _US, float(data) if ok else 0.0))
    return Schedule(algorithm, [wname[k] for k in _order_by_tid(order)], slots, transfers, meta=meta)


def _read_transfer_event(
    ev: dict[str, Any], k: int,
    open_: dict[Any, tuple[int, dict[str, Any], float]],
    done: list[tuple[int, dict[str, Any], float, float]],
) -> None:
    """One half of a transfer async pair; pairs are matched by ``id``.

    A begin event whose ``args`` do not name a ``source`` and a ``target`` task is
    another tool's: it and its end are ignored.
    """
    ident = ev.get("id")
    if isinstance(ident, (list, dict)):
        return
    if ev["ph"] == "b":
        args = _args(ev)
        if isinstance(args.get("source"), str) and isinstance(args.get("target"), str):
            open_[ident] = (k, args, _num(ev, "ts", k))
        return
    if ident not in open_:
        return
    kb, args, t0 = open_.pop(ident)
    t1 = _num(ev, "ts", k)
    if t1 < t0:
        raise GraphError(f"trace event #{k + 1}: transfer {shorten(args['source'])} -> {shorten(args['target'])} ends before it begins")
    done.append((kb, args, t0, t1))


def _args(ev: dict[str, Any]) -> dict[str, Any]:
    """An event's ``args`` when it is an object (anything else carries nothing we read)."""
    a = ev.get("args")
    return a if isinstance(a, dict) else {}


def _order_by_tid(keys: list[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    """Threads sorted by (pid, tid), numbers before names."""
    def k(key: tuple[Any, Any]) -> tuple[Any, ...]:
        return tuple((0, v, "") if isinstance(v, (int, float)) else (1, 0, str(v)) for v in key)

    return sorted(keys, key=k)


def _task_name(ev: dict[str, Any], k: int) -> str:
    args = ev.get("args")
    if isinstance(args, dict) and isinstance(args.get("task"), str):
        return str(args["task"])
    name = ev.get("name")
    if name is None or name == "":
        raise GraphError(f"trace event #{k + 1} has no 'name'")
    return str(name)
