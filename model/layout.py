"""Layered drawing of a task graph (the Sugiyama framework).

Sugiyama, Tagawa and Toda, "Methods for visual understanding of hierarchical system
structures", IEEE SMC 11(2), 1981, in four steps:

1. **Levels.** A task's row is its topological level (longest path from an entry task),
   so the tasks of one row are independent of each other.
2. **Virtual points.** An edge that spans several rows gets one virtual point in every
   row it passes; these points take room in their row like small tasks, so the edge
   is later drawn around the tasks instead of through them.
3. **Crossing reduction.** Rows are reordered by the barycentre of their neighbours,
   sweeping down then up (Sugiyama et al.; Gansner, Koutsofios, North and Vo, "A
   technique for drawing directed graphs", IEEE TSE 19(3), 1993), keeping the order
   with the fewest crossings, counted with the accumulator tree of Barth, Jünger and
   Mutzel ("Simple and efficient bilayer cross counting", JGAA 8(2), 2004).
4. **Coordinates.** Each row is placed where its tasks are closest to their neighbours
   (weighted least squares, virtual chains weighted most so long edges run straight,
   a parent lands over the middle of its children), subject to the minimum distance
   between neighbours in the row: with the order fixed this is an isotonic regression,
   solved exactly per row by pool-adjacent-violators; rows are swept alternately down
   and up.

Everything is deterministic (ties keep the current order; the start order is the
graph's insertion order). Work grows about linearly with tasks plus virtual points;
the number of sweeps shrinks for very large graphs, and an edge whose virtual points
would pass a budget is drawn straight instead.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np

from .graph import TaskGraph
from .levels import level_of

__all__ = [
    "BOX_GAP",
    "LAYER_GAP",
    "Layout",
    "apply_layout",
    "count_crossings",
    "layered_layout",
    "task_width",
]

Pos = tuple[float, float]
Edge = tuple[str, str]

#: vertical distance between two rows of the drawing
LAYER_GAP = 110.0
#: free space between two task boxes of a row
BOX_GAP = 37.0
#: width of a task box in the editor: it grows with the id, within limits
TASK_MIN_W, TASK_MAX_W = 78.0, 170.0
#: room a virtual point takes in its row, and the free space next to it
_VIRTUAL_W = 0.0
_VIRTUAL_GAP = 24.0
#: weights of the coordinate step (Gansner et al. use 1, 2, 8): long edges stay straight
_W_REAL, _W_MIXED, _W_VIRTUAL = 1.0, 2.0, 8.0
#: past this many points plus links the steps run on numpy arrays (the same rules; below it
#: the per-point loops, which are quicker on small drawings)
_ARRAY_MIN_SIZE = 20_000


def task_width(task: str) -> float:
    """Width of the editor box of ``task`` (an estimate from the id's length).

    Examples
    --------
    >>> task_width("T1"), task_width("a" * 40)
    (78.0, 170.0)
    """
    return max(TASK_MIN_W, min(TASK_MAX_W, 28.0 + 8.6 * len(task)))


@dataclass(frozen=True)
class Layout:
    """Result of :func:`layered_layout`.

    Attributes
    ----------
    positions : dict
        Task -> ``(x, y)`` centre of its box; ``y`` is ``level * layer_gap``.
    routes : dict
        Edge -> polyline ``[(x, y), ...]`` from the source's centre through the edge's
        bends to the target's centre, only for edges that do not run straight.
    levels : dict
        Task -> its row (topological level).
    """

    positions: dict[str, Pos]
    routes: dict[Edge, list[Pos]] = field(default_factory=dict)
    levels: dict[str, int] = field(default_factory=dict)


# ------------------------------------------------------------------ crossings
def _bilayer_crossings(pairs: list[tuple[int, int]], south_size: int) -> int:
    """Crossings among edges given as (north position, south position) pairs.

    Sorted by north then south position, the crossings are the inversions of the south
    positions, counted with an accumulator tree (Barth, Jünger and Mutzel 2004).
    """
    if len(pairs) < 2:
        return 0
    pairs.sort()
    first = 1
    while first < south_size:
        first *= 2
    tree = [0] * (2 * first)
    first -= 1
    total = 0
    for _, s in pairs:
        i = s + first
        tree[i] += 1
        while i > 0:
            if i % 2:
                total += tree[i + 1]
            i = (i - 1) // 2
            tree[i] += 1
    return total


def count_crossings(graph: TaskGraph, pos: Mapping[str, Pos], routes: Mapping[Edge, list[Pos]] | None = None) -> int:
    """Number of pairs of edges whose drawings cross (for tests, benchmarks and tuning).

    An edge is drawn as the polyline of its route when ``routes`` has one whose ends are
    its tasks' positions, else as a straight segment. Two pieces cross when they meet at
    a point inside both; pieces sharing a task, touching or overlapping are not counted.
    Each pair of edges counts once however often the two meet.

    Examples
    --------
    >>> g = TaskGraph(); [g.add_task(t) for t in "abxy"] and None
    >>> g.add_edge("a", "y"); g.add_edge("b", "x")
    >>> count_crossings(g, {"a": (0, 0), "b": (100, 0), "x": (0, 100), "y": (100, 100)})
    1
    """
    segs: list[tuple[float, float, float, float]] = []
    owner: list[int] = []
    ends: list[tuple[str, str]] = []
    for k, (u, v) in enumerate(graph.nx.edges):
        pts = _route_or_line(pos, routes, u, v)
        ends.append((u, v))
        for (x0, y0), (x1, y1) in itertools.pairwise(pts):
            segs.append((float(x0), float(y0), float(x1), float(y1)))
            owner.append(k)
    if len(segs) < 2:
        return 0
    s = np.asarray(segs)
    own = np.asarray(owner)
    ax, ay, bx, by = s[:, 0], s[:, 1], s[:, 2], s[:, 3]
    lo_x, hi_x = np.minimum(ax, bx), np.maximum(ax, bx)
    lo_y, hi_y = np.minimum(ay, by), np.maximum(ay, by)
    found: set[tuple[int, int]] = set()
    eps = 1e-9
    chunk = max(1, 2_000_000 // len(segs))
    for start in range(0, len(segs), chunk):
        i = np.arange(start, min(len(segs), start + chunk))[:, None]
        j = np.arange(len(segs))[None, :]
        cand = (j > i) & (own[i] != own[j])
        cand &= (lo_x[i] <= hi_x[j]) & (lo_x[j] <= hi_x[i]) & (lo_y[i] <= hi_y[j]) & (lo_y[j] <= hi_y[i])
        ii, jj = np.nonzero(cand)
        if not len(ii):
            continue
        ii = ii + start

        def orient(p: np.ndarray, rx: np.ndarray, ry: np.ndarray) -> np.ndarray:
            return np.asarray((bx[p] - ax[p]) * (ry - ay[p]) - (by[p] - ay[p]) * (rx - ax[p]))

        d1 = orient(ii, ax[jj], ay[jj])
        d2 = orient(ii, bx[jj], by[jj])
        d3 = orient(jj, ax[ii], ay[ii])
        d4 = orient(jj, bx[ii], by[ii])
        proper = (d1 * d2 < -eps) & (d3 * d4 < -eps)
        for a, b in zip(own[ii[proper]].tolist(), own[jj[proper]].tolist()):
            if set(ends[a]) & set(ends[b]):
                continue
            found.add((min(a, b), max(a, b)))
    return len(found)


def _route_or_line(pos: Mapping[str, Pos], routes: Mapping[Edge, list[Pos]] | None, u: str, v: str) -> list[Pos]:
    a, b = pos[u], pos[v]
    r = routes.get((u, v)) if routes else None
    if r and len(r) >= 2 and _same(r[0], a) and _same(r[-1], b):
        return list(r)
    return [a, b]


def _same(p: Pos | list[float], q: Pos) -> bool:
    return abs(float(p[0]) - float(q[0])) <= 0.5 and abs(float(p[1]) - float(q[1])) <= 0.5


# ---------------------------------------------------------------------- layout
def layered_layout(
    graph: TaskGraph,
    *,
    layer_gap: float = LAYER_GAP,
    box_gap: float = BOX_GAP,
    width: Callable[[str], float] = task_width,
    sweeps: int | None = None,
    virtual_budget: int | None = None,
) -> Layout:
    """A layered drawing of ``graph`` (see the module doc); the graph is not changed.

    Parameters
    ----------
    graph : TaskGraph
        An acyclic graph (a cycle raises :class:`~model.graph.GraphError`).
    layer_gap : float
        Distance between rows.
    box_gap : float
        Free space between the boxes of two neighbouring tasks of a row.
    width : callable
        Task -> width of its box.
    sweeps : int, optional
        Rounds of crossing reduction (one round sweeps down and up). Default: up to 12,
        fewer for graphs with many tasks plus virtual points.
    virtual_budget : int, optional
        Most virtual points made; past it the longest edges are drawn straight.
        Default: ``3 * tasks + 20,000``.

    Examples
    --------
    >>> g = TaskGraph(); [g.add_task(t) for t in "abcd"] and None
    >>> g.add_edge("a", "b"); g.add_edge("a", "c"); g.add_edge("b", "d"); g.add_edge("a", "d")
    >>> lay = layered_layout(g)
    >>> lay.levels
    {'a': 0, 'b': 1, 'c': 1, 'd': 2}
    >>> sorted(lay.routes)  # a -> d passes row 1 beside b and c
    [('a', 'd')]
    """
    nxg = graph.nx
    tasks = list(nxg.nodes)
    if not tasks:
        return Layout({}, {}, {})
    index = {t: i for i, t in enumerate(tasks)}
    n = len(tasks)
    lvl = list(level_of(graph).values())  # in task order

    # ---- proper layered graph: virtual points for edges spanning several rows
    edges = [(index[u], index[v]) for u, v in nxg.edges]
    budget = 3 * n + 20_000 if virtual_budget is None else max(0, virtual_budget)
    spans = sorted(range(len(edges)), key=lambda k: (lvl[edges[k][1]] - lvl[edges[k][0]], k))
    routed: set[int] = set()
    used = 0
    for k in spans:
        extra = lvl[edges[k][1]] - lvl[edges[k][0]] - 1
        if extra <= 0:
            continue
        if used + extra > budget:
            break
        used += extra
        routed.add(k)
    total = n + used
    level = lvl + [0] * used
    up: list[list[int]] = [[] for _ in range(total)]
    down: list[list[int]] = [[] for _ in range(total)]
    chains: dict[int, list[int]] = {}  # edge number -> its virtual points, top to bottom
    nxt = n
    for k, (a, b) in enumerate(edges):
        if k in routed:
            chain = []
            prev = a
            for lv in range(lvl[a] + 1, lvl[b]):
                level[nxt] = lv
                up[nxt].append(prev)
                down[prev].append(nxt)
                chain.append(nxt)
                prev = nxt
                nxt += 1
            up[b].append(prev)
            down[prev].append(b)
            chains[k] = chain
        elif lvl[b] - lvl[a] == 1:
            up[b].append(a)
            down[a].append(b)
        # an edge over the budget keeps no link here: it is drawn straight

    # ---- crossing reduction, from two start orders: depth-first and insertion order
    links = sum(len(d) for d in down)
    size = total + links
    if sweeps is None:
        sweeps = 12 if size <= 20_000 else 6 if size <= 80_000 else 3 if size <= 250_000 else 1
    transpose = size <= 120_000
    arrays = size > _ARRAY_MIN_SIZE
    layers = _Layers(level, up, max(lvl) + 1) if arrays else None
    where = [0] * total
    best_rows: list[list[int]] = []
    best_cross = -1
    for start in ("depth-first", "insertion"):
        rows: list[list[int]] = [[] for _ in range(max(lvl) + 1)]
        if start == "depth-first":
            _initial_order(rows, level, down, n, total)
        else:
            for x in range(total):
                rows[level[x]].append(x)
        for row in rows:
            for i, x in enumerate(row):
                where[x] = i
        if layers is not None:
            rows, c = _reduce_crossings_arrays(layers, rows, sweeps, transpose)
        else:
            rows, c = _reduce_crossings(rows, up, down, where, sweeps, transpose)
        if best_cross < 0 or c < best_cross:
            best_rows, best_cross = rows, c
        if best_cross == 0 or size > 250_000:
            break
    rows = best_rows
    for row in rows:
        for i, x in enumerate(row):
            where[x] = i

    # ---- coordinates
    half = [width(t) / 2.0 for t in tasks] + [_VIRTUAL_W / 2.0] * used
    coord_sweeps = max(4, min(16, 2 * sweeps + 4))
    if layers is not None:
        xs = _coordinates_arrays(layers, rows, half, n, box_gap, sweeps=coord_sweeps)
    else:
        xs = _coordinates(rows, up, down, half, n, box_gap, sweeps=coord_sweeps)
    real_x = xs[:n]
    mid = (min(real_x) + max(real_x)) / 2.0
    positions = {t: (round(xs[i] - mid, 1), float(lvl[i] * layer_gap)) for i, t in enumerate(tasks)}
    routes: dict[Edge, list[Pos]] = {}
    for k, chain in chains.items():
        a, b = edges[k]
        pts = [positions[tasks[a]]]
        pts += [(round(xs[c] - mid, 1), float(level[c] * layer_gap)) for c in chain]
        pts.append(positions[tasks[b]])
        pts = _simplify(pts)
        if len(pts) > 2:
            routes[(tasks[a], tasks[b])] = pts
    return Layout(positions, routes, {t: lvl[i] for i, t in enumerate(tasks)})


def _reduce_crossings(
    rows: list[list[int]], up: list[list[int]], down: list[list[int]], where: list[int], sweeps: int, transpose: bool
) -> tuple[list[list[int]], int]:
    """Barycentre sweeps (then adjacent exchanges); the order with the fewest crossings seen."""
    best = [list(r) for r in rows]
    best_cross = _all_crossings(rows, where, down)
    stale = 0
    for _ in range(sweeps):
        if best_cross == 0:
            break
        for k in range(1, len(rows)):
            _reorder(rows[k], up, where)
        for k in range(len(rows) - 2, -1, -1):
            _reorder(rows[k], down, where)
        if transpose:
            _transpose(rows, up, down, where)
        c = _all_crossings(rows, where, down)
        if c < best_cross:
            best_cross, best, stale = c, [list(r) for r in rows], 0
        else:
            stale += 1
            if stale >= 2:
                break
    return best, best_cross


def _pair_crossings(pu: list[int], pv: list[int]) -> int:
    """Crossings between the edges of u and of v (u left of v) into one row, given the
    sorted positions of their neighbours there: pairs with u's neighbour right of v's."""
    if not pu or not pv:
        return 0
    total = j = 0
    for a in pu:  # for each neighbour of u, the neighbours of v strictly left of it
        while j < len(pv) and pv[j] < a:
            j += 1
        total += j
    return total


def _transpose(rows: list[list[int]], up: list[list[int]], down: list[list[int]], where: list[int]) -> None:
    """Swap neighbours of a row while that removes crossings (Gansner et al. 1993, a few passes)."""
    for _ in range(4):
        changed = False
        for row in rows:
            for i in range(len(row) - 1):
                u, v = row[i], row[i + 1]
                uu = sorted(where[y] for y in up[u])
                vu = sorted(where[y] for y in up[v])
                ud = sorted(where[y] for y in down[u])
                vd = sorted(where[y] for y in down[v])
                keep = _pair_crossings(uu, vu) + _pair_crossings(ud, vd)
                swap = _pair_crossings(vu, uu) + _pair_crossings(vd, ud)
                if swap < keep:
                    row[i], row[i + 1] = v, u
                    where[u], where[v] = i + 1, i
                    changed = True
        if not changed:
            break


def _initial_order(rows: list[list[int]], level: list[int], down: list[list[int]], n: int, total: int) -> None:
    """Depth-first order from the entry tasks: each task's descendants start out together."""
    seen = [False] * total
    has_up = [False] * total
    for d in down:
        for b in d:
            has_up[b] = True
    for s in range(n):
        if has_up[s]:
            continue
        stack = [s]
        seen[s] = True
        while stack:
            x = stack.pop()
            rows[level[x]].append(x)
            for y in reversed(down[x]):
                if not seen[y]:
                    seen[y] = True
                    stack.append(y)
    for x in range(total):  # every point is reached from an entry task in a DAG: a safety net
        if not seen[x]:
            seen[x] = True
            rows[level[x]].append(x)


def _reorder(row: list[int], nbrs: list[list[int]], where: list[int]) -> None:
    """Barycentre step: sort ``row`` (in place) by the mean position of its neighbours.

    Points without neighbours in the fixed row keep their place; ties keep their order.
    """
    keyed: list[tuple[float, int, int]] = []
    free_slots: list[int] = []
    for i, x in enumerate(row):
        nb = nbrs[x]
        if nb:
            keyed.append((sum(where[y] for y in nb) / len(nb), i, x))
            free_slots.append(i)
    if not keyed:
        return
    keyed.sort()
    for slot, (_, _, x) in zip(free_slots, keyed):
        row[slot] = x
    for i, x in enumerate(row):
        where[x] = i


def _all_crossings(rows: list[list[int]], where: list[int], down: list[list[int]]) -> int:
    total = 0
    for k in range(len(rows) - 1):
        pairs = [(where[a], where[b]) for a in rows[k] for b in down[a]]
        total += _bilayer_crossings(pairs, len(rows[k + 1]))
    return total


def _coordinates(
    rows: list[list[int]],
    up: list[list[int]],
    down: list[list[int]],
    half: list[float],
    n: int,
    box_gap: float,
    *,
    sweeps: int,
) -> list[float]:
    """x of every point: rows swept down and up, each solved as an isotonic regression."""
    total = len(half)
    xs = [0.0] * total
    seps: list[list[float]] = []
    for row in rows:
        sep = [0.0]
        for a, b in itertools.pairwise(row):
            gap = box_gap if (a < n and b < n) else _VIRTUAL_GAP
            sep.append(sep[-1] + half[a] + half[b] + gap)
        seps.append(sep)
        off = sep[-1] / 2.0
        for x, s in zip(row, sep):
            xs[x] = s - off

    def weight(a: int, b: int) -> float:
        if a < n and b < n:
            return _W_REAL
        if a >= n and b >= n:
            return _W_VIRTUAL
        return _W_MIXED

    order = list(range(len(rows)))
    for s in range(sweeps):
        for k in (order if s % 2 == 0 else order[::-1]):
            row, sep = rows[k], seps[k]
            target: list[float] = []
            wts: list[float] = []
            for x, off in zip(row, sep):
                sw = swx = 0.0
                for y in up[x]:
                    w = weight(x, y)
                    sw += w
                    swx += w * xs[y]
                for y in down[x]:
                    w = weight(x, y)
                    sw += w
                    swx += w * xs[y]
                if sw == 0.0:  # alone: stay, but give way to the others
                    sw, swx = 1e-3, 1e-3 * xs[x]
                target.append(swx / sw - off)
                wts.append(sw)
            for x, off, fitted in zip(row, sep, _isotonic(target, wts)):
                xs[x] = fitted + off
    return xs


def _isotonic(target: list[float], wts: list[float]) -> list[float]:
    """Non-decreasing ``y`` minimising ``sum w (y - target)^2`` (pool adjacent violators)."""
    means: list[float] = []
    weights: list[float] = []
    counts: list[int] = []
    for t, w in zip(target, wts):
        m, ww, c = t, w, 1
        while means and means[-1] > m:
            pm, pw, pc = means.pop(), weights.pop(), counts.pop()
            m = (pm * pw + m * ww) / (pw + ww)
            ww += pw
            c += pc
        means.append(m)
        weights.append(ww)
        counts.append(c)
    out: list[float] = []
    for m, c in zip(means, counts):
        out.extend([m] * c)
    return out


# ----------------------------------------------------------- the array path
# For a large drawing the same four steps run on numpy arrays: a row is an array of point
# numbers, ``pos`` holds every point's place in its row, and the links between row k and
# row k + 1 are two arrays. The barycentre step is the same (same sums, same stable order);
# the crossing count is the same number (inversions counted bit by bit); adjacent
# exchanges are made on every second pair of every second row at once, so the exchanges of
# one step never change what another one sees, and every exchange still removes crossings.


def _inversions(group: np.ndarray, value: np.ndarray) -> int:
    """Pairs ``i < j`` of one group with ``value[i] > value[j]``; ``group`` is non-decreasing.

    Most significant bit first: the elements with the same group and the same higher bits
    form a block; an element whose bit is 0 is inverted with every element of its block
    before it whose bit is 1. Each block is then split stably by the bit (zeros first), so
    the next bit sees blocks of equal higher bits again. O(m) work per bit.
    """
    m = len(value)
    if m < 2:
        return 0
    nbits = int(value.max()).bit_length()
    _, block = np.unique(group, return_inverse=True)
    block = block.astype(np.int64)
    seq = value.astype(np.int64)
    idx = np.arange(m)
    total = 0
    for b in range(nbits - 1, -1, -1):
        bit = (seq >> b) & 1
        start = np.empty(m, dtype=bool)
        start[0] = True
        np.not_equal(block[1:], block[:-1], out=start[1:])
        first = np.flatnonzero(start)
        which = np.cumsum(start) - 1
        ones = np.cumsum(bit)
        ones_before = ones - bit - (ones - bit)[first][which]
        total += int(ones_before[bit == 0].sum())
        # stable split of every block: zeros first
        zeros = np.cumsum(1 - bit)
        zeros_before = zeros - (1 - bit) - (zeros - (1 - bit))[first][which]
        last = np.append(first[1:], m) - 1
        zeros_in = (zeros[last] - (zeros - (1 - bit))[first])[which]
        new = first[which] + np.where(bit == 0, zeros_before, zeros_in + ones_before)
        perm = np.empty(m, dtype=np.int64)
        perm[new] = idx
        seq = seq[perm]
        block = (block * 2 + bit)[perm]
    return total


class _Layers:
    """The proper layered graph as arrays, and the current order of its rows."""

    def __init__(self, level: list[int], up: list[list[int]], n_rows: int) -> None:
        self.level = np.asarray(level, dtype=np.int64)
        total = len(level)
        lower = np.repeat(np.arange(total, dtype=np.int64), [len(u) for u in up])
        upper = np.fromiter(itertools.chain.from_iterable(up), dtype=np.int64, count=len(lower))
        # links sorted by the row of their lower end; between[k] are the links of rows k-1, k
        order = np.argsort(self.level[lower], kind="stable")
        self.upper, self.lower = upper[order], lower[order]
        cuts = np.searchsorted(self.level[self.lower], np.arange(n_rows + 1))
        self.between = [(int(cuts[k]), int(cuts[k + 1])) for k in range(n_rows)]
        self.n_rows = n_rows
        self.total = total
        self.flat = np.zeros(total, dtype=np.int64)
        self.pos = np.zeros(total, dtype=np.int64)
        sizes = np.bincount(self.level, minlength=n_rows)
        self.offset = np.concatenate(([0], np.cumsum(sizes))).astype(np.int64)
        # neighbours of every point above and below, grouped by point (CSR)
        self.nbr: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self.nbr_node: dict[str, np.ndarray] = {}  # the point of each entry of nbr
        for name, node, other in (("up", self.lower, self.upper), ("down", self.upper, self.lower)):
            o = np.argsort(node, kind="stable")
            ptr = np.concatenate(([0], np.cumsum(np.bincount(node, minlength=total)))).astype(np.int64)
            self.nbr[name] = (ptr, other[o])
            self.nbr_node[name] = node[o]
        # left ends of the pairs of the exchange steps: (row parity, pair parity) -> flat slots
        self.pairs: dict[tuple[int, int], np.ndarray] = {}
        slot_row = np.repeat(np.arange(n_rows), sizes)
        slot_pos = np.arange(total) - self.offset[slot_row]
        has_right = slot_pos + 1 < sizes[slot_row]
        for rp in (0, 1):
            for pp in (0, 1):
                self.pairs[rp, pp] = np.flatnonzero(has_right & (slot_row % 2 == rp) & (slot_pos % 2 == pp))

    def set_rows(self, rows: list[list[int]]) -> None:
        self.flat[:] = list(itertools.chain.from_iterable(rows))
        self.pos[self.flat] = np.arange(self.total) - np.repeat(self.offset[:-1], np.diff(self.offset))

    def row(self, k: int) -> np.ndarray:
        return self.flat[self.offset[k]: self.offset[k + 1]]

    def rows(self) -> list[list[int]]:
        return [self.row(k).tolist() for k in range(self.n_rows)]

    def crossings(self) -> int:
        key_row = self.level[self.upper]
        order = np.lexsort((self.pos[self.lower], self.pos[self.upper], key_row))
        return _inversions(key_row[order], self.pos[self.lower][order])

    def reorder(self, k: int, downward: bool) -> None:
        """Barycentre step on row ``k`` by its neighbours above (``downward``) or below."""
        lo, hi = self.between[k] if downward else self.between[k + 1]
        if lo == hi:
            return
        node, other = (self.lower, self.upper) if downward else (self.upper, self.lower)
        node, other = node[lo:hi], other[lo:hi]
        row = self.row(k)
        m = len(row)
        local = self.pos[node]
        cnt = np.bincount(local, minlength=m)
        s = np.bincount(local, weights=self.pos[other].astype(np.float64), minlength=m)
        has = cnt > 0
        slots = np.flatnonzero(has)
        bary = s[slots] / cnt[slots]
        row[slots] = row[slots][np.argsort(bary, kind="stable")]
        self.pos[row] = np.arange(m)

    def transpose(self, passes: int = 4) -> None:
        """Adjacent exchanges that remove crossings, every second pair of every second row at once."""
        bigp = int(self.offset[-1]) + 1
        for _ in range(passes):
            changed = False
            for rp in (0, 1):
                # neighbours of rows of this parity lie in the other rows, which stay put meanwhile
                keys = {}
                for name, (_ptr, other) in self.nbr.items():
                    keys[name] = np.sort(self.nbr_node[name] * bigp + self.pos[other])
                for pp in (0, 1):
                    slots = self.pairs[rp, pp]
                    if not len(slots):
                        continue
                    u, v = self.flat[slots], self.flat[slots + 1]
                    keep = np.zeros(len(slots), dtype=np.int64)
                    swap = np.zeros(len(slots), dtype=np.int64)
                    for name, (ptr, other) in self.nbr.items():
                        deg = ptr[u + 1] - ptr[u]
                        n_links = int(deg.sum())
                        if not n_links:
                            continue
                        pair = np.repeat(np.arange(len(slots)), deg)
                        link = np.arange(n_links) - np.repeat(np.cumsum(deg) - deg, deg) + ptr[u][pair]
                        vv = v[pair]
                        q = vv * bigp + self.pos[other[link]]
                        k = keys[name]
                        at = np.searchsorted(k, q, "left")
                        # the points of a row have distinct places: q is in v's list at most once
                        same = k[np.minimum(at, len(k) - 1)] == q
                        less = at - ptr[vv]
                        more = ptr[vv + 1] - at - same
                        keep += np.bincount(pair, weights=less, minlength=len(slots)).astype(np.int64)
                        swap += np.bincount(pair, weights=more, minlength=len(slots)).astype(np.int64)
                    better = swap < keep
                    if better.any():
                        changed = True
                        s = slots[better]
                        a, b = self.flat[s].copy(), self.flat[s + 1].copy()
                        self.flat[s], self.flat[s + 1] = b, a
                        self.pos[a] += 1
                        self.pos[b] -= 1
            if not changed:
                break


def _reduce_crossings_arrays(layers: _Layers, rows: list[list[int]], sweeps: int, transpose: bool
                             ) -> tuple[list[list[int]], int]:
    """:func:`_reduce_crossings` on arrays: the same sweeps, the exchanges made in parallel."""
    layers.set_rows(rows)
    best_flat = layers.flat.copy()
    best_cross = layers.crossings()
    stale = 0
    for _ in range(sweeps):
        if best_cross == 0:
            break
        for k in range(1, layers.n_rows):
            layers.reorder(k, downward=True)
        for k in range(layers.n_rows - 2, -1, -1):
            layers.reorder(k, downward=False)
        if transpose:
            layers.transpose()
        c = layers.crossings()
        if c < best_cross:
            best_cross, best_flat, stale = c, layers.flat.copy(), 0
        else:
            stale += 1
            if stale >= 2:
                break
    layers.flat[:] = best_flat
    layers.pos[best_flat] = np.arange(layers.total) - np.repeat(layers.offset[:-1], np.diff(layers.offset))
    return layers.rows(), best_cross


def _coordinates_arrays(layers: _Layers, rows: list[list[int]], half: list[float], n: int, box_gap: float, *,
                        sweeps: int) -> list[float]:
    """:func:`_coordinates` on arrays (the same targets and weights; the fit per row stays exact)."""
    layers.set_rows(rows)
    half_a = np.asarray(half, dtype=np.float64)
    real = np.arange(layers.total) < n
    xs = np.zeros(layers.total, dtype=np.float64)
    seps: list[np.ndarray] = []
    for k in range(layers.n_rows):
        row = layers.row(k)
        a, b = row[:-1], row[1:]
        gap = np.where(real[a] & real[b], box_gap, _VIRTUAL_GAP)
        sep = np.concatenate(([0.0], np.cumsum(half_a[a] + half_a[b] + gap)))
        seps.append(sep)
        xs[row] = sep - sep[-1] / 2.0
    # links by the row of each end: (local place of the end, the other end, weight)
    both_real, both_virtual = real[layers.upper] & real[layers.lower], ~real[layers.upper] & ~real[layers.lower]
    w = np.where(both_real, _W_REAL, np.where(both_virtual, _W_VIRTUAL, _W_MIXED))
    node = np.concatenate((layers.lower, layers.upper))
    other = np.concatenate((layers.upper, layers.lower))
    wt = np.concatenate((w, w))
    o = np.argsort(layers.level[node], kind="stable")
    node, other, wt = node[o], other[o], wt[o]
    cuts = np.searchsorted(layers.level[node], np.arange(layers.n_rows + 1))
    per_row = []
    for k in range(layers.n_rows):
        lo, hi = int(cuts[k]), int(cuts[k + 1])
        local = layers.pos[node[lo:hi]]
        m = len(seps[k])
        sw = np.bincount(local, weights=wt[lo:hi], minlength=m)
        per_row.append((local, other[lo:hi], wt[lo:hi], sw))
    order = list(range(layers.n_rows))
    for s in range(sweeps):
        for k in (order if s % 2 == 0 else order[::-1]):
            row, sep = layers.row(k), seps[k]
            local, oth, wk, sw = per_row[k]
            swx = np.bincount(local, weights=wk * xs[oth], minlength=len(row))
            alone = sw == 0.0
            if alone.any():  # alone: stay, but give way to the others
                sw = np.where(alone, 1e-3, sw)
                swx = np.where(alone, 1e-3 * xs[row], swx)
            target = swx / sw - sep
            xs[row] = np.asarray(_isotonic(target.tolist(), sw.tolist())) + sep
    return xs.tolist()


def _simplify(pts: list[Pos]) -> list[Pos]:
    """Drop inner points that lie (within a pixel) on the line through their neighbours."""
    out = [pts[0]]
    for i in range(1, len(pts) - 1):
        (x0, y0), (x1, y1), (x2, y2) = out[-1], pts[i], pts[i + 1]
        dx, dy = x2 - x0, y2 - y0
        norm = math.hypot(dx, dy)
        if norm > 0 and abs(dx * (y1 - y0) - dy * (x1 - x0)) / norm <= 1.0:
            continue
        out.append(pts[i])
    out.append(pts[-1])
    return out


def apply_layout(graph: TaskGraph, layout: Layout) -> None:
    """Write a layout into the graph (in place): ``x``/``y`` of every laid-out task, and
    the optional edge key ``route`` (a list of ``[x, y]`` points from the source's centre
    to the target's) on edges that bend; other edges lose a stale ``route``."""
    nxg = graph.nx
    for t, (x, y) in layout.positions.items():
        a = nxg.nodes[t]
        a["x"], a["y"] = x, y
    for u, v, a in nxg.edges(data=True):
        r = layout.routes.get((u, v))
        if r is not None:
            a["route"] = [[x, y] for x, y in r]
        else:
            a.pop("route", None)
