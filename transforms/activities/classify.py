"""What a clause says: a trip and its direction, another kind of activity, and its themes.

Why rules and not a model: the reports are short, formulaic government prose; a handful of verbs decide
direction (来访, 来华, 访问<home> = a foreign party comes here; 赴, 出访, 前往, 访问<foreign place> = our
side goes abroad) and a few nouns decide the kind (视频会议 = online, 签署…协议 = agreement). Every rule below
is about Chinese report wording in general; none names a particular report's places or people.
"""

from __future__ import annotations

import csv
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from transforms.activities.gazetteer import gazetteer
from transforms.data import DATA_DIR
from transforms.normalize.places import division_base
from transforms.regex_cache import compile_cached

INBOUND = "inbound"
OUTBOUND = "outbound"

KINDS = (
    "visit",
    "plan",
    "hosted_event",
    "online_event",
    "agreement",
    "liaison",
    "project",
    "local_foreigners_event",
    "other",
)
THEMES = (
    "youth",
    "education",
    "culture",
    "sports",
    "economy",
    "government",
    "health",
    "science",
    "media",
    "other",
)

#: "our side" without naming it: the object of 访问/回访/到访 that makes a visit inbound
GENERIC_HOME = (
    "我市",
    "我省",
    "我县",
    "我区",
    "我州",
    "我国",
    "我校",
    "我院",
    "我会",
    "我馆",
    "我单位",
    "我中心",
    "我所",
    "我局",
    "我办",
    "本市",
    "本省",
    "本县",
    "本区",
    "本校",
    "本院",
    "本单位",
    "中国",
    "我方",
)

