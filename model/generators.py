"""Task graphs of the standard benchmark families, generated from a seed.

Every generator shares the weighting of the HEFT paper (Topcuoglu, Hariri, Wu 2002,
§5.1): each task gets a mean cost ``w_i`` drawn uniformly around ``cost`` (the mean
task cost; ``vary`` = 1 gives the paper's ``U(0, 2 * cost)``), each edge a data volume
drawn around ``ccr * cost`` so the communication-to-computation ratio is ``ccr`` (with
the default network, bandwidth 1). With ``workers = m`` every task instead gets a
``costs`` list of ``m`` times drawn uniformly from ``[w_i (1 - beta/2), w_i (1 + beta/2)]``
(the paper's heterogeneity factor ``beta``). Costs are whole numbers by default
(``integer=False`` keeps decimals). Every graph carries ``x``/``y`` positions of a
layered drawing (one row per level) and is the same for the same ``seed``.

Kinds (see each function for its own parameters): ``layered``, ``fork-join``,
``in-tree``, ``out-tree``, ``series-parallel``, ``gaussian``, ``fft``, ``montage``,
``chain``, ``independent``.

Examples
--------
>>> g = generate("fft", points=4)
>>> len(g), g.nx.number_of_edges()
(15, 22)
>>> generate("layered", n=50, seed=3).edges == generate("layered", n=50, seed=3).edges
True
"""

from __future__ import annotations

import inspect
import itertools
import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .gcpause import paused_collection
from .graph import GraphError, TaskGraph
from .layout import apply_layout, layered_layout
from .levels import level_of

__all__ = ["GENERATORS", "generate", "layout_levels"]

#: vertical distance between the rows of the drawing (and horizontal one in the quick drawing)
SPACING = 120.0
#: past this many tasks a graph gets the quick drawing (rows in generation order) instead
#: of the layered layout with crossing reduction and routed long edges
LAYOUT_MAX_TASKS = 20_000


# -------------------------------------------------------------------- parameters
#: the largest graph a generator builds (a typo such as ``n=1e9`` must not hang the machine):
#: its tasks, its edges, and its per-worker costs (tasks × ``workers``); each family works
#: out its counts from its parameters and refuses before generating anything
MAX_TASKS = 1_000_000
MAX_EDGES = 4_000_000
MAX_COST_ENTRIES = 16_000_000
#: the largest mean task cost and mean edge data (``ccr * cost``): with the spreads
#: drawn around them every cost and data volume stays far within ``model.graph.MAX_TIME``
MAX_MEAN = 1e10
_SIZES = ("n", "width", "phases", "images", "branches", "degree")


def _int(kind: str, name: str, v: Any, lo: int, hi: int | None = None) -> int:
    if isinstance(v, bool) or not isinstance(v, (int, float, np.integer)) or (isinstance(v, float) and not v.is_integer()):
        raise GraphError(f"parameter {name!r} of generator {kind!r} must be a whole number, got {v!r}")
    iv = int(v)
    if hi is None and name in _SIZES and iv > MAX_TASKS:
        raise GraphError(f"parameter {name!r} of generator {kind!r} must be at most {MAX_TASKS:,}, got {iv:,}")
    if iv < lo or (hi is not None and iv > hi):
        rng = f"at least {lo}" if hi is None else f"between {lo} and {hi}"
        raise GraphError(f"parameter {name!r} of generator {kind!r} must be {rng}, got {iv}")
    return iv


def _float(kind: str, name: str, v: Any, lo: float, hi: float | None = None, *, strict: bool = False) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)):
        raise GraphError(f"parameter {name!r} of generator {kind!r} must be a number, got {v!r}")
    fv = float(v)
    bad = math.isnan(fv) or math.isinf(fv) or fv < lo or (strict and fv == lo) or (hi is not None and fv > hi)
    if bad:
        lo_s = f"> {lo:g}" if strict else f">= {lo:g}"
        hi_s = "" if hi is None else f" and <= {hi:g}"
        raise GraphError(f"parameter {name!r} of generator {kind!r} must be {lo_s}{hi_s}, got {v!r}")
    return fv


