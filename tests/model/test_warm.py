"""The install compiles every kernel ahead of its first use (``python -m model.algorithms.engines.warm``)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from model.algorithms import ALGORITHMS, load_all
from model.algorithms.engines import compiled
from model.algorithms.engines.warm import warm

ROOT = Path(__file__).resolve().parents[2]


def test_warm_runs_every_available_algorithm_and_restores_the_setting(monkeypatch):
    monkeypatch.setenv(compiled.ENV, "never")
    load_all()
    want = sorted(n for n, c in ALGORITHMS.items() if c.available() and n != "optimal")
    assert warm() == want and "heft" in want and "lookahead" in want and "lc" in want
    assert os.environ[compiled.ENV] == "never"


def test_the_install_step_reports_what_it_compiled():
    res = subprocess.run([sys.executable, "-m", "model.algorithms.engines.warm"], capture_output=True, text=True,
                         cwd=ROOT, timeout=300)
    assert res.returncode == 0, res.stderr
    assert "compiled the kernels for" in res.stderr
