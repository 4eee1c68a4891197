"""Strict JSON in and out: the one place every JSON reader and writer of TaskMapper goes through.

Reading (:func:`load_json`) accepts RFC 8259 JSON only, plus a leading UTF-8 byte order
mark: ``NaN`` and ``Infinity`` are refused, as is a key given twice in one object (JSON
parsers disagree on which one wins) and nesting deeper than :data:`MAX_DEPTH` (no
TaskMapper file needs more than a handful of levels). Writing (:func:`dumps_json`)
never emits ``NaN`` or ``Infinity``: a non-finite number is refused with an error that
names where it is, and :func:`finite_only` drops them from the free parts of a
document (attributes and notes that are kept on save but are not part of the format)
beforehand.

Both go through orjson (a C parser and writer, much faster than the standard library's)
with the checks above kept: orjson by itself refuses ``NaN`` but keeps the last of
duplicate keys without a word, turns integers beyond 64 bits into floats and writes
``NaN`` as ``null``. So a parsed document's object members are counted against the keys
in the text (for text without a backslash, by counting the colons of orjson's text of the
document against the file's; other text is walked), floats that may have been such integers send the text to the standard
library's parser (as does any text orjson refuses, so that the message is the same
either way), and a written document whose text holds a ``null`` is scanned for
non-finite numbers (what orjson cannot write goes through the standard library).
"""

from __future__ import annotations

import json
import math
import operator
import os
import re
from collections.abc import Iterator
from itertools import chain, compress, repeat
from typing import Any

import numpy as np
import orjson

from ..gcpause import paused_collection
from ..graph import GraphError, shorten

#: a piece of written text: bytes, or a view of a buffer made elsewhere (a kernel's output)
Buffer = bytes | memoryview

__all__ = ["MAX_DEPTH", "Buffer", "dumps_json", "encode_json", "encode_json_parts", "finite_only", "joined", "json_id", "json_objects", "load_json", "parse_json"]

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


_is_container = frozenset((dict, list, tuple)).__contains__
_PLAIN = frozenset((dict, list, tuple, str, int, float, bool, type(None)))
#: a key's closing quote and its colon with white space between (rare: orjson and the
#: standard library write none)
_SPACED_COLON = re.compile(rb'"[ \t\n\r]+:')
#: floats this large may be integers beyond 64 bits, which orjson reads as floats
_BIG_FLOAT = 2.0**63


def _scan(doc: Any, limit: int) -> tuple[int, bool, float, float, bool]:
    """One pass over ``doc`` level by level, in C loops as far as it goes.

    Returns the number of object members, whether containers nest deeper than ``limit``,
    the sum of all floats (non-finite when one of them is, or when the sum overflows), the
    largest absolute float, and whether every value is of a plain JSON type (not a
    subclass, not another type).
    """
    values: list[Any] = [doc]
    members, depth, total, largest, plain = 0, 0, 0.0, 0.0, True
    while True:
        types = list(map(type, values))
        plain = plain and _PLAIN.issuperset(types)
        floats = list(compress(values, map(operator.is_, types, repeat(float))))
        if floats:
            total += sum(floats)
            largest = max(largest, max(map(abs, floats)))
        level = list(compress(values, map(_is_container, types)))
        if not level:
            break
        depth += 1
        if depth > limit:
            return members, True, total, largest, plain
        dicts = [n for n in level if n.__class__ is dict]
        members += sum(map(len, dicts))
        values = list(chain(chain.from_iterable(map(dict.values, dicts)),
                            chain.from_iterable(n for n in level if n.__class__ is not dict)))
    return members, False, total, largest, plain


def _member_count(data: bytes) -> int:
    """At least the number of object members in JSON text ``data``, exactly that number
    unless a string starts with a colon: every member's key ends in a quote followed by a
    colon (white space between allowed), and no other quote outside a string is."""
    return data.count(b'":') + len(_SPACED_COLON.findall(data))


