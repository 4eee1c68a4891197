"""Running the graph for real: the panel, the background job, and the trace-against-prediction view.

- :mod:`gui.runs.panel`: :class:`ExecutionPanel`, the "Run for real" dock;
- :mod:`gui.runs.execution`: :class:`ExecutionRunnable`, one run in a pool thread;
- :mod:`gui.runs.deviation`: :class:`DeviationView`, how a trace differs from its prediction.
"""

from .deviation import DeviationView, format_seconds
from .execution import ExecutionRunnable
from .panel import DYNAMIC, ExecutionPanel

__all__ = ["DYNAMIC", "DeviationView", "ExecutionPanel", "ExecutionRunnable", "format_seconds"]
