"""Start-up and editor timings of the desktop app (offscreen), printed as a table.

* window on screen: a fresh ``taskmapper FILE`` process until its window has been shown
  and painted once (the app quits right after, ``TASKMAPPER_QUIT_AFTER_START``);
* editor: open a 1,000-task graph that has no positions (so it is laid out), draw it;
* re-layout of the same graph.

Run: ``.venv/bin/python benchmarks/bench_app.py [--repeats 5]``
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def startup_seconds(example: Path) -> float:
    env = dict(os.environ, TASKMAPPER_QUIT_AFTER_START="1", QT_QPA_PLATFORM="offscreen")
    t0 = time.perf_counter()
    r = subprocess.run([sys.executable, "-m", "cli", str(example)], cwd=ROOT, env=env,
                       capture_output=True, text=True, timeout=120)
    dt = time.perf_counter() - t0
    if r.returncode != 0:
        raise SystemExit(f"app failed to start: {r.stderr.strip()}")
    return dt


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--tasks", type=int, default=1000)
    args = ap.parse_args()

    example = ROOT / "assets" / "examples" / "heft-paper.taskgraph.json"
    starts = [startup_seconds(example) for _ in range(args.repeats)]

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
    row("window on screen (fresh process, HEFT example)", starts, "< 1.5 s")
    row(f"editor: open + lay out {args.tasks} tasks + draw", opens, "< 2 s")
    row(f"editor: re-layout {args.tasks} tasks + draw", layouts, "")


if __name__ == "__main__":
    main()
