"""Moving tasks by hand in the window, offscreen: time from a drop to the chart showing it.

For layered DAGs of 1,000 and 10,000 tasks on 8 workers, the main window opens the
graph, runs HEFT through its results panel and shows the result. Then N moves are made
through the chart's public drop API (:meth:`GanttView.drop_task`, what a mouse release
calls): a random task to a random other worker, dropped at its own start time. Each move
goes the whole GUI path: the drop position, the re-timing (:class:`model.mapping.Evaluator`),
the undo command, the hand result's table row, the session, the chart (bars re-placed in
their old order) and the property panel's refresh; the time ends when the chart has
painted the new bars (the glide is switched off: with it the bars take another 150 ms to
arrive, by design). The editor re-colours its tasks right after the chart is drawn: the
``+editor`` column adds that time. Between moves the figures job of the hand row is let
finish, as it would while the user looks at the result.

Also measured: the re-timing alone (:meth:`Evaluator.evaluate`), the first move (which
copies the graph and compiles it), and one mouse move while dragging a bar (the ghost bar
follows; the chart is not rebuilt).

Usage::

    .venv/bin/python benchmarks/bench_hand_moves.py [--sizes 1000,10000] [--moves 15] [--seed 1]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")
os.environ.setdefault("TASKMAPPER_NO_DIALOGS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6 import QtCore, QtGui, QtWidgets

from model.formats import save_graph
from model.generators import generate
from model.mapping import Evaluator, Mapping


def wait(app: QtWidgets.QApplication, cond, timeout: float = 120.0) -> None:
    t0 = time.perf_counter()
    while not cond():
        app.processEvents(QtCore.QEventLoop.ProcessEventsFlag.AllEvents, 20)
        if time.perf_counter() - t0 > timeout:
            raise TimeoutError("timed out")


class PaintClock:
    """Notes when the chart's bars item last painted (Qt calls ``paint`` on the instance)."""

    def __init__(self, item) -> None:
        self.t = 0.0
        cls_paint = type(item).paint

        def paint(p, opt, widget) -> None:
            cls_paint(item, p, opt, widget)
            self.t = time.perf_counter()

        item.paint = paint


def painted(app: QtWidgets.QApplication, view, before: int) -> None:
    """Process events until the chart painted a frame after ``before``."""
    app.processEvents()
    if view.item.paint_count == before:
        view.plot.viewport().repaint()
    if view.item.paint_count == before:
        app.processEvents()


def settle(app: QtWidgets.QApplication) -> None:
    """Process events until the window is idle (the editor's looks applied, timers run)."""
    for _ in range(5):
        app.processEvents(QtCore.QEventLoop.ProcessEventsFlag.AllEvents, 50)
        time.sleep(0.02)


def ms(xs: list[float]) -> str:
    return f"{1000 * statistics.median(xs):8.1f}"


