"""extract_activities: one narrative in, activity rows (docs/record.md, activities[]) out.

The pipeline, and why in this order:
1. one gazetteer pass over the whole narrative (gazetteer.scan); a narrative with no hit and no known
   locality returns [] at once, which is the common case and costs one automaton pass;
2. foreign localities are learned from the whole narrative before any sentence is read (localities.py), so a
   city named with its country in one sentence is recognised bare in an earlier or later one;
3. each sentence with a hit is cut into comma clauses; clauses stating a trip (classify.find_trip) are
   grouped into one visit per stated trip: trips in different directions, or each with its own month,
   count or place, are separate visits; a trip with nothing of its own merges with its neighbour;
4. each visit takes the clauses that lead into it (time, subject) and that continue it (results, places
   visited) up to the next statement with its own subject; counts and month come from the trip clause
   first, then its continuation, then its lead-in, then a chronicle date alone on the line above;
5. clauses with other cues (agreement, online, local foreigners, hosted event, project, liaison) become one
   row per kind per sentence; leftover clauses naming a foreign place become "plan" (a trip or wish for
   the future) or "other".
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from transforms.activities import numbers
from transforms.activities.classify import (
    APPROVAL_CONTEXT_CHARS,
    APPROVED_BATCHES,
    FOREIGN_VERBS,
    TRIP_VERB,
    Home,
    Trip,
    cue_kind,
    find_trip,
    home_forms,
    is_planned,
    ordered_themes,
    themes,
)
from transforms.activities.clauses import Span, clauses, dated_lines, line_start, sentences
from transforms.activities.gazetteer import LOCALITY, MARKER, Hit, gazetteer, scan
from transforms.activities.localities import KnownLocalities, LocalityFinder, Mention, mentions
from transforms.activities.restatements import merge_restatements
from transforms.normalize.script import to_simplified
from transforms.regex_cache import compile_cached

_known_cache: dict[int, tuple[weakref.ReferenceType | Mapping[str, str], KnownLocalities]] = {}


_UNREAD = -1  # a clause's month before it is read (a month is 1-12 or None)


@dataclass(slots=True, eq=False)
class _Clause:
    """One comma piece of a sentence: the places it names and what it states.

    Why its month and counts are kept on it: grouping trips, the visit rows and the other rows all ask for
    them, and each is read from the clause's text once, when first asked.
    """

    span: Span
    text: str  # the clause itself
    places: list[Hit] = field(default_factory=list)
    markers: list[Hit] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    trip: Trip | None = None
    cue: str | None = None
    _month: int | None = _UNREAD
    _counts: dict[str, int] | None = None

    @property
    def foreign(self) -> bool:
        return bool(self.places or self.mentions)

    def starts_with_place(self) -> bool:
        first = min([p.start for p in self.places] + [m.start for m in self.mentions], default=-1)
        return first == self.span.start

    def month(self) -> int | None:
        if self._month == _UNREAD:
            self._month = numbers.month(self.text)
        return self._month

    def counts(self) -> dict[str, int]:
        if self._counts is None:
            self._counts = numbers.counts([self.text])[0]
        return self._counts

    def facts(self) -> tuple[int | None, dict[str, int], set[str]]:
        """(month, counts, countries) the clause states: what makes a trip a different trip."""
        countries = {x for p in self.places for x in p.countries} | {m.country for m in self.mentions}
        return self.month(), self.counts(), countries


def _known(known_localities: Mapping[str, str] | None) -> KnownLocalities | None:
    """The caller's corpus list compiled once per mapping object (not per call)."""
    if not known_localities:
        return None
    key = id(known_localities)
    cached = _known_cache.get(key)
    if cached is not None:
        ref, compiled = cached
        alive = ref() if isinstance(ref, weakref.ReferenceType) else ref
        if alive is known_localities and compiled.size == len(known_localities):
            return compiled
    compiled = KnownLocalities(known_localities, gazetteer())
    try:
        ref: weakref.ReferenceType | Mapping[str, str] = weakref.ref(known_localities)
    except TypeError:  # plain dicts cannot be weakly referenced: keep the mapping itself alive
        ref = known_localities
    if len(_known_cache) > 32:
        _known_cache.clear()
    _known_cache[key] = (ref, compiled)
    return compiled


