"""The mapping analysis of the open graph, kept up to date after every edit.

:class:`LiveAnalysis` observes a :class:`~gui.document.Document`. After an edit it waits
:data:`DEBOUNCE_MS` for the next one (typing a cost, dragging many edits), then
computes :func:`model.analysis.analyze`, :func:`model.explain.explain` and the
parallelism profiles of :mod:`model.profile` of a snapshot of the graph: inline for
graphs below :data:`INLINE_MAX_TASKS` tasks, else in an :class:`AnalysisJob` on the
thread pool. Each request carries the document's version; a result for an older
version is dropped, so a slow job can never overwrite a newer answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6 import QtCore

from gui.workers import Job, error_message
from model.analysis import Analysis, analyze
from model.explain import Sentence, explain
from model.graph import GraphError, Platform, TaskGraph
from model.profile import Profile, earliest_start_profile

__all__ = ["DEBOUNCE_MS", "INLINE_MAX_TASKS", "AnalysisJob", "AnalysisResult", "LiveAnalysis", "compute"]

#: how long to wait after an edit before analysing (the next edit restarts the wait)
DEBOUNCE_MS = 200
#: graphs below this many tasks are analysed on the GUI thread (measured: 1,000 layered tasks
#: 60 ms, 1,900 already 250 ms, 5,000 0.7 s, 50,000 7 s)
INLINE_MAX_TASKS = 1000


@dataclass(frozen=True)
class AnalysisResult:
    """What :class:`LiveAnalysis` computed for one version of the graph.

    ``error`` is a one-line message when the graph cannot be analysed (a cycle,
    costs not matching the workers); the other fields are then ``None``.
    """

    version: int
    graph_name: str
    workers: int
    analysis: Analysis | None
    sentences: list[Sentence]
    #: tasks running at each moment with unlimited workers: without / with mean transfer times
    profile: Profile | None
    profile_comm: Profile | None
    error: str = ""


def compute(graph: TaskGraph, platform: Platform, version: int = 0) -> AnalysisResult:
    """Analyse ``graph`` on ``platform`` (only reads them: a snapshot may be used in a thread)."""
    try:
        a = analyze(graph, platform)
        sentences = explain(graph, platform, analysis=a)
        prof = earliest_start_profile(graph)
        prof_comm = earliest_start_profile(graph, platform, communication=True)
    except GraphError as e:
        return AnalysisResult(version, graph.name, len(platform), None, [], None, None, str(e))
    return AnalysisResult(version, graph.name, len(platform), a, sentences, prof, prof_comm)


class AnalysisJob(Job):
    """:func:`compute` of a snapshot on the thread pool."""

    what = "graph analysis"

    def __init__(self, graph: TaskGraph, platform: Platform, version: int) -> None:
        super().__init__()
        self.graph, self.platform, self.version = graph, platform, version

    def execute(self) -> tuple[str, Any]:
        if self.cancelled:
            return "cancelled", None
        result = compute(self.graph, self.platform, self.version)
        return ("cancelled", None) if self.cancelled else ("done", result)


class LiveAnalysis(QtCore.QObject):
    """The analysis of a document's graph, recomputed (debounced) after each change.

    Signals
    -------
    updated(object)
        A new :class:`AnalysisResult` for the current version of the graph.
    busy_changed(bool)
        A computation started (``True``) or the latest one ended.
    """

    updated = QtCore.Signal(object)
    busy_changed = QtCore.Signal(bool)

    def __init__(self, document: Any, parent: QtCore.QObject | None = None, *,
                 debounce_ms: int = DEBOUNCE_MS, inline_max_tasks: int = INLINE_MAX_TASKS) -> None:
        super().__init__(parent)
        self.document = document
        self.inline_max_tasks = inline_max_tasks
        self._version = 0
        self._result: AnalysisResult | None = None
        self._job: AnalysisJob | None = None
        self._pending = False
        self._busy = False
        self.timer = QtCore.QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(debounce_ms)
        self.timer.timeout.connect(self.refresh_now)
        document.graph_changed.connect(self.schedule_refresh)
        document.platform_changed.connect(self.schedule_refresh)
        document.graph_reset.connect(self.schedule_refresh)
        self.schedule_refresh()

    @property
    def result(self) -> AnalysisResult | None:
        """The latest result (``None`` before the first one)."""
        return self._result

    @property
    def version(self) -> int:
        """The graph version the next result will be for."""
        return self._version

    @property
    def busy(self) -> bool:
        return self._busy

    def is_current(self) -> bool:
        """Whether :attr:`result` is for the graph as it is now."""
        return self._result is not None and self._result.version == self._version and not self.timer.isActive()

    def schedule_refresh(self) -> None:
        """The graph changed: analyse it once the edits pause."""
        self._version += 1
        self._set_busy(True)
        self.timer.start()

    def refresh_now(self) -> None:
        """Analyse the graph as it is now (inline when small, else on the pool)."""
        self.timer.stop()
        version = self._version
        doc = self.document
        if self._job is not None:
            # one job at a time: the analysis cannot be interrupted, so a big graph edited
            # twice waits for the first job (its answer is dropped) instead of running two
            self._pending = True
            return
        self._pending = False
        try:
            graph, platform = doc.snapshot()
        except GraphError as e:  # no platform for these costs
            self._deliver(AnalysisResult(version, doc.graph.name, 0, None, [], None, None, error_message(e)))
            return
        if len(graph) < self.inline_max_tasks:
            self._deliver(compute(graph, platform, version))
            return
        job = AnalysisJob(graph, platform, version)
        job.signals.result.connect(self._deliver)
        job.signals.finished.connect(self._on_job_finished)
        job.signals.failed.connect(
            lambda msg, v=version: self._deliver(AnalysisResult(v, graph.name, len(platform), None, [], None,
                                                                None, msg)))
        self._job = job
        job.start()

    def wait(self, ms: int = 5000) -> bool:
        """Cancel a running job and wait up to ``ms`` for it (closing the window)."""
        self.timer.stop()
        self._pending = False
        job = self._job
        if job is None:
            return True
        job.cancel()
        return job.wait(ms / 1000)

    def _on_job_finished(self) -> None:
        self._job = None
        if self._pending and not self.timer.isActive():
            self.refresh_now()

    def _deliver(self, result: AnalysisResult) -> None:
        if result.version != self._version:
            return  # the graph changed since: a newer request is on its way
        self._result = result
        self._set_busy(self.timer.isActive())
        self.updated.emit(result)

    def _set_busy(self, busy: bool) -> None:
        if busy != self._busy:
            self._busy = busy
            self.busy_changed.emit(busy)
