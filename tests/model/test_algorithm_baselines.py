"""Makespans of every registered algorithm on fixed graphs, against stored values.

``tests/data/baselines/makespans.json`` holds the makespan of each algorithm on each
case below, recorded from a known-good version. A change that alters any algorithm's
result fails here; a deliberate change of results regenerates the file with::

    python tests/model/test_algorithm_baselines.py --write

Cases: the bundled examples in ``assets/examples`` on their default platforms, and
seeded generated graphs on platforms with unrelated costs, speeds, latency and
per-pair links. Search budgets are counted in moves and solver work units, never in
seconds, so the numbers do not depend on the machine.
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if __name__ == "__main__":  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from model.algorithms import available, get_algorithm  # noqa: E402
from model.formats import load_graph  # noqa: E402
from model.generators import generate  # noqa: E402
from model.graph import Network, Platform, TaskGraph, Worker  # noqa: E402

STORE = ROOT / "tests" / "data" / "baselines" / "makespans.json"
EXAMPLES = ROOT / "assets" / "examples"
#: reproducible budgets of the searches (the other algorithms ignore them)
BUDGET = {"time_limit": 60.0, "max_iterations": 60, "work_limit": 0.3}

Case = tuple[TaskGraph, Platform]


def _example(path: Path) -> Callable[[], Case]:
    def make() -> Case:
        g = load_graph(path)
        return g, g.default_platform()

    return make


def _generated(kind: str, seed: int, platform: Platform | None = None, **params: object) -> Callable[[], Case]:
    def make() -> Case:
        g = generate(kind, seed=seed, **params)
        return g, platform if platform is not None else g.default_platform()

    return make


_SPEEDS = Platform((Worker("P1", 1.0), Worker("P2", 2.0), Worker("P3", 0.5)), Network(2.0, 0.5))
_LINKS = Platform(
    (Worker("P1"), Worker("P2"), Worker("P3")),
    Network(1.0, 0.5, {("P1", "P2"): (10.0, 0.0), ("P2", "P1"): (0.5, 2.0), ("P3", "P1"): (4.0, 1.0)}),
)

CASES: dict[str, Callable[[], Case]] = {
    **{p.name.split(".")[0]: _example(p) for p in sorted(EXAMPLES.iterdir()) if p.is_file()},
    "layered-unrelated": _generated("layered", 7, n=30, workers=3),
    "gaussian-speeds": _generated("gaussian", 7, _SPEEDS, size=5),
    "series-parallel-links": _generated("series-parallel", 7, _LINKS, n=20),
    "fork-join-gen": _generated("fork-join", 7),
    "independent-unrelated": _generated("independent", 7, n=12, workers=4),
    "fft-fractional": _generated("fft", 7, points=8, integer=False),
    "out-tree-speeds": _generated("out-tree", 7, _SPEEDS, n=15),
}


def makespans() -> dict[str, dict[str, float]]:
    """``{case: {algorithm: makespan}}`` of every registered algorithm on every case."""
    out: dict[str, dict[str, float]] = {}
    for case, make in CASES.items():
        graph, platform = make()
        out[case] = {
            name: get_algorithm(name, seed=0, **BUDGET).schedule(graph, platform).makespan for name in available()
        }
    return out


def _stored() -> dict[str, dict[str, float]]:
    data: dict[str, dict[str, float]] = json.loads(STORE.read_text())["makespans"]
    return data


def test_the_store_covers_every_case_and_algorithm():
    stored = _stored()
    assert sorted(stored) == sorted(CASES)
    for case, row in stored.items():
        assert sorted(row) == available(), case


@pytest.mark.parametrize("case", sorted(CASES))
def test_makespans_equal_the_stored_ones(case):
    graph, platform = CASES[case]()
    want = _stored()[case]
    for name in available():
        got = get_algorithm(name, seed=0, **BUDGET).schedule(graph, platform).makespan
        assert math.isclose(got, want[name], rel_tol=1e-12, abs_tol=1e-12), (case, name, got, want[name])


if __name__ == "__main__":
    if sys.argv[1:] != ["--write"]:
        sys.exit("usage: python tests/model/test_algorithm_baselines.py --write")
    STORE.write_text(json.dumps({"budget": BUDGET, "makespans": makespans()}, indent=1, sort_keys=True) + "\n")
    print(f"wrote {STORE}")
