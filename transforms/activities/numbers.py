"""Counts (people, person-times, batches, times, events) and months stated in a clause.

Why so strict: a number is only a count when its unit says so (22人, 96人次, 4批, 4次, 6场); years (2024年),
anniversaries (60周年), ordinals (第5次, 第四届) and objects (121份画作, 10所小学) have other units or a 第
in front and are never taken. Nothing is inferred: a count that is not written stays null.
"""

from __future__ import annotations

from transforms.normalize.chinese_numerals import chinese_number
from transforms.regex_cache import compile_cached

_CN_DIGITS = "〇零一二两三四五六七八九十百千万"
# 22, 1.2万 or 十六: one character class first, then the rest of an Arabic or of a Chinese number (told
# apart by the character just read), so that the regex engine skips text quickly to where a number starts
_NUM = rf"[\d{_CN_DIGITS}](?:(?<=\d)\d*(?:\.\d+)?万?|(?<!\d)[{_CN_DIGITS}]*)"
# 约/近 are read from the characters before the match
_COUNT = compile_cached(
    rf"(?P<num>{_NUM})\s?(?P<post>余|多)?\s?(?P<unit>人次|批次|场次|个团组|个代表团|个团|人|名|位|批|次|场|期)"
)
_MONTH = compile_cached(r"(?<![\d个第.．/])(1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])\s*月(?!度)")
# Months that date no trip: the end of a period (1-10月, 截至10月底) and a news dateline (中新网10月27日电).
_NOT_A_TRIP_MONTH = compile_cached(r"(?:截止|截至|至|到)\s*$|[\d一二三四五六七八九十]\s*[-—~－]\s*$")
_DATELINE_AFTER = compile_cached(r"\s*\d{1,2}\s*日\s*电")

TOTAL_WORDS = compile_cached(r"共计|合计|总计|共有")
# 外国友好团组14个: the count follows the noun, in 个
_GROUPS_COUNTED_AFTER = compile_cached(r"(?:团组|代表团)\s*(?P<num>\d+)\s*个")
FIELD_OF_UNIT = {
    "人次": "person_times",
    "人": "participants",
    "名": "participants",
    "位": "participants",
    "批": "batches",
    "批次": "batches",
    "个团组": "batches",
    "个代表团": "batches",
    "个团": "batches",
    "次": "times",
    "场": "events",
    "场次": "events",
    "期": "events",
}
COUNT_FIELDS = ("participants", "person_times", "batches", "times", "events")
_NOT_A_COUNT_BEFORE = "第每前排逐这那口积"  # 第5次, 每批; 人口23万人, 面积
_NOT_A_COUNT_AFTER = {"位": "数置于居", "次": "性要", "名": "次义单称额", "人": "民才员工类性口均"}
_BARE_MAGNITUDE = {"百": 100, "千": 1000, "万": 10000}
_APPROX_PRE = ("大约", "将近", "超过", "约", "近", "逾", "超")
_APPROX_LAST = frozenset(p[-1] for p in _APPROX_PRE)  # most numbers follow none: one test rules them all out


def to_int(num: str) -> int | None:
    """'22' -> 22, '十六' -> 16, '两' -> 2, '1.2万' -> 12000; None when it is not a number."""
    try:
        if num[0].isdigit():
            if num.endswith("万"):
                return round(float(num[:-1]) * 10000)
            return int(float(num))
        if num in _BARE_MAGNITUDE:
            return _BARE_MAGNITUDE[num]
        return int(chinese_number(num))
    except (ValueError, KeyError, IndexError):
        return None


def counts(texts: list[str]) -> tuple[dict[str, int], bool]:
    """First stated value of every count field, in `texts` order; and whether any is approximate."""
    found: dict[str, int] = {}
    approximate = False
    for text in texts:
        after_noun = _GROUPS_COUNTED_AFTER.search(text)
        if after_noun is not None and "batches" not in found:
            found["batches"] = int(after_noun["num"])
        for m in _COUNT.finditer(text):
            field = FIELD_OF_UNIT[m["unit"]]
            if field in found:
                continue
            start = m.start()
            pre = None
            if start > 0 and text[start - 1] in _APPROX_LAST:
                pre = next((p for p in _APPROX_PRE if text.endswith(p, 0, start)), None)
            if pre is not None:
                start -= len(pre)
            if start > 0 and text[start - 1] in _NOT_A_COUNT_BEFORE:
                continue
            after = text[m.end() : m.end() + 1]
            if after and after in _NOT_A_COUNT_AFTER.get(m["unit"], ""):
                continue
            num = m["num"]
            approx = pre is not None or m["post"] is not None
            if not num[0].isdigit():
                if num in ("百", "千", "万") and not approx:
                    continue  # 千人计划, 百人会: names, not counts
                if num == "一" and field not in ("participants",):
                    continue  # 一次性, 这一批: not a count
            value = to_int(num)
            if value is None or value <= 0:
                continue
            found[field] = value
            approximate = approximate or approx
    return found, approximate


def month(text: str) -> int | None:
    """The first month named in `text` that dates a trip (10月底 -> 10; 8月30日至9月3日 -> 8; not the end of a
    period, 1-10月 or 截至10月底, nor a news dateline, 10月27日电)."""
    if "月" not in text:
        return None  # most clauses: a substring test is far cheaper than the regex
    for m in _MONTH.finditer(text):
        if _NOT_A_TRIP_MONTH.search(text, max(0, m.start() - 3), m.start()):
            continue
        if _DATELINE_AFTER.match(text, m.end()):
            continue
        return month_number(m.group(1))
    return None


def month_number(token: str) -> int | None:
    """'10' / '十' / '十一' -> the month, if it is one."""
    value = to_int(token)
    return value if value is not None and 1 <= value <= 12 else None
