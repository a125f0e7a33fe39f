"""Chinese numerals (十二, 拾万, 两) as numbers: the standard forms read here, anything else by cn2an.

Why not cn2an for everything: importing it costs about 0.35 s (it compiles its own and its dependency's
large regexes), paid again by every worker process, while the numerals reports write are nearly always in
the standard form (十二, 一百零五, 伍拾万, 二十万零五百) that a few lines read exactly. Anything unusual
(一百五 meaning 150, 一〇五, decimals, digits mixed in, malformed numerals) goes to cn2an, imported on first
use; `tests/test_normalize.py` checks the standard reading against cn2an's.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache, lru_cache

_DIGIT = {
    "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
    "壹": 1, "贰": 2, "叁": 3, "肆": 4, "伍": 5, "陆": 6, "柒": 7, "捌": 8, "玖": 9,
}  # fmt: skip
_UNIT = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_ZERO = "零"
_MAGNITUDES = (("亿", 10**8), ("万", 10**4))


@cache
def _cn2an() -> Callable[[str, str], float | int]:
    import cn2an

    return cn2an.cn2an


@lru_cache(maxsize=4096)
def chinese_number(text: str) -> float | int:
    """The value of a Chinese numeral in cn2an's "smart" mode (digits mixed in are allowed).

    Raises ValueError or KeyError, as cn2an does, for a malformed numeral (十十, 百四十八). Remembered: the
    same few numerals (三, 十二, 两) recur in every narrative.
    """
    value = standard_numeral(text)
    return value if value is not None else _cn2an()(text, "smart")


def standard_numeral(text: str) -> int | None:
    """The value of an integer numeral written in the standard form, below 10¹²; None for any other text.

    Standard: each digit with its unit, largest first, one 零 where units are skipped (一千零一十), a
    leading 十 for 10–19, 亿 and 万 between groups of four places (陆亿伍仟伍佰柒拾捌万壹仟, 二十万零五百).
    """
    return 0 if text == _ZERO else _numeral(text, 0, leading_ten=True)


def _numeral(text: str, level: int, *, leading_ten: bool) -> int | None:
    """`text` read with the magnitudes from `_MAGNITUDES[level]` down."""
    if level == len(_MAGNITUDES):
        return _group(text, leading_ten=leading_ten)
    mark, size = _MAGNITUDES[level]
    high, found, low = text.partition(mark)
    if not found:
        return _numeral(text, level + 1, leading_ten=leading_ten)
    high_value = _group(high, leading_ten=leading_ten)
    if high_value is None or not low:
        return None if high_value is None else high_value * size
    if low.startswith(_ZERO):  # a gap: 二十万零五百
        low_value = _numeral(low[1:], level + 1, leading_ten=False)  # 六万零一十, never 六万零十
        whole = low_value is not None and low_value < size // 10
    else:  # no gap: the lower part fills every place (三万五 meaning 35000 goes to cn2an)
        low_value = _numeral(low, level + 1, leading_ten=False)
        whole = low_value is not None and low_value >= size // 10
    return high_value * size + low_value if whole and low_value is not None else None


def _group(text: str, *, leading_ten: bool) -> int | None:
    """A numeral below 10,000 in the standard form, else None."""
    if not text:
        return None
    if leading_ten and text[0] in "十拾":
        text = "一" + text  # 十二 is 一十二
    value, last_unit, zero, i, n = 0, 10000, False, 0, len(text)
    while i < n:
        char = text[i]
        if char == _ZERO:
            if zero or value == 0 or i == n - 1:
                return None
            zero, i = True, i + 1
            continue
        digit = _DIGIT.get(char)
        if digit is None:
            return None
        unit = _UNIT.get(text[i + 1]) if i + 1 < n else 1
        if unit is None or unit >= last_unit:
            return None
        skipped = value > 0 and last_unit > unit * 10  # a unit left out: 零 is written exactly then
        if zero != skipped:
            return None
        value += digit * unit
        last_unit, zero, i = unit, False, i + (2 if unit > 1 else 1)
    return value
