"""Speed of re-timing a hand mapping (``model.mapping``), as the app does on every drag and drop.

For random layered DAGs (HEFT-paper generator) of 1,000, 10,000 and 100,000 tasks on 8
workers of different speeds, a mapping is drawn at random (a random worker per task,
each worker's tasks in one topological order) and timed:

- ``evaluate``: :func:`model.mapping.evaluate` from scratch (compiles the instance);
- ``re-time``: :meth:`Evaluator.evaluate` with the compiled instance kept, building the
  whole :class:`~model.schedule.Schedule` (slots and transfers): what the app does after a drop;
- ``drag``: :meth:`Mapping.moved` of one task to another worker, then ``re-time``;
- ``makespan``: :meth:`Evaluator.makespan`, the pass alone (no schedule built).

Each figure is the median of several runs, in milliseconds. Every schedule is checked
once with :meth:`Schedule.check` (its time is shown too; it is not part of a re-time).

Usage::

    .venv/bin/python benchmarks/bench_evaluate.py [--sizes 1000,10000,100000] [--seed 1]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from model.generators import generate  # noqa: E402
from model.graph import Network, Platform, Worker  # noqa: E402
from model.instance import compile_instance  # noqa: E402
from model.mapping import Evaluator, Mapping, evaluate  # noqa: E402


def median_ms(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return 1000 * statistics.median(times)


def measure(n: int, seed: int, platform: Platform) -> str:
    """One row of the table: the timings for a graph of ``n`` tasks."""
    g = generate("layered", n=n, seed=seed)
    inst = compile_instance(g, platform)
    rng = random.Random(seed)
    assign = {t: rng.choice(platform.ids) for t in g.tasks}
    mapping = Mapping.from_sequence(assign, [inst.tasks[i] for i in inst.topo])
    ev = Evaluator(g, platform, instance=inst)
    repeat = 15 if n <= 1000 else 7 if n <= 10000 else 3
    sched = ev.evaluate(mapping)
    t0 = time.perf_counter()
    sched.check(g, platform)
    check_ms = 1000 * (time.perf_counter() - t0)
    # drag the last task of the graph (it has no successor) to the end of another worker
    last = inst.tasks[inst.topo[-1]]
    other = next(w for w in platform.ids if w != mapping.worker_of(last))
    t_full = median_ms(lambda: evaluate(g, platform, mapping), repeat)
    t_retime = median_ms(lambda: ev.evaluate(mapping), repeat)
    t_drag = median_ms(lambda: ev.evaluate(mapping.moved(last, other)), repeat)
    t_pass = median_ms(lambda: ev.makespan(mapping), repeat)
    return (f"{n:>8} {g.nx.number_of_edges():>8} {t_full:>10.1f} {t_retime:>10.1f} {t_drag:>10.1f} "
            f"{t_pass:>10.1f} {check_ms:>10.1f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000,10000,100000")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    platform = Platform(tuple(Worker(f"P{k + 1}", 1.0 + 0.125 * k) for k in range(8)), Network(1.0, 0.5))
    print(f"{'tasks':>8} {'edges':>8} {'evaluate':>10} {'re-time':>10} {'drag':>10} {'makespan':>10} "
          f"{'(check)':>10}   ms, median")
    for n in (int(x) for x in args.sizes.split(",")):
        print(measure(n, args.seed, platform), flush=True)


if __name__ == "__main__":
    main()
