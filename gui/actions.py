"""The window's menus and toolbar: every window command as one action, made once.

:func:`build_menus` fills a :class:`~gui.main_window.MainWindow`'s menu bar and toolbar
and returns the actions other code enables or triggers (:class:`WindowActions`). The
editor's own actions (:mod:`gui.editor.actions`) are shown as they are, not copied.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6 import QtGui, QtWidgets

from gui.editor.looks import EDITOR_OVERLAYS
from gui.files import EXAMPLES
from gui.gantt.colours import COLOUR_MODES
from gui.overlay_state import CHART_FLAGS, OverlayState

if TYPE_CHECKING:
    from gui.main_window import MainWindow

__all__ = ["WindowActions", "build_menus"]

#: menu texts of the editor overlays
OVERLAY_TEXT = {"none": "&Plain", "levels": "Colour by &level (independent tasks)", "critical": "&Critical path",
                "slack": "&Slack", "worker": "Colour by &worker (shown schedule)",
                "playback": "Colour by playback s&tate"}
#: toolbar texts of the editor overlays
OVERLAY_SHORT = {"none": "Plain", "levels": "Levels", "critical": "Critical path", "slack": "Slack",
                 "worker": "Worker", "playback": "Playback state"}
#: menu texts of the chart's on/off options
FLAG_TEXT = {"show_critical": "Show critical path", "show_dependencies": "Show dependencies",
             "show_transfers": "Show transfer lanes"}


@dataclass(frozen=True)
class WindowActions:
    """The window's actions that are enabled, checked or triggered from elsewhere."""

    new: QtGui.QAction
    open: QtGui.QAction
    save: QtGui.QAction
    save_as: QtGui.QAction
    undo: QtGui.QAction
    redo: QtGui.QAction
    fit_graph: QtGui.QAction
    layout_graph: QtGui.QAction
    run_selected: QtGui.QAction
    run_all: QtGui.QAction
    cancel_all: QtGui.QAction
    play: QtGui.QAction
    overlays: QtGui.QActionGroup
    #: the toolbar's overlay box
    overlay_box: QtWidgets.QComboBox
    #: the View menu's chart colour modes and on/off options, by mode or option name
    gantt_colours: dict[str, QtGui.QAction]
    chart_flags: dict[str, QtGui.QAction]


def _action(parent: QtWidgets.QWidget, text: str, slot: Callable[[], Any], shortcut: Any = None,
            tip: str = "", short: str = "") -> QtGui.QAction:
    a = QtGui.QAction(text, parent)
    if shortcut is not None:
        a.setShortcut(QtGui.QKeySequence(shortcut))
    if tip:
        a.setStatusTip(tip)
        a.setToolTip(tip)
    if short:
        a.setIconText(short)  # what the toolbar shows
    a.triggered.connect(lambda _checked=False: slot())
    return a


def _stack_action(w: MainWindow, which: str, shortcut: Any) -> QtGui.QAction:
    """Undo or redo of the document: a fixed text (the toolbar does not jump as the
    command changes), the command it would undo or redo in its tooltip and status tip."""
    stack = w.document.undo_stack
    word = which.capitalize()
    a = QtGui.QAction(f"&{word}", w)
    a.setIconText(word)
    a.setShortcut(QtGui.QKeySequence(shortcut))
    a.triggered.connect(lambda _checked=False: getattr(stack, which)())
    can = stack.canUndo if which == "undo" else stack.canRedo
    text = stack.undoText if which == "undo" else stack.redoText

    def sync(*_: object) -> None:
        if not (shiboken6.isValid(stack) and shiboken6.isValid(a)):
            return  # the window is being destroyed
        a.setEnabled(can())
        what = text()
        tip = f"{word} {what}" if what else f"Nothing to {which}"
        a.setToolTip(tip)
        a.setStatusTip(tip)

    for signal in (stack.indexChanged, stack.canUndoChanged, stack.canRedoChanged, stack.undoTextChanged,
                   stack.redoTextChanged):
        signal.connect(sync)
    sync()
    return a


