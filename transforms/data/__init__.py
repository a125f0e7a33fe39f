"""The data files that ship with the code (label variants, gazetteer lists, rules), each with its source."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from transforms.disk_cache import cached

DATA_DIR = Path(__file__).resolve().parent


def read_yaml(name: str) -> Any:
    """A YAML file of this folder, parsed once per machine and read back from the disk cache (keyed by the
    file's bytes): importing PyYAML and compiling its regexes took ≈20 ms of every extracting process's
    start-up. Parsed by libyaml where PyYAML has it."""
    text = (DATA_DIR / name).read_bytes()
    return cached(f"yaml-{Path(name).stem}", hashlib.sha256(text).hexdigest()[:24], lambda: _parse_yaml(text))


def _parse_yaml(text: bytes) -> Any:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(text.decode("utf-8"), Loader=loader)
