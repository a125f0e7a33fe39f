"""File readers: format and encoding sniffing, table layout, and refusal of bad files."""

from __future__ import annotations

import io
import random
import zipfile
from pathlib import Path

import docx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from transforms import readers
from transforms.errors import UnreadableFile
from transforms.readers import Document, read_document, read_file, sniff_format
from transforms.readers.cells import clean_cell, format_row, join_lines
from transforms.readers.html_reader import html_to_text
from transforms.readers.textcodec import decode_text

SAMPLE_NAME = "000_b1d8bfba56152971.txt"
# Formats whose readers rebuild the table: their rows must reproduce the sample's lines exactly.
TABLE_LAYOUTS = ("table",)


def _comparable(text: str, spec) -> str:
    """Text as the fixture's layout allows comparing it: wrapped values lose their line breaks, and so do
    long HTML and Word cells, whose paragraphs (<p>, <br>, Word paragraphs) the readers keep as lines."""
    if spec.layout == "wrapped" or spec.format in ("html", "docx"):
        return text.replace("\n", "")
    return text


# ---- every good fixture ------------------------------------------------------------------------------
def test_good_fixture_format_and_encoding(good_fixture, fixture_files: dict[str, Path]) -> None:
    path = fixture_files[good_fixture.name]
    document = read_file(path)
    assert (document.format, document.encoding) == (good_fixture.format, good_fixture.encoding)
    assert document == read_document(path.read_bytes(), str(path))
    assert document.warnings == ()
    assert "\r" not in document.text and "\ufeff" not in document.text


def test_good_fixture_keeps_every_value(good_fixture, fixture_files, sample_rows) -> None:
    text = _comparable(read_file(fixture_files[good_fixture.name]).text, good_fixture)
    for key in (
        "统一社会信用代码",
        "12330500676151570Y",
        "10.00",
        "2.17",
        "1.35",
        "湖州市人民对外友好协会秘书处",
    ):
        assert key in text
    for row in sample_rows:
        for value in row[1::2]:  # every value cell, the long 宗旨和业务范围 and the narrative sections whole
            assert value in text, value[:30]
    if good_fixture.layout not in ("variants",):
        for row in sample_rows:
            for label in row[0::2]:
                assert label in text


def test_table_formats_reproduce_the_sample_rows(good_fixture, fixture_files, sample_rows) -> None:
    """HTML, DOCX and PDF tables come out as exactly the sample's "cell | cell |" lines (a long cell's
    paragraphs are lines of their own, the row ending with the last of them)."""
    if good_fixture.layout not in TABLE_LAYOUTS:
        pytest.skip("not a table layout")
    text = read_file(fixture_files[good_fixture.name]).text
    rows, row = [], ""
    for line in text.splitlines():
        row = join_lines([row, line])
        if line.endswith(" |"):
            rows.append(row)
        if line.endswith(" |") or "|" not in row:
            row = ""
    assert rows == [" | ".join(row) + " |" for row in sample_rows]


def test_variant_labels_are_present(fixture_files: dict[str, Path]) -> None:
    text = read_file(fixture_files["variants"]).text
    for label in (
        "年末数（万元）",
        "受奖惩评估及诉讼投诉情况",
        "接受捐赠资助及其使用情况",
        "开展业务活动情况及取得的社会效益",
    ):
        assert label in text
    assert "《条例》、《细则》、《规定》有关变更登记规定执行情况" in text
    assert "一、基本情况" not in text and "期末数" not in text


def test_no_fields_files_are_still_readable(no_fields_fixture: str, fixture_files) -> None:
    document = read_file(fixture_files[no_fields_fixture])
    assert document.text.strip() and "单位名称" not in document.text


# ---- every bad fixture -------------------------------------------------------------------------------
def test_bad_fixture_is_unreadable_with_a_reason(bad_fixture, fixture_files) -> None:
    path = fixture_files[bad_fixture.name]
    for read in (lambda: read_file(path), lambda: read_document(path.read_bytes(), str(path))):
        with pytest.raises(UnreadableFile) as caught:
            read()
        assert bad_fixture.reason in caught.value.reason
        assert caught.value.path == str(path)
        assert "\n" not in caught.value.reason and len(caught.value.reason) < 160


