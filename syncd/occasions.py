"""When a thoughtful person would write: the occasions for follow-up drafts, due at ``now``.

Each finder reads the store and returns ``Occasion`` values; none writes anything.
An occasion has a key that is the same however often it is found (``followup:<event
uid>``, ``birthday:<email>:<year>``, ``nudge:<email>:<iso week>``, ``reply:<message-id>``,
``promise:<message-id>:<hash>``); ``syncd.drafts`` stores one draft per key, for ever,
so a restart, a re-sync or a deleted draft never brings it back.

* **followup**: a meeting with people outside the user's own domain ended within
  ``FOLLOWUP_DAYS`` and the user has not written to them since it started. Routine
  meetings (a recurring series, or the same title with the same people within
  ``ROUTINE_DAYS``) are not followed up: a weekly check-in needs no thank-you note.
* **birthday / anniversary**: a yearly date of someone the user is in touch with
  (two-way contact within ``IN_TOUCH_DAYS``), the day before (or on the day, if the
  day before was missed).
* **reply**: a question or request from them, unanswered for a few days (the open
  loops' own rule), not yet stale; a question (not a request for something) is
  settled once the user has met them since.
* **promise**: something the user promised to send, falling due within
  ``PROMISE_LEAD_DAYS`` (or overdue, not yet stale); an undated one falls due before the
  next meeting with that person.
* **nudge**: someone going cold against their own rhythm; at most ``nudges_per_week``
  (config, default 3) per ISO week, the most valuable first, and once per silence.

Nobody all of whose addresses bounced (``syncd.bounces``) is an occasion's recipient.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import peewee as pw

from syncd import bounces, knowledge, store
from syncd.bulk import chunks
from syncd.phrasing import deliverable, requested

if TYPE_CHECKING:
    from syncd.config import Config

E, AT, A, P, T, M, L, F, D = (store.Event, store.Attendee, store.Address, store.Person, store.Touchpoint,
                              store.Message, store.OpenLoop, store.Fact, store.Draft)

FOLLOWUP_DAYS = 3
ROUTINE_DAYS = 35
IN_TOUCH_DAYS = 365
PROMISE_LEAD_DAYS = 2
UNDATED_PROMISE_DAYS = 14  # an undated promise this recent falls due before the next meeting
NUDGES_PER_WEEK = 3
RECENT_DRAFT_DAYS = 7  # no nudge to someone who had any draft this recently
PUBLIC_DOMAINS = frozenset({
    "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "msn.com", "yahoo.com", "ymail.com",
    "icloud.com", "me.com", "mac.com", "aol.com", "proton.me", "protonmail.com", "pm.me", "fastmail.com",
    "gmx.com", "gmx.de", "gmx.net", "web.de", "zoho.com", "hey.com", "mail.com", "yandex.com", "tutanota.com",
})


@dataclass(frozen=True)
class Occasion:
    """A reason to write, found in the store; ``people`` are the recipients' person ids."""

    key: str
    kind: str  # followup, birthday, anniversary, nudge, reply, promise
    people: tuple[int, ...]
    reason: str
    subject: str = ""  # the meeting title or the thread's subject
    message: int | None = None  # the store Message it follows (threading)
    event: int | None = None
    loops: tuple[int, ...] = ()
    fact: int | None = None
    date: dt.date | None = None  # the yearly date, the due date, the meeting's day
    rank: float = 0.0
    extra: dict[str, str] = field(default_factory=dict)


def local_zone(now: dt.datetime, config: Config) -> dt.tzinfo:
    """The user's zone: the configured one, else the zone ``now`` was given in (a pinned
    clock), else the machine's."""
    if config.settings.get("timezone"):
        return config.timezone
    offset = now.utcoffset()
    if offset is not None and offset != dt.timedelta(0) and now.tzinfo is not None:
        return now.tzinfo
    return config.timezone


def own_domains(self_addresses: frozenset[str]) -> frozenset[str]:
    """The user's organisation's domains (a public mail domain is nobody's organisation)."""
    return frozenset(a.rpartition("@")[2].lower() for a in self_addresses) - PUBLIC_DOMAINS


def short_hash(text: str, n: int = 12) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:n]


def _people_ok() -> pw.Expression:
    return (P.is_self == False) & (P.automated == False) & (P.muted == False)  # noqa: E712


