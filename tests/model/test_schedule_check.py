"""Schedule.check in bulk agrees with the slot-by-slot walk on valid and broken schedules."""

from __future__ import annotations

import random

import pytest

from model.algorithms import get_algorithm
from model.generators import generate
from model.graph import Network, Platform, Worker
from model.instance import compile_instance
from model.schedule import Schedule, ScheduleError, Slot, _Arrays

LINKS = Platform(
    (Worker("P1"), Worker("P2", 2.0), Worker("P3")),
    Network(1.0, 0.5, {("P1", "P2"): (10.0, 0.0), ("P2", "P1"): (0.5, 2.0), ("P3", "P1"): (float("inf"), 1.0)}),
)


def walk_error(s: Schedule, graph, platform, **kw) -> str | None:
    try:
        s._check_slots(graph, platform, check_durations=kw.get("check_durations", True),
                       partial=kw.get("partial", False), tol=1e-6)
    except ScheduleError as e:
        return str(e)
    return None


def check_error(s: Schedule, graph, platform, **kw) -> str | None:
    try:
        s.check(graph, platform, **kw)
    except ScheduleError as e:
        return str(e)
    return None


def mutate(rng: random.Random, slots: list[Slot], workers: list[str]) -> list[Slot]:
    out = list(slots)
    k = rng.randrange(len(out))
    s = out[k]
    kind = rng.randrange(8)
    if kind == 0:
        out[k] = Slot(s.task, s.worker, s.start - 1.0, s.finish - 1.0)  # earlier: data or worker not ready
    elif kind == 1:
        out[k] = Slot(s.task, rng.choice(workers), s.start, s.finish)  # another worker, same times
    elif kind == 2:
        out[k] = Slot(s.task, s.worker, s.start, s.finish + 0.5)  # wrong duration
    elif kind == 3:
        del out[k]  # missing task
    elif kind == 4:
        out.append(s)  # twice
    elif kind == 5:
        out[k] = Slot(s.task, s.worker, s.start - 1e-8, s.finish - 1e-8)  # within the tolerance
    elif kind == 6:
        out[k] = Slot(s.task, s.worker, float("nan"), s.finish)
    else:
        out[k] = Slot(s.task, s.worker, int(s.start) if s.start == int(s.start) else s.start, s.finish)
    return out


@pytest.mark.parametrize("seed", range(6))
def test_bulk_check_agrees_with_the_walk(seed: int) -> None:
    rng = random.Random(seed)
    cases = [(generate("layered", seed=seed, n=60, workers=3), None), (generate("fft", seed=seed, points=8), LINKS),
             (generate("series-parallel", seed=seed, n=40, integer=False), LINKS)]
    for g, plat in cases:
        plat = plat or g.default_platform()
        for alg in ("heft", "mct", "random"):
            good = get_algorithm(alg, seed=seed).schedule(g, plat)
            assert check_error(good, g, plat) is None
            fast = _Arrays.of(good, compile_instance(g, plat), plat)
            assert fast is not None and fast.valid(check_durations=True, partial=False, tol=1e-6)
            for _ in range(25):
                bad = Schedule(good.algorithm, good.workers, mutate(rng, good.slots, plat.ids))
                for kw in ({}, {"partial": True}, {"check_durations": False}):
                    assert check_error(bad, g, plat, **kw) == walk_error(bad, g, plat, **kw)
                    inst = compile_instance(g, plat)
                    assert check_error(bad, g, plat, instance=inst, **kw) == walk_error(bad, g, plat, **kw)


def test_transfers_in_bulk_are_those_of_the_walk() -> None:
    g = generate("layered", seed=4, n=80, integer=False)
    for plat in (g.default_platform(), LINKS):
        s = get_algorithm("heft").schedule(g, plat)
        inst = compile_instance(g, plat)
        assert s.compute_transfers(g, plat, instance=inst) == s.compute_transfers(g, plat)
        assert s.transfers == s.compute_transfers(g, plat)
        assert s.transfers
