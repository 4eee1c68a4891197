"""Reading and writing files: one module per format, chosen by file extension.

The native JSON formats live in :mod:`model.formats.native`. Other modules provide
``read(path) -> TaskGraph`` / ``write(graph, path)`` (graphs) and are looked up in
:data:`GRAPH_FORMATS` by extension.
"""

from __future__ import annotations

import importlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from ..graph import GraphError, TaskGraph
from ..schedule import Schedule
from .native import graph_from_dict, graph_to_dict, schedule_from_dict, schedule_to_dict

__all__ = [
    "GRAPH_FORMATS",
    "SCHEDULE_SUFFIXES",
    "atomic_write",
    "is_schedule_file",
    "load_graph",
    "load_json",
    "load_schedule",
    "save_graph",
    "save_schedule",
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


#: graphs with more tasks than this are saved as compact (one-line) JSON
COMPACT_ABOVE = 5000


def atomic_write(path: str | os.PathLike[str], data: str | bytes) -> None:
    """Write a file so a crash never leaves it truncated: write a temporary file, then rename.

    Raises
    ------
    GraphError
        If the folder does not exist or is not writable.
    """
    p = Path(path)
    folder = p.parent if str(p.parent) else Path(".")
    if not folder.is_dir():
        raise GraphError(f"cannot write {str(p)!r}: folder {str(folder)!r} does not exist")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=folder)
    except OSError as e:
        raise GraphError(f"cannot write {str(p)!r}: {e.strerror}") from None
    try:
        # mkstemp makes owner-only files; give the new file the usual permissions
        umask = os.umask(0)
        os.umask(umask)
        if p.exists():
            os.chmod(tmp, p.stat().st_mode & 0o777)
        else:
            os.chmod(tmp, 0o666 & ~umask)
        raw = data if isinstance(data, bytes) else data.encode("utf-8")
        with os.fdopen(fd, "wb") as f:
            f.write(raw)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, p)
    except OSError as e:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise GraphError(f"cannot write {str(p)!r}: {e.strerror}") from None


def _parse_int(text: str) -> int | float:
    """JSON integers too big for a float become a float (``inf``), which the checks then name."""
    return int(text) if len(text.lstrip("-")) <= 308 else float(text)


class _DuplicateKey(Exception):
    pass


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object; a key given twice is an error (JSON parsers disagree on which one wins)."""
    d = dict(pairs)
    if len(d) != len(pairs):
        seen: set[str] = set()
        for k, _ in pairs:
            if k in seen:
                raise _DuplicateKey(k)
            seen.add(k)
    return d


def load_json(path: str | os.PathLike[str]) -> Any:
    """Parse a JSON file, turning OS and syntax errors into :class:`GraphError`.

    A UTF-8 byte order mark (as some Windows editors write) is skipped; a key given twice
    in one object is refused.
    """
    try:
        with open(path, encoding="utf-8-sig") as f:
            return json.load(f, parse_int=_parse_int, object_pairs_hook=_object)
    except _DuplicateKey as e:
        raise GraphError(f"{str(path)!r}: key {e.args[0]!r} appears twice in one object") from None
    except FileNotFoundError:
        raise GraphError(f"no such file: {str(path)!r}") from None
    except IsADirectoryError:
        raise GraphError(f"{str(path)!r} is a folder, not a file") from None
    except OSError as e:
        raise GraphError(f"cannot read {str(path)!r}: {e.strerror}") from None
    except UnicodeDecodeError:
        raise GraphError(f"{str(path)!r} is not UTF-8 text") from None
    except json.JSONDecodeError as e:
        raise GraphError(f"{str(path)!r} is not valid JSON: {e.msg} at line {e.lineno} column {e.colno}") from None


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
        d = load_json(p)
        if isinstance(d, dict) and d.get("format") == "taskmapper-graph":
            g = graph_from_dict(d)
        elif isinstance(d, dict) and "workflow" in d:
            g = importlib.import_module(f"{__name__}.wfformat").graph_from_dict(d)
        elif isinstance(d, dict) and d.get("format") == "taskmapper-schedule":
            raise GraphError(f"{str(p)!r} is a schedule, not a task graph")
        else:
            g = graph_from_dict(d)
    else:
        if not p.exists():
            raise GraphError(f"no such file: {str(p)!r}")
        g = _module(ext).read(p)
    if g.name in ("", "untitled"):
        g.name = p.name.split(".")[0]
    return g


def save_graph(graph: TaskGraph, path: str | os.PathLike[str]) -> None:
    """Write a task graph; the format follows the extension (``.json`` native)."""
    p = Path(path)
    ext = p.suffix.lower()
    if ext == ".json":
        # indented JSON goes through the pure-Python encoder: big graphs are written compact
        indent = 1 if len(graph) <= COMPACT_ABOVE else None
        atomic_write(p, json.dumps(graph_to_dict(graph), indent=indent) + "\n")
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
    else:
        d = schedule_to_dict(schedule)
    atomic_write(p, json.dumps(d, indent=1) + "\n")
