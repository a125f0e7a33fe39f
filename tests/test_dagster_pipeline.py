"""`materialize` of the whole ingest graph on temporary corpora and warehouses."""
# ruff: noqa: E501

from __future__ import annotations

import csv
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest
from test_warehouse_corpus import CORPUS_OUTCOMES, JSON_EXTRACTOR, build_corpus, make_record, write_record

from dagster_project.defs.warehouse.assets import ASSETS, DISCOVERED
from dagster_project.defs.warehouse.resources import InboxResource, ParserResource, WarehouseResource
from nianbao import warehouse as wh

ROOT = Path(__file__).parents[1]
SAMPLE = ROOT / "data" / "samples" / "000_b1d8bfba56152971.txt"
DEMO_MANIFEST = ROOT / "data" / "samples" / "demo" / "manifest.csv"
HAS_PARSER = importlib.util.find_spec("transforms.extract") is not None


def materialize(
    warehouse: Path, paths: list[Path], *, extractor: str = JSON_EXTRACTOR, **parser
) -> dg.ExecuteInProcessResult:
    resources = {
        "warehouse": WarehouseResource(path=str(warehouse)),
        "inbox": InboxResource(path=str(warehouse.parent / "inbox")),
        "parser": ParserResource(extractor=extractor, **{"workers": 1, **parser}),
    }
    config = {"ops": {"__".join(DISCOVERED.path): {"config": {"paths": [str(p) for p in paths]}}}}
    result = dg.materialize(ASSETS, resources=resources, run_config=config)
    assert result.success
    return result


def query(warehouse: Path, sql: str) -> list[tuple]:
    with wh.connect(warehouse) as con:
        return con.execute(sql).fetchall()


def outcomes(warehouse: Path) -> dict[str, str]:
    return dict(query(warehouse, "SELECT file_name, outcome FROM ingest_files"))


@pytest.fixture
def loaded(tmp_path: Path) -> tuple[Path, Path, dg.ExecuteInProcessResult]:
    corpus = build_corpus(tmp_path / "corpus")
    warehouse = tmp_path / "data" / "warehouse.duckdb"
    return warehouse, corpus, materialize(warehouse, [corpus], require_valid_uscc=True)


def test_every_file_gets_exactly_one_outcome(loaded) -> None:
    warehouse, _, _ = loaded
    assert outcomes(warehouse) == CORPUS_OUTCOMES
    assert query(warehouse, "SELECT count(*), count(DISTINCT (path, sha256)) FROM ingest_files") == [(9, 9)]
    reasons = dict(query(warehouse, "SELECT file_name, reason FROM quarantine"))
    assert reasons == {
        "empty.txt": "unreadable",
        "noyear.txt": "no_report_year",
        "crash.txt": "extract_error",
        "b_2024.txt": "invalid_uscc",
        "c_2024_nokey.txt": "missing_uscc",
    }
    # quarantined bytes are kept (all but the empty file, which has none to lose but is kept as well)
    for (copy_path,) in query(warehouse, "SELECT copy_path FROM quarantine"):
        assert (
            copy_path
            and Path(copy_path).exists()
            and Path(copy_path).parent == warehouse.parent / "quarantine"
        )


def test_values_supersede_and_marts(loaded) -> None:
    warehouse, _, _ = loaded
    reports = query(warehouse, "SELECT file_name, status, report_year FROM reports ORDER BY file_name")
    assert reports == [
        ("a_2023.txt", "current", 2023),
        ("a_2024_v1.txt", "superseded", 2024),
        ("a_2024_v2.txt", "current", 2024),
    ]
    assert query(
        warehouse,
        """SELECT startup_capital_wan, net_assets_begin_wan, net_assets_end_wan, headcount FROM finances
           JOIN reports r USING (report_id) WHERE status = 'current' AND r.report_year = 2024""",
    ) == [(10.0, 2.17, 1.35, None)]
    assert query(
        warehouse, "SELECT institution_id, name, first_year, last_year, report_count FROM institutions"
    ) == [("12330500676151570Y", "湖州市人民对外友好协会秘书处", 2023, 2024, 2)]
    assert query(warehouse, "SELECT count(*) FROM exchange_activities WHERE report_status = 'current'") == [
        (4,)
    ]
    assert query(
        warehouse,
        "SELECT country_code, direction, sum(activities) FROM activities_by_country_year GROUP BY ALL ORDER BY 2",
    ) == [("KR", "inbound", 2), ("KR", "outbound", 2)]
    assert query(warehouse, "SELECT name, country_code, first_year, last_year FROM partner_localities") == [
        ("灵岩郡", "KR", 2023, 2024)
    ]
    assert query(warehouse, "SELECT continuity_break FROM finance_trends WHERE report_year = 2024") == [
        (False,)
    ]
    checks = dict(query(warehouse, "SELECT check_name, passed FROM quality_summary"))
    assert checks == {
        "uscc_validity_rate": True,
        "admin_code_vs_address": True,
        "net_assets_continuity": True,
        "duplicate_reports": True,
        "required_fields": True,
        "activity_evidence": True,
    }
    overview = query(warehouse, "SELECT institutions, reports, superseded_reports, files_seen FROM overview")
    assert overview == [(1, 2, 1, 9)]


