"""Help ▸ Quick guide: what the window is for, in a few steps, and every keyboard shortcut.

The shortcut list is read from the window's actions (menus, and the editor's own
actions), so it always says what the keys really do.
"""

from __future__ import annotations

import html
import os
from typing import TYPE_CHECKING

from PySide6 import QtGui, QtWidgets

if TYPE_CHECKING:
    from gui.main_window import MainWindow

__all__ = ["GUIDE", "shortcut_list", "show_guide"]

GUIDE = """
<h3>TaskMapper in five steps</h3>
<ol>
<li><b>Open or draw a graph.</b> File ▸ Examples opens a bundled graph as an untitled copy. In the editor,
double-click (or press N) to add a task, drag from a task's edge to another task to connect them, and edit
costs in the Properties panel. The Platform tab sets the workers, their speeds and the network.</li>
<li><b>Map it.</b> In the Mapping panel tick algorithms and press <i>Run selected</i>, or press
<i>Run all</i>. The chart shows the best result so far and follows better ones as they arrive, until you
choose a row yourself. Choose two rows to compare their schedules on one time axis.</li>
<li><b>Read the chart.</b> Hover a bar for its task, times and data; click it to select the task in the
editor. Tick Critical path, Dependencies or Transfers; press Play (Space) to replay the schedule.</li>
<li><b>Run it for real.</b> Run ▸ Execute graph for real runs the graph on threads, processes or Dask
following the chosen mapping and compares the trace with the prediction.</li>
<li><b>Keep it.</b> Save the graph (Ctrl+S), the schedule (File ▸ Save schedule) or a picture of the chart
(Ctrl+E). Unsaved work is autosaved every 30 seconds and offered back after a crash.</li>
</ol>
<p>Results belong to the graph they were computed for: an edit greys them out as <i>stale</i> (undo the
edit and they are up to date again); opening another graph clears them.</p>
"""


def _plain(text: str) -> str:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip(".…").strip()


def shortcut_list(window: MainWindow) -> list[tuple[str, str]]:
    """``(keys, what they do)`` of every window action that has a shortcut, menu order,
    then the editor's own keys (active while the editor has the focus)."""
    out: list[tuple[str, str]] = []
    seen: set[int] = set()

    def add(action: QtGui.QAction, where: str, suffix: str = "") -> None:
        if id(action) in seen or action.isSeparator():
            return
        keys = [k.toString(QtGui.QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts()]
        keys = [k for k in keys if k]
        if not keys:
            return
        seen.add(id(action))
        out.append((", ".join(keys), f"{where} ▸ {_plain(action.text())}{suffix}"))

    def walk(menu: QtWidgets.QMenu, where: str) -> None:
        for a in menu.actions():
            sub = a.menu()
            if isinstance(sub, QtWidgets.QMenu):
                walk(sub, f"{where} ▸ {_plain(sub.title())}")
            else:
                add(a, where)

    for a in window.menuBar().actions():
        sub = a.menu()
        if isinstance(sub, QtWidgets.QMenu):
            walk(sub, _plain(sub.title()))
    commands = window.editor.commands
    for a in [*commands.edit, *commands.view]:
        add(a, "Editor", " (while the editor has the focus)")
    return out


def guide_html(window: MainWindow) -> str:
    """The guide and the shortcut table, as rich text."""
    rows = "".join(f"<tr><td><b>{html.escape(k)}</b>&nbsp;&nbsp;</td><td>{html.escape(t)}</td></tr>"
                   for k, t in shortcut_list(window))
    mouse = ("<tr><td><b>Space + drag</b>&nbsp;&nbsp;</td><td>Editor ▸ pan</td></tr>"
             "<tr><td><b>Wheel</b>&nbsp;&nbsp;</td><td>Editor ▸ zoom; chart ▸ zoom the time axis</td></tr>"
             "<tr><td><b>Esc</b>&nbsp;&nbsp;</td><td>Editor ▸ drop the edge being drawn</td></tr>")
    return f"{GUIDE}<h3>Keyboard shortcuts</h3><table>{rows}{mouse}</table>"


def show_guide(window: MainWindow) -> QtWidgets.QDialog:
    """Show the guide in a non-modal dialog (kept by the window; shown again on the next call)."""
    dlg = getattr(window, "_guide_dialog", None)
    if not isinstance(dlg, QtWidgets.QDialog):
        dlg = QtWidgets.QDialog(window)
        dlg.setWindowTitle("TaskMapper quick guide")
        text = QtWidgets.QTextBrowser(dlg)
        text.setObjectName("guide_text")
        text.setOpenExternalLinks(True)
        buttons = QtWidgets.QDialogButtonBox(QtWidgets.QDialogButtonBox.StandardButton.Close, dlg)
        buttons.rejected.connect(dlg.close)
        lay = QtWidgets.QVBoxLayout(dlg)
        lay.addWidget(text)
        lay.addWidget(buttons)
        dlg.resize(620, 640)
        window._guide_dialog = dlg  # type: ignore[attr-defined]
    browser = dlg.findChild(QtWidgets.QTextBrowser, "guide_text")
    assert browser is not None
    browser.setHtml(guide_html(window))
    if not os.environ.get("TASKMAPPER_NO_DIALOGS"):
        dlg.show()
        dlg.raise_()
    return dlg