def build_menus(w: MainWindow) -> WindowActions:
    """Fill the menu bar and the toolbar of ``w``; return its shared actions."""
    S = QtGui.QKeySequence.StandardKey
    files = w.files
    mb = w.menuBar()

    file_menu = mb.addMenu("&File")
    new = _action(w, "&New", files.new_document, S.New)
    open_ = _action(w, "&Open…", files.open_dialog, S.Open, "Open a task graph, schedule or trace")
    save = _action(w, "&Save", files.save, S.Save)
    save_as = _action(w, "Save &As…", files.save_as, S.SaveAs)
    file_menu.addActions([new, open_])
    file_menu.addMenu(files.recent_menu)
    examples = file_menu.addMenu("&Examples")
    for p in sorted(EXAMPLES.glob("*")):
        if p.suffix.lower() in (".json", ".dot", ".graphml", ".stg"):
            examples.addAction(p.name, lambda p=p: files.open_path(str(p)))
    file_menu.addSeparator()
    file_menu.addActions([save, save_as])
    file_menu.addSeparator()
    file_menu.addAction(_action(w, "&Import…", files.import_dialog, tip="Import DOT, GraphML, STG or WfFormat"))
    file_menu.addAction(_action(w, "Export &graph as…", files.export_graph_dialog,
                                tip="Write the graph as JSON, DOT, GraphML or STG"))
    file_menu.addAction(_action(w, "Open schedule or &trace…", files.open_schedule_dialog))
    file_menu.addAction(_action(w, "Save &schedule as…", files.save_schedule_dialog))
    file_menu.addSeparator()
    file_menu.addAction(_action(w, "Export &chart image…", files.export_chart_dialog, "Ctrl+E",
                                "Gantt chart as PNG, SVG or PDF"))
    file_menu.addAction(_action(w, "Export graph &image…", files.export_graph_image_dialog, "Ctrl+Shift+E",
                                "Graph picture as PNG, SVG or PDF"))
    file_menu.addAction(_action(w, "Export &report…", w.report_export.dialog,
                                tip="The mapping step of this graph explained, as an HTML page or a PDF: analysis, "
                                    "comparison of the algorithms, Gantt charts, profile and speed-up"))
    file_menu.addSeparator()
    file_menu.addAction(_action(w, "&Quit", w.close, S.Quit))

    edit = mb.addMenu("&Edit")
    # undo and redo act on the document whatever has the focus: window-wide keys
    undo = _stack_action(w, "undo", S.Undo)
    redo = _stack_action(w, "redo", S.Redo)
    edit.addActions([undo, redo])
    edit.addSeparator()
    edit.addActions(w.editor.commands.edit)

    view = mb.addMenu("&View")
    # window-wide keys (the editor's own F and L work while it has the focus)
    fit_graph = _action(w, "&Fit graph", w.editor.fit, "Ctrl+0", short="Fit")
    layout_graph = _action(w, "&Layout graph", w.editor.auto_layout, "Ctrl+L", "Layered layout by levels",
                           short="Layout")
    view.addActions([fit_graph, layout_graph])
    view.addSeparator()
    view.addAction(_action(w, "&Analysis panel", w.show_analysis_panel, "Ctrl+I",
                           "Tasks, critical path, width, levels, CCR, bounds and data-exchange edges of the graph"))
    view.addAction(_action(w, "Parallelism &profile", lambda: w.show_chart_tab(1),
                           tip="How many tasks could run at each moment, and how many the shown schedule runs"))
    view.addAction(_action(w, "Speed-&up curves", lambda: w.show_chart_tab(2),
                           tip="Makespan and speed-up against the number of workers"))
    view.addSeparator()
    state: OverlayState = w.overlay_state
    overlays = QtGui.QActionGroup(w)
    for mode in EDITOR_OVERLAYS:
        a = QtGui.QAction(OVERLAY_TEXT[mode], w, checkable=True)
        a.setData(mode)
        overlays.addAction(a)
        view.addAction(a)
    overlays.triggered.connect(lambda a: state.set_overlay(a.data()))
    view.addSeparator()
    colour = view.addMenu("Gantt &colours")
    colours = QtGui.QActionGroup(w)
    gantt_colours: dict[str, QtGui.QAction] = {}
    for mode in COLOUR_MODES:
        a = QtGui.QAction(f"By {mode}", w, checkable=True)
        a.triggered.connect(lambda _=False, m=mode: state.set_gantt_colour(m))
        colours.addAction(a)
        colour.addAction(a)
        gantt_colours[mode] = a
    chart_flags: dict[str, QtGui.QAction] = {}
    for name in CHART_FLAGS:
        a = QtGui.QAction(FLAG_TEXT[name], w, checkable=True)
        a.toggled.connect(lambda on, n=name: state.set_flag(n, on))
        view.addAction(a)
        chart_flags[name] = a

    run = mb.addMenu("&Run")
    run_selected = _action(w, "Run &selected algorithms", w.results.run_selected, "Ctrl+R")
    run_all = _action(w, "Run &all algorithms", w.results.run_all, "Ctrl+Shift+R", short="Run all")
    cancel_all = _action(w, "&Cancel all runs", w.manager.cancel_all, "Esc")
    cancel_all.setEnabled(False)  # nothing to cancel until a run starts
    w.results.runs_active_changed.connect(cancel_all.setEnabled)
    run.addActions([run_selected, run_all, cancel_all])
    run.addSeparator()
    run.addAction(_action(w, "&Execute graph for real…", w.show_run_panel, "F5",
                          "Run the graph on threads, processes or Dask and record a trace"))
    run.addSeparator()
    play = _action(w, "&Play / pause schedule", w.playback.toggle, "Space")
    # like the play button: offered once there is a schedule to replay
    w.playback.range_changed.connect(lambda: play.setEnabled(w.playback.duration > 0))
    play.setEnabled(w.playback.duration > 0)
    run.addAction(play)
    run.addAction(_action(w, "Animate &construction", w.animate_construction,
                          tip="Replay how the algorithm placed the tasks, one by one"))

    help_menu = mb.addMenu("&Help")
    help_menu.addAction(_action(w, "&Quick guide and shortcuts", w.show_guide, S.HelpContents,
                                "What the window is for, in five steps, and every keyboard shortcut"))
    help_menu.addSeparator()
    help_menu.addAction(_action(w, "&About TaskMapper", w.about))

    tb = w.addToolBar("Main")
    tb.setObjectName("main-toolbar")
    tb.addActions([new, open_, save])
    tb.addSeparator()
    tb.addActions([undo, redo])
    tb.addSeparator()
    tb.addActions([w.editor.commands.add_task, w.editor.commands.delete, layout_graph, fit_graph])
    tb.addSeparator()
    label = QtWidgets.QLabel(" Colour graph by: ")
    combo = QtWidgets.QComboBox()
    for mode in EDITOR_OVERLAYS:
        combo.addItem(OVERLAY_SHORT[mode], mode)
    combo.setToolTip("What the graph's colours show (View menu: the same choice)")
    label.setBuddy(combo)
    combo.currentIndexChanged.connect(lambda _i: state.set_overlay(combo.currentData()))
    tb.addWidget(label)
    tb.addWidget(combo)
    tb.addSeparator()
    tb.addAction(run_all)
    files.refresh_recent()
    actions = WindowActions(new, open_, save, save_as, undo, redo, fit_graph, layout_graph, run_selected, run_all,
                            cancel_all, play, overlays, combo, gantt_colours, chart_flags)
    _show_state(state, actions)
    return actions


def _show_state(state: OverlayState, actions: WindowActions) -> None:
    """Keep the menu's check marks and the toolbar box on what ``state`` holds."""

    def show(_what: str = "") -> None:
        for a in actions.overlays.actions():
            if a.isChecked() != (a.data() == state.overlay):
                a.setChecked(a.data() == state.overlay)
        box = actions.overlay_box
        i = box.findData(state.overlay)
        if box.currentIndex() != i:
            blocked = box.blockSignals(True)
            box.setCurrentIndex(i)
            box.blockSignals(blocked)
        for mode, a in actions.gantt_colours.items():
            if a.isChecked() != (mode == state.gantt_colour):
                a.setChecked(mode == state.gantt_colour)
        for name, a in actions.chart_flags.items():
            if a.isChecked() != state.flag(name):
                blocked = a.blockSignals(True)
                a.setChecked(state.flag(name))
                a.blockSignals(blocked)

    state.changed.connect(show)
    show()

