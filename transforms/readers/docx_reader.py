"""Read a Word (.docx) report: paragraphs as lines and tables as "cell | cell |" rows, in body order.

Only the main document part (`word/document.xml`, as `_rels/.rels` names it) is parsed, with lxml and the
parser settings python-docx uses: the text is the same, without python-docx loading every other part of
the package (styles, numbering, settings, themes), which took 90 % of the time. The body is walked
directly because a document model's paragraph and table lists lose the order of paragraphs relative to
tables, repeat merged cells once per grid column or row, and skip the content controls (<w:sdt>) that
form-like reports use. The walk is an XSLT stylesheet (docx_body.xsl, run by libxslt in C) that writes
the body as one marked-up text stream; this module turns the stream into lines.
"""

from __future__ import annotations

import functools
import io
import posixpath
import zipfile
from pathlib import Path

from lxml import etree

from transforms.errors import UnreadableFile
from transforms.readers.cells import clean_cell_paragraphs, format_row, join_lines

# A .docx is a zip: the declared sizes of its members are checked before anything is decompressed so that
# a zip bomb costs nothing. Reports are text; 100 MB uncompressed leaves ample room for embedded images.
MAX_DOCX_UNCOMPRESSED = 100 * 1024 * 1024
MAX_DOCX_MEMBERS = 2000

_BODY = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}body"
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_OFFICE_DOCUMENT = "/officeDocument"  # the end of the main part's relationship type (both OOXML flavours)
_MAIN_PART = "word/document.xml"
# python-docx's parser settings (docx.oxml.parser): no entity expansion, so a billion-laughs or an external
# entity in the XML is refused instead of resolved; blank text between elements dropped as it does.
_PARSER = etree.XMLParser(remove_blank_text=True, resolve_entities=False, no_network=True)


def _open_zip(data: bytes, path: str) -> zipfile.ZipFile:
    """The archive, once damaged archives, non-Word zips and zip bombs are refused (nothing decompressed)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise UnreadableFile(path, "truncated or damaged Word (.docx) file") from exc
    if len(members) > MAX_DOCX_MEMBERS:
        raise UnreadableFile(path, f"not a report: the .docx archive has {len(members)} parts")
    declared = sum(member.file_size for member in members)
    if declared > MAX_DOCX_UNCOMPRESSED:
        raise UnreadableFile(
            path,
            f"Word file expands to {declared / 2**20:.0f} MB (limit {MAX_DOCX_UNCOMPRESSED // 2**20} MB); "
            "refused as a possible zip bomb",
        )
    names = {member.filename for member in members}
    if _MAIN_PART not in names:
        raise UnreadableFile(path, "zip archive but not a Word .docx document (no word/document.xml)")
    return archive


def _main_part(archive: zipfile.ZipFile) -> str:
    """The part `_rels/.rels` names as the main document (as python-docx finds it), else word/document.xml."""
    try:
        rels = archive.read("_rels/.rels")
    except KeyError:
        return _MAIN_PART
    return _main_part_named_in(rels)


@functools.lru_cache(maxsize=256)
def _main_part_named_in(rels_xml: bytes) -> str:
    """Remembered: a program that writes reports writes the same `_rels/.rels` into every file."""
    rels = etree.fromstring(rels_xml, _PARSER)
    for rel in rels.iter(_RELS):
        if rel.get("Type", "").endswith(_OFFICE_DOCUMENT) and rel.get("TargetMode") != "External":
            return posixpath.normpath(rel.get("Target", _MAIN_PART)).lstrip("/")
    return _MAIN_PART


# The stream docx_body.xsl makes: each part starts with _MARK and a letter; a paragraph's text follows its
# letter. Tables, rows and cells open with a capital letter and close with the small one.
_MARK = "\ufdd0"
_PARAGRAPH, _TABLE, _TABLE_END, _ROW, _ROW_END, _CELL, _CELL_END = "pTtRrCc"
_TEXT = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}t"
_BODY_STREAM = etree.XSLT(etree.parse(str(Path(__file__).with_name("docx_body.xsl"))))


class _OpenTable:
    """The row and cell being read in one table that is still open."""

    __slots__ = ("cells", "continues", "paragraphs")

    def __init__(self) -> None:
        self.cells: list[str] = []
        self.paragraphs: list[str] = []
        self.continues = False  # a nested table ended this cell's first part: an empty rest is no cell

    def flush_row(self, lines: list[str]) -> None:
        """A table nested in a cell is emitted as its own rows where it stands, after what the outer row
        holds so far (as the HTML reader does); the outer row goes on after it as a new line."""
        text = clean_cell_paragraphs(self.paragraphs)
        line = format_row([*self.cells, text] if text else self.cells)
        if line:
            lines.append(line)
        self.cells, self.paragraphs, self.continues = [], [], True


def _may_hold_marks(xml: bytes, root: etree._Element) -> bool:
    """Whether the part's text can hold _MARK: written in UTF-8 (the bytes EF B7 90), as a character
    reference, or in a part not encoded in UTF-8."""
    return b"\xef\xb7\x90" in xml or b"&#" in xml or root.getroottree().docinfo.encoding.upper() != "UTF-8"


def _remove_marks(root: etree._Element) -> None:
    """Delete _MARK from the only text the stylesheet copies, that of <w:t>."""
    for element in root.iter(_TEXT):
        if element.text and _MARK in element.text:
            element.text = element.text.replace(_MARK, "")


def _stream_lines(stream: str) -> list[str]:
    """The report lines of a body stream: paragraphs as lines, table rows as "cell | cell |" lines."""
    lines: list[str] = []
    tables: list[_OpenTable] = []
    for part in stream.split(_MARK)[1:]:  # the stream starts with a mark
        marker = part[0]
        if marker == _PARAGRAPH:
            if tables:
                tables[-1].paragraphs.extend(part[1:].split("\n"))
            else:
                lines.extend(text for raw in part[1:].split("\n") if (text := join_lines([raw])))
        elif marker == _CELL:
            tables[-1].paragraphs, tables[-1].continues = [], False
        elif marker == _CELL_END:
            table = tables[-1]
            text = clean_cell_paragraphs(table.paragraphs)
            if text or not table.continues:
                table.cells.append(text)
        elif marker == _ROW:
            tables[-1].cells = []
        elif marker == _ROW_END:
            line = format_row(tables[-1].cells)
            if line:
                lines.append(line)
        elif marker == _TABLE:
            if tables:
                tables[-1].flush_row(lines)
            tables.append(_OpenTable())
        else:  # _TABLE_END
            tables.pop()
    return lines


def docx_to_text(data: bytes, path: str) -> str:
    """The report text of a .docx file. Raises UnreadableFile for damaged or oversized files."""
    with _open_zip(data, path) as archive:
        try:
            xml = archive.read(_main_part(archive))
            root = etree.fromstring(xml, _PARSER)
        except Exception as exc:  # zipfile and lxml raise many types on damaged parts
            raise UnreadableFile(path, f"damaged Word (.docx) file ({type(exc).__name__})") from exc
    if root.find(_BODY) is None:
        raise UnreadableFile(path, "damaged Word (.docx) file (no document body)")
    if _may_hold_marks(xml, root):
        _remove_marks(root)
    lines = _stream_lines(str(_BODY_STREAM(root.getroottree())))
    if not lines:
        raise UnreadableFile(path, "Word file has no text")
    return "\n".join(lines)
