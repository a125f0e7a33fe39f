"""经费来源 category, from rules in data/funding_categories.yaml."""

from __future__ import annotations

import unicodedata
from functools import cache

from transforms.data import read_yaml

CATEGORIES = ("财政全额", "财政差额", "财政补助(其他)", "自收自支", "其他")


@cache
def _rules() -> list[tuple[str, list[str]]]:
    data = read_yaml("funding_categories.yaml")
    return [(rule["category"], rule["keywords"]) for rule in data["rules"]]


def funding_category(raw: str) -> tuple[str, bool]:
    """The category and whether a rule recognised the wording (False: defaulted to 其他)."""
    text = unicodedata.normalize("NFKC", raw).replace("(", "").replace(")", "")
    for category, keywords in _rules():
        if any(keyword in text for keyword in keywords):
            return category, True
    return "其他", False
