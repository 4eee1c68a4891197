"""The native JSON formats: ``taskmapper-graph`` and ``taskmapper-schedule`` (version 1).

A task's optional ``"pin"`` (a worker id) fixes it to that worker; it is read into the
node attribute ``pin`` and written back as is (missing or ``null``: free).
"""

from __future__ import annotations

import json
import math
import operator
from itertools import chain, repeat
from typing import Any

import numpy as np
import orjson

from ..gcpause import paused_collection
from ..graph import (
    MAX_TIME,
    MAX_WORKERS,
    GraphError,
    Network,
    Platform,
    TaskGraph,
    Worker,
    check_number,
    shorten,
)
from ..schedule import Schedule, ScheduleColumns, Slot, Transfer
from .jsonio import Buffer, encode_json, encode_json_parts, finite_only, joined, json_id, json_objects

__all__ = [
    "graph_from_dict",
    "graph_to_dict",
    "schedule_from_dict",
    "schedule_json",
    "schedule_json_parts",
    "schedule_to_dict",
]

GRAPH_FORMAT = "taskmapper-graph"
SCHEDULE_FORMAT = "taskmapper-schedule"
VERSION = 1

_TASK_RESERVED = {"id", "cost", "costs"}
_EDGE_RESERVED = {"source", "target", "data"}
_get_data = operator.methodcaller("get", "data", 0.0)
_TOP_RESERVED = {"format", "version", "name", "workers", "network", "tasks", "edges"}


def _num(v: float) -> float | int:
    """Write integral floats as integers (smaller, friendlier files)."""
    if v.__class__ is float and v.is_integer() and -9007199254740992.0 < v < 9007199254740992.0:
        return int(v)
    return v


def _check_header(d: Any, fmt: str) -> None:
    if not isinstance(d, dict):
        raise GraphError(f"expected a JSON object with \"format\": \"{fmt}\"")
    if "format" not in d:
        raise GraphError(f"missing \"format\": \"{fmt}\" (is this a TaskMapper file?)")
    if d.get("format") != fmt:
        raise GraphError(f"unknown format {shorten(d.get('format'))} (expected {shorten(fmt)})")
    # true == 1 in Python: a boolean is not a version number
    if isinstance(d.get("version"), bool) or d.get("version") != VERSION:
        raise GraphError(f"unsupported {fmt} version {shorten(d.get('version'))} (this program reads {VERSION})")




def _name(d: dict[str, Any], default: str) -> str:
    v = d.get("name")
    if v is None:
        return default
    if not isinstance(v, str):
        raise GraphError(f"'name' must be a text, got {shorten(v)}")
    return v


def _platform_from(d: dict[str, Any]) -> tuple[Platform | None, Network | None]:
    net_d = d.get("network") or {}
    if not isinstance(net_d, dict):
        raise GraphError("'network' must be an object")
    bw = check_number(net_d.get("bandwidth", 1.0), "network bandwidth", allow_zero=False)
    lat = check_number(net_d.get("latency", 0.0), "network latency", maximum=MAX_TIME)
    links: dict[tuple[str, str], tuple[float, float]] = {}
    links_d = net_d.get("links") or []
    if not isinstance(links_d, list):
        raise GraphError("'network.links' must be a list of links")
    for k, link in enumerate(links_d):
        if not isinstance(link, dict) or "source" not in link or "target" not in link:
            raise GraphError(f"network link #{k + 1} needs 'source' and 'target'")
        a = json_id(link["source"], f"'source' of network link #{k + 1}")
        b = json_id(link["target"], f"'target' of network link #{k + 1}")
        links[(a, b)] = (
            check_number(link.get("bandwidth", bw), f"bandwidth of link {a}->{b}", allow_zero=False),
            check_number(link.get("latency", lat), f"latency of link {a}->{b}", maximum=MAX_TIME),
        )
    network = Network(bw, lat, links)
    return _workers_from(d, network), (network if "network" in d else None)


