"""Writing a standalone Python program that runs a task graph following a chosen mapping.

The design loop ends in code: :func:`generate_program` turns a graph and a schedule
(computed, hand-made or recorded) into one readable program for a target
(:data:`TARGETS`: ``threads``, ``processes``, ``dask``). The program needs only the
standard library (or Dask), never TaskMapper, and its ``--trace OUT.json`` writes what
ran as a schedule trace that :func:`model.formats.load_schedule` reads back.

Examples
--------
>>> from model.algorithms import get_algorithm
>>> from model.graph import TaskGraph
>>> g = TaskGraph("demo"); g.add_task("a", cost=2); g.add_task("b", cost=3); g.add_edge("a", "b", data=1)
>>> s = get_algorithm("heft").schedule(g, g.default_platform(2))
>>> src = generate_program(g, s, target="threads", platform=g.default_platform(2))
>>> "ThreadPoolExecutor(" in src and "import model" not in src
True
"""

from __future__ import annotations

from .plan import ProgramPlan, plan_program, read_mapping, submission_order, worker_orders
from .program import DEFAULT_TIME_SCALE, generate_program, program_names
from .targets import TARGETS, Target

__all__ = [
    "DEFAULT_TIME_SCALE",
    "TARGETS",
    "ProgramPlan",
    "Target",
    "generate_program",
    "plan_program",
    "program_names",
    "read_mapping",
    "submission_order",
    "worker_orders",
]
