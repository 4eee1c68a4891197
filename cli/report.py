"""``taskmapper report``: one self-contained HTML or PDF document explaining the mapping of a graph."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from .common import algorithm_list, load_comparison_args, nonneg_float, worker_count

__all__ = ["register"]

REPORT_FORMATS = (".html", ".pdf")


#: for --help only: the list itself is gui.report.content.DEFAULT_ALGORITHMS (a test keeps both equal),
#: not imported here so that building the parser loads nothing of the report
DEFAULT_HELP = "heft,cpop,peft,etf,dls,minmin,maxmin,greedy,round-robin"


def cmd_report(args: argparse.Namespace) -> int:
    graph = load_comparison_args(args.graph, args.algorithms or [], args.output, REPORT_FORMATS)
    from gui.report import write_report

    content = write_report(graph, args.output, args.algorithms, workers=args.workers, time_limit=args.time_limit)
    best = content.schedules[content.best]
    print(f"report: {len(content.schedules)} algorithms on {len(content.platform)} workers, best schedule by {content.best} "
          f"(makespan {best.makespan:g}) -> {args.output}", file=sys.stderr)
    return 0


def register(sub: Any) -> None:
    """Add ``report`` to ``sub`` (argparse subparsers)."""
    s = sub.add_parser(
        "report",
        help="write one HTML or PDF document explaining the mapping of a graph",
        description="A self-contained report (pictures embedded): the graph, its analysis in plain words and "
        "numbers, the algorithms compared (makespan, speed-up, efficiency, SLR, gap to the lower bound), the "
        "Gantt charts of the best schedule and of HEFT, the parallelism profile and the speed-up curve. "
        "The HTML page embeds the 'taskmapper analyze --json' object in "
        "<script type=\"application/json\" id=\"taskmapper-analysis\">.",
    )
    s.add_argument("graph", help="task graph file (.json, .dot, .graphml, .stg, WfFormat .json)")
    s.add_argument("--algorithms", "-a", type=algorithm_list, metavar="A,B,...",
                   help=f"algorithms to compare, separated by commas (default: {DEFAULT_HELP}); "
                        "HEFT is always added as the reference")
    s.add_argument("--workers", "-w", type=worker_count, help="number of workers (default: the graph's)")
    s.add_argument("--time-limit", type=nonneg_float, metavar="S",
                   help="seconds for the searching algorithms (best, improve, optimal)")
    s.add_argument("-o", "--output", required=True, metavar="OUT", help="output .html or .pdf")
    s.set_defaults(func=cmd_report)
