"""Reading and writing files: one module per format, chosen by file extension.

The native JSON formats live in :mod:`model.formats.native`. Other modules provide
``read(path) -> TaskGraph`` / ``write(graph, path)`` (graphs) and are looked up in
:data:`GRAPH_FORMATS` by extension.
"""

from __future__ import annotations

import importlib
import os
import stat
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..graph import GraphError, TaskGraph
from ..schedule import Schedule
from .jsonio import dumps_json, encode_json, load_json
from .native import graph_from_dict, graph_to_dict, schedule_from_dict, schedule_json

__all__ = [
    "GRAPH_FORMATS",
    "SCHEDULE_SUFFIXES",
    "atomic_write",
    "dumps_json",
    "encode_json",
    "is_schedule_file",
    "load_graph",
    "load_graph_for_run",
    "load_json",
    "load_schedule",
    "save_graph",
    "save_schedule",
    "schedule_json",
]

#: extension -> module name in this package (with ``read`` and, where sensible, ``write``)
GRAPH_FORMATS: dict[str, str] = {
    ".dot": "dot",
    ".gv": "dot",
    ".graphml": "graphml",
    ".stg": "stg",
}


#: file names that hold a schedule or an execution trace rather than a graph
SCHEDULE_SUFFIXES = (".schedule.json", ".trace.json")


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


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def atomic_write(path: str | os.PathLike[str], data: str | bytes | Sequence[bytes | memoryview]) -> None:
    """Write a file so a crash never leaves it truncated: write a temporary file, then rename.

    ``data`` is a text, bytes, or a list of byte pieces written one after the other.

    A symbolic link is written through: its target is replaced and the link kept. An
    existing target that is not a regular file (a folder, a device such as
    ``/dev/full``, a named pipe) is refused rather than replaced.

    Raises
    ------
    GraphError
        If the folder does not exist or is not writable, or the target is not a regular file.
    """
    p = Path(path)
    if p.is_symlink():
        p = Path(os.path.realpath(p))  # write to what the link points at; the link stays
    try:
        mode: int | None = p.stat().st_mode
    except FileNotFoundError:
        mode = None
    except OSError as e:
        raise GraphError(f"cannot write {str(path)!r}: {e.strerror}") from None
    if mode is not None and not stat.S_ISREG(mode):
        raise GraphError(f"cannot write {str(path)!r}: it is {_kind(mode)}, not a regular file")
    folder = p.parent if str(p.parent) else Path(".")
    if not folder.is_dir():
        raise GraphError(f"cannot write {str(path)!r}: folder {str(folder)!r} does not exist")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=folder)
    except OSError as e:
        raise GraphError(f"cannot write {str(path)!r}: {e.strerror}") from None
    try:
        # mkstemp makes owner-only files; give the new file the usual permissions
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, (mode & 0o777) if mode is not None else 0o666 & ~umask)
        pieces = [data.encode("utf-8")] if isinstance(data, str) else [data] if isinstance(data, bytes) else data
        with os.fdopen(fd, "wb") as f:
            for piece in pieces:
                f.write(piece)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, p)
    except OSError as e:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise GraphError(f"cannot write {str(path)!r}: {e.strerror}") from None


def _module(ext: str) -> Any:
    try:
        name = GRAPH_FORMATS[ext]
    except KeyError:
        known = ", ".join(sorted({".json", *GRAPH_FORMATS}))
        raise GraphError(f"unknown graph file type {ext!r} (known: {known})") from None
    return importlib.import_module(f"{__name__}.{name}")


def load_graph(path: str | os.PathLike[str]) -> TaskGraph:
    """Read a task graph from any supported format (by extension; JSON by content).

    A ``.json`` file may be a native task graph or a WfCommons WfFormat instance.
    """
    p = Path(path)
    ext = p.suffix.lower()
    if ext == ".json":
        g = _graph_from_json(load_json(p), p)
    else:
        if not p.exists():
            raise GraphError(f"no such file: {str(p)!r}")
        g = _module(ext).read(p)
    if g.name in ("", "untitled"):
        g.name = p.name.split(".")[0]
    return g


def load_graph_for_run(path: str | os.PathLike[str], workers: int | None = None) -> TaskGraph:
    """:func:`load_graph`, for one run on ``default_platform(workers)`` (``taskmapper schedule``).

    A native JSON graph whose values are all plain is read straight into the arrays of
    the run (:mod:`~model.formats.native_compiled`): its networkx graph is built only
    if something asks for it. Any other file, and any value the reader has to name, is
    read by :func:`load_graph` (the same graph, the same messages).
    """
    p = Path(path)
    if p.suffix.lower() != ".json":
        return load_graph(p)
    d = load_json(p)
    g: TaskGraph | None = None
    if isinstance(d, dict) and d.get("format") == "taskmapper-graph":
        from .native_compiled import compiled_graph_from_dict

        g = compiled_graph_from_dict(d, workers)
    if g is None:
        g = _graph_from_json(d, p)
    if g.name in ("", "untitled"):
        g.name = p.name.split(".")[0]
    return g


def _graph_from_json(d: Any, p: Path) -> TaskGraph:
    """The graph of a parsed ``.json`` file: native or WfFormat."""
    if isinstance(d, dict) and "workflow" in d and d.get("format") != "taskmapper-graph":
        wf: TaskGraph = importlib.import_module(f"{__name__}.wfformat").graph_from_dict(d)
        return wf
    if isinstance(d, dict) and d.get("format") == "taskmapper-schedule":
        raise GraphError(f"{str(p)!r} is a schedule, not a task graph")
    return graph_from_dict(d)


def save_graph(graph: TaskGraph, path: str | os.PathLike[str]) -> None:
    """Write a task graph; the format follows the extension (``.json`` native)."""
    p = Path(path)
    ext = p.suffix.lower()
    if ext == ".json":
        # one task, one edge a line
        atomic_write(p, encode_json(graph_to_dict(graph), rows=True))
        return
    mod = _module(ext)
    if not hasattr(mod, "write"):
        raise GraphError(f"writing {ext} files is not supported")
    mod.write(graph, p)


def load_schedule(path: str | os.PathLike[str]) -> Schedule:
    """Read a schedule: native JSON, a Chrome Trace Event file, or a WfFormat instance's execution."""
    d = load_json(path)
    if isinstance(d, dict) and d.get("format") == "taskmapper-schedule":
        return schedule_from_dict(d)
    if isinstance(d, dict) and "workflow" in d:
        # a WfCommons instance: its recorded execution (start times rebuilt)
        wf: Schedule = importlib.import_module(f"{__name__}.wfformat").trace_from_dict(d)
        return wf
    if isinstance(d, list) or (isinstance(d, dict) and "traceEvents" in d):
        trace: Schedule = importlib.import_module(f"{__name__}.chrome_trace").schedule_from_trace(d)
        return trace
    return schedule_from_dict(d)


def save_schedule(schedule: Schedule, path: str | os.PathLike[str]) -> None:
    """Write a schedule: Chrome Trace for ``*.trace.json``, else native JSON."""
    p = Path(path)
    if p.name.lower().endswith(".trace.json"):
        d = importlib.import_module(f"{__name__}.chrome_trace").schedule_to_trace(schedule)
        atomic_write(p, encode_json(d, rows=True))
    else:
        atomic_write(p, schedule_json(schedule))
