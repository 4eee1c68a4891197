"""Never lose work: autosave, restore after an abnormal end, clean exits; Ctrl-C quits."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from PySide6 import QtCore

from gui import autosave as autosave_mod
from gui.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[2]
HEFT_PAPER = ROOT / "assets" / "examples" / "heft-paper.taskgraph.json"


@pytest.fixture
def folder(tmp_path, monkeypatch):
    d = tmp_path / "autosave"
    monkeypatch.setenv("TASKMAPPER_AUTOSAVE_DIR", str(d))
    monkeypatch.setenv("TASKMAPPER_AUTOSAVE_S", "0.2")
    monkeypatch.setenv("TASKMAPPER_NO_DIALOGS", "1")
    QtCore.QSettings.setDefaultFormat(QtCore.QSettings.Format.IniFormat)
    QtCore.QSettings.setPath(QtCore.QSettings.Format.IniFormat, QtCore.QSettings.Scope.UserScope, str(tmp_path))
    return d


def make_window(qtbot):
    w = MainWindow()
    # the window closes before the test's fixtures end: no unsaved-changes question then
    qtbot.addWidget(w, before_close_func=lambda w: w.document.undo_stack.setClean())
    w.show()
    return w


def test_a_change_is_autosaved_and_a_clean_exit_removes_it(qtbot, folder):
    w = make_window(qtbot)
    assert w.open_path(str(HEFT_PAPER))
    assert not w.autosave.graph_file.exists()
    w.document.set_cost(["n1"], 77)
    qtbot.waitUntil(w.autosave.graph_file.exists, timeout=5000)
    from model.formats import load_graph

    assert load_graph(w.autosave.graph_file).task_attrs("n1")["cost"] == 77
    assert not list(folder.glob(".*.tmp"))  # written atomically, nothing half-written left
    w.document.undo_stack.setClean()  # the user saved (or discarded): nothing to keep
    assert not w.autosave.graph_file.exists()
    w.document.set_cost(["n1"], 78)
    qtbot.waitUntil(w.autosave.graph_file.exists, timeout=5000)
    w.document.undo_stack.setClean()
    w.close()
    assert not w.autosave.graph_file.exists() and not w.autosave.meta_file.exists()


def test_the_next_start_offers_the_autosave_of_an_abnormal_end_and_restores_it(qtbot, folder, monkeypatch):
    from model.formats import atomic_write, load_graph, save_graph

    g = load_graph(HEFT_PAPER)
    g.update_task("n1", {"costs": [123.0, 16.0, 9.0]})
    folder.mkdir(parents=True)
    dead = 2 ** 22 + 12345  # no such process
    save_graph(g, folder / f"autosave-{dead}.taskgraph.json")
    atomic_write(folder / f"autosave-{dead}.meta.json",
                 '{"source": "/home/user/mine.taskgraph.json", "saved_at": 1700000000}')
    leftover = folder / ".autosave-1.taskgraph.json.abc.tmp"  # an interrupted save
    leftover.write_text("{")
    old = time.time() - 3600
    os.utime(leftover, (old, old))
    offered = []
    monkeypatch.setattr(autosave_mod, "ask_restore", lambda win, orphan: offered.append(orphan) or True)
    w = make_window(qtbot)
    assert not leftover.exists()
    assert w.autosave.offer_restore()
    assert [o.source for o in offered] == ["/home/user/mine.taskgraph.json"]
    assert w.document.graph.task_attrs("n1")["costs"] == [123.0, 16.0, 9.0]
    assert w.document.dirty  # restored work is unsaved work
    assert not (folder / f"autosave-{dead}.taskgraph.json").exists()
    assert w.autosave.graph_file.exists()  # now this window's autosave
    w.document.undo_stack.setClean()


def test_an_autosave_of_a_running_window_is_not_offered(qtbot, folder, monkeypatch):
    w = make_window(qtbot)
    assert w.open_path(str(HEFT_PAPER))
    w.document.set_cost(["n1"], 5)
    assert w.autosave.save_now()
    monkeypatch.setattr(autosave_mod, "ask_restore", lambda *a: pytest.fail("offered a live window's autosave"))
    other = make_window(qtbot)
    assert other.autosave.orphans() == []
    assert not other.autosave.offer_restore()
    w.document.undo_stack.setClean()


DRIVER = textwrap.dedent("""
    import os, sys
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6 import QtWidgets, QtCore
    app = QtWidgets.QApplication([])
    from gui.app import install_interrupt_handler
    from gui.main_window import MainWindow
    w = MainWindow()
    w.show()
    install_interrupt_handler(app, w)
    w.open_path(sys.argv[1])
    if sys.argv[2] == "edit":
        w.document.set_cost(["n1"], 321)
    w.autosave.saved.connect(lambda p: print("autosaved", p, flush=True))
    QtCore.QTimer.singleShot(0, lambda: print("ready", flush=True))
    code = app.exec()
    print("exited", code, flush=True)
