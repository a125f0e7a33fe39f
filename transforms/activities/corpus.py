"""Corpus-level learning: a locality seen with its country anywhere resolves bare mentions everywhere.

Why: a report may write "赴X市开展交流" without the country because an earlier year's report (or another
institution's) said "日本X市". Learning is a vote over every extracted locality; a name claimed by two
countries equally often is dropped rather than guessed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from transforms.activities.extract import extract_activities
from transforms.activities.gazetteer import gazetteer
from transforms.activities.localities import SUFFIXES, base_name


def learn_partner_localities(
    records_or_activity_lists: Iterable[Mapping[str, Any] | Sequence[Mapping[str, Any]]],
) -> dict[str, str]:
    """{locality name: ISO country} from records (dicts with "activities") or plain lists of activity rows.

    Both the reported form and the bare form are keys (横滨市 and 横滨), unless the bare form is a
    Chinese place name; the suffixed form is preferred wherever one was seen.
    """
    votes: dict[str, Counter[str]] = {}
    suffixed: dict[str, str] = {}
    for item in records_or_activity_lists:
        rows = item.get("activities", []) if isinstance(item, Mapping) else item
        for row in rows or ():
            for loc in row.get("localities") or ():
                name, country = loc.get("name"), loc.get("country")
                if not name or not country:
                    continue
                base = base_name(name)
                votes.setdefault(base, Counter())[country] += 1
                if name != base:
                    suffixed.setdefault(base, name)
    g = gazetteer()
    learned: dict[str, str] = {}
    for base, counter in votes.items():
        ranked = counter.most_common(2)
        if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
            continue
        country = ranked[0][0]
        name = suffixed.get(base, base)
        learned[name] = country
        if base != name and base not in g.cn_base and len(base) >= 2:
            learned[base] = country
    return learned


def home_names_for(institution: Mapping[str, Any] | None) -> list[str]:
    """The home place names to pass to extract_activities, from a record's `institution` block."""
    if not institution:
        return []
    return [str(institution[k]) for k in ("city", "province", "district") if institution.get(k)]


def extract_corpus(
    items: Sequence[tuple[str, Iterable[str]]], known_localities: Mapping[str, str] | None = None
) -> tuple[list[list[dict]], dict[str, str]]:
    """Two passes over (narrative, home_names) pairs: extract, learn localities, extract again with them.

    Returns the second pass's rows per item and the learned {locality: country} list (merged over
    `known_localities`, which wins on conflicts), so the caller can store it for the next run.
    """
    items = [(narrative, tuple(home)) for narrative, home in items]
    first = [extract_activities(n, home_names=h, known_localities=known_localities) for n, h in items]
    learned = learn_partner_localities(first)
    if known_localities:
        learned.update(known_localities)
    second = [extract_activities(n, home_names=h, known_localities=learned) for n, h in items]
    return second, learned


__all__ = ["SUFFIXES", "extract_corpus", "home_names_for", "learn_partner_localities"]
