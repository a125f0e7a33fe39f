"""`nianbao` command line: one module per subcommand under `nianbao.commands`.

Each command module exposes `register(subparsers)` (adds its parser and sets `func`) and is imported only
when present, so commands can be added without touching this file's logic.
"""

from __future__ import annotations

import argparse
import importlib
import sys

COMMANDS = ("extract", "eval", "generate", "ingest", "sql", "shell", "export", "dashboard", "bench", "demo")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nianbao", description="事业单位法人年度报告书 → DuckDB → dashboard"
    )
    subparsers = parser.add_subparsers(dest="command", required=True)
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"nianbao.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"nianbao.commands.{name}":
                continue
            raise
        module.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
