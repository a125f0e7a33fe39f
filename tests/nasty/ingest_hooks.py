"""An extractor for `run_ingest(extractor="ingest_hooks:meddling_extract")` that changes the inbox while the
ingest is running: when it parses the file named in $NIANBAO_MEDDLE_TRIGGER, it deletes the files named in
$NIANBAO_MEDDLE_REMOVE and appends to those named in $NIANBAO_MEDDLE_MODIFY (":"-separated absolute
paths), then extracts as usual. Deterministic, unlike a race with a second process."""

from __future__ import annotations

import os
import time
from pathlib import Path

from transforms.extract import extract_bytes


def meddling_extract(data: bytes, path: str, **options: object) -> dict:
    if Path(path).name == os.environ.get("NIANBAO_MEDDLE_TRIGGER"):
        for victim in filter(None, os.environ.get("NIANBAO_MEDDLE_REMOVE", "").split(":")):
            Path(victim).unlink(missing_ok=True)
        for victim in filter(None, os.environ.get("NIANBAO_MEDDLE_MODIFY", "").split(":")):
            with open(victim, "ab") as handle:
                handle.write("\n备注 | 在读取期间被修改 |\n".encode())
    return extract_bytes(data, path, **options)


def gated_extract(data: bytes, path: str, **options: object) -> dict:
    """Extract, but first signal `$NIANBAO_GATE.entered` and wait until `$NIANBAO_GATE.open` exists: a test
    holds an ingest mid-parse for as long as it needs (waiting on a state, never on a timer)."""
    gate = os.environ.get("NIANBAO_GATE")
    if gate:
        Path(gate + ".entered").touch()
        for _ in range(6000):
            if Path(gate + ".open").exists():
                break
            time.sleep(0.05)
    return extract_bytes(data, path, **options)
