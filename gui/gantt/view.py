"""The Gantt chart widget: one schedule, or several stacked on one shared time axis.

:class:`GanttView` is a pyqtgraph ``PlotWidget`` holding a :class:`~gui.gantt.bars.GanttBarsItem`,
a "now" line following a :class:`~gui.gantt.playback.Playback`, a legend, and a small
control bar (colour mode, critical path, dependency arrows, transfer lanes, fit, and the
playback controls). What it draws is a :class:`~model.chart.GanttGeometry`, kept as
:attr:`GanttView.chart`; it is computed by :func:`model.chart.gantt_geometry`, in a
worker thread for big results.

With a :class:`~gui.gantt.drag.Mover` set (:meth:`GanttView.set_mover`), bars can be
dragged to another worker's lane or along their own (:mod:`gui.gantt.drag`); when the
session shows the same result re-timed, the bars glide to their new places
(:mod:`gui.gantt.glide`) and the title says what the makespan did. Bars of tasks moved by
hand are hatched, pinned tasks carry a pin head.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6 import QtCore, QtGui, QtWidgets

from gui.numbers import human
from model.analysis import level_of
from model.chart import GanttGeometry, gantt_geometry, schedule_critical_path, schedule_label
from model.graph import GraphError, Platform, TaskGraph
from model.schedule import Schedule, Slot

from .colours import COLOUR_MODES, bar_colours, legend_entries
from .construction import Construction
from .legend import Legend
from .playback import Playback, PlaybackBar

if TYPE_CHECKING:
    import pyqtgraph as pg

    from gui.session import Session

    from .bars import GanttBarsItem
    from .drag import BarDrag, Mover
    from .glide import Glide
    from .grid import TimeGrid

__all__ = ["GanttView"]

#: a lane is never drawn thinner than this many pixels: more lanes than fit scroll (drag up and down)
MIN_LANE_PX = 20

EMPTY_TEXT = (
    "No schedule to show yet.\nRun a mapping algorithm (Run ▸ Run all algorithms) and choose a result,\n"
    "or open a schedule or an execution trace (File ▸ Open schedule or trace)."
)


def _fmt(x: float) -> str:
    return human(x, 6)


class _Plot:
    """The chart's pyqtgraph parts (see :meth:`GanttView.make_plot`)."""

    plot: pg.PlotWidget
    plot_item: pg.PlotItem
    view_box: pg.ViewBox
    grid: TimeGrid
    item: GanttBarsItem
    now_line: pg.InfiniteLine
    cursor_line: pg.InfiniteLine
    legend: Legend
    change_label: QtWidgets.QLabel
    glide: Glide
    drag: BarDrag

    def __init__(self) -> None:
        self.separators: list[pg.InfiniteLine] = []


