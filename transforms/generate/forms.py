"""How published forms spell what a report states (issue 11): labels, money, the cover, the net-assets block.

Real 事业单位法人年度报告书 as the registration sites publish them (../shared/devset/reports/d001.txt) space
their labels out or break them with spaces (单 位 名 称, 对《条 例》和 实施细 则…), print a cover before the
form (the USCC alone, the title, ( 2023 年度), an empty 法定代表人 line, 国家事业单位登记管理局制), head the
certificate's items with a 《事业单位法人证书》登载事项 row, give net assets as a header row then a value row
(or with a unit cell first, or in a sentence), and write money as 188(万元), 人民币伍拾万元整, ￥55万元 or
85,321.56. Reports copied through Hong Kong, Macao or Taiwan pages keep the labels in traditional
characters; typed ones number their labels (1. 单位名称：).

Every helper only changes how a value is written, never the value: the gold stays exactly true. Each one
records the phenomena it used in a set, which the gold lists under `generator.phenomena` so that a test can
check that every phenomenon occurs and round-trips (see PHENOMENA and docs/generator.md).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from transforms.generate.narrative import cn_number

# Every phenomenon name a gold's `generator.phenomena` may list, with what it means.
PHENOMENA = {
    "spaced_labels": "labels spaced out or broken by spaces (单 位 名 称, 宗旨和 业务范围)",
    "traditional_labels": "labels in traditional characters (單位名稱, 開辦資金（萬元）)",
    "numbered_labels": "labels numbered 1. / 2、 / 3． in front",
    "cover": "a cover before the form: USCC alone, title, ( 2020 年度), name, empty 法定代表人, …局制",
    "uscc_on_cover_only": "the USCC is stated on the cover only, not among the certificate's items",
    "form_start_row": "a 《事业单位法人证书》登载事项 row alone before the certificate's items",
    "form_start_inline": "the 《事业单位法人证书》登载事项 row continues with the first label and value",
    "net_assets_group_row": "资产损益情况 | 净资产合计（所有者权益合计） | 年初数 | v | 期末数 | v (one row)",
    "net_assets_header_rows": "net assets as header row(s) then a value row",
    "unit_cell": "a unit cell before the values (万元 | 3.42 | 4.08)",
    "net_assets_sentence": "net assets stated in a sentence outside the form",
    "headcount_sentence": "the headcount stated in that sentence",
    "trailing_empty_cells": "rows ending in empty cells (| |||)",
    "money_bracket_unit": "money written 5102(万元)",
    "money_capital_numerals": "money written 人民币伍拾万元整",
    "money_currency_sign": "money written ￥55万元",
    "money_thousands": "money written with thousands separators (85,321.56)",
    "money_yuan_label": "a money label declaring 元, the value in 元",
    "nested_funding": "经费来源 written 财政补助(财政补助(差额))",
    "one_cell_per_line": "the published layout: one table cell per line (txt-real)",
    "markdown_table": "a Markdown table (txt-markdown)",
    "full_width_bars": "table cells separated by full-width bars (单位名称｜X｜)",
    "bold_label_paragraphs": "Word paragraphs, each label a bold paragraph of its own before its value",
    "repeated_table_header": "a PDF table with a 项目 | 内容 header row repeated on every page",
    "address_label_lost": "the 住所 row printed without its label (the value alone)",
    "year_only_in_file_name": "no year anywhere in the text; the file name has it",
}

FORM_START = "《事业单位法人证书》登载事项"
COVER_TITLE = "事业单位法人年度报告书"
COVER_FOOTER = "国家事业单位登记管理局制"
GROUP_LABEL = "资产损益情况"
NET_TOTAL_LABELS = ("净资产合计(所有者权益合计)", "净资产合计（所有者权益合计）", "净资产合计")
_UNITS = ("(万元)", "（万元）")
_WIDE_GAPS = (" ", " ", "  ", "\u3000")
_TWO_CHARACTER_GAPS = (" ", "  ", "\u3000\u3000")


# Traditional forms of the characters of the labels and units the generator prints, as OpenCC's s2t (and
# s2tw: the same for these) converts them. A table rather than OpenCC itself: loading the converter costs
# 40 MB and half a second for the few dozen labels it would ever convert; tests/test_generate.py checks
# that every label converted while generating a corpus reads exactly as OpenCC's conversion.
_TRADITIONAL = str.maketrans(
    "万业举书产从会关况净则办务动单变围奖实对开惩执损数权条来码称细经统绩网范规计认记许讼证评诉质费资赠载问项题",
    "萬業舉書產從會關況淨則辦務動單變圍獎實對開懲執損數權條來碼稱細經統績網範規計認記許訟證評訴質費資贈載問項題",
)


def traditional(text: str) -> str:
    return text.translate(_TRADITIONAL)


def space_out(label: str, rng: random.Random) -> str:
    """A label as published with spaces inside it: every character apart (住 所, 单 位 名 称; short labels)
    or broken every few characters wherever the line fell (宗旨和 业务范围, 对《条 例》和 实施细 则有关…).

    Draws with `rng.random()` only: labels are spaced by the million in a large corpus.
    """
    roll = rng.random()
    if len(label) <= 6 and roll < 0.6:
        gaps = _WIDE_GAPS if len(label) > 2 else _TWO_CHARACTER_GAPS
        return gaps[int(roll / 0.6 * len(gaps))].join(label)
    pieces, start = [], 0
    while start < len(label):
        end = start + 2 + int(rng.random() * 3)  # 2 to 4 characters a piece
        pieces.append(label[start:end])
        start = end
    return " ".join(pieces) if len(pieces) > 1 else label[0] + " " + label[1:]


class LabelStyle:
    """How one report writes its labels; `__call__` spells one label, recording what it did in `seen`."""

    def __init__(self, rng: random.Random, seen: set[str], *, published: bool) -> None:
        self.rng = rng
        self.seen = seen
        self.traditional = not published and rng.random() < 0.05
        self.spaced = rng.random() < (0.8 if published else 0.2)
        self.spaced_share = 0.7 if published else 0.5
        self.numbered = not published and rng.random() < 0.12
        self.numbering = rng.choice(("{n}. ", "{n}.", "{n}、", "{n}．"))
        self.numbered_so_far = 0

    def __call__(self, label: str, unit: str = "") -> str:
        text = label
        if self.traditional:
            text, unit = traditional(text), traditional(unit)
            self.seen.add("traditional_labels")
        if self.spaced and len(text) > 1 and self.rng.random() < self.spaced_share:
            text = space_out(text, self.rng)
            self.seen.add("spaced_labels")
        return text + unit

    def number(self, labels: list[str]) -> list[str]:
        """The labels with 1., 2., … in front (counting on from the last call), when this report numbers
        them."""
        if not self.numbered or not labels:
            return labels
        self.seen.add("numbered_labels")
        first = self.numbered_so_far + 1
        self.numbered_so_far += len(labels)
        return [self.numbering.format(n=n) + label for n, label in enumerate(labels, start=first)]


def unit_label(rng: random.Random) -> str:
    return rng.choice(_UNITS)


_UPPER_DIGITS = "零壹贰叁肆伍陆柒捌玖"


def _upper_group(n: int) -> str:
    """1-9999 in 大写 digits, a 零 where zeros sit between digits (1050 → 壹仟零伍拾)."""
    out, zero = "", False
    for unit, digit in zip(("仟", "佰", "拾", ""), f"{n:04d}", strict=True):
        if digit == "0":
            zero = bool(out)
            continue
        out += ("零" if zero else "") + _UPPER_DIGITS[int(digit)] + unit
        zero = False
    return out


def capital_numerals(yuan: int) -> str:
    """人民币…元整 for a positive amount in 元 below 10¹² (188万元 → 人民币壹佰捌拾捌万元整), as contracts and
    registration certificates write money: 万 and 亿 groups, one 零 for any run of zeros between digits."""
    out, gap = "", False
    for value, unit in ((yuan // 10**8, "亿"), (yuan // 10**4 % 10**4, "万"), (yuan % 10**4, "")):
        if value == 0:
            gap = bool(out)
            continue
        out += ("零" if out and (gap or value < 1000) else "") + _upper_group(value) + unit
        gap = False
    return f"人民币{out}元整"


def money(rng: random.Random, value: float, label_unit: str | None, seen: set[str]) -> str:
    """A 万元 amount written for a label that declares `label_unit` (万元, 元, or None: the value says it)."""
    yuan = round(value * 10000)
    integral = value == int(value)
    if label_unit == "万元":
        if abs(value) >= 1000 and rng.random() < 0.3:
            seen.add("money_thousands")
            return f"{value:,.2f}"
        return f"{value:.2f}" if rng.random() < 0.8 or not integral else f"{int(value)}"
    if label_unit == "元":
        seen.add("money_yuan_label")
        if abs(yuan) >= 1000 and rng.random() < 0.7:
            seen.add("money_thousands")
            return f"{yuan:,.2f}" if rng.random() < 0.6 else f"{yuan:,}"
        return f"{yuan}"
    roll = rng.random()
    written = f"{int(value)}" if integral and rng.random() < 0.5 else f"{value:.2f}"
    if roll < 0.45:
        return f"{value:.2f}万元"
    if roll < 0.55:
        seen.add("money_bracket_unit")
        return f"{written}(万元)"
    if roll < 0.62 and value > 0:
        seen.add("money_currency_sign")
        return f"{rng.choice(('￥', '¥'))}{written}万元"
    if roll < 0.69 and value > 0:
        seen.add("money_capital_numerals")
        return capital_numerals(yuan)
    if roll < 0.76 and abs(yuan) >= 1000:
        seen.add("money_thousands")
        return f"{yuan:,}元"
    if 0 < value < 100 and integral and roll < 0.85:
        return f"{cn_number(int(value))}万元"
    return f"{yuan}元"


def cover(
    style: LabelStyle, uscc: str | None, year: int | None, name: str, rng: random.Random
) -> list[tuple[str, bool]]:
    """The cover printed before the form, as (line, is a form cell) in reading order.

    As published: the USCC under its label, the title, the year in brackets, the name and an empty
    法定代表人 row (cells of the cover's own little table), the issuing authority.
    """
    lines: list[tuple[str, bool]] = []
    if uscc is not None:
        lines += [(style("统一社会信用代码"), False), (uscc, False)]
    lines.append((COVER_TITLE, False))
    if year is not None:
        lines.append((rng.choice((f"( {year} 年度)", f"（{year}年度）", f"({year}年度)")), False))
    lines += [(style("单位名称"), True), (name, True), (style("法定代表人"), True), (COVER_FOOTER, False)]
    return lines


@dataclass
class NetBlock:
    """Net assets (and sometimes the headcount) stated outside the label/value pairs.

    `grid` is the block as table rows; `fallback` the same figures as pairs, for layouts that have no
    table rows (label：value lines, Word or PDF paragraphs); `sentence` when they are stated in prose.
    """

    kind: str  # a PHENOMENA name
    grid: list[list[str]]
    fallback: list[tuple[str, str]]
    sentence: str | None = None
    states_headcount: bool = False


def _number(value: float, unit: str) -> str:
    if unit == "元":
        return f"{round(value * 10000)}"
    return f"{value:.2f}"


def net_block(
    rng: random.Random, style: LabelStyle, begin: float, end: float, headcount: int | None,
    year: int | None, seen: set[str], *, published: bool,
) -> NetBlock | None:  # fmt: skip
    """How this report states its net assets outside plain pairs, or None for plain pairs."""
    kinds = ("pairs", "net_assets_group_row", "net_assets_header_rows", "unit_cell", "net_assets_sentence")
    weights = (15, 0, 70, 15, 0) if published else (50, 12, 18, 10, 10)
    kind = rng.choices(kinds, weights=weights)[0]
    end_word = rng.choice(("期末数", "年末数"))
    if kind == "pairs":
        return None
    if kind == "net_assets_group_row":
        b_unit, e_unit = unit_label(rng), unit_label(rng)
        row = [
            style(GROUP_LABEL),
            style(NET_TOTAL_LABELS[1]),
            style("年初数", b_unit),
            money(rng, begin, "万元", seen),
            style(end_word, e_unit),
            money(rng, end, "万元", seen),
        ]
        return NetBlock(kind, [row], [(row[2], row[3]), (row[4], row[5])])
    if kind == "net_assets_sentence":
        return _sentence(rng, begin, end, headcount, year, seen)
    group = [style(GROUP_LABEL), style(rng.choice(NET_TOTAL_LABELS))]
    grid = [group] if rng.random() < 0.8 else []
    if kind == "net_assets_header_rows":
        unit = unit_label(rng) if rng.random() < 0.85 else ""
        headers = [style("年初数", unit), style(end_word, unit)]
        values = [money(rng, v, "万元", seen) if unit else f"{v:.2f}" for v in (begin, end)]
        return NetBlock(kind, [*grid, headers, values], list(zip(headers, values, strict=True)))
    unit = "元" if rng.random() < 0.25 else "万元"
    headers = [style("年初数"), style(end_word)]
    values = [_number(begin, unit), _number(end, unit)]
    fallback = [(h, v + unit) for h, v in zip(headers, values, strict=True)]
    return NetBlock(kind, [*grid, headers, [unit, *values]], fallback)


def _sentence(
    rng: random.Random, begin: float, end: float, headcount: int | None, year: int | None, seen: set[str]
) -> NetBlock:
    """Net assets (and the headcount) in one sentence, as some reports write the form's figures."""
    seen.add("net_assets_sentence")
    lead = rng.choice(("", "截至年末，", *((f"{year}年末，",) if year else ())))
    b, e = f"{begin:.2f}", f"{end:.2f}"
    sep = rng.choice((" ", ""))
    if rng.random() < 0.6:
        text = (
            f"{lead}本单位净资产合计（所有者权益合计）年初数{sep}{b}{sep}万元，"
            f"{rng.choice(('年末数', '期末数'))}{sep}{e}{sep}万元"
        )
    else:
        text = f"{lead}本单位年初净资产为{b}万元，{rng.choice(('年末净资产', '期末净资产'))}为{e}万元"
    with_headcount = headcount is not None and rng.random() < 0.6
    if with_headcount:
        seen.add("headcount_sentence")
        text += f"；{rng.choice(('从业人员', '从业人数'))}{headcount}{rng.choice(('人', '名'))}"
    return NetBlock("net_assets_sentence", [], [], text + "。", states_headcount=with_headcount)
