"""``taskmapper schedule`` reads a native graph straight into arrays and writes big schedules
from columns: its output is byte for byte what the networkx path writes."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli.main import main
from model.algorithms import get_algorithm
from model.formats import load_graph, save_graph
from model.formats.native import schedule_json
from model.generators import generate
from model.graph import GraphError

EXAMPLES = sorted(Path(__file__).parents[2].joinpath("assets", "examples").glob("*.taskgraph.json"))


def _usual(path: Path, algorithm: str, workers: int | None) -> bytes:
    g = load_graph(path)
    return schedule_json(get_algorithm(algorithm).schedule(g, g.default_platform(workers)))


def _files(tmp_path: Path) -> list[Path]:
    out = list(EXAMPLES)
    for kind, n, seed, extra in (("layered", 400, 1, {"workers": 6, "ccr": 1.0}), ("layered", 300, 2, {}),
                                 ("fork-join", 80, 3, {}), ("montage", 80, 4, {"ccr": 2.0}),
                                 ("gaussian", 60, 5, {"integer": False})):
        p = tmp_path / f"{kind}-{seed}.taskgraph.json"
        save_graph(generate(kind, n=n, seed=seed, **extra), p)
        out.append(p)
    return out


@pytest.mark.parametrize("compiled", ["never", "always"])
@pytest.mark.parametrize(("algorithm", "workers"), [("heft", None), ("heft", 3), ("cpop", None), ("minmin", 4)])
def test_schedule_writes_what_the_networkx_path_writes(tmp_path, monkeypatch, capsys, compiled, algorithm, workers):
    monkeypatch.setenv("TASKMAPPER_COMPILED", compiled)
    done = 0
    for path in _files(tmp_path):
        out = tmp_path / "out.schedule.json"
        args = ["schedule", str(path), "-a", algorithm, "-o", str(out)]
        if workers is not None:
            args += ["-w", str(workers)]
        status = main(args)
        err = capsys.readouterr().err
        monkeypatch.setenv("TASKMAPPER_COMPILED", "never")
        try:
            want = _usual(path, algorithm, workers)
        except GraphError as e:  # (per-worker costs of another length than --workers): the same line
            assert status == 2 and err.strip().endswith(str(e)), path.name
            continue
        finally:
            monkeypatch.setenv("TASKMAPPER_COMPILED", compiled)
        assert status == 0, err
        assert out.read_bytes() == want, path.name
        done += 1
    assert done >= 5
