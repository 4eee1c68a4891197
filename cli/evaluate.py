"""``taskmapper evaluate``: time a hand mapping (a schedule file's workers and orders) on a graph."""

from __future__ import annotations

import argparse
from typing import Any

from model.graph import GraphError

from .common import MAX_WORKERS, load_graph_arg, platform_for, worker_count, write_schedule


def cmd_evaluate(args: argparse.Namespace) -> int:
    from model.mapping import HAND, TRACE, evaluate, load_mapping

    graph = load_graph_arg(args.graph)
    found = load_mapping(args.mapping)
    workers = args.workers
    if workers is None and graph.platform is None and found.workers:
        # the graph leaves its workers open: the mapping's worker list says how many
        if len(found.workers) > MAX_WORKERS:
            raise GraphError(f"the mapping lists {len(found.workers)} workers; at most {MAX_WORKERS}")
        workers = len(found.workers)
    platform = platform_for(graph, workers)
    # a recorded trace gives the mapping only; its re-timing is in cost units, not a trace
    algorithm = found.algorithm if found.algorithm not in (None, TRACE) else HAND
    sched = evaluate(graph, platform, found.mapping, algorithm=algorithm)
    write_schedule(sched, args.output)
    return 0


def register(sub: Any) -> None:
    """Add ``taskmapper evaluate`` to ``sub`` (argparse subparsers)."""
    s = sub.add_parser(
        "evaluate",
        help="time a hand mapping: each task as early as its worker's order and its inputs allow",
        description="Re-time a complete mapping. MAPPING is a schedule JSON whose slots give each task's "
        "worker; on each worker the tasks run in the order of their 'start' values (slots without one, or "
        "with equal ones, keep their order in the file). Durations come from the graph.",
    )
    s.add_argument("graph", metavar="GRAPH", help="task graph file (.json, .dot, .graphml, .stg, WfFormat .json)")
    s.add_argument("mapping", metavar="MAPPING", help="schedule JSON giving each task's worker and each worker's order")
    s.add_argument("--workers", "-w", type=worker_count,
                   help="number of workers when the graph lists none (default: the mapping's 'workers')")
    s.add_argument("-o", "--output", help="output .schedule.json (default: stdout)")
    s.set_defaults(func=cmd_evaluate)
