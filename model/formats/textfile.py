"""Reading a text graph file (DOT, STG): the file errors every text reader gives alike."""

from __future__ import annotations

import os
from pathlib import Path

from ..graph import GraphError

__all__ = ["read_text_file"]


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
