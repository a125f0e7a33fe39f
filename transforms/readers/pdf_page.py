"""What a PDF page holds, read with PDFium (pypdfium2): its characters with their boxes and its ruling lines.

PDFium (Chrome's PDF engine, in C++) interprets a page in a fraction of the time pdfminer takes in Python.
The result is shaped as pdfplumber's objects (dicts with x0, x1, top, bottom in points from the top-left
corner of the page), so pdfplumber's table finder and text layout work on it unchanged.

The ruling lines are the straight segments of the page's painted paths, classified the way pdfminer and
pdfplumber classify them: a path that is one segment is a line (horizontal when its ends have the same
height, otherwise "vertical"); any other path yields its horizontal and vertical segments.
"""

from __future__ import annotations

import ctypes
import itertools
from dataclasses import dataclass
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

Obj = dict[str, Any]
Matrix = tuple[float, float, float, float, float, float]
_IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
# Objects nested in form XObjects deeper than this are not looked at (a report has none or one level).
MAX_FORM_DEPTH = 8


@dataclass
class PageObjects:
    """One page in pdfplumber's shape: what `TableFinder` and the text utilities read from a page."""

    chars: list[Obj]
    edges: list[Obj]
    bbox: tuple[float, float, float, float]  # (0, 0, width, height)


def read_page(page: pdfium.PdfPage) -> PageObjects:
    left, bottom, right, top = page.get_mediabox()
    return PageObjects(
        _chars(page, left, top), _edges(page, left, top), (0.0, 0.0, right - left, top - bottom)
    )


def _chars(page: pdfium.PdfPage, left: float, top: float) -> list[Obj]:
    """The characters the content draws (not the spaces and line breaks PDFium adds), in content order."""
    textpage = page.get_textpage()
    handle = textpage.raw
    box = pdfium_c.FS_RECTF()
    matrix = pdfium_c.FS_MATRIX()
    chars = []
    try:
        for index in range(pdfium_c.FPDFText_CountChars(handle)):
            if pdfium_c.FPDFText_IsGenerated(handle, index) == 1:
                continue
            code = pdfium_c.FPDFText_GetUnicode(handle, index)
            if code in (0, 0x0A, 0x0D, 0xFFFE, 0xFFFF) or 0xD800 <= code <= 0xDFFF:
                continue
            # The loose box spans the glyph's advance (pdfminer's x0..x1), not only its ink.
            if not pdfium_c.FPDFText_GetLooseCharBox(handle, index, box):
                continue
            x0, x1, y0, y1 = box.left, box.right, box.bottom, box.top
            pdfium_c.FPDFText_GetMatrix(handle, index, matrix)
            size = pdfium_c.FPDFText_GetFontSize(handle, index)
            chars.append(
                {
                    "text": chr(code),
                    "x0": x0 - left,
                    "x1": x1 - left,
                    "top": top - y1,
                    "bottom": top - y0,
                    "doctop": top - y1,
                    # pdfminer's test for text that is not rotated (LTChar.upright)
                    "upright": matrix.a * matrix.d > 0 and matrix.b * matrix.c <= 0,
                    "size": size,
                }
            )
    finally:
        textpage.close()
    return chars


def _multiply(inner: Matrix, outer: Matrix) -> Matrix:
    a, b, c, d, e, f = inner
    a2, b2, c2, d2, e2, f2 = outer
    return (
        a * a2 + b * c2,
        a * b2 + b * d2,
        c * a2 + d * c2,
        c * b2 + d * d2,
        e * a2 + f * c2 + e2,
        e * b2 + f * d2 + f2,
    )


def _object_matrix(handle: Any) -> Matrix:
    matrix = pdfium_c.FS_MATRIX()
    if not pdfium_c.FPDFPageObj_GetMatrix(handle, matrix):
        return _IDENTITY
    return (matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f)


