"""Read-side questions the CLI (and later the briefing) asks of the store.

Each function returns plain dicts ready for JSON, so the CLI prints them as tables
or as ``--json`` without knowing any model.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import peewee as pw

from syncd import bounces, store
from syncd.identity import find_person

T, P, A = store.Touchpoint, store.Person, store.Address


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _count(kind: str) -> pw.Expression:
    return pw.fn.SUM(pw.Case(None, [(T.kind == kind, 1)], 0))


def people(limit: int | None = None) -> list[dict[str, Any]]:
    """People by recency of contact (not the user, not robots), with touchpoint counts."""
    query = (
        P.select(
            P.id, P.name, P.primary_email,
            pw.fn.MAX(T.at).alias("last"), pw.fn.MIN(T.at).alias("first"),
            _count("received").alias("n_in"), _count("sent").alias("n_out"), _count("meeting").alias("n_meet"),
        )
        .join(T)
        .where((P.is_self == False) & (P.automated == False))  # noqa: E712
        .group_by(P.id, P.name, P.primary_email)
        .order_by(pw.fn.MAX(T.at).desc(), P.id)
    )
    if limit:
        query = query.limit(limit)
    rows = list(query.dicts())
    gone = bounces.unreachable([row["id"] for row in rows])
    result = []
    for row in rows:
        last = T.at.python_value(row["last"]) if isinstance(row["last"], str) else row["last"]
        first = T.at.python_value(row["first"]) if isinstance(row["first"], str) else row["first"]
        n_in, n_out, n_meet = int(row["n_in"] or 0), int(row["n_out"] or 0), int(row["n_meet"] or 0)
        result.append({
            "email": row["primary_email"],
            "name": row["name"],
            "last_contact": _iso(last),
            "first_contact": _iso(first),
            "touchpoints": {"in": n_in, "out": n_out, "meetings": n_meet, "total": n_in + n_out + n_meet},
            "bounced_at": _iso(gone.get(row["id"])),  # every address of theirs bounced
        })
    return result


def person(query: str) -> dict[str, Any]:
    """One person: addresses and the timeline of touchpoints, newest first."""
    found = find_person(query)
    addresses = [
        {"email": a.email, "name": a.name, "bounced_at": _iso(a.bounced_at)}
        for a in A.select().where(A.person == found).order_by(A.email)
    ]
    timeline = [
        {
            "at": _iso(t.at), "kind": t.kind, "subject": t.subject,
            "message_id": t.message.message_id if t.message_id else None,
            "event_uid": t.event.uid if t.event_id else None,
        }
        for t in T.select().where(T.person == found).order_by(T.at.desc(), T.id.desc())
    ]
    counts = {"in": 0, "out": 0, "meetings": 0}
    for item in timeline:
        counts[{"received": "in", "sent": "out", "meeting": "meetings"}[item["kind"]]] += 1
    return {
        "email": found.primary_email,
        "name": found.name,
        "is_self": found.is_self,
        "automated": found.automated,
        "addresses": addresses,
        "first_contact": timeline[-1]["at"] if timeline else None,
        "last_contact": timeline[0]["at"] if timeline else None,
        "touchpoints": counts,
        "timeline": timeline,
    }


def status() -> list[dict[str, Any]]:
    """Per account: what it holds, when it last synced, what went wrong."""
    result = []
    for account in store.Account.select().order_by(store.Account.name):
        messages = store.Location.select().where(store.Location.account == account).count()
        events = store.Event.select().where(store.Event.account == account).count()
        quarantined = store.Quarantine.select().where(store.Quarantine.account == account).count()
        result.append({
            "name": account.name,
            "kind": account.kind,
            "messages": messages,
            "events": events,
            "last_sync": _iso(account.last_sync),
            "quarantined": quarantined,
            "error": account.last_error or None,
        })
    return result


def quarantine() -> list[dict[str, Any]]:
    query = (
        store.Quarantine.select(store.Quarantine, store.Account.name)
        .join(store.Account)
        .order_by(store.Account.name, store.Quarantine.source)
    )
    return [
        {
            "account": q.account.name, "stream": q.stream, "provider_id": q.provider_id,
            "source": q.source, "error": q.error, "first_seen": _iso(q.first_seen),
            "last_seen": _iso(q.last_seen), "attempts": q.attempts,
        }
        for q in query
    ]
