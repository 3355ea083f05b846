"""When things are due: the morning briefing's window and a failing account's backoff.

Pure functions of ``now`` and plain values, so the daemon's timing is tested without a
daemon, a database or a clock:

* the briefing for a day goes out at ``briefing_time`` in the user's zone, or, when the
  machine slept or the daemon was down then, as soon as it runs again that morning, up to
  ``briefing_until`` (noon by default); never twice for a date;
* a failing account waits ``base * 2**(failures-1)`` seconds (capped) with "equal
  jitter" (half fixed, half random) so accounts that failed together do not retry in
  lockstep (https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Collection
from dataclasses import dataclass

from syncd.errors import ConfigError

DEFAULT_BRIEFING_TIME = "07:00"
DEFAULT_BRIEFING_UNTIL = "12:00"
BACKOFF_BASE = 15.0
BACKOFF_CAP = 3600.0


def parse_hhmm(text: str, key: str) -> dt.time:
    """``"07:00"`` -> ``time(7, 0)``; a ConfigError that names the setting otherwise."""
    try:
        hours, minutes = text.strip().split(":")
        return dt.time(int(hours), int(minutes))
    except ValueError as err:
        raise ConfigError(f"syncd.{key}: {text!r} is not a time of day like \"07:00\"") from err


@dataclass(frozen=True)
class BriefingPlan:
    """The daily window: from ``at`` until ``until`` in ``tz``; ``at`` None means no briefing."""

    tz: dt.tzinfo
    at: dt.time | None
    until: dt.time

    @classmethod
    def from_settings(cls, settings: dict[str, object], tz: dt.tzinfo) -> BriefingPlan:
        at_text = str(settings.get("briefing_time", DEFAULT_BRIEFING_TIME)).strip()
        at = None if at_text.lower() in ("", "off", "none") else parse_hhmm(at_text, "briefing_time")
        until = parse_hhmm(str(settings.get("briefing_until", DEFAULT_BRIEFING_UNTIL)), "briefing_until")
        return cls(tz, at, until)

    def window(self, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
        """Start and end of ``day``'s window; an ``until`` not after ``at`` means end of day."""
        assert self.at is not None
        start = dt.datetime.combine(day, self.at, tzinfo=self.tz)
        if self.until > self.at:
            end = dt.datetime.combine(day, self.until, tzinfo=self.tz)
        else:
            end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=self.tz)
        return start, end


def briefing_due(
    now: dt.datetime, tz: dt.tzinfo, briefing_time: dt.time | None,
    until: dt.time = dt.time(12), sent_dates: Collection[dt.date] = (),
) -> dt.date | None:
    """The date whose briefing should go out at ``now``, or None.

    Due from ``briefing_time`` until ``until`` (local time in ``tz``) on a date that is
    not in ``sent_dates``; a daemon that starts at 09:30 still sends that morning's
    07:00 briefing, one that starts at 13:00 does not.
    """
    if briefing_time is None:
        return None
    plan = BriefingPlan(tz, briefing_time, until)
    day = now.astimezone(tz).date()
    if day in sent_dates:
        return None
    start, end = plan.window(day)
    return day if start <= now < end else None


def next_briefing(
    now: dt.datetime, tz: dt.tzinfo, briefing_time: dt.time | None,
    until: dt.time = dt.time(12), sent_dates: Collection[dt.date] = (),
) -> dt.datetime | None:
    """When the next briefing is due: ``now`` if one is due already, else the next start."""
    if briefing_time is None:
        return None
    plan = BriefingPlan(tz, briefing_time, until)
    today = now.astimezone(tz).date()
    for offset in range(3):
        day = today + dt.timedelta(days=offset)
        if day in sent_dates:
            continue
        start, end = plan.window(day)
        if now < end:
            return max(start, now)
    return None  # pragma: no cover - three days are never all sent ahead


def backoff(failures: int, rng: random.Random, base: float = BACKOFF_BASE, cap: float = BACKOFF_CAP) -> float:
    """Seconds to wait after the ``failures``-th failure in a row: exponential, capped, jittered.

    The result lies in ``[d/2, d]`` where ``d = min(cap, base * 2**(failures-1))``.
    """
    if failures <= 0:
        return 0.0
    ceiling = min(cap, base * 2 ** min(failures - 1, 30))
    return ceiling / 2 + rng.uniform(0, ceiling / 2)
