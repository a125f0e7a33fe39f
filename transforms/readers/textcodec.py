"""Decode report text whatever encoding its author's system used.

Reports are written on Windows machines in GBK, exported as UTF-8 with or without a BOM, or saved as
"Unicode" (UTF-16) by Notepad. The order of attempts is chosen so that a correct guess is certain before a
probable one: a BOM is proof, strict UTF-8 on non-ASCII text is near proof, GB18030 is the most likely
legacy encoding in mainland China, and only then a statistical detector is asked.
"""

from __future__ import annotations

import codecs
import re

from transforms.errors import UnreadableFile

# How much of a file the statistical checks look at: enough to be sure, small enough to be fast.
_SAMPLE_BYTES = 64 * 1024
# Above this share of control / private-use / replacement characters a decoded text is binary data.
MAX_JUNK_RATIO = 0.02
# A UTF-16 file without BOM shows NUL bytes on one parity only (the high byte of ASCII characters).
_MIN_NUL_SHARE_FOR_UTF16 = 0.05


# Controls other than white space, private use, lone surrogates and U+FFFD: what binary data decodes to.
_JUNK = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ud800-\udfff\ue000-\uf8ff\ufffd\U000f0000-\U0010ffff]")


def _junk_ratio(text: str) -> float:
    """Share of characters that never occur in a real report (controls, private use, U+FFFD)."""
    sample = text[:_SAMPLE_BYTES]
    if not sample:
        return 0.0
    return len(_JUNK.findall(sample)) / len(sample)


def _utf16_without_bom(data: bytes) -> str | None:
    """The codec name when `data` looks like BOM-less UTF-16 (NULs on one byte parity only), else None."""
    sample = data[: _SAMPLE_BYTES - _SAMPLE_BYTES % 2]
    pairs = len(sample) // 2
    if pairs == 0:
        return None
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    if odd >= pairs * _MIN_NUL_SHARE_FOR_UTF16 and even <= odd // 20:
        return "utf-16-le"
    if even >= pairs * _MIN_NUL_SHARE_FOR_UTF16 and odd <= even // 20:
        return "utf-16-be"
    return None


def _strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _reported_name(codec: str) -> str:
    """The encoding as the record reports it: one of the contract's names when it is one of their family."""
    name = codecs.lookup(codec).name
    if name in ("gbk", "gb2312", "gb18030", "hz", "cp936"):
        return "gb18030"
    if name.startswith("utf-16"):
        return "utf-16"
    if name == "utf-8":
        return "utf-8"
    return name


def decode_text(data: bytes, path: str) -> tuple[str, str]:
    """Decode `data` as text; return (text, encoding name). Raises UnreadableFile for binary data.

    Line endings come back as "\\n" and a BOM is not part of the text.
    """
    attempts: list[tuple[str, str]] = []  # (codec, reported name)
    if data.startswith(codecs.BOM_UTF8):
        attempts.append(("utf-8-sig", "utf-8-sig"))
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        attempts.append(("utf-16", "utf-16"))
    else:
        utf16 = _utf16_without_bom(data)
        if utf16:
            attempts.append((utf16, "utf-16"))
        attempts += [("utf-8", "utf-8"), ("gb18030", "gb18030")]

    text: str | None = None
    encoding = ""
    for codec, reported in attempts:
        text = _strict(data, codec)
        if text is not None:
            encoding = reported
            break
    if text is None:
        text, encoding = _detect(data, path)

    if _junk_ratio(text) > MAX_JUNK_RATIO:
        raise UnreadableFile(path, "binary data, not a text report (too many control characters)")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise UnreadableFile(path, "file contains only whitespace")
    return text, encoding


def _detect(data: bytes, path: str) -> tuple[str, str]:
    """Last resort for text that is neither UTF-8 nor GB18030: ask charset-normalizer."""
    from charset_normalizer import from_bytes

    best = from_bytes(data[: 4 * _SAMPLE_BYTES]).best()
    if best is None or best.encoding is None:
        raise UnreadableFile(path, "binary data, not a text report (no text encoding fits)")
    text = _strict(data, best.encoding)
    if text is None:
        # The detector looked at a prefix; the whole file must decode too, or it is not that encoding.
        raise UnreadableFile(path, "binary data, not a text report (no text encoding fits)")
    return text, _reported_name(best.encoding)
