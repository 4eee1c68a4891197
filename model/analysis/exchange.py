"""Data exchange: the edges whose tasks send each other data, and how long that takes."""

from __future__ import annotations

from dataclasses import dataclass

from ..graph import Platform, TaskGraph
from ..instance import compile_instance

__all__ = ["DataEdge", "data_exchange_edges"]


@dataclass(frozen=True)
class DataEdge:
    """An edge whose tasks exchange data.

    Attributes
    ----------
    source, target : str
        The tasks.
    data : float
        Volume sent.
    mean_time : float
        Transfer time averaged over the ordered pairs of distinct workers (0 when a
        platform was not given or has one worker).
    """

    source: str
    target: str
    data: float
    mean_time: float = 0.0


def data_exchange_edges(graph: TaskGraph, platform: Platform | None = None) -> list[DataEdge]:
    """The edges that carry data (``data > 0``), largest volume first.

    Parameters
    ----------
    graph : TaskGraph
        The graph (not modified).
    platform : Platform, optional
        Used for the mean transfer time of each edge; without it, ``mean_time`` is 0.

    Examples
    --------
    >>> g = TaskGraph(); g.add_task("a"); g.add_task("b"); g.add_task("c")
    >>> g.add_edge("a", "b", data=2); g.add_edge("a", "c", data=0)
    >>> data_exchange_edges(g, Platform.homogeneous(2, bandwidth=2))
    [DataEdge(source='a', target='b', data=2.0, mean_time=1.0)]
    """
    inst = compile_instance(graph, platform) if platform is not None else None
    out = []
    for u, v, a in graph.nx.edges(data=True):
        d = float(a.get("data", 0.0))
        if d > 0:
            out.append(DataEdge(u, v, d, inst.mean_comm(d) if inst is not None else 0.0))
    out.sort(key=lambda e: -e.data)
    return out
