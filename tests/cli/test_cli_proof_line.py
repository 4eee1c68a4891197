"""The one line `taskmapper schedule` prints about a search: proven optimal, or the gap to a valid bound."""

from cli.common import schedule_summary
from model.schedule import Schedule, Slot


def summary(makespan: float, **meta: object) -> str:
    return schedule_summary(Schedule("optimal", ["P1"], [Slot("t", "P1", 0.0, makespan)], meta=meta))


def test_a_proof_a_gap_and_a_gap_too_small_for_one_decimal():
    assert summary(10.0, lower_bound=10.0, proven_optimal=True) == "optimal: makespan 10 on 1 workers, proven optimal"
    assert summary(12.0, lower_bound=10.0, proven_optimal=False) == (
        "optimal: makespan 12 on 1 workers, lower bound 10 (gap 20.0 %)")
    # not proven, within 1e-6 %: never shown as "gap 0.0 %" beside a bound that prints as the makespan
    line = summary(164.17265995523616, lower_bound=164.1726581, proven_optimal=False)
    assert line == "optimal: makespan 164.173 on 1 workers, lower bound 164.1726581 (gap 1.1e-06 %)"
