"""Test records written to the contract in docs/record.md, a JSON "extractor" for them, and corpus builders.

The pipeline's extractor is pluggable (`ParserResource.extractor`); tests use `json_extract`, which reads a
file holding one record as JSON, so the warehouse is tested on exact, known records. Tests with the real
parser (`transforms.extract`) skip until it exists.
"""

# ruff: noqa: E501  (record literals are kept one field group per line)
from __future__ import annotations

import copy
import json
import os
from pathlib import Path

from transforms.errors import UnreadableFile

JSON_EXTRACTOR = "test_warehouse_corpus:json_extract"

NARRATIVE = (
    "湖州市人民对外友好协会秘书处无内设机构。\n"
    "5月行知中学师生22人访问灵岩郡女子中高等学校并开展交流,11月灵岩郡女子中高等学校师生25人回访湖州。"
)


def json_extract(data: bytes, path: str, **_options: object) -> dict:
    """Stand-in for transforms.extract.extract_bytes: the file IS the record (JSON); options are ignored."""
    try:
        record = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UnreadableFile(path, "不是年报 / not a report") from exc
    if not isinstance(record, dict):
        raise UnreadableFile(path, "不是年报 / not a report")
    if record.get("boom"):
        raise RuntimeError("extractor bug")
    record["source"] = {"path": path, "sha256": None, "format": "txt", "encoding": "utf-8"}
    return record


def _span(text: str) -> list[int]:
    start = NARRATIVE.index(text)
    return [start, start + len(text)]


def make_record(
    *,
    name: str = "湖州市人民对外友好协会秘书处",
    uscc: str | None = "12330500676151570Y",
    uscc_valid: bool | None = True,
    year: int | None = 2024,
    report_date: str | None = None,
    begin: float | None = 2.17,
    end: float | None = 1.35,
    legal_representative: str = "张翼",
    activities: bool = True,
) -> dict:
    visit1 = "5月行知中学师生22人访问灵岩郡女子中高等学校并开展交流"
    visit2 = "11月灵岩郡女子中高等学校师生25人回访湖州"
    record = {
        "source": {"path": None, "sha256": None, "format": "txt", "encoding": "utf-8"},
        "report_year": year,
        "report_date": report_date,
        "institution": {
            "name": name, "uscc": uscc, "uscc_valid": uscc_valid, "legal_representative": legal_representative,
            "address": "湖州市行政中心2号楼11楼", "province": "浙江省", "city": "湖州市", "district": None,
            "admin_code": "330500", "sponsor": "湖州市人民政府外事办公室", "funding_source": "财政全额补助",
            "funding_source_category": "全额", "purpose_scope": "承担与国外民间友好组织……", "website_name": None,
        },
        "finance": {"startup_capital_wan": 10.0, "net_assets_begin_wan": begin, "net_assets_end_wan": end,
                    "headcount": None},
        "sections": {"基本情况": NARRATIVE.split("\n")[0], "开展的主要工作及取得主要效益": NARRATIVE.split("\n")[1]},
        "narrative": NARRATIVE,
        "registration_changes": [{"date": "2024-05-06", "what": "事业单位法人证书换领"}],
        "qualifications": "无", "awards_litigation": "无", "donations": "无",
        "activities": [],
        "problems": [],
    }  # fmt: skip
    if activities:
        record["activities"] = [
            {"kind": "visit", "direction": "outbound", "countries": ["KR"], "regions": [],
             "localities": [{"name": "灵岩郡", "country": "KR"}], "partner_org": None, "month": 5,
             "participants": 22, "person_times": None, "batches": None, "times": None, "events": None,
             "approximate": False, "theme": ["education", "youth"], "evidence": visit1, "span": _span(visit1)},
            {"kind": "visit", "direction": "inbound", "countries": ["KR"], "regions": [],
             "localities": [{"name": "灵岩郡", "country": "KR"}], "partner_org": None, "month": 11,
             "participants": 25, "person_times": None, "batches": None, "times": None, "events": None,
             "approximate": False, "theme": ["education", "youth"], "evidence": visit2, "span": _span(visit2)},
        ]  # fmt: skip
    return record


def write_record(path: Path, record: dict, mtime: float | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record, ensure_ascii=False, sort_keys=True), encoding="utf-8")
    if mtime is not None:
        os.utime(path, (mtime, mtime))
    return path


# Expected outcome per file name of `build_corpus`.
CORPUS_OUTCOMES = {
    "a_2023.txt": "loaded",
    "a_2024_v1.txt": "superseded",
    "a_2024_v2.txt": "loaded",
    "a_2024_copy.txt": "duplicate",
    "b_2024.txt": "quarantined",  # invalid USCC (loads under a surrogate id with require_valid_uscc=False)
    "c_2024_nokey.txt": "quarantined",  # no USCC
    "empty.txt": "quarantined",
    "noyear.txt": "quarantined",
    "crash.txt": "quarantined",
}


def build_corpus(root: Path) -> Path:
    """Nine files covering every outcome; see CORPUS_OUTCOMES."""
    base = 1_700_000_000
    a23 = make_record(year=2023, begin=3.0, end=2.17)
    a24_v1 = make_record(report_date="2025-01-10", end=1.30)
    a24_v2 = make_record(report_date="2025-03-01")
    b24 = make_record(name="湖州市青少年宫", uscc="12330500MB1234567X", uscc_valid=False, begin=5.0, end=6.5,
                      activities=False)  # fmt: skip
    c24 = make_record(name="某某研究所", uscc=None, uscc_valid=None, begin=None, end=None, activities=False)
    write_record(root / "a_2023.txt", a23, base)
    write_record(root / "a_2024_v1.txt", a24_v1, base + 10)
    write_record(root / "a_2024_v2.txt", a24_v2, base + 20)
    write_record(root / "sub" / "a_2024_copy.txt", a24_v2, base + 30)
    write_record(root / "b_2024.txt", b24, base)
    write_record(root / "c_2024_nokey.txt", c24, base)
    (root / "empty.txt").write_bytes(b"")
    write_record(root / "noyear.txt", make_record(year=None), base)
    write_record(root / "crash.txt", {**copy.deepcopy(a23), "boom": True}, base)
    (root / "manifest.csv").write_text("file,outcome\n", encoding="utf-8")  # ignored by discovery
    return root


def test_json_extract_round_trip(tmp_path: Path) -> None:
    path = write_record(tmp_path / "r.txt", make_record())
    record = json_extract(path.read_bytes(), str(path))
    assert record["finance"]["net_assets_end_wan"] == 1.35
    for activity in record["activities"]:
        assert record["narrative"][activity["span"][0] : activity["span"][1]] == activity["evidence"]
