"""Money in 万元 and head counts, from the many ways reports write them.

A value that cannot be read with certainty is returned as None with a reason: a wrong number in a finance
chart is worse than a missing one.
"""

from __future__ import annotations

import re
import unicodedata

from transforms.normalize.chinese_numerals import chinese_number
from transforms.regex_cache import compile_cached

_CHINESE_NUMERAL = "零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟点"
# Thousands separators, currency signs, 人民币…整 and the brackets of a unit written after the number
# (5102(万元)) carry no value.
_NOISE = compile_cached(r"[\s,，¥￥]|^人民币|整$|\((?=[万千亿]?元\))|(?<=元)\)")
_ARABIC_MONEY = compile_cached(r"(?P<num>-?\d+(?:\.\d+)?)(?P<unit>万元|万|元|千元|亿元)?")
_CHINESE_MONEY = compile_cached(rf"(?P<neg>负)?(?P<num>[{_CHINESE_NUMERAL}]+)(?P<unit>元)?")
_TO_WAN = {"万元": 1.0, "万": 1.0, "元": 1e-4, "千元": 1e-1, "亿元": 1e4}
# Bounds no real report reaches (1e12 万元 is more than the world's GDP; no institution employs ten million
# people): a larger value is a typo or a hostile file, and it would overflow the warehouse's columns.
MAX_ABS_WAN = 1e12
MAX_HEADCOUNT = 10_000_000


def parse_money_wan(raw: str, label_unit: str | None) -> tuple[float | None, str | None]:
    """A money value in 万元, or None and the reason it could not be read (see `_parse_money_wan`)."""
    amount, error = _parse_money_wan(raw, label_unit)
    if amount is not None and not abs(amount) <= MAX_ABS_WAN:  # also catches inf and nan
        return None, f"implausible amount {raw[:40]!r}"
    return amount, error


def _parse_money_wan(raw: str, label_unit: str | None) -> tuple[float | None, str | None]:
    """A money value in 万元, or None and the reason it could not be read.

    `label_unit` is the unit the label declared, e.g. 开办资金(万元); a unit written after the number wins
    over it. A Chinese numeral containing 万/亿 (拾万元, 十万) is an amount in 元.
    """
    text = _NOISE.sub("", unicodedata.normalize("NFKC", raw))
    text = text.replace("−", "-")
    if not text:
        return None, "empty value"
    match = _ARABIC_MONEY.fullmatch(text)
    if match:
        unit = match.group("unit") or label_unit or "万元"
        if unit not in _TO_WAN:
            return None, f"unknown unit {unit!r} in {raw!r}"
        return round(float(match.group("num")) * _TO_WAN[unit], 6), None
    match = _CHINESE_MONEY.fullmatch(text)
    if match:
        try:
            number = float(chinese_number(match.group("num")))
        except (ValueError, KeyError):
            return None, f"unreadable Chinese numeral {raw!r}"
        if match.group("neg"):
            number = -number
        absolute = match.group("unit") == "元" or any(c in match.group("num") for c in "万亿")
        unit = "元" if absolute else (label_unit or "万元")
        return round(number * _TO_WAN.get(unit, 1.0), 6), None
    return None, f"not a money amount: {raw!r}"


_COUNT = compile_cached(r"(?P<num>\d+|[零〇一二两三四五六七八九十百千]+)(?:人|名|个)?")


def parse_count(raw: str) -> tuple[int | None, str | None]:
    """A head count as an int, or None and the reason."""
    text = re.sub(r"\s", "", unicodedata.normalize("NFKC", raw))
    match = _COUNT.fullmatch(text)
    if not match:
        return None, f"not a head count: {raw!r}"
    num = match.group("num")
    if len(num) > len(str(MAX_HEADCOUNT)):  # also keeps int() clear of Python's digit limit
        return None, f"implausible head count {raw[:40]!r}"
    try:
        count = int(num) if num.isdigit() else int(chinese_number(num))
    except (ValueError, KeyError):  # cn2an refuses malformed numerals (十十; 百四十八 raises KeyError)
        return None, f"not a head count: {raw!r}"
    if count > MAX_HEADCOUNT:
        return None, f"implausible head count {raw[:40]!r}"
    return count, None
