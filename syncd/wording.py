"""How the briefing says things: ages ("said 14 months ago"), rhythms ("every 2 weeks"),
days ("Thu Mar 26"), times ("9:30–10:30 AM") and one readable line per fact.

Pure functions over plain values; no store, no clock (``today`` is a parameter).
Every string that came from mail is cleaned with :func:`clean` before it is shown:
control characters and runs of whitespace go, so a hostile subject cannot break a
line, a header or the layout (escaping for HTML is the template's job).
"""

from __future__ import annotations

import datetime as dt
import re

_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029\u200b-\u200f\u202a-\u202e\u2066-\u2069]+")
_SPACE = re.compile(r"\s+")


def clean(text: str | None, limit: int = 200) -> str:
    """One line of untrusted text: no control or bidi characters, single spaces, at most ``limit``."""
    if not text:
        return ""
    text = _SPACE.sub(" ", _CONTROL.sub(" ", text)).strip()
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text


def cap(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def day(d: dt.date) -> str:
    """``Thu Mar 26``."""
    return f"{d:%a %b} {d.day}"


def long_day(d: dt.date) -> str:
    """``Tuesday, March 24``."""
    return f"{d:%A, %B} {d.day}"


def month_day(d: dt.date) -> str:
    """``Mar 26``."""
    return f"{d:%b} {d.day}"


def clock_time(t: dt.datetime) -> str:
    """``9:30 AM`` (no leading zero, minutes always)."""
    hour = t.hour % 12 or 12
    return f"{hour}:{t.minute:02d} {'AM' if t.hour < 12 else 'PM'}"


def time_range(start: dt.datetime, end: dt.datetime | None) -> str:
    """``9:30–10:30 AM``, ``11:30 AM–12:15 PM``, or just the start."""
    first = clock_time(start)
    if end is None or end <= start:
        return first
    last = clock_time(end)
    if end.date() == start.date() and (start.hour < 12) == (end.hour < 12):
        return f"{first[:-3]}–{last}"
    return f"{first}–{last}"


def span(days: float) -> str:
    """A duration in the unit a person would use: ``3 days``, ``2 weeks``, ``14 months``, ``2 years``."""
    if days < 1.5:
        return "1 day"
    if days < 14:
        return f"{round(days)} days"
    if days < 60:
        weeks = round(days / 7)
        return f"{weeks} weeks"
    if days < 700:
        months = round(days / 30.44)
        return f"{months} months"
    return f"{round(days / 365.25)} years"


def ago(then: dt.date, today: dt.date) -> str:
    """``today``, ``yesterday``, ``3 days ago``, ``14 months ago``; future dates say ``in …``."""
    days = (today - then).days
    if days == 0:
        return "today"
    if days == 1:
        return "yesterday"
    if days == -1:
        return "tomorrow"
    if days < 0:
        return f"in {span(-days)}"
    return f"{span(days)} ago"


def rhythm(days: float | None) -> str:
    """The usual gap between conversations: ``every day``, ``every week``, ``every 3 months``."""
    if days is None:
        return ""
    if days < 1.5:
        return "every day"
    if 5.5 <= days < 9:
        return "every week"
    if 9 <= days < 60:
        return f"every {round(days / 7)} weeks"
    if 26 <= days < 36:
        return "every month"
    if 330 <= days < 400:
        return "every year"
    return f"every {span(days)}"


def yearly(date: str | None, today: dt.date) -> dt.date | None:
    """The next occurrence (today counts) of a date, yearly (``--MM-DD``) or not."""
    if not date:
        return None
    if not date.startswith("--"):
        try:
            return dt.date.fromisoformat(date)
        except ValueError:
            return None
    month, dd = int(date[2:4]), int(date[5:7])
    for year in (today.year, today.year + 1):
        try:
            when = dt.date(year, month, dd)
        except ValueError:  # 29 February in a common year
            when = dt.date(year, 3, 1)
        if when >= today:
            return when
    return None


def this_week(when: dt.date, today: dt.date) -> str | None:
    """A coming day as people name it within the week: ``today``, ``tomorrow``,
    ``Thursday``; None when it is further (or past)."""
    days = (when - today).days
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    if 1 < days < 7:
        return f"{when:%A}"
    return None


def soon(when: dt.date, today: dt.date) -> str:
    """``today``, ``tomorrow``, ``Thursday`` (this week), ``in 3 weeks``."""
    return this_week(when, today) or ago(when, today)


def _parse(date: str | None) -> dt.date | None:
    if not date or date.startswith("--"):
        return None
    try:
        return dt.date.fromisoformat(date)
    except ValueError:
        return None


def first_name(name: str, email: str) -> str:
    """What to call them in a question: the first word of the name, else the address's local part."""
    words = clean(name).split()
    if words:
        return words[0]
    return cap(email.partition("@")[0].split(".")[0])


def fact_text(kind: str, value: str, date: str | None, today: dt.date, *, projected: bool = False) -> str:
    """One fact as a line a person reads at a glance (the age is shown beside it)."""
    value = clean(value, 160)
    when = _parse(date)
    if kind in ("birthday", "anniversary"):
        nxt = yearly(date, today)
        label = "Birthday" if kind == "birthday" else cap(value)
        if nxt is None:
            return label
        rel = soon(nxt, today)
        return f"{label}: {month_day(nxt)}" + (f" ({rel})" if (nxt - today).days < 45 else "")
    if projected:
        return _projection(kind, value, when, today)
    if kind == "family":
        who, _, news = value.partition(", ")
        return cap(f"{who} {news}" if news and not news.startswith(("due", "born")) else value)
    if kind == "travel":
        place, _, rest = value.partition(", ")
        span_match = re.search(r"(\d{4}-\d\d-\d\d) to (\d{4}-\d\d-\d\d)", rest)
        if span_match:
            start, end = (dt.date.fromisoformat(g) for g in span_match.groups())
            tail = f"{month_day(start)}–{end.day}" if start.month == end.month else f"{month_day(start)}–{month_day(end)}"
            return f"{'Was in' if end < today else 'Off to'} {place}, {tail}"
        if when is not None:
            return f"{'Was in' if when < today else 'Off to'} {place} around {month_day(when)}"
        return f"Trip: {value}"
    if kind == "sports":
        return f"{value} fan"
    if kind == "interest":
        return f"Into {value}"
    if kind == "location":
        return f"Based in {value}"
    if kind == "life_event":
        text = value.split(": ", 1)[1] if ": " in value else value
        return cap(text) + (f" ({when:%b %Y})" if when else "")
    return cap(value)


def _projection(kind: str, value: str, when: dt.date | None, today: dt.date) -> str:
    """Projections say "may": "Emma may be graduating this spring"."""
    if kind == "family":
        who, _, news = value.partition(", ")
        name = who.split()[-1] if who.split() and who.split()[-1][:1].isupper() else f"their {who}"
        m = re.match(r"likely (graduating|graduated) (college|\w+)", news)
        if m and when is not None:
            verb = "may be graduating" if m.group(1) == "graduating" else "may have graduated"
            return f"{cap(name)} {verb} {_season(when, today)}"
        if news.startswith("new baby"):
            return f"The baby may {'have arrived' if when and when < today else 'arrive'} {_season(when, today) if when else 'soon'}"
        return cap(f"{who}: {news}") if news else cap(value)
    if kind == "travel" and value.startswith("back from") and when is not None:
        return f"Back from {value[len('back from '):]} around {month_day(when)}"
    return cap(value)


def _season(when: dt.date, today: dt.date) -> str:
    """``this spring`` within nine months either way, else ``around May 2029``."""
    months_away = (when.year - today.year) * 12 + when.month - today.month
    if abs(months_away) > 9:
        return f"around {when:%B %Y}"
    season = {12: "winter", 1: "winter", 2: "winter", 3: "spring", 4: "spring", 5: "spring",
              6: "summer", 7: "summer", 8: "summer"}.get(when.month, "autumn")
    if when.year == today.year:
        return f"this {season}"
    return f"{'next' if months_away > 0 else 'last'} {season}"