def _workers_from(d: dict[str, Any], network: Network) -> Platform | None:
    links = network.links
    wl = d.get("workers")
    if wl is None:
        if links:
            raise GraphError("'network.links' needs a 'workers' list")
        return None
    if not isinstance(wl, list):
        raise GraphError("'workers' must be a list")
    if len(wl) > MAX_WORKERS:
        raise GraphError(f"the file lists {len(wl):,} workers; at most {MAX_WORKERS:,} are supported")
    workers = []
    for k, wd in enumerate(wl):
        if not isinstance(wd, dict) or "id" not in wd:
            raise GraphError(f"worker #{k + 1} needs an 'id'")
        wid = json_id(wd["id"], f"id of worker #{k + 1}")
        extra = {kk: vv for kk, vv in wd.items() if kk not in ("id", "speed")}
        workers.append(Worker(wid, check_number(wd.get("speed", 1.0), f"speed of worker {shorten(wid)}", allow_zero=False), extra))
    return Platform(tuple(workers), network)


def graph_from_dict(d: Any) -> TaskGraph:
    """Build a :class:`TaskGraph` from the parsed JSON of a ``taskmapper-graph`` file.

    Raises
    ------
    GraphError
        On any invalid content; the message names the task or edge.

    Examples
    --------
    >>> g = graph_from_dict({"format": "taskmapper-graph", "version": 1,
    ...     "tasks": [{"id": "a", "cost": 1}, {"id": "b", "cost": 2}],
    ...     "edges": [{"source": "a", "target": "b", "data": 3}]})
    >>> g.data("a", "b")
    3.0
    """
    _check_header(d, GRAPH_FORMAT)
    # hundreds of thousands of small dicts: the cyclic garbage collector would rescan them
    # again and again while a big graph is built (a third of the time)
    with paused_collection():
        return _graph_from_dict(d)


def _graph_from_dict(d: dict[str, Any]) -> TaskGraph:
    plat, network = _platform_from(d)
    g = TaskGraph(_name(d, "untitled"), plat)
    g.network = network
    g.attrs.update({k: v for k, v in d.items() if k not in _TOP_RESERVED})
    tasks_d = d.get("tasks")
    if not (isinstance(tasks_d, list) and _tasks_plainly(g, tasks_d)):
        _tasks_one_by_one(g, d)
    edges_d = d.get("edges", [])
    if not (isinstance(edges_d, list) and _edges_plainly(g, edges_d)):
        _edges_one_by_one(g, d)
    g.validate()
    return g


def _texts(values: list[Any]) -> bool:
    """Whether every value is a text that is not blank (an id that needs no conversion)."""
    return set(map(type, values)) <= {str} and all(map(str.strip, values))


def _objects_with(items: list[Any], key: str) -> bool:
    return set(map(type, items)) <= {dict} and all(map(operator.contains, items, repeat(key)))


def _tasks_plainly(g: TaskGraph, items: list[Any]) -> bool:
    """Add the tasks in bulk when nothing needs a message of the reader's own; ``False``
    (and nothing added) sends them to :func:`_tasks_one_by_one`."""
    if not _objects_with(items, "id"):
        return False
    ids = [t["id"] for t in items]
    if not _texts(ids):
        return False
    costs = []
    for t in items:
        if "costs" in t:
            c = t["costs"]
            if type(c) is not list or "cost" in t:
                return False
        else:
            c = t.get("cost", 0.0)
            if c is None:
                return False
        costs.append(c)
    extras = [{k: v for k, v in t.items() if k not in _TASK_RESERVED} for t in items]
    for e in extras:
        if "pin" in e:
            pin = e["pin"]
            if pin is None:
                del e["pin"]
            elif type(pin) is not str or not pin.strip():
                return False
    g.add_tasks(ids, costs, extras)
    return True


