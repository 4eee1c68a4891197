"""Never lose work: the open graph is autosaved beside the user's configuration.

Thirty seconds after a change (:data:`AUTOSAVE_S`), a document with unsaved changes is
written, atomically, to ``<AppConfigLocation>/autosave/autosave-<pid>.taskgraph.json``
with a small ``.meta.json`` beside it (the file the graph came from, when). Saving the
document, or a clean exit, removes both. An autosave left by a process that is no longer
running is what an abnormal end (a crash, a kill, a power cut) leaves behind: the next
start offers to restore it (:meth:`Autosave.offer_restore`). Temporary files of a save
that was interrupted half-way are cleaned up at start.

``TASKMAPPER_AUTOSAVE_DIR`` overrides the folder and ``TASKMAPPER_AUTOSAVE_S`` the delay
(tests, several profiles side by side).
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6 import QtCore, QtWidgets

from model.formats import atomic_write, load_graph, save_graph
from model.graph import GraphError

if TYPE_CHECKING:
    from gui.main_window import MainWindow

__all__ = ["AUTOSAVE_S", "Autosave", "Orphan", "ask_restore", "autosave_dir", "clean_interrupted_saves"]

#: seconds from a change to its autosave
AUTOSAVE_S = 30.0
#: a temporary file of a save older than this is a leftover of an interrupted save
STALE_TEMP_S = 60.0


def autosave_dir() -> Path:
    """Where autosaves go: ``TASKMAPPER_AUTOSAVE_DIR``, else the app's configuration folder."""
    env = os.environ.get("TASKMAPPER_AUTOSAVE_DIR")
    if env:
        return Path(env)
    base = QtCore.QStandardPaths.writableLocation(QtCore.QStandardPaths.StandardLocation.AppConfigLocation)
    return (Path(base) if base else Path.home() / ".config" / "taskmapper") / "autosave"


def _delay_s() -> float:
    try:
        return max(0.05, float(os.environ.get("TASKMAPPER_AUTOSAVE_S", AUTOSAVE_S)))
    except ValueError:
        return AUTOSAVE_S


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    except OSError:
        return False
    return True


def clean_interrupted_saves(folder: Path, older_than_s: float = STALE_TEMP_S) -> list[Path]:
    """Remove the temporary files (``.<name>.*.tmp``) that interrupted saves left in ``folder``.

    Only files older than ``older_than_s`` go: a save running now keeps its own.
    Returns the removed files.
    """
    removed: list[Path] = []
    now = time.time()
    try:
        candidates = list(folder.glob(".*.tmp"))
    except OSError:
        return removed
    for p in candidates:
        try:
            if now - p.stat().st_mtime >= older_than_s:
                p.unlink()
                removed.append(p)
        except OSError:
            continue
    return removed


@dataclass(frozen=True)
class Orphan:
    """An autosave left by a process that ended abnormally."""

    graph_file: Path
    meta_file: Path
    #: the file the autosaved graph was opened from or saved to ("" for an untitled one)
    source: str
    #: when it was written (seconds since the epoch)
    saved_at: float

    def describe(self) -> str:
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(self.saved_at))
        what = Path(self.source).name if self.source else "an untitled graph"
        return f"{what}, autosaved {when}"

    def discard(self) -> None:
        for p in (self.graph_file, self.meta_file):
            try:
                p.unlink()
            except OSError:
                pass


def ask_restore(window: QtWidgets.QWidget, orphan: Orphan) -> bool:
    """Ask whether to restore ``orphan`` (tests replace this function)."""
    if os.environ.get("TASKMAPPER_NO_DIALOGS"):
        return False
    r = QtWidgets.QMessageBox.question(
        window, "Restore unsaved work?",
        f"TaskMapper did not close normally last time. Unsaved changes were kept:\n\n{orphan.describe()}\n\n"
        "Restore them? (No discards them.)",
        QtWidgets.QMessageBox.StandardButton.Yes | QtWidgets.QMessageBox.StandardButton.No,
    )
    return r == QtWidgets.QMessageBox.StandardButton.Yes


