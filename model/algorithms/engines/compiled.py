"""When the compiled kernels (numba) are used instead of the plain Python placement loops.

Compiling, or loading a kernel from numba's on-disk cache, costs a process about 0.7 s (the
import of numba and llvmlite), so kernels are used only where that pays: from
:data:`MIN_WORK` task-worker pairs up. The modules that hold kernels import numba at their top
and are imported only after :func:`wanted` said yes, so a small graph, ``taskmapper algorithms``
and the window's start never load numba.

The environment variable ``TASKMAPPER_COMPILED`` overrides the choice: ``always`` (every size,
as the tests do to check the kernels against the Python loops), ``never`` or ``auto`` (default).
Both paths give identical placements; the tests compare them on many graphs.
"""

from __future__ import annotations

import os

__all__ = ["ENV", "MIN_WORK", "mode", "wanted"]

ENV = "TASKMAPPER_COMPILED"
#: tasks × workers from which a kernel is used in ``auto`` mode
MIN_WORK = 200_000


def mode() -> str:
    """``"auto"``, ``"always"`` or ``"never"``, from :data:`ENV` (anything else reads as ``auto``)."""
    value = os.environ.get(ENV, "auto").strip().lower()
    return value if value in ("always", "never") else "auto"


def wanted(n_tasks: int, n_workers: int) -> bool:
    """Whether a placement loop over ``n_tasks`` tasks on ``n_workers`` workers should use its kernel.

    >>> import os; os.environ.pop(ENV, None) and None
    >>> wanted(10, 4), wanted(100_000, 16)
    (False, True)
    """
    m = mode()
    if m == "always":
        return True
    if m == "never":
        return False
    return n_tasks * max(n_workers, 1) >= MIN_WORK