def test_asset_checks_are_reported_to_dagster(loaded) -> None:
    _, _, result = loaded
    evaluations = {e.check_name: e.passed for e in result.get_asset_check_evaluations()}
    assert set(evaluations) == {
        "uscc_validity_rate",
        "admin_code_vs_address",
        "net_assets_continuity",
        "duplicate_reports",
        "required_fields",
        "activity_evidence",
    }
    assert all(evaluations.values())


def test_second_run_is_a_no_op(loaded) -> None:
    warehouse, corpus, _ = loaded
    snap = wh.snapshot_path(warehouse)
    before = (snap.stat().st_mtime_ns, wh.snapshot_info(warehouse)["version"], outcomes(warehouse))
    tables = query(warehouse, "SELECT count(*) FROM reports UNION ALL SELECT count(*) FROM ingest_runs")
    result = materialize(warehouse, [corpus])
    after = (snap.stat().st_mtime_ns, wh.snapshot_info(warehouse)["version"], outcomes(warehouse))
    assert before == after
    assert tables == query(
        warehouse, "SELECT count(*) FROM reports UNION ALL SELECT count(*) FROM ingest_runs"
    )
    discovered = result.asset_materializations_for_node("staging__discovered_files")[0].metadata
    assert discovered["files_seen"].value == 9 and discovered["unchanged"].value == 9


def test_incremental_correction_supersedes_loaded_report(loaded) -> None:
    warehouse, corpus, _ = loaded
    later = tmp = corpus.parent / "later"
    write_record(tmp / "a_2024_v3.txt", make_record(report_date="2025-06-30", end=1.40))
    touched = corpus / "a_2023.txt"
    os.utime(touched, (1_800_000_000, 1_800_000_000))  # touched, same bytes: not reparsed, no new outcome
    materialize(warehouse, [corpus, later])
    result = outcomes(warehouse)
    assert result["a_2024_v3.txt"] == "loaded" and result["a_2024_v2.txt"] == "superseded"
    assert len(result) == 10
    assert query(
        warehouse,
        "SELECT net_assets_end_wan FROM finances WHERE report_year = 2024 AND report_status = 'current'",
    ) == [(1.40,)]
    assert query(
        warehouse, "SELECT superseded_by IS NOT NULL FROM reports WHERE file_name = 'a_2024_v2.txt'"
    ) == [(True,)]
    assert wh.snapshot_info(warehouse)["version"] == 2
    assert query(
        warehouse, "SELECT previously_loaded_superseded FROM ingest_runs WHERE warehouse_version = 2"
    ) == [(1,)]


def test_reports_without_a_valid_uscc_load_under_a_surrogate_by_default(tmp_path: Path) -> None:
    corpus = build_corpus(tmp_path / "corpus")
    warehouse = tmp_path / "warehouse.duckdb"
    materialize(warehouse, [corpus])
    assert (
        outcomes(warehouse)["b_2024.txt"] == "loaded" and outcomes(warehouse)["c_2024_nokey.txt"] == "loaded"
    )
    ids = [i for (i,) in query(warehouse, "SELECT institution_id FROM institutions ORDER BY 1")]
    assert len(ids) == 3 and sum(i.startswith("X-") for i in ids) == 2


