"""Compile every kernel once, ahead of its first use: ``python -m model.algorithms.engines.warm``.

A kernel is compiled the first time a process needs it and kept in numba's on-disk cache
(:mod:`~model.algorithms.engines.compiled`); that first time costs 10–60 s on a 2-core
machine, which a user would otherwise wait through in the middle of their first big run
(a run that cannot be cancelled while numba compiles). ``scripts/setup-venv.sh`` runs this
once after installing, so the first big graph runs at the speed of the later ones.

:func:`warm` runs every available algorithm, the reader and the schedule writer on a small
graph with ``TASKMAPPER_COMPILED=always`` (the kernels on every size): each kernel is then
compiled for the argument types the real runs give it.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

from . import compiled

__all__ = ["warm"]

#: searches whose budget is their time: kept short here (they compile nothing of their own)
_SEARCH_LIMIT = 0.2


def warm() -> list[str]:
    """Compile the kernels (from numba's cache when they are there already); returns the
    algorithms run. Restores ``TASKMAPPER_COMPILED`` afterwards."""
    from ...formats import load_graph_for_run, save_graph
    from ...formats.native import schedule_json
    from ...generators import generate
    from .. import ALGORITHMS, get_algorithm, load_all

    before = os.environ.get(compiled.ENV)
    os.environ[compiled.ENV] = "always"
    ran = []
    try:
        g = generate("layered", n=60, seed=1, workers=4, ccr=1.0)
        with tempfile.TemporaryDirectory(prefix="taskmapper-warm-") as tmp:
            path = Path(tmp) / "warm.taskgraph.json"
            save_graph(g, path)
            g = load_graph_for_run(str(path))  # the reader's arrays and topological order
        pinned = generate("layered", n=60, seed=2, workers=4, ccr=1.0)
        pinned.set_pin(pinned.tasks[3], pinned.default_platform().ids[1])
        load_all()
        for name in sorted(ALGORITHMS):
            cls = ALGORITHMS[name]
            if not cls.available() or name == "optimal":  # the exact solver compiles nothing here
                continue
            params = {"time_limit": _SEARCH_LIMIT} if cls.anytime else {}
            for graph in (g, pinned):
                sched = get_algorithm(name, **params).schedule(graph, graph.default_platform())
                schedule_json(sched)
            ran.append(name)
    finally:
        if before is None:
            os.environ.pop(compiled.ENV, None)
        else:
            os.environ[compiled.ENV] = before
    return ran


def main() -> int:
    t0 = time.perf_counter()
    try:
        ran = warm()
    except Exception as e:  # the install goes on: a kernel that fails here fails in the tests too
        print(f"compiling the kernels failed: {type(e).__name__}: {e}", file=sys.stderr)
        return 1
    print(f"compiled the kernels for {len(ran)} algorithms in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
