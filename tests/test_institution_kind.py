"""transforms/normalize/kind.py: 单位类别 from the institution's name."""

from __future__ import annotations

import pytest

from transforms.normalize.kind import OTHER, institution_kind, kinds


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("湖州市人民对外友好协会秘书处", "对外友协"),
        ("德阳市第五人民医院", "医院"),
        ("德阳市妇幼保健院", "医院"),
        ("某某镇中心卫生院", "医院"),
        ("广安理工学院", "高校"),
        ("梧州科技职业学院", "高校"),
        ("某市开放大学", "高校"),
        ("某市高等专科学校", "高校"),
        ("某市第二中学", "中小学"),
        ("某区实验小学", "中小学"),
        ("某市外国语学校", "中小学"),
        ("某市第一幼儿园", "幼儿园"),
        ("某市历史文化博物馆", "博物馆"),
        ("某市少年儿童图书馆", "图书馆"),
        ("某区群众艺术馆", "文化馆"),
        ("某区文化馆(非物质文化遗产保护中心)", "文化馆"),
        ("某市档案馆", "档案馆"),
        ("某市农业科学研究院", "科研院所"),
        ("某市城乡规划设计研究院", "科研院所"),
        ("郑州市综合检验检测中心", "检验检测"),
        ("某市质量技术监督检测研究院", "检验检测"),
        ("某市计量检定测试所", "检验检测"),
        ("某区疾病预防控制中心", "疾病预防控制中心"),
        ("某区疾病预防控制中心(卫生监督所)", "疾病预防控制中心"),
        ("某市外事服务中心", "外事服务"),
        ("某市外事翻译服务中心", "外事服务"),
        ("某市国际交流中心", "国际交流中心"),
        ("某市国际友好城市交流中心", "国际交流中心"),
        ("黄冈市英山县国际交流服务中心", "国际交流中心"),
        ("某县融媒体中心", "广播电视"),
        ("某市广播电视台", "广播电视"),
        ("某市机关事务服务中心", OTHER),
        ("", OTHER),
        (None, OTHER),
    ],
)
def test_kind_from_the_name(name: str | None, kind: str) -> None:
    assert institution_kind(name) == kind


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("某某大学附属医院", "医院"),
        ("某某师范学院附属中学", "中小学"),
        ("某某大学图书馆", "图书馆"),
        ("某某学院研究所", "科研院所"),
    ],
)
def test_the_keyword_that_ends_last_decides(name: str, kind: str) -> None:
    assert institution_kind(name) == kind


def test_full_width_and_nested_brackets_are_ignored() -> None:
    assert institution_kind("某市图书馆(文献中心)") == "图书馆"
    assert institution_kind("某市档案馆(某市博物馆(筹))") == "档案馆"


def test_every_kind_is_listed_once_with_other_last() -> None:
    listed = kinds()
    assert len(listed) == len(set(listed)) and listed[-1] == OTHER
    assert {"医院", "高校", "中小学", "对外友协", "外事服务", "国际交流中心", "科研院所"} <= set(listed)
