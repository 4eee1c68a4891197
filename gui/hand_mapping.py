"""Mapping by hand: move tasks between workers and see the schedule re-timed at once.

:class:`HandMapper` is the window's keeper of hand-made results. The Gantt chart (a
drag and drop), the property panel (the worker box) and the context menus of bars and
tasks ask it to move a task; it re-times the mapping (:class:`model.mapping.Evaluator`:
a worker per task, an order per worker) and pushes one
:class:`~gui.commands.HandMoveCommand` per move on the document's undo stack, so undo
and redo walk through moves and graph edits alike.

The first move on an algorithm's schedule makes a new hand result (``"hand"``,
``"hand 2"``, ...) derived from it, a row of the results table like any other (the
original row stays); further moves on a hand result update it. A move the mapping
cannot run (a worker's order contradicting a dependency, or orders waiting on each
other) is refused with the evaluator's reason and changes nothing.

From a task's menu the user can also pin it (a graph edit) and hand the rest to an
algorithm: the graph's pins and the tasks moved by hand stay where they are
(:func:`model.hand.kept_pins`), through the results panel's run manager.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6 import QtCore, QtGui, QtWidgets

from gui import commands as cmd
from gui.algorithms import of_family, runnable
from gui.algorithms import tooltip as algorithm_tooltip
from gui.memory import building_long_lived
from model.chart import schedule_label
from model.graph import GraphError, Platform, TaskGraph
from model.hand import drop_position, hand_name, kept_pins, makespan_change, position_in_time
from model.mapping import TRACE, Evaluator, Mapping, MappingError
from model.schedule import Schedule

if TYPE_CHECKING:
    from gui.document import Document
    from gui.results import ResultsPanel
    from gui.session import Session

__all__ = ["MENU_PREVIEW_TASKS", "HandMapper", "HandResult"]

#: up to this many tasks, "Move to worker" previews the makespan of every choice
MENU_PREVIEW_TASKS = 3000


@dataclass(frozen=True)
class HandResult:
    """One hand-made result: its mapping, its timing and where it came from.

    Attributes
    ----------
    name : str
        ``"hand"``, ``"hand 2"``, ...: its row in the results table.
    base : str
        The result it was derived from (the first move's schedule).
    mapping : Mapping
    schedule : Schedule
        The mapping timed on ``graph`` and ``platform`` (algorithm ``"hand"``; its
        ``meta`` holds ``label``, ``derived_from`` and the ``moved`` tasks).
    moved : frozenset of str
        The tasks moved by hand so far.
    version : int
        The version of the document's graph it was timed on.
    graph, platform
        The copies it was timed on (what its figures are computed from).
    """

    name: str
    base: str
    mapping: Mapping
    schedule: Schedule
    moved: frozenset[str]
    version: int
    graph: TaskGraph
    platform: Platform


class HandMapper(QtCore.QObject):
    """Moves, pins and completions of the document's shown schedule (see the module doc).

    Parameters
    ----------
    document : Document
        Its undo stack takes the moves; its graph is re-timed.
    session : Session
        What is shown: the schedule a move starts from, and where the result is shown.
    results : ResultsPanel or None
        Where hand results become rows and completions run.
    status : callable or None
        ``status(text, ms)``: the window's status bar.
    """

    #: a move, its undo or its redo was applied: what the makespan did
    changed = QtCore.Signal(str)
    #: a move was refused: why
    refused = QtCore.Signal(str)

    def __init__(self, document: Document, session: Session, results: ResultsPanel | None = None,
                 parent: QtCore.QObject | None = None, *, status: Callable[[str, int], None] | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.session = session
        self.results = results
        self.status = status
        self._hand: dict[str, HandResult] = {}
        #: bumped on every graph or platform change
        self._version = 0
        self._ev: Evaluator | None = None
        self._ev_version = -1
        self._base_cache: tuple[Schedule, Mapping, dict[str, float]] | None = None
        #: run key -> row label of a completion whose result is shown when it arrives
        self._follow: dict[str, str] = {}
        document.graph_changed.connect(self._on_document_changed)
        document.platform_changed.connect(self._on_document_changed)
        document.graph_reset.connect(self._on_document_graph_reset)
        if results is not None:
            results.manager.run_finished.connect(self._on_manager_run_finished)

    # ------------------------------------------------------------------ queries
    @property
    def hand_results(self) -> dict[str, HandResult]:
        """Name -> every hand result made since the graph was opened."""
        return dict(self._hand)

    def result_of(self, schedule: Schedule | None) -> HandResult | None:
        """The hand result whose schedule is ``schedule`` (``None``: not a hand result)."""
        if schedule is None:
            return None
        return next((r for r in self._hand.values() if r.schedule is schedule), None)

    def why_not(self) -> str | None:
        """Why the shown schedule's tasks cannot be moved (``None``: they can)."""
        shown = self.session.schedules
        if not shown:
            return "no schedule is shown: run an algorithm and choose its result, then move its tasks"
        if len(shown) > 1:
            return "two schedules are compared: choose one result in the table to move its tasks"
        if shown[0].algorithm == TRACE:
            return "a recorded trace shows what ran: choose a computed result to move its tasks"
        return None

    # ------------------------------------------------------------------ moves
    def _evaluator(self) -> Evaluator:
        if self._ev is None or self._ev_version != self._version:
            self._ev = None
            # the copies the results' figures are computed from: they live on, out of full collections
            with building_long_lived(len(self.document.graph)):
                graph, platform = self.document.snapshot()
                self._ev = Evaluator(graph, platform)
            self._ev_version = self._version
        return self._ev

    def _base(self) -> tuple[Schedule, HandResult | None, Mapping, dict[str, float]]:
        """The shown schedule, its hand result (if it is one), its mapping and its starts."""
        shown = self.session.schedules[0]
        c = self._base_cache
        if c is not None and c[0] is shown:
            mapping, starts = c[1], c[2]
        else:
            current = self.result_of(shown)
            mapping = current.mapping if current is not None else Mapping.from_schedule(shown)
            starts = {s.task: s.start for s in shown.slots}
            self._base_cache = (shown, mapping, starts)
        return shown, self.result_of(shown), mapping, starts

    def _fresh(self, schedule: Schedule) -> bool:
        """Whether ``schedule`` was timed on the graph as it is (an up-to-date result)."""
        return any(schedule is s for s in self.session.results.values())

    def _prepare(self, task: str, worker: str, position: int | None
                 ) -> tuple[Schedule, HandResult | None, Mapping, Mapping, float, Evaluator]:
        """The move's ``(shown, its hand result, mapping before, after, makespan before, evaluator)``.

        Raises GraphError (MappingError) with the reason when it cannot be made."""
        shown, current, mapping, _ = self._base()
        ev = self._evaluator()
        if task not in mapping:
            raise MappingError(f"task {task!r} is not in the shown schedule")
        if worker not in ev.instance.workers:
            raise MappingError(f"{worker!r} is not a worker of the platform ({', '.join(ev.instance.workers)})")
        if position is None:
            position = position_in_time(mapping, shown, task, worker)
        new = mapping.moved(task, worker, position)
        try:
            before = shown.makespan if self._fresh(shown) else ev.makespan(mapping)
        except MappingError as e:
            raise MappingError(f"the graph changed since this schedule was made and it does not fit any more: "
                               f"{e}") from None
        return shown, current, mapping, new, before, ev

    def preview(self, task: str, worker: str, position: int | None = None) -> tuple[float | None, str]:
        """What moving ``task`` would give: ``(makespan, "makespan 80 → 77, −3")``, or
        ``(None, why)`` when it cannot run. Nothing changes."""
        why = self.why_not()
        if why:
            return None, why
        try:
            _, _, old, new, before, ev = self._prepare(task, worker, position)
            after = before if new == old else ev.makespan(new)
        except GraphError as e:
            return None, str(e)
        return after, makespan_change(before, after)

    def preview_drop(self, task: str, worker: str, x: float) -> tuple[float | None, str]:
        """:meth:`preview` of a drop on ``worker``'s lane with the bar starting at ``x``."""
        try:
            position = self.drop_position(task, worker, x)
        except GraphError as e:
            return None, str(e)
        return self.preview(task, worker, position)

    def drop_position(self, task: str, worker: str, x: float) -> int:
        """Where a drop at ``x`` on ``worker``'s lane puts ``task`` (:func:`model.hand.drop_position`)."""
        if self.why_not():
            raise MappingError(self.why_not() or "")
        _, _, mapping, starts = self._base()
        return drop_position(mapping, starts, task, worker, x)

    def drop(self, task: str, worker: str, x: float) -> str | None:
        """Move ``task`` to ``worker`` before the first of its tasks starting after ``x``
        (a drop on the chart); ``None`` when done, else why it was refused."""
        why = self.why_not()
        if why:
            self._refuse(why)
            return why
        try:
            position = self.drop_position(task, worker, x)
        except GraphError as e:
            self._refuse(str(e))
            return str(e)
        return self.move(task, worker, position)

    def move(self, task: str, worker: str, position: int | None = None) -> str | None:
        """Move ``task`` to ``worker`` at ``position`` in its order (``None``: where it is in
        time), as one undoable step; ``None`` when done (or nothing changes), else why it
        was refused (nothing changed)."""
        why = self.why_not()
        if why:
            self._refuse(why)
            return why
        try:
            shown, current, old, new, before, ev = self._prepare(task, worker, position)
            if new == old:
                return None
            name = current.name if current is not None else hand_name(self._taken())
            moved = (current.moved if current is not None else frozenset()) | {task}
            base = current.base if current is not None else schedule_label([shown], 0)
            sched = ev.evaluate(new, meta={"label": name, "derived_from": base, "moved": sorted(moved)})
        except GraphError as e:
            self._refuse(str(e))
            return str(e)
        after = HandResult(name, base, new, sched, frozenset(moved), self._version, ev.graph, ev.platform)
        where = "along " + worker if old.worker_of(task) == worker else "to " + worker
        span = sched.makespan
        self.document.undo_stack.push(cmd.HandMoveCommand(
            self, name, current, after, [shown], f"move {task} {where}",
            change=makespan_change(before, span), undo_change=makespan_change(span, before)))
        return None

    def _taken(self) -> list[str]:
        names = list(self._hand)
        if self.results is not None:
            names += self.results.row_names()
        return names

    def _refuse(self, why: str) -> None:
        if self.status is not None:
            self.status(f"Move refused: {why}", 8000)
        self.refused.emit(why)

    # ----------------------------------------------------------- undo target
    def apply_hand(self, name: str, result: Any, shown: Sequence[Schedule], change: str) -> None:
        """Make the hand result ``name`` be ``result`` (``None``: remove it), show ``shown``
        re-timed and say ``change`` (called by :class:`~gui.commands.HandMoveCommand`)."""
        if result is None:
            self._hand.pop(name, None)
            if self.results is not None:
                self.results.remove_result(name)
        else:
            self._hand[name] = result
            if self.results is not None:
                self.results.put_result(name, result.schedule, result.graph, result.platform,
                                        stale=result.version != self._version)
        first = shown[0] if shown else None
        hand = self.result_of(first)
        platform = hand.platform if hand is not None else self.document.platform
        self.session.show(list(shown), self.document.graph, platforms=[platform] * len(shown), retimed=True,
                          change=change)
        if self.results is not None and first is not None:
            self.results.select_quietly([n for n, s in self.session.results.items() if s is first])
        if self.status is not None and change:
            label = schedule_label(list(shown), 0) if shown else ""
            self.status(f"{label}: {change}", 6000)
        self.changed.emit(change)

    # ------------------------------------------------------------------ pins
    def set_pin(self, task: str, worker: str | None) -> None:
        """Pin ``task`` to ``worker`` (``None``: free it), an undoable graph edit.

        Raises
        ------
        GraphError
            If the task or the worker is unknown.
        """
        g = self.document.graph
        g.task_attrs(task)
        if worker is not None and worker not in self.document.platform.ids:
            raise GraphError(f"cannot pin {task!r} to {worker!r}: not a worker of the platform "
                             f"({', '.join(self.document.platform.ids)})")
        if g.pin(task) == worker:
            return
        self.document.undo_stack.push(cmd.SetPinCommand(self.document, task, worker))

    def worker_of(self, task: str) -> str | None:
        """The worker ``task`` runs on in the shown schedule (``None``: not shown)."""
        s = self.session.primary
        if s is None:
            return None
        c = self._base_cache
        if c is not None and c[0] is s:
            return c[1].worker_of(task) if task in c[1] else None
        return next((x.worker for x in s.slots if x.task == task), None)

    # ------------------------------------------------------------ completions
    def kept(self) -> dict[str, str]:
        """The tasks the shown hand result moved, with their workers (what a completion keeps
        on top of the graph's pins; a task the graph pins keeps its pin)."""
        hand = self.result_of(self.session.primary)
        if hand is None:
            return {}
        pins = self.document.graph.pins()
        placed = [t for t in sorted(hand.moved) if t in self.document.graph]
        return {t: w for t, w in kept_pins(pins, hand.mapping, placed).items() if t not in pins}

    def complete(self, algorithm: str) -> str | None:
        """Run ``algorithm`` keeping the graph's pins and the tasks moved by hand on their
        workers; its result is shown when it arrives. Returns the run key (``None``: not started)."""
        if self.results is None:
            return None
        extra = self.kept()
        if not extra:
            keys = self.results.run([algorithm])
            if keys:
                self._follow[keys[0]] = algorithm
            return keys[0] if keys else None
        try:
            frozen, platform = self.document.snapshot()
            with building_long_lived(len(frozen)):
                graph = frozen.copy()  # the snapshot is shared and never changed: pin a copy
            for t, w in extra.items():
                graph.set_pin(t, w)
            graph.validate(platform)
        except GraphError as e:
            self._refuse(str(e))
            return None
        label = f"{algorithm} + pins"
        key = self.results.run_variant(algorithm, label, graph, platform, extra_pins=extra)
        self._follow[key] = label
        if self.status is not None:
            n = len(graph.pins())
            self.status(f"{algorithm} runs with {n} task{'s' * (n != 1)} kept on their workers "
                        f"({len(extra)} placed by hand)", 6000)
        return key

    def _on_manager_run_finished(self, key: str, _schedule: Schedule) -> None:
        label = self._follow.pop(key, None)
        if label is not None and self.results is not None:
            self.results.select_algorithms([label])

    # ------------------------------------------------------------------ menus
    def task_menu(self, task: str, parent: QtWidgets.QWidget | None = None) -> QtWidgets.QMenu:
        """The context menu of ``task`` (a bar of the chart or a task of the editor).

        Each action carries ``(kind, argument)`` as its data: ``("move", worker)``,
        ``("pin", worker or None)``, ``("complete", algorithm)``.
        """
        menu = QtWidgets.QMenu(parent)
        menu.setToolTipsVisible(True)
        why = self.why_not()
        now = self.worker_of(task)
        ids = self.document.platform.ids

        def add(m: QtWidgets.QMenu, text: str, data: tuple[str, Any], fn: Callable[[], Any], tip: str = "",
                enabled: bool = True) -> QtGui.QAction:
            a = m.addAction(text)
            a.setData(data)
            a.setEnabled(enabled)
            if tip:
                a.setToolTip(tip)
                a.setStatusTip(tip)
            a.triggered.connect(lambda _=False: fn())
            return a

        move = menu.addMenu("Move to worker")
        move.setToolTipsVisible(True)
        if why or now is None:
            move.setEnabled(False)
            move.menuAction().setToolTip(why or f"{task} is not in the shown schedule")
        group = QtGui.QActionGroup(move)
        # on graphs of a few thousand tasks each entry says what the move would give
        previews = not why and now is not None and len(self.document.graph) <= MENU_PREVIEW_TASKS
        for w in ids:
            text, tip, ok = w, "", True
            if previews and w != now:
                makespan, words = self.preview(task, w)
                ok = makespan is not None
                text = f"{w}    ({words.removeprefix('makespan ')})" if ok else f"{w}    (cannot run)"
                tip = "" if ok else words
            a = add(move, text, ("move", w), functools.partial(self.move, task, w), tip, enabled=ok and w != now)
            a.setCheckable(True)
            a.setChecked(w == now)
            group.addAction(a)
        pinned = self.document.graph.pin(task) if task in self.document.graph else None
        if pinned is not None:
            add(menu, f"Unpin (pinned to {pinned})", ("pin", None), lambda: self._try_pin(task, None),
                "Let every algorithm choose this task's worker again")
        elif now is not None:
            add(menu, f"Pin to {now}", ("pin", now), lambda: self._try_pin(task, now),
                "Every algorithm keeps this task on this worker (saved with the graph)")
        else:
            pin_menu = menu.addMenu("Pin to")
            for w in ids:
                add(pin_menu, w, ("pin", w), functools.partial(self._try_pin, task, w))
        menu.addSeparator()
        n_pins, n_kept = len(self.document.graph.pins()), len(self.kept())
        kept = (f"the graph's {n_pins} pin{'s' * (n_pins != 1)}" if n_pins else "no pins") + (
            f" and the {n_kept} task{'s' * (n_kept != 1)} you moved" if n_kept else "")
        rest = menu.addMenu("Complete the rest with")
        rest.setToolTipsVisible(True)
        rest.menuAction().setToolTip(f"Run an algorithm keeping {kept} on their workers")
        for name in runnable():
            add(rest, name, ("complete", name), functools.partial(self.complete, name),
                f"{algorithm_tooltip(name)}\nKeeps {kept}.")
        searches = of_family("search")
        if len(searches) == 1:
            add(menu, f"Improve from here ({searches[0]})", ("complete", searches[0]),
                lambda: self.complete(searches[0]), f"Search from a good schedule keeping {kept}")
        elif searches:
            imp = menu.addMenu("Improve from here")
            imp.setToolTipsVisible(True)
            for name in searches:
                add(imp, name, ("complete", name), functools.partial(self.complete, name),
                    f"{algorithm_tooltip(name)}\nKeeps {kept}.")
        exact = of_family("exact")
        if exact:
            add(menu, "Optimal with these pins", ("complete", exact[0]), lambda: self.complete(exact[0]),
                f"{exact[0]}: the best schedule keeping {kept} (within the time limit)")
        return menu

    def _try_pin(self, task: str, worker: str | None) -> None:
        try:
            self.set_pin(task, worker)
        except GraphError as e:
            self._refuse(str(e))

    # ------------------------------------------------------------------ slots
    def _on_document_changed(self, *_: Any) -> None:
        self._version += 1
        self._base_cache = None

    def _on_document_graph_reset(self) -> None:
        self._version += 1
        self._hand.clear()
        self._base_cache = None
        self._ev = None
        self._follow.clear()
