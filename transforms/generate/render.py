"""Render a `Report` as the files people publish: txt in five layouts, HTML, PDF and DOCX.

`layout` decides, once per report, everything that does not depend on the format: labels and their
spelling (spaced, traditional, numbered: `forms.LabelStyle`), value spellings, field order (shuffled within
the header and trailer blocks), the cover, the 《事业单位法人证书》登载事项 row, how net assets are stated
(`forms.net_block`). `table_rows` turns that into table rows, which the table layouts (txt pipe, the
published one-cell-per-line txt, Markdown, HTML, PDF and DOCX tables) print; the line layouts
(`label：value`, label line then value line, Word and PDF paragraphs) print the pairs. Wrapping in txt
happens after clause punctuation so that an anchor is never split. The renderers add to `Doc.seen` the
phenomena that only they decide (an inline certificate row, trailing empty cells, a grid printed as rows).
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
from collections.abc import Callable
from dataclasses import dataclass, field

from transforms.generate import forms
from transforms.generate.forms import LabelStyle, NetBlock
from transforms.generate.report import Report

CONTAINERS = ("开展业务情况", "开展业务活动情况")
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
TXT_STYLES = ("pipe", "colon", "nextline", "real", "markdown")
TXT_STYLE_WEIGHTS = (4, 3, 2, 2, 1)
# Empty cells a published row may end with ("value | |||"), after the row's own closing bar.
_TRAILING = ("", " |", " ||", " |||")
_WRAP_AT = re.compile(r"(?<=[。；;])")
_BAR = re.compile(r" ?\| ?")
# Share of reports whose 住所 row lost its label cell in publishing (the value stands alone).
LOST_LABEL_SHARE = 0.04


@dataclass
class Pair:
    label: str
    value: str
    long: bool = False


@dataclass
class Doc:
    """A report laid out as blocks of label/value pairs, before it becomes bytes."""

    title: str | None
    cover: list[tuple[str, bool]]  # (line, is a form cell) printed before the form; empty when none
    form_start: str | None  # the 《事业单位法人证书》登载事项 row heading the certificate's items
    head: list[Pair | NetBlock]  # shuffled identity/finance fields; a net-assets grid among them
    sentence: str | None  # figures stated in prose outside the form
    container: str | None  # a bare 开展业务情况 row before the sections
    sections: list[Pair]
    tail: list[Pair]
    date_line: str | None
    seen: set[str] = field(default_factory=set)  # phenomena used (forms.PHENOMENA)


@dataclass
class Row:
    """One table row: `kind` says how its cells span a 4-column grid (see `grid4`)."""

    kind: str  # pairs | long | heading | lead | grid | note | orphan (a value whose label cell is empty)
    cells: list[str]


# -- values ------------------------------------------------------------------------------------------------
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


def _money_label(rng: random.Random, style: LabelStyle, label: str, value: float, seen: set[str]) -> Pair:
    """A money pair whose label declares 万元 or 元, or leaves the unit to the value."""
    roll = rng.random()
    unit = "万元" if roll < 0.6 else "元" if roll < 0.7 else None
    suffix = {"万元": forms.unit_label(rng), "元": rng.choice(("(元)", "（元）")), None: ""}[unit]
    return Pair(style(label, suffix), forms.money(rng, value, unit, seen))


def pick_txt_style(rng: random.Random) -> str:
    return rng.choices(TXT_STYLES, weights=TXT_STYLE_WEIGHTS)[0]


def layout(report: Report, rng: random.Random, *, published: bool = False) -> Doc:
    """Choose labels, order and value formats; the same `Doc` feeds every format.

    `published` draws the phenomena of forms as the registration sites publish them (cover, certificate
    row, spaced labels, header/value rows) far more often: it goes with the one-cell-per-line layout.
    """
    seen: set[str] = set()
    style = LabelStyle(rng, seen, published=published)
    year = report.year if report.year_printed else None
    if report.year is not None and year is None:
        seen.add("year_only_in_file_name")
    cover: list[tuple[str, bool]] = []
    if rng.random() < (0.85 if published else 0.15):
        cover = forms.cover(style, report.uscc, year, report.name, rng)
        seen.add("cover")
    uscc_in_head = report.uscc is not None and not (cover and rng.random() < 0.7)
    if report.uscc is not None and not uscc_in_head:
        seen.add("uscc_on_cover_only")
    net = forms.net_block(
        rng, style, report.begin, report.end, report.headcount, year, seen, published=published
    )
    address = Pair(style("住所"), report.address)
    head: list[Pair | NetBlock] = [
        Pair(style("单位名称"), report.name),
        Pair(style("法定代表人"), report.legal_representative),
        address,
        Pair(style("经费来源"), report.funding_source),
        Pair(style("举办单位"), report.sponsor),
        Pair(style("宗旨和业务范围"), report.purpose_scope, long=True),
    ]
    if "(" in report.funding_source:
        seen.add("nested_funding")
    if uscc_in_head:
        head.append(Pair(style("统一社会信用代码"), report.uscc))
    head.append(_money_label(rng, style, "开办资金", report.startup_capital, seen))
    if report.headcount is not None and not (net and net.states_headcount):
        head.append(Pair(style("从业人数"), f"{report.headcount}" + ("人" if rng.random() < 0.4 else "")))
    if report.website_name:
        head.append(Pair(style("网上名称"), report.website_name))
    rng.shuffle(head)
    if net is None:
        unit = forms.unit_label(rng) if rng.random() < 0.8 else ""
        end_label = rng.choice(("期末数", "年末数"))
        pairs = [
            Pair(style("年初数", unit), forms.money(rng, report.begin, "万元" if unit else None, seen)),
            Pair(style(end_label, unit), forms.money(rng, report.end, "万元" if unit else None, seen)),
        ]
        at = rng.randrange(len(head) + 1)
        head[at:at] = pairs
    elif net.sentence is None:
        head.insert(rng.randint(1, len(head)), net)
    if rng.random() < LOST_LABEL_SHARE:
        _lose_label(head, address)
        seen.add("address_label_lost")
    labelled = [p for p in head if isinstance(p, Pair) and p.label]
    for pair, label in zip(labelled, style.number([p.label for p in labelled]), strict=True):
        pair.label = label
    sections = []
    section_numbers = rng.random() < 0.7
    for name, text in report.narrative.sections.items():
        label = (SECTION_NUMBERS.get(name, "") if section_numbers else "") + style(name)
        sections.append(Pair(label, text, long=True))
    tail = [
        Pair(style(rng.choice(CHANGE_LABELS)), _changes_text(report, rng), long=True),
        Pair(style(rng.choice(QUAL_LABELS)), report.qualifications),
        Pair(style(rng.choice(AWARD_LABELS)), report.awards_litigation),
        Pair(style(rng.choice(DONATION_LABELS)), report.donations),
    ]
    if rng.random() < 0.3:
        rng.shuffle(tail)
    for pair, label in zip(tail, style.number([p.label for p in tail]), strict=True):
        pair.label = label
    title = None
    if year is not None:
        roll = rng.random()
        if roll < 0.45:
            title = f"事业单位法人年度报告书（{year}年度）"
        elif roll < 0.75:
            title = f"{report.name}{year}年度报告书"
        elif roll < 0.9:
            title = f"{year}年度事业单位法人年度报告书"
    elif rng.random() < 0.5:
        title = "事业单位法人年度报告书"
    if cover:
        title = None  # the cover carries the title and the year
    date_line = None
    if report.report_date is not None:
        date_line = f"{rng.choice(DATE_LABELS)}：{_date(report.report_date, rng)}"
    form_start = None
    if cover or rng.random() < (0.9 if published else 0.1):
        form_start = style(forms.FORM_START)
    container = None
    if len(sections) > 1 or rng.random() < 0.3:
        container = style(rng.choice(CONTAINERS))
    sentence = net.sentence if net is not None else None
    return Doc(title, cover, form_start, head, sentence, container, sections, tail, date_line, seen)


def _lose_label(head: list[Pair | NetBlock], pair: Pair) -> None:
    """Print `pair` without its label, as a row that lost its label cell in publishing. It is moved after
    another field's value when needed: a value right after a bare label or the form's first row would be
    that label's, in print as for any reader."""
    pair.label = ""
    at = head.index(pair)
    if at == 0 or not isinstance(head[at - 1], Pair):
        head.remove(pair)
        after = next(i for i, item in enumerate(head) if isinstance(item, Pair))
        head.insert(after + 1, pair)


