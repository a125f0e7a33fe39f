"""Numeric report fields stated in a sentence instead of a form cell.

Some reports write the form's figures as prose: "本单位净资产合计（所有者权益合计）年初数 52.30 万元，年末数
49.86 万元；从业人员16人。" The layout parser sees no label cell there, so this module reads such sentences
with the same label variants (data/labels.yaml), a group label allowed in front, and a number right after.
Only text outside the narrative is read (the report's title lines and values no label claimed): a figure in
the narrative may be about anything.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from transforms.labels import group_keys, label_table
from transforms.regex_cache import compile_cached

# The figures a sentence may state, and the unit a bare number has for each.
PROSE_FIELDS = ("startup_capital", "net_assets_begin", "net_assets_end", "headcount")
_NUMBER = r"[-−]?\d[\d,，]*(?:\.\d+)?|[零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟]+"


def _spaced(word: str) -> str:
    return r"[\s()（）]*".join(map(re.escape, word))


@cache
def _pattern() -> re.Pattern[str]:
    labels = sorted((k for k, f in label_table().items() if f in PROSE_FIELDS), key=len, reverse=True)
    groups = "|".join(_spaced(g) for g in group_keys())
    return compile_cached(
        rf"(?:(?:{groups})[\s()（）]*)*(?P<label>{'|'.join(_spaced(v) for v in labels)})"
        r"[\s()（）]*(?:为|是|共|计|合计|共计)?\s*[:：]?\s*(?:人民币)?\s*"
        rf"(?P<value>{_NUMBER})\s*(?P<unit>万元|千元|亿元|元|人|名)?"
    )


def prose_fields(texts: Iterable[str]) -> dict[str, tuple[str, str | None]]:
    """{field: (number as written, unit or None)} for the first statement of each field in `texts`."""
    table = label_table()
    found: dict[str, tuple[str, str | None]] = {}
    for text in texts:
        for m in _pattern().finditer(text):
            field = table["".join(m["label"].split()).translate(_NO_BRACKETS)]
            found.setdefault(field, (m["value"], m["unit"]))
    return found


_NO_BRACKETS = str.maketrans("", "", "()（）")
