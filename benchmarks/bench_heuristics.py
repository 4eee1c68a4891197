"""Time of every list, batch, clustering and baseline heuristic on large layered graphs.

Each algorithm runs in its own child process (so a slow one can be cut off by
``--timeout``) on the same graph: a layered DAG (HEFT-paper generator, CCR 1) with
per-worker costs. The table gives the algorithm's own time (``place`` on the compiled
instance), the whole ``Algorithm.schedule`` call (compile, place, check), the ratio of
the algorithm's time to HEFT's and whether it is within ``--max-ratio`` of it.

``--before DIR`` runs every algorithm also from another checkout (e.g. ``git worktree
add /tmp/before <commit>``), interleaved with this one so both see the same machine
load, and adds its times and the speed-up.

Usage::

    .venv/bin/python benchmarks/bench_heuristics.py [--tasks 100000] [--workers 16]
        [--algorithms heft,etf,...] [--timeout 300] [--repeat 1] [--before DIR]
"""

from __future__ import annotations

import argparse
import json
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
    args = ap.parse_args(argv)
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
        trees = [("", ROOT)] + ([("before", args.before)] if args.before else [])
        rows: dict[str, dict[str, float] | None] = {}
        for name in names:
            for tag, tree in trees:
                key = f"{tag}:{name}" if tag else name
                t0 = time.perf_counter()
                try:
                    res = subprocess.run([sys.executable, str(driver), str(tree), str(path), name, str(args.repeat)],
                                         capture_output=True, text=True, timeout=args.timeout)
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
    extra = f" {'before s':>9} {'speed-up':>8} {'same':>5}" if args.before else ""
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
