"""单位类别 (institution kind) from the institution's name, by the keyword rules in
data/institution_kind_rules.csv.

Chinese names are head-final, so the keyword that ends last in the name decides (XX大学附属医院 is a 医院,
XX学院附属中学 a 中小学); at the same end the longer keyword wins (检测研究院 over 研究院). Text in brackets
(XX疾病预防控制中心(卫生监督所)) is ignored. A name no rule matches, or no name, is 其他.
"""

from __future__ import annotations

import csv
import unicodedata
from functools import cache
from importlib import resources

from transforms.regex_cache import compile_cached

OTHER = "其他"
_BRACKETS = compile_cached(r"\([^()]*\)|\[[^\[\]]*\]|【[^【】]*】|〔[^〔〕]*〕")


@cache
def _rules() -> tuple[tuple[str, str], ...]:
    text = resources.files("transforms.data").joinpath("institution_kind_rules.csv").read_text("utf-8")
    rows = csv.DictReader(line for line in text.splitlines() if line.strip() and not line.startswith("#"))
    return tuple((row["keyword"].strip(), row["kind"].strip()) for row in rows)


@cache
def kinds() -> tuple[str, ...]:
    """Every kind, in the rules file's order, then 其他 (the order the dashboard lists them in)."""
    return (*dict.fromkeys(kind for _, kind in _rules()), OTHER)


@cache
def _kind_of_keyword() -> dict[str, str]:
    """{keyword: kind}; a keyword listed twice keeps its first kind."""
    kind_of: dict[str, str] = {}
    for keyword, kind in _rules():
        kind_of.setdefault(keyword, kind)
    return kind_of


@cache
def _keyword_lengths() -> tuple[int, ...]:
    """The keywords' lengths, longest first."""
    return tuple(sorted({len(keyword) for keyword in _kind_of_keyword()}, reverse=True))


def institution_kind(name: str | None) -> str:
    """The kind of the institution called `name` (one of `kinds()`)."""
    if not name:
        return OTHER
    text = unicodedata.normalize("NFKC", name).replace(" ", "")
    while (stripped := _BRACKETS.sub("", text)) != text:
        text = stripped
    # The keyword that ends last, the longest at that end: read back from the name's end, one dict lookup
    # per length, rather than searching the name for every keyword (most names end with their keyword).
    kind_of, lengths = _kind_of_keyword(), _keyword_lengths()
    for end in range(len(text), 0, -1):
        for length in lengths:
            if length <= end and (kind := kind_of.get(text[end - length : end])):
                return kind
    return OTHER
