"""What real published forms look like (issue 11), one phenomenon a test, through `extract_bytes`.

The texts follow the shape of the registration sites' published pages (the dev set's real report,
../shared/devset/reports/d001.txt): the cover, the certificate block, spaced labels, header/value rows,
unit cells, money in every spelling. Names and numbers are made up.
"""

from __future__ import annotations

import pytest

from transforms.extract import extract_bytes

USCC = "12330500676151570Y"  # a valid check character (the sample report's code)


def extract(text: str, name: str = "report.txt") -> dict:
    return extract_bytes(text.encode("utf-8"), name)


REAL_FORM = f"""统一社会信用代码
{USCC}
事业单位法人年度报告书
( 2023 年度)
单位名称 |
甲市文化馆 |
法定代表人 |
国家事业单位登记管理局制
《事业 单位 法人 证书》 登载 事项 |
单位名称 |
甲市文化馆(甲市美术馆) | ||
宗旨和 业务范围 |
组织群众文化活动,繁荣群众文化事业。 | |||
住 所 |
湖州市吴兴区人民路1号 | |||
法定代表人 |
张三 | |||
开办资金 |
188(万元) | |||
经费来源 |
财政补助(财政补助(差额)) | |||
举办单位 |
甲市文化和旅游局 | |||
资产 损益 情况 |
净资产合计(所有者权益合计) | |||
年初数(万元) |
年末数(万元) | |||
179.68 |
153.62 | |||
从业人数 |
13 | |
开 展 业 务 活 动 情 况 |
一、严格执行章程。 | |||
"""


def test_real_form_cover_certificate_block_and_header_rows() -> None:
    record = extract(REAL_FORM)
    institution, finance = record["institution"], record["finance"]
    assert record["report_year"] == 2023
    assert institution["uscc"] == USCC  # not "…事业单位法人年度报告书(2023年度)"
    assert institution["name"] == "甲市文化馆(甲市美术馆)"  # the certificate's, not the cover's
    assert institution["legal_representative"] == "张三"  # the cover's empty line takes no cover text
    assert institution["address"] == "湖州市吴兴区人民路1号"
    assert institution["admin_code"] == "330500"  # USCC digits 3-8
    assert institution["address_code"] == "330502"
    assert institution["funding_source"] == "财政补助(财政补助(差额))"
    assert finance == {
        "startup_capital_wan": 188.0,
        "net_assets_begin_wan": 179.68,
        "net_assets_end_wan": 153.62,
        "headcount": 13,
    }


def test_certificate_row_continues_with_the_first_label_and_value() -> None:
    text = REAL_FORM.replace(
        "《事业 单位 法人 证书》 登载 事项 |\n单位名称 |\n", "《事业单位法人证书》登载事项 | 单位名称 |\n"
    )
    assert extract(text)["institution"]["name"] == "甲市文化馆(甲市美术馆)"


def test_unit_cell_before_the_values() -> None:
    text = (
        "单位名称 | 乙市博物馆 |\n统一社会信用代码 | "
        + USCC
        + " |\n年初数 | 年末数 |\n万元 | 3.42 | 4.08 |\n"
    )
    finance = extract(text)["finance"]
    assert (finance["net_assets_begin_wan"], finance["net_assets_end_wan"]) == (3.42, 4.08)


def test_unit_cell_in_yuan_converts() -> None:
    text = "单位名称 | 乙市博物馆 |\n年初数 | 年末数 |\n元 | 34200 | 40800 |\n"
    finance = extract(text)["finance"]
    assert (finance["net_assets_begin_wan"], finance["net_assets_end_wan"]) == (3.42, 4.08)


def test_figures_stated_in_a_sentence() -> None:
    text = (
        "单位名称：丙市图书馆\n统一社会信用代码：" + USCC + "\n宗旨和业务范围：提供借阅服务。\n\n"
        "2021年末，本单位净资产合计（所有者权益合计）年初数 52.30 万元，年末数 49.86 万元；从业人员16人。\n\n"
        "一、开展业务活动情况\n全年接待读者10万人次。\n"
    )
    record = extract(text)
    assert record["finance"]["net_assets_begin_wan"] == 52.3
    assert record["finance"]["net_assets_end_wan"] == 49.86
    assert record["finance"]["headcount"] == 16
    assert record["institution"]["purpose_scope"] == "提供借阅服务。"  # the sentence is not the purpose's


