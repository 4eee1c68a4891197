"""Tie-breaking shared by every engine: the float tolerance of a tie and the topological position.

Two values are a tie when they differ by at most ``1e-9`` (relative for values above 1),
so rounding noise in sums of times never decides a choice; the remaining ties go to the
task earlier in the instance's topological order, then to the lower index.
"""

from __future__ import annotations

import numpy as np

from ...instance import Instance

__all__ = ["below", "topo_position", "within"]


def within(best: float) -> float:
    """Upper threshold for values that tie with ``best`` (absolute 1e-9, relative for large values).

    Examples
    --------
    >>> within(0.0)
    1e-09
    >>> within(1e12) - 1e12 > 1e-9
    True
    """
    return best + 1e-9 * max(1.0, abs(best))


def below(best: float) -> float:
    """Lower threshold: a value must be under it to beat ``best`` (the mirror of :func:`within`).

    Examples
    --------
    >>> below(10.0) < 10.0 < within(10.0)
    True
    """
    return best - 1e-9 * max(1.0, abs(best))


def topo_position(inst: Instance) -> np.ndarray:
    """Position of each task in ``inst.topo`` (used as the last, stable tie-break).

    Examples
    --------
    >>> from model.graph import TaskGraph, Platform
    >>> from model.instance import compile_instance
    >>> g = TaskGraph(); g.add_task("b", 1); g.add_task("a", 1); g.add_edge("a", "b")
    >>> topo_position(compile_instance(g, Platform.homogeneous(1))).tolist()
    [1, 0]
    """
    pos = np.empty(inst.n, dtype=np.int64)
    pos[np.asarray(inst.topo, dtype=np.int64)] = np.arange(inst.n)
    return pos
