"""transforms/tables.py: records -> staging rows (pure), and its schemas equal the staging tables."""

from __future__ import annotations

import re
from pathlib import Path

from test_warehouse_corpus import make_record

from transforms.tables import TABLE_SCHEMAS, FileFacts, TableBatch, content_key, institution_id, report_id

SCHEMA_SQL = Path(__file__).parents[1] / "dagster_project" / "sql" / "schema.sql"
FACTS = FileFacts("/in/a.txt", "ab" * 32, 100, 1_700_000_000_000_000_000)


def test_schemas_match_staging_tables() -> None:
    sql = SCHEMA_SQL.read_text(encoding="utf-8")
    for name, schema in TABLE_SCHEMAS.items():
        body = re.search(rf"CREATE TABLE IF NOT EXISTS staging\.{name} \((.*?)\);", sql, re.S)
        assert body, name
        columns = [part.split()[0] for part in re.sub(r"\s+", " ", body.group(1)).split(",") if part.strip()]
        assert columns == schema.names, name


def test_record_flattens_to_every_table() -> None:
    batch = TableBatch()
    batch.add_record(make_record(report_date="2025-03-01"), FACTS)
    tables = batch.to_arrow()
    rid = report_id(2024, "12330500676151570Y", FACTS.sha256)
    assert rid == "2024_12330500676151570Y_abababababab"
    assert tables["files"].to_pylist()[0]["parse_status"] == "parsed"
    report = tables["reports"].to_pylist()[0]
    assert report["report_id"] == rid and report["name"] == "湖州市人民对外友好协会秘书处"
    assert str(report["report_date"]) == "2025-03-01" and report["activity_count"] == 2
    finance = tables["finances"].to_pylist()[0]
    assert (
        finance["startup_capital_wan"],
        finance["net_assets_begin_wan"],
        finance["net_assets_end_wan"],
    ) == (
        10.0,
        2.17,
        1.35,
    )
    assert finance["net_assets_change_wan"] == -0.82 and finance["headcount"] is None
    activities = tables["exchange_activities"].to_pylist()
    assert [a["activity_id"] for a in activities] == [f"{rid}_001", f"{rid}_002"]
    assert activities[0]["direction"] == "outbound" and activities[0]["participants"] == 22
    assert tables["activity_countries"].num_rows == 2
    assert tables["activity_localities"].to_pylist()[0] == {
        "activity_id": f"{rid}_001",
        "locality_name": "灵岩郡",
        "country_code": "KR",
    }
    narrative = tables["report_texts"].to_pylist()[0]["narrative"]
    for section in tables["report_sections"].to_pylist():
        assert narrative[section["start_offset"] : section["end_offset"]] == section["text"]
    assert tables["registration_changes"].to_pylist()[0]["what"] == "事业单位法人证书换领"


def test_unplaceable_records_become_quarantine_rows() -> None:
    batch = TableBatch(require_valid_uscc=True)
    batch.add_record(make_record(year=None), FACTS)
    batch.add_record(make_record(uscc=None, uscc_valid=None), FACTS)
    batch.add_record(make_record(uscc_valid=False), FACTS)
    batch.add_failure(FACTS, "unreadable", "unreadable", "空文件")
    files = batch.to_arrow()["files"].to_pylist()
    assert [(f["parse_status"], f["reason"]) for f in files] == [
        ("invalid", "no_report_year"),
        ("invalid", "missing_uscc"),
        ("invalid", "invalid_uscc"),
        ("unreadable", "unreadable"),
    ]
    assert batch.to_arrow()["reports"].num_rows == 0


def test_surrogate_institution_ids_by_default() -> None:
    batch = TableBatch()
    batch.add_record(make_record(uscc="123", uscc_valid=False, name="某单位"), FACTS)
    (report,) = batch.to_arrow()["reports"].to_pylist()
    assert report["institution_id"] == institution_id("123", False, "某单位")
    assert report["institution_id"].startswith("X-") and report["institution_id"].isascii()
    assert report["uscc"] == "123" and report["uscc_valid"] is False


def test_junk_values_become_null_and_content_key_ignores_source() -> None:
    record = make_record()
    record["finance"]["headcount"] = "twelve"
    record["activities"][0]["month"] = "May"
    batch = TableBatch()
    batch.add_record(record, FACTS)
    assert batch.to_arrow()["finances"].to_pylist()[0]["headcount"] is None
    assert batch.to_arrow()["exchange_activities"].to_pylist()[0]["month"] is None
    other = make_record()
    other["source"] = {"path": "/elsewhere.html", "format": "html"}
    assert content_key(make_record()) == content_key(other)
