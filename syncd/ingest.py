"""Records to rows: idempotent, cursor committed with the rows.

Each batch a connector yields is applied in one transaction together with the cursor
that follows it, so a crash at any moment leaves the store as it was after some whole
batch, and replaying a batch changes nothing. Messages are keyed by Message-ID (one
row per message, one ``Location`` per stored copy); events by (account, provider id).
Touchpoints are made here, in the same transaction as their source.

Full resyncs (a connector's cursor expired) mark every item they list with a new
*generation*; when the listing is complete, items of older generations are gone from
the provider and are deleted here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from connectors.base import EventBatch, EventRecord, MailBatch, MailRecord, flags_etag
from syncd import bounces, bulk, store
from syncd.bulk import chunks
from syncd.digest import Digest, thread_key
from syncd.identity import Directory, is_automated_message
from syncd.known import KnownMail
from syncd.meetings import derive_meeting
from syncd.quarantine import QuarantineBook

log = logging.getLogger(__name__)

MAIL, CALENDAR = "mail", "calendar"

# Hot reads of every batch, straight from the driver (bulk.rows_in).
_LOCATIONS = ('SELECT "provider_id", "id", "etag", "folder", "message_id", "generation" FROM "location"'
              ' WHERE "provider_id" IN ({ids}) AND "account_id" = {p}')
_MESSAGE_IDS = 'SELECT "message_id", "id" FROM "message" WHERE "message_id" IN ({ids})'


@dataclass
class Counts:
    added: int = 0
    updated: int = 0
    deleted: int = 0
    quarantined: int = 0

    def __iadd__(self, other: Counts) -> Counts:
        self.added += other.added
        self.updated += other.updated
        self.deleted += other.deleted
        self.quarantined += other.quarantined
        return self

    def as_dict(self) -> dict[str, int]:
        return {"added": self.added, "updated": self.updated, "deleted": self.deleted, "quarantined": self.quarantined}


class Ingestor:
    """Applies one account's batches to the store."""

    def __init__(self, account: store.Account, self_addresses: frozenset[str], now: dt.datetime) -> None:
        self.account = account
        self.self_addresses = self_addresses
        self.now = now
        self.directory = Directory(self_addresses, now)
        self.quarantine = QuarantineBook(account, now)

    # -- state -----------------------------------------------------------------

    def state(self, stream: str) -> store.SyncState:
        state, _ = store.SyncState.get_or_create(account=self.account, stream=stream)
        return state

    def known_mail(self) -> KnownMail:
        return KnownMail(self.account)

    def known_events(self) -> dict[str, str]:
        query = store.Event.select(store.Event.provider_id, store.Event.etag).where(store.Event.account == self.account)
        return {pid: etag for pid, etag in query.tuples()}

    def _save_cursor(self, state: store.SyncState, cursor: str | None) -> None:
        state.cursor = cursor
        state.updated = self.now
        state.save()

    def _generation(self, state: store.SyncState, full: bool, first: bool) -> int:
        if full and first:
            state.generation += 1
        return state.generation

    # -- mail --------------------------------------------------------------------

    def apply_mail(self, batch: MailBatch, state: store.SyncState, first_full: bool = False) -> Counts:
        counts = Counts()
        with store.db.atomic():
            generation = self._generation(state, batch.full, first_full)
            counts.deleted += self._delete_locations(list(batch.deleted))
            for change in batch.flag_changes:
                values = {"etag": flags_etag(change.flags)} | ({"folder": change.folder} if change.folder is not None else {})
                updated = (
                    store.Location.update(**values)
                    .where((store.Location.account == self.account) & (store.Location.provider_id == change.provider_id))
                    .execute()
                )
                counts.updated += updated
            counts.quarantined += self.quarantine.record(MAIL, batch.failures)
            self.quarantine.clear_named(MAIL, batch.cleared, batch.failures)
            digests = dict(zip((r.provider_id for r in batch.records), batch.digests))
            added, updated = self._upsert_messages(batch.records, generation, digests)
            counts.added += added
            counts.updated += updated
            if batch.complete and batch.full:
                stale = store.Location.select(store.Location.provider_id).where(
                    (store.Location.account == self.account) & (store.Location.generation < generation)
                )
                counts.deleted += self._delete_locations([pid for (pid,) in stale.tuples()])
            self._save_cursor(state, batch.cursor)
        return counts

    def _delete_locations(self, provider_ids: list[str]) -> int:
        if not provider_ids:
            return 0
        deleted = 0
        message_ids: list[int] = []
        for chunk in chunks(provider_ids):
            where = (store.Location.account == self.account) & store.Location.provider_id.in_(list(chunk))
            message_ids.extend(m for (m,) in store.Location.select(store.Location.message).where(where).tuples())
            deleted += store.Location.delete().where(where).execute()
        delete_orphans(message_ids)
        return deleted

    def _upsert_messages(
        self, records: Sequence[MailRecord], generation: int, digests: dict[str, Digest] | None = None
    ) -> tuple[int, int]:
        if not records:
            return 0, 0
        pids = [r.provider_id for r in records]
        existing_locations: dict[str, tuple[int, str, str, int, int]] = {
            pid: (lid, etag, folder, message, gen)
            for pid, lid, etag, folder, message, gen in bulk.rows_in(_LOCATIONS, pids, (self.account.id,))
        }
        existing_messages = dict(bulk.rows_in(_MESSAGE_IDS, list({r.message_id for r in records})))
        self.directory.prefetch(
            (a.email, a.name)
            for r in records if r.message_id not in existing_messages
            for a in ((r.sender,) if r.sender else ()) + r.to + r.cc + r.bcc
        )
        fresh: dict[str, MailRecord] = {}
        for record in records:
            if record.message_id not in existing_messages:
                fresh.setdefault(record.message_id, record)  # the first copy in the batch wins
        existing_messages.update(self._insert_messages(list(fresh.values()), digests or {}))
        added = updated = 0
        new_locations = []
        for record in records:
            message_pk = existing_messages[record.message_id]
            etag = flags_etag(record.flags)
            found = existing_locations.get(record.provider_id)
            if found is None:
                new_locations.append((self.account.id, record.provider_id, message_pk, record.folder, etag, generation))
                existing_locations[record.provider_id] = (0, etag, record.folder, message_pk, generation)
                added += 1
                continue
            lid, old_etag, old_folder, old_message, old_generation = found
            changed = (old_etag, old_folder, old_message) != (etag, record.folder, message_pk)
            if changed or old_generation != generation:
                store.Location.update(
                    etag=etag, folder=record.folder, message=message_pk, generation=generation
                ).where(store.Location.id == lid).execute()
                updated += changed
        L = store.Location
        bulk.insert_rows(L, [L.account, L.provider_id, L.message, L.folder, L.etag, L.generation], new_locations, ignore=True)
        self.quarantine.clear(MAIL, pids)
        return added, updated

    _MESSAGE_FIELDS = (
        store.Message.message_id, store.Message.subject, store.Message.date, store.Message.sender,
        store.Message.outgoing, store.Message.automated, store.Message.thread, store.Message.in_reply_to,
        store.Message.references, store.Message.body, store.Message.attachments, store.Message.size,
        store.Message.words, store.Message.questions, store.Message.gist, store.Message.inferred,
    )

    def _insert_messages(self, records: Sequence[MailRecord], digests: dict[str, Digest]) -> dict[str, int]:
        """Store new messages with their addresses, touchpoints and sender counters: a
        few multi-row statements per batch, not a handful of queries per message; and
        what was heard in those the connector digested."""
        if not records:
            return {}
        resolve = self.directory.resolve
        rows, facts = [], []
        for record in records:
            sender = resolve(record.sender.email, record.sender.name) if record.sender else None
            outgoing = (sender is not None and sender.is_self) or record.folder_role == "sent"
            # A digest made beside the parse already read the automation signals (the bodies' footers).
            digested = digests.get(record.provider_id)
            automated = digested.automated if digested and digested.outgoing == outgoing else (
                not outgoing and is_automated_message(record))
            # A digest that read the message as ingest does is kept; the others are left to listening.
            if digested is not None and (digested.outgoing, digested.automated) != (outgoing, automated):
                digested = None
            facts.append((record, sender, outgoing, automated, digested))
            rows.append((
                record.message_id, record.subject, record.date, sender.address_id if sender else None,
                outgoing, automated, thread_key(record), record.in_reply_to, " ".join(record.references),
                record.body_text,
                json.dumps([[a.filename, a.content_type, a.size] for a in record.attachments]) if record.attachments else "",
                record.size,
                *((*digested.counts, digested.gist, True) if digested else (0, 0, "", False)),
            ))
        M = store.Message
        bulk.insert_rows(M, self._MESSAGE_FIELDS, rows)
        ids: dict[str, int] = dict(bulk.rows_in(_MESSAGE_IDS, [r.message_id for r in records]))
        links, touches = [], []
        counters: Counter[tuple[int, bool]] = Counter()
        reported: set[int] = set()  # addresses this batch reports bounced
        senders: set[int] = set()  # mail from a bounced address: alive after all
        for record, sender, outgoing, automated, _ in facts:
            pk = ids[record.message_id]
            seen: set[tuple[int, str]] = set()
            recipients = []
            if sender is not None:
                links.append((pk, sender.address_id, "from"))
                seen.add((sender.address_id, "from"))
            for role, group in (("to", record.to), ("cc", record.cc), ("bcc", record.bcc)):
                for address in group:
                    known = resolve(address.email, address.name)
                    if (known.address_id, role) not in seen:
                        seen.add((known.address_id, role))
                        links.append((pk, known.address_id, role))
                        recipients.append(known)
            for email in () if outgoing else record.bounced:
                dead = resolve(email)
                if not dead.is_self and (dead.address_id, bounces.BOUNCED) not in seen:
                    seen.add((dead.address_id, bounces.BOUNCED))
                    links.append((pk, dead.address_id, bounces.BOUNCED))
                    reported.add(dead.address_id)
            if sender is not None and not outgoing:
                counters[(sender.address_id, automated)] += 1
                senders.add(sender.address_id)
            if record.date is None or automated:
                continue
            if outgoing:
                people = sorted({r.person_id for r in recipients if not r.is_self and not r.automated})
                touches.extend((p, "sent", record.date, pk, record.subject[:300]) for p in people)
            elif sender is not None and not sender.is_self and not sender.automated:
                touches.append((sender.person_id, "received", record.date, pk, record.subject[:300]))
        MA, T = store.MessageAddress, store.Touchpoint
        bulk.insert_rows(MA, [MA.message, MA.address, MA.role], links, ignore=True)
        bounces.refresh(reported)
        bounces.refresh(senders - reported, bounced_only=True)
        bulk.insert_rows(T, [T.person, T.kind, T.at, T.message, T.subject], touches, ignore=True)
        bulk.add_to_rows(store.Address, store.Address.sent_automated, [(n, a) for (a, auto), n in counters.items() if auto])
        bulk.add_to_rows(store.Address, store.Address.sent_human, [(n, a) for (a, auto), n in counters.items() if not auto])
        heard = {ids[record.message_id]: digested for record, *_, digested in facts if digested is not None}
        if heard:
            from syncd.listen import Heard, keep_findings

            keep_findings(heard, Heard())
        return ids

    # -- calendar ----------------------------------------------------------------

    def apply_events(self, batch: EventBatch, state: store.SyncState, first_full: bool = False) -> Counts:
        counts = Counts()
        with store.db.atomic():
            generation = self._generation(state, batch.full, first_full)
            counts.deleted += self._delete_events(list(batch.deleted))
            counts.quarantined += self.quarantine.record(CALENDAR, batch.failures)
            self.quarantine.clear_named(CALENDAR, batch.cleared, batch.failures)
            for record in batch.records:
                outcome = self._upsert_event(record, generation)
                if outcome == "added":
                    counts.added += 1
                elif outcome == "updated":
                    counts.updated += 1
            self.quarantine.clear(CALENDAR, [r.provider_id for r in batch.records])
            if batch.complete and batch.full:
                stale = store.Event.select(store.Event.provider_id).where(
                    (store.Event.account == self.account) & (store.Event.generation < generation)
                )
                counts.deleted += self._delete_events([pid for (pid,) in stale.tuples()])
            self._save_cursor(state, batch.cursor)
        return counts

    def _delete_events(self, provider_ids: list[str]) -> int:
        deleted = 0
        for chunk in chunks(provider_ids):
            deleted += store.Event.delete().where(
                (store.Event.account == self.account) & store.Event.provider_id.in_(list(chunk))
            ).execute()
        return deleted

    def _upsert_event(self, record: EventRecord, generation: int) -> str:
        etag = event_etag(record)
        row = store.Event.get_or_none(
            (store.Event.account == self.account) & (store.Event.provider_id == record.provider_id)
        )
        if row is not None and row.etag == etag:
            if row.generation != generation:
                store.Event.update(generation=generation).where(store.Event.id == row.id).execute()
            return "same"
        fields = {
            "uid": record.uid, "summary": record.summary, "description": record.description,
            "location": record.location, "url": record.url, "start": record.start, "end": record.end,
            "all_day": record.all_day, "status": record.status, "calendar": record.calendar,
            "recurring": record.recurring, "etag": etag, "generation": generation, "derived": False,
        }
        if row is None:
            row = store.Event.create(account=self.account, provider_id=record.provider_id, **fields)
            outcome = "added"
        else:
            store.Event.update(**fields).where(store.Event.id == row.id).execute()
            store.Attendee.delete().where(store.Attendee.event == row.id).execute()
            store.Touchpoint.delete().where(store.Touchpoint.event == row.id).execute()
            outcome = "updated"
        people = []
        if record.organizer is not None and "@" in record.organizer.email:
            people.append((record.organizer, True))
        people.extend((a, False) for a in record.attendees if "@" in a.email)
        rows: dict[int, dict[str, object]] = {}
        for attendee, is_organizer in people:
            known = self.directory.resolve(attendee.email, attendee.name)
            if known.address_id in rows:
                rows[known.address_id]["organizer"] = rows[known.address_id]["organizer"] or is_organizer
                if attendee.partstat:
                    rows[known.address_id]["partstat"] = attendee.partstat
                continue
            rows[known.address_id] = {
                "event": row.id, "address": known.address_id, "name": attendee.name,
                "partstat": attendee.partstat, "role": attendee.role, "organizer": is_organizer,
            }
        if rows:
            store.Attendee.insert_many(list(rows.values())).execute()
        if record.start is not None and record.start <= self.now:
            derive_meeting(row.id)
        return outcome


