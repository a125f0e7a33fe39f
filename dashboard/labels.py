"""Chinese display labels for the warehouse's codes (activity kinds, directions, themes, countries)."""

from __future__ import annotations

import csv
import functools
import gettext
from pathlib import Path

import pycountry

import transforms.data

KIND = {
    "visit": "访问",
    "plan": "计划/意向",
    "hosted_event": "主办活动",
    "online_event": "线上活动",
    "agreement": "签约协议",
    "liaison": "联络",
    "project": "合作项目",
    "local_foreigners_event": "在华外籍人士活动",
    "other": "其他",
}
DIRECTION = {"inbound": "来访", "outbound": "出访"}
THEME = {
    "youth": "青少年",
    "education": "教育",
    "culture": "文化",
    "sports": "体育",
    "economy": "经贸",
    "government": "政务",
    "health": "卫生健康",
    "science": "科技",
    "media": "媒体",
    "other": "其他",
}
OUTCOME = {
    "loaded": "已入库",
    "duplicate": "重复",
    "superseded": "被更正替代",
    "quarantined": "已隔离",
    "ignored": "已忽略(非报告文件)",
}
# ingest_files.reason / quarantine.reason codes (dagster_project/defs/warehouse).
REASON = {
    "unreadable": "无法读取",
    "no_report_year": "缺少报告年度",
    "missing_uscc": "缺少信用代码",
    "invalid_uscc": "信用代码无效",
    "no_institution": "无法识别单位",
    "extract_error": "抽取出错",
    "vanished": "文件已消失",
    "same_sha256": "内容完全相同",
    "same_content": "内容相同(字节不同)",
    "later_report": "有更正后的报告",
    "permission_denied": "没有读取权限",
    "not_a_regular_file": "不是普通文件",
    "implausible_year": "报告年度不可能",
    "not_a_report": "不是报告格式",
}
SEVERITY = {"error": "错误", "warning": "警告"}
# The warehouse's data-quality checks (core.data_quality.check_name, as in dagster_project's asset checks).
CHECK = {
    "uscc_validity_rate": "信用代码有效率",
    "admin_code_vs_address": "信用代码区划与住所一致",
    "net_assets_continuity": "净资产年度衔接",
    "duplicate_reports": "同年度重复报告",
    "required_fields": "必填字段齐全",
    "activity_evidence": "活动依据在原文中",
}
CHECK_SEVERITY = {"WARN": "警告", "ERROR": "错误"}


@functools.cache
def country_names() -> dict[str, str]:
    """ISO alpha-2 → the short Chinese name reports use (韩国, not pycountry's formal 大韩民国).

    The first name listed for a code in transforms/data/country_aliases.csv (the forms PRC media and the MFA
    use), else pycountry's zh_CN name, else nothing. Read-only use of the extraction's own data file, so the
    dashboard names a country the way the extractor recognised it.
    """
    zh = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["zh_CN"], fallback=True)
    names: dict[str, str] = {}
    for country in pycountry.countries:
        chinese = zh.gettext(getattr(country, "common_name", None) or country.name)
        if chinese != country.name:
            names[country.alpha_2] = chinese
    aliases = Path(transforms.data.__file__).with_name("country_aliases.csv")
    with aliases.open(encoding="utf-8") as fh:
        seen: set[str] = set()
        for row in csv.DictReader(line for line in fh if not line.startswith("#")):
            if row["alpha2"] not in seen:
                seen.add(row["alpha2"])
                names[row["alpha2"]] = row["name"]
    return names


def country(code: str | None) -> str:
    """The Chinese name of an ISO country code ("KR" → "韩国"); the code itself when it has none."""
    if not code or code != code:
        return "—"
    return country_names().get(code, code)


def countries(codes: str | None, sep: str = ",") -> str:
    """ "BR,JP,MA" → "巴西、日本、摩洛哥" (a list of codes as the warehouse joins them)."""
    names = [country(c) for c in (codes or "").split(sep) if c]
    return "、".join(names) if names else "—"


def of(mapping: dict[str, str], value: object) -> str:
    if value is None or value != value:  # None or NaN
        return "—"
    return mapping.get(str(value), str(value))
