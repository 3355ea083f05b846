"""The state behind the Google emulator: one Gmail mailbox and one primary calendar.

Shapes follow the discovery documents (``../shared/corpus/api/google-discovery/``):
``Message`` (id, threadId, labelIds, snippet, historyId, internalDate, sizeEstimate,
raw | payload), ``History`` (id, messages, messagesAdded, messagesDeleted, labelsAdded,
labelsRemoved), ``Draft`` (id, message) and ``Event``. Every change moves the mailbox's
historyId and appends a History record, as Gmail does; :meth:`GmailState.expire_history`
forgets the records so a saved historyId gets 404. Calendar changes bump a sequence
number; a sync token names a sequence, and :meth:`CalendarState.expire_tokens` makes
the outstanding ones answer 410 Gone.
"""

from __future__ import annotations

import base64
import email
import email.policy
import itertools
import re
import threading
import time
from dataclasses import dataclass, field
from typing import Any

SYSTEM_LABELS = ("INBOX", "SENT", "DRAFT", "TRASH", "SPAM", "UNREAD", "STARRED", "IMPORTANT")


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class StoredMessage:
    id: str
    thread_id: str
    raw: bytes
    labels: set[str]
    internal_date: int  # milliseconds since the epoch
    history_id: int
    message_id: str = ""

    def minimal(self) -> dict[str, Any]:
        return {"id": self.id, "threadId": self.thread_id, "labelIds": sorted(self.labels)}

    def resource(self, fmt: str = "full") -> dict[str, Any]:
        parsed = email.message_from_bytes(self.raw, policy=email.policy.compat32)
        body = parsed.get_payload(decode=True) if not parsed.is_multipart() else b""
        data: dict[str, Any] = {
            **self.minimal(), "snippet": (body or b"")[:100].decode("utf-8", "replace").strip(),
            "historyId": str(self.history_id), "internalDate": str(self.internal_date), "sizeEstimate": len(self.raw),
        }
        if fmt == "raw":
            data["raw"] = b64(self.raw)
        elif fmt in ("full", "metadata"):
            data["payload"] = _part(parsed, "", with_body=fmt == "full")
        return data


def _header_text(value: str) -> str:
    """A header as the JSON gives it: 8-bit bytes read as UTF-8, else as cp1252 (folding kept)."""
    data = value.encode("ascii", "surrogateescape")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", "replace")


def _part(part: email.message.Message, part_id: str, with_body: bool) -> dict[str, Any]:
    """A MessagePart as Gmail's format=full gives it (partId, mimeType, filename, headers, body, parts)."""
    out: dict[str, Any] = {
        "partId": part_id, "mimeType": part.get_content_type(), "filename": part.get_filename() or "",
        "headers": [{"name": k, "value": _header_text(v)} for k, v in part.raw_items()],
    }
    if part.get_content_type() != "message/rfc822" and part.get_content_maintype() == "message":
        # message/delivery-status and co: Python splits them into header blocks; Gmail gives the text
        blocks = part.get_payload()
        text = b"\n".join(b.as_bytes() if isinstance(b, email.message.Message) else str(b).encode() for b in (blocks if isinstance(blocks, list) else [blocks]))
        out["body"] = {"size": len(text), **({"data": b64(text)} if with_body else {})}
        return out
    if part.is_multipart():
        out["body"] = {"size": 0}
        if with_body:
            children = part.get_payload()
            assert isinstance(children, list)
            out["parts"] = [_part(child, f"{part_id}.{n}" if part_id else str(n), True) for n, child in enumerate(children)]
    else:
        payload = part.get_payload(decode=True) or b""
        out["body"] = {"size": len(payload)}
        if with_body and part.get_filename():
            out["body"]["attachmentId"] = f"att-{abs(hash(payload)) % 10**12}"
        elif with_body:
            out["body"]["data"] = b64(payload)
    return out


