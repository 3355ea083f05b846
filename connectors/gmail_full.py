"""The Gmail full sync, in the order that makes a briefing useful soonest.

1. ``users.getProfile``: the ``historyId`` to play history from once the listing is done.
2. **First**: the coming week's meetings are read from Google Calendar (``events.list``
   over the next 7 days, paced by the Calendar budget; the connector reads the calendar
   itself and never the store), and the last 30 days of mail *of those attendees* are
   listed with ``messages.list(q="newer_than:30d -in:drafts (from:a OR to:a OR cc:a OR
   …)")``, the addresses chunked so that no query is longer than ``MAX_QUERY``
   characters, and fetched.
3. **Rest**: everything else, newest first (``q="-in:drafts"``: drafts are not listed, so
   they cost no get; SPAM and TRASH are left out by the API's default).

Each listing page is fetched in HTTP batches of conversations or messages
(:class:`connectors.gmail_fetch.Fetcher`); what is already stored, or fetched earlier
in this pass as part of a conversation, is not fetched again. Every batch carries the
whole position (``phase``, the queries, ``qi``, the page token and offset), so a killed
sync resumes where it stopped and fetches nothing twice.
"""

from __future__ import annotations

import collections
import datetime as dt
import logging
import re
from collections.abc import Callable, Generator, Iterator
from typing import Any

from connectors.base import MailBatch, MailRecord, flags_etag
from connectors.gmail_fetch import Fetcher
from connectors.google_api import GoogleClient
from syncd.errors import AuthError, SyncdError

log = logging.getLogger(__name__)

PAGE = 500  # messages.list page size (Gmail's maximum)
MAX_QUERY = 1000  # characters in one q (Gmail documents no limit; long queries are refused in practice)
RECENT_DAYS = 30
WEEK = dt.timedelta(days=7)
REST_QUERY = "-in:drafts"
_PLAIN_ADDRESS = re.compile(r"^[\w.+'-]+@[\w-]+(\.[\w-]+)+$")


def attendee_queries(addresses: list[str]) -> list[str]:
    """``messages.list`` queries for the last 30 days of mail from, to or copied to each address."""
    queries: list[str] = []
    terms: list[str] = []
    prefix = f"newer_than:{RECENT_DAYS}d {REST_QUERY} "
    for address in addresses:
        term = f"from:{address} OR to:{address} OR cc:{address}"
        if terms and len(prefix) + len(" OR ".join([*terms, term])) + 2 > MAX_QUERY:
            queries.append(f"{prefix}({' OR '.join(terms)})")
            terms = []
        terms.append(term)
    if terms:
        queries.append(f"{prefix}({' OR '.join(terms)})")
    return queries


def week_attendees(client: GoogleClient, calendar_id: str, own: tuple[str, ...], now: dt.datetime, name: str) -> list[str]:
    """Everyone in the coming week's meetings but the user, read from the calendar.
    A calendar that cannot be read (not granted, say) means no first phase, not no mail."""
    start = now.astimezone(dt.UTC)
    people: set[str] = set()
    token = None
    try:
        for _ in range(20):  # 5,000 occurrences in a week is plenty
            request = client.calendar.events().list(
                calendarId=calendar_id, singleEvents=True, maxResults=250, pageToken=token, showDeleted=False,
                timeMin=start.strftime("%Y-%m-%dT%H:%M:%SZ"), timeMax=(start + WEEK).strftime("%Y-%m-%dT%H:%M:%SZ"))
            page = client.call("events.list", request)
            for item in page.get("items", ()):
                if item.get("status") == "cancelled":
                    continue
                for person in [*item.get("attendees", ()), item.get("organizer") or {}]:
                    email = str(person.get("email", "")).lower()
                    if email and not person.get("resource") and _PLAIN_ADDRESS.match(email):
                        people.add(email)
            token = page.get("nextPageToken")
            if not token:
                break
    except AuthError:
        raise
    except SyncdError as err:
        log.warning("%s: cannot read the coming week's meetings, mail is fetched newest first: %s", name, err)
        return []
    return sorted(people - set(own))


