"""Dates said in prose, resolved against the message's own date.

``find_dates(sentence, ref)`` returns every date expression in a sentence as a ``DateRef``
(start, optional end, grain, span). The reference day is the message's Date in the
message's own timezone; nothing here reads the clock.

Conventions (shared with FACTS.md and the labelled corpus):

* a month with no day is its first day (``grain="month"``); "end of June" is June 30;
* "next week" is the Monday of next week, "this weekend" its Saturday (``grain="week"``);
* "next Tuesday" / "last Thursday" are that weekday in next / last (Monday-based) week;
  a bare "Friday" or "on Friday" is the coming one, or the last one in past tense;
* a date with no year is its nearest occurrence in the sentence's tense (future: the next
  one, past: the last one); numeric dates are US order (3/26 is March 26);
* a weekday that disagrees with the date beside it ("Thursday, October 14" when the 14th is
  a Friday) makes the expression ``conflict=True`` and callers trust neither.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

__all__ = ["DateRef", "find_dates", "sentence_tense", "yearly", "add_months"]

_MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4,
    "april": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8,
    "august": 8, "sep": 9, "sept": 9, "september": 9, "oct": 10, "october": 10,
    "nov": 11, "november": 11, "dec": 12, "december": 12,
}
_WEEKDAYS = {
    "monday": 0, "mon": 0, "tuesday": 1, "tue": 1, "tues": 1, "wednesday": 2, "wed": 2,
    "thursday": 3, "thu": 3, "thur": 3, "thurs": 3, "friday": 4, "fri": 4,
    "saturday": 5, "sat": 5, "sunday": 6, "sun": 6,
}
_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "a couple of": 2, "a couple": 2, "couple of": 2,
}
_SEASONS = {"spring": 3, "summer": 6, "fall": 9, "autumn": 9, "winter": 12}

_MON = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
        r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_WD = (r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday"
       r"|(?-i:Mon|Tue|Tues|Wed|Thu|Thur|Thurs|Fri|Sat|Sun)\.?)")
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:,?\s*(?:19|20)\d\d(?!\d)|\s*'\d\d(?!\d))?"
_NUM = r"(?:a couple(?: of)?|couple of|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\d{1,2})"
_UNIT = r"(?:day|week|month|year)s?"
# An optional weekday in front of a date: "Wednesday, March 26", "Sunday, the 2nd".
_WDPRE = rf"(?:(?:this|next|on|coming)\s+)?(?P<wd>{_WD}),?\s+(?:the\s+)?"
_MD = rf"(?:{_MON}\s+(?:the\s+)?{_DAY}|{_DAY}\s+(?:of\s+)?{_MON})"
_NUMERIC = (r"(?<![\d/.$])(?:1[0-2]|0?[1-9])/(?:3[01]|[12]\d|0?[1-9])(?:/(?:\d{4}|\d\d))?"
            r"(?![\d/%]|\s+(?:of|cups?|inch|miles?|lbs?|oz)\b)")
_SEP = r"\s*(?:-|–|—|to|through|thru|until|till|til)\s*"

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (name, re.compile(rx, re.IGNORECASE))
    for name, rx in [
        ("iso", r"\b(?:19|20)\d\d-[01]\d-[0-3]\d\b"),
        ("md_range", rf"(?:from\s+)?(?:{_WDPRE})?(?P<a>{_MD}){_YEAR}{_SEP}(?P<b>{_MD}|{_DAY}(?!\s*(?:am|pm|%|\d)))\b{_YEAR}"),
        ("dm_range", rf"\b(?P<d1>{_DAY}){_SEP}(?P<d2>{_DAY})\s+(?:of\s+)?(?P<m>{_MON}){_YEAR}"),
        ("num_range", rf"(?P<a>{_NUMERIC}){_SEP}(?P<b>{_NUMERIC})"),
        ("day_range", rf"from\s+the\s+(?P<d1>{_DAY})\s+(?:to|through|until|till)\s+the\s+(?P<d2>{_DAY})\b"),
        ("wd_range", rf"\b(?P<w1>{_WD}){_SEP}(?P<w2>{_WD})(?:\s+(?P<mod>next week|this week))?"),
        ("md", rf"(?:{_WDPRE})?\b(?P<a>{_MD}){_YEAR}\b"),
        ("numeric", rf"(?:{_WDPRE})?(?P<a>{_NUMERIC})"),
        ("day_only", rf"(?:{_WDPRE}|\b(?:on\s+)?the\s+)(?P<d>{_DAY})\b(?!\s*(?:of\s+)?{_MON})"),
        ("month_edge", rf"\b(?P<edge>end|beginning|start|middle)\s+of\s+(?P<m>{_MON})\b(?P<y>{_YEAR})"),
        ("month", rf"\b(?P<pre>(?:early|mid|late|in|this|next|last|since|until|by|from|through|of|during|since)(?:-|\s+))(?P<m>{_MON})\b(?P<y>{_YEAR})"),
        ("rel_day", r"\b(?:the day after tomorrow|tomorrow|today|tonight|yesterday|this (?:morning|afternoon|evening))\b"),
        ("rel_span", r"\b(?P<mod>next|last|this|this past|this coming|coming|past)\s+(?P<unit>week(?:end)?|month|year)\b"),
        ("in_n", rf"\bin\s+(?P<n>{_NUM})\s+(?P<unit>{_UNIT})\b"),
        ("ago", rf"\b(?P<n>{_NUM})\s+(?P<unit>{_UNIT})\s+ago\b"),
        ("weekday", rf"\b(?:(?P<mod>this coming|this past|this|next|last|coming|past|on)\s+)?(?P<wd>{_WD})(?:\s+(?P<part>morning|afternoon|evening|night))?\b"),
        ("season", r"\b(?P<mod>this|next|last|in the|in)\s+(?P<s>spring|summer|fall|autumn|winter)\b"),
        ("year", r"\b(?:in|since|class of|back in)\s+(?P<y>(?:19|20)\d\d)\b"),
    ]
]

# What each pattern needs in a sentence before it is worth running (d: a digit, m: a month
# word, w: a weekday word, r: a relative word); most sentences need none of them.
_NEEDS = {"iso": "d", "md_range": "dm", "dm_range": "dm", "num_range": "d", "day_range": "d", "wd_range": "w",
          "md": "dm", "numeric": "d", "day_only": "d", "month_edge": "m", "month": "m", "rel_day": "r",
          "rel_span": "r", "in_n": "r", "ago": "r", "weekday": "w", "season": "r", "year": "d"}
_WORD = re.compile(r"[a-z]+")
_MONTH_WORDS = frozenset(_MONTHS)
_WEEKDAY_WORDS = frozenset(_WEEKDAYS)
_REL_WORDS = frozenset({
    "today", "tomorrow", "tonight", "yesterday", "morning", "afternoon", "evening", "week", "weekend", "weeks",
    "month", "months", "year", "years", "day", "days", "ago", "spring", "summer", "fall", "autumn", "winter"})
_PAST = re.compile(
    r"\b(?:was|were|had|did|got|went|moved|relocated|started|celebrated|retired|passed|died|born"
    r"|ran|broke|adopted|bought|joined|left|finished|graduated|turned|arrived|welcomed|lost"
    r"|closed|dropped|spent|came|took|made|proposed|said|heard|hit|flew|drove|visited|saw)\b",
    re.IGNORECASE,
)
_FUTURE = re.compile(
    r"\b(?:will|going to|gonna|is|are|am|starts?|starting)\b|'ll\b|'re\b|'m\b"
    r"|\b(?:it|that|he|she|what|there|here|who|birthday|anniversary|wedding)'s\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class DateRef:
    """A date expression found in a sentence."""

    start: dt.date | None
    end: dt.date | None
    grain: str  # "day", "week", "month", "season", "year"
    span: tuple[int, int]
    text: str
    conflict: bool = False  # a weekday beside it disagrees: trust neither

    @property
    def day(self) -> dt.date | None:
        """The start day when it is known to the day, else None."""
        return self.start if self.grain == "day" and not self.conflict else None


def yearly(d: dt.date) -> str:
    """A yearly date without year, as FACTS.md writes it: ``--MM-DD``."""
    return f"--{d.month:02d}-{d.day:02d}"


def add_months(d: dt.date, n: int) -> dt.date:
    y, m = divmod(d.month - 1 + n, 12)
    year, month = d.year + y, m + 1
    return dt.date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def sentence_tense(sentence: str, at: int | None = None) -> str:
    """"past" or "future": the tense marker nearest before ``at`` (else the first after)."""
    pos = len(sentence) if at is None else at
    best: tuple[int, str] | None = None
    after: tuple[int, str] | None = None
    for rx, tense in ((_PAST, "past"), (_FUTURE, "future")):
        for m in rx.finditer(sentence):
            if m.start() < pos:
                if best is None or m.start() > best[0]:
                    best = (m.start(), tense)
            elif after is None or m.start() < after[0]:
                after = (m.start(), tense)
    chosen = best or after
    return chosen[1] if chosen else "future"


def _month(word: str) -> int:
    w = word.lower().rstrip(".")
    return _MONTHS[w] if w in _MONTHS else _MONTHS[w[:3]]


def _weekday(word: str) -> int:
    w = word.lower().rstrip(".")
    return _WEEKDAYS.get(w, _WEEKDAYS.get(w[:3], 0))


def _num(word: str) -> int:
    w = word.lower()
    return int(w) if w.isdigit() else _NUMBERS[w]


def _year_of(text: str) -> int | None:
    m = re.search(r"(?:(19|20)(\d\d)|'(\d\d))\s*$", text)
    if not m:
        return None
    if m.group(3):
        return 2000 + int(m.group(3))
    return int(m.group(1) + m.group(2))


def _pick_year(month: int, day: int, ref: dt.date, tense: str) -> dt.date | None:
    cands = []
    for y in range(ref.year - 4, ref.year + 5):
        try:
            cands.append(dt.date(y, month, day))
        except ValueError:
            continue
    if not cands:
        return None
    if tense == "past":
        past = [c for c in cands if c <= ref + dt.timedelta(days=1)]
        return max(past) if past else min(cands)
    future = [c for c in cands if c >= ref - dt.timedelta(days=3)]
    return min(future) if future else max(cands)


def _md(text: str, ref: dt.date, tense: str, year: int | None = None) -> dt.date | None:
    m = re.match(rf"\s*(?:(?P<m1>{_MON})\s+(?:the\s+)?(?P<d1>\d+)|(?P<d2>\d+)(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m2>{_MON}))",
                 text, re.IGNORECASE)
    if not m:
        return None
    month = _month(m.group("m1") or m.group("m2"))
    day = int(m.group("d1") or m.group("d2"))
    if year is not None:
        try:
            return dt.date(year, month, day)
        except ValueError:
            return None
    return _pick_year(month, day, ref, tense)


def _numeric(text: str, ref: dt.date, tense: str) -> dt.date | None:
    parts = text.split("/")
    month, day = int(parts[0]), int(parts[1])
    if len(parts) == 3:
        y = int(parts[2])
        y = y + 2000 if y < 100 else y
        try:
            return dt.date(y, month, day)
        except ValueError:
            return None
    return _pick_year(month, day, ref, tense)


def _day_only(day: int, ref: dt.date, tense: str) -> dt.date | None:
    for k in ((0, -1, -2) if tense == "past" else (0, 1, 2)):
        base = add_months(ref.replace(day=1), k)
        try:
            d = base.replace(day=day)
        except ValueError:
            continue
        if (tense == "past" and d <= ref) or (tense != "past" and d >= ref):
            return d
    return None


def _monday(d: dt.date) -> dt.date:
    return d - dt.timedelta(days=d.weekday())


def _resolve_weekday(wd: int, mod: str, ref: dt.date, tense: str) -> dt.date:
    mod = (mod or "").lower()
    if mod == "next":
        return _monday(ref) + dt.timedelta(days=7 + wd)
    if mod in ("last", "this past", "past"):
        return _monday(ref) - dt.timedelta(days=7 - wd)
    if mod == "this":
        if tense == "past":
            return _monday(ref) + dt.timedelta(days=wd)
        return ref + dt.timedelta(days=(wd - ref.weekday()) % 7)
    if tense == "past" and mod not in ("coming", "this coming"):
        return ref - dt.timedelta(days=(ref.weekday() - wd - 1) % 7 + 1)
    return ref + dt.timedelta(days=(wd - ref.weekday() - 1) % 7 + 1)


def _delta(n: int, unit: str, ref: dt.date, sign: int) -> tuple[dt.date, str]:
    unit = unit.lower().rstrip("s")
    if unit == "day":
        return ref + dt.timedelta(days=sign * n), "day"
    if unit == "week":
        return ref + dt.timedelta(days=sign * 7 * n), "day"
    if unit == "month":
        return add_months(ref, sign * n), "month"
    return add_months(ref, sign * 12 * n), "year"


def _month_date(month: int, pre: str, ref: dt.date, tense: str, year: int | None) -> dt.date:
    if year is not None:
        return dt.date(year, month, 1)
    pre = pre.strip().lower().rstrip("-")
    this_year = dt.date(ref.year, month, 1)
    if pre == "next":
        return this_year if month > ref.month else dt.date(ref.year + 1, month, 1)
    if pre == "last":
        return this_year if month < ref.month else dt.date(ref.year - 1, month, 1)
    if pre == "this":
        return this_year
    if tense == "past" or pre == "since":
        return this_year if month <= ref.month else dt.date(ref.year - 1, month, 1)
    return this_year if month >= ref.month else dt.date(ref.year + 1, month, 1)


def _check_wd(m: re.Match[str], d: dt.date | None) -> bool:
    """True when a weekday written beside the date disagrees with it."""
    wd = m.groupdict().get("wd")
    return bool(wd and d is not None and _weekday(wd) != d.weekday())


def _end_after(start: dt.date, end: dt.date | None) -> dt.date | None:
    if end is None:
        return None
    while end < start:
        try:
            end = end.replace(year=end.year + 1)
        except ValueError:
            return None
    return end


def _build(name: str, m: re.Match[str], ref: dt.date, tense: str) -> DateRef | None:  # noqa: C901
    g = m.groupdict()
    text = m.group(0)
    span = m.span()
    start: dt.date | None = None
    end: dt.date | None = None
    grain = "day"
    if name == "iso":
        try:
            start = dt.date.fromisoformat(text)
        except ValueError:
            return None
    elif name == "md_range":
        start = _md(g["a"], ref, tense, _year_of(text))
        b = g["b"]
        if start is not None:
            if re.match(rf"{_MON}", b, re.IGNORECASE):
                end = _end_after(start, _md(b, ref, tense, start.year))
            else:
                try:
                    end = _end_after(start, start.replace(day=int(re.match(r"\d+", b).group(0))))  # type: ignore[union-attr]
                except ValueError:
                    end = None
    elif name == "dm_range":
        month = _month(g["m"])
        start = _md(f"{g['d1']} {g['m']}", ref, tense, _year_of(text))
        if start is not None:
            try:
                end = _end_after(start, dt.date(start.year, month, int(re.match(r"\d+", g["d2"]).group(0))))  # type: ignore[union-attr]
            except ValueError:
                end = None
    elif name == "num_range":
        start = _numeric(g["a"], ref, tense)
        if start is not None:
            end = _end_after(start, _numeric(g["b"], ref, tense))
    elif name == "day_range":
        start = _day_only(int(re.match(r"\d+", g["d1"]).group(0)), ref, tense)  # type: ignore[union-attr]
        if start is not None:
            end = _day_only(int(re.match(r"\d+", g["d2"]).group(0)), start, "future")  # type: ignore[union-attr]
    elif name == "wd_range":
        mod = "next" if (g.get("mod") or "").lower() == "next week" else ("this" if g.get("mod") else "")
        start = _resolve_weekday(_weekday(g["w1"]), mod, ref, tense)
        end = start + dt.timedelta(days=(_weekday(g["w2"]) - start.weekday()) % 7)
    elif name == "md":
        start = _md(g["a"], ref, tense, _year_of(text))
    elif name == "numeric":
        start = _numeric(g["a"], ref, tense)
    elif name == "day_only":
        start = _day_only(int(re.match(r"\d+", g["d"]).group(0)), ref, tense)  # type: ignore[union-attr]
    elif name == "month_edge":
        month = _month(g["m"])
        first = _month_date(month, "in", ref, tense, _year_of(g.get("y") or ""))
        edge = g["edge"].lower()
        if edge == "end":
            start = first.replace(day=calendar.monthrange(first.year, month)[1])
        else:
            start, grain = first, "month"
    elif name == "month":
        start = _month_date(_month(g["m"]), g["pre"], ref, tense, _year_of(g.get("y") or ""))
        grain = "month"
    elif name == "rel_day":
        t = text.lower()
        offset = 2 if "after" in t else 1 if t == "tomorrow" else -1 if t == "yesterday" else 0
        start = ref + dt.timedelta(days=offset)
    elif name == "rel_span":
        mod, unit = g["mod"].lower(), g["unit"].lower()
        step = -1 if mod in ("last", "this past", "past") else 0 if mod == "this" else 1
        if unit.startswith("week"):
            monday = _monday(ref) + dt.timedelta(days=7 * step)
            start, grain = (monday + dt.timedelta(days=5), "week") if unit == "weekend" else (monday, "week")
        elif unit == "month":
            start, grain = add_months(ref.replace(day=1), step), "month"
        else:
            start, grain = dt.date(ref.year + step, 1, 1), "year"
    elif name in ("in_n", "ago"):
        start, grain = _delta(_num(g["n"]), g["unit"], ref, -1 if name == "ago" else 1)
    elif name == "weekday":
        start = _resolve_weekday(_weekday(g["wd"]), g.get("mod") or "", ref, tense)
    elif name == "season":
        month = _SEASONS[g["s"].lower()]
        mod = g["mod"].lower()
        year = ref.year + (1 if mod == "next" else -1 if mod == "last" else 0)
        if mod.startswith("in") and tense != "past" and month < ref.month:
            year += 1
        start, grain = dt.date(year, month, 1), "season"
    elif name == "year":
        start, grain = dt.date(int(g["y"]), 1, 1), "year"
    if start is None:
        return None
    return DateRef(start, end, grain, span, text, _check_wd(m, start))


def find_dates(sentence: str, ref: dt.date, tense: str | None = None) -> list[DateRef]:
    """Every date expression in ``sentence``, left to right, resolved against ``ref``.

    ``tense`` ("past"/"future") settles bare weekdays, day numbers and years; by default it
    is read from the sentence around each expression (``sentence_tense``).
    """
    low = sentence.lower()
    words = set(_WORD.findall(low))
    has_digit = any(ch.isdigit() for ch in sentence)
    has_month = not _MONTH_WORDS.isdisjoint(words)
    has_wd = not _WEEKDAY_WORDS.isdisjoint(words)
    if not (has_digit or has_month or has_wd or not _REL_WORDS.isdisjoint(words)):
        return []
    taken: list[tuple[int, int]] = []
    found: list[DateRef] = []
    for name, rx in _PATTERNS:
        need = _NEEDS[name]
        if ("d" in need and not has_digit) or ("m" in need and not has_month) or ("w" in need and not has_wd) \
                or ("r" in need and _REL_WORDS.isdisjoint(words)):
            continue
        for m in rx.finditer(sentence):
            s, e = m.span()
            if any(s < te and e > ts for ts, te in taken):
                continue
            t = tense or sentence_tense(sentence, s)
            ref_d = _build(name, m, ref, t)
            if ref_d is None:
                continue
            taken.append((s, e))
            found.append(ref_d)
    found.sort(key=lambda r: r.span[0])
    return found