def table_rows(doc: Doc, rng: random.Random, pairs_per_row: Callable[[], int]) -> list[Row]:
    """The form as table rows: short pairs `pairs_per_row()` to a row, long values alone, the net-assets
    grid as its own rows, the sentence as a row of its own, then the narrative and the trailer."""
    rows: list[Row] = []
    head = list(doc.head)
    if doc.form_start:
        if head and isinstance(head[0], Pair) and rng.random() < 0.4:
            first = head.pop(0)
            rows.append(Row("lead", [doc.form_start, first.label, first.value]))
            doc.seen.add("form_start_inline")
        else:
            rows.append(Row("heading", [doc.form_start]))
            doc.seen.add("form_start_row")
    pending: list[str] = []
    limit = pairs_per_row()

    def flush() -> None:
        nonlocal limit
        if pending:
            rows.append(Row("pairs" if len(pending) > 2 else "long", list(pending)))
            pending.clear()
        limit = pairs_per_row()

    for item in head:
        if isinstance(item, NetBlock):
            flush()
            rows += [Row("grid", list(cells)) for cells in item.grid]
            doc.seen.add(item.kind)
        elif not item.label:
            flush()
            rows.append(Row("orphan", [item.value]))
        elif item.long:
            flush()
            rows.append(Row("long", [item.label, item.value]))
        else:
            pending += (item.label, item.value)
            if len(pending) >= 2 * limit:
                flush()
    flush()
    if doc.sentence:
        rows.append(Row("note", [doc.sentence]))
    if doc.container:
        rows.append(Row("heading", [doc.container]))
    rows += [Row("long", [p.label, p.value]) for p in (*doc.sections, *doc.tail)]
    return rows


