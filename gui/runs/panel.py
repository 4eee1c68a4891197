"""The execution panel: run the open graph for real and compare the trace with its prediction.

The run goes through :func:`model.execution.run_graph` in an
:class:`~gui.runs.execution.ExecutionRunnable` on ``QThreadPool.globalInstance()``; its
settings are read from the panel's widgets when it starts. Cancel sets the run's cancel
event: running tasks finish, no new task starts, and the partial trace is delivered.

The finished trace is shown in a :class:`~gui.runs.deviation.DeviationView` against the
mapping it followed, and against the makespan of every computed schedule.
"""

from __future__ import annotations

import html
import importlib.util
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6 import QtCore, QtWidgets

from gui.numbers import human
from model.algorithms import available, load_all
from model.execution import EXECUTORS, WORK_MODES, calls_in, describe_calls
from model.graph import GraphError
from model.replay import scaled, trace_time_scale
from model.schedule import Schedule, ScheduleError, Slot

from .deviation import DeviationView
from .execution import ExecutionRunnable

__all__ = ["DYNAMIC", "ExecutionPanel"]

log = logging.getLogger(__name__)

#: the policy combo's data for dynamic placement
DYNAMIC = ""

_EXECUTOR_TIPS = {
    "threads": "One thread per worker in this process (synthetic work releases the GIL)",
    "processes": "One process per worker (started with forkserver)",
    "dask": "Dask distributed: a local cluster, or the scheduler address below",
}


def _dask_available() -> bool:
    return importlib.util.find_spec("distributed") is not None


