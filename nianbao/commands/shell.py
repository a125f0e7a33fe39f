"""`nianbao shell [--warehouse PATH] [SQL]`: the published snapshot in the DuckDB command line, read-only.

The CLI is the `duckdb-cli` package's (a project dependency), so it reads the snapshot's storage format. It
opens exactly the newest versioned snapshot file: a publish during the session does not change what the
session reads. Table and column comments are in the view `schema_docs`; the banner says so. With SQL, the
CLI runs it and exits (`-c`), as `duckdb -readonly FILE -c SQL` would.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

from nianbao import warehouse as wh

BANNER = (
    "nianbao warehouse version {version} (published {published_at}), read-only: {snapshot}\n"
    "  SHOW TABLES;                                  tables and views\n"
    "  FROM schema_docs WHERE table_name = 'reports';  columns with their comments\n"
    "  aggregate current reports only: WHERE status = 'current' (report_status in finances, activities)"
)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("sql", nargs="?", help="run this SQL and exit (default: an interactive session)")
    parser.add_argument(
        "--warehouse", help="warehouse file (default: $NIANBAO_WAREHOUSE or data/warehouse.duckdb)"
    )
    parser.set_defaults(func=run)


def duckdb_cli() -> str | None:
    """The DuckDB CLI installed beside this Python (the duckdb-cli package), else one on PATH."""
    beside = Path(sys.executable).parent / "duckdb"
    return str(beside) if beside.exists() else shutil.which("duckdb")


def command(cli: str, info: dict, sql: str | None) -> list[str]:
    """The CLI's argument list for one snapshot (`snapshot_info()`), interactive or running `sql`."""
    if sql is not None:
        return [cli, "-readonly", info["snapshot"], "-c", sql]
    banner = BANNER.format(
        version=info.get("version"), published_at=info.get("published_at"), snapshot=info["snapshot"]
    )
    lines = [f".print '{line.replace(chr(39), chr(39) * 2)}'" for line in banner.splitlines()]
    args = [cli, "-readonly"]
    for line in lines:
        args += ["-cmd", line]
    return [*args, info["snapshot"]]


def run(args: argparse.Namespace) -> int:
    info = wh.snapshot_info(args.warehouse)
    if info is None:
        print(f"nianbao shell: no published warehouse at {wh.snapshot_path(args.warehouse)}; "
              "run `nianbao ingest` first", file=sys.stderr)  # fmt: skip
        return 2
    cli = duckdb_cli()
    if cli is None:
        print(
            "nianbao shell: the DuckDB CLI is not installed (`uv sync` installs duckdb-cli)", file=sys.stderr
        )
        return 2
    argv = command(cli, info, args.sql)
    sys.stdout.flush()
    os.execv(argv[0], argv)  # the CLI takes over the terminal (line editing, Ctrl-C)
    return 0  # not reached
