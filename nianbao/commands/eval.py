"""`nianbao eval --gold DIR --reports DIR [--json]`: score the extractor against hand-labelled gold files.

Each gold file (docs/gold-format.md) names its report in "file"; the report is read from --reports with
`transforms.extract.extract_file`, and the scores printed are those of `transforms.evaluate`.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--gold", required=True, type=Path, help="folder of gold *.json files")
    parser.add_argument("--reports", required=True, type=Path, help="folder holding the reports they name")
    parser.add_argument("--json", action="store_true", help="print the scores as one JSON object")
    parser.set_defaults(func=run)


def _activities(record: dict[str, Any]) -> list[dict]:
    """The record's activities; computed here when the record does not carry them yet."""
    if record.get("activities"):
        return record["activities"]
    from transforms.activities import extract_activities, home_names_for

    return extract_activities(
        record.get("narrative") or "", home_names=home_names_for(record.get("institution"))
    )


def run(args: argparse.Namespace) -> int:
    from transforms.errors import UnreadableFile
    from transforms.evaluate import score_report, summarize
    from transforms.extract import extract_file

    gold_files = sorted(args.gold.glob("*.json"))
    if not gold_files:
        print(f"no gold *.json files in {args.gold}", file=sys.stderr)
        return 2
    scores: list[dict[str, Any]] = []
    missing: list[str] = []
    for path in gold_files:
        gold = json.loads(path.read_text(encoding="utf-8"))
        report = args.reports / str(gold.get("file", ""))
        if not gold.get("file") or not report.is_file():
            missing.append(f"{path.name}: report {gold.get('file')!r} not found in {args.reports}")
            continue
        try:
            record = extract_file(report)
        except UnreadableFile as exc:
            # A refused report fails every field it should have given: scored, not skipped.
            missing.append(f"{report.name}: refused ({exc.reason}); scored as a failed file")
            record = {"activities": [], "failed": True, "refusal": exc.reason}
        record["activities"] = _activities(record)
        scores.append(score_report(gold, record))
    summary = summarize(scores)
    if args.json:
        print(json.dumps({**summary, "per_report": scores, "notes": missing}, ensure_ascii=False, indent=2))
        return 0 if scores else 1
    _print_text(summary, scores, missing)
    return 0 if scores else 1


def _print_text(summary: dict[str, Any], scores: list[dict[str, Any]], notes: list[str]) -> None:
    for line in notes:
        print(line, file=sys.stderr)
    fields = summary["fields"]
    print(f"{summary['reports']} report(s) scored, {summary['failed_files']} failed file(s)")
    print(f"header fields {fields['accuracy']:.3f}  ({fields['correct']}/{fields['total']})")
    for name, s in fields["per_field"].items():
        print(f"  {name:26}{s['accuracy']:>7.3f}  ({s['correct']}/{s['total']})")
    print(f"{'':12}{'precision':>10}{'recall':>10}{'F1':>8}{'tp':>6}{'fp':>6}{'fn':>6}")
    for key in ("countries", "localities", "visits"):
        s = summary[key]
        print(
            f"{key:12}{s['precision']:>10.3f}{s['recall']:>10.3f}{s['f1']:>8.3f}{s['tp']:>6}{s['fp']:>6}{s['fn']:>6}"
        )
    print("visit attributes (accuracy on matched visits):")
    for name, s in summary["attributes"].items():
        print(f"  {name:14}{s['accuracy']:>7.3f}  ({s['correct']}/{s['total']})")
    o = summary["other_activities"]
    print(f"other activities found by anchor: {o['found']}/{o['total']}")
    for score in scores:
        name = score["file"]
        for miss in score["field_misses"]:
            print(f"  {name}: field {miss['field']}: gold {miss['gold']!r}, got {miss['predicted']!r}")
        for key in ("countries", "localities"):
            for kind, items in (("missed", score.get(f"{key}_missed")), ("extra", score.get(f"{key}_extra"))):
                if items:
                    print(f"  {name}: {kind} {key} {items}")
        for anchor in score["misses"]:
            print(f"  {name}: missed visit {anchor!r}")
        for evidence in score["extra"]:
            print(f"  {name}: extra visit {str(evidence)[:80]!r}")
        for w in score["wrong"]:
            print(f"  {name}: {w['anchor']!r} {w['attribute']}: gold {w['gold']!r}, got {w['predicted']!r}")
