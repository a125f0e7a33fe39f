"""Traditional (and Japanese) ↔ simplified Chinese with OpenCC (the `opencc` package and its dictionaries).

Why character by character for matching: the extractor keeps every evidence sentence as the report wrote
it and points into it by offsets, so the text it matches against must have the same length. OpenCC's
character table (each traditional character to its usual simplified one) gives exactly that; phrase-level
conversion, which may change a word's length, is not needed to recognise a place or a label.
"""

from __future__ import annotations

import re
from functools import cache

from transforms.disk_cache import cached, source_key
from transforms.regex_cache import character_class

# The CJK unified ideographs and their extension A: every character OpenCC's character table covers.
_IDEOGRAPH_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))


@cache
def _converter(config: str):  # -> opencc.OpenCC
    import opencc

    return opencc.OpenCC(config)


# The builder's version, part of the disk cache key: bump it when `_build_t2s_table` changes.
_T2S_VERSION = "1"


@cache
def _t2s_key() -> str:
    """The disk cache key of the table and of what is derived from it."""
    return source_key(_T2S_VERSION, [], ["opencc"])


@cache
def t2s_table() -> dict[int, str]:
    """{code point: simplified character} for every ideograph OpenCC simplifies (one call each, ≈10 ms).

    Japanese shinjitai (県, 浜, 広, 沢: Japanese place names copied as written) are simplified through their
    traditional form (jp2t, then t2s), but only characters outside GB2312: a shinjitai form that is also a
    common simplified character (予, 芸, 弁) stays what it is in Chinese text.

    Built once per machine (OpenCC's dictionaries load slowly), then read from the disk cache.
    """
    return cached("t2s", _t2s_key(), _build_t2s_table)


def _build_t2s_table() -> dict[int, str]:
    chars = [chr(c) for lo, hi in _IDEOGRAPH_RANGES for c in range(lo, hi + 1)]
    joined = "\n".join(chars)
    simplified = _converter("t2s").convert(joined).split("\n")
    from_japanese = _converter("t2s").convert(_converter("jp2t").convert(joined)).split("\n")
    table: dict[int, str] = {}
    for char, simple, japanese in zip(chars, simplified, from_japanese, strict=True):
        if simple != char and len(simple) == 1:
            table[ord(char)] = simple
        elif japanese != char and len(japanese) == 1 and not _in_gb2312(char):
            table[ord(char)] = japanese
    return table


def _in_gb2312(char: str) -> bool:
    try:
        char.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


@cache
def _traditional_pattern() -> re.Pattern[str]:
    """One character class of every character the table simplifies, as ranges: a C-speed scan."""
    return character_class("traditional", _t2s_key(), t2s_table)


def has_traditional(text: str) -> bool:
    """Whether `text` holds any character that OpenCC would simplify."""
    return _traditional_pattern().search(text) is not None


def to_simplified(text: str) -> str:
    """`text` with each traditional character replaced by its simplified form; same length, same offsets."""
    if not has_traditional(text):
        return text
    return text.translate(t2s_table())


def to_traditional_forms(text: str) -> set[str]:
    """The traditional spellings of a simplified phrase (generic and Taiwan standard), without `text`."""
    return {_converter(config).convert(text) for config in ("s2t", "s2tw")} - {text}
