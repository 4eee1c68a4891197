"""Callables named by ``"call"`` tasks in the execution tests."""

import threading

#: set by a test's teardown to let the never-returning tasks of its threads end
_release = threading.Event()


def release():
    """Let every :func:`forever` task in this process return (test teardown)."""
    _release.set()


def hold():
    """Make :func:`forever` tasks never return again (test setup)."""
    _release.clear()


def total(inputs, base=0):
    """``base`` plus the sum of the predecessors' results."""
    return base + sum(inputs.values())


def fail(inputs):
    """Always raises."""
    raise ZeroDivisionError("boom")


def forever(inputs):
    """Never returns (sleeps in short steps, as a task waiting on something would)."""
    while not _release.wait(0.05):
        pass


def spin(inputs):
    """Never returns (a pure-Python loop holding the GIL between switches)."""
    x = 0
    while True:
        x = (x + 1) & 0xFFFF


def die(inputs):
    """Ends the process it runs in at once, as a crashing extension would."""
    import os

    os._exit(3)


def forever_pid(inputs, path):
    """Writes the id of the process it runs in to ``path``, then never returns."""
    import os

    with open(path, "w") as f:
        f.write(str(os.getpid()))
    while not _release.wait(0.05):
        pass