class GanttView(QtWidgets.QWidget):
    """Gantt chart of one schedule, or of several stacked on one time axis.

    Parameters
    ----------
    playback : Playback or None
        The replay clock to follow (one is created when missing; see :attr:`playback`).
    session : Session or None
        Draw what it shows, whenever that changes.

    Notes
    -----
    The plot (pyqtgraph's widget and items: :attr:`plot`, :attr:`item`, :attr:`view_box`,
    :attr:`drag`, :attr:`glide` …) is made by :meth:`make_plot`, or when one of them is
    first asked for, or when a schedule is first shown. Until then the widget shows its
    controls and the "no schedule" note, and pyqtgraph is not imported: the main window
    goes on screen without it and makes the plot right after its first paint.
    """

    task_clicked = QtCore.Signal(str)
    #: an animated construction reached its last placement
    construction_finished = QtCore.Signal()

    def __init__(self, playback: Playback | None = None, parent: QtWidgets.QWidget | None = None, *,
                 session: Session | None = None) -> None:
        super().__init__(parent)
        self.playback = playback if playback is not None else Playback(self)
        self.schedules: list[Schedule] = []
        #: the platform each shown schedule was computed or recorded for (``None``: unknown)
        self.platforms: list[Platform | None] = []
        self.graph: TaskGraph | None = None
        self.colour_mode = "task"
        self.show_critical = False
        self.show_dependencies = False
        self.show_transfers = False
        #: what is drawn (the lanes, bars and arrows of the shown schedules)
        self.chart: GanttGeometry = gantt_geometry([])
        self._selected: list[str] = []
        self._levels: dict[str, int] | None = None
        self._critical: list[list[str]] | None = None
        self._stale_note = ""
        #: what the last hand move did ("makespan 80 → 77, −3"), shown in the title
        self._change_note = ""
        #: decides and records hand moves (``None``: bars cannot be dragged)
        self.mover: Mover | None = None
        self._worker_lanes: tuple[GanttGeometry, list[tuple[str, float]]] | None = None
        #: the pins drawn on bars (``None``: those of the shown graph)
        self._pins: dict[str, str] | None = None
        self._plot: _Plot | None = None
        self._build_controls()
        self.construction = Construction(self)
        self.construction.finished.connect(self.construction_finished)
        self.playback.time_changed.connect(self._on_playback_time_changed)
        self.playback.state_changed.connect(lambda _p: self._on_playback_time_changed(self.playback.time))
        #: what the chart follows (``None``: schedules are set with :meth:`set_schedules`)
        self.session = session
        if session is not None:
            session.shown_changed.connect(self._on_session_shown_changed)

    # ------------------------------------------------------------------ the plot
    @property
    def plot_made(self) -> bool:
        """Whether the plot exists yet (see :meth:`make_plot`)."""
        return self._plot is not None

    def make_plot(self) -> None:
        """Make the plot now if it is not made yet: import pyqtgraph, build its widget, the
        bars item, the time grid, the lines, the legend, bar dragging and gliding."""
        if self._plot is None:
            self._build_plot()

    def _parts(self) -> _Plot:
        if self._plot is None:
            self._build_plot()
        assert self._plot is not None
        return self._plot

    @property
    def plot(self) -> pg.PlotWidget:
        """The pyqtgraph plot widget (made on first use)."""
        return self._parts().plot

    @property
    def plot_item(self) -> pg.PlotItem:
        """The plot's axes, title and items (made on first use)."""
        return self._parts().plot_item

    @property
    def view_box(self) -> pg.ViewBox:
        """The plot's view box: the time and lane range shown (made on first use)."""
        return self._parts().view_box

    @property
    def item(self) -> GanttBarsItem:
        """The item drawing every bar (made on first use)."""
        return self._parts().item

    @property
    def grid(self) -> TimeGrid:
        """The time grid behind the bars (made on first use)."""
        return self._parts().grid

    @property
    def now_line(self) -> pg.InfiniteLine:
        """The replay's "now" line (made on first use)."""
        return self._parts().now_line

    @property
    def cursor_line(self) -> pg.InfiniteLine:
        """The line following the mouse (made on first use)."""
        return self._parts().cursor_line

    @property
    def separators(self) -> list[pg.InfiniteLine]:
        """The lines between stacked schedules (made on first use)."""
        return self._parts().separators

    @property
    def legend(self) -> Legend:
        """The colour legend (made on first use)."""
        return self._parts().legend

    @property
    def change_label(self) -> QtWidgets.QLabel:
        """The banner saying what the last hand move did (made on first use)."""
        return self._parts().change_label

    @property
    def glide(self) -> Glide:
        """Moves the bars to their new places after a hand move (made on first use)."""
        return self._parts().glide

    @property
    def drag(self) -> BarDrag:
        """Dragging bars by mouse (made on first use)."""
        return self._parts().drag

    def _build_plot(self) -> None:
        import pyqtgraph as pg

        from gui.axes import HumanAxisItem

        from .bars import GanttBarsItem
        from .drag import BarDrag
        from .glide import Glide
        from .grid import TimeGrid

        p = _Plot()
        pg.setConfigOptions(antialias=False)
        # times print as people read them ("10,990"), never SI-rescaled ("(x0.001)")
        p.plot = pg.PlotWidget(background="w", axisItems={"bottom": HumanAxisItem("bottom")})
        p.plot.setVisible(False)
        # repaint the one rectangle around what changed: a replay step moves the "now" line and
        # refills the bars, and the region of both as several rectangles made each of the time
        # grid's lines a clipped draw (4-8 ms a step against 0.3 ms)
        p.plot.setViewportUpdateMode(QtWidgets.QGraphicsView.ViewportUpdateMode.BoundingRectViewportUpdate)
        p.plot_item = p.plot.getPlotItem()
        p.plot_item.hideButtons()
        p.plot_item.setMenuEnabled(False)
        p.view_box = p.plot_item.getViewBox()
        p.view_box.invertY(True)
        p.view_box.setMouseEnabled(x=True, y=False)
        for name in ("left", "bottom"):
            ax = p.plot_item.getAxis(name)
            # times are in the schedule's own unit: no "(x0.001)" rescaling of the labels
            ax.enableAutoSIPrefix(False)
            ax.setPen(pg.mkPen("#444444"))
            ax.setTextPen(pg.mkPen("#222222"))
        p.plot_item.setLabel("bottom", "time")
        p.plot_item.setLabel("left", "worker")
        p.grid = TimeGrid()
        p.plot_item.addItem(p.grid, ignoreBounds=True)
        # bars above the grid lines the axes draw (axes sit at z 0.5)
        p.view_box.setZValue(1)
        p.item = GanttBarsItem()
        p.plot_item.addItem(p.item)
        p.now_line = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen("#d62728", width=2))
        p.now_line.setZValue(20)
        p.now_line.hide()
        p.plot_item.addItem(p.now_line, ignoreBounds=True)
        p.cursor_line = pg.InfiniteLine(
            angle=90, movable=False, pen=pg.mkPen((90, 90, 90, 120), width=1, style=QtCore.Qt.PenStyle.DashLine)
        )
        p.cursor_line.hide()
        p.plot_item.addItem(p.cursor_line, ignoreBounds=True)
        p.legend = Legend()
        p.plot_item.layout.addItem(p.legend, 2, 3)
        #: a banner over the chart's top right corner: what the last hand move did, in green
        #: (shorter) or red (longer); it floats over the plot, so it never widens the layout
        p.change_label = QtWidgets.QLabel(p.plot)
        p.change_label.setObjectName("change_label")
        p.change_label.setAttribute(QtCore.Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        p.change_label.hide()
        # in the place kept for it: between the "no schedule" note and the playback bar
        self._layout.insertWidget(self._layout.indexOf(self.empty_label) + 1, p.plot, 1)
        self._plot = p
        p.glide = Glide(p.item, self)
        p.drag = BarDrag(self)
        scene = p.plot.scene()
        # the scene answers the tooltip event (after the wake-up delay) by hiding any tooltip,
        # since no item has one: the chart answers it with the bar's own
        p.plot.viewport().installEventFilter(self)
        p.view_box.sigResized.connect(self._on_view_box_resized)
        scene.sigMouseMoved.connect(self._on_scene_mouse_moved)
        scene.sigMouseClicked.connect(self._on_scene_mouse_clicked)
        if not self.schedules:
            # the colours and overlays set before the plot existed (schedules shown later, or
            # now by whoever asked for the plot, are drawn by their own rebuild)
            self._rebuild()
            self.fit()

    def _build_controls(self) -> None:
        self.colour_box = QtWidgets.QComboBox()
        self.colour_box.setToolTip("Colour bars by")
        for m in COLOUR_MODES:
            self.colour_box.addItem(f"colour: {m}", m)
        self.critical_box = QtWidgets.QCheckBox("Critical path")
        self.deps_box = QtWidgets.QCheckBox("Dependencies")
        self.transfers_box = QtWidgets.QCheckBox("Transfers")
        self.fit_button = QtWidgets.QToolButton()
        self.fit_button.setText("Fit")
        self.fit_button.setToolTip("Show the whole chart")
        self.cursor_label = QtWidgets.QLabel()
        # the time under the mouse gives way before the check boxes do (a narrow window)
        self.cursor_label.setSizePolicy(QtWidgets.QSizePolicy.Policy.Ignored, QtWidgets.QSizePolicy.Policy.Preferred)
        self.playback_bar = PlaybackBar(self.playback)
        top = QtWidgets.QHBoxLayout()
        for w in (self.colour_box, self.critical_box, self.deps_box, self.transfers_box, self.fit_button):
            top.addWidget(w)
        top.addStretch(1)
        top.addWidget(self.cursor_label)
        self._layout = lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(2, 2, 2, 2)
        lay.addLayout(top)
        self.empty_label = QtWidgets.QLabel(EMPTY_TEXT)
        self.empty_label.setAlignment(QtCore.Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setStyleSheet("color: #666; background: white; border: 1px solid #ddd;")
        lay.addWidget(self.empty_label, 1)
        # the plot goes here when made (make_plot)
        lay.addWidget(self.playback_bar)
        self.colour_box.currentIndexChanged.connect(lambda i: self.set_colour_mode(self.colour_box.itemData(i)))
        self.critical_box.toggled.connect(self.set_show_critical)
        self.deps_box.toggled.connect(self.set_show_dependencies)
        self.transfers_box.toggled.connect(self.set_show_transfers)
        self.fit_button.clicked.connect(self.fit)

    # ---------------------------------------------------------------- public API
    @property
    def lanes(self) -> list[str]:
        """The label of every lane, top to bottom."""
        return self.chart.lanes

    def set_schedule(self, schedule: Schedule | None, graph: TaskGraph | None = None, *,
                     platform: Platform | None = None, geometry: GanttGeometry | None = None) -> None:
        """Show one schedule (``None`` clears the chart).

        ``platform``: the one the schedule was computed or recorded for; a trace's
        transfer lanes are derived from it. ``geometry``: the bars of this schedule
        computed beforehand (in a worker thread) by :func:`model.chart.gantt_geometry`
        from ``graph`` or an unchanged copy of it; used when it was made for the same
        schedule object and transfer-lane setting, else ignored.
        """
        self.set_schedules([] if schedule is None else [schedule], graph,
                           platforms=None if schedule is None else [platform], geometry=geometry)

    def set_schedules(self, schedules: Sequence[Schedule], graph: TaskGraph | None = None, *,
                      platforms: Sequence[Platform | None] | None = None,
                      geometry: GanttGeometry | None = None) -> None:
        """Show one schedule, or 2+ stacked on one shared time axis (``platforms``, one per
        schedule, and ``geometry``: see :meth:`set_schedule`)."""
        self.construction.stop()
        if self._plot is not None:
            self.glide.stop()
            self.drag.cancel()
        self.schedules = list(schedules)
        self.platforms = list(platforms) if platforms is not None else [None] * len(self.schedules)
        self.graph = graph
        self._pins = None
        self._stale_note = ""
        self._change_note = ""
        if self.schedules or self._plot is not None:  # nothing to draw needs no plot
            self.plot.setVisible(bool(self.schedules))
        self.empty_label.setVisible(not self.schedules)
        self._levels = None
        self._critical = None
        self._rebuild(geometry)
        self._set_playback_range()
        self.fit()

    def show_retimed(self, schedule: Schedule, graph: TaskGraph | None = None, *,
                     platform: Platform | None = None, geometry: GanttGeometry | None = None,
                     change: str = "") -> None:
        """Show ``schedule``, the shown one re-timed after a hand move: the view keeps its
        range and every bar glides to its new place. ``change`` goes in the title."""
        from model.hand import retimed_geometry

        self.construction.stop()
        self.glide.stop()
        old = self.chart
        graph = graph if graph is not None else self.graph
        new = geometry if geometry is not None and geometry.fits([schedule], self.show_transfers) else None
        same_bars = False
        if new is None and not self.show_transfers and len(self.schedules) == 1:
            new = retimed_geometry(old, schedule)
            same_bars = new is not None
        elif new is not None:
            same_bars = new.bar_task == old.bar_task and len(old.schedules) == 1
        self.schedules = [schedule]
        self.platforms = [platform]
        if graph is not self.graph:
            self._pins = None
        self.graph = graph
        self._stale_note = ""
        self._change_note = change
        self._critical = None
        self.plot.setVisible(True)
        self.empty_label.setVisible(False)
        if not same_bars or new is None:
            self._rebuild(new)
        else:
            self.chart = new
            colour, colours = bar_colours(new, self.colour_mode, self._levels_map())
            self.item.set_colours(colour, colours)
            self._update_legend()
            self._apply_critical()
            self._set_title()
            self.glide.start((old.x0, old.x1, old.y), (new.x0, new.x1, new.y))
        self.update_marks()
        self._set_playback_range()
        # a longer schedule must not run off the right edge: widen the view to its end
        (x_lo, x_hi), _ = self.view_box.viewRange()
        end = self.playback.end
        if end > x_hi:
            self.view_box.setXRange(x_lo, end + 0.02 * (end - x_lo), padding=0)

    def _set_playback_range(self) -> None:
        # from the bar arrays: a loop over 100,000 slots costs the GUI thread ~50 ms; without
        # transfer bars every bar is a slot, and the columns are handed over as they are
        chart = self.chart
        if any(chart.transfers):
            is_slot = chart.is_slot()
            starts, finishes = chart.x0[is_slot], chart.x1[is_slot]
        else:
            starts, finishes = chart.x0, chart.x1
        start = min(0.0, float(starts.min())) if starts.size else 0.0
        end = float(finishes.max()) if finishes.size else 0.0
        self.playback.set_range(start, end - start, event_columns=(starts, finishes))

    # ------------------------------------------------------------ hand moves
    def set_mover(self, mover: Mover | None) -> None:
        """Let bars be dragged, with ``mover`` deciding and recording each move (``None``: not)."""
        self.mover = mover

    def worker_lane_at(self, y: float) -> tuple[str, float] | None:
        """The worker lane of the (first) shown schedule nearest to data height ``y``:
        ``(worker, lane centre)``, or ``None`` when nothing is shown."""
        if not self.schedules:
            return None
        cached = self._worker_lanes
        if cached is None or cached[0] is not self.chart:
            s = self.schedules[0]
            workers = set(s.workers) | {sl.worker for sl in s.slots}
            lanes = [(w, yy) for (si, w), yy in zip(self.chart.lane_worker, self.chart.lane_y)
                     if si == 0 and w in workers]
            cached = self._worker_lanes = (self.chart, lanes)
        lanes = cached[1]
        if not lanes:
            return None
        return min(lanes, key=lambda lw: abs(lw[1] - y))

    def drop_task(self, task: str, worker: str, x: float) -> str | None:
        """Drop ``task`` on ``worker``'s lane with its bar starting at ``x`` (as a mouse drop
        does): ``None`` when the move was made, else why not (shown at the drop point)."""
        if self.mover is None:
            return "bars cannot be moved here"
        why = self.mover.why_not() or self.mover.drop(task, worker, x)
        if why:
            lane = next((yy for (si, w), yy in zip(self.chart.lane_worker, self.chart.lane_y)
                         if si == 0 and w == worker), 0.0)
            self.drag.show_refusal(why, x, lane - 0.36)
        return why

    def task_menu(self, task: str) -> QtWidgets.QMenu | None:
        """The context menu of ``task``'s bar (``None`` without a mover)."""
        return None if self.mover is None else self.mover.task_menu(task, self)

    def set_pins(self, pins: Mapping[str, str] | None) -> None:
        """Put a pin on the bars of these tasks (task -> worker; ``None``: the shown graph's
        pins), e.g. after a pin was set or removed in the document."""
        self._pins = dict(pins) if pins is not None else None
        self.update_marks()

    def update_marks(self) -> None:
        """Hatch the bars of tasks moved by hand (``meta["moved"]`` of their schedule) and put
        a pin on the bars of pinned tasks (see :meth:`set_pins`)."""
        if self._plot is None:  # no bars yet: the first rebuild marks them
            return
        moved: list[int] = []
        for si, s in enumerate(self.schedules):
            tasks = s.meta.get("moved")
            if isinstance(tasks, (list, tuple)) and si < len(self.chart.bar_maps):
                bar = self.chart.bar_maps[si]
                moved.extend(bar[t] for t in tasks if t in bar)
        self.item.set_highlight("moved", moved)
        pins = self._pins if self._pins is not None else self.graph.pins() if self.graph is not None else {}
        self.item.set_highlight("pinned", [i for t in pins for i in self.bars_of(t)])

    def select_tasks(self, tasks: list[str]) -> None:
        """Highlight ``tasks`` (thick outline) and their predecessors and successors (dashed)."""
        self._selected = [t for t in tasks if self.bars_of(t)]
        sel = [i for t in self._selected for i in self.bars_of(t)]
        related: set[str] = set()
        for t in self._selected:
            related.update(self._neighbours(t))
        related -= set(self._selected)
        rel = [i for t in related for i in self.bars_of(t)]
        if self._plot is None:
            return
        self.item.set_highlight("selected", sel)
        self.item.set_highlight("related", rel)

    def selected_tasks(self) -> list[str]:
        return list(self._selected)

    def set_colour_mode(self, mode: str) -> None:
        """Colour bars by ``"task"``, ``"level"``, ``"algorithm"`` (schedule) or ``"worker"``."""
        if mode not in COLOUR_MODES:
            raise ValueError(f"unknown colour mode {mode!r} (known: {', '.join(COLOUR_MODES)})")
        self.colour_mode = mode
        i = COLOUR_MODES.index(mode)
        if self.colour_box.currentIndex() != i:
            blocked = self.colour_box.blockSignals(True)
            self.colour_box.setCurrentIndex(i)
            self.colour_box.blockSignals(blocked)
        if self._plot is None:  # the first rebuild colours the bars
            return
        colour, colours = bar_colours(self.chart, mode, self._levels_map())
        self.item.set_colours(colour, colours)
        self._update_legend()

    def set_show_critical(self, on: bool) -> None:
        self.show_critical = bool(on)
        self._sync_box(self.critical_box, on)
        self._apply_critical()

    def set_show_dependencies(self, on: bool) -> None:
        self.show_dependencies = bool(on)
        self._sync_box(self.deps_box, on)
        if self._plot is not None:
            self.item.show_arrows = self.show_dependencies
            self.item.update()

    def set_show_transfers(self, on: bool) -> None:
        on = bool(on)
        self._sync_box(self.transfers_box, on)
        if on != self.show_transfers:
            self.show_transfers = on
            self._rebuild()
            self.fit()

    def fit(self) -> None:
        """Show the whole time axis and as many lanes as fit readably (:data:`MIN_LANE_PX`)."""
        if self._plot is None:  # nothing drawn yet
            return
        b = self.item.boundingRect()
        if not self.item.x0.size:
            self.view_box.setRange(xRange=(0, 1), yRange=(-0.5, 0.5), padding=0)
            return
        self.view_box.setRange(xRange=(min(0.0, b.left()), b.right()), padding=0.02)
        self._fit_lanes(top=-0.6)

    def _lanes_fitting(self) -> float:
        """How many lanes fit the chart's height at :data:`MIN_LANE_PX` pixels each
        (all of them while the chart is not laid out yet)."""
        h = float(self.view_box.height())
        return max(1.0, h / MIN_LANE_PX) if h > 0 else float("inf")

    def _fit_lanes(self, top: float | None = None) -> None:
        """Show the lanes from ``top`` (default: the current top) down, never thinner than
        :data:`MIN_LANE_PX`: with more lanes than fit (transfer lanes of 8 workers) the
        chart scrolls vertically instead of crushing the lanes and their labels."""
        lane_y = self.chart.lane_y
        if not lane_y:
            return
        first, last = -0.6, lane_y[-1] + 0.6
        if top is None:
            top = self.view_box.viewRange()[1][0]
        span = last - first
        fitting = self._lanes_fitting()
        scroll = span > fitting
        self.view_box.setMouseEnabled(x=True, y=scroll)
        if not scroll:
            self.view_box.setYRange(first, last, padding=0.02)
            return
        top = min(max(top, first), last - fitting)
        self.view_box.setYRange(top, top + fitting, padding=0)

    def _on_view_box_resized(self) -> None:
        if self.chart.lane_y and self.item.x0.size:
            self._fit_lanes()

    def animate_construction(self, slots: list[Slot], *, duration_s: float | None = None) -> None:
        """Replay an algorithm's placements one by one (a later slot of a task replaces it).

        Emits :attr:`construction_finished` at the end. The lanes are the workers of the
        current schedule, else those the slots name, in order of appearance.
        """
        self.construction.stop()
        slots = list(slots)
        workers = list(self.schedules[0].workers) if len(self.schedules) == 1 else []
        for s in slots:
            if s.worker not in workers:
                workers.append(s.worker)
        algorithm = self.schedules[0].algorithm if self.schedules else "placements"
        self.schedules = [Schedule(algorithm, workers, slots)]
        self.platforms = [None]
        self._levels = None
        self._critical = None
        self._rebuild(show_transfers=False)
        self.item.set_highlight("critical", [])
        self.construction.start(slots, duration_s)

    def construction_step(self) -> bool:
        """Show the next batch of placements; ``False`` once all are shown."""
        return self.construction.step()

    # -------------------------------------------------------------- queries
    def bars_of(self, task: str) -> list[int]:
        """Bar indices showing ``task`` (one per schedule)."""
        return self.chart.bars_of(task)

    def bar_rect(self, task: str, schedule_index: int = 0) -> QtCore.QRectF:
        """The bar of ``task`` in schedule ``schedule_index``, in data coordinates."""
        maps = self.chart.bar_maps
        if 0 <= schedule_index < len(maps) and task in maps[schedule_index]:
            return self.item.bar_rect(maps[schedule_index][task])
        raise KeyError(f"task {task!r} is not in schedule #{schedule_index}")

    def bar_at(self, x: float, y: float) -> int | None:
        px = self.item.pixelWidth() if self.item.getViewBox() is not None else 0.0
        return self.item.bar_at(x, y, tol_x=2 * (px or 0.0))

    def task_at(self, x: float, y: float) -> str | None:
        i = self.bar_at(x, y)
        return None if i is None or self.chart.bar_slot[i] is None else self.chart.bar_task[i]

    def tooltip_text(self, bar: int) -> str:
        """What hovering bar number ``bar`` shows."""
        geo = self.chart
        slot = geo.bar_slot[bar]
        si = int(geo.bar_sched[bar])
        if slot is None:
            tr = geo.bar_transfer[bar]
            assert tr is not None  # a bar is a slot or a transfer
            return (
                f"transfer {tr.source} → {tr.target}\n{tr.src_worker} → {tr.dst_worker}\n"
                f"start {_fmt(tr.start)}, finish {_fmt(tr.finish)} ({_fmt(tr.finish - tr.start)})\n"
                f"data {_fmt(tr.data)}"
            )
        label = schedule_label(self.schedules, si)
        lines = [f"task {slot.task}" + (f"  [{label}]" if len(self.schedules) > 1 else ""),
                 f"worker {slot.worker}",
                 f"start {_fmt(slot.start)}, finish {_fmt(slot.finish)} (duration {_fmt(slot.duration)})"]
        din, dout = self._data_in_out(si, slot.task)
        lines.append("data in: " + (", ".join(f"{_fmt(d)} from {u}" for u, d in din[:6]) or "none")
                     + (" …" if len(din) > 6 else ""))
        lines.append("data out: " + (", ".join(f"{_fmt(d)} to {v}" for v, d in dout[:6]) or "none")
                     + (" …" if len(dout) > 6 else ""))
        if self._levels is not None and slot.task in self._levels:
            lines.append(f"level {self._levels[slot.task]}")
        return "\n".join(lines)

    def chart_title(self) -> str:
        """Which schedules the chart shows, with their makespans (empty when none)."""
        spans = self._makespans()
        parts = [f"{schedule_label(self.schedules, i)}: makespan {_fmt(span)}"
                 for i, span in enumerate(spans)]
        note = self._stale_note
        return "   vs   ".join(parts) + (f"   ({note})" if parts and note else "")

    def _makespans(self) -> list[float]:
        # from the bar arrays when they are the shown schedules' (a loop over a million slots
        # costs the first frame ~0.1 s); else from the schedules
        chart = getattr(self, "chart", None)
        if chart is None or len(chart.schedules) != len(self.schedules) or any(
                a is not b for a, b in zip(chart.schedules, self.schedules)):
            return [s.makespan for s in self.schedules]
        if len(self.schedules) == 1 and not any(chart.transfers) and len(chart.x0):  # every bar a slot
            return [float(chart.x1.max() - min(0.0, float(chart.x0.min())))]
        is_slot = chart.is_slot()
        out = []
        for si, s in enumerate(self.schedules):
            mask = is_slot & (chart.bar_sched == si)
            if not mask.any():
                out.append(s.makespan)
                continue
            out.append(float(chart.x1[mask].max() - min(0.0, float(chart.x0[mask].min()))))
        return out

    def change_note(self) -> str:
        """What the last hand move did to the shown schedule, as the banner over the chart
        says it (empty: no banner)."""
        if self._plot is None:
            return ""
        return self._change_note if self.change_label.isVisibleTo(self) else ""

    def _set_title(self) -> None:
        if self._plot is None:  # the first rebuild sets it
            return
        self.plot_item.setTitle(self.chart_title(), size="9pt", color="#222222")
        note = self._change_note
        self.change_label.setText(note)
        c = "#2b8a3e" if "−" in note else "#c92a2a" if "+" in note else "#495057"
        self.change_label.setStyleSheet(f"color: {c}; font-weight: bold; background: rgba(255, 255, 255, 225);"
                                        f"border: 1px solid {c}; border-radius: 3px; padding: 1px 5px;")
        self.change_label.setVisible(bool(note))
        self._place_change_label()

    def _place_change_label(self) -> None:
        if self._plot is None:
            return
        lab = self.change_label
        if not lab.isVisible():
            return
        lab.adjustSize()
        lab.move(max(0, self.plot.width() - lab.width() - 8), 4)
        lab.raise_()

    def resizeEvent(self, event: QtGui.QResizeEvent) -> None:
        super().resizeEvent(event)
        self._place_change_label()

    def mark_stale(self, note: str = "stale: the graph changed, run again") -> None:
        """Say in the title that the shown schedules no longer match the graph (until the next one is shown)."""
        self._stale_note = note
        if note:
            self._change_note = ""  # the last move's change is history once the graph changed
        self._set_title()

    def legend_entries(self) -> list[tuple[str, str]]:
        """The legend as ``(colour name, text)`` pairs."""
        return [(c.name(), t) for c, t in self.legend.entries]

    def critical_paths(self) -> list[list[str]]:
        """The critical path of each shown schedule (see :func:`model.chart.schedule_critical_path`)."""
        if self._critical is None:
            self._critical = [schedule_critical_path(s, self.graph) for s in self.schedules]
        return self._critical

    # ------------------------------------------------------------------- building
    def _rebuild(self, geometry: GanttGeometry | None = None, *, show_transfers: bool | None = None) -> None:
        transfers = self.show_transfers if show_transfers is None else show_transfers
        g = geometry if geometry is not None and geometry.fits(self.schedules, transfers) else None
        if g is None:
            g = gantt_geometry(self.schedules, self.graph, self.platforms, show_transfers=transfers)
        self.chart = g
        if self._plot is None and not self.schedules:  # nothing to draw: no plot needed yet
            return
        colour, colours = bar_colours(g, self.colour_mode, self._levels_map())
        self.item.set_bars(g.x0, g.x1, g.y, g.h, colour, g.bar_task, colours)
        left = self.plot_item.getAxis("left")
        left.setTicks([[(yy, name) for yy, name in zip(g.lane_y, g.lanes)], []])
        self.plot_item.setLabel("left", "schedule · worker" if len(self.schedules) > 1 else "worker")
        self._set_title()
        for line in self.separators:
            self.plot_item.removeItem(line)
        self.separators.clear()
        import pyqtgraph as pg

        for top in g.group_tops[1:]:
            line = pg.InfiniteLine(pos=top + 0.25, angle=0, movable=False, pen=pg.mkPen("#888888", width=1))
            self.plot_item.addItem(line, ignoreBounds=True)
            self.separators.append(line)
        self.item.set_arrows(g.arrow_a, g.arrow_b)
        self._apply_critical()
        self.update_marks()
        self.select_tasks(self._selected)
        self.item.show_arrows = self.show_dependencies
        self.view_box.setMouseEnabled(x=True, y=len(g.lanes) > self._lanes_fitting())
        self.view_box.setLimits(yMin=-2, yMax=max(g.height, 1) + 1)

    def _levels_map(self) -> dict[str, int]:
        if self._levels is None:
            try:
                self._levels = level_of(self.graph) if self.graph is not None else {}
            except GraphError:  # a cyclic graph has no levels: colour every bar as level 0
                self._levels = {}
        return self._levels

    def _update_legend(self) -> None:
        self.legend.set_entries(f"colour: {self.colour_mode}", legend_entries(
            self.chart, self.colour_mode, self._levels_map(), self.show_critical))

    def _neighbours(self, task: str) -> set[str]:
        out: set[str] = set()
        if self.graph is not None and task in self.graph:
            out.update(self.graph.predecessors(task))
            out.update(self.graph.successors(task))
            return out
        drawn = [t for trs in self.chart.transfers for t in trs]
        for tr in itertools.chain(drawn, *(s.transfers for s in self.schedules)):
            if tr.source == task:
                out.add(tr.target)
            elif tr.target == task:
                out.add(tr.source)
        return out

    def _apply_critical(self) -> None:
        if self._plot is None:  # the first rebuild applies it
            return
        if not self.show_critical or not self.schedules:
            self.item.set_highlight("critical", [])
            self.item.arrow_critical = np.zeros(len(self.item.arrow_a), dtype=bool)
            self.item.update()
            self._update_legend()
            return
        idx: list[int] = []
        crit_pairs: set[tuple[int, int]] = set()
        for si, path in enumerate(self.critical_paths()):
            bar = self.chart.bar_maps[si]
            bars = [bar[t] for t in path if t in bar]
            idx.extend(bars)
            crit_pairs.update(itertools.pairwise(bars))
        self.item.set_highlight("critical", idx)
        self.item.arrow_critical = np.array(
            [(int(x), int(y)) in crit_pairs for x, y in zip(self.item.arrow_a, self.item.arrow_b)], dtype=bool
        )
        self.item.update()
        self._update_legend()

    def _data_in_out(self, si: int, task: str) -> tuple[list[tuple[str, float]], list[tuple[str, float]]]:
        if self.graph is not None and task in self.graph:
            din = [(u, self.graph.data(u, task)) for u in self.graph.predecessors(task)]
            dout = [(v, self.graph.data(task, v)) for v in self.graph.successors(task)]
            return din, dout
        trs = self.schedules[si].transfers
        return ([(t.source, t.data) for t in trs if t.target == task],
                [(t.target, t.data) for t in trs if t.source == task])

    @staticmethod
    def _sync_box(box: QtWidgets.QCheckBox, on: bool) -> None:
        if box.isChecked() != bool(on):
            blocked = box.blockSignals(True)
            box.setChecked(bool(on))
            box.blockSignals(blocked)

    # ------------------------------------------------------------------- slots
    def _on_session_shown_changed(self) -> None:
        s = self.session
        assert s is not None
        if s.retimed and len(self.schedules) == 1 and s.primary is not None:
            self.show_retimed(s.primary, s.graph, platform=s.platforms[0], geometry=s.geometry, change=s.change)
            return
        self.set_schedules(s.schedules, s.graph, platforms=s.platforms, geometry=s.geometry)
        if s.change:
            self._change_note = s.change
            self._set_title()

    def _on_playback_time_changed(self, t: float) -> None:
        if self._plot is None:  # nothing drawn: no "now" line
            return
        pb = self.playback
        active = pb.playing or t < pb.end
        if active and self.schedules:
            self.now_line.setPos(t)
            self.now_line.show()
            self.item.set_now(t)
        else:
            self.now_line.hide()
            self.item.set_now(None)

    def _on_scene_mouse_moved(self, pos: QtCore.QPointF) -> None:
        if not self.view_box.sceneBoundingRect().contains(pos):
            self.cursor_line.hide()
            QtWidgets.QToolTip.hideText()
            return
        pt = self.view_box.mapSceneToView(pos)
        self.cursor_line.setPos(pt.x())
        self.cursor_line.show()
        self.cursor_label.setText(f"t = {human(pt.x(), 6)}")
        self._show_bar_tooltip(pos)

    def _show_bar_tooltip(self, pos: QtCore.QPointF) -> bool:
        """Show the tooltip of the bar at scene position ``pos`` (hide it off the bars)."""
        if not self.view_box.sceneBoundingRect().contains(pos):
            QtWidgets.QToolTip.hideText()
            return False
        pt = self.view_box.mapSceneToView(pos)
        i = self.bar_at(pt.x(), pt.y())
        if i is None:
            QtWidgets.QToolTip.hideText()
            return False
        gpos = self.plot.viewport().mapToGlobal(self.plot.mapFromScene(pos))
        QtWidgets.QToolTip.showText(gpos, self.tooltip_text(i), self.plot)
        return True

    def eventFilter(self, obj: QtCore.QObject, event: QtCore.QEvent) -> bool:
        if (event.type() == QtCore.QEvent.Type.ToolTip and self._plot is not None
                and obj is self.plot.viewport()):
            self._show_bar_tooltip(self.plot.mapToScene(event.pos()))  # type: ignore[attr-defined]
            return True
        return super().eventFilter(obj, event)

    def _on_scene_mouse_clicked(self, ev: Any) -> None:
        if ev.button() != QtCore.Qt.MouseButton.LeftButton:
            return
        pos = ev.scenePos()
        if not self.view_box.sceneBoundingRect().contains(pos):
            return
        pt = self.view_box.mapSceneToView(pos)
        task = self.task_at(pt.x(), pt.y())
        if task is None:
            return
        self.select_tasks([task])
        self.task_clicked.emit(task)

