"""The compiled kernels of Lookahead and LC against their Python loops.

``TASKMAPPER_COMPILED=always`` runs the numba kernels at every size, ``never`` the Python
loops; the two must give the same placements (task, worker, start, finish, in the same
order) and the same clusters, on generated graphs of every kind and on random small
graphs built to hit the corner cases (zero-cost and tiny tasks, ties, pins, per-worker
costs, uneven links).
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from model.algorithms import get_algorithm
from model.algorithms.base import Cancelled
from model.algorithms.engines import compiled
from model.algorithms.lc import linear_clusters
from model.generators import generate
from model.graph import Network, Platform, TaskGraph, Worker
from model.instance import Instance, compile_instance

ROOT = Path(__file__).resolve().parents[2]

Placements = list[tuple[int, int, float, float]]


def _placements(name: str, inst: Instance, mode: str, monkeypatch: pytest.MonkeyPatch) -> Placements:
    monkeypatch.setenv(compiled.ENV, mode)
    return [(int(i), int(p), float(s), float(f)) for i, p, s, f in get_algorithm(name).place(inst, None)]


def _clusters(inst: Instance, mode: str, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    monkeypatch.setenv(compiled.ENV, mode)
    return linear_clusters(inst)


def _gen(kind: str, n: int, seed: int, **params: object) -> Callable[[], tuple[TaskGraph, Platform]]:
    def make() -> tuple[TaskGraph, Platform]:
        g = generate(kind, n=n, seed=seed, **params)
        return g, g.default_platform()

    return make


def _uneven_network(n: int, seed: int) -> tuple[TaskGraph, Platform]:
    """Workers of different speeds, links of different bandwidths and latencies."""
    g = generate("layered", n=n, seed=seed, ccr=2.0)
    rng = np.random.default_rng(seed)
    ws = tuple(Worker(f"P{i + 1}", speed=float(rng.choice([0.5, 1.0, 2.0, 3.0]))) for i in range(6))
    links = {
        (a.id, b.id): (float(rng.uniform(0.2, 4.0)), float(rng.integers(0, 3)))
        for a in ws
        for b in ws
        if a.id != b.id and rng.random() < 0.5
    }
    return g, Platform(ws, Network(bandwidth=1.0, latency=0.5, links=links))


def _pinned(n: int, seed: int) -> tuple[TaskGraph, Platform]:
    g = generate("layered", n=n, seed=seed, workers=5, ccr=1.0)
    rng = np.random.default_rng(seed)
    names = list(g.nx.nodes)
    for t in rng.choice(len(names), size=n // 10, replace=False).tolist():
        g.set_pin(names[t], f"P{int(rng.integers(1, 6))}")
    return g, g.default_platform()


GRAPHS: dict[str, Callable[[], tuple[TaskGraph, Platform]]] = {
    "layered": _gen("layered", 1500, 11, workers=8, ccr=1.0),
    "layered-wide": _gen("layered", 2000, 12, workers=16, ccr=1.0, alpha=3.0),
    "layered-deep": _gen("layered", 1000, 13, workers=4, ccr=1.0, alpha=0.3),
    "comm-heavy": _gen("layered", 1200, 14, workers=8, ccr=10.0),
    "no-comm": _gen("layered", 1000, 15, workers=6, ccr=0.0),
    "heterogeneous": _gen("layered", 1200, 16, workers=8, ccr=1.0, beta=2.0),
    "real-valued": _gen("layered", 1200, 17, workers=7, ccr=1.0, integer=False),
    "ties": _gen("layered", 1200, 18, workers=4, ccr=1.0, vary=0.0, beta=0.0),
    "series-parallel": _gen("series-parallel", 1500, 19, workers=8),
    "fork-join": _gen("fork-join", 600, 20, workers=6),
    "gaussian": _gen("gaussian", 500, 21, workers=5),
    "fft": _gen("fft", 400, 22, workers=4),
    "montage": _gen("montage", 600, 23, workers=6),
    "out-tree": _gen("out-tree", 800, 24, workers=6),
    "in-tree": _gen("in-tree", 800, 25, workers=6),
    "independent": _gen("independent", 300, 26, workers=4),
    "chain": _gen("chain", 200, 27, workers=3),
    "uneven-network": lambda: _uneven_network(800, 28),
    "pinned": lambda: _pinned(1000, 29),
}


@pytest.mark.parametrize("case", list(GRAPHS))
def test_lookahead_kernel_matches_the_python_loop(case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    g, plat = GRAPHS[case]()
    inst = compile_instance(g, plat)
    got = _placements("lookahead", inst, "always", monkeypatch)
    assert "model.algorithms.engines.lookahead_kernel" in sys.modules
    assert got == _placements("lookahead", inst, "never", monkeypatch)
    assert len(got) == inst.n


@pytest.mark.parametrize("case", list(GRAPHS))
def test_lc_kernel_matches_the_python_loop(case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    g, plat = GRAPHS[case]()
    inst = compile_instance(g, plat)
    got = _clusters(inst, "always", monkeypatch)
    assert "model.algorithms.engines.lc_kernel" in sys.modules
    assert got == _clusters(inst, "never", monkeypatch)
    assert _placements("lc", inst, "always", monkeypatch) == _placements("lc", inst, "never", monkeypatch)


@st.composite
def small_instances(draw: st.DrawFn) -> Instance:
    """Random DAGs of up to 40 tasks with costs that tie, are zero or tiny (1e-10: slots that
    the gap tolerance lets overlap), per-worker costs, pins and uneven links."""
    n = draw(st.integers(1, 40))
    m = draw(st.integers(1, 5))
    values = st.sampled_from([0.0, 1e-10, 1.0, 1.0, 2.0, 3.0, 0.5, 2.5e-10, 7.25])
    g = TaskGraph()
    per_worker = draw(st.booleans())
    for i in range(n):
        if per_worker:
            g.add_task(f"t{i}", costs=[draw(values) for _ in range(m)])
        else:
            g.add_task(f"t{i}", draw(values))
    for j in range(1, n):
        for i in draw(st.sets(st.integers(0, j - 1), max_size=3)):
            g.add_edge(f"t{i}", f"t{j}", draw(st.sampled_from([0.0, 1e-10, 1.0, 4.0, 0.3])))
    for i in draw(st.sets(st.integers(0, n - 1), max_size=n // 4)):
        g.set_pin(f"t{i}", f"P{draw(st.integers(1, m))}")
    ids = [f"P{k + 1}" for k in range(m)]
    links = {
        (a, b): (draw(st.sampled_from([0.5, 1.0, 3.0])), draw(st.sampled_from([0.0, 1.0])))
        for a in ids
        for b in ids
        if a != b and draw(st.booleans())
    }
    speeds = [draw(st.sampled_from([1.0, 2.0, 0.5])) for _ in ids]
    plat = Platform(tuple(Worker(p, speed=s) for p, s in zip(ids, speeds)), Network(links=links))
    return compile_instance(g, plat)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(inst=small_instances())
def test_kernels_match_on_random_small_graphs(inst: Instance, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _placements("lookahead", inst, "always", monkeypatch) == _placements(
        "lookahead", inst, "never", monkeypatch
    )
    assert _clusters(inst, "always", monkeypatch) == _clusters(inst, "never", monkeypatch)


def test_tiny_slots_out_of_order_take_the_same_gaps(monkeypatch: pytest.MonkeyPatch) -> None:
    """Zero-cost and 1e-10 tasks booked with the gap tolerance leave finish times out of order on a
    worker (the timeline then walks its slots); the kernel must take the same gaps."""
    g = TaskGraph()
    rng = np.random.default_rng(3)
    n = 400
    for i in range(n):
        g.add_task(f"t{i}", float(rng.choice([0.0, 1e-10, 3e-10, 1.0, 2.0])))
    for j in range(1, n):
        for i in rng.choice(j, size=min(j, 2), replace=False).tolist():
            g.add_edge(f"t{i}", f"t{j}", float(rng.choice([0.0, 1e-10, 1.0])))
    inst = compile_instance(g, Platform.homogeneous(3))
    assert _placements("lookahead", inst, "always", monkeypatch) == _placements(
        "lookahead", inst, "never", monkeypatch
    )


@pytest.mark.parametrize("name", ["lookahead", "lc"])
def test_compiled_runs_stop_when_cancelled(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(compiled.ENV, "always")
    g = generate("layered", n=3000, seed=5, workers=4)
    inst = compile_instance(g, g.default_platform())
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(Cancelled):
        list(get_algorithm(name).place(inst, cancel))
    # set after the first placements: the run stops before the end
    cancel.clear()
    seen = 0
    with pytest.raises(Cancelled):
        for _ in get_algorithm(name).place(inst, cancel):
            seen += 1
            cancel.set()
    assert 1 <= seen < inst.n


def test_small_graphs_never_load_numba() -> None:
    code = (
        "import sys\n"
        "from model.generators import generate\n"
        "from model.algorithms import get_algorithm\n"
        "g = generate('layered', n=200, seed=1, workers=4)\n"
        "for a in ('lookahead', 'lc'): get_algorithm(a).schedule(g, g.default_platform())\n"
        "print('numba' in sys.modules)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != compiled.ENV}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"