TRIP_VERB = compile_cached(
    r"率团访问|率团出访|率团赴|组团赴|组团出访|应邀来|应邀赴|应邀访问|应邀出访|来访|来华|访华|赴华|莅临|到访|参访|回访"
    r"|互访|出访|访问|拜访|造访|派出|派遣|选派|赴|前往|出国|出境|接待|抵达|来|访|到"
)
_ALWAYS_INBOUND = {"来访", "来华", "访华", "赴华", "莅临", "应邀来", "接待"}
_DEFAULT_OUTBOUND = {
    "赴",
    "派出",
    "派遣",
    "选派",
    "前往",
    "出访",
    "出国",
    "出境",
    "率团出访",
    "率团赴",
    "组团赴",
    "组团出访",
    "应邀赴",
    "应邀出访",
}
_BY_SUBJECT = {"访问", "回访", "到访", "参访", "拜访", "造访", "率团访问", "应邀访问"}
#: verbs that mean "abroad" by themselves, so a trip needs no other foreign word in its sentence
FOREIGN_VERBS = {"来华", "访华", "赴华", "出访", "出国", "出境", "率团出访", "组团出访", "应邀出访", "审批"}
_NOT_BEFORE_LAI = "未以近后从本原带起出回将向历外迎到"
_NOT_BEFORE_FANG = "走采寻探"
# Verbs that are a trip only with our place as their object (来我市, 访湖, 到安国, 抵达我市).
_TO_HOME_VERBS = ("来", "访", "到", "抵达")
_NOT_BEFORE = {
    "来": _NOT_BEFORE_LAI,
    "访": _NOT_BEFORE_FANG,
    "到": "受得达收看感遇做办想听提谈说找回来直迟报签",
    "抵达": "",
}
# 来县参观, 来院交流: a one-character 县/市/院 stands for our own place before what visitors do
_GENERIC_PLACE_CHARS = "县市区校院馆"
_VISIT_ACTIVITIES = ("参观", "考察", "访问", "交流", "调研", "指导", "视察", "洽谈", "演出", "讲学", "进行")
# Words of the future or of intention before a trip verb in its clause: the trip has not happened (拟于11月
# 率团访问, 计划派出学生来我校, 希望尽快回佛山, 商定组织企业赴巴拿马参展).
_PLANNED = compile_cached(
    r"拟|计划|将要|准备|争取|预计|有望|即将|打算|将|希望|期待|期盼|盼望|愿意|愿与|有意|意向|商定|约定|同意|建议"
    r"|明年|来年|今后|未来|下一步|邀请[^，,。；;]{0,30}于(?:今年|明年|年内|年底|近期|[上下]半年|[春夏秋冬]季)"
)
_FACILITATION = compile_cached(r"保障|确保|服务保障")
_PAPERWORK = compile_cached(r"证照|证件|护照|签证|邀请函|批件|手续|审批|审核|审查|备案|申报|申请|报批")
_APPLIED_FOR = compile_cached(r"(?:申报|申请|报批)的?$")
# What right after a trip verb makes it a noun or a modifier, not a statement: 出访工作, 访问团, 访问期间,
# 来访者, 接待过 (an experience, not this year's trip).
_NOT_A_TRIP_AFTER = (
    "工作",
    "事宜",
    "计划",
    "任务",
    "审批",
    "管理",
    "手续",
    "政策",
    "需求",
    "规定",
    "人员",
    "者",
    "团",
    "期间",
    "之际",
    "过",
    "国",
    "地",
    "时",
)
# 出国研修的课题, 赴日本的代表团: a trip phrase that describes a noun
_RELATIVE_AFTER = compile_cached(r"[\u4e00-\u9fff]{0,4}的")
# 其中赴科威特7名 (a part of the trip just told), 以及韩国…进行了工作访问 (its list going on)
_CONTINUING = ("其中", "以及", "及", "并")
# Aims: what a visit or a policy should bring about (促进更多的外商来重庆).
_AIM = compile_cached(r"推动|促进|鼓励|吸引|争取更多")
# 在东京访问了: already abroad, the verb tells a leg of the trip
_NOMINAL_TRIP = compile_cached(r"[\u4e00-\u9fff]{1,3}?(?:代表团|访问团|考察团|行程|之行)")
_PEOPLE_COUNT = compile_cached(r"\d+\s*[余多]?\s*[人名]")
# A clause whose subject is the delegation without a name (and no count of its own): it refers back to
# one already introduced.
_DELEGATION_REFERENCE = compile_cached(r"(?:访问团|代表团|考察团|交流团|演出团|该团|全团)")
# A trip of the past told as background (曾经多次派团访问, 已有千余名高中生实现了互访).
_BACKGROUND = compile_cached(r"曾经|历年|以往|此前|近年来|多年来|已有|多次|目前已|至今已|迄今")
# 审核邀请外国人来赣团组21批: approving an invitation is paperwork, not the trip.
_INVITATION_PAPERWORK = compile_cached(r"(?:审核|审批|办理|受理)[^，,。；;]{0,6}邀请")
# 互访 as an aim (加强互访, 推动企业互访), not as visits made.
_PROMOTE = compile_cached(r"推动|促进|加强|深化|推进|扩大|增进|鼓励|支持|通过")
# 出访团组5批32人次: a trip verb before 团组 is a noun, but with a count it states the trips made.
_AGGREGATE_COUNT = compile_cached(r"\d+\s*[余多]?\s*(?:批|个团组|个代表团|人次)")
# A trip already told, referred to again (此次出访, 此行, 访问德国期间): never a second trip.
_ANAPHORA = compile_cached(r"(?:此次|这次|本次|此行|该次|此番|上述)(?!活动|会议|论坛|展|大会|比赛|赛事|年会)")
_TIME_FRAME = compile_cached(r"期间|之际")
# A trip phrase that modifies a noun (与赴X演出团座谈, 申报的赴X团组) or an escort (陪同访问).
_MODIFIER_BEFORE = "与和同跟及的"
_ESCORT = ("陪同", "随同", "随团")
# 就…赴美国学习项目进行了洽谈: the trip is the topic of a discussion.
_DISCUSSION = compile_cached(r"洽谈|探讨|讨论|交换了?意见|沟通|会谈|商谈|协商|磋商")
# 来华工作, 来滨学习: foreigners who live and work here are not visitors.
_RESIDENT_AFTER_HOME = ("工作", "学习", "生活", "定居", "就业", "创业", "任教", "居住", "留学", "务工")
_VISIT_KINDS = ("访问", "考察", "交流")
_QUOTED = compile_cached(r"“[^”]{0,80}”|《[^》]{0,80}》|「[^」]{0,80}」")
_DELEGATION = compile_cached(
    r"代表团|团组|团队|团体|研修团|艺术团|演出团|旅游团|采风团|外宾|来宾|客人|嘉宾|访问团|考察团|交流团|一行|友人|官员|议员"
    r"|专家|学者|师生|学生|市长|会长|大使|领事|代表|校长|院长|侨胞|同胞|侨领|侨商|华侨|乡亲"
    r"|个国家(?:和地区)?的"
)
# A foreign delegation present here, told without a trip verb: 美国X大学访问团参观了我校,
# 为欢迎日本旅游交流团.
_DELEGATION_HEAD = compile_cached(
    r"代表团|访问团|考察团|交流团|演出团|艺术团|参访团|友好团|旅游团|采风团|研修团|团组"
)
_PRESENCE = compile_cached(r"欢迎|迎接|接待|会见|会晤|宴请|座谈|参观|考察|莅临|抵达|到达|一行|陪同|组织协调")
# Counts of approved outbound trips (全年办理审批手续199批; 共批准出访团组156批、465人次): each is a trip;
# documents for the same trips (护照签证手续, 批件, 邀请) are not.
_APPROVAL = compile_cached(r"审批|批准|办理")
# \d\d* rather than \d+: a pattern that starts with a character class lets the regex engine skip text quickly
APPROVED_BATCHES = compile_cached(r"\d\d*\s*批")
_OUTBOUND_CONTEXT = compile_cached(r"出国|出访|出境|因公出")
APPROVAL_CONTEXT_CHARS = 40
_DOCUMENTS = compile_cached(r"护照|签证|证照|证件|批件|邀请")
# 在国外/在当地: already abroad (a delegation met there, or a leg of a trip told before)
_ABROAD = compile_cached(r"在(?:国外|境外|海外|当地)")
# A delegation's name starts at most this far before its head word (美国中部华盛顿大学校长访问团).
_ORIGIN_MAX_CHARS = 16
# A place right after these is where someone is or goes, not where a party comes from (驻芝加哥总领事,
# 赴密克罗尼西亚演出团, 对东京进行访问).
_BEFORE_DESTINATION = "驻赴往到去在对抵至"
_FOREIGN_ORIGIN = compile_cached(r"(?:海外|外国|国外|境外)[^，,。；;、]{0,8}$")
_OUR_SUBJECT = compile_cached(r"[我本](?:市|省|县|区|州|校|院|会|单位|中心|馆|局|办)")
_INVITED_BY = compile_cached(r"应([^，,。；;]{1,40}?)(?:的)?邀请?")

