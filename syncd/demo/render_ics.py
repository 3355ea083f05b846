"""The calendar story -> one iCalendar file (RFC 5545) built with ``icalendar``.

Times are local to the user (``now``'s zone). With a named zone (``zoneinfo``) events carry a
TZID and the file gets VTIMEZONE components; with a fixed offset they are written in UTC.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Event, vCalAddress

from syncd.demo import dates, story
from syncd.demo.model import ME, Meeting, Series

DOMAIN = "morganadvisory.com"


def _who(key: str) -> tuple[str, str]:
    return (story.USER_NAME, story.USER_ADDRESS) if key == ME else (story.BY_KEY[key].name, story.BY_KEY[key].email)


def _address(key: str, **params: str) -> vCalAddress:
    name, addr = _who(key)
    value = vCalAddress(f"mailto:{addr}")
    value.params["CN"] = name
    for k, v in params.items():
        value.params[k.upper().replace("_", "-")] = v
    return value


class CalendarRenderer:
    def __init__(self, now: datetime, rng: random.Random) -> None:
        self.now = now
        self.today = now.date()
        self.rng = rng
        self.named = dates.anchors(self.today)
        self.zone = now.tzinfo if isinstance(now.tzinfo, ZoneInfo) else None
        self.stamp = now.astimezone(UTC).replace(microsecond=0)

    def _local(self, day: date, at: str) -> datetime:
        hh, mm = map(int, at.split(":"))
        if self.zone is not None:
            return datetime.combine(day, time(hh, mm), tzinfo=self.zone)
        return datetime.combine(day, time(hh, mm), tzinfo=self.now.tzinfo).astimezone(UTC)

    def _event(self, uid: str, day: date, at: str, minutes: int, title: str, who: tuple[str, ...],
               organizer: str, location: str = "", url: str = "", description: str = "",
               status: str = "CONFIRMED", partstat: dict[str, str] | None = None) -> Event:
        start = self._local(day, at)
        ev = Event()
        ev.add("uid", f"{uid}@{DOMAIN}")
        ev.add("dtstamp", self.stamp)
        created = (start - timedelta(days=self.rng.randint(2, 20), minutes=self.rng.randint(0, 600)))
        ev.add("created", created.astimezone(UTC))
        ev.add("last-modified", created.astimezone(UTC))
        ev.add("sequence", 0)
        ev.add("summary", title)
        ev.add("dtstart", start)
        ev.add("dtend", start + timedelta(minutes=minutes))
        ev.add("status", status)
        ev.add("transp", "OPAQUE")
        if location:
            ev.add("location", location)
        if url:
            ev.add("url", url)
        if description:
            ev.add("description", description)
        ev.add("organizer", _address(organizer))
        partstat = partstat or {}
        for key in (ME, *who):
            state = partstat.get(key, "ACCEPTED")
            role = "CHAIR" if key == organizer else "REQ-PARTICIPANT"
            ev.add("attendee", _address(key, role=role, partstat=state, cutype="INDIVIDUAL"))
        return ev

    def meeting(self, mt: Meeting) -> Event:
        if isinstance(mt.day, tuple):
            day = dates.resolve(mt.day[0], self.named) + timedelta(days=mt.day[1])
        else:
            day = self.today + timedelta(days=mt.day)
        ev = self._event(mt.key, day, mt.at, mt.minutes, mt.title, mt.who, mt.organizer, mt.location,
                         mt.url, mt.description, mt.status, mt.partstat)
        if day >= self.today and mt.status == "CONFIRMED":
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", "Reminder")
            alarm.add("trigger", timedelta(minutes=-10))
            ev.add_component(alarm)
        return ev

    def series(self, s: Series) -> list[Event]:
        events = []
        for i, ago in enumerate(range(s.start, s.end - 1, -s.every)):
            day = self.today - timedelta(days=ago - self.rng.randint(-2, 2))
            if s.dow:
                day = dates.pin(day, s.dow)
            elif day.weekday() >= 5:
                day -= timedelta(days=day.weekday() - 4)
            if day >= self.today:
                continue
            title = s.titles[i % len(s.titles)]
            events.append(self._event(f"{s.key}-{i:03d}", day, s.at, s.minutes, title, s.who,
                                      s.organizer, s.location))
        return events

    def weekly(self, s: Series, skipped_ago: int) -> Event:
        first = dates.pin(self.today - timedelta(days=s.start), s.dow or "Mon")
        ev = self._event(s.key, first, s.at, s.minutes, s.titles[0], s.who, s.organizer, s.location)
        ev.add("rrule", {"FREQ": "WEEKLY", "BYDAY": (s.dow or "Mon")[:2].upper()})
        skipped = dates.pin(self.today - timedelta(days=skipped_ago), s.dow or "Mon")
        ev.add("exdate", self._local(skipped, s.at))
        return ev

    def calendar(self) -> tuple[bytes, int]:
        cal = Calendar()
        cal.add("prodid", "-//Morgan Advisory//syncd demo calendar//EN")
        cal.add("version", "2.0")
        cal.add("calscale", "GREGORIAN")
        cal.add("x-wr-calname", f"{story.USER_NAME} (work)")
        events: list[Event] = []
        for s in story.SERIES:
            events.extend(self.series(s))
        events.extend(self.meeting(mt) for mt in story.MEETINGS)
        events.append(self.weekly(story.WEEKLY_1ON1, story.WEEKLY_SKIPPED_AGO))
        events.sort(key=lambda ev: (ev.decoded("dtstart").astimezone(UTC), str(ev["uid"])))
        for ev in events:
            cal.add_component(ev)
        if self.zone is not None:
            cal.add_missing_timezones()
        return cal.to_ical(), len(events)