class FullSync:
    def __init__(self, client: GoogleClient, fetcher: Fetcher) -> None:
        self.client = client
        self.fetcher = fetcher
        self.fetched: set[str] = set()  # message ids fetched in this pass (a refresh refetches the rest)
        self.threads: set[str] = set()  # conversations fetched whole in this pass

    def begin(self, queries: list[str], known: dict[str, str], dump: Callable[[dict[str, Any]], str]) -> Generator[MailBatch, None, dict[str, Any]]:
        """The state of a new full listing. When the store already holds this account's
        mail (an expired cursor), first drop what the mailbox no longer has."""
        profile = self.client.call("profile", self.client.gmail.getProfile(userId="me"))
        hid = str(profile["historyId"])
        state: dict[str, Any] = {"v": 2, "stage": "full", "phase": "first" if queries else "rest", "queries": queries, "qi": 0,
                                 "start": hid, "history": hid, "page": None, "skip": 0, "refresh": bool(known)}
        if known:
            listed: set[str] = set()
            token = None
            while True:
                page = self._list(REST_QUERY, token)
                listed.update(m["id"] for m in page.get("messages", ()))
                token = page.get("nextPageToken")
                if not token:
                    break
            gone = sorted(set(known) - listed)
            for pid in gone:
                known.pop(pid)
            yield MailBatch(deleted=tuple(gone), cursor=dump(state))
        return state

    def _list(self, query: str, token: str | None) -> dict[str, Any]:
        request = self.client.gmail.messages().list(userId="me", maxResults=PAGE, pageToken=token, q=query)
        return dict(self.client.call("messages.list", request))

    def run(self, state: dict[str, Any], known: dict[str, str], dump: Callable[[dict[str, Any]], str]) -> Iterator[MailBatch]:
        while state.get("phase") == "first":
            queries = state.get("queries") or []
            if state["qi"] >= len(queries):
                state.update(phase="rest", page=None, skip=0)
                break
            yield from self._pages(queries[state["qi"]], state, known, dump)
            state.update(qi=state["qi"] + 1, page=None, skip=0)
        yield from self._pages(str(state.get("rest_query", REST_QUERY)), state, known, dump)

    def _needed(self, pid: str, tid: str, state: dict[str, Any], known: dict[str, str]) -> bool:
        if pid in self.fetched or tid in self.threads:
            return False
        return bool(state["refresh"]) or pid not in known

    def _pages(self, query: str, state: dict[str, Any], known: dict[str, str], dump: Callable[[dict[str, Any]], str]) -> Iterator[MailBatch]:
        while True:
            page = self._list(query, state["page"])
            listed = [(str(m["id"]), str(m.get("threadId", ""))) for m in page.get("messages", ())]
            position = int(state["skip"])
            while position < len(listed):
                counts = collections.Counter(t for p, t in listed[position:] if self._needed(p, t, state, known))
                todo: list[tuple[str, str]] = []
                end = position
                while end < len(listed) and len(self.fetcher.plan(todo, counts)) < self.client.backoff.batch:
                    if self._needed(*listed[end], state, known):
                        todo.append(listed[end])
                    end += 1
                requests = self.fetcher.plan(todo, counts)
                got = self.fetcher.fetch(requests, lambda pid: pid not in known or (bool(state["refresh"]) and pid not in self.fetched))
                state["skip"] = position = end
                yield MailBatch(records=tuple(got.records), failures=tuple(got.failures),
                                deleted=tuple(p for p in got.gone if p in known), cursor=dump(state))
                self.threads.update(key[1] for key in requests if key[0] == "threads.get")
                learn(known, got.records, got.gone)
                self.fetched.update(r.provider_id for r in got.records)
            token = page.get("nextPageToken")
            if not token:
                return
            state.update(page=token, skip=0)


def learn(known: dict[str, str], records: list[MailRecord], gone: list[str]) -> None:
    for record in records:
        known[record.provider_id] = flags_etag(record.flags)
    for pid in gone:
        known.pop(pid, None)
