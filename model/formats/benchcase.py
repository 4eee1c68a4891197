"""Benchmark cases with communication and a known optimum (``optimal-comm/case-NN.json``).

These files use their own small layout rather than the task-graph format::

    {"name": "case-00", "workers": 2, "heterogeneous": false, "ccr": 0.5,
     "tasks": [{"id": "t0", "costs": [12, 12]}, ...],
     "edges": [{"source": "t0", "target": "t2", "comm": 7}, ...],
     "best_makespan": 59, "lower_bound": 59, "proven_optimal": true}

Task ``i`` takes ``costs[p]`` on worker ``p``; an edge delays its target by ``comm``
only when its two tasks run on different workers. That is the task-graph model with
``workers`` identical-network workers of bandwidth 1 and latency 0 and ``data = comm``.
The optimum figures are kept in :attr:`TaskGraph.attrs`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ..graph import GraphError, Platform, TaskGraph, check_number, shorten
from .jsonio import json_objects

__all__ = ["graph_from_dict", "read"]

_INFO_KEYS = ("best_makespan", "lower_bound", "proven_optimal", "ccr", "heterogeneous")


def graph_from_dict(d: Any, name: str = "case") -> TaskGraph:
    """Convert a parsed benchmark case into a :class:`TaskGraph` with its platform.

    Parameters
    ----------
    d : dict
        The parsed JSON of one case.
    name : str
        Graph name when the case has none.

    Returns
    -------
    TaskGraph
        With ``platform`` = ``workers`` workers ``P1..Pn`` (bandwidth 1, latency 0) and
        ``attrs`` holding ``best_makespan``, ``lower_bound``, ``proven_optimal``, ``ccr``
        and ``heterogeneous`` when present.

    Raises
    ------
    GraphError
        On a malformed case; the message names the task or edge.

    Examples
    --------
    >>> g = graph_from_dict({"name": "c", "workers": 2,
    ...     "tasks": [{"id": "a", "costs": [3, 4]}, {"id": "b", "costs": [2, 2]}],
    ...     "edges": [{"source": "a", "target": "b", "comm": 5}], "best_makespan": 5})
    >>> g.costs("a"), g.data("a", "b"), len(g.platform), g.attrs["best_makespan"]
    ([3.0, 4.0], 5.0, 2, 5)
    """
    if not isinstance(d, dict):
        raise GraphError("a benchmark case must be a JSON object")
    workers = d.get("workers")
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise GraphError(f"'workers' must be a positive whole number, got {shorten(workers)}")
    g = TaskGraph(str(d.get("name") or name), Platform.homogeneous(workers, bandwidth=1.0, latency=0.0))
    for _, t in json_objects(d, "tasks", "task", ("id",)):
        if "costs" in t:
            costs = t["costs"]
            if not isinstance(costs, list) or len(costs) != workers:
                raise GraphError(f"task {shorten(t['id'])} must have {workers} costs, one per worker")
            g.add_task(str(t["id"]), costs=costs)
        elif "cost" in t:
            g.add_task(str(t["id"]), costs=[check_number(t["cost"], f"cost of task {shorten(t['id'])}")] * workers)
        else:
            raise GraphError(f"task {shorten(t['id'])} has no 'costs'")
    for _, e in json_objects(d, "edges", "edge", ("source", "target"), default=[]):
        g.add_edge(str(e["source"]), str(e["target"]), data=e.get("comm", 0))
    g.attrs.update({k: d[k] for k in _INFO_KEYS if k in d})
    g.validate()
    return g


def read(path: str | os.PathLike[str]) -> TaskGraph:
    """Read one benchmark case file (see :func:`graph_from_dict`).

    Examples
    --------
    >>> import json, tempfile, os
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     p = os.path.join(tmp, "case-x.json")
    ...     _ = open(p, "w").write(json.dumps({"workers": 1, "tasks": [{"id": "a", "costs": [2]}]}))
    ...     read(p).name
    'case-x'
    """
    from . import load_json

    p = Path(path)
    return graph_from_dict(load_json(p), name=p.name.split(".")[0])
