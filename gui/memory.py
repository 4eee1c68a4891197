"""Memory policy for big graphs: keep long-lived objects out of the garbage collector's full passes.

A full collection walks every tracked object while holding the interpreter lock,
whichever thread triggers it: with a 100,000-task graph open each one froze the window
for 0.5-0.8 s, several times per run. Objects that live on (an open graph, a run's
snapshot) are frozen out of those passes; nothing changes for small graphs.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

from model.gcpause import paused_collection

__all__ = ["BIG_GRAPH_TASKS", "building_long_lived", "keep_long_lived", "release_long_lived"]

#: graphs from this many tasks on count as big: below, runs and collections are short,
#: and nothing here changes how the interpreter runs
BIG_GRAPH_TASKS = 5000


def keep_long_lived(tasks: int = BIG_GRAPH_TASKS) -> None:
    """Exempt every object alive now from the cyclic garbage collector's full passes.

    Called once a big graph, or a run's snapshot of it, is in memory for good. A full
    collection walks every tracked object while holding the interpreter lock, whichever
    thread triggers it: with a 100,000-task graph open each one froze the window for
    0.5-0.8 s, several times per run. Frozen objects are still freed by reference
    counting; young garbage is collected first so no fresh cycle is frozen. Does nothing
    for graphs under :data:`BIG_GRAPH_TASKS` tasks (``tasks``), whose collections are short.
    """
    if tasks < BIG_GRAPH_TASKS:
        return
    gc.collect(1)
    gc.freeze()


@contextlib.contextmanager
def building_long_lived(tasks: int) -> Iterator[None]:
    """Build objects that will live on (a loaded graph, a snapshot) without collections.

    Copying a 100,000-task graph allocates over a million objects: the collector ran
    several passes over them meanwhile (a third of the copy's time), to free nothing.
    Automatic collection is paused while the block runs, then :func:`keep_long_lived`.
    Below :data:`BIG_GRAPH_TASKS` tasks nothing changes.
    """
    if tasks < BIG_GRAPH_TASKS:
        yield
        return
    with paused_collection():
        yield
    keep_long_lived(tasks)


def release_long_lived() -> None:
    """Undo :func:`keep_long_lived` (a document is being replaced): the next full
    collection sees every object again, and frees cycles the old document left."""
    gc.unfreeze()
