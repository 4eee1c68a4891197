"""The ``taskmapper`` entry point: builds the parser and maps every error to one line.

Scripted use must start fast: nothing here imports Qt or pyqtgraph. Only the app
(``taskmapper [FILE]``) and ``taskmapper export`` load them, lazily.

Exit status: 0 on success, 2 on bad input or usage with one line on stderr naming
the problem, 130 when interrupted.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path

from model.gcpause import paused_collection
from model.graph import GraphError
from model.schedule import ScheduleError

from .common import Parser, UsageError

#: modules of this package that add subcommands (each has ``register(subparsers)``)
COMMAND_MODULES = ("mapping", "files", "run", "scale", "report", "codegen", "evaluate")


def cmd_app(files: Sequence[str]) -> int:
    from gui.app import main as app_main

    return app_main(list(files))


#: the arguments that name an input file (graph, schedule or trace)
_INPUTS = ("graph", "input", "mapping")
#: input bytes from which the C allocator keeps its big blocks (:func:`model.allocator.keep_big_buffers`)
KEEP_BUFFERS_FROM = 8 << 20


#: commands that end their process as soon as they are done when their inputs are big
#: (:func:`_end_now`): they only read, compute and write
_ONE_SHOT = frozenset({"schedule", "evaluate", "convert", "analyze"})


def _end_now(status: int) -> None:
    """End the process at once with ``status``, its output flushed: the millions of objects of a
    big graph are not freed one by one first (about a second at 1,000,000 tasks)."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(status)


def _prepare_memory(args: argparse.Namespace) -> bool:
    """Set the C allocator up for big inputs (:mod:`model.allocator`): a command reading files
    of 48 MB or more starts again with huge pages for its heap, one of 8 MB or more keeps its
    big blocks (``TASKMAPPER_HUGE_PAGES=MB`` lowers both sizes to its own when smaller). Small
    inputs (and commands without one) change nothing. Returns whether the inputs count as big."""
    paths = [v for v in (getattr(args, a, None) for a in _INPUTS) if isinstance(v, str)]
    if not paths:
        return False
    from model.allocator import huge_pages_from, input_bytes, keep_big_buffers, restart_with_huge_pages

    total = input_bytes(paths)
    restart_from = huge_pages_from(os.environ)
    big_from = KEEP_BUFFERS_FROM if restart_from is None else min(KEEP_BUFFERS_FROM, restart_from)
    if total < big_from:
        return False
    restart_with_huge_pages(total)
    keep_big_buffers(trim_above=1 << 30)
    return True


def build_parser() -> argparse.ArgumentParser:
    """The parser of every subcommand."""
    p = Parser(
        prog="taskmapper",
        description="Map task graphs onto workers. Without a command, opens the desktop app "
        "(taskmapper FILE opens a graph, schedule or trace in it).",
    )
    sub = p.add_subparsers(dest="command", parser_class=Parser, metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(f"{__package__}.{name}").register(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``taskmapper`` with ``argv`` (default: the process's arguments); return the exit status."""
    own_arguments = argv is None
    argv = list(sys.argv[1:] if argv is None else argv)
    # numpy reports overflow (e.g. costs near 1e308) as a warning of several lines; the
    # checks that follow name the infinite value in one line
    warnings.filterwarnings("ignore", category=RuntimeWarning, module="numpy")
    # the command modules' imports make only long-lived objects: no collection meanwhile
    with paused_collection():
        parser = build_parser()
    commands = set(parser._subparsers._group_actions[0].choices)  # type: ignore[union-attr,arg-type]
    if not argv or (argv[0] not in commands and argv[0] not in ("-h", "--help")):
        if any(a.startswith("-") for a in argv):
            print(f"taskmapper: unknown option {next(a for a in argv if a.startswith('-'))!r}", file=sys.stderr)
            return 2
        missing = [a for a in argv if not Path(a).exists()]
        if missing:
            print(f"taskmapper: no such file or command: {missing[0]!r}", file=sys.stderr)
            return 2
        return cmd_app(argv)
    prefix = f"taskmapper {argv[0]}" if argv and argv[0] in commands else "taskmapper"
    try:
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help()
            return 0
        big = own_arguments and _prepare_memory(args)
        status = int(args.func(args))
        if big and args.command in _ONE_SHOT:
            _end_now(status)
        return status
    except (UsageError, GraphError, ScheduleError) as e:
        print(f"{prefix}: {e}".splitlines()[0], file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{prefix}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except MemoryError:
        print(f"{prefix}: out of memory (the input or the options ask for too much)", file=sys.stderr)
        return 2
    except RecursionError:
        print(f"{prefix}: the input is nested too deeply", file=sys.stderr)
        return 2
    except Exception as e:  # the contract: one line, never a traceback
        print(f"{prefix}: internal error: {type(e).__name__}: {e}".splitlines()[0], file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
