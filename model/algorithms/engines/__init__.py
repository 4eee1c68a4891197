"""Building blocks of the algorithms, one module per kind of block.

======================  =====================================================================
``ties``                tie tolerance (:func:`within`, :func:`below`) and topological position
``timeline``            :class:`Timeline`: a worker's busy intervals and its idle gaps
``ranks``               longest paths (t-level, b-level), upward / downward rank, static level,
                        priority orders
``bounds``              :func:`lower_bound` on the makespan of an instance
``budget``              :class:`Deadline` of the anytime algorithms, the schedule always in time
``eft``                 placement in a fixed order: earliest finish (HEFT's rule), a fixed
                        mapping, earliest start
``ready``               engines over the ready set: priority queue, best (task, worker) pair,
                        :class:`ReadyBatch`
``batch``               the Min-Min / Max-Min engine
``clusters``            clusters merged onto workers and timed
``localsearch``         re-timing of a mapping and the local search of ``improve`` / ``best``
``cpsat``               the CP-SAT model of ``optimal`` / ``best`` (OR-Tools, imported lazily)
``pins``                how every engine honours tasks pinned to a worker
``compiled``            whether a run uses the compiled kernels below (from 200,000 task-worker
                        pairs; ``TASKMAPPER_COMPILED=always|never`` overrides), numba loaded lazily
``eft_kernel``          ``eft``'s placement loop compiled, the same rules step by step
``ranks_kernel``        the task-by-task part of the upward-rank sweep compiled
``lookahead_kernel``    Lookahead's placement loop compiled
``lc_kernel``           linear clustering (LC) compiled
``warm``                every kernel compiled once ahead of its first use (run by the install)
======================  =====================================================================

The kernels are not imported from here: each engine imports its kernel only when
``compiled`` says a run wants it, so a small graph never loads numba.

Everything listed in ``__all__`` is public: code outside :mod:`model.algorithms`
(the analysis, the execution engine) imports it from here.
"""

from __future__ import annotations

from .batch import batch_place
from .bounds import assignment_bound, integral_times, lower_bound
from .budget import Deadline, finish_reserve, search_pays, serial_placements
from .clusters import map_clusters, place_clusters
from .eft import best_finish, eft_place, place_assigned, static_order_place
from .localsearch import (
    START_FROM,
    Chains,
    Timer,
    best_heuristic,
    changed,
    from_placements,
    frugal_heft,
    improve_placements,
    local_search,
    makespan_of,
    to_placements,
)
from .pins import candidates, forbidden, movable, pin_assignment, pin_violations, pinned_load
from .ranks import (
    b_level,
    downward_rank,
    longest_paths,
    mean_comm_coefficients,
    mean_edge_times,
    placement_order,
    priority_topological_order,
    static_level,
    t_level,
    upward_rank,
)
from .ready import Chooser, ReadyBatch, pair_place, ready_queue_place
from .ties import below, topo_position, within
from .timeline import Timeline

__all__ = [
    "START_FROM",
    "Chains",
    "Chooser",
    "Deadline",
    "ReadyBatch",
    "Timeline",
    "Timer",
    "assignment_bound",
    "b_level",
    "batch_place",
    "below",
    "best_finish",
    "best_heuristic",
    "candidates",
    "changed",
    "downward_rank",
    "eft_place",
    "finish_reserve",
    "forbidden",
    "from_placements",
    "frugal_heft",
    "improve_placements",
    "integral_times",
    "local_search",
    "longest_paths",
    "lower_bound",
    "makespan_of",
    "map_clusters",
    "mean_comm_coefficients",
    "mean_edge_times",
    "movable",
    "pair_place",
    "pin_assignment",
    "pin_violations",
    "pinned_load",
    "place_assigned",
    "place_clusters",
    "placement_order",
    "priority_topological_order",
    "ready_queue_place",
    "search_pays",
    "serial_placements",
    "static_level",
    "static_order_place",
    "t_level",
    "to_placements",
    "topo_position",
    "upward_rank",
    "within",
]
