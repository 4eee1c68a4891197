"""Graphviz DOT task graphs, as used in teaching and in the scheduling literature.

Reading (a small parser of the DOT language, so errors name their line):

- The graph must be a ``digraph``; an undirected ``graph`` is refused.
- Node cost: attribute ``Weight`` (also ``weight``, ``cost``, ``size``, any case); a
  ``costs`` attribute ``"14,16,9"`` gives a per-worker cost list. Edge data: ``Weight``
  (also ``weight``, ``data``, ``size``). Values must be numbers.
- ``pos="x,y"`` (Graphviz points, y upwards) gives the editor position ``x``, ``y``
  (y downwards); other node and edge attributes are kept as free attributes
  (strings); graph attributes go to ``graph.attrs["dot"]``, except ``workers`` /
  ``speeds`` (the platform) and ``bandwidth`` / ``latency`` / ``links`` (the network,
  see :mod:`model.formats.netattrs`).
- ``node [...]`` / ``edge [...]`` defaults, subgraphs and clusters, edge chains
  ``a -> b -> c``, ``{a b} -> c``, ports, comments and ``+``-joined strings are
  understood.
- A node used in an edge but never declared, while other nodes are declared, is
  reported as unknown (it is almost always a typo).

Writing gives the same attributes, except the editor's edge ``route`` (bend points
valid only for the native file's positions), which is left out; with a schedule each
node also gets ``Start``, ``Finish`` and ``Processor``.
"""

from __future__ import annotations

import json
import math
import os
import re
from dataclasses import dataclass, field
from typing import Any

from ..graph import GraphError, Platform, TaskGraph, Worker, shorten
from ..schedule import Schedule
from .jsonio import finite_only
from .netattrs import KEYS as NETWORK_KEYS
from .netattrs import network_attrs, network_from_attrs
from .textfile import check_in, lay_out_if_unplaced, read_text_file

__all__ = ["parse", "read", "read_text", "to_text", "write"]

_NODE_COST_KEYS = ("weight", "cost", "size")
_EDGE_DATA_KEYS = ("weight", "data", "size")
_KEYWORDS = {"strict", "graph", "digraph", "node", "edge", "subgraph"}
#: deepest nesting of subgraphs accepted (as for JSON files)
_MAX_NESTING = 100

