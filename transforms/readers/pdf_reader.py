"""Read the text layer of a PDF report: ruled tables as "cell | cell |" rows, other text as lines.

Reports are usually printed to PDF from the same table the web page shows, so pdfplumber's ruling-line
table finder recovers the label and value cells; text outside tables (titles, signatures, dates) is kept
as lines in reading order. A row split over a page break is glued back together.

The page itself (characters with their boxes, ruling lines) is read by PDFium (`pdf_page`), five to ten
times faster than pdfminer, and handed to pdfplumber's table finder and text layout in pdfplumber's own
object shape. pdfminer only lists each page's content streams beforehand, without interpreting them, so
that a decompression bomb or a hostile page is refused before PDFium expands it.
"""

from __future__ import annotations

import bisect
import io
from collections.abc import Callable, Iterator
from typing import Any

from transforms.errors import UnreadableFile
from transforms.readers.cells import clean_cell, format_row, join_lines

# An annual report is a few pages; anything beyond this is not one, and stopping bounds the time spent.
MAX_PDF_PAGES = 60
# A report page's drawing instructions are a few KB (the sample's pages: 4 KB). A page whose content
# streams inflate beyond this is a decompression bomb or not a report page, and is skipped unread.
MAX_PAGE_CONTENT_BYTES = 4 * 1024 * 1024
# A real page balances its brackets; a large imbalance marks a page made to hurt a parser (pdfminer's is
# quadratic on deep nesting), which is skipped unread.
MAX_BRACKET_IMBALANCE = 1000

Row = list[str]


def _inside(bboxes: list[tuple[float, float, float, float]]) -> Callable[[dict[str, Any]], bool]:
    """A filter keeping page objects whose centre lies outside every table box."""

    def keep(obj: dict[str, Any]) -> bool:
        if "x0" not in obj or "top" not in obj:
            return True
        cx = (obj["x0"] + obj["x1"]) / 2
        cy = (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in bboxes)

    return keep


def _table_settings(page: Any) -> dict[str, Any]:
    """Close tables cut by a page break: rule lines at the top and bottom of the page's vertical rules.

    A table row that continues on the next page has its side rules but no rule at the cut, so without
    these lines the table finder sees no cells there and the row would come out as loose text.
    """
    verticals = [edge for edge in page.edges if edge.get("orientation") == "v"]
    if not verticals:
        return {}
    top = min(edge["top"] for edge in verticals)
    bottom = max(edge["bottom"] for edge in verticals)
    return {"explicit_horizontal_lines": [top, bottom]}


class _CharsByHeight:
    """A page's characters ordered by the height of their centre, so that the characters of a cell are
    found by bisection (pdfplumber's `Table.extract` scans every character of the page for every row)."""

    def __init__(self, chars: list[dict[str, Any]]) -> None:
        self.chars = chars
        self.middles = sorted(((c["top"] + c["bottom"]) / 2, i) for i, c in enumerate(chars))
        self.heights = [middle for middle, _ in self.middles]

    def in_cells(self, cells: list[tuple]) -> Iterator[list[dict[str, Any]]]:
        """For each cell, the characters whose centre lies in it, in page order (pdfplumber's rule)."""
        chars = self.chars
        for x0, top, x1, bottom in cells:
            lo, hi = bisect.bisect_left(self.heights, top), bisect.bisect_left(self.heights, bottom)
            inside = sorted(
                i for _, i in self.middles[lo:hi] if x0 <= (chars[i]["x0"] + chars[i]["x1"]) / 2 < x1
            )
            yield [chars[i] for i in inside]


def _page_items(page: Any) -> list[tuple[float, str, Any]]:
    """(top, "rows"|"line", payload) for one page, sorted top to bottom."""
    from pdfplumber.table import TableFinder, TableSettings
    from pdfplumber.utils import chars_to_textmap, extract_text

    items: list[tuple[float, str, Any]] = []
    tables = TableFinder(page, TableSettings.resolve(_table_settings(page))).tables
    by_height: _CharsByHeight | None = None
    for table in tables:
        by_height = by_height or _CharsByHeight(page.chars)
        rows: list[Row] = []
        for row in table.rows:
            # None marks a grid position covered by a merged cell: that cell was already emitted once.
            cells = [cell for cell in row.cells if cell is not None]
            rows.append([clean_cell(extract_text(chars)) for chars in by_height.in_cells(cells)])
        items.append((table.bbox[1], "rows", rows))
    outside_tables = _inside([t.bbox for t in tables])
    outside = [char for char in page.chars if outside_tables(char)]
    if outside:
        width, height = page.bbox[2], page.bbox[3]
        textmap = chars_to_textmap(outside, layout_bbox=page.bbox, layout_width=width, layout_height=height)
        for line in textmap.extract_text_lines(strip=True, return_chars=False):
            text = join_lines([line["text"]])
            if text:
                items.append((line["top"], "line", text))
    items.sort(key=lambda item: item[0])
    return items


