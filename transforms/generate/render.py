"""Render a `Report` as the files people publish: txt in three layouts, HTML, PDF and DOCX.

Only layouts and label variants the parser documents (issue 2, `transforms/data/labels.yaml`) are used:
the pipe layout of the real sample ("label | value |", several pairs per line, values wrapped over
lines), "label：value" one pair per line, label on one line and value on the next; field order shuffled
within the header and trailer blocks; full/half-width brackets; UTF-8, UTF-8 with BOM and GB18030.
Wrapping in txt happens after clause punctuation so that an anchor is never split.
All randomness comes from the `rng` passed in, so output bytes depend only on the seed.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import random
import re
import struct
import zipfile
from dataclasses import dataclass

from transforms.generate.narrative import cn_number
from transforms.generate.report import Report

CONTAINER = "开展业务情况"
SECTION_NUMBERS = {
    "基本情况": "一、",
    "开展的主要工作及取得主要效益": "二、",
    "存在的主要问题": "三、",
    "下一步打算": "四、",
}
CHANGE_LABELS = (
    "对《条例》和实施细则有关变更登记规定的执行情况",
    "《条例》、《细则》、《规定》有关变更登记规定执行情况",
)
QUAL_LABELS = (
    "相关资质认可",
    "相关资质认可（或执业许可证明文件及有效期）",
    "相关资质认可或执业许可证明文件及有效期",
)
AWARD_LABELS = ("绩效和受奖惩及诉讼投诉情况", "受奖惩评估及诉讼投诉情况")
DONATION_LABELS = ("接受捐赠以及使用情况", "接受捐赠（资助）以及使用情况", "接受捐赠资助及其使用情况")
DATE_LABELS = ("报告日期", "填报日期")
_WRAP_AT = re.compile(r"(?<=[。；;])")


@dataclass
class Pair:
    label: str
    value: str
    long: bool = False


@dataclass
class Doc:
    """A report laid out as blocks of label/value pairs, before it becomes bytes."""

    title: str | None
    head: list[Pair]  # shuffled identity/finance fields
    money_row: list[str] | None  # the 资产损益情况 group row, when used
    container: bool  # whether a bare 开展业务情况 row precedes the sections
    sections: list[Pair]
    tail: list[Pair]
    date_line: str | None


# -- values ------------------------------------------------------------------------------------------------
def _money(rng: random.Random, value: float, unit_in_label: bool) -> str:
    if unit_in_label:
        return f"{value:.2f}" if rng.random() < 0.8 or value != int(value) else f"{int(value)}"
    roll = rng.random()
    if roll < 0.6:
        return f"{value:.2f}万元"
    if 0 < value < 100 and value == int(value) and roll < 0.7:
        return f"{cn_number(int(value))}万元"
    return f"{round(value * 10000)}元"


def _unit(rng: random.Random) -> str:
    return rng.choice(("(万元)", "（万元）"))


def _date(d: dt.date, rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.7:
        return f"{d.year}年{d.month:02d}月{d.day:02d}日"
    if roll < 0.85:
        return f"{d.year}年{d.month}月{d.day}日"
    return f"{d.year}-{d.month:02d}-{d.day:02d}"


def _changes_text(report: Report, rng: random.Random) -> str:
    if not report.changes:
        return rng.choice(("无", "无。", "本年度未发生变更登记事项。"))
    parts = [f"{_date(c.date, rng)},{c.what}" for c in report.changes]
    return "；".join(parts) + "。"


def layout(report: Report, rng: random.Random) -> Doc:
    """Choose labels, order and value formats; the same `Doc` feeds every format."""
    head = [
        Pair("单位名称", report.name),
        Pair("法定代表人", report.legal_representative),
        Pair("住所", report.address),
        Pair("经费来源", report.funding_source),
        Pair("举办单位", report.sponsor),
        Pair("宗旨和业务范围", report.purpose_scope, long=True),
    ]
    if report.uscc is not None:
        head.append(Pair("统一社会信用代码", report.uscc))
    unit_cap = rng.random() < 0.7
    head.append(
        Pair("开办资金" + (_unit(rng) if unit_cap else ""), _money(rng, report.startup_capital, unit_cap))
    )
    if report.headcount is not None:
        head.append(Pair("从业人数", f"{report.headcount}" + ("人" if rng.random() < 0.4 else "")))
    if report.website_name:
        head.append(Pair("网上名称", report.website_name))
    rng.shuffle(head)
    money_row = None
    end_label = rng.choice(("期末数", "年末数"))
    if rng.random() < 0.2:
        money_row = [
            "资产损益情况",
            "净资产合计（所有者权益合计）",
            "年初数" + _unit(rng),
            _money(rng, report.begin, True),
            end_label + _unit(rng),
            _money(rng, report.end, True),
        ]
    else:
        unit = rng.random() < 0.8
        u = _unit(rng) if unit else ""
        pair = [
            Pair("年初数" + u, _money(rng, report.begin, unit)),
            Pair(end_label + u, _money(rng, report.end, unit)),
        ]
        head.insert(rng.randrange(len(head) + 1), pair[0])
        head.insert(head.index(pair[0]) + 1, pair[1])
    sections = []
    numbered = rng.random() < 0.7
    for name, text in report.narrative.sections.items():
        label = (SECTION_NUMBERS.get(name, "") if numbered else "") + name
        sections.append(Pair(label, text, long=True))
    tail = [
        Pair(rng.choice(CHANGE_LABELS), _changes_text(report, rng), long=True),
        Pair(rng.choice(QUAL_LABELS), report.qualifications),
        Pair(rng.choice(AWARD_LABELS), report.awards_litigation),
        Pair(rng.choice(DONATION_LABELS), report.donations),
    ]
    if rng.random() < 0.3:
        rng.shuffle(tail)
    title = None
    if report.year is not None:
        roll = rng.random()
        if roll < 0.45:
            title = f"事业单位法人年度报告书（{report.year}年度）"
        elif roll < 0.75:
            title = f"{report.name}{report.year}年度报告书"
        elif roll < 0.9:
            title = f"{report.year}年度事业单位法人年度报告书"
    elif rng.random() < 0.5:
        title = "事业单位法人年度报告书"
    date_line = None
    if report.report_date is not None:
        date_line = f"{rng.choice(DATE_LABELS)}：{_date(report.report_date, rng)}"
    container = len(sections) > 1 or rng.random() < 0.3
    return Doc(title, head, money_row, container, sections, tail, date_line)


# -- text ----------------------------------------------------------------------------------------------------
def _wrap(text: str, rng: random.Random, width: int) -> list[str]:
    """Break a long value into lines after clause punctuation, roughly every `width` characters."""
    if len(text) <= width:
        return [text]
    lines, line = [], ""
    for piece in _WRAP_AT.split(text):
        if line and len(line) + len(piece) > width:
            lines.append(line)
            line = ""
        line += piece
    if line:
        lines.append(line)
    return lines


def render_txt(doc: Doc, rng: random.Random) -> tuple[str, str]:
    """(text, layout name)."""
    style = rng.choices(("pipe", "colon", "nextline"), weights=(5, 3, 2))[0]
    wrap = rng.random() < 0.5
    width = rng.randint(40, 90)
    out: list[str] = []
    if doc.title:
        out.append(doc.title)
    if style == "pipe":
        line: list[str] = []
        for pair in doc.head:
            if pair.long or len(line) >= 2 * rng.randint(1, 3):
                if line:
                    out.append(" | ".join(line) + " |")
                line = []
            if pair.long:
                body = "\n".join(_wrap(pair.value, rng, width)) if wrap else pair.value
                out.append(f"{pair.label} | {body} |")
            else:
                line += [pair.label, pair.value]
        if line:
            out.append(" | ".join(line) + " |")
        if doc.money_row:
            out.append(" | ".join(doc.money_row) + " |")
        if doc.container:
            out.append(f"{CONTAINER} |")
        for pair in (*doc.sections, *doc.tail):
            body = "\n".join(_wrap(pair.value, rng, width)) if wrap and pair.long else pair.value
            out.append(f"{pair.label} | {body} |")
        if doc.date_line:
            out.append(doc.date_line)
    else:
        colon = rng.choice(("：", ":"))
        pairs = list(doc.head)
        if doc.money_row:
            pairs += [Pair(doc.money_row[2], doc.money_row[3]), Pair(doc.money_row[4], doc.money_row[5])]
        i = 0
        while i < len(pairs):
            pair = pairs[i]
            nxt = pairs[i + 1] if i + 1 < len(pairs) else None
            if style == "colon" and nxt and not pair.long and not nxt.long and rng.random() < 0.25:
                out.append(f"{pair.label}{colon}{pair.value}    {nxt.label}{colon}{nxt.value}")
                i += 2
                continue
            out.extend(_kv(pair, style, colon, wrap, rng, width))
            i += 1
        if doc.container:
            out.append(CONTAINER + (colon if style == "colon" else ""))
        for pair in (*doc.sections, *doc.tail):
            out.extend(_kv(pair, style, colon, wrap, rng, width))
        if doc.date_line:
            out.append(doc.date_line)
    return "\n".join(out) + "\n", style


def _kv(pair: Pair, style: str, colon: str, wrap: bool, rng: random.Random, width: int) -> list[str]:
    lines = _wrap(pair.value, rng, width) if wrap and pair.long else [pair.value]
    if style == "colon":
        return [f"{pair.label}{colon}{lines[0]}", *lines[1:]]
    return [pair.label, *lines]


# -- html ----------------------------------------------------------------------------------------------------
def _esc(text: str, rng: random.Random, breaks: bool) -> str:
    out = html.escape(text, quote=False)
    if rng.random() < 0.5:
        out = out.replace("“", "&ldquo;").replace("”", "&rdquo;")
    if rng.random() < 0.3:
        out = out.replace("、", "&#12289;")
    if breaks and rng.random() < 0.6:
        out = re.sub(r"(?<=。)(?=.)", rng.choice(("<br>", "<br/>", "<br />")), out)
    return out


def _cell(text: str, rng: random.Random, colspan: int = 1, label: bool = False) -> str:
    span = f' colspan="{colspan}"' if colspan > 1 else ""
    if label:
        inner = html.escape(text, quote=False)
        if len(text) == 2 and rng.random() < 0.3:
            inner = text[0] + "&nbsp;&nbsp;" + text[1]
        return f'<td class="label"{span}>{inner}</td>'
    inner = _esc(text, rng, breaks=True)
    wrap = rng.random()
    if wrap < 0.3:
        inner = f"<span>{inner}</span>"
    elif wrap < 0.45:
        inner = f'<p style="text-indent:2em">{inner}</p>'
    elif wrap < 0.55:
        inner = f"<div><span>{inner}</span></div>"
    return f"<td{span}>{inner}</td>"


def render_html(doc: Doc, rng: random.Random, charset: str) -> str:
    rows: list[str] = []
    pending: list[Pair] = []

    def flush() -> None:
        if pending:
            cells = "".join(_cell(p.label, rng, label=True) + _cell(p.value, rng) for p in pending)
            if len(pending) == 1:
                cells = _cell(pending[0].label, rng, label=True) + _cell(pending[0].value, rng, colspan=3)
            rows.append(f"<tr>{cells}</tr>")
            pending.clear()

    for pair in doc.head:
        if pair.long:
            flush()
            pending.append(pair)
            flush()
        else:
            pending.append(pair)
            if len(pending) == 2:
                flush()
    flush()
    if doc.money_row:
        m = doc.money_row
        rows.append(
            f'<tr><td rowspan="1">{m[0]}</td><td>{html.escape(m[1])}</td><td>{m[2]}</td><td>{m[3]}</td>'
            f"<td>{m[4]}</td><td>{m[5]}</td></tr>"
        )
    if doc.container:
        rows.append(f'<tr><td colspan="4" class="label"><b>{CONTAINER}</b></td></tr>')
    for pair in (*doc.sections, *doc.tail):
        rows.append(f"<tr>{_cell(pair.label, rng, label=True)}{_cell(pair.value, rng, colspan=3)}</tr>")
    title = html.escape(doc.title) if doc.title else "年度报告"
    sep = "\n" if rng.random() < 0.7 else ""
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="zh-CN"><head><meta charset="{charset}"><title>{title}</title>',
        "<style>table{border-collapse:collapse}td{border:1px solid #333;padding:4px}</style></head><body>",
    ]
    if doc.title:
        parts.append(f'<h2 style="text-align:center">{title}</h2>')
    parts.append('<table class="report" width="100%">')
    parts.append(sep.join(rows))
    parts.append("</table>")
    if doc.date_line:
        parts.append(f'<p class="date">{html.escape(doc.date_line)}</p>')
    parts.append("</body></html>")
    return sep.join(parts) + "\n"


# -- pdf -----------------------------------------------------------------------------------------------------
_PDF_STYLES: dict = {}


def _pdf_setup() -> dict:
    if not _PDF_STYLES:
        from reportlab import rl_config

        rl_config.invariant = 1
        from reportlab.lib.styles import ParagraphStyle
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.cidfonts import UnicodeCIDFont

        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
        base = {"fontName": "STSong-Light", "fontSize": 9.5, "leading": 14, "wordWrap": "CJK"}
        _PDF_STYLES["cell"] = ParagraphStyle("cell", **base)
        _PDF_STYLES["title"] = ParagraphStyle(
            "title", **{**base, "fontSize": 15, "leading": 22, "alignment": 1}
        )
        _PDF_STYLES["line"] = ParagraphStyle("line", **base)
    return _PDF_STYLES


def _table_rows(doc: Doc, head: list[Pair]) -> list[list[Pair]]:
    """Rows of a report table: short pairs two to a row, long values alone, then the narrative and tail."""
    rows: list[list[Pair]] = []
    pending: list[Pair] = []
    for pair in head:
        if pair.long or len(pending) == 2:
            if pending:
                rows.append(pending)
            pending = []
        if pair.long:
            rows.append([pair])
        else:
            pending.append(pair)
    if pending:
        rows.append(pending)
    if doc.container:
        rows.append([Pair(CONTAINER, "")])
    return rows + [[p] for p in (*doc.sections, *doc.tail)]


def render_pdf(doc: Doc, rng: random.Random) -> tuple[bytes, str]:
    styles = _pdf_setup()
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    def para(text: str, style: str = "cell") -> Paragraph:
        return Paragraph(html.escape(text, quote=False), styles[style])

    story: list = []
    if doc.title:
        story += [para(doc.title, "title"), Spacer(1, 4 * mm)]
    width = A4[0] - 36 * mm
    if rng.random() < 0.75:
        data, spans = [], []
        rows_pairs = _table_rows(doc, doc.head)
        for pairs in rows_pairs:
            r = len(data)
            if len(pairs) == 2:
                data.append(
                    [para(pairs[0].label), para(pairs[0].value), para(pairs[1].label), para(pairs[1].value)]
                )
            elif pairs[0].value == "":
                data.append([para(pairs[0].label), "", "", ""])
                spans.append(("SPAN", (0, r), (3, r)))
            else:
                data.append([para(pairs[0].label), para(pairs[0].value), "", ""])
                spans.append(("SPAN", (1, r), (3, r)))
        if doc.money_row:  # the group labels do not fit a 4-column grid: keep the two figures
            m = doc.money_row
            data.insert(1, [para(m[2]), para(m[3]), para(m[4]), para(m[5])])
            spans = [(k, (a[0], a[1] + 1 if a[1] >= 1 else a[1]), (b[0], b[1] + 1 if b[1] >= 1 else b[1]))
                     for k, a, b in spans]  # fmt: skip
        table = Table(data, colWidths=[0.18 * width, 0.32 * width, 0.18 * width, 0.32 * width], repeatRows=0)
        table.setStyle(
            TableStyle(
                [("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "TOP"), *spans]
            )
        )
        story.append(table)
        layout_name = "pdf-table"
    else:
        pairs = list(doc.head)
        if doc.money_row:
            m = doc.money_row
            pairs += [Pair(m[2], m[3]), Pair(m[4], m[5])]
        if doc.container:
            story.append(para(CONTAINER))
        for pair in (*pairs, *doc.sections, *doc.tail):
            story.append(para(f"{pair.label}：{pair.value}", "line"))
        layout_name = "pdf-lines"
    if doc.date_line:
        story += [Spacer(1, 4 * mm), para(doc.date_line, "line")]
    buf = io.BytesIO()
    SimpleDocTemplate(
        buf, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=18 * mm, bottomMargin=18 * mm,
        title="", author="", subject="", creator="nianbao", producer="nianbao", invariant=1,
    ).build(story)  # fmt: skip
    data_bytes = buf.getvalue()
    return data_bytes, layout_name


# -- docx ----------------------------------------------------------------------------------------------------
_DOS_TIME, _DOS_DATE = 0, (2000 - 1980) << 9 | 1 << 5 | 1  # 2000-01-01 00:00:00


def _deterministic_zip(data: bytes) -> bytes:
    """Set every member's timestamp in a zip to a fixed date, in place, without recompressing.

    python-docx stamps members with the current time; the DOS time/date fields sit at fixed offsets of
    each local header (+10) and central-directory entry (+12), found through the zip's own index.
    """
    buf = bytearray(data)
    stamp = struct.pack("<HH", _DOS_TIME, _DOS_DATE)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        infos = zf.infolist()
    for info in infos:
        buf[info.header_offset + 10 : info.header_offset + 14] = stamp
    end = data.rfind(b"PK\x05\x06")
    count, _size, offset = struct.unpack("<HII", data[end + 10 : end + 20])
    for _ in range(count):
        buf[offset + 12 : offset + 16] = stamp
        name_len, extra_len, comment_len = struct.unpack("<HHH", data[offset + 28 : offset + 34])
        offset += 46 + name_len + extra_len + comment_len
    return bytes(buf)


def _span(cells: list, first: int) -> object:
    """Merge cells[first:] of a row into one cell (gridSpan), cheaper than python-docx's general merge."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tc = cells[first]._tc
    tc_pr = tc.get_or_add_tcPr()
    span = OxmlElement("w:gridSpan")
    span.set(qn("w:val"), str(len(cells) - first))
    tc_pr.append(span)
    for other in cells[first + 1 :]:
        other._tc.getparent().remove(other._tc)
    return cells[first]


