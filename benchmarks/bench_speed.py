"""Speed of ``taskmapper schedule`` (HEFT) against the saga library, and at scale.

1. A 3,000-task random layered DAG (HEFT-paper generator) on 8 related workers of
   different speeds: ``taskmapper schedule`` (a child process, start-up included) against
   saga's ``HeftScheduler`` (PyPI ``anrg-saga==2.0.2``, installed on demand in a separate
   virtual environment, by default ``/tmp/saga-venv``; only its ``schedule()`` call is
   timed). Saga's schedule is checked with our invariants and the makespans compared.
   saga as shipped averages transfer times over all m² worker pairs, including the m
   zero-cost self links, when ranking; it is run a second time with the HEFT paper's
   mean over distinct pairs (what taskmapper uses), which must give the same makespan.
2. 100,000 tasks on 16 workers with per-worker costs (the graph of
   ``taskmapper generate layered -n 100000 -p workers=16 -p ccr=1.0``): the whole
   ``taskmapper schedule -a heft`` process (wall and CPU time, peak memory from
   ``os.wait4``; median of ``--repeat`` runs), side by side with two reference HEFTs
   without insertion, written in plain Python and run in a child process on the same
   file (their compute time only, the graph already read):

   * *plain*: textbook HEFT on the task graph itself (networkx adjacency, dicts keyed by
     task, ``Network.comm_time`` for each transfer);
   * *index lists*: the same loop on integer-indexed Python lists, the fastest plain
     Python form (the lists are built before the clock starts).

   Then the split of one in-process run into its phases: read (the reader, its own
   validation included), validate (the graph's validation alone, run again), compile,
   HEFT, check (``Schedule.build``: invariants and transfers), write (the schedule's
   JSON as ``taskmapper schedule`` writes it). ``--before DIR`` also times the process
   of another checkout (e.g. ``git worktree add /tmp/before <commit>``) in the same run.

Usage::

    .venv/bin/python benchmarks/bench_speed.py [--tasks 3000] [--big 100000] [--skip-saga]
        [--saga-venv /tmp/saga-venv] [--seed 1] [--repeat 3] [--before DIR]

Costs are real numbers (not whole) and worker speeds differ (1.0, 1.125, ...) so that no
two tasks tie on their upward rank and no two workers tie on a finish time: the HEFT
paper leaves tie-breaking open and the two implementations break ties differently
(with whole-number costs, 35 of 3,000 ranks tie and the makespans drift apart by 0.01 %).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from model.formats import save_graph  # noqa: E402
from model.generators import generate  # noqa: E402
from model.graph import Network, Platform, TaskGraph, Worker  # noqa: E402

SAGA_SPEC = "anrg-saga==2.0.2"

#: Run inside the saga environment: read the instance, time HeftScheduler, print JSON.
SAGA_DRIVER = textwrap.dedent(
    """
    import json, logging, sys, time
    logging.disable(logging.WARNING)
    from saga import Network, TaskGraph
    from saga.schedulers import HeftScheduler

    d = json.load(open(sys.argv[1]))
    if "--paper-mean" in sys.argv:
        # HEFT's mean transfer time over pairs of distinct workers (Topcuoglu 2002);
        # saga's own rank also averages the zero-cost self links.
        import numpy as np
        import saga.schedulers.heft as heft_mod

        def upward_rank(network, task_graph):
            links = [e for e in network.edges if e.source != e.target]
            ranks = {}
            for task in task_graph.topological_sort()[::-1]:
                avg = np.mean([task.cost / node.speed for node in network.nodes])
                outs = task_graph.out_edges(task.name)
                comm = max((ranks[e.target] + np.mean([e.size / l.speed for l in links]) for e in outs),
                           default=0.0)
                ranks[task.name] = float(avg + comm)
            return ranks

        heft_mod.upward_rank = upward_rank
    t0 = time.perf_counter()
    nodes = [(w["id"], w["speed"]) for w in d["workers"]]
    edges = [(a["id"], b["id"], d["bandwidth"]) for a in d["workers"] for b in d["workers"] if a["id"] != b["id"]]
    net = Network.create(nodes, edges)
    tg = TaskGraph.create([(t["id"], t["cost"]) for t in d["tasks"]],
                          [(e["source"], e["target"], e["data"]) for e in d["edges"]])
    t1 = time.perf_counter()
    sched = HeftScheduler().schedule(net, tg)
    t2 = time.perf_counter()
    slots = [(t.name, t.node, t.start, t.end) for ts in sched.mapping.values() for t in ts]
    print(json.dumps({"build": t1 - t0, "schedule": t2 - t1,
                      "makespan": max(s[3] for s in slots), "slots": slots}))
    """
)


#: Run in a child: the reference HEFTs without insertion on a graph file, compute time only.
REFERENCE_DRIVER = textwrap.dedent(
    """
    import json, sys, time
    sys.path.insert(0, sys.argv[1])
    import networkx as nx
    from model.formats import load_graph

    def plain_heft(graph, platform):
        # textbook HEFT without insertion, on the task graph itself
        G = graph.nx
        workers = platform.ids
        net = platform.network
        m = len(workers)
        exec_time = {t: [graph.exec_time(t, p, platform) for p in range(m)] for t in G}
        pairs = [(a, b) for a in workers for b in workers if a != b]
        # mean transfer time over pairs of distinct workers: mean latency + data * mean(1 / bandwidth)
        mlat = sum(net.comm_time(0.0, a, b) for a, b in pairs) / len(pairs) if pairs else 0.0
        mbw = sum(net.comm_time(1.0, a, b) for a, b in pairs) / len(pairs) - mlat if pairs else 0.0
        rank = {}
        for t in reversed(list(nx.topological_sort(G))):
            rank[t] = sum(exec_time[t]) / m + max(
                (mlat + a.get("data", 0.0) * mbw + rank[s] for s, a in G.succ[t].items()), default=0.0)
        where, finish = {}, {}
        free = {p: 0.0 for p in workers}
        for t in sorted(G, key=lambda t: -rank[t]):
            best = None
            for k, p in enumerate(workers):
                ready = free[p]
                for u, a in G.pred[t].items():
                    ready = max(ready, finish[u] + net.comm_time(a.get("data", 0.0), where[u], p))
                f = ready + exec_time[t][k]
                if best is None or f < best[0]:
                    best = (f, p)
            finish[t], where[t] = best
            free[best[1]] = best[0]
        return max(finish.values())

    def index_lists(graph, platform):
        tasks = graph.tasks
        index = {t: i for i, t in enumerate(tasks)}
        m = len(platform)
        n = len(tasks)
        w = [[graph.exec_time(t, p, platform) for p in range(m)] for t in tasks]
        preds = [[] for _ in range(n)]
        succs = [[] for _ in range(n)]
        for u, v, a in graph.nx.edges(data=True):
            d = float(a.get("data", 0.0))
            preds[index[v]].append((index[u], d))
            succs[index[u]].append((index[v], d))
        ids = platform.ids
        net = platform.network
        lat = [[net.comm_time(0.0, ids[p], ids[q]) for q in range(m)] for p in range(m)]
        ibw = [[net.comm_time(1.0, ids[p], ids[q]) - lat[p][q] for q in range(m)] for p in range(m)]
        return w, preds, succs, lat, ibw

    def index_heft(w, preds, succs, lat, ibw):
        n, m = len(w), len(lat)
        indeg = [len(p) for p in preds]
        order = [i for i in range(n) if indeg[i] == 0]
        for i in order:
            for j, _ in succs[i]:
                indeg[j] -= 1
                if indeg[j] == 0:
                    order.append(j)
        off = [(p, q) for p in range(m) for q in range(m) if p != q]
        mlat = sum(lat[p][q] for p, q in off) / len(off) if off else 0.0
        mibw = sum(ibw[p][q] for p, q in off) / len(off) if off else 0.0
        rank = [0.0] * n
        for i in reversed(order):
            best = 0.0
            for j, d in succs[i]:
                v = mlat + d * mibw + rank[j]
                if v > best:
                    best = v
            rank[i] = sum(w[i]) / m + best
        proc, fin, avail = [0] * n, [0.0] * n, [0.0] * m
        for i in sorted(range(n), key=lambda i: -rank[i]):
            bp, bf = -1, float("inf")
            wi, pi = w[i], preds[i]
            for p in range(m):
                r = avail[p]
                for j, d in pi:
                    q = proc[j]
                    t = fin[j] if q == p else fin[j] + lat[q][p] + d * ibw[q][p]
                    if t > r:
                        r = t
                f = r + wi[p]
                if f < bf:
                    bp, bf = p, f
            proc[i], fin[i], avail[bp] = bp, bf, bf
        return max(fin)

    g = load_graph(sys.argv[2])
    plat = g.default_platform()
    out = {}
    for _ in range(int(sys.argv[3])):
        t0, c0 = time.perf_counter(), time.process_time()
        ms = plain_heft(g, plat)
        out.setdefault("plain", []).append((time.perf_counter() - t0, time.process_time() - c0, ms))
        lists = index_lists(g, plat)
        t0, c0 = time.perf_counter(), time.process_time()
        ms = index_heft(*lists)
        out.setdefault("index", []).append((time.perf_counter() - t0, time.process_time() - c0, ms))
    print(json.dumps(out))
    """
)

#: Run in a child: one ``taskmapper schedule`` split into its phases, as that tree's CLI runs it
#: (a tree that reads a graph straight into the run's arrays reads and validates it in 'read';
#: an older one builds the networkx graph there and validates it again in 'validate').
PHASES_DRIVER = textwrap.dedent(
    """
    import json, sys, time
    sys.path.insert(0, sys.argv[1])
    clock = lambda: (time.perf_counter(), time.process_time())
    t = [clock()]
    from model.algorithms import get_algorithm
    from model.gcpause import paused_collection
    from model.formats import load_graph
    from model.formats.native import schedule_json
    from model.instance import compile_instance
    from model.schedule import Schedule, Slot
    try:
        from model.formats import load_graph_for_run
    except ImportError:
        load_graph_for_run = None
    names = ["import", "read", "validate", "compile", "HEFT", "check", "write"]
    t.append(clock())
    with paused_collection():  # as the command does
        if load_graph_for_run is not None:
            g = load_graph_for_run(sys.argv[2]); t.append(clock())
            plat = g.default_platform()
            names.remove("validate")
        else:
            g = load_graph(sys.argv[2]); t.append(clock())
            plat = g.default_platform()
            g.validate(plat); t.append(clock())
        inst = compile_instance(g, plat); t.append(clock())
        alg = get_algorithm("heft")
        pl = list(alg.place(inst, None)); t.append(clock())
        slots = [Slot(inst.tasks[i], inst.workers[p], float(s), float(f)) for i, p, s, f in pl]
        sched = Schedule.build("heft", g, plat, slots, meta={"graph": g.name, **alg.info}, instance=inst)
        t.append(clock())
        text = schedule_json(sched); t.append(clock())
    print(json.dumps({k: [b[0] - a[0], b[1] - a[1]] for k, a, b in zip(names, t, t[1:])}))
    """
)


def ensure_saga(venv: Path) -> Path:
    """The saga environment's python, creating the environment on first use."""
    py = venv / "bin" / "python"
    if py.exists():
        ok = subprocess.run([str(py), "-c", "import saga.schedulers"], capture_output=True)
        if ok.returncode == 0:
            return py
    print(f"creating {venv} with {SAGA_SPEC} (once) ...", file=sys.stderr, flush=True)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(py), "-m", "pip", "install", "-q", SAGA_SPEC], check=True)
    return py


