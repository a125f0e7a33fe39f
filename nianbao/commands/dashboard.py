"""`nianbao dashboard [--warehouse PATH] [--port N] [--host 127.0.0.1]`: the Streamlit dashboard.

Runs `streamlit run dashboard/app.py` in a subprocess, headless, without usage statistics, listening on
localhost unless `--host` says otherwise. The dashboard reads the published snapshot of the warehouse only.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from nianbao import warehouse

APP = Path(__file__).resolve().parent.parent.parent / "dashboard" / "app.py"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--warehouse",
        type=Path,
        default=None,
        help=f"warehouse file (default: ${warehouse.ENV_WAREHOUSE}, then {warehouse.DEFAULT_WAREHOUSE})",
    )
    parser.add_argument("--port", type=int, default=8501, help="port to listen on (default 8501)")
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1, this machine only; put a reverse proxy with "
        "authentication in front before using 0.0.0.0)",
    )
    parser.set_defaults(func=run)


def command(args: argparse.Namespace) -> list[str]:
    """The streamlit command line for `args`."""
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(APP),
        "--server.address",
        args.host,
        "--server.port",
        str(args.port),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
        "--client.toolbarMode",
        "viewer",
    ]


def run(args: argparse.Namespace) -> int:
    wh = warehouse.resolve_warehouse_path(args.warehouse)
    env = {**os.environ, warehouse.ENV_WAREHOUSE: str(wh)}
    if warehouse.snapshot_info(wh) is None:
        print(
            f"nianbao dashboard: no published snapshot for {wh} yet; run `nianbao ingest` first "
            "(the dashboard shows the same message)",
            file=sys.stderr,
        )
    print(f"nianbao dashboard: http://{args.host}:{args.port}/  (warehouse {wh})", flush=True)
    try:
        return subprocess.call(command(args), env=env)
    except KeyboardInterrupt:
        return 130
