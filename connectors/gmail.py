"""Gmail (API v1) and Google Calendar (v3) for one Google account.

**Mail** (https://developers.google.com/gmail/api/guides/sync):

* *Full sync*: read the mailbox's current ``historyId`` first (``users.getProfile``),
  then page ``users.messages.list`` (newest first, SPAM and TRASH left out) and fetch
  bodies with ``users.messages.get(format=raw)`` in HTTP batches of at most 50. The
  newest mail comes first, so the last month is in the store within minutes whatever the
  mailbox's size; the rest is backfilled on later passes (the daemon may stop a pass at
  any batch). Every batch carries its place in the listing (page token and offset), so a
  killed sync resumes where it stopped and fetches nothing twice. While the backfill
  runs, each pass first plays history forward, so new mail is never hours late.
* *Incremental*: ``users.history.list`` from the saved historyId: messagesAdded (fetched),
  messagesDeleted, labelsAdded/labelsRemoved (the flags, from the labels the record
  carries: no extra call). The new historyId is saved with the last batch.
* A 404 on history (Google keeps about a week) is ``CursorExpired``: the sync starts over
  with a full listing. Then ids-only pages (5 units per 500 messages) find what was deleted
  meanwhile, before the bodies are fetched again; everything is idempotent.
* Labels: SENT -> outgoing (folder "Sent"); INBOX -> "INBOX"; others "All Mail". SPAM, TRASH
  and DRAFT are not interactions and are skipped (a message moved there counts as gone).
  UNREAD -> not "seen", STARRED -> "flagged". Gmail has no "answered" flag.

Cursor (JSON): ``{"v": 1, "stage": "full", "start": hid, "history": hid, "page": token,
"skip": n, "refresh": bool}`` during a full sync, ``{"v": 1, "stage": "history",
"history": hid}`` after it.

**Calendar**: :mod:`connectors.gcal`. **Drafts** go to ``users.drafts.create`` threaded to
the conversation (``threadId`` of the message replied to); ``find_draft`` looks a draft up
by its Message-ID, so a draft the user deleted in Gmail is seen as gone and never made
again. **Send** (``users.messages.send``) only to the account's own addresses.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import logging
from collections.abc import Callable, Generator, Iterator, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from connectors import gcal, google_auth
from connectors.base import (
    ARCHIVE,
    CALENDAR,
    DRAFTS,
    INBOX,
    MAIL,
    SEND,
    SENT,
    Address,
    BaseConnector,
    EventBatch,
    Failure,
    FlagChange,
    MailBatch,
    MailRecord,
    OutgoingMail,
    Window,
    flags_etag,
)
from connectors.compose import build_message
from connectors.gmail_quota import DEFAULT_BUDGET, UNITS, Backoff, Pacer
from connectors.google_api import GoogleClient, NotFound
from syncd.errors import ConfigError, CursorExpired, ItemError, SyncdError
from syncd.mime import parse_message

if TYPE_CHECKING:
    from syncd.config import AccountConfig, Config

log = logging.getLogger(__name__)

PAGE = 500  # messages.list and history.list page size (Gmail's maximum)
SKIPPED = frozenset({"SPAM", "TRASH", "DRAFT"})


def flags_of(labels: Any) -> frozenset[str]:
    labels = set(labels or ())
    flags = set()
    if "UNREAD" not in labels:
        flags.add("seen")
    if "STARRED" in labels:
        flags.add("flagged")
    if "DRAFT" in labels:
        flags.add("draft")
    if "TRASH" in labels:
        flags.add("trashed")
    return frozenset(flags)


def place_of(labels: Any) -> tuple[str, str]:
    labels = set(labels or ())
    if "SENT" in labels:
        return "Sent", SENT
    if "INBOX" in labels:
        return "INBOX", INBOX
    return "All Mail", ARCHIVE


class GmailConnector(BaseConnector):
    kind: ClassVar[str] = "gmail"
    capabilities: ClassVar[frozenset[str]] = frozenset({MAIL, CALENDAR, DRAFTS, SEND})
    # How the connector waits after throttling or a server error (tests inject a fake sleep).
    backoff_factory: ClassVar[Callable[[], Backoff]] = Backoff

    def __init__(self, client: GoogleClient, *, addresses: tuple[str, ...], name: str = "gmail",
                 calendar_id: str = "primary", on_token: Any = None) -> None:
        self.client = client
        self.addresses = tuple(a.lower() for a in addresses)
        self.name = name
        self.calendar_id = calendar_id
        self._on_token = on_token
        self._token = getattr(client.credentials, "token", None)

    def __repr__(self) -> str:
        return f"GmailConnector({self.name})"

    @classmethod
    def from_config(cls, account: AccountConfig, config: Config) -> GmailConnector:
        options = account.options
        credentials = google_auth.load_credentials(account, config)
        units = dict(UNITS)
        units["messages.get"] = int(options.get("get_units", units["messages.get"]))
        units["history.list"] = int(options.get("history_units", units["history.list"]))
        client = GoogleClient(
            credentials, api_base=options.get("api_base"), timeout=float(options.get("timeout", 60)),
            pacer=Pacer(budget=int(options.get("quota_per_minute", DEFAULT_BUDGET)), units=units), backoff=cls.backoff_factory(),
            name=account.name,
        )
        return cls(client, addresses=account.addresses, name=account.name,
                   on_token=lambda creds: google_auth.save_credentials(account, config, creds))

    @staticmethod
    def authorize(account: AccountConfig, config: Config, options: dict[str, Any], echo: Any) -> None:
        google_auth.authorize(account, config, options, echo)

    def _keep_token(self) -> None:
        """google-auth refreshed the access token: store the new one (0600) for the next run."""
        token = getattr(self.client.credentials, "token", None)
        if token != self._token and self._on_token is not None:
            self._on_token(self.client.credentials)
            self._token = token

    # -- mail ----------------------------------------------------------------------------

    def sync_mail(self, cursor: str | None, known: Mapping[str, str] | None = None) -> Iterator[MailBatch]:
        known = dict(known or {})
        try:
            loaded = _load(cursor)
            state = loaded if loaded is not None else (yield from self._begin_full(known))
            yield from self._history(state, known)
            if state["stage"] == "full":
                yield from self._backfill(state, known)
                state = {"v": 1, "stage": "history", "history": state["history"]}
                yield MailBatch(cursor=_dump(state))
                yield from self._history(state, known)
        finally:
            self._keep_token()

    def _begin_full(self, known: dict[str, str]) -> Generator[MailBatch, None, dict[str, Any]]:
        """Start a full listing at the current historyId. When the store already holds
        this account's mail (an expired cursor), first drop what the mailbox no longer has."""
        profile = self.client.call("profile", self.client.gmail.getProfile(userId="me"))
        hid = str(profile["historyId"])
        state: dict[str, Any] = {"v": 1, "stage": "full", "start": hid, "history": hid, "page": None, "skip": 0, "refresh": bool(known)}
        if known:
            listed: set[str] = set()
            token = None
            while True:
                page = self._list(token)
                listed.update(m["id"] for m in page.get("messages", ()))
                token = page.get("nextPageToken")
                if not token:
                    break
            gone = sorted(set(known) - listed)
            for pid in gone:
                known.pop(pid)
            yield MailBatch(deleted=tuple(gone), cursor=_dump(state))
        return state

    def _list(self, token: str | None) -> dict[str, Any]:
        return dict(self.client.call("messages.list", self.client.gmail.messages().list(userId="me", maxResults=PAGE, pageToken=token)))

    def _backfill(self, state: dict[str, Any], known: dict[str, str]) -> Iterator[MailBatch]:
        while True:
            page = self._list(state["page"])
            ids = [m["id"] for m in page.get("messages", ())]
            position = int(state["skip"])
            while position < len(ids):
                chunk: list[str] = []
                end = position
                while end < len(ids) and len(chunk) < self.client.backoff.batch:
                    if state["refresh"] or ids[end] not in known:
                        chunk.append(ids[end])
                    end += 1
                records, failures, gone = self._fetch(chunk)
                state["skip"] = position = end
                yield MailBatch(records=tuple(records), failures=tuple(failures),
                                deleted=tuple(p for p in gone if p in known), cursor=_dump(state))
                _learn(known, records, gone)
            token = page.get("nextPageToken")
            if not token:
                return
            state.update(page=token, skip=0)

    def _history(self, state: dict[str, Any], known: dict[str, str]) -> Iterator[MailBatch]:
        start = str(state["history"])
        records: list[dict[str, Any]] = []
        token, newest = None, start
        while True:
            request = self.client.gmail.history().list(userId="me", startHistoryId=start, maxResults=PAGE, pageToken=token)
            try:
                page = self.client.call("history.list", request)
            except NotFound as err:
                raise CursorExpired(f"Gmail no longer has history from {start}: {err}") from None
            records.extend(page.get("history", ()))
            newest = str(page.get("historyId", newest))
            token = page.get("nextPageToken")
            if not token:
                break
        labels: dict[str, list[str]] = {}
        deleted: set[str] = set()
        for record in records:
            for item in record.get("messagesAdded", ()):
                labels[item["message"]["id"]] = item["message"].get("labelIds", [])
                deleted.discard(item["message"]["id"])
            for item in record.get("messagesDeleted", ()):
                labels.pop(item["message"]["id"], None)
                deleted.add(item["message"]["id"])
            for item in [*record.get("labelsAdded", ()), *record.get("labelsRemoved", ())]:
                if item["message"]["id"] not in deleted:
                    labels[item["message"]["id"]] = item["message"].get("labelIds", [])
        changes: list[FlagChange] = []
        fetch: list[str] = []
        for pid, ids in labels.items():
            if SKIPPED & set(ids):
                deleted.add(pid)
            elif pid in known:
                flags = flags_of(ids)
                if flags_etag(flags) != known[pid]:
                    changes.append(FlagChange(pid, flags))
            else:
                fetch.append(pid)
        gone = sorted(p for p in deleted if p in known)
        if not (fetch or gone or changes) and newest == start:
            return
        behind = _dump(state)
        for number in range(0, max(len(fetch), 1), self.client.backoff.batch or 1):
            chunk = fetch[number:number + self.client.backoff.batch]
            got, failures, missing = self._fetch(chunk)
            last = number + self.client.backoff.batch >= len(fetch)
            if last:
                state["history"] = newest
            yield MailBatch(
                records=tuple(got), failures=tuple(failures),
                deleted=tuple(gone + [p for p in missing if p in known]) if last else tuple(p for p in missing if p in known),
                flag_changes=tuple(changes) if last else (), cursor=_dump(state) if last else behind,
            )
            _learn(known, got, missing + (gone if last else []))
            for change in changes if last else ():
                known[change.provider_id] = flags_etag(change.flags)

    def _fetch(self, ids: list[str]) -> tuple[list[MailRecord], list[Failure], list[str]]:
        """Records for ``ids`` (raw, batched); unreadable ones are Failures; gone or
        skipped ones (SPAM/TRASH/DRAFT) are returned as ``gone``."""
        records: list[MailRecord] = []
        failures: list[Failure] = []
        gone: list[str] = []
        if not ids:
            return records, failures, gone
        for pid, answer in self.client.get_many(ids).items():
            source = f"gmail:{self.name}/{pid}"
            if isinstance(answer, NotFound):
                gone.append(pid)
                continue
            if isinstance(answer, Exception):
                if not isinstance(answer, SyncdError):
                    raise answer
                failures.append(Failure(pid, source, str(answer)))
                continue
            labels = answer.get("labelIds", [])
            if SKIPPED & set(labels):
                gone.append(pid)
                continue
            folder, role = place_of(labels)
            try:
                raw = base64.urlsafe_b64decode(answer["raw"] + "=" * (-len(answer["raw"]) % 4))
                record = parse_message(raw, provider_id=pid, folder=folder, folder_role=role, flags=flags_of(labels))
                records.append(dataclasses.replace(record, thread_id=str(answer.get("threadId", ""))))
            except (ItemError, KeyError, ValueError) as err:
                failures.append(Failure(pid, source, str(err) or type(err).__name__))
            except Exception as err:  # the parser's bug must not stop the sync: quarantine it
                log.exception("unexpected error parsing %s", source)
                failures.append(Failure(pid, source, f"unexpected {type(err).__name__}: {err}"))
        return records, failures, gone

    # -- calendar ------------------------------------------------------------------------

    def sync_calendar(self, cursor: str | None, window: Window, known: Mapping[str, str] | None = None) -> Iterator[EventBatch]:
        try:
            yield from gcal.sync(self.client, self.calendar_id, cursor, window)
        finally:
            self._keep_token()

    # -- drafts and send -----------------------------------------------------------------

    def _thread_of(self, message_id: str) -> str:
        if not message_id:
            return ""
        request = self.client.gmail.messages().list(userId="me", q=f"rfc822msgid:{message_id.strip('<>')}", maxResults=1)
        found = self.client.call("messages.list", request).get("messages", [])
        return str(found[0]["threadId"]) if found else ""

    def _sender(self) -> Address:
        return Address(self.addresses[0] if self.addresses else "me")

    def save_draft(self, draft: OutgoingMail) -> str:
        """``users.drafts.create`` with the raw MIME, in the thread of the message it answers."""
        raw = base64.urlsafe_b64encode(build_message(draft, self._sender()).as_bytes()).decode("ascii")
        message: dict[str, Any] = {"raw": raw}
        thread = draft.thread_id or self._thread_of(draft.in_reply_to)
        if thread:
            message["threadId"] = thread
        created = self.client.call("drafts.create", self.client.gmail.drafts().create(userId="me", body={"message": message}))
        self._keep_token()
        return str(created["id"])

    def find_draft(self, message_id: str) -> str | None:
        request = self.client.gmail.drafts().list(userId="me", q=f"rfc822msgid:{message_id.strip('<>')}")
        found = self.client.call("drafts.list", request).get("drafts", [])
        return str(found[0]["id"]) if found else None

    def delete_draft(self, draft_id: str) -> None:
        try:
            self.client.call("drafts.delete", self.client.gmail.drafts().delete(userId="me", id=draft_id))
        except NotFound:
            log.info("%s: draft %s was already gone", self.name, draft_id)

    def send(self, mail: OutgoingMail) -> None:
        """``users.messages.send``, only ever to the account's own addresses (the briefing)."""
        strangers = sorted({a.email.lower() for a in mail.to} - set(self.addresses))
        if strangers or not mail.to:
            raise ConfigError(f"{self.name}: syncd only sends mail to you, not to {', '.join(strangers) or 'nobody'}")
        raw = base64.urlsafe_b64encode(build_message(mail, self._sender()).as_bytes()).decode("ascii")
        self.client.call("messages.send", self.client.gmail.messages().send(userId="me", body={"raw": raw}))
        self._keep_token()


def _learn(known: dict[str, str], records: list[MailRecord], gone: list[str]) -> None:
    for record in records:
        known[record.provider_id] = flags_etag(record.flags)
    for pid in gone:
        known.pop(pid, None)


def _dump(state: dict[str, Any]) -> str:
    return json.dumps(state, sort_keys=True)


def _load(cursor: str | None) -> dict[str, Any] | None:
    if not cursor:
        return None
    try:
        state = json.loads(cursor)
    except ValueError:
        raise CursorExpired("unreadable Gmail cursor") from None
    if not isinstance(state, dict) or state.get("v") != 1 or state.get("stage") not in ("full", "history"):
        raise CursorExpired("unknown Gmail cursor")
    return state
