"""The year a report covers: stated as 2024年度 (or 2024年) in the text, else in the file name."""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Callable

from transforms.regex_cache import compile_cached

_YEAR_OF_REPORT = compile_cached(r"((?:19|20)\d{2})\s*年度")
_YEAR = compile_cached(r"(?<!\d)((?:19|20)\d{2})\s*年(?!\d{1,2}月\d{1,2}日|度)")
_YEAR_IN_NAME = compile_cached(r"(?<!\d)((?:19|20)\d{2})(?!\d)")


def _most_common(years: list[str]) -> int | None:
    if not years:
        return None
    counts = Counter(years).most_common()
    best = [year for year, count in counts if count == counts[0][1]]
    return int(max(best))


def report_year(title: str, body: str | Callable[[], str], file_name: str) -> tuple[int | None, str]:
    """The year and where it was found ("title", "text", "file name" or "none").

    A title line such as 2024年度事业单位法人年度报告书 is the strongest evidence; then the most frequent
    '2024年度' in the text; then a bare '2024年' that is not part of a full date; then the file name.
    `body` may be given as a function: most titles state the year, and then the body is never needed.
    """
    # The body (the whole report) is normalised only when the title states no year: NFKC of a whole
    # report costs more than the rest of this function, and most titles say 2024年度.
    year = _most_common(_YEAR_OF_REPORT.findall(unicodedata.normalize("NFKC", title)))
    if year is not None:
        return year, "title"
    body = unicodedata.normalize("NFKC", body() if callable(body) else body)
    for pattern in (_YEAR_OF_REPORT, _YEAR):
        year = _most_common(pattern.findall(body))
        if year is not None:
            return year, "text"
    year = _most_common(_YEAR_IN_NAME.findall(file_name))
    return (year, "file name") if year is not None else (None, "none")
