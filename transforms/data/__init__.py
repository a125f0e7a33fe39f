"""The data files that ship with the code (label variants, gazetteer lists, rules), each with its source."""

from __future__ import annotations

from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent


def read_yaml(name: str) -> Any:
    """A YAML file of this folder, parsed by libyaml where PyYAML has it: the pure-Python parser took tens of
    milliseconds of every extracting process's start-up."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load((DATA_DIR / name).read_text("utf-8"), Loader=loader)
