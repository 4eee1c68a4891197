"""Compiled kernel (numba) writing a big schedule's slots as JSON text, from its columns.

Imported only when :func:`model.algorithms.engines.compiled.wanted` says so (numba's import
costs a process most of a second). The texts of the ids and of the numbers that are not
whole are made by orjson beforehand (the same bytes as the usual writer's); the kernel
writes whole numbers itself and lays everything out, one slot a line.
"""

from __future__ import annotations

import numba
import numpy as np
import orjson

__all__ = ["slot_lines"]

_PARTS = (b'{"task":', b',"worker":', b',"start":', b',"finish":', b',"transfers":[', b'{"from":', b',"data":',
          b",\n  ")


@numba.njit(cache=True)
def _digits(v: int) -> int:  # pragma: no cover - compiled
    size = 1
    if v < 0:
        size += 1
        v = -v
    while v >= 10:
        v //= 10
        size += 1
    return size


@numba.njit(cache=True)
def _put_int(out: np.ndarray, pos: int, v: int) -> int:  # pragma: no cover - compiled
    if v < 0:
        out[pos] = 45  # '-'
        pos += 1
        v = -v
    end = pos + _digits(v)
    at = end
    while True:
        at -= 1
        out[at] = 48 + v % 10
        v //= 10
        if v == 0:
            break
    return end


@numba.njit(cache=True)
def _put(out: np.ndarray, pos: int, src: np.ndarray, a: int, b: int) -> int:  # pragma: no cover - compiled
    for i in range(a, b):
        out[pos] = src[i]
        pos += 1
    return pos


@numba.njit(cache=True)
def _number_size(k: int, isint: np.ndarray, ival: np.ndarray, fidx: np.ndarray,
                 foff: np.ndarray) -> int:  # pragma: no cover - compiled
    if isint[k]:
        return _digits(ival[k])
    f = fidx[k]
    return int(foff[f + 1] - foff[f] - 1)


@numba.njit(cache=True)
def _put_number(out: np.ndarray, pos: int, k: int, isint: np.ndarray, ival: np.ndarray, fidx: np.ndarray,
                fblob: np.ndarray, foff: np.ndarray) -> int:  # pragma: no cover - compiled
    if isint[k]:
        return _put_int(out, pos, ival[k])
    f = fidx[k]
    return _put(out, pos, fblob, foff[f], foff[f + 1] - 1)


@numba.njit(cache=True)
def _lines(parts: np.ndarray, poff: np.ndarray, tblob: np.ndarray, toff: np.ndarray, tend: np.ndarray,
           wblob: np.ndarray, woff: np.ndarray, wend: np.ndarray, task: np.ndarray, worker: np.ndarray, count: np.ndarray, source: np.ndarray,
           source_worker: np.ndarray, isint: np.ndarray, ival: np.ndarray, fidx: np.ndarray, fblob: np.ndarray,
           foff: np.ndarray) -> np.ndarray:  # pragma: no cover - compiled
    n = len(task)
    k = len(source)
    plen = np.diff(poff)
    # the length first, then the text
    size = 4 + 3  # '[\n  ' and '\n ]'
    j = 0
    for s in range(n):
        t, w = task[s], worker[s]
        size += plen[0] + tend[t] - toff[t] + plen[1] + wend[w] - woff[w] + plen[2] + plen[3] + 1
        size += _number_size(s, isint, ival, fidx, foff) + _number_size(n + s, isint, ival, fidx, foff)
        c = count[s]
        if c:
            size += plen[4] + 1 + (c - 1)  # the opening, ']' and the commas between transfers
        for _ in range(c):
            u, v = source[j], source_worker[j]
            size += plen[5] + tend[u] - toff[u] + plen[1] + wend[v] - woff[v] + plen[2] + plen[3] + plen[6] + 1
            base = 2 * n + j
            size += (_number_size(base, isint, ival, fidx, foff) + _number_size(base + k, isint, ival, fidx, foff)
                     + _number_size(base + 2 * k, isint, ival, fidx, foff))
            j += 1
        if s < n - 1:
            size += plen[7]
    out = np.empty(size, dtype=np.uint8)
    out[0] = 91  # '['
    out[1] = 10
    out[2] = 32
    out[3] = 32
    pos = 4
    j = 0
    for s in range(n):
        t, w = task[s], worker[s]
        pos = _put(out, pos, parts, poff[0], poff[1])
        pos = _put(out, pos, tblob, toff[t], tend[t])
        pos = _put(out, pos, parts, poff[1], poff[2])
        pos = _put(out, pos, wblob, woff[w], wend[w])
        pos = _put(out, pos, parts, poff[2], poff[3])
        pos = _put_number(out, pos, s, isint, ival, fidx, fblob, foff)
        pos = _put(out, pos, parts, poff[3], poff[4])
        pos = _put_number(out, pos, n + s, isint, ival, fidx, fblob, foff)
        c = count[s]
        if c:
            pos = _put(out, pos, parts, poff[4], poff[5])
        for r in range(c):
            if r:
                out[pos] = 44  # ','
                pos += 1
            u, v = source[j], source_worker[j]
            base = 2 * n + j
            pos = _put(out, pos, parts, poff[5], poff[6])
            pos = _put(out, pos, tblob, toff[u], tend[u])
            pos = _put(out, pos, parts, poff[1], poff[2])
            pos = _put(out, pos, wblob, woff[v], wend[v])
            pos = _put(out, pos, parts, poff[2], poff[3])
            pos = _put_number(out, pos, base, isint, ival, fidx, fblob, foff)
            pos = _put(out, pos, parts, poff[3], poff[4])
            pos = _put_number(out, pos, base + k, isint, ival, fidx, fblob, foff)
            pos = _put(out, pos, parts, poff[6], poff[7])
            pos = _put_number(out, pos, base + 2 * k, isint, ival, fidx, fblob, foff)
            out[pos] = 125  # '}'
            pos += 1
            j += 1
        if c:
            out[pos] = 93  # ']'
            pos += 1
        out[pos] = 125
        pos += 1
        if s < n - 1:
            pos = _put(out, pos, parts, poff[7], poff[8])
    out[pos] = 10
    out[pos + 1] = 32
    out[pos + 2] = 93
    return out[: pos + 3]


