"""The document and its undo commands, without a view."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gui.document import Document
from model.formats import load_graph
from model.formats.native import graph_to_dict
from model.graph import GraphError, TaskGraph
from model.layout import count_crossings, layered_layout

ROOT = Path(__file__).resolve().parents[2]
HEFT = ROOT / "assets" / "examples" / "heft-paper.taskgraph.json"


def state(doc):
    return json.dumps(graph_to_dict(doc.graph))


@pytest.fixture
def doc(qapp):
    d = Document()
    d.load(str(HEFT))
    return d


def test_new_load_paths_and_dirty(qapp, qtbot):
    d = Document()
    assert len(d.graph) == 0 and d.path is None and not d.dirty
    with qtbot.waitSignals([d.graph_reset, d.path_changed]):
        d.load(str(HEFT))
    assert d.path == str(HEFT) and len(d.graph) == 10 and len(d.platform) == 3
    flips = []
    d.dirty_changed.connect(flips.append)
    d.add_task()
    assert d.dirty and flips == [True]
    d.undo_stack.undo()
    assert not d.dirty and flips == [True, False]
    d.new()
    assert len(d.graph) == 0 and d.path is None and d.undo_stack.count() == 0


def test_remove_and_undo_restore_exact_order(doc):
    before = state(doc)
    doc.remove(["n2", "n8"], [("n4", "n9")])
    g = doc.graph
    assert "n2" not in g and "n8" not in g and not g.nx.has_edge("n4", "n9")
    assert g.nx.number_of_edges() == 15 - 3 - 3 - 1  # n2: 3 edges, n8: 3 more, plus n4->n9
    doc.undo_stack.undo()
    assert state(doc) == before
    doc.undo_stack.redo()
    assert "n2" not in doc.graph


def test_rename_keeps_edges_order_and_refuses_bad_ids(doc):
    before = state(doc)
    doc.rename("n9", "join")
    g = doc.graph
    assert g.tasks.index("join") == 8
    assert g.predecessors("join") == ["n2", "n4", "n5"] and g.data("join", "n10") == 13
    assert g.costs("join") == [18, 12, 20]
    with pytest.raises(GraphError, match="'n1' already exists"):
        doc.rename("join", "n1")
    with pytest.raises(GraphError, match="empty"):
        doc.rename("join", "  ")
    doc.undo_stack.undo()
    assert state(doc) == before


def test_connect_refusals_name_the_problem(doc):
    with pytest.raises(GraphError, match=r"connecting n10 -> n1 would close the cycle n1 -> n3 -> n7 -> n10 -> n1"):
        doc.connect("n10", "n1")
    with pytest.raises(GraphError, match="itself"):
        doc.connect("n3", "n3")
    with pytest.raises(GraphError, match="unknown task 'zz'"):
        doc.connect("n3", "zz")
    with pytest.raises(GraphError, match="data of edge 'n3' -> 'n8' is negative"):
        doc.connect("n3", "n8", -1)
    assert doc.undo_stack.count() == 0


def test_cost_and_data_edits_validate_and_undo(doc):
    before = state(doc)
    with pytest.raises(GraphError, match="cost of task 'n1' is negative"):
        doc.set_cost(["n1"], -2)
    with pytest.raises(GraphError, match="needs 3 costs"):
        doc.set_costs("n1", [1, 2])
    with pytest.raises(GraphError, match="must be a number"):
        doc.set_costs("n1", [1, "x", 2])
    doc.set_costs("n1", [1, 2, 3])
    doc.set_cost(["n2", "n3"], 5)
    doc.set_data([("n1", "n2")], 0)
    assert doc.graph.costs("n1") == [1, 2, 3] and doc.graph.cost("n3") == 5 and doc.graph.data("n1", "n2") == 0
    assert doc.undo_stack.count() == 3
    doc.set_cost(["n2", "n3"], 5)  # no change: no undo step
    assert doc.undo_stack.count() == 3
    for _ in range(3):
        doc.undo_stack.undo()
    assert state(doc) == before


def test_paste_gives_fresh_ids_and_rejects_junk(doc):
    snip = doc.copy_snippet(["n7", "n10", "n9"])
    assert [(e["source"], e["target"]) for e in snip["edges"]] == [("n7", "n10"), ("n9", "n10")]
    ids = doc.paste(snip)
    assert ids == ["n11", "n12", "n13"]
    assert doc.graph.edges[-2:] == [("n11", "n12"), ("n13", "n12")]
    assert doc.selected() == ids
    with pytest.raises(GraphError, match="no TaskMapper tasks"):
        doc.paste({"tasks": []})
    bad = {"format": "taskmapper-snippet", "version": 1, "tasks": [{"id": "q", "cost": -1}]}
    with pytest.raises(GraphError, match="cost of task 'q' is negative"):
        doc.paste(bad)
    # per-worker times of another platform follow this one's worker count
    other = {"format": "taskmapper-snippet", "version": 1, "tasks": [{"id": "w", "costs": [2, 4]}]}
    assert doc.paste(other) == ["w"] and doc.graph.costs("w") == [2, 4, 3]
    doc.graph.validate()


def test_platform_edits_follow_costs_and_undo(qapp):
    d = Document()
    d.add_task(cost=4)
    assert d.graph.platform is None and len(d.platform) == 2
    d.set_worker_count(3)
    d.set_worker_speed(2, 4)
    d.set_network(bandwidth=10, latency=1)
    p = d.platform
    assert p.ids == ["P1", "P2", "P3"] and p.workers[2].speed == 4 and p.network.bandwidth == 10
    with pytest.raises(GraphError, match="speed of worker 'P1' must be positive"):
        d.set_worker_speed(0, 0)
    with pytest.raises(GraphError, match="latency is negative"):
        d.set_network(latency=-1)
    for _ in range(3):
        d.undo_stack.undo()
    assert d.graph.platform is None and len(d.platform) == 2


def test_worker_count_cuts_and_restores_costs(doc):
    doc.set_worker_count(2)
    assert doc.graph.costs("n1") == [14, 16]
    doc.graph.validate()
    doc.undo_stack.undo()
    assert doc.graph.costs("n1") == [14, 16, 9] and len(doc.platform) == 3


def test_snapshot_is_not_changed_by_later_edits(doc):
    """A run's snapshot keeps the graph as it was at the start, whatever is edited after."""
    before = json.dumps(graph_to_dict(doc.graph))
    g, p = doc.snapshot()
    doc.set_costs("n1", [999, 1, 1])
    doc.remove(["n2"])
    doc.add_task("late", (0.0, 0.0), cost=5)
    doc.set_worker_count(2)
    assert json.dumps(graph_to_dict(g)) == before and len(p) == 3
    assert doc.graph is not g and "n2" not in doc.graph and "late" in doc.graph
    assert doc.graph.costs("n1")[0] == 999
    doc.undo_stack.undo()  # undo and redo change the document's graph, not the snapshot
    doc.undo_stack.redo()
    assert json.dumps(graph_to_dict(g)) == before