class Autosave(QtCore.QObject):
    """The autosave of one window's document (see the module docstring)."""

    #: (path) an autosave was written
    saved = QtCore.Signal(str)

    def __init__(self, window: MainWindow, folder: Path | None = None) -> None:
        super().__init__(window)
        self.window = window
        self.folder = folder if folder is not None else autosave_dir()
        stem = f"autosave-{os.getpid()}"
        self.graph_file = self.folder / f"{stem}.taskgraph.json"
        self.meta_file = self.folder / f"{stem}.meta.json"
        self._timer = QtCore.QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(int(_delay_s() * 1000))
        self._timer.timeout.connect(self.save_now)
        d = window.document
        for signal in (d.graph_changed, d.platform_changed, d.positions_changed):
            signal.connect(self._on_document_changed)
        d.dirty_changed.connect(self._on_document_dirty_changed)
        d.graph_reset.connect(self._on_document_changed)
        clean_interrupted_saves(self.folder)

    # ------------------------------------------------------------ writing
    def pending(self) -> bool:
        """Whether an autosave is due (a change waits for its timer)."""
        return self._timer.isActive()

    def save_now(self) -> bool:
        """Write the document now if it has unsaved changes; ``True`` if written."""
        self._timer.stop()
        doc = self.window.document
        if not doc.dirty:
            self.discard()
            return False
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            save_graph(doc.graph, self.graph_file)
            source = self.window.files.source_path()
            atomic_write(self.meta_file, json.dumps({"source": source, "saved_at": time.time(),
                                                     "pid": os.getpid()}) + "\n")
        except (GraphError, OSError) as e:
            self.window.show_status(f"Autosave failed: {e}", 8000)
            return False
        self.saved.emit(str(self.graph_file))
        return True

    def discard(self) -> None:
        """Remove this window's autosave (the work is saved, or the user let it go)."""
        self._timer.stop()
        for p in (self.graph_file, self.meta_file):
            try:
                p.unlink()
            except OSError:
                pass

    def _on_document_changed(self, *_: object) -> None:
        if self.window.document.dirty and not self._timer.isActive():
            self._timer.start()

    def _on_document_dirty_changed(self, dirty: bool) -> None:
        if dirty:
            self._on_document_changed()
        else:
            self.discard()  # saved (or undone back to the saved state): nothing to keep

    # ------------------------------------------------------------ restoring
    def orphans(self) -> list[Orphan]:
        """Autosaves of processes no longer running, newest first."""
        out: list[Orphan] = []
        try:
            metas = list(self.folder.glob("autosave-*.meta.json"))
        except OSError:
            return out
        for meta in metas:
            stem = meta.name[: -len(".meta.json")]
            graph_file = meta.with_name(f"{stem}.taskgraph.json")
            try:
                pid = int(stem.rsplit("-", 1)[1])
            except (IndexError, ValueError):
                continue
            if _alive(pid) or not graph_file.exists():
                continue
            try:
                info = json.loads(meta.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                info = {}
            out.append(Orphan(graph_file, meta, str(info.get("source") or ""),
                              float(info.get("saved_at") or graph_file.stat().st_mtime)))
        return sorted(out, key=lambda o: -o.saved_at)

    def offer_restore(self) -> bool:
        """Offer to restore the newest autosave an abnormal end left; ``True`` if restored.

        The restored graph opens with unsaved changes (saving asks for a file name when
        it came from none). Every other leftover is discarded once the user answered.
        """
        found = self.orphans()
        if not found:
            return False
        newest = found[0]
        if not ask_restore(self.window, newest):
            if not os.environ.get("TASKMAPPER_NO_DIALOGS"):
                for o in found:
                    o.discard()
            return False
        try:
            graph = load_graph(newest.graph_file)
        except (GraphError, OSError) as e:
            self.window.show_error("Cannot restore", f"the autosave cannot be read: {e}")
            return False
        self.window.files.adopt(graph, source=newest.source)
        for o in found:
            o.discard()
        # the restored work is unsaved: it goes to this window's autosave at once
        self.save_now()
        self.window.show_status(f"Restored {newest.describe()}: save it to keep it", 10000)
        return True