def line_pairs(doc: Doc) -> list[Pair]:
    """The form's fields as pairs, for layouts without table rows (a net-assets grid as its pairs)."""
    out: list[Pair] = []
    for item in doc.head:
        if isinstance(item, NetBlock):
            out += [Pair(label, value) for label, value in item.fallback]
        else:
            out.append(item)
    return out


def grid4(row: Row) -> tuple[list[str], int | None]:
    """A row in a 4-column table: its four cell texts and the column from which the rest is one merged
    cell (None: no merge)."""
    cells = row.cells
    if row.kind in ("heading", "note"):
        return [cells[0], "", "", ""], 0
    if row.kind == "orphan":
        return ["", cells[0], "", ""], 1
    if row.kind == "lead":
        return [*cells, ""], 2
    if row.kind == "long":
        return [cells[0], cells[1], "", ""], 1
    cells = cells[-4:]  # a grid row wider than the table (the one-row group) keeps its figures
    return cells + [""] * (4 - len(cells)), None


# -- text ----------------------------------------------------------------------------------------------------
def _wrap(text: str, width: int) -> list[str]:
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


class _TextOptions:
    """Per-report choices of a text rendering: wrapping and the empty cells rows end with."""

    def __init__(self, rng: random.Random, doc: Doc, trailing_share: float) -> None:
        self.rng = rng
        self.doc = doc
        self.wrap = rng.random() < 0.5
        self.width = rng.randint(40, 90)
        self.trailing = rng.random() < trailing_share

    def body(self, row: Row, sep: str = "\n") -> list[str]:
        if self.wrap and row.kind == "long":
            return [row.cells[0], sep.join(_wrap(row.cells[1], self.width))]
        return row.cells

    def trail(self) -> str:
        if not self.trailing:
            return ""
        end = self.rng.choice(_TRAILING)
        if end:
            self.doc.seen.add("trailing_empty_cells")
        return end


def render_txt(doc: Doc, rng: random.Random, style: str) -> str:
    out: list[str] = []
    if doc.title:
        out.append(doc.title)
    boxed = style in ("pipe", "real")
    out += [f"{line} |" if boxed and cell else line for line, cell in doc.cover]
    if style in ("colon", "nextline"):
        return _render_lines(doc, rng, style, out)
    if style == "markdown":
        return _render_markdown(doc, rng, out)
    if style == "real":
        doc.seen.add("one_cell_per_line")
        opts = _TextOptions(rng, doc, 1.0)
        opts.wrap = False  # the published page keeps a value on one line however long
        for row in table_rows(doc, rng, lambda: 1):
            for k, cell in enumerate(row.cells):
                out.append(f"{cell} |" + (opts.trail() if k == len(row.cells) - 1 and k else ""))
    else:
        opts = _TextOptions(rng, doc, 0.3)
        for row in table_rows(doc, rng, lambda: rng.randint(1, 3)):
            if row.kind == "note" and rng.random() < 0.5:
                out.append(row.cells[0])  # a sentence typed between the rows, outside any cell
            else:
                out.append(" | ".join(opts.body(row)) + " |" + opts.trail())
        if rng.random() < 0.15:  # a table typed with full-width bars (GB18030 text from a Chinese editor)
            out = [_BAR.sub("｜", line) for line in out]
            doc.seen.add("full_width_bars")
    if doc.date_line:
        out.append(doc.date_line)
    return "\n".join(out) + "\n"


