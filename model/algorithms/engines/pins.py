"""Pins: tasks fixed to a worker (the task attribute ``pin``), and how every engine honours them.

The contract is :attr:`Instance.pin <model.instance.Instance.pin>`: ``pin[i]`` is the
worker index task ``i`` must run on, ``-1`` when the algorithm may choose. Engines
never look at the graph: they restrict the workers a pinned task may take and leave
every priority and rank as it is without pins.

* Engines that try workers one by one use :func:`candidates` (the pin alone, or the
  workers the algorithm would try).
* Vectorised engines add :func:`forbidden` (``inf`` on the workers a task may not use)
  to the task's times, so a minimum never picks them.
* Algorithms that choose a whole mapping first apply :func:`pin_assignment`, and
  load-balancing rules start from :func:`pinned_load`.
* Local search never reassigns a pinned task (:func:`movable`).

With no pin at all every function is a no-op and the results are those of the
unpinned algorithms.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ...instance import Instance

__all__ = [
    "candidates",
    "forbidden",
    "movable",
    "pin_assignment",
    "pin_violations",
    "pinned_load",
]


def candidates(inst: Instance, allowed: Sequence[Sequence[int]] | None = None) -> list[Sequence[int]] | None:
    """Workers each task may be tried on: its pin alone when pinned, else ``allowed[i]`` (else every worker).

    ``None`` when there is no restriction at all (no pin and no ``allowed``).

    Examples
    --------
    >>> from model.graph import TaskGraph, Platform
    >>> from model.instance import compile_instance
    >>> g = TaskGraph(); g.add_task("a", 1); g.add_task("b", 1); g.nx.nodes["b"]["pin"] = "P2"
    >>> inst = compile_instance(g, Platform.homogeneous(3))
    >>> candidates(inst)
    [range(0, 3), (1,)]
    """
    if not inst.pinned:
        return None if allowed is None else list(allowed)
    every = range(inst.m)
    out: list[Sequence[int]] = []
    for i, p in enumerate(inst.pin.tolist()):
        if p >= 0:
            out.append((p,))
        else:
            out.append(every if allowed is None else allowed[i])
    return out


def forbidden(inst: Instance) -> np.ndarray | None:
    """``(n, m)`` array: 0 where a task may run, ``inf`` where its pin forbids; ``None`` without pins.

    Added to execution or ready times, it keeps every minimum off the forbidden workers.
    """
    if not inst.pinned:
        return None
    out = np.zeros((inst.n, inst.m))
    rows = np.flatnonzero(inst.pin >= 0)
    out[rows] = np.inf
    out[rows, inst.pin[rows]] = 0.0
    return out


def pin_assignment(inst: Instance, assign: Sequence[int]) -> list[int]:
    """``assign`` with every pinned task moved to its pin."""
    out = [int(p) for p in assign]
    if inst.pinned:
        for i in np.flatnonzero(inst.pin >= 0).tolist():
            out[i] = int(inst.pin[i])
    return out


def pinned_load(inst: Instance) -> np.ndarray:
    """Execution time already bound to each worker by the pins (zeros without pins)."""
    load = np.zeros(inst.m)
    if inst.pinned:
        rows = np.flatnonzero(inst.pin >= 0)
        np.add.at(load, inst.pin[rows], inst.w[rows, inst.pin[rows]])
    return load


def movable(inst: Instance) -> list[bool]:
    """Whether local search may reassign each task (``False`` for a pinned one)."""
    return (inst.pin < 0).tolist()  # type: ignore[no-any-return]


def pin_violations(inst: Instance, assign: Sequence[int]) -> list[int]:
    """Pinned tasks that ``assign`` puts on another worker (empty for a mapping that honours the pins)."""
    if not inst.pinned:
        return []
    return [i for i in np.flatnonzero(inst.pin >= 0).tolist() if int(assign[i]) != int(inst.pin[i])]
