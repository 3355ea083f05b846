"""Dates in the demo's text: named anchors and ``{m+2:wmd}``-style placeholders.

A placeholder is ``{BASE[+-N][~BASE[+-N]]:SPEC}``. BASE is ``m`` (the message's own date),
``n`` (the demo's today) or an anchor from ``anchors()``; SPEC is one of ``wmd``
("Wednesday, March 26"), ``md`` ("March 26"), ``wd`` ("Wednesday"), ``mon`` ("March"),
``th`` ("26th") or, for a ``~`` range, ``rng`` ("March 3-17"). Names are spelled out here
rather than with ``strftime`` so that the output never depends on the locale.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
DOW = {d[:3]: i for i, d in enumerate(DAYS)}

# Anchors pinned to a weekday of a week in the past: name -> (days ago, weekday, days after it).
PINNED = {
    "deck": (384, "Thu", 0),  # the revised pricing deck is delivered (Dana's thread)
    "berlin": (400, "Mon", 10),  # dinner with Elena in Berlin
    "tom_bday": (210, "Tue", 3),  # "it's my 40th on Friday"
    "kevin_surgery": (100, "Tue", 9),  # "knee surgery on the 14th"
}

# Anchors that must fall in a season: name -> (at least, at most days ago, weekday, months, days).
# Baseball at Fenway in summer, Celtics at the Garden in winter, college move-in in late
# August, the Chicago Marathon on the second Sunday of October: whatever "today" is.
SEASONAL = {
    "fenway": (330, 560, "Wed", (5, 6, 7, 8, 9), range(1, 32)),
    "garden": (400, 600, "Thu", (11, 12, 1, 2, 3, 4), range(1, 32)),
    "movein": (14, 380, "Thu", (8,), range(18, 32)),
    "chicago": (250, 615, "Sun", (10,), range(8, 15)),
}

_EXPR = re.compile(r"^([a-z_]+)([+-]\d+)?$")


def pin(day: date, dow: str) -> date:
    """The given weekday ("Mon".."Sun") of the Monday-to-Sunday week that ``day`` is in."""
    return day - timedelta(days=day.weekday()) + timedelta(days=DOW[dow])


def birthday_next(today: date) -> date:
    """This year's birthday of the birthday contact: 2-6 days ahead, and chosen so that last
    year's date fell on a Wednesday-Saturday (so "this Wednesday" could be said on a Monday)."""
    for k in range(2, 7):
        day = today + timedelta(days=k)
        if (day.month, day.day) == (2, 29):
            continue
        if day.replace(year=day.year - 1).weekday() in (2, 3, 4, 5):
            return day
    raise AssertionError("five consecutive weekdays always include two of Wed-Sat")


def anchors(today: date) -> dict[str, date]:
    """Every named date the story refers to, for a demo whose today is ``today``."""
    nxt = birthday_next(today)
    named = {"n": today, "bday_next": nxt, "bday": nxt.replace(year=nxt.year - 1)}
    for name, (ago, dow, after) in PINNED.items():
        named[name] = pin(today - timedelta(days=ago), dow) + timedelta(days=after)
    for name, (least, most, dow, months, days) in SEASONAL.items():
        named[name] = _latest(today, least, most, dow, months, days)
    return named


def _latest(today: date, least: int, most: int, dow: str, months: tuple[int, ...], days: range) -> date:
    for ago in range(least, most + 1):
        day = today - timedelta(days=ago)
        if day.weekday() == DOW[dow] and day.month in months and day.day in days:
            return day
    raise AssertionError(f"no {dow} in months {months} between {least} and {most} days ago")


def resolve(expr: str, named: Mapping[str, date]) -> date:
    """``"n+21"``, ``"bday"``, ``"bday_next-1"`` -> a date."""
    match = _EXPR.match(expr)
    if not match or match[1] not in named:
        raise KeyError(f"unknown date expression {expr!r}")
    return named[match[1]] + timedelta(days=int(match[2] or 0))


def ordinal(n: int) -> str:
    suffix = "th" if 11 <= n % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def spell(value: date | tuple[date, date], spec: str) -> str:
    if isinstance(value, tuple):
        first, last = value
        if spec != "rng":
            raise ValueError(f"a date range needs the 'rng' spec, not {spec!r}")
        if (first.year, first.month) == (last.year, last.month):
            return f"{MONTHS[first.month - 1]} {first.day}-{last.day}"
        return f"{MONTHS[first.month - 1]} {first.day}-{MONTHS[last.month - 1]} {last.day}"
    day, month = value.day, MONTHS[value.month - 1]
    formats = {
        "wmd": f"{DAYS[value.weekday()]}, {month} {day}",
        "md": f"{month} {day}",
        "wd": DAYS[value.weekday()],
        "mon": month,
        "th": ordinal(day),
        "": value.isoformat(),
    }
    if spec not in formats:
        raise ValueError(f"unknown date spec {spec!r}")
    return formats[spec]


class _DateFormatter(string.Formatter):
    def __init__(self, named: Mapping[str, date]) -> None:
        self.named = named

    def get_field(self, field_name: str, args: Any, kwargs: Any) -> tuple[Any, str]:
        parts = tuple(resolve(p, self.named) for p in field_name.split("~"))
        return (parts[0] if len(parts) == 1 else parts), field_name

    def format_field(self, value: Any, format_spec: str) -> str:
        return spell(value, format_spec)


def render(text: str, named: Mapping[str, date]) -> str:
    """Fill the date placeholders in ``text``; text without braces comes back unchanged."""
    return _DateFormatter(named).format(text) if "{" in text else text