def _limit(kind: str, tasks: int, edges: int, w: _Weights, params: str) -> None:
    """Refuse a graph past the size limits before it is generated (``params`` names the cause)."""
    if tasks > MAX_TASKS:
        raise GraphError(f"generator {kind!r} with {params} would make {tasks:,} tasks; at most {MAX_TASKS:,}")
    if edges > MAX_EDGES:
        raise GraphError(f"generator {kind!r} with {params} would make about {edges:,} edges; "
                         f"at most {MAX_EDGES:,}")
    if w.workers is not None and tasks * w.workers > MAX_COST_ENTRIES:
        raise GraphError(f"generator {kind!r} with {params} and workers={w.workers} would make "
                         f"{tasks * w.workers:,} per-worker costs; at most {MAX_COST_ENTRIES:,}")


class _Weights:
    """The weighting parameters shared by every generator (checked once)."""

    def __init__(self, kind: str, cost: Any, ccr: Any, vary: Any, workers: Any, beta: Any, integer: Any) -> None:
        self.cost = _float(kind, "cost", cost, 0.0, MAX_MEAN, strict=True)
        self.ccr = _float(kind, "ccr", ccr, 0.0)
        if self.ccr * self.cost > MAX_MEAN:
            raise GraphError(f"parameters 'ccr' x 'cost' of generator {kind!r} must be at most {MAX_MEAN:g}, "
                             f"got {self.ccr:g} x {self.cost:g}")
        self.vary = _float(kind, "vary", vary, 0.0, 1.0)
        self.workers = None if workers is None else _int(kind, "workers", workers, 1, 4096)
        self.beta = _float(kind, "beta", beta, 0.0, 2.0)
        if not isinstance(integer, bool):
            raise GraphError(f"parameter 'integer' of generator {kind!r} must be true or false, got {integer!r}")
        self.integer = integer


def _round(a: np.ndarray, integer: bool, minimum: float) -> np.ndarray:
    if integer:
        out: np.ndarray = np.maximum(minimum, np.rint(a))
    else:
        out = np.maximum(minimum, np.round(a, 3))
    return out


def _assemble(
    name: str,
    ids: Sequence[str],
    src: np.ndarray | Sequence[int],
    dst: np.ndarray | Sequence[int],
    rng: np.random.Generator,
    w: _Weights,
    *,
    base_cost: np.ndarray | Sequence[float] | None = None,
    base_data: np.ndarray | Sequence[float] | None = None,
    level: np.ndarray | None = None,
    col: np.ndarray | None = None,
    width: np.ndarray | None = None,
    attrs: Sequence[dict[str, Any]] | None = None,
) -> TaskGraph:
    """Weights, positions and the :class:`TaskGraph` itself (built in bulk: the
    generators produce valid structures, and 100,000-task graphs must be quick)."""
    n = len(ids)
    src_a = np.asarray(src, dtype=np.int64)
    dst_a = np.asarray(dst, dtype=np.int64)
    bc = np.ones(n) if base_cost is None else np.asarray(base_cost, dtype=float)
    mean = w.cost * bc * rng.uniform(1.0 - w.vary, 1.0 + w.vary, n)
    # a task of cost 0 is legal but confusing in a teaching tool: at least 1 (or 0.001)
    mean = _round(mean, w.integer, 1.0 if w.integer else 0.001)
    bd = np.ones(len(src_a)) if base_data is None else np.asarray(base_data, dtype=float)
    data = _round(w.ccr * w.cost * bd * rng.uniform(1.0 - w.vary, 1.0 + w.vary, len(src_a)), w.integer, 0.0)
    costs = None
    if w.workers is not None:
        lo = mean * (1.0 - w.beta / 2.0)
        hi = mean * (1.0 + w.beta / 2.0)
        costs = _round(rng.uniform(lo[:, None], hi[:, None], (n, w.workers)), w.integer, 1.0 if w.integer else 0.001)
    g = TaskGraph(name)
    nx_g = g.nx
    have_pos = level is not None and col is not None and width is not None
    if have_pos:
        assert level is not None and col is not None and width is not None
        xs = ((col - (width[level] - 1) / 2.0) * SPACING).tolist()
        ys = (level * SPACING).astype(float).tolist()
    cl = costs.tolist() if costs is not None else None
    ml = mean.tolist()
    nodes = []
    for i, t in enumerate(ids):
        a: dict[str, Any] = {"costs": cl[i]} if cl is not None else {"cost": ml[i]}
        if have_pos:
            a["x"] = xs[i]
            a["y"] = ys[i]
        if attrs is not None and attrs[i]:
            a.update(attrs[i])
        nodes.append((t, a))
    dl = data.tolist()
    # many small dicts: the cyclic garbage collector would scan them again and again
    with paused_collection():
        nx_g.add_nodes_from(nodes)
        nx_g.add_edges_from(
            (ids[u], ids[v], {"data": dl[k]}) for k, (u, v) in enumerate(zip(src_a.tolist(), dst_a.tolist()))
        )
    if not have_pos or n <= LAYOUT_MAX_TASKS:
        layout_levels(g)
    return g


