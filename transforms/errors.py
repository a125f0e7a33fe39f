"""Errors that mean a file cannot be turned into a record at all.

Everything short of that is recorded as a `problem` inside the record, so a batch never stops on one file.
"""

from __future__ import annotations


class UnreadableFile(Exception):
    """The file cannot be read as a report; `reason` is one short sentence a person understands."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason
