"""The `countries` table: every ISO 3166-1 code with its Chinese and English names, so that users join
`activity_countries.country_code` (and the marts' codes) to names instead of mapping ISO codes by hand.

Sources: pycountry (the ISO 3166-1 codes and English names, and the zh_CN translation of the iso-codes
project for the official Chinese names) and transforms/data/country_aliases.csv (the short Chinese names
that reports and the MFA's country pages use: 韩国, not 大韩民国; its first name per code).

Reading pycountry's database and its translation takes ≈0.35 s, paid by every load: the rows are kept in the
machine's cache of built tables (`transforms.disk_cache`), keyed by pycountry's version and the aliases file.
"""

from __future__ import annotations

import csv
import gettext
from importlib import resources

import pyarrow as pa

from transforms.disk_cache import cached, source_key

SCHEMA = pa.schema(
    [
        ("country_code", pa.string()),
        ("name_zh", pa.string()),
        ("name_en", pa.string()),
        ("official_name_zh", pa.string()),
        ("official_name_en", pa.string()),
        ("alpha3", pa.string()),
    ]
)


_BUILD_VERSION = "1"
ALIASES = resources.files("transforms.data").joinpath("country_aliases.csv")


def _short_chinese_names() -> dict[str, str]:
    text = ALIASES.read_text(encoding="utf-8")
    rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    names: dict[str, str] = {}
    for row in rows:
        names.setdefault(row["alpha2"], row["name"])
    return names


def country_table() -> pa.Table:
    """One row per ISO 3166-1 country (SCHEMA), ordered by code."""
    key = source_key(_BUILD_VERSION, [ALIASES], ["pycountry"])
    return pa.Table.from_pylist(cached("countries", key, _country_rows), schema=SCHEMA)


def _country_rows() -> list[dict[str, str]]:
    import pycountry

    zh = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["zh_CN"])
    short = _short_chinese_names()
    rows = []
    for country in sorted(pycountry.countries, key=lambda c: c.alpha_2):
        official = getattr(country, "official_name", None) or country.name
        rows.append(
            {
                "country_code": country.alpha_2,
                "name_zh": short.get(country.alpha_2) or zh.gettext(country.name),
                "name_en": getattr(country, "common_name", None) or country.name,
                "official_name_zh": zh.gettext(official),
                "official_name_en": official,
                "alpha3": country.alpha_3,
            }
        )
    return rows
