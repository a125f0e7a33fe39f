"""Data-quality asset checks. The rules are SQL (sql/quality.sql) run inside the load transaction and stored
in core.data_quality; these checks report the same rows in the Dagster UI."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import dagster as dg

# check name -> (asset key path, description); quality.sql produces exactly these names.
QUALITY_CHECKS: dict[str, tuple[tuple[str, str], str]] = {
    "uscc_validity_rate": (("core", "reports"), "信用代码有效率 >= 90% / USCC validity rate >= 90 %"),
    "admin_code_vs_address": (
        ("core", "reports"),
        "信用代码区划与住所一致 >= 95% / USCC division code agrees with the address >= 95 %",
    ),
    "net_assets_continuity": (
        ("core", "finances"),
        "上年期末数 = 本年年初数(容差内) >= 95% / previous year-end = this year's start, within tolerance",
    ),
    "duplicate_reports": (
        ("core", "reports"),
        "每单位每年度至多一份当前报告 / at most one current report per institution-year",
    ),
    "required_fields": (("core", "reports"), "必填字段齐全 >= 90% / required fields present >= 90 %"),
    "activity_evidence": (
        ("core", "exchange_activities"),
        "活动依据就在报告原文 span 处 / every activity's evidence is the report text at its span",
    ),
}

CHECK_SPECS = [
    dg.AssetCheckSpec(name, asset=dg.AssetKey(list(asset)), description=description)
    for name, (asset, description) in QUALITY_CHECKS.items()
]


def check_results(rows: Iterable[dict]) -> Iterator[dg.AssetCheckResult]:
    """One AssetCheckResult per check from marts.quality_summary rows (passes when nothing is loaded)."""
    by_name = {row["check_name"]: row for row in rows}
    for name, (asset, _description) in QUALITY_CHECKS.items():
        row = by_name.get(name)
        key = dg.AssetKey(list(asset))
        if row is None:
            yield dg.AssetCheckResult(
                check_name=name, asset_key=key, passed=True, metadata={"note": "no reports loaded yet"}
            )
            continue
        yield dg.AssetCheckResult(
            check_name=name,
            asset_key=key,
            passed=bool(row["passed"]),
            severity=dg.AssetCheckSeverity.ERROR
            if row["severity"] == "ERROR"
            else dg.AssetCheckSeverity.WARN,
            metadata={
                "metric": float(row["metric"]) if row["metric"] is not None else None,
                "threshold": float(row["threshold"]),
                "checked_count": int(row["checked_count"] or 0),
                "failing_count": int(row["failing_count"] or 0),
                "checked_at": str(row["checked_at"]),
                "details": "SELECT * FROM data_quality_issues WHERE check_name = '" + name + "'",
            },
        )
