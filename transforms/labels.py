"""Recognise report field labels, whatever their wording, width or unit suffix.

The variants live in `data/labels.yaml` so that a new wording found in a real report is a data change,
not a code change.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import islice
from pathlib import Path

from transforms.data import DATA_DIR, read_yaml
from transforms.disk_cache import cached, source_key
from transforms.normalize.script import has_traditional, t2s_table, to_simplified, to_traditional_forms
from transforms.regex_cache import character_class, compile_cached

_NUMBERING = compile_cached(
    r"^(?:[一二三四五六七八九十]+[、.．]|\(?[一二三四五六七八九十]+\)|\d{1,2}[、.．)]|[（(]\d{1,2}[)）])"
)
_UNIT_SUFFIX = compile_cached(r"\((万元|元|人|名|个)\)$")
_IGNORED_CHARS = "()《》〈〉<>、“”\"'‘’「」[]【】（）"
# removed by a pattern: str.translate looks every character up in a dict, several times slower
_IGNORED = compile_cached(f"[{re.escape(_IGNORED_CHARS)}]")


@dataclass(frozen=True)
class Label:
    """What a label cell means: the field it introduces and the unit it declares for the value."""

    field: str  # a record field, "section:<name>", "container" or "group"
    unit: str | None = None


def label_key(text: str) -> tuple[str, str | None]:
    """Reduce a label to its comparison key and the unit it declares.

    '年初数（万元）：' gives ('年初数', '万元'): the unit matters, a value under a (元) label is converted.
    """
    # white space removed and the numbering cut off without patterns scanning the whole key
    key = "".join(unicodedata.normalize("NFKC", to_simplified(text)).split()).rstrip(":|")
    numbering = _NUMBERING.match(key)
    if numbering:
        key = key[numbering.end() :]
    unit = None
    match = _UNIT_SUFFIX.search(key)
    if match:
        unit = match.group(1)
        key = key[: match.start()]
    return _IGNORED.sub("", key), unit


_LABELS_FILE = DATA_DIR / "labels.yaml"


@cache
def _data() -> dict:
    return read_yaml(_LABELS_FILE.name)


def _script_variants(text: str) -> set[str]:
    """The label as written in simplified and in traditional characters (單位名稱, 開辦資金): reports copied
    from Hong Kong, Macao or Taiwan pages, or converted by a publishing tool, keep the form's labels in
    traditional script. OpenCC gives both the generic traditional and the Taiwan standard forms."""
    return {text, *to_traditional_forms(text)}


# The builder's version, part of the disk cache key: bump it when `_build_label_table` changes.
_TABLE_VERSION = "1"


@cache
def _table_key() -> str:
    """The disk cache key of the label table and of what is derived from it (a character class, the prefix
    pattern's text): a digest of labels.yaml and of this module's own source, which derives them."""
    return source_key(_TABLE_VERSION, [_LABELS_FILE, Path(__file__)], ["opencc"])


@cache
def label_table() -> dict[str, str]:
    """Map every known label key to its field.

    Built once per machine and read back from the disk cache after that: the traditional spellings come
    from OpenCC, whose dictionaries take longer to load (≈0.15 s) than every later report takes to read.
    """
    return cached("labels", _table_key(), _build_label_table)


def _build_label_table() -> dict[str, str]:
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


@cache
def _group_first_chars() -> frozenset[str]:
    return frozenset(g[0] for g in group_keys())


def _field_after_groups(key: str) -> str | None:
    """The field of a key made of group labels then a field label (净资产合计所有者权益合计年末数)."""
    if key[:1] not in _group_first_chars():
        return None  # most keys that are not labels start with no group's first character
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


# `label_key` keeps every digit (NFKC maps a digit to a digit) but those of a leading numbering, two at most.
_THREE_DIGITS = compile_cached(r"\d\D*\d\D*\d")


@cache
def _keys_have_digits() -> bool:
    return any(re.search(r"\d", key) for key in (*label_table(), *_phrases("units")))


def _too_many_digits(cell: str) -> bool:
    """Whether `cell` has more digits than a label or unit cell can: its key would keep one, and no label key
    or unit phrase has any. Numbers with their unit (890人, 9.56万元) are told so without normalising them."""
    return _THREE_DIGITS.search(cell) is not None and not _keys_have_digits()


_YEAR_ONLY = compile_cached(r"(?:19|20)\d{2}年度")
# Cover and title cells are short; a long cell that happens to quote a title phrase is prose.
MAX_COVER_CHARS = 40


def is_cover(cell: str) -> bool:
    """Whether a cell is cover or title text of the form (事业单位法人年度报告书, （2023年度）, …局制)."""
    if len(cell) > MAX_COVER_CHARS or ("年度" not in cell and "局" not in cell):
        return False  # every cover phrase and year has one of these: most cells end here, unnormalised
    return _is_cover_text(cell)


@lru_cache(maxsize=1 << 12)
def _is_cover_text(cell: str) -> bool:
    """`is_cover` for a short cell that may be one: the same cover lines come in every report, so the
    answer is remembered rather than normalised again."""
    key = label_key(cell)[0]
    return bool(key) and (any(p in key for p in _phrases("cover")) or _YEAR_ONLY.fullmatch(key) is not None)


def unit_of_cell(cell: str) -> str | None:
    """The unit a cell states when it states nothing else (万元, 单位：元), else None."""
    if len(cell) > 12 or "元" not in cell or _too_many_digits(cell):
        return None
    key = label_key(cell)[0]
    if key not in _phrases("units"):
        return None
    return "元" if key.endswith("元") and not key.endswith("万元") else "万元"


def is_column_header_row(cells: list[str]) -> bool:
    """A row of only column headers (项目 | 内容): a rendering artefact, repeated on every page of a PDF."""
    headers = _phrases("column_headers")
    return cells[0] in headers and all("".join(c.split()) in headers for c in cells)


def _trie_alternation(words: list[str], between: str) -> str:
    """One regex for `words` (each spelled with `between` allowed between its characters), written as a
    trie: shared beginnings are written once, which compiles several times faster than a flat alternation.

    It matches what the flat alternation of the words, longest first, matches: every word that can match
    at a position lies on one path of the trie (word characters are never `between` characters), and on
    that path a longer continuation is tried before stopping.
    """
    root: dict = {}
    for word in words:
        node = root
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def branches(node: dict) -> str:
        alternatives = [re.escape(char) + after(child) for char, child in sorted(node.items()) if char]
        return alternatives[0] if len(alternatives) == 1 else f"(?:{'|'.join(alternatives)})"

    def after(node: dict) -> str:
        """What may follow a node's character: `between` and a next character, optional where a word ends."""
        if not any(node):
            return ""
        rest = between + branches(node)
        return f"(?:{rest})?" if "" in node else rest

    return branches(root)


@cache
def _prefix_pattern() -> re.Pattern[str]:
    """A regex finding a known label at the start of a line or after white space, followed by a separator.

    Labels may be spread with spaces ('住　　所'), keep the brackets and quotes `label_key` ignores
    (对《条例》和…, 接受捐赠（资助）…) and carry a bracketed unit or note; the separator (colon or white
    space) is required so that prose which merely starts with a label word is not split.

    Both its text (a trie of 850 label variants, ≈7 ms to write) and its compiled program (0.15 s) come
    from the disk cache.
    """
    return compile_cached(cached("label-prefix", _table_key(), _prefix_pattern_text))


def _prefix_pattern_text() -> str:
    between = f"[\\s{re.escape(_IGNORED_CHARS)}]*"
    labels = _trie_alternation([v for v in label_table() if len(v) >= 2], between)
    groups = "|".join(between.join(map(re.escape, g)) for g in group_keys())
    # After white space a label may be followed by a colon or white space; after a clause separator
    # (年初数：2.17；年末数：1.35) only by a colon, so that prose is not cut at its commas.
    return (
        rf"(?:^|(?<=\s)|(?P<after_punct>(?<=[；;，,。])))"
        rf"(?P<label>(?:[一二三四五六七八九十]+、|\d{{1,2}}[.、．)]\s*)?{between}(?:(?:{groups}){between})*"
        rf"{labels}"
        r"\s*(?:[(（][^)）]{1,12}[)）])?)\s*(?(after_punct)[:：]|(?:[:：]|\s|$))"
    )


# match_label is called on every cell of every report and the same label cells recur in every report: a
# memo (bounded, cleared when full) skips the NFKC + regex work for them. Results are pure functions of the
# cell, so the memo never changes an answer.
_MATCH_MEMO: dict[str, Label | None] = {}
_MATCH_MEMO_MAX = 1 << 16
_UNKNOWN = Label("")  # not in the memo (None is a remembered answer: not a label)


@cache
def _non_label_ideograph() -> re.Pattern[str]:
    """A CJK unified ideograph that occurs in no label key (nor in the numbering or unit that `label_key`
    strips). Such a character is NFKC-stable, composes with nothing and survives `label_key`, so a cell
    holding one cannot be a label: values (names, addresses, prose) are rejected without normalising them."""

    def outsiders() -> Iterator[int]:
        allowed = set("".join(k for k in label_table() if not has_traditional(k))) | set(
            "一二三四五六七八九十万元人名个"
        )
        return (code for code in range(0x4E00, 0xA000) if chr(code) not in allowed)

    return character_class("non-label-ideographs", _table_key(), outsiders)


def has_non_label_character(cell: str) -> bool:
    """Whether `cell` holds a character that no label has, also in simplified form: then neither the cell
    nor any longer text that contains it is a label or the beginning of one."""
    outsider = _non_label_ideograph().search(cell)
    if outsider is None:
        return False
    if ord(outsider.group()) not in t2s_table():
        return True
    return _non_label_ideograph().search(to_simplified(cell)) is not None


def match_label(cell: str) -> Label | None:
    """The label a whole cell stands for, or None when the cell is a value."""
    if len(cell) > 60 or cell.isascii():
        return None  # every label has CJK characters: numbers, codes and dates are told apart at once
    label = _MATCH_MEMO.get(cell, _UNKNOWN)
    if label is not _UNKNOWN:
        return label
    if has_non_label_character(cell):
        return None  # a value (a name, an address, prose), rejected unnormalised
    if _too_many_digits(cell):
        return None  # a number with its unit (890人, 9.56万元)
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
    if has_non_label_character(cell):
        return None
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


_NUMBERED = compile_cached(r"\d{1,2}[.、．)]\s*\D")


def labels_at_start(line: str) -> list[tuple[int, int, Label]]:
    """The labels of a line of the 'label：value' layout (as `find_labels`) when the line begins with one
    and its separator, else []: most lines do not, and are told so by one anchored match at most."""
    if not line or line[0] not in _label_first_chars():
        return []
    if line[0].isdigit() and _NUMBERED.match(line) is None:
        return []  # a number (10.00, 2024年…), not a numbered label (1. 单位名称)
    first = _prefix_pattern().match(line)
    label = match_label(first.group("label")) if first is not None else None
    if first is None or label is None:
        return []
    return [(0, first.end(), label), *_labels_in(line, first.end(), MAX_INLINE_LABELS - 1)]


def find_labels(line: str) -> list[tuple[int, int, Label]]:
    """Labels inside a line of a 'label：value' layout, as (start, end-of-separator, label)."""
    return _labels_in(line, 0, MAX_INLINE_LABELS)


@cache
def _label_boundary() -> re.Pattern[str]:
    """A character a `_prefix_pattern` match may follow (white space, a clause separator) before one it may
    start with: the places worth trying, found by a pattern that starts with a character class and so skips
    the rest of the line fast."""
    firsts = _label_first_chars() | {g[0] for g in group_keys()}
    return compile_cached(rf"[\s；;，,。](?=[\s\d{re.escape(''.join(sorted(firsts)))}])")


# Boundaries tried one by one on a line before the pattern scans the rest itself: a line of thousands of
# clause separators before label characters (，单，单…) costs one call each, more than the pattern's own scan.
MAX_BOUNDARY_TRIES = 64


def _prefix_matches(line: str, pos: int, limit: int) -> list[re.Match[str]]:
    """The first `limit` matches of `_prefix_pattern().finditer(line, pos)`, tried only where one can start.

    The pattern starts with a choice of lookbehinds, which the regex engine tries at every character of a
    long line; a match needs the start of the line or a boundary character before it.
    """
    pattern = _prefix_pattern()
    matches = []
    if pos == 0 and (match := pattern.match(line)) is not None:
        matches.append(match)
        pos = match.end()
    boundaries = _label_boundary()
    boundary = boundaries.search(line, max(pos - 1, 0))  # most lines have none: one search, no iterator
    tries = 0
    while boundary is not None and len(matches) < limit:
        start = boundary.end()
        if start >= pos:
            if (tries := tries + 1) > MAX_BOUNDARY_TRIES:  # a hostile line: let the pattern scan the rest
                return matches + list(islice(pattern.finditer(line, pos), limit - len(matches)))
            if (match := pattern.match(line, start)) is not None:
                matches.append(match)
                pos = match.end()
        boundary = boundaries.search(line, max(start, pos - 1))
    return matches


def _labels_in(line: str, pos: int, limit: int) -> list[tuple[int, int, Label]]:
    found = []
    for match in _prefix_matches(line, pos, limit):
        label = match_label(match.group("label"))
        if label is not None:
            found.append((match.start("label"), match.end(), label))
    return found
