"""Core model: graphs, validation, schedules and their invariants, the HEFT golden example."""

import json
import subprocess
import sys

import pytest
from model_helpers import HEFT_PAPER, ROOT, unit_graph

from model.algorithms import get_algorithm
from model.algorithms.engines import upward_rank
from model.formats import load_graph, save_graph
from model.formats.native import graph_from_dict, graph_to_dict
from model.graph import GraphError, Platform, TaskGraph
from model.instance import compile_instance
from model.schedule import Schedule, ScheduleError, Slot


def doc(tasks, edges=(), **extra):
    return {"format": "taskmapper-graph", "version": 1, "tasks": tasks, "edges": list(edges), **extra}


def test_heft_paper_upward_ranks_and_makespan():
    g = load_graph(HEFT_PAPER)
    inst = compile_instance(g, g.default_platform())
    ranks = upward_rank(inst)
    want = [108, 77, 80, 80, 69, 63.33, 42.67, 35.67, 44.33, 14.67]
    assert [round(r, 2) for r in ranks] == want
    s = get_algorithm("heft").schedule(g)
    assert s.makespan == 80
    s.check(g, g.default_platform())


@pytest.mark.parametrize(
    "bad, message",
    [
        (doc([{"id": "a", "cost": 1}, {"id": "a", "cost": 2}]), "duplicate task id 'a'"),
        (doc([{"id": "a", "cost": -1}]), "cost of task 'a' is negative"),
        (doc([{"id": "a", "cost": "x"}]), "cost of task 'a' must be a number"),
        (doc([{"id": "a", "cost": float("nan")}]), "cost of task 'a' is NaN"),
        (doc([{"id": "a", "cost": 1}], [{"source": "a", "target": "b"}]), "unknown task 'b'"),
        (
            doc([{"id": "a"}, {"id": "b"}, {"id": "c"}],
                [{"source": "a", "target": "b"}, {"source": "b", "target": "c"}, {"source": "c", "target": "a"}]),
            "cycle: ",
        ),
        (doc([{"id": "a", "costs": [1, 2]}], workers=[{"id": "P1"}]), "task 'a' has 2 costs but the platform has 1"),
        ({"format": "other", "version": 1}, "unknown format 'other'"),
        ({"version": 1, "tasks": []}, 'missing "format": "taskmapper-graph"'),
        ({"format": "taskmapper-graph", "version": 7, "tasks": []}, "version 7"),
        (doc([{"id": "a"}], [{"source": "a", "target": "a"}]), "self-loop"),
        (doc([{"id": "a"}, {"id": "b"}], [{"source": "a", "target": "b", "data": -3}]), "data of edge 'a' -> 'b' is negative"),
    ],
)
def test_bad_graphs_are_rejected_with_a_named_error(bad, message):
    with pytest.raises(GraphError, match=message.replace("(", r"\(").replace(")", r"\)")):
        graph_from_dict(json.loads(json.dumps(bad, allow_nan=True)))


def test_cycle_message_names_the_cycle():
    d = doc([{"id": x} for x in "abcd"],
            [{"source": "a", "target": "b"}, {"source": "b", "target": "c"},
             {"source": "c", "target": "d"}, {"source": "d", "target": "b"}])
    with pytest.raises(GraphError) as e:
        graph_from_dict(d)
    msg = str(e.value)
    assert "b" in msg and "c" in msg and "d" in msg and "a ->" not in msg


def test_would_create_cycle():
    g = unit_graph("abc", ["ab", "bc"])
    assert g.would_create_cycle("c", "a") == ["c", "a", "b", "c"]
    assert g.would_create_cycle("a", "c") is None


def test_json_round_trip_keeps_free_attributes(tmp_path):
    g = load_graph(HEFT_PAPER)
    g.task_attrs("n1")["colour"] = "#ff0000"
    p = tmp_path / "g.json"
    save_graph(g, p)
    g2 = load_graph(p)
    assert graph_to_dict(g2) == graph_to_dict(g)
    assert g2.task_attrs("n1")["colour"] == "#ff0000"
    assert g2.task_attrs("n1")["x"] == g.task_attrs("n1")["x"]


def test_network_without_workers_is_used():
    g = graph_from_dict(doc([{"id": "a", "cost": 1}], network={"bandwidth": 4, "latency": 2}))
    p = g.default_platform(3)
    assert p.network.comm_time(8, "P1", "P2") == 4.0
    assert graph_to_dict(g)["network"] == {"bandwidth": 4, "latency": 2}


def test_related_speeds():
    g = graph_from_dict(doc([{"id": "a", "cost": 6}], workers=[{"id": "fast", "speed": 3}, {"id": "slow"}]))
    s = get_algorithm("heft").schedule(g)
    assert s.slots == [Slot("a", "fast", 0.0, 2.0)]