class ExecutionPanel(QtWidgets.QWidget):
    """Run the open graph for real (threads, processes, Dask) and replay-compare the trace.

    Parameters
    ----------
    document
        A :class:`gui.document.Document` (uses ``snapshot()``, ``platform``,
        ``graph_changed`` and ``platform_changed``).
    results_provider : callable, optional
        Returns the computed schedules, ``dict[algorithm, Schedule]``
        (``ResultsPanel.results``): a mapped run follows the chosen algorithm's schedule
        from there, or computes it when missing; the makespan error table lists them.
    """

    #: the trace (Schedule, seconds) of a finished, cancelled or failed run, or an opened trace
    trace_ready = QtCore.Signal(object)
    #: [prediction scaled to seconds, trace]: draw them on one time axis
    comparison_requested = QtCore.Signal(list)
    #: list[Slot] finished since the last emission while a run goes on (live view)
    slots_recorded = QtCore.Signal(list)
    #: a run started (True) or ended (False)
    running_changed = QtCore.Signal(bool)

    def __init__(self, document: Any, results_provider: Callable[[], dict[str, Schedule]] | None = None,
                 parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.results_provider = results_provider
        self._runnable: ExecutionRunnable | None = None
        #: (file, calls) the user allowed to run in this session
        self._allowed_calls: set[tuple[str | None, frozenset[str]]] = set()
        #: the last trace shown, the prediction it is compared with, and its time scale
        self.trace: Schedule | None = None
        self.prediction: Schedule | None = None
        self.time_scale = 0.01
        #: the document's content version the shown trace was recorded for, and that of the run going on
        self._trace_version: Any = None
        self._run_version: Any = None
        # import every algorithm here, on the GUI thread, not concurrently in a pool thread
        load_all()

        self.executor_combo = QtWidgets.QComboBox()
        self.executor_combo.setObjectName("executor_combo")
        for name in EXECUTORS:
            self.executor_combo.addItem(name, name)
            self.executor_combo.setItemData(self.executor_combo.count() - 1, _EXECUTOR_TIPS.get(name, ""),
                                            QtCore.Qt.ItemDataRole.ToolTipRole)
        if not _dask_available():
            i = self.executor_combo.findData("dask")
            item = self.executor_combo.model().item(i)  # type: ignore[attr-defined]
            if item is not None:
                item.setEnabled(False)
                item.setToolTip("Dask distributed is not installed (pip install 'taskmapper[dask]')")

        self.policy_combo = QtWidgets.QComboBox()
        self.policy_combo.setObjectName("policy_combo")
        # long entries are elided, not a reason for a wide panel (the full text is in the list)
        self.policy_combo.setSizeAdjustPolicy(QtWidgets.QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.policy_combo.setMinimumContentsLength(14)
        self.policy_combo.setToolTip("Follow an algorithm's mapping (computed now when it is not in the "
                                     "results), or let the engine place ready tasks on free workers")
        self.refresh_policies()
        self.policy_combo.setCurrentIndex(max(0, self.policy_combo.findData("heft")))

        self.workers_label = QtWidgets.QLabel()
        self.workers_label.setObjectName("workers_label")
        self.workers_label.setWordWrap(True)

        self.time_scale_spin = QtWidgets.QDoubleSpinBox()
        self.time_scale_spin.setObjectName("time_scale_spin")
        self.time_scale_spin.setDecimals(5)
        self.time_scale_spin.setRange(0.00001, 60.0)
        self.time_scale_spin.setSingleStep(0.001)
        self.time_scale_spin.setValue(0.01)
        self.time_scale_spin.setSuffix(" s / unit")
        self.time_scale_spin.setToolTip("Seconds of real work per cost unit")
        self.time_scale_spin.valueChanged.connect(self._update_estimate)

        self.work_combo = QtWidgets.QComboBox()
        self.work_combo.setObjectName("work_combo")
        for w, tip in (("cpu", "calibrated hashing (releases the GIL)"), ("python", "a pure-Python loop"),
                       ("sleep", "sleeping (no CPU)")):
            if w in WORK_MODES:
                self.work_combo.addItem(w, w)
                self.work_combo.setItemData(self.work_combo.count() - 1, tip, QtCore.Qt.ItemDataRole.ToolTipRole)
        self.work_combo.setToolTip("What a task without a 'call' does")

        self.address_edit = QtWidgets.QLineEdit()
        self.address_edit.setObjectName("address_edit")
        self.address_edit.setPlaceholderText("empty: start a local cluster")
        self.address_edit.setToolTip("Address of a running Dask scheduler, e.g. tcp://10.0.0.5:8786")
        self.address_edit.setClearButtonEnabled(True)

        self.run_button = QtWidgets.QPushButton("Run")
        self.run_button.setObjectName("run_button")
        self.run_button.setToolTip("Execute the graph for real and record the trace")
        self.run_button.clicked.connect(self.run)
        self.cancel_button = QtWidgets.QPushButton("Cancel")
        self.cancel_button.setObjectName("cancel_button")
        self.cancel_button.setToolTip("Start no new task; keep the partial trace")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        self.compare_button = QtWidgets.QPushButton("Show against prediction")
        self.compare_button.setObjectName("compare_button")
        self.compare_button.setToolTip("Draw the prediction (scaled to seconds) and the trace on one time axis")
        self.compare_button.setEnabled(False)
        self.compare_button.clicked.connect(self.request_comparison)
        self.save_button = QtWidgets.QPushButton("Save trace…")
        self.save_button.setObjectName("save_button")
        self.save_button.setToolTip("Save the trace as .schedule.json, or .trace.json for Perfetto")
        self.save_button.setEnabled(False)
        self.save_button.clicked.connect(self._on_save_button_clicked)

        self.progress_bar = QtWidgets.QProgressBar()
        self.progress_bar.setObjectName("progress_bar")
        self.progress_bar.setRange(0, 1)
        self.progress_bar.setValue(0)
        self.progress_bar.setFormat("%v / %m tasks")
        self.status_label = QtWidgets.QLabel("Ready.")
        self.status_label.setObjectName("status_label")
        self.status_label.setWordWrap(True)
        self.status_label.setTextInteractionFlags(QtCore.Qt.TextInteractionFlag.TextSelectableByMouse)

        form = QtWidgets.QFormLayout()
        form.setFieldGrowthPolicy(QtWidgets.QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("Executor", self.executor_combo)
        form.addRow("Policy", self.policy_combo)
        form.addRow("Workers", self.workers_label)
        form.addRow("Time scale", self.time_scale_spin)
        form.addRow("Work", self.work_combo)
        self._address_label = QtWidgets.QLabel("Dask scheduler")
        form.addRow(self._address_label, self.address_edit)

        # two rows: the panel stays usable in a narrow dock (a 1024-pixel-wide window)
        buttons = QtWidgets.QGridLayout()
        buttons.addWidget(self.run_button, 0, 0)
        buttons.addWidget(self.cancel_button, 0, 1)
        buttons.addWidget(self.compare_button, 1, 0)
        buttons.addWidget(self.save_button, 1, 1)

        self.deviation = DeviationView()
        self.deviation.setObjectName("deviation")

        lay = QtWidgets.QVBoxLayout(self)
        lay.addLayout(form)
        lay.addLayout(buttons)
        lay.addWidget(self.progress_bar)
        lay.addWidget(self.status_label)
        lay.addWidget(self.deviation, 1)

        self.executor_combo.currentIndexChanged.connect(self._on_executor_changed)
        self.policy_combo.currentIndexChanged.connect(self._update_estimate)
        document.graph_changed.connect(self._on_document_graph_changed)
        if hasattr(document, "platform_changed"):
            document.platform_changed.connect(self._on_document_platform_changed)
        if hasattr(document, "version_changed"):
            # whether the shown trace is stale is known once the edit (or undo) is complete
            document.version_changed.connect(self._update_stale_note)
        self._on_executor_changed()
        self._on_document_platform_changed()

    # ------------------------------------------------------------------ state
    def results(self) -> dict[str, Schedule]:
        """The computed schedules from ``results_provider`` (empty without one)."""
        if self.results_provider is None:
            return {}
        try:
            return dict(self.results_provider() or {})
        except Exception:  # a provider failing must not break the panel
            log.warning("results provider failed", exc_info=True)
            return {}

    def is_running(self) -> bool:
        """Whether a run is in progress."""
        return self._runnable is not None

    def policy(self) -> str:
        """The chosen algorithm name, or :data:`DYNAMIC` (empty string) for dynamic placement."""
        return str(self.policy_combo.currentData() or DYNAMIC)

    def set_policy(self, algorithm: str | None) -> None:
        """Choose an algorithm's mapping (``None`` or ``""``: dynamic placement)."""
        i = self.policy_combo.findData(algorithm or DYNAMIC)
        if i < 0:
            raise GraphError(f"unknown algorithm {algorithm!r}")
        self.policy_combo.setCurrentIndex(i)

    def set_executor(self, executor: str) -> None:
        """Choose ``threads``, ``processes`` or ``dask``."""
        i = self.executor_combo.findData(executor)
        if i < 0:
            raise GraphError(f"unknown executor {executor!r}; known: {', '.join(EXECUTORS)}")
        self.executor_combo.setCurrentIndex(i)

    def refresh_policies(self) -> None:
        """Rebuild the policy list, marking algorithms whose schedule is already computed."""
        done = self.results()
        current = self.policy_combo.currentData() if self.policy_combo.count() else "heft"
        self.policy_combo.blockSignals(True)
        try:
            self.policy_combo.clear()
            self.policy_combo.addItem("dynamic (engine places ready tasks)", DYNAMIC)
            self.policy_combo.insertSeparator(1)
            for name in available():
                label = f"{name} mapping" + ("  ✓ computed" if name in done else "")
                self.policy_combo.addItem(label, name)
            i = self.policy_combo.findData(current)
            self.policy_combo.setCurrentIndex(max(0, i))
        finally:
            self.policy_combo.blockSignals(False)

    # ------------------------------------------------------------------ running
    def run(self) -> bool:
        """Start a run with the panel's settings; ``False`` (message shown) if it cannot start."""
        if self._runnable is not None:
            return False
        graph, platform = self.document.snapshot()
        if len(graph) == 0:
            self._set_status("The graph has no task to run.", error=True)
            return False
        try:
            calls = calls_in(graph)
        except GraphError as e:
            self._set_status(f"Cannot run: {e}", error=True)
            return False
        if calls and not self._consent_to(calls):
            self._set_status(f"Not run: the graph {describe_calls(calls)}, which you did not allow.", error=True)
            return False
        executor = str(self.executor_combo.currentData())
        algorithm = self.policy()
        dynamic = algorithm == DYNAMIC
        schedule = None if dynamic else self.results().get(algorithm)
        ts = float(self.time_scale_spin.value())
        options: dict[str, Any] = {"executor": executor, "time_scale": ts,
                                   "work": str(self.work_combo.currentData() or "cpu"),
                                   # exactly the code the user allowed, nothing a later edit adds
                                   "allow_calls": set(calls)}
        if executor == "dask":
            address = self.address_edit.text().strip()
            if address:
                options["scheduler_address"] = address
        r = ExecutionRunnable(graph, platform, schedule=schedule, algorithm=None if dynamic else algorithm,
                              dynamic=dynamic, **options)
        s = r.signals
        s.progress.connect(self._on_run_progress)
        s.slot_done.connect(self._on_run_slot_done)
        s.result.connect(self._on_run_result)
        s.failed.connect(self._on_run_failed)
        s.cancelled.connect(self._on_run_cancelled)
        s.finished.connect(self._on_run_finished)
        self._runnable = r
        self.time_scale = ts
        self.progress_bar.setRange(0, len(graph))
        self.progress_bar.setValue(0)
        how = "dynamic placement" if dynamic else (
            f"{algorithm} mapping" + ("" if schedule is not None else " (computing it first)"))
        self._set_status(f"Running {len(graph)} tasks on {len(platform)} {executor} workers, {how}…")
        self._set_running(True)
        # the previous run's comparison would describe another run: show nothing but this one
        self.trace = self.prediction = None
        self.deviation.clear()
        self.deviation.summary.setText(f"<i>Running {len(graph):,} tasks on {executor}, {html.escape(how)}: "
                                       "the comparison appears when the run ends.</i>")
        self.compare_button.setEnabled(False)
        self.save_button.setEnabled(False)
        self._run_version = getattr(self.document, "version", None)
        r.start()
        return True

    def _consent_to(self, calls: dict[str, list[str]]) -> bool:
        """Whether the user allows running the code ``calls`` names (asked once per file and set of calls)."""
        key = (self.document.path, frozenset(calls))
        if key in self._allowed_calls:
            return True
        if not self.ask_to_run_calls(calls):
            return False
        self._allowed_calls.add(key)
        return True

    def ask_to_run_calls(self, calls: dict[str, list[str]]) -> bool:
        """Ask the user whether the run may import and call the functions a graph names."""
        lines = "\n".join(f"  {name}   (tasks {', '.join(tasks[:6])}{', ...' if len(tasks) > 6 else ''})"
                          for name, tasks in calls.items())
        box = QtWidgets.QMessageBox(self)
        box.setIcon(QtWidgets.QMessageBox.Icon.Warning)
        box.setWindowTitle("Run code named by the graph?")
        box.setText("This graph's tasks name Python functions. Running it imports their modules and "
                    "calls them with the arguments the file gives:")
        box.setInformativeText(lines + "\n\nRun them only if you trust the file. Other tasks do synthetic work.")
        run = box.addButton("Run the code", QtWidgets.QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QtWidgets.QMessageBox.StandardButton.Cancel)
        box.exec()
        return box.clickedButton() is run

    def cancel(self) -> None:
        """Ask the run to stop; the partial trace follows."""
        if self._runnable is not None:
            self._runnable.cancel()
            self.cancel_button.setEnabled(False)
            self._set_status("Cancelling: waiting for the running tasks to finish…")

    def wait_all(self, ms: int = 10_000) -> bool:
        """Cancel any run and wait up to ``ms`` milliseconds for it to end (for shutdown).

        Its last signals are delivered before returning.
        """
        r = self._runnable
        if r is None:
            return True
        r.cancel()
        ok = r.wait(ms / 1000)
        QtCore.QCoreApplication.sendPostedEvents()
        return ok

    # ------------------------------------------------------------------ showing traces
    def show_trace(self, trace: Schedule, prediction: Schedule | None = None, *,
                   time_scale: float | None = None, notes: list[str] | None = None) -> None:
        """Show ``trace`` (e.g. opened from a file) in the comparison.

        Without ``prediction``, the computed schedule of the algorithm the trace
        followed is used when available. The time scale defaults to the trace's own.
        A trace rebuilt from a WfFormat instance (``meta["reconstructed"]``) says so.
        """
        self._show(trace, prediction, time_scale, notes or [])
        self.progress_bar.setRange(0, max(1, len(trace.slots)))
        self.progress_bar.setValue(len(trace.slots))
        what = "Reconstructed trace" if trace.meta.get("reconstructed") else "Trace"
        self._set_status(f"{what}: {len(trace.slots)} tasks on {len(trace.workers)} workers, "
                         f"makespan {human(trace.makespan)} s.")

    def _show(self, trace: Schedule, prediction: Schedule | None, time_scale: float | None,
              notes: list[str]) -> None:
        results = self.results()
        if prediction is None:
            followed = trace.meta.get("followed")
            if isinstance(followed, str):
                prediction = results.get(followed)
        ts = time_scale if time_scale is not None else trace_time_scale(trace)
        self.trace, self.prediction, self.time_scale = trace, prediction, ts
        running = self._runnable is not None
        self._trace_version = self._run_version if running else getattr(self.document, "version", None)
        if prediction is not None and prediction.algorithm not in results:
            results = {**results, prediction.algorithm: prediction}
        self.deviation.set_comparison(trace, prediction, results, ts, notes)
        self.compare_button.setEnabled(prediction is not None)
        self.save_button.setEnabled(True)

    def comparison(self) -> list[Schedule]:
        """``[prediction scaled to seconds, trace]``, or ``[]`` without both."""
        if self.trace is None or self.prediction is None:
            return []
        return [scaled(self.prediction, self.time_scale), self.trace]

    def request_comparison(self) -> None:
        """Emit :attr:`comparison_requested` with the prediction and the trace."""
        pair = self.comparison()
        if pair:
            self.comparison_requested.emit(pair)

    def save_trace(self, path: str) -> None:
        """Write the shown trace (format by extension, see :func:`model.formats.save_schedule`)."""
        if self.trace is None:
            raise GraphError("there is no trace to save: run the graph first")
        from model.formats import save_schedule

        save_schedule(self.trace, path)

    # ------------------------------------------------------------------ run signals
    def _on_run_progress(self, done: int, total: int) -> None:
        self.progress_bar.setFormat("%v / %m tasks")
        self.progress_bar.setRange(0, max(1, total))
        self.progress_bar.setValue(done)

    def _on_run_slot_done(self, slots: list[Slot]) -> None:
        self.slots_recorded.emit(list(slots))

    def _deliver(self, trace: Schedule, notes: list[str]) -> None:
        # the run's signals arrive in order, before `finished`: _runnable is still this run
        r = self._runnable
        plan = None
        ts = self.time_scale
        if r is not None:
            ts = float(r.options.get("time_scale", ts))
            plan = r.plan
            if r.dynamic:
                # dynamic runs: compare with the best computed schedule, if any
                res = self.results()
                plan = min(res.values(), key=lambda s: s.makespan) if res else None
                if plan is not None:
                    notes = [*notes, f"Dynamic run: compared with the best computed mapping ({plan.algorithm})."]
        self._show(trace, plan, ts, notes)
        self.trace_ready.emit(trace)

    def _on_run_result(self, trace: Schedule) -> None:
        m = trace.meta
        text = f"Done: {len(trace.slots)} tasks, measured makespan {human(trace.makespan)} s"
        if "predicted_makespan" in m:
            text += f" (predicted {human(m['predicted_makespan'])} s)"
        self._set_status(text + ".")
        self._deliver(trace, [])

    def _on_run_cancelled(self, trace: Schedule) -> None:
        n = trace.meta.get("tasks_total", "?")
        left = trace.meta.get("left_running") or []
        text = f"Cancelled after {len(trace.slots)} of {n} tasks: partial trace kept."
        if left:
            text += (f" {len(left)} task(s) could not be stopped and may still run in the background "
                     f"({', '.join(map(str, left[:5]))}{', ...' if len(left) > 5 else ''}).")
        self._set_status(text)
        self._deliver(trace, [])

    def _on_run_failed(self, message: str) -> None:
        self._set_status(f"Run failed: {message}", error=True)
        r = self._runnable
        if r is not None and r.trace is not None:
            self._deliver(r.trace, [f"The run failed: {message}"])

    def _on_run_finished(self) -> None:
        self._runnable = None  # the job keeps itself alive until this call has returned
        self._set_running(False)

    # ------------------------------------------------------------------ helpers
    def _set_running(self, running: bool) -> None:
        self.run_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        for w in (self.executor_combo, self.policy_combo, self.time_scale_spin, self.work_combo,
                  self.address_edit):
            w.setEnabled(not running)
        if not running:
            self._on_executor_changed()
        self.running_changed.emit(running)

    def _set_status(self, text: str, *, error: bool = False) -> None:
        self.status_label.setStyleSheet("color: #b22222;" if error else "")
        self.status_label.setText(text)

    def _on_executor_changed(self, *_: Any) -> None:
        dask = self.executor_combo.currentData() == "dask"
        self.address_edit.setEnabled(dask and self._runnable is None)
        self._address_label.setEnabled(dask)

    def _update_estimate(self, *_: Any) -> None:
        name = self.policy()
        sched = self.results().get(name) if name else None
        tip = "Seconds of real work per cost unit"
        if sched is not None:
            tip += (f"\n{name}'s makespan {human(sched.makespan, 6)} → about "
                    f"{human(sched.makespan * self.time_scale_spin.value(), 3)} s")
        self.time_scale_spin.setToolTip(tip)

    def _on_document_platform_changed(self) -> None:
        try:
            ids = list(self.document.platform.ids)
        except Exception:  # an invalid platform while editing: show nothing rather than fail
            ids = []
        shown = ", ".join(ids[:6]) + (", …" if len(ids) > 6 else "")
        self.workers_label.setText(f"{len(ids)} ({shown})" if ids else "—")
        self._on_document_graph_changed()

    def _on_document_graph_changed(self) -> None:
        self.refresh_policies()
        if self._runnable is None and self.trace is None:
            # idle: the bar tells how many tasks a run will execute
            n = len(self.document.graph)
            self.progress_bar.setRange(0, max(1, n))
            self.progress_bar.setValue(0)
            self.progress_bar.setFormat("%v / %m tasks" if n else "no tasks")
        if not hasattr(self.document, "version_changed"):
            self._update_stale_note()

    def _update_stale_note(self) -> None:
        """The notes say whether the shown trace was recorded for the document's content."""
        if self.trace is None:
            return
        version = getattr(self.document, "version", None)
        stale = version is None or version != self._trace_version
        note = "<b>Stale</b>: the graph or platform changed since this trace was recorded."
        old = self.deviation.notes.text()
        marked = old.startswith(note)
        if stale and not marked:
            self.deviation.notes.setText(note + ("<br>" + old if old else ""))
            self.deviation.notes.show()
        elif not stale and marked:
            # undone back to the content the trace was recorded for: up to date again
            rest = old[len(note):].removeprefix("<br>")
            self.deviation.notes.setText(rest)
            self.deviation.notes.setVisible(bool(rest))

    def _on_save_button_clicked(self) -> None:
        from gui.files import start_dir, suggested_name

        name = suggested_name(getattr(self.document.graph, "name", ""), "trace", suffix=".schedule.json")
        path, _ = QtWidgets.QFileDialog.getSaveFileName(
            self, "Save trace", str(Path(start_dir()) / name),
            "Trace (*.schedule.json);;Chrome trace for Perfetto (*.trace.json)")
        if not path:
            return
        try:
            self.save_trace(path)
        except (GraphError, ScheduleError, OSError) as e:
            self._set_status(f"Cannot save the trace: {e}", error=True)
        else:
            self._set_status(f"Trace saved to {path}.")
