"""The mailbox behind the Graph emulator: folders, messages, events and their change logs.

Every change takes the next number of one sequence; each folder (and the calendar) keeps,
per item, the number of its last change and whether it is still there. A delta round
lists the entries whose number lies in (since, upto], ``upto`` fixed when the round
starts, paged by that number: an item changed during a round comes in the next one, as
Graph promises. A first round (since = 0) leaves out what is already gone.

Messages are kept as Graph JSON, made here from MIME the way Exchange shows it (this is
the emulator's own, deliberately simple reading, independent of syncd's parsers).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import itertools
import threading
import zoneinfo
from email import message_from_bytes
from email.policy import default as default_policy
from email.utils import getaddresses, parsedate_to_datetime
from typing import Any

LAST_VERB = "Integer 0x1081"
WELL_KNOWN = {"inbox": "Inbox", "sentitems": "Sent Items", "drafts": "Drafts", "deleteditems": "Deleted Items", "archive": "Archive"}
DRIVER_FOLDERS = {"INBOX": "inbox", "Sent": "sentitems", "Drafts": "drafts", "Trash": "deleteditems"}
# The few Windows zone names the test data uses (the connector uses CLDR's full table).
ZONES = {"Pacific Standard Time": "America/Los_Angeles", "W. Europe Standard Time": "Europe/Berlin",
         "Tokyo Standard Time": "Asia/Tokyo", "UTC": "UTC", "GMT Standard Time": "Europe/London"}


def _recipients(value: str) -> list[dict[str, Any]]:
    return [{"emailAddress": {"name": name, "address": email}} for name, email in getaddresses([value]) if email]


def utc_text(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def wall(value: dict[str, str]) -> dt.datetime:
    naive = dt.datetime.fromisoformat(value["dateTime"][:19])
    return naive.replace(tzinfo=zoneinfo.ZoneInfo(ZONES.get(value.get("timeZone", "UTC"), value.get("timeZone", "UTC"))))


class GraphState:
    def __init__(self) -> None:
        self.lock = threading.RLock()
        self._seq = itertools.count(1)
        self._ids = itertools.count(1)
        self.seq = 0
        self.epoch = 1
        self.folders: dict[str, dict[str, Any]] = {}
        self.messages: dict[str, dict[str, Any]] = {}
        self.log: dict[str, dict[str, tuple[int, bool]]] = {}
        self.events: dict[str, dict[str, Any]] = {}
        self.event_log: dict[str, tuple[int, bool]] = {}
        self.sent: list[bytes] = []
        for name in WELL_KNOWN:
            self.add_folder(WELL_KNOWN[name], well_known=name)

    def _next(self) -> int:
        self.seq = next(self._seq)
        return self.seq

    def new_id(self, prefix: str = "AAMk") -> str:
        raw = hashlib.sha256(f"{self.epoch}/{next(self._ids)}".encode()).digest()[:18]
        return prefix + base64.urlsafe_b64encode(raw).decode() + "AAA="

    def add_folder(self, name: str, well_known: str = "") -> str:
        with self.lock:
            folder_id = self.new_id("AQMk")
            self.folders[folder_id] = {"id": folder_id, "displayName": name, "wellKnownName": well_known}
            self.log[folder_id] = {}
            return folder_id

    def folder_id(self, name: str) -> str | None:
        """A folder by id, well-known name or (driver) display name."""
        name = DRIVER_FOLDERS.get(name, name)
        for folder_id, folder in self.folders.items():
            if name in (folder_id, folder["wellKnownName"]) or name.lower() == folder["displayName"].lower():
                return folder_id
        return None

    def _touch(self, message_id: str, old_folder: str | None = None) -> None:
        message = self.messages.get(message_id)
        seq = self._next()
        if old_folder is not None and (message is None or message["parentFolderId"] != old_folder):
            self.log[old_folder][message_id] = (seq, False)
            seq = self._next()
        if message is not None:
            self.log[message["parentFolderId"]][message_id] = (seq, True)

    # -- messages ---------------------------------------------------------------

    def add_message(self, item: dict[str, Any], folder: str) -> str:
        with self.lock:
            folder_id = self.folder_id(folder)
            assert folder_id, folder
            message_id = item.get("id") or self.new_id()
            self.messages[message_id] = {**item, "id": message_id, "parentFolderId": folder_id}
            self._touch(message_id)
            return message_id

    def add_mime(self, raw: bytes, folder: str = "INBOX", flags: tuple[str, ...] | frozenset[str] = ("seen",)) -> str:
        return self.add_message(self.from_mime(raw, flags), folder)

    def from_mime(self, raw: bytes, flags: tuple[str, ...] | frozenset[str] = ()) -> dict[str, Any]:
        msg = message_from_bytes(raw, policy=default_policy)
        if not list(msg.keys()):  # no header at all: an item Exchange could not make sense of either
            return {"subject": "", "receivedDateTime": "garbled", "body": {"contentType": "text", "content": raw.decode("latin-1")},
                    "isRead": "seen" in flags}
        body = msg.get_body(preferencelist=("plain", "html"))
        text = body.get_content() if body is not None else ""
        refs = (msg.get("References") or msg.get("In-Reply-To") or msg.get("Message-ID") or "").split()
        try:
            date = utc_text(parsedate_to_datetime(str(msg["Date"])))
        except (TypeError, ValueError):
            date = "2000-01-01T00:00:00Z"
        senders = _recipients(str(msg.get("From", "")))
        return {
            "internetMessageId": str(msg.get("Message-ID", "")).strip(),
            "conversationId": "AAQk" + hashlib.sha1((refs[0] if refs else "").encode()).hexdigest()[:16],
            "subject": str(msg.get("Subject", "")),
            "from": senders[0] if senders else None,
            "sender": senders[0] if senders else None,
            "toRecipients": _recipients(str(msg.get("To", ""))),
            "ccRecipients": _recipients(str(msg.get("Cc", ""))),
            "bccRecipients": _recipients(str(msg.get("Bcc", ""))),
            "replyTo": _recipients(str(msg.get("Reply-To", ""))),
            "receivedDateTime": date,
            "sentDateTime": date,
            "hasAttachments": any(True for _ in msg.iter_attachments()) if msg.is_multipart() else False,
            "internetMessageHeaders": [{"name": k, "value": str(v)} for k, v in msg.items()],
            "body": {"contentType": "html" if body is not None and body.get_content_subtype() == "html" else "text", "content": text},
            "isRead": "seen" in flags,
            "isDraft": "draft" in flags,
            "flag": {"flagStatus": "flagged" if "flagged" in flags else "notFlagged"},
            "singleValueExtendedProperties": [{"id": LAST_VERB, "value": "102"}] if "replied" in flags else [],
        }

    def find(self, internet_id: str) -> str:
        for message_id, item in self.messages.items():
            if item.get("internetMessageId") == internet_id:
                return message_id
        raise LookupError(internet_id)

    def set_flags(self, message_id: str, flags: frozenset[str] | tuple[str, ...]) -> None:
        with self.lock:
            item = self.messages[message_id]
            if "trashed" in flags:  # Outlook has no "deleted but kept": deleting moves to Deleted Items
                self.move(message_id, "deleteditems")
                return
            item["isRead"] = "seen" in flags
            item["flag"] = {"flagStatus": "flagged" if "flagged" in flags else "notFlagged"}
            others = [p for p in item.get("singleValueExtendedProperties", []) if p["id"] != LAST_VERB]
            item["singleValueExtendedProperties"] = others + ([{"id": LAST_VERB, "value": "102"}] if "replied" in flags else [])
            self._touch(message_id)

    def flags(self, message_id: str) -> frozenset[str]:
        item = self.messages[message_id]
        found = set()
        if str(item.get("isRead")).lower() == "true":
            found.add("seen")
        if item.get("flag", {}).get("flagStatus") == "flagged":
            found.add("flagged")
        if any(p["id"] == LAST_VERB and p["value"] == "102" for p in item.get("singleValueExtendedProperties", [])):
            found.add("replied")
        if item.get("isDraft"):
            found.add("draft")
        return frozenset(found)

    def move(self, message_id: str, folder: str) -> None:
        with self.lock:
            old = self.messages[message_id]["parentFolderId"]
            self.messages[message_id]["parentFolderId"] = self.folder_id(folder)
            self._touch(message_id, old_folder=old)

    def delete(self, message_id: str) -> None:
        with self.lock:
            old = self.messages.pop(message_id)["parentFolderId"]
            self._touch(message_id, old_folder=old)

    def expire(self) -> None:
        """Forget every delta state (410 from now on) and give every item a new id, as a
        mailbox move between servers does."""
        with self.lock:
            self.epoch += 1
            for old_id in list(self.messages):
                item = self.messages.pop(old_id)
                folder = item["parentFolderId"]
                self.log[folder][old_id] = (self._next(), False)
                new_id = self.new_id()
                self.messages[new_id] = {**item, "id": new_id}
                self._touch(new_id)

    # -- events -------------------------------------------------------------------

    def put_event(self, item: dict[str, Any]) -> str:
        with self.lock:
            event_id = item.get("id") or self.new_id()
            self.events[event_id] = {**item, "id": event_id}
            self.event_log[event_id] = (self._next(), True)
            return event_id

    def remove_event(self, event_id: str) -> None:
        with self.lock:
            self.events.pop(event_id, None)
            self.event_log[event_id] = (self._next(), False)

    def in_window(self, item: dict[str, Any], start: dt.datetime, end: dt.datetime) -> bool:
        return wall(item["start"]) < end and wall(item["end"]) > start