@dataclass
class GmailState:
    address: str = "me@gmail.example"
    messages: dict[str, StoredMessage] = field(default_factory=dict)
    history: list[dict[str, Any]] = field(default_factory=list)
    history_id: int = 1000
    oldest_history: int = 0  # a startHistoryId below this is "too old": 404
    drafts: dict[str, str] = field(default_factory=dict)  # draft id -> message id
    sent: list[bytes] = field(default_factory=list)
    now_ms: int = 0  # "now" for newer_than: in milliseconds (0: the wall clock)
    lock: threading.RLock = field(default_factory=threading.RLock)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(0x18F0000000000000))
    _clock: itertools.count = field(default_factory=lambda: itertools.count(1_700_000_000_000, 1000))

    def _record(self, **change: Any) -> int:
        self.history_id += 1 + len(self.history) % 3  # Gmail's ids grow, not always by one
        self.history.append({"id": str(self.history_id), **change})
        return self.history_id

    # -- changes a user (or another client) makes -----------------------------------

    def add(self, raw: bytes, labels: set[str] | frozenset[str] = frozenset({"INBOX"}), internal_date: int | None = None) -> str:
        with self.lock:
            mid = f"{next(self._ids):016x}"
            parsed = email.message_from_bytes(raw, policy=email.policy.compat32)
            message_id = (parsed.get("Message-ID") or "").strip()
            refs = f"{parsed.get('In-Reply-To') or ''} {parsed.get('References') or ''}".split()
            thread = next((m.thread_id for m in self.messages.values() if m.message_id and m.message_id in refs), mid)
            stored = StoredMessage(mid, thread, raw, set(labels), internal_date or next(self._clock), 0, message_id)
            self.messages[mid] = stored
            stored.history_id = self._record(messages=[stored.minimal()], messagesAdded=[{"message": stored.minimal()}])
            return mid

    def set_labels(self, mid: str, labels: set[str] | frozenset[str]) -> None:
        with self.lock:
            stored = self.messages[mid]
            added, removed = set(labels) - stored.labels, stored.labels - set(labels)
            stored.labels = set(labels)
            change: dict[str, Any] = {"messages": [stored.minimal()]}
            if added:
                change["labelsAdded"] = [{"message": stored.minimal(), "labelIds": sorted(added)}]
            if removed:
                change["labelsRemoved"] = [{"message": stored.minimal(), "labelIds": sorted(removed)}]
            stored.history_id = self._record(**change)

    def delete(self, mid: str) -> None:
        with self.lock:
            stored = self.messages.pop(mid)
            self._record(messages=[stored.minimal()], messagesDeleted=[{"message": stored.minimal()}])

    def expire_history(self) -> None:
        """Gmail keeps history for about a week at least, sometimes less: forget it all."""
        with self.lock:
            self.oldest_history = self.history_id + 1
            self.history.clear()

    def by_message_id(self, message_id: str) -> StoredMessage | None:
        return next((m for m in self.messages.values() if m.message_id == message_id), None)

    # -- what the API answers ------------------------------------------------------

    def listing(self, page_token: str | None, limit: int, include_spam_trash: bool, query: str) -> dict[str, Any]:
        """Newest first; a page token is the (internalDate, id) the last page ended at, so
        pages stay stable while mail arrives or goes, as Gmail's do."""
        with self.lock:
            items = sorted(self.messages.values(), key=lambda m: (m.internal_date, m.id), reverse=True)
            if not include_spam_trash:
                items = [m for m in items if not m.labels & {"SPAM", "TRASH"}]
            if query.startswith("rfc822msgid:"):
                wanted = query.split(":", 1)[1].strip()
                items = [m for m in items if m.message_id.strip("<>") == wanted.strip("<>")]
            elif query:
                now = self.now_ms or int(time.time() * 1000)
                items = [m for m in items if _matches(m, query, now)]
            if page_token:
                date, _, last = page_token.partition("-")
                items = [m for m in items if (m.internal_date, m.id) < (int(date), last)]
            page = items[:limit]
            out: dict[str, Any] = {"resultSizeEstimate": len(items)}
            if page:
                out["messages"] = [{"id": m.id, "threadId": m.thread_id} for m in page]
            if len(items) > limit:
                out["nextPageToken"] = f"{page[-1].internal_date}-{page[-1].id}"
            return out

    def thread(self, thread_id: str, fmt: str) -> dict[str, Any] | None:
        """``threads.get``: every message of the conversation (drafts, spam and trash too), oldest first."""
        with self.lock:
            members = sorted((m for m in self.messages.values() if m.thread_id == thread_id), key=lambda m: (m.internal_date, m.id))
            if not members:
                return None
            return {"id": thread_id, "historyId": str(max(m.history_id for m in members)),
                    "messages": [m.resource(fmt) for m in members]}

    def history_since(self, start: int, page_token: str | None, limit: int) -> dict[str, Any] | None:
        with self.lock:
            if start < self.oldest_history or start > self.history_id:
                return None
            records = [h for h in self.history if int(h["id"]) > start]
            offset = int(page_token or 0)
            out: dict[str, Any] = {"historyId": str(self.history_id)}
            if records[offset:offset + limit]:
                out["history"] = records[offset:offset + limit]
            if len(records) > offset + limit:
                out["nextPageToken"] = str(offset + limit)
            return out

    def create_draft(self, raw: bytes, thread_id: str = "") -> dict[str, Any]:
        with self.lock:
            mid = self.add(raw, {"DRAFT"})
            if thread_id and any(m.thread_id == thread_id for m in self.messages.values()):
                self.messages[mid].thread_id = thread_id
            draft_id = f"r{abs(hash(mid)) % 10**18}"
            self.drafts[draft_id] = mid
            return {"id": draft_id, "message": self.messages[mid].minimal()}

    def delete_draft(self, draft_id: str) -> bool:
        with self.lock:
            mid = self.drafts.pop(draft_id, None)
            if mid is None:
                return False
            if mid in self.messages:
                self.delete(mid)
            return True

    def send(self, raw: bytes) -> dict[str, Any]:
        with self.lock:
            self.sent.append(raw)
            mid = self.add(raw, {"SENT"})
            return self.messages[mid].minimal()