def layout_levels(graph: TaskGraph, spacing: float = SPACING) -> None:
    """Give every task ``x``/``y`` positions of a layered drawing (in place).

    A task's row is its level (longest path from an entry task), rows ``spacing`` apart.
    Up to :data:`LAYOUT_MAX_TASKS` tasks the drawing is :func:`model.layout.layered_layout`
    (few crossings; an edge spanning rows bends around the tasks it passes and keeps its
    bends in the optional edge key ``route``); past it the tasks of a row are spread
    evenly around ``x = 0`` in insertion order.

    Examples
    --------
    >>> g = TaskGraph(); g.add_task("a"); g.add_task("b"); g.add_task("c")
    >>> g.add_edge("a", "b"); g.add_edge("a", "c")
    >>> layout_levels(g); [(g.task_attrs(t)["x"], g.task_attrs(t)["y"]) for t in g.tasks]
    [(0.0, 0.0), (-57.5, 120.0), (57.5, 120.0)]
    """
    if len(graph) <= LAYOUT_MAX_TASKS:
        apply_layout(graph, layered_layout(graph, layer_gap=spacing))
        return
    rows: dict[int, list[str]] = {}
    for t, lv in level_of(graph).items():
        rows.setdefault(lv, []).append(t)
    for lv, row in rows.items():
        k = len(row)
        for j, t in enumerate(row):
            a = graph.nx.nodes[t]
            a["x"] = (j - (k - 1) / 2.0) * spacing
            a["y"] = float(lv * spacing)
    for _, _, e in graph.nx.edges(data=True):
        e.pop("route", None)  # drawn straight now


