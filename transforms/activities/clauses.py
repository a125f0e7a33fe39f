"""Cut a narrative into sentences and clauses, and find the dates that stand alone on a line.

Why clauses: a report sentence often carries several trips joined by commas ("5月…访问…,11月…回访…"), so
one visit per stated trip needs comma-level pieces; commas inside quotes, 《titles》 and brackets are not
boundaries. Why date lines: a 大事记 chronicle writes "3月15日" on its own line and the event below it.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from transforms.regex_cache import compile_cached

_SENTENCE_ENDS = "。；;！!？?\n"
# sentence ends, plus the list markers that start a new point mid-line: （二）, 二是. Every match starts with
# one character class (the branches are told apart by what precedes them) so that the regex engine skips
# ordinary text quickly instead of trying every branch at every character.
_SENTENCE_BREAK = compile_cached(
    rf"[{_SENTENCE_ENDS}（(一二三四五六七八九十]"
    rf"(?:(?<=[{_SENTENCE_ENDS}])[{_SENTENCE_ENDS}]*|(?<=[（(])[一二三四五六七八九十]{{1,3}}[）)]"
    r"|(?<=[一二三四五六七八九十])是)"
)
# every branch starts with a literal character, for the same reason
_CLAUSE_BREAK = compile_cached(r"“[^”]{0,80}”|《[^》]{0,80}》|（[^）]{0,80}）|\([^)]{0,80}\)|，|,")
_DATE_LINE = compile_cached(
    r"^[ \t\u3000]*(?:\d{4}\s*[年.\-/]\s*)?(1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])\s*[月.\-/]"
    r"\s*(?:\d{1,2}\s*[日号]?)?(?:\s*[至到\-—~－]+\s*(?:\d{1,2}\s*月\s*)?\d{1,2}\s*[日号]?)?[ \t\u3000:：]*$",
    re.M,
)
_STRIP = " \t\u3000"


class Span(NamedTuple):
    start: int
    end: int


def sentences(text: str) -> list[Span]:
    """Non-empty sentence spans, surrounding blanks trimmed."""
    spans: list[Span] = []
    pos = 0
    for m in _SENTENCE_BREAK.finditer(text):
        _add(text, pos, m.start(), spans)
        # a sentence end is dropped; a list marker starts the next sentence
        pos = m.end() if text[m.start()] in _SENTENCE_ENDS else m.start()
    _add(text, pos, len(text), spans)
    return spans


def clauses(text: str, sentence: Span) -> list[Span]:
    """Comma-separated pieces of one sentence (commas inside quotes and brackets do not cut)."""
    spans: list[Span] = []
    pos = sentence.start
    for m in _CLAUSE_BREAK.finditer(text, sentence.start, sentence.end):
        if m.end() - m.start() == 1 and text[m.start()] in "，,":
            _add(text, pos, m.start(), spans)
            pos = m.end()
    _add(text, pos, sentence.end, spans)
    return spans


def _add(text: str, start: int, end: int, out: list[Span]) -> None:
    while start < end and text[start] in _STRIP:
        start += 1
    while end > start and text[end - 1] in _STRIP:
        end -= 1
    if end > start:
        out.append(Span(start, end))


def dated_lines(text: str) -> dict[int, str]:
    """{start of the line after a date-only line: the month text}, for chronicles (大事记)."""
    if "\n" not in text:
        return {}
    found: dict[int, str] = {}
    for m in _DATE_LINE.finditer(text):
        nxt = m.end() + 1
        if nxt < len(text):
            found[nxt] = m.group(1)
    return found


def line_start(text: str, pos: int) -> int:
    """Offset where the line holding `pos` begins."""
    return text.rfind("\n", 0, pos) + 1