def measure(app: QtWidgets.QApplication, n: int, moves: int, seed: int) -> list[str]:
    from gui.main_window import MainWindow

    graph = generate("layered", n=n, seed=seed, workers=8)
    w = MainWindow()
    w.maybe_save = lambda: True  # type: ignore[method-assign]
    w.resize(1280, 800)
    w.show()
    with tempfile.TemporaryDirectory() as tmp:  # opened as a user opens a file (big graphs are kept long-lived)
        path = Path(tmp) / f"layered-{n}.taskgraph.json"
        save_graph(graph, path)
        assert w.open_path(str(path))
    graph = w.document.graph
    app.processEvents()
    w.results.run(["heft"])
    wait(app, lambda: "heft" in w.results.results() and w.session.primary is not None)
    w.gantt.glide.duration_ms = 0
    app.processEvents()
    rng = random.Random(seed)
    view = w.gantt
    ids = w.document.platform.ids

    clock = PaintClock(view.item)
    busy: list[float] = []

    def one_move() -> float:
        shown = w.session.primary
        while True:
            slot = rng.choice(shown.slots)
            worker = rng.choice([x for x in ids if x != slot.worker])
            before = view.item.paint_count
            t0 = time.perf_counter()
            why = view.drop_task(slot.task, worker, slot.start)
            painted(app, view, before)
            if why is None:
                assert view.item.paint_count > before, "the move was not painted"
                dt = clock.t - t0
                assert w.session.primary is not shown and view.schedules[0] is w.session.primary
                # what follows on the GUI thread: the editor's looks (deferred), the row's figures
                t1 = time.perf_counter()
                w.editor._looks_later.stop()
                w.editor._apply_looks()
                busy.append(time.perf_counter() - t1 + dt)
                w.results.wait_hand_jobs(60_000)
                settle(app)
                return dt

    first = one_move()
    busy.clear()
    times = [one_move() for _ in range(moves)]
    ev = Evaluator(graph, w.document.platform)
    m = Mapping.from_schedule(w.session.primary)
    retime = []
    for _ in range(moves):
        t0 = time.perf_counter()
        ev.evaluate(m)
        retime.append(time.perf_counter() - t0)
    # dragging: mouse moves over the chart while a bar is held
    s = w.session.primary.slots[len(w.session.primary.slots) // 2]
    r = view.bar_rect(s.task)
    vp = view.plot.viewport()
    start = view.plot.mapFromScene(view.view_box.mapViewToScene(r.center()))
    QtWidgets.QApplication.sendEvent(vp, QtGui.QMouseEvent(
        QtCore.QEvent.Type.MouseButtonPress, QtCore.QPointF(start), QtCore.QPointF(vp.mapToGlobal(start)),
        QtCore.Qt.MouseButton.LeftButton, QtCore.Qt.MouseButton.LeftButton, QtCore.Qt.KeyboardModifier.NoModifier))
    drag = []
    for k in range(1, 41):
        p = start + QtCore.QPoint(3 * k, (k * 7) % 60 - 30)
        before = view.item.paint_count
        t0 = time.perf_counter()
        QtWidgets.QApplication.sendEvent(vp, QtGui.QMouseEvent(
            QtCore.QEvent.Type.MouseMove, QtCore.QPointF(p), QtCore.QPointF(vp.mapToGlobal(p)),
            QtCore.Qt.MouseButton.NoButton, QtCore.Qt.MouseButton.LeftButton, QtCore.Qt.KeyboardModifier.NoModifier))
        app.processEvents()
        vp.repaint()
        drag.append(time.perf_counter() - t0)
        assert view.drag.dragging and view.item.paint_count >= before
    view.drag.cancel()
    QtWidgets.QApplication.sendEvent(vp, QtGui.QMouseEvent(
        QtCore.QEvent.Type.MouseButtonRelease, QtCore.QPointF(start), QtCore.QPointF(vp.mapToGlobal(start)),
        QtCore.Qt.MouseButton.LeftButton, QtCore.Qt.MouseButton.NoButton, QtCore.Qt.KeyboardModifier.NoModifier))
    w.manager.wait_all(10_000)
    w.results.wait_hand_jobs(60_000)
    w.close()
    w.deleteLater()
    app.processEvents()
    return [f"{n:8d} {graph.nx.number_of_edges():8d} {moves:6d} {ms(times)} {1000 * max(times):8.1f} "
            f"{ms(busy)} {1000 * first:8.1f} {ms(retime)} {ms(drag)}"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="1000,10000")
    ap.add_argument("--moves", type=int, default=15)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication(sys.argv)
    print("   tasks    edges  moves  drop→chart  (max)  +editor    first  re-time   drag step   (ms, medians)")
    for n in (int(x) for x in args.sizes.split(",")):
        for line in measure(app, n, args.moves if n <= 1000 else max(5, args.moves // 2), args.seed):
            print(line, flush=True)


if __name__ == "__main__":
    main()
