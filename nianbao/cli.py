"""`nianbao` command line: one module per subcommand under `nianbao.commands`.

Only the module of the command being run is imported (`nianbao --help` imports none), so each command pays
for its own dependencies only: `extract` never loads DuckDB or Dagster, `sql` never loads the extractor.
Each command module exposes `configure(parser)`, which adds its arguments and sets `func`.
"""

from __future__ import annotations

import argparse
import importlib
import sys

# name -> the one line `nianbao --help` shows for it
COMMANDS = {
    "extract": "parse report files into records (JSON lines with --json)",
    "eval": "score extraction against gold files",
    "generate": "write a synthetic corpus of annual reports with gold JSON and a manifest",
    "ingest": "ingest report files into the DuckDB warehouse (Dagster job)",
    "sql": "run a read-only query against the published warehouse",
    "shell": "open the published warehouse in the DuckDB CLI (read-only)",
    "export": "write the warehouse tables as Parquet files",
    "dashboard": "browse the warehouse in a web dashboard (Streamlit)",
}


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The parser; given `argv`, only the command it names is configured (and its module imported)."""
    parser = argparse.ArgumentParser(
        prog="nianbao", description="事业单位法人年度报告书 → DuckDB → dashboard"
    )
    subparsers = parser.add_subparsers(dest="command", required=True)
    chosen = None if argv is None else next((arg for arg in argv if not arg.startswith("-")), "")
    for name, text in COMMANDS.items():
        command = subparsers.add_parser(name, help=text, description=text)
        if chosen is None or chosen == name:
            importlib.import_module(f"nianbao.commands.{name}").configure(command)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = build_parser(argv).parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
