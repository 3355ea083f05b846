"""One VEVENT occurrence -> ``EventRecord``: times to UTC, attendees, the call link.

The record-building half of ``connectors.ical_convert`` (which parses, repairs and
expands); pure, no I/O.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import icalendar

from connectors.base import AttendeeRecord, EventRecord

if TYPE_CHECKING:
    from connectors.ical_convert import Document

UTC = dt.UTC
DAY = dt.timedelta(days=1)
_CALL_HOSTS = ("meet.google.com", "zoom.us", "teams.microsoft.com", "teams.live.com", "webex.com")
_LINK = re.compile(r"https://[^\s<>\"'\\]+", re.IGNORECASE)


def _when(comp: icalendar.Component, name: str) -> dt.date:
    value = getattr(comp.get(name), "dt", None)
    if not isinstance(value, dt.date):
        raise ValueError(f"{name} is not a date or date-time")
    return value


def _to_utc(value: dt.date, tz: dt.tzinfo) -> dt.datetime:
    if not isinstance(value, dt.datetime):
        return dt.datetime.combine(value, dt.time(), UTC)
    if value.tzinfo is None:
        value = value.replace(tzinfo=tz)
    return value.astimezone(UTC)


def _record(
    comp: icalendar.Component, uid: str, recurring: bool, label: str, ctx: Document
) -> EventRecord | str | None:
    """One occurrence -> EventRecord; a cancelled one -> its provider id; outside -> None."""
    raw_start = _when(comp, "DTSTART")
    all_day = not isinstance(raw_start, dt.datetime)
    start = _to_utc(raw_start, ctx.tz)
    end = _to_utc(_when(comp, "DTEND"), ctx.tz) if "DTEND" in comp else start
    if all_day and end <= start:
        end = start + DAY
    end = max(end, start)
    provider_id = ctx.prefix + uid
    if recurring:
        recurrence = _to_utc(_when(comp, "RECURRENCE-ID"), ctx.tz)
        provider_id += "/" + recurrence.strftime("%Y-%m-%dT%H:%M:%SZ")
    if not (start < ctx.end and (end > ctx.start or start == end >= ctx.start)):
        return None
    status = str(comp.get("STATUS") or "CONFIRMED").strip().upper() or "CONFIRMED"
    if status == "CANCELLED":
        return provider_id
    attendees: dict[str, AttendeeRecord] = {}
    for prop in _as_list(comp.get("ATTENDEE")):
        person = _person(prop)
        if person is not None:
            attendees.setdefault(person.email, person)
    return EventRecord(
        provider_id=provider_id,
        uid=uid,
        summary=_text(comp, "SUMMARY"),
        description=_text(comp, "DESCRIPTION"),
        location=_text(comp, "LOCATION"),
        url=_call_link(comp),
        start=start,
        end=end,
        all_day=all_day,
        status=status,
        organizer=next((p for p in map(_person, _as_list(comp.get("ORGANIZER"))) if p), None),
        attendees=tuple(attendees.values()),
        calendar=label,
        recurring=recurring,
    )


def _as_list(value: Any) -> list[Any]:
    return [] if value is None else value if isinstance(value, list) else [value]


def _text(comp: icalendar.Component, name: str) -> str:
    values = _as_list(comp.get(name))
    return str(values[0]).strip() if values else ""


def _person(prop: Any) -> AttendeeRecord | None:
    """ATTENDEE/ORGANIZER -> AttendeeRecord; None when it holds no mail address."""
    email = re.sub(r"(?i)^mailto:", "", str(prop).strip()).strip().lower()
    if "@" not in email or any(c.isspace() for c in email):
        return None
    params = getattr(prop, "params", {})
    return AttendeeRecord(
        email=email,
        name=str(params.get("CN", "") or "").strip().strip('"'),
        partstat=str(params.get("PARTSTAT", "") or "").upper(),
        role=str(params.get("ROLE", "") or "").upper(),
    )


def _is_call(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    return any(host == h or host.endswith("." + h) for h in _CALL_HOSTS)


def _call_link(comp: icalendar.Component) -> str:
    """The call link: a conference property, a call-looking URL, a link in the text, URL."""
    for name in ("X-GOOGLE-CONFERENCE", "CONFERENCE"):
        for value in _as_list(comp.get(name)):
            if str(value).lower().startswith(("https://", "http://")):
                return str(value).strip()
    url = _text(comp, "URL")
    if url and _is_call(url):
        return url
    for name in ("LOCATION", "DESCRIPTION"):
        for match in _LINK.finditer(_text(comp, name)):
            link = match.group(0).rstrip(".,;:)>]")
            if _is_call(link):
                return link
    return url