def render_docx(doc: Doc, rng: random.Random, stamp: dt.date) -> tuple[bytes, str]:
    from docx import Document

    document = Document()
    props = document.core_properties
    when = dt.datetime(stamp.year, stamp.month, stamp.day, 9, 0, 0)
    props.author = "nianbao"
    props.last_modified_by = "nianbao"
    props.title = doc.title or ""
    props.created = when
    props.modified = when
    props.last_printed = when
    props.revision = 1
    if doc.title:
        document.add_paragraph(doc.title)
    if rng.random() < 0.75:
        pairs = list(doc.head)
        if doc.money_row:
            m = doc.money_row
            pairs += [Pair(m[2], m[3]), Pair(m[4], m[5])]
        rows = _table_rows(doc, pairs)
        merge = rng.random() < 0.5
        table = document.add_table(rows=len(rows), cols=4)
        table.style = "Table Grid"
        for r, row_pairs in enumerate(rows):
            cells = table.rows[r].cells
            if len(row_pairs) == 2:
                for k, p in enumerate(row_pairs):
                    cells[2 * k].text = p.label
                    cells[2 * k + 1].text = p.value
            elif row_pairs[0].value == "":
                cell = _span(cells, 0) if merge else cells[0]
                cell.text = row_pairs[0].label
            else:
                cells[0].text = row_pairs[0].label
                cell = _span(cells, 1) if merge else cells[1]
                cell.text = row_pairs[0].value
        layout_name = "docx-table"
    else:
        pairs = list(doc.head)
        if doc.money_row:
            m = doc.money_row
            pairs += [Pair(m[2], m[3]), Pair(m[4], m[5])]
        if doc.container:
            document.add_paragraph(CONTAINER)
        for pair in (*pairs, *doc.sections, *doc.tail):
            document.add_paragraph(f"{pair.label}：{pair.value}")
        layout_name = "docx-paragraphs"
    if doc.date_line:
        document.add_paragraph(doc.date_line)
    buf = io.BytesIO()
    document.save(buf)
    return _deterministic_zip(buf.getvalue()), layout_name
