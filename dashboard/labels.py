"""Chinese display labels for the warehouse's codes (activity kinds, directions, themes, countries)."""

from __future__ import annotations

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
    "ignored": "非年报文件",
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

# Short names as reports use them (pycountry's are formal, e.g. 大韩民国).
COUNTRY = {
    "AE": "阿联酋",
    "AR": "阿根廷",
    "AT": "奥地利",
    "AU": "澳大利亚",
    "BE": "比利时",
    "BR": "巴西",
    "BY": "白俄罗斯",
    "CA": "加拿大",
    "CH": "瑞士",
    "CL": "智利",
    "CU": "古巴",
    "CZ": "捷克",
    "DE": "德国",
    "DK": "丹麦",
    "EG": "埃及",
    "ES": "西班牙",
    "ET": "埃塞俄比亚",
    "FI": "芬兰",
    "FR": "法国",
    "GB": "英国",
    "GR": "希腊",
    "HU": "匈牙利",
    "ID": "印度尼西亚",
    "IE": "爱尔兰",
    "IL": "以色列",
    "IN": "印度",
    "IR": "伊朗",
    "IT": "意大利",
    "JP": "日本",
    "KE": "肯尼亚",
    "KH": "柬埔寨",
    "KP": "朝鲜",
    "KR": "韩国",
    "KZ": "哈萨克斯坦",
    "LA": "老挝",
    "LK": "斯里兰卡",
    "MA": "摩洛哥",
    "MM": "缅甸",
    "MN": "蒙古",
    "MX": "墨西哥",
    "MY": "马来西亚",
    "NG": "尼日利亚",
    "NL": "荷兰",
    "NO": "挪威",
    "NP": "尼泊尔",
    "NZ": "新西兰",
    "PE": "秘鲁",
    "PH": "菲律宾",
    "PK": "巴基斯坦",
    "PL": "波兰",
    "PT": "葡萄牙",
    "RO": "罗马尼亚",
    "RS": "塞尔维亚",
    "RU": "俄罗斯",
    "SA": "沙特阿拉伯",
    "SE": "瑞典",
    "SG": "新加坡",
    "TH": "泰国",
    "TR": "土耳其",
    "TZ": "坦桑尼亚",
    "UA": "乌克兰",
    "US": "美国",
    "UZ": "乌兹别克斯坦",
    "VN": "越南",
    "ZA": "南非",
}


def country(code: str | None) -> str:
    if not code:
        return "—"
    return f"{COUNTRY.get(code, code)} {code}" if code in COUNTRY else code


def code_of_country_label(label: str) -> str:
    """Inverse of `country`: the ISO code at the end of "韩国 KR" (or the label itself)."""
    return label.rsplit(" ", 1)[-1]


def of(mapping: dict[str, str], value: object) -> str:
    if value is None or value != value:  # None or NaN
        return "—"
    return mapping.get(str(value), str(value))
