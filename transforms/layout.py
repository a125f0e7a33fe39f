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
from typing import NamedTuple

from transforms.labels import (
    Label,
    has_non_label_character,
    is_column_header_row,
    is_cover,
    label_from_truncation,
    labels_at_start,
    match_label,
    unit_of_cell,
)
from transforms.normalize.places import starts_with_division
from transforms.regex_cache import compile_cached

# Table cells arrive separated by "|" (readers' output, the published text layout), by its full-width and
# box-drawing forms (GB18030 text, tables drawn in a text editor) or by tabs (a table copied from a web page
# or a spreadsheet into a text file).
_OTHER_SEPARATORS = "\t｜│┃"
_CJK = compile_cached(r"[\u3000-\u9fff\uff00-\uffef]")


class RawField:
    """One label occurrence and the text that belongs to it.

    A plain class with slots: a report makes dozens and a corpus millions, so construction stays cheap.
    """

    __slots__ = (
        "_joined", "heading", "is_narrative", "label", "on_cover", "paragraph_starts", "unit", "values",
    )  # fmt: skip

    def __init__(self, label: Label, heading: str, values: list[str] | None = None) -> None:
        self.label = label
        self.heading = heading
        self.values: list[str] = values if values is not None else []
        # indexes of values that begin a new paragraph (a blank line or a new cell before them)
        self.paragraph_starts: set[int] = set()
        # a unit stated in a cell of its own next to the values (万元 | 3.42 | 4.08); else the label's
        self.unit: str | None = None
        # stated on the report's cover, before the certificate's registered items (labels.yaml form_start)
        self.on_cover = False
        self.is_narrative = label.field == "container" or label.field.startswith("section:")
        # (number of values, joined text): `text` is read several times per field while a record is built
        self._joined: tuple[int, str] | None = None

    def __repr__(self) -> str:
        return f"RawField({self.label!r}, {self.heading!r}, {self.values!r})"

    @property
    def text(self) -> str | None:
        values = self.values
        if len(values) <= 1:
            return values[0] if values else None  # most fields: one cell, nothing to join or remember
        if self._joined is None or self._joined[0] != len(values):
            self._joined = (len(values), join_wrapped(values))
        return self._joined[1]

    @property
    def paragraphs(self) -> str | None:
        """The value with its paragraph breaks kept (narratives, where a line may be a dated entry)."""
        if not self.values:
            return None
        return join_paragraphs(self.values, self.paragraph_starts | _after_short_lines(self.values))

    @property
    def value_unit(self) -> str | None:
        return self.unit or self.label.unit


@dataclass
class RawReport:
    """The label/value structure of one report, before any normalisation."""

    fields: list[RawField]
    preamble: list[str]  # text before the first label (titles such as "2024年度事业单位法人年度报告书")
    # values that stood where no label claimed them (a row whose label was lost in publishing), each with
    # the field they followed
    orphans: list[tuple[str, str]] = field(default_factory=list)


def _after_short_lines(pieces: list[str]) -> set[int]:
    """Pieces that follow a line much shorter than the value's longest, with no closing punctuation.

    Text hard-wrapped at a width has lines of about that width until a paragraph ends; a line of less
    than half of it is a headline or a byline ("信息来源:… 发布日期:…"), not a sentence running on.
    """
    if len(pieces) < 2:
        return set()
    width = max(map(len, pieces))
    return {
        i
        for i in range(1, len(pieces))
        if len(pieces[i - 1]) * 2 < width and pieces[i - 1][-1:] not in _SENTENCE_END
    }


def join_wrapped(pieces: list[str]) -> str:
    """Join pieces of one value that were wrapped over lines or cells.

    Chinese text wraps without a space, so pieces meeting at CJK characters join directly; others keep a
    space so that words and numbers do not run together.
    """
    if len(pieces) == 1:
        return pieces[0]  # most values: one cell
    parts = [pieces[0]]
    for previous, piece in pairwise(pieces):
        parts += (_separator(previous, piece), piece)
    return "".join(parts)


def _separator(left: str, right: str) -> str:
    return "" if _CJK.match(left[-1:]) or _CJK.match(right[:1]) else " "


# A line ends a paragraph when it ends a sentence or is only a date; both are checked incrementally, so
# joining is linear in the text however many pieces a hostile file splits it into.
_SENTENCE_END = frozenset("。；;！!？?:：")
_DATE_ONLY = compile_cached(r"[\d年月日号.\-/至—~～\s]+")
_PARAGRAPH_START = compile_cached(
    r"^(?:[一二三四五六七八九十]+、|[(（][一二三四五六七八九十\d]+[)）]|\d{1,2}[.、．]\D)"
)


