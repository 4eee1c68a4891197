"""The Standard Task Graph Set ``.stg`` text format (Kasahara lab, Waseda University).

Layout: the first line holds ``n``, the number of real tasks; then come ``n + 2`` lines
``id time n_preds pred_1 ... pred_k``. Task ``0`` is a dummy entry and task ``n + 1`` a
dummy exit, both of time 0. Lines starting with ``#`` are comments; whatever follows
the task lines (the set's information block) is ignored. Fields are separated by any
whitespace and a task line may wrap over several physical lines.

Choice made on reading: the two dummy tasks are dropped when they have time 0 and
only play their role (the entry precedes nothing but real sources, the exit follows
real sinks); precedence through them is kept as edges between real tasks, so nothing
is lost. A dummy with a non-zero time is kept as a task (``"0"`` or ``str(n + 1)``).
Real tasks keep their numbers as ids (``"1"`` .. ``str(n)``), unless the file carries
the ``# task numbers: 1=a 2=b ...`` comment this program writes, which restores the
original ids. The set has no
communication costs: edges carry ``data`` 0.

On writing, tasks are numbered ``1..n`` in topological order and the dummies are
added back. The format holds one time per task and no data volumes: edge data are
not written, and a graph with per-worker ``costs`` lists is refused.
"""

from __future__ import annotations

import os

from ..graph import GraphError, TaskGraph, check_number, shorten
from .textfile import check_in, lay_out_if_unplaced, read_text_file

__all__ = ["read", "read_text", "write", "write_text"]


_NAMES = "# task numbers:"


def _tokens(text: str) -> tuple[list[tuple[int, str]], dict[str, str]]:
    """Whitespace-separated fields with their line numbers (comments removed), and the
    task names this program writes in a comment (number -> original id)."""
    out: list[tuple[int, str]] = []
    names: dict[str, str] = {}
    for lineno, line in enumerate(text.splitlines(), 1):
        s = line.strip()
        if s.startswith(_NAMES):
            for item in s[len(_NAMES):].split():
                k, _, v = item.partition("=")
                if v:
                    names[k] = v
            continue
        if not s or s.startswith("#"):
            continue
        out.extend((lineno, tok) for tok in s.split())
    return out, names


def _int(tok: tuple[int, str], what: str, where: str) -> int:
    lineno, s = tok
    try:
        return int(s)
    except ValueError:
        raise GraphError(f"{where} line {lineno}: {what} must be a whole number, got {shorten(s)}") from None


