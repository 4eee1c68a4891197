"""A cancelled anytime search keeps the best schedule it found (issue: everything the window shows is right)."""

import threading
import time

import pytest

from model import generators
from model.algorithms import Cancelled, get_algorithm
from model.algorithms.optimal import have_ortools
from model.schedule import Schedule

SEARCHES = ["improve", "best"] + (["optimal"] if have_ortools() else [])


@pytest.mark.parametrize("name", SEARCHES)
def test_cancelling_a_search_gives_the_best_complete_schedule_found(name):
    g = generators.generate("layered", n=120, seed=3, ccr=1.0, workers=4)
    plat = g.default_platform(4)
    cancel = threading.Event()
    alg = get_algorithm(name, time_limit=60)
    steps = alg.steps(g, plat, cancel=cancel)
    next(steps)
    t0 = time.perf_counter()
    with pytest.raises(Cancelled) as info:
        for _ in steps:
            # let the search find something better than its start, then stop it mid-way
            if time.perf_counter() - t0 > 0.5:
                cancel.set()
        cancel.set()
        for _ in steps:
            pass
    best = info.value.best
    assert best is not None and len(best) == len(g)
    sched = Schedule.build(name, g, plat, best)  # complete and valid, not a mix of two schedules
    history = alg.info["history"]
    assert sched.makespan == pytest.approx(min(p[1] for p in history))
    assert [s.task for s in alg.best_so_far()] == [s.task for s in best]


def test_a_list_heuristic_cancelled_has_no_best():
    g = generators.generate("layered", n=200, seed=1, workers=3)
    cancel = threading.Event()
    steps = get_algorithm("heft").steps(g, g.default_platform(3), cancel=cancel)
    next(steps)
    cancel.set()
    with pytest.raises(Cancelled) as info:
        for _ in steps:
            pass
    assert info.value.best is None