def _blob(texts: list[bytes]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Texts laid end to end, where each begins and where it ends."""
    off = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, texts), np.int64, count=len(texts)), out=off[1:])
    return np.frombuffer(b"".join(texts), dtype=np.uint8), off[:-1], off[1:]


def _id_blob(ids: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The JSON texts of ``ids`` as orjson writes them, laid end to end (see :func:`_blob`).

    Made by one orjson call when no id needs an escape (the text is then each id's UTF-8
    between quotes): a buffer of its own for each id would hold kilobytes each.
    """
    n = len(ids)
    text = orjson.dumps(ids)
    size = np.fromiter(map(len, map(str.encode, ids)), np.int64, count=n) + 2
    if len(text) != int(size.sum()) + max(n - 1, 0) + 2:
        made = bytearray()
        starts = np.empty(n, dtype=np.int64)
        for k, i in enumerate(ids):
            starts[k] = len(made)
            made += orjson.dumps(i)
        ends = np.empty(n, dtype=np.int64)
        ends[:-1] = starts[1:]
        if n:
            ends[-1] = len(made)
        return np.frombuffer(bytes(made), dtype=np.uint8), starts, ends
    starts = np.ones(n, dtype=np.int64)
    np.cumsum(size[:-1] + 1, out=starts[1:])
    starts[1:] += 1
    return np.frombuffer(text, dtype=np.uint8), starts, starts + size


def slot_lines(tasks: list[str], workers: list[str], task: np.ndarray, worker: np.ndarray,
               count: np.ndarray, source: np.ndarray, source_worker: np.ndarray, numbers: np.ndarray,
               isint: np.ndarray, float_text: bytes) -> memoryview:
    """The slots' list as one slot a line (see :func:`model.formats.native.schedule_json`), as a
    view of the kernel's buffer (hundreds of megabytes for a million slots: not copied).

    Parameters
    ----------
    tasks, workers : list of str
        The task and worker ids.
    task, worker : numpy.ndarray
        Per slot, its task and worker.
    count : numpy.ndarray
        Per slot, the number of transfers into it; theirs come in slot order.
    source, source_worker : numpy.ndarray
        Per transfer, its source task and the worker it leaves from.
    numbers : numpy.ndarray
        The slots' starts, then their finishes, then the transfers' starts, finishes and
        volumes.
    isint : numpy.ndarray
        Which numbers are written as whole numbers (each is then exact in 64 bits).
    float_text : bytes
        orjson's text of the list of the other numbers, in their order.
    """
    parts, poff, pend = _blob(list(_PARTS))
    poff = np.append(poff, pend[-1])
    tblob, toff, tend = _id_blob(tasks)
    wblob, woff, wend = _id_blob(workers)
    ival = np.where(isint, numbers, 0.0).astype(np.int64)
    fidx = np.cumsum(~isint) - 1
    # each float's text ends with the comma after it (the closing bracket for the last)
    fblob = np.frombuffer(float_text, dtype=np.uint8)[1:]
    ends = np.flatnonzero((fblob == 44) | (fblob == 93)) + 1
    foff = np.zeros(len(ends) + 1, dtype=np.int64)
    foff[1:] = ends
    out = _lines(parts, poff, tblob, toff, tend, wblob, woff, wend, np.ascontiguousarray(task, dtype=np.int64),
                 np.ascontiguousarray(worker, dtype=np.int64), np.ascontiguousarray(count, dtype=np.int64),
                 np.ascontiguousarray(source, dtype=np.int64), np.ascontiguousarray(source_worker, dtype=np.int64),
                 isint, ival, fidx, fblob, foff)
    return out.data