_TOKEN = re.compile(
    r"""
    (?P<ws>[ \t\r\f\v]+)
  | (?P<nl>\n)
  | (?P<lcomment>//[^\n]*)
  | (?P<bcomment>/\*.*?\*/)
  | (?P<edgeop>->|--)
  | (?P<num>-?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?))
  | (?P<id>[A-Za-z_\x80-\U0010ffff][A-Za-z_0-9\x80-\U0010ffff]*)
  | (?P<str>"(?:[^"\\]|\\.)*")
  | (?P<punct>[{}\[\];,=:+])
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass
class _Tok:
    kind: str  # "id" (any identifier, number or string), "kw", "op", "p", "eof"
    value: str
    line: int
    quoted: bool = False


def _tokenize(text: str, where: str) -> list[_Tok]:
    toks: list[_Tok] = []
    pos, line, n = 0, 1, len(text)
    at_line_start = True
    while pos < n:
        if at_line_start and text[pos] == "#":  # C preprocessor output line
            end = text.find("\n", pos)
            pos = n if end < 0 else end
            continue
        if text[pos] == "<":  # HTML string: balanced angle brackets
            depth, i = 0, pos
            while i < n:
                if text[i] == "<":
                    depth += 1
                elif text[i] == ">":
                    depth -= 1
                    if depth == 0:
                        break
                i += 1
            if depth:
                raise GraphError(f"{where} line {line}: unterminated <...> string")
            toks.append(_Tok("id", text[pos + 1: i], line))
            line += text.count("\n", pos, i)
            pos = i + 1
            at_line_start = False
            continue
        m = _TOKEN.match(text, pos)
        if m is None:
            if text[pos] == '"':
                raise GraphError(f"{where} line {line}: unterminated string")
            raise GraphError(f"{where} line {line}: unexpected character {shorten(text[pos])}")
        kind = m.lastgroup
        s = m.group()
        if kind == "nl":
            line += 1
            at_line_start = True
        elif kind in ("ws",):
            pass
        elif kind == "bcomment":
            line += s.count("\n")
        elif kind == "lcomment":
            pass
        else:
            at_line_start = False
            if kind == "str":
                value = _unescape(s[1:-1])
                # '+' joins consecutive quoted strings
                if toks and toks[-1].kind == "p" and toks[-1].value == "+" and len(toks) >= 2 \
                        and toks[-2].kind == "id" and toks[-2].quoted:
                    toks.pop()
                    toks[-1].value += value
                else:
                    toks.append(_Tok("id", value, line, quoted=True))
                line += s.count("\n")
            elif kind == "id" and s.lower() in _KEYWORDS:
                toks.append(_Tok("kw", s.lower(), line))
            elif kind in ("id", "num"):
                toks.append(_Tok("id", s, line))
            elif kind == "edgeop":
                toks.append(_Tok("op", s, line))
            else:
                toks.append(_Tok("p", s, line))
        pos = m.end()
    toks.append(_Tok("eof", "", line))
    return toks


def _unescape(s: str) -> str:
    """Undo the escapes of a quoted DOT string (line continuations, quotes, backslashes, ``\\n``)."""
    s = s.replace("\\\n", "")
    return re.sub(r'\\(["\\n])', lambda m: "\n" if m.group(1) == "n" else m.group(1), s)


@dataclass
class DotGraph:
    """The parsed content of a DOT file (before it becomes a task graph).

    ``nodes`` maps a node id to its attributes and the line that declared it (``None``
    for a node only seen in edges); ``edges`` is a list of (source, target, attributes,
    line).
    """

    name: str = ""
    directed: bool = True
    strict: bool = False
    attrs: dict[str, str] = field(default_factory=dict)
    nodes: dict[str, dict[str, str]] = field(default_factory=dict)
    node_line: dict[str, int | None] = field(default_factory=dict)
    first_seen: dict[str, int] = field(default_factory=dict)
    edges: list[tuple[str, str, dict[str, str], int]] = field(default_factory=list)


class _Parser:
    def __init__(self, toks: list[_Tok], where: str) -> None:
        self.toks = toks
        self.i = 0
        self.where = where
        self.g = DotGraph()
        self.depth = 0  # subgraph nesting: graph attributes count only at the top

    # token helpers
    def peek(self, k: int = 0) -> _Tok:
        return self.toks[min(self.i + k, len(self.toks) - 1)]

    def next(self) -> _Tok:
        t = self.toks[self.i]
        if t.kind != "eof":
            self.i += 1
        return t

    def err(self, msg: str, tok: _Tok | None = None) -> GraphError:
        t = tok or self.peek()
        return GraphError(f"{self.where} line {t.line}: {msg}")

    def expect(self, kind: str, value: str | None = None) -> _Tok:
        t = self.next()
        if t.kind != kind or (value is not None and t.value != value):
            found = "end of file" if t.kind == "eof" else shorten(t.value)
            want = repr(value) if value else ("a name" if kind == "id" else kind)
            raise self.err(f"syntax error: expected {want}, found {found}", t)
        return t

    def accept(self, kind: str, value: str | None = None) -> _Tok | None:
        t = self.peek()
        if t.kind == kind and (value is None or t.value == value):
            return self.next()
        return None

    # grammar
    def parse(self) -> DotGraph:
        g = self.g
        if self.accept("kw", "strict"):
            g.strict = True
        t = self.next()
        if t.kind != "kw" or t.value not in ("graph", "digraph"):
            raise self.err("syntax error: a DOT file starts with 'digraph' (or 'graph')", t)
        g.directed = t.value == "digraph"
        if not g.directed:
            raise self.err("the graph is undirected ('graph'); a task graph must be a 'digraph'", t)
        if self.peek().kind == "id":
            g.name = self.next().value
        self.expect("p", "{")
        self.stmt_list({}, {})
        self.expect("p", "}")
        t = self.peek()
        if t.kind != "eof":
            raise self.err(f"syntax error: unexpected {shorten(t.value)} after the closing '}}'", t)
        return g

    def stmt_list(self, node_def: dict[str, str], edge_def: dict[str, str]) -> list[str]:
        """Parse statements up to '}' (not consumed); return the nodes mentioned."""
        node_def, edge_def = dict(node_def), dict(edge_def)
        members: list[str] = []
        while True:
            t = self.peek()
            if t.kind == "eof":
                raise self.err("syntax error: missing '}' at end of file", t)
            if t.kind == "p" and t.value == "}":
                return members
            if t.kind == "p" and t.value == ";":
                self.next()
                continue
            self.stmt(node_def, edge_def, members)
            self.accept("p", ";")

    def stmt(self, node_def: dict[str, str], edge_def: dict[str, str], members: list[str]) -> None:
        t = self.peek()
        if t.kind == "kw" and t.value in ("graph", "node", "edge"):
            self.next()
            attrs = self.attr_list(required=True)
            if t.value == "graph":
                if self.depth == 0:
                    self.g.attrs.update(attrs)
            elif t.value == "node":
                node_def.update(attrs)
            else:
                edge_def.update(attrs)
            return
        if t.kind == "id" and self.peek(1).kind == "p" and self.peek(1).value == "=":
            key = self.next().value
            self.next()
            val = self.expect("id").value
            if self.depth == 0:
                self.g.attrs[key] = val
            return
        # node or edge statement
        ends = [self.endpoint(node_def, edge_def, members)]
        lines = [t.line]
        while self.peek().kind == "op":
            op = self.next()
            if op.value == "--":
                raise self.err("undirected edge '--' in a digraph (use '->')", op)
            lines.append(op.line)
            ends.append(self.endpoint(node_def, edge_def, members))
        if len(ends) == 1:
            first = ends[0]
            if first[0] == "node":
                nid = first[1][0]
                attrs = self.attr_list(required=False)
                self.declare(nid, node_def, t.line)
                self.g.nodes[nid].update(attrs)
            else:
                self.attr_list(required=False)
            return
        attrs = {**edge_def, **self.attr_list(required=False)}
        for (_, a), (_, b), line in zip(ends, ends[1:], lines[1:]):
            for u in a:
                for v in b:
                    self.g.edges.append((u, v, dict(attrs), line))

    def endpoint(
        self, node_def: dict[str, str], edge_def: dict[str, str], members: list[str]
    ) -> tuple[str, list[str]]:
        t = self.peek()
        if (t.kind == "kw" and t.value == "subgraph") or (t.kind == "p" and t.value == "{"):
            if self.accept("kw", "subgraph") and self.peek().kind == "id":
                self.next()
            brace = self.expect("p", "{")
            self.depth += 1
            if self.depth > _MAX_NESTING:
                raise self.err(f"subgraphs nested too deeply (at most {_MAX_NESTING} levels)", brace)
            inner = self.stmt_list(node_def, edge_def)
            self.depth -= 1
            self.expect("p", "}")
            members.extend(inner)
            return ("subgraph", inner)
        tok = self.next()
        if tok.kind != "id":
            found = "end of file" if tok.kind == "eof" else shorten(tok.value)
            raise self.err(f"syntax error: expected a node name, found {found}", tok)
        nid = tok.value
        if self.accept("p", ":"):  # port, and optional compass point
            self.expect("id")
            if self.accept("p", ":"):
                self.expect("id")
        if nid not in self.g.nodes:
            self.g.nodes[nid] = dict(node_def)
            self.g.node_line[nid] = None
            self.g.first_seen[nid] = tok.line
        members.append(nid)
        return ("node", [nid])

    def declare(self, nid: str, node_def: dict[str, str], line: int) -> None:
        if self.g.node_line.get(nid) is None:
            self.g.node_line[nid] = line

    def attr_list(self, *, required: bool) -> dict[str, str]:
        attrs: dict[str, str] = {}
        if not (self.peek().kind == "p" and self.peek().value == "["):
            if required:
                raise self.err("syntax error: expected '['")
            return attrs
        while self.accept("p", "["):
            while not self.accept("p", "]"):
                key = self.expect("id").value
                if self.accept("p", "="):
                    attrs[key] = self.expect("id").value
                else:
                    attrs[key] = "true"
                if not self.accept("p", ","):
                    self.accept("p", ";")
        return attrs


def parse(text: str, where: str = "DOT file") -> DotGraph:
    """Parse DOT text into a :class:`DotGraph` (syntax only).

    Raises
    ------
    GraphError
        On a syntax error or an undirected graph; the message names the line.

    Examples
    --------
    >>> d = parse('digraph g { a [Weight=2]; a -> b -> c [Weight=5] }')
    >>> sorted(d.nodes), [(u, v) for u, v, _, _ in d.edges]
    (['a', 'b', 'c'], [('a', 'b'), ('b', 'c')])
    """
    return _Parser(_tokenize(text, where), where).parse()


def _pick(attrs: dict[str, str], keys: tuple[str, ...]) -> tuple[str, str] | None:
    low = {k.lower(): k for k in attrs}
    for k in keys:
        if k in low:
            return low[k], attrs[low[k]]
    return None


def _number(text: str, what: str) -> float:
    try:
        v = float(text.strip())
    except ValueError:
        raise GraphError(f"{what} must be a number, got {shorten(text)}") from None
    if math.isnan(v) or math.isinf(v) or v < 0:
        raise GraphError(f"{what} must be a finite non-negative number, got {shorten(text)}")
    return v


def read_text(text: str, name: str = "untitled", where: str = "DOT file") -> TaskGraph:
    """Build a :class:`TaskGraph` from DOT text.

    Raises
    ------
    GraphError
        On a syntax error, an undirected graph, a non-numeric weight, an unknown node,
        a duplicate edge or a cycle; the message names the line or the node.

    Examples
    --------
    >>> g = read_text('digraph { a [Weight=3]; b [Weight=4]; a -> b [Weight=2] }')
    >>> g.cost("a"), g.data("a", "b")
    (3.0, 2.0)
    """
    d = parse(text, where)
    declared = any(line is not None for line in d.node_line.values())
    g = TaskGraph(d.name or name)
    network = network_from_attrs(d.attrs, where)
    d.attrs = {k: v for k, v in d.attrs.items() if k not in NETWORK_KEYS}
    if d.attrs:
        g.attrs["dot"] = dict(d.attrs)
    for nid, attrs in d.nodes.items():
        line = d.node_line[nid] or d.first_seen.get(nid)
        at = f"{where} line {line}: node {shorten(nid)}"
        if declared and d.node_line[nid] is None and _pick(attrs, _NODE_COST_KEYS) is None:
            raise GraphError(f"{at} is used in an edge but never declared (unknown node)")
        extra: dict[str, Any] = dict(attrs)
        cost: float | None = None
        costs: list[float] | None = None
        if "costs" in extra:
            raw = extra.pop("costs").strip().strip("[]")
            parts = [p for p in re.split(r"[,\s;]+", raw) if p]
            costs = [_number(p, f"{at}: cost #{k + 1}") for k, p in enumerate(parts)]
            if not costs:
                raise GraphError(f"{at}: 'costs' is empty")
        picked = _pick(extra, _NODE_COST_KEYS)
        if picked is not None:
            key, val = picked
            extra.pop(key)
            c = _number(val, f"{at}: {key}")
            if costs is None:
                cost = c
        pos = extra.pop("pos", None)
        if pos is not None:
            m = re.match(r"\s*(-?[0-9.eE+-]+)\s*,\s*(-?[0-9.eE+-]+)", pos)
            if m is None:
                extra["pos"] = pos
            else:
                try:
                    extra["x"], extra["y"] = float(m.group(1)), -float(m.group(2)) + 0.0
                except ValueError:
                    extra["pos"] = pos
        try:
            g.add_task(nid, cost, costs=costs, **extra)
        except GraphError as e:
            raise GraphError(f"{where} line {line}: {e}") from None
    for u, v, attrs, line in d.edges:
        extra = dict(attrs)
        data = 0.0
        picked = _pick(extra, _EDGE_DATA_KEYS)
        if picked is not None:
            key, val = picked
            extra.pop(key)
            data = _number(val, f"{where} line {line}: edge {shorten(u)} -> {shorten(v)}: {key}")
        if g.nx.has_edge(u, v):
            if d.strict:
                continue
            raise GraphError(f"{where} line {line}: duplicate edge {shorten(u)} -> {shorten(v)}")
        try:
            g.add_edge(u, v, data, **extra)
        except GraphError as e:
            raise GraphError(f"{where} line {line}: {e}") from None
    check_in(where, g.validate)
    if "workers" in d.attrs:
        ids = [w for w in re.split(r"[,\s]+", d.attrs["workers"]) if w]
        speeds = [s for s in re.split(r"[,\s]+", d.attrs.get("speeds", "")) if s]
        try:
            ws = [Worker(w, _number(speeds[k], f"{where}: speed of worker {shorten(w)}") if k < len(speeds) else 1.0)
                  for k, w in enumerate(ids)]
            g.platform = Platform(tuple(ws), network) if network is not None else Platform(tuple(ws))
            g.validate()
        except GraphError as e:
            raise GraphError(f"{where}: {e}") from None
        rest = {k: v for k, v in d.attrs.items() if k not in ("workers", "speeds")}
        if rest:
            g.attrs["dot"] = rest
        else:
            g.attrs.pop("dot", None)
    elif network is not None:
        if network.links:
            raise GraphError(f"{where}: 'links' needs a 'workers' graph attribute")
        g.network = network
    lay_out_if_unplaced(g)
    return g


def read(path: str | os.PathLike[str]) -> TaskGraph:
    """Read a DOT file (``.dot`` / ``.gv``) as a task graph (see :func:`read_text`)."""
    return read_text(*read_text_file(path))


def _quote(v: Any) -> str:
    if isinstance(v, bool):
        return '"true"' if v else '"false"'
    if isinstance(v, (int, float)) and math.isfinite(v):
        return _fmt(float(v))
    s = v if isinstance(v, str) else json.dumps(v)
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _fmt(v: float) -> str:
    return str(int(v)) if v.is_integer() and abs(v) < 2**53 else repr(v)


def _attr_text(attrs: dict[str, Any]) -> str:
    attrs = finite_only(attrs)  # free values that are no finite number are left out, as in JSON
    if not attrs:
        return ""
    return " [" + ", ".join(f"{_key(k)}={_quote(v)}" for k, v in attrs.items()) + "]"


def _key(k: str) -> str:
    return k if re.fullmatch(r"[A-Za-z_][A-Za-z_0-9]*", k) and k.lower() not in _KEYWORDS else _quote(str(k))


def to_text(graph: TaskGraph, schedule: Schedule | None = None) -> str:
    """The DOT text of a graph, with ``Start``/``Finish``/``Processor`` when a schedule is given.

    Examples
    --------
    >>> g = TaskGraph("g"); g.add_task("a", 3); g.add_task("b", 4); g.add_edge("a", "b", 2)
    >>> print(to_text(g), end="")
    digraph "g" {
      "a" [Weight=3];
      "b" [Weight=4];
      "a" -> "b" [Weight=2];
    }
    """
    lines = [f"digraph {_quote(graph.name)} {{"]
    gattrs: dict[str, Any] = {k: v for k, v in (graph.attrs.get("dot") or {}).items() if k not in NETWORK_KEYS}
    gattrs.update(network_attrs(graph))
    if graph.platform is not None:
        gattrs["workers"] = ",".join(graph.platform.ids)
        if any(w.speed != 1.0 for w in graph.platform.workers):
            gattrs["speeds"] = ",".join(_fmt(w.speed) for w in graph.platform.workers)
    if gattrs:
        lines.append("  graph" + _attr_text(gattrs) + ";")
    at = schedule.slot_of() if schedule is not None else {}
    for n, a in graph.nx.nodes(data=True):
        out: dict[str, Any] = {}
        if "costs" in a:
            out["Weight"] = graph.cost(n)
            out["costs"] = ",".join(_fmt(float(c)) for c in a["costs"])
        else:
            out["Weight"] = float(a.get("cost", 0.0))
        for k, v in a.items():
            if k in ("cost", "costs", "x", "y"):
                continue
            if k.lower() in ("start", "finish", "processor") and n in at:
                continue
            out[k] = v
        if _finite(a.get("x")) and _finite(a.get("y")):
            out["pos"] = f"{_fmt(float(a['x']))},{_fmt(-float(a['y']) + 0.0)}"
        else:
            # a position that is no point (text, infinite) is kept as written
            out.update({k: a[k] for k in ("x", "y") if k in a})
        if n in at:
            sl = at[n]
            out["Start"] = sl.start
            out["Finish"] = sl.finish
            out["Processor"] = sl.worker
        lines.append(f"  {_quote(str(n))}{_attr_text(out)};")
    for u, v, a in graph.nx.edges(data=True):
        out = {"Weight": float(a.get("data", 0.0))}
        # "route" (the editor's bends, in the native file's coordinates) is a drawing hint only
        out.update({k: val for k, val in a.items() if k not in ("data", "route")})
        lines.append(f"  {_quote(str(u))} -> {_quote(str(v))}{_attr_text(out)};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _finite(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def write(graph: TaskGraph, path: str | os.PathLike[str], schedule: Schedule | None = None) -> None:
    """Write a graph (and optionally its schedule) as a DOT file (see :func:`to_text`)."""
    from . import atomic_write

    atomic_write(path, to_text(graph, schedule))
