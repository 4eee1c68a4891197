"""Gantt chart speed, offscreen: time to first frame and pan / zoom repaint times.

Run: ``.venv/bin/python benchmarks/bench_gui.py [--bars 100000] [--workers 16]``.
Prints a table; targets from the desktop-app issue: first frame under 1 s for 100,000
bars, median pan or zoom repaint under 20 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
from PySide6 import QtWidgets

from model.schedule import Schedule, Slot


def synthetic_schedule(n: int, workers: int, seed: int = 0) -> Schedule:
    """``n`` back-to-back tasks with random lengths and small gaps, round-robin over workers."""
    rng = np.random.default_rng(seed)
    ids = [f"P{w + 1}" for w in range(workers)]
    dur = rng.uniform(0.5, 2.0, n)
    gap = rng.exponential(0.2, n)
    clock = np.zeros(workers)
    slots = []
    for i in range(n):
        w = i % workers
        s = clock[w] + gap[i]
        f = s + dur[i]
        clock[w] = f
        slots.append(Slot(f"t{i}", ids[w], float(s), float(f)))
    return Schedule("synthetic", ids, slots)


def repaint_times(view, ranges, repeats: int = 1) -> list[float]:
    """Milliseconds from a range change to the end of the frame that shows it."""
    app = QtWidgets.QApplication.instance()
    vb, vp, item = view.view_box, view.plot.viewport(), view.item
    out = []
    for _ in range(repeats):
        for lo, hi in ranges:
            before = item.paint_count
            t0 = time.perf_counter()
            vb.setXRange(lo, hi, padding=0)
            app.processEvents()  # the scene collects dirty items, the view schedules its update
            if item.paint_count == before:
                vp.repaint()
            if item.paint_count == before:
                app.processEvents()
            out.append((time.perf_counter() - t0) * 1000)
            assert item.paint_count > before, "the range change was not painted"
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bars", type=int, default=100_000)
    ap.add_argument("--workers", type=int, default=16)
    ap.add_argument("--frames", type=int, default=40, help="repaints per pan / zoom scenario")
    args = ap.parse_args()

    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication(sys.argv[:1])
    t0 = time.perf_counter()
    sched = synthetic_schedule(args.bars, args.workers)
    t_model = time.perf_counter() - t0

    from gui.gantt import GanttView

    t0 = time.perf_counter()
    view = GanttView()
    view.resize(1400, 800)
    view.set_schedule(sched)
    view.show()
    while view.item.paint_count == 0 and time.perf_counter() - t0 < 30:
        app.processEvents()
    t_first = time.perf_counter() - t0
    assert view.item.paint_count > 0, "no frame was painted"
    full_visible = view.item.last_visible

    end = max(s.finish for s in sched.slots)
    f = args.frames
    rows = []

    def scenario(name: str, ranges: list[tuple[float, float]]) -> None:
        repaint_times(view, ranges[:3])  # warm-up
        ts = repaint_times(view, ranges)
        rows.append((name, statistics.median(ts), float(np.percentile(ts, 90)), view.item.last_visible,
                     "yes" if view.item.last_lod else "no"))

    scenario("pan, all bars in view", [(-0.05 * end + k * end * 0.002, end * 0.95 + k * end * 0.002) for k in range(f)])
    zooms = np.geomspace(end, end / 400, f)
    scenario("zoom in from all to 1/400", [(end / 2 - z / 2, end / 2 + z / 2) for z in zooms])
    w = end / 20
    scenario("pan at 1/20 of the time", [(k * w / 10, k * w / 10 + w) for k in range(f)])
    w = end / 2000
    scenario("pan at 1/2000 (labels)", [(end / 3 + k * w / 10, end / 3 + k * w / 10 + w) for k in range(f)])

    print(f"Gantt benchmark: {args.bars:,} bars on {args.workers} workers, 1400x800 offscreen, "
          f"{f} frames per scenario")
    print(f"{'measure':<32} {'value':>10} {'target':>10}")
    print(f"{'build Schedule (model)':<32} {t_model * 1000:>8.0f} ms {'':>10}")
    print(f"{'first frame (view + paint)':<32} {t_first * 1000:>8.0f} ms {'< 1000 ms':>10}   "
          f"({full_visible:,} bars in view)")
    print()
    print(f"{'repaint scenario':<32} {'median':>9} {'p90':>9} {'bars in view':>13} {'binned':>7}")
    for name, med, p90, vis, lod in rows:
        print(f"{name:<32} {med:>6.1f} ms {p90:>6.1f} ms {vis:>13,} {lod:>7}")
    print(f"target: median < 20 ms; worst median here {max(r[1] for r in rows):.1f} ms")
    view.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
