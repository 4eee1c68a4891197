"""WfCommons WfFormat workflow instances (schema 1.5, 1.4 and the older ``jobs`` layout).

A WfFormat instance describes a workflow that really ran: the tasks and their
dependencies, the files they read and write, and from the execution each task's
runtime and machine.

- Graph: one task per workflow task (id: its ``id``, else its ``name``), an edge for
  every parent/child relation, ``cost`` = recorded runtime in seconds (0 when
  missing), edge ``data`` = total size in bytes of the files the child reads that the
  parent writes. The graph's network has a bandwidth of :data:`DEFAULT_BANDWIDTH`
  bytes per second (1 Gbit/s Ethernet) so data volumes turn into realistic transfer
  times. Each task keeps its ``category`` (program) and recorded ``machine``.
- Trace: the recorded execution as a :class:`~model.schedule.Schedule` with
  ``algorithm = "trace"``. Runtimes and machines are recorded but start times are not,
  so they are rebuilt: each machine contributes one worker per core (``"node"`` for a
  one-core machine, else ``"node/1"``, ``"node/2"``, ...), every task runs on its
  recorded machine, and tasks are started, in order of readiness, at the earliest
  time consistent with their parents and with one task at a time per core. Data
  between two machines take the transfer time over the network above; between two
  cores of one machine they are free (the platform of the trace has a link of
  unlimited bandwidth and no latency between them, see :func:`trace_platform`).
  Tasks of the pseudo-machine ``"unrecorded"`` below count as on different machines.
  ``meta["reconstructed"]`` is ``True``; the recorded makespan is kept as
  ``meta["recorded_makespan"]``. Tasks without a recorded machine go to a pseudo-machine
  ``"unrecorded"`` with as many cores as needed.
- Multi-core tasks: a task that used k cores (``coreCount`` of its execution record
  in 1.5, ``cores`` in 1.4; a fraction counts as a whole core, 0 or missing as 1)
  holds k cores of its machine for its whole run: it starts only when k cores are
  free and no other task runs on any of them until it finishes. A schedule holds one
  slot per task, so its slot is on the core its inputs arrive at, and the other k - 1
  cores are listed in ``meta["multicore"]`` (task -> all k worker ids, slot's first):
  in a Gantt chart they show as idle lanes that were in fact taken by that task.
  Machines are given at least as many cores as their widest task used. The graph keeps
  the count as the task attribute ``cores``.
"""

from __future__ import annotations

import heapq
import math
import os
from collections.abc import Mapping
from typing import Any

