"""Schedule metrics: makespan, speed-up, efficiency, utilisation, communication, SLR, gap."""

import json
import math

import pytest
from model_helpers import HEFT_PAPER

from model.algorithms import available, get_algorithm
from model.formats import load_graph
from model.graph import Platform, TaskGraph
from model.metrics import compare, schedule_metrics
from model.schedule import Schedule, Slot


def test_heft_paper_metrics():
    g = load_graph(HEFT_PAPER)
    plat = g.default_platform()
    s = get_algorithm("heft").schedule(g, plat)
    m = schedule_metrics(s, g, plat)
    assert m.makespan == 80
    # sums of the cost columns: P1 127, P2 130, P3 143
    assert (m.sequential_time, m.best_worker) == (127, "P1")
    assert m.speedup == pytest.approx(127 / 80)
    assert m.efficiency == pytest.approx(127 / 240)
    assert m.slr == pytest.approx(80 / 41)
    assert m.lower_bound == 41 and m.gap == pytest.approx(80 / 41 - 1)
    busy = {w: sum(x.duration for x in s.slots if x.worker == w) for w in plat.ids}
    assert m.busy == busy
    assert sum(m.busy.values()) == sum(g.exec_time(x.task, plat.ids.index(x.worker), plat) for x in s.slots)
    for w in plat.ids:
        assert m.idle[w] == pytest.approx(80 - busy[w])
        assert m.utilisation[w] == pytest.approx(busy[w] / 80)
    mean = sum(busy.values()) / 3
    assert m.load_imbalance == pytest.approx(max(busy.values()) / mean - 1)
    at = s.mapping()
    crossing = [(u, v) for u, v in g.edges if at[u] != at[v]]
    assert m.comm_edges == len(crossing) == len(s.transfers)
    assert m.comm_volume == sum(g.data(u, v) for u, v in crossing)
    assert m.comm_time == m.comm_volume  # bandwidth 1, latency 0
    d = json.loads(json.dumps(m.to_dict()))
    assert d["makespan"] == 80 and d["best_worker"] == "P1" and set(d["busy"]) == {"P1", "P2", "P3"}


def test_communication_time_uses_the_network():
    g = TaskGraph()
    g.add_task("a", 2)
    g.add_task("b", 3)
    g.add_task("c", 1)
    g.add_edge("a", "b", 4)
    g.add_edge("a", "c", 10)
    plat = Platform.homogeneous(2, bandwidth=2, latency=1)
    s = Schedule.build("manual", g, plat, [Slot("a", "P1", 0, 2), Slot("c", "P1", 2, 3), Slot("b", "P2", 5, 8)])
    m = schedule_metrics(s, g, plat)
    assert (m.comm_edges, m.comm_volume, m.comm_time) == (1, 4.0, 3.0)
    assert m.busy == {"P1": 3.0, "P2": 3.0} and m.load_imbalance == 0
    assert m.idle == {"P1": 5.0, "P2": 5.0}
    assert m.sequential_time == 6 and m.speedup == pytest.approx(6 / 8)
    assert m.slr == pytest.approx(8 / 5)


def test_single_worker_is_the_sequential_time():
    g = load_graph(HEFT_PAPER)
    plat = g.default_platform()
    order = g.topological_order()
    t, slots = 0.0, []
    for task in order:
        d = g.exec_time(task, 0, plat)
        slots.append(Slot(task, "P1", t, t + d))
        t += d
    s = Schedule.build("serial", g, plat, slots)
    m = schedule_metrics(s, g, plat)
    assert m.makespan == 127 and m.speedup == 1 and m.comm_edges == 0 and m.comm_volume == 0
    assert m.utilisation == {"P1": 1.0, "P2": 0.0, "P3": 0.0}
    assert m.load_imbalance == pytest.approx(2.0)  # 127 / (127 / 3) - 1


def test_compare_every_registered_algorithm():
    g = load_graph(HEFT_PAPER)
    plat = g.default_platform()
    names = available()
    scheds = [get_algorithm(n).schedule(g, plat) for n in names]
    rows = compare(scheds, g, plat)
    assert [r["algorithm"] for r in rows] == names
    for r, s in zip(rows, scheds):
        assert r["makespan"] == s.makespan
        assert r["makespan"] >= r["lower_bound"] - 1e-9
        assert r["slr"] >= 1 - 1e-9
        assert 0 < r["efficiency"] <= 1 + 1e-9
        assert "busy" not in r
    best = min(r["makespan"] for r in rows)
    assert all((r["rank"] == 1) == (r["makespan"] == best) for r in rows)
    heft = rows[names.index("heft")]
    assert heft["makespan"] == 80
    json.dumps(rows)


