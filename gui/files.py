"""The window's file commands: open, import, save, export, and the recent-files list.

:class:`FileCommands` asks for file names (dialogs), reads and writes through
:mod:`model.formats` and the document, and reports in the window's status bar. A file
that cannot be read leaves the open work as it was.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6 import QtWidgets

from gui.memory import keep_long_lived, release_long_lived
from model.graph import GraphError, Platform
from model.schedule import Schedule

if TYPE_CHECKING:
    from gui.main_window import MainWindow

__all__ = ["EXAMPLES", "FileCommands", "ask_fit"]

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "assets" / "examples"
GRAPH_FILTER = "Task graphs (*.json *.dot *.gv *.graphml *.stg);;All files (*)"
IMPORT_FILTER = (
    "All graph formats (*.json *.dot *.gv *.graphml *.stg);;Graphviz DOT (*.dot *.gv);;GraphML (*.graphml);;"
    "Standard Task Graph (*.stg);;WfCommons WfFormat (*.json)"
)
SCHEDULE_FILTER = "Schedules and traces (*.schedule.json *.trace.json *.json);;All files (*)"
MAX_RECENT = 8


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
            self.window.document.new()
            self.window.session.clear()

    def open_dialog(self) -> None:
        path, _ = QtWidgets.QFileDialog.getOpenFileName(self.window, "Open", self._last_dir(), GRAPH_FILTER)
        if path:
            self.open_path(path)

    def import_dialog(self) -> None:
        path, _ = QtWidgets.QFileDialog.getOpenFileName(self.window, "Import graph", self._last_dir(), IMPORT_FILTER)
        if path:
            self.open_path(path)

    def open_path(self, path: str) -> bool:
        """Open a graph, or a schedule / trace, by content. Errors are shown, the open work is kept."""
        from model.formats import is_schedule_file

        if is_schedule_file(path):
            return self.open_schedule(path)
        if not self.maybe_save():
            return False
        release_long_lived()
        try:
            self.window.document.load(path)
        except (GraphError, OSError) as e:
            self.window.show_error("Cannot open graph", f"{Path(path).name}: {e}")
            return False
        finally:
            keep_long_lived(len(self.window.document.graph))  # the open graph stays: keep it out of full collections
        self.window.manager.cancel_all()
        self.window.session.clear()
        self._remember(path)
        self.window.editor.fit()
        if _is_wfformat(path):
            # a workflow instance is a graph and a recorded execution: show both
            self.open_schedule(path, remember=False)
            return True
        self.window.show_status(
            f"Opened {Path(path).name}: {len(self.window.document.graph)} tasks, "
            f"{self.window.document.graph.nx.number_of_edges()} edges", 5000)
        return True

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
        self.window.show_status(f"Opened {sched.algorithm} schedule, makespan {sched.makespan:g}{note}")
        return True

    def save(self) -> bool:
        if not self.window.document.path or not self.window.document.path.lower().endswith(".json"):
            return self.save_as()
        return self.save_to(self.window.document.path)

    def save_as(self) -> bool:
        path, _ = QtWidgets.QFileDialog.getSaveFileName(self.window, "Save graph", self._last_dir(),
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
        self.window.show_status(f"Saved {path}", 4000)
        return True

    def export_graph_dialog(self) -> None:
        path, _ = QtWidgets.QFileDialog.getSaveFileName(
            self.window, "Export graph", self._last_dir(),
            "TaskMapper JSON (*.json);;Graphviz DOT (*.dot);;GraphML (*.graphml);;Standard Task Graph (*.stg)")
        if not path:
            return
        from model.formats import save_graph

        try:
            save_graph(self.window.document.graph, path)
        except (GraphError, OSError) as e:
            self.window.show_error("Cannot export graph", str(e))
            return
        self.window.show_status(f"Exported {path}", 4000)

    def save_schedule_dialog(self) -> None:
        schedule = self.window.session.primary
        if schedule is None:
            self.window.show_status("No schedule to save: run an algorithm and choose a result first", 8000)
            return
        path, _ = QtWidgets.QFileDialog.getSaveFileName(
            self.window, "Save schedule", self._last_dir(),
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
        self.window.show_status(f"Saved {path}", 4000)

    def export_chart_dialog(self) -> None:
        if not self.window.session.schedules:
            self.window.show_status("No Gantt chart to export: run an algorithm and choose a result first", 8000)
            return
        path, _ = QtWidgets.QFileDialog.getSaveFileName(self.window, "Export chart", self._last_dir(),
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
        self.window.show_status(f"Exported {path}", 4000)
        return True

    def export_graph_image_dialog(self) -> None:
        path, _ = QtWidgets.QFileDialog.getSaveFileName(self.window, "Export graph image", self._last_dir(),
                                                        "PNG image (*.png);;SVG image (*.svg);;PDF (*.pdf)")
        if not path:
            return
        from gui.export import export_scene_image

        try:
            export_scene_image(self.window.editor.scene(), path, title=self.window.document.graph.name)
        except (GraphError, OSError, ValueError) as e:
            self.window.show_error("Cannot export graph image", str(e))
            return
        self.window.show_status(f"Exported {path}", 4000)

    def _last_dir(self) -> str:
        return str(self.window.settings.value("last_dir", os.getcwd()))

    def _remember(self, path: str) -> None:
        path = str(Path(path).resolve())
        self.window.settings.setValue("last_dir", str(Path(path).parent))
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
