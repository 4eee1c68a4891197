"""``taskmapper codegen``: write a standalone Python program that runs a graph following a mapping."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from .common import (
    UsageError,
    algorithm_params,
    compute_schedule,
    load_graph_arg,
    nonneg_float,
    seed,
    worker_count,
    write_text,
)


def _platform_for_schedule(graph: Any, schedule: Any, workers: int | None) -> Any:
    """The workers a schedule file maps onto: ``--workers``, else the graph's, else the file's."""
    from model.graph import Platform, Worker

    if workers is not None or graph.platform is not None:
        return graph.default_platform(workers)
    net = graph.default_platform().network
    return Platform(tuple(Worker(w) for w in schedule.workers), net)


def cmd_codegen(args: argparse.Namespace) -> int:
    from model.codegen import generate_program, read_mapping

    out = args.output
    folder = Path(out).parent
    if out != "-" and str(folder) and not folder.is_dir():
        raise UsageError(f"cannot write {out!r}: folder {str(folder)!r} does not exist")
    graph = load_graph_arg(args.graph)
    if args.schedule is not None:
        schedule = read_mapping(args.schedule)
        platform = _platform_for_schedule(graph, schedule, args.workers)
    else:
        platform = graph.default_platform(args.workers)
        schedule = compute_schedule(graph, args.algorithm or "heft", args.workers, **algorithm_params(args))
    name = "program.py" if out == "-" else Path(out).name
    source = generate_program(graph, schedule, target=args.target, platform=platform,
                              time_scale=args.time_scale, program=name)
    write_text(source, out)
    if out != "-":
        mode = os.stat(out).st_mode
        os.chmod(out, mode | ((mode & 0o444) >> 2))  # executable where readable: it has a #! line
        print(f"{args.target} program following {schedule.algorithm} for {len(graph)} tasks on "
              f"{len(platform)} workers -> {out} (run: python {out} --trace run.json)", file=sys.stderr)
    return 0


def register(sub: Any) -> None:
    """Add ``taskmapper codegen`` to ``sub`` (argparse subparsers)."""
    from model.codegen import DEFAULT_TIME_SCALE, TARGETS

    s = sub.add_parser(
        "codegen", help="write a standalone Python program that runs a graph following a mapping",
        description="Write one standalone Python program (standard library only, or Dask) that runs the "
        "graph with each worker running its tasks in the schedule's order.",
    )
    s.add_argument("graph", help="task graph file (.json, .dot, .graphml, .stg, WfFormat .json)")
    g = s.add_mutually_exclusive_group()
    g.add_argument("--algorithm", "-a", help="follow this algorithm's mapping (default: heft)")
    g.add_argument("--schedule", "-s", metavar="FILE",
                   help="follow this schedule or trace instead (slots give each task's worker and order)")
    s.add_argument("--target", "-t", choices=list(TARGETS), default="threads",
                   help="how the program runs the workers (default: threads)")
    s.add_argument("--workers", "-w", type=worker_count, help="number of workers (default: the graph's)")
    s.add_argument("--seed", type=seed, help="seed for randomised algorithms (0 or more)")
    s.add_argument("--time-limit", type=nonneg_float, help="seconds for the exact / improving algorithms")
    s.add_argument("--time-scale", type=nonneg_float, default=DEFAULT_TIME_SCALE, metavar="SECONDS",
                   help=f"seconds of stand-in work per cost unit, baked into the program "
                   f"(default {DEFAULT_TIME_SCALE:g})")
    s.add_argument("-o", "--output", required=True, metavar="PROG.py", help="the program to write (- for stdout)")
    s.set_defaults(func=cmd_codegen)