_KIND_CUES = (
    (
        "online_event",
        compile_cached(
            r"视频会议|视频连线|视频会见|视频会谈|视频方式|云端|云上|线上|在线|网络会议|云会见|云签约|远程"
        ),
    ),
    (
        "agreement",
        compile_cached(
            r"签署|签订|签约|缔结|结为友好|结好|建立友好|友好交流关系|友城关系|备忘录|协议|意向书"
        ),
    ),
    ("local_foreigners_event", compile_cached(r"外籍|外国友人|国际友人|在华外国|外国专家|外国人|外教")),
    ("hosted_event", compile_cached(r"举办|承办|主办|举行|召开|筹备|协办|联办")),
    ("project", compile_cached(r"项目|结对|共建|合作办学|援外|援建|培训班|研修班")),
    ("liaison", compile_cached(r"联络|对接|联系|沟通|祝福|问候|慰问|牵线|贺信|贺电|贺卡|致函|函电")),
)
_OFFICIAL_DELEGATION = compile_cached(r"[我本全](?:市|省|县|区)[^，,。；;]{0,10}?代表团")


@dataclass(frozen=True)
class Home:
    """The reporting institution's own place in every form a sentence may use."""

    own: tuple[str, ...]  # the names given and their bases (a city 市 and its bare form), longest first
    long: tuple[str, ...]  # `own` plus GENERIC_HOME (我市, 本校, 中国 …)
    short: tuple[str, ...]  # one-character forms: a city's first character, a province's official 简称
    names: frozenset[str]  # names and bases, to keep them out of foreign localities


