"""Quality of every registered algorithm against known optima.

Two sets, shipped in ``benchmarks/data`` (sources in its README; override with ``TASKMAPPER_BENCH_DATA``):

- ``optimal-comm/case-NN.json``: 24 small DAGs with communication on 2-4 workers,
  homogeneous or heterogeneous, with proven-optimal makespans (converted by
  :mod:`model.formats.benchcase`);
- ``stg/50/*.stg``: 60 graphs of the Standard Task Graph Set (50 tasks, no
  communication) on 2, 4, 8 and 16 identical workers, against ``stg/optimal-50.csv``
  (the optimum, or the best known upper bound where it is not proven).

Prints one row per algorithm: mean and worst ratio makespan / optimum on each set.

Usage::

    .venv/bin/python benchmarks/bench_quality.py [--algorithms heft,cpop] [--time-limit 1]
        [--sets comm,stg] [--json OUT.json] [--details]
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

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from model.algorithms import available, get_algorithm  # noqa: E402
from model.graph import Platform, TaskGraph  # noqa: E402


def data_dir() -> Path:
    """``$TASKMAPPER_BENCH_DATA`` or the data shipped in ``benchmarks/data`` (sources in its README)."""
    return Path(os.environ.get("TASKMAPPER_BENCH_DATA", ROOT / "benchmarks" / "data"))


def comm_cases(shared: Path) -> list[tuple[str, TaskGraph, Platform, float]]:
    """(label, graph, platform, optimum) for the communication set."""
    from model.formats.benchcase import read

    out = []
    for p in sorted((shared / "optimal-comm").glob("case-*.json")):
        g = read(p)
        out.append((p.stem, g, g.platform, float(g.attrs["best_makespan"])))
    return out


def stg_cases(shared: Path) -> list[tuple[str, TaskGraph, Platform, float, bool]]:
    """(label, graph, platform, optimum or best upper bound, proven) for the STG set."""
    from model.formats.stg import read

    base = shared / "stg"
    if not (base / "optimal-50.csv").is_file():
        return []
    graphs: dict[str, TaskGraph] = {}
    out = []
    with open(base / "optimal-50.csv", newline="") as f:
        for row in csv.reader(f):
            if not row or row[0].startswith("#"):
                continue
            rel, procs = row[0], int(row[1])
            proven = len(row) == 3
            ref = float(row[2]) if proven else float(row[3])
            if rel not in graphs:
                graphs[rel] = read(base / rel)
            out.append((f"{Path(rel).stem}/{procs}", graphs[rel], Platform.homogeneous(procs), ref, proven))
    return out


def run(names: list[str], sets: list[str], time_limit: float, details: bool) -> dict[str, dict[str, dict[str, float]]]:
    shared = data_dir()
    data: dict[str, list[tuple[str, TaskGraph, Platform, float]]] = {}
    if "comm" in sets:
        data["comm"] = comm_cases(shared)
    if "stg" in sets:
        rows = stg_cases(shared)
        unproven = sum(1 for r in rows if not r[4])
        print(f"STG: {len(rows)} instances ({len(rows) - unproven} proven optima, {unproven} best known upper bounds)",
              file=sys.stderr)
        if rows:
            data["stg"] = [r[:4] for r in rows]
        for procs in (2, 4, 8, 16):
            subset = [r[:4] for r in rows if r[2] is not None and len(r[2]) == procs]
            if subset:
                data[f"stg-{procs}"] = subset
    for set_name in [k for k, v in data.items() if not v]:
        print(f"{set_name}: no data found under {shared}; left out", file=sys.stderr)
        del data[set_name]
    if not data:
        raise SystemExit(f"no benchmark data found under {shared}")
    results: dict[str, dict[str, dict[str, float]]] = {}
    for name in names:
        results[name] = {}
        t0 = time.perf_counter()
        cache: dict[str, float] = {}
        for set_name, cases in data.items():
            ratios = []
            for label, g, plat, ref in cases:
                key = f"{set_name.split('-')[0]}:{label}"
                if key not in cache:
                    alg = get_algorithm(name, time_limit=time_limit)
                    s = alg.schedule(g, plat)
                    cache[key] = s.makespan / ref
                    if details:
                        print(f"  {name:<12} {set_name:<6} {label:<16} {s.makespan:>8g} / {ref:<6g} = {cache[key]:.3f}",
                              file=sys.stderr)
                ratios.append(cache[key])
            results[name][set_name] = {
                "mean": statistics.fmean(ratios),
                "worst": max(ratios),
                "optimal": sum(1 for r in ratios if r <= 1 + 1e-9) / len(ratios),
                "count": len(ratios),
            }
        results[name]["seconds"] = {"total": time.perf_counter() - t0}
        print(f"{name}: done in {time.perf_counter() - t0:.1f} s", file=sys.stderr, flush=True)
    return results


def table(results: dict[str, dict[str, dict[str, float]]], sets: list[str]) -> str:
    present = next(iter(results.values()), {})
    cols = [s for s in ("comm", "stg", "stg-2", "stg-4", "stg-8", "stg-16") if s.split("-")[0] in sets and s in present]
    head = f"{'algorithm':<12}" + "".join(f" {c + ' mean':>11} {c + ' worst':>12}" for c in cols) + f" {'seconds':>8}"
    lines = [head, "-" * len(head)]
    order = sorted(results, key=lambda n: results[n][cols[0]]["mean"])
    for name in order:
        r = results[name]
        lines.append(
            f"{name:<12}" + "".join(f" {r[c]['mean']:>11.3f} {r[c]['worst']:>12.3f}" for c in cols)
            + f" {r['seconds']['total']:>8.1f}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--algorithms", help="comma-separated names (default: every registered algorithm)")
    ap.add_argument("--sets", default="comm,stg", help="comm, stg or both (default)")
    ap.add_argument("--time-limit", type=float, default=1.0, help="seconds for exact / improving algorithms")
    ap.add_argument("--details", action="store_true", help="print every instance on stderr")
    ap.add_argument("--json", help="also write the results here")
    args = ap.parse_args(argv)
    names = args.algorithms.split(",") if args.algorithms else available()
    sets = args.sets.split(",")
    results = run(names, sets, args.time_limit, args.details)
    print(table(results, sets))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
