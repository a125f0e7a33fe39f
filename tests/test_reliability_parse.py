"""Bad input never breaks extraction: any bytes give a record that keeps the contract, or UnreadableFile
with a reason a person understands; nothing else, no hang, bounded memory.

Two kinds of tests:
- the nasty corpus (tests/nasty/make_nasty.py), every file extracted in a child process under RLIMIT_AS
  1.5 GB and a per-file time limit (tests/nasty/isolated.py): it must complete, and give what the corpus
  says it must;
- property-based tests (hypothesis) on random bytes and on mutated real and fixture reports, in-process.

Regressions for the bugs these tests found are at the end.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from transforms.errors import UnreadableFile
from transforms.extract import extract_bytes
from transforms.layout import join_paragraphs

NASTY = Path(__file__).resolve().parent / "nasty"


def _load(name: str) -> ModuleType:
    """Import a module of tests/nasty by path (tests is not a package)."""
    if str(NASTY) not in sys.path:
        sys.path.insert(0, str(NASTY))
    full = f"nianbao_nasty_{name}"
    if full in sys.modules:
        return sys.modules[full]
    spec = importlib.util.spec_from_file_location(full, NASTY / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[full] = module
    spec.loader.exec_module(module)
    return module


make_nasty = _load("make_nasty")
contract = _load("contract")
isolated = _load("isolated")
fixtures = make_nasty.fixtures

SAMPLE_TEXT = fixtures.SAMPLE.read_text(encoding="utf-8")
SAMPLE = SAMPLE_TEXT.encode("utf-8")
# Where the figures of the last corpus run are written, for RELIABILITY.md.
FIGURES = Path(os.environ.get("NIANBAO_RELIABILITY_FIGURES", "/tmp/nianbao-reliability-figures.json"))


def assert_extracts_or_refuses(data: bytes, name: str) -> dict | None:
    """The core property: a contract-keeping record, or UnreadableFile with a human reason. Nothing else."""
    try:
        record = extract_bytes(data, name)
    except UnreadableFile as exc:
        assert exc.reason and exc.reason.strip(), "UnreadableFile without a reason"
        assert not exc.reason.startswith(contract.INTERNAL_ERROR_REASONS), f"internal error: {exc.reason}"
        assert name in str(exc)
        return None
    errors = contract.contract_errors(record)
    assert not errors, errors
    return record


# ---- the nasty corpus, in a child process with limits ------------------------------------------------
@pytest.fixture(scope="module")
def nasty_corpus(tmp_path_factory: pytest.TempPathFactory) -> list:
    return make_nasty.make_all(tmp_path_factory.mktemp("nasty"))


@pytest.mark.timeout(900)
def test_nasty_corpus_completes_within_limits_and_as_expected(nasty_corpus: list) -> None:
    paths = [path for path, _ in nasty_corpus]
    outcomes = isolated.run_isolated(paths)
    assert [o.path for o in outcomes] == [str(p) for p in paths]

    failures = []
    for (path, expect), outcome in zip(nasty_corpus, outcomes, strict=True):
        name = path.name
        if outcome.outcome not in ("record", "unreadable"):
            failures.append(f"{name}: {outcome.outcome} {outcome.reason}")
        elif outcome.errors:
            failures.append(f"{name}: {outcome.errors}")
        elif expect.outcome != "either" and outcome.outcome != expect.outcome:
            failures.append(f"{name}: expected {expect.outcome}, got {outcome.outcome} ({outcome.reason})")
        elif outcome.outcome == "unreadable" and expect.reason and expect.reason not in outcome.reason:
            failures.append(f"{name}: reason {outcome.reason!r} lacks {expect.reason!r}")
        elif outcome.outcome == "record" and outcome.activities < expect.min_activities:
            failures.append(f"{name}: {outcome.activities} activities < {expect.min_activities}")
    FIGURES.write_text(
        json.dumps(
            {
                "files": len(outcomes),
                "records": sum(o.outcome == "record" for o in outcomes),
                "unreadable": sum(o.outcome == "unreadable" for o in outcomes),
                "crashes_hangs": sum(o.outcome not in ("record", "unreadable") for o in outcomes),
                "slowest_s": max(o.seconds for o in outcomes),
                "slowest": max(outcomes, key=lambda o: o.seconds).path.rsplit("/", 1)[-1],
                "peak_rss_mb": max(o.peak_rss_mb for o in outcomes),
                "bytes": sum(p.stat().st_size for p in paths),
            },
            indent=1,
        )
    )
    assert not failures, "\n".join(failures)


def test_the_isolated_runner_reports_hangs_and_deaths(tmp_path: Path) -> None:
    """The harness itself: a hang or an out-of-memory death is reported for its file, the rest still run."""
    good = tmp_path / "good.txt"
    good.write_bytes(SAMPLE)
    outcomes = isolated.run_isolated([good, good], timeout=0.0001)  # nothing can answer in 0.1 ms
    assert outcomes[0].outcome == "hang"
    outcomes = isolated.run_isolated([good, good], memory=16 * 1024 * 1024)  # too little to even start
    assert [o.outcome for o in outcomes] == ["died", "died"]


@pytest.mark.timeout(900)
def test_a_200_mb_file_is_refused_without_being_loaded(tmp_path: Path) -> None:
    """The 200 MB text file is refused by its size (stat), so the worker's memory stays far below it."""
    huge = make_nasty.make_huge_text(tmp_path / "huge_200mb.txt")
    assert huge.stat().st_size == make_nasty.HUGE_BYTES
    (outcome,) = isolated.run_isolated([huge])
    assert outcome.outcome == "unreadable" and "too large" in outcome.reason, outcome
    assert outcome.peak_rss_mb < 400, outcome  # the file was never read into memory
    huge.unlink()


