"""A regex read back from the disk cache behaves exactly as the one `re.compile` makes."""

from __future__ import annotations

import re
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


def _behaviour(pattern: re.Pattern[str]) -> list:
    found = [[(m.span(), m.groups(), m.groupdict()) for m in pattern.finditer(text)] for text in TEXTS]
    return [pattern.pattern, pattern.flags, pattern.groups, pattern.groupindex, found]


@pytest.mark.parametrize(("pattern", "flags"), PATTERNS)
def test_built_and_loaded_programs_match_as_re_compile_does(pattern: str, flags: int, tmp_path: Path) -> None:
    expected = _behaviour(re.compile(pattern, flags))
    assert _behaviour(compile_cached(pattern, flags)) == expected  # built, then stored
    assert list(tmp_path.glob("regex-*.pickle"))
    assert _behaviour(compile_cached(pattern, flags)) == expected  # read back


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
