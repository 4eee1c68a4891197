"""What every subcommand shares: the one-line error, argument types, reading and writing."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from model.graph import MAX_WORKERS, GraphError, Platform, TaskGraph

if TYPE_CHECKING:
    from model.schedule import Schedule


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


def _whole_number(text: str, least: int, rule: str) -> int:
    """``text`` as a whole number of at least ``least`` (``rule`` says so in the message)."""
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if v < least:
        raise argparse.ArgumentTypeError(f"must be {rule}, got {v}")
    return v


def positive_int(text: str) -> int:
    """Argument type: a whole number of at least 1."""
    return _whole_number(text, 1, "at least 1")


def seed(text: str) -> int:
    """Argument type: a seed, a whole number of 0 or more."""
    return _whole_number(text, 0, "0 or more")


def worker_count(text: str) -> int:
    """Argument type: a number of workers, 1 to :data:`model.graph.MAX_WORKERS` (the model's own limit)."""
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


def load_graph_arg(path: str) -> TaskGraph:
    """Read a graph named on the command line."""
    from model.formats import load_graph

    return load_graph(path)


def load_run_graph_arg(path: str, workers: int | None) -> TaskGraph:
    """Read a graph named on the command line for one run on ``workers`` workers (read
    straight into the run's arrays when it can be, see :func:`model.formats.load_graph_for_run`)."""
    from model.formats import load_graph_for_run

    return load_graph_for_run(path, workers)


def load_comparison_args(path: str, algorithms: list[str], out: str | None, formats: tuple[str, ...]) -> TaskGraph:
    """The graph of a command comparing ``algorithms``, read once the output name and every algorithm name
    are known to be right (a bad one fails before the graph is read)."""
    from model.algorithms import get_algorithm

    check_output(out, formats)
    for name in algorithms:
        get_algorithm(name)
    return load_graph_arg(path)


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
        gap = 100 * (sched.makespan - lb) / lb
        # a gap too small for one decimal is shown, with the digits of the bound that tell it apart
        text += f", lower bound {lb:g} (gap {gap:.1f} %)" if gap >= 0.05 else f", lower bound {lb:.12g} (gap {gap:.2g} %)"
    if info.get("cancelled") or info.get("stopped"):
        text += f" ({info.get('stopped') or 'cancelled'})"
    if out not in (None, "-"):
        text += f" -> {out}"
    return text


def pin_arg(text: str) -> tuple[str, str]:
    """Argument type of ``--pin``: ``TASK=WORKER`` (the last ``=`` splits)."""
    task, eq, worker = text.rpartition("=")
    if not eq or not task.strip() or not worker.strip():
        raise argparse.ArgumentTypeError(f"expected TASK=WORKER, got {text!r}")
    return task, worker


def add_pin_opts(sp: argparse.ArgumentParser) -> None:
    """``--pin TASK=WORKER`` (repeatable) and ``--pins FILE``."""
    sp.add_argument("--pin", action="append", type=pin_arg, metavar="TASK=WORKER",
                    help="fix TASK to WORKER (repeatable; adds to and overrides the graph's pins)")
    sp.add_argument("--pins", metavar="FILE",
                    help='pins from a schedule JSON (its task -> worker) or a JSON object {"T1": "P2", ...}')


def has_pins(args: argparse.Namespace) -> bool:
    """Whether ``--pin`` or ``--pins`` was given."""
    return bool(getattr(args, "pin", None)) or getattr(args, "pins", None) is not None


def apply_pins(graph: TaskGraph, platform: Platform, args: argparse.Namespace) -> None:
    """Pin the graph's tasks as ``--pins FILE`` then ``--pin TASK=WORKER`` say (in place).

    Command-line pins add to and override the graph's own; ``null`` in a ``--pins``
    object frees a task.

    Raises
    ------
    GraphError
        If a pin names a task not in the graph or a worker not on the platform.
    """
    given: list[tuple[str, str | None, str]] = []
    if getattr(args, "pins", None) is not None:
        from model.mapping import load_pins

        given += [(t, w, f"--pins {args.pins!r}") for t, w in load_pins(args.pins).items()]
    given += [(t, w, f"--pin {t}={w}") for t, w in getattr(args, "pin", None) or []]
    ids = platform.ids
    known = set(ids)
    for task, worker, where in given:
        if task not in graph:
            raise GraphError(f"{where} names unknown task {task!r}")
        if worker is not None and worker not in known:
            shown = ", ".join(ids[:8]) + (", ..." if len(ids) > 8 else "")
            raise GraphError(f"{where} pins task {task!r} to unknown worker {worker!r} (workers: {shown})")
        graph.set_pin(task, worker)


def write_schedule(sched: Schedule, out: str | None) -> None:
    """Write a schedule as ``schedule`` and ``evaluate`` do: JSON on stdout without ``-o``,
    Chrome trace for ``*.trace.json``, else the native JSON; then a one-line summary with
    the makespan on stderr."""
    if out is not None and out.lower().endswith(".trace.json"):
        from model.formats import save_schedule

        save_schedule(sched, out)
    else:
        from model.formats.native import schedule_json_parts

        write_text(schedule_json_parts(sched), out)
    print(schedule_summary(sched, out), file=sys.stderr)


def write_text(text: str | bytes | list[bytes | memoryview], out: str | None) -> None:
    """Write ``text`` (or UTF-8 bytes, or a list of byte pieces) to ``out`` atomically, or to
    stdout when ``out`` is missing or ``-``."""
    if out is None or out == "-":
        if not isinstance(text, str):
            sys.stdout.flush()
            for piece in [text] if isinstance(text, bytes) else text:
                sys.stdout.buffer.write(piece)
            sys.stdout.buffer.flush()
        else:
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
