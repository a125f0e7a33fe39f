"""The 开展业务情况 narrative of one report, with the exchange activities it states as gold.

Sentences are composed from independent parts (time, actor, size, verb, place, purpose) under many
structures, so no two reports share one template with blanks. Each institution keeps the same foreign
partner localities across its years (a partner city always keeps its country); 2020-2022 lean on online
meetings. Institutions without foreign work get narratives with none, but with the traps real reports
have: domestic trips, visitor counts in 人次, ordinals, anniversaries and counts of things.

Every visit / activity records an `anchor`: the clause that states it, a substring of the narrative that
contains no clause punctuation, so a predicted activity matches it when its evidence contains it.
"""

from __future__ import annotations

import csv
import random
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from transforms.generate import places
from transforms.generate.institutions import Institution
from transforms.generate.timeline import YearState

CN_DIGITS = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    """Chinese numeral for 1-99 (12 → 十二, 20 → 二十)."""
    if n < 10:
        return CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else CN_DIGITS[tens]) + "十" + (CN_DIGITS[ones] if ones else "")


@dataclass(frozen=True)
class Locality:
    country: str
    country_zh: str
    name: str
    kind: str


@cache
def localities() -> tuple[Locality, ...]:
    text = resources.files("transforms.data").joinpath("foreign_localities.csv").read_text("utf-8")
    rows = csv.DictReader(line for line in text.splitlines() if line and not line.startswith("#"))
    return tuple(Locality(r["country"], r["country_zh"], r["name"], r["kind"]) for r in rows)


@cache
def countries() -> dict[str, str]:
    """ISO code → short Chinese name, for every country in the localities file."""
    return {loc.country: loc.country_zh for loc in localities()}


COUNTRY_WEIGHT = {"JP": 6, "KR": 6, "US": 4, "DE": 4, "FR": 4, "IT": 2, "GB": 2, "AU": 2, "RU": 2, "NZ": 1.5}
REGIONS = {"HK": "香港", "MO": "澳门", "TW": "台湾"}

TITLES = {
    "city": ("市长", "副市长", "市议会议长"),
    "prefecture": ("知事", "副知事", "议会议长"),
    "state": ("州长", "副州长", "州议会议长"),
    "province": ("省长", "副省长", "知事"),
    "county": ("郡守", "郡议会议长"),
    "region": ("主席", "副主席", "议会议长"),
}
PARTNER_ORGS = (
    "国际交流协会",
    "友好协会",
    "青少年交流中心",
    "文化交流中心",
    "商工会议所",
    "美术协会",
    "教育委员会",
)
PARTNER_HEADS = ("会长", "理事长", "名誉会长", "主席")
THEME_PURPOSE = {
    "government": (
        "就深化友城合作进行会谈",
        "开展友好交流访问",
        "出席友好城市缔结纪念活动",
        "考察城市建设和乡村振兴",
    ),
    "culture": ("开展书画艺术交流", "参加文化交流活动", "开展非遗展演交流", "开展传统文化体验"),
    "education": ("开展研学交流", "开展学生住家学习交流", "参加夏令营活动", "开展教育教学交流"),
    "economy": ("开展经贸洽谈", "考察产业园区并举行投资推介会", "参加进出口商品交易会"),
    "sports": ("参加青少年足球友谊赛", "开展体育交流", "参加国际马拉松赛事"),
    "health": ("开展医疗技术交流", "考察医院管理和学科建设", "开展中医药文化交流"),
    "science": ("开展科研合作交流", "参加国际学术研讨会", "开展联合实验室建设洽谈"),
}
DELEGATIONS = {
    "government": ("政府代表团", "友好代表团", "友好访问团"),
    "culture": ("文化艺术交流团", "书画交流团", "艺术代表团"),
    "education": ("青少年交流团", "教育代表团", "学生交流团"),
    "economy": ("经贸代表团", "企业家代表团", "商务考察团"),
    "sports": ("青少年足球队", "体育交流团"),
    "health": ("医疗代表团", "医学专家团"),
    "science": ("科技代表团", "学术代表团", "专家团"),
}
PROFILE_THEMES = {
    "friendship": ("government", "government", "culture", "education", "economy", "sports"),
    "university": ("education", "education", "science", "culture"),
    "school": ("education", "education", "sports", "culture"),
    "hospital": ("health", "health", "science"),
    "culture": ("culture", "culture", "education"),
    "science": ("science", "science", "economy"),
}
OUR_SIDE = {
    "friendship": ("我市友城交流代表团", "市政府代表团", "市友协代表团", "我市代表团"),
    "university": ("学校代表团", "我校代表团", "校领导"),
    "school": ("我校代表团", "学校交流团"),
    "hospital": ("我院医疗代表团", "医院代表团"),
    "culture": ("我馆代表团", "文化交流代表团"),
    "science": ("我院科研团队", "我院专家代表团"),
}
OUR_PEOPLE = {
    "friendship": "交流团成员",
    "university": "师生",
    "school": "师生",
    "hospital": "医务人员",
    "culture": "业务人员",
    "science": "科研人员",
}
LOCAL_BRANDS = (
    "国际友人看{cs}",
    "外籍人士体验中华文化",
    "洋眼看{cs}",
    "国际友人迎新春",
    "外籍人才之家开放日",
)
HOSTED = (
    ("第{ord}届{cs}国际青少年文化节", ("youth", "culture")),
    ("第{ord}届国际友好城市论坛", ("government",)),
    ("第{ord}届{cs}国际马拉松", ("sports",)),
    ("第{ord}届国际学术研讨会", ("science",)),
)

