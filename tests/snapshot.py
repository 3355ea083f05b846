"""The store's content by natural keys (no row ids), to compare two stores."""

from __future__ import annotations

from typing import Any

from syncd import store


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    S = store
    messages = sorted(
        (m.message_id, m.subject, str(m.date), m.outgoing, m.automated, m.thread, m.body[:200],
         m.sender.email if m.sender_id else None)
        for m in S.Message.select()
    )
    locations = sorted(
        (loc.account.name, loc.provider_id, loc.etag, loc.folder, loc.message.message_id)
        for loc in S.Location.select()
    )
    addressed = sorted(
        (ma.message.message_id, ma.address.email, ma.role) for ma in S.MessageAddress.select()
    )
    people = sorted((p.primary_email, p.name, p.is_self, p.automated) for p in S.Person.select())
    addresses = sorted((a.email, a.person.primary_email, a.automated) for a in S.Address.select())
    touchpoints = sorted(
        (t.person.primary_email, t.kind, str(t.at),
         t.message.message_id if t.message_id else "", t.event.provider_id if t.event_id else "")
        for t in S.Touchpoint.select()
    )
    events = sorted(
        (e.account.name, e.provider_id, e.uid, e.summary, str(e.start), str(e.end), e.status)
        for e in S.Event.select()
    )
    attendees = sorted(
        (a.event.provider_id, a.address.email, a.partstat, a.organizer) for a in S.Attendee.select()
    )
    quarantine = sorted((q.account.name, q.stream, q.provider_id, q.error) for q in S.Quarantine.select())
    facts = sorted(
        (f.person.primary_email, f.kind, f.value, f.key, str(f.date), f.source, f.state, f.sensitive)
        for f in S.Fact.select()
    )
    loops = sorted(
        (lp.person.primary_email, lp.direction, lp.kind, lp.text, str(lp.due), lp.closed_by)
        for lp in S.OpenLoop.select()
    )
    counts = sorted((m.message_id, m.words, m.questions, m.inferred) for m in S.Message.select())
    return {
        "messages": messages, "locations": locations, "addressed": addressed, "people": people,
        "addresses": addresses, "touchpoints": touchpoints, "events": events,
        "attendees": attendees, "quarantine": quarantine, "facts": facts, "loops": loops, "counts": counts,
    }
