"""Addresses that bounce: kept on ``Address.bounced_at``, read by whoever writes to people.

A bounce (``MailRecord.bounced``, read by ``syncd.mimebounce``) is linked by ingest to
each address it reports, as a ``MessageAddress`` with role ``"bounced"``: the source of
the statement, so it goes when the bounce goes. ``refresh`` then derives
``Address.bounced_at`` from those links alone, the same whatever order mail arrives in:

* the date of the latest bounce for the address,
* unless the address itself wrote after that bounce (it is alive): then null.

A person is *unreachable* when every one of their addresses has bounced. Nobody
unreachable is nudged, listed as going cold, or sent a draft (``syncd.occasions``,
``syncd.coldness``, ``syncd.drafts``); a draft never goes to a bounced address when the
person has another one. ``syncd people`` and ``syncd person`` show the date instead.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

import peewee as pw

from syncd import store

BOUNCED = "bounced"  # the MessageAddress role linking a bounce to the address it reports
_CHUNK = 400

A, M, MA = store.Address, store.Message, store.MessageAddress


def refresh(address_ids: Iterable[int], *, bounced_only: bool = False) -> None:
    """Derive ``bounced_at`` again for these addresses, one statement per 400. Only those
    with a ``bounced_at`` are touched, and — unless ``bounced_only`` (the senders of new
    mail: new mail can only clear a bounce, never make one) — those with a bounce link."""
    ids = sorted(set(address_ids))
    if not ids:
        return
    bounce, later = M.alias("bounce"), M.alias("later")
    alive_after = later.select(pw.SQL("1")).where(
        (later.sender == A.id) & (later.date > bounce.date) & (later.outgoing == False)  # noqa: E712
    )
    latest = (
        bounce.select(pw.fn.MAX(bounce.date)).join(MA, on=(MA.message == bounce.id))
        .where((MA.address == A.id) & (MA.role == BOUNCED) & ~pw.fn.EXISTS(alive_after))
    )
    linked = MA.select(pw.SQL("1")).where((MA.address == A.id) & (MA.role == BOUNCED))
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start:start + _CHUNK]
        candidates = A.bounced_at.is_null(False) if bounced_only else (A.bounced_at.is_null(False) | pw.fn.EXISTS(linked))
        A.update(bounced_at=latest).where(A.id.in_(chunk) & candidates).execute()


def linked_to(message_ids: Iterable[int]) -> set[int]:
    """Addresses whose ``bounced_at`` may depend on these messages (they bounced, or sent)."""
    ids = sorted(set(message_ids))
    found: set[int] = set()
    for start in range(0, len(ids), _CHUNK):
        query = MA.select(MA.address).where(MA.message.in_(ids[start:start + _CHUNK]) & MA.role.in_([BOUNCED, "from"]))
        found.update(a for (a,) in query.tuples())
    return found


def _instant(value: str | dt.datetime | None) -> dt.datetime | None:
    return A.bounced_at.python_value(value) if isinstance(value, str) else value


def unreachable(person_ids: Iterable[int] | None = None) -> dict[int, dt.datetime]:
    """People all of whose addresses bounced, with the latest bounce date (among
    ``person_ids``, when given: filtered here, so any number of ids costs one query)."""
    some = A.alias("some")
    query = (
        A.select(A.person, pw.fn.COUNT(A.id), pw.fn.COUNT(A.bounced_at), pw.fn.MAX(A.bounced_at))
        .where(A.person.in_(some.select(some.person).where(some.bounced_at.is_null(False))))
        .group_by(A.person)
    )
    wanted = None if person_ids is None else set(person_ids)
    out: dict[int, dt.datetime] = {}
    for person, total, bounced, latest in query.tuples():
        when = _instant(latest)
        if total == bounced and when is not None and (wanted is None or person in wanted):
            out[person] = when
    return out


def live_address(person_id: int, preferred: str) -> str | None:
    """``preferred`` unless it bounced; then another address of theirs that did not; None
    when every address bounced."""
    rows = A.select(A.email, A.bounced_at).where(A.person == person_id).order_by(A.id).tuples()
    return live_among(list(rows), preferred)


def live_among(addresses: Sequence[tuple[str, object]], preferred: str) -> str | None:
    """``live_address`` over a person's ``(email, bounced_at)`` pairs, oldest first,
    already read."""
    state = dict(addresses)
    if state.get(preferred) is None:
        return preferred
    return next((email for email, at in state.items() if at is None), None)