DOMESTIC = {
    "friendship": (
        "全年办理因公出国(境)证照{a}件",
        "组织开展涉外政策培训{b}场",
        "协助办理外籍人士来华邀请函{a}件",
        "承办全市外事工作会议{b}次",
    ),
    "university": (
        "全年招收新生{c}人",
        "毕业生就业率达{p}%",
        "新增省级一流专业{b}个",
        "承担各级科研项目{a}项",
        "开展社会培训{c}人次",
    ),
    "school": (
        "学校现有教学班{b}个、在校学生{c}人",
        "{b}名教师在市级优质课评比中获奖",
        "组织学生参加科技创新大赛获奖{b}项",
        "开展家长学校讲座{b}场",
    ),
    "hospital": (
        "全年完成门急诊{w}万人次",
        "出院患者{c}人次",
        "完成各类手术{c}台次",
        "开展新技术新项目{b}项",
        "组织义诊活动{b}次",
    ),
    "culture": (
        "全年接待观众{w}万人次",
        "举办各类展览{b}个",
        "新增馆藏{c}件(册)",
        "开展公益讲座和培训{a}场",
        "组织送文化下乡{b}次",
    ),
    "science": (
        "完成检验检测和技术服务{c}批次",
        "承担科研项目{b}项",
        "发表学术论文{b}篇",
        "获得授权专利{b}件",
        "开展技术培训{b}期",
    ),
}
BASIC = (
    "{name}内设{k}个科室。{yr}我单位在{sponsor}的领导下,认真贯彻《事业单位登记管理暂行条例》及其实施细则,"
    "按照核准登记的宗旨和业务范围开展活动,有关情况如下:",
    "{yr}{name}严格遵守国家法律法规和《事业单位登记管理暂行条例》的规定,在举办单位{sponsor}的指导下,"
    "紧紧围绕中心工作,认真履行职责,各项工作有序推进。",
    "我单位为{sponsor}所属公益类事业单位,内设{k}个部门。{yr}单位依照宗旨和业务范围开展各项业务活动,"
    "运行情况良好。",
)
PROBLEMS = (
    "一是专业人才队伍建设有待加强;二是服务方式还不够多样,工作的创新性还需进一步提高。",
    "受经费和人员等因素制约,部分工作推进不够快;信息化建设水平与发展需求相比仍有差距。",
    "对外交流的广度和深度还不够,交流形式比较单一,成果转化还有待加强。",
    "内部管理制度还需进一步完善,干部职工的业务能力有待进一步提升。",
)
PLANS = (
    "一是坚持正确方向,进一步加强党的建设;二是围绕宗旨和业务范围,不断提升服务能力;三是加强队伍建设,"
    "提高干部职工综合素质。",
    "{next}继续严格执行《事业单位登记管理暂行条例》,完善内部管理,创新工作方式,推动各项工作再上新台阶。",
    "进一步完善制度建设,规范内部管理;拓展服务领域,扩大社会影响;加强人才培养,夯实发展基础。",
)
OTHER_CITY_TRIPS = ("组织{n}名干部赴{other}学习考察", "赴{other}开展对口交流{b}次")


