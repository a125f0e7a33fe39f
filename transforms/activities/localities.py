"""Foreign localities (cities, counties, prefectures, states) and which country each belongs to.

How a name is found, strongest evidence first:
1. right after a country name, optionally through 友城/友好城市/姐妹城市: 日本X市, 韩国X郡, 德国X州,
   法国友城X…;
2. in a list continuing such a name: "日本X市、Y市、巴西Z市" (Y inherits 日本), "韩国X郡及Y市";
3. a name of the foreign-place gazetteer (foreign_places.py: GeoNames, ISO 3166-2, the curated list) that
   can stand alone: three characters or more, written with its suffix, or a city of a million people
   (芝加哥, 和歌山县, 东京), its country chosen by the sentence, the narrative, or its size;
4. named elsewhere in the text without a country ("…与X市开展友好交流") and tied to a country by another
   sentence ("法国友城X…"), or given by the caller's corpus-learned list (`known_localities`).
Once a name is known for a narrative, every later mention of it (with or without its 市/县/郡/州 suffix)
counts, so "X市市长率团访问" and "X书道协会" both point at X.

Never a locality: a Chinese division (python-stdnum / cpca tables), the reporting institution's own place, a
name containing function words or organisation words (…中学, …大学, …协会, …中心), a city only naming an
organisation or event after it (法兰克福展览公司), a person (西哈努克亲王, 弗拉基米尔·…), a 《title》.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from transforms.activities.foreign_places import SPECIFIC_NAME_CHARS, base_of
from transforms.activities.gazetteer import LOCALITY, Gazetteer, Hit, data_rows
from transforms.regex_cache import compile_cached

SUFFIXES = "市县郡州省道府区町"
_WEAK_SUFFIXES = "道府区町"  # only trusted right after a country name
# A name is CJK characters, possibly joined by a hyphen or middle dot (莱茵兰-普法尔茨州).
_NAME = r"(?:[\u4e00-\u9fff]|(?<=[\u4e00-\u9fff])[-－·・](?=[\u4e00-\u9fff]))"
# The patterns built on _NAME take 4 ms each to compile: their compiled programs come from the disk cache.
_CONNECTOR = compile_cached(r"(?:的)?(?:友好城市|姐妹城市|友城|友好省州|友好省|友好州)?")
_SUFFIXED = compile_cached(rf"({_NAME}{{2,10}}?)([{SUFFIXES}])")
_LIST_NEXT = compile_cached(rf"(?:、|及|和|与|以及)({_NAME}{{2,10}}?)([{SUFFIXES}])")
_LIST_NEXT_BARE = compile_cached(rf"(?:、|及|和|以及)({_NAME}{{2,4}})(?=$|[^\u4e00-\u9fff]|等)")
_PENDING = compile_cached(
    rf"(?:与|和|同|及|、|友城|友好城市|姐妹城市|邀请)({_NAME}{{2,6}}?)([市县郡州省道府])"
)
# a sentence or clause that opens with a place and its officials: "X市市长率团…", "X县议会议长…"
_OFFICIALS = compile_cached(r"副市长|市长|市议会|议会|知事|州长|副省长|省长|郡守|县长|友好代表团|代表团|政府")
_PENDING_TITLED = compile_cached(
    rf"(?:^|(?<=[，,。；;：:）)\n]))({_NAME}{{2,6}}?)([市县郡州省道府])(?={_OFFICIALS.pattern})"
)
# words that never occur inside a place name but do occur in the text around it
_NOT_IN_NAME = compile_cached(
    r"[的了与及等在对向为我各该其此两每这并将拟已把被于是有个们来副第]|全国|首都|全市|全省|全县|本市|本省|本县|本区|本校|中心|学校|大学|中学|小学|学院|协会|公司|集团|政府|代表"
    r"|交流|合作|开展|国际|文化|教育|青年|活动|项目|工作|友好|友城|城市|地区|省市|全国|国家|访问|组织|部门|单位"
    r"|委员|研究|领域|关系|之间|人员|企业|邀请|接待|率团|应邀|考察|举办|参加"
)
# An organisation named after its city (法兰克福展览公司, 芝加哥大学): the city alone is not a partner
# locality there; a name written with its suffix is (泗水市中华学校).
# locality there (a library or a museum district is a place: 美国辛辛那提图书馆, 休斯顿博物馆区).
_ORGANISATION_AFTER = compile_cached(
    r"[\u4e00-\u9fff]{0,4}?(?:公司|集团|大学|学院|会馆|商会|同乡会|基金会|银行|中学|小学|学校|大会|博览会|饭店|酒店|宾馆)"
)
# A division suffix that begins a word of its own (联合市人大 is 联合 + 市人大, 芝加哥市长 is the mayor): the
# name ends before it.
_SUFFIX_WORDS = (
    "市人大", "市议会", "市委", "市政", "市长", "市民", "市场", "市区", "市级", "市直", "市属", "市内",
    "市里", "市外",
    "县委", "县政", "县长", "县级", "省委", "省政", "省长", "省级", "州长", "州政", "区委", "区政",
)  # fmt: skip
_NOT_IN_BARE = compile_cached(
    r"[建交签约友城际访问赴往团组协校院司局处到来去间上下年月日人次批场届所项学会家员心化流作展动语文生师长客宾队部业商贸医技专科游旅艺术体育赛节馆站留]"
)


@functools.cache
def _not_locality_endings() -> tuple[str, ...]:
    return tuple(row[0] for row in data_rows("not_localities.csv"))


# A transliterated personal name is written with a middle dot between its parts (弗拉基米尔·尼古拉耶夫):
# a city of the same name next to such a dot is the person.
_NAME_DOTS = "·•・"
# A name right before a person's title is the person's (西哈努克亲王), not the city of that name.
_PERSON_TITLE_AFTER = (
    "亲王", "国王", "王子", "公主", "总统", "首相", "总理", "主席", "先生", "女士", "博士", "教授",
    "夫妇", "夫人",
)  # fmt: skip


def _inside_organisation(text: str, start: int, end: int) -> bool:
    """Whether the name at [start, end), written without a suffix, only names an organisation after it."""
    return text[end - 1] not in SUFFIXES and _ORGANISATION_AFTER.match(text, end) is not None


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
        # a name whose 州 belongs to it (X州 when X州市 is known) is one place, whichever form comes first
        base = name if name in self.by_base else base_name(name)
        for key, (known, _) in list(self.by_base.items()):
            if known == base and key != base:
                del self.by_base[key]
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
        self.kind_at = {h.start: h.kind for h in hits}
        self.consumed: set[int] = set()  # positions inside names read with their country
        self.places = [h for h in hits if (h.countries or h.regions) and h.kind != LOCALITY]
        self.country_hits = [
            h
            for h in self.places
            if len(h.countries) == 1 and not h.regions and not h.compound and h.kind != LOCALITY
        ]
        # positions strictly inside a place name: no other name starts there (访问和歌山县 is not 歌山县)
        self.inside = {p for h in hits if h.countries or h.regions for p in range(h.start + 1, h.end)}
        self.locality_hits = [h for h in hits if h.kind == LOCALITY]
        self.locality_at = {h.start: h for h in self.locality_hits}
        self.narrative_countries = {c for h in self.places for c in h.countries}

    def acceptable(self, name: str, *, strong: bool) -> bool:
        """A plausible foreign place name: not Chinese, not home, not a phrase.

        `strong`: a country name precedes it, so weaker suffixes (道, 府, 区) and short names are trusted.
        """
        base = base_name(name)
        if len(base) < 2 or _NOT_IN_NAME.search(base) or name.endswith(_not_locality_endings()):
            return False
        if name in self.home or base in self.home or name in self.g.cn_full:
            return False
        if any(name[i:] in self.g.cn_full or name[i:] in self.home for i in range(1, len(name) - 1)):
            return False  # 议会到延吉市: the text ran on into a Chinese place
        return strong or not (base in self.g.cn_base or name[-1] in _WEAK_SUFFIXES)

    def learn(self, sentence_ranges: Iterable[tuple[int, int]]) -> LocalityTable:
        """Names tied to a country somewhere in the flagged sentences (rules 1-4 of the module doc)."""
        text = self.text
        table = LocalityTable()
        pending: dict[str, str] = {}
        sole_country: dict[str, str] = {}  # pending base -> the only country its sentence names
        for start, end in sentence_ranges:
            # _PENDING_TITLED tries every character: run it only where officials are named at all
            titled = _PENDING_TITLED.finditer(text, start, end) if _OFFICIALS.search(text, start, end) else ()
            for m in (*_PENDING.finditer(text, start, end), *titled):
                stop = self._extend(m.end())
                name = text[m.start(1) : stop]
                if (
                    self.acceptable(name, strong=False)
                    and not self._crosses_hit(m.start(1), stop)
                    and m.start(1) not in self.inside
                ):
                    base = base_name(name)
                    pending.setdefault(base, name)
                    country = self._sole_country(start, end)
                    if country is not None:
                        sole_country.setdefault(base, country)
        for hit in self.country_hits:
            country = hit.countries[0]
            pos = _CONNECTOR.match(text, hit.end).end()
            name, end = self._name_at(pos, pending, country)
            if name is not None:
                self._add_with_list(table, name, end, country, pending)
        # "以中国与美国建交N周年为契机,邀请X市市长率团访问…": the sentence's only country is X's
        for base, country in sole_country.items():
            if base not in table.by_base:
                table.add(pending[base], country)
        self._learn_gazetteer_names(sentence_ranges, table)
        return table

    def _sole_country(self, start: int, end: int) -> str | None:
        """The one country text[start:end] names, if it names exactly one and no region.

        Asked only for a sentence with a name to tie, not for every flagged sentence."""
        places = [h for h in self.places if start <= h.start < end]
        countries = {c for h in places for c in h.countries}
        if len(countries) == 1 and not any(h.regions for h in places):
            return next(iter(countries))
        return None

    def _add_with_list(
        self, table: LocalityTable, name: str | None, end: int, country: str, pending: Mapping[str, str]
    ) -> None:
        """Add a name and the names listed or nested right after it (日本X市、Y市; 韩国X道Y市); with no
        name, only those after `end`."""
        if name is not None:
            table.add(name, country)
        while (found := self._next_in_list(end, pending, country, after=name or ""))[0] is not None:
            name, end = found
            table.add(name, country)

    def _learn_gazetteer_names(
        self, sentence_ranges: Iterable[tuple[int, int]], table: LocalityTable
    ) -> None:
        """Gazetteer places that may stand without their country in front (芝加哥, 东京, 和歌山县), and the
        places nested or listed right after any known one (和歌山县印南町)."""
        ranges = list(sentence_ranges)
        for hit in self.locality_hits:
            end = self._extend_suffix(hit.end)
            name = self.text[hit.start : end]
            known = table.by_base.get(base_name(name))
            if known is not None:
                self._add_with_list(table, name, end, known[1], {})  # the suffixed form wins as the name
                continue
            if not self.acceptable(name, strong=True) or self._beside_name_dot(hit):
                continue
            if hit.start in self.consumed or self.text.startswith(_PERSON_TITLE_AFTER, end):
                continue  # inside a longer name already read (北帕默斯顿市), or a person (西哈努克亲王)
            if self._in_title(hit.start):
                continue  # 《纽约时报》: a newspaper, not New York
            if not self._specific(name, hit):
                continue  # a short or shared name counts only right after its country (see learn)
            sentence = next(((s, e) for s, e in ranges if s <= hit.start < e), None)
            if sentence is None:
                continue
            in_sentence = {
                c for h in self.places if sentence[0] <= h.start < sentence[1] for c in h.countries
            }
            country = self._country_of(hit, in_sentence)
            if country is None:
                continue
            if _inside_organisation(self.text, hit.start, end):
                continue
            self._add_with_list(table, name, end, country, {})

    def _in_title(self, pos: int) -> bool:
        """Whether `pos` is inside a 《title》 (a newspaper, a book, a programme named after a place)."""
        opening = self.text.rfind("《", max(0, pos - 30), pos)
        return opening >= 0 and "》" not in self.text[opening:pos]

    def _beside_name_dot(self, hit: Hit) -> bool:
        text = self.text
        return (hit.start > 0 and text[hit.start - 1] in _NAME_DOTS) or text[
            hit.end : hit.end + 1
        ] in _NAME_DOTS

    def _country_of(self, hit: Hit, in_sentence: set[str]) -> str | None:
        """The country a gazetteer name means here: the one the sentence names, else the narrative, else
        the only one, else the one whose place is far larger than every other of that name."""
        for context in (in_sentence, self.narrative_countries):
            named = [c for c in hit.countries if c in context]
            if len(named) == 1:
                return named[0]
        if len(hit.countries) == 1:
            return hit.countries[0]
        return self.g.dominant_country.get(self.text[hit.start : hit.end])

    def _specific(self, name: str, hit: Hit) -> bool:
        """A name that may stand alone: long enough, written with its suffix, or a city of millions."""
        base = base_of(name)
        if len(base) >= SPECIFIC_NAME_CHARS or base != name:
            return len(hit.countries) == 1 or len(base) >= SPECIFIC_NAME_CHARS
        return self.text[hit.start : hit.end] in self.g.major_cities

    def _extend_suffix(self, end: int) -> int:
        """Where a gazetteer name ends in the text: with a suffix the source lacks (大和 → 大和市), without
        one that starts a word of its own (联合市人大 → 联合)."""
        text = self.text
        if text.startswith(_SUFFIX_WORDS, end - 1):
            return end - 1
        if (
            end < len(text)
            and text[end] in SUFFIXES
            and text[end - 1] not in SUFFIXES  # 横滨市市议会: the name has its suffix already
            and not text.startswith(_SUFFIX_WORDS, end)
        ):
            return end + 1
        return end

    def _name_at(self, pos: int, pending: Mapping[str, str], country: str) -> tuple[str | None, int]:
        text = self.text
        hit = self.locality_at.get(pos)
        if hit is not None and country in hit.countries:
            end = self._extend_suffix(hit.end)
            if _inside_organisation(text, pos, end):
                return None, pos  # 英国伯明翰大学: the city only names the organisation
            return text[pos:end], end
        m = _SUFFIXED.match(text, pos)
        if m and m.end() - pos <= 9:
            end = self._extend(m.end())
            name = text[pos:end]
            if self.acceptable(name, strong=True) and not self._crosses_hit(pos, end, LOCALITY):
                self.consumed.update(range(pos, end))  # 新西兰北帕默斯顿市: not 帕默斯顿 of Australia
                return name, end
        for base, name in pending.items():
            if text.startswith(base, pos):
                return name, pos + len(base)
        return None, pos

    def _extend(self, end: int) -> int:
        """X州 followed by 市: the 州 belonged to the name (a city called "…州" in its own language)."""
        text = self.text
        if text[end - 1] in "州道府" and end < len(text) and text[end] in "市县郡区":
            return end + 1
        return end

    def _crosses_hit(self, start: int, end: int, ignored_kind: str | None = None) -> bool:
        """True when another gazetteer name (of another kind than `ignored_kind`) starts inside
        [start, end): the text moved on to a new place."""
        return any(
            p in self.hit_starts and (ignored_kind is None or self.kind_at.get(p) != ignored_kind)
            for p in range(start, end)
        )

    def _next_in_list(
        self, pos: int, pending: Mapping[str, str], country: str, after: str = ""
    ) -> tuple[str | None, int]:
        text = self.text
        if pos >= len(text):
            return None, pos
        # a gazetteer place of the same country right after the previous one (江原道江陵市) or after a
        # list separator
        for start in (pos, pos + 1):
            hit = self.locality_at.get(start)
            if hit is not None and country in hit.countries and (start == pos or text[pos] in "、及和与"):
                end = self._extend_suffix(hit.end)
                if _inside_organisation(text, pos, end):
                    return None, pos
                return text[start:end], end
        m = _LIST_NEXT.match(text, pos)
        if m and m.start(1) not in self.hit_starts and m.start(1) not in self.inside:
            end = self._extend(m.end())
            name = text[m.start(1) : end]
            if self.acceptable(name, strong=False):
                return name, end
        # a sub-locality directly after the locality: 美国加州X市, 和歌山县印南町; a district (区) only
        # inside a division (撒马尔罕州努拉巴德区), as a city's 区 is a part of town, not a partner
        m = _SUFFIXED.match(text, pos)
        division = after.endswith(("州", "省", "道", "县", "府", "都"))
        if m and m.group(2) in ("市县郡区町" if division else "市县郡町") and m.end() - pos <= 6:
            name = m.group(0)
            if self.acceptable(name, strong=True) and pos not in self.hit_starts:
                return name, m.end()
        m = _LIST_NEXT_BARE.match(text, pos)
        if (
            m
            and m.start(1) not in self.hit_starts
            and m.start(1) not in self.inside
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
