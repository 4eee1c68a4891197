"""Timeline: the indexed gap search gives the slot-by-slot answer on random bookings."""

from __future__ import annotations

import random
from bisect import bisect_right

import pytest

from model.algorithms.engines.timeline import _EPS, Timeline


def walk(starts: list[float], fins: list[float], ready: float, duration: float) -> float:
    """The earliest start by walking every slot from the first that ends after ``ready``."""
    if not fins:
        return ready
    if ready >= fins[-1]:
        return ready
    k = bisect_right(fins, ready)
    t = ready if k == 0 else max(ready, fins[k - 1])
    while k < len(starts):
        if t <= starts[k] and starts[k] - t >= duration - _EPS:
            return t
        t = max(t, fins[k])
        k += 1
    return t


def invariants(t: Timeline) -> None:
    n = len(t.starts)
    assert len(t.finishes) == len(t.gaps) == n
    for k in range(n):
        assert t.gaps[k] == (t.starts[k] - t.finishes[k - 1] if k else t.starts[k])
    if t.indexed:
        assert len(t.longest) == n
        for k in range(n):
            assert t.longest[k] == max(t.gaps[k:])


@pytest.mark.parametrize("indexed", [False, True])
@pytest.mark.parametrize("seed", range(12))
def test_search_matches_the_walk_through_inserts_and_removes(seed: int, indexed: bool) -> None:
    rng = random.Random(seed)
    t = Timeline(indexed)
    booked: list[tuple[float, float]] = []
    whole = seed % 2 == 0  # whole numbers: many exact ties and zero-length slots
    for _step in range(400):
        ready = float(rng.randint(0, 60)) if whole else rng.uniform(0, 60)
        d = float(rng.choice([0, 0, 1, 2, 3, 5, 8])) if whole else rng.choice([0.0, rng.uniform(0, 6)])
        want = walk(t.starts, t.finishes, ready, d)
        got = t.earliest(ready, d)
        assert got == want, (ready, d, t.starts, t.finishes)
        assert t.earliest(ready, d, insertion=False) == max(ready, t.end)
        if booked and rng.random() < 0.25:
            s, f = booked.pop(rng.randrange(len(booked)))
            t.remove(s, f)
        else:
            t.insert(got, got + d)
            booked.append((got, got + d))
        invariants(t)


@pytest.mark.parametrize("indexed", [False, True])
def test_a_slot_booked_within_the_tolerance_keeps_the_answers_right(indexed: bool) -> None:
    # a gap of 3 takes a task of 3 + 1e-10 (the tie tolerance), ending just after the
    # next slot starts; a slot of 1e-10 there ends before it: finish times out of order
    t = Timeline(indexed)
    t.insert(0.0, 5.0)
    t.insert(8.0, 8.0 + 1e-10)
    t.insert(8.0 + 1e-10, 12.0)
    t.insert(5.0, 8.0 + 2e-10)
    assert not t.sorted
    for ready in (0.0, 4.0, 7.0, 8.0, 9.0):
        for d in (0.0, 1.0, 3.0):
            assert t.earliest(ready, d) == walk(t.starts, t.finishes, ready, d)


def test_an_index_too_dear_to_keep_is_dropped_and_answers_stay_right(monkeypatch: pytest.MonkeyPatch) -> None:
    from model.algorithms.engines import timeline

    monkeypatch.setattr(timeline, "WALK_SLACK", 50)
    rng = random.Random(5)
    t = Timeline(indexed=True)
    for k in range(200):
        t.insert(2.0 * k, 2.0 * k + 1.0)
    t.insert(10000.0, 10001.0)  # one long gap: splitting it walks back over every slot before
    for _ in range(300):
        ready = rng.uniform(400, 9000)
        got = t.earliest(ready, 0.5)
        assert got == walk(t.starts, t.finishes, ready, 0.5)
        t.insert(got, got + 0.5)
    assert not t.indexed and t.longest == []
