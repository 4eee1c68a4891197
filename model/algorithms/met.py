"""MET: Minimum Execution Time."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import pairwise

import numpy as np

from ..instance import Instance
from .base import Algorithm, CancelToken, Placement, register
from .engines import eft_place


@register
class MET(Algorithm):
    """Minimum Execution Time: each task on the worker that runs it fastest.

    Tasks are taken one at a time in topological order (the order in which they could
    arrive) and each goes to a worker with the smallest execution time, whatever that
    worker's load — so on unrelated machines the fastest worker for a task gets it even
    when it is busy. Among workers tied on execution time (identical workers) the one
    finishing the task first wins; workers run their tasks back to back, as in the
    paper's machine model, and every transfer between workers is paid.

    References
    ----------
    T. D. Braun et al., "A comparison of eleven static heuristics for mapping a class of
    independent tasks onto heterogeneous distributed computing systems", Journal of
    Parallel and Distributed Computing 61(6), 2001 (heuristic "MET"); R. F. Freund et
    al., "Scheduling resources in multi-user, heterogeneous, computing environments with
    SmartNet", HCW 1998.

    Examples
    --------
    >>> from model.graph import TaskGraph, Platform
    >>> g = TaskGraph(); g.add_task("a", costs=[2, 3]); g.add_task("b", costs=[3, 100])
    >>> s = MET().schedule(g, Platform.homogeneous(2))
    >>> s.mapping(), s.makespan
    ({'a': 'P1', 'b': 'P1'}, 5.0)
    """

    name = "met"
    description = "MET: each task on its fastest worker, load ignored (Braun et al. 2001)"
    reference = "Braun et al., JPDC 61(6), 2001"
    family = "batch"

    def place(
        self, inst: Instance, cancel: CancelToken | None
    ) -> Iterator[Placement]:
        w = inst.w
        # the workers within the tie tolerance of each task's fastest time
        best = w.min(axis=1) if inst.n else np.zeros(0)
        lim = best + 1e-9 * np.maximum(1.0, np.abs(best))
        fast = w <= lim[:, None]
        ptr = np.zeros(inst.n + 1, dtype=np.int64)
        np.cumsum(fast.sum(axis=1), out=ptr[1:])
        cols = np.nonzero(fast)[1].tolist()
        bounds = ptr.tolist()
        allowed = [cols[a:b] for a, b in pairwise(bounds)]
        yield from eft_place(inst, list(inst.topo), cancel, insertion=False, allowed=allowed)