class TestScheduleInvariants:
    def setup_method(self):
        self.g = TaskGraph()
        self.g.add_task("a", 2)
        self.g.add_task("b", 3)
        self.g.add_edge("a", "b", 4)
        self.p = Platform.homogeneous(2)

    def test_valid(self):
        Schedule("x", ["P1", "P2"], [Slot("a", "P1", 0, 2), Slot("b", "P2", 6, 9)]).check(self.g, self.p)

    def test_communication_delay_across_workers(self):
        s = Schedule("x", ["P1", "P2"], [Slot("a", "P1", 0, 2), Slot("b", "P2", 5, 8)])
        with pytest.raises(ScheduleError, match="before the data of 'a'"):
            s.check(self.g, self.p)

    def test_same_worker_needs_no_transfer(self):
        Schedule("x", ["P1", "P2"], [Slot("a", "P1", 0, 2), Slot("b", "P1", 2, 5)]).check(self.g, self.p)

    def test_overlap(self):
        self.g.remove_edge("a", "b")
        s = Schedule("x", ["P1", "P2"], [Slot("a", "P1", 0, 2), Slot("b", "P1", 1, 4)])
        with pytest.raises(ScheduleError, match="overlap on worker P1"):
            s.check(self.g, self.p)

    def test_each_task_once(self):
        s = Schedule("x", ["P1", "P2"], [Slot("a", "P1", 0, 2), Slot("a", "P2", 0, 2), Slot("b", "P1", 2, 5)])
        with pytest.raises(ScheduleError, match="more than once"):
            s.check(self.g, self.p)
        with pytest.raises(ScheduleError, match="not scheduled: 'b'"):
            Schedule("x", ["P1", "P2"], [Slot("a", "P1", 0, 2)]).check(self.g, self.p)

    def test_duration(self):
        s = Schedule("x", ["P1", "P2"], [Slot("a", "P1", 0, 1), Slot("b", "P1", 2, 5)])
        with pytest.raises(ScheduleError, match="lasts 1 on P1 but needs 2"):
            s.check(self.g, self.p)

    def test_transfers(self):
        s = Schedule.build("x", self.g, self.p, [Slot("a", "P1", 0, 2), Slot("b", "P2", 6, 9)])
        assert len(s.transfers) == 1 and s.transfers[0].finish == 6 and s.transfers[0].data == 4

    @pytest.mark.parametrize("durations", [True, False])
    @pytest.mark.parametrize("start, finish, what", [
        (0, float("inf"), "finish"), (float("-inf"), 2, "start"), (float("nan"), 2, "start"),
        ("0", 2, "start"), (0, None, "finish"),
    ])
    def test_times_must_be_finite_numbers(self, start, finish, what, durations):
        # an infinite finish used to pass every check (inf - inf is NaN, and NaN compares False)
        s = Schedule("x", ["P1", "P2"], [Slot("a", "P1", start, finish), Slot("b", "P2", 3, 6)])
        with pytest.raises(ScheduleError, match=f"{what} of task 'a' is not a finite number"):
            s.check(self.g, self.p, check_durations=durations)

    def test_costs_not_matching_the_platform_are_named_not_an_index_error(self):
        g = TaskGraph()
        g.add_task("a", costs=[1, 2])
        s = Schedule("x", ["P1", "P2", "P3"], [Slot("a", "P3", 0, 1)])
        with pytest.raises(ScheduleError, match="task 'a' has 2 costs but the platform has 3 workers"):
            s.check(g, Platform.homogeneous(3))

    def test_tolerance_does_not_grow_to_whole_time_units_at_large_times(self):
        # the relative tolerance was 1e-6: at t = 1e7 a 10-unit overlap or a missing
        # 5-unit duration passed
        g = TaskGraph()
        g.add_task("a", 1)
        g.add_task("b", 1)
        p = Platform.homogeneous(1)
        t = 1e7
        with pytest.raises(ScheduleError, match=r"overlap on worker P1 \(10000000-10000001 and 10000000.5-"):
            Schedule("x", ["P1"], [Slot("a", "P1", t, t + 1), Slot("b", "P1", t + 0.5, t + 1.5)]).check(g, p)
        with pytest.raises(ScheduleError, match="lasts 0 on P1 but needs 1"):
            Schedule("x", ["P1"], [Slot("a", "P1", t, t + 1), Slot("b", "P1", t + 1, t + 1)]).check(g, p)
        g.add_edge("a", "b", 4)
        p2 = Platform.homogeneous(2)
        with pytest.raises(ScheduleError, match="before the data of 'a'"):
            Schedule("x", ["P1", "P2"], [Slot("a", "P1", t, t + 1), Slot("b", "P2", t + 4, t + 5)]).check(g, p2)
        # float rounding at that magnitude is still accepted
        Schedule("x", ["P1", "P2"], [Slot("a", "P1", t, t + 1), Slot("b", "P2", t + 5 - 1e-9, t + 6)]).check(g, p2)


def test_model_never_imports_qt_statically():
    import ast

    bad = []
    for path in (ROOT / "model").rglob("*.py"):
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for n in names:
                if n.split(".")[0] in {"PySide6", "shiboken6", "pyqtgraph", "PyQt5", "PyQt6", "gui", "cli"}:
                    bad.append(f"{path.relative_to(ROOT)}: {n}")
    assert bad == []


def test_model_and_cli_import_no_qt_at_run_time():
    code = (
        "import sys, model, model.algorithms, model.formats, cli.main\n"
        "model.algorithms.load_all()\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6', 'pyqtgraph')]\n"
        "print(bad); sys.exit(1 if bad else 0)\n"
    )
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