from ..graph import (
    MAX_DATA,
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
from ..schedule import Schedule, Slot

__all__ = [
    "DEFAULT_BANDWIDTH",
    "graph_from_dict",
    "platform_from_dict",
    "read",
    "read_trace",
    "trace_from_dict",
    "trace_platform",
]

#: bytes per second assumed between machines (1 Gbit/s)
DEFAULT_BANDWIDTH = 1.25e8
#: the most cores a machine (or a task) may have: the largest machines built have a few
#: thousand; a rebuilt trace has one worker per core, so an absurd count must not make millions
MAX_CORES = MAX_WORKERS
_UNRECORDED = "unrecorded"


def _list(v: Any, what: str) -> list[Any]:
    """A JSON list of the instance (missing or null: empty)."""
    if v is None:
        return []
    if not isinstance(v, list):
        raise GraphError(f"{what} must be a list, got {shorten(v)}")
    return v


def _ref(v: Any, what: str) -> str:
    """A task or file reference: a text or a number."""
    if isinstance(v, bool) or not isinstance(v, (str, int, float)):
        raise GraphError(f"{what} must be a text, got {shorten(v)}")
    return str(v)


def _refs(t: Mapping[str, Any], key: str, tid: str) -> list[str]:
    """The list of task or file references under ``key`` of task ``tid``."""
    v = t.get(key)
    if v is None:
        return []
    if type(v) is list and all(type(x) is str for x in v):
        return v  # the usual case, checked quickly
    what = f"{key!r} of task {shorten(tid)}"
    return [_ref(x, f"an entry of {what}") for x in _list(v, what)]


def _workflow(d: Any) -> dict[str, Any]:
    if not isinstance(d, dict) or not isinstance(d.get("workflow"), dict):
        raise GraphError("not a WfFormat instance: no 'workflow' object")
    return d["workflow"]  # type: ignore[no-any-return]


def _tid(t: Mapping[str, Any], k: int) -> str:
    v = t.get("id", t.get("name"))
    if v is None or v == "":
        raise GraphError(f"WfFormat task #{k + 1} has neither 'id' nor 'name'")
    return _ref(v, f"the id of WfFormat task #{k + 1}")


class _Parsed:
    """The parts of an instance this module uses, whatever the schema version."""

    def __init__(self, d: Any) -> None:
        wf = _workflow(d)
        self.name = str(d.get("name") or "workflow")
        self.version = str(d.get("schemaVersion", ""))
        #: task id -> {"parents", "children", "in", "out", "runtime", "machine", "category", "name"}
        self.tasks: dict[str, dict[str, Any]] = {}
        self.sizes: dict[str, float] = {}
        self.machines: list[dict[str, Any]] = []
        self.makespan: Any = None
        self.executed_at: Any = None
        if isinstance(wf.get("specification"), dict):
            self._read_15(wf)
        elif isinstance(wf.get("tasks"), list) or isinstance(wf.get("jobs"), list):
            self._read_14(wf)
        else:
            raise GraphError("WfFormat instance has neither 'workflow.specification' nor 'workflow.tasks'")
        self._resolve_names()

    # schema 1.5: specification (structure, files) + execution (runtimes, machines)
    def _read_15(self, wf: dict[str, Any]) -> None:
        spec = wf["specification"]
        tasks = spec.get("tasks")
        if not isinstance(tasks, list):
            raise GraphError("'workflow.specification.tasks' must be a list")
        for k, f in enumerate(_list(spec.get("files"), "'workflow.specification.files'")):
            if not isinstance(f, dict) or "id" not in f:
                raise GraphError(f"WfFormat file #{k + 1} has no 'id'")
            fid = _ref(f["id"], f"the id of WfFormat file #{k + 1}")
            self.sizes[fid] = check_number(f.get("sizeInBytes", 0), f"size of file {shorten(fid)}", maximum=MAX_DATA)
        for k, t in enumerate(tasks):
            if not isinstance(t, dict):
                raise GraphError(f"WfFormat task #{k + 1} must be an object")
            tid = _tid(t, k)
            if tid in self.tasks:
                raise GraphError(f"duplicate task id {shorten(tid)}")
            self.tasks[tid] = {
                "name": str(t.get("name", tid)),
                "parents": _refs(t, "parents", tid),
                "children": _refs(t, "children", tid),
                "in": _refs(t, "inputFiles", tid),
                "out": _refs(t, "outputFiles", tid),
                "runtime": t.get("runtimeInSeconds"),
                "machine": None,
                "category": t.get("category"),
                "cores": _cores(t.get("coreCount", t.get("cores")), tid),
            }
        ex = wf.get("execution") or {}
        if not isinstance(ex, dict):
            raise GraphError("'workflow.execution' must be an object")
        self.makespan = ex.get("makespanInSeconds")
        self.executed_at = ex.get("executedAt")
        for k, e in enumerate(_list(ex.get("tasks"), "'workflow.execution.tasks'")):
            if not isinstance(e, dict) or "id" not in e:
                raise GraphError(f"WfFormat execution task #{k + 1} has no 'id'")
            tid = _ref(e["id"], f"the id of WfFormat execution task #{k + 1}")
            if tid not in self.tasks:
                raise GraphError(f"the execution names unknown task {shorten(tid)}")
            rec = self.tasks[tid]
            if "runtimeInSeconds" in e:
                rec["runtime"] = e["runtimeInSeconds"]
            if "coreCount" in e or "cores" in e:
                rec["cores"] = _cores(e.get("coreCount", e.get("cores")), tid)
            ms = e.get("machines")
            if isinstance(ms, list) and ms:
                rec["machine"] = _ref(ms[0], f"the machine of task {shorten(tid)}")
            elif isinstance(ms, str):
                rec["machine"] = ms
            prog = (e.get("command") or {}).get("program") if isinstance(e.get("command"), dict) else None
            if rec["category"] is None and prog:
                rec["category"] = str(prog)
        self._read_machines(ex.get("machines"), "'workflow.execution.machines'", ("coreCount", "count"))

    # schema 1.4 (and WorkflowHub's older "jobs"): one list of tasks with files and runtimes
    def _read_14(self, wf: dict[str, Any]) -> None:
        tasks = wf.get("tasks") if isinstance(wf.get("tasks"), list) else wf.get("jobs")
        self.makespan = wf.get("makespanInSeconds", wf.get("makespan"))
        self.executed_at = wf.get("executedAt")
        assert isinstance(tasks, list)
        for k, t in enumerate(tasks):
            if not isinstance(t, dict):
                raise GraphError(f"WfFormat task #{k + 1} must be an object")
            # in 1.4 'name' is the reference used by parents/children
            tid = _ref(t["name"], f"the name of WfFormat task #{k + 1}") if t.get("name") else _tid(t, k)
            if tid in self.tasks:
                raise GraphError(f"duplicate task name {shorten(tid)}")
            ins: list[str] = []
            outs: list[str] = []
            for j, f in enumerate(_list(t.get("files"), f"'files' of task {shorten(tid)}")):
                if not isinstance(f, dict) or ("name" not in f and "id" not in f):
                    raise GraphError(f"file #{j + 1} of task {shorten(tid)} has no 'name'")
                fname = _ref(f.get("name", f.get("id")), f"the name of file #{j + 1} of task {shorten(tid)}")
                size = f.get("sizeInBytes", f.get("size", 0))
                self.sizes[fname] = check_number(size, f"size of file {shorten(fname)}", maximum=MAX_DATA)
                (outs if f.get("link") == "output" else ins).append(fname)
            machine = t.get("machine")
            if isinstance(machine, list):
                machine = machine[0] if machine else None
            self.tasks[tid] = {
                "name": tid,
                "alias": _ref(t["id"], f"the id of task {shorten(tid)}") if "id" in t else None,
                "parents": _refs(t, "parents", tid),
                "children": _refs(t, "children", tid),
                "in": ins,
                "out": outs,
                "runtime": t.get("runtimeInSeconds", t.get("runtime")),
                "machine": None if machine is None else _ref(machine, f"the machine of task {shorten(tid)}"),
                "category": t.get("category"),
                "cores": _cores(t.get("cores", t.get("coreCount")), tid),
            }
        self._read_machines(wf.get("machines"), "'workflow.machines'", ("count", "coreCount"))

    def _read_machines(self, ms: Any, what: str, keys: tuple[str, str]) -> None:
        for m in _list(ms, what):
            if isinstance(m, dict) and "nodeName" in m:
                name = _ref(m["nodeName"], f"a 'nodeName' in {what}")
                cpu: dict[str, Any] = m["cpu"] if isinstance(m.get("cpu"), dict) else {}
                self.machines.append({"name": name, "cores": _machine_cores(cpu.get(keys[0], cpu.get(keys[1])), name)})

    def _resolve_names(self) -> None:
        """Let parents/children name a task by its id or by its name."""
        alias: dict[str, str] = {}
        for tid, rec in self.tasks.items():
            for a in (rec.get("name"), rec.get("alias")):
                if a and a not in self.tasks:
                    alias.setdefault(a, tid)
        for tid, rec in self.tasks.items():
            for key in ("parents", "children"):
                out = []
                for r in rec[key]:
                    r2 = r if r in self.tasks else alias.get(r)
                    if r2 is None:
                        rel = "parent" if key == "parents" else "child"
                        raise GraphError(f"task {shorten(tid)} names unknown {rel} task {shorten(r)}")
                    out.append(r2)
                rec[key] = out


def _cores(v: Any, tid: str) -> int:
    """Whole cores a task held: a fraction of a core takes a whole one; 0 or missing is 1."""
    if v is None:
        return 1
    n = check_number(v, f"core count of task {shorten(tid)}")
    if n > MAX_CORES:
        raise GraphError(f"core count of task {shorten(tid)} is {n:g}; at most {MAX_CORES:,} cores are supported")
    return max(1, math.ceil(n))


def _machine_cores(v: Any, machine: str) -> int:
    """Cores of a machine: a whole number (a text holding one is accepted); missing is 1."""
    if v is None:
        return 1
    what = f"core count of machine {shorten(machine)}"
    if isinstance(v, str):
        try:
            v = float(v.strip())
        except ValueError:
            raise GraphError(f"{what} must be a number, got {shorten(v)}") from None
    n = check_number(v, what)
    if n > MAX_CORES:
        raise GraphError(f"{what} is {n:g}; at most {MAX_CORES:,} cores per machine are supported")
    return max(1, int(n))


def _edges(p: _Parsed) -> dict[tuple[str, str], float]:
    """(parent, child) -> bytes the child reads that the parent writes."""
    pairs: dict[tuple[str, str], None] = {}
    for tid, rec in p.tasks.items():
        for par in rec["parents"]:
            pairs[(par, tid)] = None
        for ch in rec["children"]:
            pairs[(tid, ch)] = None
    out = {}
    for u, v in pairs:
        shared = set(p.tasks[u]["out"]) & set(p.tasks[v]["in"])
        out[(u, v)] = float(sum(p.sizes.get(f, 0.0) for f in shared))
    return out


def _build_graph(p: _Parsed) -> TaskGraph:
    g = TaskGraph(p.name)
    g.network = Network(bandwidth=DEFAULT_BANDWIDTH)
    g.attrs["source"] = f"WfFormat {p.version}".strip()
    for tid, rec in p.tasks.items():
        extra: dict[str, Any] = {}
        if rec["name"] != tid:
            extra["label"] = rec["name"]
        if rec["category"]:
            extra["category"] = str(rec["category"])
        if rec["machine"]:
            extra["machine"] = rec["machine"]
        if rec["cores"] > 1:
            extra["cores"] = rec["cores"]
        rt = rec["runtime"]
        g.add_task(tid, check_number(0.0 if rt is None else rt, f"runtime of task {shorten(tid)}", maximum=MAX_TIME),
                   **extra)
    for (u, v), data in _edges(p).items():
        if u == v:
            raise GraphError(f"task {shorten(u)} is its own parent (a cycle)")
        g.add_edge(u, v, data)
    g.check_acyclic()
    from ..generators import layout_levels

    layout_levels(g)
    return g


def graph_from_dict(d: Any) -> TaskGraph:
    """The task graph of a parsed WfFormat instance.

    Raises
    ------
    GraphError
        On a missing section, an unknown parent/child, a bad runtime or size, or a cycle.

    Examples
    --------
    >>> d = {"name": "w", "schemaVersion": "1.5", "workflow": {
    ...   "specification": {"tasks": [
    ...     {"id": "a", "parents": [], "children": ["b"], "outputFiles": ["f"]},
    ...     {"id": "b", "parents": ["a"], "inputFiles": ["f"]}],
    ...     "files": [{"id": "f", "sizeInBytes": 1000}]},
    ...   "execution": {"tasks": [{"id": "a", "runtimeInSeconds": 2.5},
    ...                           {"id": "b", "runtimeInSeconds": 1}]}}}
    >>> g = graph_from_dict(d)
    >>> g.cost("a"), g.data("a", "b")
    (2.5, 1000.0)
    """
    return _build_graph(_Parsed(d))


def _core_ids(machine: str, cores: int) -> list[str]:
    return [machine] if cores == 1 else [f"{machine}/{k + 1}" for k in range(cores)]


def trace_platform(trace: Schedule, network: Network | None = None) -> Platform:
    """The platform a rebuilt trace runs on: its workers, transfers free within a machine.

    ``trace`` is a schedule from :func:`trace_from_dict` (its ``meta["machines"]`` names
    each machine's core count); ``network`` (default: the instance graph's, 1 Gbit/s)
    prices transfers between machines. Every ordered pair of cores of one recorded
    machine gets a link of unlimited bandwidth and no latency, so
    ``trace.check(graph, trace_platform(trace), check_durations=False)`` holds.
    """
    net = network if network is not None else Network(bandwidth=DEFAULT_BANDWIDTH)
    machines = trace.meta.get("machines")
    if not isinstance(machines, dict):
        raise GraphError("the schedule is not a trace rebuilt from a WfFormat instance (no 'machines')")
    workers = set(trace.workers)
    links = {k: v for k, v in net.links.items() if k[0] in workers and k[1] in workers}
    for m, n in machines.items():
        if m == _UNRECORDED:
            continue  # where these tasks ran is unknown: no sharing assumed
        ids = [w for w in _core_ids(str(m), int(n)) if w in workers]
        for a in ids:
            for b in ids:
                if a != b:
                    links[(a, b)] = (math.inf, 0.0)
    ws = tuple(Worker(w) for w in trace.workers) or (Worker(_UNRECORDED),)
    return Platform(ws, Network(net.bandwidth, net.latency, links))


def _reconstruct(p: _Parsed, g: TaskGraph) -> tuple[Schedule, Platform]:
    cores: dict[str, int] = {m["name"]: m["cores"] for m in p.machines}
    unrecorded = sum(rec["cores"] for rec in p.tasks.values() if not rec["machine"])
    for rec in p.tasks.values():
        mach = rec["machine"] or _UNRECORDED
        if mach not in cores:
            cores[mach] = unrecorded if mach == _UNRECORDED else 1
        cores[mach] = max(cores[mach], rec["cores"])  # it ran there, so the machine had them
    net = g.network or Network(bandwidth=DEFAULT_BANDWIDTH)
    core_ids = {m: _core_ids(m, n) for m, n in cores.items()}
    # free[machine][core] = time the core is free; by_time[machine] = a heap of (free, core),
    # where an entry whose time is no longer the core's is stale and skipped (times only grow)
    free = {m: [0.0] * c for m, c in cores.items()}
    by_time = {m: [(0.0, c) for c in range(n)] for m, n in cores.items()}

    def first_free(m: str) -> int:
        """The core of machine ``m`` free first (the lowest number of equals)."""
        h, fr = by_time[m], free[m]
        while h[0][0] != fr[h[0][1]]:
            heapq.heappop(h)
        return h[0][1]

    order = {t: i for i, t in enumerate(g.tasks)}
    missing = {t: len(g.predecessors(t)) for t in g.tasks}
    ready_at = dict.fromkeys(g.tasks, 0.0)  # latest parent finish: the heap's priority
    heap = [(0.0, order[t], t) for t, k in missing.items() if k == 0]
    heapq.heapify(heap)
    placed: dict[str, tuple[str, int, float, float]] = {}
    held: dict[str, list[int]] = {}  # multi-core task -> the other cores it held
    while heap:
        _, _, t = heapq.heappop(heap)
        mach = g.task_attrs(t).get("machine") or _UNRECORDED
        fr = free[mach]

        ids = core_ids[mach]
        preds = [(placed[u], g.data(u, t)) for u in g.predecessors(t)]

        def ready_on(core: int, mach: str = mach, ids: list[str] = ids, preds: Any = preds) -> float:
            r = 0.0
            for (mu, cu, _, fu), data in preds:
                if mu == mach and mach != _UNRECORDED:  # cores of one machine share data for free
                    r = max(r, fu)
                else:
                    r = max(r, fu + net.comm_time(data, core_ids[mu][cu], ids[core]))
            return r

        k = p.tasks[t]["cores"]
        # all cores by free time only for a multi-core task (a machine may have thousands)
        by_free = sorted(range(len(fr)), key=lambda c: (fr[c], c)) if k > 1 else [first_free(mach)]

        def others(core: int, k: int = k, by_free: list[int] = by_free) -> list[int]:
            """The k - 1 cores free first besides ``core``: a k-core task holds them too."""
            return [c for c in by_free if c != core][: k - 1]

        # data arrive earlier on a core that ran a parent; otherwise any core is alike,
        # so the one free first is the only other candidate
        candidates = {cu for (mu, cu, _, _), _ in preds if mu == mach}
        candidates.add(by_free[0])
        best: tuple[float, int] | None = None
        for core in sorted(candidates):
            st = max(ready_on(core), fr[core], *(fr[c] for c in others(core)))
            if best is None or st < best[0]:
                best = (st, core)
        assert best is not None
        start, core = best
        finish = start + g.cost(t)
        fr[core] = finish
        heapq.heappush(by_time[mach], (finish, core))
        if k > 1:
            held[t] = others(core)
            for c in held[t]:
                fr[c] = finish
                heapq.heappush(by_time[mach], (finish, c))
        placed[t] = (mach, core, start, finish)
        for v in g.successors(t):
            missing[v] -= 1
            ready_at[v] = max(ready_at[v], finish)
            if missing[v] == 0:
                heapq.heappush(heap, (ready_at[v], order[v], v))
    used = {(m, c) for m, c, _, _ in placed.values()}
    used |= {(placed[t][0], c) for t, cs in held.items() for c in cs}
    workers = [w for m, ids in core_ids.items() for c, w in enumerate(ids) if (m, c) in used]
    slots = [
        Slot(t, core_ids[m][c], s, f) for t, (m, c, s, f) in sorted(placed.items(), key=lambda kv: kv[1][2])
    ]
    meta: dict[str, Any] = {"graph": g.name, "reconstructed": True}
    if p.makespan is not None:
        meta["recorded_makespan"] = p.makespan
    if p.executed_at is not None:
        meta["executed_at"] = p.executed_at
    meta["machines"] = {m: n for m, n in cores.items() if any(um == m for um, _ in used)}
    if held:
        meta["multicore"] = {
            t: [core_ids[placed[t][0]][c] for c in [placed[t][1], *cs]] for t, cs in held.items()
        }
    trace = Schedule("trace", workers, slots, meta=meta)
    return trace, trace_platform(trace, net)


def trace_from_dict(d: Any) -> Schedule:
    """The recorded execution of a parsed WfFormat instance, start times rebuilt.

    See the module description for how start times are rebuilt.

    Examples
    --------
    >>> d = {"name": "w", "workflow": {"specification": {"tasks": [
    ...     {"id": "a", "children": ["b"]}, {"id": "b", "parents": ["a"]}]},
    ...   "execution": {"makespanInSeconds": 4, "tasks": [
    ...     {"id": "a", "runtimeInSeconds": 1, "machines": ["n1"]},
    ...     {"id": "b", "runtimeInSeconds": 2, "machines": ["n1"]}],
    ...     "machines": [{"nodeName": "n1", "cpu": {"coreCount": 1}}]}}}
    >>> trace_from_dict(d).slots
    [Slot(task='a', worker='n1', start=0.0, finish=1.0), Slot(task='b', worker='n1', start=1.0, finish=3.0)]
    """
    p = _Parsed(d)
    return _reconstruct(p, _build_graph(p))[0]


def platform_from_dict(d: Any) -> Platform:
    """The platform of the recorded execution: one worker per used core of each machine.

    Transfers between cores of one machine are free (see :func:`trace_platform`).

    The trace of :func:`trace_from_dict` is valid on it
    (``Schedule.check(graph, platform, check_durations=False)``).
    """
    p = _Parsed(d)
    return _reconstruct(p, _build_graph(p))[1]


def _load(path: str | os.PathLike[str]) -> Any:
    from . import load_json

    return load_json(path)


def read(path: str | os.PathLike[str]) -> TaskGraph:
    """Read the task graph of a WfFormat instance file (see :func:`graph_from_dict`)."""
    return graph_from_dict(_load(path))


def read_trace(path: str | os.PathLike[str]) -> Schedule:
    """Read the recorded execution of a WfFormat instance file (see :func:`trace_from_dict`)."""
    return trace_from_dict(_load(path))


def read_all(path: str | os.PathLike[str]) -> tuple[TaskGraph, Schedule, Platform]:
    """Graph, rebuilt trace and platform of a WfFormat instance file, parsed once."""
    p = _Parsed(_load(path))
    g = _build_graph(p)
    s, plat = _reconstruct(p, g)
    return g, s, plat
