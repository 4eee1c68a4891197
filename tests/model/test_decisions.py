"""What an algorithm weighed at each placement (model.decisions), checked by hand and against the engines."""

from __future__ import annotations

from pathlib import Path

import pytest

from model.algorithms import get_algorithm
from model.decisions import decisions
from model.formats import load_graph
from model.generators import generate
from model.graph import GraphError, Platform, TaskGraph
from model.schedule import Slot

HEFT_EXAMPLE = Path(__file__).resolve().parents[2] / "assets" / "examples" / "heft-paper.taskgraph.json"


@pytest.fixture(scope="module")
def heft_paper():
    g = load_graph(HEFT_EXAMPLE)
    return g, g.default_platform()


def test_heft_paper_first_decisions_match_the_hand_computed_values(heft_paper):
    g, plat = heft_paper
    slots = list(get_algorithm("heft").steps(g, plat))
    d = decisions(g, plat, "heft", slots)
    assert d.priority_name == "upward rank" and d.measure == "finish" and len(d) == 10
    first = d.steps[0]
    # rank_u(n1) = 108 (Topcuoglu 2002, Table 2); nothing booked yet: EFT = the costs 14, 16, 9
    assert first.task == "n1" and first.priority == pytest.approx(108.0)
    assert [(o.worker, o.ready, o.start, o.finish) for o in first.options] == [
        ("P1", 0, 0, 14), ("P2", 0, 0, 16), ("P3", 0, 0, 9)]
    assert first.worker == first.best == "P3"
    assert "P3" in first.text and "108" in first.text
    # second: n3 (rank 80, taken before n4 of equal rank by topological position); n1 ended at 9 on P3,
    # data n1 -> n3 is 12: ready 21 on P1 and P2, 9 on P3; costs 11, 13, 19 -> EFT 32, 34, 28
    second = d.steps[1]
    assert second.task in ("n3", "n4") and second.priority == pytest.approx(80.0)
    by = {o.worker: o for o in second.options}
    if second.task == "n3":
        assert [by[p].finish for p in ("P1", "P2", "P3")] == [32, 34, 28]
    else:  # n4: data 9 from n1; costs 13, 8, 17 -> 9+9+13, 9+9+8, 9+17
        assert [by[p].finish for p in ("P1", "P2", "P3")] == [31, 26, 26]
        assert second.worker == "P2"  # a tie goes to the first worker


@pytest.mark.parametrize("algorithm", ["heft", "mct", "pets", "hcpt", "minmin", "maxmin", "sufferage", "cpop",
                                       "hlfet", "etf", "peft", "dls"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_replayed_options_are_what_the_algorithm_chose(algorithm, seed):
    # the replay recomputes the engines' numbers: the chosen worker is the rule's best and its
    # option has exactly the slot's times
    g = generate("layered", n=30, seed=seed, workers=3)
    plat = g.default_platform()
    slots = list(get_algorithm(algorithm).steps(g, plat))
    d = decisions(g, plat, algorithm, slots)
    assert [x.task for x in d.steps] == [s.task for s in slots]
    for x, s in zip(d.steps, slots, strict=True):
        opt = x.option(s.worker)
        assert opt is not None and opt.allowed
        assert opt.start == pytest.approx(s.start) and opt.finish == pytest.approx(s.finish)
        assert x.best == s.worker, x.text


def test_cpop_says_the_critical_path_stays_on_its_worker(heft_paper):
    g, plat = heft_paper
    algo = get_algorithm("cpop")
    slots = list(algo.steps(g, plat))
    d = decisions(g, plat, "cpop", slots)
    on_path = [x for x in d.steps if x.task in algo.info["critical_path"]]
    assert on_path and all(x.worker == algo.info["critical_worker"] for x in on_path)
    assert all(sum(o.allowed for o in x.options) == 1 for x in on_path)
    assert "critical path" in on_path[0].text
    # n1's EFT on P3 (9) is earlier than on the critical worker P2 (16): the sentence says both
    assert "16" in on_path[0].text and "9" in on_path[0].text


def test_pins_restrict_the_options():
    g = TaskGraph()
    g.add_task("a", 5)
    g.add_task("b", 1)
    g.add_edge("a", "b", 3)
    g.nx.nodes["b"]["pin"] = "P2"
    plat = Platform.homogeneous(2)
    slots = list(get_algorithm("heft").steps(g, plat))
    d = decisions(g, plat, "heft", slots)
    b = d.steps[1]
    assert b.worker == "P2" and [o.allowed for o in b.options] == [False, True]
    # on P1 it could start at 5 and finish at 6; on its pin the data takes 3 more
    assert b.option("P1").finish == 6 and b.option("P2").finish == 9
    assert "pinned" in b.text


def test_clustering_decisions_name_the_cluster_and_the_zeroed_edges(heft_paper):
    g, plat = heft_paper
    slots = list(get_algorithm("lc").steps(g, plat))
    d = decisions(g, plat, "lc", slots)
    assert d.measure == "cluster" and d.clusters
    # linear clustering takes the critical path n1 n2 n9 n10 as its first cluster
    assert d.clusters[0] == ["n1", "n2", "n9", "n10"]
    n1 = next(x for x in d.steps if x.task == "n1")
    assert n1.cluster == 0 and n1.zeroed == [("n1", "n2")]
    assert "n1 → n2" in n1.text and "zeroed" in n1.text
    # every task of a cluster went to one worker
    mapping = {s.task: s.worker for s in slots}
    assert all(len({mapping[t] for t in c}) == 1 for c in d.clusters)


def test_a_fixed_mapping_says_when_another_worker_would_finish_earlier(heft_paper):
    g, plat = heft_paper
    slots = list(get_algorithm("round-robin").steps(g, plat))
    d = decisions(g, plat, "round-robin", slots)
    first = d.steps[0]
    assert first.worker == "P1" and first.best == "P3"
    assert "fixed in advance" in first.text and "P3 would finish it at 9" in first.text


def test_a_moved_task_is_taken_off_its_old_worker_first():
    g = TaskGraph()
    g.add_task("a", 4)
    g.add_task("b", 2)
    plat = Platform.homogeneous(2)
    slots = [Slot("a", "P1", 0, 4), Slot("b", "P1", 4, 6), Slot("a", "P2", 0, 4)]
    d = decisions(g, plat, "improve", slots)
    moved = d.steps[2]
    assert moved.moved and "moves to P2" in moved.text
    # with a off P1, P1 holds only b (4..6): a fits before it there
    assert moved.option("P1").start == 0 and moved.option("P1").finish == 4


def test_bad_placements_are_refused_with_a_clear_message(heft_paper):
    g, plat = heft_paper
    with pytest.raises(GraphError, match="'zz'"):
        decisions(g, plat, "heft", [Slot("zz", "P1", 0, 1)])
    with pytest.raises(GraphError, match="'P9'"):
        decisions(g, plat, "heft", [Slot("n1", "P9", 0, 1)])
