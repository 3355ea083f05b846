"""The connector protocol and the plain records that cross the connector boundary.

A connector talks to one provider and speaks only these records. It knows nothing of
the store: ``syncd.ingest`` turns records into rows. Everything here is a frozen
dataclass so a record can be hashed, compared and handed between threads or
processes safely.

Cursors are opaque strings (JSON by convention) that only the connector that made
them understands. A batch carries the cursor that is valid *after* the batch is
applied; ingest commits rows and cursor in one transaction, so replaying a batch is
harmless and a crash loses nothing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import json
import operator
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol, TypeVar, runtime_checkable

from syncd.errors import CursorExpired, Unsupported

# Capabilities a connector may offer. syncd falls back where one is missing
# (no "send": the briefing goes to the local outbox; no "drafts": drafts stay in the store).
MAIL = "mail"
CALENDAR = "calendar"
DRAFTS = "drafts"
SEND = "send"

# Folder roles, from Maildir++ names, IMAP SPECIAL-USE, Gmail labels or Graph well-known names.
INBOX = "inbox"
SENT = "sent"
DRAFTS_ROLE = "drafts"
TRASH = "trash"
SPAM = "spam"
ARCHIVE = "archive"
OTHER = "other"


_T = TypeVar("_T")


def _pickled_by_value(cls: type[_T]) -> type[_T]:
    """Pickle a frozen slots dataclass as its class and its field values, in order.

    Worker processes send every record they parse back to the writer. The dataclass
    default (``__getstate__``/``__setstate__``) asks ``dataclasses.fields`` again for each
    object; this reads the fields with one C-level getter and rebuilds with ``__init__``."""
    names = [f.name for f in dataclasses.fields(cls)]  # type: ignore[arg-type]
    get = operator.attrgetter(*names) if len(names) > 1 else (lambda self: (getattr(self, names[0]),))
    cls.__reduce__ = lambda self: (cls, get(self))  # type: ignore[method-assign,assignment]
    return cls


@_pickled_by_value
@dataclass(frozen=True, slots=True)
class Address:
    """One mailbox: lower-cased address and the display name as written (may be empty)."""

    email: str
    name: str = ""


@_pickled_by_value
@dataclass(frozen=True, slots=True)
class Attachment:
    """An attachment is listed, never stored."""

    filename: str
    content_type: str
    size: int


@_pickled_by_value
@dataclass(frozen=True, slots=True)
class MailRecord:
    """One message as a connector sees it.

    ``provider_id`` is stable within the account (Maildir key, IMAP uidvalidity/uid,
    Gmail id). ``message_id`` is the RFC 5322 Message-ID with its angle brackets; when
    the message has none, the parser makes a deterministic one from its headers.
    """

    provider_id: str
    message_id: str
    folder: str = ""
    folder_role: str = INBOX
    date: dt.datetime | None = None  # timezone-aware, UTC
    subject: str = ""
    sender: Address | None = None
    to: tuple[Address, ...] = ()
    cc: tuple[Address, ...] = ()
    bcc: tuple[Address, ...] = ()
    reply_to: tuple[Address, ...] = ()
    in_reply_to: str = ""
    references: tuple[str, ...] = ()
    thread_id: str = ""  # provider thread id (Gmail threadId, Graph conversationId)
    body_text: str = ""  # the whole text body, HTML converted; inference strips quotes itself
    flags: frozenset[str] = frozenset()  # seen, replied, flagged, draft, trashed
    attachments: tuple[Attachment, ...] = ()
    size: int = 0
    # Signals of automated mail, kept raw so identity rules can decide.
    list_id: str = ""
    list_unsubscribe: str = ""
    precedence: str = ""
    auto_submitted: str = ""
    content_type: str = ""  # the top-level type, e.g. multipart/report for bounces
    # A bounce: the recipients it reports as permanently undeliverable (lower case).
    bounced: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class AttendeeRecord:
    email: str
    name: str = ""
    partstat: str = ""  # ACCEPTED, DECLINED, TENTATIVE, NEEDS-ACTION, ...
    role: str = ""  # REQ-PARTICIPANT, OPT-PARTICIPANT, CHAIR, ...


@dataclass(frozen=True, slots=True)
class EventRecord:
    """One occurrence of an event (recurring events are expanded by the connector).

    ``provider_id`` identifies the occurrence: the UID plus the occurrence's start
    (``UID`` alone for a single event), so an override replaces its occurrence.
    """

    provider_id: str
    uid: str
    summary: str = ""
    description: str = ""
    location: str = ""
    url: str = ""  # a call link where one is given
    start: dt.datetime | None = None  # timezone-aware; all-day events start at 00:00 UTC
    end: dt.datetime | None = None
    all_day: bool = False
    status: str = "CONFIRMED"
    organizer: AttendeeRecord | None = None
    attendees: tuple[AttendeeRecord, ...] = ()
    calendar: str = ""
    recurring: bool = False


@dataclass(frozen=True, slots=True)
class Failure:
    """An item that could not be read. Ingest puts it in Quarantine; the sync goes on."""

    provider_id: str
    source: str  # a path, URL or provider id a person can find the item by
    error: str


@dataclass(frozen=True, slots=True)
class FlagChange:
    provider_id: str
    flags: frozenset[str]
    folder: str | None = None  # the new folder when the message moved (Gmail: INBOX label removed); None: unchanged


@dataclass(frozen=True, slots=True)
class MailBatch:
    records: tuple[MailRecord, ...] = ()
    deleted: tuple[str, ...] = ()  # provider ids
    flag_changes: tuple[FlagChange, ...] = ()
    failures: tuple[Failure, ...] = ()
    cursor: str | None = None
    # A full resync restarts from nothing: ingest then deletes every known item of
    # this stream that the full listing did not mention (see ``complete``).
    full: bool = False
    # True on the last batch of a full listing: everything not seen is gone.
    complete: bool = False
    # Ids or sources (a file, a URL) that now read cleanly, or are gone: their earlier
    # failures leave quarantine (not those this batch reports again). See ``EventBatch``.
    cleared: tuple[str, ...] = ()
    # What the connector's ``digest`` made of each record, in the order of ``records``
    # (empty when it has none): opaque here, read by whoever set the digest.
    digests: tuple[Any, ...] = ()


@dataclass(frozen=True, slots=True)
class EventBatch:
    records: tuple[EventRecord, ...] = ()
    deleted: tuple[str, ...] = ()
    failures: tuple[Failure, ...] = ()
    cursor: str | None = None
    full: bool = False
    complete: bool = False
    # A quarantined item leaves quarantine when a record with its id (or an id under
    # it) arrives; a failure that was not one item (a whole .ics file that did not
    # parse, id and source = its path) has no such record: the connector names it here
    # once the file reads again, or is gone. A source also clears its items' failures.
    cleared: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Window:
    """The calendar window to expand recurring events in."""

    start: dt.datetime
    end: dt.datetime


@dataclass(frozen=True, slots=True)
class OutgoingMail:
    """A message syncd hands to a connector: a draft, or the briefing to the user."""

    to: tuple[Address, ...]
    subject: str
    text: str
    sender: Address | None = None
    html: str = ""
    in_reply_to: str = ""
    references: tuple[str, ...] = ()
    thread_id: str = ""
    message_id: str = ""
    extra_headers: tuple[tuple[str, str], ...] = field(default_factory=tuple)


@runtime_checkable
class Connector(Protocol):
    """What every connector offers. Missing capabilities are left out of ``capabilities``.

    ``known`` maps provider ids this account already holds to their etag (for mail,
    the sorted flag letters). Connectors whose provider has no change log of its own
    (Maildir, .ics files) diff against it; the others may ignore it.
    """

    kind: ClassVar[str]
    capabilities: ClassVar[frozenset[str]]

    def sync_mail(
        self, cursor: str | None, known: Mapping[str, str] | None = None
    ) -> Iterator[MailBatch]: ...

    def sync_calendar(
        self, cursor: str | None, window: Window, known: Mapping[str, str] | None = None
    ) -> Iterator[EventBatch]: ...

    def save_draft(self, draft: OutgoingMail) -> str: ...

    def delete_draft(self, draft_id: str) -> None: ...

    def send(self, mail: OutgoingMail) -> None: ...


class BaseConnector:
    """Default behaviour for connectors: everything unsupported says so."""

    kind: ClassVar[str] = ""
    capabilities: ClassVar[frozenset[str]] = frozenset()
    # A pure function of one record that the caller may set (it must pickle). A connector
    # that parses in worker processes runs it there, beside the parse, and hands the
    # results back in ``MailBatch.digests``; the others may ignore it.
    digest: Callable[[MailRecord], Any] | None = None

    def sync_mail(
        self, cursor: str | None, known: Mapping[str, str] | None = None
    ) -> Iterator[MailBatch]:
        return iter(())

    def sync_calendar(
        self, cursor: str | None, window: Window, known: Mapping[str, str] | None = None
    ) -> Iterator[EventBatch]:
        return iter(())

    def save_draft(self, draft: OutgoingMail) -> str:
        raise Unsupported(f"{self.kind} accounts cannot hold drafts")

    def delete_draft(self, draft_id: str) -> None:
        raise Unsupported(f"{self.kind} accounts cannot hold drafts")

    def send(self, mail: OutgoingMail) -> None:
        raise Unsupported(f"{self.kind} accounts cannot send mail")


@functools.lru_cache(maxsize=256)
def flags_etag(flags: frozenset[str]) -> str:
    """The etag ingest keeps for a message: its flags, sorted, comma-joined."""
    return ",".join(sorted(flags))


def known_under(known: Mapping[str, str], folder: str) -> dict[str, str]:
    """key -> etag of the known items directly under ``folder`` (ids ``folder/key``).

    A store-backed ``known`` (``syncd.ingest.KnownMail``) answers with one indexed query,
    so a connector that diffs one changed folder never loads the whole mailbox."""
    under = getattr(known, "under", None)
    if under is not None:
        return dict(under(folder))
    prefix = folder + "/"
    return {pid[len(prefix):]: etag for pid, etag in known.items()
            if pid.startswith(prefix) and "/" not in pid[len(prefix):]}


def known_folders(known: Mapping[str, str]) -> set[str]:
    """The folders of the known items (the part of each id before the last ``/``)."""
    folders = getattr(known, "folders", None)
    if folders is not None:
        return set(folders())
    return {pid.rpartition("/")[0] for pid in known}


def load_cursor(cursor: str | None, what: str) -> Any:
    """A connector's JSON cursor as saved; None when there is none. One that is not JSON
    raises ``CursorExpired`` ("unreadable <what> cursor"): the stream starts over."""
    if not cursor:
        return None
    try:
        return json.loads(cursor)
    except ValueError:
        raise CursorExpired(f"unreadable {what} cursor") from None
