"""Give PDFium one small shipped font for every CJK font a PDF names but does not embed.

For such a font PDFium asks the system for a stand-in, once per document: with fonts-noto-cjk installed it
reads and parses a 26 MB font collection each time (about 20 ms, two thirds of reading a generated report),
and on a host without any CJK font it substitutes Latin fonts whose missing glyphs have empty boxes, so a
character alone on its line (a "无" cell, the last character of a wrapped label) is dropped from the text.
Reading text needs no glyph shapes (characters come from the PDF's CMaps, advances from its widths), only a
non-empty box per glyph: `pdf_cjk_fallback.ttf` (made by scripts/make_pdf_fallback_font.py) maps every
code point to the square of the ideographic em box. Fonts the PDF embeds, and non-CJK fonts, are untouched:
those requests go to PDFium's own system-font lookup as before.
"""

from __future__ import annotations

import ctypes
import functools
from typing import Any

from transforms.data import DATA_DIR

FALLBACK_FONT = DATA_DIR / "pdf_cjk_fallback.ttf"


def _cjk_charsets() -> frozenset[int]:
    import pypdfium2.raw as pdfium_c

    return frozenset(
        {
            pdfium_c.FXFONT_GB2312_CHARSET,
            pdfium_c.FXFONT_CHINESEBIG5_CHARSET,
            pdfium_c.FXFONT_SHIFTJIS_CHARSET,
            pdfium_c.FXFONT_HANGEUL_CHARSET,
        }
    )


@functools.cache
def install_cjk_fallback() -> None:
    """Install the font handler for this process (PDFium has one, process-wide); later calls do nothing."""
    import pypdfium2 as pdfium

    data = FALLBACK_FONT.read_bytes()
    buffer = ctypes.create_string_buffer(data, len(data))
    handle = ctypes.addressof(buffer)  # an address no font of PDFium's own lookup can have
    cjk = _cjk_charsets()

    class CJKFallback(pdfium.PdfSysfontBase):
        """PDFium's default system-font lookup, except CJK requests, which get the shipped font."""

        def MapFont(self, _: Any, weight: int, italic: int, charset: int, pitch: int, face: Any, exact: Any):
            if charset in cjk:
                return handle
            return self.default.MapFont(self.default, weight, italic, charset, pitch, face, exact)

        def GetFontData(self, _: Any, font: Any, table: int, out: Any, size: int) -> int:
            if font != handle:
                return self.default.GetFontData(self.default, font, table, out, size)
            if table != 0:  # a table on its own, or the collection header: the file is one plain font
                return 0
            if out and size >= len(data):
                ctypes.memmove(out, buffer, len(data))
            return len(data)

        def GetFaceName(self, _: Any, font: Any, out: Any, size: int) -> int:
            if font != handle:
                return self.default.GetFaceName(self.default, font, out, size)
            return 0

        def GetFontCharset(self, _: Any, font: Any) -> int:
            if font != handle:
                return self.default.GetFontCharset(self.default, font)
            return pdfium.raw.FXFONT_DEFAULT_CHARSET

        def DeleteFont(self, _: Any, font: Any) -> None:
            if font != handle:
                self.default.DeleteFont(self.default, font)

    handler = CJKFallback()
    handler.keep_alive = buffer  # PDFium holds raw pointers into it for the rest of the process
    handler.setup()
