"""Write transforms/data/pdf_cjk_fallback.ttf: the font PDFium gets for a CJK font a PDF does not embed.

    .venv/bin/python scripts/make_pdf_fallback_font.py

A PDF that names a CJK font without embedding it (reportlab's STSong-Light, older office exports of 宋体)
makes PDFium load a system font as a stand-in, for every document anew: with fonts-noto-cjk that is a
26 MB collection read and parsed per file (about 20 ms, most of a generated report's reading time), and on
a host without a CJK font PDFium falls back to Latin fonts whose missing glyphs make it drop characters
that stand alone on a line (a "无" cell). Text extraction needs no glyph shapes: the characters come from
the PDF's CMaps and the advance widths from its /W array. What PDFium does need is a glyph with a non-empty
box for every character, so this font maps every code point to one glyph, the square of the ideographic em
box (880 above the baseline, 120 below, as the Adobe-GB1 fonts draw it). Generated with fontTools (a dev
dependency); the 1 KB result is shipped and read by transforms/readers/pdf_fonts.py.
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools.fontBuilder import FontBuilder
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib.tables._c_m_a_p import CmapSubtable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from transforms.readers.pdf_fonts import FALLBACK_FONT  # noqa: E402

UNITS_PER_EM = 1000
ASCENT, DESCENT = 880, -120  # the ideographic em box of Adobe-GB1 fonts
FAMILY = "NianbaoCJKFallback"


def _square() -> object:
    pen = TTGlyphPen(None)
    pen.moveTo((0, DESCENT))
    pen.lineTo((0, ASCENT))
    pen.lineTo((UNITS_PER_EM, ASCENT))
    pen.lineTo((UNITS_PER_EM, DESCENT))
    pen.closePath()
    return pen.glyph()


def build() -> FontBuilder:
    builder = FontBuilder(UNITS_PER_EM, isTTF=True)
    builder.setupGlyphOrder([".notdef", "square"])
    builder.setupCharacterMap({})
    builder.setupGlyf({".notdef": _square(), "square": _square()})
    builder.setupHorizontalMetrics({".notdef": (UNITS_PER_EM, 0), "square": (UNITS_PER_EM, 0)})
    builder.setupHorizontalHeader(ascent=ASCENT, descent=DESCENT)
    builder.setupNameTable({"familyName": FAMILY, "styleName": "Regular"})
    builder.setupOS2(sTypoAscender=ASCENT, sTypoDescender=DESCENT, usWinAscent=ASCENT, usWinDescent=-DESCENT)
    builder.setupPost()
    # cmap format 13 (many-to-one ranges): every code point outside the surrogates to the one square.
    every = CmapSubtable.newSubtable(13)
    every.platformID, every.platEncID, every.language = 3, 10, 0
    every.cmap = {code: "square" for code in range(0x20, 0x40000) if not 0xD800 <= code < 0xE000}
    builder.font["cmap"].tables = [every]
    return builder


if __name__ == "__main__":
    build().save(FALLBACK_FONT)
    print(f"wrote {FALLBACK_FONT.relative_to(ROOT)} ({FALLBACK_FONT.stat().st_size} bytes)")
