"""One visit per trip: a trip told again (a headline and its article, "访问德国期间…", a closing summary) is
merged into one row.

Why after extraction: each statement is read on its own first, and only the whole narrative shows that two
statements tell the same trip. Two visits are the same trip when they go the same way, to compatible places
(the same countries, one a part of the other's list, or one naming none), and nothing they state differs:
no other month, no other count. Totals (批, 人次) are never merged: a total counts trips of its own.

The merged row keeps the statement a reader would quote (a dated, counted sentence of the article rather
than its headline) and gathers what the others add (a month, a city).
"""

from __future__ import annotations

from collections.abc import Iterable

from transforms.activities.classify import ordered_themes
from transforms.regex_cache import compile_cached

_COUNTS = ("participants", "person_times", "batches", "times", "events")
_TOTALS = ("batches", "person_times")
_SENTENCE_END = compile_cached(r"[。！？!?；;…]\s*$")
# How far apart (characters) a trip is told again within one article at most: further apart, statements
# that look alike are other trips of a yearly summary, each told briefly.
RESTATEMENT_DISTANCE = 300
# A headline is a short line of its own with no closing punctuation.
HEADLINE_MAX_CHARS = 50


def merge_restatements(rows: list[dict], text: str, home_names: Iterable[str] = ()) -> list[dict]:
    """`rows` with every visit that restates an earlier-kept visit merged into it, in text order."""
    home = tuple(n for n in home_names if n)
    kept: list[dict] = []
    for row in rows:
        if row["kind"] != "visit":
            kept.append(row)
            continue
        same = next((k for k in kept if k["kind"] == "visit" and _same_trip(k, row, text)), None)
        if same is None:
            kept.append(row)
        else:
            kept[kept.index(same)] = _merge(same, row, text, home)
    kept.sort(key=lambda r: (r["span"][0], r["kind"] != "visit"))
    return kept


def _places(row: dict) -> tuple[set[str], set[str], set[str]]:
    return (
        set(row["countries"]),
        set(row["regions"]),
        {loc["name"] for loc in row["localities"]},
    )


def _same_trip(a: dict, b: dict, text: str) -> bool:
    """Whether the later statement `b` tells `a`'s trip again: compatible, and with a sign that it is
    the same trip, not another one of the same kind (two delegations from one sister city in a year)."""
    if not _compatible(a, b):
        return False
    if a["evidence"] == b["evidence"] or _delegations(a) & _delegations(b):
        return True  # a paragraph the page repeats; the same delegation named in full
    return b["span"][0] - a["span"][1] <= RESTATEMENT_DISTANCE and (
        is_headline(text, *a["span"])
        or is_headline(text, *b["span"])
        or _leg_of(b, a)
        or _bare_restatement(a, b)
    )


def _compatible(a: dict, b: dict) -> bool:
    """Same direction, and nothing stated differently: no other month, count or country."""
    if a["direction"] is None or a["direction"] != b["direction"]:
        return False
    if any(row[k] is not None for row in (a, b) for k in _TOTALS):
        return False
    if a["month"] is not None and b["month"] is not None and a["month"] != b["month"]:
        return False
    if any(a[k] is not None and b[k] is not None and a[k] != b[k] for k in _COUNTS):
        return False
    countries_a, regions_a, names_a = _places(a)
    countries_b, regions_b, names_b = _places(b)
    if not (countries_a or regions_a or names_a) or not (countries_b or regions_b or names_b):
        return True  # one names no place: "辛—柳姐妹城市委员会代表团到我馆访问" and its article
    if countries_a and countries_b:
        return countries_a <= countries_b or countries_b <= countries_a
    return bool(regions_a & regions_b or names_a & names_b)


def _leg_of(b: dict, a: dict) -> bool:
    """ "在埃及,代表团访问了…" within a trip to three countries: one leg of it."""
    return len(a["countries"]) > 1 and set(b["countries"]) < set(a["countries"])


_DELEGATION = compile_cached(r"[\u4e00-\u9fff]{4,14}?(?:代表团|访问团|考察团|交流团|演出团|艺术团|参访团)")


def _delegations(row: dict) -> set[str]:
    """The delegations a statement names by their full name (美国中部华盛顿大学校长访问团)."""
    return {m.group()[-8:] for m in _DELEGATION.finditer(row["evidence"])}


def _bare_restatement(a: dict, b: dict) -> bool:
    """The later statement adds nothing of its own: no month, no count, no place the first lacks."""
    if b["month"] is not None or any(b[k] is not None for k in _COUNTS):
        return False
    countries_b, regions_b, names_b = _places(b)
    if not (countries_b or regions_b or names_b):
        return True  # "访问青岛第五十八中学为回访的一部分": no place, nothing of its own
    return bool(names_b) and names_b <= _places(a)[2]


def _weight(row: dict, text: str, home: tuple[str, ...]) -> tuple[int, int]:
    """How well a statement tells its trip: dated, counted, about us, a sentence rather than a headline."""
    score = 2 * (row["month"] is not None) + 2 * any(row[k] is not None for k in _COUNTS)
    score += bool(home) and any(h in row["evidence"] for h in home)
    score += 3 * (not is_headline(text, row["span"][0], row["span"][1]))
    return score, -row["span"][0]


def is_headline(text: str, start: int, end: int) -> bool:
    """Whether [start, end) is a short line of its own that ends without punctuation (a title)."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line = text[line_start : len(text) if line_end < 0 else line_end].strip()
    return len(line) <= HEADLINE_MAX_CHARS and not _SENTENCE_END.search(line)


def _merge(a: dict, b: dict, text: str, home: tuple[str, ...]) -> dict:
    best, other = (a, b) if _weight(a, text, home) >= _weight(b, text, home) else (b, a)
    merged = dict(best)
    for key in ("month", *_COUNTS, "partner_org"):
        if merged[key] is None:
            merged[key] = other[key]
    merged["countries"] = sorted(set(a["countries"]) | set(b["countries"]))
    merged["regions"] = sorted(set(a["regions"]) | set(b["regions"]))
    names = {loc["name"]: loc for loc in [*best["localities"], *other["localities"]]}
    merged["localities"] = list(names.values())
    merged["theme"] = ordered_themes({t for t in (*best["theme"], *other["theme"]) if t != "other"})
    merged["approximate"] = best["approximate"] or (other["approximate"] and best["participants"] is None)
    return merged