def _tasks_one_by_one(g: TaskGraph, d: dict[str, Any]) -> None:
    for k, t in json_objects(d, "tasks", "task", ("id",)):
        tid = json_id(t["id"], f"id of task #{k}")
        extra = {kk: vv for kk, vv in t.items() if kk not in _TASK_RESERVED}
        if "pin" in extra:
            # a worker id, as in 'workers' (a number is written as text); null: free
            if extra["pin"] is None:
                del extra["pin"]
            elif isinstance(extra["pin"], bool) or not isinstance(extra["pin"], (str, int, float)):
                raise GraphError(f"pin of task {shorten(tid)} must be a worker id (text), got {shorten(extra['pin'])}")
            else:
                extra["pin"] = json_id(extra["pin"], f"pin of task {shorten(tid)}")
        if "costs" in t and not isinstance(t["costs"], list):
            raise GraphError(f"'costs' of task {shorten(tid)} must be a list of numbers")
        if "cost" in t and t["cost"] is None:
            raise GraphError(f"cost of task {shorten(tid)} must be a number, got null")
        g.add_task(tid, t.get("cost"), costs=t.get("costs"), **extra)


def _edges_plainly(g: TaskGraph, items: list[Any]) -> bool:
    """Add the edges in bulk when nothing needs a message of the reader's own (see
    :func:`_tasks_plainly`)."""
    if not (_objects_with(items, "source") and all(map(operator.contains, items, repeat("target")))):
        return False
    sources = [e["source"] for e in items]
    targets = [e["target"] for e in items]
    if not (_texts(sources) and _texts(targets)):
        return False
    data = list(map(_get_data, items))
    attrs = None
    if not set(chain.from_iterable(items)) <= _EDGE_RESERVED:
        attrs = [{k: v for k, v in e.items() if k not in _EDGE_RESERVED} for e in items]
    g.add_edges(sources, targets, data, attrs)
    return True


def _edges_one_by_one(g: TaskGraph, d: dict[str, Any]) -> None:
    for k, e in json_objects(d, "edges", "edge", ("source", "target"), default=[]):
        extra = {kk: vv for kk, vv in e.items() if kk not in _EDGE_RESERVED}
        g.add_edge(json_id(e["source"], f"'source' of edge #{k}"), json_id(e["target"], f"'target' of edge #{k}"),
                   e.get("data", 0.0), **extra)


def graph_to_dict(g: TaskGraph) -> dict[str, Any]:
    """The JSON-ready dict of a graph (inverse of :func:`graph_from_dict`)."""
    out: dict[str, Any] = {"format": GRAPH_FORMAT, "version": VERSION, "name": g.name}
    if g.platform is not None:
        out["workers"] = [
            {"id": w.id, **({"speed": _num(w.speed)} if w.speed != 1.0 else {}), **finite_only(dict(w.attrs))}
            for w in g.platform.workers
        ]
    net = g.platform.network if g.platform is not None else g.network
    if net is not None:
        nd: dict[str, Any] = {"bandwidth": _num(net.bandwidth), "latency": _num(net.latency)}
        if net.links:
            nd["links"] = [
                {"source": a, "target": b, "bandwidth": _num(bw), "latency": _num(lat)}
                for (a, b), (bw, lat) in net.links.items()
            ]
        out["network"] = nd
    # free attributes are kept on save, but strict JSON holds no NaN or infinity: those are left out
    out.update(finite_only(g.attrs))
    tasks = []
    for n, a in g.nx.nodes(data=True):
        t: dict[str, Any] = {"id": n}
        if "costs" in a:
            t["costs"] = [_num(c) for c in a["costs"]]
        else:
            t["cost"] = _num(a.get("cost", 0.0))
        t.update(finite_only({k: v for k, v in a.items() if k not in _TASK_RESERVED}))
        tasks.append(t)
    out["tasks"] = tasks
    out["edges"] = [
        {"source": u, "target": v, "data": _num(a.get("data", 0.0)),
         **finite_only({k: val for k, val in a.items() if k not in _EDGE_RESERVED})}
        for u, v, a in g.nx.edges(data=True)
    ]
    return out


def schedule_to_dict(s: Schedule) -> dict[str, Any]:
    """The JSON-ready dict of a schedule."""
    # hundreds of thousands of small dicts, none garbage: no collector passes meanwhile
    with paused_collection():
        return _schedule_to_dict(s)