def extract_activities(
    narrative: str, *, home_names: Iterable[str] = (), known_localities: Mapping[str, str] | None = None
) -> list[dict]:
    """Activity rows for one narrative; see docs/record.md. Pure: same input, same rows.

    `home_names`: the institution's own city / province / district ("嘉兴市", "浙江省"); they and their short
    forms (嘉兴, 嘉, 浙) are never foreign localities and make 来X / 访问X inbound.
    `known_localities`: {locality name: ISO country} learned across a corpus
    (corpus.learn_partner_localities), so a bare mention resolves even when this narrative never names
    the country.
    """
    if not narrative:
        return []
    original, narrative = narrative, to_simplified(narrative)  # same length: offsets hold in both
    rows = _extract(narrative, home_names, known_localities)
    if original is not narrative:
        for row in rows:
            row["evidence"] = original[row["span"][0] : row["span"][1]]
    return rows


def _extract(
    narrative: str, home_names: Iterable[str], known_localities: Mapping[str, str] | None
) -> list[dict]:
    hits = scan(narrative)
    known = _known(known_localities)
    if not hits and known is None:
        return []
    g = gazetteer()
    home = home_forms(tuple(home_names))
    sents = sentences(narrative)
    flagged = _with_hits(sents, hits)
    finder = LocalityFinder(narrative, hits, g, home.names)
    table = finder.learn(flagged)
    found = mentions(narrative, table, known, g)
    hits = [h for h in hits if h.kind != LOCALITY]  # from here on, a gazetteer name counts as a mention
    if not hits and not found:
        return []
    dated = dated_lines(narrative)
    rows: list[dict] = []
    hit_i = ment_i = 0
    for sent in sents:
        while hit_i < len(hits) and hits[hit_i].start < sent.start:
            hit_i += 1
        while ment_i < len(found) and found[ment_i].start < sent.start:
            ment_i += 1
        s_hits = _until(hits, hit_i, sent.end)
        s_ments = _until(found, ment_i, sent.end)
        if s_hits or s_ments or _under_outbound_heading(narrative, sent, hits, hit_i):
            rows.extend(_sentence_rows(narrative, sent, s_hits, s_ments, home, dated))
    rows.sort(key=lambda r: (r["span"][0], r["kind"] != "visit"))
    return merge_restatements(rows, narrative, home.own)


def _under_outbound_heading(text: str, sent: Span, hits: list[Hit], next_hit: int) -> bool:
    """A sentence of counts right after a foreign-affairs heading (加强出国管理。全年办理审批手续199批…):
    it names no foreign place, but may count approved trips (classify.approved_trips)."""
    previous = hits[next_hit - 1] if next_hit > 0 else None
    return (
        previous is not None
        and previous.kind == MARKER
        and sent.start - previous.end <= APPROVAL_CONTEXT_CHARS
        and APPROVED_BATCHES.search(text, sent.start, sent.end) is not None
    )


def _with_hits(sents: list[Span], hits: list[Hit]) -> list[Span]:
    out: list[Span] = []
    i = 0
    for sent in sents:
        while i < len(hits) and hits[i].start < sent.start:
            i += 1
        if i < len(hits) and hits[i].start < sent.end:
            out.append(sent)
    return out


def _until(items: list, i: int, end: int) -> list:
    j = i
    while j < len(items) and items[j].start < end:
        j += 1
    return items[i:j]


def _sentence_rows(
    text: str, sent: Span, hits: list[Hit], ments: list[Mention], home: Home, dated: dict[int, str]
) -> list[dict]:
    cls = [_Clause(span, text[span.start : span.end]) for span in clauses(text, sent)]
    for h in hits:
        c = _owner(cls, h.start)
        (c.markers if h.kind == MARKER else c.places).append(h)
    for m in ments:
        _owner(cls, m.start).mentions.append(m)
    sentence_foreign = bool(hits or ments)  # each is in one of the clauses
    sentence_places = [h.start for h in hits if h.kind != MARKER] + [m.start for m in ments]
    for c in cls:
        c.cue = cue_kind(text, *c.span)
        if c.cue == "online_event":
            continue
        starts = [p.start for p in c.places] + [m.start for m in c.mentions]
        c.trip = find_trip(text, c.span.start, c.span.end, home, starts, sent.start, sentence_places)
        if c.trip is not None and not sentence_foreign and c.trip.verb not in FOREIGN_VERBS:
            c.trip = None  # a domestic visit
    rows: list[dict] = []
    covered: set[int] = set()
    chronicle_month = dated.get(line_start(text, sent.start))
    groups = _visit_groups(text, cls)
    foreign_groups = [
        any(cls[i].foreign or cls[i].markers for i in lead + trips + cont) for lead, trips, cont in groups
    ]
    previous: dict | None = None
    for (lead, trips, cont), foreign in zip(groups, foreign_groups, strict=True):
        segment = lead + trips + cont
        stated_abroad = any(cls[i].trip.verb in FOREIGN_VERBS for i in trips)
        if not (foreign or stated_abroad or any(foreign_groups)):
            continue
        covered.update(segment)
        row = _visit_row(text, cls, lead, trips, cont, chronicle_month)
        if not foreign and previous is not None:
            # "…访问X市中华学校,10月该校师生回访": the return trip is with the same partner
            for key in ("countries", "regions", "localities"):
                row[key] = previous[key]
        rows.append(row)
        if foreign:
            previous = row
    by_kind: dict[str, list[int]] = {}
    for i, c in enumerate(cls):
        if c.cue is None:
            continue
        if c.trip is not None and c.cue not in ("agreement",):
            continue
        if c.foreign or (c.cue in ("local_foreigners_event", "online_event") and c.markers):
            by_kind.setdefault(c.cue, []).append(i)
        elif c.cue in ("agreement", "online_event") and any(cls[k].foreign for k in range(i)):
            by_kind.setdefault(c.cue, []).append(i)  # "…来访,双方签署备忘录": the partner is the visitor
    for kind, idx in by_kind.items():
        covered.update(idx)
        rows.append(_other_row(text, cls, idx, kind))
    leftover = [i for i, c in enumerate(cls) if c.foreign and i not in covered]
    planned = [i for i in leftover if is_planned(text, *cls[i].span)]
    if planned:
        rows.append(_other_row(text, cls, planned, "plan"))  # 还将赴华盛顿: named, but not (yet) a trip
    if len(planned) < len(leftover):
        rows.append(_other_row(text, cls, [i for i in leftover if i not in planned], "other"))
    return rows


