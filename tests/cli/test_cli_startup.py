"""Commands that build no graph start without networkx (its import is most of their time)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_algorithms_and_help_do_not_import_networkx():
    code = ("import sys, contextlib, io\n"
            "from cli.main import main\n"
            "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
            "    assert main(['algorithms']) == 0\n"
            "assert 'heft' in out.getvalue()\n"
            "print('networkx' in sys.modules)\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "False"


def test_networkx_is_there_once_a_graph_is_built():
    code = ("import sys\n"
            "from model.graph import TaskGraph\n"
            "g = TaskGraph(); g.add_task('a'); g.add_task('b'); g.add_edge('a', 'b')\n"
            "print('networkx' in sys.modules, g.would_create_cycle('b', 'a'))\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "True ['b', 'a', 'b']"