def test_large_file_is_refused_for_its_size(large_file: Path) -> None:
    with pytest.raises(UnreadableFile) as caught:
        read_file(large_file)
    assert caught.value.reason == "file too large: 50.0 MB (limit 20 MB)"
    with pytest.raises(UnreadableFile) as caught:
        read_document(large_file.read_bytes(), str(large_file))
    assert caught.value.reason == "file too large: 50.0 MB (limit 20 MB)"


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFile, match="cannot open file"):
        read_file(tmp_path / "nope.txt")


def test_caps_exist() -> None:
    """Reading is bounded by these limits (checked here, not by timing)."""
    from transforms.readers import docx_reader, html_reader, pdf_reader

    assert readers.MAX_FILE_BYTES == 20 * 2**20
    assert 0 < pdf_reader.MAX_PDF_PAGES <= 100
    assert 0 < docx_reader.MAX_DOCX_UNCOMPRESSED <= 200 * 2**20
    assert docx_reader.MAX_DOCX_MEMBERS > 0
    assert html_reader.MAX_TABLE_DEPTH > 0


def test_pdf_page_cap_reads_the_first_pages_and_warns(fixture_files, monkeypatch) -> None:
    from transforms.readers import pdf_reader

    monkeypatch.setattr(pdf_reader, "MAX_PDF_PAGES", 1)
    document = read_file(fixture_files["pdf"])
    assert document.warnings and "only the first 1" in document.warnings[0]
    assert "统一社会信用代码" in document.text and "接受捐赠以及使用情况" not in document.text


def _pdf_with_cjk_font_not_embedded(rows: list[list[str]]) -> bytes:
    """A ruled table in reportlab's STSong-Light, a CJK font PDFs name without embedding it."""
    from reportlab.lib import colors
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import SimpleDocTemplate, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    table = Table(rows)
    grid = ("GRID", (0, 0), (-1, -1), 0.5, colors.black)
    table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), "STSong-Light"), grid]))
    out = io.BytesIO()
    SimpleDocTemplate(out).build([table])
    return out.getvalue()


def test_pdf_single_character_cells_of_a_font_not_embedded_are_kept() -> None:
    """PDFium drops a character alone on its line when the stand-in font has no glyph box for it (as on a
    host without CJK fonts); the shipped fallback font keeps such cells, whatever the host has installed."""
    data = _pdf_with_cjk_font_not_embedded([["接受捐赠资助及其使用情况", "无"], ["相关资质认可", "有"]])
    text = read_document(data, "r.pdf").text
    assert text.splitlines() == ["接受捐赠资助及其使用情况 | 无 |", "相关资质认可 | 有 |"]


def test_pdf_cjk_fallback_font_covers_every_ideograph_with_a_box() -> None:
    from fontTools.ttLib import TTFont

    from transforms.readers.pdf_fonts import FALLBACK_FONT

    font = TTFont(FALLBACK_FONT)
    cmap = font.getBestCmap()
    assert all(cmap.get(code) == "square" for code in (0x4E00, 0x65E0, 0x9FFF, 0x3000, 0xFF10, 0x20000))
    square = font["glyf"]["square"]
    assert (square.xMin, square.yMin, square.xMax, square.yMax) == (0, -120, 1000, 880)


# ---- cells -------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("lines", "joined"),
    [
        (["湖州市人民", "对外友好协会"], "湖州市人民对外友好协会"),
        (["工作;", "承担"], "工作;承担"),
        (["Cool", "trip"], "Cool trip"),
        (["123305006761", "51570Y"], "12330500676151570Y"),
        (["12330500676151570", "Y"], "12330500676151570Y"),
        (["10.", "00"], "10.00"),
        (["  a\u3000 b ", "", "\xa0c"], "a b c"),
    ],
)
def test_join_lines(lines: list[str], joined: str) -> None:
    assert join_lines(lines) == joined


def test_clean_cell_and_format_row() -> None:
    assert clean_cell("A|B\n甲") == "A｜B甲"
    assert format_row(["单位名称", "某单位"]) == "单位名称 | 某单位 |"
    assert format_row(["法定代表人", ""]) == "法定代表人 |  |"
    assert format_row(["", ""]) is None


def test_clean_cell_whitespace_is_every_unicode_space() -> None:
    """Every character the regular expression \\s matches is whitespace to a cell, and only those."""
    import re
    import sys

    from transforms.readers.cells import collapse

    spaces = [chr(c) for c in range(sys.maxunicode + 1) if re.match(r"\s", chr(c))]
    assert "\u3000" in spaces and "\xa0" in spaces and "\x1c" in spaces
    for space in spaces:
        assert collapse(f"{space}a{space}{space}b{space}") == "a b"
        assert clean_cell(f"a{space}b") == "a b"
        assert clean_cell(f"{space}甲") == "甲"
    assert clean_cell("单位 名称 A1") == "单位 名称 A1"
    assert clean_cell("\u200b甲\u200b") == "\u200b甲\u200b"  # a zero-width space is not whitespace


