"""Institutions: a kind, a place, a name, a sponsor, a USCC, people and an address.

The kinds (names, sponsors, purpose texts, funding sources, money ranges) live in
`transforms/data/institution_kinds.yaml`; this module only draws from them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml

from transforms.generate import places, uscc
from transforms.generate.places import City, District

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖蔡潘袁于董余苏叶吕魏蒋"
    "丁沈任姚卢傅钟姜崔谭陆汪范金石廖贾夏韦付方邹熊孟秦邱侯江尹薛闫段雷龙黎史陶贺毛郝顾龚邵万钱严"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红文辉玲丹萍鹏飞宇浩凯晨欣怡婷雪琳斌波健俊峰"
ROADS = (
    "人民路", "解放路", "建设路", "文化路", "和平路", "胜利路", "青年路", "学院路", "府前路", "育才路",
    "健康路", "光明路", "东风路", "迎宾大道", "世纪大道", "滨河路", "环城东路", "环城北路", "北大街",
    "南大街", "振兴路", "湖滨路", "公园路", "车站路", "科技路", "创业大道", "体育路", "教育路", "书院路",
    "劳动路", "幸福路", "团结路", "新村路", "西环路", "东环路", "文昌路", "凤凰路", "锦绣路", "百花路",
)  # fmt: skip
FUNDING_CATEGORY = {
    "财政全额补助": "财政全额",
    "财政差额补助": "财政差额",
    "自收自支": "自收自支",
    "财政补助": "财政补助(其他)",
    "其他": "其他",
}
ORDINALS = "一二三四五六七八九十"


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    weight: float
    level: str
    names: tuple[str, ...]
    renames: tuple[str, ...]
    sponsors: tuple[str, ...]
    funding: dict[str, float]
    capital: tuple[float, float]
    assets: tuple[float, float]
    headcount: tuple[int, int]
    foreign: float
    profile: str
    purposes: tuple[str, ...]


@dataclass
class Institution:
    index: int
    id: str
    kind: Kind
    city: City
    district: District | None
    name: str
    uscc: str
    legal_representative: str
    address: str
    sponsor: str
    funding_source: str
    purpose_scope: str
    website: bool
    startup_capital: float
    headcount: int
    foreign: bool
    shows_headcount: bool

    @property
    def division_code(self) -> str:
        return self.district.code if self.district else self.city.code

    @property
    def place(self) -> str:
        return self.city.name + (self.district.name if self.district else "")

    @property
    def funding_category(self) -> str:
        return FUNDING_CATEGORY.get(self.funding_source, "其他")


@cache
def kinds() -> tuple[Kind, ...]:
    text = resources.files("transforms.data").joinpath("institution_kinds.yaml").read_text("utf-8")
    out = []
    for key, spec in yaml.safe_load(text)["kinds"].items():
        out.append(
            Kind(
                key=key,
                label=spec["label"],
                weight=float(spec.get("weight", 1)),
                level=spec["level"],
                names=tuple(spec["names"]),
                renames=tuple(spec["renames"]),
                sponsors=tuple(spec["sponsors"]),
                funding={k: float(v) for k, v in spec["funding"].items()},
                capital=tuple(spec["capital"]),
                assets=tuple(spec["assets"]),
                headcount=tuple(spec["headcount"]),
                foreign=float(spec["foreign"]),
                profile=spec["profile"],
                purposes=tuple(spec["purposes"]),
            )
        )
    return tuple(out)


@cache
def _roads() -> tuple[str, ...]:
    return tuple(r for r in ROADS if not places.names_a_place(r))


def person_name(rng: random.Random) -> str:
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
    return rng.choice(SURNAMES) + given


def fill(template: str, inst_city: City, district: District | None, rng: random.Random) -> str:
    place = inst_city.name + (district.name if district else "")
    ordinal = ORDINALS[rng.randrange(len(ORDINALS))] if "{ord}" in template else ""
    return template.format(
        place=place, city=inst_city.name, cs=inst_city.short, prov=inst_city.province, ord=ordinal
    )


def make_address(rng: random.Random, city: City, district: District | None) -> str:
    head = city.name + (district.name if district else "")
    if rng.random() < 0.3:
        head = city.province + head
    style = rng.random()
    if style < 0.6:
        return f"{head}{rng.choice(_roads())}{rng.randrange(1, 999)}号"
    if style < 0.8:
        return f"{head}{rng.choice(_roads())}{rng.randrange(1, 300)}号{rng.randrange(1, 12)}幢"
    return f"{head}行政中心{rng.randrange(1, 9)}号楼{rng.randrange(1, 20)}楼"


def weighted(rng: random.Random, options: dict[str, float]) -> str:
    keys = list(options)
    return rng.choices(keys, weights=[options[k] for k in keys])[0]


def pick_kind(rng: random.Random) -> Kind:
    ks = kinds()
    return rng.choices(ks, weights=[k.weight for k in ks])[0]


def pick_place(rng: random.Random, kind: Kind, focus: tuple[City, ...]) -> tuple[City, District | None]:
    all_cities = places.cities()
    city = rng.choice(focus) if focus and rng.random() < 0.6 else rng.choice(all_cities)
    district_level = kind.level == "district" or (kind.level == "both" and rng.random() < 0.5)
    return city, (rng.choice(city.districts) if district_level else None)


def make_institution(index: int, rng: random.Random, focus: tuple[City, ...], taken: set[str]) -> Institution:
    """One institution; `taken` holds the names already used so two institutions never share a name."""
    for _attempt in range(40):
        kind = pick_kind(rng)
        city, district = pick_place(rng, kind, focus)
        name = fill(rng.choice(kind.names), city, district, rng)
        if name not in taken:
            break
    else:  # crowded corpus: number the school-like names until one is free
        kind = next(k for k in kinds() if k.key == "school")
        city, district = pick_place(rng, kind, focus)
        n = 11
        while (name := f"{city.name}{district.name if district else ''}第{n}中学") in taken:
            n += 1
    taken.add(name)
    code = district.code if district else city.code
    low, high = kind.capital
    capital = round(rng.uniform(low, high), 2) if rng.random() < 0.7 else float(round(rng.uniform(low, high)))
    return Institution(
        index=index,
        id=f"I{index:06d}",
        kind=kind,
        city=city,
        district=district,
        name=name,
        uscc=uscc.make(rng, code),
        legal_representative=person_name(rng),
        address=make_address(rng, city, district),
        sponsor=fill(rng.choice(kind.sponsors), city, district, rng),
        funding_source=weighted(rng, kind.funding),
        purpose_scope=fill(rng.choice(kind.purposes), city, district, rng),
        website=rng.random() < 0.5,
        startup_capital=capital,
        headcount=rng.randint(*kind.headcount),
        foreign=rng.random() < kind.foreign,
        shows_headcount=rng.random() < 0.6,
    )
