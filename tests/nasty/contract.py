"""The extract record's contract (docs/record.md) as a checker: `contract_errors(record)` lists every way a
record breaks it, so a failing property test says exactly what is wrong."""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any

INSTITUTION_KEYS = (
    "name", "uscc", "uscc_valid", "legal_representative", "address", "province", "city", "district",
    "admin_code", "sponsor", "funding_source", "funding_source_category", "purpose_scope", "website_name",
)  # fmt: skip
FINANCE_MONEY = ("startup_capital_wan", "net_assets_begin_wan", "net_assets_end_wan")
FORMATS = ("txt", "html", "pdf", "docx")
ENCODINGS = ("utf-8", "utf-8-sig", "gb18030", "utf-16")
FUNDING_CATEGORIES = ("财政全额", "财政差额", "财政补助(其他)", "自收自支", "其他")
KINDS = ("visit", "plan", "hosted_event", "online_event", "agreement", "liaison", "project",
         "local_foreigners_event", "other")  # fmt: skip
THEMES = ("youth", "education", "culture", "sports", "economy", "government", "health", "science", "media",
          "other")  # fmt: skip
ACTIVITY_COUNTS = ("participants", "person_times", "batches", "times", "events")
# Reasons that mean a bug inside nianbao rather than a bad file: the readers' and the parser's last-resort
# guards. A nasty file may be refused, but not through one of these.
INTERNAL_ERROR_REASONS = ("could not be read (", "could not be parsed (")


