"""The listening step: run inference over new messages and keep what it finds.

Inference itself (``syncd.infer``) is pure; this module is the glue, in three passes.

* Hearing: the messages not yet ``inferred`` (those no connector digested as it parsed
  them, see ``syncd.digest``) are read as ``MessageView`` values and heard; ``keep``
  stores the facts and open loops each one yields (pointing at the message, so deleting
  the message deletes them), its word counts and its gist. Ingest calls ``keep_findings``
  for digested messages. New facts are stored ``pending``, which no reader shows.
* Settling: the messages not yet ``settled`` are read in the order of their dates and
  close the open loops they delivered on or answered, reading each message's gist, not
  its body. Date order makes the first closing message win, whatever order the mail
  arrived in.
* Resolving: the people with pending facts have all their facts resolved (dedupe,
  supersede) once, when hearing and settling end, not after every batch: a first sync would
  otherwise read a busy correspondent's facts again for each batch of their mail.

Each batch commits on its own, so a crash loses nothing and a replay adds nothing; facts
left pending by a crash are resolved by the next run (``syncd.sync.derive`` asks).

User feedback (a dismissed fact, a loop marked done) is kept by natural key in
``Feedback`` and survives ``reinfer``.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from syncd import bulk, store
from syncd.digest import Digest, hear_views
from syncd.infer.fact_resolve import resolve
from syncd.infer.loops import STALE_AFTER_DUE, STALE_PROMISE, STALE_QUESTION, close_loops
from syncd.infer.model import Fact, Loop, MessageView
from syncd.parallel import cores, ordered_map

log = logging.getLogger(__name__)

BATCH = 300
# Settling a batch reads the open loops of everyone in it: big batches read each loop fewer times.
SETTLE_BATCH = 2000
POOL_MIN = 2000  # below this many messages, starting worker processes costs more than it saves
_WORD = re.compile(r"\w+")
M, MA, A = store.Message, store.MessageAddress, store.Address
F, L = store.Fact, store.OpenLoop
_FACT_FIELDS = (F.person, F.message, F.kind, F.value, F.key, F.date, F.confidence, F.sensitive, F.sentence,
                F.source, F.stated_at, F.state, F.natural)
_LOOP_FIELDS = (L.person, L.message, L.direction, L.kind, L.text, L.due, L.stated_at, L.thread, L.closed_by, L.natural,
                L.address)


@dataclass
class Heard:
    messages: int = 0
    facts: int = 0
    loops: int = 0
    workers: int = 0  # processes that did the inference (0: this one)
    settled: int = 0  # messages whose mail closing loops has read


def fact_natural(person: str, kind: str, key: str, value: str) -> str:
    return f"{person}|{kind}|{key}|{' '.join(_WORD.findall(value.lower()))}"


def loop_natural(source: str, direction: str, kind: str, text: str) -> str:
    return f"{source}|{direction}|{kind}|{' '.join(_WORD.findall(text.lower()))[:120]}"


_VIEW_ROLES = "SELECT ma.message_id, ma.role, a.email, a.name FROM message_address ma JOIN address a ON a.id = ma.address_id WHERE ma.message_id IN ({ids})"
_VIEW_MESSAGES = ("SELECT id, message_id, date, {body}, subject, outgoing, automated, thread, in_reply_to, attachments, gist"
                  " FROM message WHERE id IN ({{ids}}) AND date IS NOT NULL{automated}")


def views(message_ids: Sequence[int], self_addresses: frozenset[str], text: bool = True) -> dict[int, MessageView]:
    """MessageViews for stored messages (those with a date), read straight from the driver.

    ``text=False`` (closing loops): a message's body is read only when its gist is not
    stored, and automated mail, which closes no loop, is left out."""
    sql = _VIEW_MESSAGES.format(body="body" if text else "CASE WHEN gist = '' THEN body ELSE '' END",
                                automated="" if text else " AND NOT automated")
    rows = list(bulk.rows_in(sql, message_ids))
    roles: dict[int, dict[str, list[tuple[str, str]]]] = defaultdict(lambda: defaultdict(list))
    for message_id, role, email, name in bulk.rows_in(_VIEW_ROLES, [row[0] for row in rows]):
        roles[message_id][role].append((email, name))
    when = M.date.python_value
    out: dict[int, MessageView] = {}
    for pk, message_id, date, body, subject, outgoing, automated, thread, in_reply_to, attachments, gist in rows:
        r = roles[pk]
        sender, sender_name = (r["from"][0] if r["from"] else ("", ""))
        everyone = r["from"] + r["to"] + r["cc"]
        out[pk] = MessageView(
            message_id=message_id,
            date=when(date),
            sender=sender,
            text=body,
            subject=subject,
            sender_name=sender_name,
            to=tuple(e for e, _ in r["to"]),
            cc=tuple(e for e, _ in r["cc"]),
            names=tuple((e, n) for e, n in everyone if n),
            outgoing=bool(outgoing) or sender in self_addresses,
            automated=bool(automated),
            thread=thread,
            in_reply_to=in_reply_to,
            has_attachments=bool(attachments),
            gist=gist or None,  # read by infer.gists.gist when a loop asks
        )
    return out


def _person_ids(emails: Iterable[str]) -> dict[str, int]:
    wanted = sorted(set(emails))
    found: dict[str, int] = {}
    for start in range(0, len(wanted), 400):
        query = A.select(A.email, A.person).where(A.email.in_(wanted[start:start + 400])).tuples()
        found.update(query)
    return found


def listen(self_addresses: frozenset[str], limit: int | None = None, workers: int | None = None) -> Heard:
    """Infer from every message not yet read (oldest first); returns what was heard.

    Inference is pure and most of the work: with many messages (``POOL_MIN``) it runs
    in ``workers`` processes (default: one per core) while this process reads the next
    batch and stores the last one, each batch in its own transaction, in order.
    """
    query = M.select(M.id).where(M.inferred == False).order_by(M.date, M.id)  # noqa: E712
    ids = [m for (m,) in (query.limit(limit) if limit else query).tuples()]
    batches = [ids[start:start + BATCH] for start in range(0, len(ids), BATCH)]
    if workers is None:
        workers = cores() if len(ids) >= POOL_MIN else 0
    heard = Heard()

    def work() -> Iterator[tuple[list[int], list[tuple[int, MessageView]]]]:
        for batch in batches:  # read lazily, while the workers infer the batches before
            yield batch, list(views(batch, self_addresses).items())

    if workers <= 1 or len(batches) < 2:
        done: Iterable[tuple[list[int], list[tuple[int, Digest]]]] = (
            (batch, hear_views(items, self_addresses)) for batch, items in work()
        )
    else:
        done = ordered_map(hear_views, work(), workers, self_addresses)
        heard.workers = workers
    for batch, results in done:
        keep(batch, dict(results), heard)
    heard.settled = settle(self_addresses)
    resolve_pending()
    return heard


def resolve_pending() -> int:
    """Resolve the facts of everyone with pending facts, in one transaction; returns how
    many people that was."""
    with store.db.atomic():
        people = [p for (p,) in F.select(F.person).where(F.state == store.FACT_PENDING).distinct().tuples()]
        resolve_facts(people)
    return len(people)


def settle(self_addresses: frozenset[str]) -> int:
    """Close the open loops that the mail heard since the last pass delivered on or answered.

    The unsettled messages are read in the order of their dates, a batch at a time, each
    batch settled in its own transaction; their gists stand for their bodies."""
    query = M.select(M.id).where(M.settled == False).order_by(M.date, M.id)  # noqa: E712
    ids = [m for (m,) in store.db.execute(query).fetchall()]  # many: read straight from the driver
    for start in range(0, len(ids), SETTLE_BATCH):
        batch = ids[start:start + SETTLE_BATCH]
        with store.db.atomic():
            close_open_loops(views(batch, self_addresses, text=False), batch, self_addresses)
            bulk.update_rows(M, [M.settled], [(True, m) for m in batch])
    return len(ids)


def keep(batch: list[int], digests: dict[int, Digest], heard: Heard) -> None:
    """Store one batch's findings (``keep_findings``) in one transaction with the batch's
    messages marked heard (word counts, gist); closing loops is ``settle``'s, in the order
    of the mail's dates. ``batch``: the stored messages heard (their ids)."""
    with store.db.atomic():
        marks = [(*d.counts, d.gist, True, m) if (d := digests.get(m)) else (0, 0, "", True, m) for m in batch]
        bulk.update_rows(M, [M.words, M.questions, M.gist, M.inferred], marks)
        keep_findings(digests, heard)
    heard.messages += len(batch)


