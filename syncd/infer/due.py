"""Deadlines in promises: "by Friday", "EOD", "next week", "by March 3", "within 2 days".

Resolved against the message's own date, never the clock. A deadline, unlike a
fact's date, is the *last* day: "next week" is its Friday, "early next week" its
Tuesday, "EOD Friday" the Friday.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

_I = re.IGNORECASE


def _rx(*parts: str) -> re.Pattern[str]:
    return re.compile("".join(parts), _I)


_WEEKDAY = {d.lower(): i for i, d in enumerate(calendar.day_name)}
_WEEKDAY.update({"mon": 0, "tue": 1, "tues": 1, "wed": 2, "weds": 2, "thu": 3, "thur": 3, "thurs": 3, "fri": 4})
_MONTH = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
_MONTH.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m} | {"sept": 9})
_NUM = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "a couple of": 2, "a couple": 2, "a few": 3}
_MONTHS_RE = "|".join(sorted(_MONTH, key=len, reverse=True))
_DAYS_RE = "|".join(sorted(_WEEKDAY, key=len, reverse=True))
_DUE = _rx(
    r"(?P<today>\b(?:today|tonight|this\s+(?:morning|afternoon|evening)|later\s+today|eod|e\.o\.d\.?|cob|eob",
    r"|end\s+of\s+(?:the\s+)?(?:day|business)|close\s+of\s+business)\b)|(?P<tomorrow>\b(?:tomorrow|tmrw|tmr)\b)",
    r"|(?P<eow>\b(?:end\s+of\s+(?:the\s+|this\s+)?week|eow|the\s+weekend|this\s+week)\b)",
    r"|(?P<nextweek>\b(?:(?P<part>early|mid|middle\s+of|end\s+of|late)\s+)?next\s+week\b)",
    r"|(?P<eom>\bend\s+of\s+(?:the\s+|this\s+)?month\b)|(?P<nextmonth>\bnext\s+month\b)",
    r"|(?P<inn>\b(?:in|within)\s+(?P<n>\d+|a\s+couple(?:\s+of)?|a\s+few|a|one|two|three|four)\s+(?P<unit>days?|weeks?)\b)",
    rf"|(?P<md>\b(?P<mon1>{_MONTHS_RE})\.?\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\b",
    rf"|\b(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<mon2>{_MONTHS_RE})\b)",
    rf"|(?P<wd>\b(?:(?P<rel>this|next|on|by)\s+)?(?P<day>{_DAYS_RE})\b)|(?P<nth>\bthe\s+(?P<d3>\d{{1,2}})(?:st|nd|rd|th)\b)",
)
_DAY_AFTER = _rx(rf"\s*(?:on\s+|by\s+)?(?:tomorrow|{_DAYS_RE}|{_MONTHS_RE})\b")


def _month_end(year: int, month: int) -> dt.date:
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def resolve_due(text: str, base: dt.date) -> dt.date | None:
    """The first deadline named in ``text``, resolved against ``base`` (the message date).

    "today"/"EOD" -> base; "tomorrow" -> base+1; "end of week" -> that Friday; "next
    week" -> Friday of next week ("early next week" -> its Tuesday); "Friday" -> the
    next Friday after base, "this Friday" -> this week's, "next Friday" -> next week's;
    "March 3" -> the next March 3 on or after base; "the 31st" -> the next 31st;
    "in two days" -> base+2; "end of month" -> its last day.
    """
    m = _DUE.search(text)
    if m is None:
        return None
    monday = base - dt.timedelta(days=base.weekday())
    if m.group("today"):  # "EOD Friday" is Friday
        return resolve_due(text[m.end():], base) if _DAY_AFTER.match(text, m.end()) else base
    if m.group("tomorrow"):
        return base + dt.timedelta(days=1)
    if m.group("eow"):
        friday = monday + dt.timedelta(days=4)  # said on a weekend: the coming week's
        return friday if friday >= base else friday + dt.timedelta(days=7)
    if m.group("nextweek"):
        part = (m.group("part") or "").lower()
        return monday + dt.timedelta(days=8 if part == "early" else 9 if part.startswith("mid") else 11)
    if m.group("eom") or m.group("nextmonth"):
        return _month_end(base.year, base.month + (1 if m.group("nextmonth") else 0))
    if m.group("inn"):
        raw = " ".join(m.group("n").lower().split())
        n = int(raw) if raw.isdigit() else _NUM.get(raw, 1)
        return base + dt.timedelta(days=n * (7 if m.group("unit").lower().startswith("week") else 1))
    if m.group("md") or m.group("nth"):
        day = int(m.group("d1") or m.group("d2") or m.group("d3"))
        named = m.group("mon1") or m.group("mon2")
        months = [(base.year, _MONTH[named.lower()]), (base.year + 1, _MONTH[named.lower()])] if named else [
            (base.year, base.month + k) for k in range(3)
        ]
        for year, month in months:
            end = _month_end(year, month)
            if day <= end.day and (when := end.replace(day=day)) >= base:
                return when
        return None
    day, rel = _WEEKDAY[m.group("day").lower()], (m.group("rel") or "").lower()
    if rel == "next":
        return monday + dt.timedelta(days=7 + day)
    ahead = (day - base.weekday()) % 7
    return base + dt.timedelta(days=7 if ahead == 0 and rel != "this" else ahead)