# ---- HTML --------------------------------------------------------------------------------------------
def test_html_table_mechanics() -> None:
    markup = """<html><head><title>报告</title><style>td{}</style><script>x="<td>脚本</td>"</script></head>
    <body><table>
    <tr><td rowspan=2>净资产</td><td>年初数</td><td>2.17</td></tr>
    <tr><td>期末数<td>1.35
    <tr><td colspan=3>说明&nbsp;&amp;&lt;备注&gt;&#12298;条例&#12299;</td></tr>
    <tr><th>A|B</th><td>第一行<br>第二行<p>Hello</p><p>world</p></td></tr>
    <tr><td></td><td>&nbsp;</td></tr>
    </table><p>尾注</p></body></html>"""
    text, tables = html_to_text(markup)
    assert tables == 1
    assert text.splitlines() == [
        "报告",
        "净资产 | 年初数 | 2.17 |",
        "期末数 | 1.35 |",
        "说明 &<备注>《条例》 |",
        "A｜B | 第一行第二行Hello world |",
        "尾注",
    ]


def test_html_nested_table_keeps_document_order() -> None:
    markup = (
        "<table><tr><td>开展业务情况<table><tr><td>一、基本情况</td><td>正文</td></tr></table>"
        "</td><td>之后</td></tr><tr><td>相关资质认可</td><td>无</td></tr></table>"
    )
    assert html_to_text(markup)[0].splitlines() == [
        "开展业务情况 |",
        "一、基本情况 | 正文 |",
        "之后 |",
        "相关资质认可 | 无 |",
    ]


def test_html_pre_and_paragraphs_outside_tables() -> None:
    text, tables = html_to_text("<body><pre>单位名称：甲\n法定代表人：乙</pre><div>湖州\n市</div></body>")
    assert tables == 0
    assert text.splitlines() == ["单位名称：甲", "法定代表人：乙", "湖州市"]


def test_html_without_table_but_with_text_is_read() -> None:
    document = read_document("<html><body><p>单位名称：某单位</p></body></html>".encode(), "x.html")
    assert document.format == "html" and document.text == "单位名称：某单位"


def test_html_text_after_the_page_end_and_past_the_tree_depth_is_read() -> None:
    """libxml2 puts what follows </html> in a second root, drops the whitespace before it from the tree,
    and builds no tree past 256 levels."""
    assert html_to_text("<table><tr><td>甲</td></tr></table></html>之后")[0] == "甲 |\n之后"
    assert html_to_text("<p>a</p>Cool</html>\n<html>trip")[0] == "a\nCool trip"
    deep = "<div>" * 300 + "<table><tr><td>甲</td></tr></table>" + "</div>" * 300 + "之后"
    assert html_to_text(deep) == ("甲 |\n之后", 1)


@pytest.mark.parametrize(
    "markup",
    [
        "<table><tr><td>a<span><td>b</span>c</td></tr></table>",
        "<table><caption>题</caption><tr><td>a</td></tr>散<tr><td>b</td> </tr>x</table>y",
        "<table><tr><td>a<table><tr><td>b</td></tr></table>c</td><td>d</td></tr></table>",
        "<pre><table><tr><td>a\nb</td><td><p>x\ny</p></td></tr></table></pre>",
        "<td>外</td><table><td>无行</td><script>s</script><!--c-->t<tr><table><tr><td>内</table><td>后</table>",
        "<table>" * 40 + "<tr><td>x</td><td>y" + "</table>" * 40 + "尾",
        "<span>" * 90 + "<table><tr><td>深</td></tr></table>",
    ],
)
def test_html_tree_walk_reads_as_the_parser_events(markup: str) -> None:
    """The fast tree walk and the event reader (kept for pages too deep for a tree) agree."""
    from transforms.readers.html_reader import _read_events, _read_tree

    data = markup.encode()
    tree, events = _read_tree(data), _read_events(data)
    assert (tree.lines, tree.table_count) == (events.lines, events.table_count)