def _render_markdown(doc: Doc, rng: random.Random, out: list[str]) -> str:
    doc.seen.add("markdown_table")
    if out and out[0] == doc.title:
        out[0] = f"# {doc.title}"
    if doc.sentence:  # a paragraph above the table
        out += ["", doc.sentence]
    out.append("")
    if rng.random() < 0.7:
        out += ["| 项目 | 内容 |", "| --- | --- |"]
    opts = _TextOptions(rng, doc, 0.0)
    for row in table_rows(doc, rng, lambda: 1):
        if row.kind == "note":
            continue
        cells = ["", *row.cells] if row.kind == "orphan" else opts.body(row, "<br>")
        out.append("| " + " | ".join(cells) + (" |" if len(cells) > 1 else " | |"))
    if doc.date_line:
        out += ["", doc.date_line]
    return "\n".join(out) + "\n"


def _render_lines(doc: Doc, rng: random.Random, style: str, out: list[str]) -> str:
    """`label：value` lines (sometimes two pairs on a line), or a label line then its value line(s)."""
    colon = rng.choice(("：", ":"))
    wrap = rng.random() < 0.5
    width = rng.randint(40, 90)

    def kv(pair: Pair) -> list[str]:
        lines = _wrap(pair.value, width) if wrap and pair.long else [pair.value]
        if not pair.label:
            return lines
        if style == "colon":
            return [f"{pair.label}{colon}{lines[0]}", *lines[1:]]
        return [pair.label, *lines]

    if doc.form_start:
        out.append(doc.form_start)
        doc.seen.add("form_start_row")
    if style == "colon":
        pairs = line_pairs(doc)
        i = 0
        while i < len(pairs):
            pair = pairs[i]
            nxt = pairs[i + 1] if i + 1 < len(pairs) else None
            if nxt and pair.label and nxt.label and not pair.long and not nxt.long and rng.random() < 0.25:
                out.append(f"{pair.label}{colon}{pair.value}    {nxt.label}{colon}{nxt.value}")
                i += 2
                continue
            out.extend(kv(pair))
            i += 1
    else:  # a net-assets grid as one cell a line: a run of labels, then their values in order
        for item in doc.head:
            if isinstance(item, NetBlock):
                out += [cell for cells in item.grid for cell in cells]
                doc.seen.add(item.kind)
            else:
                out.extend(kv(item))
    if doc.sentence:
        out += ["", doc.sentence, ""]
    if doc.container:
        out.append(doc.container + (colon if style == "colon" else ""))
    for pair in (*doc.sections, *doc.tail):
        out.extend(kv(pair))
    if doc.date_line:
        out.append(doc.date_line)
    return "\n".join(out) + "\n"


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


def _html_row(row: Row, rng: random.Random) -> str:
    c = row.cells
    if row.kind == "pairs":
        cells = "".join(_cell(c[i], rng, label=True) + _cell(c[i + 1], rng) for i in range(0, len(c), 2))
    elif row.kind == "long":
        cells = _cell(c[0], rng, label=True) + _cell(c[1], rng, colspan=3)
    elif row.kind == "heading":
        cells = f'<td colspan="4" class="label"><b>{html.escape(c[0], quote=False)}</b></td>'
    elif row.kind == "lead":
        cells = _cell(c[0], rng, label=True) + _cell(c[1], rng, label=True) + _cell(c[2], rng, colspan=2)
    elif row.kind == "note":
        cells = _cell(c[0], rng, colspan=4)
    elif row.kind == "orphan":
        cells = "<td></td>" + _cell(c[0], rng, colspan=3)
    else:
        cells = "".join(f"<td>{html.escape(text, quote=False)}</td>" for text in c)
    return f"<tr>{cells}</tr>"


