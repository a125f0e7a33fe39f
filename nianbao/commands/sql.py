"""`nianbao sql [--warehouse PATH] [--format table|csv|json] "SELECT ..."`: query the published snapshot.

Read-only and sandboxed (see nianbao.warehouse.run_query): one SELECT-like statement, no file access,
a row limit and a time limit.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import decimal
import json
import sys
import unicodedata

import duckdb

from nianbao import warehouse as wh


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "query", help='one SELECT / WITH / FROM / DESCRIBE statement, e.g. "SELECT * FROM reports"'
    )
    parser.add_argument(
        "--warehouse", help="warehouse file (default: $NIANBAO_WAREHOUSE or data/warehouse.duckdb)"
    )
    parser.add_argument("--format", choices=("table", "csv", "json"), default="table")
    parser.add_argument("--max-rows", type=int, default=wh.DEFAULT_MAX_ROWS, help="row limit (default 10000)")
    parser.add_argument("--timeout", type=float, default=wh.DEFAULT_TIMEOUT_S, help="seconds (default 10)")
    parser.set_defaults(func=run)


def _cell(value) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, float):
        return f"{value:.10g}"
    if isinstance(value, list | tuple | dict):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def format_table(columns: list[str], rows: list[tuple], max_cell: int = 60) -> str:
    cells = [[_cell(v).replace("\n", " ") for v in row] for row in rows]
    cells = [[c if _width(c) <= max_cell else c[: max_cell // 2] + "…" for c in row] for row in cells]
    widths = [max([_width(c)] + [_width(row[i]) for row in cells]) for i, c in enumerate(columns)]
    line = "+" + "+".join("-" * (w + 2) for w in widths) + "+"
    out = [line, "| " + " | ".join(_pad(c, w) for c, w in zip(columns, widths, strict=True)) + " |", line]
    out += ["| " + " | ".join(_pad(c, w) for c, w in zip(row, widths, strict=True)) + " |" for row in cells]
    out.append(line)
    return "\n".join(out)


def _json_default(value):
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    return str(value)


def run(args: argparse.Namespace) -> int:
    try:
        result = wh.run_query(args.query, args.warehouse, max_rows=args.max_rows, timeout_s=args.timeout)
    except (wh.UnsafeQuery, wh.QueryTimeout, wh.SnapshotMissing) as exc:
        print(f"nianbao sql: {exc}", file=sys.stderr)
        return 2
    except duckdb.Error as exc:
        print(
            f"nianbao sql: {str(exc).strip().splitlines()[0] if str(exc).strip() else exc}", file=sys.stderr
        )
        return 1
    rows = result.rows
    if args.format == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow(result.columns)
        writer.writerows([["" if v is None else _cell(v) for v in row] for row in rows])
    elif args.format == "json":
        for row in rows:
            print(
                json.dumps(
                    dict(zip(result.columns, row, strict=True)), ensure_ascii=False, default=_json_default
                )
            )
    else:
        print(format_table(result.columns, rows))
        print(
            f"{len(rows)} rows{' (truncated)' if result.truncated else ''}, {result.elapsed_s * 1000:.0f} ms"
        )
    if result.truncated_by == "rows":
        print(f"nianbao sql: output truncated at {args.max_rows} rows", file=sys.stderr)
    elif result.truncated_by == "bytes":
        limit = wh.DEFAULT_MAX_BYTES // 2**20
        print(f"nianbao sql: output truncated at {len(rows)} rows (result limit {limit} MB)", file=sys.stderr)
    return 0