# ---- DOCX --------------------------------------------------------------------------------------------
def _docx_bytes(build) -> bytes:
    document = docx.Document()
    build(document)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def test_docx_merged_cells_once_and_body_order() -> None:
    def build(document) -> None:
        document.add_paragraph("标题在前")
        table = document.add_table(rows=3, cols=3)
        table.cell(0, 0).merge(table.cell(1, 0)).text = "净资产"  # vertical merge
        table.cell(0, 1).text, table.cell(0, 2).text = "年初数", "2.17"
        table.cell(1, 1).text, table.cell(1, 2).text = "期末数", "1.35"
        table.cell(2, 0).text = "说明"
        merged = table.cell(2, 1).merge(table.cell(2, 2))  # horizontal merge
        merged.text = "第一段"
        merged.add_paragraph("第二段 | 含竖线")
        document.add_paragraph("表格之后")

    text = read_document(_docx_bytes(build), "t.docx").text
    assert text.splitlines() == [
        "标题在前",
        "净资产 | 年初数 | 2.17 |",
        "期末数 | 1.35 |",
        "说明 | 第一段第二段 ｜ 含竖线 |",
        "表格之后",
    ]


_W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _docx_of_body(body: str, encoding: str = "utf-8") -> bytes:
    """A .docx holding only word/document.xml with this body: structures python-docx cannot write."""
    declaration = f'<?xml version="1.0" encoding="{encoding}"?>'
    xml = f"{declaration}<w:document {_W_NS}><w:body>{body}</w:body></w:document>"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("word/document.xml", xml.encode(encoding))
    return buf.getvalue()


def _p(*runs: str) -> str:
    return "<w:p>" + "".join(f"<w:r>{run}</w:r>" for run in runs) + "</w:p>"


def _t(text: str) -> str:
    return f'<w:t xml:space="preserve">{text}</w:t>'


def _table(*rows: list[str]) -> str:
    return "<w:tbl>" + "".join("<w:tr>" + "".join(row) + "</w:tr>" for row in rows) + "</w:tbl>"


def _tc(*blocks: str, merge: str | None = None) -> str:
    props = "" if merge is None else f"<w:tcPr><w:vMerge{merge}/></w:tcPr>"
    return f"<w:tc>{props}{''.join(blocks)}</w:tc>"


def test_docx_body_structures() -> None:
    """Content controls, vertical merges, a table nested in a cell, and what a paragraph's text is."""
    body = (
        _p(_t("标题"), "<w:tab/>", _t("副题"), "<w:br/>", _t("第二行"))
        + "<w:sdt><w:sdtPr/><w:sdtContent>"
        + _p(_t("控件中的段落"))
        + "</w:sdtContent></w:sdt>"
        + _p(_t("可见"), "<w:delText>删除的</w:delText>", "<w:instrText>PAGE</w:instrText>")
        + _table(
            [_tc(_p(_t("净资产")), merge=' w:val="restart"'), _tc(_p(_t("年初数"))), _tc(_p(_t("2.17")))],
            [_tc(_p(), merge=""), _tc(_p(_t("年末数"))), _tc(_p(_t("1.35")))],
            [
                _tc(_p(_t("外层")), _table([_tc(_p(_t("内层"))), _tc(_p(_t("值")))]), _p(_t("外层之后"))),
                _tc(_p(_t("右"))),
            ],
        )
    )
    assert read_document(_docx_of_body(body), "t.docx").text.splitlines() == [
        "标题 副题",
        "第二行",
        "控件中的段落",
        "可见",
        "净资产 | 年初数 | 2.17 |",
        "年末数 | 1.35 |",
        "外层 |",
        "内层 | 值 |",
        "外层之后 | 右 |",
    ]


def test_docx_text_that_looks_like_the_readers_marks() -> None:
    """The reader marks paragraphs and table parts with U+FDD0; the same character in a report, written out,
    as a character reference or in a part not in UTF-8, is dropped and changes no structure."""
    cells = [_tc(_p(_t("单位\ufdd0T名称"))), _tc(_p(_t("某&#xFDD0;c医院&#64976;")))]
    body = _table(cells) + _p(_t("尾\ufdd0"))
    expected = ["单位T名称 | 某c医院 |", "尾"]
    assert read_document(_docx_of_body(body), "t.docx").text.splitlines() == expected
    assert read_document(_docx_of_body(body, "utf-16"), "t.docx").text.splitlines() == expected