def delete_orphans(message_ids: Iterable[int]) -> None:
    """Delete the messages among these that have no stored copy left, with everything
    derived from them, and resolve again the facts of the people they spoke of."""
    touched: set[int] = set()
    bounced: set[int] = set()
    for chunk in chunks([str(m) for m in set(message_ids)]):
        ids = [int(m) for m in chunk]
        bounced |= bounces.linked_to(ids)  # checked again once the messages are gone
        still = store.Location.select(store.Location.message).where(store.Location.message.in_(ids))
        gone = store.Message.id.in_(ids) & store.Message.id.not_in(still)
        touched.update(
            p for (p,) in store.Fact.select(store.Fact.person).join(store.Message).where(gone).distinct().tuples()
        )
        store.Message.delete().where(gone).execute()
    bounces.refresh(bounced)
    if touched:
        from syncd.listen import resolve_facts

        resolve_facts(touched)


def remove_account(name: str) -> bool:
    """Forget an account: its copies, events, cursors and quarantine, and the messages
    that no other account holds."""
    with store.db.atomic():
        row = store.Account.get_or_none(store.Account.name == name)
        if row is None:
            return False
        held = [m for (m,) in store.Location.select(store.Location.message).where(store.Location.account == row).tuples()]
        row.delete_instance()  # cascades to its locations, events, cursors, quarantine
        delete_orphans(held)
    return True


def event_etag(record: EventRecord) -> str:
    return hashlib.sha1(repr(record).encode("utf-8")).hexdigest()[:16]
