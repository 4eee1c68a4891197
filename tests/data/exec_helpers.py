"""Callables named by ``"call"`` tasks in the execution tests."""


def total(inputs, base=0):
    """``base`` plus the sum of the predecessors' results."""
    return base + sum(inputs.values())


def fail(inputs):
    """Always raises."""
    raise ZeroDivisionError("boom")
