"""The activity extractor on hand-written sentences (tests/data/activity_sentences.yaml).

Why precision and recall per attribute rather than exact rows: the set is meant to grow with every phrasing a
real report shows, and a rule change should be judged by what it does to each attribute over the whole set.
Thresholds: 0.9 everywhere (the set holds ~50 sentences, so one miss per attribute is tolerated, two are not);
visit precision and recall must stay at 0.95, since visits are what the warehouse counts.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from transforms.activities import extract_activities
from transforms.evaluate import attribute_equal

DATA = Path(__file__).resolve().parent / "data" / "activity_sentences.yaml"
ITEMS: list[dict[str, Any]] = yaml.safe_load(DATA.read_text(encoding="utf-8"))

ATTRIBUTES = (
    "kind",
    "direction",
    "countries",
    "regions",
    "localities",
    "month",
    "participants",
    "person_times",
    "batches",
    "times",
    "events",
    "approximate",
    "theme",
    "partner_org",
)
CHECKED_ONLY_WHEN_GIVEN = {"theme", "partner_org"}
THRESHOLD = 0.9
VISIT_THRESHOLD = 0.95


def _empty(value: Any) -> bool:
    return value in (None, [], False, "")


def _predicted_value(name: str, row: dict[str, Any]) -> Any:
    if name == "localities":
        return [loc["name"] for loc in row["localities"]]
    return row.get(name)


def _score() -> tuple[dict[str, dict[str, int]], dict[str, int], list[str]]:
    tallies = {a: {"expected": 0, "predicted": 0, "correct": 0} for a in ATTRIBUTES}
    visits = {"tp": 0, "fp": 0, "fn": 0}
    failures: list[str] = []
    for item in ITEMS:
        rows = extract_activities(item["text"], home_names=item["home"])
        used: set[int] = set()
        for exp in item["expect"] or ():
            match = next(
                (
                    i
                    for i, r in enumerate(rows)
                    if i not in used
                    and exp["anchor"] in r["evidence"]
                    and (r["kind"] == "visit") == (exp["kind"] == "visit")
                ),
                None,
            )
            row = rows[match] if match is not None else None
            if match is not None:
                used.add(match)
            if exp["kind"] == "visit":
                visits["tp" if row else "fn"] += 1
            if row is None:
                failures.append(f"{item['id']}: nothing for {exp['anchor']!r}")
            for name in ATTRIBUTES:
                if name in CHECKED_ONLY_WHEN_GIVEN and name not in exp:
                    continue
                gold = exp.get(name)
                got = _predicted_value(name, row) if row else None
                tally = tallies[name]
                tally["expected"] += not _empty(gold)
                tally["predicted"] += not _empty(got)
                if not _empty(gold) and attribute_equal(name, gold, got):
                    tally["correct"] += 1
                elif row is not None and not (_empty(gold) and _empty(got)):
                    failures.append(f"{item['id']}: {exp['anchor']!r} {name}: expected {gold!r}, got {got!r}")
        for i, row in enumerate(rows):
            if i in used:
                continue
            if row["kind"] == "visit":
                visits["fp"] += 1
                failures.append(f"{item['id']}: unexpected visit {row['evidence']!r}")
            elif item.get("exhaustive"):
                failures.append(f"{item['id']}: unexpected {row['kind']} {row['evidence']!r}")
                tallies["kind"]["predicted"] += 1
    return tallies, visits, failures


@pytest.fixture(scope="module")
def scored() -> tuple[dict[str, dict[str, int]], dict[str, int], list[str]]:
    return _score()


def test_the_set_is_large_enough() -> None:
    assert len(ITEMS) >= 40
    assert sum(1 for item in ITEMS if not item["expect"]) >= 4  # narratives with no foreign work


def test_visits_found(scored) -> None:
    _, visits, failures = scored
    precision = visits["tp"] / (visits["tp"] + visits["fp"])
    recall = visits["tp"] / (visits["tp"] + visits["fn"])
    assert precision >= VISIT_THRESHOLD and recall >= VISIT_THRESHOLD, "\n".join(failures)


@pytest.mark.parametrize("name", ATTRIBUTES)
def test_attribute_precision_and_recall(scored, name: str) -> None:
    tallies, _, failures = scored
    t = tallies[name]
    precision = t["correct"] / t["predicted"] if t["predicted"] else 1.0
    recall = t["correct"] / t["expected"] if t["expected"] else 1.0
    relevant = "\n".join(f for f in failures if f" {name}:" in f or "nothing" in f or "unexpected" in f)
    assert precision >= THRESHOLD, f"{name} precision {precision:.2f}\n{relevant}"
    assert recall >= THRESHOLD, f"{name} recall {recall:.2f}\n{relevant}"


def test_no_foreign_work_gives_nothing() -> None:
    for item in ITEMS:
        if not item["expect"] and item.get("exhaustive"):
            assert extract_activities(item["text"], home_names=item["home"]) == [], item["id"]


def test_evidence_is_the_span_of_the_narrative() -> None:
    for item in ITEMS:
        for row in extract_activities(item["text"], home_names=item["home"]):
            start, end = row["span"]
            assert item["text"][start:end] == row["evidence"]
