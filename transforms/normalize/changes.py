"""The registration-change paragraph (对《条例》…执行情况) as a list of {date, what}."""

from __future__ import annotations

import unicodedata

from transforms.normalize.dates import DATE, iso_date
from transforms.regex_cache import compile_cached

_NO_CHANGE = compile_cached(
    r"^(?:无|没有)[。.]?$|未发生|没有发生|无变更|未变更|未涉及|无登记事项变更|无需变更"
)
_LEAD = compile_cached(r"^[\s,，:：、;；]*(?:已经|已|完成了|完成|办理了|办理|进行了|进行|申请)?")
_TRAIL = compile_cached(r"[\s,，。;；.、]+$")


def parse_registration_changes(raw: str | None) -> list[dict[str, str | None]]:
    """One entry per dated change; a paragraph describing a change without a date gives one undated entry.

    The report form asks for what was changed and when; "完成/办理" and punctuation around the description
    carry no information and are dropped, the description itself is kept as written.
    """
    if raw is None:
        return []
    text = unicodedata.normalize("NFKC", raw).strip()
    dates = list(DATE.finditer(text))
    if not text or (not dates and _NO_CHANGE.search(text)):
        return []
    if not dates:
        what = _TRAIL.sub("", _LEAD.sub("", text))
        return [{"date": None, "what": what}] if what else []
    changes = []
    for index, match in enumerate(dates):
        stop = dates[index + 1].start() if index + 1 < len(dates) else len(text)
        what = _TRAIL.sub("", _LEAD.sub("", text[match.end() : stop]))
        if what:
            changes.append({"date": iso_date(match["y"], match["m"], match["d"]), "what": what})
    return changes
