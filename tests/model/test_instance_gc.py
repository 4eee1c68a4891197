"""compile_instance runs without collector passes and leaves the collector as it found it."""

import gc

import pytest

from model.graph import Platform, TaskGraph
from model.instance import compile_instance


def _graph() -> TaskGraph:
    g = TaskGraph()
    g.add_task("a", 4)
    g.add_task("b", 2)
    g.add_edge("a", "b", 3)
    return g


def test_collector_state_is_restored():
    assert gc.isenabled()
    inst = compile_instance(_graph(), Platform.homogeneous(2))
    assert inst.preds == [[], [0]] and inst.w.tolist() == [[4.0, 4.0], [2.0, 2.0]]
    assert gc.isenabled()
    gc.disable()
    try:
        compile_instance(_graph(), Platform.homogeneous(2))
        assert not gc.isenabled()  # a caller that had switched it off keeps it off
    finally:
        gc.enable()


def test_collector_is_back_on_after_a_rejected_graph():
    g = _graph()
    g.add_edge("b", "a", 1)  # a cycle
    with pytest.raises(Exception, match=r"(?i)cycl"):
        compile_instance(g, Platform.homogeneous(2))
    assert gc.isenabled()


def test_overlapping_pauses_keep_the_collector_off_until_the_last_ends():
    # two threads compiling at once: A pauses, B pauses, A ends, B ends. The collector
    # stays paused until B ends too, then is on again.
    from model.gcpause import paused_collection

    a, b = paused_collection(), paused_collection()
    a.__enter__()
    b.__enter__()
    assert not gc.isenabled()
    a.__exit__(None, None, None)
    assert not gc.isenabled()  # B still building
    b.__exit__(None, None, None)
    assert gc.isenabled()


def test_concurrent_compiles_leave_the_collector_on():
    import threading

    from model.generators import generate

    g = generate("layered", n=3000, seed=2)
    start = threading.Barrier(4)

    def work():
        start.wait()
        for _ in range(3):
            compile_instance(g, Platform.homogeneous(4))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert gc.isenabled()
