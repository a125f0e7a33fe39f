"""Turn the bytes of one report file into text the field parser reads, whatever the file format.

The format is decided by the content, never by the file name alone: reports arrive renamed, saved from a
browser as .doc, or exported with the wrong extension. Every reader emits the layout of the published
report: one line per table row as "cell | cell |", other text as its own lines.

Anything that cannot be read raises `UnreadableFile(path, reason)` with a reason a person understands;
no other exception leaves `read_document`. Reading is bounded: a size limit on the file, a page limit for
PDFs, declared-size checks on .docx archives, and parsers that are linear in their input.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from transforms.errors import UnreadableFile
from transforms.readers.textcodec import decode_text_with_warnings
from transforms.regex_cache import compile_cached

__all__ = [
    "FORMATS",
    "MAX_FILE_BYTES",
    "Document",
    "check_size",
    "load_bytes",
    "open_regular",
    "read_capped",
    "read_document",
    "read_file",
    "sniff_format",
]

FORMATS = ("txt", "html", "pdf", "docx")
# An annual report is at most a few MB even as a PDF with a scanned seal; a larger file is something else.
MAX_FILE_BYTES = 20 * 1024 * 1024

NOT_REGULAR = "not a regular file (a FIFO, device or socket)"
# How far into a text file to look for markup when deciding whether it is a web page.
_HTML_SNIFF_CHARS = 64 * 1024
_HTML_MARKUP = compile_cached(r"<\s*(?:!doctype\s+html|html|head|body|table|tr|td|th)\b", re.IGNORECASE)
# Binary formats people mistake for reports, named so the reason says what the file really is.
_OTHER_BINARIES = (
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old binary Word/Excel (.doc/.xls) file; save it as .docx"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image, not a text report"),
    (b"\xff\xd8\xff", "a JPEG image, not a text report"),
    (b"GIF8", "a GIF image, not a text report"),
    (b"\x1f\x8b", "a gzip archive, not a report"),
    (b"Rar!", "a RAR archive, not a report"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive, not a report"),
    (b"{\\rtf", "an RTF document; save it as .docx"),
)


@dataclass(frozen=True)
class Document:
    """What a reader made of one file.

    `text` is in the sample report's layout (table rows as "cell | cell |"); `warnings` are things a
    person should know about a file that was still read (e.g. pages beyond the page limit skipped).
    """

    format: str  # "txt" | "html" | "pdf" | "docx", decided by content sniffing
    encoding: str | None  # "utf-8" | "utf-8-sig" | "gb18030" | "utf-16" for text and HTML; None otherwise
    text: str
    warnings: tuple[str, ...] = ()


def _megabytes(size: int) -> str:
    return f"{size / 2**20:.1f} MB"


def check_size(size: int, path: str) -> None:
    """Refuse an empty or oversized file by its size alone, before reading it."""
    if size == 0:
        raise UnreadableFile(path, "empty file (0 bytes)")
    if size > MAX_FILE_BYTES:
        raise UnreadableFile(path, f"file too large: {_megabytes(size)} (limit {MAX_FILE_BYTES // 2**20} MB)")


def sniff_format(data: bytes) -> str | None:
    """ "pdf" or "docx" when the bytes are one of those containers, else None (text or unknown binary).

    A PDF header may follow some junk (the spec allows it within the first 1024 bytes). A zip is reported
    as "docx" even when damaged or not Word, so the .docx reader can say what is wrong with it.
    """
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")):
        return "docx"
    return None


def _looks_like_html(text: str) -> bool:
    return _HTML_MARKUP.search(text[:_HTML_SNIFF_CHARS]) is not None


def _claimed_format(path: str) -> str | None:
    suffix = Path(path).suffix.lower()
    return {".pdf": "PDF", ".docx": "Word .docx file"}.get(suffix)


def read_document(data: bytes, path: str) -> Document:
    """Read one report file from its bytes; `path` is used in error messages and as a last hint only.

    Raises UnreadableFile (and nothing else) when the file cannot be read at all.
    """
    try:
        return _read(data, path)
    except UnreadableFile:
        raise
    except (MemoryError, RecursionError) as exc:
        raise UnreadableFile(path, f"file is too complex to read ({type(exc).__name__})") from exc
    except Exception as exc:  # a reader bug must still not stop the batch; the reason names it
        raise UnreadableFile(path, f"could not be read ({type(exc).__name__}: {str(exc)[:200]})") from exc


def _read(data: bytes, path: str) -> Document:
    check_size(len(data), path)
    container = sniff_format(data)
    if container == "pdf":
        from transforms.readers.pdf_reader import pdf_to_text

        text, warnings = pdf_to_text(data, path)
        return Document("pdf", None, text, warnings)
    if container == "docx":
        from transforms.readers.docx_reader import docx_to_text

        return Document("docx", None, docx_to_text(data, path))
    for magic, what in _OTHER_BINARIES:
        if data.startswith(magic):
            raise UnreadableFile(path, f"this is {what}")

    try:
        text, encoding, text_warnings = decode_text_with_warnings(data, path)
    except UnreadableFile as exc:
        claimed = _claimed_format(path)
        if claimed:
            raise UnreadableFile(path, f"named as a {claimed} but is not one: {exc.reason}") from exc
        raise
    if _looks_like_html(text):
        from transforms.readers.html_reader import html_to_text

        page_text, tables = html_to_text(text)
        if not page_text.strip():
            if tables:
                raise UnreadableFile(path, "web page whose tables are empty and which has no text")
            raise UnreadableFile(path, "web page with no table and no text")
        return Document("html", encoding, page_text, text_warnings)
    return Document("txt", encoding, text, text_warnings)


def open_regular(path: str | os.PathLike[str] | bytes) -> BinaryIO:
    """Open a file for reading only if it is a regular file, without ever blocking or following a symlink.

    A discovered file may be replaced by a FIFO, a device or a symlink before it is read: a plain open() of
    a FIFO waits for a writer forever. O_NONBLOCK makes that open return at once (it changes nothing for
    regular files); the fstat of the opened descriptor, not of the name, decides. OSError otherwise.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, NOT_REGULAR, os.fsdecode(path))
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_capped(path: str | os.PathLike[str] | bytes) -> bytes:
    """At most MAX_FILE_BYTES + 1 bytes of a regular file (more than the limit means: too large); OSError
    passes (also for a FIFO, device or symlink, see `open_regular`).

    read(MAX_FILE_BYTES + 1) would allocate 20 MB for every 3 KB report (~15 µs each): read the stated size
    first, and on up to the limit only if the file grew since it was opened.
    """
    with open_regular(path) as handle:
        size = min(os.fstat(handle.fileno()).st_size, MAX_FILE_BYTES)
        data = handle.read(size + 1)
        if size < len(data) <= MAX_FILE_BYTES:
            data += handle.read(MAX_FILE_BYTES + 1 - len(data))
        return data


def load_bytes(path: str | os.PathLike[str]) -> bytes:
    """The bytes of a report file, refusing an empty or oversized file with a reason."""
    name = os.fspath(path)
    try:
        info = os.lstat(name)
        target = name
        if stat.S_ISLNK(info.st_mode):  # a symlink the user named is read; one swapped in later is not
            info, target = os.stat(name), os.path.realpath(name)
        if not stat.S_ISREG(info.st_mode):
            raise UnreadableFile(name, NOT_REGULAR)
        check_size(info.st_size, name)
        data = read_capped(target)
    except OSError as exc:
        raise UnreadableFile(name, f"cannot open file ({exc.strerror or type(exc).__name__})") from exc
    check_size(len(data), name)
    return data


def read_file(path: str | os.PathLike[str]) -> Document:
    """Read a report from disk (see `load_bytes`)."""
    return read_document(load_bytes(path), os.fspath(path))
