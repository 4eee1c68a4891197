"""Callables named by ``"call"`` tasks in the execution tests."""


def total(inputs, base=0):
    """``base`` plus the sum of the predecessors' results."""
    return base + sum(inputs.values())


def fail(inputs):
    """Always raises."""
    raise ZeroDivisionError("boom")


def forever(inputs):
    """Never returns (sleeps in short steps, as a task waiting on something would)."""
    import time

    while True:
        time.sleep(0.05)


def spin(inputs):
    """Never returns (a pure-Python loop holding the GIL between switches)."""
    x = 0
    while True:
        x = (x + 1) & 0xFFFF


def die(inputs):
    """Ends the process it runs in at once, as a crashing extension would."""
    import os

    os._exit(3)
