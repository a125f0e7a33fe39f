"""Report text shown as text: Markdown-escaped pieces, the evidence highlighted, never raw HTML.

Report content goes through `escape_markdown` before any `st.markdown` call (without
`unsafe_allow_html`), so a
`<script>`, an HTML entity, `**`, `[link](...)`, `$math$` or `:emoji:` in a report is shown literally.
"""

from __future__ import annotations

import re

# Every ASCII punctuation character may be backslash-escaped in CommonMark; Streamlit's extensions
# (`:color[...]`, `:material/icon:`, `$...$`, `~`) are built from these characters too.
_PUNCT = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&\"'=^%@/;,?])")
HIGHLIGHT = ":orange-background[**{}**]"


def escape_markdown(text: str) -> str:
    """`text` as Markdown that renders to exactly `text` (line breaks kept, no HTML, no formatting)."""
    lines = []
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = _PUNCT.sub(r"\\\1", line.lstrip(" \t\u3000"))
        lines.append(line)
    return "  \n".join(lines)


def locate(
    narrative: str, evidence: str | None, start: int | None, end: int | None
) -> tuple[int, int] | None:
    """The span of `evidence` in `narrative`: the stored span when it matches, else the first occurrence."""
    if not narrative or not evidence:
        return None
    stored_ok = start is not None and end is not None and 0 <= start < end <= len(narrative)
    if stored_ok and narrative[start:end] == evidence:
        return start, end
    found = narrative.find(evidence)
    return (found, found + len(evidence)) if found >= 0 else None


def merge_spans(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def split_highlight(text: str, spans: list[tuple[int, int]]) -> list[tuple[str, bool]]:
    """`text` cut into (piece, highlighted) pairs along `spans`."""
    pieces: list[tuple[str, bool]] = []
    pos = 0
    for start, end in merge_spans([(max(0, s), min(len(text), e)) for s, e in spans if s < e]):
        if start > pos:
            pieces.append((text[pos:start], False))
        pieces.append((text[start:end], True))
        pos = end
    if pos < len(text):
        pieces.append((text[pos:], False))
    return pieces


def highlight_markdown(text: str, spans: list[tuple[int, int]]) -> str:
    """Escaped Markdown of `text` with each span highlighted."""
    out = []
    for piece, marked in split_highlight(text, spans):
        escaped = escape_markdown(piece)
        if marked:
            # a highlight may not cross a line break: highlight each line of the span separately
            escaped = "  \n".join(_mark(p) for p in escaped.split("  \n"))
        out.append(escaped)
    return "".join(out)


def _mark(line: str) -> str:
    """Highlight one escaped line; surrounding spaces stay outside the markers (else `**` would not close)."""
    core = line.strip(" ")
    if not core:
        return line
    lead = line[: len(line) - len(line.lstrip(" "))]
    trail = line[len(line.rstrip(" ")) :]
    return lead + HIGHLIGHT.format(core) + trail


def excerpt(narrative: str, span: tuple[int, int], context: int = 120) -> tuple[str, str, str]:
    """(before, evidence, after) around `span`, the context cut to `context` characters with an ellipsis."""
    start, end = span
    lo, hi = max(0, start - context), min(len(narrative), end + context)
    before = ("…" if lo > 0 else "") + narrative[lo:start]
    after = narrative[end:hi] + ("…" if hi < len(narrative) else "")
    return before, narrative[start:end], after


def excerpt_markdown(narrative: str, span: tuple[int, int], context: int = 120) -> str:
    before, evidence, after = excerpt(narrative, span, context)
    return highlight_markdown(before + evidence + after, [(len(before), len(before) + len(evidence))])


_SENTENCE_END = re.compile(r"[。！？!?；;\n]")


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of `text`, its closing punctuation included."""
    spans, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        if m.end() > start and text[start : m.end()].strip():
            spans.append((start, m.end()))
        start = m.end()
    if text[start:].strip():
        spans.append((start, len(text)))
    return spans


def term_spans(text: str, terms: tuple[str, ...] | list[str]) -> list[tuple[int, int]]:
    """Every occurrence of every term in `text`."""
    spans = []
    for term in terms:
        pos = text.find(term)
        while term and pos >= 0:
            spans.append((pos, pos + len(term)))
            pos = text.find(term, pos + len(term))
    return merge_spans(spans)


def best_sentence(text: str, terms: tuple[str, ...] | list[str]) -> tuple[int, int] | None:
    """The first sentence holding the most of `terms` (a search hit's sentence), or None if none holds one."""
    best, best_n = None, 0
    for start, end in sentences(text):
        n = sum(1 for t in terms if t and t in text[start:end])
        if n > best_n:
            best, best_n = (start, end), n
    return best


def hit_markdown(text: str, terms: tuple[str, ...] | list[str], context: int = 60) -> str:
    """The hit's sentence with a little context, every term highlighted (escaped Markdown)."""
    sentence = best_sentence(text, terms)
    if sentence is None:
        return escape_markdown(text[: 2 * context])
    start, end = sentence
    lo, hi = max(0, start - context), min(len(text), end + context)
    piece = ("…" if lo > 0 else "") + text[lo:hi] + ("…" if hi < len(text) else "")
    return highlight_markdown(piece, term_spans(piece, terms))
