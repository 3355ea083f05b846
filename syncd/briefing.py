"""The morning briefing and pre-meeting briefs, as plain data.

``build(day, now, ...)`` reads the store and returns a frozen :class:`Briefing`: the
day's meetings in order, each with a brief of every attendee who is not the user (a
full one for contacts, one line for colleagues, nothing for muted people and robots),
then the relationships going cold, the dates of the coming week, the user's promises
that are due, and the drafts waiting for review. ``brief_event(uid, ...)`` gives one
meeting. Rendering is ``syncd.render``'s job; delivery is ``syncd.deliver``'s.

No clock: ``now`` and the day are parameters. Queries are bounded: one indexed range
for the day's events, one query for their attendees, then per attendee only that
person's rows (``syncd.dossier``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from syncd import knowledge, store
from syncd.dossier import Attendee, brief_person, loop_note, own_domains
from syncd.errors import ConfigError
from syncd.infer.fact_resolve import project
from syncd.infer.model import Fact
from syncd.wording import clean, day, fact_text, soon, time_range, yearly

E, AT, AD, P = store.Event, store.Attendee, store.Address, store.Person

WEEK = 7
MAX_COLD, MAX_DATES, MAX_PROMISES, MAX_DRAFTS = 5, 8, 6, 5
PROMISE_HORIZON = 3  # days: a dated promise shows once it is due within this
_CALL = re.compile(r"https://(?:[\w-]+\.)*(?:zoom\.us|meet\.google\.com|teams\.microsoft\.com|teams\.live\.com|webex\.com|"
                   r"whereby\.com|meet\.jit\.si|chime\.aws|gotomeeting\.com)/[^\s<>\"')\]]*")
_RESOURCE_DOMAINS = ("resource.calendar.google.com", "group.calendar.google.com", "group.v.calendar.google.com")


@dataclass(frozen=True)
class Meeting:
    uid: str
    title: str
    start: str  # ISO, in the user's zone
    end: str | None
    time: str  # "9:30–10:30 AM" or "All day"
    all_day: bool
    place: str
    link: str  # an https call link, when there is one
    attendees: tuple[Attendee, ...]


@dataclass(frozen=True)
class ColdNote:
    name: str
    email: str
    reason: str
    last_subject: str
    last_contact: str | None


@dataclass(frozen=True)
class DateNote:
    date: str
    day: str  # "Thu Mar 26"
    when: str  # "Thursday"
    name: str
    email: str
    kind: str
    text: str


@dataclass(frozen=True)
class PromiseNote:
    name: str
    email: str
    text: str
    when: str
    due: str | None
    due_label: str
    overdue: bool


@dataclass(frozen=True)
class DraftNote:
    subject: str
    to: str
    kind: str


@dataclass(frozen=True)
class Briefing:
    date: str
    day: str  # "Tuesday, March 24"
    timezone: str
    user: str
    meetings: tuple[Meeting, ...]
    cold: tuple[ColdNote, ...]
    dates: tuple[DateNote, ...]
    promises: tuple[PromiseNote, ...]
    drafts: tuple[DraftNote, ...]
    drafts_waiting: int

    @property
    def people(self) -> list[Attendee]:
        """Everyone briefed today, in meeting order, once each."""
        seen: dict[str, Attendee] = {}
        for meeting in self.meetings:
            for person in meeting.attendees:
                seen.setdefault(person.email, person)
        return list(seen.values())

    @property
    def empty(self) -> bool:
        """Nothing worth saying: no meetings, nobody going cold, no dates, promises or drafts."""
        return not (self.meetings or self.cold or self.dates or self.promises or self.drafts_waiting)


def build(date: dt.date, now: dt.datetime, tz: dt.tzinfo, self_addresses: frozenset[str],
          timezone_name: str = "") -> Briefing:
    """The briefing for ``date`` (a day in ``tz``) as of ``now``."""
    meetings = tuple(meetings_on(date, now, tz, self_addresses))
    met = {p.email for m in meetings for p in m.attendees}
    user = P.select(P.name).where((P.is_self == True) & (P.name != "")).order_by(P.id).scalar() or ""  # noqa: E712
    drafts = store.Draft.select().where(store.Draft.status.in_(["pending", "placed"]))
    return Briefing(
        date=date.isoformat(), day=f"{date:%A, %B} {date.day}", timezone=timezone_name or str(tz), user=clean(user, 80),
        meetings=meetings,
        cold=tuple(cold_notes(now, met)),
        dates=tuple(dates_ahead(date)),
        promises=tuple(promises_due(date, now, _hidden_people())),
        drafts=tuple(draft_notes(drafts.order_by(store.Draft.created).limit(MAX_DRAFTS))),
        drafts_waiting=drafts.count(),
    )


def meetings_on(date: dt.date, now: dt.datetime, tz: dt.tzinfo, self_addresses: frozenset[str]) -> list[Meeting]:
    """The day's events in order, each with its attendees briefed."""
    start = dt.datetime.combine(date, dt.time(), tz)
    end = dt.datetime.combine(date + dt.timedelta(days=1), dt.time(), tz)
    midnight = dt.datetime.combine(date, dt.time(), dt.UTC)
    timed = E.select().where((E.start >= start) & (E.start < end) & (E.all_day == False))  # noqa: E712
    whole = E.select().where(
        (E.all_day == True) & (E.start <= midnight) & (E.start > midnight - dt.timedelta(days=62))  # noqa: E712
        & ((E.end > midnight) | (E.start == midnight))
    )
    events = [e for e in [*whole, *timed] if e.status.upper() != "CANCELLED"]
    events.sort(key=lambda e: (not e.all_day, e.start, e.summary))
    return _meetings(events, date, now, tz, self_addresses)


