"""Addresses to people; the user's own addresses ("self"); automated senders.

A person is born from the first address seen for them; ``merge`` joins two
addresses of one person (and everything that points at them). Automated senders
(newsletters, receipts, notifications, bounces) are recognised by the signals mail
systems put on such mail (List-Id, List-Unsubscribe, Precedence, Auto-Submitted,
multipart/report, RFC 3834) and by robot-shaped addresses; they are kept out of
people lists and out of inference.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import peewee as pw

from connectors.base import MailRecord
from syncd import store
from syncd.errors import ConfigError

_ROBOT_LOCAL = re.compile(
    r"""^(?:
        no[-_.]?reply | do[-_.]?not[-_.]?reply | donotreply
      | mailer[-_.]?daemon | postmaster | bounces? | auto[-_.]?(?:confirm|reply|mailer)
      | notifications? | notify | alerts? | newsletters? | digest | automated
      | listserv | majordomo | list[-_.]?(?:admin|master) | unsubscribe
    )(?:[-_.+].*)?$
    | ^owner-.+ | .+-(?:request|bounces?|owner)$ | ^bounce[s]?[-+.].*
    """,
    re.X | re.I,
)
# Bulk-mail subdomains (mailings.foxsports.com, email.shop.com, bounce.example.com).
_ROBOT_DOMAIN = re.compile(
    r"^(?:mailings?|bounces?|em|email|e|news|newsletters?|mkt|marketing|mailer|lists?|campaigns?|promo|offers?|notify|notifications)\.[^.]+\.[^.]+",
    re.I,
)
# Tracking addresses: a long run of digits or a long hex token in the local part (VERP, per-recipient ids).
_TRACKING_LOCAL = re.compile(r"\d{6,}|[0-9a-f]{16,}", re.I)
# Words that name a function, not a person: account-update@, book-news@, admin.it@, events@.
_ROLE_WORDS = frozenset(["news", "newsletter", "newsletters", "update", "updates", "alert", "alerts", "notification", "notifications", "notify", "service", "services", "billing", "ebill", "invoice", "invoices", "receipt", "receipts", "order", "orders", "shipping", "shipment", "account", "accounts", "support", "helpdesk", "feedback", "announce", "announcement", "announcements", "admin", "administration", "administrator", "deals", "offer", "offers", "promo", "promotions", "marketing", "events", "survey", "surveys", "rewards", "membership", "documents", "statements", "info", "mailer", "daemon", "postmaster", "webmaster", "system", "digest", "subscriptions", "subscription", "reply", "replies", "confirm", "confirmation", "verify", "verification", "security"])
_ROLE_SUFFIXES = ("news", "service", "services", "update", "updates", "alerts", "notifications", "orders",
                  "deals", "offers", "billing", "feedback", "support", "digest", "mailer", "rewards", "receipts",
                  "newsletter", "statements", "documents")
_WORD_SPLIT = re.compile(r"[._+\-\d]+")
_BULK_PRECEDENCE = {"bulk", "list", "junk"}
# Footers only bulk mail carries. Looked for near the end, and not in forwarded mail.
_BULK_FOOTER = re.compile(
    r"unsubscribe|opt[- ]?out\b|to be removed from|remove yourself from|(?:update|manage) your (?:e-?mail )?(?:preferences|subscription)"
    r"|you (?:are receiving|received) this (?:e-?mail|message|newsletter)|this (?:e-?mail|message) was sent to \S+@"
    r"|no longer wish to receive|view (?:this e-?mail )?in (?:your|a) (?:web )?browser",
    re.I,
)
# Every footer the pattern knows contains one of these: most mail is ruled out by a
# substring test, before the regex runs (a quarter of a first sync's main-process time).
_FOOTER_HINTS = ("unsubscribe", "opt-out", "opt out", "optout", "removed", "remove yourself", "preferences",
                 "subscription", "receiv", "was sent to", "browser")


def _bulk_footer(tail: str) -> bool:
    lowered = tail.lower()
    return any(hint in lowered for hint in _FOOTER_HINTS) and bool(_BULK_FOOTER.search(tail))


_FORWARD_SUBJECT = re.compile(r"^\s*(?:fwd?|fw)\s*:", re.I)


def normalize(email: str) -> str:
    return email.strip().strip("<>").lower()


def is_automated_address(email: str) -> bool:
    """Robot-shaped addresses: noreply@, notifications@, mailer-daemon@, list bounces,
    bulk-mail subdomains and per-recipient tracking addresses."""
    local, _, domain = email.partition("@")
    if _ROBOT_LOCAL.match(local) or _ROBOT_DOMAIN.match(domain) or _TRACKING_LOCAL.search(local):
        return True
    words = [w for w in _WORD_SPLIT.split(local.lower()) if w]
    return any(w in _ROLE_WORDS or (len(w) > 6 and w.endswith(_ROLE_SUFFIXES)) for w in words)


def automation_reason(record: MailRecord) -> str:
    """Why a message looks like no person wrote it by hand ("" when it looks human)."""
    if record.list_id or record.list_unsubscribe:
        return "mailing list headers"
    if record.precedence.lower() in _BULK_PRECEDENCE:
        return f"Precedence: {record.precedence}"
    auto = record.auto_submitted.lower()
    if auto and auto != "no":
        return f"Auto-Submitted: {auto}"
    if record.content_type.lower() == "multipart/report":
        return "delivery or read report"
    sender = record.sender.email if record.sender else ""
    if sender and is_automated_address(sender):
        return "robot sender address"
    if sender and record.to and all(a.email == sender for a in record.to) and not record.cc:
        return "sent to itself (recipients in Bcc)"
    if not _FORWARD_SUBJECT.match(record.subject) and _bulk_footer(record.body_text[-2500:]):
        return "bulk-mail footer"
    return ""


def is_automated_message(record: MailRecord) -> bool:
    """Mail no person wrote by hand: mailing lists, bulk, auto-replies, bounces."""
    return bool(automation_reason(record))


@dataclass(frozen=True, slots=True)
class Known:
    address_id: int
    person_id: int
    automated: bool
    is_self: bool


class Directory:
    """Resolves addresses to people during ingest, with an in-memory cache.

    Display names are learned as mail arrives (the latest one wins for the address;
    a person keeps the first name they were given); the database is only written when
    a name actually changes.
    """

    def __init__(self, self_addresses: frozenset[str], now: object) -> None:
        self.self_addresses = self_addresses
        self._now = now
        self._cache: dict[str, Known] = {}
        self._names: dict[int, str] = {}  # address id -> the name the store holds

    def resolve(self, email: str, name: str = "") -> Known:
        email = normalize(email)
        known = self._cache.get(email)
        if known is None:
            known = self._load(email, name)
        if name:
            clean = _clean_name(name, email)
            if clean and self._names.get(known.address_id) != clean:
                self._learn_name(known, clean)
        return known

    def prefetch(self, pairs: Iterable[tuple[str, str]]) -> None:
        """Load or create, in a few statements, every address a batch mentions."""
        wanted: dict[str, str] = {}
        for email, name in pairs:
            email = normalize(email)
            if email not in self._cache and (email not in wanted or not wanted[email]):
                wanted[email] = name
        if not wanted:
            return
        emails = list(wanted)
        for start in range(0, len(emails), 400):
            chunk = emails[start:start + 400]
            query = store.Address.select(store.Address, store.Person).join(store.Person).where(store.Address.email.in_(chunk))
            for row in query:
                self._remember(row)
        missing = [e for e in emails if e not in self._cache]
        for start in range(0, len(missing), 200):
            chunk = missing[start:start + 200]
            people = []
            for email in chunk:
                is_self = email in self.self_addresses
                people.append({
                    "name": _clean_name(wanted[email], email), "primary_email": email, "is_self": is_self,
                    "automated": not is_self and is_automated_address(email), "created": self._now,
                })
            made = store.Person.insert_many(people).returning(store.Person.id, store.Person.primary_email).execute()
            person_ids = {p.primary_email: p.id for p in made}
            addresses = [
                {"email": p["primary_email"], "name": p["name"], "person": person_ids[p["primary_email"]], "automated": p["automated"]}
                for p in people
            ]
            made_addresses = store.Address.insert_many(addresses).returning(store.Address.id, store.Address.email).execute()
            address_ids = {a.email: a.id for a in made_addresses}
            for p in people:
                email = p["primary_email"]
                self._cache[email] = Known(address_ids[email], person_ids[email], p["automated"], p["is_self"])
                self._names[address_ids[email]] = p["name"]

    def _remember(self, row: store.Address) -> Known:
        known = Known(row.id, row.person.id, row.automated or row.person.automated, row.person.is_self)
        self._cache[row.email] = known
        self._names[row.id] = row.name
        return known

    def _load(self, email: str, name: str) -> Known:
        row = (
            store.Address.select(store.Address, store.Person)
            .join(store.Person)
            .where(store.Address.email == email)
            .first()
        )
        if row is None:
            is_self = email in self.self_addresses
            robot = not is_self and is_automated_address(email)
            clean = _clean_name(name, email)
            person = store.Person.create(
                name=clean, primary_email=email, is_self=is_self, automated=robot, created=self._now,
            )
            row = store.Address.create(email=email, name=clean, person=person, automated=robot)
            row.person = person
        return self._remember(row)

    def _learn_name(self, known: Known, clean: str) -> None:
        store.Address.update(name=clean).where(store.Address.id == known.address_id).execute()
        store.Person.update(name=clean).where(
            (store.Person.id == known.person_id) & (store.Person.name == "")
        ).execute()
        self._names[known.address_id] = clean


def _clean_name(name: str, email: str) -> str:
    name = " ".join(name.replace('"', " ").replace("'", "'").split()).strip(" ,;")
    if not name or "@" in name or name.lower() == email:
        return ""
    if "," in name:  # "Whitfield, Dana" as Outlook writes it
        last, _, first = name.partition(",")
        if first.strip() and " " not in last.strip():
            name = f"{first.strip()} {last.strip()}"
    return name


def mark_self(self_addresses: frozenset[str]) -> None:
    """Make the configured addresses self (they may have been seen before being configured)."""
    if not self_addresses:
        return
    people = store.Address.select(store.Address.person).where(store.Address.email.in_(list(self_addresses)))
    store.Person.update(is_self=True, automated=False).where(store.Person.id.in_(people)).execute()


def refresh_automated() -> None:
    """A person is automated when every address of theirs is, or when everything they
    ever sent carried bulk/list signals and the user never wrote to them."""
    Address, Person, Touchpoint = store.Address, store.Person, store.Touchpoint
    robot_only = (
        Address.select(Address.person)
        .group_by(Address.person)
        .having(
            (pw.fn.MIN(Address.automated.cast("integer")) == 1)
            | ((pw.fn.SUM(Address.sent_automated) > 0) & (pw.fn.SUM(Address.sent_human) == 0))
        )
    )
    written_to = Touchpoint.select(Touchpoint.person).where(Touchpoint.kind == "sent")
    (
        Person.update(automated=True)
        .where(Person.id.in_(robot_only) & Person.id.not_in(written_to) & (Person.is_self == False))  # noqa: E712
        .execute()
    )


def find_person(query: str) -> store.Person:
    """A person by one of their addresses, or by a unique part of their name."""
    email = normalize(query)
    address = store.Address.get_or_none(store.Address.email == email)
    if address is not None:
        return store.Person.get_by_id(address.person_id)
    matches = list(
        store.Person.select().where(
            pw.fn.LOWER(store.Person.name).contains(query.lower()) & (store.Person.is_self == False)  # noqa: E712
        ).limit(5)
    )
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise ConfigError(f"no person matches {query!r}")
    names = ", ".join(f"{p.name} <{p.primary_email}>" for p in matches)
    raise ConfigError(f"{query!r} matches several people: {names}; give an address")


def merge(keep_query: str, other_query: str) -> store.Person:
    """Join two people into one: the second's addresses and touchpoints move to the first."""
    keep, other = find_person(keep_query), find_person(other_query)
    if keep.id == other.id:
        return keep
    with store.db.atomic():
        store.Address.update(person=keep).where(store.Address.person == other).execute()
        # Touchpoints are unique per (person, kind, message): drop the other's duplicates first.
        dupes = store.Touchpoint.select(store.Touchpoint.id).join(
            _alias := store.Touchpoint.alias(),
            on=(
                (_alias.message == store.Touchpoint.message)
                & (_alias.kind == store.Touchpoint.kind)
                & (_alias.person == keep.id)
            ),
        ).where(store.Touchpoint.person == other.id)
        store.Touchpoint.delete().where(store.Touchpoint.id.in_(dupes)).execute()
        event_dupes = store.Touchpoint.select(store.Touchpoint.event).where(
            (store.Touchpoint.person == keep.id) & store.Touchpoint.event.is_null(False)
        )
        store.Touchpoint.delete().where(
            (store.Touchpoint.person == other.id) & store.Touchpoint.event.in_(event_dupes)
        ).execute()
        store.Touchpoint.update(person=keep).where(store.Touchpoint.person == other).execute()
        if not keep.name and other.name:
            keep.name = other.name
        keep.automated = keep.automated and other.automated
        keep.save()
        other.delete_instance()
    return keep
