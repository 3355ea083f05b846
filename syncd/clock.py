"""The one source of "now".

Logic never calls ``datetime.now()``: it takes ``now`` as a parameter or asks this
module. ``SYNCD_NOW`` (or the CLI's ``--now``) pins the clock for tests, demos and
reproducible briefings; a pinned time without an offset is read in the local zone.
"""

from __future__ import annotations

import datetime as dt
import os

from syncd.errors import ConfigError

_pinned: dt.datetime | None = None


def parse_instant(text: str) -> dt.datetime:
    """An ISO-8601 date or date-time as an aware datetime (local zone if none given)."""
    try:
        value = dt.datetime.fromisoformat(text.strip())
    except ValueError as err:
        raise ConfigError(f"not an ISO-8601 time: {text!r} (try 2026-03-24T08:00:00+01:00)") from err
    if value.tzinfo is None:
        value = value.astimezone()  # the machine's local zone
    return value


def pin(value: dt.datetime | str | None) -> None:
    """Pin the clock (``None`` unpins). Used by the CLI's ``--now`` and by tests."""
    global _pinned
    _pinned = parse_instant(value) if isinstance(value, str) else value


def now() -> dt.datetime:
    """The current time, timezone-aware: pinned, else ``SYNCD_NOW``, else the wall clock."""
    if _pinned is not None:
        return _pinned
    env = os.environ.get("SYNCD_NOW")
    if env:
        return parse_instant(env)
    return dt.datetime.now(dt.UTC)


def is_pinned() -> bool:
    return _pinned is not None or bool(os.environ.get("SYNCD_NOW"))
