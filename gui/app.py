"""Start the desktop app: ``taskmapper [FILE ...]``."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence


def _ensure_platform() -> None:
    """Pick Qt's offscreen platform when there is no display at all (instead of aborting)."""
    if sys.platform.startswith("linux") and "QT_QPA_PLATFORM" not in os.environ:
        if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
            print("taskmapper: no display found; starting offscreen (set DISPLAY to see the window)",
                  file=sys.stderr)
            os.environ["QT_QPA_PLATFORM"] = "offscreen"


def main(files: Sequence[str] = ()) -> int:
    """Open the main window, load ``files`` into it, and run the event loop."""
    _ensure_platform()
    os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")
    from PySide6 import QtWidgets

    from gui.main_window import MainWindow

    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication(sys.argv[:1])
    app.setApplicationName("TaskMapper")
    app.setOrganizationName("TaskMapper")
    win = MainWindow()
    win.show()
    for f in files:
        win.open_path(f)
    if os.environ.get("TASKMAPPER_QUIT_AFTER_START"):
        # used by start-up measurements: leave as soon as the window is on screen
        from PySide6 import QtCore

        QtCore.QTimer.singleShot(0, app.quit)
    return int(app.exec())


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
