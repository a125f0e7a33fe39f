"""Corpora for the benchmark, made by `nianbao generate` in a subprocess (deterministic for a seed)."""

from __future__ import annotations

import math
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from bench.measure import run_measured

FILES_PER_INSTITUTION = (
    5.4  # 2019-2024, txt+html, default defect rates: measured ≈ 5.38 files per institution
)


@dataclass(frozen=True)
class Corpus:
    label: str
    root: Path
    files: int
    seconds: float
    command: str

    @property
    def reports(self) -> Path:
        return self.root / "reports"


def parse_size(text: str) -> int:
    """'1k' -> 1000, '100k' -> 100000, '250' -> 250."""
    text = text.strip().lower()
    return int(float(text[:-1]) * 1000) if text.endswith("k") else int(text)


def size_label(n: int) -> str:
    return f"{n // 1000}k" if n >= 1000 and n % 1000 == 0 else str(n)


def nianbao_cmd(*args: str) -> list[str]:
    """The `nianbao` console script of this environment (what users run), else `python -m nianbao.cli`."""
    script = Path(sys.executable).with_name("nianbao")
    return [str(script), *args] if script.exists() else [sys.executable, "-m", "nianbao.cli", *args]


def generate(
    out: Path, reports: int, *, seed: int = 1, formats: str = "txt,html", label: str | None = None
) -> Corpus:
    """About `reports` files in `out/reports` (institutions = reports / 5.4)."""
    shutil.rmtree(out, ignore_errors=True)
    institutions = max(1, math.ceil(reports / FILES_PER_INSTITUTION))
    args = [
        "generate", str(out), "--institutions", str(institutions), "--years", "2019-2024",
        "--seed", str(seed), "--formats", formats, "--quiet",
    ]  # fmt: skip
    measured = run_measured(nianbao_cmd(*args))
    if measured.returncode != 0:
        raise RuntimeError(f"nianbao generate failed:\n{measured.output[-2000:]}")
    files = sum(1 for p in (out / "reports").iterdir() if p.is_file())
    return Corpus(label or size_label(reports), out, files, measured.seconds, "nianbao " + " ".join(args))


def sample(corpus: Corpus, suffix: str, limit: int) -> list[Path]:
    """Up to `limit` files with `suffix`, spread evenly over the sorted corpus (all years, all layouts)."""
    paths = sorted(p for p in corpus.reports.iterdir() if p.suffix == suffix)
    if len(paths) <= limit:
        return paths
    step = len(paths) / limit
    return [paths[int(i * step)] for i in range(limit)]


def subset(corpus: Corpus, suffixes: tuple[str, ...], dest: Path, limit: int | None = None) -> list[Path]:
    """Up to `limit` files with one of `suffixes` (spread over the corpus, see `sample`) linked into a
    folder of their own, so a command can be given the folder as a user would."""
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    paths = sorted(p for p in corpus.reports.iterdir() if p.suffix in suffixes)
    if limit is not None and len(paths) > limit:
        step = len(paths) / limit
        paths = [paths[int(i * step)] for i in range(limit)]
    for path in paths:
        os.link(path, dest / path.name)
    return sorted(dest.iterdir())
