"""Data files shipped inside installed packages (cpca's division tables, stdnum's loc.dat)."""

from __future__ import annotations

import importlib.util
from pathlib import Path


def package_dir(name: str) -> Path:
    """Where an installed package lives, found without importing it (cpca's import needs pkg_resources and
    builds its whole matcher)."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(name)
    return Path(next(iter(spec.submodule_search_locations)))
