"""Gantt chart and graph editor speed, offscreen: time to first frame and pan / zoom repaint times.

Run: ``.venv/bin/python benchmarks/bench_gui.py [--part gantt|editor|layout|all] [--bars 100000]
[--workers 16] [--tasks 1000 10000] [--kinds layered montage]``.
Prints tables. Gantt: first frame and median pan or zoom repaint (targets: 1,000,000 bars
first frame under 1 s, pan under 20 ms). Editor: open a layered graph without positions
(so it is laid out), draw the first frame, then median wheel-zoom and pan repaints, fitted
(zoomed out) and at 1:1 (target: under 50 ms a frame at 10,000 tasks, drawn under 1 s).
Layout: the layered layout alone, the list and the array computation side by side.
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


def editor_frames(view, step, frames: int) -> list[float]:
    """Milliseconds of ``step(k)`` (a zoom or a scroll) plus the repaint that shows it."""
    app = QtWidgets.QApplication.instance()
    out = []
    for k in range(frames):
        t0 = time.perf_counter()
        step(k)
        view.viewport().repaint()
        app.processEvents()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def bench_editor(sizes: list[int], frames: int) -> None:
    import tempfile

    from gui.document import Document
    from gui.editor import GraphEditorView
    from model import generators
    from model.formats import save_graph

    app = QtWidgets.QApplication.instance()
    rows = []
    for n in sizes:
        g = generators.generate("layered", n=n, seed=1)
        edges = g.nx.number_of_edges()
        for t in g.tasks:  # no positions: opening lays the graph out
            g.task_attrs(t).pop("x", None)
            g.task_attrs(t).pop("y", None)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "g.taskgraph.json"
            save_graph(g, path)
            doc = Document()
            view = GraphEditorView(doc)
            view.resize(1200, 800)
            view.show()
            app.processEvents()
            t0 = time.perf_counter()
            doc.load(str(path))
            t_load = time.perf_counter() - t0
            view.fit()
            view.viewport().repaint()
            app.processEvents()
            t_open = time.perf_counter() - t0

            def wheel(k: int, view=view) -> None:
                view.zoom(1.2 if k % 2 == 0 else 1 / 1.2)

            def pan(k: int, view=view) -> None:
                bar = view.horizontalScrollBar()
                bar.setValue(bar.value() + (40 if k % 20 < 10 else -40))

            editor_frames(view, wheel, 4)  # warm-up
            fitted_zoom = editor_frames(view, wheel, frames)
            fitted_pan = editor_frames(view, pan, frames)
            view.setTransform(view.transform().fromScale(1.0, 1.0))
            view.centerOn(view.task_item(g.tasks[len(g) // 2]) or view.sceneRect().center())
            editor_frames(view, wheel, 4)
            near_zoom = editor_frames(view, wheel, frames)
            near_pan = editor_frames(view, pan, frames)
            rows.append((n, edges, t_load, t_open, fitted_zoom, fitted_pan, near_zoom, near_pan))
            doc.undo_stack.setClean()
            view.close()
            view.deleteLater()
            app.processEvents()
    print(f"Graph editor: layered graphs without positions, 1200x800 offscreen, {frames} frames per scenario "
          "(ms, median)")
    print(f"{'tasks':>7} {'edges':>7} {'load+layout':>12} {'open->drawn':>12} {'zoom fitted':>12} "
          f"{'pan fitted':>11} {'zoom 1:1':>9} {'pan 1:1':>8}")
    for n, e, tl, to, fz, fp, nz, np_ in rows:
        print(f"{n:>7,} {e:>7,} {tl * 1000:>12.0f} {to * 1000:>12.0f} {statistics.median(fz):>12.1f} "
              f"{statistics.median(fp):>11.1f} {statistics.median(nz):>9.1f} {statistics.median(np_):>8.1f}")
    print("target at 10,000 tasks: open->drawn < 1000 ms, every repaint < 50 ms")


def bench_layout(sizes: list[int], kinds: list[str]) -> None:
    """The layered layout alone, both ways in one run: the per-point lists (the only way
    before) and the numpy arrays (used past ``model.layout._ARRAY_MIN_SIZE``)."""
    from model import generators, layout
    from model.levels import level_of

    print("Layered layout (model.layout.layered_layout), lists vs arrays on the same graph (s, crossings)")
    print(f"{'graph':<22} {'tasks':>7} {'edges':>7} {'lists':>8} {'arrays':>8} {'ratio':>6} "
          f"{'crossings lists':>16} {'arrays':>10}")
    threshold = layout._ARRAY_MIN_SIZE
    real_lists, real_arrays = layout._reduce_crossings, layout._reduce_crossings_arrays
    try:
        for kind in kinds:
            for n in sizes:
                g = generators.generate(kind, n=n, seed=1)
                level_of(g)  # warm
                row = []
                for th in (10**12, 0):
                    layout._ARRAY_MIN_SIZE = th
                    seen: list[int] = []

                    def spy_l(*a, _r=real_lists, _s=seen):  # the crossings of the kept order
                        r = _r(*a)
                        _s.append(r[1])
                        return r

                    def spy_a(*a, _r=real_arrays, _s=seen):
                        r = _r(*a)
                        _s.append(r[1])
                        return r

                    layout._reduce_crossings, layout._reduce_crossings_arrays = spy_l, spy_a
                    t0 = time.perf_counter()
                    layout.layered_layout(g)
                    row.append((time.perf_counter() - t0, min(seen) if seen else 0))
                    layout._reduce_crossings, layout._reduce_crossings_arrays = real_lists, real_arrays
                (tl, cl), (ta, ca) = row
                print(f"{kind:<22} {len(g):>7,} {g.nx.number_of_edges():>7,} {tl:>8.3f} {ta:>8.3f} "
                      f"{tl / ta:>5.1f}x {cl:>16,} {ca:>10,}")
    finally:
        layout._ARRAY_MIN_SIZE = threshold
        layout._reduce_crossings, layout._reduce_crossings_arrays = real_lists, real_arrays


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--part", choices=["gantt", "editor", "layout", "all"], default="all")
    ap.add_argument("--kinds", nargs="+", default=["layered", "montage"], help="layout: graph families")
    ap.add_argument("--allocator-defaults", action="store_true",
                    help="keep the C allocator's defaults (the app sets gui.app.keep_big_buffers)")
    ap.add_argument("--bars", type=int, default=100_000)
    ap.add_argument("--workers", type=int, default=16)
    ap.add_argument("--tasks", type=int, nargs="+", default=[1000, 10_000], help="editor graph sizes")
    ap.add_argument("--frames", type=int, default=40, help="repaints per pan / zoom scenario")
    args = ap.parse_args()

    if args.part == "layout":
        bench_layout(args.tasks, args.kinds)
        return 0
    if not args.allocator_defaults:
        try:  # as the app does at start (gui.app.main)
            from gui.app import keep_big_buffers
        except ImportError:  # an older tree without it
            pass
        else:
            keep_big_buffers()
    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication(sys.argv[:1])
    if args.part in ("editor", "all"):
        bench_editor(args.tasks, min(args.frames, 20))
        if args.part == "editor":
            return 0
        print()
    t0 = time.perf_counter()
    sched = synthetic_schedule(args.bars, args.workers)
    t_model = time.perf_counter() - t0

    from gui.gantt import GanttView

    t0, c0 = time.perf_counter(), time.process_time()
    view = GanttView()
    view.resize(1400, 800)
    view.set_schedule(sched)
    view.show()
    while view.item.paint_count == 0 and time.perf_counter() - t0 < 30:
        app.processEvents()
    t_first, c_first = time.perf_counter() - t0, time.process_time() - c0
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
    # the processor time of the same span: on a shared machine the wall clock also counts waiting
    print(f"{'first frame, CPU of the process':<32} {c_first * 1000:>8.0f} ms")
    print()
    print(f"{'repaint scenario':<32} {'median':>9} {'p90':>9} {'bars in view':>13} {'binned':>7}")
    for name, med, p90, vis, lod in rows:
        print(f"{name:<32} {med:>6.1f} ms {p90:>6.1f} ms {vis:>13,} {lod:>7}")
    print(f"target: median < 20 ms; worst median here {max(r[1] for r in rows):.1f} ms")
    view.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