# a head of government or parliament right after a place name (协会主席 is not one)
_OFFICIALS = re.compile(
    r"(?:[市县州省道郡府区]|共和国)副?(?:市长|知事|州长|省长|主席|郡守)|议长|政府代表团|市政府"
)
_YOUNG = ("学生", "师生", "青少年", "青年")


THEME_WORDS = {
    "culture": ("文化", "书画", "艺术", "非遗"),
    "education": ("教育", "研学", "学校", "夏令营"),
    "economy": ("经贸", "商务", "工商", "企业家", "投资", "交易会"),
    "sports": ("体育", "足球", "马拉松"),
    "health": ("医疗", "医学", "医院", "中医药"),
    "science": ("科研", "学术", "科技", "专家团", "实验室"),
    "government": ("友好交流访问", "友城合作", "友好城市", "城市建设"),
}


def _themes_of(anchor: str, themes: tuple[str, ...] | list[str]) -> list[str]:
    """Themes the clause itself states: a candidate theme only when its words are in the anchor, officials
    → government, young people → youth (pupils also education); "other" when the clause names none."""
    out = set()
    for theme in themes:
        words = (*THEME_PURPOSE.get(theme, ()), *DELEGATIONS.get(theme, ()), *THEME_WORDS.get(theme, ()))
        if any(word in anchor for word in words):
            out.add(theme)
    for theme, words in THEME_WORDS.items():
        if any(word in anchor for word in words):
            out.add(theme)
    if _OFFICIALS.search(anchor) or any(d in anchor for d in DELEGATIONS["government"]):
        out.add("government")
    if any(word in anchor for word in _YOUNG):
        out.add("youth")
        if "学生" in anchor or "师生" in anchor:
            out.add("education")
    return sorted(out or {"other"})


@dataclass
class Activity:
    text: str  # the whole sentence, without the final 。
    anchor: str
    gold: dict
    is_visit: bool


@dataclass
class Profile:
    """What stays fixed about an institution's foreign work across years."""

    partners: list[Locality]
    extra_countries: list[str]
    themes: tuple[str, ...]
    region: str | None
    online_prone: bool


@dataclass
class Narrative:
    sections: dict[str, str]
    visits: list[dict] = field(default_factory=list)
    others: list[dict] = field(default_factory=list)

    def exchange(self) -> dict:
        countries: set[str] = set()
        seen: dict[str, str] = {}
        for item in (*self.visits, *self.others):
            countries.update(item.get("countries", ()))
            for name in item.get("localities", ()):
                seen.setdefault(name, "")
        by_name = {loc.name: loc.country for loc in localities()}
        return {
            "countries": sorted(countries),
            "localities": [{"name": n, "country": by_name[n]} for n in seen],
            "visits": self.visits,
            "other_activities": self.others,
        }


def profile_for(rng: random.Random, inst: Institution) -> Profile | None:
    if not inst.foreign:
        return None
    pool = localities()
    weights = [COUNTRY_WEIGHT.get(loc.country, 1.0) for loc in pool]
    n = rng.randint(2, 5) if inst.kind.profile == "friendship" else rng.randint(1, 3)
    partners: list[Locality] = []
    while len(partners) < n:
        pick = rng.choices(pool, weights=weights)[0]
        if pick not in partners:
            partners.append(pick)
    codes = sorted(countries())
    extra = rng.sample(codes, 3)
    return Profile(
        partners=partners,
        extra_countries=extra,
        themes=PROFILE_THEMES[inst.kind.profile],
        region=rng.choice(list(REGIONS)) if rng.random() < 0.4 else None,
        online_prone=rng.random() < 0.5,
    )