""")


def _start(tmp_path, folder, mode):
    script = tmp_path / "driver.py"
    script.write_text(DRIVER)
    env = dict(os.environ, TASKMAPPER_AUTOSAVE_DIR=str(folder), TASKMAPPER_AUTOSAVE_S="0.3",
               TASKMAPPER_NO_DIALOGS="1", XDG_CONFIG_HOME=str(tmp_path / "config"), PYTHONPATH=str(ROOT))
    return subprocess.Popen([sys.executable, str(script), str(HEFT_PAPER), mode], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _wait_line(proc, word, timeout=60.0):
    end = time.time() + timeout
    lines = []
    while time.time() < end:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line)
        if line.startswith(word):
            return line
    raise AssertionError(f"no {word!r} from the app: {''.join(lines)}")


def test_a_killed_app_leaves_its_autosave_and_the_next_start_sees_it(qtbot, folder, tmp_path, monkeypatch):
    proc = _start(tmp_path, folder, "edit")
    try:
        _wait_line(proc, "autosaved")
        proc.kill()  # an abnormal end: no chance to clean up
        proc.wait(30)
    finally:
        if proc.poll() is None:
            proc.kill()
    offered = []
    monkeypatch.setattr(autosave_mod, "ask_restore", lambda win, orphan: offered.append(orphan) or True)
    w = make_window(qtbot)
    assert w.autosave.offer_restore()
    assert len(offered) == 1 and w.document.graph.task_attrs("n1")["cost"] == 321
    w.document.undo_stack.setClean()


def test_ctrl_c_closes_the_app_cleanly_and_keeps_unsaved_work_for_the_next_start(folder, tmp_path):
    proc = _start(tmp_path, folder, "edit")
    try:
        _wait_line(proc, "ready")
        proc.send_signal(signal.SIGINT)
        line = _wait_line(proc, "exited", timeout=30)
        proc.wait(30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert line.split() == ["exited", "0"]
    assert proc.returncode == 0
    # the unsaved edit waits in the autosave, offered at the next start
    assert list(folder.glob("autosave-*.taskgraph.json"))


def test_ctrl_c_without_unsaved_work_leaves_nothing_behind(folder, tmp_path):
    proc = _start(tmp_path, folder, "clean")
    try:
        _wait_line(proc, "ready")
        proc.send_signal(signal.SIGINT)
        _wait_line(proc, "exited", timeout=30)
        proc.wait(30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0
    assert not list(folder.glob("autosave-*"))


def test_the_command_quits_on_ctrl_c_with_status_130(folder, tmp_path):
    env = dict(os.environ, TASKMAPPER_AUTOSAVE_DIR=str(folder), QT_QPA_PLATFORM="offscreen",
               TASKMAPPER_NO_DIALOGS="1", XDG_CONFIG_HOME=str(tmp_path / "config"))
    proc = subprocess.Popen([sys.executable, "-m", "cli", str(HEFT_PAPER)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        time.sleep(6)  # the window is up (start-up takes a few seconds on a busy machine)
        assert proc.poll() is None
        proc.send_signal(signal.SIGINT)
        proc.wait(30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130
