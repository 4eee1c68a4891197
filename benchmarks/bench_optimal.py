"""How close to the optimum do `improve`, `best` and `optimal` get?

Two sets shipped in ``benchmarks/data`` (sources in its README; override with ``TASKMAPPER_BENCH_DATA``):

* ``optimal-comm/``: 24 DAGs (10–30 tasks) with communication, proven-optimal makespans;
* ``stg/50/``: 60 Standard Task Graph Set graphs (50 tasks, no communication) with the
  published optima for 2, 4, 8 and 16 workers.

and two real-valued sets, where no time is a multiple of 1/1000 (``--real`` runs only these):

* ``real tiny``: 60 seeded graphs of 3-6 tasks on 2-3 workers, real-valued costs, data,
  latency and bandwidth, some pins; the optimum by brute force (every mapping × every
  topological order);
* ``real comm``: the ``optimal-comm`` graphs with every cost and data size multiplied by
  a seeded factor in [0.9, 1.1].

Prints, per set and algorithm, the mean and worst ratio to the optimum, how many runs
proved optimality, and the longest run time; for the real-valued sets how many runs
proved optimality, the gaps of the others, and whether any bound passed the optimum::

    .venv/bin/python benchmarks/bench_optimal.py [--time-limit 10] [--stg-graphs 60] [--real]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from model.algorithms import get_algorithm  # noqa: E402
from model.formats import stg  # noqa: E402
from model.graph import Platform, TaskGraph  # noqa: E402
from model.reference import brute_force_makespan, jittered, tiny_real_case  # noqa: E402

DATA = Path(os.environ.get("TASKMAPPER_BENCH_DATA", ROOT / "benchmarks" / "data"))


def case_graph(path: Path) -> tuple[TaskGraph, Platform, float]:
    """A communication case: per-worker costs, ``comm`` = transfer time across workers."""
    d = json.loads(path.read_text())
    g = TaskGraph(d["name"])
    for t in d["tasks"]:
        g.add_task(t["id"], costs=t["costs"])
    for e in d["edges"]:
        g.add_edge(e["source"], e["target"], e["comm"])
    return g, Platform.homogeneous(int(d["workers"])), float(d["best_makespan"])


def run(name: str, graph: TaskGraph, plat: Platform, time_limit: float) -> tuple[float, bool, float]:
    alg = get_algorithm(name)
    if alg.anytime:
        alg = get_algorithm(name, time_limit=time_limit)
    t0 = time.perf_counter()
    s = alg.schedule(graph, plat)
    return s.makespan, bool(alg.info.get("proven_optimal", False)), time.perf_counter() - t0


def table(title: str, rows: dict[str, list[tuple[float, bool, float]]]) -> None:
    print(f"\n{title}")
    print(f"{'algorithm':<10} {'runs':>5} {'mean ratio':>11} {'worst':>8} {'optimal':>8} {'proven':>7} {'max s':>7}")
    for name, rs in rows.items():
        if not rs:
            print(f"{name:<10} {0:>5}   (no graphs)")
            continue
        ratios = [r for r, _p, _t in rs]
        hit = sum(1 for r in ratios if r <= 1 + 1e-9)
        print(f"{name:<10} {len(rs):>5} {sum(ratios) / len(ratios):>11.4f} {max(ratios):>8.4f} "
              f"{hit:>8} {sum(1 for _r, p, _t in rs if p):>7} {max(t for *_x, t in rs):>7.2f}")


def real_sets(names: list[str], time_limit: float) -> None:
    """Proofs on real-valued costs: proven count, gaps of the rest, bounds past the optimum."""
    sets: dict[str, list[tuple[TaskGraph, Platform, float | None]]] = {
        "real tiny": [(*tiny_real_case(s), None) for s in range(60)],
        "real comm": [],
    }
    sets["real tiny"] = [(g, p, brute_force_makespan(g, p)) for g, p, _ in sets["real tiny"]]
    for k, path in enumerate(sorted((DATA / "optimal-comm").glob("case-*.json"))):
        g, plat, _opt = case_graph(path)
        sets["real comm"].append((jittered(g, k), plat, None))
    print(f"\nreal-valued costs, time limit {time_limit:g} s")
    print(f"{'set':<10} {'algorithm':<9} {'runs':>5} {'optimum':>8} {'proven':>7} {'bound>opt':>9} "
          f"{'gap median':>11} {'gap max':>9} {'max s':>7}")
    for title, cases in sets.items():
        for name in names:
            alg_cls = get_algorithm(name)
            if not alg_cls.anytime:
                continue
            proven = hit = over = 0
            gaps: list[float] = []
            worst_t = 0.0
            for g, plat, opt in cases:
                alg = get_algorithm(name, time_limit=time_limit)
                t0 = time.perf_counter()
                s = alg.schedule(g, plat)
                worst_t = max(worst_t, time.perf_counter() - t0)
                info = alg.info
                if info.get("proven_optimal"):
                    proven += 1
                else:
                    gaps.append(float(info.get("gap", 0.0)))
                if opt is not None:
                    hit += abs(s.makespan - opt) <= 1e-9 * max(1.0, opt)
                    over += float(info.get("lower_bound", 0.0)) > opt * (1 + 1e-12)
            med = f"{100 * statistics.median(gaps):.3g} %" if gaps else "-"
            mx = f"{100 * max(gaps):.3g} %" if gaps else "-"
            optimum = f"{hit}" if cases[0][2] is not None else "-"
            bad = f"{over}" if cases[0][2] is not None else "-"
            print(f"{title:<10} {name:<9} {len(cases):>5} {optimum:>8} {proven:>7} {bad:>9} {med:>11} {mx:>9} "
                  f"{worst_t:>7.2f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--time-limit", type=float, default=10.0, help="seconds per run for improve/best/optimal")
    ap.add_argument("--algorithms", default="heft,improve,best,optimal")
    ap.add_argument("--stg-graphs", type=int, default=60, help="how many STG graphs (0 to skip the set)")
    ap.add_argument("--stg-algorithms", default="heft,best")
    ap.add_argument("--real", action="store_true", help="only the real-valued sets")
    ap.add_argument("--real-algorithms", default="optimal,best")
    args = ap.parse_args()
    real_sets(args.real_algorithms.split(","), args.time_limit)
    if args.real:
        return

    names = args.algorithms.split(",")
    rows: dict[str, list[tuple[float, bool, float]]] = {n: [] for n in names}
    small: dict[str, list[bool]] = {n: [] for n in names}
    for path in sorted((DATA / "optimal-comm").glob("case-*.json")):
        g, plat, opt = case_graph(path)
        for n in names:
            mk, proven, dt = run(n, g, plat, args.time_limit)
            rows[n].append((mk / opt, proven, dt))
            if len(g) <= 22:
                small[n].append(proven)
    table(f"optimal-comm: {len(rows[names[0]])} graphs with communication, time limit {args.time_limit:g} s", rows)
    for n in names:
        if any(small[n]):
            print(f"{n}: proved optimality on {sum(small[n])} of {len(small[n])} graphs of up to 22 tasks")

    csv_path = DATA / "stg" / "optimal-50.csv"
    if args.stg_graphs <= 0:
        return
    if not csv_path.is_file():
        print(f"\nSTG set: {csv_path} not found; left out", file=sys.stderr)
        return
    optima: dict[tuple[str, int], float] = {}
    with open(csv_path) as f:
        for row in csv.reader(f):
            if row and not row[0].startswith("#"):
                optima[(row[0], int(row[1]))] = float(row[2]) if len(row) == 3 else float(row[3])
    files = sorted({k[0] for k in optima})[: args.stg_graphs]
    stg_names = args.stg_algorithms.split(",")
    per_p: dict[int, dict[str, list[tuple[float, bool, float]]]] = {}
    graphs = {f: stg.read(DATA / "stg" / f) for f in files}
    for p in (2, 4, 8, 16):
        per_p[p] = {n: [] for n in stg_names}
        for f in files:
            for n in stg_names:
                mk, proven, dt = run(n, graphs[f], Platform.homogeneous(p), args.time_limit)
                per_p[p][n].append((mk / optima[(f, p)], proven, dt))
        table(f"STG 50 tasks, {p} workers: {len(files)} graphs (ratio to the published optimum or upper bound)",
              per_p[p])


if __name__ == "__main__":
    main()
