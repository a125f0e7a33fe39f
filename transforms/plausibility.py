"""Values no real report has: a report year before the regulations existed or after next year, an amount no
institution reaches, a negative or impossible head count. The bounds and their sources are data
(transforms/data/plausible_bounds.csv). A wrong number in a finance chart is worse than a missing one, so the
warehouse loads such a value as null with an `error` problem, never as it stands.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import math
from importlib import resources

NEXT_YEAR = "next_year"


@functools.cache
def bounds() -> dict[str, tuple[float, float | None]]:
    """field -> (min, max); max None means "next year" (relative to the day of the check)."""
    text = resources.files("transforms.data").joinpath("plausible_bounds.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    return {
        row["field"]: (float(row["min"]), None if row["max"] == NEXT_YEAR else float(row["max"]))
        for row in rows
    }


def implausible(field: str, value: float | None, today: dt.date | None = None) -> str | None:
    """Why `value` of `field` cannot be real (a sentence naming the bound), or None when it may be."""
    if value is None or field not in bounds():
        return None
    low, high = bounds()[field]
    if high is None:
        high = (today or dt.date.today()).year + 1
    if not math.isfinite(value) or value < low:
        return f"implausible {field} {value:g}: below {low:g}, which no real report reaches"
    if value > high:
        return f"implausible {field} {value:g}: above {high:g}, which no real report reaches"
    return None