def in_touch(person_id: int, now: dt.datetime) -> bool:
    """Two-way contact within ``IN_TOUCH_DAYS``: they wrote or met, and the user wrote or met."""
    since = now - dt.timedelta(days=IN_TOUCH_DAYS)
    kinds = {k for (k,) in T.select(T.kind).where((T.person == person_id) & (T.at >= since)).distinct().tuples()}
    return "meeting" in kinds or {"sent", "received"} <= kinds


# -- follow-ups after meetings ----------------------------------------------------------


def _external_attendees(event_ids: list[int], domains: frozenset[str], self_addresses: frozenset[str]) -> dict[int, list[int]]:
    """Each meeting's people from outside the user's organisation who did not decline, organiser first."""
    query = (
        AT.select(AT.event, AT.partstat, A.email, P.id).join(A).join(P)
        .where(AT.event.in_(event_ids) & _people_ok()).order_by(AT.event, AT.organizer.desc(), AT.id).tuples()
    )
    found: dict[int, list[int]] = defaultdict(list)
    for event_id, partstat, email, person_id in query:
        if email in self_addresses or email.rpartition("@")[2] in domains or (partstat or "").upper() == "DECLINED":
            continue
        if person_id not in found[event_id]:
            found[event_id].append(person_id)
    return found


def _routine(event: store.Event, people: list[int], met: dict[str, list[tuple[int, dt.datetime, int]]]) -> bool:
    """A recurring meeting, or the same title with any of them within ``ROUTINE_DAYS`` before
    (``met``: (event, start, person) of their meetings by lower-case title)."""
    if event.recurring:
        return True
    since = event.start - dt.timedelta(days=ROUTINE_DAYS)
    return any(eid != event.id and since <= start < event.start and person in people
               for eid, start, person in met.get(event.summary.lower(), ()))


def followups(now: dt.datetime, self_addresses: frozenset[str]) -> list[Occasion]:
    domains = own_domains(self_addresses)
    events = list(
        E.select().where((E.end <= now) & (E.end > now - dt.timedelta(days=FOLLOWUP_DAYS)) & (E.all_day == False)  # noqa: E712
                         & (E.status != "CANCELLED"))
        .order_by(E.start, E.id)
    )
    if not events:
        return []
    attendees = _external_attendees([e.id for e in events], domains, self_addresses)
    everyone = sorted({pid for people in attendees.values() for pid in people})
    first, last = min(e.start for e in events), max(e.start for e in events)
    met: dict[str, list[tuple[int, dt.datetime, int]]] = defaultdict(list)  # their earlier meetings, by title
    for eid, start, title, person in (
        E.select(E.id, E.start, pw.fn.LOWER(E.summary), A.person).join(AT).join(A)
        .where((E.start >= first - dt.timedelta(days=ROUTINE_DAYS)) & (E.start < last) & A.person.in_(everyone)).tuples()
    ):
        met[title].append((eid, start, person))
    written = dict(  # when the user last wrote to each of them since the first meeting
        T.select(T.person, pw.fn.MAX(T.at)).where(T.person.in_(everyone) & (T.kind == "sent") & (T.at >= first))
        .group_by(T.person).tuples()
    )
    found: list[Occasion] = []
    seen: set[str] = set()
    for event in events:
        key = f"followup:{event.uid}" + (f":{event.start:%Y%m%dT%H%M%SZ}" if event.recurring else "")
        if key in seen:
            continue
        seen.add(key)
        people = attendees.get(event.id, [])
        if not people or _routine(event, people, met) or any(p in written and written[p] >= event.start for p in people):
            continue
        found.append(Occasion(
            key=key, kind="followup", people=tuple(people), subject=event.summary, event=event.id,
            reason=f"you met them for “{event.summary}” and have not written since", date=event.start.date(),
        ))
    return found


# -- birthdays and anniversaries ------------------------------------------------------


def _month_day(value: str) -> tuple[int, int] | None:
    text = value[2:] if value.startswith("--") else value[5:]
    try:
        month, day = (int(x) for x in text[:5].split("-"))
        dt.date(2000, month, day)  # a leap year: Feb 29 is a real date
    except ValueError:
        return None
    return month, day


def _occurrence(month: int, day: int, year: int) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:  # Feb 29 in a common year: the day before March 1
        return dt.date(year, 3, 1) - dt.timedelta(days=1)


