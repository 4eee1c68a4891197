"""Do the anytime algorithms hold their time limit at any size?

For each size (layered DAGs of the HEFT-paper generator, CCR 1, per-worker costs) and
each anytime algorithm, one child process runs ``Algorithm.schedule`` with
``time_limit`` (the compiled instance, the search and the checked schedule inside the
call; reading the graph file before it is not) and reports the wall time of the
call, the makespan, the bound, the heuristic it started from and why it stopped. The
limit holds when the call took at most ``1.1 * limit + 0.5`` seconds.

Usage::

    .venv/bin/python benchmarks/bench_time_limits.py [--sizes 1000,10000,100000] [--limit 3]
        [--workers 16] [--algorithms improve,best,optimal]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CHILD = textwrap.dedent(
    """
    import json, sys, time
    sys.path.insert(0, sys.argv[1])
    from model.formats import load_graph
    from model.algorithms import get_algorithm
    g = load_graph(sys.argv[2])
    plat = g.default_platform()
    alg = get_algorithm(sys.argv[3], time_limit=float(sys.argv[4]))
    t0 = time.perf_counter()
    s = alg.schedule(g, plat)
    wall = time.perf_counter() - t0
    info = alg.info
    print(json.dumps({"wall": wall, "makespan": s.makespan, "bound": info.get("lower_bound"),
                      "start": info.get("started_from", "heft"), "stopped": info.get("stopped", ""),
                      "proven": bool(info.get("proven_optimal"))}))
    """
)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="1000,10000,100000")
    ap.add_argument("--limit", type=float, default=3.0)
    ap.add_argument("--workers", type=int, default=16)
    ap.add_argument("--algorithms", default="improve,best,optimal")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    from model.formats import save_graph
    from model.generators import generate

    names = [a for a in args.algorithms.split(",") if a]
    allowed = 1.1 * args.limit + 0.5
    print(f"Time limit {args.limit:g} s (holds when the call takes <= {allowed:.2f} s), layered DAGs, "
          f"{args.workers} workers, CCR 1")
    print(f"  {'tasks':>7} {'algorithm':<9} {'call s':>7} {'holds':>5} {'makespan':>10} {'bound':>10} {'gap':>7}"
          f"  {'start':<7} stopped")
    with tempfile.TemporaryDirectory(prefix="taskmapper-limits-") as d:
        child = Path(d) / "child.py"
        child.write_text(CHILD)
        for n in (int(x) for x in args.sizes.split(",") if x):
            g = generate("layered", n=n, seed=args.seed, workers=args.workers, ccr=1.0)
            path = Path(d) / f"g{n}.json"
            save_graph(g, path)
            for name in names:
                res = subprocess.run([sys.executable, str(child), str(ROOT), str(path), name, str(args.limit)],
                                     capture_output=True, text=True)
                if res.returncode != 0:
                    raise SystemExit(f"{name} failed: {res.stderr[-2000:]}")
                r = json.loads(res.stdout)
                gap = f"{100 * (r['makespan'] / r['bound'] - 1):.1f} %" if r["bound"] else ""
                why = "proven optimal" if r["proven"] else r["stopped"]
                print(f"  {n:>7} {name:<9} {r['wall']:>7.2f} {'yes' if r['wall'] <= allowed else 'NO':>5}"
                      f" {r['makespan']:>10.6g} {r['bound'] or 0:>10.6g} {gap:>7}  {r['start']:<7} {why}",
                      flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
