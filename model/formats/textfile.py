"""What the readers of DOT, GraphML and STG files share: reading the file, naming it in errors, a layout."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from ..graph import GraphError, TaskGraph

__all__ = ["check_in", "lay_out_if_unplaced", "read_text_file"]


def read_text_file(path: str | os.PathLike[str]) -> tuple[str, str, str]:
    """The text of a graph file, the graph name its file name gives and how messages name the file.

    A UTF-8 byte order mark is skipped and bytes that are not UTF-8 are replaced (the
    format's parser names what it cannot read).

    Parameters
    ----------
    path : str or os.PathLike
        The file.

    Returns
    -------
    tuple of str
        ``(text, name, where)``: the text, the file name up to its first dot and the
        quoted file name, as a reader's ``read_text(text, name, where)`` takes them.

    Raises
    ------
    GraphError
        If the file does not exist or cannot be read.
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig", errors="replace")
    except FileNotFoundError:
        raise GraphError(f"no such file: {str(p)!r}") from None
    except OSError as e:
        raise GraphError(f"cannot read {str(p)!r}: {e.strerror}") from None
    return text, p.name.split(".")[0], repr(p.name)


def check_in(where: str, check: Callable[[], None]) -> None:
    """Run ``check`` (say ``graph.validate``); its :class:`GraphError` is prefixed with ``where``, the file.

    Raises
    ------
    GraphError
        ``where: message`` when ``check`` raises one.
    """
    try:
        check()
    except GraphError as e:
        raise GraphError(f"{where}: {e}") from None


def lay_out_if_unplaced(g: TaskGraph) -> None:
    """Lay the graph out in levels when the file gave no positions.

    Parameters
    ----------
    g : TaskGraph
        The graph just read; its tasks get ``x`` and ``y`` unless one task has both already.
    """
    if not any("x" in a and "y" in a for _, a in g.nx.nodes(data=True)):
        from ..generators import layout_levels

        layout_levels(g)
