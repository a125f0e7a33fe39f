"""What dominates the time: pyinstrument profiles of parse + extract (in this process, one core) and of
the ingest command's main process (the Dagster job; its parse workers show up as waiting on the pool)."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

THRESHOLD = 0.02  # hide frames under 2% of the total


def extract_profile(paths: list[Path], repeats: int = 2) -> str:
    from pyinstrument import Profiler

    from bench.parse import warm_up
    from transforms.errors import UnreadableFile
    from transforms.extract import extract_bytes

    warm_up(paths)
    blobs = [(p.read_bytes(), str(p)) for p in paths]
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for _ in range(repeats):
        for data, name in blobs:
            with contextlib.suppress(UnreadableFile):
                extract_bytes(data, name)
    profiler.stop()
    return profiler.output_text(unicode=False, color=False, processor_options={"filter_threshold": THRESHOLD})


def chunk_profile(paths: list[Path], work: Path) -> str:
    """Profile `parse_chunk` (the ingest worker's whole job) on `paths`, after a warm-up chunk."""
    import os

    from pyinstrument import Profiler

    from dagster_project.defs.warehouse.parse import DEFAULT_EXTRACTOR, ChunkTask, ParseSettings, parse_chunk

    rows = []
    for path in paths:
        st = path.stat()
        rows.append(
            {"raw_path": os.fsencode(path), "path": str(path), "sha256": "", "size_bytes": st.st_size,
             "mtime_ns": st.st_mtime_ns}
        )  # fmt: skip
    settings = ParseSettings(DEFAULT_EXTRACTOR, str(work / "quarantine"))
    parse_chunk(ChunkTask(0, rows[:20]), settings)
    profiler = Profiler(interval=0.0005)
    profiler.start()
    parse_chunk(ChunkTask(1, rows), settings)
    profiler.stop()
    return profiler.output_text(unicode=False, color=False, processor_options={"filter_threshold": THRESHOLD})


def pyinstrument_wrapper(out_text: Path) -> list[str]:
    """Prefix that runs the `nianbao` script under pyinstrument, the text profile written to `out_text`."""
    return [
        sys.executable, "-m", "pyinstrument", "--no-color", "--no-unicode", "-r", "text",
        "-p", f"processor_options.filter_threshold={THRESHOLD}", "-o", str(out_text),
    ]  # fmt: skip


def trim(text: str, max_lines: int = 70) -> str:
    """The profile's tree without its banner, at most `max_lines` lines."""
    lines = [line.rstrip() for line in text.splitlines()]
    start = next((i for i, line in enumerate(lines) if line and line[0].isdigit()), 0)
    body = [line for line in lines[start:] if line.strip()]
    if len(body) > max_lines:
        body = [*body[:max_lines], f"... ({len(body) - max_lines} more lines)"]
    return "\n".join(body)
