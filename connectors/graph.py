"""Microsoft 365 / Outlook.com through Microsoft Graph: mail and calendar by delta query.

**Mail**: one delta round per folder (Inbox, Sent Items, and the top-level folders
named in ``folders``): ``GET /me/mailFolders/{id}/messages/delta`` with ``$select`` of
the fields syncd reads, ``Prefer: odata.maxpagesize`` and ``outlook.body-content-type
="text"`` (https://learn.microsoft.com/graph/api/message-delta). Every page is one
batch whose cursor holds that folder's ``@odata.nextLink`` (mid-round) or
``@odata.deltaLink`` (round done), so a kill resumes at the page it stopped on.
``@removed`` entries delete. Provider ids are ``<folder>/<Graph id>`` (a message moved
between folders is deleted from one and added to the other).

A 410 / ``syncStateNotFound`` raises ``CursorExpired``; syncd then calls again without
a cursor and, since the account holds mail already, the round is *full*: batches are
marked ``full`` and the last one ``complete``, so ingest removes whatever the new
listing did not mention. A full round that is interrupted starts over (re-listing is
harmless), while a first sync of an empty account resumes page by page.

**Calendar**: ``/me/calendarView/delta`` over syncd's window (occurrences already
expanded by Graph); the deltaLink is bound to its window, so a new window starts a
full round. Cancelled events (``isCancelled``) and ``@removed`` ones are deleted.

**Incremental syncs** of several folders fetch every folder's deltaLink in one JSON
``$batch``. **Drafts**: ``createReply`` on the latest message of the conversation a
draft follows (so Outlook threads it), then ``PATCH`` of its body and recipients;
otherwise ``POST /me/messages``. Each draft carries its deterministic Message-ID in a
named MAPI property, which ``find_draft`` filters on. **Send**: ``/me/sendMail`` with
the MIME message (so headers such as Auto-Submitted survive), to the user only.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import logging
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import quote, urlencode

from connectors.base import (
    ARCHIVE,
    CALENDAR,
    DRAFTS,
    INBOX,
    MAIL,
    OTHER,
    SEND,
    SENT,
    Address,
    BaseConnector,
    EventBatch,
    EventRecord,
    Failure,
    MailBatch,
    MailRecord,
    OutgoingMail,
    Window,
    load_cursor,
)
from connectors.compose import build_message
from connectors.graph_convert import LAST_VERB, event_record, mail_record, truthy, utc
from connectors.graph_http import DEFAULT_BASE, GraphClient, NotFound
from connectors.msauth import MsSettings, TokenSource, authorize, http_session
from connectors.smtp import check_recipients
from syncd.errors import AccountError, CursorExpired, ItemError

if TYPE_CHECKING:
    from syncd.config import AccountConfig, Config

log = logging.getLogger(__name__)

PAGE_SIZE = 100
MAIL_FIELDS = (
    "id,internetMessageId,conversationId,subject,from,sender,toRecipients,ccRecipients,bccRecipients,replyTo,"
    "receivedDateTime,sentDateTime,isRead,isDraft,flag,hasAttachments,body,internetMessageHeaders"
)
MAIL_EXPAND = f"singleValueExtendedProperties($filter=id eq '{LAST_VERB}')"
DRAFT_PROP = "String {6f4d9c3e-2b71-4c55-9a0e-5d8f7c1b2a90} Name syncd-draft-message-id"
WELL_KNOWN = (("INBOX", INBOX, "inbox"), ("Sent", SENT, "sentitems"))


def _odata(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _query(path: str, params: Mapping[str, str]) -> str:
    return f"{path}?{urlencode(params, quote_via=quote, safe='$(),=:/')}"


class GraphConnector(BaseConnector):
    kind: ClassVar[str] = "outlook"
    capabilities: ClassVar[frozenset[str]] = frozenset({MAIL, CALENDAR, DRAFTS, SEND})

    def __init__(
        self, client: GraphClient, *, addresses: tuple[str, ...], folders: tuple[str, ...] = (), name: str = "",
        page_size: int = PAGE_SIZE,
    ) -> None:
        self.client = client
        self.addresses = tuple(a.lower() for a in addresses)
        self.folders = folders
        self.name = name
        self.page_size = page_size

    def __repr__(self) -> str:
        return f"GraphConnector({self.name}, {self.client.base})"

    @classmethod
    def from_config(cls, account: AccountConfig, config: Config) -> GraphConnector:
        options = account.options
        settings = MsSettings.from_options(account.name, options, config.paths.tokens, account.addresses[0])
        base = str(options.get("graph_base") or DEFAULT_BASE)
        client = GraphClient(base, TokenSource(settings), key=f"{base}|{account.name}", session=http_session(options.get("cafile")))
        return cls(client, addresses=account.addresses, folders=tuple(options.get("folders", ())), name=account.name,
                   page_size=int(options.get("page_size") or PAGE_SIZE))

    @classmethod
    def authorize(cls, account: AccountConfig, config: Config, options: dict[str, Any], echo: Any) -> None:
        """``syncd auth NAME``: the device-code flow, or ``--token-cache FILE``."""
        settings = MsSettings.from_options(account.name, account.options, config.paths.tokens, account.addresses[0])
        authorize(settings, options.get("token_cache"), echo)

    def _prefer(self, text_body: bool = True) -> dict[str, str]:
        prefer = f"odata.maxpagesize={self.page_size}"
        return {"Prefer": prefer + (', outlook.body-content-type="text"' if text_body else "")}

    # -- mail ----------------------------------------------------------------

    def _folders(self, state: dict[str, Any]) -> list[tuple[str, str, str]]:
        """(label, role, Graph folder id or well-known name): Inbox, Sent Items, then the configured ones."""
        chosen = list(WELL_KNOWN)
        saved = state.get("folders", {})
        wanted = [name for name in self.folders if name.replace("/", "-") not in saved]
        found: dict[str, str] = {}
        if wanted:
            calls = [{"method": "GET", "url": _query("/me/mailFolders", {"$filter": f"displayName eq {_odata(name)}", "$select": "id,displayName"})}
                     for name in wanted]
            for name, answer in zip(wanted, self.client.batch(calls)):
                match = [f for f in (answer or {}).get("value", []) if str(f.get("displayName", "")).lower() == name.lower()]
                if not match:
                    log.warning("%s: no top-level mail folder named %r; skipping it", self.name, name)
                    continue
                found[name] = str(match[0]["id"])
        for name in self.folders:
            label = name.replace("/", "-")
            folder_id = found.get(name) or saved.get(label, {}).get("id")
            if folder_id and label not in {c[0] for c in chosen}:
                chosen.append((label, ARCHIVE if name.lower() == "archive" else OTHER, folder_id))
        return chosen

    def sync_mail(self, cursor: str | None, known: Mapping[str, str] | None = None) -> Iterator[MailBatch]:
        state = _load(cursor)
        if state is None or state.get("full"):
            # No cursor: a first sync (resumable page by page), or, with mail already
            # held, a full round after an expired cursor (started over if interrupted).
            state = {"folders": {}, "full": bool(known) or bool(state)}
        full = bool(state["full"])
        folders = self._folders(state)
        labels = {label for label, _, _ in folders}
        gone = sorted(pid for pid in (known or {}) if pid.split("/", 1)[0] not in labels)
        state["folders"] = {k: v for k, v in state["folders"].items() if k in labels}
        if gone and not full:
            yield MailBatch(deleted=tuple(gone), cursor=json.dumps(state))
        first_pages = self._first_pages([(label, state["folders"][label]["link"]) for label, _, _ in folders
                                         if state["folders"].get(label, {}).get("delta")])
        for number, (label, role, folder_id) in enumerate(folders):
            entry = state["folders"].get(label) or {"id": folder_id, "link": self._start(folder_id), "delta": False}
            page = first_pages.get(label)
            while True:
                if page is None:
                    page = self.client.request("GET", entry["link"], headers=self._prefer())
                records, deleted, failures = self._mail_page(page, label, role)
                next_link, delta_link = page.get("@odata.nextLink"), page.get("@odata.deltaLink")
                if not (next_link or delta_link):
                    raise AccountError(f"Graph sent a delta page of {label} with neither a next nor a delta link")
                entry = {"id": folder_id, "link": next_link or delta_link, "delta": not next_link}
                state["folders"][label] = entry
                last = bool(delta_link) and number == len(folders) - 1
                if last:
                    state["full"] = False
                yield MailBatch(records=tuple(records), deleted=tuple(deleted), failures=tuple(failures),
                                cursor=json.dumps(state), full=full, complete=full and last)
                if not next_link:
                    break
                page = None

    def _start(self, folder_id: str) -> str:
        return _query(f"/me/mailFolders/{quote(folder_id, safe='')}/messages/delta", {"$select": MAIL_FIELDS, "$expand": MAIL_EXPAND})

    def _first_pages(self, links: list[tuple[str, str]]) -> dict[str, Any]:
        """Incremental rounds of several folders: every first page in one ``$batch``."""
        batchable = [(label, rel) for label, link in links if (rel := self.client.relative(link)) is not None]
        if len(batchable) < 2:
            return {}
        answers = self.client.batch([{"method": "GET", "url": rel, "headers": self._prefer()} for _, rel in batchable])
        return {label: answer for (label, _), answer in zip(batchable, answers) if isinstance(answer, dict)}

    def _mail_page(self, page: Mapping[str, Any], label: str, role: str) -> tuple[list[MailRecord], list[str], list[Failure]]:
        records: list[MailRecord] = []
        deleted: list[str] = []
        failures: list[Failure] = []
        for item in page.get("value", []):
            item_id = str(item.get("id", "")) if isinstance(item, Mapping) else ""
            provider_id = f"{label}/{item_id}"
            if isinstance(item, Mapping) and "@removed" in item:
                deleted.append(provider_id)
                continue
            try:
                records.append(mail_record(item, provider_id, label, role))
            except ItemError as err:
                failures.append(Failure(provider_id, f"{self.client.base}/me/messages/{quote(item_id, safe='')}", str(err)))
            except Exception as err:  # a converter bug must not stop the sync: quarantine the item
                log.exception("unexpected error reading Graph message %s", provider_id)
                failures.append(Failure(provider_id, f"{self.client.base}/me/messages/{item_id}", f"unexpected {type(err).__name__}: {err}"))
        return records, deleted, failures

    # -- calendar --------------------------------------------------------------

    def sync_calendar(self, cursor: str | None, window: Window, known: Mapping[str, str] | None = None) -> Iterator[EventBatch]:
        span = [window.start.isoformat(), window.end.isoformat()]
        state = _load(cursor)
        if state is None or state.get("window") != span or state.get("full"):
            params = {"startDateTime": _iso(window.start), "endDateTime": _iso(window.end)}
            state = {"window": span, "link": _query("/me/calendarView/delta", params), "full": True}
        full = bool(state["full"])
        while True:
            page = self.client.request("GET", state["link"], headers=self._prefer(text_body=True))
            records: list[EventRecord] = []
            deleted: list[str] = []
            failures: list[Failure] = []
            for item in page.get("value", []):
                item_id = str(item.get("id", "")) if isinstance(item, Mapping) else ""
                if not isinstance(item, Mapping) or "@removed" in item or truthy(item.get("isCancelled")):
                    deleted.append(item_id)
                    continue
                if str(item.get("type", "")).lower() == "seriesmaster":
                    continue  # its occurrences come on their own
                try:
                    records.append(event_record(item))
                except ItemError as err:
                    failures.append(Failure(item_id, f"{self.client.base}/me/events/{quote(item_id, safe='')}", str(err)))
            next_link, delta_link = page.get("@odata.nextLink"), page.get("@odata.deltaLink")
            if not (next_link or delta_link):
                raise AccountError("Graph sent a calendarView delta page with neither a next nor a delta link")
            state = {"window": span, "link": next_link or delta_link, "full": full and bool(next_link)}
            yield EventBatch(records=tuple(records), deleted=tuple(d for d in deleted if d), failures=tuple(failures),
                             cursor=json.dumps(state), full=full, complete=full and bool(delta_link))
            if not next_link:
                return

    # -- drafts ------------------------------------------------------------------

    def _message_json(self, mail: OutgoingMail) -> dict[str, Any]:
        return {
            "subject": mail.subject,
            "body": {"contentType": "html", "content": mail.html} if mail.html else {"contentType": "text", "content": mail.text},
            "toRecipients": [{"emailAddress": {"address": a.email, "name": a.name or a.email}} for a in mail.to],
        }

    def _reply_target(self, message_id: str) -> str | None:
        """The Graph id of the latest message in the conversation of ``message_id`` (None if unknown)."""
        found = self.client.request("GET", _query("/me/messages", {
            "$filter": f"internetMessageId eq {_odata(message_id)}", "$select": "id,conversationId"}))
        hits = (found or {}).get("value", [])
        if not hits:
            return None
        conversation = hits[0].get("conversationId")
        if not conversation:
            return str(hits[0]["id"])
        thread = self.client.request("GET", _query("/me/messages", {
            "$filter": f"conversationId eq {_odata(str(conversation))}", "$select": "id,receivedDateTime,isDraft", "$top": "50"}))
        candidates = [m for m in (thread or {}).get("value", []) if not truthy(m.get("isDraft"))]
        if not candidates:
            return str(hits[0]["id"])
        latest = max(candidates, key=lambda m: (utc(m.get("receivedDateTime")) or utc("1970-01-01T00:00:00Z"), str(m.get("id"))))
        return str(latest["id"])

    def save_draft(self, draft: OutgoingMail) -> str:
        """A reply to a message in this mailbox: ``createReply`` on the latest message of its
        conversation, then PATCH our text, recipients and Message-ID property onto it. Anything
        else: the MIME message POSTed to ``/me/messages`` (a draft, with its own Message-ID,
        In-Reply-To and References kept, so other clients thread it)."""
        target = self._reply_target(draft.in_reply_to) if draft.in_reply_to else None
        if target is None:
            mime = build_message(draft, Address(self.addresses[0])).as_bytes()
            created = self.client.request("POST", "/me/messages", data=base64.b64encode(mime), headers={"Content-Type": "text/plain"})
            return str(created["id"])
        body = self._message_json(draft)
        if draft.message_id:
            body["singleValueExtendedProperties"] = [{"id": DRAFT_PROP, "value": draft.message_id}]
        reply = self.client.request("POST", f"/me/messages/{quote(target, safe='')}/createReply", json={})
        self.client.request("PATCH", f"/me/messages/{quote(str(reply['id']), safe='')}", json=body)
        return str(reply["id"])

    def find_draft(self, message_id: str) -> str | None:
        """The id of the draft placed with ``message_id``, if it is still in Drafts: by our
        property (replies) or by its Internet Message-ID (drafts made from MIME), in one ``$batch``."""
        by_prop = f"singleValueExtendedProperties/any(ep: ep/id eq {_odata(DRAFT_PROP)} and ep/value eq {_odata(message_id)})"
        by_mid = f"internetMessageId eq {_odata(message_id)}"
        answers = self.client.batch([
            {"method": "GET", "url": _query("/me/mailFolders/drafts/messages", {"$filter": flt, "$select": "id"})}
            for flt in (by_prop, by_mid)
        ])
        hits = [hit for answer in answers for hit in (answer or {}).get("value", [])]
        return str(hits[0]["id"]) if hits else None

    def delete_draft(self, draft_id: str) -> None:
        try:
            self.client.request("DELETE", f"/me/messages/{quote(draft_id, safe='')}")
        except NotFound:
            log.info("%s: draft %s was already gone", self.name, draft_id)

    # -- send --------------------------------------------------------------------

    def send(self, mail: OutgoingMail) -> None:
        """``/me/sendMail`` with the MIME message; any recipient but the user is refused first."""
        check_recipients(mail, frozenset(self.addresses))
        message = build_message(mail, Address(self.addresses[0]))
        payload = base64.b64encode(message.as_bytes())
        self.client.request("POST", "/me/sendMail", data=payload, headers={"Content-Type": "text/plain"})


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _load(cursor: str | None) -> dict[str, Any] | None:
    try:
        state = load_cursor(cursor, "Graph")
    except CursorExpired:
        log.warning("unreadable Graph cursor; starting over")
        return None
    return state if isinstance(state, dict) else None
