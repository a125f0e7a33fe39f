"""manifest.csv: one row per generated file with its institution, year, format, defect and expected outcome.

Rows are written as files are produced (streaming); `Tally` keeps only counters.
"""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import TextIO

OUTCOMES = ("loaded", "duplicate", "superseded", "quarantined")


@dataclass
class Row:
    file: str  # path relative to the corpus root, e.g. reports/2024_baaa.txt
    gold: str  # gold/2024_baaa.json, or "" for files nothing can be read from
    institution_id: str
    uscc: str  # the institution's true code, whatever the file says
    name: str  # the institution's name in that year
    year: int  # the year the report covers (even when the file omits it)
    report_date: str  # ISO date printed in the file, or ""
    format: str  # txt | html | pdf | docx | empty | binary (the content, not the suffix)
    extension: str
    encoding: str  # utf-8 | utf-8-sig | gb18030 for text formats, "" otherwise
    layout: str
    defect: str  # "" when none
    expected_outcome: str  # loaded | duplicate | superseded | quarantined
    related_file: str  # the other file of a duplicate / resubmission pair
    continuity_break: bool  # 年初数 deliberately differs from the previous reported year's 期末数
    sha256: str
    bytes: int


COLUMNS = tuple(f.name for f in fields(Row))


class Manifest:
    def __init__(self, path: Path) -> None:
        self._fh: TextIO = path.open("w", encoding="utf-8", newline="")
        self._writer = csv.DictWriter(self._fh, fieldnames=COLUMNS)
        self._writer.writeheader()
        self.outcomes: Counter[str] = Counter()
        self.formats: Counter[str] = Counter()
        self.defects: Counter[str] = Counter()

    def write(self, row: Row) -> None:
        self._writer.writerow(asdict(row))
        self.outcomes[row.expected_outcome] += 1
        self.formats[row.format] += 1
        if row.defect:
            self.defects[row.defect] += 1

    def close(self) -> None:
        self._fh.close()


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))
