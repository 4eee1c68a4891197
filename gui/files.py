"""The window's file commands: open, import, save, export, and the recent-files list.

:class:`FileCommands` asks for file names (dialogs), reads and writes through
:mod:`model.formats` and the document, and reports in the window's status bar. A file
that cannot be read leaves the open work as it was.

- A big file is read (and laid out, when it has no positions) on the thread pool by a
  :class:`GraphLoadJob`, the status bar saying what is being opened; the open document
  stays as it is until the file has been read completely, and an error is shown after.
- The bundled examples open as untitled copies: Save asks for a file name instead of
  overwriting the example.
- Save dialogs start in the folder used last (never the bundled examples), else the
  user's documents folder, with a file name suggested from the graph (and algorithm).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6 import QtCore, QtWidgets

from gui.memory import building_long_lived, keep_long_lived, release_long_lived
from gui.workers import Job, JobSignals
from model.graph import GraphError, Platform, TaskGraph
from model.schedule import Schedule

if TYPE_CHECKING:
    from gui.main_window import MainWindow

__all__ = ["EXAMPLES", "OPEN_IN_BACKGROUND_BYTES", "FileCommands", "GraphLoadJob", "ask_fit", "is_example",
           "start_dir", "suggested_name"]

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "assets" / "examples"
GRAPH_FILTER = "Task graphs (*.json *.dot *.gv *.graphml *.stg);;All files (*)"
IMPORT_FILTER = (
    "All graph formats (*.json *.dot *.gv *.graphml *.stg);;Graphviz DOT (*.dot *.gv);;GraphML (*.graphml);;"
    "Standard Task Graph (*.stg);;WfCommons WfFormat (*.json)"
)
SCHEDULE_FILTER = "Schedules and traces (*.schedule.json *.trace.json *.json);;All files (*)"
MAX_RECENT = 8
#: files from this size on are read on the thread pool, the window staying responsive
OPEN_IN_BACKGROUND_BYTES = 256_000


def is_example(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is one of the bundled examples (opened as an untitled copy)."""
    try:
        return Path(path).resolve().is_relative_to(EXAMPLES.resolve())
    except OSError:
        return False


def start_dir(settings: QtCore.QSettings | None = None) -> str:
    """Where a file dialog starts: the folder used last (unless it is the bundled examples
    folder, or gone), else the user's documents folder, else the home folder."""
    s = settings if settings is not None else QtCore.QSettings("TaskMapper", "TaskMapper")
    last = str(s.value("last_dir", "") or "")
    if last and Path(last).is_dir() and not is_example(last):
        return last
    docs = QtCore.QStandardPaths.writableLocation(QtCore.QStandardPaths.StandardLocation.DocumentsLocation)
    if docs and Path(docs).is_dir():
        return docs
    return str(Path.home())


def suggested_name(*parts: str, suffix: str) -> str:
    """A file name made of ``parts`` (a graph's name, an algorithm), safe on every system."""
    words = [re.sub(r"[^\w.-]+", "-", p.strip()).strip("-.") for p in parts if p and p.strip()]
    stem = "-".join(w for w in words if w) or "untitled"
    return stem + suffix


class GraphLoadSignals(JobSignals):
    """Signals of a :class:`GraphLoadJob` (``result`` is the graph read)."""

    #: int: the file is parsed and holds this many tasks (laying it out follows)
    parsed = QtCore.Signal(int)


class GraphLoadJob(Job):
    """Read a graph file, and lay it out when it has no positions, in a pool thread."""

    signals_class = GraphLoadSignals
    what = "opening a graph"
    signals: GraphLoadSignals

    def __init__(self, path: str) -> None:
        super().__init__()
        self.path = path

    def execute(self) -> tuple[str, Any]:
        from gui.document import place_missing
        from model.formats import load_graph

        graph = load_graph(self.path)
        self.emit(self.signals.parsed, len(graph))
        if self.cancelled:
            return "cancelled", None
        # the graph stays open: built without collector passes, then kept out of them
        with building_long_lived(len(graph)):
            place_missing(graph)
        return "done", graph


def _is_wfformat(path: str) -> bool:
    """Whether a .json file is a WfCommons WfFormat instance (cheap look at its start)."""
    if not path.lower().endswith(".json"):
        return False
    try:
        with open(path, encoding="utf-8") as f:
            head = f.read(65536)
    except OSError:
        return False
    return '"workflow"' in head and '"taskmapper-' not in head