def instance(n: int, m: int, seed: int) -> TaskGraph:
    """A layered DAG with plain costs on ``m`` related workers of distinct speeds."""
    g = generate("layered", n=n, seed=seed, ccr=1.0, integer=False)
    g.platform = Platform(
        tuple(Worker(f"P{i + 1}", 1.0 + 0.125 * i) for i in range(m)), Network(bandwidth=1.0, latency=0.0)
    )
    return g


def run_child(cmd: list[str], stdout_path: Path, cwd: Path = ROOT) -> tuple[float, float, int, float]:
    """Run ``cmd``; return (wall seconds, peak RSS in MB, exit status, CPU seconds)."""
    with open(stdout_path, "w") as out, open(stdout_path.with_suffix(".err"), "w") as err:
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=out, stderr=err, cwd=cwd)
        _, status, usage = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    # ru_maxrss is in kilobytes on Linux
    return wall, usage.ru_maxrss / 1024, p.returncode, usage.ru_utime + usage.ru_stime


def taskmapper_cmd() -> list[str]:
    return [sys.executable, "-m", "cli"]


def bench_vs_saga(n: int, m: int, seed: int, venv: Path | None, tmp: Path) -> dict[str, object]:
    g = instance(n, m, seed)
    path = tmp / f"layered-{n}.json"
    save_graph(g, path)
    out = tmp / f"layered-{n}.schedule.json"
    wall, rss, rc, _cpu = run_child([*taskmapper_cmd(), "schedule", str(path), "-a", "heft", "-o", str(out)], out)
    if rc != 0:
        raise SystemExit(f"taskmapper failed: {out.with_suffix('.err').read_text()}")
    ours = json.loads(out.read_text())
    row: dict[str, object] = {
        "tasks": n, "edges": g.nx.number_of_edges(), "workers": m,
        "taskmapper_s": wall, "taskmapper_rss_mb": rss, "taskmapper_makespan": ours["makespan"],
    }
    if venv is None:
        return row
    py = ensure_saga(venv)
    spec = {
        "workers": [{"id": w.id, "speed": w.speed} for w in g.platform.workers],
        "bandwidth": g.platform.network.bandwidth,
        "tasks": [{"id": t, "cost": g.cost(t)} for t in g.tasks],
        "edges": [{"source": u, "target": v, "data": g.data(u, v)} for u, v in g.edges],
    }
    spec_path = tmp / "saga-input.json"
    spec_path.write_text(json.dumps(spec))
    driver = tmp / "saga_driver.py"
    driver.write_text(SAGA_DRIVER)
    from model.schedule import Schedule, Slot

    for label, extra in (("saga", []), ("saga_paper_mean", ["--paper-mean"])):
        t0 = time.perf_counter()
        res = subprocess.run([str(py), str(driver), str(spec_path), *extra], capture_output=True, text=True)
        total = time.perf_counter() - t0
        if res.returncode != 0:
            raise SystemExit("saga failed: " + res.stderr[-2000:])
        saga = json.loads(res.stdout)
        # saga's schedule must pass our own invariant check (its dummy entry/exit removed)
        slots = [Slot(t, w, s, f) for t, w, s, f in saga["slots"] if t in g]
        Schedule.build(label, g, g.platform, slots)
        row.update({
            f"{label}_schedule_s": saga["schedule"], f"{label}_build_s": saga["build"],
            f"{label}_process_s": total, f"{label}_makespan": saga["makespan"],
            f"{label}_same_makespan": abs(saga["makespan"] - ours["makespan"]) <= 1e-6 * max(1.0, ours["makespan"]),
            f"{label}_speedup": saga["schedule"] / wall,
        })
        print(f"  {label}: schedule {saga['schedule']:.2f} s, makespan {saga['makespan']:.3f}", file=sys.stderr, flush=True)
    return row


