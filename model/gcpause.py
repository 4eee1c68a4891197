"""Pausing Python's cyclic garbage collector while many long-lived objects are built.

Building a big graph or its compiled form allocates hundreds of thousands of small
containers; the collector would rescan them again and again meanwhile, to free nothing.
Several threads may build at once (two algorithms started together), so the pause is
counted: the collector is switched back on when the last overlapping pause ends, and
only if it was on when the first began (each pause restoring what it found would switch it
back on under a build still running in another thread).
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator

__all__ = ["paused_collection"]

_lock = threading.Lock()
_depth = 0
_was_enabled = False


@contextlib.contextmanager
def paused_collection() -> Iterator[None]:
    """Run the block with automatic garbage collection paused (safe across threads).

    Examples
    --------
    >>> import gc
    >>> with paused_collection():
    ...     gc.isenabled()
    False
    >>> gc.isenabled()
    True
    """
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()
