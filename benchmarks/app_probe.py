"""The child process of ``bench_app.py``'s window start: ``app_probe.py TREE FILE...``.

It runs ``TREE``'s ``taskmapper FILE...`` and prints when the window's first paint is done
(and when the window is ready). It imports only what it needs (``os``, ``sys``, ``time``,
``importlib.machinery``), so that the start measured is the app's own.
"""

from __future__ import annotations

import importlib.machinery
import os
import sys
import time


def probe(tree: str, files: list[str]) -> None:
    """In the child process: run ``tree``'s ``taskmapper FILE...`` (``cli.main``) and leave after
    its window's first paint, or once it is ready too (``BENCH_APP_READY``: its deferred parts
    made), printing the clock time (``time.time()``) of each.

    The probe imports nothing of Qt itself: PySide6 hooks every import that follows its own
    (it reads each new module's source), so the app decides what comes before it, as in a
    user's start. An import hook sees ``PySide6.QtWidgets`` loaded and wraps
    ``QApplication.exec`` to watch the first paint."""
    sys.path.insert(0, tree)

    marks: dict[str, float] = {}

    def watch(qt_widgets: object) -> None:
        from PySide6 import QtCore, QtWidgets

        class FirstPaint(QtCore.QObject):
            def eventFilter(self, obj: QtCore.QObject, event: QtCore.QEvent) -> bool:
                if (event.type() == QtCore.QEvent.Type.Paint and isinstance(obj, QtWidgets.QMainWindow)
                        and "painted" not in marks):
                    marks["painted"] = 0.0
                    # the children paint in the same pass: a queued call runs after it
                    QtCore.QTimer.singleShot(0, lambda: on_painted(obj))
                return False

        def on_painted(win: QtWidgets.QMainWindow) -> None:
            marks["painted"] = time.time()
            app = QtWidgets.QApplication.instance()
            if os.environ.get("BENCH_APP_READY") and not getattr(win, "is_ready", True):
                win.ready.connect(lambda: on_ready(app))  # type: ignore[attr-defined]
            else:
                on_ready(app)

        def on_ready(app: QtWidgets.QApplication) -> None:
            marks["ready"] = time.time()
            print(f"painted {marks['painted']:.6f} ready {marks['ready']:.6f}", flush=True)
            app.quit()

        flt = FirstPaint()
        exec_ = QtWidgets.QApplication.exec

        def exec_with_probe() -> int:
            QtWidgets.QApplication.instance().installEventFilter(flt)
            return exec_()

        QtWidgets.QApplication.exec = staticmethod(exec_with_probe)  # type: ignore[method-assign]

    class WatchQtWidgets:
        """Finds nothing; when ``PySide6.QtWidgets`` is asked for, lets the normal finders
        load it and then installs the paint watch."""

        def find_spec(self, name: str, path: object = None, target: object = None) -> None:
            if name != "PySide6.QtWidgets":
                return None
            sys.meta_path.remove(self)
            spec = importlib.machinery.PathFinder.find_spec(name, path)  # type: ignore[arg-type]
            if spec is not None and spec.loader is not None:
                loader = spec.loader
                exec_module = loader.exec_module

                def exec_and_watch(module: object) -> None:
                    exec_module(module)  # type: ignore[arg-type]
                    watch(module)

                loader.exec_module = exec_and_watch  # type: ignore[method-assign]
                return spec  # type: ignore[return-value]
            return None

    sys.meta_path.insert(0, WatchQtWidgets())
    from cli.main import main

    sys.exit(main(files))


if __name__ == "__main__":
    probe(sys.argv[1], sys.argv[2:])
