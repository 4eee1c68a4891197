"""Predicted vs measured makespan, and per-task overhead of each executor.

For every example graph in ``assets/examples/``, each algorithm's mapping is executed
for real on threads, processes and Dask (plus a dynamic run), with the time scale set
so that HEFT's predicted makespan lasts ``--target`` seconds. The table gives the
predicted makespan (algorithm's makespan x time scale) and the measured one with its
error. A second table measures the per-task overhead of each executor on zero-cost
tasks (a chain on one worker: each task waits for the previous one's round trip).

Run: ``.venv/bin/python benchmarks/bench_execution.py [--work cpu|python|sleep]``
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from model.algorithms import available, get_algorithm  # noqa: E402
from model.execution import calibrate, run_graph, trace_platform  # noqa: E402
from model.formats import load_graph  # noqa: E402
from model.graph import Platform, TaskGraph  # noqa: E402

DEFAULT_ALGORITHMS = ["heft", "cpop", "peft", "dls", "round-robin"]


def zero_chain(n: int) -> TaskGraph:
    g = TaskGraph(f"zero-cost chain of {n}")
    for k in range(n):
        g.add_task(f"t{k}", 0.0)
        if k:
            g.add_edge(f"t{k - 1}", f"t{k}", 0.0)
    return g


def zero_independent(n: int) -> TaskGraph:
    g = TaskGraph(f"{n} zero-cost independent tasks")
    for k in range(n):
        g.add_task(f"t{k}", 0.0)
    return g


def fmt_err(measured: float, predicted: float | None) -> str:
    if predicted is None or predicted <= 0:
        return f"{measured:7.3f}        "
    return f"{measured:7.3f} ({100 * (measured / predicted - 1):+5.0f}%)"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--executors", default="threads,processes,dask")
    ap.add_argument("--algorithms", default=",".join(DEFAULT_ALGORITHMS))
    ap.add_argument("--target", type=float, default=0.3, help="seconds of HEFT's predicted makespan per graph")
    ap.add_argument("--work", default="cpu", choices=["cpu", "python", "sleep"])
    ap.add_argument("--overhead-tasks", type=int, default=100)
    ap.add_argument("--graphs", nargs="*", help="graph files (default: assets/examples/*)")
    args = ap.parse_args()

    executors = args.executors.split(",")
    known = set(available())
    algorithms = [a for a in args.algorithms.split(",") if a in known]
    files = args.graphs or sorted(str(p) for p in (ROOT / "assets" / "examples").iterdir() if p.is_file())

    cluster = None
    address = None
    if "dask" in executors:
        import distributed

        cluster = distributed.LocalCluster(n_workers=4, threads_per_worker=1, processes=False,
                                           dashboard_address=":0", silence_logs=logging.CRITICAL)
        address = cluster.scheduler_address
    try:
        rate = calibrate(args.work)
        print(f"work: {args.work} (calibrated {rate:,.0f} iterations/s); executors: {', '.join(executors)}; "
              f"dask: LocalCluster(processes=False) shared by the runs")
        errors: dict[str, list[float]] = {e: [] for e in executors}
        head = f"{'graph':<22} {'n':>3} {'m':>2} {'policy':<12} {'predicted':>9}  " + "  ".join(
            f"{e + ' (s, err)':>17}" for e in executors)
        print()
        print(head)
        print("-" * len(head))
        for f in files:
            g = load_graph(f)
            p = g.default_platform()
            heft = get_algorithm("heft").schedule(g, p)
            ts = args.target / heft.makespan if heft.makespan > 0 else 0.01
            name = Path(f).name.split(".")[0][:22]
            for alg in [*algorithms, "dynamic"]:
                plan = None if alg == "dynamic" else get_algorithm(alg).schedule(g, p)
                predicted = None if plan is None else plan.makespan * ts
                cells = []
                for ex in executors:
                    tr = run_graph(g, p, executor=ex, schedule=plan, dynamic=plan is None, time_scale=ts,
                                   work=args.work, scheduler_address=address if ex == "dask" else None)
                    tr.check(g, trace_platform(p, ts), check_durations=False)
                    cells.append(fmt_err(tr.makespan, predicted))
                    if predicted:
                        errors[ex].append(tr.makespan / predicted - 1)
                pred = f"{predicted:9.3f}" if predicted is not None else f"{'-':>9}"
                print(f"{name:<22} {len(g):>3} {len(p):>2} {alg:<12} {pred}  " + "  ".join(f"{c:>17}" for c in cells))
        print()
        print("mapped runs, measured / predicted - 1:")
        for ex, errs in errors.items():
            if errs:
                print(f"  {ex:<10} mean {100 * statistics.mean(errs):+6.1f}%   median {100 * statistics.median(errs):+6.1f}%"
                      f"   min {100 * min(errs):+6.1f}%   max {100 * max(errs):+6.1f}%   ({len(errs)} runs)")

        # ---------------------------------------------------------------- overhead
        n = args.overhead_tasks
        chain, indep = zero_chain(n), zero_independent(n)
        print()
        print(f"per-task overhead on zero-cost tasks ({n} tasks):")
        print(f"  {'executor':<22} {'chain, 1 worker':>16} {'engine gap':>11} {'independent, 2 workers':>23} {'start-up':>9}")
        setups: list[tuple[str, str, dict[str, object]]] = [(ex, ex, {}) for ex in executors if ex != "dask"]
        if "dask" in executors:
            setups += [("dask (threads)", "dask", {"dask_processes": False}),
                       ("dask (processes)", "dask", {"dask_processes": True})]
        for label, ex, kw in setups:
            t0 = time.perf_counter()
            tc = run_graph(chain, Platform.homogeneous(1), executor=ex, time_scale=0.0, **kw)  # type: ignore[arg-type]
            total = time.perf_counter() - t0
            ti = run_graph(indep, Platform.homogeneous(2), executor=ex, dynamic=True, time_scale=0.0, **kw)  # type: ignore[arg-type]
            startup = total - tc.makespan
            print(f"  {label:<22} {1000 * tc.makespan / n:>13.2f} ms {1000 * tc.meta['overhead_per_task']:>8.2f} ms"
                  f" {1000 * ti.makespan * 2 / n:>20.2f} ms {startup:>7.2f} s")
    finally:
        if cluster is not None:
            cluster.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
