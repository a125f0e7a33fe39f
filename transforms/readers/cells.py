"""Turn table cells into the "cell | cell |" line layout the field parser reads.

Every reader (HTML, DOCX, PDF) ends in the same text shape as the published sample report, one line per
table row, so there is exactly one parser for all formats. The rules for rebuilding a cell's text from its
visual lines live here so the three readers cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Iterable

# Characters of numbers, dates and registration codes (digits, upper-case letters, separators).
_CODE_CHARS = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ.-/:%")

# Characters written without spaces between them: CJK ideographs, kana/hangul, CJK punctuation and
# full-width forms. A line break between two of them is a soft wrap, not a word boundary.
_CJK_RANGES = (
    (0x2E80, 0x2FDF),  # radicals
    (0x3000, 0x303F),  # CJK symbols and punctuation
    (0x3040, 0x30FF),  # kana
    (0x3100, 0x31BF),  # bopomofo
    (0x3400, 0x4DBF),  # extension A
    (0x4E00, 0x9FFF),  # unified ideographs
    (0xAC00, 0xD7AF),  # hangul
    (0xF900, 0xFAFF),  # compatibility ideographs
    (0xFE30, 0xFE4F),  # compatibility forms
    (0xFF00, 0xFFEF),  # half- and full-width forms
    (0x20000, 0x3FFFF),  # extensions B and later
)


def is_cjk(char: str) -> bool:
    """True for a character of a script written without spaces between words (Chinese, Japanese, Korean)."""
    code = ord(char)
    return any(lo <= code <= hi for lo, hi in _CJK_RANGES)


def _needs_space(left: str, right: str) -> bool:
    """Whether two visual lines of one cell were separated by a space in the source text.

    Only a break between two Latin words is a word boundary. Next to CJK text a break is a soft wrap, and
    a break touching a digit inside a number, date or code is a wrap too: a 统一社会信用代码 or "10.00"
    wrapped in a narrow PDF column must come back whole.
    """
    if is_cjk(left) or is_cjk(right):
        return False
    return not ((left.isdigit() or right.isdigit()) and left in _CODE_CHARS and right in _CODE_CHARS)


def collapse(text: str) -> str:
    """One line of text with every whitespace run (incl. &nbsp; and the ideographic space) as one space.

    str.split() splits at the same characters as the regular expression \\s, in a fraction of its time.
    """
    return " ".join(text.split())


def join_lines(lines: Iterable[str]) -> str:
    """Join the visual lines of one cell back into the cell's text (see `_needs_space`)."""
    out = ""
    for raw in lines:
        line = collapse(raw)
        if not line:
            continue
        if out and _needs_space(out[-1], line[0]):
            out += " "
        out += line
    return out


# A cell longer than any label (labels are matched up to 60 characters) keeps its paragraphs: a narrative
# cell's paragraph breaks separate a headline from its body and one dated entry from the next.
PARAGRAPH_CELL_MIN_CHARS = 60


def clean_cell(text: str) -> str:
    """A cell's text for the row layout: lines joined, "|" made full-width so it cannot split the cell."""
    if "|" not in text and collapse(text) == text:
        # The common cell, one clean line: no whitespace run, no whitespace other than a plain space (every
        # line break is whitespace), no space at either end. Two scans instead of splitting lines and joining.
        return text
    return join_lines(text.splitlines()).replace("|", "｜")


def clean_cell_paragraphs(paragraphs: Iterable[str]) -> str:
    """A cell given as hard paragraphs (HTML <p>/<br>, Word paragraphs), each a run of soft lines.

    A short cell (a label, a name, a number) is joined into one line, whatever breaks its author typed; a
    long one keeps one line per paragraph. The layout reads the lines after the first as the same cell
    continuing, because only the last of them ends with the cell separator.
    """
    cleaned = [clean_cell(p) for p in paragraphs]
    if len(cleaned) == 1:
        return cleaned[0]  # one clean line: joining it with itself changes nothing
    cleaned = [p for p in cleaned if p]
    joined = join_lines(cleaned)
    if len(joined) < PARAGRAPH_CELL_MIN_CHARS:
        return joined
    return "\n".join(cleaned)


def format_row(cells: Iterable[str]) -> str | None:
    """`cell | cell |` for one table row, or None when every cell is empty (spacer and layout rows)."""
    texts = list(cells)
    if not any(texts):
        return None
    return " | ".join(texts) + " |"
