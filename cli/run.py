"""``taskmapper run``: execute a graph for real and write its trace."""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import threading
import time
from pathlib import Path
from typing import IO, Any

from model.graph import GraphError
from model.schedule import Schedule

from .common import add_pin_opts, apply_pins, has_pins, nonneg_float, worker_count

__all__ = ["ProgressLine", "register", "run_cli"]


class ProgressLine:
    """Progress of a run on a terminal stream.

    On a TTY one line is rewritten in place (at most ten times a second); otherwise a
    line is printed at each quarter, so logs stay short. Time counts from the first
    call; with ``announce``, a non-TTY stream gets the label on its own line first.

    Examples
    --------
    >>> import io
    >>> out = io.StringIO()
    >>> p = ProgressLine("run", out, tty=False)
    >>> for k in range(5): p(k, 4)
    >>> p.close()
    >>> out.getvalue().count("tasks")
    5
    """

    def __init__(self, label: str, stream: IO[str], *, tty: bool | None = None, announce: bool = False) -> None:
        self.label = label
        self.stream = stream
        self.tty = stream.isatty() if tty is None else tty
        self.announce = announce
        self.t0 = time.perf_counter()
        self.last = -1.0
        self.quarter = -1
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        now = time.perf_counter()
        if self.quarter < 0 and not self.shown:  # the first call: the run begins now
            self.t0 = now
            if self.announce and not self.tty:
                self.stream.write(self.label + "\n")
        text = f"{self.label}: {done}/{total} tasks ({now - self.t0:.1f} s)"
        if self.tty:
            if done < total and now - self.last < 0.1:
                return
            self.last = now
            self.stream.write("\r\x1b[K" + text)
            self.shown = True
        else:
            q = 4 * done // total if total else 4
            if q <= self.quarter:
                return
            self.quarter = q
            self.stream.write(text + "\n")
        self.stream.flush()

    def close(self) -> None:
        """End the updating line."""
        if self.tty and self.shown:
            self.stream.write("\n")
            self.stream.flush()
            self.shown = False


def _quiet_dask_logs() -> None:
    """A worker that dies mid-run makes Dask's scheduler and client (in this process) log
    their broken connections with tracebacks; the run's own error line names the dead
    worker and its task. Importing Dask sets its loggers' levels, so it is imported first."""
    import logging

    try:
        import distributed  # noqa: F401
    except ImportError:
        return  # the run says what to install
    logging.getLogger("distributed").setLevel(logging.CRITICAL)


def _check_output(out: str | None) -> None:
    if out in (None, "-"):
        return
    assert out is not None
    folder = Path(out).parent
    if str(folder) and not folder.is_dir():
        raise GraphError(f"cannot write {out!r}: folder {str(folder)!r} does not exist")
    if out.lower().endswith(".trace.json") and importlib.util.find_spec("model.formats.chrome_trace") is None:
        raise GraphError(f"cannot write {out!r}: Chrome trace output is not available (use .schedule.json)")


def _write(trace: Schedule, out: str | None) -> None:
    if out in (None, "-"):
        from model.formats.native import schedule_json

        sys.stdout.flush()
        sys.stdout.buffer.write(schedule_json(trace))
        sys.stdout.buffer.flush()
        return
    from model.formats import save_schedule

    assert out is not None
    save_schedule(trace, out)