# ---- property-based: random and mutated bytes, in-process ---------------------------------------------
PROPERTY = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)


@PROPERTY
@given(
    data=st.binary(min_size=0, max_size=4096),
    name=st.sampled_from(["a.txt", "a.pdf", "a.docx", "a.html", "a"]),
)
def test_any_bytes(data: bytes, name: str) -> None:
    assert_extracts_or_refuses(data, name)


@st.composite
def mutated(draw: st.DrawFn, base: bytes) -> bytes:
    """`base` with a few random edits: byte flips, deletions, insertions, duplications, a truncation."""
    data = bytearray(base)
    for _ in range(draw(st.integers(1, 8))):
        if not data:
            break
        op = draw(st.sampled_from(["flip", "delete", "insert", "duplicate", "truncate"]))
        at = draw(st.integers(0, len(data) - 1))
        if op == "flip":
            data[at] = draw(st.integers(0, 255))
        elif op == "delete":
            del data[at : at + draw(st.integers(1, 200))]
        elif op == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=64))
        elif op == "duplicate":
            data[at:at] = data[at : at + draw(st.integers(1, 400))]
        else:
            data = data[:at]
    return bytes(data)


@PROPERTY
@given(data=mutated(SAMPLE))
def test_mutated_sample(data: bytes) -> None:
    assert_extracts_or_refuses(data, "sample.txt")


@PROPERTY
@given(data=mutated(SAMPLE_TEXT.encode("gb18030")))
def test_mutated_gb18030_sample(data: bytes) -> None:
    assert_extracts_or_refuses(data, "sample.txt")


_ROWS = fixtures.sample_rows(SAMPLE_TEXT)
_HTML = fixtures.render_html(_ROWS).encode("utf-8")
_DOCX = fixtures.render_docx(_ROWS)
_PDF = fixtures.render_pdf(_ROWS)


@settings(PROPERTY, max_examples=60)
@given(data=mutated(_HTML))
def test_mutated_html(data: bytes) -> None:
    assert_extracts_or_refuses(data, "sample.html")


@settings(PROPERTY, max_examples=40)
@given(data=mutated(_DOCX))
def test_mutated_docx(data: bytes) -> None:
    assert_extracts_or_refuses(data, "sample.docx")


@settings(PROPERTY, max_examples=25)
@given(data=mutated(_PDF))
def test_mutated_pdf(data: bytes) -> None:
    assert_extracts_or_refuses(data, "sample.pdf")


# Report-shaped text made of real labels, real values, separators and noise in any order and number.
_LABELS = make_nasty.all_labels()
_VALUES = [cell for row in _ROWS for i, cell in enumerate(row) if i % 2] + [
    "无", "无。", "10.00", "-3.5", "拾万元", "十十", "百四十八", "9" * 400, "2024年05月06日", "2024年度", "",
    "12330500676151570Y", "12330500676151570X", "（一）", "一、", "1.", "<script>alert(1)</script>", "&amp;",
]  # fmt: skip
_PIECES = st.one_of(
    st.sampled_from(_LABELS),
    st.sampled_from(_VALUES),
    st.sampled_from([" | ", "|", "\n", "：", ":", " ", "\r\n", "　", "(万元)", "（人）"]),
    st.text(max_size=20),
)


@settings(PROPERTY, max_examples=300)
@given(pieces=st.lists(_PIECES, max_size=120), encoding=st.sampled_from(["utf-8", "gb18030", "utf-16"]))
def test_report_shaped_text(pieces: list[str], encoding: str) -> None:
    text = "".join(pieces)
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:  # lone surrogates from st.text() cannot be written in any encoding
        data = text.encode("utf-8", "surrogatepass")
    assert_extracts_or_refuses(data, "report.txt")


@settings(PROPERTY, max_examples=100)
@given(
    rows=st.lists(
        st.lists(
            st.one_of(st.sampled_from(_LABELS), st.sampled_from(_VALUES), st.text(max_size=30)), max_size=6
        ),
        max_size=40,
    )
)
def test_report_shaped_html(rows: list[list[str]]) -> None:
    shaped = [(row + [""] * 4)[: 4 if len(row) > 2 else max(1, len(row))] for row in rows]  # 1, 2 or 4 cells
    data = fixtures.render_html(shaped).encode("utf-8", "surrogatepass")
    assert_extracts_or_refuses(data, "report.html")


