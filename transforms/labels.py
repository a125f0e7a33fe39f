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

_NUMBERING = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.．]|\(?[一二三四五六七八九十]+\)|\d{1,2}[、.．)]|[（(]\d{1,2}[)）])"
)
_UNIT_SUFFIX = re.compile(r"\((万元|元|人|名|个)\)$")
_IGNORED = str.maketrans("", "", "()《》〈〉<>、“”\"'‘’「」[]【】")
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
    key = _WHITESPACE.sub("", unicodedata.normalize("NFKC", text)).rstrip(":|")
    key = _NUMBERING.sub("", key)
    unit = None
    match = _UNIT_SUFFIX.search(key)
    if match:
        unit = match.group(1)
        key = key[: match.start()]
    return key.translate(_IGNORED), unit


@cache
def label_table() -> dict[str, str]:
    """Map every known label key to its field; built once from the data file."""
    data = yaml.safe_load(resources.files("transforms.data").joinpath("labels.yaml").read_text("utf-8"))
    table: dict[str, str] = {}

    def add(variants: list[str], field: str) -> None:
        for variant in variants:
            table[label_key(variant)[0]] = field

    for field, variants in data["fields"].items():
        add(variants, field)
    for section, variants in data["sections"].items():
        add(variants, f"section:{section}")
    add(data["container"], "container")
    add(data["groups"], "group")
    return table


@cache
def _prefix_pattern() -> re.Pattern[str]:
    """A regex finding a known label at the start of a line or after white space, followed by a separator.

    Labels may be spread with spaces ('住　　所') and carry a bracketed unit; the separator (colon or white
    space) is required so that prose which merely starts with a label word is not split.
    """
    variants = sorted(label_table(), key=len, reverse=True)
    spaced = ["\\s*".join(map(re.escape, v)) for v in variants if len(v) >= 2]
    return re.compile(
        r"(?:^|(?<=\s))(?P<label>(?:[一二三四五六七八九十]+、)?(?:"
        + "|".join(spaced)
        + r")\s*(?:[(（][^)）]{1,6}[)）])?)\s*(?:[:：]|\s|$)"
    )


def match_label(cell: str) -> Label | None:
    """The label a whole cell stands for, or None when the cell is a value."""
    if len(cell) > 60:
        return None
    key, unit = label_key(cell)
    field = label_table().get(key)
    return Label(field, unit) if field else None


# A line of the 'label：value' layout holds a few pairs; past this many label words the rest of the line is
# the last label's value, which bounds the work a hostile line of ten million label words can cause.
MAX_INLINE_LABELS = 64


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