def bench_big(n: int, m: int, seed: int, tmp: Path, repeat: int, before: Path | None,
              graph_file: Path | None = None, reference: bool = True) -> dict[str, object]:
    """The large run: process (and ``before``'s), the reference HEFTs, the phases (of both trees)."""
    from model.formats import load_json
    from model.generators import generate

    t0 = time.perf_counter()
    if graph_file is not None:
        path = graph_file
        doc = load_json(path)
        n, edges = len(doc["tasks"]), len(doc["edges"])
        costs = "per-worker costs" if "costs" in doc["tasks"][0] else "one cost per task"
        del doc
    else:
        # the graph of ``taskmapper generate layered -n N -p workers=M -p ccr=1.0``
        g = generate("layered", n=n, seed=seed, workers=m, ccr=1.0)
        path = tmp / f"layered-{n}.json"
        save_graph(g, path)
        edges = g.nx.number_of_edges()
        costs = "per-worker costs, CCR 1"
        del g
    gen = time.perf_counter() - t0
    out = tmp / f"layered-{n}.schedule.json"
    trees = [("taskmapper schedule (process)", ROOT)]
    if before is not None:
        trees.append((f"before: {before.name} (process)", before))
    runs: dict[str, list[tuple[float, float, float, float]]] = {label: [] for label, _ in trees}
    for _ in range(repeat):
        for label, tree in trees:  # interleaved, so both see the same machine load
            wall, rss, rc, cpu = run_child([*taskmapper_cmd(), "schedule", str(path), "-a", "heft", "-o", str(out)],
                                           out, cwd=tree)
            if rc != 0:
                raise SystemExit(f"{label} failed: {out.with_suffix('.err').read_text()}")
            written = json.loads(out.read_text())
            m = len(written["workers"])  # the workers the run used (a file without them: the default)
            runs[label].append((wall, cpu, rss, written["makespan"]))
    refs: dict[str, Any] = {}
    if reference:
        driver = tmp / "reference.py"
        driver.write_text(REFERENCE_DRIVER)
        res = subprocess.run([sys.executable, str(driver), str(ROOT), str(path), str(repeat)], capture_output=True,
                             text=True)
        if res.returncode != 0:
            raise SystemExit("reference failed: " + res.stderr[-2000:])
        refs = json.loads(res.stdout)
    phases_py = tmp / "phases.py"
    phases_py.write_text(PHASES_DRIVER)
    phases = {}
    for label, tree in trees:
        res = subprocess.run([sys.executable, str(phases_py), str(tree), str(path)], capture_output=True, text=True,
                             cwd=tree)
        if res.returncode != 0:
            raise SystemExit("phases failed: " + res.stderr[-2000:])
        phases[label] = json.loads(res.stdout)
    return {"tasks": n, "edges": edges, "workers": m, "costs": costs, "generate_s": gen,
            "process": runs, "reference": refs, "phases": phases}


