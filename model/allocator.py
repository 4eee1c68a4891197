"""How the C allocator serves a process that holds a big graph (Linux with glibc; elsewhere nothing changes).

Reading a graph of a million tasks makes some 25 million Python objects and a few
gigabytes of buffers. On this kind of machine much of that time is the kernel's, not
Python's: each first touch of a 4 KiB page is a page fault, and reading, mapping and
writing a 1,000,000-task graph took about 1.5 million of them (15 s of system time
against 20 s of user time, measured with ``/usr/bin/time``). Two settings cut it:

* :func:`keep_big_buffers` — blocks up to 32 MiB come from the heap and freed memory
  stays there for the next block, instead of being mapped fresh and given back each time;
* huge pages for the heap (glibc's ``glibc.malloc.hugetlb=1`` tunable, where the kernel's
  transparent huge pages are on "madvise" or "always"): one fault per 2 MiB instead of
  per 4 KiB. glibc reads its tunables only when a process starts, so
  :func:`restart_with_huge_pages` starts the same command again with the tunable set, once,
  when an input file is big enough for it to pay (:data:`HUGE_PAGES_FROM`).

Neither changes any result: the same bytes are computed, only the memory's pages differ.
``TASKMAPPER_HUGE_PAGES=off`` turns the restart off; a number sets the input size (in MB)
from which it is made.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Mapping

__all__ = [
    "HUGE_PAGES_FROM", "KEEP_BLOCKS_UP_TO", "TRIM_ABOVE", "huge_page_environment", "huge_pages_from", "input_bytes",
    "keep_big_buffers", "restart_with_huge_pages", "transparent_huge_pages",
]

#: glibc ``mallopt`` parameters: blocks up to this size come from the heap and freed ones stay
#: there (above the trim threshold free memory goes back to the system)
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
KEEP_BLOCKS_UP_TO = 32 << 20  # the most glibc allows on 64-bit systems
TRIM_ABOVE = 128 << 20

#: input bytes (all input files together) from which the command line restarts itself with
#: huge pages: a 200,000-task graph with per-worker costs is about 52 MB; below, the restart's
#: second interpreter start (about 40 ms) would cost more than the faults it saves
HUGE_PAGES_FROM = 48 << 20
_TUNABLE = "glibc.malloc.hugetlb=1"
_THP_MODE = "/sys/kernel/mm/transparent_hugepage/enabled"


def _glibc() -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        return os.confstr("CS_GNU_LIBC_VERSION").startswith("glibc")  # type: ignore[union-attr]
    except (ValueError, OSError, AttributeError):
        return False


def keep_big_buffers(trim_above: int = TRIM_ABOVE) -> bool:
    """Let the C allocator keep and reuse big blocks (see the module description).

    Painting a million Gantt bars makes some twenty numpy temporaries of 8 MB per frame: by
    default glibc maps each block past its (moving) threshold fresh from the system and
    unmaps it when freed, so every frame paid page faults on 160 MB (a pan frame measured
    about 60 ms instead of 23 ms). Memory above ``trim_above`` bytes of free heap goes back
    to the system. Returns whether the setting was made.
    """
    if not _glibc():
        return False
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6")
        ok = libc.mallopt(_M_MMAP_THRESHOLD, KEEP_BLOCKS_UP_TO) == 1
        ok = libc.mallopt(_M_TRIM_THRESHOLD, int(trim_above)) == 1 and ok
    except (OSError, AttributeError):  # another C library: leave its defaults
        return False
    return bool(ok)


def transparent_huge_pages(path: str = _THP_MODE) -> str | None:
    """The kernel's transparent huge page mode (``"always"``, ``"madvise"`` or ``"never"``), or
    ``None`` when it cannot be read."""
    try:
        with open(path, encoding="ascii") as f:
            text = f.read()
    except (OSError, UnicodeDecodeError):
        return None
    start, end = text.find("["), text.find("]")
    return text[start + 1:end] if 0 <= start < end else None


def huge_pages_from(env: Mapping[str, str]) -> int | None:
    """The input bytes from which to restart: :data:`HUGE_PAGES_FROM`, or the
    ``TASKMAPPER_HUGE_PAGES`` setting in MB (``None``: off)."""
    given = env.get("TASKMAPPER_HUGE_PAGES", "").strip().lower()
    if not given:
        return HUGE_PAGES_FROM
    if given in ("off", "no", "never", "0"):
        return None
    try:
        mb = float(given)
    except ValueError:
        return HUGE_PAGES_FROM
    return int(mb * (1 << 20)) if mb > 0 else None


def huge_page_environment(env: Mapping[str, str], input_bytes: int, thp_mode: str | None,
                          glibc: bool = True) -> dict[str, str] | None:
    """The environment to start the command again with, or ``None`` to go on as it is.

    A restart is made when glibc is the C library, the kernel gives huge pages to memory
    that asks for them (``thp_mode`` "always" or "madvise"), the inputs hold at least the
    threshold's bytes, and the tunable is not set already (so it is made at most once).

    Examples
    --------
    >>> huge_page_environment({}, 100 << 20, "madvise")["GLIBC_TUNABLES"]
    'glibc.malloc.hugetlb=1'
    >>> huge_page_environment({"GLIBC_TUNABLES": "glibc.malloc.arena_max=2"}, 100 << 20, "always")["GLIBC_TUNABLES"]
    'glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1'
    >>> huge_page_environment({}, 1 << 20, "madvise") is None   # a small file
    True
    >>> huge_page_environment({}, 100 << 20, "never") is None   # the kernel gives none
    True
    >>> huge_page_environment({"TASKMAPPER_HUGE_PAGES": "off"}, 100 << 20, "madvise") is None
    True
    """
    threshold = huge_pages_from(env)
    if not glibc or threshold is None or input_bytes < threshold or thp_mode not in ("always", "madvise"):
        return None
    tunables = env.get("GLIBC_TUNABLES", "")
    if "glibc.malloc.hugetlb" in tunables:
        return None  # set already: by this restart, or by the user
    new = dict(env)
    new["GLIBC_TUNABLES"] = f"{tunables}:{_TUNABLE}" if tunables else _TUNABLE
    return new


def input_bytes(paths: Iterable[str]) -> int:
    """The size of the files ``paths`` together (standard input ``-`` and missing files count 0)."""
    total = 0
    for p in paths:
        if p and p != "-":
            try:
                total += os.stat(p).st_size
            except (OSError, ValueError):
                pass
    return total


def restart_with_huge_pages(input_size: int) -> None:
    """Start this process's command again with huge pages for the heap when its input files
    hold ``input_size`` bytes or more (:func:`huge_page_environment`); return when no restart
    is made.

    The new process is the same interpreter with the same arguments (``sys.orig_argv``), the
    same open files and the same process id: what it prints and the exit status are the
    command's. Call it before anything is printed or written. When the restart cannot be
    made (``os.execve`` fails) the command goes on in this process.
    """
    env = (huge_page_environment(os.environ, input_size, transparent_huge_pages(), glibc=_glibc())
           if input_size else None)
    if env is None:
        return
    argv = list(getattr(sys, "orig_argv", ()))
    if not argv or not sys.executable:
        return
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        os.execve(sys.executable, argv, env)
    except OSError:
        return
