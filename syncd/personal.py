"""What a draft may know about the people it is written to — loaded by their ids only.

This module is the privacy boundary of drafts. ``Recipients(person_ids, now)`` reads
those people's facts, open loops, the name they sign with, what the user last wrote to
them and where they meet, one query per kind of data, each filtered by their ids;
nothing here lists other people. ``Recipients.about(A)`` is made from the rows of A's
own person id alone (``about(A, now)`` reads one person the same way). A draft to A is
written from ``about(A)`` and from its occasion (a meeting title, a thread subject)
alone, so it cannot carry B's personal facts.

The personal details worth a line are chosen from an ``About`` by ``syncd.touches``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from nameparser import HumanName

from syncd import knowledge, store
from syncd.bulk import chunks, rows_in
from syncd.infer.text import new_text, split_signoff

A, P, D, E, AT = store.Address, store.Person, store.Draft, store.Event, store.Attendee

SIGNOFF_MESSAGES = 5  # their latest messages read for the name they sign with
MENTION_MESSAGES = 2  # the user's latest messages to them checked for details already mentioned
DRAFT_MEMORY_DAYS = 30  # nor a detail one of syncd's drafts to them used this recently
_NOT_NAMES = frozenset({
    "thanks", "thank", "best", "cheers", "regards", "sent", "team", "love", "yours", "sincerely", "warmly",
    "admin", "support", "info", "office", "hello", "hi", "dear", "from", "the", "and",
})
_NAME_WORD = re.compile(r"^[^\W\d_][^\W\d_'’.-]*(?:['’-][^\W\d_]+)*\.?$")


@dataclass(frozen=True)
class About:
    """One person, as a draft to them may see them."""

    person_id: int
    email: str
    name: str  # the name to greet them by, "" when unknown
    full_name: str
    facts: tuple[dict[str, Any], ...]
    loops: tuple[dict[str, Any], ...]
    said: str  # the new text of the user's last two emails to them, lower case
    meeting_places: str = ""  # where the user meets them soon (a trip to meet the user is no news)


class Recipients:
    """What drafts to these people may know, read once for all of them."""

    def __init__(self, person_ids: Iterable[int], now: dt.datetime) -> None:
        ids = sorted(set(person_ids))
        self._people = _people(ids)
        self._addresses = _addresses(ids)
        self._facts = knowledge.facts_by_person(ids, now.date())
        self._loops = knowledge.loops_by_person(ids, now)
        self._signoffs = _latest_bodies(ids, outgoing=False)
        self._said = _said(ids, now)
        self._places = _meeting_places(ids, now)
        self._made: dict[int, About] = {}

    def about(self, person_id: int) -> About:
        """Everything a draft to this one person may use."""
        if person_id not in self._made:
            name, email = self._people[person_id]
            self._made[person_id] = About(
                person_id=person_id, email=email, full_name=name or "",
                name=_greeting(_displays(name, self._addresses[person_id]), self._signoffs[person_id], email),
                facts=tuple(self._facts[person_id]), loops=tuple(self._loops[person_id]),
                said="\n".join(self._said[person_id]).lower(), meeting_places=self._places[person_id],
            )
        return self._made[person_id]

    def addresses(self, person_id: int) -> list[tuple[str, str | None]]:
        """Their addresses, oldest first, each with when it bounced (``syncd.bounces``)."""
        return [(email, bounced_at) for email, _, bounced_at in self._addresses[person_id]]

    def wrote(self, person_id: int, body: str) -> None:
        """A draft to them was just written: from now on it counts as said (as the drafts
        syncd wrote them lately do)."""
        self._said[person_id].append(body)
        self._made.pop(person_id, None)


def about(person_id: int, now: dt.datetime) -> About:
    """Everything a draft to this one person may use."""
    return Recipients([person_id], now).about(person_id)


def _people(ids: Sequence[int]) -> dict[int, tuple[str, str]]:
    """(name, primary email) by person id."""
    sql = "SELECT id, name, primary_email FROM person WHERE id IN ({ids})"
    return {pid: (name, email) for pid, name, email in rows_in(sql, ids)}


def _addresses(ids: Sequence[int]) -> dict[int, list[tuple[str, str, str | None]]]:
    """(email, display name, bounced_at) of each person's addresses, oldest first."""
    found: dict[int, list[tuple[str, str, str | None]]] = defaultdict(list)
    sql = "SELECT person_id, email, name, bounced_at FROM address WHERE person_id IN ({ids}) ORDER BY id"
    for pid, email, name, bounced_at in rows_in(sql, ids):
        found[pid].append((email, name, bounced_at))
    return found


def _displays(name: str, addresses: list[tuple[str, str, str | None]]) -> list[str]:
    """The person's name and their addresses' display names, once each."""
    names = [name] + [display for _, display, _ in addresses]
    return [n for n in dict.fromkeys(names) if n and n.strip()]


# Each person's latest messages (newest first): a window over their own rows, then the
# bodies of the few wanted. Ties in date go to the later row.
_LATEST = """SELECT latest.person_id, m.body FROM (
  SELECT a.person_id AS person_id, m.id AS id,
         ROW_NUMBER() OVER (PARTITION BY a.person_id ORDER BY m.date DESC, m.id DESC) AS n
  FROM {rows}
) AS latest JOIN message m ON m.id = latest.id WHERE latest.n <= {count} ORDER BY latest.person_id, latest.n"""
_FROM_THEM = "message m JOIN address a ON a.id = m.sender_id WHERE a.person_id IN ({ids}) AND m.automated = FALSE"
_TO_THEM = ("message m JOIN message_address ma ON ma.message_id = m.id JOIN address a ON a.id = ma.address_id"
            " WHERE a.person_id IN ({ids}) AND ma.role IN ('to', 'cc') AND m.outgoing = TRUE GROUP BY a.person_id, m.id, m.date")


