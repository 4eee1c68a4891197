"""The Gantt geometry: codes, bar maps and arrows, also for repeated and unknown task names."""

from __future__ import annotations

import numpy as np
from model_helpers import unit_graph

from model.chart import gantt_geometry
from model.schedule import Schedule, Slot


def test_codes_follow_the_graph_then_first_appearance():
    g = unit_graph("abc", ["ab", "bc"])
    s = Schedule("m", ["P1", "P2"], [Slot("c", "P2", 2, 3), Slot("x", "P1", 0, 1), Slot("a", "P1", 1, 2),
                                     Slot("y", "P2", 0, 1), Slot("x", "P2", 4, 5)])
    geo = gantt_geometry([s], g)
    assert geo.code_names == ["a", "b", "c", "x", "y"]
    assert geo.bar_code.tolist() == [2, 3, 0, 4, 3]
    assert geo.shown_tasks == ["a", "c", "x", "y"]
    assert geo.bar_maps == [{"c": 0, "x": 4, "a": 2, "y": 3}]  # the later slot of x wins
    assert list(zip(geo.arrow_a.tolist(), geo.arrow_b.tolist())) == []  # b has no bar: no arrow
    geo2 = gantt_geometry([s, s], g)
    assert geo2.bar_maps[1] == {"c": 5, "x": 9, "a": 7, "y": 8}
    assert geo2.bars_of("x") == [4, 9]


def test_without_graph_one_code_per_name():
    one = Schedule("m", ["P1"], [Slot("b", "P1", 0, 1), Slot("a", "P1", 1, 2)])
    geo = gantt_geometry([one])
    assert geo.code_names == ["b", "a"] and geo.bar_code.tolist() == [0, 1]
    twice = Schedule("m", ["P1"], [Slot("b", "P1", 0, 1), Slot("a", "P1", 1, 2), Slot("b", "P1", 3, 4)])
    geo = gantt_geometry([twice])
    assert geo.code_names == ["b", "a"] and geo.bar_code.tolist() == [0, 1, 0]
    assert geo.bar_maps == [{"b": 2, "a": 1}]
    both = gantt_geometry([one, twice])
    assert both.bar_code.tolist() == [0, 1, 0, 1, 0] and both.shown_tasks == ["b", "a"]


def test_arrows_join_the_bars_of_each_edge():
    g = unit_graph("abcd", ["ab", "ac", "bd", "cd"])
    s = Schedule("m", ["P1", "P2"], [Slot("a", "P1", 0, 1), Slot("c", "P2", 1, 2), Slot("b", "P1", 1, 2),
                                     Slot("d", "P1", 2, 3)])
    geo = gantt_geometry([s], g)
    pairs = {(geo.bar_task[a], geo.bar_task[b]) for a, b in zip(geo.arrow_a.tolist(), geo.arrow_b.tolist())}
    assert pairs == set(g.edges)
    assert np.array_equal(geo.y, [0.0, 1.0, 0.0, 0.0])


def test_work_in_chunks_gives_the_same_geometry(monkeypatch):
    """Big schedules are read chunk by chunk (the lock is free between chunks); the chunk
    size changes nothing, also across repeated names and several schedules."""
    import model.chart as chart

    g = unit_graph("abcdefg", ["ab", "ac", "bd", "ce", "df", "eg"])
    s = Schedule("m", ["P1", "P2"], [Slot(t, "P1" if i % 2 else "P2", i, i + 1) for i, t in enumerate("abcdefgz")]
                 + [Slot("b", "P1", 9, 10)])
    plain = Schedule("p", ["P1"], [Slot(t, "P1", i, i + 1) for i, t in enumerate("gfedcba")])
    cases = [([s], g), ([s, plain], g), ([plain], None), ([s], None)]
    want = [gantt_geometry(*c) for c in cases]
    monkeypatch.setattr(chart, "_CHUNK", 2)
    for c, w in zip(cases, want):
        got = gantt_geometry(*c)
        for f in [*w.__dataclass_fields__, "bar_maps"]:
            if f.startswith("_"):
                continue
            a, b = getattr(w, f), getattr(got, f)
            assert (np.array_equal(a, b) if isinstance(a, np.ndarray) else a == b), f


def test_the_repeat_check_finds_repeats_and_survives_equal_hashes():
    from model.chart import _distinct

    assert _distinct([]) and _distinct(["a"]) and _distinct([f"t{i}" for i in range(10_000)])
    assert not _distinct(["a", "b", "a"])
    assert not _distinct([f"t{i}" for i in range(10_000)] + ["t5"])

    class Same:  # every one hashes alike: the hashes cannot tell them apart, the names can
        def __init__(self, name: str) -> None:
            self.name = name

        def __hash__(self) -> int:
            return 7

        def __eq__(self, other: object) -> bool:
            return isinstance(other, Same) and other.name == self.name

    assert _distinct([Same("a"), Same("b")])  # type: ignore[list-item]
    assert not _distinct([Same("a"), Same("a")])  # type: ignore[list-item]


def test_a_schedule_of_distinct_tasks_codes_its_bars_by_number_and_repeats_do_not():
    s = Schedule("m", ["P1"], [Slot("b", "P1", 0, 1), Slot("a", "P1", 1, 2), Slot("c", "P1", 2, 3)])
    geo = gantt_geometry([s])
    assert geo.bar_code.tolist() == [0, 1, 2] and geo.code_names == ["b", "a", "c"]
    r = Schedule("m", ["P1"], [Slot("b", "P1", 0, 1), Slot("a", "P1", 1, 2), Slot("b", "P1", 2, 3)])
    geo = gantt_geometry([r])
    assert geo.bar_code.tolist() == [0, 1, 0] and geo.code_names == ["b", "a"]


def test_slots_on_workers_the_schedule_does_not_list_get_lanes_after_its_own_in_order_of_appearance():
    s = Schedule("m", ["P1"], [Slot("a", "Q", 0, 1), Slot("b", "P1", 0, 1), Slot("c", "R", 1, 2),
                               Slot("d", "Q", 2, 3)])
    geo = gantt_geometry([s])
    assert geo.lanes == ["P1", "Q", "R"]
    assert geo.y.tolist() == [1.0, 0.0, 2.0, 1.0]
    assert geo.bar_worker.tolist() == [1, 0, 2, 1]


def test_one_big_schedule_leaves_one_fresh_list_of_bars_to_the_collector():
    # every young collection walks each fresh list element by element (about 25 ms per
    # million-element list of names or slots; a list of None touches no other object): the
    # slots and the names in code order are not copied again
    import gc

    n = 20_000
    s = Schedule("big", ["P1", "P2"], [Slot(f"t{i}", f"P{i % 2 + 1}", float(i), i + 1.0) for i in range(n)])
    gc.collect()
    geo = gantt_geometry([s])
    young = [o for gen in (0, 1) for o in gc.get_objects(gen)
             if type(o) is list and len(o) >= n and o[0] is not None]
    assert len(young) == 1 and young[0] is geo.bar_task
    assert [b.task for b in geo.bar_slot] == geo.bar_task == geo.code_names == geo.shown_tasks
    assert geo.bar_code.tolist() == list(range(n))