def render_html(doc: Doc, rng: random.Random, charset: str) -> str:
    rows = [_html_row(row, rng) for row in table_rows(doc, rng, lambda: 2)]
    title = html.escape(doc.title) if doc.title else "年度报告"
    sep = "\n" if rng.random() < 0.7 else ""
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="zh-CN"><head><meta charset="{charset}"><title>{title}</title>',
        "<style>table{border-collapse:collapse}td{border:1px solid #333;padding:4px}</style></head><body>",
    ]
    if doc.title:
        parts.append(f'<h2 style="text-align:center">{title}</h2>')
    parts += [f"<p>{html.escape(line, quote=False)}</p>" for line, _ in doc.cover]
    parts.append('<table class="report" width="100%">')
    parts.append(sep.join(rows))
    parts.append("</table>")
    if doc.date_line:
        parts.append(f'<p class="date">{html.escape(doc.date_line)}</p>')
    parts.append("</body></html>")
    return sep.join(parts) + "\n"


def _front(doc: Doc) -> list[str]:
    """Title and cover lines: the paragraphs above the form."""
    return [*([doc.title] if doc.title else []), *(line for line, _ in doc.cover)]


def _paragraph_lines(doc: Doc, split_labels: bool = False) -> list[tuple[str, bool]]:
    """The report as paragraphs (text, is a label): `label：value`, or with `split_labels` each label a
    paragraph of its own before its value's. A paragraph right after a field's would read as that field's
    value continuing, so a sentence of figures stands above the form, after the title and cover."""
    out = [(text, False) for text in _front(doc) + ([doc.sentence] if doc.sentence else [])]
    if doc.form_start:
        out.append((doc.form_start, split_labels))
        doc.seen.add("form_start_row")

    def pairs(items: list[Pair]) -> None:
        for p in items:
            if split_labels and p.label:
                out.extend(((p.label, True), (p.value, False)))
            else:
                out.append((f"{p.label}：{p.value}" if p.label else p.value, False))

    pairs(line_pairs(doc))
    if doc.container:
        out.append((doc.container, split_labels))
    pairs([*doc.sections, *doc.tail])
    return out


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
        story += [para(line, "line") for line, _ in doc.cover]
        data, spans = [], []
        if rng.random() < 0.3:  # a column header row, repeated on every page the table runs onto
            data.append([para(text) for text in ("项目", "内容", "项目", "内容")])
            doc.seen.add("repeated_table_header")
        for r, row in enumerate(table_rows(doc, rng, lambda: 2), start=len(data)):
            cells, merge_from = grid4(row)
            data.append([para(text) if text else "" for text in cells])
            if merge_from is not None:
                spans.append(("SPAN", (merge_from, r), (3, r)))
        table = Table(
            data, colWidths=[0.18 * width, 0.32 * width, 0.18 * width, 0.32 * width],
            repeatRows=1 if "repeated_table_header" in doc.seen else 0,
        )  # fmt: skip
        table.setStyle(
            TableStyle(
                [("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "TOP"), *spans]
            )
        )
        story.append(table)
        layout_name = "pdf-table"
    else:
        lines = _paragraph_lines(doc)[1 if doc.title else 0 :]
        story += [para(text, "line") for text, _ in lines]
        layout_name = "pdf-lines"
    if doc.date_line:
        story += [Spacer(1, 4 * mm), para(doc.date_line, "line")]
    buf = io.BytesIO()
    SimpleDocTemplate(
        buf, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=18 * mm, bottomMargin=18 * mm,
        title="", author="", subject="", creator="nianbao", producer="nianbao", invariant=1,
    ).build(story)  # fmt: skip
    return buf.getvalue(), layout_name


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
    if rng.random() < 0.75:
        for text in _front(doc):
            document.add_paragraph(text)
        rows = table_rows(doc, rng, lambda: 2)
        merge = rng.random() < 0.5
        table = document.add_table(rows=len(rows), cols=4)
        table.style = "Table Grid"
        for r, row in enumerate(rows):
            texts, merge_from = grid4(row)
            cells = table.rows[r].cells
            if merge and merge_from is not None:
                _span(cells, merge_from)
                texts, cells = texts[: merge_from + 1], cells[: merge_from + 1]
            for cell, text in zip(cells, texts, strict=True):
                if text:
                    cell.text = text
        layout_name = "docx-table"
    else:
        split_labels = rng.random() < 0.4  # labels as bold paragraphs of their own
        if split_labels:
            doc.seen.add("bold_label_paragraphs")
        for text, is_label in _paragraph_lines(doc, split_labels):
            paragraph = document.add_paragraph()
            paragraph.add_run(text).bold = is_label or None
        layout_name = "docx-paragraphs"
    if doc.date_line:
        document.add_paragraph(doc.date_line)
    buf = io.BytesIO()
    document.save(buf)
    return _deterministic_zip(buf.getvalue()), layout_name
