"""How responsive the main window stays while big graphs are mapped (offscreen), as a table.

For each size, a layered graph (``model.generators``, 16 workers) is opened in the real
:class:`~gui.main_window.MainWindow`; HEFT and a second algorithm are started at once
through the results panel (the code path of "Run selected"), and a ``QTimer`` ticking
every 10 ms measures the event loop: the gap between two ticks is how long the window
could not react. Gaps are split in two phases:

* run: from the click until the last run ended, outside the result phases;
* result: each result's arrival (the slots that store it, compute its metrics, fill the
  table, draw the first result in the Gantt chart and the editor) and the next second
  (the first paint of the new chart).

The last column counts the full garbage collections during the whole run (in any
thread: each one holds the interpreter lock, so the window waits for it too).

Start-up of the runs (the graph snapshots taken on click) counts in the run phase; the
"click" column is the time the click itself took (the runs started, the window free again).

Run: ``.venv/bin/python benchmarks/bench_responsiveness.py [--sizes 10000 100000]``
"""

from __future__ import annotations

import argparse
import gc
import itertools
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ["QT_QPA_PLATFORM"] = "offscreen"  # before any Qt import
os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")
os.environ.setdefault("TASKMAPPER_NO_DIALOGS", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PySide6 import QtCore, QtWidgets  # noqa: E402

from model.generators import generate  # noqa: E402
from model.graph import Network, Platform, Worker  # noqa: E402

TICK_MS = 10
#: seconds after a result's slots during which gaps count as "showing the result"
AFTER_RESULT_S = 1.0


def instance(n: int, m: int, seed: int):
    g = generate("layered", n=n, seed=seed, ccr=1.0, integer=False)
    g.platform = Platform(tuple(Worker(f"P{i + 1}", 1.0 + 0.125 * i) for i in range(m)),
                          Network(bandwidth=1.0, latency=0.0))
    return g


def percentile(xs: list[float], q: float) -> float:
    if not xs:
        return float("nan")
    s = sorted(xs)
    k = min(len(s) - 1, max(0, round(q / 100 * (len(s) - 1))))
    return s[k]


def measure(app, n: int, m: int, algorithms: list[str], seed: int, timeout: float,
            verbose: bool = False) -> dict[str, object]:
    from gui.main_window import MainWindow
    from model.formats import save_graph

    g = instance(n, m, seed)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"layered-{n}.taskgraph.json"
        save_graph(g, path)
        del g
        win = MainWindow()
        win.settings = QtCore.QSettings(str(Path(tmp) / "settings.ini"), QtCore.QSettings.Format.IniFormat)
        win.show()
        app.processEvents()
        if not win.open_path(str(path)):
            raise SystemExit(f"cannot open the {n}-task graph")
        t_settle = time.perf_counter() + 0.5
        while time.perf_counter() < t_settle:
            app.processEvents()

        ticks: list[float] = []
        results: list[float] = []  # when the window's slots for each result returned
        ends: list[str] = []
        mgr = win.manager

        def on_tick() -> None:
            ticks.append(time.perf_counter())

        def on_finished(key: str, _s) -> None:
            # connected after the window's receivers: runs once they have all returned
            results.append(time.perf_counter())
            ends.append(key)
            if verbose:
                print(f"  {key} shown at {results[-1] - t0:.2f} s", file=sys.stderr)

        gc_full: list[float] = []  # durations of full (generation 2) collections, any thread
        gc_t0: list[float] = [0.0]
        gc_spans: list[tuple[float, float]] = []

        def on_gc(phase: str, info: dict) -> None:
            if info.get("generation") != 2:
                return
            if phase == "start":
                gc_t0[0] = time.perf_counter()
            else:
                gc_full.append((time.perf_counter() - gc_t0[0]) * 1000)
                gc_spans.append((gc_t0[0], time.perf_counter()))

        gc.callbacks.append(on_gc)
        mgr.run_finished.connect(on_finished)
        mgr.run_failed.connect(lambda k, msg: (ends.append(k), print(f"  {k} failed: {msg}", file=sys.stderr)))
        mgr.run_cancelled.connect(lambda k: ends.append(k))
        timer = QtCore.QTimer()
        timer.setTimerType(QtCore.Qt.TimerType.PreciseTimer)
        timer.setInterval(TICK_MS)
        timer.timeout.connect(on_tick)
        timer.start()
        app.processEvents()
        t0 = time.perf_counter()
        ticks.append(t0)
        keys = win.results.run(algorithms)
        click = (time.perf_counter() - t0) * 1000  # the window could not react during the click
        deadline = t0 + timeout
        while len(ends) < len(keys) and time.perf_counter() < deadline:
            app.processEvents(QtCore.QEventLoop.ProcessEventsFlag.AllEvents, 50)
        wall = time.perf_counter() - t0
        t_stop = time.perf_counter() + AFTER_RESULT_S
        while time.perf_counter() < t_stop:
            app.processEvents(QtCore.QEventLoop.ProcessEventsFlag.AllEvents, 50)
        timer.stop()
        gc.callbacks.remove(on_gc)
        ticks.append(time.perf_counter())
        if len(ends) < len(keys):
            win.manager.wait_all(10000)
            raise SystemExit(f"{n} tasks: runs not finished after {timeout:.0f} s")

        run_gaps: list[float] = []
        res_gaps: list[float] = []
        for a, b in itertools.pairwise(ticks):
            gap = (b - a) * 1000
            # the gap in which a result's slots ran, and the gaps in the second after them
            in_result = any(a < t <= b or t <= a < t + AFTER_RESULT_S for t in results)
            (res_gaps if in_result else run_gaps).append(gap)
            if verbose and gap > 150:
                gcs = sum(min(b, g1) - max(a, g0) for g0, g1 in gc_spans if g1 > a and g0 < b) * 1000
                print(f"  gap {gap:6.0f} ms at {a - t0:6.2f} s ({'result' if in_result else 'run'}), "
                      f"full GC inside: {gcs:.0f} ms", file=sys.stderr)
        statuses = {r.algorithm: r.status for r in win.results.model.rows}
        bars = int(win.gantt.item.x0.size)
        win.document.undo_stack.setClean()
        win.manager.wait_all(5000)
        win.close()
        win.deleteLater()
        app.processEvents()
    return {"n": n, "click": click, "wall": wall, "run": run_gaps, "result": res_gaps, "statuses": statuses, "bars": bars,
            "gc": gc_full}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--workers", type=int, default=16)
    ap.add_argument("--algorithms", nargs="+", default=["heft", "mct"])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--timeout", type=float, default=600.0)
    ap.add_argument("--verbose", action="store_true", help="list the gaps over 150 ms on stderr")
    ap.add_argument("--profile", metavar="FILE", help="write a cProfile of the GUI thread (pstats) to FILE")
    args = ap.parse_args()

    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication(sys.argv[:1])
    rows = []
    prof = None
    if args.profile:
        import cProfile

        prof = cProfile.Profile()  # profiles the calling (GUI) thread only
    for n in args.sizes:
        if prof is not None:
            prof.enable()
        r = measure(app, n, args.workers, args.algorithms, args.seed, args.timeout, args.verbose)
        if prof is not None:
            prof.disable()
        rows.append(r)
        print(f"  {n:,} tasks done in {r['wall']:.1f} s: {r['statuses']}", file=sys.stderr, flush=True)

    print(f"Event-loop gaps (timer every {TICK_MS} ms), main window offscreen, {' + '.join(args.algorithms)} "
          f"started together, {args.workers} workers")
    print(f"{'tasks':>8} {'phase':<8} {'ticks':>6} {'median':>9} {'p99':>9} {'max':>9} {'run wall':>9} "
          f"{'full GCs (max)':>15} {'click':>9}")
    for r in rows:
        for phase in ("run", "result"):
            gaps = r[phase]
            assert isinstance(gaps, list)
            med = statistics.median(gaps) if gaps else float("nan")
            wall = f"{r['wall']:.1f} s" if phase == "run" else ""
            gcs = r["gc"]
            assert isinstance(gcs, list)
            gc_text = f"{len(gcs)} ({max(gcs, default=0):.0f} ms)" if phase == "run" else ""
            click = f"{r['click']:.0f} ms" if phase == "run" else ""
            print(f"{r['n']:>8,} {phase:<8} {len(gaps):>6} {med:>6.1f} ms {percentile(gaps, 99):>6.1f} ms "
                  f"{max(gaps, default=float('nan')):>6.0f} ms {wall:>9} {gc_text:>15} {click:>9}")
    if prof is not None:
        prof.dump_stats(args.profile)
    worst = max(max(r["run"] + r["result"]) for r in rows)  # type: ignore[operator]
    print(f"target: max gap < 200 ms; worst here {worst:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
