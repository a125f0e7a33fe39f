"""统一社会信用代码 (USCC): validated with python-stdnum, never corrected."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from stdnum.cn import uscc as stdnum_uscc
from stdnum.exceptions import ValidationError


def clean_uscc(raw: str | None) -> str | None:
    """The code as written, upper-cased, without spaces or separators; None when absent."""
    if raw is None:
        return None
    code = re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", raw)).upper()
    return code or None


@lru_cache(maxsize=65_536)  # an institution's code recurs in each of its yearly reports
def check_uscc(code: str) -> str | None:
    """None when the code is valid, else why not (stdnum's message: length, characters, check digit)."""
    try:
        stdnum_uscc.validate(code)
    except ValidationError as exc:
        return f"invalid USCC {code!r}: {exc.message}"
    return None


def division_code(code: str | None) -> str | None:
    """Digits 3–8: the administrative division where the institution was registered."""
    if code and len(code) == 18 and code[2:8].isdigit():
        return code[2:8]
    return None