def keep_findings(digests: dict[int, Digest], heard: Heard) -> None:
    """Store the facts (pending: ``resolve_pending``) and open loops of these stored
    messages (id -> what was heard in it). Ingest calls this for the messages its
    connector digested, inserted already marked heard."""
    facts = [(mid, f) for mid, d in digests.items() for f in d.facts]
    loops = [(mid, lp) for mid, d in digests.items() for lp in d.loops]
    people = _person_ids([f.person for _, f in facts] + [lp.person for _, lp in loops])
    fact_rows = [
        (people[f.person], mid, f.kind, f.value, f.key, f.date, f.confidence, f.sensitive, f.sentence[:500],
         f.source, f.stated_at.isoformat(), store.FACT_PENDING, fact_natural(f.person, f.kind, f.key, f.value))
        for mid, f in facts if f.person in people
    ]
    loop_rows = [
        (people[lp.person], mid, lp.direction, lp.kind, lp.text[:1000], lp.due.isoformat() if lp.due else None,
         lp.stated_at, lp.thread, lp.closed_by, loop_natural(lp.source, lp.direction, lp.kind, lp.text), lp.person)
        for mid, lp in loops if lp.person in people
    ]
    bulk.insert_rows(F, _FACT_FIELDS, fact_rows)
    bulk.insert_rows(L, _LOOP_FIELDS, loop_rows)
    heard.facts += len(fact_rows)
    heard.loops += len(loop_rows)