def median_of(rows: list[tuple[float, ...]], k: int) -> float:
    return float(statistics.median(r[k] for r in rows))


def print_big(b: dict[str, Any]) -> None:
    costs = b.get("costs", "per-worker costs, CCR 1")
    print(f"HEFT, layered DAG: {b['tasks']} tasks, {b['edges']} edges, {b['workers']} workers ({costs}); "
          f"medians of {len(next(iter(b['process'].values())))} runs")
    print(f"  {'':<38} {'wall s':>8} {'CPU s':>8} {'peak MB':>8} {'makespan':>10}")
    for label, rows in b["process"].items():
        print(f"  {label:<38} {median_of(rows, 0):>8.2f} {median_of(rows, 1):>8.2f} {median_of(rows, 2):>8.0f}"
              f" {rows[0][3]:>10.6g}")
    titles = {"plain": "plain HEFT, no insertion (compute)", "index": "index-list HEFT, no insertion (compute)"}
    for key, title in titles.items():
        if key not in b["reference"]:
            continue
        rows = b["reference"][key]
        print(f"  {title:<38} {median_of(rows, 0):>8.2f} {median_of(rows, 1):>8.2f} {'':>8} {rows[0][2]:>10.6g}")
    ours = b["process"]["taskmapper schedule (process)"]
    for key, title in titles.items():
        if key not in b["reference"]:
            continue
        rows = b["reference"][key]
        print(f"  process / {title.split(',')[0]}: wall {median_of(ours, 0) / median_of(rows, 0):.2f}x,"
              f" CPU {median_of(ours, 1) / median_of(rows, 1):.2f}x")
    for label, phases in b["phases"].items():
        print(f"  phases of one run of {label.replace(' (process)', '')} (in process; 'validate', where there is one,"
              " is the graph's validation run again alone: the reader does it inside 'read')")
        total = sum(v[1] for k, v in phases.items() if k != "validate")
        for name, (wall, cpu) in phases.items():
            share = "" if name == "validate" else f"{100 * cpu / total:5.1f} %"
            print(f"    {name:<10} wall {wall:6.2f} s  CPU {cpu:6.2f} s  {share}")
        # ('validate' left out: the command validates inside 'read', the phase runs it again alone)
        around = sum(v[1] for k, v in phases.items() if k in ("read", "compile", "check", "write"))
        around_wall = sum(v[0] for k, v in phases.items() if k in ("read", "compile", "check", "write"))
        print(f"    read + compile + check + write (HEFT left out): wall {around_wall:6.2f} s  CPU {around:6.2f} s")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tasks", type=int, default=3000, help="size of the run against saga (0: skip)")
    ap.add_argument("--workers", type=int, default=8)
    ap.add_argument("--big", type=int, default=100_000, help="size of the large run (0: skip)")
    ap.add_argument("--big-workers", type=int, default=16)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--skip-saga", action="store_true")
    ap.add_argument("--saga-venv", default=os.environ.get("SAGA_VENV", "/tmp/saga-venv"))
    ap.add_argument("--repeat", type=int, default=3, help="runs of the large process (median shown)")
    ap.add_argument("--before", type=Path, help="another checkout whose process is timed beside this one")
    ap.add_argument("--json", help="also write the results here")
    ap.add_argument("--big-file", type=Path, help="an existing graph of the large run (instead of generating it)")
    ap.add_argument("--skip-reference", action="store_true", help="leave out the plain-Python reference HEFTs")
    args = ap.parse_args(argv)
    results: dict[str, object] = {}
    with tempfile.TemporaryDirectory(prefix="taskmapper-bench-") as d:
        tmp = Path(d)
        if args.tasks:
            r = bench_vs_saga(args.tasks, args.workers, args.seed, None if args.skip_saga else Path(args.saga_venv), tmp)
            results["vs_saga"] = r
            print(f"HEFT, layered DAG: {r['tasks']} tasks, {r['edges']} edges, {r['workers']} workers")
            print(f"  {'':<34} {'seconds':>9} {'makespan':>12}")
            print(f"  {'taskmapper schedule (process)':<34} {r['taskmapper_s']:>9.3f} {r['taskmapper_makespan']:>12.3f}")
            for label, title in (("saga", "saga HeftScheduler (as shipped)"),
                                 ("saga_paper_mean", "saga HeftScheduler (paper's mean)")):
                if f"{label}_makespan" in r:
                    print(f"  {title:<34} {r[label + '_schedule_s']:>9.3f} {r[label + '_makespan']:>12.3f}"
                          f"   speed-up {r[label + '_speedup']:.1f}x, same makespan: {r[label + '_same_makespan']}")
            if "saga_makespan" in r:
                print("  (saga times: HeftScheduler.schedule() only; its graph build and interpreter start excluded."
                      " 'paper's mean' averages transfer times over pairs of distinct workers as Topcuoglu 2002"
                      " and taskmapper do; saga as shipped also averages the m zero-cost self links)")
        if args.big:
            b = bench_big(args.big, args.big_workers, args.seed, tmp, args.repeat, args.before, args.big_file,
                          not args.skip_reference)
            results["big"] = b
            print_big(b)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
