"""Mapping and scheduling algorithms, one module per algorithm, found by a registry.

Every module in this package is imported by :func:`load_all`; a module registers its
class with :func:`~model.algorithms.base.register`. Adding an algorithm touches one
new file. :mod:`~model.algorithms.base` holds the contract and the registry (with the
metadata the user interface reads: family, needs, slow, anytime), and the
:mod:`~model.algorithms.engines` subpackage the building blocks the algorithms share
(timelines, ranks, placement engines, bounds, local search, the CP-SAT model).
"""

from __future__ import annotations

import importlib
import pkgutil

from .base import (
    ALGORITHMS,
    FAMILIES,
    Algorithm,
    Cancelled,
    CancelToken,
    PinViolation,
    check_cancel,
    get_algorithm,
    register,
)

__all__ = [
    "ALGORITHMS",
    "FAMILIES",
    "Algorithm",
    "CancelToken",
    "Cancelled",
    "PinViolation",
    "available",
    "check_cancel",
    "get_algorithm",
    "load_all",
    "register",
]

_loaded = False


def load_all() -> dict[str, type[Algorithm]]:
    """Import every algorithm module (once) and return the registry.

    Subpackages (:mod:`~model.algorithms.engines`), private modules and ``base`` hold
    no algorithm and are skipped.
    """
    global _loaded
    if not _loaded:
        for mod in pkgutil.iter_modules(__path__):
            if not mod.ispkg and not mod.name.startswith("_") and mod.name != "base":
                importlib.import_module(f"{__name__}.{mod.name}")
        _loaded = True
    return ALGORITHMS


def available() -> list[str]:
    """Registered algorithm names in a stable order (registry order, by module name)."""
    return sorted(load_all())