def _schedule_to_dict(s: Schedule, slots: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {
        "format": SCHEDULE_FORMAT,
        "version": VERSION,
        "algorithm": s.algorithm,
        "makespan": _num(s.makespan),
        "workers": list(s.workers),
        "slots": _slot_dicts(s) if slots else [],
    }
    for k, v in finite_only(s.meta).items():
        if k not in out and _jsonable(v):
            out[k] = v
    return out


def _slot_dicts(s: Schedule) -> list[dict[str, Any]]:
    """The JSON-ready dict of each slot, its incoming transfers inside."""
    num = _num
    incoming: dict[str, list[dict[str, Any]]] = {}
    for t in s.transfers:
        item = {"from": t.source, "worker": t.src_worker, "start": num(t.start),
                "finish": num(t.finish), "data": num(t.data)}
        into = incoming.get(t.target)
        if into is None:
            incoming[t.target] = [item]
        else:
            into.append(item)
    slots = []
    for sl in s.slots:
        d: dict[str, Any] = {"task": sl.task, "worker": sl.worker, "start": num(sl.start), "finish": num(sl.finish)}
        into = incoming.get(sl.task)
        if into is not None:
            d["transfers"] = into
        slots.append(d)
    return slots


def schedule_json(s: Schedule) -> bytes:
    """The native JSON of a schedule as ``save_schedule`` writes it: strict, one slot a line.

    Raises
    ------
    GraphError
        If a time is not a finite number (the message names it).

    Examples
    --------
    >>> s = Schedule("heft", ["P1"], [Slot("a", "P1", 0.0, 1.5)])
    >>> print(schedule_json(s).decode(), end="")
    {
     "format": "taskmapper-schedule",
     "version": 1,
     "algorithm": "heft",
     "makespan": 1.5,
     "workers": ["P1"],
     "slots": [
      {"task":"a","worker":"P1","start":0,"finish":1.5}
     ]
    }
    """
    return joined(schedule_json_parts(s))


def schedule_json_parts(s: Schedule) -> list[Buffer]:
    """:func:`schedule_json`'s text in pieces to be written one after the other: a big
    schedule's slots (hundreds of megabytes at a million tasks) are not copied into one text."""
    cols = s.columns() if s.slots else None
    if cols is not None:
        lines = _slot_lines(cols)
        if lines is not None:
            # the dict without its slots, their text put in their place
            try:
                with paused_collection():
                    return encode_json_parts(_schedule_to_dict(s, slots=False), rows=True, given={"slots": lines})
            except TypeError:
                pass  # a note orjson refuses: the usual writer and the standard library decide
    return [encode_json(schedule_to_dict(s), rows=True)]


def _slot_lines(c: ScheduleColumns) -> memoryview | None:
    """The slots' list as :func:`encode_json` writes it with ``rows`` (one slot a line, its
    incoming transfers inside), made from the columns by a compiled kernel for a big
    schedule; ``None`` for a small one, or when a time is not finite (the usual writer
    names it)."""
    from ..algorithms.engines.compiled import wanted

    n = len(c.task)
    if not wanted(n, len(c.workers)):
        return None
    numbers = np.concatenate((c.start, c.finish, c.finish[c.source_slot], c.arrival, c.data))
    if not np.isfinite(numbers).all():
        return None
    from .schedule_kernels import slot_lines

    # each transfer into the slot of its target, in the order of the schedule's transfers
    order = np.argsort(c.target_slot, kind="stable")
    k = len(order)
    numbers[2 * n:2 * n + k] = numbers[2 * n:2 * n + k][order]
    numbers[2 * n + k:2 * n + 2 * k] = numbers[2 * n + k:2 * n + 2 * k][order]
    numbers[2 * n + 2 * k:] = numbers[2 * n + 2 * k:][order]
    # whole numbers are written as integers (as _num does), the others as orjson writes a float
    isint = (numbers == np.trunc(numbers)) & (np.abs(numbers) < 9007199254740992.0)
    float_text = orjson.dumps(numbers[~isint].tolist())
    count = np.bincount(c.target_slot, minlength=n)
    return slot_lines(c.tasks, c.workers, c.task, c.worker,
                      count, c.source[order], c.worker[c.source_slot[order]], numbers, isint, float_text)


def _jsonable(v: Any) -> bool:
    """Whether ``v`` is plain strict JSON (notes of other kinds are not written)."""
    try:
        json.dumps(v, allow_nan=False)
    except (TypeError, ValueError, RecursionError):
        return False
    return True


def schedule_from_dict(d: Any) -> Schedule:
    """Build a :class:`Schedule` from the parsed JSON of a ``taskmapper-schedule`` file.

    The schedule is not checked against a graph here (none may be at hand); use
    :meth:`Schedule.check` when the graph is known.
    """
    _check_header(d, SCHEDULE_FORMAT)
    slots_d = d.get("slots")
    if not isinstance(slots_d, list):
        raise GraphError("'slots' must be a list")
    workers = d.get("workers")
    slots, transfers, seen = [], [], set()
    for k, sd in enumerate(slots_d):
        if not isinstance(sd, dict):
            raise GraphError(f"slot #{k + 1} must be an object")
        for key in ("task", "worker", "start", "finish"):
            if key not in sd:
                raise GraphError(f"slot #{k + 1} has no {shorten(key)}")
        task = json_id(sd["task"], f"task of slot #{k + 1}")
        if task in seen:
            raise GraphError(f"task {shorten(task)} appears in two slots")
        seen.add(task)
        start = _time(sd["start"], f"start of task {shorten(task)}")
        finish = _time(sd["finish"], f"finish of task {shorten(task)}")
        if finish < start:
            raise GraphError(f"task {shorten(task)} finishes ({finish:g}) before it starts ({start:g})")
        slots.append(Slot(task, json_id(sd["worker"], f"worker of task {shorten(task)}"), start, finish))
        tds = sd.get("transfers") or []
        if not isinstance(tds, list):
            raise GraphError(f"'transfers' of task {shorten(task)} must be a list")
        for td in tds:
            if not isinstance(td, dict) or not {"from", "worker", "start", "finish"} <= td.keys():
                raise GraphError(f"a transfer into task {shorten(task)} needs 'from', 'worker', 'start' and 'finish'")
            src = json_id(td["from"], f"'from' of a transfer into task {shorten(task)}")
            what = f"transfer {shorten(src)} -> {shorten(task)}"
            transfers.append(Transfer(src, task, json_id(td["worker"], f"worker of {what}"), slots[-1].worker,
                                      _time(td["start"], f"start of {what}"), _time(td["finish"], f"finish of {what}"),
                                      check_number(td.get("data", 0.0), f"data of {what}")))
    if workers is None:
        workers = sorted({s.worker for s in slots})
    if not isinstance(workers, list):
        raise GraphError("'workers' must be a list of worker ids")
    ids = []
    for k, w in enumerate(workers):
        wid = json_id(w.get("id") if isinstance(w, dict) else w, f"worker #{k + 1} in 'workers'")
        if wid in ids:
            raise GraphError(f"duplicate worker id {shorten(wid)} in 'workers'")
        ids.append(wid)
    workers = ids
    unknown = {s.worker for s in slots} - set(workers)
    if unknown:
        raise GraphError(f"slots use workers not in 'workers': {', '.join(sorted(unknown))}")
    if "makespan" in d:
        # the makespan is recomputed from the slots; a value that is no time at all is an error
        _time(d["makespan"], "'makespan'")
    algorithm = d.get("algorithm", "unknown")
    if not isinstance(algorithm, str):
        raise GraphError(f"'algorithm' must be a text, got {shorten(algorithm)}")
    meta = {k: v for k, v in d.items() if k not in {"format", "version", "algorithm", "makespan", "workers", "slots"}}
    return Schedule(algorithm, workers, slots, transfers, meta)


def _time(v: Any, what: str) -> float:
    """A time of a schedule: a finite number within :data:`~model.graph.MAX_TIME` either way."""
    if isinstance(v, bool) or not isinstance(v, (int, float)) or math.isnan(v) or math.isinf(v):
        raise GraphError(f"{what} must be a finite number, got {shorten(v)}")
    if abs(v) > MAX_TIME:
        raise GraphError(f"{what} is too large ({v:g}; at most {MAX_TIME:g} either way)")
    return float(v)
