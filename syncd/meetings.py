"""Meetings that have started become touchpoints, one per attendee who is a person."""

from __future__ import annotations

import datetime as dt

from syncd import store


def derive_meeting(event_id: int) -> None:
    """Meeting touchpoints for an event that has started: one per attendee who is
    not the user, did not decline, and is a person (not a room or a robot)."""
    event = store.Event.get_by_id(event_id)
    if event.status.upper() == "CANCELLED" or event.start is None:
        return
    attendees = (
        store.Attendee.select(store.Attendee, store.Address, store.Person)
        .join(store.Address)
        .join(store.Person)
        .where(store.Attendee.event == event_id)
    )
    touches = []
    for attendee in attendees:
        person = attendee.address.person
        if person.is_self or person.automated or attendee.address.automated:
            continue
        if attendee.partstat.upper() == "DECLINED":
            continue
        touches.append({"person": person.id, "kind": "meeting", "at": event.start, "event": event_id, "subject": event.summary[:300]})
    if touches:
        store.Touchpoint.insert_many(touches).on_conflict_ignore().execute()
    store.Event.update(derived=True).where(store.Event.id == event_id).execute()


def derive_started_meetings(now: dt.datetime) -> int:
    """Meetings that have started since the last pass become touchpoints."""
    pending = store.Event.select(store.Event.id).where(
        (store.Event.derived == False) & (store.Event.start <= now)  # noqa: E712
    )
    count = 0
    with store.db.atomic():
        for (event_id,) in pending.tuples():
            derive_meeting(event_id)
            count += 1
    return count