# -------------------------------------------------------------------- generators
def layered(
    rng: np.random.Generator,
    w: _Weights,
    *,
    n: int = 100,
    alpha: float = 1.0,
    out_degree: float = 3,
    jump: int = 1,
) -> TaskGraph:
    """Random layered DAG with the parameters of the HEFT paper (Topcuoglu et al. 2002, §5.1).

    Parameters
    ----------
    n : int
        Number of tasks ``v``.
    alpha : float
        Shape: ``sqrt(v) / alpha`` levels, each of mean width ``alpha * sqrt(v)`` (drawn
        uniformly); small alpha gives long thin graphs, large alpha wide short ones.
    out_degree : float
        Mean number of successors of a task (drawn uniformly in ``1 .. 2 * out_degree - 1``).
    jump : int
        An edge goes from a level to one of the next ``jump`` levels.

    Every task below the first level has at least one predecessor.
    """
    kind = "layered"
    n = _int(kind, "n", n, 1)
    alpha = _float(kind, "alpha", alpha, 0.0, strict=True)
    out_degree = _float(kind, "out_degree", out_degree, 1.0)
    jump = _int(kind, "jump", jump, 1)
    max_k = max(1, round(2 * out_degree - 1))
    _limit(kind, n, n * (1 + max_k) // 2, w, f"n={n:,}, out_degree={out_degree:g}")
    levels = int(min(n, max(1, round(math.sqrt(n) / alpha))))
    raw = rng.uniform(0.0, 2.0, levels) + 1e-9
    extra = (n - levels) * raw / raw.sum()
    width = 1 + np.floor(extra).astype(np.int64)
    short = n - int(width.sum())
    if short > 0:
        width[np.argsort(-(extra - np.floor(extra)), kind="stable")[:short]] += 1
    start = np.concatenate(([0], np.cumsum(width)))
    level = np.repeat(np.arange(levels), width)
    col = np.arange(n) - start[level]
    srcs, dsts = [], []
    for lv in range(levels - 1):
        a0, a1 = start[lv], start[lv + 1]
        b0, b1 = start[lv + 1], start[min(levels, lv + 1 + jump)]
        k = rng.integers(1, max_k + 1, a1 - a0)
        s = np.repeat(np.arange(a0, a1), k)
        t = rng.integers(b0, b1, len(s))
        # every task of the next level gets at least one predecessor in this level
        nxt = np.arange(start[lv + 1], start[lv + 2])
        orphans = nxt[~np.isin(nxt, t)]
        s = np.concatenate((s, rng.integers(a0, a1, len(orphans))))
        t = np.concatenate((t, orphans))
        key = np.unique(s * n + t)
        srcs.append(key // n)
        dsts.append(key % n)
    src = np.concatenate(srcs) if srcs else np.zeros(0, dtype=np.int64)
    dst = np.concatenate(dsts) if dsts else np.zeros(0, dtype=np.int64)
    ids = [f"T{i + 1}" for i in range(n)]
    return _assemble(f"layered-{n}", ids, src, dst, rng, w, level=level, col=col, width=width)


def fork_join(
    rng: np.random.Generator, w: _Weights, *, n: int | None = None, width: int | None = None, phases: int = 1
) -> TaskGraph:
    """Fork-join: a fork task, ``width`` parallel tasks, a join task, repeated ``phases``
    times (each join is the next fork).

    Parameters
    ----------
    n : int, optional
        Approximate number of tasks; sets ``width`` when it is not given.
    width : int
        Parallel tasks per phase (default 8, or from ``n``).
    phases : int
        Number of fork-join phases.
    """
    kind = "fork-join"
    phases = _int(kind, "phases", phases, 1)
    if width is None:
        width = 8 if n is None else max(1, (_int(kind, "n", n, 3) - 1) // phases - 1)
    width = _int(kind, "width", width, 1)
    _limit(kind, phases * (width + 1) + 1, 2 * phases * width, w, f"{phases:,} phases of width {width:,}")
    ids = ["F0"]
    src: list[int] = []
    dst: list[int] = []
    cat = [{"category": "fork"}]
    prev = 0
    for p in range(1, phases + 1):
        branch = []
        for i in range(width):
            ids.append(f"T{p}.{i + 1}")
            cat.append({"category": "work"})
            branch.append(len(ids) - 1)
            src.append(prev)
            dst.append(len(ids) - 1)
        ids.append(f"J{p}")
        cat.append({"category": "join"})
        for b in branch:
            src.append(b)
            dst.append(len(ids) - 1)
        prev = len(ids) - 1
    return _assemble(f"fork-join-{len(ids)}", ids, src, dst, rng, w, attrs=cat)


def _tree(kind: str, rng: np.random.Generator, w: _Weights, n: int, degree: int, inward: bool) -> TaskGraph:
    n = _int(kind, "n", n, 1)
    degree = _int(kind, "degree", degree, 1)
    _limit(kind, n, n - 1, w, f"n={n:,}")
    ids = [f"T{i + 1}" for i in range(n)]
    child = np.arange(1, n)
    parent = (child - 1) // degree
    src, dst = (child, parent) if inward else (parent, child)
    return _assemble(f"{kind}-{n}", ids, src, dst, rng, w)


def out_tree(rng: np.random.Generator, w: _Weights, *, n: int = 15, degree: int = 2) -> TaskGraph:
    """Out-tree (divide phase): a root whose every task has ``degree`` children, ``n`` tasks in all."""
    return _tree("out-tree", rng, w, n, degree, inward=False)


def in_tree(rng: np.random.Generator, w: _Weights, *, n: int = 15, degree: int = 2) -> TaskGraph:
    """In-tree (reduction): ``degree`` tasks feed each task, down to a single exit; ``n`` tasks."""
    return _tree("in-tree", rng, w, n, degree, inward=True)


def series_parallel(
    rng: np.random.Generator, w: _Weights, *, n: int = 20, branches: int = 3, p_parallel: float = 0.5
) -> TaskGraph:
    """Random series-parallel graph of exactly ``n`` tasks, with one entry and one exit.

    Built recursively: a block of ``k`` tasks is one task, a chain (``k <= 3``), or with
    probability ``p_parallel`` a fork task, 2..``branches`` parallel sub-blocks and a join
    task, else 2..``branches`` sub-blocks in series.
    """
    kind = "series-parallel"
    n = _int(kind, "n", n, 1)
    branches = _int(kind, "branches", branches, 2)
    p_parallel = _float(kind, "p_parallel", p_parallel, 0.0, 1.0)
    # every block adds at most two edges per task it holds (fork and join ones)
    _limit(kind, n, 2 * n, w, f"n={n:,}")
    src: list[int] = []
    dst: list[int] = []
    count = 0

    def new() -> int:
        nonlocal count
        count += 1
        return count - 1

    def split(total: int, k: int) -> list[int]:
        cuts = np.sort(rng.choice(np.arange(1, total), size=k - 1, replace=False))
        return np.diff(np.concatenate(([0], cuts, [total]))).tolist()  # type: ignore[no-any-return]

    # explicit stack instead of recursion: (size, slot) where slot receives (entry, exit)
    result: dict[int, tuple[int, int]] = {}
    todo: list[tuple[str, Any]] = [("build", (n, 0))]
    next_slot = 1
    while todo:
        op, arg = todo.pop()
        if op == "build":
            size, slot = arg
            if size <= 3:
                first = prev = new()
                for _ in range(size - 1):
                    cur = new()
                    src.append(prev)
                    dst.append(cur)
                    prev = cur
                result[slot] = (first, prev)
                continue
            if rng.random() < p_parallel:
                k = int(rng.integers(2, min(branches, size - 2) + 1))
                parts = split(size - 2, k)
                fork = new()
                slots = list(range(next_slot, next_slot + k))
                next_slot += k
                todo.append(("par", (slot, fork, slots)))
            else:
                k = int(rng.integers(2, min(branches, size) + 1))
                parts = split(size, k)
                slots = list(range(next_slot, next_slot + k))
                next_slot += k
                todo.append(("ser", (slot, slots)))
            for sz, sl in zip(reversed(parts), reversed(slots)):
                todo.append(("build", (sz, sl)))
        elif op == "par":
            slot, fork, slots = arg
            join = new()
            for sl in slots:
                a, b = result.pop(sl)
                src.extend((fork, b))
                dst.extend((a, join))
            result[slot] = (fork, join)
        else:
            slot, slots = arg
            blocks = [result.pop(sl) for sl in slots]
            for (_, b), (a, _) in itertools.pairwise(blocks):
                src.append(b)
                dst.append(a)
            result[slot] = (blocks[0][0], blocks[-1][1])
    # number tasks in a topological order so ids read naturally
    order = _topo_numbering(count, src, dst)
    ids = [""] * count
    for rank, v in enumerate(order):
        ids[v] = f"T{rank + 1}"
    perm = np.empty(count, dtype=np.int64)
    perm[np.asarray(order, dtype=np.int64)] = np.arange(count)
    inv = np.asarray(order, dtype=np.int64)
    s2 = perm[np.asarray(src, dtype=np.int64)]
    d2 = perm[np.asarray(dst, dtype=np.int64)]
    return _assemble(f"series-parallel-{n}", [ids[v] for v in inv], s2, d2, rng, w)


def _topo_numbering(n: int, src: Sequence[int], dst: Sequence[int]) -> list[int]:
    indeg = [0] * n
    succ: list[list[int]] = [[] for _ in range(n)]
    for u, v in zip(src, dst):
        succ[u].append(v)
        indeg[v] += 1
    stack = [v for v in range(n) if indeg[v] == 0]
    stack.reverse()
    out = []
    while stack:
        u = stack.pop()
        out.append(u)
        for v in reversed(succ[u]):
            indeg[v] -= 1
            if indeg[v] == 0:
                stack.append(v)
    return out


def gaussian(rng: np.random.Generator, w: _Weights, *, size: int | None = None, n: int | None = None) -> TaskGraph:
    """Gaussian elimination of a ``size`` x ``size`` matrix (Topcuoglu et al. 2002, §5.2;
    Wu and Gajski 1990): ``(size² + size - 2) / 2`` tasks.

    Step ``k`` has a pivot task ``P{k}`` and update tasks ``U{k}_{j}`` for columns
    ``j > k``; the pivot feeds the step's updates, update ``U{k}_{j}`` feeds the next
    step's task of column ``j`` (``P{k+1}`` when ``j = k + 1``).

    Parameters
    ----------
    size : int
        Matrix size (default 5, or the size whose task count is closest to ``n``).
    """
    kind = "gaussian"
    if size is None:
        size = 5 if n is None else max(2, round((-1 + math.sqrt(9 + 8 * _int(kind, "n", n, 1))) / 2))
    m = _int(kind, "size", size, 2, 2000)
    _limit(kind, (m * m + m - 2) // 2, m * (m - 1) - 1, w, f"size={m:,}")
    ids: list[str] = []
    index: dict[tuple[int, int], int] = {}
    cat = []
    for k in range(1, m):
        index[(k, k)] = len(ids)
        ids.append(f"P{k}")
        cat.append({"category": "pivot"})
        for j in range(k + 1, m + 1):
            index[(k, j)] = len(ids)
            ids.append(f"U{k}_{j}")
            cat.append({"category": "update"})
    src, dst = [], []
    for k in range(1, m):
        for j in range(k + 1, m + 1):
            src.append(index[(k, k)])
            dst.append(index[(k, j)])
            if k + 1 < m:
                src.append(index[(k, j)])
                dst.append(index[(k + 1, j)] if j > k + 1 else index[(k + 1, k + 1)])
    return _assemble(f"gaussian-{m}", ids, src, dst, rng, w, attrs=cat)


def fft(rng: np.random.Generator, w: _Weights, *, points: int | None = None, n: int | None = None) -> TaskGraph:
    """Fast Fourier transform on ``points`` points (a power of 2; Topcuoglu et al. 2002, §5.2).

    ``2 * points - 1`` recursive-call tasks (a binary out-tree, ``R1`` .. ) followed by
    ``log2(points)`` stages of ``points`` butterfly tasks ``B{s}_{i}``; butterfly
    ``(s, i)`` needs ``(s - 1, i)`` and ``(s - 1, i xor 2^(s-1))``.

    Parameters
    ----------
    points : int
        Default 4, or the largest power of 2 whose graph has at most ``n`` tasks.
    """
    kind = "fft"
    if points is None:
        points = 4
        if n is not None:
            nn = _int(kind, "n", n, 1)
            points = 2
            while 2 * (2 * points) - 1 + 2 * points * int(math.log2(2 * points)) <= nn:
                points *= 2
    p = _int(kind, "points", points, 2, 1 << 16)
    if p & (p - 1):
        raise GraphError(f"parameter 'points' of generator 'fft' must be a power of 2, got {p}")
    stages = int(math.log2(p))
    _limit(kind, 2 * p - 1 + p * stages, 2 * (p - 1) + 2 * p * stages, w, f"points={p:,}")
    ids = [f"R{i + 1}" for i in range(2 * p - 1)]
    cat: list[dict[str, Any]] = [{"category": "recursive"}] * (2 * p - 1)
    src, dst = [], []
    for i in range(p - 1):
        for c in (2 * i + 1, 2 * i + 2):
            src.append(i)
            dst.append(c)
    prev = [p - 1 + i for i in range(p)]
    for s in range(1, stages + 1):
        cur = []
        for i in range(p):
            ids.append(f"B{s}_{i + 1}")
            cat.append({"category": "butterfly"})
            v = len(ids) - 1
            cur.append(v)
            for j in (i, i ^ (1 << (s - 1))):
                src.append(prev[j])
                dst.append(v)
        prev = cur
    return _assemble(f"fft-{p}", ids, src, dst, rng, w, attrs=cat)


#: relative cost of each Montage stage (a mosaic's run time is dominated by
#: reprojection and co-addition)
_MONTAGE_COST = {
    "mProjectPP": 1.5, "mDiffFit": 0.5, "mConcatFit": 2.0, "mBgModel": 2.0, "mBackground": 0.5,
    "mImgtbl": 0.3, "mAdd": 3.0, "mShrink": 1.0, "mJPEG": 0.3,
}


def montage(rng: np.random.Generator, w: _Weights, *, images: int | None = None, n: int | None = None) -> TaskGraph:
    """A Montage-like astronomy mosaic pipeline over ``images`` input images (``4 * images + 3`` tasks).

    ``mProjectPP`` reprojects each image; ``mDiffFit`` fits each overlapping pair (images
    ``i, i+1`` and ``i, i+2``); ``mConcatFit`` and ``mBgModel`` gather the fits into a
    background model; ``mBackground`` corrects each image; ``mImgtbl``, ``mAdd``,
    ``mShrink`` and ``mJPEG`` build the mosaic. Images travel at full size (data weight
    1), fit tables and models are small (0.05-0.1), the mosaic is large (2).

    Parameters
    ----------
    images : int
        Default 4, or ``(n - 3) // 4``.
    """
    kind = "montage"
    if images is None:
        images = 4 if n is None else max(2, (_int(kind, "n", n, 1) - 3) // 4)
    k = _int(kind, "images", images, 2)
    _limit(kind, 4 * k + 3, 10 * k - 5, w, f"images={k:,}")
    ids: list[str] = []
    cats: list[str] = []

    def task(name: str, cat: str) -> int:
        ids.append(name)
        cats.append(cat)
        return len(ids) - 1

    src: list[int] = []
    dst: list[int] = []
    dw: list[float] = []

    def edge(u: int, v: int, weight: float) -> None:
        src.append(u)
        dst.append(v)
        dw.append(weight)

    proj = [task(f"mProjectPP_{i + 1}", "mProjectPP") for i in range(k)]
    pairs = [(i, i + 1) for i in range(k - 1)] + [(i, i + 2) for i in range(k - 2)]
    diffs = []
    for a, b in pairs:
        d = task(f"mDiffFit_{a + 1}_{b + 1}", "mDiffFit")
        edge(proj[a], d, 1.0)
        edge(proj[b], d, 1.0)
        diffs.append(d)
    concat = task("mConcatFit", "mConcatFit")
    for d in diffs:
        edge(d, concat, 0.1)
    model = task("mBgModel", "mBgModel")
    edge(concat, model, 0.1)
    backs = []
    for i in range(k):
        b = task(f"mBackground_{i + 1}", "mBackground")
        edge(proj[i], b, 1.0)
        edge(model, b, 0.05)
        backs.append(b)
    tbl = task("mImgtbl", "mImgtbl")
    add = task("mAdd", "mAdd")
    for b in backs:
        edge(b, tbl, 0.1)
        edge(b, add, 1.0)
    edge(tbl, add, 0.1)
    shrink = task("mShrink", "mShrink")
    edge(add, shrink, 2.0)
    jpeg = task("mJPEG", "mJPEG")
    edge(shrink, jpeg, 0.5)
    base = [_MONTAGE_COST[c] for c in cats]
    return _assemble(f"montage-{k}", ids, src, dst, rng, w, base_cost=base, base_data=dw,
                     attrs=[{"category": c} for c in cats])


def chain(rng: np.random.Generator, w: _Weights, *, n: int = 10) -> TaskGraph:
    """``n`` tasks in series (no parallelism at all)."""
    n = _int("chain", "n", n, 1)
    _limit("chain", n, n - 1, w, f"n={n:,}")
    ids = [f"T{i + 1}" for i in range(n)]
    return _assemble(f"chain-{n}", ids, np.arange(n - 1), np.arange(1, n), rng, w)


def independent(rng: np.random.Generator, w: _Weights, *, n: int = 10) -> TaskGraph:
    """``n`` tasks without any edge (a bag of tasks: pure load balancing)."""
    n = _int("independent", "n", n, 1)
    _limit("independent", n, 0, w, f"n={n:,}")
    ids = [f"T{i + 1}" for i in range(n)]
    g = _assemble(f"independent-{n}", ids, [], [], rng, w)
    return g


#: kind -> generator function ``f(rng, weights, **params)``
GENERATORS: dict[str, Callable[..., TaskGraph]] = {
    "layered": layered,
    "fork-join": fork_join,
    "in-tree": in_tree,
    "out-tree": out_tree,
    "series-parallel": series_parallel,
    "gaussian": gaussian,
    "fft": fft,
    "montage": montage,
    "chain": chain,
    "independent": independent,
}

_COMMON = {"cost": 20.0, "ccr": 1.0, "vary": None, "workers": None, "beta": 0.5, "integer": True}
_ALIASES = {"m": "workers", "tasks": "n", "v": "n", "outdegree": "out_degree", "out-degree": "out_degree"}


def parameters(kind: str) -> dict[str, Any]:
    """The parameters of a generator kind with their defaults (``None``: derived).

    Examples
    --------
    >>> parameters("fft")["points"] is None
    True
    """
    fn = _lookup(kind)
    own = {k: p.default for k, p in inspect.signature(fn).parameters.items() if k not in ("rng", "w")}
    return {**own, **_COMMON}


def _lookup(kind: str) -> Callable[..., TaskGraph]:
    key = str(kind).lower().replace("_", "-")
    if key not in GENERATORS:
        raise GraphError(f"unknown generator {kind!r}; known: {', '.join(GENERATORS)}")
    return GENERATORS[key]


def generate(kind: str, *, seed: int = 0, **params: Any) -> TaskGraph:
    """Generate a task graph of the family ``kind``.

    Parameters
    ----------
    kind : str
        One of :data:`GENERATORS` (``layered``, ``fork-join``, ``in-tree``, ``out-tree``,
        ``series-parallel``, ``gaussian``, ``fft``, ``montage``, ``chain``, ``independent``).
    seed : int
        Seed of every random choice: the same seed gives the same graph.
    **params
        The kind's own parameters (see its function) and the common weighting ones:
        ``cost`` (mean task cost, 20), ``ccr`` (1.0), ``vary`` (spread of costs and data
        around their mean, 0..1; 1 for ``layered`` as in the HEFT paper, else 0.5),
        ``workers`` / ``m`` (per-worker ``costs`` lists), ``beta`` (heterogeneity, 0.5),
        ``integer`` (whole-number costs, true). ``n`` (or ``tasks``) sets the size of any
        kind.

    Raises
    ------
    GraphError
        On an unknown kind or parameter, or a bad parameter value; the message names it.

    Examples
    --------
    >>> g = generate("gaussian", size=4, seed=1)
    >>> len(g), g.nx.number_of_edges()
    (9, 11)
    >>> generate("chain", n=3, vary=0, cost=5).cost("T2")
    5.0
    """
    fn = _lookup(kind)
    key = str(kind).lower().replace("_", "-")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise GraphError(f"seed must be a whole number, got {seed!r}")
    p: dict[str, Any] = {}
    for k, v in params.items():
        k2 = _ALIASES.get(k, k.replace("-", "_"))
        if k2 in p:
            raise GraphError(f"parameter {k2!r} of generator {key!r} given twice")
        p[k2] = v
    own = [k for k in inspect.signature(fn).parameters if k not in ("rng", "w")]
    common = {k: p.pop(k) for k in list(p) if k in _COMMON}
    if "n" in p and "n" not in own:
        raise GraphError(f"generator {key!r} has no size parameter 'n'")
    unknown = [k for k in p if k not in own]
    if unknown:
        raise GraphError(
            f"unknown parameter {unknown[0]!r} for generator {key!r} (known: {', '.join([*own, *_COMMON])})"
        )
    c = {**_COMMON, **common}
    if c["vary"] is None:
        c["vary"] = 1.0 if key == "layered" else 0.5
    weights = _Weights(key, c["cost"], c["ccr"], c["vary"], c["workers"], c["beta"], c["integer"])
    rng = np.random.default_rng(seed if seed >= 0 else abs(seed) + (1 << 32))
    g = fn(rng, weights, **p)
    g.attrs["generator"] = {"kind": key, "seed": int(seed), **{k: v for k, v in params.items()}}
    return g