def _owner(cls: list[_Clause], pos: int) -> _Clause:
    for c in cls:
        if pos < c.span.end:
            return c
    return cls[-1]


def conflicting(
    a: tuple[int | None, dict[str, int], set[str]], b: tuple[int | None, dict[str, int], set[str]]
) -> bool:
    """Whether two statements cannot be one trip: other months, other counts, or other countries."""
    (month_a, counts_a, countries_a), (month_b, counts_b, countries_b) = a, b
    if month_a is not None and month_b is not None and month_a != month_b:
        return True
    if any(counts_b.get(k, v) != v for k, v in counts_a.items()):
        return True
    return bool(countries_a and countries_b and not (countries_a & countries_b))


def _visit_groups(text: str, cls: list[_Clause]) -> list[tuple[list[int], list[int], list[int]]]:
    """[(lead-in clause indexes, trip clause indexes, continuation clause indexes)] for each stated trip.

    Trip clauses next to each other in one direction are one trip ("率团赴日,对东京和冲绳等地进行了友好
    访问") unless they state different months, counts or countries ("5月赴韩国…,11月赴日本…").
    """
    groups: list[list[int]] = []
    for i, c in enumerate(cls):
        if c.trip is None:
            continue
        if groups:
            last = cls[groups[-1][-1]]
            adjacent = all(cls[k].trip is None and cls[k].cue is None for k in range(groups[-1][-1] + 1, i))
            same = last.trip is not None and last.trip.direction == c.trip.direction
            facts = c.facts()
            if adjacent and same and not any(conflicting(facts, cls[k].facts()) for k in groups[-1]):
                groups[-1].append(i)
                continue
        groups.append([i])
    out: list[tuple[list[int], list[int], list[int]]] = []
    floor = 0
    for n, trips in enumerate(groups):
        ceiling = groups[n + 1][0] if n + 1 < len(groups) else len(cls)
        lead: list[int] = []
        k = trips[0] - 1
        while k >= floor and cls[k].trip is None and cls[k].cue is None:
            lead.insert(0, k)
            k -= 1
        cont: list[int] = []
        k = trips[-1] + 1
        while k < ceiling:
            c = cls[k]
            if c.cue is not None or c.starts_with_place():
                break
            if is_planned(text, *c.span) and (c.places or TRIP_VERB.search(text, *c.span)):
                break  # a planned trip of its own; "将于11月3日至6日在X町住宿" is this trip's schedule
            if n + 1 < len(groups) and (c.month() is not None or c.counts()):
                break  # it leads into the next trip
            cont.append(k)
            k += 1
        floor = (cont[-1] if cont else trips[-1]) + 1
        out.append((lead, trips, cont))
    return out


def _texts(cls: list[_Clause], idx: Iterable[int]) -> list[str]:
    return [cls[i].text for i in idx]


def _first_month(cls: list[_Clause], idx: Iterable[int]) -> int | None:
    """The month of the first of the clauses `idx` that states one."""
    for i in idx:
        month = cls[i].month()
        if month is not None:
            return month
    return None