# Keyed by the institution's (city, province, district): a few thousand distinct tuples in a 100k corpus.
@functools.lru_cache(maxsize=16384)
def home_forms(names: tuple[str, ...]) -> Home:
    """Derive every form of the home place: 嘉兴市 -> 嘉兴, 嘉; 浙江省 -> 浙江, 浙; 上海市 -> 上海, 沪."""
    g = gazetteer()
    long: set[str] = set()
    short: set[str] = set()
    for name in names:
        name = (name or "").strip()
        if not name:
            continue
        base = division_base(name, g.ethnic)
        long.update((name, base))
        if base in g.province_abbrev:
            short.add(g.province_abbrev[base])
        elif base in _city_abbrev():
            short.add(_city_abbrev()[base])
        elif len(base) >= 2 and not name.endswith(("区", "县", "旗")):
            short.add(base[0])
    own = tuple(sorted((n for n in long if len(n) >= 2), key=len, reverse=True))
    return Home(own=own, long=own + GENERIC_HOME, short=tuple(sorted(short)), names=frozenset(own))


@functools.cache
def _city_abbrev() -> dict[str, str]:
    with (DATA_DIR / "city_abbrev.csv").open(encoding="utf-8") as fh:
        rows = list(csv.reader(line for line in fh if not line.startswith("#")))[1:]
    return {name: abbrev for name, abbrev in rows}


@dataclass(frozen=True)
class Trip:
    direction: str | None  # None for 互访 (both ways)
    verb: str
    verb_start: int  # offset in the narrative


def find_trip(
    text: str,
    start: int,
    end: int,
    home: Home,
    place_starts: Iterable[int],
    sentence_start: int | None = None,
    sentence_places: Iterable[int] = (),
) -> Trip | None:
    """The first stated trip in the clause text[start:end], or None.

    `place_starts`: offsets where a foreign place (country, region, locality) begins, used to tell
    访问<foreign place> (outbound) from 访问<home> (inbound). `sentence_start` (default: the clause) is
    where the clause's sentence begins: a reference back (此次出访) or an invitation (应X邀请) may stand in
    an earlier clause of the sentence, and `sentence_places` are the foreign places of the whole sentence.
    """
    places = set(place_starts)
    everywhere = places | set(sentence_places)
    sentence_start = start if sentence_start is None else sentence_start
    if _DELEGATION_REFERENCE.match(text, start) and not _PEOPLE_COUNT.search(text, start, end):
        return None  # 访问团首先在东京访问了…, 6月1日,访问团前往…: the delegation already told, on a leg
    quoted = [m.span() for m in _QUOTED.finditer(text, start, end)]
    for m in TRIP_VERB.finditer(text, start, end):
        verb, v0, v1 = m.group(), m.start(), m.end()
        if quoted and any(q0 <= v0 < q1 for q0, q1 in quoted):
            continue
        # the direction first: cheap, and it rejects most 来/到 at once; then whether a trip is stated
        trip = _trip_at(text, start, end, home, places, everywhere, sentence_start, verb, v0, v1)
        if trip is not None and _stated(text, start, end, sentence_start, v0, v1):
            return trip
    return _trip_without_verb(text, start, end, places, sentence_start)


# What before a trip verb in its clause makes it no trip that happened: a plan, a service for others' trips,
# a trip of the past told as background, an aim, a leg of a trip abroad. One search (the words all start
# with a literal, so the regex engine skips text quickly) instead of one per list.
_NOT_STATED_BEFORE = compile_cached(
    "|".join(p.pattern for p in (_PLANNED, _FACILITATION, _BACKGROUND, _AIM, _ABROAD))
)


