"""The task-by-task part of the longest-path sweep of :mod:`~model.algorithms.engines.ranks` as a compiled kernel (numba).

Imported only when :func:`~model.algorithms.engines.compiled.wanted` said yes: importing
this module imports numba. The sweep goes level by level with numpy while the rounds are
wide, then task by task; on the layered graphs of the benchmarks a narrow level comes
early (level widths are drawn at random), so at 1,000,000 tasks most of the graph was
swept in Python (about 7 s). :func:`sweep_rest` is that loop, with the same sums and
maxima in the same order, so the values are the same to the last bit.
"""

from __future__ import annotations

import numba
import numpy as np

__all__ = ["sweep_rest"]


@numba.njit(cache=True)
def sweep_rest(
    order: np.ndarray, ptr: np.ndarray, nbr: np.ndarray, cost: np.ndarray, has_cost: bool,
    w: np.ndarray, out: np.ndarray, done: np.ndarray, up: bool, floor: float,
) -> None:  # pragma: no cover - compiled
    """Fill ``out[i]`` for every task of ``order`` not ``done``, in that order (see ``_sweep``)."""
    for i in order:
        if done[i]:
            continue
        best = floor
        for e in range(ptr[i], ptr[i + 1]):
            j = nbr[e]
            if up:
                v = cost[e] + out[j] if has_cost else out[j]
            else:
                v = out[j] + w[j] + cost[e] if has_cost else out[j] + w[j]
            if v > best:
                best = v
        out[i] = w[i] + best if up else best
