"""The results panel and its parts: the comparison table, the progress lines, the search plot.

- :mod:`gui.results.panel`: :class:`ResultsPanel`, running algorithms and comparing them;
- :mod:`gui.results.table`: :class:`RunRow` and :class:`ResultsModel`, the comparison table;
- :mod:`gui.results.progress`: the progress line of a running algorithm;
- :mod:`gui.results.search_plot`: best makespan and bound of an anytime search over time.
"""

from .panel import ResultsPanel
from .search_plot import SearchPlot
from .table import COL, COLUMNS, ResultsModel, RunRow

__all__ = ["COL", "COLUMNS", "ResultsModel", "ResultsPanel", "RunRow", "SearchPlot"]