@pytest.mark.parametrize(
    ("written", "wan"),
    [("5102(万元)", 5102.0), ("人民币伍拾万元整", 50.0), ("￥55万元", 55.0), ("85,321.56", 85321.56)],
)
def test_money_in_every_spelling(written: str, wan: float) -> None:
    assert extract(f"单位名称：丁市医院\n开办资金：{written}\n")["finance"]["startup_capital_wan"] == wan


def test_value_whose_label_was_lost_stays_out_of_the_neighbouring_field() -> None:
    text = (
        "单位名称 |\n戊市剧院 | |||\n宗旨和业务范围 |\n繁荣舞台艺术。 | |||\n"
        "嘉兴市人民路12号 | |||\n法定代表人 |\n李四 | |||\n"
    )
    record = extract(text)
    assert record["institution"]["purpose_scope"] == "繁荣舞台艺术。"
    assert record["institution"]["address"] == "嘉兴市人民路12号"
    assert any("unlabelled row" in p["message"] for p in record["problems"])


def test_numbered_labels_and_markdown_table() -> None:
    numbered = extract("1. 单位名称：己市中心\n2. 法定代表人：王五\n3. 开办资金：10万元\n")
    assert numbered["institution"]["legal_representative"] == "王五"
    assert numbered["finance"]["startup_capital_wan"] == 10.0
    markdown = extract(
        "| 项目 | 内容 |\n| --- | --- |\n| 单位名称 | 己市中心 |\n| 从业人数 | 7人 |\n", "r.md"
    )
    assert markdown["institution"]["name"] == "己市中心" and markdown["finance"]["headcount"] == 7


def test_traditional_labels_and_full_width_bars() -> None:
    record = extract("單位名稱｜庚市文化中心｜\n法定代表人｜趙六｜\n開辦資金（萬元）｜20.00｜\n")
    assert record["institution"]["name"] == "庚市文化中心"
    assert record["institution"]["legal_representative"] == "趙六"
    assert record["finance"]["startup_capital_wan"] == 20.0


def test_repeated_table_header_on_a_second_page_is_not_content() -> None:
    text = (
        "项目 | 内容 |\n单位名称 | 辛市医院 |\n宗旨和业务范围 | 救死扶伤。 |\n"
        "项目 | 内容 |\n法定代表人 | 孙七 |\n"
    )
    record = extract(text)
    assert record["institution"]["purpose_scope"] == "救死扶伤。"
    assert record["institution"]["legal_representative"] == "孙七"


def test_year_only_in_the_file_name() -> None:
    record = extract("单位名称：壬市馆\n法定代表人：周八\n", "壬市馆2019年度报告.txt")
    assert record["report_year"] == 2019


def test_label_cells_printed_one_fragment_a_line() -> None:
    """A narrow published table: each label comes out in pieces, one a line (宗旨和 / 业务范围)."""
    text = (
        "单位名称\n癸市博物馆\n宗旨和\n业务范围\n陈列展览、文物征集。\n衢州市迎宾东路市民文化中心\n法定代表人\n吴九\n"
        "举办单位\n癸市文化旅游局\n资产\n损益\n情况\n净资产合计(所有者权益合计)\n年初数(万元)\n年末数(万元)\n231\n258\n"
        "从业人数\n20\n对《条\n例》和\n实施细\n则有关\n变更登\n记规定\n的执行\n无。\n"
    )
    record = extract(text)
    institution = record["institution"]
    assert institution["name"] == "癸市博物馆"
    assert institution["purpose_scope"] == "陈列展览、文物征集。"
    assert institution["address"] == "衢州市迎宾东路市民文化中心"  # its 住所 label was lost
    assert institution["sponsor"] == "癸市文化旅游局"
    assert record["finance"]["net_assets_end_wan"] == 258.0 and record["finance"]["headcount"] == 20
    assert record["registration_changes"] == []  # the truncated 对《条例》… label still took its value


def test_a_row_whose_label_is_unknown_stays_out_of_the_field_before() -> None:
    text = "开办资金 | 113万元 | |\n经费的渠道 | 全额拨款 | |\n举办单位 | 某局 | |\n"
    record = extract(text)
    assert record["finance"]["startup_capital_wan"] == 113.0
    assert record["institution"]["sponsor"] == "某局"


def test_no_admin_code_without_a_valid_uscc() -> None:
    record = extract("单位名称：子市博物馆\n住所：兴平市县门街东路29号\n")
    assert record["institution"]["admin_code"] is None
    assert record["institution"]["address_code"] == "610481"
