"""Plain-language sentences about the mapping step, checked on the HEFT paper's graph and edge cases."""

import dataclasses

import pytest

from model import analysis as A
from model import explain as E
from model.graph import Platform, TaskGraph


def by_topic(sentences):
    return {s.topic: s.text for s in sentences}


def test_heft_paper(paper):
    s = by_topic(E.explain(paper))
    assert list(s) == ["independent", "levels", "data", "communication", "critical_path", "parallelism",
                       "workers", "slack"]
    assert s["independent"].startswith(
        "n2, n4, n5, n6 and n7 are independent: they can run on different workers at the same time.")
    assert "(the width of the graph is 5)" in s["independent"]
    assert "level 1: n2, n3, n4, n5 and n6." in s["levels"]
    assert s["data"].startswith("n4 → n8 carries the most data (27): on one worker it costs nothing, "
                                "on two different workers it takes 27.")
    assert "15 of the 15 edges carry data, 241 in all" in s["data"]
    assert "(CCR 1.2), so communication dominates" in s["communication"]
    assert s["critical_path"].startswith("The critical path n1 → n2 → n9 → n10 takes 108 ")
    assert "it takes 41, so no schedule on 3 workers can finish before 41." in s["critical_path"]
    assert "The work is 133.3 and the longest chain of task times 61" in s["parallelism"]
    assert "with 3 workers the graph can keep at most 2.2 busy on average" in s["parallelism"]
    assert "never exceed 2.2" in s["workers"] and "about 2–3 workers are worth it" in s["workers"]
    assert "more than 5 (the width)" in s["workers"]
    assert s["slack"].startswith("n6 has the most slack (17.67)")


def test_numbers_come_from_the_analysis():
    g = TaskGraph("fan")
    g.add_task("root", 1)
    for k in range(4):
        g.add_task(f"leaf{k}", 10)
        g.add_edge("root", f"leaf{k}", data=3)
    # work 41, span 11: at most 41 / 11 = 3.7 busy on average
    few = by_topic(E.explain(g, Platform.homogeneous(2)))
    assert "no schedule on 2 workers" in few["critical_path"]
    rep = A.analyze(g, Platform.homogeneous(2))
    assert f"finish before {E.fmt(rep.lower_bound)}: the work at the fastest times, 41, needs 20.5 per worker, " \
           "rounded up" in few["critical_path"]
    assert "with 2 workers it can keep all of them busy at best" in few["parallelism"]
    many = by_topic(E.explain(g, Platform.homogeneous(8)))
    assert "with 8 workers the graph can keep at most 3.7 busy on average" in many["parallelism"]
    assert "about 3–4 workers are worth it" in many["workers"]


def test_given_analysis_is_used_not_recomputed(paper, monkeypatch):
    rep = A.analyze(paper, paper.default_platform())
    monkeypatch.setattr(E, "analyze", lambda *a, **k: pytest.fail("recomputed"))
    changed = dataclasses.replace(rep, width_exact=False)
    s = by_topic(E.explain(paper, analysis=changed))
    assert "too large to compute its exact width (5 or more)" in s["independent"]
    assert "(the width)" not in s["workers"]


def test_chain_without_data():
    g = TaskGraph("chain")
    for t in "abc":
        g.add_task(t, 2)
    g.add_edge("a", "b")
    g.add_edge("b", "c")
    s = by_topic(E.explain(g, Platform.homogeneous(4)))
    assert s["independent"].startswith("No two tasks are independent")
    assert s["data"].startswith("No edge carries data")
    assert "communication" not in s and "levels" not in s and "slack" not in s
    assert "at most 1.0 tasks can run at once" in s["parallelism"]
    assert "about 1 workers are worth it" in s["workers"]


def test_one_worker_and_the_work_bound():
    g = TaskGraph("wide")
    for k in range(6):
        g.add_task(f"t{k}", 3)
    g.add_task("end", 1)
    for k in range(6):
        g.add_edge(f"t{k}", "end", data=2)
    s = by_topic(E.explain(g, Platform.homogeneous(1)))
    # on one worker nothing is sent: no 'two different workers' clause, no CCR sentence
    assert s["data"].startswith("t0 → end carries the most data (2): on one worker it costs nothing.")
    assert "communication" not in s
    assert "finish before 19: the work at the fastest times, 19, needs 19 per worker." in s["critical_path"]


def test_long_lists_are_shortened():
    g = TaskGraph("many")
    for k in range(30):
        g.add_task(f"t{k}", 1)
    s = by_topic(E.explain(g))
    assert "t0, t1, t2, t3, t4, t5, t6, t7 and 22 more are independent" in s["independent"]


def test_trivial_graphs():
    assert [x.text for x in E.explain(TaskGraph())] == ["The graph has no tasks."]
    g = TaskGraph()
    g.add_task("a", 5)
    assert E.explain(g)[0].text.startswith("The graph has a single task")
    assert E.explain_text(g).count("\n\n") == len(E.explain(g)) - 1


def test_fmt_and_join():
    assert E.fmt(2.0) == "2" and E.fmt(17.666666) == "17.67" and E.fmt(-3.0) == "-3"
    assert E.join_names(["x", "y"]) == "x and y"


@pytest.mark.parametrize("data, words", [(0.1, "hardly matters"), (1.0, "computation dominates"),
                                          (2.0, "weigh about the same"), (5.0, "communication dominates")])
def test_communication_weight(data, words):
    g = TaskGraph("pair")
    g.add_task("a", 2)
    g.add_task("b", 2)
    g.add_edge("a", "b", data=data)  # CCR = data / 2 on one network
    s = by_topic(E.explain(g, Platform.homogeneous(2)))
    assert f"(CCR {data / 2:.2g})" in s["communication"] and words in s["communication"]