def brief_event(uid: str, date: dt.date | None, now: dt.datetime, tz: dt.tzinfo,
                self_addresses: frozenset[str]) -> Meeting:
    """One meeting's brief: the occurrence of ``uid`` on ``date``, else the next one, else the last."""
    found = list(E.select().where((E.uid == uid) | (E.provider_id == uid)).order_by(E.start))
    if date is not None:
        found = [e for e in found if e.start is not None and e.start.astimezone(tz).date() == date]
    if not found:
        raise ConfigError(f"no meeting with UID {uid!r}{f' on {date}' if date else ''} (see the briefing's JSON for UIDs)")
    upcoming = [e for e in found if (e.end or e.start) >= now]
    event = upcoming[0] if upcoming else found[-1]
    meetings = _meetings([event], event.start.astimezone(tz).date(), now, tz, self_addresses, keep_declined=True)
    return meetings[0]


def _meetings(events: Sequence[store.Event], date: dt.date, now: dt.datetime, tz: dt.tzinfo,
              self_addresses: frozenset[str], keep_declined: bool = False) -> list[Meeting]:
    seen_events: set[tuple[str, str]] = set()
    unique = []
    for e in events:  # the same meeting in two calendars is one meeting
        key = (e.uid, e.start.isoformat() if e.start else "")
        if key not in seen_events:
            seen_events.add(key)
            unique.append(e)
    rows = (
        AT.select(AT, AD, P).join(AD).join(P)
        .where(AT.event.in_([e.id for e in unique])).order_by(AT.event, AT.organizer.desc(), AT.id)
    ) if unique else []
    by_event: dict[int, list[store.Attendee]] = {}
    for row in rows:
        by_event.setdefault(row.event_id, []).append(row)
    ours = own_domains(self_addresses)
    briefed: dict[int, tuple[str, Attendee]] = {}
    out = []
    for event in unique:
        people = by_event.get(event.id, [])
        if not keep_declined and any(_is_self(r, self_addresses) and r.partstat.upper() == "DECLINED" for r in people):
            continue
        local_start = event.start.astimezone(tz)
        when = "All day" if event.all_day else time_range(local_start, event.end.astimezone(tz) if event.end else None)
        place, link = _place_and_link(event)
        full: list[Attendee] = []
        short: list[Attendee] = []
        for row in people:
            person, email = row.address.person, row.address.email
            if _is_self(row, self_addresses) or person.muted or person.automated or row.address.automated \
                    or email.endswith(_RESOURCE_DOMAINS):
                continue
            colleague = email.rpartition("@")[2] in ours
            if person.id in briefed:
                first_time, brief = briefed[person.id]
                brief = dataclasses.replace(brief, repeat_of=first_time)
            else:
                brief = brief_person(person, email, colleague=colleague, today=date, now=now,
                                     hints=(event.location, event.summary), skip_event=event.id)
                briefed[person.id] = (when, brief)
            (short if colleague else full).append(brief)
        out.append(Meeting(
            uid=event.uid, title=clean(event.summary, 160) or "(no title)", start=local_start.isoformat(),
            end=event.end.astimezone(tz).isoformat() if event.end else None, time=when, all_day=event.all_day,
            place=place, link=link, attendees=tuple(full + short),
        ))
    return out


def _is_self(row: store.Attendee, self_addresses: frozenset[str]) -> bool:
    return bool(row.address.person.is_self) or row.address.email in self_addresses


def _place_and_link(event: store.Event) -> tuple[str, str]:
    """Where, as text, and a call link only when it is an https URL (never javascript: or data:)."""
    place = clean(event.location, 160)
    link = ""
    for candidate in (event.url, event.location, event.description):
        if candidate and (m := _CALL.search(candidate) or re.match(r"https://\S+$", candidate.strip())):
            link = clean(m.group(0), 500)
            break
    if link and place == link:
        place = "Video call"
    return place, link


def _hidden_people() -> frozenset[str]:
    """People the briefing never names: muted, automated, the user."""
    query = P.select(P.primary_email).where((P.muted == True) | (P.automated == True) | (P.is_self == True))  # noqa: E712
    return frozenset(email for (email,) in query.tuples())