def test_undefined_ratios_are_json_null():
    g = TaskGraph()
    g.add_task("a", 0)
    plat = Platform.homogeneous(1)
    s = Schedule.build("zero", g, plat, [Slot("a", "P1", 0, 0)])
    m = schedule_metrics(s, g, plat)
    assert m.makespan == 0 and m.speedup == 1 and m.slr == 1
    d = m.to_dict()
    assert not any(isinstance(v, float) and math.isnan(v) for v in d.values())


# ------------------------------------------------ one compilation per call, same figures
def _plat16(m: int = 5) -> Platform:
    from model.graph import Network, Worker

    return Platform(tuple(Worker(f"P{i + 1}", 1.0 + 0.125 * i) for i in range(m)), Network(bandwidth=1.5, latency=0.5))


def _min_path(g: TaskGraph, plat: Platform) -> float:
    """Longest path of minimum execution times, no communication (plain networkx walk)."""
    import networkx as nx

    wmin = {t: min(g.exec_time(t, k, plat) for k in range(len(plat))) for t in g.tasks}
    best: dict[str, float] = {}
    for t in nx.topological_sort(g.nx):
        best[t] = wmin[t] + max((best[u] for u in g.nx.predecessors(t)), default=0.0)
    return max(best.values())


@pytest.mark.parametrize("kind,seed", [("layered", 1), ("layered", 7), ("fork-join", 2), ("out-tree", 3),
                                       ("series-parallel", 4)])
def test_metrics_match_independent_sums(kind, seed):
    from model.analysis import lower_bound
    from model.generators import generate

    g = generate(kind, n=60, seed=seed)
    plat = _plat16()
    s = get_algorithm("heft").schedule(g, plat)
    m = schedule_metrics(s, g, plat)
    assert m.makespan == max(x.finish for x in s.slots)
    at = s.mapping()
    crossing = [(u, v) for u, v in g.edges if at[u] != at[v]]
    assert crossing, "the check needs edges between workers"
    assert m.comm_edges == len(crossing)
    assert m.comm_volume == pytest.approx(sum(g.data(u, v) for u, v in crossing))
    assert m.comm_time == pytest.approx(sum(plat.network.comm_time(g.data(u, v), at[u], at[v]) for u, v in crossing))
    per_worker = [sum(g.exec_time(t, k, plat) for t in g.tasks) for k in range(len(plat))]
    assert m.sequential_time == pytest.approx(min(per_worker))
    assert m.best_worker == plat.ids[per_worker.index(min(per_worker))]
    assert m.slr == pytest.approx(m.makespan / _min_path(g, plat))
    # the bound read from the shared compilation is the one computed on its own
    assert m.lower_bound == lower_bound(g, plat)
    assert m.lower_bound >= _min_path(g, plat) - 1e-9
    assert compare([s], g, plat)[0]["slr"] == m.slr


def test_metrics_compile_the_graph_once(monkeypatch):
    import model.analysis
    import model.levels
    import model.metrics
    from model.generators import generate
    from model.instance import compile_instance

    g = generate("layered", n=80, seed=5)
    plat = _plat16()
    s = get_algorithm("heft").schedule(g, plat)
    expected = schedule_metrics(s, g, plat)
    calls = []

    def counting(graph, platform):
        calls.append(graph)
        return compile_instance(graph, platform)

    monkeypatch.setattr(model.metrics, "compile_instance", counting)
    for mod in (model.analysis.critical, model.analysis.bounds, model.analysis.report, model.levels):
        monkeypatch.setattr(mod, "compile_instance", counting)
    assert schedule_metrics(s, g, plat) == expected
    assert len(calls) == 1
    calls.clear()
    other = get_algorithm("heft").schedule(g, Platform.homogeneous(5))
    compare([s, other, s], g, plat)
    assert len(calls) == 1


def test_metrics_follow_an_edited_graph():
    from model.generators import generate

    g = generate("layered", n=40, seed=2)
    plat = _plat16()
    s = get_algorithm("heft").schedule(g, plat)
    before = schedule_metrics(s, g, plat)
    t = g.tasks[0]
    g.nx.nodes[t]["cost"] = g.nx.nodes[t].get("cost", 0.0) + 1000.0
    g.nx.nodes[t].pop("costs", None)
    after = schedule_metrics(s, g, plat)
    per_worker = [sum(g.exec_time(x, k, plat) for x in g.tasks) for k in range(len(plat))]
    assert after.sequential_time == pytest.approx(min(per_worker))
    assert after.sequential_time == pytest.approx(before.sequential_time + 1000.0 / 1.5)  # P5, speed 1.5
    assert after.lower_bound > before.lower_bound
