"""`nianbao generate OUT_DIR --institutions N --years 2019-2024 --seed S [--formats …] [--defects 0.02]`.

Writes OUT_DIR/reports/ (the report files), OUT_DIR/gold/ (one gold JSON per readable report) and
OUT_DIR/manifest.csv; see docs/generator.md.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from transforms.generate import FORMATS, Options, generate


def _years(text: str) -> list[int]:
    try:
        if "-" in text:
            first, last = (int(x) for x in text.split("-", 1))
        else:
            first = last = int(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"years must look like 2019-2024, not {text!r}") from exc
    if not 1990 <= first <= last <= 2100:
        raise argparse.ArgumentTypeError(f"bad year range {text!r}")
    return list(range(first, last + 1))


def _formats(text: str) -> tuple[str, ...]:
    names = tuple(dict.fromkeys(f.strip().lower() for f in text.split(",") if f.strip()))
    unknown = [f for f in names if f not in FORMATS]
    if not names or unknown:
        raise argparse.ArgumentTypeError(f"formats must be among {','.join(FORMATS)}; got {text!r}")
    return names


def _rate(text: str) -> float:
    value = float(text)
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError("a rate is between 0 and 1")
    return value


def _weights(text: str) -> dict[str, float]:
    out = {}
    for part in text.split(","):
        name, _, weight = part.partition("=")
        out[name.strip()] = float(weight)
    return out


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("out_dir", type=Path, help="folder to write reports/, gold/ and manifest.csv into")
    parser.add_argument("--institutions", type=int, required=True, help="number of institutions")
    parser.add_argument(
        "--years", type=_years, default=_years("2019-2024"), help="year range, e.g. 2019-2024"
    )
    parser.add_argument("--seed", default="0", help="seed; the same seed and options give the same bytes")
    parser.add_argument(
        "--formats", type=_formats, default=("txt", "html"), help="comma list of txt,html,pdf,docx"
    )
    parser.add_argument(
        "--format-weights",
        type=_weights,
        default=None,
        help="relative frequency per format, e.g. txt=4,pdf=1",
    )
    parser.add_argument(
        "--defects", type=_rate, default=0.02, help="share of institution-years with a defect"
    )
    parser.add_argument(
        "--break-rate", type=_rate, default=0.03, help="share of years whose 年初数 breaks from last 期末数"
    )
    parser.add_argument("--quiet", action="store_true", help="no progress or summary on stderr")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.institutions < 1:
        print("nianbao generate: --institutions must be at least 1", file=sys.stderr)
        return 2
    out: Path = args.out_dir
    if out.exists() and any(out.iterdir()):
        print(f"nianbao generate: {out} is not empty; give a new or empty folder", file=sys.stderr)
        return 2
    seed: int | str = int(args.seed) if str(args.seed).lstrip("-").isdigit() else args.seed
    options = Options(
        institutions=args.institutions,
        years=args.years,
        seed=seed,
        formats=args.formats,
        defect_rate=args.defects,
        break_rate=args.break_rate,
        format_weights=args.format_weights,
    )
    started = time.perf_counter()
    step = max(1, args.institutions // 20)
    tty = sys.stderr.isatty()  # redraw one line on a terminal; a line per step in a log

    def progress(done: int) -> None:
        if not args.quiet and (done % step == 0 or done == args.institutions):
            line = f"{done}/{args.institutions} institutions"
            print(f"\r{line}" if tty else line, end="" if tty else "\n", file=sys.stderr, flush=True)

    summary = generate(out, options, progress)
    elapsed = time.perf_counter() - started
    if not args.quiet:
        if tty:
            print(file=sys.stderr)
        print(
            f"{summary.files} files ({summary.reports} institution-years) in {elapsed:.1f}s "
            f"= {summary.files / elapsed:.0f} files/s → {out}",
            file=sys.stderr,
        )
        print(
            f"outcomes {summary.outcomes}; formats {summary.formats}; defects {summary.defects}",
            file=sys.stderr,
        )
    return 0