def _stated(text: str, start: int, end: int, sentence_start: int, v0: int, v1: int) -> bool:
    """Whether the verb at [v0, v1) states a trip that happened, rather than a plan, a reference back to
    a trip already told, a noun (访问团), a modifier (与赴X演出团), an escort or a topic of discussion."""
    if _NOT_STATED_BEFORE.search(text, start, v0):
        return False  # 拟于…; 曾经多次派团访问; 促进更多的外商来重庆洽谈合作; 访问团在东京访问了…
    if _ANAPHORA.search(text, sentence_start, v0) or _TIME_FRAME.search(text, v1, end):
        return False
    if _TIME_FRAME.search(text, sentence_start, start):
        return False  # 在日…交流访问期间,代表团访问了…: a leg of a trip told before
    breakdown = text.find("其中", sentence_start, start + 2)
    if (text.startswith(_CONTINUING, start) or breakdown >= 0) and TRIP_VERB.search(
        text, sentence_start, breakdown if breakdown >= 0 else start
    ):
        return False  # 又有11人出国…,其中赴科威特7名,赴阿联酋4名: a trip's breakdown or its list going on
    if text.startswith(("(境)", "（境）"), v1):
        v1 += 3  # 出国(境)管理
    if _RELATIVE_AFTER.match(text, v1) and not text.startswith("了", v1):
        return False
    if text.startswith(_NOT_A_TRIP_AFTER, v1) and not (
        text.startswith("团", v1) and _AGGREGATE_COUNT.search(text, v1, end)
    ):
        return False  # 出访工作, 访问团, 接待过
    if (
        _PAPERWORK.search(text, v1, min(end, v1 + 6))
        or _APPLIED_FOR.search(text, max(start, v0 - 4), v0)
        or _INVITATION_PAPERWORK.search(text, start, v0)
    ):
        return False  # 因公出国(境)审核, 来华邀请函, 申报的赴X: paperwork about trips
    if (v0 > start and text[v0 - 1] in _MODIFIER_BEFORE) or text.startswith(_ESCORT, max(start, v0 - 2)):
        return False
    return not ("就" in text[start:v0] and _DISCUSSION.search(text, v1, end))


