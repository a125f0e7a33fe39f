"""`nianbao extract FILE... [--json]`: one record per file; a bad file is one line on stderr, not a stop."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path

from nianbao.limits import time_limit
from transforms.errors import UnreadableFile
from transforms.extract import extract_file


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", type=Path, help="report files, or folders to read recursively")
    parser.add_argument("--json", action="store_true", help="print one JSON record per line")
    parser.set_defaults(func=run)


def iter_files(paths: list[Path]) -> Iterator[Path]:
    """Files named directly, then the files inside named folders in a stable order (hidden files skipped)."""
    for path in paths:
        if path.is_dir():
            yield from sorted(
                p for p in path.rglob("*") if p.is_file() and not any(s.startswith(".") for s in p.parts)
            )
        else:
            yield path


def run(args: argparse.Namespace) -> int:
    failed = 0
    for path in iter_files(args.paths):
        try:
            with time_limit(str(path)):
                record = extract_file(path)
        except UnreadableFile as exc:
            failed += 1
            print(f"nianbao extract: {exc.path}: {exc.reason}", file=sys.stderr)
            continue
        except Exception as exc:  # a bug must not lose the rest of the batch
            failed += 1
            print(f"nianbao extract: {path}: internal error ({type(exc).__name__}: {exc})", file=sys.stderr)
            continue
        if args.json:
            print(json.dumps(record, ensure_ascii=False))
        else:
            print(_summary(record))
    return 1 if failed else 0


def _summary(record: dict) -> str:
    institution, finance = record["institution"], record["finance"]
    errors = sum(p["severity"] == "error" for p in record["problems"])
    warnings = len(record["problems"]) - errors
    return (
        f"{record['source']['path']}: {record['report_year']} {institution['name']} "
        f"USCC {institution['uscc']} ({'valid' if institution['uscc_valid'] else 'INVALID/missing'}) "
        f"净资产 {finance['net_assets_begin_wan']} → {finance['net_assets_end_wan']} 万元, "
        f"{len(record['activities'])} activities, {errors} errors, {warnings} warnings"
    )