def _names(emails: Iterable[str]) -> dict[str, str]:
    wanted = sorted(set(emails))
    names: dict[str, str] = {}
    for at in range(0, len(wanted), 400):
        query = P.select(P.primary_email, P.name).where(P.primary_email.in_(wanted[at:at + 400]))
        names.update({email: clean(name, 80) or email for email, name in query.tuples()})
    return names


def cold_notes(now: dt.datetime, skip: set[str]) -> list[ColdNote]:
    """The relationships most overdue against their own rhythm (not the people you meet today)."""
    limit = MAX_COLD
    while True:  # usually once: the people you meet today are rarely among the coldest
        found = knowledge.cold(now, limit)
        ranked = [c for c in found if c["email"] not in skip][:MAX_COLD]
        if len(ranked) == MAX_COLD or len(found) < limit:
            break
        limit += MAX_COLD
    return [ColdNote(name=clean(c["name"], 80) or c["email"], email=c["email"], reason=clean(c["reason"]),
                     last_subject=clean(c["last_subject"], 120), last_contact=c["last_contact"]) for c in ranked]


_DATED_KINDS = ("birthday", "anniversary", "travel", "life_event", "family")


def _dated_facts(today: dt.date) -> list[Fact]:
    """Active, non-sensitive facts that carry a date or may project one, of people the
    briefing may name, and their projections: one lean query (no models) however big the store."""
    F, FB = store.Fact, store.Feedback
    dismissed = {n for (n,) in FB.select(FB.natural).where((FB.target == "fact") & (FB.verdict == "dismissed")).tuples()}
    query = (
        F.select(F.kind, F.value, F.key, F.date, F.confidence, F.source, F.stated_at, F.sentence, F.natural, P.primary_email)
        .join(P).where((F.state == "active") & F.kind.in_(_DATED_KINDS) & (F.sensitive == False)  # noqa: E712
                       & (P.muted == False) & (P.automated == False) & (P.is_self == False))  # noqa: E712
    )
    facts = [
        Fact(person=email, kind=kind, value=value, key=key, source=source, stated_at=dt.date.fromisoformat(stated),
             sentence=sentence, confidence=float(confidence), date=date)
        for kind, value, key, date, confidence, source, stated, sentence, natural, email in store.db.execute(query).fetchall()
        if natural not in dismissed
    ]
    return facts + project(facts, today)


def dates_ahead(date: dt.date) -> list[DateNote]:
    """Birthdays, anniversaries, trips and projected milestones in the week from ``date``."""
    last = date + dt.timedelta(days=WEEK - 1)
    found = []
    for fact in _dated_facts(date):
        when = yearly(fact.date, date)
        if when is not None and date <= when <= last:
            found.append((when, fact))
    found = sorted(found, key=lambda p: (p[0], p[1].person, p[1].kind, p[1].value))[:MAX_DATES]
    names = _names(f.person for _, f in found)
    notes = []
    for when, fact in found:
        name = names.get(fact.person, fact.person)
        value = clean(fact.value, 120)
        if fact.kind == "birthday":
            text = f"{name}'s birthday"
        elif fact.kind == "travel" and not fact.projected:
            text = f"{name} travels to {value.split(',')[0]}"
        else:
            text = f"{name}: {fact_text(fact.kind, value, None, date, projected=fact.projected)}"
        notes.append(DateNote(date=when.isoformat(), day=day(when), when=soon(when, date), name=name,
                              email=fact.person, kind=fact.kind, text=text))
    return notes


def promises_due(date: dt.date, now: dt.datetime, hidden: frozenset[str]) -> list[PromiseNote]:
    """What the user promised and has not done: overdue first, then due soon, then the oldest undated."""
    loops = [
        loop for loop in knowledge.loops(now=now, direction="mine", kind="promise")
        if loop["person"] not in hidden
        and (not loop["due"] or dt.date.fromisoformat(loop["due"]) <= date + dt.timedelta(days=PROMISE_HORIZON))
    ]
    loops.sort(key=lambda loop: (loop["due"] is None, loop["due"] or "", loop["stated_at"]))
    loops = loops[:MAX_PROMISES]
    names = _names(loop["person"] for loop in loops)
    out = []
    for loop in loops:
        note = loop_note(loop, date)
        out.append(PromiseNote(name=names.get(loop["person"], loop["person"]), email=loop["person"], text=note.text,
                               when=note.when, due=note.due, due_label=note.due_label, overdue=note.overdue))
    return out


def draft_notes(rows: Iterable[store.Draft]) -> list[DraftNote]:
    out = []
    for row in rows:
        to = row.person.name if row.person_id and row.person and row.person.name else ""
        if not to:
            try:
                to = ", ".join(json.loads(row.to or "[]"))
            except ValueError:
                to = ""
        out.append(DraftNote(subject=clean(row.subject, 120) or "(no subject)", to=clean(to, 80), kind=row.kind))
    return out


def as_dict(value: object) -> object:
    """The briefing (or a meeting) as JSON-ready data."""
    return dataclasses.asdict(value)  # type: ignore[call-overload]


