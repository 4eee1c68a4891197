"""A schedule written from its columns (the compiled writer of big schedules) is byte for
byte the one the usual writer makes from its slot and transfer objects; the array check
and the lazily made transfers keep the rules."""

from __future__ import annotations

import itertools

import pytest

from model.algorithms import get_algorithm
from model.formats.native import schedule_json
from model.generators import generate
from model.graph import Network, Platform, TaskGraph, Worker
from model.schedule import Schedule, Slot


def _graphs():
    yield generate("layered", n=300, seed=1, workers=4, ccr=1.0)
    yield generate("layered", n=200, seed=2, ccr=3.0, integer=False)
    yield generate("fork-join", n=60, seed=3)
    yield generate("montage", n=60, seed=4)
    g = TaskGraph("odd ids")
    names = ['a,"b"', "é", "line\nbreak", "back\\slash", "x", "tab\t", "[]{}:"]
    for k, t in enumerate(names):
        g.add_task(t, 1.25 + k / 3)
    for u, v in itertools.pairwise(names):
        g.add_edge(u, v, 0.1 + len(u) / 7)
    g.add_edge(names[0], names[3], 2.5)
    g.platform = Platform((Worker('P"1', 1.0), Worker("é2", 1.5), Worker("P3", 0.75)),
                          Network(bandwidth=3.0, latency=0.5))
    yield g


@pytest.mark.parametrize("algorithm", ["heft", "cpop", "round-robin", "dls", "minmin"])
def test_the_columns_give_the_same_file(monkeypatch, algorithm):
    for g in _graphs():
        plat = g.default_platform()
        sched = get_algorithm(algorithm).schedule(g, plat)
        assert sched.columns() is not None
        monkeypatch.setenv("TASKMAPPER_COMPILED", "always")
        fast = schedule_json(sched)
        assert sched.columns() is not None  # writing asked for no transfer object
        monkeypatch.setenv("TASKMAPPER_COMPILED", "never")
        usual = schedule_json(sched)
        assert fast == usual
        # once the transfers are asked for, the objects are what is written
        assert sched.transfers is not None and sched.columns() is None
        assert schedule_json(sched) == usual


def test_the_lazy_transfers_are_those_computed_from_the_graph():
    g = generate("layered", n=200, seed=5, workers=3)
    plat = g.default_platform()
    sched = get_algorithm("heft").schedule(g, plat)
    assert sched.transfers == sched.compute_transfers(g, plat)
    # a schedule whose slots changed after it was built is no longer written from its columns
    other = get_algorithm("heft").schedule(g, plat)
    other.slots[0] = Slot(other.slots[0].task, other.slots[0].worker, other.slots[0].start, other.slots[0].finish)
    assert other.columns() is None
    again = Schedule("x", ["P1"], [Slot("a", "P1", 0.0, 1.0)])
    assert again.columns() is None and again.transfers == []
