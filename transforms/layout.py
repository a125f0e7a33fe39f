"""Turn a report's text, in any of the layouts reports use, into label → raw value pairs.

Every reader reduces its format to text: table rows as `cell | cell |` lines (the layout of reports as
published), or `label：value` lines, or a label on one line with its value on the next. This module reads
all of them the same way: it cuts the text into tokens (cells and line pieces), recognises which tokens
are labels, and gives each label the value tokens that follow it. A run of labels with no values between
them (a table header such as `年初数 | 期末数`) receives the following values one each, in order.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field
from itertools import pairwise

from transforms.labels import Label, find_labels, match_label, starts_with_label

# Table cells arrive separated by "|" (readers' output, the published text layout) or by tabs (a table
# copied from a web page or a spreadsheet into a text file).
_CELL_SEPARATOR = re.compile(r"[|\t]")
_CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")


@dataclass
class RawField:
    """One label occurrence and the text that belongs to it."""

    label: Label
    heading: str
    values: list[str] = field(default_factory=list)
    # (number of values, joined text): `text` is read several times per field while a record is built
    _joined: tuple[int, str] | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def text(self) -> str | None:
        if not self.values:
            return None
        if self._joined is None or self._joined[0] != len(self.values):
            self._joined = (len(self.values), join_wrapped(self.values))
        return self._joined[1]

    @property
    def paragraphs(self) -> str | None:
        """The value with its paragraph breaks kept (narratives, where a line may be a dated entry)."""
        return join_paragraphs(self.values) if self.values else None


@dataclass
class RawReport:
    """The label/value structure of one report, before any normalisation."""

    fields: list[RawField]
    preamble: list[str]  # text before the first label (titles such as "2024年度事业单位法人年度报告书")


def join_wrapped(pieces: list[str]) -> str:
    """Join pieces of one value that were wrapped over lines or cells.

    Chinese text wraps without a space, so pieces meeting at CJK characters join directly; others keep a
    space so that words and numbers do not run together.
    """
    parts = [pieces[0]]
    for previous, piece in pairwise(pieces):
        parts += (_separator(previous, piece), piece)
    return "".join(parts)


def _separator(left: str, right: str) -> str:
    return "" if _CJK.match(left[-1:]) or _CJK.match(right[:1]) else " "


# A line ends a paragraph when it ends a sentence or is only a date; both are checked incrementally, so
# joining is linear in the text however many pieces a hostile file splits it into.
_SENTENCE_END = frozenset("。；;！!？?:：")
_DATE_ONLY = re.compile(r"[\d年月日号.\-/至—~～\s]+")
_PARAGRAPH_START = re.compile(
    r"^(?:[一二三四五六七八九十]+、|[(（][一二三四五六七八九十\d]+[)）]|\d{1,2}[.、．]\D)"
)


def join_paragraphs(pieces: list[str]) -> str:
    """Like `join_wrapped`, but keep a line break after a finished sentence, after a date standing alone
    (a chronicle entry's date) and before a numbered heading: those breaks carry meaning for the narrative."""
    parts = [pieces[0]]
    line_is_date = _DATE_ONLY.fullmatch(pieces[0]) is not None  # the current line is only a date
    for previous, piece in pairwise(pieces):
        ends_paragraph = previous[-1:] in _SENTENCE_END or line_is_date or _PARAGRAPH_START.match(piece)
        separator = "\n" if ends_paragraph else _separator(previous, piece)
        parts += (separator, piece)
        line_is_date = _DATE_ONLY.fullmatch(piece if ends_paragraph else separator + piece) is not None and (
            ends_paragraph or line_is_date
        )
    return "".join(parts)


def _tokens(text: str) -> list[tuple[Label | None, str]]:
    """Cut the text into (label, heading) and (None, value) tokens in reading order."""
    tokens: list[tuple[Label | None, str]] = []
    for line in text.splitlines():
        for cell in _CELL_SEPARATOR.split(line):
            cell = cell.strip()
            if not cell:
                continue
            label = match_label(cell)
            if label is not None:
                tokens.append((label, cell))
                continue
            tokens.extend(_split_inline_labels(cell))
    return tokens


def _split_inline_labels(piece: str) -> list[tuple[Label | None, str]]:
    """Split 'label：value  label：value' pieces; a piece with no label at its start is one value."""
    if not starts_with_label(piece):
        return [(None, piece)]
    found = find_labels(piece)
    if not found or found[0][0] != 0:
        return [(None, piece)]
    out: list[tuple[Label | None, str]] = []
    for index, (start, end, label) in enumerate(found):
        out.append((label, piece[start:end].strip()))
        stop = found[index + 1][0] if index + 1 < len(found) else len(piece)
        value = piece[end:stop].strip()
        if stop < len(piece):
            value = value.rstrip("；;，,、 \t")  # the separator before the next label is not the value's
        if value:
            out.append((None, value))
    return out


def parse_layout(text: str) -> RawReport:
    """Assign every value token to the label it belongs to."""
    fields: list[RawField] = []
    preamble: list[str] = []
    pending: deque[RawField] = deque()  # labels still waiting for their first value, in order
    current: RawField | None = None
    for label, piece in _tokens(text):
        if label is not None:
            raw = RawField(label, piece)
            fields.append(raw)
            if label.field in ("group", "container"):
                # Text right after a group or container label is its own (a container's one-block
                # narrative; a group's note), never the previous field's; a header run starts afresh.
                current, pending = raw, deque()
                continue
            # `current` is always the last of `pending` (values are handed out from the front while more
            # than one label waits); comparing by identity keeps a long run of labels linear.
            if current is not None and not current.values and pending and pending[-1] is current:
                pending.append(raw)
            else:
                pending = deque([raw])
            current = raw
            continue
        if current is None:
            preamble.append(piece)
        elif len(pending) > 1:
            pending.popleft().values.append(piece)
        else:
            current.values.append(piece)
    return RawReport(fields, preamble)