def _people_of(message_ids: Sequence[int]) -> set[int]:
    sql = "SELECT DISTINCT a.person_id FROM message_address ma JOIN address a ON a.id = ma.address_id WHERE ma.message_id IN ({ids})"
    return {p for (p,) in bulk.rows_in(sql, message_ids)}


_FACTS_OF = (
    'SELECT "id", "person_id", "kind", "value", "key", "source", "stated_at", "sentence", "confidence", "date",'
    ' "sensitive", "state" FROM "fact" WHERE "person_id" IN ({ids}) ORDER BY "stated_at", "id"'
)


def resolve_facts(person_ids: Iterable[int]) -> None:
    """Mark each person's facts active, superseded (history) or restated (a repeat)."""
    wanted = sorted(set(person_ids))
    emails = dict(bulk.rows_in('SELECT "id", "primary_email" FROM "person" WHERE "id" IN ({ids})', wanted))
    by_person: dict[int, list[tuple[int, Fact, str]]] = defaultdict(list)
    for pk, person, kind, value, key, source, stated_at, sentence, confidence, date, sensitive, state in bulk.rows_in(
        _FACTS_OF, wanted
    ):
        fact = Fact(person=emails[person], kind=kind, value=value, key=key, source=source,
                    stated_at=dt.date.fromisoformat(stated_at), sentence=sentence, confidence=confidence, date=date,
                    sensitive=bool(sensitive))
        by_person[person].append((pk, fact, state))
    changes: list[tuple[str, int]] = []
    for rows in by_person.values():
        changes.extend(_resolved(rows))
    bulk.update_rows(store.Fact, [store.Fact.state], changes)


def _resolved(rows: list[tuple[int, Fact, str]]) -> list[tuple[str, int]]:
    """(new state, id) for one person's facts (id, fact, stored state) whose state changes."""
    by_identity = {(f.source, f.kind, f.value, f.date): pk for pk, f, _ in rows}
    state = dict.fromkeys((pk for pk, _, _ in rows), "restated")
    for outcome in resolve([f for _, f, _ in rows]):
        f = outcome.fact
        row_id = by_identity.get((f.source, f.kind, f.value, f.date))
        if row_id is not None:
            state[row_id] = "active" if outcome.active else "superseded"
    return [(state[pk], pk) for pk, _, stored in rows if stored != state[pk]]


_OPEN_LOOPS = (
    "SELECT l.person_id, l.id, l.direction, l.kind, l.text, m.message_id, l.stated_at, l.thread, l.due, l.message_id,"
    " l.address FROM open_loop l JOIN message m ON m.id = l.message_id WHERE l.person_id IN ({ids})"
    " AND l.closed_by = '' AND l.stated_at < {p}"
    " AND ((l.due IS NULL AND l.stated_at >= {p}) OR l.due >= {p}) ORDER BY l.id"
)
when_stated = L.stated_at.python_value