#: every byte but a quote and the four brackets, dropped by :func:`_text_depth`
_NOT_STRUCTURE = bytes(sorted(set(range(256)) - set(b'"[]{}')))
#: +1 for a byte that opens an array or object, -1 for one that closes it, else 0
_NESTING = np.zeros(256, dtype=np.int32)
_NESTING[[ord("["), ord("{")]] = 1
_NESTING[[ord("]"), ord("}")]] = -1
#: digits to ``0``, every other byte to a space (:func:`_long_digits`)
_DIGITS_ONLY = bytes(ord("0") if chr(c).isdigit() and c < 128 else ord(" ") for c in range(256))


def _too_deep(source: str) -> GraphError:
    """The error for JSON text ``source`` nested deeper than :data:`MAX_DEPTH`."""
    return GraphError(f"{source} is nested too deeply (at most {MAX_DEPTH} levels)")


def _text_depth(data: bytes) -> int:
    """How deep the arrays and objects of valid JSON text ``data`` nest, for text without
    a backslash: every quote then opens or closes a string, so a bracket is outside
    strings exactly when an even number of quotes comes before it."""
    marks = np.frombuffer(data.translate(None, _NOT_STRUCTURE), dtype=np.uint8)
    if not len(marks):
        return 0
    quote = marks == ord('"')
    # the running count of quotes, modulo 2: int32 may wrap around, its lowest bit stays right
    outside = (np.cumsum(quote, dtype=np.int32) & 1) == 0
    step = _NESTING[marks[outside & ~quote]]
    return int(np.cumsum(step).max()) if len(step) else 0


def _long_digits(data: bytes) -> bool:
    """Whether ``data`` holds 19 digits in a row: where an integer of 2**63 or more (which
    orjson reads as a float) may be."""
    return b"0" * 19 in data.translate(_DIGITS_ONLY)


def _fast_parse(data: bytes, source: str) -> tuple[bool, Any]:
    """``(True, document)`` when orjson reads ``data`` exactly as the strict reader would,
    else ``(False, None)`` (the standard library's parser then decides).

    Text without a backslash (every big file TaskMapper writes) is checked without a walk
    over the document: its strings are written exactly as orjson writes them back (nothing
    in them needs an escape), and colons are found only in strings and after keys, so
    orjson's text of the document has as many colons as ``data`` unless a key given twice
    was dropped, which removes at least the colon after that key and adds none. Its
    nesting is counted on the bytes. Other text is walked (:func:`_scan`).
    """
    try:
        doc = orjson.loads(data)
    except orjson.JSONDecodeError:
        return False, None
    if b"\\" not in data:
        if _text_depth(data) > MAX_DEPTH:
            raise _too_deep(source)
        if _long_digits(data) or orjson.dumps(doc).count(b":") != data.count(b":"):
            return False, None
        return True, doc
    members, deep, _total, largest, _plain = _scan(doc, MAX_DEPTH)
    if deep:
        raise _too_deep(source)
    if largest >= _BIG_FLOAT or members != _member_count(data):
        return False, None
    return True, doc


