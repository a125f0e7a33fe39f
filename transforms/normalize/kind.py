"""单位类别 (institution kind) from the institution's name, by the keyword rules in
data/institution_kind_rules.csv.

Chinese names are head-final, so the keyword that ends last in the name decides (XX大学附属医院 is a 医院,
XX学院附属中学 a 中小学); at the same end the longer keyword wins (检测研究院 over 研究院). Text in brackets
(XX疾病预防控制中心(卫生监督所)) is ignored. A name no rule matches, or no name, is 其他.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from functools import cache
from importlib import resources

OTHER = "其他"
_BRACKETS = re.compile(r"\([^()]*\)|\[[^\[\]]*\]|【[^【】]*】|〔[^〔〕]*〕")


@cache
def _rules() -> tuple[tuple[str, str], ...]:
    text = resources.files("transforms.data").joinpath("institution_kind_rules.csv").read_text("utf-8")
    rows = csv.DictReader(line for line in text.splitlines() if line.strip() and not line.startswith("#"))
    return tuple((row["keyword"].strip(), row["kind"].strip()) for row in rows)


@cache
def kinds() -> tuple[str, ...]:
    """Every kind, in the rules file's order, then 其他 (the order the dashboard lists them in)."""
    return (*dict.fromkeys(kind for _, kind in _rules()), OTHER)


def institution_kind(name: str | None) -> str:
    """The kind of the institution called `name` (one of `kinds()`)."""
    if not name:
        return OTHER
    text = unicodedata.normalize("NFKC", name).replace(" ", "")
    while (stripped := _BRACKETS.sub("", text)) != text:
        text = stripped
    best: tuple[int, int] | None = None
    found = OTHER
    for keyword, kind in _rules():
        at = text.rfind(keyword)
        if at < 0:
            continue
        rank = (at + len(keyword), len(keyword))
        if best is None or rank > best:
            best, found = rank, kind
    return found
