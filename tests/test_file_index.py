"""The file index: an ingest with nothing new starts no Dagster run; a changed file is always seen.

Runs `run_ingest` (the API behind `nianbao ingest`) with the JSON test extractor; `dagster.materialize` is
wrapped to count the Dagster runs.
"""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg
import pytest
from test_warehouse_corpus import JSON_EXTRACTOR, build_corpus, make_record, write_record

from dagster_project.defs.warehouse import file_index
from nianbao import warehouse as wh
from nianbao.commands.ingest import run_ingest


@pytest.fixture
def runs(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many Dagster runs each `ingest` started (appended by the wrapper)."""
    started: list[int] = []
    real = dg.materialize

    def counting(*args, **kwargs):
        started.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(dg, "materialize", counting)
    return started


def ingest(warehouse: Path, corpus: Path, runs: list[int]):
    before = len(runs)
    summary = run_ingest([corpus], warehouse, extractor=JSON_EXTRACTOR, workers=1)
    return summary, len(runs) - before


def test_unchanged_files_start_no_run_and_changed_ones_are_seen(tmp_path: Path, runs: list[int]) -> None:
    corpus = build_corpus(tmp_path / "corpus")
    warehouse = tmp_path / "data" / "warehouse.duckdb"
    first, started = ingest(warehouse, corpus, runs)
    assert started == 1 and first.loaded and first.published
    index = file_index.read_index(warehouse)
    assert index.warehouse_version == first.warehouse_version == wh.snapshot_info(warehouse)["version"]
    assert len(index.files) == first.files_seen

    again, started = ingest(warehouse, corpus, runs)
    assert started == 0  # nothing changed: no Dagster run, no worker
    assert (again.files_seen, again.unchanged, again.warehouse_version) == (first.files_seen,) * 2 + (
        first.warehouse_version,
    )

    # Touched, same bytes: one run hashes it, finds it unchanged and records the new mtime.
    touched = corpus / "a_2023.txt"
    os.utime(touched, (1_800_000_000, 1_800_000_000))
    summary, started = ingest(warehouse, corpus, runs)
    assert started == 1 and summary.unchanged == summary.files_seen and not summary.published
    assert ingest(warehouse, corpus, runs)[1] == 0

    # Replaced by a rename with other bytes of the same size and mtime: only the inode tells.
    target = corpus / "a_2024_v2.txt"
    stat = target.stat()
    text = target.read_text(encoding="utf-8")
    replacement = text.replace("2025-03-01", "2025-03-02")
    assert len(replacement.encode()) == stat.st_size
    staged = write_record(tmp_path / "staged.txt", {})
    staged.write_text(replacement, encoding="utf-8")
    os.utime(staged, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    os.replace(staged, target)
    summary, started = ingest(warehouse, corpus, runs)
    assert started == 1
    assert summary.unchanged == summary.files_seen - 1 and summary.loaded + summary.superseded == 1


def test_a_new_file_or_a_stale_snapshot_runs_the_job(tmp_path: Path, runs: list[int]) -> None:
    corpus = build_corpus(tmp_path / "corpus")
    warehouse = tmp_path / "data" / "warehouse.duckdb"
    ingest(warehouse, corpus, runs)
    write_record(corpus / "d_2024.txt", make_record(name="湖州市图书馆", uscc="12330500470034063Y"))
    summary, started = ingest(warehouse, corpus, runs)
    assert started == 1 and summary.loaded == 1

    # The snapshot is not the state the index describes (a publish that failed): the run republishes.
    info = wh.snapshot_info_path(warehouse)
    info.write_text(info.read_text(encoding="utf-8").replace('"version": ', '"version": 1000'), "utf-8")
    summary, started = ingest(warehouse, corpus, runs)
    assert started == 1 and summary.published
    assert ingest(warehouse, corpus, runs)[1] == 0

    # A damaged index only costs hashing: the run falls back to the recorded sizes, mtimes and hashes.
    file_index.index_path(warehouse).write_text("{not json", encoding="utf-8")
    summary, started = ingest(warehouse, corpus, runs)
    assert started == 1 and summary.unchanged == summary.files_seen
    assert file_index.read_index(warehouse).files
