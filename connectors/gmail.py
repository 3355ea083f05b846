"""Gmail (API v1) and Google Calendar (v3) for one Google account.

**Mail** (https://developers.google.com/gmail/api/guides/sync):

* *Full sync* (:mod:`connectors.gmail_full`): the mailbox's ``historyId`` first, then the
  last 30 days of mail of the people in the coming week's meetings (the connector reads
  the calendar for them), then the rest newest first, drafts not listed. Bodies come by
  ``threads.get`` (a whole conversation, format=full) or ``messages.get`` (format=raw),
  whichever costs fewer quota units (:mod:`connectors.gmail_fetch`), in HTTP batches of
  at most 50. Every batch carries its place (phase, query, page token, offset), so a
  killed sync resumes where it stopped and fetches nothing twice. While the backfill
  runs, each pass first plays history forward, so new mail is never hours late.
* *Incremental*: ``users.history.list`` from the saved historyId: messagesAdded (fetched),
  messagesDeleted, labelsAdded/labelsRemoved (flags, and the folder when INBOX or SENT
  came or went: archiving moves a message to "All Mail"; from the labels the record
  carries, no extra call). The new historyId is saved with the last batch.
* A 404 on history (Google keeps about a week) is ``CursorExpired``: the sync starts over
  with a full listing. Then ids-only pages (5 units per 500 messages) find what was deleted
  meanwhile, before the bodies are fetched again; everything is idempotent.
* Labels: SENT -> outgoing (folder "Sent"); INBOX -> "INBOX"; others "All Mail". SPAM, TRASH
  and DRAFT are not interactions and are skipped (a message moved there counts as gone).
  UNREAD -> not "seen", STARRED -> "flagged". Gmail has no "answered" flag.

Cursor (JSON): ``{"v": 2, "stage": "full", "phase": "first" | "rest", "queries": [...],
"qi": n, "start": hid, "history": hid, "page": token, "skip": n, "refresh": bool}`` during
a full sync (a version 1 cursor reads as phase "rest"), ``{"v": 2, "stage": "history",
"history": hid}`` after it.

**Calendar**: :mod:`connectors.gcal`, paced by its own budget; a token without the
calendar scope (unticked at consent) fails the calendar stream with a message naming the
scope and ``syncd auth NAME``, while mail goes on. **Drafts** go to ``users.drafts.create`` threaded to
the conversation (``threadId`` of the message replied to); ``find_draft`` looks a draft up
by its Message-ID, so a draft the user deleted in Gmail is seen as gone and never made
again. **Send** (``users.messages.send``) only to the account's own addresses.
"""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from connectors import gcal, google_auth
from connectors.base import (
    CALENDAR,
    DRAFTS,
    MAIL,
    SEND,
    Address,
    BaseConnector,
    EventBatch,
    FlagChange,
    MailBatch,
    OutgoingMail,
    Window,
    flags_etag,
    load_cursor,
)
from connectors.compose import build_message
from connectors.gmail_fetch import SKIPPED, Fetcher, flags_of, place_of
from connectors.gmail_full import FullSync, attendee_queries, learn, week_attendees
from connectors.gmail_quota import CALENDAR_BUDGET, CALENDAR_UNITS, DEFAULT_BUDGET, UNITS, Backoff, Pacer
from connectors.google_api import GoogleClient, NotFound, ScopeMissing
from syncd import clock
from syncd.errors import ConfigError, CursorExpired

if TYPE_CHECKING:
    from syncd.config import AccountConfig, Config

log = logging.getLogger(__name__)

PAGE = 500  # history.list page size (Gmail's maximum)
CALENDAR_SCOPE = "https://www.googleapis.com/auth/calendar.readonly"
__all__ = ["GmailConnector", "flags_of", "place_of"]