def _trip_at(
    text: str,
    start: int,
    end: int,
    home: Home,
    places: set[int],
    everywhere: set[int],
    sentence_start: int,
    verb: str,
    v0: int,
    v1: int,
) -> Trip | None:
    g = gazetteer()
    if verb == "互访":
        return None if _PROMOTE.search(text, start, v0) else Trip(None, verb, v0)
    if verb == "访" and v1 in everywhere and _NOMINAL_TRIP.match(text, v1):
        return Trip(OUTBOUND, verb, v0)  # 访日代表团, 结束访美行程: a trip told as a noun
    if verb in _TO_HOME_VERBS:
        if v0 > start and text[v0 - 1] in _NOT_BEFORE[verb]:
            return None
        if verb == "来" and text.startswith(("到", "至"), v1):
            v1 += 1  # 来到延吉市
        here = next((h for h in home.own if text.startswith(h, v1)), None)
        if here is None and verb == "来":
            here = next((h for h in GENERIC_HOME if text.startswith(h, v1)), None)
        if here is None and home.short and text.startswith(home.short, v1):
            two = text[v1 : v1 + 2]
            if two in g.cn_base and two not in home.names:
                return None  # 来江西 is not 来江 when home is a city whose short form is 江
            here = next(h for h in home.short if text.startswith(h, v1))
        if (
            here is None
            and verb == "来"
            and text[v1 : v1 + 1] in _GENERIC_PLACE_CHARS
            and (text.startswith(_VISIT_ACTIVITIES, v1 + 1))
        ):
            here = text[v1]  # 来县参观, 来院进行技术交流
        if here is None:
            return None
        after = v1 + len(here)
        if _resident(text, after):
            return None  # 来滨工作: residents, not visitors (but 来我馆工作访问 is a working visit)
        return Trip(INBOUND, verb, v0)
    if verb == "接待":
        if any(start <= p < v0 for p in places):
            return None  # 台湾侨联总会…热情接待了访问团: our delegation received abroad
        return Trip(INBOUND, verb, v0) if _DELEGATION.search(text, v1, end) else None
    before = text[sentence_start:v0]
    if "对" in text[start:v0] and any(f"对{h}" in text[start:v0] for h in home.long):
        return Trip(INBOUND, verb, v0)  # …对我校进行友好访问, 结束了对中国…的访问
    obj = v1 + 1 if text.startswith(("了", "至", "到"), v1) else v1
    if verb not in _ALWAYS_INBOUND and text.startswith(home.long, obj):
        # 访问我市; 日本代表团赴我市 (but 侨联赴南通市海门区 is a domestic trip: no foreign party named)
        return Trip(INBOUND, verb, v0) if places or verb not in _DEFAULT_OUTBOUND else None
    if verb not in _ALWAYS_INBOUND and not {obj, obj + 1, v0} & places and _chinese_place_at(text, obj, home):
        return None  # 赴X市学习考察 where X市 is a Chinese city: a domestic trip
    if verb not in _ALWAYS_INBOUND and (obj in places or obj + 1 in places or v0 in places):
        return Trip(OUTBOUND, verb, v0)  # v0: a place word that holds its verb (赴台, 访台)
    if verb in _ALWAYS_INBOUND:
        if verb in ("来华", "赴华") and _resident(text, v1):
            return None  # 来华留学生, 来华工作的外国专家
        return Trip(INBOUND, verb, v0)
    invited = _INVITED_BY.search(before)
    if invited is not None:
        by = invited.group(1)
        if any(h in by for h in home.long):
            return Trip(INBOUND, verb, v0)  # 应我市邀请…访问
        if any(sentence_start + invited.start(1) <= p < sentence_start + invited.end(1) for p in everywhere):
            return Trip(OUTBOUND, verb, v0)  # 应格鲁吉亚农业科学院…邀请…进行了访问
    if verb in _DEFAULT_OUTBOUND:
        # 赴/前往/派出 say "go", not "abroad": the clause must name the foreign place (前往师专 does not)
        return Trip(OUTBOUND, verb, v0) if places or verb in FOREIGN_VERBS else None
    if verb in _BY_SUBJECT:
        subject = text[start:v0]
        if any(f"{to}{h}" in subject for to in ("到", "至", "抵") for h in home.long):
            return Trip(INBOUND, verb, v0)  # …代表团到柳州市图书馆工作访问
        if _OUR_SUBJECT.search(subject) or any(h in subject for h in home.own):
            return Trip(OUTBOUND, verb, v0)
        first = min((p for p in places if start <= p < v0), default=None)
        if first is not None:
            # 美国X大学代表团访问…: the foreign party is the subject; 对东京和冲绳等地进行了友好访问: the
            # places are where we went
            return Trip(OUTBOUND if text[first - 1] in _BEFORE_DESTINATION else INBOUND, verb, v0)
        if "邀请" in subject or "接待" in subject:
            return Trip(INBOUND, verb, v0)
        if verb in ("到访", "参访"):
            return Trip(INBOUND, verb, v0)
    return None


def _origin_of(text: str, places: set[int], start: int, head: int) -> bool:
    """Whether a foreign place before the delegation word names where the delegation comes from: close to
    it, with no verb of meeting between (驻芝加哥总领事会见代表团: the consul is stationed there)."""
    if _FOREIGN_ORIGIN.search(text[max(start, head - _ORIGIN_MAX_CHARS) : head]):
        return True  # 海外侨胞江西行考察团
    for p in sorted(p for p in places if start <= p < head):
        if (
            head - p <= _ORIGIN_MAX_CHARS
            and text[p - 1 : p] not in _BEFORE_DESTINATION
            and not _PRESENCE.search(text, p, head)
        ):
            return True
    return False