def close_open_loops(batch: dict[int, MessageView], ids: Sequence[int], self_addresses: frozenset[str]) -> None:
    """Close the open loops that the mail of ``batch`` (views of the messages ``ids``)
    delivered on or answered.

    Every (loop, later message) pair is looked at exactly once, whichever is settled
    last: the open loops of the people in ``batch`` against ``batch``; and a loop
    stated in this batch also against the mail of that person settled before (an old
    message synced late). So the work follows the new mail, never the size of the store.
    """
    if not batch:
        return
    mail = dict(batch)
    new_loops: dict[int, dt.datetime] = {}
    for person, stated_at in bulk.rows_in("SELECT person_id, stated_at FROM open_loop WHERE message_id IN ({ids})", ids):
        stated_at = when_stated(stated_at)
        new_loops[person] = min(stated_at, new_loops.get(person, stated_at))
    if new_loops:  # mail settled before the loops stated in this batch (old mail synced late)
        since = min(new_loops.values())
        # Driven by the (settled, date) index: settled mail since the loop is little, a
        # person's mail can be years of it; on a first sync none is settled yet.
        settled = M.select(M.id).where((M.settled == True) & (M.date >= since) & (M.automated == False))  # noqa: E712
        # Only mail that can close a loop of theirs: theirs to the user, or the user's to them.
        mine = M.select(M.id).where(M.outgoing == True)  # noqa: E712
        useful = (MA.role == "from") | (MA.message.in_(mine) & MA.role.in_(("to", "cc")))
        query = (MA.select(MA.message).join(A)
                 .where(MA.message.in_(settled) & A.person.in_(sorted(new_loops)) & useful).distinct())
        earlier = [m for (m,) in query.tuples() if m not in batch]
        mail.update(views(earlier, self_addresses, text=False))
    # Mail closes only loops stated before it and not stale by its date (infer.loops.stale_from):
    # the loops stale before the oldest of this mail, or stated after the newest, stay in the database.
    oldest, newest = min(v.date for v in mail.values()), max(v.date for v in mail.values())
    when = L.stated_at.db_value
    params = (when(newest), when(oldest - max(STALE_PROMISE, STALE_QUESTION)),
              (oldest - STALE_AFTER_DUE - dt.timedelta(days=1)).date().isoformat())
    people = sorted(_people_of(list(batch)))
    open_rows: dict[int, list[tuple[int, str, str, str, str, dt.datetime, str, str | None, int, str]]] = defaultdict(list)
    for person, *row, stated_at, thread, due, message, address in bulk.rows_in(_OPEN_LOOPS, people, params):
        open_rows[person].append((*row, when_stated(stated_at), thread, due, message, address))  # type: ignore[arg-type]
    addresses: dict[int, list[str]] = defaultdict(list)
    for email, person in bulk.rows_in("SELECT email, person_id FROM address WHERE person_id IN ({ids})", people):
        addresses[person].append(email)
    if not open_rows:
        return
    batch_ids = {v.message_id for v in batch.values()}
    # Loops stored before version 4 do not know their address: found from their message.
    used = _addresses_used([r[-2] for rows in open_rows.values() for r in rows if not r[-1]], list(open_rows))
    closed: list[tuple[str, int]] = []
    by_address: dict[str, list[MessageView]] = defaultdict(list)
    for view in mail.values():
        for address in {view.sender, *view.recipients}:
            by_address[address].append(view)
    for person, rows in open_rows.items():
        mine = set(addresses[person])
        found = {v.message_id: v for a in mine for v in by_address.get(a, ())}
        later = [v for v in found.values() if person in new_loops or v.message_id in batch_ids]
        if not later:
            continue
        fallback = sorted(mine)[0] if mine else ""
        loops = [
            Loop(person=address or used.get((message, person), fallback), direction=direction, kind=kind, text=text,
                 source=source, stated_at=stated_at, thread=thread, due=dt.date.fromisoformat(due) if due else None)
            for _, direction, kind, text, source, stated_at, thread, due, message, address in rows
        ]
        closed.extend((loop.closed_by, row[0]) for row, loop in zip(rows, close_loops(loops, later, self_addresses))
                      if loop.closed_by)
    bulk.update_rows(L, [L.closed_by], closed)


def _addresses_used(message_ids: list[int], people: list[int]) -> dict[tuple[int, int], str]:
    """(message, person) -> the address of that person the message used (the first, sorted)."""
    found: dict[tuple[int, int], str] = {}
    for start in range(0, len(message_ids), 400):
        chunk = sorted(set(message_ids[start:start + 400]))
        query = (
            MA.select(MA.message, A.person, A.email).join(A)
            .where(MA.message.in_(chunk) & A.person.in_(people)).order_by(A.email).tuples()
        )
        for message, person, email in query:
            found.setdefault((message, person), email)
    return found


def reinfer(self_addresses: frozenset[str], workers: int | None = None) -> Heard:
    """Forget what was inferred and listen again (rules changed); feedback is kept."""
    with store.db.atomic():
        store.Fact.delete().execute()
        store.OpenLoop.delete().execute()
        M.update(inferred=False, words=0, questions=0, gist="", settled=False).execute()
    return listen(self_addresses, workers=workers)
