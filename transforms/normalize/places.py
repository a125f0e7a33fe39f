"""Province / city / district of an address, with cpca's gazetteer (2020 boundaries).

cpca's public `transform` builds a pandas DataFrame per call (~8 ms); the per-address matcher it wraps,
`_get_one_addr`, does the same work without pandas, so we call that (cpca is pinned in the lock file).

cpca builds its whole matcher (3,500 divisions into an automaton, in Python) when it is imported: 25-40 ms
of every process that locates an address, for a table that never changes. So the built matcher and code
table (the module globals `matcher` and `ad_2_addr_dict`, which cpca's functions read at each call) are
kept in the disk cache, and cpca is imported with its CSV cut to the header row, which builds an empty
matcher at once; the cached table then takes its place (6 ms to read back). cpca reads its CSV with
`pkg_resources.resource_stream`, and importing setuptools' `pkg_resources` takes ~0.4 s (it scans every
installed distribution), so cpca is given a stand-in for that one function in either case.
"""

from __future__ import annotations

import contextlib
import io
import sys
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from types import ModuleType
from typing import BinaryIO

from transforms.disk_cache import cached, source_key
from transforms.package_data import package_dir

# Bump when what is cached from cpca changes shape.
_CPCA_STATE_VERSION = "1"


@dataclass(frozen=True)
class Place:
    province: str | None
    city: str | None
    district: str | None
    admin_code: str | None


def _resource_stream(package: str, name: str) -> BinaryIO:
    """`pkg_resources.resource_stream`, the one function cpca uses from it (found without importing
    `package`, whose parent is the module being imported)."""
    top, *inner = package.split(".")
    return package_dir(top).joinpath(*inner, name).open("rb")


def _header_only(package: str, name: str) -> BinaryIO:
    """The resource cut to its first line: cpca's import then builds an empty matcher."""
    with _resource_stream(package, name) as fh:
        return io.BytesIO(fh.readline())


@contextlib.contextmanager
def _pkg_resources(resource_stream: Callable[[str, str], BinaryIO]) -> Iterator[None]:
    """A `pkg_resources` stand-in while cpca reads its CSV, unless the real one is imported already."""
    stand_in = None
    if "pkg_resources" not in sys.modules:
        stand_in = ModuleType("pkg_resources")
        stand_in.resource_stream = resource_stream  # type: ignore[attr-defined]
        sys.modules["pkg_resources"] = stand_in
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        if stand_in is not None and sys.modules.get("pkg_resources") is stand_in:
            del sys.modules["pkg_resources"]  # a later `import pkg_resources` gets the real one


@cache
def _cpca() -> ModuleType:
    if "cpca" in sys.modules:
        return sys.modules["cpca"]
    with _pkg_resources(_header_only):
        import cpca
    try:
        key = source_key(_CPCA_STATE_VERSION, (), ("cpca", "pyahocorasick"))
        with _pkg_resources(_resource_stream):
            cpca.ad_2_addr_dict, cpca.matcher = cached("cpca", key, cpca._init_data)
    except BaseException:
        del sys.modules["cpca"]  # never leave cpca with its empty tables for the next caller
        raise
    return cpca


def division_name(code: str) -> str | None:
    """The name of a 6-digit division code (330100 → 杭州市), or None when cpca does not know it."""
    cpca = _cpca()
    for length in (6, 4, 2):
        if code[length:].strip("0") == "":
            return cpca.adcode_name(code[:length])
    return cpca.adcode_name(code)


@lru_cache(maxsize=65536)
def locate(address: str, hint_code: str | None = None) -> Place:
    """The place an address names. `hint_code` (the USCC division) only disambiguates a district name that
    exists in several provinces (朝阳区); it never replaces what the address says."""
    cpca = _cpca()
    umap = {}
    if hint_code and hint_code[4:] != "00":
        name = division_name(hint_code)
        if name:
            umap[name] = hint_code
    result = cpca._get_one_addr(address, False, umap)
    city = result["市"]
    if city in ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"):
        city = result["省"]  # municipalities and directly administered counties: the province is the city
    return Place(result["省"], city, result["区"], result["adcode"])


def same_division(address_code: str, uscc_code: str) -> bool:
    """Whether two division codes agree at the finest level both of them state."""

    def level(code: str) -> int:
        return 2 if code[2:] == "0000" else 4 if code[4:] == "00" else 6

    depth = min(level(address_code), level(uscc_code))
    return address_code[:depth] == uscc_code[:depth]


DIVISION_SUFFIXES = (
    "特别行政区", "特別行政區", "自治区", "自治州", "自治县", "自治旗", "地区", "林区", "特区", "新区",
    "矿区", "省", "市", "县", "区", "旗", "盟",
)  # fmt: skip


def division_base(name: str, ethnic: tuple[str, ...] = ()) -> str:
    """吴兴区 -> 吴兴, 延边朝鲜族自治州 -> 延边: the name a sentence uses without its suffix (and, given the
    ethnic-group names, without the group: 朝鲜族)."""
    for suffix in DIVISION_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            name = name[: -len(suffix)]
            break
    stripped = True
    while stripped:
        stripped = False
        for group in ethnic:
            if name.endswith(group) and len(name) > len(group) + 1:
                name, stripped = name[: -len(group)], True
                break
    return name


@cache
def cpca_division_names() -> frozenset[str]:
    """The division names of cpca's table (2020 boundaries), as written (湖州市, 吴兴区)."""
    import csv

    with io.TextIOWrapper(_resource_stream("cpca.resources", "adcodes.csv"), encoding="utf-8") as fh:
        return frozenset(row["name"] for row in csv.DictReader(fh) if row.get("name"))


@cache
def division_names() -> frozenset[str]:
    """Every Chinese division name in cpca's table (湖州市, 吴兴区) and its form without the suffix (湖州)."""
    names = cpca_division_names() - {"市辖区", "县"}
    return frozenset(names | {division_base(n) for n in names})


def starts_with_division(text: str) -> bool:
    """Whether `text` begins with a Chinese division name (益阳市迎宾东路…, 兴平市县门街…)."""
    names = division_names()
    return any(text[:n] in names for n in range(2, min(len(text), 9) + 1))
