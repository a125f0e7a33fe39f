"""What one report states: the values a renderer prints and the gold records.

A `Report` is built from an institution, one of its years and that year's narrative; defects then edit
it (drop the USCC, break its check digit, remove the year) before it is rendered, so the gold always
describes the file as written.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from transforms.generate.institutions import Institution
from transforms.generate.narrative import Narrative
from transforms.generate.timeline import Change, YearState


@dataclass
class Report:
    year: int | None
    report_date: dt.date | None
    name: str
    uscc: str | None
    legal_representative: str
    address: str
    sponsor: str
    funding_source: str
    purpose_scope: str
    website_name: str | None
    startup_capital: float
    begin: float
    end: float
    headcount: int | None
    narrative: Narrative
    changes: list[Change]
    qualifications: str
    awards_litigation: str
    donations: str
    extras: dict = field(default_factory=dict)
    # False when the text states no year at all (the file name still does): title, cover, dates and
    # year-bearing free texts are left out, and the gold keeps `year` as the year the report covers
    year_printed: bool = True


def unprint_year(report: Report) -> None:
    """Leave every year out of what the report prints: its date, its dated changes, free texts naming one."""
    report.year_printed = False
    report.report_date = None
    report.changes = []
    for attr in ("qualifications", "awards_litigation", "donations"):
        if "年" in getattr(report, attr):
            setattr(report, attr, "无")


def _free_texts(rng: random.Random, inst: Institution, year: int) -> tuple[str, str, str]:
    nothing = rng.choice(("无", "无。"))
    profile = inst.kind.profile
    until = f"{year + rng.randint(1, 5)}年12月31日"
    if profile == "hospital" and inst.kind.key == "hospital":
        quals = f"医疗机构执业许可证,有效期至{until}。"
    elif inst.kind.key == "testing":
        quals = f"检验检测机构资质认定证书(CMA),有效期至{until}。"
    elif inst.kind.key in ("school", "university") and rng.random() < 0.5:
        quals = "办学许可证。"
    else:
        quals = nothing
    roll = rng.random()
    if roll < 0.7:
        awards = nothing
    elif roll < 0.85:
        awards = f"获评{year}年度市级文明单位。"
    else:
        awards = "未受到奖惩,无诉讼投诉情况。"
    if rng.random() < 0.85:
        donations = nothing
    else:
        donations = (
            f"接受社会捐赠{rng.randint(1, 50)}.{rng.randint(10, 99)}万元,全部按捐赠方意愿用于公益项目。"
        )
    return quals, awards, donations


# The 经费来源 as the registration sites print it: the form's category with the institution's kind of
# funding in brackets, sometimes the category repeated inside (财政补助(财政补助(差额))). Each wording
# keeps its institution's category (transforms/data/funding_categories.yaml reads 全额/差额/自收自支 first).
NESTED_FUNDING = {
    "财政全额补助": ("财政补助(全额拨款)", "财政补助(财政补助(全额))"),
    "财政差额补助": ("财政补助(差额拨款)", "财政补助(财政补助(差额))"),
    "财政补助": ("财政补助(定额或定项补助)", "财政补助(财政补助(定额或定项))"),
    "自收自支": ("非财政补助(自收自支)",),
}


def written_funding(rng: random.Random, funding_source: str) -> str:
    """The 经费来源 wording of one report: the plain wording, or nested as published (one in five)."""
    nested = NESTED_FUNDING.get(funding_source)
    if nested and rng.random() < 0.2:
        return rng.choice(nested)
    return funding_source


def build(rng: random.Random, inst: Institution, state: YearState, narrative: Narrative) -> Report:
    quals, awards, donations = _free_texts(rng, inst, state.year)
    return Report(
        year=state.year,
        report_date=state.report_date,
        name=state.name,
        uscc=inst.uscc,
        legal_representative=state.legal_representative,
        address=state.address,
        sponsor=state.sponsor,
        funding_source=written_funding(rng, inst.funding_source),
        purpose_scope=inst.purpose_scope,
        website_name=f"{state.name}.公益" if inst.website else None,
        startup_capital=state.startup_capital,
        begin=state.begin,
        end=state.end,
        headcount=state.headcount if inst.shows_headcount else None,
        narrative=narrative,
        changes=list(state.changes),
        qualifications=quals,
        awards_litigation=awards,
        donations=donations,
    )
