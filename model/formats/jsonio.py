"""Strict JSON in and out: the one place every JSON reader and writer of TaskMapper goes through.

Reading (:func:`load_json`) accepts RFC 8259 JSON only, plus a leading UTF-8 byte order
mark: ``NaN`` and ``Infinity`` are refused, as is a key given twice in one object (JSON
parsers disagree on which one wins) and nesting deeper than :data:`MAX_DEPTH` (no
TaskMapper file needs more than a handful of levels). Writing (:func:`dumps_json`)
never emits ``NaN`` or ``Infinity``: a non-finite number is refused with an error that
names where it is, and :func:`finite_only` drops them from the free parts of a
document (attributes and notes that are kept on save but are not part of the format)
beforehand.

The standard library's parser is used rather than a faster one such as orjson: orjson
keeps the last of duplicate keys without a word, refuses a byte order mark and writes
``NaN`` as ``null``; keeping the checks above matters more than parse speed.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterator
from typing import Any

from ..graph import GraphError, shorten

__all__ = ["MAX_DEPTH", "dumps_json", "finite_only", "json_id", "json_objects", "load_json", "parse_json"]

#: deepest nesting of arrays and objects accepted in a JSON file
MAX_DEPTH = 100


def _parse_int(text: str) -> int | float:
    """JSON integers too big for a float become a float (``inf``), which the checks then name."""
    return int(text) if len(text.lstrip("-")) <= 308 else float(text)


class _DuplicateKey(Exception):
    pass


class _Constant(Exception):
    pass


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object; a key given twice is an error."""
    d = dict(pairs)
    if len(d) != len(pairs):
        seen: set[str] = set()
        for k, _ in pairs:
            if k in seen:
                raise _DuplicateKey(k)
            seen.add(k)
    return d


def _constant(name: str) -> Any:
    raise _Constant(name)


