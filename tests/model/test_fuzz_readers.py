"""Seeded fuzzing of every reader: a broken file is a GraphError/ScheduleError, never a crash.

Each reader's example file is mutated (bytes flipped, the file cut short, a chunk
repeated or dropped, JSON values swapped for values of other types, numbers in text
formats swapped for bad ones) and read through the real reader functions. A mutant that
still reads must also write back as strict JSON. A smaller set goes through the real
``python -m cli convert`` command: exit 0, or exit 2 with one line on stderr.
"""

from __future__ import annotations

import copy
import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from model_helpers import EXAMPLES, ROOT, TINY_STG

from model.formats import benchcase, load_graph, load_schedule, save_graph, save_schedule, wfformat
from model.graph import GraphError
from model.schedule import ScheduleError

MUTANTS_PER_FILE = 45
CLI_MUTANTS = 10

WF15 = {
    "name": "w", "schemaVersion": "1.5",
    "workflow": {
        "specification": {
            "tasks": [{"id": "a", "parents": [], "children": ["b", "c"], "outputFiles": ["f"]},
                      {"id": "b", "parents": ["a"], "children": [], "inputFiles": ["f"]},
                      {"id": "c", "parents": ["a"], "inputFiles": ["f"], "coreCount": 2}],
            "files": [{"id": "f", "sizeInBytes": 1000}],
        },
        "execution": {
            "makespanInSeconds": 4,
            "tasks": [{"id": "a", "runtimeInSeconds": 2.5, "machines": ["n1"]},
                      {"id": "b", "runtimeInSeconds": 1, "machines": ["n1"]},
                      {"id": "c", "runtimeInSeconds": 1, "machines": ["n2"], "command": {"program": "x"}}],
            "machines": [{"nodeName": "n1", "cpu": {"coreCount": 2}}, {"nodeName": "n2", "cpu": {"count": 4}}],
        },
    },
}
WF14 = {
    "name": "w14", "schemaVersion": "1.4",
    "workflow": {
        "makespanInSeconds": 9,
        "machines": [{"nodeName": "n1", "cpu": {"count": 2}}],
        "tasks": [{"name": "a", "id": "ID1", "parents": [], "runtimeInSeconds": 2, "machine": "n1",
                   "files": [{"link": "output", "name": "x", "sizeInBytes": 100}]},
                  {"name": "b", "parents": ["ID1"], "runtimeInSeconds": 3, "machine": ["n1"], "cores": 1.5,
                   "files": [{"link": "input", "name": "x", "sizeInBytes": 100}]}],
    },
}
BENCH = {"name": "case", "workers": 2, "ccr": 0.5, "best_makespan": 7,
         "tasks": [{"id": "t0", "costs": [3, 4]}, {"id": "t1", "costs": [2, 2]}, {"id": "t2", "cost": 1}],
         "edges": [{"source": "t0", "target": "t1", "comm": 5}, {"source": "t0", "target": "t2", "comm": 1}]}


def _strict(text: str) -> None:
    def refuse(name):
        raise AssertionError(f"wrote {name}")
    json.loads(text, parse_constant=refuse)


def read_graph(path: Path, out: Path) -> None:
    g = load_graph(path)
    save_graph(g, out / "back.json")
    _strict((out / "back.json").read_text())


def read_schedule(path: Path, out: Path) -> None:
    s = load_schedule(path)
    for name in ("back.schedule.json", "back.trace.json"):
        save_schedule(s, out / name)
        _strict((out / name).read_text())


def read_trace(path: Path, out: Path) -> None:
    s = wfformat.read_trace(path)
    save_schedule(s, out / "back.schedule.json")
    _strict((out / "back.schedule.json").read_text())


def read_bench(path: Path, out: Path) -> None:
    g = benchcase.read(path)
    save_graph(g, out / "back.json")
    _strict((out / "back.json").read_text())


@pytest.fixture(scope="module")
def examples(tmp_path_factory):
    """(name, file suffix, bytes, reader) of every reader's example."""
    from model.algorithms import get_algorithm

    d = tmp_path_factory.mktemp("examples")
    g = load_graph(EXAMPLES / "heft-paper.taskgraph.json")
    save_graph(g, d / "g.graphml")
    s = get_algorithm("heft").schedule(g)
    save_schedule(s, d / "s.schedule.json")
    save_schedule(s, d / "s.trace.json")
    return [
        ("native graph", ".json", (EXAMPLES / "heft-paper.taskgraph.json").read_bytes(), read_graph),
        ("dot", ".dot", (EXAMPLES / "teaching.dot").read_bytes(), read_graph),
        ("graphml", ".graphml", (d / "g.graphml").read_bytes(), read_graph),
        ("stg", ".stg", TINY_STG.encode(), read_graph),
        ("wfformat 1.5 graph", ".json", json.dumps(WF15).encode(), read_graph),
        ("wfformat 1.5 trace", ".json", json.dumps(WF15).encode(), read_trace),
        ("wfformat 1.4 trace", ".json", json.dumps(WF14).encode(), read_trace),
        ("schedule", ".schedule.json", (d / "s.schedule.json").read_bytes(), read_schedule),
        ("chrome trace", ".trace.json", (d / "s.trace.json").read_bytes(), read_schedule),
        ("benchmark case", ".json", json.dumps(BENCH).encode(), read_bench),
    ]


