"""Time of every list, batch, clustering and baseline heuristic on large layered graphs.

Each algorithm runs in its own child process (so a slow one can be cut off by
``--timeout``) on the same graph: a layered DAG (HEFT-paper generator, CCR 1) with
per-worker costs. The table gives the algorithm's own time (``place`` on the compiled
instance), the whole ``Algorithm.schedule`` call (compile, place, check), the ratio of
the algorithm's time to HEFT's and whether it is within ``--max-ratio`` of it.

``--before DIR`` runs every algorithm also from another checkout (e.g. ``git worktree
add /tmp/before <commit>``), interleaved with this one so both see the same machine
load, and adds its times and the speed-up.

``--compiled never,auto`` runs every algorithm once per value of ``TASKMAPPER_COMPILED``
(the Python loops, the compiled kernels where they pay), interleaved as well: the first
value gives the main columns (and HEFT's time, the yardstick of every ratio), each
further one its own time, ratio to that HEFT, speed-up and whether the makespan is the
same. A run's time includes loading numba and its kernels from numba's cache (set
``NUMBA_CACHE_DIR`` to an empty directory to time the first compilation as well; the
``schedule()`` column is then the second, compiled, run in the same process).

Usage::

    .venv/bin/python benchmarks/bench_heuristics.py [--tasks 100000] [--workers 16]
        [--algorithms heft,etf,...] [--timeout 300] [--repeat 1] [--before DIR]
        [--compiled never,auto]
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

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

#: every heuristic of the list, batch, clustering and baseline families (searches and
#: exact solvers have their own benchmarks)
HEURISTICS = ("heft", "etf", "dls", "hlfet", "cpop", "peft", "lookahead", "hcpt", "pets", "met", "mct",
              "minmin", "maxmin", "sufferage", "greedy", "round-robin", "random", "dsc", "lc")

CHILD = textwrap.dedent(
    """
    import json, sys, time
    sys.path.insert(0, sys.argv[1])
    from model.formats import load_graph
    from model.instance import compile_instance
    from model.algorithms import get_algorithm
    g = load_graph(sys.argv[2])
    plat = g.default_platform()
    out = {}
    for rep in range(int(sys.argv[4])):
        alg = get_algorithm(sys.argv[3])
        t0 = time.perf_counter()
        inst = compile_instance(g, plat)
        t1 = time.perf_counter()
        pl = list(alg.place(inst, None))
        t2 = time.perf_counter()
        s = alg.schedule(g, plat)
        t3 = time.perf_counter()
        out.setdefault("compile", []).append(t1 - t0)
        out.setdefault("place", []).append(t2 - t1)
        out.setdefault("schedule", []).append(t3 - t2)
        out["makespan"] = s.makespan
    print(json.dumps(out))
    """
)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tasks", type=int, default=100_000)
    ap.add_argument("--workers", type=int, default=16)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--algorithms", default=",".join(HEURISTICS))
    ap.add_argument("--timeout", type=float, default=300.0, help="seconds per algorithm before it is cut off")
    ap.add_argument("--repeat", type=int, default=1, help="runs per algorithm (medians are shown)")
    ap.add_argument("--max-ratio", type=float, default=3.0)
    ap.add_argument("--graph", help="use this graph file instead of generating one")
    ap.add_argument("--before", type=Path, help="another checkout to time beside this one")
    ap.add_argument("--compiled", default="",
                    help="comma-separated TASKMAPPER_COMPILED values to time side by side (never, auto, always)")
    args = ap.parse_args(argv)
    modes = [m.strip() for m in args.compiled.split(",") if m.strip()]
    for m in modes:
        if m not in ("never", "auto", "always"):
            ap.error(f"--compiled: {m!r} is not one of never, auto, always")
    if args.before and len(modes) > 1:
        ap.error("--before and several --compiled values cannot be combined")
    names = [a.strip() for a in args.algorithms.split(",") if a.strip()]
    if "heft" not in names:
        names.insert(0, "heft")
    with tempfile.TemporaryDirectory(prefix="taskmapper-heur-") as d:
        if args.graph:
            path = Path(args.graph)
        else:
            from model.formats import save_graph
            from model.generators import generate

            g = generate("layered", n=args.tasks, seed=args.seed, workers=args.workers, ccr=1.0)
            path = Path(d) / "graph.json"
            save_graph(g, path)
        driver = Path(d) / "child.py"
        driver.write_text(CHILD)
        # (tag, checkout, TASKMAPPER_COMPILED value or None to inherit)
        trees: list[tuple[str, Path, str | None]] = [("", ROOT, modes[0] if modes else None)]
        trees += [(m, ROOT, m) for m in modes[1:]]
        if args.before:
            trees.append(("before", args.before, modes[0] if modes else None))
        rows: dict[str, dict[str, float] | None] = {}
        for name in names:
            for tag, tree, mode in trees:
                key = f"{tag}:{name}" if tag else name
                env = dict(os.environ)
                if mode is not None:
                    env["TASKMAPPER_COMPILED"] = mode
                t0 = time.perf_counter()
                try:
                    res = subprocess.run([sys.executable, str(driver), str(tree), str(path), name, str(args.repeat)],
                                         capture_output=True, text=True, timeout=args.timeout, env=env)
                except subprocess.TimeoutExpired:
                    rows[key] = None
                    print(f"  {key}: cut off after {args.timeout:.0f} s", file=sys.stderr, flush=True)
                    continue
                if res.returncode != 0:
                    raise SystemExit(f"{key} failed: {res.stderr[-2000:]}")
                r = json.loads(res.stdout)
                rows[key] = {k: statistics.median(v) if isinstance(v, list) else v for k, v in r.items()}
                print(f"  {key}: {time.perf_counter() - t0:.1f} s", file=sys.stderr, flush=True)
    heft = rows["heft"]
    assert heft is not None
    print(f"Heuristics, layered DAG: {args.tasks} tasks, {args.workers} workers, CCR 1 "
          f"(median of {args.repeat}; algorithm = place() on the compiled instance)")
    if modes:
        print(f"  TASKMAPPER_COMPILED={modes[0]} in the main columns"
              + "".join(f", {m} in the '{m}' columns" for m in modes[1:]) + f" (x HEFT: HEFT with {modes[0]})")
    extra = f" {'before s':>9} {'speed-up':>8} {'same':>5}" if args.before else ""
    for m in modes[1:]:
        extra += f" {m + ' s':>9} {'x HEFT':>7} {'speed-up':>8} {'same':>5}"
    print(f"  {'algorithm':<12} {'algorithm s':>11} {'schedule() s':>12} {'x HEFT':>7} "
          f"{'<= ' + format(args.max_ratio, 'g') + 'x':>6} {'makespan':>12}{extra}")
    cut = f"> {args.timeout:.0f}"
    for name in names:
        r = rows[name]
        old = rows.get(f"before:{name}")
        tail = ""
        if args.before:
            if old is None:
                tail = f" {cut:>9} {'':>8} {'':>5}"
            else:
                same = r is not None and abs(r["makespan"] - old["makespan"]) <= 1e-9 * max(1.0, old["makespan"])
                up = f"{old['place'] / r['place']:.1f}x" if r is not None else ""
                tail = f" {old['place']:>9.2f} {up:>8} {'yes' if same else 'NO':>5}"
        for m in modes[1:]:
            alt = rows.get(f"{m}:{name}")
            if alt is None:
                tail += f" {cut:>9} {'':>7} {'':>8} {'':>5}"
                continue
            same = r is not None and abs(r["makespan"] - alt["makespan"]) <= 1e-9 * max(1.0, alt["makespan"])
            up = f"{r['place'] / alt['place']:.1f}x" if r is not None else ""
            tail += (f" {alt['place']:>9.2f} {alt['place'] / heft['place']:>7.2f} {up:>8}"
                     f" {('yes' if same else 'NO') if r is not None else '-':>5}")
        if r is None:
            print(f"  {name:<12} {cut:>11} {'':>12} {'':>7} {'no':>6} {'':>12}{tail}")
            continue
        ratio = r["place"] / heft["place"]
        ok = "yes" if ratio <= args.max_ratio else "no"
        print(f"  {name:<12} {r['place']:>11.2f} {r['schedule']:>12.2f} {ratio:>7.2f} {ok:>6} {r['makespan']:>12.6g}"
              f"{tail}")
    print(f"  (compile_instance: {heft['compile']:.2f} s, shared by all)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
