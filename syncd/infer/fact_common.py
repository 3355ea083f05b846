"""Shared pieces of the fact rules: regex fragments, the per-sentence context, helpers.

A rule is a precompiled regex plus a builder that turns a match into ``Hit`` values (kind,
value, key, confidence, date, sensitivity). Rules only run on sentences whose lower-cased
text contains one of their trigger words, so most sentences cost one regex search.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from syncd.infer import fact_lex as lex
from syncd.infer.dates import DateRef, find_dates, yearly
from syncd.infer.lowered import gate

__all__ = ["Hit", "Ctx", "Rule", "RulePattern", "P", "rx", "gate_of", "G", "clean_place", "clean_org", "team_name", "activity",
           "fact_date", "norm_key", "title_case_role"]


@dataclass(frozen=True, slots=True)
class Hit:
    kind: str
    value: str
    key: str
    confidence: float
    date: str | None = None
    sensitive: bool = False


_STRONG = re.compile(
    r"[;!?]|\.\s|\b(?:so|but|because|although|though)\b"
    r"|(?:\band|,)\s+(?:I|we|I'm|we're|I've|we've|I'll|we'll|my|our|he|she|they|he's|she's|they're)\b",
    re.IGNORECASE)


@dataclass(slots=True)
class Ctx:
    """One sentence being read, with lazily found dates and the dates already used."""

    sentence: str
    ref: dt.date
    next_sentence: str = ""
    _dates: list[DateRef] | None = None
    claimed: set[tuple[str, int]] = field(default_factory=set)

    def dates(self) -> list[DateRef]:
        if self._dates is None:
            self._dates = find_dates(self.sentence, self.ref)
        return self._dates

    def apart(self, a: int, b: int) -> bool:
        """Is there a new clause with its own subject between positions a and b?"""
        return a < b and bool(_STRONG.search(self.sentence, a, b))

    def date_for(self, span: tuple[int, int], *, before: bool = True, kind: str = "",
                 skip: re.Pattern[str] | None = None) -> DateRef | None:
        """The date that belongs to a match: the first one inside or after it in the same
        clause, else the nearest one before it; a date another fact of the same kind has
        taken is not reused ("Lisbon next week, then Porto")."""
        ds = [d for d in self.dates() if (kind, d.span[0]) not in self.claimed]
        after = [d for d in ds if d.span[1] > span[0] and not self.apart(span[1], d.span[0])
                 and not (skip and skip.search(self.sentence[max(0, d.span[0] - 24):d.span[0]]))]
        chosen = after[0] if after else None
        if chosen is None and before:
            prior = [d for d in ds if d.span[1] <= span[0] and not self.apart(d.span[1], span[0])]
            chosen = prior[-1] if prior else None
        if chosen is not None:
            self.claimed.add((kind, chosen.span[0]))
        return chosen


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    triggers: frozenset[str]
    regex: RulePattern
    build: Callable[[re.Match[str], Ctx], list[Hit]]
    allow_negation: bool = False
    needs: frozenset[str] = frozenset()  # and one of these words too (cheap gate), if given


# --- regex fragments -------------------------------------------------------------------------
_NAME_STOP = (
    "I|The|A|An|And|But|So|Or|We|He|She|They|It|My|Our|Your|His|Her|Their|Is|Was|Has|Had|Just|Who"
    "|What|When|Where|Why|How|Also|Still|Now|Then|This|That|These|Those|Here|There|Yes|No|Not|Oh"
    "|Ha|Haha|Lol|Thanks|Thank|Happy|Congrats|Congratulations|Mr|Mrs|Ms|Dr|Jr|Sr|Mom|Dad|Sorry"
    "|Anyway|Ok|Okay|Hi|Hey|Dear|Love|Best|Cheers|Please|Did|Does|Do|Are|Will|Can|Could|Would"
    "|Should|Got|Get|Went|Been|Be|Being|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
    "|January|February|March|April|May|June|July|August|September|October|November|December"
    "|Christmas|Thanksgiving|Easter|Today|Tomorrow|Tonight|Yesterday|Since|Because|If|In|On|At"
    "|For|From|To|With|Without|After|Before|As|Me|Him|Them|Us|You|Too|Very|Really|Back|Out|Off"
    "|Up|Down|Over|Some|All|Both|Each|Every|Another|Other|One|Two|Three|Last|Next|New|Old|Little"
    "|Big|Still|Finally|Home|Work|School|College|University|Team|Baby|Boy|Girl|Everyone|Nobody"
)
NAME = rf"(?-i:(?!(?:{_NAME_STOP})\b)[A-Z][a-zà-ÿ]+(?:-[A-Z][a-zà-ÿ]+)?)(?![\w'])"
_CAPS_PLACE = (r"(?-i:(?:the\s+)?(?:[A-Z][a-zà-ÿ'.-]*[a-zà-ÿ.]|[A-Z]{2,3})"
               r"(?:\s+(?:(?:of|de|del|da|la|le|du|upon|am|au)\s+)?[A-Z][a-zà-ÿ'.-]+){0,3}"
               r"(?:,\s*(?:[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?|[A-Z]{2})(?![\w]))?)")
_GAZ = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in sorted(lex.PLACE_NAMES, key=len, reverse=True))
PLACE = rf"(?P<place>{_CAPS_PLACE}|\b(?:{_GAZ})\b)(?![\w'])"
ORG = (r"(?P<org>(?-i:(?:the\s+)?[A-Z][\w&.'-]*(?:\s+(?:&\s+)?(?:[A-Z][\w&.'-]*|of|and|&|de|du))*"
       r"(?:\s+(?:Inc|LLC|LLP|Ltd|Co|Corp|Group|Labs|Partners)\.?)?))(?![\w])")
ORG_LOWER = (r"(?P<orglow>(?:a|an)\s+(?:[\w-]+\s+){0,3}?(?:practice|firm|company|startup|start-up|hospital"
             r"|school|bank|agency|nonprofit|non-profit|clinic|restaurant|bakery|store|shop|studio|lab"
             r"|university|college|consultancy|fund)(?:\s+in\s+" + _CAPS_PLACE + r")?)")
_ROLE_MODS = (
    "senior|junior|lead|chief|principal|associate|assistant|executive|general|regional|national"
    "|global|managing|deputy|acting|interim|staff|founding|sales|marketing|product|engineering"
    "|software|data|account|office|project|program|programme|operations|finance|financial|legal"
    "|research|creative|art|technical|medical|science|math|english|history|music|high|middle"
    "|elementary|kindergarten|head|vice|commercial|business|development|customer|client|community"
    "|content|digital|design|brand|hr|it|security|risk|compliance|portfolio|investment|graduate"
    "|teaching|research|nurse|store|general|district|area|practice|country|team|tech|strategy"
)
_DEPTS = (r"(?:marketing|sales|engineering|product|operations|finance|hr|people|design|research|growth"
          r"|partnerships|communications|strategy|technology|data|security|legal|procurement|customer\s+success"
          r"|business\s+development|development|analytics|infrastructure|talent|recruiting|admissions)\b")
TITLE_RX = "|".join(sorted({re.escape(t) for t in lex.TITLES}, key=len, reverse=True))
ROLE = (rf"(?P<role>(?:(?:{_ROLE_MODS}|(?-i:[A-Z][\w&/-]*)|\d+(?:st|nd|rd|th)\s+grade)\s+){{0,3}}"
        rf"(?:{TITLE_RX})s?\b(?:\s+(?:of|for)\s+(?:the\s+)?(?:(?-i:[A-Z][\w&-]*)(?:\s+(?:&\s+)?(?-i:[A-Z][\w&-]*)){{0,3}}|{_DEPTS}))?)")
TEAM = rf"(?P<team>{lex.team_alternation()})"
_ACTS = "|".join(re.escape(a).replace(r"\ ", r"\s+") for a in sorted(lex.ACTIVITIES, key=len, reverse=True))
ACT = rf"(?P<act>{_ACTS})"
DOER = "(?P<doer>" + "|".join(re.escape(d).replace(r"\ ", r"\s+") for d in sorted(lex.DOERS, key=len, reverse=True)) + ")"
LANG = "(?P<lang>" + "|".join(lex.LANGUAGES) + ")"
REL = "(?P<rel>" + "|".join(re.escape(r) for r in sorted(
    list(lex.RELATIONS) + ["daugher", "daugter", "neice", "finace", "hubby", "fiancé", "fiancée"],
    key=len, reverse=True)) + ")"
SPECIES = "(?P<sp>" + "|".join(re.escape(s).replace(r"\ ", r"\s+") for s in sorted(lex.SPECIES, key=len, reverse=True)) + ")"
_KNOWN_SCHOOLS = "|".join(re.escape(s) for s in sorted(lex.SCHOOLS, key=len, reverse=True))
SCHOOL = (rf"(?P<school>(?-i:(?:the\s+)?(?:University|College)\s+of\s+[A-Z][\w.&-]*(?:\s+[A-Z][\w.&-]*)?"
          rf"|(?:[A-Z][\w.&-]*\s+){{1,3}}{lex.SCHOOL_WORDS}(?:\s+of\s+[A-Z][\w-]*)?"
          rf"|(?:{_KNOWN_SCHOOLS})(?![\w&])))")
DEGREE = (r"(?P<deg>EMBA|MBA|Ph\.?D\.?|doctorate|master'?s(?:\s+degree)?|masters|JD|law\s+degree|nursing\s+degree"
          r"|bachelor'?s(?:\s+degree)?|BA|BS|MFA|MPH|MPA|MSc|MS|degree|certificate|CFA|teaching\s+credential)")
I_AM = r"(?:I'?m|I\s+am|im)"
WE_ARE = r"(?:we'?re|we\s+are)"
I_HAVE = r"(?:I'?ve|I\s+have)"
WE = rf"(?:we|(?=(?:my\s+)?\w+(?:\s+\w+)?\s+and\s+I\b)(?:my\s+\w+|{NAME})(?:\s+{NAME})?\s+and\s+I)"
ADV = r"(?:(?:just|finally|recently|officially|also|actually|now|still|really|totally|already)\s+)*"


def P(**named: str) -> dict[str, str]:
    base = {"NAME": NAME, "PLACE": PLACE, "ORG": ORG, "ORG_LOWER": ORG_LOWER, "ROLE": ROLE,
            "TEAM": TEAM, "ACT": ACT, "DOER": DOER, "LANG": LANG, "REL": REL, "SPECIES": SPECIES,
            "SCHOOL": SCHOOL, "DEGREE": DEGREE, "I_AM": I_AM, "WE_ARE": WE_ARE, "I_HAVE": I_HAVE,
            "WE": WE, "ADV": ADV}
    base.update(named)
    return base


def rx(pattern: str, **named: str) -> RulePattern:
    """A rule pattern: ``{NAME}``-style fragments, case-insensitive (compiled on first use).

    A group name may repeat across alternatives (``(?P<org>...)|(?P<org>...)``); repeats are
    renamed ``org__2``... and ``G(match)`` folds them back. ``gate_of(pattern)`` is a cheap
    test to run first.
    """
    frags = P(**named)
    out = re.sub(r"\{([A-Z_]+)\}", lambda m: frags[m.group(1)], pattern)
    seen: dict[str, int] = {}

    def rename(m: re.Match[str]) -> str:
        name = m.group(1)
        seen[name] = seen.get(name, 0) + 1
        return f"(?P<{name}>" if seen[name] == 1 else f"(?P<{name}__{seen[name]}>"

    return RulePattern(re.sub(r"\(\?P<([a-z_0-9]+)>", rename, out), pattern, frags)


_UNSET: Any = object()


class RulePattern:
    """A rule's case-insensitive pattern and its gate, each compiled when first used.

    The rule patterns are long (lists of places, teams, schools): compiling all of them and
    working out their gates cost most of a process's import of the rules, and a sentence
    reaches few rules. Searching works as on the compiled pattern."""

    __slots__ = ("pattern", "_template", "_frags", "_compiled", "_gate")

    def __init__(self, pattern: str, template: str, frags: dict[str, str]) -> None:
        self.pattern = pattern  # the source, as re.Pattern.pattern
        self._template, self._frags = template, frags
        self._compiled: re.Pattern[str] | None = None
        self._gate: re.Pattern[str] | None = _UNSET

    @property
    def compiled(self) -> re.Pattern[str]:
        if self._compiled is None:
            self._compiled = re.compile(self.pattern, re.IGNORECASE)
        return self._compiled

    def gate(self) -> re.Pattern[str] | None:
        if self._gate is _UNSET:
            self._gate = gate(self._template, self._frags)
        return self._gate

    def search(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.compiled.search(string, pos, endpos)

    def match(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.compiled.match(string, pos, endpos)

    def finditer(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> Iterator[re.Match[str]]:
        return self.compiled.finditer(string, pos, endpos)

    def __repr__(self) -> str:
        return f"rx({self._template!r})"


def gate_of(pattern: RulePattern) -> re.Pattern[str] | None:
    """A cheap test for lower-cased ASCII text that every match of an ``rx`` pattern passes
    (``syncd.infer.lowered.gate``): when it finds nothing, neither does the pattern."""
    return pattern.gate()


def G(m: re.Match[str]) -> dict[str, str | None]:
    """The match's named groups, with renamed repeats folded into one name each."""
    out: dict[str, str | None] = {}
    for k, v in m.groupdict().items():
        base = k.split("__")[0]
        if out.get(base) is None:
            out[base] = v
    return out


