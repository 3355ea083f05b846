"""iCalendar bytes -> EventRecords: parsing, time zones, recurrence expansion.

Pure (no files, no HTTP, no clock): ``convert`` takes the bytes of one calendar
document and gives records, cancellations and failures. CalDAV can reuse it.

Bad input is contained at the smallest scope that holds it (khal's habit): a file that
does not parse is salvaged one VEVENT block at a time and is a Failure only if nothing
can be saved; an unusable VEVENT (no or broken DTSTART, unknown TZID) or a series that
cannot be expanded (bad RRULE) is a Failure for that UID while its neighbours come
through; runaway recurrences (FREQ=SECONDLY for thirty years) are capped, never hang.

Quirks and where they come from:

* Google exports write UTC times plus ``X-WR-TIMEZONE``; ``x_wr_timezone.to_standard``
  moves them to that zone so recurrences keep their wall time across DST
  (https://github.com/niccokunzmann/x-wr-timezone).
* Outlook/Exchange write Windows zone names ("W. Europe Standard Time") with a home-made
  VTIMEZONE. They are mapped to IANA zones with icalendar's own CLDR table
  (``icalendar.timezone.windows_to_olson``, from CLDR windowsZones.xml); the IANA
  zone wins over the embedded definition.
* Floating times (RFC 5545 3.3.5 form #1) are read in the connector's ``default_tz``.
* icalendar caches custom VTIMEZONE definitions process-wide by TZID, so a custom
  TZID (not IANA, not Windows) means whatever the first file that defined it said.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import recurring_ical_events  # type: ignore[import-untyped]
import x_wr_timezone  # type: ignore[import-untyped]
from icalendar.prop import vBroken
from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

from connectors.base import EventRecord, Failure
from connectors.ical_record import DAY, UTC, _as_list, _record, _text, _to_utc, _when  # noqa: F401

log = logging.getLogger(__name__)

MAX_OCCURRENCES = 5000  # per series and sync; more is a runaway rule, not a calendar
MAX_SKIPPED = 250_000  # rule iterations before the window we are willing to walk
_TIME_PROPS = ("DTSTART", "DTEND", "DURATION", "RECURRENCE-ID", "RRULE", "RDATE", "EXDATE")
_FREQ_SECONDS = {
    "SECONDLY": 1, "MINUTELY": 60, "HOURLY": 3600, "DAILY": 86400,
    "WEEKLY": 7 * 86400, "MONTHLY": 28 * 86400, "YEARLY": 365 * 86400,
}  # fmt: skip


@dataclass
class Converted:
    """What one calendar file yields.

    ``failed`` holds the provider ids (or id prefixes: ``base`` covers ``base/...``)
    of events that could not be read; their stored copies must not be deleted.
    ``intact`` is False when the file itself could not be read: keep all its events.
    """

    records: list[EventRecord] = field(default_factory=list)
    cancelled: list[str] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    failed: set[str] = field(default_factory=set)
    intact: bool = True


@dataclass(frozen=True)
class Document:
    """One calendar document and how to read it."""

    source: str  # path or URL, for Failures and logs
    file_name: str  # what a made-up UID is derived from
    label: str  # calendar name when the file has no X-WR-CALNAME
    start: dt.datetime  # the window, timezone-aware
    end: dt.datetime
    prefix: str = ""  # provider-id prefix naming the file ("" for one-document accounts)
    tz: dt.tzinfo = UTC  # floating times are read in this zone
    cap: int = MAX_OCCURRENCES  # occurrences per series


def convert(data: bytes, ctx: Document) -> Converted:
    """Read one .ics document and expand it within the window. Never raises on bad data."""
    source = ctx.source
    out = Converted()
    try:
        calendars = _calendars(icalendar.Calendar.from_ical(data, multiple=True))
    except Exception as err:  # noqa: BLE001 - third-party parser on untrusted input
        log.info("%s does not parse as a whole (%s); salvaging event by event", source, err)
        calendars = _salvage(data, ctx, out)
        if not calendars and not out.failures:
            return _lost(out, source, f"not an iCalendar file: {err}")
    try:
        for cal in calendars:
            _convert_calendar(cal, ctx, out)
    except Exception as err:  # noqa: BLE001 - a bug here must not stop the account
        log.exception("%s: conversion failed", source)
        return _lost(Converted(), source, f"cannot convert: {type(err).__name__}: {err}")
    out.records = list({r.provider_id: r for r in out.records}.values())  # last one wins
    return out


def _lost(out: Converted, source: str, why: str) -> Converted:
    out.failures.append(Failure(source, source, why))
    out.intact = False
    return out


def _calendars(components: Iterable[icalendar.Component]) -> list[icalendar.Calendar]:
    """VCALENDARs as they are; bare VEVENTs (fragments) wrapped in one."""
    result: list[icalendar.Calendar] = []
    loose = icalendar.Calendar()
    for comp in components:
        if isinstance(comp, icalendar.Calendar):
            result.append(comp)
        elif comp.name == "VEVENT":
            loose.add_component(comp)
    if loose.subcomponents:
        result.append(loose)
    return result


def _salvage(data: bytes, ctx: Document, out: Converted) -> list[icalendar.Calendar]:
    """Parse a broken file one VEVENT block at a time (VTIMEZONEs first, VALARMs dropped)."""
    text = re.sub(r"\r?\n[ \t]", "", data.decode("utf-8", errors="replace"))
    header: list[str] = []
    blocks: list[tuple[str, list[str]]] = []
    stack: list[str] = []
    for line in text.splitlines():
        upper = line.strip().upper()
        if upper.startswith("BEGIN:"):
            stack.append(upper[6:])
            if len(stack) == (2 if stack[0] == "VCALENDAR" else 1):
                blocks.append((stack[-1], []))
        if len(stack) > (1 if stack and stack[0] == "VCALENDAR" else 0):
            if "VALARM" not in stack:
                blocks[-1][1].append(line)
        elif stack and upper and not upper.startswith(("BEGIN:", "END:")):
            header.append(line)
        if upper.startswith("END:") and stack:
            stack.pop()
    parsed = _parse_or_none("\r\n".join(["BEGIN:VCALENDAR", *header, "END:VCALENDAR"]))
    cal = parsed if isinstance(parsed, icalendar.Calendar) else icalendar.Calendar()
    for name, lines in blocks:
        if name == "VTIMEZONE" and _parse_or_none("\r\n".join(lines)) is None:
            log.warning("%s: dropped an unreadable VTIMEZONE", ctx.source)
    for name, lines in blocks:
        if name != "VEVENT":
            continue
        try:
            cal.add_component(icalendar.Event.from_ical("\r\n".join(lines)))
        except Exception as err:  # noqa: BLE001
            uid = next((ln.split(":", 1)[1] for ln in lines if ln.upper().startswith("UID")), "")
            base = ctx.prefix + (uid.strip() or _digest(ctx.file_name, *lines))
            out.failures.append(Failure(base, ctx.source, f"unreadable VEVENT: {err}"))
            out.failed.add(base)
    return [cal] if cal.walk("VEVENT") else []


def _parse_or_none(text: str) -> icalendar.Component | None:
    try:
        return icalendar.Component.from_ical(text)
    except Exception:  # noqa: BLE001
        return None


def _digest(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:32] + "@syncd"


def _convert_calendar(cal: icalendar.Calendar, ctx: Document, out: Converted) -> None:
    try:
        cal = x_wr_timezone.to_standard(cal)
    except Exception as err:  # noqa: BLE001 - e.g. X-WR-TIMEZONE names no zone
        log.warning("%s: ignoring X-WR-TIMEZONE (%s)", ctx.source, err)
    label = str(cal.get("X-WR-CALNAME") or "") or ctx.label
    good: list[icalendar.Component] = []
    for comp in cal.subcomponents:
        if comp.name != "VEVENT":
            good.append(comp)
            continue
        uid = _uid(comp, ctx)
        problem = _prepare(comp)
        if problem is None:
            good.append(comp)
        else:
            _fail(out, ctx, uid, problem, _text(comp, "SUMMARY"))
    cal.subcomponents[:] = good
    events = [c for c in good if c.name == "VEVENT"]
    recurring = {str(c["UID"]) for c in events if {"RRULE", "RDATE", "RECURRENCE-ID"} & set(c)}
    limits = {str(c["UID"]): _limit(c, ctx) for c in events if "RRULE" in c}
    by_uid: dict[str, list[icalendar.Component]] = {}
    for comp in events:
        by_uid.setdefault(str(comp["UID"]), []).append(comp)
    for uid, series in _series(cal, by_uid, ctx, out):
        summary = _text(by_uid[uid][0], "SUMMARY") if uid in by_uid else ""
        limit = limits.get(uid, ctx.end + DAY)
        if isinstance(limit, str):
            _fail(out, ctx, uid, limit, summary)
            continue
        try:
            found = list(islice(series.between(ctx.start - DAY, limit), ctx.cap + 1))
            if len(found) > ctx.cap:
                log.warning("%s: UID %s capped at %d occurrences", ctx.source, uid, ctx.cap)
            converted = [
                _record(o.as_component(False), uid, uid in recurring, label, ctx)
                for o in found[: ctx.cap]
            ]
        except Exception as err:  # noqa: BLE001 - one bad series must not sink its file
            _fail(out, ctx, uid, f"cannot expand: {type(err).__name__}: {err}", summary)
            continue
        for item in converted:
            if isinstance(item, str):
                out.cancelled.append(item)
            elif item is not None:
                out.records.append(item)


def _uid(comp: icalendar.Component, ctx: Document) -> str:
    """The UID, made up deterministically from (file name, DTSTART, SUMMARY) when absent."""
    uid = comp.get("UID")
    if isinstance(uid, list):
        uid = uid[0]
    if uid is None or not str(uid).strip():
        start = comp.get("DTSTART")
        raw = start.to_ical().decode() if hasattr(start, "to_ical") else ""
        tzid = str(getattr(start, "params", {}).get("TZID", ""))
        uid = _digest(ctx.file_name, tzid, raw, str(comp.get("SUMMARY", "")))
    text = str(uid).strip()
    comp["UID"] = text
    return text


def _prepare(comp: icalendar.Component) -> str | None:
    """Check one VEVENT and move Windows zones to IANA; why it is unusable, or None."""
    try:
        problem = _problem(comp)
        if problem is None:
            _windows_to_iana(comp)
        return problem
    except Exception as err:  # noqa: BLE001
        return f"unreadable: {type(err).__name__}: {err}"


def _problem(comp: icalendar.Component) -> str | None:
    """Why this VEVENT cannot become a record, or None."""
    if "DTSTART" not in comp:
        return "VEVENT has no DTSTART"
    for name in _TIME_PROPS:
        value = comp.get(name)
        if isinstance(value, list) and name in ("DTSTART", "DTEND", "DURATION", "RECURRENCE-ID"):
            return f"{name} appears {len(value)} times"
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, vBroken):
                return f"bad {name}: {item.to_ical().decode(errors='replace')!r}"
    for name in ("DTSTART", "DTEND", "RECURRENCE-ID"):
        prop = comp.get(name)
        value = getattr(prop, "dt", None)
        if prop is not None and not isinstance(value, dt.date):
            return f"{name} is not a date or date-time"
        tzid = getattr(prop, "params", {}).get("TZID")
        if isinstance(value, dt.datetime) and value.tzinfo is None and tzid:
            return f"unknown time zone {tzid!r} (no VTIMEZONE, not an IANA or Windows name)"
    return None


def _windows_to_iana(comp: icalendar.Component) -> None:
    """Put Windows-named date-times into their IANA zone, keeping the wall time."""
    for name in ("DTSTART", "DTEND", "RECURRENCE-ID", "RDATE", "EXDATE"):
        value = comp.get(name)
        for prop in value if isinstance(value, list) else [value]:
            outer = str(getattr(prop, "params", {}).get("TZID", ""))
            for item in getattr(prop, "dts", None) or [prop]:
                tzid = str(getattr(item, "params", {}).get("TZID", "") or outer).strip("/")
                if tzid in WINDOWS_TO_OLSON and hasattr(item, "dt"):
                    zone = ZoneInfo(WINDOWS_TO_OLSON[tzid])
                    item.dt = _rezone(item.dt, zone)


def _rezone(value: Any, zone: ZoneInfo) -> Any:
    if isinstance(value, tuple):  # a PERIOD: (start, end or duration)
        return tuple(_rezone(v, zone) for v in value)
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=zone)
    return value


def _limit(core: icalendar.Component, ctx: Document) -> dt.datetime | str:
    """Where to stop expanding this rule so it yields about ``cap`` occurrences at most.

    dateutil materialises every occurrence up to the window's end (and walks every one
    before its start), so the bound is computed before expanding, from an upper
    estimate of the rule's rate. Returns an error message for hopeless rules.
    """
    end = ctx.end + DAY
    try:
        return _bound(core, ctx, end)
    except (ValueError, TypeError, OverflowError, KeyError, IndexError):
        return end  # a malformed rule: the expansion will say what is wrong


def _bound(core: icalendar.Component, ctx: Document, end: dt.datetime) -> dt.datetime | str:
    first = _to_utc(_when(core, "DTSTART"), ctx.tz)
    begin = max(first, ctx.start - DAY)
    rate = 0.0  # occurrences per second inside the window, over-estimated
    skipped = 0.0  # occurrences walked before the window
    for rule in _as_list(core.get("RRULE")):
        if not isinstance(rule, icalendar.vRecur):
            return end
        freq = str((rule.get("FREQ") or ["DAILY"])[0]).upper()
        interval = max(int((rule.get("INTERVAL") or [1])[0] or 1), 1)
        factor = 1
        for key, values in rule.items():
            if key.startswith("BY") and key != "BYSETPOS" and isinstance(values, list):
                factor *= max(len(values), 1)
        rule_rate = factor / (_FREQ_SECONDS.get(freq, 86400) * interval)
        count = int((rule.get("COUNT") or [0])[0] or 0)
        until = _to_utc(rule["UNTIL"][0], ctx.tz) if rule.get("UNTIL") else None
        stop = min(begin, until) if until is not None else begin
        walked = max((stop - first).total_seconds(), 0) * rule_rate
        skipped += min(walked, count) if count else walked
        if not 0 < count <= ctx.cap and (until is None or until > begin):
            rate += rule_rate
    if skipped > MAX_SKIPPED:
        return f"recurrence too dense to expand (about {skipped:.0f} occurrences before the window)"
    if rate == 0:
        return end
    return min(end, begin + dt.timedelta(seconds=min(ctx.cap / rate, 1e10)))


def _series(
    cal: icalendar.Calendar,
    by_uid: dict[str, list[icalendar.Component]],
    ctx: Document,
    out: Converted,
) -> Iterator[tuple[str, Any]]:
    """(uid, series) pairs; if the calendar as a whole will not load, load UID by UID."""
    try:
        query = recurring_ical_events.of(cal)
    except Exception as err:  # noqa: BLE001
        log.info("%s: expanding UID by UID (%s: %s)", ctx.source, type(err).__name__, err)
    else:
        for series in query.series:
            yield str(series.uid), series
        return
    for uid, comps in by_uid.items():
        mini = icalendar.Calendar()
        for comp in comps:
            mini.add_component(comp)
        try:
            loaded = recurring_ical_events.of(mini).series
        except Exception as err:  # noqa: BLE001
            why = f"cannot read: {type(err).__name__}: {err}"
            _fail(out, ctx, uid, why, _text(comps[0], "SUMMARY"))
            continue
        for series in loaded:
            yield str(series.uid), series


def _fail(out: Converted, ctx: Document, uid: str, why: str, summary: str) -> None:
    base = ctx.prefix + uid
    log.warning("%s: skipping event %s: %s", ctx.source, uid, why)
    out.failures.append(Failure(base, ctx.source, why + (f" (event {summary!r})" * bool(summary))))
    out.failed.add(base)
