"""HCPT: Heterogeneous Critical Parent Trees."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from ..instance import Instance
from .base import Algorithm, CancelToken, Placement, check_cancel, register
from .engines import eft_place, t_level, topo_position
from .engines.ranks import _sweep


def average_start_times(inst: Instance) -> tuple[np.ndarray, np.ndarray]:
    """``(AEST, ALST)``: average earliest and latest start times of every task.

    With mean execution times ``w̄`` and mean transfer times ``c̄``:
    ``AEST(i) = max_{j ∈ pred(i)} AEST(j) + w̄_j + c̄_ji`` (0 for an entry) and
    ``ALST(i) = min_{j ∈ succ(i)} (ALST(j) - c̄_ij) - w̄_i``, where an exit task has
    ``ALST = CP - w̄_i`` and ``CP`` is the length of the longest path (as if every exit
    fed one zero-cost exit node; with a single exit this is ``ALST = AEST``).

    Examples
    --------
    >>> from model.graph import TaskGraph, Platform
    >>> from model.instance import compile_instance
    >>> g = TaskGraph()
    >>> for t, c in [("a", 2), ("b", 3), ("c", 1)]: g.add_task(t, c)
    >>> g.add_edge("a", "b", 1); g.add_edge("a", "c", 1)
    >>> aest, alst = average_start_times(compile_instance(g, Platform.homogeneous(2)))
    >>> aest.tolist(), alst.tolist()
    ([0.0, 3.0, 3.0], [0.0, 3.0, 5.0])
    """
    wbar = inst.mean_w()
    comm = inst.mean_comm_array(inst.succ_dat)
    aest = t_level(inst, wbar, comm)
    cp = float((aest + wbar).max()) if inst.n else 0.0
    # ALST(i) = min(CP, min_j ALST(j) - c̄_ij) - w̄_i is, negated, a b-level whose
    # maximum starts at -CP (negation is exact, so these are the same numbers)
    alst = 0.0 - _sweep(inst, wbar, comm, True, floor=-cp)  # 0.0 - x: no negative zeros
    return aest, alst


def hcpt_order(inst: Instance, cancel: CancelToken | None = None) -> list[int]:
    """The listing phase of HCPT: a topological order led by the critical tasks.

    Critical tasks (``AEST = ALST``, see :func:`average_start_times`) are pushed on a
    stack by decreasing ALST, on top of one zero-cost node standing for the end of the
    graph (the parent of every exit). Then, while the stack is not empty: if its top
    has a parent not yet listed, the unlisted parent of smallest ALST is pushed;
    otherwise the top is popped and appended to the list. Ties (equal ALST) go to the
    task earlier in topological order.

    Examples
    --------
    >>> from model.graph import TaskGraph, Platform
    >>> from model.instance import compile_instance
    >>> g = TaskGraph()
    >>> for t, c in [("a", 5), ("b", 1), ("d", 1), ("e", 4)]: g.add_task(t, c)
    >>> g.add_edge("a", "b", 1); g.add_edge("b", "d", 1); g.add_edge("e", "d", 1)
    >>> inst = compile_instance(g, Platform.homogeneous(2))
    >>> [inst.tasks[i] for i in hcpt_order(inst)]
    ['a', 'b', 'e', 'd']
    """
    n = inst.n
    aest, alst = average_start_times(inst)
    pos = topo_position(inst).tolist()
    span = float(np.abs(alst).max()) if n else 0.0
    tol = 1e-9 * max(1.0, span)
    critical = [i for i in range(n) if abs(aest[i] - alst[i]) <= tol]
    key = alst.tolist()
    end = n  # the node standing for the end of the graph
    parents = [sorted(p, key=lambda j: (key[j], pos[j])) for p in inst.preds]
    parents.append(sorted((i for i in range(n) if not inst.succs[i]), key=lambda j: (key[j], pos[j])))
    nxt = [0] * (n + 1)
    listed = [False] * (n + 1)
    stack = [end, *sorted(critical, key=lambda j: (-key[j], -pos[j]))]
    order: list[int] = []
    step = 0
    while stack:
        if step & 1023 == 0:
            check_cancel(cancel)
        step += 1
        top = stack[-1]
        if listed[top]:
            stack.pop()
            continue
        ps, k = parents[top], nxt[top]
        while k < len(ps) and listed[ps[k]]:
            k += 1
        nxt[top] = k
        if k < len(ps):
            stack.append(ps[k])
        else:
            stack.pop()
            listed[top] = True
            if top != end:
                order.append(top)
    return order


@register
class HCPT(Algorithm):
    """Heterogeneous Critical Parent Trees list scheduling.

    Listing phase (:func:`hcpt_order`): the critical tasks, whose average earliest and
    latest start times are equal, are taken in path order, each preceded by its
    not-yet-listed ancestors, the most urgent (smallest average latest start) first —
    the "critical parent trees". Assignment phase: each task in the list goes to the
    worker finishing it earliest, using the earliest idle gap that fits (insertion).

    References
    ----------
    T. Hagras, J. Janeček, "A simple scheduling heuristic for heterogeneous computing
    environments", Proc. 2nd International Symposium on Parallel and Distributed
    Computing (ISPDC), 2003.

    Examples
    --------
    >>> from model.graph import TaskGraph, Platform
    >>> g = TaskGraph(); g.add_task("a", 2); g.add_task("b", 3); g.add_task("c", 1)
    >>> g.add_edge("a", "b", 1); g.add_edge("a", "c", 1)
    >>> HCPT().schedule(g, Platform.homogeneous(2)).makespan
    5.0
    """

    name = "hcpt"
    description = "HCPT: critical tasks with their parent trees listed first, earliest finish with insertion (Hagras & Janeček 2003)"
    reference = "Hagras, Janeček, Proc. ISPDC 2003"
    family = "list"

    def place(
        self, inst: Instance, cancel: CancelToken | None
    ) -> Iterator[Placement]:
        yield from eft_place(inst, hcpt_order(inst, cancel), cancel, insertion=True)
