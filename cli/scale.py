"""``taskmapper scale``: makespan and speed-up against the number of workers."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from model.graph import GraphError

from .common import MAX_WORKERS, UsageError, load_graph_arg, nonneg_float, write_text

__all__ = ["algorithm_list", "register", "worker_list"]

SCALE_FORMATS = (".json", ".csv", ".png", ".svg", ".pdf")
DEFAULT_ALGORITHMS = "heft"


def worker_list(text: str) -> list[int]:
    """Argument type: ``1-16``, ``1,2,4,8`` or a mix, at most :data:`MAX_WORKERS`."""
    from model.scaling import parse_workers

    try:
        return parse_workers(text, limit=MAX_WORKERS)
    except GraphError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def algorithm_list(text: str) -> list[str]:
    """Argument type: comma-separated algorithm names (checked against the registry later)."""
    names = [a.strip().lower() for a in text.split(",")]
    if not all(names):
        raise argparse.ArgumentTypeError(f"expected names separated by commas, like heft,cpop, got {text!r}")
    return list(dict.fromkeys(names))


def check_output(out: str | None, formats: tuple[str, ...]) -> None:
    """Refuse, before any work, an output whose extension or folder is wrong."""
    if out is None or out == "-":
        return
    if not out.lower().endswith(formats):
        raise UsageError(f"output {out!r} must end in {', '.join(formats[:-1])} or {formats[-1]}")
    folder = Path(out).parent
    if str(folder) and not folder.is_dir():
        raise UsageError(f"cannot write {out!r}: folder {str(folder)!r} does not exist")


def cmd_scale(args: argparse.Namespace) -> int:
    from model.algorithms import get_algorithm
    from model.scaling import default_workers, scale, scaling_csv

    out = args.output
    check_output(out, SCALE_FORMATS)
    for name in args.algorithms:
        get_algorithm(name)  # an unknown name fails before the graph is read
    graph = load_graph_arg(args.graph)
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