def join_paragraphs(pieces: list[str], starts: set[int] | frozenset[int] = frozenset()) -> str:
    """Like `join_wrapped`, but keep a line break after a finished sentence, after a date standing alone
    (a chronicle entry's date), before a numbered heading and before the pieces in `starts` (known
    paragraph starts): those breaks carry meaning for the narrative."""
    parts = [pieces[0]]
    line_is_date = _DATE_ONLY.fullmatch(pieces[0]) is not None  # the current line is only a date
    for index, (previous, piece) in enumerate(pairwise(pieces), start=1):
        ends_paragraph = (
            index in starts or previous[-1:] in _SENTENCE_END or line_is_date or _PARAGRAPH_START.match(piece)
        )
        separator = "\n" if ends_paragraph else _separator(previous, piece)
        parts += (separator, piece)
        line_is_date = _DATE_ONLY.fullmatch(piece if ends_paragraph else separator + piece) is not None and (
            ends_paragraph or line_is_date
        )
    return "".join(parts)


class _Token(NamedTuple):
    label: Label | None
    text: str
    new_row: bool  # first cell of a line that follows a line ending in a cell separator (a closed row)
    first_on_line: bool
    blank_before: bool  # an empty line separates it from the previous token


# Tokens are made by the million: built as the tuples they are (what the NamedTuple's own __new__ does, less
# its Python call).
_new_token = tuple.__new__


def _with_pipes(text: str) -> str:
    """`text` with every cell separator written as "|": a line is then told and split by string methods,
    cheaper per line than a pattern (a text uses one kind of separator, if any)."""
    for separator in _OTHER_SEPARATORS:
        if separator in text:
            text = text.replace(separator, "|")
    return text


def _tokens(text: str) -> list[_Token]:
    """Cut the text into label and value tokens in reading order, with where each stands."""
    tokens: list[_Token] = []
    append = tokens.append
    fragments: list[int] = []  # indexes of unlabelled tokens that may be the first fragment of a label
    previous_closed = blank = False
    for line in _with_pipes(text).splitlines():
        if "|" not in line:  # a plain line: one cell, never closed
            cell = line.strip()
            if not cell:
                blank = True
                continue
            contents, closed = [cell], False
        else:
            parts = line.split("|")
            contents = list(filter(None, map(str.strip, parts)))
            if not contents or (len(contents) > 1 and is_column_header_row(contents)):
                continue
            closed = not parts[-1].strip()  # the line ends with a separator
        new_row, first, blank_before = previous_closed, True, blank  # the flags of the line's first token
        for cell in contents:
            label = match_label(cell)
            inline = labels_at_start(cell) if label is None else None
            if not inline:  # the whole cell is one label or one value
                if label is None and first and _fragment_text(cell):
                    fragments.append(len(tokens))
                append(_new_token(_Token, (label, cell, new_row, first, blank_before)))
            else:
                for piece_label, piece in _split_inline_labels(cell, inline):
                    append(_new_token(_Token, (piece_label, piece, new_row, first, blank_before)))
                    new_row = first = blank_before = False
            new_row = first = blank_before = False
        blank = False
        previous_closed = closed
    return _join_label_fragments(tokens, fragments) if fragments else tokens


# A label cell printed in a narrow column comes out one fragment a line (宗旨和 / 业务范围;
# 资产 / 损益 / 情况;
# 对《条 / 例》和 / … / 的执行): fragments this short, each alone on its line, are tried as one label.
MAX_FRAGMENT_CHARS = 8
MAX_FRAGMENTS = 10


def _join_label_fragments(tokens: list[_Token], candidates: list[int]) -> list[_Token]:
    """`tokens` with each run of fragments that spells a label, starting at one of `candidates`, made one
    label token."""
    out: list[_Token] = []
    done = 0  # tokens before this index are in `out`
    for i in candidates:
        if i < done:
            continue  # part of a label joined already
        joined = _label_from_fragments(tokens, i)
        if joined is not None:
            label, count = joined
            out += tokens[done:i]
            out.append(tokens[i]._replace(label=label, text="".join(t.text for t in tokens[i : i + count])))
            done = i + count
    return out + tokens[done:] if done else tokens


def _fragment_text(text: str) -> bool:
    return len(text) <= MAX_FRAGMENT_CHARS and not text[0].isdigit()


def _fragment(token: _Token) -> bool:
    return token.first_on_line and _fragment_text(token.text)


def _label_from_fragments(tokens: list[_Token], i: int) -> tuple[Label, int] | None:
    """The label that tokens[i], joined with the fragments after it, spell, and how many it takes."""
    text = tokens[i].text
    if has_non_label_character(text):
        return None
    for count in range(2, MAX_FRAGMENTS + 1):
        if i + count > len(tokens):
            break
        following = tokens[i + count - 1]
        if not _fragment(following) or following.blank_before:
            break
        if has_non_label_character(following.text):
            break  # no label holds that character, so no longer join is one either
        text += following.text
        label = match_label(text) or label_from_truncation(text)
        if label is not None:
            return label, count
    return None


