"""Normalisers: money, counts, dates, USCC, places, funding, years, free text, registration changes."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import cn2an
import pytest

from transforms.normalize.changes import parse_registration_changes
from transforms.normalize.chinese_numerals import chinese_number, standard_numeral
from transforms.normalize.dates import parse_date
from transforms.normalize.funding import funding_category
from transforms.normalize.numbers import parse_count, parse_money_wan
from transforms.normalize.places import locate, same_division
from transforms.normalize.text import clean_text
from transforms.normalize.uscc import check_uscc, clean_uscc, division_code
from transforms.normalize.year import report_year


@pytest.mark.parametrize(
    ("raw", "unit", "expected"),
    [
        ("10.00", "万元", 10.0),
        ("10", None, 10.0),
        ("10万元", None, 10.0),
        ("100000元", None, 10.0),
        ("100000", "元", 10.0),
        ("拾万元", None, 10.0),
        ("十万", None, 10.0),
        ("伍拾万元整", None, 50.0),
        ("￥50万元", None, 50.0),
        ("１０．５", "万元", 10.5),
        ("-3.25", "万元", -3.25),
        ("1,234.5", "万元", 1234.5),
        ("人民币5万元", None, 5.0),
    ],
)
def test_money_in_wan(raw: str, unit: str | None, expected: float) -> None:
    assert parse_money_wan(raw, unit) == (expected, None)


@pytest.mark.parametrize("raw", ["约十万", "见附表", "10美元", "2.17 1.35"])
def test_money_that_cannot_be_read_is_none_with_a_reason(raw: str) -> None:
    amount, reason = parse_money_wan(raw, "万元")
    assert amount is None
    assert reason


def test_head_counts() -> None:
    assert parse_count("12") == (12, None)
    assert parse_count("35人") == (35, None)
    assert parse_count("十二") == (12, None)
    assert parse_count("若干")[0] is None


@pytest.mark.parametrize("raw", ["2024年05月06日", "2024.5.6", "2024-05-06", "２０２４年５月６日"])
def test_dates_to_iso(raw: str) -> None:
    assert parse_date(raw) == "2024-05-06"


def test_impossible_date_is_none() -> None:
    assert parse_date("2024年02月30日") is None


def test_uscc_valid_invalid_and_cleaned() -> None:
    assert clean_uscc(" 1233 0500 6761 5157 0y ") == "12330500676151570Y"
    assert check_uscc("12330500676151570Y") is None
    assert "check digit" in check_uscc("12330500676151570X").lower() or check_uscc("12330500676151570X")
    assert division_code("12330500676151570Y") == "330500"
    assert division_code("123") is None


def test_places_from_address_and_division_agreement() -> None:
    place = locate("杭州市西湖区文三路100号")
    assert (place.province, place.city, place.district, place.admin_code) == (
        "浙江省",
        "杭州市",
        "西湖区",
        "330106",
    )
    municipality = locate("北京市海淀区中关村大街1号")
    assert municipality.city == "北京市"
    assert same_division("330106", "330100") and not same_division("330106", "330200")


_LOCATE_IN_A_NEW_PROCESS = """
import json, sys
from transforms.normalize.places import _cpca, division_name, locate
places = [locate(address, hint) for address, hint in json.loads(sys.argv[1])]
print(json.dumps([[p.province, p.city, p.district, p.admin_code] for p in places]
                 + [division_name("330100"), len(_cpca().ad_2_addr_dict), "pkg_resources" in sys.modules]))
