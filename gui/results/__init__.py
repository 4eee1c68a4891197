"""The results panel and its parts: the comparison table, the progress lines, the search plot.

- :mod:`gui.results.panel`: :class:`ResultsPanel`, running algorithms and comparing them;
- :mod:`gui.results.table`: :class:`RunRow` and :class:`ResultsModel`, the comparison table;
- :mod:`gui.results.progress`: the progress line of a running algorithm;
- :mod:`gui.results.search_plot`: best makespan and bound of an anytime search over time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .panel import ResultsPanel
from .table import COL, COLUMNS, ResultsModel, RunRow

if TYPE_CHECKING:
    from .search_plot import SearchPlot

__all__ = ["COL", "COLUMNS", "ResultsModel", "ResultsPanel", "RunRow", "SearchPlot"]


def __getattr__(name: str) -> Any:
    # the search plot needs pyqtgraph, which the window loads only after it is on screen
    if name == "SearchPlot":
        from .search_plot import SearchPlot

        return SearchPlot
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
