"""File ▸ Export report: the mapping report of the open graph as HTML or PDF, made on the thread pool.

The slow part, :func:`gui.report.build_content` (every algorithm of the comparison and
the points of the speed-up curve), runs in a :class:`ReportJob` with progress and
cancel; the pictures are then drawn and the file written on the GUI thread
(:func:`gui.report.write_content`: the Gantt pictures are drawn by a chart widget).
The status bar shows the progress and, at the end, where the report was written.
"""

from __future__ import annotations

import os
from typing import Any

from PySide6 import QtCore, QtWidgets

from gui.workers import Job, error_message
from model.algorithms import Cancelled
from model.graph import GraphError, TaskGraph

__all__ = ["ReportExport", "ReportJob"]


class ReportJob(Job):
    """:func:`gui.report.build_content` of a snapshot, with progress and cancel."""

    what = "report"

    def __init__(self, graph: TaskGraph, algorithms: list[str] | None = None, *,
                 time_limit: float | None = None) -> None:
        super().__init__()
        self.graph, self.algorithms, self.time_limit = graph, algorithms, time_limit

    def execute(self) -> tuple[str, Any]:
        from gui.report import build_content

        def progress(done: int, total: int) -> None:
            if self.gate(force=done == total):
                self.emit(self.signals.progress, done, total)

        try:
            content = build_content(self.graph, self.algorithms, time_limit=self.time_limit,
                                    cancel=self.cancel_event, progress=progress)
        except Cancelled:
            return "cancelled", None
        return "done", content


class ReportExport(QtCore.QObject):
    """Writes reports for a window (its document, status bar and error messages).

    Signals
    -------
    finished(str)
        A report ended: the path written, or ``""`` when it failed or was cancelled.
    """

    finished = QtCore.Signal(str)

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window = window
        self._job: ReportJob | None = None
        self._path = ""
        self.progress = QtWidgets.QProgressBar()
        self.progress.setMaximumWidth(160)
        self.progress.setFormat("report %p%")
        self.cancel_button = QtWidgets.QToolButton()
        self.cancel_button.setText("Cancel report")
        self.cancel_button.clicked.connect(self.cancel)
        bar = window.statusBar()
        bar.addPermanentWidget(self.progress)
        bar.addPermanentWidget(self.cancel_button)
        self.progress.hide()
        self.cancel_button.hide()

    def running(self) -> bool:
        return self._job is not None

    def dialog(self) -> None:
        """Ask where to write the report, then :meth:`start`."""
        if self._job is not None:
            self.window.show_status("A report is being written already", 4000)
            return
        doc = self.window.document
        if not len(doc.graph):
            self.window.show_status("The graph has no tasks: nothing to report", 6000)
            return
        start = os.path.splitext(doc.path)[0].removesuffix(".taskgraph") + ".report.html" if doc.path else \
            "report.html"
        path, _ = QtWidgets.QFileDialog.getSaveFileName(self.window, "Export report", start,
                                                        "HTML page (*.html);;PDF document (*.pdf)")
        if path:
            self.start(path)

    def start(self, path: str, algorithms: list[str] | None = None, *, time_limit: float | None = None) -> bool:
        """Compute the report of the open graph on the pool and write it to ``path`` (``.html`` or ``.pdf``)."""
        from gui.report.canvas import check_output
        from gui.report.document import REPORT_FORMATS

        if self._job is not None:
            return False
        try:
            check_output(path, REPORT_FORMATS)
            graph, _platform = self.window.document.snapshot()
            graph.validate()
        except GraphError as e:
            self.window.show_error("Cannot write the report", str(e))
            return False
        job = ReportJob(graph, algorithms, time_limit=time_limit)
        job.signals.progress.connect(self._on_job_progress)
        job.signals.result.connect(self._on_job_result)
        job.signals.failed.connect(self._on_job_failed)
        job.signals.cancelled.connect(self._on_job_cancelled)
        job.signals.finished.connect(self._on_job_finished)
        self._job, self._path = job, path
        self.progress.setRange(0, 0)
        self.progress.show()
        self.cancel_button.show()
        self.window.show_status(f"Writing the report to {path}: running the algorithms…")
        job.start()
        return True

    def cancel(self) -> None:
        if self._job is not None:
            self._job.cancel()

    def wait(self, ms: int = 5000) -> bool:
        """Cancel a running report and wait for it (closing the window)."""
        if self._job is None:
            return True
        self._job.cancel()
        return self._job.wait(ms / 1000)

    def _on_job_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(1, total))
        self.progress.setValue(done)
        self.window.show_status(f"Writing the report to {self._path}: {done} of {total} runs…")

    def _on_job_result(self, content: Any) -> None:
        from gui.report import write_content

        self.window.show_status(f"Writing the report to {self._path}: drawing the pictures…")
        self.window.statusBar().repaint()  # the pictures take a moment: say so before
        try:
            write_content(content, self._path)
        except (GraphError, OSError) as e:
            self._done(error=error_message(e))
            return
        self._done(path=self._path)

    def _on_job_failed(self, message: str) -> None:
        self._done(error=message)

    def _on_job_cancelled(self, _partial: Any) -> None:
        self.window.show_status("Report cancelled", 4000)
        self._finish("")

    def _on_job_finished(self) -> None:
        self._job = None

    def _done(self, *, path: str = "", error: str = "") -> None:
        if error:
            self.window.show_error("Cannot write the report", error)
        else:
            self.window.show_status(f"Report written to {os.path.abspath(path)}", 15000)
        self._finish(path)

    def _finish(self, path: str) -> None:
        self._job = None
        self.progress.hide()
        self.cancel_button.hide()
        self.finished.emit(path)