class _Composer:
    def __init__(self, rng: random.Random, inst: Institution, state: YearState, with_year: bool) -> None:
        self.rng = rng
        self.inst = inst
        self.state = state
        self.with_year = with_year
        self.cs = inst.city.short
        self.mentioned: set[str] = set()  # localities already named with their country
        self.used_months: set[int] = set()
        self.comma = "," if rng.random() < 0.4 else "，"

    # -- small parts -------------------------------------------------------------------------------------
    def month(self) -> tuple[str, int | None]:
        rng = self.rng
        if rng.random() < 0.25:
            return "", None
        m = rng.choice([x for x in range(1, 13) if x not in self.used_months] or [rng.randint(1, 12)])
        self.used_months.add(m)
        d = rng.randint(1, 25)
        form = rng.random()
        if form < 0.35:
            text = f"{m}月"
        elif form < 0.5:
            text = f"{m}月{rng.choice(('上旬', '中旬', '下旬', '底', '初'))}"
        elif form < 0.75:
            text = f"{m}月{d}日"
        elif form < 0.9 or m == 12:
            text = f"{m}月{d}日至{d + rng.randint(1, 3)}日"
        else:
            text = f"{m}月{rng.randint(20, 28)}日至{m + 1}月{rng.randint(1, 5)}日"
        return text, m

    def people(self, low: int = 4, high: int = 40) -> tuple[str, int | None, bool]:
        """A group size: (text, participants, approximate)."""
        rng = self.rng
        n = rng.randint(low, high)
        form = rng.random()
        if form < 0.35:
            return f"一行{n}人", n, False
        if form < 0.5:
            return f"一行{cn_number(n)}人", n, False
        if form < 0.65:
            return f"{n}人", n, False
        if form < 0.75:
            return f"一行约{n}人", n, True
        if form < 0.82:
            n = n // 10 * 10 + 10
            return f"{n}余人", n, True
        return "", None, False

    def place_of(self, loc: Locality, force_country: bool = False) -> str:
        if loc.name in self.mentioned and not force_country and self.rng.random() < 0.5:
            return loc.name
        self.mentioned.add(loc.name)
        return loc.country_zh + loc.name

    def partner(self) -> Locality:
        assert self.profile is not None
        return self.rng.choice(self.profile.partners)

    def theme(self) -> str:
        assert self.profile is not None
        return self.rng.choice(self.profile.themes)

    def lead(self, time: str, core: str) -> str:
        """Put a time phrase before the core clause, with or without a comma."""
        if not time:
            return core
        return f"{time}{self.comma}{core}" if self.rng.random() < 0.5 else f"{time}{core}"

    @staticmethod
    def visit(
        anchor: str, direction: str, countries: list[str], locs: list[str], month: int | None, **kw
    ) -> dict:
        gold = {
            "anchor": anchor,
            "direction": direction,
            "countries": sorted(set(countries)),
            "localities": locs,
            "month": month,
            "participants": kw.get("participants"),
            "person_times": kw.get("person_times"),
            "batches": kw.get("batches"),
            "times": kw.get("times"),
            "approximate": kw.get("approximate", False),
            "theme": _themes_of(anchor, kw.get("theme", ())),
        }
        if kw.get("regions"):
            gold["regions"] = kw["regions"]
        return gold

    # -- visits ----------------------------------------------------------------------------------------
    def inbound(self) -> Activity:
        rng = self.rng
        loc = self.partner()
        theme = self.theme()
        time, month = self.month()
        size, n, approx = self.people()
        purpose = rng.choice(THEME_PURPOSE[theme])
        form = rng.randrange(6)
        where = self.place_of(loc)
        kw: dict = {"participants": n, "approximate": approx, "theme": [theme]}
        if form == 0:
            title = rng.choice(TITLES[loc.kind])
            core = f"{where}{title}率{rng.choice(DELEGATIONS[theme])}{size}访问{self.cs}"
        elif form == 1:
            core = f"{where}{rng.choice(DELEGATIONS[theme])}{size}应邀来{self.cs}{purpose}"
        elif form == 2:
            core = f"接待{where}{rng.choice(DELEGATIONS[theme])}{size}来访"
        elif form == 3 and theme == "education":
            n = rng.randint(8, 40)
            kw.update(participants=n, approximate=False, theme=["education", "youth"])
            unit = rng.choice(("名学生", "名中学生", "名师生"))
            core = f"{where}友好学校{n}{unit}来{self.cs}{rng.choice(THEME_PURPOSE['education'])}"
        elif form == 3:
            t = rng.randint(2, 6)
            org = rng.choice(PARTNER_ORGS)
            kw.update(participants=None, approximate=False, times=t, theme=["culture"])
            core = f"{where}{org}{rng.choice(PARTNER_HEADS)}{t}次来{self.cs}开展文化交流"
            gold = self.visit(core, "inbound", [loc.country], [loc.name], None, **kw)
            return Activity(core, core, gold, True)  # several trips: no single date, no purpose
        elif form == 4:
            k = rng.choice((10, 15, 20, 25, 30, 35, 40, 45, 50, 55))
            title = rng.choice(TITLES[loc.kind])
            prefix = f"以中国与{loc.country_zh}建交{k}周年为契机{self.comma}"
            core = f"邀请{loc.name}{title}率团访问{self.cs}"
            self.mentioned.add(loc.name)
            kw.update(participants=None, approximate=False)
            text = self.lead(time, prefix + core) + f"{self.comma}{purpose}"
            return Activity(
                text, core, self.visit(core, "inbound", [loc.country], [loc.name], month, **kw), True
            )
        else:
            core = f"{where}{rng.choice(DELEGATIONS[theme])}{size}应邀来华访问并到访{self.cs}"
        text = self.lead(time, core)
        if form in (0, 2) or rng.random() < 0.3:
            text += f"{self.comma}{purpose}"
        return Activity(text, core, self.visit(core, "inbound", [loc.country], [loc.name], month, **kw), True)

    def outbound(self) -> Activity:
        rng = self.rng
        profile = self.inst.kind.profile
        theme = self.theme()
        time, month = self.month()
        purpose = rng.choice(THEME_PURPOSE[theme])
        ours = rng.choice(OUR_SIDE[profile])
        form = rng.randrange(4)
        kw: dict = {"theme": [theme]}
        if form == 0:
            loc = self.partner()
            size, n, approx = self.people(3, 15)
            kw.update(participants=n, approximate=approx)
            core = f"{ours}{size}赴{self.place_of(loc, True)}{purpose}"
            locs, ctry = [loc.name], [loc.country]
        elif form == 1:
            loc = self.partner()
            n = rng.randint(6, 30)
            themes = {theme, "education"} if profile in ("university", "school") else {theme}
            kw.update(participants=n, theme=sorted(themes))
            core = f"{OUR_PEOPLE[profile]}{n}人出访{self.place_of(loc, True)}并{purpose}"
            locs, ctry = [loc.name], [loc.country]
        elif form == 2 and len(self.profile.partners) > 1:
            a, b = rng.sample(self.profile.partners, 2)
            core = f"{ours}赴{self.place_of(a, True)}、{self.place_of(b, True)}开展友好交流访问"
            kw["theme"] = ["government"] if profile == "friendship" else [theme]
            locs, ctry = [a.name, b.name], [a.country, b.country]
        else:
            loc = self.partner()
            org = rng.choice(PARTNER_ORGS)
            size, n, approx = self.people(3, 12)
            kw.update(participants=n, approximate=approx)
            core = f"应{loc.country_zh}{loc.name}{org}邀请{ours}{size}出访{loc.country_zh}"
            self.mentioned.add(loc.name)
            locs, ctry = [loc.name], [loc.country]
        text = self.lead(time, core)
        return Activity(text, core, self.visit(core, "outbound", ctry, locs, month, **kw), True)

    def aggregate(self) -> Activity:
        rng = self.rng
        b = rng.randint(3, 30)
        pt = b * rng.randint(4, 12)
        inbound = rng.random() < 0.7
        listed = rng.sample(self.profile.extra_countries, rng.randint(0, 2))
        names = "、".join(countries()[c] for c in listed)
        approx = rng.random() < 0.2
        bt = f"{b}余批" if approx else f"{b}批"
        pp = f"{pt}余人次" if approx else f"{pt}人次"
        sep = rng.choice(("", "、"))
        if inbound:
            who = f"{names}等国家" if listed else rng.choice(("外宾", "境外", "国(境)外"))
            core = f"全年共接待{who}来访团组{bt}{sep}{pp}"
        else:
            where = f"赴{names}等国" if listed else ""
            core = f"全年共派出因公出访团组{bt}{sep}{pp}{where}开展交流"
        gold = self.visit(
            core,
            "inbound" if inbound else "outbound",
            listed,
            [],
            None,
            person_times=pt,
            batches=b,
            approximate=approx,
            theme=["government"],
        )
        return Activity(core, core, gold, True)

    def region_visit(self) -> Activity:
        rng = self.rng
        region = self.profile.region or "HK"
        time, month = self.month()
        size, n, approx = self.people(5, 30)
        who = REGIONS[region] + rng.choice(("青年交流团", "教育交流团", "工商界代表团", "文化交流团"))
        core = rng.choice((f"接待{who}{size}来访", f"{who}{size}来{self.cs}参访交流"))
        theme = (
            ["youth"]
            if "青年" in who
            else ["education"]
            if "教育" in who
            else ["economy"]
            if "工商" in who
            else ["culture"]
        )
        gold = self.visit(
            core, "inbound", [], [], month, participants=n, approximate=approx, theme=theme, regions=[region]
        )
        return Activity(self.lead(time, core), core, gold, True)

    # -- other activities ------------------------------------------------------------------------------
    def online(self) -> Activity:
        rng = self.rng
        loc = self.partner()
        time, _month = self.month()
        how = rng.choice(("以视频会议形式", "通过视频连线方式", "在线上", "通过云端"))
        what = rng.choice(("举行友城交流座谈会", "开展线上交流活动", "举办云端交流会", "召开工作会谈"))
        core = f"与{self.place_of(loc, True)}{rng.choice(PARTNER_ORGS)}{how}{what}"
        gold = {"anchor": core, "kind": "online_event", "countries": [loc.country], "localities": [loc.name]}
        return Activity(self.lead(time, core), core, gold, False)

    def agreement(self) -> Activity:
        rng = self.rng
        loc = self.partner()
        what = rng.choice(("签署友好合作备忘录", "签订交流合作协议", "签署友好交流意向书", "续签合作协议"))
        core = f"与{self.place_of(loc, True)}{rng.choice(PARTNER_ORGS)}{what}"
        gold = {"anchor": core, "kind": "agreement", "countries": [loc.country], "localities": [loc.name]}
        return Activity(core, core, gold, False)

    def hosted(self) -> Activity:
        rng = self.rng
        name, theme = rng.choice(HOSTED)
        name = name.format(ord=cn_number(rng.randint(2, 12)), cs=self.cs)
        listed = rng.sample(self.profile.extra_countries, 2)
        names = "、".join(countries()[c] for c in listed)
        core = f"{rng.choice(('举办', '承办'))}{name}并邀请{names}等国嘉宾参加"
        gold = {"anchor": core, "kind": "hosted_event", "countries": sorted(listed), "theme": sorted(theme)}
        return Activity(core, core, gold, False)

    def exhibition(self) -> Activity:
        rng = self.rng
        loc = self.partner()
        k = rng.randint(40, 260)
        what = rng.choice(("少儿绘画作品展", "摄影作品展", "书画作品展"))
        core = f"举办{self.place_of(loc, True)}{what}展出作品{k}幅"
        gold = {"anchor": core, "kind": "hosted_event", "countries": [loc.country], "localities": [loc.name]}
        return Activity(core, core, gold, False)

    def local_foreigners(self) -> Activity:
        rng = self.rng
        e, p = rng.randint(2, 12), rng.randint(30, 300)
        brand = rng.choice(LOCAL_BRANDS).format(cs=self.cs)
        core = f"举办“{brand}”系列活动{e}场{rng.choice(('', '共'))}邀请{p}位在{self.cs}外籍人士参与"
        gold = {
            "anchor": core,
            "kind": "local_foreigners_event",
            "countries": [],
            "events": e,
            "participants": p,
            "theme": ["culture"],
        }
        return Activity(core, core, gold, False)

    def liaison(self) -> Activity:
        partners = self.profile.partners[:3]
        listed = "、".join(self.place_of(p, True) for p in partners)
        core = f"在元旦、春节等节日向{listed}等友城发送电子贺卡"
        gold = {
            "anchor": core,
            "kind": "liaison",
            "countries": sorted({p.country for p in partners}),
            "localities": [p.name for p in partners],
        }
        return Activity(core, core, gold, False)

    def medical_team(self) -> Activity:
        code = self.rng.choice(self.profile.extra_countries)
        core = f"选派{self.rng.randint(1, 6)}名医务人员参加援{countries()[code]}医疗队"
        return Activity(core, core, {"anchor": core, "kind": "project", "countries": [code]}, False)

    # -- composition -----------------------------------------------------------------------------------
    def domestic(self) -> str:
        rng = self.rng
        if not hasattr(self, "_domestic"):
            pool = list(DOMESTIC[self.inst.kind.profile])
            rng.shuffle(pool)
            self._domestic = pool
        take = min(len(self._domestic), rng.randint(1, 3))
        picks = [self._domestic.pop() for _ in range(take)]
        parts = []
        for p in picks:
            vals = {
                "a": rng.randint(20, 900),
                "b": rng.randint(2, 40),
                "c": rng.randint(200, 9000),
                "p": rng.randint(90, 99),
                "w": round(rng.uniform(1.5, 80), 1),
            }
            parts.append(p.format(**vals))
        if not parts or rng.random() < 0.3:
            other = rng.choice(places.cities()).name
            if other != self.inst.city.name:
                trip = rng.choice(OTHER_CITY_TRIPS)
                parts.append(trip.format(n=rng.randint(5, 30), other=other, b=rng.randint(2, 6)))
        return self.comma.join(parts)

    def activities(self, profile: Profile | None) -> list[Activity]:
        self.profile = profile
        if profile is None:
            return []
        rng = self.rng
        covid = self.state.year in (2020, 2021, 2022)
        heavy = self.inst.kind.profile == "friendship"
        makers = []
        n_in = rng.randint(1, 4 if heavy else 2) if not covid or rng.random() < 0.3 else 0
        n_out = rng.randint(0, 2 if heavy else 1) if not covid else 0
        makers += [self.inbound] * n_in + [self.outbound] * n_out
        if heavy and rng.random() < 0.5:
            makers.append(self.aggregate)
        if profile.region and rng.random() < 0.5:
            makers.append(self.region_visit)
        if covid or (profile.online_prone and rng.random() < 0.4):
            makers.append(self.online)
        if rng.random() < 0.25:
            makers.append(self.agreement)
        if heavy and rng.random() < 0.35:
            makers.append(self.local_foreigners)
        if heavy and rng.random() < 0.4:
            makers.append(self.liaison)
        if rng.random() < 0.2:
            makers.append(self.hosted)
        if self.inst.kind.profile == "culture" and rng.random() < 0.4:
            makers.append(self.exhibition)
        if self.inst.kind.profile == "hospital" and rng.random() < 0.3:
            makers.append(self.medical_team)
        if not makers:
            makers.append(self.online)
        rng.shuffle(makers)
        return [make() for make in makers]


