"""GraphML task graphs, read and written through networkx.

Node attribute ``cost`` (number) or ``costs`` (a string ``"14,16,9"``: GraphML has no
list type), edge attribute ``data``; ``x``, ``y`` and every other attribute are kept
(GraphML types: string, number, boolean). For files from other tools, a node
``weight`` / ``Weight`` is taken as the cost and an edge ``weight`` / ``Weight`` as the
data when ``cost`` / ``data`` are missing. Graph attributes are kept in
``graph.attrs``; a ``workers`` attribute (``"P1,P2"``, with ``speeds`` likewise) gives
the platform, ``bandwidth`` / ``latency`` / ``links`` the network (see
:mod:`model.formats.netattrs`). Writing leaves out the editor's edge ``route`` (bend
points valid only for the native file's positions).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError

import networkx as nx

from ..graph import GraphError, Platform, TaskGraph, Worker, check_number, shorten
from .jsonio import finite_only
from .netattrs import KEYS as NETWORK_KEYS
from .netattrs import network_attrs, network_from_attrs
from .textfile import check_in, lay_out_if_unplaced

__all__ = ["read", "write"]

_COST_ALIASES = ("cost", "weight", "Weight")
_DATA_ALIASES = ("data", "weight", "Weight")


def _split(text: str) -> list[str]:
    return [p for p in re.split(r"[,\s;]+", text.strip().strip("[]")) if p]


def from_networkx(h: nx.DiGraph, name: str = "untitled", where: str = "GraphML file") -> TaskGraph:
    """A :class:`TaskGraph` from a networkx digraph with GraphML-style attributes.

    Examples
    --------
    >>> h = nx.DiGraph(); h.add_node("a", cost=2.0); h.add_node("b", costs="1,2")
    >>> h.add_edge("a", "b", data=3.0)
    >>> g = from_networkx(h); g.costs("b"), g.data("a", "b")
    ([1.0, 2.0], 3.0)
    """
    if not h.is_directed():
        raise GraphError(f"{where}: the graph is undirected; a task graph needs directed edges")
    gattrs = {k: v for k, v in h.graph.items() if k not in ("node_default", "edge_default")}
    g = TaskGraph(str(gattrs.pop("name", "") or name))
    for n, a in h.nodes(data=True):
        extra = dict(a)
        if isinstance(extra.get("pin"), int) and not isinstance(extra["pin"], bool):
            # a pin key typed as a number (worker ids 1, 2, ...): worker ids are text
            extra["pin"] = str(extra["pin"])
        cost, costs = None, None
        if "costs" in extra:
            raw = extra.pop("costs")
            parts = _split(raw) if isinstance(raw, str) else list(raw) if isinstance(raw, (list, tuple)) else [raw]
            costs = []
            for k, p in enumerate(parts):
                try:
                    costs.append(check_number(float(p), f"{where}: cost #{k + 1} of task {str(n)!r}"))
                except (TypeError, ValueError):
                    raise GraphError(f"{where}: cost #{k + 1} of task {str(n)!r} must be a number, got {p!r}") from None
        for key in _COST_ALIASES:
            if key in extra:
                v = extra.pop(key)
                if costs is None:
                    cost = check_number(v, f"{where}: {key} of task {str(n)!r}")
                break
        g.add_task(str(n), cost, costs=costs, **extra)
    for u, v, a in h.edges(data=True):
        extra = dict(a)
        data = 0.0
        for key in _DATA_ALIASES:
            if key in extra:
                data = check_number(extra.pop(key), f"{where}: {key} of edge {str(u)!r} -> {str(v)!r}")
                break
        extra.pop("id", None)
        g.add_edge(str(u), str(v), data, **extra)
    workers = gattrs.pop("workers", None)
    speeds = gattrs.pop("speeds", None)
    network = network_from_attrs(gattrs, where)
    for key in NETWORK_KEYS:
        gattrs.pop(key, None)
    g.attrs.update(gattrs)
    if isinstance(workers, str) and workers.strip():
        ids = _split(workers)
        sp = _split(speeds) if isinstance(speeds, str) else []
        ws = []
        for k, w in enumerate(ids):
            s = 1.0
            if k < len(sp):
                try:
                    s = float(sp[k])
                except ValueError:
                    raise GraphError(f"{where}: speed of worker {shorten(w)} must be a number, got {shorten(sp[k])}") from None
            ws.append(Worker(w, s))
        g.platform = Platform(tuple(ws), network) if network is not None else Platform(tuple(ws))
    elif network is not None:
        if network.links:
            raise GraphError(f"{where}: 'links' needs a 'workers' graph attribute")
        g.network = network
    check_in(where, g.validate)
    lay_out_if_unplaced(g)
    return g


def read(path: str | os.PathLike[str]) -> TaskGraph:
    """Read a GraphML file as a task graph.

    Raises
    ------
    GraphError
        If the file is not GraphML, is undirected, or holds a bad cost / data / cycle.
    """
    p = Path(path)
    where = repr(p.name)
    try:
        h = nx.read_graphml(p, force_multigraph=False)
    except FileNotFoundError:
        raise GraphError(f"no such file: {str(p)!r}") from None
    except ParseError as e:
        raise GraphError(f"{where} is not valid XML: {e}") from None
    except nx.NetworkXError as e:
        raise GraphError(f"{where}: {e}") from None
    except OSError as e:
        raise GraphError(f"cannot read {str(p)!r}: {e.strerror}") from None
    except (ValueError, KeyError, TypeError) as e:
        raise GraphError(f"{where} is not a valid GraphML file: {e}") from None
    if h.is_multigraph():
        raise GraphError(f"{where}: the graph has parallel edges between the same tasks")
    return from_networkx(h, p.name.split(".")[0], where)


def _value(v: Any) -> Any:
    """A GraphML-writable value (lists and dicts become strings)."""
    if isinstance(v, (bool, int, float, str)):
        return v
    if isinstance(v, (list, tuple)):
        return ",".join(str(x) for x in v)
    return str(v)


def to_networkx(graph: TaskGraph) -> nx.DiGraph:
    """A networkx digraph with GraphML-writable attributes (inverse of :func:`from_networkx`)."""
    h = nx.DiGraph(name=graph.name)
    # free values that are no finite number are left out, as in JSON
    for k, v in finite_only(graph.attrs).items():
        h.graph[k] = _value(v)
    h.graph.update(network_attrs(graph))
    if graph.platform is not None:
        h.graph["workers"] = ",".join(graph.platform.ids)
        h.graph["speeds"] = ",".join(repr(w.speed) for w in graph.platform.workers)
    for n, a in graph.nx.nodes(data=True):
        out = {k: _value(v) for k, v in finite_only(a).items() if k not in ("cost", "costs")}
        if "costs" in a:
            out["costs"] = ",".join(repr(float(c)) for c in a["costs"])
        else:
            out["cost"] = float(a.get("cost", 0.0))
        h.add_node(n, **out)
    for u, v, a in graph.nx.edges(data=True):
        # "route" (the editor's bends, in the native file's coordinates) is a drawing hint only
        out = {k: _value(val) for k, val in finite_only(a).items() if k != "route"}
        out["data"] = float(a.get("data", 0.0))
        h.add_edge(u, v, **out)
    return h


def write(graph: TaskGraph, path: str | os.PathLike[str]) -> None:
    """Write a task graph as GraphML (costs lists as a ``"1.0,2.0"`` string attribute)."""
    from . import atomic_write

    h = to_networkx(graph)
    # GraphML types each key once: a key holding whole and decimal numbers is written
    # as decimal, and one mixing numbers and text as text
    for attr_dicts in ([a for _, a in h.nodes(data=True)], [a for *_, a in h.edges(data=True)]):
        kinds: dict[str, set[type]] = {}
        for a in attr_dicts:
            for k, v in a.items():
                kinds.setdefault(k, set()).add(type(v))
        for a in attr_dicts:
            for k in a:
                t = kinds[k]
                if len(t) > 1:
                    a[k] = float(a[k]) if t == {int, float} else str(a[k])
    text = "\n".join(nx.generate_graphml(h)) + "\n"
    atomic_write(path, text)