class GmailConnector(BaseConnector):
    kind: ClassVar[str] = "gmail"
    capabilities: ClassVar[frozenset[str]] = frozenset({MAIL, CALENDAR, DRAFTS, SEND})
    # How the connector waits after throttling or a server error (tests inject a fake sleep).
    backoff_factory: ClassVar[Callable[[], Backoff]] = Backoff
    # How budgets are kept (tests and the benchmark inject a simulated clock).
    pacer_factory: ClassVar[Callable[..., Pacer]] = Pacer

    def __init__(self, client: GoogleClient, *, addresses: tuple[str, ...], name: str = "gmail",
                 calendar_id: str = "primary", on_token: Any = None, fetch: str = "auto") -> None:
        self.client = client
        self.fetcher = Fetcher(client, name, fetch)
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
        units["threads.get"] = int(options.get("thread_units", units["threads.get"]))
        client = GoogleClient(
            credentials, api_base=options.get("api_base"), timeout=float(options.get("timeout", 60)),
            pacer=cls.pacer_factory(budget=int(options.get("quota_per_minute", DEFAULT_BUDGET)), units=units),
            calendar_pacer=cls.pacer_factory(budget=int(options.get("calendar_per_minute", CALENDAR_BUDGET)), units=dict(CALENDAR_UNITS)),
            backoff=cls.backoff_factory(), name=account.name,
        )
        fetch = str(options.get("fetch", "auto"))
        if fetch not in ("auto", "messages", "threads"):
            raise ConfigError(f"account {account.name}: fetch must be auto, messages or threads, not {fetch!r}")
        return cls(client, addresses=account.addresses, name=account.name, fetch=fetch,
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
        full = FullSync(self.client, self.fetcher)
        try:
            loaded = _load(cursor)
            if loaded is None:
                people = week_attendees(self.client, self.calendar_id, self.addresses, clock.now(), self.name)
                loaded = yield from full.begin(attendee_queries(people), known, _dump)
            state = loaded
            yield from self._history(state, known)
            if state["stage"] == "full":
                yield from full.run(state, known, _dump)
                state = {"v": 2, "stage": "history", "history": state["history"]}
                yield MailBatch(cursor=_dump(state))
                yield from self._history(state, known)
        finally:
            self._keep_token()

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
        threads: dict[str, str] = {}
        moved: set[str] = set()  # INBOX or SENT came or went: the folder changes
        deleted: set[str] = set()
        for record in records:
            for item in record.get("messagesAdded", ()):
                labels[item["message"]["id"]] = item["message"].get("labelIds", [])
                threads[item["message"]["id"]] = str(item["message"].get("threadId", ""))
                deleted.discard(item["message"]["id"])
            for item in record.get("messagesDeleted", ()):
                labels.pop(item["message"]["id"], None)
                deleted.add(item["message"]["id"])
            for item in [*record.get("labelsAdded", ()), *record.get("labelsRemoved", ())]:
                if item["message"]["id"] not in deleted:
                    labels[item["message"]["id"]] = item["message"].get("labelIds", [])
                    if {"INBOX", "SENT"} & set(item.get("labelIds", ())):
                        moved.add(item["message"]["id"])
        changes: list[FlagChange] = []
        fetch: list[tuple[str, str]] = []
        for pid, ids in labels.items():
            if SKIPPED & set(ids):
                deleted.add(pid)
            elif pid in known:
                flags = flags_of(ids)
                if flags_etag(flags) != known[pid] or pid in moved:
                    changes.append(FlagChange(pid, flags, place_of(ids)[0] if pid in moved else None))
            else:
                fetch.append((pid, threads.get(pid, "")))
        gone = sorted(p for p in deleted if p in known)
        if not (fetch or gone or changes) and newest == start:
            return
        behind = _dump(state)
        plan = list(self.fetcher.plan(fetch).items())
        size = max(self.client.backoff.batch, 1)
        for number in range(0, max(len(plan), 1), size):
            got = self.fetcher.fetch(dict(plan[number:number + size]), lambda pid: pid not in known)
            last = number + size >= len(plan)
            if last:
                state["history"] = newest
            missing = [p for p in got.gone if p in known]
            yield MailBatch(
                records=tuple(got.records), failures=tuple(got.failures),
                deleted=tuple(gone + missing) if last else tuple(missing),
                flag_changes=tuple(changes) if last else (), cursor=_dump(state) if last else behind,
            )
            learn(known, got.records, got.gone + (gone if last else []))
            for change in changes if last else ():
                known[change.provider_id] = flags_etag(change.flags)

    # -- calendar ------------------------------------------------------------------------

    def sync_calendar(self, cursor: str | None, window: Window, known: Mapping[str, str] | None = None) -> Iterator[EventBatch]:
        try:
            yield from gcal.sync(self.client, self.calendar_id, cursor, window)
        except ScopeMissing:
            raise ScopeMissing(
                f"{self.name}: Google Calendar was not shared with syncd ({CALENDAR_SCOPE} was not granted at consent); "
                f"mail still syncs. Run `syncd auth {self.name}` and tick the calendar to add it") from None
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


def _dump(state: dict[str, Any]) -> str:
    return json.dumps(state, sort_keys=True)


def _load(cursor: str | None) -> dict[str, Any] | None:
    state = load_cursor(cursor, "Gmail")
    if state is None:
        return None
    if not isinstance(state, dict) or state.get("v") not in (1, 2) or state.get("stage") not in ("full", "history"):
        raise CursorExpired("unknown Gmail cursor")
    if state["v"] == 1 and state["stage"] == "full":  # the first round's cursor: newest first, unfiltered (its page token)
        state.update(phase="rest", queries=[], qi=0, rest_query="")
    state["v"] = 2
    return state