# --- cleaning --------------------------------------------------------------------------------
_ACRONYM_PLACES = frozenset({"NYC", "USA", "UAE", "DFW", "UK", "LA", "SF", "NY", "DC", "NOLA", "PDX"})
_PLACE_TAIL = re.compile(r"(?:\s+(?:for|on|in|at|to|from|next|this|last|the)\b.*)$", re.IGNORECASE)


def clean_place(text: str) -> str | None:
    """A usable place name, or None if the words are not a place."""
    text = text.strip().rstrip(".,!?;:")
    if "," in text:
        head, _, tail = text.partition(",")
        tail = tail.strip()
        ok = tail.lower() in lex.PLACE_NAMES or tail in lex.US_STATE_CODES
        text = f"{head.strip()}, {tail}" if ok else head.strip()
    words = text.split()
    if words and words[0].lower() == "the":
        words = words[1:]
    while words and (words[-1].lower().rstrip(".") in lex.NOT_PLACES
                     or words[-1].lower() in ("and", "&", "of", "on", "at", "in", "for", "to", "from", "de", "la")):
        words.pop()
    if not words or words[0].lower().rstrip(".") in lex.NOT_PLACES:
        return None
    if any(w.endswith("'s") for w in words):
        return None
    place = " ".join(words)
    if place.isupper() and len(place) >= 3 and place not in _ACRONYM_PLACES:
        return None
    if len(place) == 2 and place.isupper():
        return lex.STATE_NAMES.get(place) or (place if place in _ACRONYM_PLACES else None)
    if len(place) < 2 or not place[0].isupper() and place.lower() not in lex.PLACE_NAMES:
        return None
    return place if place[0].isupper() else place.title()