def test_reader_holding_the_snapshot_does_not_block_ingestion(loaded) -> None:
    warehouse, corpus, _ = loaded
    snap = wh.snapshot_path(warehouse)
    reader = subprocess.Popen(
        [sys.executable, "-c", (
            "import duckdb, sys\n"
            f"con = duckdb.connect({str(snap)!r}, read_only=True)\n"
            "print(con.execute('SELECT count(*) FROM ingest_files').fetchall()[0][0], flush=True)\n"
            "sys.stdin.readline()\n"
            "print(con.execute('SELECT count(*) FROM ingest_files').fetchall()[0][0], flush=True)\n"
        )],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert reader.stdout.readline().strip() == "9"
        write_record(
            corpus.parent / "more" / "d_2024.txt", make_record(name="新单位", uscc="12330500MB0000000X")
        )
        materialize(warehouse, [corpus, corpus.parent / "more"])
        assert wh.snapshot_info(warehouse)["version"] == 2
        assert query(warehouse, "SELECT count(*) FROM ingest_files") == [(10,)]
        out, _ = reader.communicate("\n", timeout=300)
        assert out.strip() == "9"  # the reader kept its consistent (old) snapshot
    finally:
        reader.kill()


@pytest.mark.skipif(not HAS_PARSER, reason="transforms.extract not available yet")
def test_real_sample_with_real_parser(tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    materialize(warehouse, [SAMPLE], extractor="transforms.extract:extract_bytes")
    assert outcomes(warehouse) == {SAMPLE.name: "loaded"}
    assert query(
        warehouse, "SELECT startup_capital_wan, net_assets_begin_wan, net_assets_end_wan FROM finances"
    ) == [(10.0, 2.17, 1.35)]
    assert query(warehouse, "SELECT institution_id, name, city FROM institutions") == [
        ("12330500676151570Y", "湖州市人民对外友好协会秘书处", "湖州市")
    ]
    visits = query(warehouse, "SELECT count(*) FROM exchange_activities WHERE kind = 'visit'")[0][0]
    assert visits == 8
    countries = {c for (c,) in query(warehouse, "SELECT DISTINCT country_code FROM activity_countries")}
    assert countries == {"BR", "DE", "FR", "JP", "KR", "MA"}


REPORT = """单位名称 | {name} |
统一社会信用代码 | {uscc} |
住所 | 江苏省无锡市梁溪区人民中路1号 |
开办资金(万元) | 10.00 | 经费来源 | 财政全额补助 |
年初数(万元) | 1.00 | 期末数(万元) | 2.00 |
开展业务活动情况及取得的社会效益 | {narrative} |
"""


def test_partner_localities_learned_in_one_run_resolve_bare_mentions_in_the_next(tmp_path: Path) -> None:
    """Report B never names the country of 南伊豆町; report A (another institution, an earlier run) did."""
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    (first / "a_2023.txt").write_text(
        REPORT.format(
            name="无锡市国际交流中心",
            uscc="12320200MB0000001X",
            narrative="2023年度,接待日本南伊豆町代表团一行8人来访。",
        ),
        encoding="utf-8",
    )
    (second / "b_2024.txt").write_text(
        REPORT.format(
            name="无锡市外事服务中心",
            uscc="12320200MB0000002X",
            narrative="2024年度,本中心代表团一行6人赴南伊豆町开展友好交流访问。",
        ),
        encoding="utf-8",
    )
    from transforms.extract import extract_file

    assert extract_file(second / "b_2024.txt")["activities"] == []  # on its own, 南伊豆町 has no country
    warehouse = tmp_path / "warehouse.duckdb"
    real = "transforms.extract:extract_bytes"
    materialize(warehouse, [first], extractor=real)
    materialize(warehouse, [first, second], extractor=real)
    rows = query(
        warehouse,
        """SELECT r.file_name, a.direction, c.country_code FROM exchange_activities a
           JOIN reports r USING (report_id) JOIN activity_countries c USING (activity_id) ORDER BY 1""",
    )
    assert rows == [("a_2023.txt", "inbound", "JP"), ("b_2024.txt", "outbound", "JP")]


def _manifest_matches(manifest: Path, reports_dir: Path, tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    materialize(warehouse, [reports_dir], extractor="transforms.extract:extract_bytes", workers=2)
    with manifest.open(encoding="utf-8") as handle:
        expected = {Path(row["file"]).name: row["expected_outcome"] for row in csv.DictReader(handle)}
    assert outcomes(warehouse) == expected
    seen, *parts = query(
        warehouse,
        "SELECT count(*), count(*) FILTER (outcome = 'loaded'), count(*) FILTER (outcome = 'duplicate'),"
        " count(*) FILTER (outcome = 'superseded'), count(*) FILTER (outcome = 'quarantined') FROM ingest_files",
    )[0]
    assert seen == sum(parts) == len(expected)


@pytest.mark.skipif(not HAS_PARSER, reason="transforms.extract not available yet")
def test_generated_corpus_manifest_outcomes(tmp_path: Path) -> None:
    out = tmp_path / "gen"
    subprocess.run(
        [sys.executable, "-m", "nianbao.cli", "generate", str(out), "--institutions", "40", "--years", "2021-2024",
         "--seed", "3", "--defects", "0.3"],
        check=True, capture_output=True, cwd=ROOT,
    )  # fmt: skip
    manifest_outcomes = {row["expected_outcome"] for row in csv.DictReader((out / "manifest.csv").open())}
    assert manifest_outcomes == {"loaded", "duplicate", "superseded", "quarantined"}
    _manifest_matches(out / "manifest.csv", out / "reports", tmp_path)


@pytest.mark.skipif(not (HAS_PARSER and DEMO_MANIFEST.exists()), reason="demo corpus not generated yet")
def test_demo_corpus_manifest_outcomes(tmp_path: Path) -> None:
    reports = DEMO_MANIFEST.parent / "reports"
    _manifest_matches(DEMO_MANIFEST, reports if reports.exists() else DEMO_MANIFEST.parent, tmp_path)


def test_snapshot_info_json(loaded) -> None:
    warehouse, _, _ = loaded
    info = json.loads(wh.snapshot_info_path(warehouse).read_text(encoding="utf-8"))
    assert info["version"] == 1 and info["counts"]["files"] == 9 and info["last_ingest_at"].endswith("Z")
