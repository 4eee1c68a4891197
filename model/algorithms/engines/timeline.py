"""Worker timelines: the busy intervals of a worker, and the earliest idle gap that fits a task."""

from __future__ import annotations

from bisect import bisect_left, bisect_right

__all__ = ["Timeline"]

_EPS = 1e-9
#: steps of the longest-gap upkeep per booking, on average, before an indexed timeline drops it
WALK_BUDGET = 8
#: how far the upkeep may run ahead of its budget (a burst while a timeline is short)
WALK_SLACK = 200_000


class Timeline:
    """Busy intervals of one worker, sorted, for insertion-based scheduling.

    Slots are kept sorted by ``(start, finish)``, so a zero-length slot booked at the
    start of a longer one goes before it and the finish times stay sorted, which
    :meth:`earliest` relies on (zero-cost tasks are common in workflows).

    Beside the slots the timeline keeps the length of the idle gap before each slot
    (``gaps[k] = starts[k] - finishes[k - 1]``). A search for a gap looks up the first
    slot ending after the ready time; when no gap from there on is long enough (the
    usual case in a busy schedule: one C-level ``max`` over the later gaps) the answer
    is the end of the timeline at once, otherwise the gaps are checked by their length
    alone, the first against the ready time. Should a slot booked with the tie
    tolerance ever end after the next slot's end (finish times out of order), the
    timeline falls back to walking the slots.

    With ``indexed=True`` the timeline also keeps the longest gap from each slot on
    (``longest[k] = max(gaps[k:])``), so that "none fits" is one look-up. Keeping it
    costs a walk back over the slots whose value changes at each booking: cheap when
    tasks mostly go after the last slot, as in HEFT's order, and dear when many go into
    gaps (a critical path on one worker, tentative bookings undone). So the timeline
    counts those steps and drops the index for good once they average more than
    :data:`WALK_BUDGET` per booking; answers never depend on it.

    Examples
    --------
    >>> t = Timeline(); t.insert(0, 5); t.insert(8, 10)
    >>> t.earliest(1, 3)   # fits in the gap 5..8
    5
    >>> t.earliest(1, 4)   # does not fit: after the last slot
    10
    >>> t.earliest(1, 4, insertion=False)
    10
    >>> z = Timeline(); z.insert(0, 10); z.insert(0, 0)
    >>> z.finishes, z.earliest(4, 0)
    ([0, 10], 10)
    """

    __slots__ = ("finishes", "gaps", "indexed", "longest", "sorted", "starts", "walked")

    def __init__(self, indexed: bool = False) -> None:
        self.starts: list[float] = []
        self.finishes: list[float] = []
        #: idle time before each slot (``gaps[0]`` is the start of the first slot)
        self.gaps: list[float] = []
        #: whether :attr:`longest` is kept
        self.indexed = indexed
        #: ``longest[k] = max(gaps[k:])`` (kept only when :attr:`indexed`)
        self.longest: list[float] = []
        #: upkeep steps of :attr:`longest` beyond the budget so far
        self.walked = 0
        #: whether the finish times are in order (always, but for slots of about 1e-9)
        self.sorted = True

    @property
    def end(self) -> float:
        """Finish time of the last slot (0 when idle)."""
        return self.finishes[-1] if self.finishes else 0.0

    def earliest(self, ready: float, duration: float, insertion: bool = True) -> float:
        """Earliest start ``>= ready`` of a slot of ``duration`` that overlaps nothing.

        Without ``insertion`` the slot goes after the last booked one.
        """
        fins = self.finishes
        if not fins:
            return ready
        if not insertion or ready >= fins[-1]:
            return max(ready, fins[-1])
        if not self.sorted:
            return self._walk(ready, duration)
        starts = self.starts
        # every slot before k ends by ``ready``: the gap before slot k starts at ``ready``
        k = bisect_right(fins, ready)
        need = duration - _EPS
        if need < 0.0:
            need = 0.0
        if (self.longest[k] if self.indexed else max(self.gaps[k:])) < need:
            # the gap in which ``ready`` lies is no longer than gaps[k]
            return fins[-1]
        if ready <= starts[k] and starts[k] - ready >= duration - _EPS:
            return ready
        # later gaps start at the previous finish, after ``ready``: their length decides
        gaps = self.gaps
        for j in range(k + 1, len(gaps)):
            if gaps[j] >= need:
                return fins[j - 1]
        return fins[-1]

    def _walk(self, ready: float, duration: float) -> float:
        """:meth:`earliest` by walking every slot after ``ready`` (finish times out of order)."""
        fins, starts = self.finishes, self.starts
        k = bisect_right(fins, ready)
        t = ready if k == 0 else max(ready, fins[k - 1])
        n = len(starts)
        while k < n:
            # the gap before slot k must start at or before it (t may already lie inside it)
            if t <= starts[k] and starts[k] - t >= duration - _EPS:
                return t
            if fins[k] > t:
                t = fins[k]
            k += 1
        return t

    def insert(self, start: float, finish: float) -> None:
        """Book ``[start, finish)``."""
        starts, fins, gaps = self.starts, self.finishes, self.gaps
        k = bisect_right(starts, start)
        # keep (start, finish) sorted so finishes stay sorted when zero-length slots share a start
        while k > 0 and starts[k - 1] == start and fins[k - 1] > finish:
            k -= 1
        starts.insert(k, start)
        fins.insert(k, finish)
        n = len(starts)
        if k:
            gaps.insert(k, start - fins[k - 1])
            if fins[k - 1] > finish:
                self.sorted = False
        else:
            gaps.insert(0, start)
        if k + 1 < n:
            gaps[k + 1] = starts[k + 1] - finish
            if finish > fins[k + 1]:
                self.sorted = False
        if self.indexed:
            self.longest.insert(k, 0.0)
            self._refresh(min(k + 1, n - 1), k)

    def _refresh(self, hi: int, lo: int) -> None:
        """Recompute ``longest`` from ``hi`` down to ``lo`` (the gaps that changed), then below
        ``lo`` until a value comes out as it was (the rest is then unchanged too)."""
        gaps, longest = self.gaps, self.longest
        after = longest[hi + 1] if hi + 1 < len(gaps) else -1.0
        j = hi
        while j >= 0:
            g = gaps[j]
            v = g if g > after else after
            if j < lo and v == longest[j]:
                break
            longest[j] = v
            after = v
            j -= 1
        self.walked += hi - j - WALK_BUDGET
        if self.walked > WALK_SLACK:
            self.indexed = False
            self.longest = []

    def remove(self, start: float, finish: float) -> None:
        """Unbook the slot ``[start, finish)`` booked before by :meth:`insert`.

        Examples
        --------
        >>> t = Timeline(); t.insert(0, 2); t.insert(2, 5); t.remove(0, 2)
        >>> t.starts, t.finishes, t.gaps
        ([2], [5], [2])
        """
        starts, fins, gaps = self.starts, self.finishes, self.gaps
        k = bisect_left(starts, start)
        while fins[k] != finish or starts[k] != start:
            k += 1
        del starts[k]
        del fins[k]
        del gaps[k]
        n = len(starts)
        if k < n:
            gaps[k] = starts[k] - fins[k - 1] if k else starts[k]
        if self.indexed:
            del self.longest[k]
            if n:
                top = min(k, n - 1)
                self._refresh(top, top)

    def idle(self) -> float:
        """Total idle time before the last finish."""
        return self.end - sum(f - s for s, f in zip(self.starts, self.finishes))
