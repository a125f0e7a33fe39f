"""Score extracted records against hand-labelled gold files (docs/gold-format.md). Pure: dicts in, counts out.

Why counts and not ratios per report: precision / recall / F1 are computed once over the summed counts of a
whole gold set (micro-averaged), so a report with one visit weighs as much as one visit, not as a report.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

from transforms.activities.localities import base_name
from transforms.normalize.script import to_simplified

SET_ATTRIBUTES = ("countries", "regions", "theme")
# Header fields a gold file may hold, as (gold section, gold key, record section, record key). The record's
# `purpose_scope` is compared by its start: gold keeps only the first characters of a long text.
HEADER_FIELDS = (
    ("report_year", None, "report_year", None),
    ("institution", "name", "institution", "name"),
    ("institution", "uscc", "institution", "uscc"),
    ("institution", "legal_representative", "institution", "legal_representative"),
    ("institution", "address", "institution", "address"),
    ("institution", "province", "institution", "province"),
    ("institution", "city", "institution", "city"),
    ("institution", "admin_code", "institution", "admin_code"),
    ("institution", "sponsor", "institution", "sponsor"),
    ("institution", "funding_source", "institution", "funding_source"),
    ("institution", "purpose_scope_startswith", "institution", "purpose_scope"),
    ("finance", "startup_capital_wan", "finance", "startup_capital_wan"),
    ("finance", "net_assets_begin_wan", "finance", "net_assets_begin_wan"),
    ("finance", "net_assets_end_wan", "finance", "net_assets_end_wan"),
    ("finance", "headcount", "finance", "headcount"),
)
# Money is compared to the cent of a 万元 figure (reports print two decimals).
MONEY_TOLERANCE = 0.005


def _place_set(items: Iterable[Any]) -> set[tuple[str, str | None]]:
    """(bare name, country) pairs; the 市/县/郡/州 suffix and the script do not count (釜山 == 釜山市,
    哈巴羅夫斯克 == 哈巴罗夫斯克: gold writes a name as the text does, the extractor in simplified form)."""
    out: set[tuple[str, str | None]] = set()
    for item in items or ():
        if isinstance(item, Mapping):
            out.add((base_name(to_simplified(str(item.get("name", "")))), item.get("country")))
        else:
            out.add((base_name(to_simplified(str(item))), None))
    return out


def _names(items: Iterable[Any]) -> set[str]:
    return {name for name, _ in _place_set(items)}


def _prf(tp: int, fp: int, fn: int) -> dict[str, float | int]:
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"tp": tp, "fp": fp, "fn": fn, "precision": precision, "recall": recall, "f1": f1}


def _comparable(value: Any) -> Any:
    """Text compared as a reader sees it: full/half width and white space do not count."""
    if isinstance(value, str):
        return "".join(unicodedata.normalize("NFKC", value).split())
    return value


def header_equal(key: str, gold: Any, predicted: Any) -> bool:
    """Whether a predicted header field matches its gold value."""
    if gold is None or predicted is None:
        return gold is None and predicted is None
    if key == "purpose_scope_startswith":
        return _comparable(predicted).startswith(_comparable(gold))
    if isinstance(gold, float) or key.endswith("_wan"):
        return isinstance(predicted, int | float) and abs(float(gold) - float(predicted)) <= MONEY_TOLERANCE
    return _comparable(gold) == _comparable(predicted)


def score_header(gold: Mapping[str, Any], record: Mapping[str, Any]) -> dict[str, Any]:
    """Per-field agreement of the header (year, institution, finance) for the fields the gold holds."""
    fields: dict[str, bool] = {}
    wrong: list[dict[str, Any]] = []
    for gold_section, gold_key, record_section, record_key in HEADER_FIELDS:
        section = gold.get(gold_section)
        if gold_key is None:
            if section is None:
                continue
            expected, predicted = section, record.get(record_section)
            name = gold_section
        else:
            if not isinstance(section, Mapping) or gold_key not in section:
                continue
            expected = section[gold_key]
            predicted = (record.get(record_section) or {}).get(record_key)
            name = gold_key
        fields[name] = header_equal(name, expected, predicted)
        if not fields[name]:
            wrong.append({"field": name, "gold": expected, "predicted": predicted})
    return {"fields": fields, "wrong": wrong}


def attribute_equal(name: str, gold: Any, predicted: Any) -> bool:
    """Whether a predicted visit attribute matches the gold one (lists as sets, places by bare name)."""
    if name == "localities":
        return _names(gold) == _names(predicted)
    if name in SET_ATTRIBUTES:
        return set(gold or ()) == set(predicted or ())
    return gold == predicted


def score_report(gold: Mapping[str, Any], record: Mapping[str, Any]) -> dict[str, Any]:
    """Counts for one report: country / locality sets, visits matched by anchor, attribute agreement.

    A predicted visit matches a gold visit when its `evidence` contains the gold `anchor`; each predicted
    visit matches at most one gold visit (gold visits are taken in order).
    """
    exchange = gold.get("exchange") or {}
    activities = list(record.get("activities") or ())
    predicted_countries = {c for a in activities for c in a.get("countries") or ()}
    gold_countries = set(exchange.get("countries") or ())
    predicted_places = _place_set(loc for a in activities for loc in a.get("localities") or ())
    gold_places = _place_set(exchange.get("localities") or ())

    visits = [a for a in activities if a.get("kind") == "visit"]
    used: set[int] = set()
    attributes: dict[str, dict[str, int]] = {}
    misses: list[str] = []
    wrong: list[dict[str, Any]] = []
    for gv in exchange.get("visits") or ():
        anchor = gv["anchor"]
        match = next(
            (i for i, pv in enumerate(visits) if i not in used and anchor in (pv.get("evidence") or "")), None
        )
        if match is None:
            misses.append(anchor)
            continue
        used.add(match)
        pv = visits[match]
        for name, value in gv.items():
            if name in ("anchor", "note"):
                continue
            tally = attributes.setdefault(name, {"correct": 0, "total": 0})
            tally["total"] += 1
            if attribute_equal(name, value, pv.get(name)):
                tally["correct"] += 1
            else:
                wrong.append({"anchor": anchor, "attribute": name, "gold": value, "predicted": pv.get(name)})
    extra = [v.get("evidence") for i, v in enumerate(visits) if i not in used]
    header = score_header(gold, record)

    others = exchange.get("other_activities") or ()
    non_visits = [a for a in activities if a.get("kind") != "visit"]
    others_found = sum(1 for o in others if any(o["anchor"] in (a.get("evidence") or "") for a in non_visits))
    return {
        "file": gold.get("file"),
        "failed": bool(record.get("failed")),
        "fields": header["fields"],
        "field_misses": header["wrong"],
        "countries": {
            "tp": len(gold_countries & predicted_countries),
            "fp": len(predicted_countries - gold_countries),
            "fn": len(gold_countries - predicted_countries),
        },
        "localities": {
            "tp": len(gold_places & predicted_places),
            "fp": len(predicted_places - gold_places),
            "fn": len(gold_places - predicted_places),
        },
        "countries_missed": sorted(gold_countries - predicted_countries),
        "countries_extra": sorted(predicted_countries - gold_countries),
        "localities_missed": sorted(f"{n}/{c}" for n, c in gold_places - predicted_places),
        "localities_extra": sorted(f"{n}/{c}" for n, c in predicted_places - gold_places),
        "visits": {"tp": len(used), "fp": len(visits) - len(used), "fn": len(misses)},
        "attributes": attributes,
        "other_activities": {"found": others_found, "total": len(others)},
        "misses": misses,
        "extra": extra,
        "wrong": wrong,
    }


def summarize(scores: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Micro-averaged precision / recall / F1 and per-attribute accuracy over many `score_report` results."""
    totals = {key: {"tp": 0, "fp": 0, "fn": 0} for key in ("countries", "localities", "visits")}
    attributes: dict[str, dict[str, int]] = {}
    others = {"found": 0, "total": 0}
    fields: dict[str, dict[str, int]] = {}
    reports = failed = 0
    for score in scores:
        reports += 1
        failed += bool(score.get("failed"))
        for name, correct in (score.get("fields") or {}).items():
            tally = fields.setdefault(name, {"correct": 0, "total": 0})
            tally["correct"] += int(correct)
            tally["total"] += 1
        for key, counts in totals.items():
            for k in counts:
                counts[k] += score[key][k]
        for name, tally in score["attributes"].items():
            into = attributes.setdefault(name, {"correct": 0, "total": 0})
            into["correct"] += tally["correct"]
            into["total"] += tally["total"]
        others["found"] += score["other_activities"]["found"]
        others["total"] += score["other_activities"]["total"]
    field_correct = sum(t["correct"] for t in fields.values())
    field_total = sum(t["total"] for t in fields.values())
    return {
        "reports": reports,
        "failed_files": failed,
        "fields": {
            "correct": field_correct,
            "total": field_total,
            "accuracy": field_correct / field_total if field_total else 1.0,
            "per_field": {name: {**t, "accuracy": t["correct"] / t["total"]} for name, t in fields.items()},
        },
        **{key: _prf(**counts) for key, counts in totals.items()},
        "attributes": {
            name: {**t, "accuracy": t["correct"] / t["total"] if t["total"] else 1.0}
            for name, t in sorted(attributes.items())
        },
        "other_activities": {
            **others,
            "recall": others["found"] / others["total"] if others["total"] else 1.0,
        },
    }
