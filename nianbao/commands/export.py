"""`nianbao export DIR [--warehouse PATH]`: write the core tables and marts of the snapshot as Parquet.

One file per table (DIR/<table>.parquet), read from the published snapshot in Arrow batches.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import pyarrow.parquet as pq

from nianbao import warehouse as wh

EXPORT_TABLES = (
    "institutions", "institution_history", "reports", "finances", "exchange_activities", "activity_countries",
    "activity_localities", "partner_localities", "report_sections", "report_texts", "registration_changes",
    "report_problems", "ingest_files", "quarantine", "data_quality", "data_quality_issues", "ingest_runs",
    "finance_trends", "finance_yearly", "activities_by_country_year", "top_partner_localities",
    "file_outcomes", "quality_summary", "overview",
)  # fmt: skip


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("out_dir", type=Path, help="folder for <table>.parquet files")
    parser.add_argument(
        "--warehouse", help="warehouse file (default: $NIANBAO_WAREHOUSE or data/warehouse.duckdb)"
    )
    parser.set_defaults(func=run)


def export(out_dir: Path, warehouse: str | os.PathLike[str] | None = None) -> dict[str, int]:
    """Write every table to `out_dir/<table>.parquet` (temp file + rename); return {table: rows}."""
    out_dir.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    with wh.connect(warehouse) as con:
        for table in EXPORT_TABLES:
            reader = con.sql(f"SELECT * FROM main.{table}").to_arrow_reader(batch_size=50_000)
            target = out_dir / f"{table}.parquet"
            tmp = target.with_name(f".{target.name}.tmp")
            rows = 0
            with pq.ParquetWriter(tmp, reader.schema, compression="zstd") as writer:
                for batch in reader:
                    writer.write_batch(batch)
                    rows += batch.num_rows
            os.replace(tmp, target)
            counts[table] = rows
    return counts


def run(args: argparse.Namespace) -> int:
    try:
        counts = export(args.out_dir, args.warehouse)
    except wh.SnapshotMissing as exc:
        print(f"nianbao export: {exc}", file=sys.stderr)
        return 2
    for table, rows in counts.items():
        print(f"{table:28s} {rows:>10d}  {args.out_dir / (table + '.parquet')}")
    return 0
