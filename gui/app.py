"""Start the desktop app: ``taskmapper [FILE ...]``."""

from __future__ import annotations

import contextlib
import gc
import os
import sys
from collections.abc import Sequence
from typing import Any

from model.allocator import keep_big_buffers
from model.gcpause import paused_collection


def _ensure_platform() -> None:
    """Pick Qt's offscreen platform when there is no display at all (instead of aborting)."""
    if sys.platform.startswith("linux") and "QT_QPA_PLATFORM" not in os.environ:
        if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
            print("taskmapper: no display found; starting offscreen (set DISPLAY to see the window)",
                  file=sys.stderr)
            os.environ["QT_QPA_PLATFORM"] = "offscreen"


def install_excepthook() -> None:
    """Report an unexpected error in the window instead of only on stderr; the app goes on.

    Qt calls Python slots from its event loop: an exception there must neither end the
    program nor go unseen, and the open graph must stay as it is (the user can save it).
    """
    import traceback

    previous = sys.excepthook

    def hook(exc_type, exc, tb) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            previous(exc_type, exc, tb)
            return
        traceback.print_exception(exc_type, exc, tb)
        from PySide6 import QtWidgets

        app = QtWidgets.QApplication.instance()
        wins = QtWidgets.QApplication.topLevelWidgets() if app is not None else []
        win = next((w for w in wins if isinstance(w, QtWidgets.QMainWindow)), None)
        text = f"{exc_type.__name__}: {exc}"
        if win is not None:
            win.statusBar().showMessage(f"Unexpected error: {text} (your graph is unchanged; save your work)")
        if app is not None and not os.environ.get("TASKMAPPER_NO_DIALOGS"):
            QtWidgets.QMessageBox.critical(
                win, "Unexpected error",
                f"{text}\n\nThe open graph is unchanged; please save your work. Details are on the terminal.")

    sys.excepthook = hook


#: how often the event loop hands control to Python, so a Ctrl-C is seen (milliseconds)
SIGNAL_POLL_MS = 200


def install_interrupt_handler(app: Any, window: Any) -> Any:
    """Make Ctrl-C (SIGINT) in the terminal close ``window`` cleanly and end the app.

    Python only runs signal handlers between bytecodes, and Qt's event loop runs in C++:
    a timer wakes the interpreter every :data:`SIGNAL_POLL_MS` ms so the handler runs.
    The window closes without questions; unsaved work stays in its autosave (offered at
    the next start). Returns the timer (kept by the caller).
    """
    import signal

    from PySide6 import QtCore

    def on_sigint(_signum: int, _frame: object) -> None:
        app.setProperty("taskmapper_interrupted", True)
        # not inside the handler: the window closes from the event loop, as a user's close would
        QtCore.QTimer.singleShot(0, window.close_on_signal)
        QtCore.QTimer.singleShot(0, app.quit)

    signal.signal(signal.SIGINT, on_sigint)
    timer = QtCore.QTimer(app)
    timer.setInterval(SIGNAL_POLL_MS)
    timer.timeout.connect(lambda: None)
    timer.start()
    return timer


def fit_to_screen(win: Any) -> None:
    """Open the window ``win`` no larger than its screen's free area (a 1024 × 768
    laptop, a small VM display)."""
    from PySide6 import QtGui

    screen = win.screen() or QtGui.QGuiApplication.primaryScreen()
    if screen is None:
        return
    free = screen.availableGeometry()
    w, h = min(win.width(), free.width()), min(win.height(), free.height())
    if (w, h) != (win.width(), win.height()):
        win.resize(w, h)
        win.move(free.topLeft())


#: the modules outside Qt that the window's modules import (networkx, the graph of every document;
#: numpy; the model's parts the window uses), loaded before PySide6 by :func:`import_model_first`
MODEL_FIRST = ("networkx", "numpy", "numpy.typing", "model.algorithms", "model.analysis", "model.chart",
               "model.comparison", "model.editing", "model.explain", "model.formats", "model.hand",
               "model.layout", "model.profile", "model.replay", "model.schedule")


def import_model_first() -> None:
    """Import :data:`MODEL_FIRST` before PySide6 is: PySide6 hooks the import of every module that
    follows its own and reads that module's source (to see whether it uses PySide6), which for
    networkx's ~290 modules, numpy's and the model's cost 0.1-0.2 s of the start. The
    algorithms' modules too (the mapping panel lists them)."""
    import importlib

    for name in MODEL_FIRST:
        importlib.import_module(name)
    from model.algorithms import load_all

    load_all()


def main(files: Sequence[str] = ()) -> int:
    """Open the main window, load ``files`` into it, and run the event loop.

    An autosave left by an abnormal end is offered back first. Ctrl-C in the terminal
    closes the window cleanly (exit status 130).
    """
    _ensure_platform()
    keep_big_buffers()
    os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")
    with contextlib.ExitStack() as start:
        # the start imports and builds what lives on (modules, the window: some 140,000 objects,
        # a few hundred of them garbage): the cyclic garbage collector would scan it all again
        # and again, to free nothing. It is paused until the window is ready, and what the start
        # made is then left out of its later passes (as a big graph is, gui.memory)
        start.enter_context(paused_collection())
        start.callback(gc.freeze)  # runs first: before the collector is on again
        return _run(files, start)


def _run(files: Sequence[str], start: contextlib.ExitStack) -> int:
    """:func:`main` once the collector is paused; ``start.close()`` ends the pause."""
    import_model_first()
    from PySide6 import QtWidgets

    from gui.main_window import MainWindow

    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication(sys.argv[:1])
    install_excepthook()
    app.setApplicationName("TaskMapper")
    app.setOrganizationName("TaskMapper")
    win = MainWindow()
    fit_to_screen(win)
    win.show()
    _poll = install_interrupt_handler(app, win)
    restored = win.autosave.offer_restore()
    for f in files:
        win.open_path(f)
    if restored and files:
        win.show_status("Restored the autosaved graph; the files given were opened after it", 8000)
    win.ready.connect(start.close)
    # and at the latest after 10 s, should the window never be painted (started minimised)
    from PySide6 import QtCore

    QtCore.QTimer.singleShot(10_000, start.close)
    if os.environ.get("TASKMAPPER_QUIT_AFTER_START"):
        # used by start-up checks: leave once the window is on screen and complete
        win.ready.connect(app.quit)
    status = int(app.exec())
    if app.property("taskmapper_interrupted"):
        return 130
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