# ---- regressions for what these tests found ------------------------------------------------------------
def _join_paragraphs_before_fix(pieces: list[str]) -> str:
    """The quadratic implementation replaced in transforms/layout.py, kept as the behavioural reference."""
    end = re.compile(r"[。；;！!？?:：]$|^[\d年月日号.\-/至—~～\s]+$")
    start = re.compile(r"^(?:[一二三四五六七八九十]+、|[(（][一二三四五六七八九十\d]+[)）]|\d{1,2}[.、．]\D)")
    cjk = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")
    out = pieces[0]
    for piece in pieces[1:]:
        ends = end.search(out.rsplit("\n", 1)[-1]) or start.match(piece)
        sep = "" if cjk.match(out[-1:]) or cjk.match(piece[:1]) else " "
        out += ("\n" if ends else sep) + piece
    return out


@settings(PROPERTY, max_examples=400)
@given(
    pieces=st.lists(
        st.one_of(
            st.sampled_from(
                ["2024年", "5月6日", "2024", "。", "工作", "(一)", "一、", "1.开展", "abc", "至", " 12 "]
            ),
            st.text(alphabet="年月日0123456789.-/ 。：:ab工作（）()一、", min_size=1, max_size=8),
        )
        .map(str.strip)
        .filter(bool),
        min_size=1,
        max_size=30,
    )
)
def test_linear_join_paragraphs_matches_the_old_behaviour(pieces: list[str]) -> None:
    assert join_paragraphs(pieces) == _join_paragraphs_before_fix(pieces)


@pytest.mark.parametrize(
    ("value", "field"),
    [
        ("十十", "headcount"),
        ("百四十八", "headcount"),
        ("9" * 5000, "headcount"),
        ("9" * 400, "startup_capital"),
    ],
)
def test_absurd_numbers_are_problems_not_crashes(value: str, field: str) -> None:
    """Found by the corpus: cn2an raised ValueError/KeyError and int() the digit-limit error out of
    extract_bytes; 400 nines became an infinite amount (not JSON, not a warehouse DOUBLE worth having)."""
    label = {"headcount": "从业人数", "startup_capital": "开办资金(万元)"}[field]
    record = assert_extracts_or_refuses(f"单位名称 | 某中心 |\n{label} | {value} |".encode(), "r.txt")
    assert record is not None
    key = "headcount" if field == "headcount" else "startup_capital_wan"
    assert record["finance"][key] is None
    assert any(p["field"] == field and p["severity"] == "error" for p in record["problems"])


def test_a_damaged_byte_or_a_cut_character_does_not_lose_the_report() -> None:
    """Found by the corpus: one flipped byte, or a file cut inside a UTF-8/GB18030 character, made the whole
    report 'binary data'. Now it is read, with the damage replaced by U+FFFD and stated as a warning."""
    gb = SAMPLE_TEXT.encode("gb18030")
    cut_utf8 = SAMPLE[: SAMPLE.rindex("。".encode()) + 1]  # the first byte of a 3-byte character
    cut_gb = gb[: gb.rindex("。".encode("gb18030")) + 1]
    for data in (cut_utf8, SAMPLE[:100] + b"\xff" + SAMPLE[101:], cut_gb):
        record = assert_extracts_or_refuses(data, "r.txt")
        assert record is not None and record["institution"]["uscc"] == "12330500676151570Y"
        assert any("replaced by" in p["message"] for p in record["problems"])


def test_lines_in_two_encodings_are_each_decoded() -> None:
    lines = SAMPLE_TEXT.splitlines(keepends=True)
    data = b"".join(line.encode("gb18030" if i % 2 else "utf-8") for i, line in enumerate(lines))
    record = assert_extracts_or_refuses(data, "r.txt")
    assert record is not None
    assert record["institution"]["name"] == "湖州市人民对外友好协会秘书处"
    assert record["finance"]["net_assets_end_wan"] == 1.35
    assert any("mixed encodings" in p["message"] for p in record["problems"])


def test_pdf_bombs_are_refused_by_reason() -> None:
    with pytest.raises(UnreadableFile, match="decompression bomb"):
        extract_bytes(make_nasty.pdf_flate_bomb(64 * 1024 * 1024), "bomb.pdf")
    with pytest.raises(UnreadableFile, match="unclosed"):
        extract_bytes(make_nasty.pdf_text_page(b"[" * 5000), "nested.pdf")


def test_too_many_cells_is_refused_before_parsing() -> None:
    with pytest.raises(UnreadableFile, match="not an annual report: 300,00"):
        extract_bytes(("单位名称 | 某 |" + "a|" * 300_000).encode(), "cells.txt")


def test_a_repeated_label_gives_one_problem_not_thousands() -> None:
    data = ("单位名称 | 甲 |\n" + "".join(f"单位名称 | 乙{i} |\n" for i in range(2000))).encode()
    record = assert_extracts_or_refuses(data, "r.txt")
    assert record is not None and record["institution"]["name"] == "甲"
    assert sum(p["field"] == "name" for p in record["problems"]) == 1
