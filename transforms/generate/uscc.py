"""Valid unified social credit codes (统一社会信用代码, GB 32100-2015) for 事业单位.

Layout: registration authority '1' (机构编制) + entity type '2' (事业单位) + the 6-digit division code of the
registering authority + a 9-character organisation code (GB 11714: 8 body characters and their own check
character) + the final check character computed by python-stdnum.
"""

from __future__ import annotations

import random

from stdnum.cn import uscc as stdnum_uscc

PREFIX = "12"  # 1 = 机构编制 registration authority, 2 = 事业单位
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # the USCC alphabet (no I, O, Z, S, V)


def organisation_check(body: str) -> str:
    """GB 11714 check character of an 8-character organisation-code body."""
    total = sum(int(c, 36) * w for c, w in zip(body, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return "X" if check == 10 else "0" if check == 11 else str(check)


def make(rng: random.Random, division_code: str) -> str:
    """A valid USCC of a 事业单位 registered in `division_code`."""
    body = f"{rng.randrange(10_000_000, 100_000_000)}"
    first17 = PREFIX + division_code + body + organisation_check(body)
    return first17 + stdnum_uscc.calc_check_digit(first17)


def corrupt_check_digit(code: str, rng: random.Random) -> str:
    """The same code with a wrong final check character (what a typo in the last place looks like)."""
    wrong = [c for c in _ALPHABET if c != code[-1]]
    return code[:-1] + rng.choice(wrong)


def is_valid(code: str) -> bool:
    return stdnum_uscc.is_valid(code)