def _depth_exceeds(doc: Any, limit: int) -> bool:
    """Whether arrays and objects nest more than ``limit`` deep (without recursion)."""
    stack: list[tuple[Any, int]] = [(doc, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children: Any = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        if depth > limit:
            return True
        stack.extend((c, depth + 1) for c in children if isinstance(c, (dict, list)))
    return False


def parse_json(text: str, source: str) -> Any:
    """Parse JSON ``text`` strictly (see the module description).

    Parameters
    ----------
    text : str
        The JSON text (a leading byte order mark is skipped).
    source : str
        What the text is, for error messages (e.g. the quoted file name).

    Raises
    ------
    GraphError
        On invalid or non-strict JSON, a duplicate key or too deep nesting.

    Examples
    --------
    >>> parse_json('{"a": [1, 2.5]}', "text")
    {'a': [1, 2.5]}
    >>> parse_json('{"a": NaN}', "text")
    Traceback (most recent call last):
    ...
    model.graph.GraphError: text is not valid JSON: NaN is not a JSON number
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        doc = json.loads(text, parse_int=_parse_int, parse_constant=_constant, object_pairs_hook=_object)
    except _DuplicateKey as e:
        raise GraphError(f"{source}: key {shorten(e.args[0])} appears twice in one object") from None
    except _Constant as e:
        raise GraphError(f"{source} is not valid JSON: {e.args[0]} is not a JSON number") from None
    except RecursionError:
        raise GraphError(f"{source} is nested too deeply (at most {MAX_DEPTH} levels)") from None
    except json.JSONDecodeError as e:
        raise GraphError(f"{source} is not valid JSON: {e.msg} at line {e.lineno} column {e.colno}") from None
    if _depth_exceeds(doc, MAX_DEPTH):
        raise GraphError(f"{source} is nested too deeply (at most {MAX_DEPTH} levels)")
    return doc


def load_json(path: str | os.PathLike[str]) -> Any:
    """Parse a JSON file strictly, turning OS and syntax errors into :class:`GraphError`.

    A UTF-8 byte order mark (as some Windows editors write) is skipped; ``NaN``,
    ``Infinity``, a key given twice in one object and nesting deeper than
    :data:`MAX_DEPTH` are refused.
    """
    where = repr(str(path))
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except FileNotFoundError:
        raise GraphError(f"no such file: {where}") from None
    except IsADirectoryError:
        raise GraphError(f"{where} is a folder, not a file") from None
    except OSError as e:
        raise GraphError(f"cannot read {where}: {e.strerror}") from None
    except UnicodeDecodeError:
        raise GraphError(f"{where} is not UTF-8 text") from None
    return parse_json(text, where)


def json_id(v: Any, what: str, error: type[GraphError] = GraphError) -> str:
    """An id from JSON: a non-empty text, or a number (written as text).

    Parameters
    ----------
    v : Any
        The parsed value.
    what : str
        What it is, for the message (``"id of task #3"``).
    error : type
        The :class:`GraphError` class to raise.

    Raises
    ------
    GraphError
        ``error``, when ``v`` is neither a text nor a number, or is blank.

    Examples
    --------
    >>> json_id(7, "id of task #1"), json_id("a", "id of task #2")
    ('7', 'a')
    >>> json_id(True, "id of task #3")
    Traceback (most recent call last):
    model.graph.GraphError: id of task #3 must be a text or a number, got True
    """
    if isinstance(v, bool) or not isinstance(v, (str, int, float)):
        raise error(f"{what} must be a text or a number, got {shorten(v)}")
    text = str(v)
    if not text.strip():
        raise error(f"{what} is empty")
    return text


def json_objects(
    doc: dict[str, Any], key: str, what: str, needs: tuple[str, ...], default: Any = None
) -> Iterator[tuple[int, dict[str, Any]]]:
    """The objects of the list ``doc[key]``, numbered from 1, each checked to hold the keys ``needs``.

    Parameters
    ----------
    doc : dict
        A parsed JSON object.
    key : str
        The key of the list in ``doc``.
    what : str
        What one object is, for messages (``"task"``: ``task #3 needs an 'id'``).
    needs : tuple of str
        The keys every object must hold.
    default : Any
        The value when ``key`` is missing (``None``: the list is required).

    Returns
    -------
    Iterator of (int, dict)
        The number and the object, checked one by one as the iteration reaches it.

    Raises
    ------
    GraphError
        At once when ``doc[key]`` is not a list; during the iteration when an item is not
        an object holding ``needs``.

    Examples
    --------
    >>> [k for k, e in json_objects({"edges": [{"source": "a", "target": "b"}]}, "edges", "edge", ("source", "target"))]
    [1]
    >>> next(json_objects({"tasks": [{}]}, "tasks", "task", ("id",)))
    Traceback (most recent call last):
    model.graph.GraphError: task #1 needs an 'id'
    """
    items = doc.get(key, default)
    if not isinstance(items, list):
        raise GraphError(f"'{key}' must be a list")
    return _objects(items, what, needs)


def _objects(items: list[Any], what: str, needs: tuple[str, ...]) -> Iterator[tuple[int, dict[str, Any]]]:
    named = " and ".join(repr(n) for n in needs)
    if len(needs) == 1:
        named = ("an " if needs[0][0] in "aeiou" else "a ") + named
    for k, item in enumerate(items, 1):
        if not isinstance(item, dict) or any(n not in item for n in needs):
            raise GraphError(f"{what} #{k} needs {named}")
        yield k, item


def _first_non_finite(doc: Any) -> tuple[str, float] | None:
    """The JSON path and value of the first non-finite number in ``doc``, if any."""
    stack: list[tuple[Any, str]] = [(doc, "")]
    while stack:
        node, path = stack.pop()
        if isinstance(node, float) and not math.isfinite(node):
            return path or "the document", node
        if isinstance(node, dict):
            stack.extend((v, f"{path}.{k}" if path else str(k)) for k, v in reversed(list(node.items())))
        elif isinstance(node, (list, tuple)):
            stack.extend((v, f"{path}[{i}]") for i, v in reversed(list(enumerate(node))))
    return None


def dumps_json(doc: Any, *, indent: int | None = None) -> str:
    """``doc`` as strict JSON text (no ``NaN`` or ``Infinity``), with a final newline.

    Raises
    ------
    GraphError
        If ``doc`` holds a non-finite number (the message names its place) or a value
        JSON cannot hold.

    Examples
    --------
    >>> dumps_json({"a": [1, 2.5]})
    '{"a": [1, 2.5]}\\n'
    >>> dumps_json({"slots": [{"finish": float("inf")}]})
    Traceback (most recent call last):
    ...
    model.graph.GraphError: cannot write slots[0].finish: inf is not a finite number
    """
    try:
        return json.dumps(doc, indent=indent, allow_nan=False) + "\n"
    except ValueError:
        bad = _first_non_finite(doc)
        if bad is None:
            raise
        where = bad[0] if len(bad[0]) <= 80 else bad[0][:80] + "…"
        raise GraphError(f"cannot write {where}: {bad[1]!r} is not a finite number") from None
    except TypeError as e:
        raise GraphError(f"cannot write the document as JSON: {e}") from None


def finite_only(value: Any) -> Any:
    """A copy of ``value`` without non-finite numbers: object members holding one are
    left out, array items become ``None`` (JSON ``null``).

    Examples
    --------
    >>> finite_only({"x": float("nan"), "y": [1.0, float("inf")], "z": {"w": 2}})
    {'y': [1.0, None], 'z': {'w': 2}}
    """
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: finite_only(v) for k, v in value.items() if not (isinstance(v, float) and not math.isfinite(v))}
    if isinstance(value, (list, tuple)):
        return [finite_only(v) for v in value]
    return value
