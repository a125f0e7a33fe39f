"""Chinese numerals (十二, 拾万, 两) as numbers, with cn2an imported on first use.

cn2an takes about 0.2 s to import (numpy, its config, its regexes), and most reports write every number in
digits, so a process that never meets a Chinese numeral never pays for it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache, lru_cache


@cache
def _cn2an() -> Callable[[str, str], float | int]:
    import cn2an

    return cn2an.cn2an


@lru_cache(maxsize=4096)
def chinese_number(text: str) -> float | int:
    """The value of a Chinese numeral in cn2an's "smart" mode (digits mixed in are allowed).

    Raises ValueError or KeyError, as cn2an does, for a malformed numeral (十十, 百四十八). Remembered: the
    same few numerals (三, 十二, 两) recur in every narrative, and cn2an validates each call at length.
    """
    return _cn2an()(text, "smart")
