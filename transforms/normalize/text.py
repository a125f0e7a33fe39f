"""Free-text fields: kept verbatim, except that the many ways of writing "none" become "无"."""

from __future__ import annotations

from transforms.regex_cache import compile_cached

_NONE_WORDS = compile_cached(r"^(?:无|没有|暂无|无此情况|无相关情况|本年度无|不适用)[。.;；]?$")


def clean_text(raw: str | None) -> str | None:
    """Strip the value; "无。" and its variants become "无"; an empty value is None (missing), never ""."""
    if raw is None:
        return None
    text = raw.strip()
    if not text:
        return None
    return "无" if _NONE_WORDS.match(text) else text