def test_snapshots_of_one_version_are_shared(doc):
    g1, _ = doc.snapshot()
    g2, _ = doc.snapshot()
    assert g1 is g2  # no copy at the click: runs of the same graph share one frozen graph
    doc.rename("n1", "first")
    g3, _ = doc.snapshot()
    assert g3 is not g1 and "first" in g3 and "n1" in g1 and "first" not in g1


def test_snapshot_then_new_graph(doc):
    g, _ = doc.snapshot()
    doc.new()
    doc.add_task("a", (0.0, 0.0), cost=1)
    assert "a" not in g and len(g) == 10 and len(doc.graph) == 1


def test_selection_follows_edits(doc, qtbot):
    doc.select(["n2", "n3", "nope"])
    assert doc.selected() == ["n2", "n3"]
    with qtbot.waitSignal(doc.selection_changed) as sig:
        doc.remove(["n3"])
    assert sig.args == [["n2"]]
    with qtbot.waitSignal(doc.selection_changed) as sig:
        doc.rename("n2", "b")
    assert sig.args == [["b"]]


def test_layered_layout_levels_and_barycentre(qapp):
    g = TaskGraph()
    for t in ["a", "b", "x", "y"]:
        g.add_task(t, 1)
    # insertion order a, b above x, y with a->y and b->x crosses; the barycentre pass uncrosses
    g.add_edge("a", "y")
    g.add_edge("b", "x")
    naive = {"a": (0, 0), "b": (100, 0), "x": (0, 100), "y": (100, 100)}
    assert count_crossings(g, naive) == 1
    pos = layered_layout(g).positions
    assert count_crossings(g, pos) == 0
    assert pos["a"][1] == pos["b"][1] == 0 and pos["x"][1] == pos["y"][1] > 0


def test_open_without_positions_is_laid_out_and_partial_kept(tmp_path, qapp):
    g = TaskGraph("p")
    g.add_task("a", 1, x=500, y=40)
    g.add_task("b", 1)
    g.add_edge("a", "b")
    from model.formats import save_graph

    path = tmp_path / "p.json"
    save_graph(g, path)
    d = Document()
    d.load(str(path))
    assert d.position("a") == (500, 40)  # an existing drawing is kept
    assert d.position("b") is not None and d.position("b")[1] > 40


def test_save_atomic_export_and_errors(doc, tmp_path):
    out = tmp_path / "g.json"
    doc.save(str(out))
    assert load_graph(out).tasks == doc.graph.tasks
    original = out.read_bytes()
    doc.add_task()
    with pytest.raises(GraphError):
        doc.save(str(tmp_path / "missing" / "g.json"))
    assert out.read_bytes() == original and doc.dirty
    doc.export(str(tmp_path / "g.dot"))
    assert doc.path == str(out) and doc.dirty  # export is not a save
    assert "n11" in load_graph(tmp_path / "g.dot")
    d = Document()
    with pytest.raises(GraphError, match="no file name"):
        d.save()
