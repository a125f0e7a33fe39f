"""Instructions per report, counted by callgrind: a measure of the extractor that the load does not move.

    python -m bench.instructions CORPUS_DIR [--ext txt] [--files 300]

Wall and CPU times on the shared 2-core machine move by 10-30 % with what else runs; an instruction count
moves by about 1 %, so two versions of a change can be compared one after the other. The count covers
`extract_bytes` over the first `--files` reports with that extension (sorted by name) after a warm-up on
other reports of the folder, which builds the one-time tables: per-process start-up is not in it, and the
memos start empty for the reports counted, as in a single pass. Needs valgrind (Debian package `valgrind`).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

WARM_UP_FILES = 30


def available() -> bool:
    """Whether callgrind can be run here (the Debian package `valgrind`)."""
    import shutil

    return bool(shutil.which("valgrind") and shutil.which("callgrind_control"))


def countable(corpus: Path, ext: str, files: int) -> int:
    """How many of `corpus`'s .`ext` reports can be counted, up to `files`, leaving the warm-up's."""
    return max(0, min(files, len(list(corpus.glob(f"*.{ext}"))) - WARM_UP_FILES))


def count(corpus: Path, ext: str, files: int) -> int:
    """Instructions callgrind counts while `files` reports are extracted."""
    with tempfile.TemporaryDirectory() as work:
        out = Path(work) / "callgrind.out"
        child = [sys.executable, "-m", "bench.instructions", "--child", str(corpus), "--ext", ext]
        valgrind = ["valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={out}"]
        subprocess.run(
            [*valgrind, *child, "--files", str(files)],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        totals = re.findall(r"^totals:\s+(\d+)", out.read_text(), re.MULTILINE)
        return int(totals[-1])


def _child(corpus: Path, ext: str, files: int) -> None:
    """Inside callgrind: warm up with instrumentation off, then count the extraction of `files` reports."""
    from transforms.errors import UnreadableFile
    from transforms.extract import extract_bytes

    paths = sorted(corpus.glob(f"*.{ext}"))
    if len(paths) < files + WARM_UP_FILES:
        raise SystemExit(f"{corpus}: {len(paths)} .{ext} files, need {files + WARM_UP_FILES}")
    blobs = [(path.read_bytes(), str(path)) for path in paths]
    for data, name in blobs[-WARM_UP_FILES:]:
        with contextlib.suppress(UnreadableFile):
            extract_bytes(data, name)
    _instrument(True)
    for data, name in blobs[:files]:
        with contextlib.suppress(UnreadableFile):
            extract_bytes(data, name)
    _instrument(False)


def _instrument(on: bool) -> None:
    """Switch callgrind's counting for this process only (callgrind_control without a pid would switch every
    callgrind run on the machine)."""
    state = "on" if on else "off"
    subprocess.run(
        ["callgrind_control", "-i", state, str(os.getpid())], check=True, stdout=subprocess.DEVNULL
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.instructions", description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path, help="a folder of reports, e.g. a generated corpus's reports/")
    parser.add_argument(
        "--ext", default="txt", help="extension of the reports counted (txt, html, docx, pdf)"
    )
    parser.add_argument("--files", type=int, default=300)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(args.corpus, args.ext, args.files)
        return 0
    total = count(args.corpus, args.ext, args.files)
    per_report = total // args.files
    print(f"{args.corpus} .{args.ext}: {args.files} reports, {total:,} instructions, {per_report:,} a report")
    return 0


if __name__ == "__main__":
    sys.exit(main())