def _docx_with_rels(rels: str, parts: dict[str, str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("_rels/.rels", rels)
        for name, body in parts.items():
            archive.writestr(name, f"<w:document {_W_NS}><w:body>{body}</w:body></w:document>")
    return buf.getvalue()


def test_docx_main_part_is_the_one_rels_names() -> None:
    package = "http://schemas.openxmlformats.org/package/2006/relationships"
    office = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
    rels = (
        f'<Relationships xmlns="{package}">'
        f'<Relationship Id="r0" Type="{office}" Target="http://example.org/x.xml" TargetMode="External"/>'
        f'<Relationship Id="r1" Type="{office}" Target="/word/main.xml"/></Relationships>'
    )
    parts = {"word/document.xml": _p(_t("不是正文")), "word/main.xml": _p(_t("正文"))}
    for _ in range(2):  # the second file's relationships are remembered from the first's
        assert read_document(_docx_with_rels(rels, parts), "t.docx").text == "正文"
    with pytest.raises(UnreadableFile, match="damaged"):
        read_document(_docx_with_rels("<Relationships", parts), "t.docx")


def test_docx_tables_nested_deeper_than_the_limit_are_left_out() -> None:
    inner = _p(_t("最深处"))
    for level in range(20):
        inner = _table([_tc(_p(_t(f"层{level}")), inner), _tc(_p(_t(f"值{level}")))])
    lines = read_document(_docx_of_body(inner), "t.docx").text.splitlines()
    assert lines[:2] == ["层19 |", "层18 |"]
    assert "最深处" not in lines and "层3 |" not in lines and "层4 |" in lines
    assert lines[-1] == "值19 |"


def test_docx_without_text_and_zip_without_word() -> None:
    with pytest.raises(UnreadableFile, match="no text"):
        read_document(_docx_bytes(lambda document: None), "blank.docx")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(UnreadableFile, match="not a Word"):
        read_document(buf.getvalue(), "book.xlsx")


# ---- text decoding and sniffing ----------------------------------------------------------------------
def test_decode_bomless_utf16_be_and_gb18030() -> None:
    text = "单位名称 | 某单位 | 2.17 |\n"
    assert decode_text(text.encode("utf-16-be"), "x") == (text, "utf-16")
    assert decode_text(text.encode("gb18030"), "x") == (text, "gb18030")
    assert decode_text(text.replace("\n", "\r\n").encode(), "x") == (text, "utf-8")


def test_decode_falls_back_to_detection() -> None:
    text, encoding = decode_text("Caf\xe9 cr\xe8me br\xfbl\xe9e, d\xe9j\xe0 vu. ".encode("cp1252") * 20, "x")
    assert "Caf" in text and encoding not in ("utf-8", "utf-8-sig", "utf-16")


def test_control_characters_are_binary() -> None:
    with pytest.raises(UnreadableFile, match="binary"):
        decode_text(bytes(range(32)) * 50, "x")


def test_sniffing_ignores_names() -> None:
    assert sniff_format(b"junk\n%PDF-1.4\n") == "pdf"
    assert sniff_format(b"PK\x03\x04rest") == "docx"
    assert sniff_format("单位名称".encode()) is None
    assert read_document("<TABLE><TR><TD>单位名称<TD>甲</TABLE>".encode(), "r.pdf").format == "html"
    assert read_document("单位名称 | 甲 |".encode(), "r.html") == Document("txt", "utf-8", "单位名称 | 甲 |")


# ---- nothing but UnreadableFile escapes --------------------------------------------------------------
def _read_or_refuse(data: bytes, path: str) -> None:
    try:
        document = read_document(data, path)
    except UnreadableFile as exc:
        assert exc.reason
        return
    assert document.format in readers.FORMATS and document.text.strip()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    prefix=st.sampled_from([b"", b"%PDF-1.4\n", b"PK\x03\x04", b"<html><table><tr><td>", b"\xef\xbb\xbf"]),
    body=st.binary(max_size=2048),
    suffix=st.sampled_from([b"", b"\n%%EOF\n"]),
)
def test_arbitrary_bytes_never_raise_anything_else(prefix: bytes, body: bytes, suffix: bytes) -> None:
    _read_or_refuse(prefix + body + suffix, "fuzz.bin")


@pytest.mark.parametrize("name", ["pdf", "docx", "html"])
def test_corrupted_fixtures_never_raise_anything_else(name: str, fixture_files) -> None:
    data = fixture_files[name].read_bytes()
    rng = random.Random(name)
    for _ in range(15):
        corrupted = bytearray(data)
        for _ in range(rng.randint(1, 20)):
            corrupted[rng.randrange(len(corrupted))] = rng.randrange(256)
        _read_or_refuse(bytes(corrupted), f"corrupt.{name}")