def _paragraphs(rng: random.Random, sentences: list[str], comma: str) -> str:
    """Group sentences into numbered or plain paragraphs ("（一）…", "一是…", or just sentences)."""
    style = rng.random()
    if style < 0.35 or len(sentences) < 3:
        return "。".join(sentences) + "。"
    if style < 0.7:
        out = []
        for i, s in enumerate(sentences):
            out.append(f"{cn_number(i + 1)}是{s}")
        return "；".join(out) + "。"
    groups = [sentences[i : i + 2] for i in range(0, len(sentences), 2)]
    return "".join(f"（{cn_number(i + 1)}）" + "。".join(g) + "。" for i, g in enumerate(groups))


def compose(
    rng: random.Random, inst: Institution, state: YearState, profile: Profile | None, with_year: bool = True
) -> Narrative:
    """The narrative sections of one report and its gold activities."""
    c = _Composer(rng, inst, state, with_year)
    yr = f"{state.year}年度," if with_year else "本年度,"
    if c.comma == "，":
        yr = yr.replace(",", "，")
    basic = rng.choice(BASIC).format(name=state.name, sponsor=state.sponsor, k=rng.randint(2, 9), yr=yr)
    if state.late_start and with_year:
        basic = f"本单位于{state.year}年依法登记设立。" + basic
    acts = c.activities(profile)
    # anchors must be unique; drop an activity whose anchor would be ambiguous
    kept: list[Activity] = []
    for act in acts:
        if all(act.anchor not in k.text and k.anchor not in act.text for k in kept):
            kept.append(act)
    sentences = [a.text for a in kept]
    for _ in range(rng.randint(1, 2)):
        sentences.insert(rng.randrange(len(sentences) + 1), c.domestic())
    work = _paragraphs(rng, sentences, c.comma)
    problems = rng.choice(PROBLEMS)
    plans = rng.choice(PLANS).format(next=f"{state.year + 1}年," if with_year else "下一年度,")
    if state.last:
        plans = "根据机构改革安排,本单位拟办理注销登记。" + plans
    if rng.random() < 0.6:
        sections = {
            "基本情况": basic,
            "开展的主要工作及取得主要效益": work,
            "存在的主要问题": problems,
            "下一步打算": plans,
        }
    else:
        sections = {"开展业务活动情况及取得的社会效益": basic + work + problems}
    nar = Narrative(sections)
    for act in kept:
        (nar.visits if act.is_visit else nar.others).append(act.gold)
    return nar
