"""Speed-up curves: the taskmapper-scaling object, its bounds, and running from a GUI thread."""

import json
import threading

import pytest
from model_helpers import HEFT_PAPER

from model import analysis as A
from model import generators
from model.algorithms import ALGORITHMS, Cancelled, available
from model.formats import load_graph
from model.graph import GraphError, Network, Platform, TaskGraph, Worker
from model.scaling import identical_workers_graph, scale, scaling_csv

NAMES = available()
LIST_HEURISTICS = [n for n in NAMES if not ALGORITHMS[n].slow and not ALGORITHMS[n].anytime]
#: budgets for the searching algorithms so the file stays fast
BUDGET = 0.2


def no_comm_graphs():
    out = []
    for kind, params in [("layered", {"n": 14}), ("fork-join", {}), ("gaussian", {"size": 4}),
                         ("series-parallel", {"n": 12}), ("independent", {"n": 7})]:
        g = generators.generate(kind, seed=3, **params)
        for u, v in g.edges:
            g.nx.edges[u, v]["data"] = 0.0
        out.append(g)
    return out


def with_comm_graphs():
    return [generators.generate("layered", n=16, seed=1, ccr=2.0),
            generators.generate("fft", points=4, seed=2),
            load_graph(HEFT_PAPER)]


@pytest.mark.parametrize("name", LIST_HEURISTICS)
def test_one_worker_without_communication_gives_the_total_work(name):
    for g in no_comm_graphs():
        r = scale(g, [name], [1, 2, 3])
        assert r["makespan"][name][0] == pytest.approx(r["work"]), (name, g.name)
        assert r["speedup"][name][0] == pytest.approx(1.0)


@pytest.mark.parametrize("name", [n for n in NAMES if not ALGORITHMS[n].slow])
def test_no_point_is_below_its_bound(name):
    for g in no_comm_graphs()[:2] + with_comm_graphs():
        r = scale(g, [name], [1, 2, 3, 5, 8], time_limit=BUDGET)
        for p, lb, ms, sp in zip(r["workers"], r["lower_bound"], r["makespan"][name], r["speedup"][name]):
            assert lb == pytest.approx(max(r["span"], r["work"] / p))
            assert ms >= lb * (1 - 1e-9), (name, g.name, p, ms, lb)
            assert sp <= min(p, r["work"] / r["span"]) * (1 + 1e-9)


def test_json_shape_follows_the_contract():
    g = load_graph(HEFT_PAPER)
    r = scale(g, ["heft", "cpop"], [1, 2, 4, 8])
    doc = json.loads(json.dumps(r, allow_nan=False))  # plain JSON, no NaN
    assert doc["format"] == "taskmapper-scaling" and doc["version"] == 1
    assert doc["graph"] == g.name
    assert doc["workers"] == [1, 2, 4, 8]
    assert set(doc) >= {"format", "version", "graph", "work", "span", "workers", "lower_bound",
                        "makespan", "speedup"}
    assert list(doc["makespan"]) == ["heft", "cpop"] and list(doc["speedup"]) == ["heft", "cpop"]
    for a in ("heft", "cpop"):
        assert len(doc["makespan"][a]) == 4 and len(doc["speedup"][a]) == 4
        for ms, sp in zip(doc["makespan"][a], doc["speedup"][a]):
            assert sp == pytest.approx(doc["work"] / ms)
    # W and S: the total and the longest chain of mean costs, communication left out
    rep = A.analyze(g, g.default_platform())
    assert doc["work"] == pytest.approx(rep.total_work_mean)
    assert doc["span"] == pytest.approx(rep.total_work_mean / rep.average_parallelism)
    assert "mean cost" in doc["note"]  # the paper's graph has per-worker costs


def test_plain_costs_have_no_note_and_use_the_network():
    g = TaskGraph("pair")
    g.add_task("a", 4)
    g.add_task("b", 4)
    g.add_task("c", 1)
    g.add_edge("a", "c", data=10)
    g.add_edge("b", "c", data=10)
    g.network = Network(bandwidth=10.0, latency=0.5)
    r = scale(g, ["heft"], [1, 2])
    assert "note" not in r
    assert r["network"] == {"bandwidth": 10.0, "latency": 0.5}
    # 2 workers: a and b in parallel, c waits 0.5 + 10/10 for the remote input
    assert r["makespan"]["heft"] == [9.0, pytest.approx(4 + 1.5 + 1)]
    assert (r["work"], r["span"]) == (9.0, 5.0)


def test_speeds_and_pins_are_left_out_and_said():
    g = TaskGraph("fast", Platform((Worker("P1", 2.0), Worker("P2"))))
    g.add_task("a", 4, pin="P2")
    g.add_task("b", 4)
    h, notes = identical_workers_graph(g)
    assert any("pins" in n for n in notes) and any("speeds" in n for n in notes)
    assert "pin" not in h.task_attrs("a") and "pin" in g.task_attrs("a")
    assert h.platform is None
    r = scale(g, ["heft"], [1, 3])
    assert "pins" in r["note"] and "speeds" in r["note"]
    assert r["makespan"]["heft"] == [8.0, 4.0]


def test_the_graph_is_not_changed():
    g = load_graph(HEFT_PAPER)
    before = json.dumps([list(g.nx.nodes(data=True)), list(g.nx.edges(data=True))], sort_keys=True)
    scale(g, ["heft"], [1, 2])
    assert json.dumps([list(g.nx.nodes(data=True)), list(g.nx.edges(data=True))], sort_keys=True) == before
    assert g.is_unrelated()


def test_progress_and_cancel_from_another_thread():
    g = load_graph(HEFT_PAPER)
    calls = []
    scale(g, ["heft", "etf"], [1, 2, 3], progress=lambda d, t: calls.append((d, t)))
    assert calls == [(k, 6) for k in range(1, 7)]

    stop = threading.Event()
    seen = []

    def progress(done, total):
        seen.append(done)
        if done == 2:
            stop.set()

    with pytest.raises(Cancelled):
        scale(g, ["heft"], list(range(1, 9)), cancel=stop, progress=progress)
    assert seen == [1, 2]

    result, errors = [], []

    def job():
        try:
            result.append(scale(g, ["heft"], [1, 2, 4]))
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    t = threading.Thread(target=job)
    t.start()
    t.join(60)
    assert not errors and result[0]["workers"] == [1, 2, 4]


def test_bad_input():
    g = load_graph(HEFT_PAPER)
    with pytest.raises(GraphError, match="unknown algorithm 'nope'"):
        scale(g, ["heft", "nope"], [1, 2], progress=lambda d, t: pytest.fail("ran before checking"))
    for bad in ([], [0], [2, -1], [1.5], [True]):
        with pytest.raises(GraphError):
            scale(g, ["heft"], bad)
    with pytest.raises(GraphError):
        scale(g, [], [1])


def test_csv():
    g = load_graph(HEFT_PAPER)
    r = scale(g, ["heft", "round-robin"], [1, 2, 3])
    lines = scaling_csv(r).splitlines()
    assert lines[0] == "workers,lower_bound,work_bound,span,makespan_heft,speedup_heft," \
                       "makespan_round-robin,speedup_round-robin"
    assert len(lines) == 4
    row = lines[2].split(",")
    assert int(row[0]) == 2
    assert float(row[1]) == pytest.approx(r["lower_bound"][1])
    assert float(row[4]) == pytest.approx(r["makespan"]["heft"][1])
    assert float(row[7]) == pytest.approx(r["speedup"]["round-robin"][1])
