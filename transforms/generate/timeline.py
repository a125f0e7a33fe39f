"""An institution's years: which it reports, its changes, and net assets that carry over year to year.

Rules: 期末数 of year N is 年初数 of N+1 except at a recorded break (an audit restatement); 开办资金
stays put unless a registered change says otherwise; net assets follow a per-institution trend with noise
and may go negative. Some institutions start late, skip a year or are deregistered; some change their
name, legal representative, sponsor or address, each change registered on a date inside the year.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from transforms.generate.institutions import Institution, fill, make_address, person_name


@dataclass
class Change:
    date: dt.date
    what: str


@dataclass
class YearState:
    year: int
    name: str
    legal_representative: str
    address: str
    sponsor: str
    startup_capital: float
    begin: float
    end: float
    headcount: int
    report_date: dt.date
    changes: list[Change] = field(default_factory=list)
    continuity_break: bool = False  # begin != previous reported year's end, on purpose
    last: bool = False  # deregistered after this year
    first: bool = False
    late_start: bool = False  # first report of an institution set up after the first corpus year


def _date_in(rng: random.Random, year: int) -> dt.date:
    return dt.date(year, rng.randint(1, 12), rng.randint(1, 28))


def build(inst: Institution, years: list[int], rng: random.Random, break_rate: float) -> list[YearState]:
    """The reported years of one institution, oldest first."""
    start = years[0] if rng.random() < 0.85 or len(years) == 1 else rng.choice(years[1:])
    active = [y for y in years if y >= start]
    if len(active) > 2 and rng.random() < 0.05:  # deregistered
        active = active[: rng.randint(1, len(active) - 1)]
    skipped = None
    if len(active) > 2 and rng.random() < 0.05:
        skipped = rng.choice(active[1:-1])
    low, high = inst.kind.assets
    level = rng.uniform(low, high)
    trend = rng.gauss(0.02, 0.08) if rng.random() > 0.06 else -rng.uniform(0.3, 0.8)
    name, rep, addr, sponsor, capital = (
        inst.name,
        inst.legal_representative,
        inst.address,
        inst.sponsor,
        inst.startup_capital,
    )
    headcount = inst.headcount
    out: list[YearState] = []
    prev_end: float | None = None
    for year in active:
        changes: list[Change] = []
        if prev_end is not None:
            roll = rng.random()
            if roll < 0.04 and inst.kind.renames:
                new = fill(rng.choice(inst.kind.renames), inst.city, inst.district, rng)
                if new != name:
                    changes.append(Change(_date_in(rng, year), f"单位名称由{name}变更为{new}"))
                    name = new
            elif roll < 0.12:
                new = person_name(rng)
                changes.append(Change(_date_in(rng, year), f"法定代表人由{rep}变更为{new}"))
                rep = new
            elif roll < 0.15:
                new = fill(rng.choice(inst.kind.sponsors), inst.city, inst.district, rng)
                if new != sponsor:
                    changes.append(Change(_date_in(rng, year), f"举办单位由{sponsor}变更为{new}"))
                    sponsor = new
            elif roll < 0.19:
                addr = make_address(rng, inst.city, inst.district)
                changes.append(Change(_date_in(rng, year), f"住所变更为{addr}"))
            elif roll < 0.21:
                new_capital = round(capital * rng.uniform(1.1, 2.0), 2)
                changes.append(
                    Change(_date_in(rng, year), f"开办资金由{capital:.2f}万元变更为{new_capital:.2f}万元")
                )
                capital = new_capital
            elif roll < 0.26:
                changes.append(Change(_date_in(rng, year), "完成事业单位法人证书换领"))
        changes.sort(key=lambda c: c.date)
        begin = round(level, 2)
        brk = False
        if prev_end is not None:
            begin = prev_end
            if rng.random() < break_rate:
                begin = round(
                    prev_end + max(0.01, abs(prev_end)) * rng.choice((-1, 1)) * rng.uniform(0.02, 0.2), 2
                )
                brk = begin != prev_end
        scale = max(abs(begin), low)
        end = round(begin + scale * (trend + rng.gauss(0, 0.12)), 2)
        headcount = max(1, headcount + rng.randint(-3, 4))
        state = YearState(
            year=year,
            name=name,
            legal_representative=rep,
            address=addr,
            sponsor=sponsor,
            startup_capital=capital,
            begin=begin,
            end=end,
            headcount=headcount,
            report_date=dt.date(year + 1, rng.randint(1, 5), rng.randint(1, 28)),
            changes=changes,
            continuity_break=brk,
            first=not out,
            late_start=not out and year == start and start > years[0],
        )
        prev_end = end
        level = end
        if year == skipped:
            continue  # the year happened (money moved) but no report was filed
        out.append(state)
    if out and len(active) < len([y for y in years if y >= start]):
        out[-1].last = True
    return out
