"""Write a whole corpus: institution by institution, year by year, files, gold and manifest as it goes.

Every institution draws from its own `random.Random(f"{seed}:inst:{i}")` and every report from
`random.Random(f"{seed}:inst:{i}:{year}")`, so the bytes depend only on the seed and the options, and
memory stays flat in the number of institutions (the one thing kept across institutions is the set of
names already used, so that two institutions never share a name).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from transforms.generate import defects, gold, narrative, places, render, timeline
from transforms.generate import report as report_mod
from transforms.generate.institutions import Institution, make_institution
from transforms.generate.manifest import Manifest, Row

FORMATS = ("txt", "html", "pdf", "docx")
EXTENSIONS = {"txt": ".txt", "html": ".html", "pdf": ".pdf", "docx": ".docx"}
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
YEAR_IN_NAME_ONLY = 0.02


@dataclass
class Options:
    institutions: int
    years: list[int]
    seed: int | str
    formats: tuple[str, ...] = ("txt", "html")
    defect_rate: float = 0.02
    break_rate: float = 0.03
    format_weights: dict[str, float] | None = None


@dataclass
class Summary:
    files: int
    reports: int
    institutions: int
    outcomes: dict[str, int]
    formats: dict[str, int]
    defects: dict[str, int]


def code_of(index: int) -> str:
    """A letters-only file-name code for an institution (no digits, so no year can be read from it)."""
    out = ""
    n = index
    for _ in range(5):
        n, r = divmod(n, 26)
        out = _LETTERS[r] + out
    return out


@dataclass
class _File:
    name: str
    data: bytes
    fmt: str
    encoding: str
    layout: str
    report: report_mod.Report | None
    phenomena: list[str] = dataclasses.field(default_factory=list)


def _render(name: str, report: report_mod.Report, fmt: str, rng: random.Random) -> _File:
    """One report rendered in one format, with the layout and the phenomena it used."""
    if fmt == "txt":
        style = render.pick_txt_style(rng)
        doc = render.layout(report, rng, published=style == "real")
        text = render.render_txt(doc, rng, style)
        encoding = rng.choices(("utf-8", "utf-8-sig", "gb18030"), weights=(6, 2, 2))[0]
        if rng.random() < 0.2:
            text = text.replace("\n", "\r\n")
        return _File(name, text.encode(encoding), fmt, encoding, f"txt-{style}", report, sorted(doc.seen))
    if fmt == "html":
        doc = render.layout(report, rng, published=rng.random() < 0.25)
        encoding = "gb18030" if rng.random() < 0.15 else "utf-8"
        charset = rng.choice(("GB18030", "gbk")) if encoding == "gb18030" else "utf-8"
        if charset == "gbk":
            charset, encoding = "GB18030", "gb18030"
        data = render.render_html(doc, rng, charset).encode(encoding)
        return _File(name, data, fmt, encoding, "html-table", report, sorted(doc.seen))
    doc = render.layout(report, rng)
    if fmt == "pdf":
        data, layout = render.render_pdf(doc, rng)
    else:
        data, layout = render.render_docx(doc, rng, report.report_date or dt.date(2000, 1, 1))
    return _File(name, data, fmt, "", layout, report, sorted(doc.seen))


def _files_for(
    inst: Institution, state: timeline.YearState, fmt: str, defect: str | None, rng: random.Random,
    profile: narrative.Profile | None,
) -> list[tuple[_File, str, str]]:  # fmt: skip
    """The files of one institution-year: [(file, expected_outcome, related_file_name)]."""
    base = f"{state.year}_{code_of(inst.index)}"
    ext = EXTENSIONS[fmt]
    if fmt == "html" and rng.random() < 0.2:
        ext = ".htm"
    if defect == "empty":
        return [(_File(base + ext, b"", "empty", "", "", None), "quarantined", "")]
    if defect == "binary":
        return [(_File(base + ext, defects.binary_blob(rng), "binary", "", "", None), "quarantined", "")]
    # a report whose text states no year, only its file name (as some published files are)
    year_in_name_only = defect is None and rng.random() < YEAR_IN_NAME_ONLY
    with_year = defect != "year_missing" and not year_in_name_only
    nar = narrative.compose(rng, inst, state, profile, with_year=with_year)
    report = report_mod.build(rng, inst, state, nar)
    if year_in_name_only:
        report_mod.unprint_year(report)
    defects.edit_report(report, defect, rng)
    if defect == "year_missing":
        base = f"{code_of(inst.index)}_{_LETTERS[state.year % 26]}"
    if defect == "resubmission":
        first = defects.mistaken_original(report, rng)
        report.report_date = state.report_date + dt.timedelta(days=rng.randint(10, 90))
        a = _render(base + ext, first, fmt, rng)
        b = _render(f"{base}_v2{ext}", report, fmt, rng)
        return [(a, "superseded", b.name), (b, "loaded", a.name)]
    main = _render(base + ext, report, fmt, rng)
    if defect == "truncated":
        cut = defects.truncate(main.data, fmt, rng, main.encoding)
        return [(dataclasses.replace(main, data=cut, report=None), "quarantined", "")]
    if defect == "wrong_extension":
        main.name = base + defects.WRONG_EXTENSION[fmt]
    if defect == "duplicate":
        copy = dataclasses.replace(main, name=f"{base}_copy{ext}")
        return [(main, "loaded", copy.name), (copy, "duplicate", main.name)]
    outcome = "quarantined" if defect in defects.QUARANTINED else "loaded"
    return [(main, outcome, "")]


def generate(out_dir: Path, options: Options, progress: Callable[[int], None] | None = None) -> Summary:
    out_dir = Path(out_dir)
    reports_dir, gold_dir = out_dir / "reports", out_dir / "gold"
    reports_dir.mkdir(parents=True, exist_ok=True)
    gold_dir.mkdir(parents=True, exist_ok=True)
    seed = options.seed
    corpus_rng = random.Random(f"{seed}:corpus")
    all_cities = places.cities()
    focus = tuple(corpus_rng.sample(all_cities, k=min(40, max(2, options.institutions // 4))))
    weights = [(options.format_weights or {}).get(f, 1.0) for f in options.formats]
    taken: set[str] = set()
    manifest = Manifest(out_dir / "manifest.csv")
    n_files = n_reports = 0
    try:
        for i in range(options.institutions):
            rng = random.Random(f"{seed}:inst:{i}")
            inst = make_institution(i, rng, focus, taken)
            profile = narrative.profile_for(rng, inst)
            states = timeline.build(inst, options.years, rng, options.break_rate)
            for state in states:
                yrng = random.Random(f"{seed}:inst:{i}:{state.year}")
                fmt = yrng.choices(options.formats, weights=weights)[0]
                defect = defects.pick(yrng, options.defect_rate)
                if defect == "truncated" and fmt in ("txt", "html"):
                    fmt = next((f for f in ("pdf", "docx") if f in options.formats), fmt)
                n_reports += 1
                for file, outcome, related in _files_for(inst, state, fmt, defect, yrng, profile):
                    (reports_dir / file.name).write_bytes(file.data)
                    gold_name = ""
                    if file.report is not None:
                        gold_name = file.name.rsplit(".", 1)[0] + ".json"
                        meta = {
                            "seed": seed,
                            "institution_id": inst.id,
                            "kind": inst.kind.label,
                            "format": file.fmt,
                            "encoding": file.encoding or None,
                            "layout": file.layout,
                            "defect": defect,
                            "expected_outcome": outcome,
                            "continuity_break": state.continuity_break,
                            "foreign_work": profile is not None,
                            "phenomena": file.phenomena,
                        }
                        record = gold.build(file.name, file.report, inst, meta)
                        (gold_dir / gold_name).write_text(
                            json.dumps(record, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
                        )
                    manifest.write(
                        Row(
                            file=f"reports/{file.name}",
                            gold=f"gold/{gold_name}" if gold_name else "",
                            institution_id=inst.id,
                            uscc=inst.uscc,
                            name=state.name,
                            year=state.year,
                            report_date=(
                                file.report.report_date.isoformat()
                                if file.report is not None and file.report.report_date
                                else ""
                            ),
                            format=file.fmt,
                            extension=file.name.rsplit(".", 1)[-1],
                            encoding=file.encoding,
                            layout=file.layout,
                            defect=defect or "",
                            expected_outcome=outcome,
                            related_file=f"reports/{related}" if related else "",
                            continuity_break=state.continuity_break,
                            sha256=hashlib.sha256(file.data).hexdigest(),
                            bytes=len(file.data),
                        )
                    )
                    n_files += 1
            if progress is not None:
                progress(i + 1)
    finally:
        manifest.close()
    return Summary(
        files=n_files,
        reports=n_reports,
        institutions=options.institutions,
        outcomes=dict(manifest.outcomes),
        formats=dict(manifest.formats),
        defects=dict(manifest.defects),
    )