@dataclass
class CalendarState:
    events: dict[str, dict[str, Any]] = field(default_factory=dict)  # id -> Event resource (with "_seq")
    seq: int = 1
    oldest_token: int = 0
    lock: threading.RLock = field(default_factory=threading.RLock)

    def put(self, event: dict[str, Any]) -> None:
        with self.lock:
            self.seq += 1
            self.events[event["id"]] = {"kind": "calendar#event", "status": "confirmed", "etag": f'"{self.seq}"',
                                        **event, "_seq": self.seq}

    def cancel(self, event_id: str) -> None:
        with self.lock:
            self.seq += 1
            self.events[event_id] = {"kind": "calendar#event", "id": event_id, "status": "cancelled", "_seq": self.seq}

    def expire_tokens(self) -> None:
        with self.lock:
            self.oldest_token = self.seq + 1

    def listing(self, params: dict[str, str]) -> tuple[int, dict[str, Any]]:
        with self.lock:
            token = params.get("syncToken")
            items = sorted(self.events.values(), key=lambda e: e["_seq"])
            if token:
                since = int(token.removeprefix("st-"))
                if since < self.oldest_token:
                    return 410, {"error": {"code": 410, "message": "Sync token is no longer valid, a full sync is required.",
                                           "errors": [{"domain": "calendar", "reason": "fullSyncRequired"}]}}
                items = [e for e in items if e["_seq"] > since]
            else:
                low, high = params.get("timeMin", ""), params.get("timeMax", "\uffff")
                items = [e for e in items if e["status"] != "cancelled" and _end(e) > low and _start(e) < high]
            offset, limit = int(params.get("pageToken") or 0), int(params.get("maxResults") or 250)
            out: dict[str, Any] = {"kind": "calendar#events", "summary": "primary", "timeZone": "UTC",
                                   "items": [{k: v for k, v in e.items() if k != "_seq"} for e in items[offset:offset + limit]]}
            if len(items) > offset + limit:
                out["nextPageToken"] = str(offset + limit)
            else:
                out["nextSyncToken"] = f"st-{self.seq}"
            return 200, out


_TERM = re.compile(r"(-?)(\w+):(\S+?)(?=[\s)]|$)")


def _matches(message: StoredMessage, query: str, now_ms: int) -> bool:
    """The subset of Gmail's search syntax syncd sends: ``-in:drafts``, ``newer_than:Nd``,
    and one group ``(from:a OR to:a OR cc:a …)`` of which any term may match."""
    parsed = email.message_from_bytes(message.raw, policy=email.policy.compat32)
    fields = {name: str(parsed.get(name) or "").lower() for name in ("from", "to", "cc")}
    group, _, rest = query.partition("(")
    inner, _, after = rest.partition(")")
    for negate, name, value in _TERM.findall(group + " " + after):
        if name == "in" and value == "drafts":
            hit = "DRAFT" in message.labels
        elif name == "newer_than" and value.endswith("d"):
            hit = message.internal_date > now_ms - int(value[:-1]) * 86_400_000
        else:
            raise ValueError(f"the emulator does not understand {name}:{value}")
        if hit == bool(negate):
            return False
    if inner:
        terms = _TERM.findall(inner)
        if not any(value.lower() in fields.get(name, "") for _, name, value in terms):
            return False
    return True


def _start(event: dict[str, Any]) -> str:
    return str(event.get("start", {}).get("dateTime") or event.get("start", {}).get("date", ""))


def _end(event: dict[str, Any]) -> str:
    return str(event.get("end", {}).get("dateTime") or event.get("end", {}).get("date", ""))
