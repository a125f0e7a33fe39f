"""Label recognition and label → value assignment across the layouts reports use."""

from __future__ import annotations

import pytest

from transforms.labels import Label, find_labels, label_table, match_label
from transforms.layout import parse_layout


def fields_of(text: str) -> dict[str, list[str]]:
    return {f.label.field: f.values for f in parse_layout(text).fields}


@pytest.mark.parametrize(
    ("cell", "field", "unit"),
    [
        ("年初数（万元）：", "net_assets_begin", "万元"),
        ("年末数(万元)", "net_assets_end", "万元"),
        ("期末数", "net_assets_end", None),
        ("开办资金（元）", "startup_capital", "元"),
        ("住　　所", "address", None),
        ("一、基本情况", "section:基本情况", None),
        ("(四)下一步打算", "section:下一步打算", None),
        ("对《条例》和实施细则有关变更登记规定的执行情况", "registration_changes", None),
        ("《条例》、《细则》、《规定》有关变更登记规定执行情况", "registration_changes", None),
        ("相关资质认可（或执业许可证明文件及有效期）", "qualifications", None),
        ("受奖惩评估及诉讼投诉情况", "awards_litigation", None),
        ("接受捐赠(资助)以及使用情况", "donations", None),
        ("接受捐赠资助及其使用情况", "donations", None),
        ("净资产合计（所有者权益合计）", "group", None),
        ("开展业务活动情况及取得的社会效益", "section:开展业务活动情况及取得的社会效益", None),
    ],
)
def test_label_variants(cell: str, field: str, unit: str | None) -> None:
    assert match_label(cell) == Label(field, unit)


@pytest.mark.parametrize("cell", ["某某市人民医院", "2.17", "无。", "财政全额补助", ""])
def test_values_are_not_labels(cell: str) -> None:
    assert match_label(cell) is None


def test_every_label_has_a_cjk_character() -> None:
    """`match_label` rejects ASCII-only cells (numbers, codes, dates) without normalising them: that is
    right only while no label variant in labels.yaml is ASCII-only."""
    assert all(any(not char.isascii() for char in key) for key in label_table())


def test_pipe_layout_several_pairs_per_line_and_wrapped_values() -> None:
    text = (
        "单位名称 | 甲市图书馆 | 法定代表人 | 李四 |\n"
        "宗旨和业务范围 | 为读者提供\n借阅服务。 |\n"
        "年初数(万元) | 3.5 | 期末数(万元) | -1.2 |"
    )
    got = fields_of(text)
    assert got["name"] == ["甲市图书馆"]
    assert got["legal_representative"] == ["李四"]
    assert [f.text for f in parse_layout(text).fields if f.label.field == "purpose_scope"] == [
        "为读者提供借阅服务。"
    ]
    assert got["net_assets_end"] == ["-1.2"]


def test_colon_layout_with_two_pairs_on_a_line() -> None:
    got = fields_of("单位名称：甲市博物馆\n开办资金：10万元    经费来源：财政差额补助\n住  所：甲市中山路1号")
    assert got == {
        "name": ["甲市博物馆"],
        "startup_capital": ["10万元"],
        "funding_source": ["财政差额补助"],
        "address": ["甲市中山路1号"],
    }


def test_label_on_one_line_value_on_the_next() -> None:
    got = fields_of("单位名称\n甲市文化馆\n宗旨和业务范围\n开展群众文化活动，\n组织文艺培训。\n从业人数\n12")
    assert got["name"] == ["甲市文化馆"]
    assert got["purpose_scope"] == ["开展群众文化活动，", "组织文艺培训。"]
    assert got["headcount"] == ["12"]


def test_header_row_then_value_row_assigns_values_in_order() -> None:
    text = (
        "资产损益情况 | 净资产合计（所有者权益合计） | 年初数 | 期末数 |\n"
        "| 50.00 | 60.00 |\n"
        "网上名称 | 甲市医院.公益 |"
    )
    got = fields_of(text)
    assert got["net_assets_begin"] == ["50.00"]
    assert got["net_assets_end"] == ["60.00"]
    assert got["website_name"] == ["甲市医院.公益"]


def test_prose_that_starts_with_a_label_word_is_not_split() -> None:
    assert find_labels("基本情况良好，全年运行平稳。") == []
    assert fields_of("开展业务情况 |\n一、基本情况 | 住所未变更，名称未变更。 |")["section:基本情况"] == [
        "住所未变更，名称未变更。"
    ]


def test_chronicle_dates_on_their_own_line_keep_their_line_break() -> None:
    raw = parse_layout(
        "开展业务活动情况及取得的社会效益：\n3月12日\n接待某国代表团来访。\n全年开展活动\n共计8场。"
    )
    [block] = [f for f in raw.fields if f.label.field.startswith("section:")]
    assert block.paragraphs == "3月12日\n接待某国代表团来访。\n全年开展活动共计8场。"


def test_tab_separated_table_copied_from_a_web_page() -> None:
    text = (
        "单位名称\t甲市第一医院\n"
        "资产损益情况\t净资产合计（所有者权益合计）\t年初数\t年末数\n"
        "\t85,321.56\t90,102.33\n"
    )
    got = fields_of(text)
    assert got["name"] == ["甲市第一医院"]
    assert (got["net_assets_begin"], got["net_assets_end"]) == (["85,321.56"], ["90,102.33"])


def test_space_separated_pairs_as_text_copied_from_a_pdf() -> None:
    text = (
        "举办单位 甲县文化局\n"
        "资产损益情况 净资产合计（所有者权益合计） 年初数 312.45 年末数 298.10\n"
        "网上名称 甲县图书馆.公益 从业人数 18\n"
        "对《条例》和实施细则有关变更登记规定的执行情况 本年度无变更。\n"
    )
    got = fields_of(text)
    assert got["sponsor"] == ["甲县文化局"]
    assert (got["net_assets_begin"], got["net_assets_end"]) == (["312.45"], ["298.10"])
    assert got["headcount"] == ["18"]
    assert got["registration_changes"] == ["本年度无变更。"]


def test_text_under_the_container_label_is_the_narrative_not_the_previous_field() -> None:
    got = fields_of("举办单位 | 甲市卫健委 |\n开展业务情况 | 全年接待患者10万人次。 |\n")
    assert got["sponsor"] == ["甲市卫健委"]
    assert got["container"] == ["全年接待患者10万人次。"]


def test_pairs_separated_by_clause_punctuation() -> None:
    assert fields_of("年初数：2.17万元；年末数：1.35万元") == {
        "net_assets_begin": ["2.17万元"],
        "net_assets_end": ["1.35万元"],
    }
    assert fields_of("单位名称：甲医院，法定代表人：张三")["name"] == ["甲医院"]
    # without a colon after it, a label word after a comma is prose
    assert fields_of("基本情况：全年工作正常，住所未变，名称未变。") == {
        "section:基本情况": ["全年工作正常，住所未变，名称未变。"]
    }


def test_labels_with_brackets_quotes_and_numbering_inside_a_line() -> None:
    """Brackets, quotes and 、 between or around a label's characters do not hide it, and a control
    character does not pass for the 、 of a numbering."""
    line = "一、对《条例》和实施细则有关变更登记规定的执行情况：无 年初数（万元）：2.17"
    assert [(start, label) for start, _, label in find_labels(line)] == [
        (0, Label("registration_changes")),
        (28, Label("net_assets_begin", "万元")),
    ]
    assert find_labels("一、单位名称：甲医院")[0][2] == Label("name")
    assert find_labels("一\x01单位名称：甲医院") == []