def _split_inline_labels(piece: str, found: list[tuple[int, int, Label]]) -> list[tuple[Label | None, str]]:
    """Split a 'label：value  label：value' piece at the labels `labels_at_start` found in it."""
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


# An unlabelled line that reads as a street address: a Chinese division name first, then a road, a building
# or a number (益阳市迎宾东路市民文化中心). In a form, such a line after another field's complete value is the
# 住所 row whose label was lost.
_ADDRESS_PART = compile_cached(r"路|街|道|巷|弄|广场|大厦|楼|中心|园|村|院|号|组|镇|乡")
_SENTENCE_PUNCTUATION = compile_cached(r"[，,。；;：:！!？?]")


def looks_like_address(text: str) -> bool:
    return (
        len(text) <= 60
        and _ADDRESS_PART.search(text) is not None
        and _SENTENCE_PUNCTUATION.search(text) is None
        and starts_with_division(text)
    )


class _Assembler:
    """Hands value tokens to labels; holds the few facts about where the reader is in the form."""

    def __init__(self) -> None:
        self.fields: list[RawField] = []
        self.preamble: list[str] = []
        self.orphans: list[tuple[str, str]] = []
        # labels still waiting for their first value, in order; one deque, emptied rather than replaced
        self.pending: deque[RawField] = deque()
        self.current: RawField | None = None
        self.orphan_row = False  # the current row began with a value no label claimed

    def label(self, label: Label, heading: str) -> None:
        self.orphan_row = False
        raw = RawField(label, heading)
        self.fields.append(raw)
        if label.field in ("group", "container", "form_start"):
            # Text right after a group or container label is its own (a container's one-block narrative;
            # a group's note), never the previous field's; a header run starts afresh.
            self.current = raw
            self.pending.clear()
            return
        # `current` is always the last of `pending` (values are handed out from the front while more than
        # one label waits); comparing by identity keeps a long run of labels linear.
        current, pending = self.current, self.pending
        if current is None or current.values or not pending or pending[-1] is not current:
            pending.clear()
        pending.append(raw)
        self.current = raw

    def cover(self, text: str) -> None:
        """Cover or title text: it ends whatever field was open and is kept for the report year."""
        self.preamble.append(text)
        self.current = None
        self.pending.clear()

    def value(self, token: _Token) -> None:
        current = self.current
        if current is None:
            self.preamble.append(token.text)
            return
        unit = unit_of_cell(token.text) if not current.is_narrative else None
        if unit is not None:
            for waiting in self.pending or (current,):
                if not waiting.values:
                    waiting.unit = unit
            return
        if len(self.pending) > 1:
            self._append(self.pending.popleft(), token)
        elif (
            current.values
            and not current.is_narrative
            and (self._closed(current, token) or (self.orphan_row and not token.first_on_line))
        ):
            self.orphans.append((current.label.field, token.text))
            self.orphan_row = True  # the rest of the row (经济来源 | 全额拨款) is not the field's either
            return
        else:
            self._append(current, token)
        self.orphan_row = False

    @staticmethod
    def _closed(current: RawField, token: _Token) -> bool:
        """Whether a field that has its value already takes no more of it from this token.

        A new table row, or a paragraph after a blank line, is not the same value continuing; nor is a
        line that reads as an address after any field but the address (its label was lost).
        """
        if token.new_row or token.blank_before:
            return True
        return token.first_on_line and current.label.field != "address" and looks_like_address(token.text)

    @staticmethod
    def _append(raw: RawField, token: _Token) -> None:
        if raw.values and (token.blank_before or token.new_row):
            raw.paragraph_starts.add(len(raw.values))
        raw.values.append(token.text)


# A line break written as markup inside a text layout (a Markdown table cell, a copied web page).
_MARKUP_BREAK = compile_cached(r"<br\s*/?>", re.IGNORECASE)


def parse_layout(text: str) -> RawReport:
    """Assign every value token to the label it belongs to."""
    assembler = _Assembler()
    if "<" in text:
        text = _MARKUP_BREAK.sub("\n", text)
    for token in _tokens(text):
        if token.label is not None:
            assembler.label(token.label, token.text)
        elif (assembler.current is None or not assembler.current.is_narrative) and is_cover(token.text):
            assembler.cover(token.text)
        else:
            assembler.value(token)
    fields = assembler.fields
    form_start = next((i for i, f in enumerate(fields) if f.label.field == "form_start"), None)
    for raw in fields[: form_start or 0]:
        raw.on_cover = True
    return RawReport(fields, assembler.preamble, assembler.orphans)
