"""Fetching Gmail messages at the least quota: one ``messages.get`` each, or the whole
conversation with one ``threads.get``.

``messages.get(format=raw)`` costs 20 units as the issue prices it (5 in Google's table
today), ``threads.get(format=full)`` 10 and returns every message of the conversation.
For each conversation with *k* messages still to fetch, :meth:`Fetcher.plan` takes the
thread when ``threads.get`` costs less than *k* ``messages.get`` (``fetch = "auto"``, the
default; ``"messages"`` or ``"threads"`` force one way). At the issue's prices that is
always the thread (measured: ``benchmarks/gmail_quota.py``); at Google's, from three
messages a thread on.

Thread answers are ``format=full`` JSON, read by :mod:`connectors.gmail_payload` through
syncd's own MIME parser. Messages of the thread that are not wanted (already stored) are
not parsed again.
"""

from __future__ import annotations

import base64
import collections
import dataclasses
import logging
from collections.abc import Callable, Iterable
from typing import Any

from connectors.base import ARCHIVE, INBOX, SENT, Failure, MailRecord
from connectors.gmail_payload import full_record
from connectors.google_api import GoogleClient, NotFound
from syncd.errors import ItemError, SyncdError
from syncd.mime import parse_message

log = logging.getLogger(__name__)

SKIPPED = frozenset({"SPAM", "TRASH", "DRAFT"})
SYNTHETIC_ID = "@syncd.invalid>"  # syncd.mime's made-up Message-ID, hashed from the raw bytes
FETCH_MODES = ("auto", "messages", "threads")
Request = tuple[str, str]  # ("messages.get", message id) or ("threads.get", thread id)


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


def _reader(message: dict[str, Any], labels: Any) -> Callable[[], MailRecord]:
    folder, role = place_of(labels)
    return lambda: full_record(message, folder=folder, folder_role=role, flags=flags_of(labels))


@dataclasses.dataclass
class Fetched:
    records: list[MailRecord] = dataclasses.field(default_factory=list)
    failures: list[Failure] = dataclasses.field(default_factory=list)
    gone: list[str] = dataclasses.field(default_factory=list)


class Fetcher:
    def __init__(self, client: GoogleClient, name: str, mode: str = "auto") -> None:
        if mode not in FETCH_MODES:
            raise ValueError(f"fetch must be one of {', '.join(FETCH_MODES)}, not {mode!r}")
        self.client = client
        self.name = name
        self.mode = mode

    def by_thread(self, count: int) -> bool:
        """Whether ``count`` messages of one conversation are cheaper by ``threads.get``."""
        if self.mode != "auto":
            return self.mode == "threads"
        pacer = self.client.pacer
        return pacer.cost("threads.get") < count * pacer.cost("messages.get")

    def plan(self, listed: Iterable[tuple[str, str]], counts: collections.Counter[str] | None = None) -> dict[Request, list[str]]:
        """The requests for ``(message id, thread id)`` pairs, each with the ids it covers.
        ``counts`` (messages still to fetch, by thread) defaults to the pairs' own."""
        pairs = list(listed)
        counts = counts if counts is not None else collections.Counter(t for _, t in pairs)
        requests: dict[Request, list[str]] = {}
        for mid, tid in pairs:
            key = ("threads.get", tid) if tid and self.by_thread(counts[tid]) else ("messages.get", mid)
            requests.setdefault(key, []).append(mid)
        return requests

    def fetch(self, requests: dict[Request, list[str]], wanted: Callable[[str], bool]) -> Fetched:
        """Run ``requests``; records for the messages asked for and the thread members
        ``wanted`` says to keep; unreadable ones are Failures; asked-for ids that are gone
        (404, or no longer in their thread, or now SPAM/TRASH/DRAFT) are ``gone``."""
        out = Fetched()
        if not requests:
            return out
        raw: list[str] = []  # thread members read by messages.get(format=raw) after all
        for key, answer in self.client.fetch_many(list(requests)).items():
            asked = requests[key]
            if isinstance(answer, NotFound):
                out.gone.extend(asked)
            elif isinstance(answer, Exception):
                if not isinstance(answer, SyncdError):
                    raise answer
                out.failures.extend(Failure(pid, self._source(pid), str(answer)) for pid in asked)
            elif key[0] == "threads.get":
                raw.extend(self._thread(answer, asked, wanted, out))
            else:
                self._message(answer, key[1], out)
        if raw:
            again = self.fetch({("messages.get", pid): [pid] for pid in raw}, wanted)
            out.records += again.records
            out.failures += again.failures
            out.gone += again.gone
        return out

    def _source(self, pid: str) -> str:
        return f"gmail:{self.name}/{pid}"

    def _message(self, answer: dict[str, Any], pid: str, out: Fetched) -> None:
        labels = answer.get("labelIds", [])
        if SKIPPED & set(labels):
            out.gone.append(pid)
            return
        folder, role = place_of(labels)

        def read() -> MailRecord:
            raw = base64.urlsafe_b64decode(answer["raw"] + "=" * (-len(answer["raw"]) % 4))
            return parse_message(raw, provider_id=pid, folder=folder, folder_role=role, flags=flags_of(labels),
                                 thread_id=str(answer.get("threadId", "")))

        self._read(pid, read, out)

    def _thread(self, answer: dict[str, Any], asked: list[str], wanted: Callable[[str], bool], out: Fetched) -> list[str]:
        """Records of the thread's wanted members; returns the ids better read raw: a
        message without a Message-ID (syncd makes one up from the raw bytes: it must be
        the same whichever way the message was fetched) or one whose payload cannot be
        read (the raw bytes go through syncd's repairs)."""
        present = set()
        raw: list[str] = []
        for message in answer.get("messages") or ():
            pid = str(message.get("id", ""))
            labels = message.get("labelIds", [])
            if not pid or SKIPPED & set(labels):
                continue
            present.add(pid)
            if pid not in asked and not wanted(pid):
                continue
            try:
                record = _reader(message, labels)()
            except Exception as err:  # noqa: BLE001 - read it raw: a Failure there if it truly cannot be read
                log.info("%s: reading %s raw (%s: %s)", self.name, pid, type(err).__name__, err)
                raw.append(pid)
                continue
            if record.message_id.endswith(SYNTHETIC_ID):
                raw.append(pid)
            else:
                out.records.append(record)
        out.gone.extend(pid for pid in asked if pid not in present)
        return raw

    def _read(self, pid: str, read: Callable[[], MailRecord], out: Fetched) -> None:
        try:
            out.records.append(read())
        except (ItemError, KeyError, ValueError, TypeError) as err:
            out.failures.append(Failure(pid, self._source(pid), str(err) or type(err).__name__))
        except Exception as err:  # the parser's bug must not stop the sync: quarantine it
            log.exception("unexpected error parsing %s", self._source(pid))
            out.failures.append(Failure(pid, self._source(pid), f"unexpected {type(err).__name__}: {err}"))
