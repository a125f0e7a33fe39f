"""Nothing silently wrong in the warehouse:

- implausible values (a report year before the 1998 regulations or after next year, an amount or head count
  no institution reaches, a negative head count) never load as they stand: the year quarantines the report,
  the values load as null with an `error` problem, so no trend and no total includes them;
- a report whose USCC is invalid but whose name is that of exactly one institution with a valid USCC joins
  that institution, with a warning problem, instead of starting a second one.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from test_dagster_pipeline import materialize, outcomes, query
from test_warehouse_corpus import make_record, write_record

from transforms.plausibility import bounds, implausible
from transforms.tables import FileFacts, TableBatch

USCC = "12330500676151570Y"


def test_bounds_come_from_the_data_file_with_their_sources() -> None:
    assert bounds()["report_year"] == (1998.0, None)
    assert bounds()["headcount"] == (0.0, 100_000.0)
    today = dt.date(2026, 12, 3)
    assert implausible("report_year", 2027, today) is None
    assert "above 2027" in implausible("report_year", 2028, today)
    assert "below 1998" in implausible("report_year", 1997, today)
    assert implausible("net_assets_end_wan", -3.5, today) is None, "a deficit is real"
    assert implausible("startup_capital_wan", -1, today)
    assert implausible("headcount", 15_000, today) is None
    assert implausible("net_assets_begin_wan", float("nan"), today)


def test_an_implausible_value_is_null_with_an_error_problem() -> None:
    record = make_record(begin=5e9)
    record["finance"]["headcount"] = -3
    batch = TableBatch(today=dt.date(2026, 12, 3))
    batch.add_record(record, FileFacts("/x/a.txt", "ab" * 32, 10, 0))
    [finance] = batch.rows["finances"]
    assert finance["net_assets_begin_wan"] is None and finance["headcount"] is None
    assert finance["net_assets_change_wan"] is None and finance["net_assets_end_wan"] == 1.35
    problems = {(p["field"], p["severity"]) for p in batch.rows["report_problems"]}
    assert problems == {("finance.net_assets_begin_wan", "error"), ("finance.headcount", "error")}
    assert batch.rows["reports"][0]["error_count"] == 2


def test_implausible_values_stay_out_of_every_trend_and_total(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    write_record(corpus / "ok_2023.txt", make_record(year=2023, begin=3.0, end=2.17))
    wrong = make_record(year=2024, begin=2.17, end=1.35e9)  # 元 typed under a 万元 label, and more
    wrong["finance"]["startup_capital_wan"] = -10
    write_record(corpus / "typo_2024.txt", wrong)
    write_record(corpus / "old_1990.txt", make_record(name="老单位", uscc="12330500MB0000001X", year=1990))
    write_record(corpus / "future.txt", make_record(name="未来单位", uscc="12330500MB0000002X", year=2099))
    warehouse = tmp_path / "warehouse.duckdb"
    materialize(warehouse, [corpus])
    result = outcomes(warehouse)
    assert result["old_1990.txt"] == result["future.txt"] == "quarantined"
    reasons = dict(query(warehouse, "SELECT file_name, reason FROM quarantine"))
    assert reasons == {"old_1990.txt": "implausible_year", "future.txt": "implausible_year"}
    assert query(
        warehouse, "SELECT startup_capital_wan, net_assets_end_wan FROM finances WHERE report_year = 2024"
    ) == [(None, None)]
    errors = query(
        warehouse,
        "SELECT field FROM report_problems WHERE severity = 'error' AND message LIKE 'implausible%' "
        "ORDER BY 1",
    )
    assert errors == [("finance.net_assets_end_wan",), ("finance.startup_capital_wan",)]
    totals = query(warehouse, "SELECT max(net_assets_end_wan), sum(startup_capital_wan) FROM finance_trends")
    assert totals == [(2.17, 10.0)], "the wrong values are in no trend and no total"
    assert query(warehouse, "SELECT max(net_assets_end_total_wan) FROM finance_yearly")[0][0] < 1e3


def test_a_misspelt_uscc_joins_the_only_institution_of_that_name(tmp_path: Path) -> None:
    first, later = tmp_path / "first", tmp_path / "later"
    write_record(first / "a_2023.txt", make_record(year=2023, begin=3.0, end=2.17))
    write_record(first / "zw_2024.txt", make_record(uscc=USCC + "\u200b", uscc_valid=False))  # same batch
    write_record(later / "typo_2022.txt", make_record(year=2022, uscc="12330500676151571Y", uscc_valid=False))
    write_record(first / "twin_a.txt", make_record(name="同名单位", uscc="12330500MB0000003X", year=2023))
    write_record(first / "twin_b.txt", make_record(name="同名单位", uscc="12330500MB0000004X", year=2023))
    write_record(
        first / "twin_bad.txt", make_record(name="同名单位", uscc="12330500MB000000ZZ", uscc_valid=False)
    )
    warehouse = tmp_path / "warehouse.duckdb"
    materialize(warehouse, [first])
    materialize(warehouse, [first, later])  # a later batch joins an institution loaded earlier
    assert query(
        warehouse,
        "SELECT first_year, last_year, report_count, uscc, uscc_valid FROM institutions "
        f"WHERE institution_id = '{USCC}'",
    ) == [(2022, 2024, 3, USCC, True)]
    reports = dict(query(warehouse, "SELECT file_name, report_id FROM reports"))
    assert reports["zw_2024.txt"].startswith(f"2024_{USCC}_") and reports["typo_2022.txt"].startswith(
        f"2022_{USCC}_"
    )
    warnings = query(
        warehouse,
        "SELECT r.file_name, p.message FROM report_problems p JOIN reports r USING (report_id) "
        "WHERE p.field = 'institution.uscc' AND p.severity = 'warning' AND p.message LIKE '%joined%' "
        "ORDER BY 1",
    )
    assert [name for name, _ in warnings] == ["typo_2022.txt", "zw_2024.txt"]
    assert "12330500676151571Y" in warnings[0][1]
    assert query(
        warehouse,
        "SELECT count(*) FROM exchange_activities WHERE institution_id = ?".replace("?", f"'{USCC}'"),
    ) == [(6,)]
    twin = query(warehouse, "SELECT institution_id FROM reports WHERE file_name = 'twin_bad.txt'")[0][0]
    assert twin.startswith("X-"), "two institutions share that name: no guess"


def test_the_result_does_not_depend_on_which_report_came_first(tmp_path: Path) -> None:
    """The misspelt report loaded first keeps a surrogate id only until the valid one arrives; then the
    warehouse equals one that loaded both at once."""
    early, late = tmp_path / "early", tmp_path / "late"
    write_record(early / "typo_2023.txt", make_record(year=2023, uscc=USCC[:-1] + "1", uscc_valid=False))
    write_record(late / "ok_2024.txt", make_record(year=2024))
    write_record(late / "ok_2023_fix.txt", make_record(year=2023, report_date="2025-01-01", end=2.2))
    at_once, in_turn = tmp_path / "at_once.duckdb", tmp_path / "in_turn.duckdb"
    materialize(at_once, [early, late])
    materialize(in_turn, [early])
    assert query(in_turn, "SELECT institution_id FROM reports")[0][0].startswith("X-")
    materialize(in_turn, [early, late])
    tables = (
        "SELECT report_id, institution_id, status, superseded_by, problem_count FROM reports ORDER BY 1",
        "SELECT * FROM finances ORDER BY 1",
        "SELECT activity_id, report_id, institution_id FROM exchange_activities ORDER BY 1",
        "SELECT * FROM activity_countries ORDER BY ALL",
        "SELECT report_id, problem_no, field, severity FROM report_problems ORDER BY ALL",
        "SELECT institution_id, first_year, last_year, report_count FROM institutions ORDER BY 1",
        "SELECT file_name, outcome, report_id, superseded_by FROM ingest_files ORDER BY 1",
    )
    for sql in tables:
        assert query(in_turn, sql) == query(at_once, sql), sql
    assert query(in_turn, "SELECT count(*) FROM institutions") == [(1,)]
