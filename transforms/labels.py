"""Recognise report field labels, whatever their wording, width or unit suffix.

The variants live in `data/labels.yaml` so that a new wording found in a real report is a data change,
not a code change.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml

from transforms.normalize.script import has_traditional, to_simplified

_NUMBERING = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.．]|\(?[一二三四五六七八九十]+\)|\d{1,2}[、.．)]|[（(]\d{1,2}[)）])"
)
_UNIT_SUFFIX = re.compile(r"\((万元|元|人|名|个)\)$")
_IGNORED_CHARS = "()《》〈〉<>、“”\"'‘’「」[]【】（）"
_IGNORED = str.maketrans("", "", _IGNORED_CHARS)
_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Label:
    """What a label cell means: the field it introduces and the unit it declares for the value."""

    field: str  # a record field, "section:<name>", "container" or "group"
    unit: str | None = None


def label_key(text: str) -> tuple[str, str | None]:
    """Reduce a label to its comparison key and the unit it declares.

    '年初数（万元）：' gives ('年初数', '万元'): the unit matters, a value under a (元) label is converted.
    """
    key = _WHITESPACE.sub("", unicodedata.normalize("NFKC", to_simplified(text))).rstrip(":|")
    key = _NUMBERING.sub("", key)
    unit = None
    match = _UNIT_SUFFIX.search(key)
    if match:
        unit = match.group(1)
        key = key[: match.start()]
    return key.translate(_IGNORED), unit


@cache
def _data() -> dict:
    return yaml.safe_load(resources.files("transforms.data").joinpath("labels.yaml").read_text("utf-8"))


def _script_variants(text: str) -> set[str]:
    """The label as written in simplified and in traditional characters (單位名稱, 開辦資金): reports copied
    from Hong Kong, Macao or Taiwan pages, or converted by a publishing tool, keep the form's labels in
    traditional script. OpenCC gives both the generic traditional and the Taiwan standard forms."""
    from transforms.normalize.script import to_traditional_forms  # opencc only when the table is built

    return {text, *to_traditional_forms(text)}


@cache
def label_table() -> dict[str, str]:
    """Map every known label key to its field; built once from the data file."""
    data = _data()
    table: dict[str, str] = {}

    def add(variants: list[str], field: str) -> None:
        for variant in variants:
            for form in _script_variants(label_key(variant)[0]):
                table.setdefault(form, field)

    for field, variants in data["fields"].items():
        add(variants, field)
    for section, variants in data["sections"].items():
        add(variants, f"section:{section}")
    add(data["container"], "container")
    add(data["groups"], "group")
    add(data["form_start"], "form_start")
    return table


@cache
def group_keys() -> tuple[str, ...]:
    """Group label keys, longest first, for reading a group written in front of a field label."""
    return tuple(sorted((k for k, f in label_table().items() if f == "group"), key=len, reverse=True))


def _field_after_groups(key: str) -> str | None:
    """The field of a key made of group labels then a field label (净资产合计所有者权益合计年末数)."""
    stripped = key
    while True:
        group = next((g for g in group_keys() if stripped.startswith(g) and len(stripped) > len(g)), None)
        if group is None:
            break
        stripped = stripped[len(group) :]
    if stripped == key:
        return None
    field = label_table().get(stripped)
    return field if field and field not in ("group", "container", "form_start") and ":" not in field else None


@cache
def _phrases(kind: str) -> tuple[str, ...]:
    return tuple(label_key(p)[0] for p in _data()[kind])


_YEAR_ONLY = re.compile(r"(?:19|20)\d{2}年度")
# Cover and title cells are short; a long cell that happens to quote a title phrase is prose.
MAX_COVER_CHARS = 40


def is_cover(cell: str) -> bool:
    """Whether a cell is cover or title text of the form (事业单位法人年度报告书, （2023年度）, …局制)."""
    if len(cell) > MAX_COVER_CHARS or ("年度" not in cell and "局" not in cell):
        return False  # every cover phrase and year has one of these: most cells end here, unnormalised
    key = label_key(cell)[0]
    return bool(key) and (any(p in key for p in _phrases("cover")) or _YEAR_ONLY.fullmatch(key) is not None)


def unit_of_cell(cell: str) -> str | None:
    """The unit a cell states when it states nothing else (万元, 单位：元), else None."""
    if len(cell) > 12 or "元" not in cell:
        return None
    key = label_key(cell)[0]
    if key not in _phrases("units"):
        return None
    return "元" if key.endswith("元") and not key.endswith("万元") else "万元"


def is_column_header_row(cells: list[str]) -> bool:
    """A row of only column headers (项目 | 内容): a rendering artefact, repeated on every page of a PDF."""
    headers = _phrases("column_headers")
    return cells[0] in headers and all("".join(c.split()) in headers for c in cells)


@cache
def _prefix_pattern() -> re.Pattern[str]:
    """A regex finding a known label at the start of a line or after white space, followed by a separator.

    Labels may be spread with spaces ('住　　所'), keep the brackets and quotes `label_key` ignores
    (对《条例》和…, 接受捐赠（资助）…) and carry a bracketed unit or note; the separator (colon or white
    space) is required so that prose which merely starts with a label word is not split.
    """
    variants = sorted(label_table(), key=len, reverse=True)
    between = f"[\\s{re.escape(_IGNORED_CHARS)}]*"
    spaced = [between.join(map(re.escape, v)) for v in variants if len(v) >= 2]
    groups = "|".join(between.join(map(re.escape, g)) for g in group_keys())
    # After white space a label may be followed by a colon or white space; after a clause separator
    # (年初数：2.17；年末数：1.35) only by a colon, so that prose is not cut at its commas.
    return re.compile(
        rf"(?:^|(?<=\s)|(?P<after_punct>(?<=[；;，,。])))"
        rf"(?P<label>(?:[一二三四五六七八九十]+、|\d{{1,2}}[.、．)]\s*)?{between}(?:(?:{groups}){between})*(?:"
        + "|".join(spaced)
        + r")\s*(?:[(（][^)）]{1,12}[)）])?)\s*(?(after_punct)[:：]|(?:[:：]|\s|$))"
    )


# match_label is called on every cell of every report and the same label cells recur in every report: a
# memo (bounded, cleared when full) skips the NFKC + regex work for them. Results are pure functions of the
# cell, so the memo never changes an answer.
_MATCH_MEMO: dict[str, Label | None] = {}
_MATCH_MEMO_MAX = 1 << 16


@cache
def _non_label_ideograph() -> re.Pattern[str]:
    """A CJK unified ideograph that occurs in no label key (nor in the numbering or unit that `label_key`
    strips). Such a character is NFKC-stable, composes with nothing and survives `label_key`, so a cell
    holding one cannot be a label: values (names, addresses, prose) are rejected without normalising them."""
    allowed = set("".join(k for k in label_table() if not has_traditional(k))) | set(
        "一二三四五六七八九十万元人名个"
    )
    ranges, start = [], None
    for code in range(0x4E00, 0xA000 + 1):
        inside = code < 0xA000 and chr(code) not in allowed
        if inside and start is None:
            start = code
        elif not inside and start is not None:
            ranges.append(f"\\u{start:04x}-\\u{code - 1:04x}")
            start = None
    return re.compile("[" + "".join(ranges) + "]")


def match_label(cell: str) -> Label | None:
    """The label a whole cell stands for, or None when the cell is a value."""
    if len(cell) > 60:
        return None
    try:
        return _MATCH_MEMO[cell]
    except KeyError:
        pass
    outsider = _non_label_ideograph().search(cell)
    if outsider is not None and (
        not has_traditional(outsider.group()) or _non_label_ideograph().search(to_simplified(cell))
    ):
        return None  # a character no label has (also in simplified form): a value, rejected unnormalised
    key, unit = label_key(cell)
    field = label_table().get(key) or _field_after_groups(key)
    label = Label(field, unit) if field else None
    if len(_MATCH_MEMO) >= _MATCH_MEMO_MAX:
        _MATCH_MEMO.clear()
    _MATCH_MEMO[cell] = label
    return label


# A long label cut short by publishing (对《条例》和实施细则有关变更登记规定的执行, its 情况 lost) is still
# that label when this much of it is there: no value reads like the first ten characters of a label.
MIN_TRUNCATED_CHARS = 10
MIN_TRUNCATED_SHARE = 0.8


@cache
def _long_label_keys() -> tuple[tuple[str, str], ...]:
    return tuple((k, f) for k, f in label_table().items() if len(k) > MIN_TRUNCATED_CHARS)


def label_from_truncation(cell: str) -> Label | None:
    """The long label whose beginning `cell` is, when it is most of it; else None."""
    key, unit = label_key(cell)
    if len(key) < MIN_TRUNCATED_CHARS:
        return None
    for full, field in _long_label_keys():
        if full.startswith(key) and len(key) >= MIN_TRUNCATED_SHARE * len(full):
            return Label(field, unit)
    return None


# A line of the 'label：value' layout holds a few pairs; past this many label words the rest of the line is
# the last label's value, which bounds the work a hostile line of ten million label words can cause.
MAX_INLINE_LABELS = 64


@cache
def _label_first_chars() -> frozenset[str]:
    """Characters a `_prefix_pattern` match can start with: a variant's first character or a numeral."""
    firsts = {v[0] for v in label_table() if len(v) >= 2}
    return frozenset(firsts | set("一二三四五六七八九十0123456789") | set(_IGNORED_CHARS))


_NUMBERED = re.compile(r"\d{1,2}[.、．)]\s*\D")


def starts_with_label(line: str) -> bool:
    """Whether `line` begins with a known label and its separator (the first item `find_labels` would give
    would start at 0): one anchored match instead of a scan of the whole line."""
    if not line or line[0] not in _label_first_chars():
        return False
    if line[0].isdigit() and _NUMBERED.match(line) is None:
        return False  # a number (10.00, 2024年…), not a numbered label (1. 单位名称)
    match = _prefix_pattern().match(line)
    return match is not None and match_label(match.group("label")) is not None


def find_labels(line: str) -> list[tuple[int, int, Label]]:
    """Labels inside a line of a 'label：value' layout, as (start, end-of-separator, label)."""
    found = []
    for count, match in enumerate(_prefix_pattern().finditer(line)):
        if count >= MAX_INLINE_LABELS:
            break
        label = match_label(match.group("label"))
        if label is not None:
            found.append((match.start("label"), match.end(), label))
    return found
