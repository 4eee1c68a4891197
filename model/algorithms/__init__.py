"""Mapping and scheduling algorithms, one module per algorithm, found by a registry.

Every module in this package is imported by :func:`load_all`; a module registers its
class with :func:`~model.algorithms.base.register`. Adding an algorithm touches one
new file.
"""

from __future__ import annotations

import importlib
import pkgutil

from .base import (
    ALGORITHMS,
    Algorithm,
    Cancelled,
    CancelToken,
    check_cancel,
    get_algorithm,
    register,
)

__all__ = [
    "ALGORITHMS",
    "Algorithm",
    "CancelToken",
    "Cancelled",
    "available",
    "check_cancel",
    "get_algorithm",
    "load_all",
    "register",
]

_loaded = False


def load_all() -> dict[str, type[Algorithm]]:
    """Import every algorithm module (once) and return the registry."""
    global _loaded
    if not _loaded:
        for mod in pkgutil.iter_modules(__path__):
            if not mod.name.startswith("_") and mod.name != "base":
                importlib.import_module(f"{__name__}.{mod.name}")
        _loaded = True
    return ALGORITHMS


def available() -> list[str]:
    """Registered algorithm names in a stable order (registry order, by module name)."""
    return sorted(load_all())
