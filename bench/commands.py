"""What a user gets from `nianbao extract`: whole processes, single pass, start-up included, repeated.

Each figure is the `nianbao` console script run as a subprocess, its output written to a file as a user
redirects it, next to its floor (`bench.floor read`: the same files read and decoded by a process of its
own) and the re + pandas baseline (`bench.baseline_re_pandas`), measured in the same run on the same files.
"""

from __future__ import annotations

import sys
from pathlib import Path

from bench.corpus import nianbao_cmd
from bench.measure import repeat, summary


def python_cmd(module: str, *args: str) -> list[str]:
    return [sys.executable, "-m", module, *args]


def start_up(sample: Path, work: Path, repeats: int) -> dict:
    """`nianbao --help` and `nianbao extract` of one report: wall and CPU time of the whole process."""
    return {
        "help": {"command": "nianbao --help", **summary(repeat(nianbao_cmd("--help"), repeats))},
        "one_file": {
            "command": f"nianbao extract {sample.name}",
            **summary(repeat(nianbao_cmd("extract", str(sample)), repeats, stdout_to=work / "one.txt")),
        },
    }


def extract_folder(
    folder: Path, files: int, work: Path, repeats: int, *, workers: int | None = None, compare: bool = True
) -> dict:
    """`nianbao extract --json FOLDER > out.jsonl` (all cores, or `--workers N`), with its floor and, for
    text formats, the baseline beside it when `compare`."""
    args = ["extract", "--json", *(["--workers", str(workers)] if workers else []), str(folder)]
    out = work / "extract.jsonl"
    # A corpus with defective files exits 1 (a line on stderr per bad file): that is the expected outcome.
    runs = repeat(nianbao_cmd(*args), repeats, stdout_to=out, check=False)
    if any(run.returncode not in (0, 1) for run in runs):
        raise RuntimeError(f"nianbao extract failed:\n{runs[-1].output[-3000:]}")
    result = {
        "command": "nianbao " + " ".join(args) + " > out.jsonl",
        "files": files,
        "records": sum(1 for _ in out.open("rb")),
        "nianbao": summary(runs),
    }
    if compare:
        floor = repeat(python_cmd("bench.floor", "read", str(folder)), repeats)
        result["floor"] = {"command": f"python -m bench.floor read {folder.name}", **summary(floor)}
        if folder.name in ("txt", "html"):
            baseline = repeat(python_cmd("bench.baseline_re_pandas", str(folder)), repeats)
            result["baseline"] = {
                "command": f"python -m bench.baseline_re_pandas {folder.name}",
                **summary(baseline),
            }
    out.unlink(missing_ok=True)
    return result
