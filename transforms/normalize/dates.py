"""Dates in reports (2024年05月06日, 2024.5.6, 2024-05-06) as ISO strings."""

from __future__ import annotations

import datetime as dt
import unicodedata

from transforms.regex_cache import compile_cached

DATE = compile_cached(r"(?P<y>(?:19|20)\d{2})\s*[年./\-]\s*(?P<m>\d{1,2})\s*[月./\-]\s*(?P<d>\d{1,2})\s*日?")


def iso_date(year: str, month: str, day: str) -> str | None:
    """The ISO date, or None when the parts do not form a real date (2024-02-30)."""
    try:
        return dt.date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None


def parse_date(raw: str) -> str | None:
    """The first date written in `raw`, as ISO, or None."""
    match = DATE.search(unicodedata.normalize("NFKC", raw))
    return iso_date(match["y"], match["m"], match["d"]) if match else None
