"""The Analysis panel: the mapping step of the open graph in numbers and in words.

It shows what :class:`~gui.analysis_runs.LiveAnalysis` computed for the graph as it is
now: tasks, edges, work, the critical path, the width (a largest set of independent
tasks), the levels, the average parallelism, the CCR, the lower bounds on the makespan
for the platform and the edges that exchange data, largest first. Clicking a row
selects its tasks (or edge) in the editor and the chart through the document's
selection. Below, the sentences of :func:`model.explain.explain`.
"""

from __future__ import annotations

import html
from typing import Any

from PySide6 import QtCore, QtGui, QtWidgets

from gui.analysis_runs import AnalysisResult, LiveAnalysis
from model.explain import fmt

__all__ = ["LIST_LIMIT", "AnalysisPanel"]

#: at most this many rows under one heading (tasks of a path, levels, edges)
LIST_LIMIT = 200

_SELECT = QtCore.Qt.ItemDataRole.UserRole


def _names(tasks: list[str], limit: int = 6) -> str:
    head = ", ".join(tasks[:limit])
    return head + (f", … (+{len(tasks) - limit})" if len(tasks) > limit else "")


class AnalysisPanel(QtWidgets.QWidget):
    """Numbers and sentences about the open graph, kept up to date (see the module doc)."""

    def __init__(self, document: Any, live: LiveAnalysis, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.live = live
        self.status = QtWidgets.QLabel()
        self.status.setWordWrap(True)
        self.status.setStyleSheet("color: #555;")
        self.tree = QtWidgets.QTreeWidget()
        self.tree.setColumnCount(2)
        self.tree.setHeaderHidden(True)
        self.tree.setRootIsDecorated(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.header().setStretchLastSection(True)
        self.tree.header().setSectionResizeMode(0, QtWidgets.QHeaderView.ResizeMode.ResizeToContents)
        self.tree.itemClicked.connect(self._on_tree_item_clicked)
        self.words = QtWidgets.QTextBrowser()
        self.words.setOpenLinks(False)
        self.words.setMinimumHeight(80)
        self.splitter = QtWidgets.QSplitter(QtCore.Qt.Orientation.Vertical)
        self.splitter.addWidget(self.tree)
        self.splitter.addWidget(self.words)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        hint = QtWidgets.QLabel("Click a row to select its tasks in the graph.")
        hint.setStyleSheet("color: #666;")
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.status)
        lay.addWidget(self.splitter, 1)
        lay.addWidget(hint)
        live.updated.connect(self._on_live_updated)
        live.busy_changed.connect(self._on_live_busy_changed)
        if live.result is not None:
            self._on_live_updated(live.result)
        else:
            self.status.setText("Analysing…")

    # ------------------------------------------------------------------ queries
    def top_items(self) -> list[QtWidgets.QTreeWidgetItem]:
        """The top-level rows, in order."""
        items = (self.tree.topLevelItem(k) for k in range(self.tree.topLevelItemCount()))
        return [it for it in items if it is not None]

    def rows(self) -> dict[str, str]:
        """The top-level rows as ``{heading: value}`` (what a user reads first)."""
        return {it.text(0): it.text(1) for it in self.top_items()}

    def row(self, heading: str) -> QtWidgets.QTreeWidgetItem | None:
        """The top-level row whose heading starts with ``heading``."""
        return next((it for it in self.top_items() if it.text(0).startswith(heading)), None)

    def click(self, item: QtWidgets.QTreeWidgetItem) -> None:
        """Act as a click on ``item`` (selects what it names)."""
        self.tree.setCurrentItem(item)
        self._on_tree_item_clicked(item, 0)

    # ------------------------------------------------------------------ building
    def _on_live_busy_changed(self, busy: bool) -> None:
        r = self.live.result
        if busy:
            self.status.setText("Updating…" if r is not None else "Analysing…")
        elif r is not None:
            self._show_status(r)

    def _show_status(self, r: AnalysisResult) -> None:
        if r.error:
            self.status.setText(f"Cannot analyse the graph: {r.error}")
            self.status.setStyleSheet("color: #c92a2a;")
        else:
            self.status.setText(f"{r.graph_name} on {r.workers} worker{'s' * (r.workers != 1)}: up to date")
            self.status.setStyleSheet("color: #555;")

    def _on_live_updated(self, r: AnalysisResult) -> None:
        self._show_status(r)
        expanded = {it.text(0) for it in self.top_items() if it.isExpanded()}
        self.tree.clear()
        a = r.analysis
        if a is None:
            self.words.setHtml(f"<p style='color:#c92a2a'>{html.escape(r.error)}</p>")
            return
        add = self._add
        add("Tasks", f"{a.n_tasks:,}", tip="Click to select every task", tasks=list(a.tasks))
        add("Edges", f"{a.n_edges:,} ({len(a.data_edges):,} carry data)")
        add("Workers", f"{a.n_workers}")
        work = add("Work", f"{fmt(a.total_work_mean)}",
                   tip="Sum of the tasks' execution times, averaged over the workers")
        self._child(work, "at the fastest times", fmt(a.total_work_min))
        cp = add("Critical path", f"{fmt(a.critical_path_length)}: {' → '.join(a.critical_path[:8])}"
                 + (" → …" if len(a.critical_path) > 8 else ""),
                 tip="The longest path with mean execution and transfer times; click to select it",
                 tasks=a.critical_path)
        self._task_rows(cp, a, a.critical_path, lambda times: f"b-level {fmt(times.b_level)}")
        exact = "" if a.width_exact else " (largest level; too many tasks for the exact width)"
        width = add("Width", f"{a.width} independent tasks{exact}",
                    tip="The most tasks no path joins: they may all run at once; click to select them",
                    tasks=a.max_antichain)
        self._task_rows(width, a, a.max_antichain, lambda times: f"level {times.level}, slack {fmt(times.slack)}")
        levels = add("Levels", f"{len(a.levels)}, the largest of {max(map(len, a.levels), default=0)} tasks",
                     tip="Level k: the longest chain of predecessors has k edges; the tasks of one level are "
                         "independent. The editor shows the level on each task with the levels overlay.")
        for k, lv in enumerate(a.levels[:LIST_LIMIT]):
            self._child(levels, f"level {k}", f"{len(lv)}: {_names(lv)}", tasks=lv)
        self._more(levels, len(a.levels))
        add("Parallelism", f"{a.average_parallelism:.3g} on average (work ÷ span)",
            tip="Total mean work divided by the longest chain of mean task times (communication left out): "
                "the most workers the graph keeps busy on average")
        add("CCR", f"{a.ccr:.3g}", tip="Communication-to-computation ratio: mean transfer time of an edge "
                                       "÷ mean execution time of a task")
        lb = add("Makespan bound", f"≥ {fmt(a.lower_bound)} on {a.n_workers} workers",
                 tip="No schedule on these workers can be shorter: the larger of the bounds below "
                     "(rounded up when every time is a whole number)")
        self._child(lb, "critical path, fastest times, no communication", fmt(a.critical_path_min_length),
                    tasks=a.critical_path_min)
        self._child(lb, f"fastest work ÷ {a.n_workers} workers", fmt(a.lower_bound_work))
        data = add("Data exchange", f"{len(a.data_edges):,} edges, {fmt(a.total_data)} in all",
                   tip="Edges carrying data, largest first; click one to select it",
                   edges=[(e.source, e.target) for e in a.data_edges])
        for e in a.data_edges[:LIST_LIMIT]:
            self._child(data, f"{e.source} → {e.target}", f"{fmt(e.data)} (mean time {fmt(e.mean_time)})",
                        edges=[(e.source, e.target)])
        self._more(data, len(a.data_edges))
        for it in self.top_items():
            if it.text(0) in expanded:
                it.setExpanded(True)
        self.words.setHtml("".join(f"<p>{html.escape(s.text)}</p>" for s in r.sentences))

    def _add(self, heading: str, value: str, *, tip: str = "", tasks: list[str] | None = None,
             edges: list[tuple[str, str]] | None = None) -> QtWidgets.QTreeWidgetItem:
        it = QtWidgets.QTreeWidgetItem([heading, value])
        f = it.font(0)
        f.setBold(True)
        it.setFont(0, f)
        self._decorate(it, tip, tasks, edges)
        self.tree.addTopLevelItem(it)
        return it

    def _child(self, parent: QtWidgets.QTreeWidgetItem, text: str, value: str, *,
               tasks: list[str] | None = None, edges: list[tuple[str, str]] | None = None) -> None:
        it = QtWidgets.QTreeWidgetItem([text, value])
        self._decorate(it, "", tasks, edges)
        parent.addChild(it)

    def _task_rows(self, parent: QtWidgets.QTreeWidgetItem, a, tasks: list[str], describe) -> None:
        """A row per task (up to :data:`LIST_LIMIT`, then how many more), valued ``describe(its times)``."""
        for t in tasks[:LIST_LIMIT]:
            times = a.tasks.get(t)
            self._child(parent, t, describe(times) if times else "", tasks=[t])
        self._more(parent, len(tasks))

    def _more(self, parent: QtWidgets.QTreeWidgetItem, total: int) -> None:
        if total > LIST_LIMIT:
            it = QtWidgets.QTreeWidgetItem([f"… {total - LIST_LIMIT:,} more", "(click the heading to select all)"])
            it.setForeground(0, QtGui.QColor("#666666"))
            parent.addChild(it)

    @staticmethod
    def _decorate(it: QtWidgets.QTreeWidgetItem, tip: str, tasks: list[str] | None,
                  edges: list[tuple[str, str]] | None) -> None:
        if tip:
            it.setToolTip(0, tip)
        value = it.text(1)
        it.setToolTip(1, f"{value}\n{tip}" if tip else value)
        if tasks or edges:
            it.setData(0, _SELECT, (list(tasks or []), list(edges or [])))
            it.setForeground(0, QtGui.QColor("#1c5fa8"))

    def _on_tree_item_clicked(self, item: QtWidgets.QTreeWidgetItem, _column: int) -> None:
        what = item.data(0, _SELECT)
        if not what:
            return
        tasks, edges = what
        self.document.select(tasks, edges)