def _places(cls: list[_Clause], idx: list[int]) -> tuple[list[str], list[str], list[dict]]:
    countries: set[str] = set()
    regions: set[str] = set()
    localities: dict[str, str] = {}
    for i in idx:
        for p in cls[i].places:
            countries.update(p.countries)
            regions.update(p.regions)
        for m in cls[i].mentions:
            countries.add(m.country)
            localities.setdefault(m.name, m.country)
    return (
        sorted(countries),
        sorted(regions),
        [{"name": name, "country": country} for name, country in localities.items()],
    )


def _row(text: str, kind: str, start: int, end: int) -> dict:
    return {
        "kind": kind,
        "direction": None,
        "countries": [],
        "regions": [],
        "localities": [],
        "partner_org": None,
        "month": None,
        "participants": None,
        "person_times": None,
        "batches": None,
        "times": None,
        "events": None,
        "approximate": False,
        "theme": ["other"],
        "evidence": text[start:end],
        "span": [start, end],
    }


def _visit_row(
    text: str, cls: list[_Clause], lead: list[int], trips: list[int], cont: list[int], chronicle: str | None
) -> dict:
    segment = lead + trips + cont
    row = _row(text, "visit", cls[segment[0]].span.start, cls[segment[-1]].span.end)
    row["direction"] = cls[trips[0]].trip.direction
    row["countries"], row["regions"], row["localities"] = _places(cls, segment)
    order = _texts(cls, trips) + _texts(cls, cont) + _texts(cls, reversed(lead))
    row["month"] = _first_month(cls, [*trips, *reversed(lead), *cont])
    if row["month"] is None and chronicle is not None:
        row["month"] = numbers.month_number(chronicle)
    # a sum stated with its parts (自组团29批217人…共计68批257人): the sum counts the trip
    order.sort(key=lambda piece: numbers.TOTAL_WORDS.search(piece) is None)
    found, row["approximate"] = numbers.counts(order)
    row.update(found)
    found_themes = (
        themes(text, [cls[i].span for i in trips])
        or themes(text, [cls[i].span for i in cont])
        or themes(text, [cls[i].span for i in lead])
    )
    row["theme"] = ordered_themes(found_themes)
    row["partner_org"] = _partner_org(text, cls, trips)
    return row


def _other_row(text: str, cls: list[_Clause], idx: list[int], kind: str) -> dict:
    """A non-visit row over clauses `idx`; places from the nearest earlier foreign clause when they name none,
    month from the clauses before it when they state none, counts also from plain clauses right after."""
    row = _row(text, kind, cls[idx[0]].span.start, cls[idx[-1]].span.end)
    row["countries"], row["regions"], row["localities"] = _places(cls, idx)
    if not (row["countries"] or row["regions"] or row["localities"]):
        earlier = [k for k in range(idx[0]) if cls[k].foreign]
        if earlier:
            row["countries"], row["regions"], row["localities"] = _places(cls, earlier[-1:])
    before = list(reversed([k for k in range(idx[0]) if cls[k].cue is None and cls[k].trip is None]))
    row["month"] = _first_month(cls, idx + before)
    after: list[int] = []
    k = idx[-1] + 1
    while k < len(cls) and cls[k].cue is None and cls[k].trip is None and not cls[k].foreign:
        after.append(k)
        k += 1
    found, row["approximate"] = numbers.counts(_texts(cls, idx + after))
    row.update(found)
    row["theme"] = ordered_themes(themes(text, [cls[i].span for i in idx]))
    row["partner_org"] = _partner_org(text, cls, idx)
    return row


_ORG_SUFFIX = compile_cached(
    r"协会|中心|大学|学院|中学|小学|学校|高中|商会|基金会|委员会|研究所|研究院|公司|集团|俱乐部|学会|联合会"
    r"|医院|博物馆|美术馆|剧团|乐团"
)
_ORG = compile_cached(rf"[^、，,。；;“”《》（）()\s\d]{{0,18}}?(?:{_ORG_SUFFIX.pattern})")


def _partner_org(text: str, cls: list[_Clause], idx: list[int]) -> str | None:
    """The first organisation named right after a foreign place in the given clauses (X市书道协会).

    The organisation starts at the place nearest to its suffix, so 法国友城X森林中学 gives X森林中学.
    """
    for i in idx:
        c = cls[i]
        starts = sorted([p.start for p in c.places if not p.compound] + [m.start for m in c.mentions])
        if not starts or _ORG_SUFFIX.search(text, starts[0], c.span.end) is None:
            continue  # no organisation word after its first place: one quick search instead of one per place
        for n, start in enumerate(starts):
            m = _ORG.match(text, start, c.span.end)
            if m is None:
                continue
            if n + 1 < len(starts) and starts[n + 1] < m.end():
                continue  # a nearer place starts the organisation's name
            return m.group()
    return None
