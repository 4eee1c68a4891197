"""``taskmapper scale``: makespan and speed-up against the number of workers."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from .common import algorithm_list, load_comparison_args, nonneg_float, worker_list, write_text

__all__ = ["register"]

SCALE_FORMATS = (".json", ".csv", ".png", ".svg", ".pdf")
DEFAULT_ALGORITHMS = "heft"


def cmd_scale(args: argparse.Namespace) -> int:
    from model.scaling import default_workers, scale, scaling_csv

    out = args.output
    graph = load_comparison_args(args.graph, args.algorithms, out, SCALE_FORMATS)
    workers = args.workers if args.workers is not None else default_workers(graph)
    result = scale(graph, args.algorithms, workers, time_limit=args.time_limit)
    ext = Path(out).suffix.lower() if out not in (None, "-") else ".json"
    if ext == ".json":
        from model.formats import dumps_json

        write_text(dumps_json(result, indent=1), out)
    elif ext == ".csv":
        write_text(scaling_csv(result), out)
    else:
        from gui.report import write_scaling_picture

        write_scaling_picture(result, out)
    if out not in (None, "-"):
        best = {a: max(v for v in row if v is not None) for a, row in result["speedup"].items() if any(row)}
        summary = ", ".join(f"{a} up to {s:.3g}×" for a, s in best.items())
        print(f"scale: {len(workers)} worker counts, speed-up {summary} (bound {result['work'] / result['span']:.3g}×)"
              f" -> {out}" if result["span"] > 0 else f"scale: -> {out}", file=sys.stderr)
    return 0


def register(sub: Any) -> None:
    """Add ``scale`` to ``sub`` (argparse subparsers)."""
    s = sub.add_parser(
        "scale",
        help="makespan and speed-up against the number of workers",
        description="Map the graph onto 1, 2, ... identical workers of speed 1 (with the graph's network) and "
        "report makespan and speed-up (total work / makespan) with the bounds max(critical path, work / P). "
        "Per-worker costs are replaced by each task's mean cost (the output says so).",
    )
    s.add_argument("graph", help="task graph file (.json, .dot, .graphml, .stg, WfFormat .json)")
    s.add_argument("--algorithms", "-a", type=algorithm_list, default=[DEFAULT_ALGORITHMS], metavar="A,B,...",
                   help=f"algorithms to compare, separated by commas (default: {DEFAULT_ALGORITHMS}; "
                        "see 'taskmapper algorithms')")
    s.add_argument("--workers", "-w", type=worker_list, metavar="LIST",
                   help="numbers of workers: a range 1-16 or a list 1,2,4,8 (default: 1 to twice the graph's "
                        "workers, at least 1-8)")
    s.add_argument("--time-limit", type=nonneg_float, metavar="S",
                   help="seconds per point for the searching algorithms (best, improve, optimal)")
    s.add_argument("-o", "--output", metavar="OUT",
                   help="output by extension: .json, .csv, .png, .svg or .pdf (default: JSON on stdout)")
    s.set_defaults(func=cmd_scale)
