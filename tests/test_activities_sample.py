"""The activity extractor on the real sample report against its hand-labelled gold (shared/gold).

Why through transforms.evaluate: the product's own scorer (`nianbao eval`) is what users run on their gold
files, so the sample is held to exactly the numbers that command prints.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from transforms.activities import extract_activities, home_names_for, learn_partner_localities
from transforms.evaluate import score_report, summarize

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "samples" / "000_b1d8bfba56152971.txt"
GOLD_PATHS = (
    ROOT.parent / "shared" / "gold" / SAMPLE.with_suffix(".json").name,
    ROOT / "tests" / "data" / "gold_sample.json",
)


def _gold() -> dict:
    for path in GOLD_PATHS:
        if path.is_file():
            gold = json.loads(path.read_text(encoding="utf-8"))
            if gold.get("exchange"):
                return gold
    pytest.skip("no gold file for the sample")


def _narrative_from_text(text: str) -> str:
    """The 开展业务情况 section values joined by newlines, read straight from the "label | value |" lines."""
    parts = []
    for line in text.splitlines():
        cells = [c.strip() for c in line.split("|")]
        if len(cells) >= 2 and cells[0][:2] in ("一、", "二、", "三、", "四、"):
            parts.append(cells[1])
    return "\n".join(parts)


@pytest.fixture(scope="module")
def record() -> dict:
    try:
        from transforms.extract import extract_file
    except ImportError:
        narrative = _narrative_from_text(SAMPLE.read_text(encoding="utf-8"))
        institution = {"city": "湖州市", "province": "浙江省"}
        rec = {"narrative": narrative, "institution": institution}
    else:
        rec = extract_file(SAMPLE)
    rec["activities"] = extract_activities(rec["narrative"], home_names=home_names_for(rec["institution"]))
    return rec


def test_narrative_matches_the_section_texts(record: dict) -> None:
    assert record["narrative"] == _narrative_from_text(SAMPLE.read_text(encoding="utf-8"))


def test_every_gold_visit_found_with_every_attribute(record: dict) -> None:
    score = score_report(_gold(), record)
    summary = summarize([score])
    assert summary["visits"]["f1"] == 1.0, (score["misses"], score["extra"])
    assert not score["wrong"], score["wrong"]
    assert all(a["accuracy"] == 1.0 for a in summary["attributes"].values())


def test_country_and_locality_sets_are_exact(record: dict) -> None:
    gold = _gold()["exchange"]
    countries = {c for a in record["activities"] for c in a["countries"]}
    localities = {(loc["name"], loc["country"]) for a in record["activities"] for loc in a["localities"]}
    assert countries == set(gold["countries"])
    assert localities == {(loc["name"], loc["country"]) for loc in gold["localities"]}


def test_other_activities_found(record: dict) -> None:
    assert summarize([score_report(_gold(), record)])["other_activities"]["recall"] == 1.0


def test_rows_follow_the_record_contract(record: dict) -> None:
    keys = [
        "kind",
        "direction",
        "countries",
        "regions",
        "localities",
        "partner_org",
        "month",
        "participants",
        "person_times",
        "batches",
        "times",
        "events",
        "approximate",
        "theme",
        "evidence",
        "span",
    ]
    for row in record["activities"]:
        assert list(row) == keys
        assert record["narrative"][row["span"][0] : row["span"][1]] == row["evidence"]
        assert (row["direction"] is None) or row["kind"] == "visit"
        assert row["countries"] == sorted(row["countries"])
        assert not {"HK", "MO", "TW", "CN"} & set(row["countries"])


def test_home_city_is_never_a_foreign_locality(record: dict) -> None:
    names = {loc["name"] for a in record["activities"] for loc in a["localities"]}
    assert not names & {"湖州市", "湖州", "浙江省"}


def test_corpus_learning_resolves_bare_mentions(record: dict) -> None:
    # 灵岩郡 is a county too small for GeoNames' list: only the sample (韩国灵岩郡) ties it to Korea
    learned = learn_partner_localities([record])
    assert learned["灵岩郡"] == "KR" and learned["北九州市"] == "JP"
    sentence = "3月,灵岩郡女子中学代表团一行5人来访。"
    rows = extract_activities(sentence, home_names=["湖州市"], known_localities=learned)
    assert [(r["kind"], r["direction"], r["countries"], r["localities"]) for r in rows] == [
        ("visit", "inbound", ["KR"], [{"name": "灵岩郡", "country": "KR"}])
    ]
    assert extract_activities(sentence, home_names=["湖州市"]) == []
