"""``taskmapper algorithms``, ``schedule`` and ``export``: mapping a graph and showing the result."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from .common import (
    UsageError,
    add_mapping_opts,
    add_pin_opts,
    algorithm_params,
    apply_pins,
    compute_schedule,
    has_pins,
    load_graph_arg,
    load_run_graph_arg,
    platform_for,
    write_schedule,
)


def cmd_algorithms(args: argparse.Namespace) -> int:
    from model.algorithms import ALGORITHMS, load_all

    load_all()
    width = max(len(n) for n in ALGORITHMS)
    for name in sorted(ALGORITHMS):
        print(f"{name:<{width}}  {ALGORITHMS[name].description}")
    return 0


def cmd_schedule(args: argparse.Namespace) -> int:
    import gc

    from model.gcpause import paused_collection

    # one graph, one schedule, then the process ends: what it builds lives to the end,
    # and the cyclic collector would only rescan it (a tenth of the time at 100,000 tasks)
    with paused_collection():
        graph = load_run_graph_arg(args.graph, args.workers)
        if has_pins(args):
            apply_pins(graph, platform_for(graph, args.workers), args)
        sched = compute_schedule(graph, args.algorithm, args.workers, **algorithm_params(args))
        write_schedule(sched, args.output)
        # all that is alive now lives to the end: frozen, it is not walked by the collection
        # the end of the pause lets happen (1.5 s at 1,000,000 tasks, to free nothing)
        gc.freeze()
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    out = args.output
    if not out.lower().endswith((".png", ".svg", ".pdf")):
        raise UsageError(f"output {out!r} must end in .png, .svg or .pdf")
    if not Path(out).parent.is_dir() and str(Path(out).parent):
        raise UsageError(f"cannot write {out!r}: folder {str(Path(out).parent)!r} does not exist")
    from model.formats import is_schedule_file, load_schedule

    graph = None
    if is_schedule_file(args.input):
        if has_pins(args):
            raise UsageError(f"export: {args.input!r} is a schedule; --pin and --pins apply when mapping a graph")
        sched = load_schedule(args.input)
    else:
        graph = load_graph_arg(args.input)
        if has_pins(args):
            apply_pins(graph, platform_for(graph, args.workers), args)
        sched = compute_schedule(graph, args.algorithm, args.workers)
    from gui.export import export_schedule_image

    export_schedule_image(sched, out, graph=graph, scale=args.scale, title=args.title)
    print(f"wrote {out}", file=sys.stderr)
    return 0


def register(sub: Any) -> None:
    """Add the subcommands of this module to ``sub`` (argparse subparsers)."""
    s = sub.add_parser("algorithms", help="list the mapping algorithms", description="List the mapping "
                       "algorithms, one per line: the name (for --algorithm), then what it does.")
    s.set_defaults(func=cmd_algorithms)

    s = sub.add_parser("schedule", help="map a graph and write the schedule JSON")
    s.add_argument("graph", help="task graph file (.json, .dot, .graphml, .stg, WfFormat .json)")
    add_mapping_opts(s)
    add_pin_opts(s)
    s.add_argument("-o", "--output", help="output .schedule.json (default: stdout)")
    s.set_defaults(func=cmd_schedule)

    s = sub.add_parser("export", help="render a Gantt chart to PNG, SVG or PDF without a window")
    s.add_argument("input", help="a task graph (mapped first with --algorithm) or a schedule / trace")
    add_mapping_opts(s)
    add_pin_opts(s)
    s.add_argument("-o", "--output", required=True, help="output image (.png, .svg, .pdf)")
    s.add_argument("--scale", type=float, default=2.0, help="pixel scale of PNG images")
    s.add_argument("--title", help="chart title (default: graph, algorithm and makespan)")
    s.set_defaults(func=cmd_export)
