"""The converter of the optimal-communication benchmark cases into task graphs."""

import json
from pathlib import Path

import pytest

from model.algorithms import get_algorithm
from model.formats.benchcase import graph_from_dict, read
from model.graph import GraphError

ROOT = Path(__file__).resolve().parents[2]
CASES = sorted((ROOT / "benchmarks" / "data" / "optimal-comm").glob("case-*.json"))


def tiny(**over):
    d = {
        "name": "tiny", "workers": 2,
        "tasks": [{"id": "a", "costs": [3, 4]}, {"id": "b", "costs": [2, 6]}, {"id": "c", "costs": [5, 1]}],
        "edges": [{"source": "a", "target": "b", "comm": 10}, {"source": "a", "target": "c", "comm": 2}],
        "best_makespan": 8, "lower_bound": 8, "proven_optimal": True,
    }
    d.update(over)
    return d


def test_conversion_keeps_costs_comm_and_optimum():
    g = graph_from_dict(tiny())
    assert g.name == "tiny" and g.platform.ids == ["P1", "P2"]
    assert g.platform.network.bandwidth == 1 and g.platform.network.latency == 0
    assert g.costs("c") == [5, 1] and g.data("a", "b") == 10 and g.data("a", "c") == 2
    assert (g.attrs["best_makespan"], g.attrs["proven_optimal"]) == (8, True)
    # a on P1 (0-3), b on P1 (3-5), c on P2 from 3 + 2 = 5 to 6; b across would need 3 + 10
    s = get_algorithm("heft").schedule(g)
    assert s.makespan == 6


@pytest.mark.parametrize(
    "over, message",
    [
        ({"workers": 0}, "'workers' must be a positive whole number"),
        ({"tasks": [{"id": "a", "costs": [1]}]}, "task 'a' must have 2 costs"),
        ({"tasks": [{"costs": [1, 1]}]}, "task #1 needs an 'id'"),
        ({"tasks": [{"id": "a", "costs": [1, -1]}], "edges": []}, "cost #2 of task 'a' is negative"),
        ({"edges": [{"source": "a", "target": "zz", "comm": 1}]}, "unknown task 'zz'"),
        ({"edges": [{"source": "a", "target": "b", "comm": -1}]}, "data of edge 'a' -> 'b' is negative"),
        ({"edges": [{"source": "a", "target": "b"}, {"source": "b", "target": "a"}]}, "cycle"),
    ],
)
def test_bad_cases_name_the_problem(over, message):
    with pytest.raises(GraphError, match=message):
        graph_from_dict(tiny(**over))


def test_read_names_the_graph_after_the_file(tmp_path):
    d = tiny()
    del d["name"]
    p = tmp_path / "case-77.json"
    p.write_text(json.dumps(d))
    assert read(p).name == "case-77"
    with pytest.raises(GraphError, match="no such file"):
        read(tmp_path / "missing.json")


def test_shared_cases_convert_and_no_heuristic_beats_the_optimum():
    assert len(CASES) == 24
    for path in CASES:
        g = read(path)
        best = g.attrs["best_makespan"]
        for name in ("heft", "cpop", "etf"):
            s = get_algorithm(name).schedule(g)
            assert s.makespan >= best - 1e-9, (path.name, name, s.makespan, best)


def test_exact_solver_finds_the_published_optimum_of_a_small_case():
    pytest.importorskip("ortools")
    g = read(CASES[0])
    s = get_algorithm("optimal", time_limit=30).schedule(g)
    assert s.makespan == g.attrs["best_makespan"] == 59
