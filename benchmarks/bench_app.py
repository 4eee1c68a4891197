"""Start-up and editor timings of the desktop app (offscreen), printed as a table.

* window on screen: a fresh app process on the HEFT example until its window's first paint
  is done, and until the window is ready (what it makes right after that first paint);
  ``--before DIR`` starts another checkout in turn with this one (interleaved runs);
* editor: open a 1,000-task graph that has no positions (so it is laid out), draw it;
* re-layout of the same graph.

Run: ``.venv/bin/python benchmarks/bench_app.py [--repeats 5] [--before DIR] [--start-only]``
"""

from __future__ import annotations

import argparse
import os
import resource
import runpy
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: the child process of a start (``app_probe.py TREE FILE...``)
PROBE = Path(__file__).resolve().parent / "app_probe.py"
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def startup_seconds(tree: Path, example: Path, ready: bool = False) -> tuple[float, float, float]:
    """A fresh app process of ``tree`` on ``example``: (seconds to the window's first paint,
    seconds until it is ready, CPU seconds of the whole process), offscreen."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=tempfile.mkdtemp(prefix="bench-app-home-"))
    env.pop("TASKMAPPER_QUIT_AFTER_START", None)
    if ready:
        env["BENCH_APP_READY"] = "1"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.time()
    r = subprocess.run([sys.executable, str(PROBE), str(tree), str(example)],
                       cwd=tree, env=env, capture_output=True, text=True, timeout=120)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if r.returncode != 0 or "painted" not in r.stdout:
        raise SystemExit(f"app failed to start: {r.stderr.strip()}")
    words = r.stdout.split()
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return float(words[words.index("painted") + 1]) - t0, float(words[words.index("ready") + 1]) - t0, cpu


def startup_table(trees: list[tuple[str, Path]], repeats: int) -> None:
    """Fresh processes of each tree, interleaved; medians and minima."""
    example = ROOT / "assets" / "examples" / "heft-paper.taskgraph.json"
    # the start a user sees from the second one on: Python has cached the modules' bytecode by
    # then (made here, as PYTHONDONTWRITEBYTECODE may be set; a first start compiles it, ~0.2 s more)
    for _, tree in trees:
        subprocess.run([sys.executable, "-m", "compileall", "-q", "gui", "model", "cli"], cwd=tree,
                       capture_output=True, check=False)
    got: dict[str, list[tuple[float, float, float]]] = {name: [] for name, _ in trees}
    for _ in range(repeats):
        for name, tree in trees:
            got[name].append(startup_seconds(tree, tree / example.relative_to(ROOT)
                                             if (tree / example.relative_to(ROOT)).exists() else example,
                                             ready=True))
    print(f"Window on screen, fresh process (HEFT example, offscreen, bytecode cached), {repeats} interleaved runs; load "
          f"{os.getloadavg()[0]:.1f}")
    print(f"{'tree':<8} {'painted med':>12} {'min':>7} {'ready med':>10} {'min':>7} {'CPU med':>8} {'min':>7}")
    for name, _ in trees:
        xs = got[name]
        p, r, c = ([x[i] for x in xs] for i in range(3))
        print(f"{name:<8} {statistics.median(p):>10.3f} s {min(p):>5.3f} s {statistics.median(r):>8.3f} s "
              f"{min(r):>5.3f} s {statistics.median(c):>6.3f} s {min(c):>5.3f} s")
    print("painted: the window's first paint is done; ready: what the window makes after it too "
          "(the Gantt chart's plot); CPU: the whole process (user + system), which also loads the "
          "graph and quits")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--tasks", type=int, default=1000)
    ap.add_argument("--before", type=Path, help="another checkout, started in turn with this one")
    ap.add_argument("--start-only", action="store_true", help="only the window start, not the editor")
    ap.add_argument("--probe", nargs="+", help=argparse.SUPPRESS)  # the child process: TREE FILE...
    args = ap.parse_args()
    if args.probe:
        sys.argv = [str(PROBE), *args.probe]
        runpy.run_path(str(PROBE), run_name="__main__")
        return

    trees = ([("before", args.before.resolve())] if args.before else []) + [("now", ROOT)]
    startup_table(trees, args.repeats)
    if args.start_only:
        return
    print()

    from PySide6 import QtWidgets

    from gui.document import Document
    from gui.editor import GraphEditorView
    from model import generators
    from model.formats import save_graph

    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication([])
    g = generators.generate("layered", n=args.tasks, seed=1)
    for t in g.tasks:  # no positions: opening must lay the graph out
        g.task_attrs(t).pop("x", None)
        g.task_attrs(t).pop("y", None)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.taskgraph.json"
        save_graph(g, path)
        opens, layouts = [], []
        for _ in range(args.repeats):
            doc = Document()
            view = GraphEditorView(doc)
            view.resize(1200, 800)
            view.show()
            app.processEvents()
            t0 = time.perf_counter()
            doc.load(str(path))
            view.fit()
            view.viewport().repaint()
            app.processEvents()
            opens.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            view.auto_layout()
            view.viewport().repaint()
            app.processEvents()
            layouts.append(time.perf_counter() - t0)
            doc.undo_stack.setClean()
            view.close()

    def row(name: str, xs: list[float], target: str) -> None:
        print(f"{name:<44} {statistics.median(xs):>8.2f} s {max(xs):>8.2f} s {target:>10}")

    print(f"App timings, offscreen, {args.repeats} repeats (median, worst)")
    print(f"{'measure':<44} {'median':>10} {'worst':>10} {'target':>10}")
    row(f"editor: open + lay out {args.tasks} tasks + draw", opens, "< 2 s")
    row(f"editor: re-layout {args.tasks} tasks + draw", layouts, "")


if __name__ == "__main__":
    main()
