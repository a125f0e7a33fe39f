"""The local parse pool re-runs the chunks of a worker that died, and fails the run only when a chunk keeps
killing its workers (before, one killed parse worker failed the whole run)."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest
from test_warehouse_corpus import json_extract, make_record, write_record

# The parse workers import this module for `dying_extract`: nothing heavy (dagster) at the top.
DYING_EXTRACTOR = "test_parse_retry:dying_extract"


def dying_extract(data: bytes, path: str, **options: object) -> dict:
    """json_extract, but the worker kills itself (SIGKILL, as the OOM killer would) on `*die_always*` files
    and, the first time only, on `*die_once*` files."""
    name = Path(path).name
    if "die_always" in name or ("die_once" in name and _first_time(Path(path))):
        os.kill(os.getpid(), signal.SIGKILL)
    return json_extract(data, path, **options)


def _first_time(path: Path) -> bool:
    marker = path.parent.parent / "died" / path.name
    marker.parent.mkdir(exist_ok=True)
    try:
        marker.touch(exist_ok=False)
    except FileExistsError:
        return False
    return True


def corpus(root: Path, killer: str) -> Path:
    """24 reports of distinct institutions and the `killer` file among them, five files a chunk."""
    for i in range(24):
        write_record(root / f"r{i:02d}.txt", make_record(name=f"单位{i}", uscc=None, uscc_valid=None))
    write_record(root / killer, make_record(name="单位X", uscc=None, uscc_valid=None))
    return root


def test_a_chunk_whose_worker_died_is_parsed_again(tmp_path: Path) -> None:
    from test_dagster_pipeline import materialize, outcomes

    reports = corpus(tmp_path / "corpus", "r10_die_once.txt")
    warehouse = tmp_path / "data" / "warehouse.duckdb"
    result = materialize(warehouse, [reports], extractor=DYING_EXTRACTOR, workers=2, chunk_size=5)
    assert (tmp_path / "died" / "r10_die_once.txt").exists()  # the worker did die once
    parsed = result.asset_materializations_for_node("staging__parsed_records")[0].metadata
    assert parsed["chunks_retried"].value >= 1
    assert parsed["parsed"].value == 25
    assert set(outcomes(warehouse).values()) == {"loaded"} and len(outcomes(warehouse)) == 25


def test_a_chunk_that_kills_every_worker_fails_the_run_after_its_retries(tmp_path: Path) -> None:
    from test_dagster_pipeline import materialize

    from dagster_project.defs.warehouse.parse import ChunkFailed
    from nianbao import warehouse as wh
    from nianbao.commands.ingest import root_cause

    reports = corpus(tmp_path / "corpus", "a_die_always.txt")  # first file of the first chunk
    warehouse = tmp_path / "data" / "warehouse.duckdb"
    with pytest.raises(Exception) as failure:
        materialize(warehouse, [reports], extractor=DYING_EXTRACTOR, workers=2, chunk_size=5)
    cause = root_cause(failure.value)
    assert isinstance(cause, ChunkFailed)
    assert "died 4 times" in str(cause) and "a_die_always.txt" in str(cause)
    assert wh.snapshot_info(warehouse) is None  # nothing was loaded or published