def parse_json(text: str | bytes, source: str) -> Any:
    """Parse JSON ``text`` strictly (see the module description).

    Parameters
    ----------
    text : str or bytes
        The JSON text, or its UTF-8 encoding (a leading byte order mark is skipped).
    source : str
        What the text is, for error messages (e.g. the quoted file name).

    Raises
    ------
    GraphError
        On invalid or non-strict JSON, a duplicate key, too deep nesting or bytes that
        are not UTF-8.

    Examples
    --------
    >>> parse_json('{"a": [1, 2.5]}', "text")
    {'a': [1, 2.5]}
    >>> parse_json('{"a": NaN}', "text")
    Traceback (most recent call last):
    ...
    model.graph.GraphError: text is not valid JSON: NaN is not a JSON number
    """
    if isinstance(text, str):
        data = text.encode("utf-8", "surrogatepass")
    else:
        data = text
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    with paused_collection():  # millions of new objects, none of them garbage
        ok, doc = _fast_parse(data, source)
    if ok:
        return doc
    if isinstance(text, str):
        text = text[1:] if text.startswith("\ufeff") else text
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise GraphError(f"{source} is not UTF-8 text") from None
    try:
        doc = json.loads(text, parse_int=_parse_int, parse_constant=_constant, object_pairs_hook=_object)
    except _DuplicateKey as e:
        raise GraphError(f"{source}: key {shorten(e.args[0])} appears twice in one object") from None
    except _Constant as e:
        raise GraphError(f"{source} is not valid JSON: {e.args[0]} is not a JSON number") from None
    except RecursionError:
        raise _too_deep(source) from None
    except json.JSONDecodeError as e:
        raise GraphError(f"{source} is not valid JSON: {e.msg} at line {e.lineno} column {e.colno}") from None
    if _scan(doc, MAX_DEPTH)[1]:
        raise _too_deep(source)
    return doc


def load_json(path: str | os.PathLike[str]) -> Any:
    """Parse a JSON file strictly, turning OS and syntax errors into :class:`GraphError`.

    A UTF-8 byte order mark (as some Windows editors write) is skipped; ``NaN``,
    ``Infinity``, a key given twice in one object and nesting deeper than
    :data:`MAX_DEPTH` are refused.
    """
    where = repr(str(path))
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        raise GraphError(f"no such file: {where}") from None
    except IsADirectoryError:
        raise GraphError(f"{where} is a folder, not a file") from None
    except OSError as e:
        raise GraphError(f"cannot read {where}: {e.strerror}") from None
    return parse_json(data, where)


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


def dumps_json(doc: Any, *, indent: int | None = None, rows: bool = False) -> str:
    """``doc`` as strict JSON text (no ``NaN`` or ``Infinity``), with a final newline.
    (:func:`encode_json` gives its UTF-8 bytes.)

    Parameters
    ----------
    doc : Any
        The document: dicts with text keys, lists, tuples, texts, numbers, booleans, ``None``.
    indent : int, optional
        Indent nested containers (by two spaces, whatever the number); ``None``: one line.
    rows : bool
        For an object: each member on a line of its own, and the items of a member that is
        a list of arrays or objects one per line, each written compact (a schedule, one
        slot a line: readable, and written as fast as compact text). Wins over ``indent``.

    Raises
    ------
    GraphError
        If ``doc`` holds a non-finite number (the message names its place) or a value
        JSON cannot hold.

    Examples
    --------
    >>> dumps_json({"a": [1, 2.5]})
    '{"a":[1,2.5]}\\n'
    >>> print(dumps_json({"n": 2, "slots": [{"t": 1}, {"t": 2}]}, rows=True), end="")
    {
     "n": 2,
     "slots": [
      {"t":1},
      {"t":2}
     ]
    }
    >>> dumps_json({"slots": [{"finish": float("inf")}]})
    Traceback (most recent call last):
    ...
    model.graph.GraphError: cannot write slots[0].finish: inf is not a finite number
    """
    return encode_json(doc, indent=indent, rows=rows).decode()


def encode_json(doc: Any, *, indent: int | None = None, rows: bool = False,
                given: dict[str, Buffer] | None = None) -> bytes:
    """:func:`dumps_json` as UTF-8 bytes (what a file gets; no text copy made on the way).

    ``given``, with ``rows``: members of ``doc`` whose JSON text the caller made already
    (written in their place instead of ``doc``'s value).

    Examples
    --------
    >>> encode_json({"a": "é"})
    b'{"a":"\\xc3\\xa9"}\\n'
    """
    return joined(encode_json_parts(doc, indent=indent, rows=rows, given=given))


