"""The network of a graph as flat graph attributes, for formats without nested data (DOT, GraphML).

``bandwidth`` and ``latency`` are numbers; per-pair ``links`` are a JSON text
``[["P1", "P2", bandwidth, latency], ...]``. A file without them gets the defaults
(bandwidth 1, latency 0), as before.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

from ..graph import GraphError, Network, TaskGraph, check_number, shorten

__all__ = ["KEYS", "network_attrs", "network_from_attrs"]

#: the graph attributes this module reads and writes
KEYS = ("bandwidth", "latency", "links")


def network_attrs(graph: TaskGraph) -> dict[str, Any]:
    """The graph attributes that describe ``graph``'s network (empty for the default network)."""
    net = graph.platform.network if graph.platform is not None else graph.network
    if net is None:
        return {}
    out: dict[str, Any] = {}
    if net.bandwidth != 1.0:
        out["bandwidth"] = net.bandwidth
    if net.latency != 0.0:
        out["latency"] = net.latency
    if net.links:
        out["links"] = json.dumps([[a, b, bw, lat] for (a, b), (bw, lat) in net.links.items()])
    return out


def _number(v: Any, what: str, allow_zero: bool) -> float:
    if isinstance(v, str):
        try:
            v = float(v.strip())
        except ValueError:
            raise GraphError(f"{what} must be a number, got {shorten(v)}") from None
    if isinstance(v, float) and math.isnan(v):
        raise GraphError(f"{what} must be a number, got nan")
    return check_number(v, what, allow_zero=allow_zero)


def network_from_attrs(attrs: Mapping[str, Any], where: str) -> Network | None:
    """The network described by graph attributes, or ``None`` when they name none.

    Raises
    ------
    GraphError
        When a value is not a number or ``links`` is not the JSON list described above.
    """
    if not any(k in attrs for k in KEYS):
        return None
    bw = _number(attrs.get("bandwidth", 1.0), f"{where}: network bandwidth", False)
    lat = _number(attrs.get("latency", 0.0), f"{where}: network latency", True)
    links: dict[tuple[str, str], tuple[float, float]] = {}
    if "links" in attrs:
        bad = f"{where}: 'links' must be a JSON list of [source, target, bandwidth, latency]"
        try:
            items = json.loads(str(attrs["links"]))
        except (ValueError, RecursionError):
            raise GraphError(bad) from None
        if not isinstance(items, list):
            raise GraphError(bad)
        for item in items:
            if not isinstance(item, list) or len(item) != 4 or not all(isinstance(x, str) for x in item[:2]):
                raise GraphError(bad)
            a, b = item[0], item[1]
            links[(a, b)] = (_number(item[2], f"{where}: bandwidth of link {a}->{b}", False),
                             _number(item[3], f"{where}: latency of link {a}->{b}", True))
    return Network(bw, lat, links)