def yearly(now: dt.datetime, today: dt.date) -> list[Occasion]:
    dismissed = {n for (n,) in store.Feedback.select(store.Feedback.natural)
                 .where((store.Feedback.target == "fact") & (store.Feedback.verdict == "dismissed")).tuples()}
    query = (
        F.select(F, P).join(P)
        .where(F.kind.in_(["birthday", "anniversary"]) & (F.state == "active") & F.date.is_null(False)
               & (F.sensitive == False) & _people_ok())  # noqa: E712
        .order_by(F.stated_at.desc(), F.id)
    )
    found: dict[str, Occasion] = {}
    for fact in query:
        if fact.natural in dismissed or (md := _month_day(fact.date)) is None:
            continue
        for year in (today.year, today.year + 1):
            day = _occurrence(*md, year)
            if 0 <= (day - today).days <= 1:
                break
        else:
            continue
        person = fact.person
        sub = fact.key.split(":")[1] if fact.kind == "anniversary" and ":" in fact.key else ""
        key = f"{fact.kind}:{person.primary_email}:{day.year}" + (f":{sub}" if sub and sub != "wedding" else "")
        if key in found or not in_touch(person.id, now):
            continue
        what = "birthday" if fact.kind == "birthday" else fact.value
        found[key] = Occasion(
            key=key, kind=fact.kind, people=(person.id,), fact=fact.id, date=day,
            reason=f"{person.name or person.primary_email}'s {what} is on {day:%A %B} {day.day}",
        )
    return list(found.values())


# -- replies and promises -------------------------------------------------------------


def _loop_rows(ids: list[int]) -> dict[int, store.OpenLoop]:
    if not ids:
        return {}
    return {row.id: row for row in L.select(L, M, P).join(M).switch(L).join(P).where(L.id.in_(ids))}


def _meetings(person_ids: list[int], since: dt.datetime, now: dt.datetime) -> dict[int, list[dt.datetime]]:
    """Start times of the meetings each person attended between ``since`` and ``now``."""
    found: dict[int, list[dt.datetime]] = {}
    for start in range(0, len(person_ids), 400):
        query = (
            E.select(A.person, E.start).join(AT).join(A)
            .where(A.person.in_(person_ids[start:start + 400]) & (E.start > since) & (E.start <= now)
                   & (E.status != "CANCELLED")).tuples()
        )
        for person, at in query:
            found.setdefault(person, []).append(at)
    return found


def replies(now: dt.datetime, open_loops: list[dict[str, Any]]) -> list[Occasion]:
    """``open_loops``: ``knowledge.loops(now=now)``."""
    open_questions = [lp for lp in open_loops if lp["kind"] == "question" and lp["direction"] == "mine"]
    rows = _loop_rows([lp["id"] for lp in open_questions])
    since = min((r.stated_at for r in rows.values()), default=now)
    met = _meetings(sorted({r.person_id for r in rows.values()}), since, now)
    found: dict[str, Occasion] = {}
    for lp in open_questions:
        row = rows[lp["id"]]
        if row.person.is_self or row.person.automated or row.person.muted:
            continue
        if requested(row.text) is None and any(at > row.stated_at for at in met.get(row.person_id, ())):
            continue  # "Still on for lunch?" is settled once you have met
        key = f"reply:{row.message.message_id}"
        days = (now - row.stated_at).days
        found.setdefault(key, Occasion(
            key=key, kind="reply", people=(row.person_id,), subject=row.message.subject, message=row.message_id,
            loops=(row.id,), reason=f"they asked {days} days ago and you have not answered", date=row.stated_at.date(),
        ))
    return list(found.values())


def _next_meeting(person_id: int, now: dt.datetime, days: int) -> dt.datetime | None:
    start = (
        E.select(pw.fn.MIN(E.start)).join(AT).join(A)
        .where((A.person == person_id) & (E.start > now) & (E.start <= now + dt.timedelta(days=days))
               & (E.status != "CANCELLED"))
        .scalar()
    )
    if isinstance(start, str):
        return E.start.python_value(start)
    return start


