"""HEFT's phases on big layered graphs: ranks, order, and the placement loop compiled vs Python.

For each size (one at a time) a layered DAG (HEFT-paper generator, CCR 1, per-worker
costs; ``--homogeneous``: one cost per task on identical workers, as ``taskmapper generate
layered`` writes it) is compiled once; then, in this one process, the table gives the time
of ``upward_rank`` with its Python sweep (``TASKMAPPER_COMPILED=never``) and its kernel
(``always``), of ``placement_order``, and of ``eft_place`` run to the end with the Python
loop and with the numba kernel (compiled beforehand, so its time is the placements
alone), alternating ``--repeat`` times, medians, and whether both gave the same ranks and
placements.

The first-use cost is measured in fresh child processes with an empty numba cache
(``NUMBA_CACHE_DIR`` in a temporary folder: import of numba, then the compile of the
kernel on its first call) and again with that cache filled (import, then load).

Usage::

    .venv/bin/python benchmarks/bench_eft_kernel.py [--tasks 100000 1000000] [--workers 16]
        [--repeat 1] [--homogeneous] [--first-use/--no-first-use]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from model.algorithms.engines import compiled, eft_place, placement_order, upward_rank  # noqa: E402
from model.generators import generate  # noqa: E402
from model.graph import Platform  # noqa: E402
from model.instance import compile_instance  # noqa: E402

FIRST_USE = textwrap.dedent(
    """
    import json, sys, time
    sys.path.insert(0, sys.argv[1])
    from model.generators import generate
    from model.instance import compile_instance
    g = generate("layered", n=200, seed=1, workers=4)
    inst = compile_instance(g, g.default_platform())
    t0 = time.perf_counter()
    import numba  # noqa: F401
    t1 = time.perf_counter()
    from model.algorithms.engines.eft_kernel import eft_place_compiled
    out = list(eft_place_compiled(inst, list(inst.topo), None))
    t2 = time.perf_counter()
    print(json.dumps({"import": t1 - t0, "first": t2 - t1}))
    """
)


def placements(inst, order, mode: str) -> tuple[float, np.ndarray]:
    """Seconds of ``eft_place`` to the end in ``mode``, and its placements as an ``(n, 4)`` array."""
    os.environ[compiled.ENV] = mode
    gc.collect()
    t0 = time.perf_counter()
    out = list(eft_place(inst, order, None))
    t = time.perf_counter() - t0
    return t, np.array(out, dtype=float)


def first_use() -> list[tuple[str, float, float]]:
    rows = []
    with tempfile.TemporaryDirectory(prefix="taskmapper-numba-") as d:
        env = {**os.environ, "NUMBA_CACHE_DIR": d}
        for what in ("empty cache (compile)", "filled cache (load)"):
            res = subprocess.run([sys.executable, "-c", FIRST_USE, str(ROOT)], capture_output=True, text=True,
                                 env=env, check=True)
            r = json.loads(res.stdout)
            rows.append((what, r["import"], r["first"]))
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tasks", type=int, nargs="+", default=[100_000])
    ap.add_argument("--workers", type=int, default=16)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=1, help="runs of each loop (medians are shown)")
    ap.add_argument("--homogeneous", action="store_true", help="one cost per task, identical workers")
    ap.add_argument("--first-use", action=argparse.BooleanOptionalAction, default=True)
    args = ap.parse_args(argv)
    saved = os.environ.get(compiled.ENV)
    if args.first_use:
        fu = first_use()
    # compile (or load) the kernel before timing it
    small = generate("layered", n=100, seed=1, workers=2)
    si = compile_instance(small, small.default_platform())
    placements(si, list(si.topo), "always")
    rows = []
    for n in args.tasks:
        if args.homogeneous:
            g = generate("layered", n=n, seed=args.seed, ccr=1.0)
            plat = Platform.homogeneous(args.workers)
        else:
            g = generate("layered", n=n, seed=args.seed, workers=args.workers, ccr=1.0)
            plat = g.default_platform()
        inst = compile_instance(g, plat)
        del g
        rank_py, rank_jit, py, jit = [], [], [], []
        same = True
        for _ in range(args.repeat):
            ranks = []
            for mode, times in (("never", rank_py), ("always", rank_jit)):
                os.environ[compiled.ENV] = mode
                gc.collect()
                t0 = time.perf_counter()
                ranks.append(upward_rank(inst))
                times.append(time.perf_counter() - t0)
            same = same and bool(np.array_equal(ranks[0], ranks[1]))
        t1 = time.perf_counter()
        order = placement_order(inst, ranks[0])
        t2 = time.perf_counter()
        for _ in range(args.repeat):
            tp, a = placements(inst, order, "never")
            tk, b = placements(inst, order, "always")
            py.append(tp)
            jit.append(tk)
            same = same and bool(np.array_equal(a, b))
            del a, b
        med = statistics.median
        rows.append((inst.n, inst.m, med(rank_py), med(rank_jit), t2 - t1, med(py), med(jit), same))
        print(f"  {inst.n} tasks done", file=sys.stderr, flush=True)
    if saved is None:
        os.environ.pop(compiled.ENV, None)
    else:
        os.environ[compiled.ENV] = saved
    kind = "one cost per task, identical workers" if args.homogeneous else "per-worker costs"
    print(f"HEFT phases, layered DAG, CCR 1, {kind} (median of {args.repeat}; python = TASKMAPPER_COMPILED=never)")
    print(f"  {'tasks':>9} {'workers':>7} {'rank py s':>9} {'rank jit s':>10} {'order s':>7} "
          f"{'place py s':>10} {'place jit s':>11} {'speed-up':>8} {'same':>5}")
    for n, m, rp, rj, to, tp, tk, same in rows:
        print(f"  {n:>9} {m:>7} {rp:>9.2f} {rj:>10.2f} {to:>7.2f} {tp:>10.2f} {tk:>11.2f} "
              f"{(rp + tp) / (rj + tk):>7.1f}x {'yes' if same else 'NO':>5}")
    print("  (speed-up: rank + placement, Python over compiled)")
    if args.first_use:
        print("First use of the EFT kernel in a fresh process (200-task graph)")
        print(f"  {'numba cache':<24} {'import numba s':>14} {'first call s':>12}")
        for what, ti, tf in fu:
            print(f"  {what:<24} {ti:>14.2f} {tf:>12.2f}")
    return 0 if all(r[-1] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
