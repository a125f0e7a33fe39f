"""Decode report text whatever encoding its author's system used.

Reports are written on Windows machines in GBK, exported as UTF-8 with or without a BOM, or saved as
"Unicode" (UTF-16) by Notepad. The order of attempts is chosen so that a correct guess is certain before a
probable one: a BOM is proof, strict UTF-8 on non-ASCII text is near proof, GB18030 is the most likely
legacy encoding in mainland China, and only then a statistical detector is asked.
"""

from __future__ import annotations

import codecs

from transforms.errors import UnreadableFile
from transforms.regex_cache import compile_cached

# How much of a file the statistical checks look at: enough to be sure, small enough to be fast.
_SAMPLE_BYTES = 64 * 1024
# Above this share of control / private-use / replacement characters a decoded text is binary data.
MAX_JUNK_RATIO = 0.02
# A UTF-16 file without BOM shows NUL bytes on one parity only (the high byte of ASCII characters).
_MIN_NUL_SHARE_FOR_UTF16 = 0.05


# Controls other than white space, private use, lone surrogates and U+FFFD: what binary data decodes to.
_JUNK = compile_cached("[\x00-\x08\x0e-\x1f\x7f-\x9f\ud800-\udfff\ue000-\uf8ff\ufffd\U000f0000-\U0010ffff]")


def _junk_ratio(text: str) -> float:
    """Share of characters that never occur in a real report (controls, private use, U+FFFD)."""
    sample = text[:_SAMPLE_BYTES]
    if not sample or _JUNK.search(sample) is None:  # a clean text is scanned once, nothing collected
        return 0.0
    return len(_JUNK.findall(sample)) / len(sample)


def _utf16_without_bom(data: bytes) -> str | None:
    """The codec name when `data` looks like BOM-less UTF-16 (NULs on one byte parity only), else None."""
    sample = data[: _SAMPLE_BYTES - _SAMPLE_BYTES % 2]
    pairs = len(sample) // 2
    if pairs == 0 or b"\0" not in sample:  # no NUL byte at all: not UTF-16 (and no copies made)
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
    text, encoding, _warnings = decode_text_with_warnings(data, path)
    return text, encoding


def decode_text_with_warnings(data: bytes, path: str) -> tuple[str, str, tuple[str, ...]]:
    """`decode_text`, plus warnings about a file that was read despite damage or mixed encodings."""
    warnings: tuple[str, ...] = ()
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
        lenient = _decode_damaged(data, attempts[0][0])
        if lenient is not None:
            text, encoding, warnings = lenient
        else:
            text, encoding = _detect(data, path)

    if _junk_ratio(text) > MAX_JUNK_RATIO:
        raise UnreadableFile(path, "binary data, not a text report (too many control characters)")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text or text.isspace():
        raise UnreadableFile(path, "file contains only whitespace")
    return text, encoding, warnings


# A file that is one of the supported encodings except for a few damaged bytes (a flipped bit, a cut in
# the middle of a character) is read with those bytes replaced by U+FFFD, and says so. Above this share of
# damaged bytes it is not "a report with a scratch" any more and the statistical detector decides.
MAX_DAMAGED_SHARE = 0.01
_MIN_DAMAGED_ALLOWED = 4


def _decode_damaged(data: bytes, first_codec: str) -> tuple[str, str, tuple[str, ...]] | None:
    """(text, encoding, warnings) for a UTF-8 / GB18030 / UTF-16 file with a few undecodable bytes, or for a
    file whose lines mix UTF-8 and GB18030 (one report pasted together from two sources); else None.

    UTF-8 and GB18030 never use the byte "\\n" inside a character, so each line can be decoded on its own:
    strict UTF-8 first (near proof), then strict GB18030, then whichever of the two replaces fewer bytes.
    """
    allowed = max(_MIN_DAMAGED_ALLOWED, int(len(data) * MAX_DAMAGED_SHARE))
    if codecs.lookup(first_codec).name.startswith("utf-16"):
        text = data.decode(first_codec, "replace").removeprefix("\ufeff")
        damaged = text.count("\ufffd")
        if damaged > allowed:
            return None
        return text, "utf-16", (f"{damaged} undecodable UTF-16 unit(s) replaced by \ufffd (damaged file?)",)
    bom = first_codec == "utf-8-sig"
    lines = data[3 if bom else 0 :].split(b"\n")
    strict: list[tuple[str, str] | None] = []  # per line: (codec, text) when one codec reads it strictly
    counts = {"utf-8": 0, "gb18030": 0}  # bytes of non-ASCII lines read in each encoding
    for line in lines:
        strict.append(_strict_line(line))
        if strict[-1] is not None and strict[-1][0] in counts:
            counts[strict[-1][0]] += len(line)
    dominant = "gb18030" if counts["gb18030"] > counts["utf-8"] else "utf-8"
    pieces: list[str] = []
    damaged = 0
    for line, found in zip(lines, strict, strict=True):
        if found is not None and not (found[0] == "gb18030" and dominant == "utf-8"):
            pieces.append(found[1])
            continue
        # A line of a UTF-8 file that only GB18030 reads may be a UTF-8 line with a damaged byte (GB18030
        # accepts most byte pairs): it is taken as UTF-8 when that costs at most one junk character in 100.
        as_utf8 = line.decode("utf-8", "replace")
        junk = len(_JUNK.findall(as_utf8))
        if found is not None and junk > max(1, len(as_utf8) // 100):
            pieces.append(found[1])
            continue
        if found is not None:
            counts["gb18030"] -= len(line)
            counts["utf-8"] += len(line)
            pieces.append(as_utf8)
            damaged += junk
        else:
            # The reading with fewer junk characters wins (a UTF-8 line read as GB18030 turns into rare
            # and private-use characters); on a tie the file's dominant encoding.
            order = (dominant, "gb18030" if dominant == "utf-8" else "utf-8")
            candidates = [(codec, line.decode(codec, "replace")) for codec in order]
            best = min(candidates, key=lambda pair: len(_JUNK.findall(pair[1])))
            pieces.append(best[1])
            counts[best[0]] += len(line)
            damaged += len(_JUNK.findall(best[1]))
        if damaged > allowed:
            return None
    encoding = max(counts, key=lambda codec: counts[codec])
    if bom and encoding == "utf-8":
        encoding = "utf-8-sig"
    text = "\n".join(pieces)
    warnings = []
    if damaged:
        warnings.append(f"{damaged} undecodable byte sequence(s) replaced by \ufffd (damaged file?)")
    if counts["utf-8"] and counts["gb18030"]:
        minority = min(counts, key=lambda codec: counts[codec])
        warnings.append(f"mixed encodings: {counts[minority]} bytes in {minority}, the rest in {encoding}")
    return text, encoding, tuple(warnings)


def _strict_line(line: bytes) -> tuple[str, str] | None:
    """("ascii" | "utf-8" | "gb18030", text) for a line one of them decodes strictly, else None."""
    if line.isascii():
        return "ascii", line.decode("ascii")
    for codec in ("utf-8", "gb18030"):
        text = _strict(line, codec)
        if text is not None:
            return codec, text
    return None


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