def ask_fit(parent: QtWidgets.QWidget, name: str, problems: list[str], cannot_retime: str | None,
            trace: bool) -> str:
    """Ask what to do with a schedule that does not fit the open graph.

    Lists ``problems`` and offers "Re-time on this graph" (unless ``cannot_retime`` says
    why it cannot be), "Show as recorded" for a ``trace``, and Cancel. Returns
    ``"retime"``, ``"recorded"`` or ``"cancel"`` (always ``"cancel"`` when
    ``TASKMAPPER_NO_DIALOGS`` is set).
    """
    if os.environ.get("TASKMAPPER_NO_DIALOGS"):
        return "cancel"
    box = QtWidgets.QMessageBox(parent)
    box.setIcon(QtWidgets.QMessageBox.Icon.Warning)
    box.setWindowTitle("Schedule does not fit the graph")
    shown = problems[:10]
    more = [f"… and {len(problems) - 10} more (see the details)"] if len(problems) > 10 else []
    box.setText(f"{name} does not fit the open graph:\n\n" + "\n".join(f"• {p}" for p in shown + more))
    if cannot_retime is None:
        box.setInformativeText("Re-timing keeps the file's mapping (each task's worker and each worker's order) "
                               "and times it on this graph.")
    else:
        box.setInformativeText(f"Its mapping cannot be re-timed on this graph: {cannot_retime}")
    box.setDetailedText("\n".join(problems))
    retime_button = None
    if cannot_retime is None:
        retime_button = box.addButton("Re-time on this graph", QtWidgets.QMessageBox.ButtonRole.AcceptRole)
    recorded = box.addButton("Show as recorded", QtWidgets.QMessageBox.ButtonRole.ActionRole) if trace else None
    box.addButton(QtWidgets.QMessageBox.StandardButton.Cancel)
    if retime_button is not None:
        box.setDefaultButton(retime_button)
    box.exec()
    clicked = box.clickedButton()
    if retime_button is not None and clicked is retime_button:
        return "retime"
    if recorded is not None and clicked is recorded:
        return "recorded"
    return "cancel"


