"""One report file in, one validated record out (the contract is docs/record.md).

This module only orchestrates: readers turn bytes into text, `layout` finds labels and values, the
normalisers clean each value, and every doubt becomes a `problem` in the record instead of a guess.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from transforms.activities import extract_activities, home_names_for
from transforms.errors import UnreadableFile
from transforms.layout import RawField, RawReport, looks_like_address, parse_layout
from transforms.normalize.changes import parse_registration_changes
from transforms.normalize.dates import parse_date
from transforms.normalize.funding import funding_category
from transforms.normalize.numbers import parse_count, parse_money_wan
from transforms.normalize.places import Place, division_name, locate, same_division
from transforms.normalize.text import clean_text
from transforms.normalize.uscc import check_uscc, clean_uscc, division_code
from transforms.normalize.year import report_year
from transforms.prose_fields import prose_fields
from transforms.readers import load_bytes, read_document

Record = dict[str, Any]
# The report form is a two-page table: a few hundred cells and lines, a few thousand for a long PDF. Far
# beyond that the file is something else; refusing it before parsing bounds the parser's time and memory.
MAX_CELLS = 200_000
# A narrative is a few thousand characters (the sample's: 2,500). Activities are looked for in this much of
# it at most, which bounds the activity extractor's time on a hostile or concatenated file.
MAX_ACTIVITY_TEXT = 200_000
NARRATIVE_CONTAINER_SECTION = "开展业务活动情况及取得的社会效益"
PLANS_SECTION = "下一步打算"
_REQUIRED = ("name", "uscc")
_EXPECTED = ("legal_representative", "address", "funding_source", "sponsor", "purpose_scope")


class _Problems(list):
    def add(self, field: str, severity: str, message: str) -> None:
        self.append({"field": field, "severity": severity, "message": message})


def extract_file(path: str | Path, *, known_localities: Mapping[str, str] | None = None) -> Record:
    """Read and extract one file; raises UnreadableFile only when it cannot be read at all."""
    return extract_bytes(load_bytes(path), str(path), known_localities=known_localities)


def extract_bytes(data: bytes, path: str, *, known_localities: Mapping[str, str] | None = None) -> Record:
    """The record of one report given its bytes; `path` names it in the record and in errors.

    `known_localities` ({name: ISO country}, learned across a corpus by
    `transforms.activities.learn_partner_localities`) resolves partner localities that this report names
    without their country.
    """
    document = read_document(data, path)
    cells = document.text.count("\n") + document.text.count("|")
    if cells > MAX_CELLS:
        raise UnreadableFile(
            path,
            f"not an annual report: {cells:,} lines and table cells "
            f"(a report has hundreds; limit {MAX_CELLS:,})",
        )
    try:
        raw = parse_layout(document.text)
        if not any(f.label.field not in ("group", "container") and f.values for f in raw.fields):
            raise UnreadableFile(path, "no report field found: this does not look like an annual report")
        record = build_record(raw, os.path.basename(path), known_localities)
    except UnreadableFile:
        raise
    except (MemoryError, RecursionError) as exc:
        raise UnreadableFile(path, f"file is too complex to read ({type(exc).__name__})") from exc
    except Exception as exc:  # a parser bug must not stop the batch either; the reason names it
        raise UnreadableFile(
            path, f"could not be parsed (internal error {type(exc).__name__}: {str(exc)[:200]})"
        ) from exc
    record["problems"] += [
        {"field": "source", "severity": "warning", "message": w} for w in document.warnings
    ]
    record["source"] = {
        "path": path,
        "sha256": hashlib.sha256(data).hexdigest(),
        "format": document.format,
        "encoding": document.encoding,
    }
    return {"source": record.pop("source"), **record}


def _first_values(raw: RawReport, problems: _Problems) -> dict[str, RawField]:
    """The first occurrence of each field; a later, different value for the same field is a problem.

    The certificate's registered items come before the cover's: the cover repeats some fields in short
    form (the name without its second name), and is only read for what the form itself does not state.
    """
    chosen: dict[str, RawField] = {}
    chosen_text: dict[str, str | None] = {}  # joined once: a hostile file may repeat a label many times
    warned: set[str] = set()
    form_first = [f for f in raw.fields if not f.on_cover] + [f for f in raw.fields if f.on_cover]
    for raw_field in form_first:
        name = raw_field.label.field
        if name in ("group", "container") or name.startswith("section:"):
            continue
        if name not in chosen or chosen_text[name] is None:
            chosen[name] = raw_field
            chosen_text[name] = raw_field.text
        elif raw_field.on_cover or name in warned:
            continue
        elif raw_field.text not in (None, chosen_text[name]):
            warned.add(name)  # one problem per field, not one per repetition
            problems.add(
                name, "warning", f"stated twice with different values; kept the first ({raw_field.heading})"
            )
    return chosen


def _sections(raw: RawReport) -> dict[str, str]:
    sections: dict[str, str] = {}
    for raw_field in raw.fields:
        name = raw_field.label.field
        if name.startswith("section:") and raw_field.values:
            key = name.removeprefix("section:")
            text = raw_field.paragraphs or ""
            sections[key] = f"{sections[key]}\n{text}" if key in sections else text
        elif name == "container" and raw_field.values:
            sections.setdefault(NARRATIVE_CONTAINER_SECTION, raw_field.paragraphs or "")
    return sections


def build_record(raw: RawReport, file_name: str, known_localities: Mapping[str, str] | None = None) -> Record:
    """Normalise the raw label/value pairs of one report into the record."""
    problems = _Problems()
    values = _first_values(raw, problems)

    def text(field: str) -> str | None:
        return clean_text(values[field].text) if field in values else None

    prose = prose_fields(raw.preamble + [text for _, text in raw.orphans])

    def money(field: str) -> float | None:
        if field in values and values[field].text is not None:
            written, unit = values[field].text, values[field].value_unit
        elif field in prose:
            written, unit = prose[field]
        else:
            return None
        amount, error = parse_money_wan(written, unit)
        if error:
            problems.add(field, "error", error)
        return amount

    uscc = clean_uscc(text("uscc"))
    uscc_valid = None
    if uscc is not None:
        error = check_uscc(uscc)
        uscc_valid = error is None
        if error:
            problems.add("uscc", "error", error)

    address = text("address") or _address_from_orphans(raw, problems)
    _report_orphans(raw, problems, address)
    place = _place(address, division_code(uscc) if uscc_valid else None, problems)
    funding = text("funding_source")
    category = None
    if funding is not None:
        category, recognised = funding_category(funding)
        if not recognised:
            problems.add(
                "funding_source", "warning", f"unrecognised funding wording {funding!r}; category 其他"
            )

    headcount = None
    written_headcount = (
        values["headcount"].text if values.get("headcount") else "".join(prose.get("headcount", ("", "")))
    )
    if written_headcount:
        headcount, error = parse_count(written_headcount)
        if error:
            problems.add("headcount", "error", error)

    sections = _sections(raw)
    narrative = "\n".join(sections.values())
    title = "\n".join(raw.preamble + ([values["report_year"].text or ""] if "report_year" in values else []))
    year, year_source = report_year(title, lambda: "\n".join(f.text or "" for f in raw.fields), file_name)
    if year is None:
        problems.add("report_year", "error", "no report year in the text or the file name")
    elif year_source == "file name":
        problems.add("report_year", "warning", "report year taken from the file name")

    report_date = None
    if "report_date" in values and values["report_date"].text:
        report_date = parse_date(values["report_date"].text)
        if report_date is None:
            problems.add("report_date", "warning", f"unreadable date {values['report_date'].text!r}")

    institution = {
        "name": text("name"),
        "uscc": uscc,
        "uscc_valid": uscc_valid,
        "legal_representative": text("legal_representative"),
        "address": address,
        "province": place.province,
        "city": place.city,
        "district": place.district,
        # the registration authority's division (USCC digits 3-8): none without a valid USCC
        "admin_code": division_code(uscc) if uscc_valid else None,
        "address_code": place.admin_code,
        "sponsor": text("sponsor"),
        "funding_source": funding,
        "funding_source_category": category,
        "purpose_scope": text("purpose_scope"),
        "website_name": text("website_name"),
    }
    for field in _REQUIRED:
        if institution[field] is None:
            problems.add(field, "error", f"missing {field}")
    for field in _EXPECTED:
        if institution[field] is None:
            problems.add(field, "warning", f"missing {field}")

    finance = {
        "startup_capital_wan": money("startup_capital"),
        "net_assets_begin_wan": money("net_assets_begin"),
        "net_assets_end_wan": money("net_assets_end"),
        "headcount": headcount,
    }
    for field in ("net_assets_begin_wan", "net_assets_end_wan"):
        if finance[field] is None and not any(p["field"] == field.removesuffix("_wan") for p in problems):
            problems.add(field.removesuffix("_wan"), "warning", f"missing {field.removesuffix('_wan')}")
    if not sections:
        problems.add("sections", "warning", "no 开展业务情况 narrative found")
    if len(narrative) > MAX_ACTIVITY_TEXT:
        problems.add(
            "activities",
            "warning",
            f"narrative is {len(narrative):,} characters; activities were read from the first "
            f"{MAX_ACTIVITY_TEXT:,} only",
        )

    return {
        "report_year": year,
        "report_date": report_date,
        "institution": institution,
        "finance": finance,
        "sections": sections,
        "narrative": narrative,
        "registration_changes": parse_registration_changes(
            values["registration_changes"].text if "registration_changes" in values else None
        ),
        "qualifications": text("qualifications"),
        "awards_litigation": text("awards_litigation"),
        "donations": text("donations"),
        "activities": _performed_activities(
            sections, narrative, home_names_for(institution), known_localities
        ),
        "problems": list(problems),
    }


def _performed_activities(
    sections: dict[str, str],
    narrative: str,
    home_names: list[str],
    known_localities: Mapping[str, str] | None,
) -> list[dict]:
    """Activities of the narrative, except those in the 下一步打算 section: plans did not happen yet."""
    activities = extract_activities(
        narrative[:MAX_ACTIVITY_TEXT], home_names=home_names, known_localities=known_localities
    )
    if PLANS_SECTION not in sections:
        return activities
    plans_start = 0
    for name, text in sections.items():
        if name == PLANS_SECTION:
            break
        plans_start += len(text) + 1
    plans_end = plans_start + len(sections[PLANS_SECTION])
    return [a for a in activities if not plans_start <= a["span"][0] < plans_end]


def _address_from_orphans(raw: RawReport, problems: _Problems) -> str | None:
    """A form with no 住所 label but an unlabelled row that reads as an address: its label was lost."""
    for after, orphan in raw.orphans:
        if looks_like_address(orphan):
            problems.add("address", "warning", f"address taken from an unlabelled row after {after}")
            return clean_text(orphan)
    return None


def _report_orphans(raw: RawReport, problems: _Problems, address: str | None) -> None:
    """Every unlabelled value is named in a problem, so a reader can see what was left out and why."""
    for after, orphan in raw.orphans:
        if clean_text(orphan) != address:
            problems.add(after, "warning", f"unlabelled value after {after} left out: {orphan[:60]!r}")


def _place(address: str | None, uscc_division: str | None, problems: _Problems) -> Place:
    """The place of the address, cross-checked with the USCC's division code.

    A disagreement is recorded, never resolved by overwriting the address; an address that names no
    place at all falls back to the USCC division, with a warning saying so.
    """
    place = locate(address, uscc_division) if address else Place(None, None, None, None)
    if place.admin_code is None and uscc_division:
        code = uscc_division
        province = division_name(code[:2] + "0000")
        city = division_name(code[:4] + "00") if code[2:4] != "00" else None
        if city in (None, "市辖区", "县"):
            city = province
        district = division_name(code) if code[4:] != "00" else None
        problems.add(
            "address", "warning", f"no place recognised in the address; location from USCC division {code}"
        )
        return Place(province, city, district, code)
    if place.admin_code and uscc_division and not same_division(place.admin_code, uscc_division):
        problems.add(
            "admin_code",
            "warning",
            f"address is in {place.admin_code} ({place.city or place.province}) but the USCC division is "
            f"{uscc_division} ({division_name(uscc_division)})",
        )
    elif address and place.admin_code is None:
        problems.add("address", "warning", "no place recognised in the address")
    return place