def joined(parts: list[Buffer]) -> bytes:
    """The pieces of :func:`encode_json_parts` as one text (a lone ``bytes`` piece as it is)."""
    return parts[0] if len(parts) == 1 and isinstance(parts[0], bytes) else b"".join(parts)


def encode_json_parts(doc: Any, *, indent: int | None = None, rows: bool = False,
                      given: dict[str, Buffer] | None = None) -> list[Buffer]:
    """:func:`encode_json`'s text as pieces to be written one after the other: the texts in
    ``given`` are among them as they are (a big schedule's slots, hundreds of megabytes,
    are then never copied into one ``bytes``)."""
    try:
        if rows and isinstance(doc, dict):
            parts = _rows(doc, given or {})
        else:
            parts = [orjson.dumps(doc, option=orjson.OPT_INDENT_2 if indent is not None else 0) + b"\n"]
    except TypeError:
        if given:
            raise  # (the standard library knows nothing of the given texts: the caller decides)
        # orjson's refusals (a key that is not a text, an integer beyond 64 bits, a float
        # subclass, very deep nesting) go through the standard library, which decides
        try:
            return [(json.dumps(doc, indent=indent, allow_nan=False) + "\n").encode()]
        except ValueError:
            _refuse_non_finite(doc)
            raise
        except (TypeError, RecursionError) as e:
            raise GraphError(f"cannot write the document as JSON: {e}") from None
    # orjson writes NaN and infinities as null: look for them when a null is there (the
    # given texts are the caller's, made of finite numbers)
    mine = (p for p in parts if isinstance(p, bytes))
    if any(b"null" in p for p in mine):
        _members, _deep, total, _largest, plain = _scan(doc, 1 << 30)
        if not (plain and math.isfinite(total)):
            _refuse_non_finite(doc)  # (or the sum of finite numbers overflowed: nothing to refuse)
    return parts


#: put between the items of a list written one item a line (see :func:`_lines`)
_MARK = "\x00row\x00"
_MARK_JSON = b',"\\u0000row\\u0000",'


def _lines(items: list[Any]) -> bytes:
    """A list of arrays or objects, one item a line: encoded in one call with a marker
    between the items, which is then turned into line breaks (one orjson call per item
    would cost a separate buffer of a few kilobytes for each)."""
    marked: list[Any] = [_MARK] * (2 * len(items) - 1)
    marked[::2] = items
    data = orjson.dumps(marked)
    if data.count(_MARK_JSON) != len(items) - 1:  # a text of the document looks like the marker
        return b"[\n  " + b",\n  ".join(map(orjson.dumps, items)) + b"\n ]"
    return b"[\n  " + data[1:-1].replace(_MARK_JSON, b",\n  ") + b"\n ]"


def _rows(doc: dict[str, Any], given: dict[str, Buffer]) -> list[Buffer]:
    """The layout of :func:`dumps_json` with ``rows``, in pieces (``given`` as in :func:`encode_json`)."""
    dumps = orjson.dumps
    parts: list[Buffer] = []
    for key, value in doc.items():
        if not isinstance(key, str):
            raise TypeError("keys must be texts")
        parts.append((b"{\n " if not parts else b",\n ") + dumps(key) + b": ")
        if key in given:
            parts.append(given[key])
        elif isinstance(value, list) and value and all(map(_is_container, map(type, value))):
            parts.append(_lines(value))
        else:
            parts.append(dumps(value))
    if not parts:
        return [b"{}\n"]
    parts.append(b"\n}\n")
    return parts


def _refuse_non_finite(doc: Any) -> None:
    """Raise the error that names the first non-finite number of ``doc``, if it has one."""
    bad = _first_non_finite(doc)
    if bad is not None:
        where = bad[0] if len(bad[0]) <= 80 else bad[0][:80] + "…"
        raise GraphError(f"cannot write {where}: {bad[1]!r} is not a finite number") from None


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
