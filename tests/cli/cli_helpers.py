"""What the command-line tests share: running the real ``python -m cli`` and checking its bad-input contract."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEFT_PAPER = ROOT / "assets" / "examples" / "heft-paper.taskgraph.json"


def taskmapper(*args, cwd=None, **env_extra):
    """Run ``taskmapper ARGS`` as a process from the project root (or ``cwd``), with ``env_extra`` set."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), **env_extra}
    return subprocess.run(
        [sys.executable, "-m", "cli", *map(str, args)],
        capture_output=True, text=True, timeout=300, cwd=cwd or ROOT, env=env,
    )


def assert_bad_input(res, *words):
    """Exit status 2 and one line on stderr holding every one of ``words``, no traceback; returns the line."""
    assert res.returncode == 2, (res.returncode, res.stdout[:500], res.stderr[:2000])
    lines = res.stderr.splitlines()
    assert len(lines) == 1, res.stderr[:2000]
    assert "Traceback" not in res.stderr and "internal error" not in res.stderr
    for w in words:
        assert w in lines[0], (w, lines[0][:500])
    return lines[0]


def graph_file(tmp_path, tasks, edges=(), name="g.json", **top):
    """Write a native graph file of ``tasks`` and ``edges`` (and top-level keys ``top``); returns its path."""
    p = tmp_path / name
    p.write_text(json.dumps({"format": "taskmapper-graph", "version": 1, "tasks": tasks, "edges": list(edges),
                             **top}))
    return p