def _append_rows(out: list[tuple[str, Any]], rows: list[Row], page_start: bool) -> None:
    """Add table rows; a first row on a new page with an empty first cell continues the previous row."""
    for index, row in enumerate(rows):
        if page_start and index == 0 and row and not row[0] and out:
            kind, previous = out[-1]
            if kind == "row" and len(previous) == len(row):
                previous[:] = [join_lines([a, b]) for a, b in zip(previous, row, strict=True)]
                continue
        out.append(("row", row))


def _page_content_problem(page: Any) -> str | None:
    """Why a page (pdfminer's PDFPage) must not be interpreted (bomb or hostile nesting), or None;
    decompression is bounded."""
    import zlib

    from pdfminer.pdftypes import PDFStream, resolve1

    total = 0
    contents = getattr(page, "contents", None) or []
    for ref in contents:
        stream = resolve1(ref)
        if not isinstance(stream, PDFStream):
            continue
        raw = stream.rawdata if stream.rawdata is not None else (stream.data or b"")
        filters = [name for name, _params in stream.get_filters()]
        names = {getattr(f, "name", str(f)) for f in filters}
        budget = MAX_PAGE_CONTENT_BYTES - total + 1
        if names <= {"FlateDecode", "Fl"} and names:
            try:
                inflater = zlib.decompressobj()
                content = inflater.decompress(raw, budget)
            except zlib.error:
                content = raw  # pdfminer has its own recovery for damaged streams; size it by the raw bytes
        else:
            content = raw
        total += len(content)
        if total > MAX_PAGE_CONTENT_BYTES:
            limit = MAX_PAGE_CONTENT_BYTES // 2**20
            return f"its content streams expand beyond {limit} MB (decompression bomb?)"
        for open_, close in ((b"[", b"]"), (b"<<", b">>"), (b"(", b")")):
            if content.count(open_) - content.count(close) > MAX_BRACKET_IMBALANCE:
                return f"its content has over {MAX_BRACKET_IMBALANCE} unclosed {open_.decode()!r}"
    return None


def _cause_name(exc: BaseException) -> str:
    """The name of the inner error of a wrapper such as PdfminerException(PDFPasswordIncorrect())."""
    inner = next((arg for arg in exc.args if isinstance(arg, BaseException)), None) or exc.__cause__
    return type(inner or exc).__name__


def _listed_pages(data: bytes) -> list[Any]:
    """The pages as pdfminer lists them from the page tree: cheap, nothing is interpreted."""
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser

    return list(PDFPage.create_pages(PDFDocument(PDFParser(io.BytesIO(data)))))


def pdf_to_text(data: bytes, path: str) -> tuple[str, tuple[str, ...]]:
    """The report text of a PDF and any warnings. Raises UnreadableFile for damaged or image-only PDFs."""
    if data.rfind(b"%%EOF") == -1:
        raise UnreadableFile(path, "truncated PDF (no end-of-file marker)")
    # imported here: only PDFs need them
    import pypdfium2 as pdfium

    from transforms.readers.pdf_fonts import install_cjk_fallback
    from transforms.readers.pdf_page import read_page

    install_cjk_fallback()
    warnings: list[str] = []
    out: list[tuple[str, Any]] = []
    try:
        listed = _listed_pages(data)
        if len(listed) > MAX_PDF_PAGES:
            warnings.append(f"PDF has {len(listed)} pages; only the first {MAX_PDF_PAGES} were read")
        document = pdfium.PdfDocument(data)
        try:
            for number, listed_page in enumerate(listed[:MAX_PDF_PAGES], start=1):
                problem = _page_content_problem(listed_page)
                if problem:
                    warnings.append(f"page {number} skipped unread: {problem}")
                    continue
                page = document[number - 1]
                try:
                    items = _page_items(read_page(page))
                finally:
                    page.close()
                page_start = True
                for _top, kind, payload in items:
                    if kind == "rows":
                        _append_rows(out, payload, page_start)
                    else:
                        out.append(("line", payload))
                    page_start = False
        finally:
            document.close()
    except UnreadableFile:
        raise
    except Exception as exc:  # pdfminer and PDFium raise many unrelated types on damaged input
        if not out:
            name = _cause_name(exc)
            password = getattr(exc, "err_code", None) == pdfium.raw.FPDF_ERR_PASSWORD
            if password or "Password" in name or "Encrypt" in name:
                raise UnreadableFile(path, "encrypted PDF (password protected)") from exc
            raise UnreadableFile(path, f"damaged PDF ({name})") from exc
        warnings.append(f"PDF is damaged after some pages ({type(exc).__name__}); the rest was read")

    lines = [text for kind, payload in out if (text := format_row(payload) if kind == "row" else payload)]
    if not lines:
        skipped = [w for w in warnings if "skipped unread" in w]
        if skipped:
            raise UnreadableFile(path, f"PDF not read: {skipped[0]}")
        raise UnreadableFile(path, "PDF has no text layer (a scanned image?); OCR is not supported")
    return "\n".join(lines), tuple(warnings)
