"""Gantt chart and graph editor speed, offscreen: time to first frame and pan / zoom repaint times.

Run: ``.venv/bin/python benchmarks/bench_gui.py [--part gantt|editor|layout|all] [--bars 100000]
[--workers 16] [--tasks 1000 10000] [--kinds layered montage] [--positions no yes] [--before DIR]``.
Prints tables. Gantt: first frame and median pan or zoom repaint, a replay step and a mouse
move with every bar in view (targets: 1,000,000 bars first frame under 1 s, pan under 20 ms). Editor: open a layered graph without positions
(so it is laid out) and with them (as the editor saves it), draw the first frame, then
median wheel-zoom and pan repaints, fitted (zoomed out), the frame that zooms from the whole
graph to 1:1 and the one past the overview's threshold (``to items``), and at 1:1 (target: under 50 ms a frame at 10,000 tasks, drawn under 1 s).
The zoom columns step in and out between two levels (as a wheel back and forth); the
``new zoom`` columns zoom in by 6 % a frame, so each frame is at a zoom not drawn before
(``new zoom out 1:1``: out by 6 % a frame from 1:1); while a zoom goes on, the editor may lay
such a frame as a scaled preview and draw it exactly once the zoom rests: ``exact new 1:1``
times the frames of the zoom in drawn exactly (the frame after the rest).
``--before DIR`` runs the checkout DIR and this one alternately in child processes and
prints both tables.
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
# the app of this tree, or of the one named by --tree (the "before" of a side-by-side run)
sys.path.insert(0, sys.argv[sys.argv.index("--tree") + 1] if "--tree" in sys.argv[:-1]
                else str(Path(__file__).resolve().parents[1]))

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
    vb = view.view_box
    return step_times(view, [lambda lo=lo, hi=hi: vb.setXRange(lo, hi, padding=0)
                             for _ in range(repeats) for lo, hi in ranges])


def step_times(view, steps) -> list[float]:
    """Milliseconds from each call of ``steps`` (a range change, a replay seek, a mouse move)
    to the end of the frame that shows it."""
    app = QtWidgets.QApplication.instance()
    vp, item = view.plot.viewport(), view.item
    out = []
    for step in steps:
        before = item.paint_count
        t0 = time.perf_counter()
        step()
        app.processEvents()  # the scene collects dirty items, the view schedules its update
        if item.paint_count == before:
            vp.repaint()
        if item.paint_count == before:
            app.processEvents()
        out.append((time.perf_counter() - t0) * 1000)
        assert item.paint_count > before, "the step was not painted"
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


def _editor_case(n: int, frames: int, laid_out: bool) -> dict:
    """Open a ``n``-task layered graph in a shown 1200x800 editor and time it (ms)."""
    import tempfile

    from PySide6 import QtCore, QtGui

    from gui.document import Document
    from gui.editor import GraphEditorView
    from model import generators
    from model.formats import save_graph
    from model.layout import apply_layout, layered_layout

    app = QtWidgets.QApplication.instance()
    g = generators.generate("layered", n=n, seed=1)
    if laid_out:  # as saved by the editor: positions and routes of its layout
        apply_layout(g, layered_layout(g))
    else:  # no positions: opening lays the graph out
        for t in g.tasks:
            g.task_attrs(t).pop("x", None)
            g.task_attrs(t).pop("y", None)
    row: dict = {"tasks": n, "edges": g.nx.number_of_edges(), "positions": laid_out}
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
        row["load"] = (time.perf_counter() - t0) * 1000
        view.fit()
        view.viewport().repaint()
        app.processEvents()
        row["open"] = (time.perf_counter() - t0) * 1000

        def wheel(k: int, view=view) -> None:
            view.zoom(1.2 if k % 2 == 0 else 1 / 1.2)

        def pan(k: int, view=view) -> None:
            bar = view.horizontalScrollBar()
            bar.setValue(bar.value() + (40 if k % 20 < 10 else -40))

        def zoom_in(_k: int, view=view) -> None:  # every frame at a zoom not shown before
            view.zoom(1.06)

        editor_frames(view, wheel, 4)  # warm-up
        row["zoom_fit"] = editor_frames(view, wheel, frames)
        row["pan_fit"] = editor_frames(view, pan, frames)
        view.fit()
        view.viewport().repaint()
        app.processEvents()
        row["new_fit"] = editor_frames(view, zoom_in, frames)
        # from the whole graph to 1:1 on its middle task (a big graph makes its items then)
        view.fit()
        view.viewport().repaint()
        app.processEvents()
        mid = doc.position(g.tasks[len(g) // 2])

        def to_one(_k: int, view=view, mid=mid) -> None:
            view.setTransform(QtGui.QTransform.fromScale(1.0, 1.0))
            view.centerOn(QtCore.QPointF(*mid))

        row["to_1to1"] = editor_frames(view, to_one, 1)
        # the first wheel step past the overview's threshold, from the whole graph
        from gui.editor import view as view_module

        view.fit()
        view.viewport().repaint()
        app.processEvents()
        past = getattr(view_module, "OVERVIEW_SCALE", 0.22) * 1.1

        def to_items(_k: int, view=view, mid=mid, past=past) -> None:
            view.setTransform(QtGui.QTransform.fromScale(past, past))
            view.centerOn(QtCore.QPointF(*mid))

        row["to_items"] = editor_frames(view, to_items, 1)
        to_one(0)
        editor_frames(view, wheel, 4)
        row["zoom_1"] = editor_frames(view, wheel, frames)
        row["pan_1"] = editor_frames(view, pan, frames)
        made = getattr(view, "items_made", None)
        row["items"] = sum(made()) if made else len(view.scene().items())
        row["new_1"] = editor_frames(view, zoom_in, frames)
        # the same zoom in from 1:1, each frame drawn as once the zoom has rested (exactly)

        def zoom_in_exact(_k: int, view=view) -> None:
            view.zoom(1.06)
            if hasattr(view, "_zoom_preview"):
                view._zoom_preview = False

        def zoom_out(_k: int, view=view) -> None:
            view.zoom(1 / 1.06)

        for name, step in (("new_1_exact", zoom_in_exact), ("new_out_1", zoom_out)):
            QtCore.QThread.msleep(250)
            to_one(0)
            view.viewport().repaint()
            app.processEvents()
            QtCore.QThread.msleep(250)
            app.processEvents()
            row[name] = editor_frames(view, step, frames)
        doc.undo_stack.setClean()
        view.close()
        view.deleteLater()
        app.processEvents()
    return row


def _print_editor_rows(rows: list[dict], label: str = "") -> None:
    if label:
        print(label)
    print(f"{'tasks':>7} {'edges':>7} {'positions':>9} {'load':>6} {'open->drawn':>12} {'zoom fitted':>12} "
          f"{'pan fitted':>11} {'to items':>9} {'to 1:1':>7} {'zoom 1:1':>9} {'pan 1:1':>8} {'items at 1:1':>13} "
          f"{'new zoom fitted':>16} {'new zoom 1:1':>13} {'exact new 1:1':>14} {'new zoom out 1:1':>17}")
    med = statistics.median
    for r in rows:
        print(f"{r['tasks']:>7,} {r['edges']:>7,} {'yes' if r['positions'] else 'no':>9} {r['load']:>6.0f} "
              f"{r['open']:>12.0f} {med(r['zoom_fit']):>12.1f} {med(r['pan_fit']):>11.1f} {r['to_items'][0]:>9.0f} {r['to_1to1'][0]:>7.0f} "
              f"{med(r['zoom_1']):>9.1f} {med(r['pan_1']):>8.1f} {r['items']:>13,} "
              f"{med(r['new_fit']):>16.1f} {med(r['new_1']):>13.1f} {med(r['new_1_exact']):>14.1f} "
              f"{med(r['new_out_1']):>17.1f}")


def bench_editor(sizes: list[int], frames: int, positions: list[str]) -> None:
    rows = [_editor_case(n, frames, p == "yes") for n in sizes for p in positions]
    print(f"Graph editor: layered graphs, 1200x800 offscreen, {frames} frames per scenario (ms, median)")
    _print_editor_rows(rows)
    print("target at 10,000 tasks: open->drawn < 1000 ms, every repaint < 50 ms")


def bench_editor_pairs(before: str, sizes: list[int], frames: int, positions: list[str], pairs: int) -> None:
    """The editor of another checkout (``before``) and of this one, in alternate child
    processes on the same graphs (one pair after another, so the machine's load is shared)."""
    import json
    import subprocess

    here = str(Path(__file__).resolve().parents[1])
    out: dict[str, list[dict]] = {"before": [], "after": []}
    for n in sizes:
        for p in positions:
            for _ in range(pairs):
                for name, tree in (("before", before), ("after", here)):
                    cmd = [sys.executable, __file__, "--part", "editor", "--tree", tree, "--tasks", str(n),
                           "--positions", p, "--frames", str(frames), "--json"]
                    res = subprocess.run(cmd, capture_output=True, text=True, check=True)
                    out[name] += json.loads(res.stdout.strip().splitlines()[-1])
    print(f"Graph editor: layered graphs, 1200x800 offscreen, {frames} frames per scenario (ms, median), "
          f"{pairs} alternate pair(s) per row")
    _print_editor_rows(out["before"], f"before ({before}):")
    _print_editor_rows(out["after"], "after (this tree):")


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
    ap.add_argument("--positions", nargs="+", choices=["yes", "no"], default=["no", "yes"],
                    help="editor: open the graph without positions (laid out on opening) and/or with them")
    ap.add_argument("--before", metavar="DIR",
                    help="editor: also run the checkout DIR, alternately with this one, and print both")
    ap.add_argument("--pairs", type=int, default=1, help="editor with --before: alternate runs per row")
    ap.add_argument("--tree", metavar="DIR", help=argparse.SUPPRESS)  # import the app from DIR
    ap.add_argument("--json", action="store_true", help=argparse.SUPPRESS)  # editor rows as JSON
    args = ap.parse_args()
    if args.part == "editor" and args.before:
        bench_editor_pairs(args.before, args.tasks, min(args.frames, 20), args.positions, args.pairs)
        return 0

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
    if args.part == "editor" and args.json:
        import json

        rows = [_editor_case(n, min(args.frames, 20), p == "yes") for n in args.tasks for p in args.positions]
        print(json.dumps(rows))
        return 0
    if args.part in ("editor", "all"):
        bench_editor(args.tasks, min(args.frames, 20), args.positions)
        if args.part == "editor":
            return 0
        print()
    t0 = time.perf_counter()
    sched = synthetic_schedule(args.bars, args.workers)
    t_model = time.perf_counter() - t0

    from gui.gantt import GanttView

    t0, c0 = time.perf_counter(), time.process_time()
    # the chart's plot imports pyqtgraph (the window does so right after its own first paint,
    # so a result's first chart there does not pay it): timed apart, inside the first frame
    import pyqtgraph  # noqa: F401

    t_import = time.perf_counter() - t0
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

    # everything in view again: a replay moving "now", and the mouse moving over the bars
    from PySide6 import QtCore

    view.view_box.setXRange(-0.05 * end, end * 1.05, padding=0)
    repaint_times(view, [(-0.05 * end, end * 1.05)])

    def steps_scenario(name: str, steps) -> None:
        step_times(view, steps[:3])  # warm-up
        ts = step_times(view, steps[3:])
        rows.append((name, statistics.median(ts), float(np.percentile(ts, 90)), view.item.last_visible,
                     "yes" if view.item.last_lod else "no"))

    pb = view.playback
    steps_scenario("replay step, all bars in view",
                   [lambda t=t: pb.seek(t) for t in np.linspace(0.3 * end, 0.6 * end, f + 3)])
    view.playback.seek(pb.end)
    lanes = max(len(view.lanes), 1)
    steps_scenario("mouse move, all bars in view",
                   [lambda k=k: view._on_scene_mouse_moved(view.view_box.mapViewToScene(
                       QtCore.QPointF(end * (0.2 + 0.6 * k / (f + 3)), (k * 7) % lanes)))
                    for k in range(f + 3)])

    print(f"Gantt benchmark: {args.bars:,} bars on {args.workers} workers, 1400x800 offscreen, "
          f"{f} frames per scenario")
    print(f"{'measure':<32} {'value':>10} {'target':>10}")
    print(f"{'build Schedule (model)':<32} {t_model * 1000:>8.0f} ms {'':>10}")
    print(f"{'first frame (view + paint)':<32} {t_first * 1000:>8.0f} ms {'< 1000 ms':>10}   "
          f"({full_visible:,} bars in view)")
    # the processor time of the same span: on a shared machine the wall clock also counts waiting
    print(f"{'first frame, CPU of the process':<32} {c_first * 1000:>8.0f} ms")
    print(f"{'  of which importing pyqtgraph':<32} {t_import * 1000:>8.0f} ms   (wall; the window imports it "
          "after its first paint)")
    print()
    print(f"{'repaint scenario':<32} {'median':>9} {'p90':>9} {'bars in view':>13} {'binned':>7}")
    for name, med, p90, vis, lod in rows:
        print(f"{name:<32} {med:>6.1f} ms {p90:>6.1f} ms {vis:>13,} {lod:>7}")
    print(f"target: median < 20 ms; worst median here {max(r[1] for r in rows):.1f} ms")
    view.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
