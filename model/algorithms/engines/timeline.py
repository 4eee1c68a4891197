"""Worker timelines: the busy intervals of a worker, and the earliest idle gap that fits a task."""

from __future__ import annotations

from bisect import bisect_left, bisect_right

__all__ = ["Timeline"]

_EPS = 1e-9


class Timeline:
    """Busy intervals of one worker, sorted, for insertion-based scheduling.

    Slots are kept sorted by ``(start, finish)``, so a zero-length slot booked at the
    start of a longer one goes before it and the finish times stay sorted, which
    :meth:`earliest` relies on (zero-cost tasks are common in workflows).

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

    __slots__ = ("finishes", "starts")

    def __init__(self) -> None:
        self.starts: list[float] = []
        self.finishes: list[float] = []

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
        starts = self.starts
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
        starts, fins = self.starts, self.finishes
        k = bisect_right(starts, start)
        # keep (start, finish) sorted so finishes stay sorted when zero-length slots share a start
        while k > 0 and starts[k - 1] == start and fins[k - 1] > finish:
            k -= 1
        starts.insert(k, start)
        fins.insert(k, finish)

    def remove(self, start: float, finish: float) -> None:
        """Unbook the slot ``[start, finish)`` booked before by :meth:`insert`.

        Examples
        --------
        >>> t = Timeline(); t.insert(0, 2); t.insert(2, 5); t.remove(0, 2)
        >>> t.starts, t.finishes
        ([2], [5])
        """
        k = bisect_left(self.starts, start)
        while self.finishes[k] != finish or self.starts[k] != start:
            k += 1
        del self.starts[k]
        del self.finishes[k]

    def idle(self) -> float:
        """Total idle time before the last finish."""
        return self.end - sum(f - s for s, f in zip(self.starts, self.finishes))
