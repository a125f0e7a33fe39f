"""Read a Word (.docx) report: paragraphs as lines and tables as "cell | cell |" rows, in body order.

Only the main document part (`word/document.xml`, as `_rels/.rels` names it) is parsed, with lxml and the
parser settings python-docx uses: the text is the same, without python-docx loading every other part of
the package (styles, numbering, settings, themes), which took 90 % of the time. The body is walked
directly because a document model's paragraph and table lists lose the order of paragraphs relative to
tables, repeat merged cells once per grid column or row, and skip the content controls (<w:sdt>) that
form-like reports use.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from collections.abc import Iterator

from lxml import etree

from transforms.errors import UnreadableFile
from transforms.readers.cells import clean_cell_paragraphs, format_row, join_lines

# A .docx is a zip: the declared sizes of its members are checked before anything is decompressed so that
# a zip bomb costs nothing. Reports are text; 100 MB uncompressed leaves ample room for embedded images.
MAX_DOCX_UNCOMPRESSED = 100 * 1024 * 1024
MAX_DOCX_MEMBERS = 2000
MAX_DOCX_TABLE_DEPTH = 16

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_P, _TBL, _TR, _TC, _SDT, _SDT_CONTENT = (f"{_W}{t}" for t in ("p", "tbl", "tr", "tc", "sdt", "sdtContent"))
_TEXT, _TAB, _BR, _CR = (f"{_W}{t}" for t in ("t", "tab", "br", "cr"))
_TC_PR, _V_MERGE, _VAL = f"{_W}tcPr", f"{_W}vMerge", f"{_W}val"
_BODY = f"{_W}body"
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
        rels = etree.fromstring(archive.read("_rels/.rels"), _PARSER)
    except KeyError:
        return _MAIN_PART
    for rel in rels.iter(_RELS):
        if rel.get("Type", "").endswith(_OFFICE_DOCUMENT) and rel.get("TargetMode") != "External":
            return posixpath.normpath(rel.get("Target", _MAIN_PART)).lstrip("/")
    return _MAIN_PART


def _paragraph_text(p) -> str:
    """Visible text of a <w:p>: runs, hyperlinks, inline content controls, tracked insertions.

    Deleted text (<w:delText>) and field codes (<w:instrText>) use other tags and are left out.
    """
    parts: list[str] = []
    for el in p.iter(_TEXT, _TAB, _BR, _CR):
        if el.tag == _TEXT:
            parts.append(el.text or "")
        elif el.tag == _TAB:
            parts.append("\t")
        else:
            parts.append("\n")
    return "".join(parts)


def _is_vmerge_continuation(tc) -> bool:
    """A cell that continues a vertical merge from the row above: its content was emitted already."""
    tc_pr = tc.find(_TC_PR)
    if tc_pr is None:
        return False
    v_merge = tc_pr.find(_V_MERGE)
    return v_merge is not None and v_merge.get(_VAL, "continue") != "restart"


def _blocks(parent) -> Iterator:
    """<w:p> and <w:tbl> children in order, looking through content controls."""
    for child in parent:
        if child.tag in (_P, _TBL):
            yield child
        elif child.tag == _SDT:
            content = child.find(_SDT_CONTENT)
            if content is not None:
                yield from _blocks(content)


def _table_lines(tbl, depth: int = 1) -> Iterator[str]:
    """Rows of a table as "cell | cell |" lines.

    A table nested in a cell (a layout table around the report, or a value that is itself a table) is
    emitted as its own rows where it stands, after what the outer row holds so far, as the HTML reader does.
    """
    for tr in tbl.findall(_TR):
        cells: list[str] = []
        for tc in tr.findall(_TC):
            if _is_vmerge_continuation(tc):
                continue
            lines: list[str] = []
            continues = False
            for block in _blocks(tc):
                if block.tag == _P:
                    lines.extend(_paragraph_text(block).split("\n"))
                    continue
                text = clean_cell_paragraphs(lines)
                line = format_row([*cells, text] if text else cells)
                if line:
                    yield line
                cells, lines, continues = [], [], True
                if depth < MAX_DOCX_TABLE_DEPTH:
                    yield from _table_lines(block, depth + 1)
            text = clean_cell_paragraphs(lines)
            if text or not continues:
                cells.append(text)
        line = format_row(cells)
        if line:
            yield line


def docx_to_text(data: bytes, path: str) -> str:
    """The report text of a .docx file. Raises UnreadableFile for damaged or oversized files."""
    with _open_zip(data, path) as archive:
        try:
            body = etree.fromstring(archive.read(_main_part(archive)), _PARSER).find(_BODY)
        except Exception as exc:  # zipfile and lxml raise many types on damaged parts
            raise UnreadableFile(path, f"damaged Word (.docx) file ({type(exc).__name__})") from exc
    if body is None:
        raise UnreadableFile(path, "damaged Word (.docx) file (no document body)")

    lines: list[str] = []
    for block in _blocks(body):
        if block.tag == _P:
            lines.extend(text for raw in _paragraph_text(block).split("\n") if (text := join_lines([raw])))
        else:
            lines.extend(_table_lines(block))
    if not lines:
        raise UnreadableFile(path, "Word file has no text")
    return "\n".join(lines)
