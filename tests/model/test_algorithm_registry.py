"""The algorithm package's structure: registry metadata, the engines' public face, one computation of ranks."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from model import analysis
from model.algorithms import (
    ALGORITHMS,
    FAMILIES,
    Algorithm,
    available,
    engines,
    get_algorithm,
    load_all,
    register,
)
from model.algorithms import optimal as optimal_mod
from model.algorithms.engines import downward_rank, longest_paths, lower_bound, static_level, upward_rank
from model.formats import load_graph
from model.generators import generate
from model.graph import GraphError, Platform, TaskGraph
from model.instance import compile_instance

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "model" / "algorithms"


def test_every_algorithm_has_a_known_family_and_the_registry_holds_only_algorithms():
    reg = load_all()
    assert "engines" not in reg
    assert all(isinstance(cls, type) and issubclass(cls, Algorithm) for cls in reg.values())
    for name, cls in reg.items():
        assert cls.family in FAMILIES, name
        assert isinstance(cls.needs, str) and isinstance(cls.slow, bool) and isinstance(cls.anytime, bool)
    families = {cls.family for cls in reg.values()}
    assert families == set(FAMILIES)  # every family has at least one member
    # the exact solver is the one that needs an extra module
    assert {n for n, c in reg.items() if c.needs} == {n for n, c in reg.items() if c.family == "exact"}


def test_one_module_per_algorithm_and_engines_hold_none():
    modules = {p.stem for p in PACKAGE.glob("*.py")} - {"__init__", "base"}
    defined = {cls.__module__.rsplit(".", 1)[-1] for cls in ALGORITHMS.values()}
    assert modules == defined
    assert all(cls.__module__.count(".") == 2 for cls in ALGORITHMS.values())  # model.algorithms.<name>


def test_register_refuses_an_unknown_family():
    class Odd(Algorithm):
        name = "odd-family"
        description = "x"
        family = "magic"

    with pytest.raises(ValueError, match="unknown family 'magic'"):
        register(Odd)
    assert "odd-family" not in ALGORITHMS


def test_an_algorithm_whose_module_is_missing_says_what_to_install():
    class NeedsMissing(Algorithm):
        name = "needs-missing"
        description = "x"
        family = "baseline"
        needs = "taskmapper_no_such_module"

        def place(self, inst, cancel):
            yield from ((i, 0, 0.0, 0.0) for i in range(inst.n))

    assert not NeedsMissing.available()
    reason = NeedsMissing.unavailable_reason()
    assert "taskmapper_no_such_module" in reason and "pip install" in reason
    g = TaskGraph()
    g.add_task("a", 1)
    with pytest.raises(GraphError, match="taskmapper_no_such_module"):
        NeedsMissing().schedule(g, Platform.homogeneous(1))
    assert ALGORITHMS["heft"].available() and ALGORITHMS["heft"].unavailable_reason() == ""


def test_optimal_availability_follows_ortools(monkeypatch):
    opt = ALGORITHMS["optimal"]
    assert opt.needs == "ortools"
    assert opt.available() == optimal_mod.have_ortools()
    monkeypatch.setattr(optimal_mod, "have_ortools", lambda: False)
    assert not opt.available()
    assert opt.unavailable_reason() == optimal_mod.INSTALL_HINT
    g = TaskGraph()
    g.add_task("a", 1)
    with pytest.raises(GraphError, match="pip install"):
        get_algorithm("optimal").schedule(g, Platform.homogeneous(2))


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            out.append("." * node.level + node.module)
        elif isinstance(node, ast.Import):
            out.extend(a.name for a in node.names)
    return out


def test_nothing_outside_the_package_imports_a_private_algorithms_module():
    offenders = []
    for top in ("model", "gui", "cli", "tests", "benchmarks", "scripts"):
        for path in (ROOT / top).rglob("*.py"):
            for mod in _imports(path):
                if "algorithms._" in mod or "algorithms.engines._" in mod:
                    offenders.append(f"{path.relative_to(ROOT)}: {mod}")
    assert offenders == []
    assert not [p.name for p in PACKAGE.rglob("_*.py") if p.name != "__init__.py"]


def test_the_engines_export_what_they_list():
    for name in engines.__all__:
        assert hasattr(engines, name), name
    assert {"lower_bound", "upward_rank", "Timeline", "eft_place", "longest_paths"} <= set(engines.__all__)


@pytest.mark.parametrize("seed", range(4))
def test_ranks_and_the_analysis_levels_are_one_computation(seed):
    g = generate("layered", seed=seed, n=40, workers=3)
    inst = compile_instance(g, g.default_platform())
    up, down = upward_rank(inst), downward_rank(inst)
    b, t = analysis.b_levels(g), analysis.t_levels(g)
    assert [b[x] for x in inst.tasks] == up.tolist()
    assert [t[x] for x in inst.tasks] == down.tolist()
    tl, bl = longest_paths(inst, inst.w.min(axis=1))
    assert float(bl.max()) == analysis.critical_path_min(g).length
    assert bl.tolist() == static_level(inst, inst.w.min(axis=1)).tolist()
    assert ((tl + inst.w.min(axis=1)) <= bl.max() + 1e-9).all()


def test_lower_bound_matches_the_analysis():
    g = load_graph(ROOT / "assets" / "examples" / "heft-paper.taskgraph.json")
    inst = compile_instance(g, g.default_platform())
    assert lower_bound(inst) == analysis.lower_bound(g) > 0


def test_available_lists_the_registry_sorted():
    assert available() == sorted(ALGORITHMS)
