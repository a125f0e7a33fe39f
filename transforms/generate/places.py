"""Chinese administrative divisions for generated institutions, loaded at run time from cpca's bundled table.

cpca ships `resources/adcodes.csv` (12-digit adcodes with names, 2020 boundaries); the parser locates
addresses with the same table, so a generated address resolves to the division code the generator put in
the USCC. The file is read directly (without importing cpca, whose import builds its whole matcher).
Only prefecture-level cities (地级市, names ending in 市) and their districts/counties are used: the
municipalities and 省直辖 units have no unambiguous province/city pair.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from transforms.package_data import package_dir


@dataclass(frozen=True)
class District:
    code: str  # 6 digits
    name: str  # 吴兴区


@dataclass(frozen=True)
class City:
    code: str  # 6 digits, ends in 00
    name: str  # full name, 杭州市
    short: str  # 杭州
    province: str  # 浙江省
    province_short: str  # 浙江
    districts: tuple[District, ...]


_MUNICIPALITIES = {"11", "12", "31", "50"}
# The real sample report's city: generated institutions stay out of it so that the synthetic corpus can
# never be mistaken for (or leak into checks about) the real report.
_RESERVED = {"330500"}
_PROVINCE_SUFFIX = re.compile(r"(省|市|壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区)$")


def adcodes_path() -> Path:
    return package_dir("cpca") / "resources" / "adcodes.csv"


@cache
def cities() -> tuple[City, ...]:
    """Every prefecture-level city with at least one district or county, in division-code order."""
    names: dict[str, str] = {}
    with adcodes_path().open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            code = row["adcode"][:6]
            if row["adcode"][6:].strip("0") == "":
                names[code] = row["name"]
    provinces = {c: n for c, n in names.items() if c.endswith("0000")}
    by_prefix: dict[str, list[District]] = {}
    for c, n in sorted(names.items()):
        if not c.endswith("00") and n != "市辖区" and n[-1] in "区县市旗":
            by_prefix.setdefault(c[:4], []).append(District(c, n))
    out = []
    for code, name in sorted(names.items()):
        if not code.endswith("00") or code.endswith("0000") or code[:2] in _MUNICIPALITIES:
            continue
        if (
            not name.endswith("市")
            or len(name) < 3
            or code[:2] + "0000" not in provinces
            or code in _RESERVED
        ):
            continue
        districts = tuple(by_prefix.get(code[:4], ()))
        if not districts:
            continue
        province = provinces[code[:2] + "0000"]
        out.append(
            City(code, name, name[:-1], province, _PROVINCE_SUFFIX.sub("", province) or province, districts)
        )
    return tuple(out)


@cache
def place_cores() -> frozenset[str]:
    """Short forms of every province, city and district name (杭州, 浙江, 西湖区…), used to keep generated
    street and person names from accidentally naming another place."""
    cores: set[str] = set()
    for city in cities():
        cores.update({city.short, city.province_short, city.name, city.province})
        for district in city.districts:
            cores.add(district.name)
            if len(district.name) > 2:
                cores.add(district.name[:-1])
    return frozenset(c for c in cores if len(c) >= 2)


def names_a_place(text: str) -> bool:
    return any(core in text for core in place_cores())