class FileCommands:
    """Open, save and export for a :class:`~gui.main_window.MainWindow`."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        #: File ▸ Open Recent (filled by :meth:`refresh_recent`)
        self.recent_menu = QtWidgets.QMenu("Open &Recent", window)
        #: the example (or other file) the untitled document is a copy of ("" for none)
        self.copy_of = ""
        #: the file being read in the background (``None``: none)
        self.loading: GraphLoadJob | None = None
        window.document.path_changed.connect(self._on_document_path_changed)

    def display_name(self) -> str:
        """The document's name for the title bar: its file, or what it is an untitled copy of."""
        path = self.window.document.path
        if path:
            return Path(path).name
        if self.copy_of:
            return f"{Path(self.copy_of).name} (untitled copy)"
        return "untitled"

    def source_path(self) -> str:
        """The file the document is, or is a copy of (``""``: none)."""
        return self.window.document.path or self.copy_of

    def adopt(self, graph: TaskGraph, *, source: str = "") -> None:
        """Make ``graph`` the document as unsaved work (a restored autosave): Save asks
        for a file name unless ``source`` is a graph file of the user's."""
        native = bool(source) and source.lower().endswith(".json") and not is_example(source)
        self._install(graph, source if native else None, "" if native else source, unsaved=True)

    def _install(self, graph: TaskGraph, path: str | None, copy_of: str, *, unsaved: bool = False) -> None:
        """Make ``graph`` the document (saved to ``path``, or an untitled copy of ``copy_of``):
        the runs of the old one cancelled, its results cleared, the editor fitted."""
        release_long_lived()
        self.window.manager.cancel_all()
        self.window.document.set_graph(graph, path)
        self.copy_of = copy_of
        keep_long_lived(len(graph))  # the open graph stays: keep it out of full collections
        if unsaved:
            self.window.document.undo_stack.resetClean()  # unsaved until the user saves it
        self.window.session.clear()
        self.window.editor.fit()
        self.window._update_title()

    def _on_document_path_changed(self, path: str) -> None:
        if path:
            self.copy_of = ""

    def maybe_save(self) -> bool:
        """Ask what to do with unsaved changes; ``False`` means the user cancelled."""
        if not self.window.document.dirty:
            return True
        r = QtWidgets.QMessageBox.question(
            self.window, "Unsaved changes", "The graph has unsaved changes. Save them?",
            QtWidgets.QMessageBox.StandardButton.Save | QtWidgets.QMessageBox.StandardButton.Discard
            | QtWidgets.QMessageBox.StandardButton.Cancel,
        )
        if r == QtWidgets.QMessageBox.StandardButton.Save:
            return self.save()
        return r == QtWidgets.QMessageBox.StandardButton.Discard

    def new_document(self) -> None:
        if self.maybe_save():
            self.window.manager.cancel_all()
            release_long_lived()
            self.copy_of = ""
            self.window.document.new()
            self.window.session.clear()
            self.window._update_title()

    def open_dialog(self) -> None:
        path, _ = QtWidgets.QFileDialog.getOpenFileName(self.window, "Open", self._last_dir(), GRAPH_FILTER)
        if path:
            self.open_path(path)

    def import_dialog(self) -> None:
        path, _ = QtWidgets.QFileDialog.getOpenFileName(self.window, "Import graph", self._last_dir(), IMPORT_FILTER)
        if path:
            self.open_path(path)

    def open_path(self, path: str, *, background: bool | None = None) -> bool:
        """Open a graph, or a schedule / trace, by content. Errors are shown, the open work is kept.

        A graph file of :data:`OPEN_IN_BACKGROUND_BYTES` or more (or any, with
        ``background=True``) is read by a :class:`GraphLoadJob`: this returns ``True``
        at once and the document changes when the file has been read completely
        (:attr:`loading` is the job meanwhile).
        """
        from model.formats import is_schedule_file

        if is_schedule_file(path):
            return self.open_schedule(path)
        if not self.maybe_save():
            return False
        try:
            size = os.path.getsize(path)
        except OSError:
            size = 0
        if background is None:
            background = size >= OPEN_IN_BACKGROUND_BYTES
        if not background:
            from model.formats import load_graph

            try:
                graph = load_graph(path)
            except (GraphError, OSError) as e:
                self.window.show_error("Cannot open graph", f"{Path(path).name}: {e}")
                return False
            self._opened(path, graph)
            return True
        if self.loading is not None:
            self.loading.cancel()  # the newer request wins
        job = GraphLoadJob(str(path))
        version = self.window.document.version
        name = Path(path).name
        def on_parsed(n: int, j: GraphLoadJob = job) -> None:
            if self.loading is j:
                self.window.show_status(f"Opening {name} ({n:,} tasks)…")

        job.signals.parsed.connect(on_parsed)
        job.signals.result.connect(lambda g, j=job: self._on_load_done(j, g, version))
        job.signals.failed.connect(lambda msg, j=job: self._on_load_failed(j, msg))
        job.signals.finished.connect(lambda j=job: self._on_load_finished(j))
        self.loading = job
        self.window.show_status(f"Opening {name} ({size / 1e6:.1f} MB)…")
        job.start()
        return True

    def wait_loaded(self, ms: int = 30_000) -> bool:
        """Wait until a background open has ended and its outcome is shown (tests, scripts)."""
        job = self.loading
        if job is None:
            return True
        ok = job.wait(ms / 1000)
        QtCore.QCoreApplication.sendPostedEvents()
        QtCore.QCoreApplication.processEvents()
        return ok and self.loading is None

    def _on_load_done(self, job: GraphLoadJob, graph: TaskGraph, version: object) -> None:
        if self.loading is not job:
            return  # a newer open replaced this one
        # edits made while the file was read: ask again before replacing them
        if self.window.document.version != version and not self.maybe_save():
            self.window.show_status(f"Did not open {Path(job.path).name}: the open graph is kept", 6000)
            return
        self._opened(job.path, graph)

    def _on_load_failed(self, job: GraphLoadJob, message: str) -> None:
        if self.loading is job:
            self.window.show_error("Cannot open graph", f"{Path(job.path).name}: {message}")

    def _on_load_finished(self, job: GraphLoadJob) -> None:
        if self.loading is job:
            self.loading = None

    def _opened(self, path: str, graph: TaskGraph) -> None:
        """Make the graph read from ``path`` the document."""
        example = is_example(path)
        # a bundled example opens as an untitled copy: Save must not overwrite it
        native = Path(path).suffix.lower() == ".json" and not example
        self._install(graph, str(path) if native else None, str(path) if example else "")
        self._remember(path)
        if _is_wfformat(path):
            # a workflow instance is a graph and a recorded execution: show both
            self.open_schedule(path, remember=False)
            return
        what = " as an untitled copy (Save asks where)" if example else ""
        self.window.show_status(
            f"Opened {Path(path).name}{what}: {len(graph):,} tasks, {graph.nx.number_of_edges():,} edges", 5000)

    def open_schedule_dialog(self) -> None:
        path, _ = QtWidgets.QFileDialog.getOpenFileName(self.window, "Open schedule or trace", self._last_dir(),
                                                        SCHEDULE_FILTER)
        if path:
            self.open_schedule(path)

    def open_schedule(self, path: str, *, remember: bool = True) -> bool:
        """Show a schedule or execution trace, checked against the open graph.

        A schedule that does not fit the graph (other durations, a missing task, a broken
        dependency, ...) is not shown as it is: a dialog lists what does not fit and offers
        to re-time its mapping on the graph (:func:`model.mapping.retime`); a recorded trace
        may also be shown as recorded. Declining opens nothing.
        """
        from model.formats import load_schedule
        from model.graph import Worker
        from model.mapping import TRACE, fit_problems, retime

        name = Path(path).name
        try:
            sched = load_schedule(path)
        except (GraphError, OSError) as e:
            self.window.show_error("Cannot open schedule", f"{name}: {e}")
            return False
        doc = self.window.document
        graph = doc.graph
        note = ""
        plat: Platform | None = None
        if graph is not None and len(graph):
            trace = sched.algorithm == TRACE
            net = doc.platform.network
            if sched.meta.get("reconstructed"):
                from model.formats.wfformat import trace_platform

                plat = trace_platform(sched, net)  # cores of one machine share data for free
            elif trace:
                plat = Platform(tuple(Worker(w) for w in sched.workers), net)
            else:
                plat = doc.platform  # a computed schedule's times come from the graph's platform
            problems = fit_problems(sched, graph, plat)
            if problems:
                try:
                    retimed: Schedule | None = retime(sched, graph, doc.platform)
                    why_not = ""
                except GraphError as e:
                    retimed, why_not = None, str(e)
                choice = ask_fit(self.window, name, problems, why_not if retimed is None else None, trace)
                if choice == "retime" and retimed is not None:
                    was = sched.algorithm
                    sched, plat = retimed, doc.platform
                    note = f" — {was} mapping re-timed on the open graph"
                elif choice == "recorded" and trace:
                    note = f" — does not fit the open graph: {problems[0]}"
                else:
                    self.window.show_status(f"Not opened: {name} does not fit the open graph ({problems[0]})", 10000)
                    return False
        if sched.meta.get("reconstructed"):
            note += " — start times rebuilt from dependencies (the file records runtimes only)"
        self.window.session.show([sched], graph, platforms=[plat])  # the platform it ran on gives a trace's transfers
        if sched.algorithm == "trace":
            self.window.execution.show_trace(sched)
            self.window.run_dock.raise_()
        if remember:
            self._remember(path)
        from gui.numbers import human

        unit = " s" if sched.algorithm == "trace" else ""
        self.window.show_status(f"Opened {sched.algorithm} schedule, makespan {human(sched.makespan, 6)}{unit}{note}")
        return True

    def save(self) -> bool:
        path = self.window.document.path
        if not path or not path.lower().endswith(".json") or is_example(path):
            return self.save_as()
        return self.save_to(path)

    def _graph_name(self) -> str:
        src = self.source_path()
        if src:
            return Path(src).name.split(".")[0]
        return self.window.document.graph.name or "untitled"

    def _suggest(self, *parts: str, suffix: str) -> str:
        """A path in the start folder with a suggested file name."""
        return str(Path(self._last_dir()) / suggested_name(*parts, suffix=suffix))

    def _algorithm_name(self) -> str:
        scheds = self.window.session.schedules
        return "-vs-".join(s.algorithm for s in scheds[:2]) if scheds else ""

    def save_as(self) -> bool:
        path, _ = QtWidgets.QFileDialog.getSaveFileName(self.window, "Save graph",
                                                        self._suggest(self._graph_name(), suffix=".taskgraph.json"),
                                                        "TaskMapper graph (*.taskgraph.json *.json)")
        if not path:
            return False
        if not path.lower().endswith(".json"):
            path += ".taskgraph.json"
        return self.save_to(path)

    def save_to(self, path: str) -> bool:
        try:
            self.window.document.save(path)
        except (GraphError, OSError) as e:
            self.window.show_error("Cannot save", str(e))
            return False
        self._remember(path)
        from gui.autosave import clean_interrupted_saves

        clean_interrupted_saves(Path(path).resolve().parent)
        self.window.show_status(f"Saved {path}", 4000)
        return True

    def export_graph_dialog(self) -> None:
        path, _ = QtWidgets.QFileDialog.getSaveFileName(
            self.window, "Export graph", self._suggest(self._graph_name(), suffix=".dot"),
            "TaskMapper JSON (*.json);;Graphviz DOT (*.dot);;GraphML (*.graphml);;Standard Task Graph (*.stg)")
        if not path:
            return
        from model.formats import save_graph

        try:
            save_graph(self.window.document.graph, path)
        except (GraphError, OSError) as e:
            self.window.show_error("Cannot export graph", str(e))
            return
        self._remember_dir(path)
        self.window.show_status(f"Exported {path}", 4000)

    def save_schedule_dialog(self) -> None:
        schedule = self.window.session.primary
        if schedule is None:
            self.window.show_status("No schedule to save: run an algorithm and choose a result first", 8000)
            return
        path, _ = QtWidgets.QFileDialog.getSaveFileName(
            self.window, "Save schedule", self._suggest(self._graph_name(), schedule.algorithm, suffix=".schedule.json"),
            "Schedule (*.schedule.json);;Chrome trace for Perfetto (*.trace.json)")
        if not path:
            return
        from model.formats import save_schedule

        if not path.lower().endswith(".json"):
            path += ".schedule.json"
        try:
            save_schedule(schedule, path)
        except (GraphError, OSError) as e:
            self.window.show_error("Cannot save schedule", str(e))
            return
        self._remember_dir(path)
        self.window.show_status(f"Saved {path}", 4000)

    def export_chart_dialog(self) -> None:
        if not self.window.session.schedules:
            self.window.show_status("No Gantt chart to export: run an algorithm and choose a result first", 8000)
            return
        path, _ = QtWidgets.QFileDialog.getSaveFileName(
            self.window, "Export chart", self._suggest(self._graph_name(), self._algorithm_name(), suffix=".png"),
            "PNG image (*.png);;SVG image (*.svg);;PDF (*.pdf)")
        if path:
            self.export_chart(path)

    def export_chart(self, path: str) -> bool:
        from gui.export import export_schedule_image

        scheds = self.window.session.schedules
        try:
            # the picture shows what the chart shows: same colours and overlays
            g = self.window.gantt
            export_schedule_image(scheds[0], path, graph=self.window.document.graph, schedules=scheds,
                                  colour_mode=g.colour_mode, show_critical=g.show_critical,
                                  show_dependencies=g.show_dependencies, show_transfers=g.show_transfers)
        except (GraphError, OSError, ValueError) as e:
            self.window.show_error("Cannot export chart", str(e))
            return False
        self._remember_dir(path)
        self.window.show_status(f"Exported {path}", 4000)
        return True

    def export_graph_image_dialog(self) -> None:
        path, _ = QtWidgets.QFileDialog.getSaveFileName(
            self.window, "Export graph image", self._suggest(self._graph_name(), "graph", suffix=".png"),
            "PNG image (*.png);;SVG image (*.svg);;PDF (*.pdf)")
        if not path:
            return
        from gui.export import export_scene_image

        try:
            export_scene_image(self.window.editor.scene(), path, title=self.window.document.graph.name)
        except (GraphError, OSError, ValueError) as e:
            self.window.show_error("Cannot export graph image", str(e))
            return
        self._remember_dir(path)
        self.window.show_status(f"Exported {path}", 4000)

    def _last_dir(self) -> str:
        return start_dir(self.window.settings)

    def _remember_dir(self, path: str) -> None:
        """The next dialog starts in ``path``'s folder (never in the bundled examples)."""
        folder = Path(path).resolve().parent
        if not is_example(folder):
            self.window.settings.setValue("last_dir", str(folder))

    def _remember(self, path: str) -> None:
        path = str(Path(path).resolve())
        self._remember_dir(path)
        recent = [p for p in self._recent() if p != path]
        recent.insert(0, path)
        self.window.settings.setValue("recent", recent[:MAX_RECENT])
        self.refresh_recent()

    def _recent(self) -> list[str]:
        v = self.window.settings.value("recent", [])
        if isinstance(v, str):
            return [v]
        return [str(p) for p in v] if isinstance(v, (list, tuple)) else []

    def refresh_recent(self) -> None:
        self.recent_menu.clear()
        for p in self._recent():
            self.recent_menu.addAction(Path(p).name, lambda p=p: self.open_path(p)).setStatusTip(p)
        self.recent_menu.setEnabled(bool(self._recent()))
