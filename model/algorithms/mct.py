"""MCT: Minimum Completion Time."""

from __future__ import annotations

from collections.abc import Iterator

from ..instance import Instance
from .base import Algorithm, CancelToken, Placement, register
from .engines import eft_place


@register
class MCT(Algorithm):
    """Minimum Completion Time: each task, in arrival order, on the worker finishing it first.

    Tasks are taken one at a time in topological order (immediate mode: no look at the
    tasks still to come) and each goes to the worker with the earliest completion time,
    counting the worker's availability, the arrival of the task's input data and its
    execution time there. Workers run tasks back to back by default, as in the paper's
    machine model. Unlike MET it may pick a worker that is not the fastest for the task.

    References
    ----------
    T. D. Braun et al., "A comparison of eleven static heuristics for mapping a class of
    independent tasks onto heterogeneous distributed computing systems", Journal of
    Parallel and Distributed Computing 61(6), 2001 (heuristic "MCT"); R. Armstrong,
    D. Hensgen, T. Kidd, "The relative performance of various mapping algorithms is
    independent of sizable variances in run-time predictions", HCW 1998.

    Parameters
    ----------
    insertion : bool
        Let a task use an idle gap before its worker's last task (default ``False``).

    Examples
    --------
    >>> from model.graph import TaskGraph, Platform
    >>> g = TaskGraph(); g.add_task("a", costs=[2, 3]); g.add_task("b", costs=[3, 100])
    >>> s = MCT().schedule(g, Platform.homogeneous(2))
    >>> s.mapping(), s.makespan
    ({'a': 'P1', 'b': 'P1'}, 5.0)
    """

    name = "mct"
    description = "MCT: tasks in arrival order, each on the worker completing it first (Braun et al. 2001)"
    reference = "Braun et al., JPDC 61(6), 2001"
    family = "batch"

    def place(
        self, inst: Instance, cancel: CancelToken | None
    ) -> Iterator[Placement]:
        insertion = bool(self.params.get("insertion", False))
        yield from eft_place(inst, list(inst.topo), cancel, insertion=insertion)