def _latest_bodies(ids: Sequence[int], outgoing: bool) -> dict[int, list[str]]:
    """The bodies of each person's latest messages, not automated (with ``outgoing`` also
    those they sent as the user), newest first."""
    found: dict[int, list[str]] = defaultdict(list)
    rows = _FROM_THEM if outgoing else _FROM_THEM + " AND m.outgoing = FALSE"
    sql = _LATEST.format(rows=rows, count=SIGNOFF_MESSAGES)
    for pid, body in rows_in(sql, ids):
        found[pid].append(body or "")
    return found


def _signoff_first_name(signoff: str, displays: list[str]) -> str:
    """The first name in a sign-off, when it is a name: "Bob", "Tom Becker" -> "Tom";
    not "Cobalt Cloud" (a company line) for Hannah Kim."""
    words = signoff.replace(",", " ").split()
    if not 1 <= len(words) <= 3 or not all(_NAME_WORD.match(w) for w in words):
        return ""
    first = words[0].rstrip(".")
    if len(first) < 2 or first.lower() in _NOT_NAMES or not first[:1].isupper() or first.isupper():
        return ""
    if len(words) == 1:
        return first
    known = {w.lower() for d in displays for w in re.findall(r"[^\W\d_]+", d)}
    return first if any(w.lower().rstrip(".") in known for w in words) else ""


def _parsed_first_name(display: str, email: str) -> str:
    """nameparser's first name (or a quoted nickname) from a display name."""
    if not display or "@" in display:
        return ""
    if " " not in display.strip() and "," not in display and display.lower() == email.partition("@")[0].lower():
        return ""  # "kobrien": the mailbox, not a name
    human = HumanName(display)
    quoted = human.nickname if re.search(r"[\"“'‘]" + re.escape(human.nickname or "\0"), display) else ""
    first = (quoted or human.first or "").strip()
    if not first or not _NAME_WORD.match(first) or first.lower() in _NOT_NAMES or len(first.rstrip(".")) < 2:
        return ""
    return first[:1].upper() + first[1:] if first.islower() else first


def _greeting(displays: list[str], bodies: list[str], email: str) -> str:
    """The name they sign with in the first of ``bodies`` that has one, else the first
    name in a display name (nameparser), else ""."""
    for body in bodies:
        name = _signoff_first_name(split_signoff(body)[1], displays)
        if name:
            return name
    for display in displays:
        name = _parsed_first_name(display, email)
        if name:
            return name
    return ""


def greeting_name(person_id: int, email: str = "", outgoing: bool = False) -> str:
    """The name to greet someone by: the name they sign with in their latest mail, else
    the first name in their display name (nameparser), else "".

    With ``outgoing`` the messages read are the ones they *sent as the user* (for the
    user's own sign-off)."""
    name, _ = _people([person_id])[person_id]
    displays = _displays(name, _addresses([person_id])[person_id])
    return _greeting(displays, _latest_bodies([person_id], outgoing)[person_id], email)


def my_name(self_addresses: frozenset[str]) -> str:
    """The user's own first name, as they sign their mail."""
    people = {
        pid for (pid,) in A.select(A.person).where(A.email.in_(sorted(self_addresses))).tuples()
    } if self_addresses else set()
    people |= {pid for (pid,) in P.select(P.id).where(P.is_self == True).tuples()}  # noqa: E712
    for pid in sorted(people):
        name = greeting_name(pid, outgoing=True)
        if name:
            return name
    return ""


def _said(ids: Sequence[int], now: dt.datetime) -> dict[int, list[str]]:
    """What the user wrote to each person in their last two emails (new text only), and
    in the drafts syncd wrote them lately: a detail is not brought up twice."""
    said: dict[int, list[str]] = defaultdict(list)
    for pid, body in rows_in(_LATEST.format(rows=_TO_THEM, count=MENTION_MESSAGES), ids):
        said[pid].append(new_text(body or ""))
    since = now - dt.timedelta(days=DRAFT_MEMORY_DAYS)
    for part in chunks(ids):
        query = D.select(D.person, D.body).where(
            D.person.in_(list(part)) & (D.created >= since) & D.status.in_(["pending", "placed"])).order_by(D.id)
        for pid, body in query.tuples():
            said[pid].append(body)
    return said


def _meeting_places(ids: Sequence[int], now: dt.datetime) -> dict[int, str]:
    """Where and what the user's meetings with each person around now are (lower case)."""
    found: dict[int, list[str]] = defaultdict(list)
    for part in chunks(ids):
        query = (
            E.select(A.person, E.location, E.summary).join(AT).join(A)
            .where(A.person.in_(list(part)) & (E.start >= now - dt.timedelta(days=14))
                   & (E.start <= now + dt.timedelta(days=60)))
            .order_by(E.start, E.id).tuples()
        )
        for pid, location, summary in query:
            found[pid].append(f"{location} {summary}")
    return defaultdict(str, {pid: "\n".join(lines).lower() for pid, lines in found.items()})
