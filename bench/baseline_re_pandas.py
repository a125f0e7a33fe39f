"""The straightforward baseline nianbao is compared with: one file at a time, `re` and pandas.

This is what a competent analyst would write in an afternoon to pull the header fields out of a folder
of text reports: decode (UTF-8, else GB18030), one regex per field over the whole text for both the
`label | value |` and the `label：value` layouts, collect dicts, build a DataFrame. It is kept honest: no
deliberate slowness, and it is measured on the same files as nianbao.

    python -m bench.baseline_re_pandas [--duckdb OUT.duckdb] FILE_OR_DIR...

As a process of its own it is the whole-process baseline; with --duckdb it also loads the frame into a
DuckDB table (the baseline of an ingest).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pandas as pd

_SEP = r"\s*(?:\([^)]*\)|（[^）]*）)?\s*[|:：]\s*"
FIELDS = {
    "name": r"单位名称",
    "uscc": r"统一社会信用代码",
    "legal_representative": r"法定代表人",
    "address": r"住\s*所",
    "startup_capital": r"开办资金",
    "funding_source": r"经费来源",
    "sponsor": r"举办单位",
    "net_assets_begin": r"年初数",
    "net_assets_end": r"(?:期末数|年末数)",
}
PATTERNS = {key: re.compile(label + _SEP + r"([^|\n]+)") for key, label in FIELDS.items()}
NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030", errors="replace")


def extract(path: Path) -> dict:
    text = decode(path.read_bytes())
    row: dict = {"path": str(path)}
    for key, pattern in PATTERNS.items():
        match = pattern.search(text)
        row[key] = match.group(1).strip() if match else None
    for key in ("startup_capital", "net_assets_begin", "net_assets_end"):
        number = NUMBER.search(row[key] or "")
        row[key] = float(number.group()) if number else None
    return row


def run(paths: list[Path]) -> pd.DataFrame:
    return pd.DataFrame([extract(path) for path in paths])


def main(argv: list[str]) -> int:
    database = None
    if argv[:1] == ["--duckdb"]:
        database, argv = argv[1], argv[2:]
    paths = []
    for arg in map(Path, argv):
        paths += sorted(p for p in arg.rglob("*") if p.is_file()) if arg.is_dir() else [arg]
    frame = run(paths)
    if database:
        import duckdb

        with duckdb.connect(database) as con:
            con.execute("CREATE OR REPLACE TABLE reports AS SELECT * FROM frame")
    print(f"{len(frame)} rows")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