def _path_handles(page: pdfium.PdfPage) -> list[tuple[Any, Matrix]]:
    """Every path object of the page with its matrix to page space, looking inside form XObjects."""
    found: list[tuple[Any, Matrix]] = []
    stack = [
        (pdfium_c.FPDFPage_GetObject(page.raw, i), _IDENTITY, 0)
        for i in reversed(range(pdfium_c.FPDFPage_CountObjects(page.raw)))
    ]
    while stack:
        handle, outer, depth = stack.pop()
        kind = pdfium_c.FPDFPageObj_GetType(handle)
        if kind == pdfium_c.FPDF_PAGEOBJ_PATH:
            found.append((handle, _multiply(_object_matrix(handle), outer)))
        elif kind == pdfium_c.FPDF_PAGEOBJ_FORM and depth < MAX_FORM_DEPTH:
            matrix = _multiply(_object_matrix(handle), outer)
            stack.extend(
                (pdfium_c.FPDFFormObj_GetObject(handle, i), matrix, depth + 1)
                for i in reversed(range(pdfium_c.FPDFFormObj_CountObjects(handle)))
            )
    return found


def _subpaths(handle: Any, matrix: Matrix) -> list[list[tuple[float, float]]]:
    """The path's subpaths as page-space points: one point per segment (a curve by its end point, as
    pdfminer keeps it) and the start point again where a subpath is closed."""
    a, b, c, d, e, f = matrix
    x, y = ctypes.c_float(), ctypes.c_float()
    subpaths: list[list[tuple[float, float]]] = []
    curve_points = 0  # a Bézier curve is three segments: two control points, then its end
    for index in range(pdfium_c.FPDFPath_CountSegments(handle)):
        segment = pdfium_c.FPDFPath_GetPathSegment(handle, index)
        kind = pdfium_c.FPDFPathSegment_GetType(segment)
        curve_points = curve_points + 1 if kind == pdfium_c.FPDF_SEGMENT_BEZIERTO else 0
        pdfium_c.FPDFPathSegment_GetPoint(segment, x, y)
        point = (a * x.value + c * y.value + e, b * x.value + d * y.value + f)
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO or not subpaths:
            subpaths.append([point])
        elif curve_points % 3 == 0:
            subpaths[-1].append(point)
        if pdfium_c.FPDFPathSegment_GetClose(segment):
            subpaths[-1].append(subpaths[-1][0])
    return subpaths


def _edge(p0: tuple[float, float], p1: tuple[float, float], orientation: str | None, kind: str) -> Obj:
    x0, x1 = min(p0[0], p1[0]), max(p0[0], p1[0])
    top, bottom = min(p0[1], p1[1]), max(p0[1], p1[1])
    return {
        "object_type": kind,
        "x0": x0,
        "x1": x1,
        "top": top,
        "bottom": bottom,
        "doctop": top,
        "width": x1 - x0,
        "height": bottom - top,
        "orientation": orientation,
    }


def _edges(page: pdfium.PdfPage, left: float, top: float) -> list[Obj]:
    """pdfplumber's `page.edges`: lines, and the horizontal and vertical segments of other paths."""
    edges = []
    for handle, matrix in _path_handles(page):
        for subpath in _subpaths(handle, matrix):
            points = [(x - left, top - y) for x, y in subpath]
            if len(points) == 3 and points[2] == points[0]:
                points.pop()  # a closed single segment ("m l h") is still a line
            if len(points) == 2:  # one segment: pdfminer's LTLine, pdfplumber's line_to_edge
                orientation = "h" if points[0][1] == points[1][1] else "v"
                edges.append(_edge(points[0], points[1], orientation, "line"))
                continue
            for p0, p1 in itertools.pairwise(points):
                orientation = "v" if p0[0] == p1[0] else "h" if p0[1] == p1[1] else None
                if orientation:
                    edges.append(_edge(p0, p1, orientation, "curve_edge"))
    return edges