"""


def test_cpca_tables_read_back_from_the_disk_cache_locate_as_freshly_built_ones(tmp_path: Path) -> None:
    """The first process builds cpca's matcher and caches it; the next imports cpca with an empty table and
    takes the cached one. Both must place every address alike, and leave no pkg_resources stand-in."""
    addresses = [
        ["杭州市西湖区文三路100号", None],
        ["朝阳区建设路1号", "220104"],  # a district name of several provinces, told apart by the USCC's code
        ["朝阳区建设路1号", "110105"],
        ["上海市浦东新区", None],
        ["新疆伊犁州伊宁市", None],
        ["没有地名的地址", None],
    ]
    env = {"NIANBAO_CACHE_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    runs = [
        subprocess.run(
            [sys.executable, "-c", _LOCATE_IN_A_NEW_PROCESS, json.dumps(addresses)],
            capture_output=True, text=True, check=True, env=env, cwd=Path(__file__).parent.parent,
        ).stdout
        for _ in range(2)
    ]  # fmt: skip
    assert [p.name.split("-")[0] for p in tmp_path.glob("cpca-*.pickle")] == ["cpca"]
    built, read_back = (json.loads(run) for run in runs)
    assert built == read_back
    assert built[0] == ["浙江省", "杭州市", "西湖区", "330106"]
    assert built[1][0] == "吉林省" and built[2][0] == "北京市"
    name, table_size, stand_in_left = built[-3:]
    assert name == "杭州市" and table_size > 3000 and not stand_in_left


@pytest.mark.parametrize(
    ("raw", "category"),
    [
        ("财政全额补助", "财政全额"),
        ("全额拨款", "财政全额"),
        ("差额拨款", "财政差额"),
        ("财政补助", "财政补助(其他)"),
        ("定额补助", "财政补助(其他)"),
        ("自收自支", "自收自支"),
        ("经营收入", "自收自支"),
    ],
)
def test_funding_categories(raw: str, category: str) -> None:
    assert funding_category(raw) == (category, True)


def test_unknown_funding_wording_is_flagged() -> None:
    assert funding_category("见说明") == ("其他", False)


def test_report_year_sources() -> None:
    assert report_year("2023年度事业单位法人年度报告书", "", "x.txt") == (2023, "title")
    assert report_year("", "2022年度,我单位……2021年12月1日成立", "x.txt") == (2022, "text")
    assert report_year("", "无年份", "report_2020_甲.txt") == (2020, "file name")
    assert report_year("", "2021年5月6日换证", "r.txt") == (None, "none")


def test_free_text_none_and_missing() -> None:
    assert clean_text("无。") == "无"
    assert clean_text("  ") is None
    assert clean_text(None) is None
    assert clean_text("获评先进单位。") == "获评先进单位。"


def test_registration_changes() -> None:
    assert parse_registration_changes("2024年05月06日,完成事业单位法人证书换领。") == [
        {"date": "2024-05-06", "what": "事业单位法人证书换领"}
    ]
    assert parse_registration_changes("无。") == []
    assert parse_registration_changes("本年度未发生变更登记事项。") == []
    assert parse_registration_changes("2023年3月1日法定代表人变更为张三；2023年9月2日办理住所变更。") == [
        {"date": "2023-03-01", "what": "法定代表人变更为张三"},
        {"date": "2023-09-02", "what": "住所变更"},
    ]
    assert parse_registration_changes("举办单位变更为甲市卫生健康委员会。") == [
        {"date": None, "what": "举办单位变更为甲市卫生健康委员会"}
    ]


def _cn2an_or_error(text: str) -> object:
    try:
        return cn2an.cn2an(text, "smart")
    except (ValueError, KeyError) as exc:
        return type(exc)


def test_standard_numerals_read_as_cn2an_reads_them() -> None:
    """The fast reading of standard numerals covers what cn2an writes, and never disagrees with cn2an."""
    values = [*range(0, 20_000), *range(20_000, 10**8, 7_919), *range(10**8, 10**12, 99_990_001)]
    for value in values:
        for mode in ("low", "up"):
            assert standard_numeral(cn2an.an2cn(value, mode)) == value
    rng = random.Random(7)
    alphabet = "零〇一二两三四五六七八九十百千万壹贰叁肆伍陆柒捌玖拾佰仟亿"
    candidates = ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 8))) for _ in range(40_000)]
    for value in rng.sample(values, 2_000):  # one character changed, added or dropped
        written, pos = cn2an.an2cn(value), rng.randrange(len(cn2an.an2cn(value)))
        candidates += [
            written[:pos] + rng.choice(alphabet) + written[pos + 1 :],
            written[:pos] + rng.choice(alphabet) + written[pos:],
            written[:pos] + written[pos + 1 :],
        ]
    accepted = [(text, standard_numeral(text)) for text in candidates]
    accepted = [(text, value) for text, value in accepted if value is not None]
    assert len(accepted) > 4_000
    assert [(text, value) for text, value in accepted if _cn2an_or_error(text) != value] == []


@pytest.mark.parametrize("text", ["一百五", "三万五", "一〇五", "1.5万", "十十", "陆万零拾", "廿"])
def test_other_numerals_are_left_to_cn2an(text: str) -> None:
    assert standard_numeral(text) is None
    expected = _cn2an_or_error(text)
    if isinstance(expected, type):
        with pytest.raises(expected):
            chinese_number(text)
    else:
        assert chinese_number(text) == expected


_FAIL_THEN_LOCATE = """
import sys
from transforms.normalize import places
cached = places.cached
places.cached = lambda *args: (_ for _ in ()).throw(RuntimeError("the cache failed"))
try:
    places._cpca()
except RuntimeError:
    pass
assert "cpca" not in sys.modules, "cpca left behind with its empty tables"
places.cached = cached
print(places.locate("杭州市西湖区文三路100号").admin_code)
"""


def test_a_failed_read_of_cpca_tables_leaves_no_empty_cpca_behind(tmp_path: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-c", _FAIL_THEN_LOCATE],
        capture_output=True, text=True, check=True, cwd=Path(__file__).parent.parent,
        env={"NIANBAO_CACHE_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    assert run.stdout.strip() == "330106"