_ORG_STOP = frozenset(["the", "a", "an", "and", "of", "&", "de", "du"]) | lex.NOT_PLACES - {"target", "costco", "walmart", "kroger", "starbucks"}


def clean_org(text: str | None) -> str | None:
    if not text:
        return None
    words = text.strip().rstrip(".,!?;:").split()
    if words and words[0].lower() == "the" and len(words) > 1:
        words = words[1:]
    while words and words[-1].lower().rstrip(".") in _ORG_STOP:
        words.pop()
    if not words or words[0].lower() in _ORG_STOP or words[0] in ("I", "We", "My", "Our"):
        return None
    org = " ".join(words)
    return org if len(org) > 1 else None


def title_case_role(role: str) -> str:
    return re.sub(r"\s+", " ", role.strip())


def team_name(alias: str) -> str:
    return lex.TEAMS.get(re.sub(r"\s+", " ", alias.lower()), alias)


def activity(word: str) -> str:
    w = re.sub(r"\s+", " ", word.lower())
    return lex.ACTIVITIES.get(w, w)


def norm_key(text: str) -> str:
    return re.sub(r"[^\w&'-]+", " ", text.lower()).strip()


def fact_date(d: DateRef | None, *, yearly_date: bool = False, month_ok: bool = True) -> str | None:
    """ISO date (or --MM-DD) for a found date; None when absent, vague or in conflict."""
    if d is None or d.conflict or d.start is None:
        return None
    if yearly_date:
        return yearly(d.start) if d.grain == "day" else None
    if d.grain == "day" or (month_ok and d.grain in ("month", "week")):
        return d.start.isoformat()
    return None
