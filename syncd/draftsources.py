"""What the drafts due now read from the store, read once for all of them.

``syncd.drafts`` writes many drafts at the end of a sync; asked one occasion at a time,
the store would answer a few dozen small queries per draft. ``Sources(occasions, now,
zone)`` reads each kind of data once for all the occasions instead: their recipients
(``syncd.personal.Recipients``, the privacy boundary), the meetings followed up and the
next meeting with those people, the yearly facts, the messages answered, and the last
contact with the people nudged. The drafts are then written from these in Python.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from syncd import store
from syncd.bulk import chunks, rows_in
from syncd.occasions import Occasion
from syncd.personal import Recipients

E, AT, A, F, T = store.Event, store.Attendee, store.Address, store.Fact, store.Touchpoint

Row = TypeVar("Row", bound=store.BaseModel)

NEXT_MEETING_DAYS = 14  # a follow-up looks forward to the next meeting this close


@dataclass(frozen=True)
class Answered:
    """The stored message a draft answers, as threading needs it."""

    message_id: str
    subject: str
    in_reply_to: str
    references: str


@dataclass(frozen=True)
class Upcoming:
    """A meeting ahead with one of the recipients."""

    event: int
    person: int
    summary: str
    start: dt.datetime


class Sources:
    """Everything the drafts for ``occasions`` read, one query per kind of data."""

    def __init__(self, occasions: Sequence[Occasion], now: dt.datetime, zone: dt.tzinfo) -> None:
        self.now, self.zone = now, zone
        self.today = now.astimezone(zone).date()
        self.recipients = Recipients({pid for o in occasions for pid in o.people}, now)
        self.events = _by_id(E, {o.event for o in occasions if o.kind == "followup" and o.event is not None})
        self.facts = _by_id(F, {o.fact for o in occasions if o.kind in ("birthday", "anniversary") and o.fact is not None})
        self.answered = _answered(sorted({o.message for o in occasions if o.message is not None}))
        self.last_contact = _last_contact(sorted({o.people[0] for o in occasions if o.kind == "nudge"}))
        self._upcoming = _upcoming(sorted({pid for o in occasions if o.kind == "followup" for pid in o.people}), now)

    def next_meeting(self, people: Sequence[int]) -> Upcoming | None:
        """The first meeting ahead (within ``NEXT_MEETING_DAYS``, not cancelled) with any of them."""
        return next((u for u in self._upcoming if u.person in people), None)


def _by_id(model: type[Row], ids: set[int]) -> dict[int, Row]:
    found: dict[int, Row] = {}
    for part in chunks(sorted(ids)):
        found.update({row.id: row for row in model.select().where(model.id.in_(list(part)))})
    return found


def _answered(ids: Sequence[int]) -> dict[int, Answered]:
    sql = 'SELECT id, message_id, subject, in_reply_to, "references" FROM message WHERE id IN ({ids})'
    return {pk: Answered(message_id, subject, in_reply_to, references)
            for pk, message_id, subject, in_reply_to, references in rows_in(sql, ids)}


def _last_contact(ids: Sequence[int]) -> dict[int, dt.datetime]:
    sql = "SELECT person_id, MAX(at) FROM touchpoint WHERE person_id IN ({ids}) GROUP BY person_id"
    when = T.at.python_value
    return {pid: when(at) if isinstance(at, str) else at for pid, at in rows_in(sql, ids) if at is not None}


def _upcoming(ids: Sequence[int], now: dt.datetime) -> list[Upcoming]:
    """The meetings ahead with these people, soonest first (one row per person met)."""
    found: list[Upcoming] = []
    for part in chunks(ids):
        query = (
            E.select(E.id, A.person, E.summary, E.start).join(AT).join(A)
            .where(A.person.in_(list(part)) & (E.start > now)
                   & (E.start <= now + dt.timedelta(days=NEXT_MEETING_DAYS)) & (E.status != "CANCELLED"))
            .tuples()
        )
        found += [Upcoming(*row) for row in query]
    found.sort(key=lambda u: (u.start, u.event))
    return found
