"""A module whose import fails (for the bad-call tests)."""

import no_such_dependency_xyz  # noqa: F401


def f(inputs):
    return inputs
