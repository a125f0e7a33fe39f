"""The benchmark's instruction counts (callgrind): counted for each format at hand, rendered as a table."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bench import instructions
from bench.__main__ import instruction_counts
from bench.corpus import Corpus
from bench.report import instructions_section
from dagster_project.defs.warehouse.workers import WARM_UP_REPORT


@pytest.mark.skipif(not instructions.available(), reason="valgrind is not installed")
def test_reports_of_each_format_at_hand_are_counted(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    reports.mkdir()
    for n in range(instructions.WARM_UP_FILES + 3):
        shutil.copy(WARM_UP_REPORT, reports / f"{n:03d}.txt")
    corpus = Corpus("tiny", tmp_path, instructions.WARM_UP_FILES + 3, seconds=0.0, command="")
    counts = instruction_counts(corpus, {}, files=300)
    assert list(counts) == ["txt"]  # no .html file here: not counted
    assert counts["txt"]["reports"] == 3
    assert 1e5 < counts["txt"]["per_report"] < 1e8  # a report costs millions of instructions, not none


def test_the_section_names_each_format_and_its_count() -> None:
    text = "\n".join(
        instructions_section({"txt": {"corpus": "10k", "reports": 300, "per_report": 3_554_188.0}})
    )
    assert "## Instructions per report" in text
    assert "| txt | 300 txt reports of 10k | 3.55 M |" in text