def promises(now: dt.datetime, today: dt.date, zone: dt.tzinfo, open_loops: list[dict[str, Any]]) -> list[Occasion]:
    """``open_loops``: ``knowledge.loops(now=now)``."""
    mine = [lp for lp in open_loops if lp["kind"] == "promise" and lp["direction"] == "mine"]
    rows = _loop_rows([lp["id"] for lp in mine])
    found: list[Occasion] = []
    for lp in mine:
        row = rows[lp["id"]]
        if row.person.is_self or row.person.automated or row.person.muted or deliverable(row.text) is None:
            continue
        due = dt.date.fromisoformat(lp["due"]) if lp["due"] else None
        why = ""
        if due is not None:
            if (due - today).days > PROMISE_LEAD_DAYS:
                continue
            why = "overdue since" if due < today else "due"
            why = f"you promised it, {why} {due:%A %B} {due.day}"
        else:
            if now - row.stated_at > dt.timedelta(days=UNDATED_PROMISE_DAYS):
                continue
            meeting = _next_meeting(row.person_id, now, PROMISE_LEAD_DAYS)
            if meeting is None:
                continue
            due = meeting.astimezone(zone).date()
            why = f"you promised it before your meeting on {due:%A %B} {due.day}"
        key = f"promise:{row.message.message_id}:{short_hash(row.natural, 10)}"
        found.append(Occasion(
            key=key, kind="promise", people=(row.person_id,), subject=row.message.subject, message=row.message_id,
            loops=(row.id,), reason=why, date=due,
        ))
    return found


# -- nudges ----------------------------------------------------------------------------


def iso_week(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def nudges(now: dt.datetime, today: dt.date, per_week: int, busy: set[int]) -> list[Occasion]:
    week = iso_week(today)
    made = D.select().where((D.kind == "nudge") & D.occasion.endswith(f":{week}")).count()
    room = per_week - made
    if room <= 0:
        return []
    found: list[Occasion] = []
    recent = (now - dt.timedelta(days=RECENT_DRAFT_DAYS)).replace(microsecond=0)  # the store keeps whole seconds
    cold = knowledge.cold(now, limit=max(50, per_week * 10))
    people: dict[str, int] = {}  # the candidates by email, and the drafts they had
    drafted: dict[int, list[tuple[str, dt.datetime]]] = defaultdict(list)
    for part in chunks(sorted({row["email"] for row in cold})):
        for pid, email in P.select(P.id, P.primary_email).where(P.primary_email.in_(list(part)) & _people_ok()).order_by(P.id).tuples():
            people.setdefault(email, pid)
    for part in chunks(sorted(set(people.values()))):
        for pid, kind, created in D.select(D.person, D.kind, D.created).where(D.person.in_(list(part))).tuples():
            drafted[pid].append((kind, created))
    for row in cold:
        person_id = people.get(row["email"])
        if person_id is None or person_id in busy:
            continue
        last = dt.datetime.fromisoformat(row["last_contact"]) if row["last_contact"] else None
        earlier = any(kind == "nudge" and (last is None or created >= last) for kind, created in drafted[person_id])
        if earlier or any(created >= recent for _, created in drafted[person_id]):
            continue  # one nudge per silence; nothing on top of a fresh draft
        found.append(Occasion(
            key=f"nudge:{row['email']}:{week}", kind="nudge", people=(person_id,),
            subject=row.get("last_subject") or "", reason=f"going cold: {row['reason']}", rank=row["score"],
        ))
        if len(found) >= room:
            break
    return found


def _reachable(found: list[Occasion]) -> list[Occasion]:
    """The occasions without the people whose every address bounced; none left, no occasion."""
    gone = bounces.unreachable({pid for o in found for pid in o.people})
    out = []
    for occasion in found:
        people = tuple(p for p in occasion.people if p not in gone)
        if people:
            out.append(occasion if people == occasion.people else dataclasses.replace(occasion, people=people))
    return out


def due_occasions(now: dt.datetime, config: Config) -> list[Occasion]:
    """Every occasion due at ``now`` that has no draft yet, in a stable order."""
    zone = local_zone(now, config)
    today = now.astimezone(zone).date()
    self_addresses = config.self_addresses
    open_loops = knowledge.loops(now=now)
    found = _reachable(followups(now, self_addresses) + yearly(now, today) + replies(now, open_loops)
                       + promises(now, today, zone, open_loops))
    busy = {pid for o in found for pid in o.people}
    per_week = int(config.settings.get("nudges_per_week", NUDGES_PER_WEEK))
    found += nudges(now, today, per_week, busy)
    keys = [o.key for o in found]
    taken: set[str] = set()
    for start in range(0, len(keys), 400):
        taken.update(k for (k,) in D.select(D.occasion).where(D.occasion.in_(keys[start:start + 400])).tuples())
    out: list[Occasion] = []
    for occasion in found:
        if occasion.key not in taken:
            taken.add(occasion.key)
            out.append(occasion)
    return out
