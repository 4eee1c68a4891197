"""``taskmapper convert``, ``analyze`` and ``generate``: graph files in and out."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from .common import (
    UsageError,
    load_graph_arg,
    parse_value,
    platform_for,
    positive_int,
    worker_count,
    write_text,
)


def cmd_convert(args: argparse.Namespace) -> int:
    from model.formats import (
        SCHEDULE_SUFFIXES,
        is_schedule_file,
        load_graph,
        load_schedule,
        save_graph,
        save_schedule,
    )

    src, dst = args.input, args.output
    schedule_in = args.trace or is_schedule_file(src)
    if schedule_in and (not dst.lower().endswith(".json") or dst.lower().endswith(".taskgraph.json")):
        what = "a WfFormat execution" if args.trace else f"{src!r} is a schedule; it"
        raise UsageError(f"{what} can be written only as .schedule.json or .trace.json, "
                         f"not {Path(dst).name!r}")
    if args.trace:
        from model.formats import wfformat

        sched = wfformat.read_trace(src)
        save_schedule(sched, dst)
    elif schedule_in or dst.lower().endswith(SCHEDULE_SUFFIXES):
        if not schedule_in:
            raise UsageError(f"{src!r} is a task graph; it cannot be converted to a schedule "
                             "(use 'schedule')")
        sched = load_schedule(src)
        save_schedule(sched, dst)
    else:
        graph = load_graph(src)
        save_graph(graph, dst)
        print(f"{len(graph)} tasks, {graph.nx.number_of_edges()} edges -> {dst}", file=sys.stderr)
        return 0
    print(f"schedule of {len(sched.slots) if args.trace else len(load_schedule(dst).slots)} tasks -> {dst}",
          file=sys.stderr)
    return 0


def cmd_analyze(args: argparse.Namespace) -> int:
    from model import analysis
    from model.formats import dumps_json

    graph = load_graph_arg(args.graph)
    plat = platform_for(graph, args.workers)
    rep = analysis.analyze(graph, plat)
    if args.json:
        write_text(dumps_json(rep.to_dict(), indent=1), args.output)
    else:
        write_text(rep.to_text(), args.output)
    return 0


def cmd_generate(args: argparse.Namespace) -> int:
    from model import generators
    from model.formats import SCHEDULE_SUFFIXES, save_graph

    params: dict[str, Any] = {}
    for item in args.param or []:
        if "=" not in item:
            raise UsageError(f"parameter {item!r} must look like NAME=VALUE")
        k, v = item.split("=", 1)
        params[k.replace("-", "_")] = parse_value(v)
    if args.tasks is not None:
        params["n"] = args.tasks
    seed = params.pop("seed", args.seed)
    if not isinstance(seed, int):
        raise UsageError(f"seed must be a whole number, got {seed!r}")
    if args.output.lower().endswith(SCHEDULE_SUFFIXES):
        raise UsageError(f"{args.output!r} names a schedule; write the graph as .json, .dot, .graphml or .stg")
    graph = generators.generate(args.kind, seed=seed, **params)
    save_graph(graph, args.output)
    print(f"{args.kind}: {len(graph)} tasks, {graph.nx.number_of_edges()} edges -> {args.output}", file=sys.stderr)
    return 0


def register(sub: Any) -> None:
    """Add the subcommands of this module to ``sub`` (argparse subparsers)."""
    s = sub.add_parser("convert", help="convert between graph / schedule formats (by extension)")
    s.add_argument("input", help="graph (.json, .dot, .graphml, .stg, WfFormat .json) or schedule / trace")
    s.add_argument("-o", "--output", required=True,
                   help="output file; its extension picks the format (.json, .dot, .graphml, .stg, "
                   ".schedule.json, .trace.json)")
    s.add_argument("--trace", action="store_true", help="WfFormat in: write its recorded execution as a schedule")
    s.set_defaults(func=cmd_convert)

    s = sub.add_parser("analyze", help="report independent tasks, data exchange, critical path, bounds")
    s.add_argument("graph", help="task graph file")
    s.add_argument("--workers", "-w", type=worker_count, help="number of workers (default: the graph's)")
    s.add_argument("--json", action="store_true", help="machine-readable JSON")
    s.add_argument("-o", "--output", help="write the report here (default: stdout)")
    s.set_defaults(func=cmd_analyze)

    s = sub.add_parser("generate", help="generate a benchmark task graph")
    s.add_argument("kind", help="layered, fork-join, in-tree, out-tree, series-parallel, gaussian, fft, montage, ...")
    s.add_argument("--tasks", "-n", type=positive_int, help="approximate number of tasks")
    s.add_argument("--seed", type=int, default=0, help="seed of the random choices")
    s.add_argument("--param", "-p", action="append", metavar="NAME=VALUE", help="generator parameter (repeatable)")
    s.add_argument("-o", "--output", required=True, help="output graph file (.json, .dot, .graphml, .stg)")
    s.set_defaults(func=cmd_generate)
