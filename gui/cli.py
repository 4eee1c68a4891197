"""The ``taskmapper`` command.

Scripted use must start fast: this module imports neither Qt nor pyqtgraph. Only the
app (``taskmapper [FILE]``) and ``taskmapper export`` load them, lazily.

Exit status: 0 on success, 2 on bad input or usage with one line on stderr naming
the problem, 130 when interrupted.
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from model.graph import GraphError, Platform, TaskGraph
from model.schedule import ScheduleError

SCHEDULE_SUFFIXES = (".schedule.json", ".trace.json")


class UsageError(Exception):
    """Bad input or usage: printed as one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # one line on stderr, no usage dump: the contract asks for a single line
        raise UsageError(f"{self.prog}: {message}")


def _positive_int(text: str) -> int:
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if v < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {v}")
    return v


def _seed(text: str) -> int:
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if v < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {v}")
    return v


#: the most workers a command-line run maps onto (a platform holds worker-by-worker matrices)
MAX_WORKERS = 4096


def _worker_count(text: str) -> int:
    v = _positive_int(text)
    if v > MAX_WORKERS:
        raise argparse.ArgumentTypeError(f"at most {MAX_WORKERS} workers, got {v}")
    return v


def _nonneg_float(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not v >= 0 or v == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a non-negative number, got {text!r}")
    return v


# ----------------------------------------------------------------------- helpers
def load_graph_arg(path: str) -> TaskGraph:
    """Read a graph named on the command line."""
    from model.formats import load_graph

    return load_graph(path)


def platform_for(graph: TaskGraph, workers: int | None) -> Platform:
    """The platform for a run: ``--workers`` wins, then the graph's own workers."""
    return graph.default_platform(workers)


def is_schedule_file(path: str) -> bool:
    """Whether ``path`` holds a schedule or trace rather than a graph."""
    low = path.lower()
    if low.endswith(SCHEDULE_SUFFIXES):
        return True
    if low.endswith(".json"):
        try:
            with open(path, encoding="utf-8-sig", errors="replace") as f:
                head = f.read(4096)
        except OSError:
            # the reader that follows names the problem
            return False
        return '"taskmapper-schedule"' in head or '"traceEvents"' in head or head.lstrip().startswith("[")
    return False


def compute_schedule(graph: TaskGraph, algorithm: str, workers: int | None, **params: Any):
    """Run a registered algorithm on a graph."""
    from model.algorithms import get_algorithm

    alg = get_algorithm(algorithm, **params)
    return alg.schedule(graph, platform_for(graph, workers))


def _write_text(text: str, out: str | None) -> None:
    if out is None or out == "-":
        sys.stdout.write(text)
        return
    from model.formats import atomic_write

    atomic_write(out, text)


# ---------------------------------------------------------------------- commands
def cmd_algorithms(args: argparse.Namespace) -> int:
    from model.algorithms import ALGORITHMS, load_all

    load_all()
    width = max(len(n) for n in ALGORITHMS)
    for name in sorted(ALGORITHMS):
        print(f"{name:<{width}}  {ALGORITHMS[name].description}")
    return 0


def _algorithm_params(args: argparse.Namespace) -> dict[str, Any]:
    params: dict[str, Any] = {}
    if getattr(args, "seed", None) is not None:
        params["seed"] = args.seed
    if getattr(args, "time_limit", None) is not None:
        params["time_limit"] = args.time_limit
    return params


def cmd_schedule(args: argparse.Namespace) -> int:
    from model.formats.native import schedule_to_dict

    graph = load_graph_arg(args.graph)
    sched = compute_schedule(graph, args.algorithm, args.workers, **_algorithm_params(args))
    if args.output and args.output.lower().endswith(".trace.json"):
        from model.formats import save_schedule

        save_schedule(sched, args.output)
    else:
        _write_text(json.dumps(schedule_to_dict(sched), indent=1) + "\n", args.output)
    if args.output not in (None, "-"):
        print(f"{sched.algorithm}: makespan {sched.makespan:g} on {len(sched.workers)} workers -> {args.output}",
              file=sys.stderr)
    return 0


def cmd_convert(args: argparse.Namespace) -> int:
    from model.formats import load_graph, load_schedule, save_graph, save_schedule

    src, dst = args.input, args.output
    schedule_in = args.trace or is_schedule_file(src)
    if schedule_in and (not dst.lower().endswith(".json") or dst.lower().endswith(".taskgraph.json")):
        what = "a WfFormat execution" if args.trace else f"{src!r} is a schedule; it"
        raise UsageError(f"taskmapper convert: {what} can be written only as .schedule.json or .trace.json, "
                         f"not {Path(dst).name!r}")
    if args.trace:
        from model.formats import wfformat

        sched = wfformat.read_trace(src)
        save_schedule(sched, dst)
    elif schedule_in or dst.lower().endswith(SCHEDULE_SUFFIXES):
        if not schedule_in:
            raise UsageError(f"taskmapper convert: {src!r} is a task graph; it cannot be converted to a schedule "
                             "(use 'schedule')")
        save_schedule(load_schedule(src), dst)
    else:
        save_graph(load_graph(src), dst)
    return 0


def cmd_analyze(args: argparse.Namespace) -> int:
    from model import analysis

    graph = load_graph_arg(args.graph)
    plat = platform_for(graph, args.workers)
    rep = analysis.analyze(graph, plat)
    if args.json:
        _write_text(json.dumps(rep.to_dict(), indent=1) + "\n", args.output)
    else:
        _write_text(rep.to_text(), args.output)
    return 0


def cmd_generate(args: argparse.Namespace) -> int:
    from model import generators
    from model.formats import save_graph

    params: dict[str, Any] = {}
    for item in args.param or []:
        if "=" not in item:
            raise UsageError(f"generate: parameter {item!r} must look like NAME=VALUE")
        k, v = item.split("=", 1)
        params[k.replace("-", "_")] = _parse_value(v)
    if args.tasks is not None:
        params["n"] = args.tasks
    seed = params.pop("seed", args.seed)
    if not isinstance(seed, int):
        raise UsageError(f"generate: seed must be a whole number, got {seed!r}")
    if args.output.lower().endswith(SCHEDULE_SUFFIXES):
        raise UsageError(f"generate: {args.output!r} names a schedule; write the graph as .json, .dot, .graphml or .stg")
    graph = generators.generate(args.kind, seed=seed, **params)
    save_graph(graph, args.output)
    print(f"{args.kind}: {len(graph)} tasks, {graph.nx.number_of_edges()} edges -> {args.output}", file=sys.stderr)
    return 0


def _parse_value(v: str) -> Any:
    for conv in (int, float):
        try:
            return conv(v)
        except ValueError:
            pass
    if v.lower() in ("true", "false"):
        return v.lower() == "true"
    return v


def cmd_export(args: argparse.Namespace) -> int:
    out = args.output
    if not out.lower().endswith((".png", ".svg", ".pdf")):
        raise UsageError(f"export: output {out!r} must end in .png, .svg or .pdf")
    if not Path(out).parent.is_dir() and str(Path(out).parent):
        raise UsageError(f"export: cannot write {out!r}: folder {str(Path(out).parent)!r} does not exist")
    from model.formats import load_schedule

    graph = None
    if is_schedule_file(args.input):
        sched = load_schedule(args.input)
    else:
        graph = load_graph_arg(args.input)
        sched = compute_schedule(graph, args.algorithm, args.workers)
    from gui.export import export_schedule_image

    export_schedule_image(sched, out, graph=graph, scale=args.scale, title=args.title)
    print(f"wrote {out}", file=sys.stderr)
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from model.execution import run_cli

    return run_cli(args)


def cmd_app(files: Sequence[str]) -> int:
    from gui.app import main as app_main

    return app_main(list(files))


# ------------------------------------------------------------------------ parser
def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="taskmapper",
        description="Map task graphs onto workers. Without a command, opens the desktop app "
        "(taskmapper FILE opens a graph, schedule or trace in it).",
    )
    sub = p.add_subparsers(dest="command", parser_class=_Parser, metavar="COMMAND")

    s = sub.add_parser("algorithms", help="list the mapping algorithms")
    s.set_defaults(func=cmd_algorithms)

    def add_mapping_opts(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--algorithm", "-a", default="heft", help="mapping algorithm (default: heft)")
        sp.add_argument("--workers", "-w", type=_worker_count, help="number of workers (default: the graph's)")
        sp.add_argument("--seed", type=_seed, help="seed for randomised algorithms (0 or more)")
        sp.add_argument("--time-limit", type=_nonneg_float, help="seconds for the exact / improving algorithms")

    s = sub.add_parser("schedule", help="map a graph and write the schedule JSON")
    s.add_argument("graph", help="task graph file (.json, .dot, .graphml, .stg, WfFormat .json)")
    add_mapping_opts(s)
    s.add_argument("-o", "--output", help="output .schedule.json (default: stdout)")
    s.set_defaults(func=cmd_schedule)

    s = sub.add_parser("export", help="render a Gantt chart to PNG, SVG or PDF without a window")
    s.add_argument("input", help="a task graph (mapped first) or a schedule / trace")
    add_mapping_opts(s)
    s.add_argument("-o", "--output", required=True, help="output image (.png, .svg, .pdf)")
    s.add_argument("--scale", type=float, default=2.0, help="pixel scale of PNG images (default 2)")
    s.add_argument("--title", help="chart title (default: graph, algorithm and makespan)")
    s.set_defaults(func=cmd_export)

    s = sub.add_parser("convert", help="convert between graph / schedule formats (by extension)")
    s.add_argument("input")
    s.add_argument("-o", "--output", required=True)
    s.add_argument("--trace", action="store_true", help="WfFormat in: write its recorded execution as a schedule")
    s.set_defaults(func=cmd_convert)

    s = sub.add_parser("analyze", help="report independent tasks, data exchange, critical path, bounds")
    s.add_argument("graph")
    s.add_argument("--workers", "-w", type=_worker_count)
    s.add_argument("--json", action="store_true", help="machine-readable JSON")
    s.add_argument("-o", "--output", help="write the report here (default: stdout)")
    s.set_defaults(func=cmd_analyze)

    s = sub.add_parser("generate", help="generate a benchmark task graph")
    s.add_argument("kind", help="layered, fork-join, in-tree, out-tree, series-parallel, gaussian, fft, montage, ...")
    s.add_argument("--tasks", "-n", type=_positive_int, help="approximate number of tasks")
    s.add_argument("--seed", type=int, default=0)
    s.add_argument("--param", "-p", action="append", metavar="NAME=VALUE", help="generator parameter (repeatable)")
    s.add_argument("-o", "--output", required=True)
    s.set_defaults(func=cmd_generate)

    s = sub.add_parser("run", help="execute a graph for real and record the trace")
    s.add_argument("graph")
    s.add_argument("--executor", choices=["threads", "processes", "dask"], default="threads")
    g = s.add_mutually_exclusive_group()
    g.add_argument("--algorithm", "-a", help="follow this algorithm's mapping (default heft)")
    g.add_argument("--dynamic", action="store_true", help="let the executor place tasks dynamically")
    s.add_argument("--workers", "-w", type=_worker_count)
    s.add_argument("--scheduler", help="address of an existing Dask scheduler")
    s.add_argument("--time-scale", type=_nonneg_float, default=0.01, help="seconds of work per cost unit")
    s.add_argument("--work", choices=["cpu", "python", "sleep"], default="cpu",
                   help="synthetic work of a task: calibrated hashing (default), a pure-Python loop, or sleeping")
    s.add_argument("--data-scale", type=_nonneg_float, default=1000.0, metavar="BYTES_PER_UNIT",
                   help="payload bytes sent per data unit of an edge (default 1000)")
    s.add_argument("--dask-processes", action="store_true",
                   help="run the workers of a new Dask LocalCluster in processes (default: threads)")
    s.add_argument("-o", "--output", help="trace file (.schedule.json or .trace.json)")
    s.set_defaults(func=cmd_run)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # numpy reports overflow (e.g. costs near 1e308) as a warning of several lines; the
    # checks that follow name the infinite value in one line
    warnings.filterwarnings("ignore", category=RuntimeWarning, module="numpy")
    parser = build_parser()
    commands = {"algorithms", "schedule", "export", "convert", "analyze", "generate", "run"}
    if not argv or (argv[0] not in commands and argv[0] not in ("-h", "--help")):
        if any(a.startswith("-") for a in argv):
            print(f"taskmapper: unknown option {next(a for a in argv if a.startswith('-'))!r}", file=sys.stderr)
            return 2
        missing = [a for a in argv if not Path(a).exists()]
        if missing:
            print(f"taskmapper: no such file or command: {missing[0]!r}", file=sys.stderr)
            return 2
        return cmd_app(argv)
    try:
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help()
            return 0
        return int(args.func(args))
    except UsageError as e:
        print(str(e), file=sys.stderr)
        return 2
    except (GraphError, ScheduleError) as e:
        print(f"taskmapper: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("taskmapper: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except MemoryError:
        print("taskmapper: out of memory (the input or the options ask for too much)", file=sys.stderr)
        return 2
    except RecursionError:
        print("taskmapper: the input is nested too deeply", file=sys.stderr)
        return 2
    except Exception as e:  # the contract: one line, never a traceback
        print(f"taskmapper: internal error: {type(e).__name__}: {e}".splitlines()[0], file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