def read_text(text: str, name: str = "untitled", where: str = "STG file") -> TaskGraph:
    """Parse the text of an ``.stg`` file.

    Parameters
    ----------
    text : str
        File content.
    name : str
        Name of the graph.
    where : str
        How error messages name the input (e.g. the file name).

    Raises
    ------
    GraphError
        On a malformed line (its number is named), an unknown predecessor or a cycle.

    Examples
    --------
    >>> g = read_text("2\\n0 0 0\\n1 3 1 0\\n2 4 1 1\\n3 0 1 2\\n")
    >>> g.tasks, g.edges, g.cost("2")
    (['1', '2'], [('1', '2')], 4.0)
    """
    toks, names = _tokens(text)
    if not toks:
        raise GraphError(f"{where} is empty (expected the number of tasks on the first line)")
    pos = 0
    n = _int(toks[0], "the number of tasks", where)
    if n < 0:
        raise GraphError(f"{where} line {toks[0][0]}: the number of tasks is negative ({n})")
    pos = 1
    times: dict[int, float] = {}
    preds: dict[int, list[int]] = {}
    line_of: dict[int, int] = {}
    for expected in range(n + 2):
        if pos >= len(toks):
            raise GraphError(f"{where}: task {expected} is missing (the file declares {n} tasks + 2 dummies)")
        head = toks[pos]
        tid = _int(head, "a task id", where)
        if tid != expected:
            raise GraphError(f"{where} line {head[0]}: expected task {expected}, found task {tid}")
        if pos + 2 >= len(toks):
            raise GraphError(f"{where} line {head[0]}: task {tid} needs a time and a number of predecessors")
        t_tok = toks[pos + 1]
        try:
            t = float(t_tok[1])
        except ValueError:
            raise GraphError(f"{where} line {t_tok[0]}: time of task {tid} must be a number, got {shorten(t_tok[1])}") from None
        times[tid] = check_number(t, f"{where} line {t_tok[0]}: time of task {tid}")
        k = _int(toks[pos + 2], f"number of predecessors of task {tid}", where)
        if k < 0 or pos + 3 + k > len(toks):
            raise GraphError(f"{where} line {head[0]}: task {tid} declares {k} predecessors but lists fewer")
        plist = []
        for tok in toks[pos + 3: pos + 3 + k]:
            p = _int(tok, f"a predecessor of task {tid}", where)
            if p < 0 or p > n + 1:
                raise GraphError(f"{where} line {tok[0]}: task {tid} names unknown predecessor {p}")
            if p == tid:
                raise GraphError(f"{where} line {tok[0]}: task {tid} is its own predecessor (a cycle)")
            plist.append(p)
        preds[tid] = plist
        line_of[tid] = head[0]
        pos += 3 + k
    # tokens left over are the trailing information block: ignored

    entry, exit_ = 0, n + 1
    keep_entry = times[entry] != 0 or bool(preds[entry])
    keep_exit = times[exit_] != 0 or any(exit_ in ps for ps in preds.values())
    kept = [t for t in range(n + 2) if (t != entry or keep_entry) and (t != exit_ or keep_exit)]
    ids = {t: str(t) for t in kept}
    real = [str(t) for t in kept]
    if names and sorted(names) == sorted(real) and len(set(names.values())) == len(names):
        ids = {t: names[str(t)] for t in kept}
    g = TaskGraph(name)
    for t in kept:
        g.add_task(ids[t], times[t])
    keep = set(kept)
    for t in kept:
        seen: set[int] = set()
        for p in preds[t]:
            if p in keep and p not in seen:
                seen.add(p)
                g.add_edge(ids[p], ids[t])
    check_in(where, g.check_acyclic)
    lay_out_if_unplaced(g)
    return g


def read(path: str | os.PathLike[str]) -> TaskGraph:
    """Read an ``.stg`` file (see the module description for the dummy tasks).

    Raises
    ------
    GraphError
        If the file cannot be read or is malformed (the line is named).
    """
    return read_text(*read_text_file(path))


def _fmt(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else repr(float(v))


def write_text(graph: TaskGraph) -> str:
    """The ``.stg`` text of a graph (tasks renumbered ``1..n`` in topological order).

    Raises
    ------
    GraphError
        If a task has a per-worker ``costs`` list (the format holds one time per task).

    Examples
    --------
    >>> g = TaskGraph(); g.add_task("a", 2); g.add_task("b", 5); g.add_edge("a", "b", 7)
    >>> print(write_text(g), end="")
    2
    0 0 0
    1 2 1 0
    2 5 1 1
    3 0 1 2
    # converted by TaskMapper from 'untitled'; edge data are not part of this format
    # task numbers: 1=a 2=b
    """
    order = graph.topological_order()
    for t in order:
        if graph.costs(t) is not None:
            raise GraphError(f"task {shorten(t)} has per-worker costs; the .stg format holds one time per task")
    num = {t: i + 1 for i, t in enumerate(order)}
    n = len(order)
    lines = [str(n), "0 0 0"]
    for t in order:
        ps = sorted(num[p] for p in graph.predecessors(t)) or [0]
        lines.append(" ".join([str(num[t]), _fmt(graph.cost(t)), str(len(ps)), *map(str, ps)]))
    sinks = [num[t] for t in order if not graph.successors(t)] or [0]
    lines.append(" ".join([str(n + 1), "0", str(len(sinks)), *map(str, sinks)]))
    lines.append(f"# converted by TaskMapper from {graph.name!r}; edge data are not part of this format")
    if any(str(num[t]) != t for t in order) and not any(len(t.split()) != 1 or "=" in t for t in order):
        lines.append("# task numbers: " + " ".join(f"{num[t]}={t}" for t in order))
    return "\n".join(lines) + "\n"


def write(graph: TaskGraph, path: str | os.PathLike[str]) -> None:
    """Write a graph as an ``.stg`` file (see :func:`write_text`)."""
    from . import atomic_write

    atomic_write(path, write_text(graph))
