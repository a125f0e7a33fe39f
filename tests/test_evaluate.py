"""transforms.evaluate: the scorer behind `nianbao eval`, on small hand-made gold / record pairs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from transforms.evaluate import attribute_equal, score_report, summarize


def _visit(evidence: str, **attrs) -> dict:
    row = {
        "kind": "visit",
        "direction": "inbound",
        "countries": [],
        "localities": [],
        "month": None,
        "evidence": evidence,
    }
    row.update(attrs)
    return row


GOLD = {
    "file": "x.txt",
    "exchange": {
        "countries": ["JP", "KR"],
        "localities": [{"name": "甲府市", "country": "JP"}, {"name": "乙郡", "country": "KR"}],
        "visits": [
            {
                "anchor": "甲府市代表团来访",
                "direction": "inbound",
                "countries": ["JP"],
                "localities": ["甲府市"],
                "month": 5,
            },
            {
                "anchor": "赴韩国乙郡",
                "direction": "outbound",
                "countries": ["KR"],
                "localities": ["乙郡"],
                "month": None,
            },
        ],
        "other_activities": [{"anchor": "签署备忘录", "kind": "agreement"}],
    },
}


def test_perfect_record_scores_one() -> None:
    record = {
        "activities": [
            _visit(
                "5月日本甲府市代表团来访",
                countries=["JP"],
                localities=[{"name": "甲府市", "country": "JP"}],
                month=5,
            ),
            _visit(
                "我市代表团赴韩国乙郡",
                direction="outbound",
                countries=["KR"],
                localities=[{"name": "乙郡", "country": "KR"}],
            ),
            {"kind": "agreement", "countries": ["JP"], "localities": [], "evidence": "双方签署备忘录"},
        ]
    }
    score = score_report(GOLD, record)
    summary = summarize([score])
    for key in ("countries", "localities", "visits"):
        assert summary[key]["f1"] == 1.0
    assert all(a["accuracy"] == 1.0 for a in summary["attributes"].values())
    assert summary["other_activities"]["recall"] == 1.0


def test_misses_extras_and_wrong_attributes_are_counted() -> None:
    record = {
        "activities": [
            _visit(
                "5月日本甲府市代表团来访",
                countries=["JP"],
                localities=[{"name": "甲府", "country": "JP"}],
                month=6,
            ),
            _visit("美国代表团来访", countries=["US"]),
        ]
    }
    score = score_report(GOLD, record)
    assert score["visits"] == {"tp": 1, "fp": 1, "fn": 1}
    assert score["countries"] == {"tp": 1, "fp": 1, "fn": 1}
    assert score["localities"] == {"tp": 1, "fp": 0, "fn": 1}  # 甲 == 甲府市: the suffix does not count
    assert score["attributes"]["month"] == {"correct": 0, "total": 1}
    assert score["attributes"]["localities"] == {"correct": 1, "total": 1}
    assert [w["attribute"] for w in score["wrong"]] == ["month"]
    summary = summarize([score])
    assert summary["visits"]["precision"] == pytest.approx(0.5)
    assert summary["visits"]["recall"] == pytest.approx(0.5)


def test_one_predicted_visit_matches_one_gold_visit() -> None:
    gold = {"exchange": {"visits": [{"anchor": "来访"}, {"anchor": "来访"}]}}
    score = score_report(gold, {"activities": [_visit("日本代表团来访")]})
    assert score["visits"] == {"tp": 1, "fp": 0, "fn": 1}


def test_lists_compare_as_sets() -> None:
    assert attribute_equal("theme", ["youth", "education"], ["education", "youth"])
    assert attribute_equal("localities", ["仁川"], [{"name": "仁川市", "country": "KR"}])
    assert not attribute_equal("countries", ["JP"], ["JP", "KR"])
    assert attribute_equal("participants", None, None)


def test_summary_is_micro_averaged() -> None:
    a = {
        "countries": {"tp": 1, "fp": 0, "fn": 0},
        "localities": {"tp": 0, "fp": 0, "fn": 0},
        "visits": {"tp": 9, "fp": 1, "fn": 0},
        "attributes": {},
        "other_activities": {"found": 0, "total": 0},
    }
    b = {**a, "visits": {"tp": 0, "fp": 0, "fn": 10}}
    summary = summarize([a, b])
    assert summary["visits"]["precision"] == pytest.approx(0.9)
    assert summary["visits"]["recall"] == pytest.approx(9 / 19)
    assert summary["reports"] == 2


def test_eval_command_prints_scores(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from nianbao.cli import main

    sample = Path(__file__).resolve().parent.parent / "data" / "samples" / "000_b1d8bfba56152971.txt"
    gold_dir, reports = tmp_path / "gold", tmp_path / "reports"
    gold_dir.mkdir()
    reports.mkdir()
    (reports / sample.name).write_bytes(sample.read_bytes())
    gold = {
        "file": sample.name,
        "exchange": {
            "countries": ["FR"],
            "localities": [],
            "visits": [{"anchor": "率团访问", "direction": "inbound"}],
        },
    }
    (gold_dir / "g.json").write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
    assert main(["eval", "--gold", str(gold_dir), "--reports", str(reports), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["visits"]["tp"] == 1
    assert out["attributes"]["direction"]["accuracy"] == 1.0
