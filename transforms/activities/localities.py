"""Foreign localities (cities, counties, prefectures, states) and which country each belongs to.

How a name is found, strongest evidence first:
1. right after a country name, optionally through 友城/友好城市/姐妹城市: 日本X市, 韩国X郡, 德国X州,
   法国友城X…;
2. in a list continuing such a name: "日本X市、Y市、巴西Z市" (Y inherits 日本), "韩国X郡及Y市";
3. as a bare short name right after a country when the name ends there (韩国X10所小学: "X" before a digit);
4. named elsewhere in the text without a country ("…与X市开展友好交流") and tied to a country by another
   sentence ("法国友城X…"), or given by the caller's corpus-learned list (`known_localities`).
Once a name is known for a narrative, every later mention of it (with or without its 市/县/郡/州 suffix)
counts, so "X市市长率团访问" and "X书道协会" both point at X.

Never a locality: a Chinese division (python-stdnum / cpca tables), the reporting institution's own place, a
name containing function words or organisation words (…中学, …大学, …协会, …中心).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from transforms.activities.gazetteer import Gazetteer, Hit

SUFFIXES = "市县郡州省道府区町"
_WEAK_SUFFIXES = "道府区町"  # only trusted right after a country name
# A name is CJK characters, possibly joined by a hyphen or middle dot (莱茵兰-普法尔茨州).
_NAME = r"(?:[\u4e00-\u9fff]|(?<=[\u4e00-\u9fff])[-－·・](?=[\u4e00-\u9fff]))"
_CONNECTOR = re.compile(r"(?:的)?(?:友好城市|姐妹城市|友城|友好省州|友好省|友好州)?")
_SUFFIXED = re.compile(rf"({_NAME}{{2,10}}?)([{SUFFIXES}])")
_BARE = re.compile(rf"({_NAME}{{2,4}})(?=$|[^\u4e00-\u9fff]|等)")
_LIST_NEXT = re.compile(rf"(?:、|及|和|与|以及)({_NAME}{{2,10}}?)([{SUFFIXES}])")
_LIST_NEXT_BARE = re.compile(rf"(?:、|及|和|以及)({_NAME}{{2,4}})(?=$|[^\u4e00-\u9fff]|等)")
_PENDING = re.compile(rf"(?:与|和|同|及|、|友城|友好城市|姐妹城市|邀请)({_NAME}{{2,6}}?)([市县郡州省道府])")
# a sentence or clause that opens with a place and its officials: "X市市长率团…", "X县议会议长…"
_PENDING_TITLED = re.compile(
    rf"(?:^|(?<=[，,。；;：:）)\n]))({_NAME}{{2,6}}?)([市县郡州省道府])"
    r"(?=副?市长|市议会|议会|知事|州长|副?省长|郡守|县长|友好代表团|代表团|政府)"
)
# words that never occur inside a place name but do occur in the text around it
_NOT_IN_NAME = re.compile(
    r"[的了与及等在对向为我各该其此两每这并将拟已把被于是有个们]|全国|全市|全省|全县|本市|本省|本县|本区|本校|中心|学校|大学|中学|小学|学院|协会|公司|集团|政府|代表"
    r"|交流|合作|开展|国际|文化|教育|青年|活动|项目|工作|友好|友城|城市|地区|省市|全国|国家|访问|组织|部门|单位"
    r"|委员|研究|领域|关系|之间|人员|企业|邀请|接待|率团|应邀|考察|举办|参加"
)
_NOT_IN_BARE = re.compile(
    r"[建交签约友城际访问赴往团组协校院司局处到来去间上下年月日人次批场届所项学会家员心化流作展动语文生师长客宾队部业商贸医技专科游旅艺术体育赛节馆站留]"
)


def base_name(name: str) -> str:
    """横滨市 -> 横滨, 长野县 -> 长野: the form a sentence uses without the suffix."""
    if len(name) > 2 and name[-1] in SUFFIXES:
        return name[:-1]
    return name


@dataclass
class LocalityTable:
    """Localities known for one narrative: base name -> (name as reported, country)."""

    by_base: dict[str, tuple[str, str]] = field(default_factory=dict)

    def add(self, name: str, country: str) -> None:
        base = base_name(name)
        current = self.by_base.get(base)
        if current is None or (current[0] == base and name != base):
            self.by_base[base] = (name, country)  # the suffixed form wins as the reported name


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    name: str
    country: str


class LocalityFinder:
    """Find and resolve foreign localities in one narrative."""

    def __init__(self, text: str, hits: list[Hit], g: Gazetteer, home: frozenset[str]) -> None:
        self.text = text
        self.g = g
        self.home = home
        self.hit_starts = {h.start for h in hits}
        self.places = [h for h in hits if h.countries or h.regions]
        self.country_hits = [h for h in hits if len(h.countries) == 1 and not h.regions and not h.compound]

    def acceptable(self, name: str, *, strong: bool) -> bool:
        """A plausible foreign place name: not Chinese, not home, not a phrase.

        `strong`: a country name precedes it, so weaker suffixes (道, 府, 区) and short names are trusted.
        """
        base = base_name(name)
        if len(base) < 2 or _NOT_IN_NAME.search(base):
            return False
        if name in self.home or base in self.home or name in self.g.cn_full:
            return False
        return strong or not (base in self.g.cn_base or name[-1] in _WEAK_SUFFIXES)

    def learn(self, sentence_ranges: Iterable[tuple[int, int]]) -> LocalityTable:
        """Names tied to a country somewhere in the flagged sentences (rules 1-4 of the module doc)."""
        text = self.text
        table = LocalityTable()
        pending: dict[str, str] = {}
        sole_country: dict[str, str] = {}  # pending base -> the only country its sentence names
        for start, end in sentence_ranges:
            countries = {c for h in self.places if start <= h.start < end for c in h.countries}
            regions = any(h.regions for h in self.places if start <= h.start < end)
            for m in (*_PENDING.finditer(text, start, end), *_PENDING_TITLED.finditer(text, start, end)):
                stop = self._extend(m.end())
                name = text[m.start(1) : stop]
                if self.acceptable(name, strong=False) and not self._crosses_hit(m.start(1), stop):
                    base = base_name(name)
                    pending.setdefault(base, name)
                    if len(countries) == 1 and not regions:
                        sole_country.setdefault(base, next(iter(countries)))
        for hit in self.country_hits:
            country = hit.countries[0]
            pos = _CONNECTOR.match(text, hit.end).end()
            name, end = self._name_at(pos, pending)
            while name is not None:
                table.add(name, country)
                name, end = self._next_in_list(end, pending)
        # "以中国与美国建交N周年为契机,邀请X市市长率团访问…": the sentence's only country is X's
        for base, country in sole_country.items():
            if base not in table.by_base:
                table.add(pending[base], country)
        return table

    def _name_at(self, pos: int, pending: Mapping[str, str]) -> tuple[str | None, int]:
        text = self.text
        m = _SUFFIXED.match(text, pos)
        if m and m.end() - pos <= 9:
            end = self._extend(m.end())
            name = text[pos:end]
            if self.acceptable(name, strong=True) and not self._crosses_hit(pos, end):
                return name, end
        for base, name in pending.items():
            if text.startswith(base, pos):
                return name, pos + len(base)
        m = _BARE.match(text, pos)
        if m and not _NOT_IN_BARE.search(m.group(1)) and self.acceptable(m.group(1), strong=True):
            return m.group(1), m.end()
        return None, pos

    def _extend(self, end: int) -> int:
        """X州 followed by 市: the 州 belonged to the name (a city called "…州" in its own language)."""
        text = self.text
        if text[end - 1] in "州道府" and end < len(text) and text[end] in "市县郡区":
            return end + 1
        return end

    def _crosses_hit(self, start: int, end: int) -> bool:
        """True when another gazetteer name starts inside [start, end): the text moved on to a new place."""
        return any(p in self.hit_starts for p in range(start, end))

    def _next_in_list(self, pos: int, pending: Mapping[str, str]) -> tuple[str | None, int]:
        text = self.text
        if pos >= len(text):
            return None, pos
        m = _LIST_NEXT.match(text, pos)
        if m and m.start(1) not in self.hit_starts:
            end = self._extend(m.end())
            name = text[m.start(1) : end]
            if self.acceptable(name, strong=False):
                return name, end
        # a sub-locality directly after the locality: 美国加州X市
        m = _SUFFIXED.match(text, pos)
        if m and m.group(2) in "市县郡区町" and m.end() - pos <= 6:
            name = m.group(0)
            if self.acceptable(name, strong=False):
                return name, m.end()
        m = _LIST_NEXT_BARE.match(text, pos)
        if (
            m
            and m.start(1) not in self.hit_starts
            and not _NOT_IN_BARE.search(m.group(1))
            and self.acceptable(m.group(1), strong=False)
        ):
            return m.group(1), m.end()
        return None, pos


def mentions(text: str, table: LocalityTable, known: KnownLocalities | None, g: Gazetteer) -> list[Mention]:
    """Every mention of a known locality in `text`, longest form first, no overlaps, in text order.

    The narrative's own table wins over the corpus list where both match. A bare base that is also a
    Chinese place name (a Japanese city sharing a county's name) only counts in its full, suffixed form.
    """
    forms: dict[str, tuple[str, str]] = {}
    for base, (name, country) in table.by_base.items():
        forms[name] = (name, country)
        if base != name and base not in g.cn_base:
            forms[base] = (name, country)
    found: list[Mention] = []
    taken: list[tuple[int, int]] = []

    def take(start: int, end: int, name: str, country: str) -> None:
        if not any(s < end and start < e for s, e in taken):
            taken.append((start, end))
            found.append(Mention(start, end, name, country))

    for form in sorted(forms, key=len, reverse=True):
        pos = text.find(form)
        while pos >= 0:
            take(pos, pos + len(form), *forms[form])
            pos = text.find(form, pos + len(form))
    if known is not None and known.automaton is not None:
        data = text.encode("utf-8")
        byte_pos = char_pos = 0
        corpus: list[tuple[int, int, str, str]] = []
        for last, (nchars, name, country) in known.automaton.iter(data.decode("latin-1")):
            if last + 1 != byte_pos:
                char_pos += len(data[byte_pos : last + 1].decode("utf-8"))
                byte_pos = last + 1
            corpus.append((char_pos - nchars, -nchars, name, country))
        for start, neg, name, country in sorted(corpus):
            take(start, start - neg, name, country)
    found.sort(key=lambda m: m.start)
    return found


class KnownLocalities:
    """A caller's {name: country} list compiled once into an automaton over every name and its bare form."""

    def __init__(self, known: Mapping[str, str], g: Gazetteer) -> None:
        import ahocorasick

        names: dict[str, tuple[str, str]] = {}
        for name, country in known.items():
            base = base_name(name)
            if len(base) < 2 or name in g.cn_full or _NOT_IN_NAME.search(base):
                continue
            canonical = next((name + s for s in "市县郡州省" if known.get(name + s) == country), name)
            names[name] = (canonical, country)
            if canonical == name and base != name and base not in g.cn_base:
                names.setdefault(base, (canonical, country))
        self.size = len(known)
        self.automaton = None
        if names:
            self.automaton = ahocorasick.Automaton()
            for form, (canonical, country) in names.items():
                self.automaton.add_word(
                    form.encode("utf-8").decode("latin-1"), (len(form), canonical, country)
                )
            self.automaton.make_automaton()
