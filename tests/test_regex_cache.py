"""A regex read back from the disk cache behaves exactly as the one `re.compile` makes."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from transforms import regex_cache
from transforms.regex_cache import compile_cached

PATTERNS = [
    (
        r"(?:^|(?<=\s)|(?P<after_punct>(?<=[；;，,。])))(?P<label>单位名称|住\s*所)\s*(?(after_punct)[:：]|[:：\s])",
        0,
    ),
    (r"<\s*(?:!doctype\s+html|html|table|td)\b", re.IGNORECASE),
    (r"[\u4e01-\u4e05\u4e08\u9fa5]+(\d{1,2})(?!\d)", 0),
]
TEXTS = [
    "单位名称：某某医院",
    "年初数；住 所：北京",
    "<!DOCTYPE html><TABLE>",
    "丁丂七万28日",
    "",
    "住所:x 单位名称 y",
]


@pytest.fixture(autouse=True)
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NIANBAO_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(regex_cache, "_BOOK", regex_cache._Book())  # as in a new process


def _behaviour(pattern: re.Pattern[str]) -> list:
    found = [[(m.span(), m.groups(), m.groupdict()) for m in pattern.finditer(text)] for text in TEXTS]
    return [pattern.pattern, pattern.flags, pattern.groups, pattern.groupindex, found]


def _new_process(monkeypatch: pytest.MonkeyPatch) -> regex_cache._Book:
    """The book as the next process finds it: the last one written, then read."""
    regex_cache._BOOK.write()
    book = regex_cache._Book()
    monkeypatch.setattr(regex_cache, "_BOOK", book)
    return book


@pytest.mark.parametrize(("pattern", "flags"), PATTERNS)
def test_programs_from_the_book_match_as_re_compile_does(
    pattern: str, flags: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = _behaviour(re.compile(pattern, flags))
    assert _behaviour(compile_cached(pattern, flags)) == expected  # compiled, added to the book
    _new_process(monkeypatch)
    monkeypatch.setattr(regex_cache, "_program", lambda pattern, flags: pytest.fail("compiled again"))
    assert _behaviour(compile_cached(pattern, flags)) == expected  # read back
    assert [p.name.startswith("regex-book-") for p in tmp_path.iterdir()] == [True]


@pytest.mark.parametrize(("pattern", "flags"), PATTERNS)
def test_a_long_pattern_has_a_file_of_its_own(
    pattern: str, flags: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(regex_cache, "BOOK_MAX_PATTERN_CHARS", 10)
    expected = _behaviour(re.compile(pattern, flags))
    assert _behaviour(compile_cached(pattern, flags)) == expected  # built, then stored
    assert len(list(tmp_path.glob("regex-*.pickle"))) == 1
    assert not list(tmp_path.glob("regex-book-*"))
    assert _behaviour(compile_cached(pattern, flags)) == expected  # read back


def test_a_full_book_is_rewritten_with_what_the_process_used(monkeypatch: pytest.MonkeyPatch) -> None:
    for pattern in ("a+", "b+", "c+"):
        compile_cached(pattern)
    monkeypatch.setattr(regex_cache, "BOOK_MAX_ENTRIES", 3)
    book = _new_process(monkeypatch)
    compile_cached("b+")
    compile_cached("d+")  # the book would hold four
    book = _new_process(monkeypatch)
    assert compile_cached("d+").fullmatch("dd")
    assert len(book.programs or ()) == 2  # b+ and d+


def test_a_process_that_compiled_new_patterns_writes_the_book_when_it_exits(tmp_path: Path) -> None:
    compile_in_a_new_process = [
        sys.executable,
        "-c",
        "from transforms.regex_cache import compile_cached; assert compile_cached('x(y)+').match('xyy')",
    ]
    env = {**os.environ, "NIANBAO_CACHE_DIR": str(tmp_path)}
    root = Path(__file__).parent.parent
    subprocess.run(compile_in_a_new_process, check=True, env=env, cwd=root)
    (written,) = tmp_path.glob("regex-book-*.pickle")
    first = written.stat().st_mtime_ns
    subprocess.run(compile_in_a_new_process, check=True, env=env, cwd=root)
    assert written.stat().st_mtime_ns == first  # found in the book: nothing new to write


def test_the_label_prefix_pattern_from_the_cache_finds_the_same_labels() -> None:
    from transforms.labels import _prefix_pattern, label_table

    source = _prefix_pattern().pattern
    compile_cached(source)
    loaded = compile_cached(source)
    lines = [
        f"{n}、{key}：值 {other}（万元）：1.5"
        for n, (key, other) in enumerate(zip(label_table(), [*label_table()][1:], strict=False))
    ]
    assert [[m.span("label") for m in loaded.finditer(line)] for line in lines] == [
        [m.span("label") for m in re.compile(source).finditer(line)] for line in lines
    ]


def test_a_program_the_engine_refuses_falls_back_to_re_compile(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(regex_cache, "_program", lambda pattern, flags: (flags, [999, 1, 2], 0, {}, (None,)))
    assert compile_cached("a(b)c").match("abc").group(1) == "b"


def test_the_book_is_written_back_to_the_folder_it_was_read_from(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    compile_cached("q+")
    monkeypatch.setenv("NIANBAO_CACHE_DIR", str(tmp_path / "elsewhere"))  # as after a test restores it
    regex_cache._BOOK.write()
    assert [p.name.startswith("regex-book-") for p in tmp_path.iterdir()] == [True]