def _resident(text: str, pos: int) -> bool:
    """来X工作/学习/定居…: people who come to live, study or work here, unless it is a 工作访问."""
    return text.startswith(_RESIDENT_AFTER_HOME, pos) and not text.startswith(_VISIT_KINDS, pos + 2)


def _trip_without_verb(text: str, start: int, end: int, places: set[int], sentence_start: int) -> Trip | None:
    """A trip told without a travel verb: a foreign delegation present here, or a count of approved trips."""
    head = _DELEGATION_HEAD.search(text, start, end)
    batches = APPROVED_BATCHES.search(text, start, end)
    if head is None and batches is None:
        return None  # most clauses: no need to look for a plan or a reference back
    if _PLANNED.search(text, start, end) or _ANAPHORA.search(text, sentence_start, end):
        return None
    if (
        head is not None
        and _PRESENCE.search(text, start, end)
        and not _ABROAD.search(text, sentence_start, end)
        and not _OUR_SUBJECT.search(text, start, head.start())
        and _origin_of(text, places, start, head.start())
    ):
        return Trip(INBOUND, head.group(), head.start())
    context = max(0, start - APPROVAL_CONTEXT_CHARS)  # the paragraph's heading: 加强出国管理。
    if (
        batches is not None
        and _APPROVAL.search(text, start, end)
        and not _DOCUMENTS.search(text, start, end)
        and _OUTBOUND_CONTEXT.search(text, context, end)
    ):
        return Trip(OUTBOUND, "审批", _APPROVAL.search(text, start, end).start())
    return None


def _chinese_place_at(text: str, pos: int, home: Home) -> bool:
    """Whether a Chinese division name (other than home) starts at `pos`."""
    g = gazetteer()
    if text.startswith(home.long, pos):
        return False
    for length in (2, 3, 4, 5, 6):
        word = text[pos : pos + length]
        if (word in g.cn_full or word in g.cn_base) and word not in home.names:
            return True
    return False


# every cue is a plain word, so one alternation without groups (fast in the regex engine) finds them and a
# dict says which kind each word states
_CUE_KIND = {word: kind for kind, pattern in reversed(_KIND_CUES) for word in pattern.pattern.split("|")}
_ANY_CUE = compile_cached("|".join(sorted(_CUE_KIND, key=len, reverse=True)))
_CUE_RANK = {kind: rank for rank, (kind, _) in enumerate(_KIND_CUES)}


def cue_kind(text: str, start: int, end: int) -> str | None:
    """The non-visit kind a clause's wording states (the highest-priority one when several are), or None."""
    kinds = {_CUE_KIND[m.group()] for m in _ANY_CUE.finditer(text, start, end)}
    return min(kinds, key=_CUE_RANK.__getitem__) if kinds else None


def is_planned(text: str, start: int, end: int) -> bool:
    """A clause about the future (拟, 计划, 将): not something that happened."""
    return _PLANNED.search(text, start, end) is not None


@functools.cache
def _theme_pattern() -> tuple[re.Pattern[str], dict[str, frozenset[str]]]:
    by_word: dict[str, set[str]] = {}
    with (DATA_DIR / "activity_themes.csv").open(encoding="utf-8") as fh:
        rows = list(csv.reader(line for line in fh if not line.startswith("#")))[1:]
    for theme, word in rows:
        by_word.setdefault(word, set()).add(theme)
    words = sorted(by_word, key=len, reverse=True)
    return compile_cached("|".join(map(re.escape, words))), {w: frozenset(t) for w, t in by_word.items()}


def themes(text: str, spans: Iterable[tuple[int, int]]) -> set[str]:
    """Themes whose keywords occur in the given spans of `text`."""
    pattern, by_word = _theme_pattern()
    found: set[str] = set()
    for start, end in spans:
        for m in pattern.finditer(text, start, end):
            found |= by_word[m.group()]
        if _OFFICIAL_DELEGATION.search(text, start, end):
            found.add("government")
    return found


def ordered_themes(found: set[str]) -> list[str]:
    """Themes in the fixed order of THEMES, ["other"] when none."""
    return [t for t in THEMES if t in found] or ["other"]