def _is_iso_date(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        return dt.date.fromisoformat(value).isoformat() == value
    except ValueError:
        return False


def _opt(value: Any, kind: type) -> bool:
    return value is None or isinstance(value, kind)


def _empty_strings(value: Any, where: str) -> list[str]:
    """Paths of "" values anywhere in a nested structure."""
    if isinstance(value, str):
        return [where] if value == "" else []
    if isinstance(value, dict):
        return [e for key, item in value.items() for e in _empty_strings(item, f"{where}.{key}")]
    if isinstance(value, list):
        return [e for index, item in enumerate(value) for e in _empty_strings(item, f"{where}[{index}]")]
    return []


def contract_errors(record: Any) -> list[str]:
    """Every violation of docs/record.md by `record` (empty when it satisfies the contract)."""
    errors: list[str] = []

    def check(condition: bool, message: str) -> None:
        if not condition:
            errors.append(message)

    if not isinstance(record, dict):
        return [f"record is a {type(record).__name__}, not a dict"]
    try:
        json.dumps(record, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as exc:
        errors.append(f"not strict JSON: {exc}")

    source = record.get("source")
    check(isinstance(source, dict) and set(source) >= {"path", "sha256", "format", "encoding"}, "source keys")
    if isinstance(source, dict):
        check(isinstance(source.get("sha256"), str) and len(source["sha256"]) == 64, "source.sha256")
        check(source.get("format") in FORMATS, f"source.format {source.get('format')!r}")
        if source.get("format") in ("pdf", "docx"):
            check(source.get("encoding") is None, "source.encoding must be null for pdf/docx")
        else:
            check(source.get("encoding") in ENCODINGS, f"source.encoding {source.get('encoding')!r}")

    year = record.get("report_year")
    check(year is None or (type(year) is int and 1900 <= year <= 2100), f"report_year {year!r}")
    check(record.get("report_date") is None or _is_iso_date(record["report_date"]), "report_date not ISO")

    institution = record.get("institution")
    check(isinstance(institution, dict) and set(institution) >= set(INSTITUTION_KEYS), "institution keys")
    if isinstance(institution, dict):
        for key in INSTITUTION_KEYS:
            if key != "uscc_valid":
                check(_opt(institution.get(key), str), f"institution.{key} is {type(institution.get(key))}")
        valid = institution.get("uscc_valid")
        check(valid is None or isinstance(valid, bool), "institution.uscc_valid not bool|null")
        check((valid is None) == (institution.get("uscc") is None), "uscc_valid null iff uscc null")
        category = institution.get("funding_source_category")
        check(category is None or category in FUNDING_CATEGORIES, f"funding category {category!r}")
        check((category is None) == (institution.get("funding_source") is None), "category iff funding")
        code = institution.get("admin_code")
        check(code is None or (len(code) == 6 and code.isdigit()), f"admin_code {code!r}")

    finance = record.get("finance")
    check(isinstance(finance, dict) and set(finance) >= {*FINANCE_MONEY, "headcount"}, "finance keys")
    if isinstance(finance, dict):
        for key in FINANCE_MONEY:
            value = finance.get(key)
            ok = value is None or (type(value) in (int, float) and math.isfinite(value))
            check(ok, f"finance.{key} {value!r}")
        headcount = finance.get("headcount")
        check(
            headcount is None or (type(headcount) is int and 0 <= headcount < 2**31), f"headcount {headcount}"
        )

    sections = record.get("sections")
    check(isinstance(sections, dict), "sections not a dict")
    if isinstance(sections, dict):
        check(all(isinstance(k, str) and isinstance(v, str) for k, v in sections.items()), "sections types")
    narrative = record.get("narrative")
    check(isinstance(narrative, str), "narrative not a str")

    changes = record.get("registration_changes")
    check(isinstance(changes, list), "registration_changes not a list")
    for change in changes if isinstance(changes, list) else []:
        check(isinstance(change, dict) and set(change) >= {"date", "what"}, "registration change keys")
        if isinstance(change, dict):
            check(change.get("date") is None or _is_iso_date(change["date"]), "registration change date")
            check(isinstance(change.get("what"), str), "registration change what")
    for key in ("qualifications", "awards_litigation", "donations"):
        check(_opt(record.get(key), str), f"{key} not str|null")

    problems = record.get("problems")
    check(isinstance(problems, list), "problems not a list")
    for problem in problems if isinstance(problems, list) else []:
        ok = isinstance(problem, dict) and problem.get("severity") in ("error", "warning")
        ok = ok and isinstance(problem.get("field"), str) and isinstance(problem.get("message"), str)
        check(ok and bool(problem.get("message")), f"problem {problem!r}")

    activities = record.get("activities")
    check(isinstance(activities, list), "activities not a list")
    for index, activity in enumerate(activities if isinstance(activities, list) else []):
        errors += [f"activities[{index}]: {e}" for e in activity_errors(activity, narrative)]

    # A missing value is null, never "" (the narrative is a str by contract and may be empty).
    body = {key: value for key, value in record.items() if key != "narrative"}
    errors += [f"empty string at {where}" for where in _empty_strings(body, "record")]
    return errors


def activity_errors(activity: Any, narrative: Any) -> list[str]:
    """Violations of the activities[] contract; evidence must be exactly narrative[span]."""
    if not isinstance(activity, dict):
        return ["not a dict"]
    errors = []
    if activity.get("kind") not in KINDS:
        errors.append(f"kind {activity.get('kind')!r}")
    direction = activity.get("direction")
    if direction not in (None, "inbound", "outbound") or (direction and activity.get("kind") != "visit"):
        errors.append(f"direction {direction!r} for kind {activity.get('kind')!r}")
    span, evidence = activity.get("span"), activity.get("evidence")
    if not (isinstance(span, list | tuple) and len(span) == 2 and all(type(x) is int for x in span)):
        errors.append(f"span {span!r}")
    elif not isinstance(narrative, str) or not 0 <= span[0] < span[1] <= len(narrative):
        errors.append(f"span {span!r} outside the narrative")
    elif narrative[span[0] : span[1]] != evidence:
        errors.append(f"evidence != narrative[span]: {evidence!r:.80}")
    countries = activity.get("countries")
    if (
        not isinstance(countries, list)
        or countries != sorted(countries)
        or not all(isinstance(c, str) and len(c) == 2 and c.isupper() for c in countries)
    ):
        errors.append(f"countries {countries!r}")
    month = activity.get("month")
    if month is not None and not (type(month) is int and 1 <= month <= 12):
        errors.append(f"month {month!r}")
    for key in ACTIVITY_COUNTS:
        value = activity.get(key)
        if value is not None and not (type(value) is int and 0 <= value < 2**31):
            errors.append(f"{key} {value!r}")
    themes = activity.get("theme")
    if not isinstance(themes, list) or not all(t in THEMES for t in themes):
        errors.append(f"theme {themes!r}")
    return errors
