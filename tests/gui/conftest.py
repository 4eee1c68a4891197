"""Shared fixtures of the GUI tests.

``tests/conftest.py`` already chose the offscreen Qt platform before Qt is imported.
Every GUI test runs under :func:`_dangling_qthread_pool`: a test that leaves work
running on the global ``QThreadPool`` fails (and the pool is drained so the next
test starts clean), the way napari guards its Qt tests.
"""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HEFT_EXAMPLE = ROOT / "assets" / "examples" / "heft-paper.taskgraph.json"


@pytest.fixture(autouse=True)
def _dangling_qthread_pool(qapp):
    from PySide6.QtCore import QThreadPool

    pool = QThreadPool.globalInstance()
    before = pool.activeThreadCount()
    yield
    # a runner that has just emitted its last signal may need a moment to return from run()
    if pool.activeThreadCount() > before and not pool.waitForDone(300):
        left = pool.activeThreadCount() - before
        pool.waitForDone(10_000)
        pytest.fail(f"the test left {left} QThreadPool thread(s) running: cancel them and wait "
                    "(e.g. qtbot.waitSignal on the result) before the test ends")


@pytest.fixture(autouse=True)
def _no_modal_question(monkeypatch):
    """A question box would wait for a click that never comes: the test fails instead of hanging.

    Tests that expect a question replace ``QMessageBox.question`` themselves.
    """
    from PySide6 import QtWidgets

    asked: list[str] = []

    def question(parent, title, text, *args, **kwargs):
        asked.append(f"{title}: {text}")
        return QtWidgets.QMessageBox.StandardButton.Discard

    monkeypatch.setattr(QtWidgets.QMessageBox, "question", staticmethod(question))
    yield
    if asked:
        pytest.fail(f"the test left a question unanswered (it would wait forever): {asked[0]}")


@pytest.fixture(autouse=True)
def _private_autosave_folder(tmp_path, monkeypatch):
    """Windows made by tests autosave into the test's own folder, never the user's."""
    monkeypatch.setenv("TASKMAPPER_AUTOSAVE_DIR", str(tmp_path / "autosave"))


@pytest.fixture
def main_window(qtbot, tmp_path, monkeypatch):
    """The main window as a user opens it, shown at 1280 × 800: no dialogs, its settings
    (recent files, folders) in the test's folder. It closes without the unsaved-changes
    question, and its background work has ended when the test ends."""
    from PySide6 import QtCore

    from gui.main_window import MainWindow

    monkeypatch.setenv("TASKMAPPER_NO_DIALOGS", "1")
    QtCore.QSettings.setDefaultFormat(QtCore.QSettings.Format.IniFormat)
    QtCore.QSettings.setPath(QtCore.QSettings.Format.IniFormat, QtCore.QSettings.Scope.UserScope, str(tmp_path))
    w = MainWindow()
    # pytest-qt closes the window before the fixtures end: no unsaved-changes question then
    qtbot.addWidget(w, before_close_func=lambda w: w.document.undo_stack.setClean())
    w.resize(1280, 800)
    w.show()
    yield w
    w.wait_for_background(5000)


@pytest.fixture(scope="session")
def heft_graph():
    """The HEFT paper example graph (Topcuoglu et al. 2002, Fig. 2)."""
    from model.formats import load_graph

    return load_graph(HEFT_EXAMPLE)


@pytest.fixture(scope="session")
def heft_schedule(heft_graph):
    """HEFT's schedule of the example: makespan 80 on P1..P3."""
    from model.algorithms import get_algorithm

    return get_algorithm("heft").schedule(heft_graph)
