"""What every subcommand shares: the one-line error, argument types, reading and writing."""

from __future__ import annotations

import argparse
import sys
from typing import Any, NoReturn

from model.graph import Platform, TaskGraph


class UsageError(Exception):
    """Bad input or usage: printed as one line ``taskmapper COMMAND: message``, exit status 2."""


class HelpFormatter(argparse.HelpFormatter):
    """Help that shows each option's default, unless the text already names it or there is none."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        default = action.default
        if ("default" in text or default in (None, False, argparse.SUPPRESS)
                or action.option_strings == [] or isinstance(default, list)):
            return text
        return f"{text} (default: {default})" if text else f"default: {default}"


class Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line (the contract), not a usage dump."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        # the prefix ``taskmapper COMMAND:`` is added where every error is printed
        raise UsageError(message)


def positive_int(text: str) -> int:
    """Argument type: a whole number of at least 1."""
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if v < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {v}")
    return v


def seed(text: str) -> int:
    """Argument type: a seed, a whole number of 0 or more."""
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if v < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {v}")
    return v


#: the most workers a command-line run maps onto (a platform holds worker-by-worker matrices)
MAX_WORKERS = 4096


def worker_count(text: str) -> int:
    """Argument type: a number of workers, 1 to :data:`MAX_WORKERS`."""
    v = positive_int(text)
    if v > MAX_WORKERS:
        raise argparse.ArgumentTypeError(f"at most {MAX_WORKERS} workers, got {v}")
    return v


def nonneg_float(text: str) -> float:
    """Argument type: a finite number of 0 or more."""
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not v >= 0 or v == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a non-negative number, got {text!r}")
    return v


def load_graph_arg(path: str) -> TaskGraph:
    """Read a graph named on the command line."""
    from model.formats import load_graph

    return load_graph(path)


def platform_for(graph: TaskGraph, workers: int | None) -> Platform:
    """The platform for a run: ``--workers`` wins, then the graph's own workers."""
    return graph.default_platform(workers)


def algorithm_params(args: argparse.Namespace) -> dict[str, Any]:
    """The algorithm options given on the command line (``--seed``, ``--time-limit``)."""
    params: dict[str, Any] = {}
    if getattr(args, "seed", None) is not None:
        params["seed"] = args.seed
    if getattr(args, "time_limit", None) is not None:
        params["time_limit"] = args.time_limit
    return params


def compute_schedule(graph: TaskGraph, algorithm: str, workers: int | None, **params: Any):
    """Run a registered algorithm on a graph."""
    from model.algorithms import get_algorithm

    alg = get_algorithm(algorithm, **params)
    return alg.schedule(graph, platform_for(graph, workers))


def add_mapping_opts(sp: argparse.ArgumentParser) -> None:
    """``--algorithm``, ``--workers``, ``--seed``, ``--time-limit``."""
    sp.add_argument("--algorithm", "-a", default="heft", help="mapping algorithm (default: heft)")
    sp.add_argument("--workers", "-w", type=worker_count, help="number of workers (default: the graph's)")
    sp.add_argument("--seed", type=seed, help="seed for randomised algorithms (0 or more)")
    sp.add_argument("--time-limit", type=nonneg_float, help="seconds for the exact / improving algorithms")


def schedule_summary(sched: Any, out: str | None = None) -> str:
    """One line about a computed schedule: makespan, workers and, for searches, the proof or the gap."""
    info = getattr(sched, "meta", {}) or {}
    text = f"{sched.algorithm}: makespan {sched.makespan:g} on {len(sched.workers)} workers"
    if info.get("proven_optimal"):
        text += ", proven optimal"
    elif isinstance(info.get("lower_bound"), (int, float)) and info["lower_bound"] > 0:
        lb = float(info["lower_bound"])
        text += f", lower bound {lb:g} (gap {100 * (sched.makespan - lb) / lb:.1f} %)"
    if info.get("cancelled") or info.get("stopped"):
        text += f" ({info.get('stopped') or 'cancelled'})"
    if out not in (None, "-"):
        text += f" -> {out}"
    return text


def write_text(text: str, out: str | None) -> None:
    """Write ``text`` to ``out`` atomically, or to stdout when ``out`` is missing or ``-``."""
    if out is None or out == "-":
        sys.stdout.write(text)
        return
    from model.formats import atomic_write

    atomic_write(out, text)


def parse_value(v: str) -> Any:
    """A ``NAME=VALUE`` parameter's value: int, float, bool or the text itself."""
    for conv in (int, float):
        try:
            return conv(v)
        except ValueError:
            pass
    if v.lower() in ("true", "false"):
        return v.lower() == "true"
    return v
