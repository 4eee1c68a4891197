"""A module that leaves a mark when imported: tests check which commands import a graph's calls.

The mark is the file named by the environment variable ``TASKMAPPER_TEST_MARKER``.
"""

import os

_path = os.environ.get("TASKMAPPER_TEST_MARKER")
if _path:
    with open(_path, "a") as f:
        f.write(f"imported by {os.getpid()}\n")


def f(inputs):
    """The task's function: returns how many inputs it got."""
    return len(inputs)
