"""Local search at scale: moves evaluated per second, and what ``best`` gains over HEFT.

1. ``improve`` for ``--seconds`` on layered DAGs of 1,000 and 10,000 tasks (8 workers,
   CCR 1): neighbours judged per second of local search (``Chains.estimate`` calls; in
   a tree without it, the makespan computations of candidate moves) and, of them, those
   re-timed (``Chains.evaluate``, else the same makespan computations). ``--before DIR``
   runs another checkout (e.g. ``git archive <commit> | tar -x -C /tmp/before``) on the
   same graphs, interleaved.
2. ``best`` with ``--limit`` seconds on ``--graphs`` graphs of each size: the gain over
   HEFT, the gap to the lower bound (and HEFT's), and the start the search took.

Usage::

    .venv/bin/python benchmarks/bench_search.py [--sizes 1000,10000] [--seconds 5] [--limit 10]
        [--graphs 5] [--before DIR] [--skip-best]
"""

from __future__ import annotations

import argparse
import json
import statistics
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
    from model.algorithms.engines import localsearch
    count = [0]  # neighbours judged: estimated (Chains.estimate), else timed
    exact = [0]  # neighbours timed (fully or until sure to lose)
    chains = getattr(localsearch, "Chains", None)
    targets = [(chains, "estimate", count), (chains, "evaluate", exact)] if chains is not None else [
        (localsearch.Timer, name, c) for name in ("makespan", "bounded_makespan") for c in (count, exact)]
    for owner, name, c in targets:
        f = getattr(owner, name, None)
        if f is not None:
            def wrap(*a, _f=f, _c=c, **k):
                _c[0] += 1
                return _f(*a, **k)
            setattr(owner, name, wrap)
    spent = [0.0]
    inner = localsearch.local_search
    def timed(*a, **k):
        t = time.perf_counter()
        for x in inner(*a, **k):
            spent[0] += time.perf_counter() - t
            yield x
            t = time.perf_counter()
        spent[0] += time.perf_counter() - t
    localsearch.local_search = timed
    g = load_graph(sys.argv[2])
    plat = g.default_platform()
    alg = get_algorithm(sys.argv[3], time_limit=float(sys.argv[4]))
    heft = get_algorithm("heft").schedule(g, plat).makespan
    count[0] = exact[0] = 0
    t0 = time.perf_counter()
    s = alg.schedule(g, plat)
    wall = time.perf_counter() - t0
    print(json.dumps({"moves": count[0], "timed": exact[0], "search_s": max(1e-9, spent[0]), "makespan": s.makespan, "heft": heft,
                      "bound": alg.info.get("lower_bound"), "start": alg.info.get("started_from")}))
    """
)


def run(child: Path, tree: Path, graph: Path, alg: str, seconds: float) -> dict[str, float]:
    res = subprocess.run([sys.executable, str(child), str(tree), str(graph), alg, str(seconds)],
                         capture_output=True, text=True)
    if res.returncode != 0:
        raise SystemExit(f"{alg} failed: {res.stderr[-2000:]}")
    return json.loads(res.stdout)  # type: ignore[no-any-return]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="1000,10000")
    ap.add_argument("--workers", type=int, default=8)
    ap.add_argument("--seconds", type=float, default=5.0, help="budget of the moves/s runs of improve")
    ap.add_argument("--limit", type=float, default=10.0, help="time limit of best")
    ap.add_argument("--graphs", type=int, default=5, help="graphs per size for best")
    ap.add_argument("--before", type=Path)
    ap.add_argument("--skip-best", action="store_true")
    args = ap.parse_args(argv)
    from model.formats import save_graph
    from model.generators import generate

    sizes = [int(x) for x in args.sizes.split(",") if x]
    with tempfile.TemporaryDirectory(prefix="taskmapper-search-") as d:
        child = Path(d) / "child.py"
        child.write_text(CHILD)
        paths: dict[tuple[int, int], Path] = {}
        for n in sizes:
            for seed in range(max(1, args.graphs)):
                p = Path(d) / f"g{n}-{seed}.json"
                save_graph(generate("layered", n=n, seed=seed + 1, workers=args.workers, ccr=1.0), p)
                paths[n, seed] = p
        trees = [("now", ROOT)] + ([("before", args.before)] if args.before else [])
        print(f"improve, {args.seconds:g} s, layered DAGs, {args.workers} workers, CCR 1: neighbours judged per second"
              " of local search (estimated, or timed where there is no estimate) and, of them, timed")
        head = "".join(f" {t + ' moves/s':>15} {t + ' timed/s':>14}" for t, _ in trees)
        print(f"  {'tasks':>7}{head}{'  speed-up' if args.before else ''}")
        for n in sizes:
            rates: list[float] = []
            for _tag, tree in trees:
                r = run(child, tree, paths[n, 0], "improve", args.seconds)
                rates += [r["moves"] / r["search_s"], r["timed"] / r["search_s"]]
            extra = f"  {rates[0] / rates[2]:8.1f}x" if len(rates) > 2 else ""
            print(f"  {n:>7}" + "".join(f" {x:>15.0f} {y:>14.0f}" for x, y in zip(rates[::2], rates[1::2])) + extra,
                  flush=True)
        if args.skip_best:
            return 0
        print(f"best, {args.limit:g} s, {args.graphs} graphs per size: gain over HEFT (makespan HEFT / best - 1)")
        print(f"  {'tasks':>7} {'tree':<7} {'mean gain':>9} {'min':>6} {'max':>6} {'mean gap to bound':>18}"
              f" {'HEFT gap':>9}  starts")
        for n in sizes:
            for tag, tree in trees:
                gains, gaps, heft_gaps, starts = [], [], [], []
                for seed in range(args.graphs):
                    r = run(child, tree, paths[n, seed], "best", args.limit)
                    gains.append(r["heft"] / r["makespan"] - 1.0)
                    starts.append(str(r["start"]))
                    if r["bound"]:
                        gaps.append(r["makespan"] / r["bound"] - 1.0)
                        heft_gaps.append(r["heft"] / r["bound"] - 1.0)
                print(f"  {n:>7} {tag:<7} {100 * statistics.mean(gains):>8.2f}% {100 * min(gains):>5.1f}%"
                      f" {100 * max(gains):>5.1f}% {100 * statistics.mean(gaps):>17.1f}%"
                      f" {100 * statistics.mean(heft_gaps):>8.1f}%  {','.join(starts)}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
