"""Defects real collections have, injected at the `--defects` rate (at most one per institution-year).

Each defect edits the report before rendering or the bytes after it, and decides the expected outcome of
every file it produces (see docs/generator.md):

| defect            | files                       | expected outcome                                  |
|-------------------|-----------------------------|---------------------------------------------------|
| empty             | 0-byte file                 | quarantined                                        |
| truncated         | the first part of the bytes | quarantined (no field / broken container)          |
| binary            | random bytes                | quarantined                                        |
| wrong_extension   | valid report, other suffix  | loaded (readers sniff the content)                 |
| missing_uscc      | no 统一社会信用代码 field     | loaded under a surrogate institution id + problem  |
| invalid_uscc      | check digit broken          | loaded under a surrogate institution id + problem  |
| duplicate         | same bytes under two names  | first name in sort order loaded, the other duplicate |
| resubmission      | original + corrected, later report date | original superseded, correction loaded  |
| year_missing      | no year anywhere            | quarantined                                        |
"""

from __future__ import annotations

import dataclasses
import random
import re

from transforms.generate import uscc
from transforms.generate.report import Report, unprint_year

DEFECTS = (
    "empty",
    "truncated",
    "binary",
    "wrong_extension",
    "missing_uscc",
    "invalid_uscc",
    "duplicate",
    "resubmission",
    "year_missing",
)
UNREADABLE = frozenset({"empty", "truncated", "binary"})
QUARANTINED = frozenset({"empty", "truncated", "binary", "year_missing"})
WRONG_EXTENSION = {"txt": ".html", "html": ".txt", "pdf": ".docx", "docx": ".pdf"}


def pick(rng: random.Random, rate: float) -> str | None:
    """The defect of one institution-year, or None (draws the same numbers whatever the rate)."""
    roll, which = rng.random(), rng.choice(DEFECTS)
    return which if roll < rate else None


def edit_report(report: Report, defect: str | None, rng: random.Random) -> None:
    """Defects that change what the report says (before rendering)."""
    if defect == "missing_uscc":
        report.uscc = None
    elif defect == "invalid_uscc" and report.uscc:
        report.uscc = uscc.corrupt_check_digit(report.uscc, rng)
    elif defect == "year_missing":
        report.year = None
        unprint_year(report)


def mistaken_original(report: Report, rng: random.Random) -> Report:
    """The first submission of a corrected pair: one figure wrong, filed earlier."""
    wrong = dataclasses.replace(report, changes=list(report.changes))
    delta = max(0.01, round(abs(report.end) * rng.uniform(0.05, 0.5), 2))
    wrong.end = round(report.end + delta * rng.choice((-1, 1)), 2)
    return wrong


_FIRST_PIECE = re.compile(r"[^\n|｜:：\t]*")  # a text's start up to its first line end or separator


def truncate(data: bytes, fmt: str, rng: random.Random, encoding: str) -> bytes:
    """Cut a file so that no reader can use it: a broken container, or text cut before any field.

    A web page is cut before its body (a cover above the table already states fields); a text file
    within its first line, before any cell or label separator, so that no label can have a value.
    """
    if fmt in ("pdf", "docx"):
        return data[: int(len(data) * rng.uniform(0.3, 0.7))]
    if fmt == "html":
        stop = data.find(b"<body")
        return data[: rng.randint(20, max(21, stop - 1))]
    text = data.decode(encoding)
    first = _FIRST_PIECE.match(text).group()
    return text[: rng.randint(1, max(1, min(len(first), 6)))].encode(encoding)


def binary_blob(rng: random.Random) -> bytes:
    return rng.randbytes(rng.randint(256, 4096))
