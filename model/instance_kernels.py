"""Compiled kernels (numba) of :mod:`model.instance`, for big graphs.

Imported only when :func:`model.algorithms.engines.compiled.wanted` says so: numba's import
costs a process most of a second, which a small graph never pays.
"""

from __future__ import annotations

import numba
import numpy as np

__all__ = ["kahn_order"]


@numba.njit(cache=True)
def _kahn(n: int, succ_ptr: np.ndarray, succ_idx: np.ndarray) -> np.ndarray:  # pragma: no cover - compiled
    indeg = np.zeros(n, dtype=np.int64)
    for k in range(len(succ_idx)):
        indeg[succ_idx[k]] += 1
    order = np.empty(n, dtype=np.int64)
    size = 0
    for i in range(n):
        if indeg[i] == 0:
            order[size] = i
            size += 1
    k = 0
    while k < size:
        i = order[k]
        k += 1
        for e in range(succ_ptr[i], succ_ptr[i + 1]):
            j = succ_idx[e]
            indeg[j] -= 1
            if indeg[j] == 0:
                order[size] = j
                size += 1
    return order[:size]


def kahn_order(n: int, succ_ptr: np.ndarray, succ_idx: np.ndarray) -> np.ndarray:
    """Kahn's algorithm with a FIFO queue, as :func:`model.instance.topological_order`:
    the same order, shorter than ``n`` on a cycle.

    Examples
    --------
    >>> import numpy as np
    >>> kahn_order(3, np.array([0, 0, 1, 1]), np.array([0])).tolist()
    [1, 2, 0]
    """
    return _kahn(n, np.ascontiguousarray(succ_ptr, dtype=np.int64),
                 np.ascontiguousarray(succ_idx, dtype=np.int64))
