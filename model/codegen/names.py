"""Writing untrusted text into Python source: identifiers, comments, docstrings, literals.

A task graph comes from anywhere. Its task ids, names and arguments reach the generated
program only through these functions, which never let a quote, a newline or a
backslash end a string or a comment early.
"""

from __future__ import annotations

import builtins
import keyword
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

from ..graph import GraphError

__all__ = [
    "comment_text",
    "docstring_text",
    "function_names",
    "is_dotted_name",
    "literal",
    "py_str",
]

#: longest function name made from a task id (longer ids are cut, then numbered)
MAX_NAME = 48

_NOT_WORD = re.compile(r"[^0-9A-Za-z_]+")


def comment_text(text: str) -> str:
    """``text`` as it may stand in a ``#`` comment: itself when plain, else its ``repr``.

    Plain means printable on one line (no newline, carriage return, tab or other
    control character) without leading or trailing spaces, so the comment ends
    where the line does and carries no trailing whitespace.

    Examples
    --------
    >>> comment_text("HEFT paper example")
    'HEFT paper example'
    >>> comment_text("two\\nlines")
    "'two\\\\nlines'"
    """
    if text and text.isprintable() and text.strip() == text:
        return text
    return repr(text)


def py_str(text: str) -> str:
    r"""A string literal for ``text``: its ``repr``, in double quotes where that needs no escape.

    Examples
    --------
    >>> print(py_str("T1"), py_str("it's"), py_str('say "hi"'), py_str("a\nb"))
    "T1" "it's" 'say "hi"' "a\nb"
    """
    r = repr(text)
    if r[0] == "'" and '"' not in text and "'" not in text:
        r = f'"{r[1:-1]}"'
    return r


def docstring_text(text: str) -> str:
    """``text`` (already one line, see :func:`comment_text`) safe inside ``\"\"\"...\"\"\"``.

    Backslashes and double quotes are escaped, so the text can neither close the
    docstring nor start an escape sequence.

    Examples
    --------
    >>> docstring_text('say "hi"')
    'say \\\\"hi\\\\"'
    """
    return text.replace("\\", "\\\\").replace('"', '\\"')


def is_dotted_name(text: str) -> bool:
    """Whether ``text`` is ``name`` or ``name.name...`` made of Python identifiers (no keywords).

    Examples
    --------
    >>> is_dotted_name("package.module"), is_dotted_name("os; rm"), is_dotted_name("a.class")
    (True, False, False)
    """
    parts = text.split(".")
    return all(p.isidentifier() and not keyword.iskeyword(p) for p in parts)


def _base_name(task: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", task).encode("ascii", "ignore").decode("ascii")
    name = _NOT_WORD.sub("_", ascii_text).strip("_").lower()[:MAX_NAME].rstrip("_")
    if not name or name[0].isdigit():
        name = f"task_{name}".rstrip("_")
    return name


def function_names(tasks: Iterable[str], reserved: Iterable[str] = ()) -> dict[str, str]:
    """A distinct Python function name for every task id, readable where the id allows.

    Names are lower-case ASCII (``"T1.2"`` gives ``t1_2``); an id that makes no
    usable name, or whose name is a keyword, a builtin or in ``reserved``, is prefixed
    with ``task_``; repeats are numbered (``t1_2``, ``t1_3``...).

    Examples
    --------
    >>> function_names(["T1", "t1", "2", "print", 'a"b'])
    {'T1': 't1', 't1': 't1_2', '2': 'task_2', 'print': 'task_print', 'a"b': 'a_b'}
    """
    taken = set(reserved) | set(dir(builtins)) | set(keyword.kwlist) | set(keyword.softkwlist)
    out: dict[str, str] = {}
    used: set[str] = set()
    for task in tasks:
        base = _base_name(task)
        if base in taken or keyword.iskeyword(base):
            base = f"task_{base}"
        name, k = base, 1
        while name in used or name in taken:
            k += 1
            name = f"{base}_{k}"
        used.add(name)
        out[task] = name
    return out


def literal(value: Any, what: str) -> str:
    """Python source for a JSON-like ``value`` (text, number, true/false/null, list, object).

    Raises
    ------
    GraphError
        If ``value`` holds anything else (named by ``what``).

    Examples
    --------
    >>> literal({"base": 2, "tags": ["a", None], "x": float("inf")}, "kwargs")
    '{"base": 2, "tags": ["a", None], "x": float("inf")}'
    """
    if isinstance(value, str):
        return py_str(value)
    if value is None or isinstance(value, (bool, int)):
        return repr(value)
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else f'float("{value}")'
    if isinstance(value, (list, tuple)):
        items = ", ".join(literal(v, what) for v in value)
        return f"[{items}]" if isinstance(value, list) else f"({items}{',' if len(value) == 1 else ''})"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{literal(k, what)}: {literal(v, what)}" for k, v in value.items()) + "}"
    raise GraphError(f"{what} holds a {type(value).__name__}, which cannot be written into a program")