def _exit_now(code: int) -> None:
    """Flush and end the process without waiting for worker threads still running a task."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def run_cli(args: Any) -> int:
    """Run ``taskmapper run`` with parsed arguments; return the exit status.

    ``args`` has ``graph``, ``executor``, ``algorithm``, ``dynamic``, ``workers``,
    ``scheduler``, ``time_scale`` and ``output`` (optionally ``data_scale``, ``work``,
    ``dask_processes``, ``allow_calls``).
    Without ``--dynamic`` the graph follows the mapping of ``--algorithm`` (HEFT by
    default). A graph whose tasks name code (``call``) is refused unless
    ``allow_calls``; nothing is imported before. Every input is checked, and the
    workers started, before anything is printed. Ctrl-C stops the run within about two
    seconds, writes the partial trace and returns 130; when worker threads are still
    running a task then, the process ends at once (``os._exit``) after writing.

    Raises
    ------
    GraphError
        Bad input (one-line message), a task that failed or a worker that died.
    """
    # the engine (threads, processes, Dask) loads only for a run: not for the parser at start-up
    from model.execution.backends import check_scheduler_address
    from model.execution.engine import ExecutionError, calls_in, describe_calls, run_graph
    from model.formats import load_graph

    out = getattr(args, "output", None)
    _check_output(out)
    executor = getattr(args, "executor", None) or "threads"
    scheduler = getattr(args, "scheduler", None)
    if scheduler is not None:
        if executor != "dask":
            raise GraphError(f"--scheduler names a Dask scheduler: use it with --executor dask, not {executor}")
        check_scheduler_address(scheduler)
    graph = load_graph(args.graph)
    allow_calls = bool(getattr(args, "allow_calls", False))
    calls = calls_in(graph)
    if calls and not allow_calls:
        raise GraphError(f"the graph {describe_calls(calls)}; pass --allow-calls to run it")
    platform = graph.default_platform(getattr(args, "workers", None))
    dynamic = bool(getattr(args, "dynamic", False))
    if has_pins(args):
        if dynamic:
            raise GraphError("--pin and --pins need a mapping algorithm; --dynamic places tasks as they run")
        apply_pins(graph, platform, args)
    graph.validate(platform)
    algorithm = getattr(args, "algorithm", None) or "heft"
    schedule = None
    if not dynamic:
        from model.algorithms import get_algorithm

        schedule = get_algorithm(algorithm).schedule(graph, platform)
    policy = "dynamic placement" if dynamic else f"{algorithm} mapping"
    kind = {"threads": "thread", "processes": "process", "dask": "Dask"}.get(executor, executor)
    label = f"running {len(graph)} tasks on {len(platform)} {kind} workers ({policy})"
    # printed once the workers are up: a run refused before starting prints only its error
    progress = ProgressLine(label, sys.stderr, announce=True)
    if executor == "dask":
        _quiet_dask_logs()
    try:
        trace = run_graph(
            graph, platform, executor=executor, schedule=schedule, dynamic=dynamic,
            time_scale=getattr(args, "time_scale", 0.01), data_scale=getattr(args, "data_scale", None) or 1000.0,
            work=getattr(args, "work", None) or "cpu", scheduler_address=scheduler,
            dask_processes=bool(getattr(args, "dask_processes", False)), allow_calls=allow_calls,
            cancel=threading.Event(), progress=progress,
        )
    except ExecutionError as e:
        progress.close()
        part = e.trace
        message = str(e)
        if part is not None:
            message += f" (partial trace: {part.meta['tasks_done']}/{part.meta['tasks_total']} tasks"
            if out not in (None, "-"):
                _write(part, out)
                message += f" -> {out}"
            message += ")"
        if part is not None and part.meta.get("left_running"):
            sys.stderr.write(f"taskmapper run: {message}\n")
            _exit_now(2)
        raise ExecutionError(message, part) from None
    finally:
        progress.close()
    _write(trace, out)
    m = trace.meta
    summary = f"trace: {m['tasks_done']}/{m['tasks_total']} tasks, makespan {trace.makespan:.3f} s"
    if "predicted_makespan" in m:
        summary += f" (predicted {m['predicted_makespan']:.3f} s)"
    summary += f", overhead {1000 * m['overhead_per_task']:.2f} ms/task"
    if out not in (None, "-"):
        summary += f" -> {out}"
    if m.get("abandoned"):
        summary += f"; stopped waiting for {', '.join(m['abandoned'])}"
    if m.get("stopped") == "interrupted":
        sys.stderr.write(f"interrupted: partial {summary}\n")
        code = 130
    else:
        sys.stderr.write(summary + "\n")
        code = 0
    if m.get("left_running"):
        _exit_now(code)
    return code


def register(sub: Any) -> None:
    """Add ``taskmapper run`` to ``sub`` (argparse subparsers)."""
    s = sub.add_parser("run", help="execute a graph for real and record the trace")
    s.add_argument("graph", help="task graph file; tasks with 'call' run that function, others synthetic work")
    s.add_argument("--executor", choices=["threads", "processes", "dask"], default="threads",
                   help="where the tasks run")
    g = s.add_mutually_exclusive_group()
    g.add_argument("--algorithm", "-a", help="follow this algorithm's mapping (default heft)")
    g.add_argument("--dynamic", action="store_true", help="let the executor place tasks dynamically")
    s.add_argument("--workers", "-w", type=worker_count, help="number of workers (default: the graph's)")
    add_pin_opts(s)
    s.add_argument("--scheduler", help="address of an existing Dask scheduler (with --executor dask)")
    s.add_argument("--time-scale", type=nonneg_float, default=0.01, help="seconds of work per cost unit")
    s.add_argument("--work", choices=["cpu", "python", "sleep"], default="cpu",
                   help="synthetic work of a task: calibrated hashing (default), a pure-Python loop, or sleeping")
    s.add_argument("--data-scale", type=nonneg_float, default=1000.0, metavar="BYTES_PER_UNIT",
                   help="payload bytes sent per data unit of an edge (default 1000)")
    s.add_argument("--dask-processes", action="store_true",
                   help="run the workers of a new Dask LocalCluster in processes (default: threads)")
    s.add_argument("--allow-calls", action="store_true",
                   help="run the Python functions the graph's tasks name with 'call' (without it, "
                        "such a graph is refused and nothing of it is imported)")
    s.add_argument("-o", "--output", help="trace file (.schedule.json or .trace.json; default: stdout)")
    s.set_defaults(func=_cmd_run)


def _cmd_run(args: argparse.Namespace) -> int:
    return run_cli(args)