# ----------------------------------------------------------------- mutations
_ODD_VALUES = [None, True, False, 0, -1, 2.5, -0.0, 1e308, 10**400, "", "x", "9" * 300, "nan",
               [], [1, "a"], {}, {"id": "a"}, [[[]]]]


def _nodes(doc, path=()):
    yield path, doc
    if isinstance(doc, dict):
        for k, v in doc.items():
            yield from _nodes(v, (*path, k))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            yield from _nodes(v, (*path, i))


def _swap(doc, rng):
    """Replace one value of the JSON tree by a value of another type."""
    nodes = [p for p, _ in _nodes(doc) if p]
    if not nodes:
        return copy.deepcopy(rng.choice(_ODD_VALUES))
    path = rng.choice(nodes)
    parent = doc
    for k in path[:-1]:
        parent = parent[k]
    if rng.random() < 0.15 and isinstance(parent, dict):
        del parent[path[-1]]
    else:
        parent[path[-1]] = copy.deepcopy(rng.choice(_ODD_VALUES))
    return doc


def mutate(data: bytes, suffix: str, rng: random.Random, kind: str | None = None) -> tuple[str, bytes]:
    kind = kind or rng.choice(["flip", "cut", "chunk", "swap", "swap", "token"])
    if kind == "swap" and suffix.endswith(".json"):
        doc = json.loads(data)
        for _ in range(rng.randint(1, 3)):
            doc = _swap(doc, rng)
        return kind, json.dumps(doc).encode()
    if kind in ("swap", "token"):
        text = data.decode("utf-8", "replace")
        words = text.split(" ")
        for _ in range(rng.randint(1, 3)):
            i = rng.randrange(len(words))
            words[i] = rng.choice(["-5", "1e400", "nan", "abc", "{", "}", "[", "\"", "0", "999999999999999999999",
                                   "->", "=", ";", "\n", "costs", "1e308"])
        return "token", " ".join(words).encode()
    b = bytearray(data)
    if kind == "flip":
        for _ in range(rng.randint(1, 4)):
            b[rng.randrange(len(b))] = rng.randrange(256)
    elif kind == "cut":
        del b[rng.randrange(len(b)):]
    else:
        i, j = sorted(rng.sample(range(len(b) + 1), 2))
        b[i:j] = b[i:j] * rng.choice([0, 2, 3])
    return kind, bytes(b)


def test_every_reader_refuses_broken_files_with_a_named_error(examples, tmp_path):
    outcomes = {"read": 0, "refused": 0}
    for name, suffix, data, reader in examples:
        rng = random.Random(f"fuzz {name}")
        for k in range(MUTANTS_PER_FILE):
            kind, mutant = mutate(data, suffix, rng)
            d = tmp_path / f"{name.replace(' ', '_')}-{k}"
            d.mkdir()
            path = d / f"m{suffix}"
            path.write_bytes(mutant)
            try:
                reader(path, d)
                outcomes["read"] += 1
            except (GraphError, ScheduleError) as e:
                msg = str(e)
                assert msg and "\n" not in msg and len(msg) < 400, (name, k, kind, msg[:500])
                outcomes["refused"] += 1
            except Exception as e:  # anything else is a bug in the reader
                pytest.fail(f"{name} mutant #{k} ({kind}): {type(e).__name__}: {e}"[:800])
    # the mutations reach both sides: some files still read, most are refused
    assert outcomes["read"] > 20 and outcomes["refused"] > 150, outcomes


def test_broken_files_through_the_command_line(examples, tmp_path):
    rng = random.Random("fuzz cli")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    jobs = []
    for k in range(CLI_MUTANTS):
        name, suffix, data, _ = examples[k % len(examples)]
        kind, mutant = mutate(data, suffix, rng, "swap")
        src = tmp_path / f"in{k}{suffix}"
        src.write_bytes(mutant)
        schedule_in = name in ("schedule", "chrome trace") or "trace" in name
        out = tmp_path / (f"out{k}.schedule.json" if schedule_in else f"out{k}.json")
        args = ["convert", str(src), "-o", str(out)] + (["--trace"] if name.startswith("wfformat") and "trace" in name else [])
        jobs.append((name, kind, subprocess.Popen([sys.executable, "-m", "cli", *args], cwd=ROOT, env=env,
                                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)))
    for name, kind, proc in jobs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode in (0, 2), (name, kind, proc.returncode, err[-2000:])
        if proc.returncode == 2:
            lines = err.splitlines()
            assert len(lines) == 1 and "Traceback" not in err and "internal error" not in err, (name, kind, err[-2000:])
