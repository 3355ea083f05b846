"""What a draft may know about the one person it is written to — loaded by that person's id only.

This module is the privacy boundary of drafts. ``about(person_id, now)`` reads that
person's facts, open loops, the name they sign with and what the user last wrote to
them, each query filtered by the person's id; nothing here lists other people. A draft
to A is written from ``about(A)`` and from its occasion (a meeting title, a thread
subject) alone, so it cannot carry B's personal facts.

``touches(about, today, ...)`` chooses the personal details worth a line: never a
sensitive one, never a projection, the most relevant and recent first, and never one
the user already mentioned to them in their last two emails.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from typing import Any

from nameparser import HumanName

from syncd import knowledge, store
from syncd.infer.text import new_text, split_signoff
from syncd.phrasing import month_phrase

M, MA, A, P = store.Message, store.MessageAddress, store.Address, store.Person

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


def _display_names(person_id: int) -> list[str]:
    person = P.get_by_id(person_id)
    names = [person.name] + [n for (n,) in A.select(A.name).where(A.person == person_id).tuples()]
    return [n for n in dict.fromkeys(names) if n and n.strip()]


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


def greeting_name(person_id: int, email: str = "", outgoing: bool = False) -> str:
    """The name to greet someone by: the name they sign with in their latest mail, else
    the first name in their display name (nameparser), else "".

    With ``outgoing`` the messages read are the ones they *sent as the user* (for the
    user's own sign-off)."""
    addresses = [a for (a,) in A.select(A.id).where(A.person == person_id).tuples()]
    displays = _display_names(person_id)
    if addresses:
        query = (
            M.select(M.body).where(M.sender.in_(addresses) & (M.automated == False))  # noqa: E712
            .order_by(M.date.desc()).limit(SIGNOFF_MESSAGES)
        )
        if not outgoing:
            query = query.where(M.outgoing == False)  # noqa: E712
        for (body,) in query.tuples():
            name = _signoff_first_name(split_signoff(body or "")[1], displays)
            if name:
                return name
    for display in displays:
        name = _parsed_first_name(display, email)
        if name:
            return name
    return ""


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


def _said(person_id: int, now: dt.datetime) -> str:
    """What the user wrote to this person in their last two emails (new text only), and
    in the drafts syncd wrote them lately: a detail is not brought up twice."""
    addresses = [a for (a,) in A.select(A.id).where(A.person == person_id).tuples()]
    said: list[str] = []
    if addresses:
        query = (
            M.select(M.body).join(MA, on=(MA.message == M.id))
            .where(MA.address.in_(addresses) & MA.role.in_(["to", "cc"]) & (M.outgoing == True))  # noqa: E712
            .group_by(M.id, M.body, M.date).order_by(M.date.desc()).limit(MENTION_MESSAGES)
        )
        said += [new_text(body or "") for (body,) in query.tuples()]
    D = store.Draft
    said += [body for (body,) in D.select(D.body).where(
        (D.person == person_id) & (D.created >= now - dt.timedelta(days=DRAFT_MEMORY_DAYS))
        & D.status.in_(["pending", "placed"])).tuples()]
    return "\n".join(said).lower()


def about(person_id: int, now: dt.datetime) -> About:
    """Everything a draft to this one person may use."""
    person = P.get_by_id(person_id)
    facts = knowledge.facts(person_id=person_id, today=now.date())
    keys = dict(store.Fact.select(store.Fact.id, store.Fact.key).where(store.Fact.person == person_id).tuples())
    for fact in facts:
        fact["key"] = keys.get(fact["id"], "") if fact.get("id") is not None else ""
    loops = knowledge.loops(person_id=person_id, now=now)
    return About(
        person_id=person_id, email=person.primary_email, name=greeting_name(person_id, person.primary_email),
        full_name=person.name or "", facts=tuple(facts), loops=tuple(loops), said=_said(person_id, now),
        meeting_places=_meeting_places(person_id, now),
    )


def _meeting_places(person_id: int, now: dt.datetime) -> str:
    """Where and what the user's meetings with this person around now are (lower case)."""
    E, AT = store.Event, store.Attendee
    query = (
        E.select(E.location, E.summary).join(AT).join(A)
        .where((A.person == person_id) & (E.start >= now - dt.timedelta(days=14)) & (E.start <= now + dt.timedelta(days=60)))
        .tuples()
    )
    return "\n".join(f"{loc} {summary}" for loc, summary in query).lower()


# -- choosing personal touches ---------------------------------------------------------

_SPOUSE = {"wife", "husband", "partner", "fiancé", "fiancée", "fiancé(e)", "spouse", "girlfriend", "boyfriend"}
_CHILD = {"daughter", "son", "kid", "kids", "children", "twins", "baby", "stepdaughter", "stepson"}
_NEWS_BASE = {
    "trip": 1.0, "baby": 0.95, "expecting": 0.9, "job": 0.9, "promotion": 0.85, "move": 0.85, "wedding": 0.85,
    "engagement": 0.85, "graduation": 0.8, "retirement": 0.8, "house": 0.8, "role": 0.5,
}
_DURABLE_BASE = {"child": 0.75, "partner": 0.7, "pet": 0.7, "hobby": 0.6, "team": 0.55, "relative": 0.35}
NEWS_DAYS = {"trip": 45, "baby": 365, "expecting": 270, "job": 365, "promotion": 365, "move": 365, "wedding": 365,
             "engagement": 365, "graduation": 365, "retirement": 730, "house": 365, "role": 180}
MIN_SCORE = 0.2
_STOP = frozenset({"new", "next", "week", "month", "year", "the", "and", "for", "with", "from", "his", "her", "their"})
_CITY_TEAMS = re.compile(r"^(?:New York|Los Angeles|San Francisco|San Diego|San Jose|Tampa Bay|Kansas City|St\. Louis|"
                         r"Golden State|New England|New Orleans|Green Bay|Las Vegas|Oklahoma City|Salt Lake|[A-Z][a-z]+)\s+(?=\S)")


def _date(text: str | None) -> dt.date | None:
    if not text or text.startswith("--"):
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return None


def _head(value: str) -> str:
    return value.split(",", 1)[0].strip()


def _shape(fact: dict[str, Any], today: dt.date, person: About) -> dict[str, Any] | None:
    """A fact as a touch the templates can phrase, or None when it makes no good line."""
    kind, value, key = fact["kind"], fact["value"], fact.get("key", "")
    parts = key.split(":")
    head = _head(value)
    if kind == "pet":
        if value.endswith(", died"):
            return None
        species = parts[1] if len(parts) > 1 else ""
        name = head.split(" ", 1)[1] if " " in head and not head.startswith("new ") else ""
        return {"kind": "pet", "name": name, "animal": species or head.split(" ")[-1], "new": head.startswith("new ")}
    if kind == "family":
        if key == "family:baby" or value.startswith("expecting"):
            due = _date(fact.get("date"))
            if due is None or due < today:
                return None  # after the due date nobody should guess how it went
            return {"kind": "expecting", "month": f"{due:%B}"}
        rel = parts[1] if len(parts) > 1 else head.split(" ")[0]
        name = head[len(rel):].strip() if head.lower().startswith(rel) else ""
        if not name:
            return None
        touch = "partner" if rel in _SPOUSE else "child" if rel in _CHILD else "relative"
        return {"kind": touch, "name": name, "relation": rel}
    if kind == "sports":
        return {"kind": "team", "team": _CITY_TEAMS.sub("", value) or value}
    if kind == "interest":
        return {"kind": "hobby", "what": head}
    if kind == "travel":
        start = _date(fact.get("date"))
        if start is None:
            return None
        m = re.search(r"\bto (\d{4}-\d{2}-\d{2})", value)
        end = _date(m.group(1)) if m else start + dt.timedelta(days=3)
        end = max(end or start, start)
        place = head
        if place.lower() in person.meeting_places:
            return None  # travelling to meet the user: not news to them
        if start > today:
            if (start - today).days > NEWS_DAYS["trip"]:
                return None
            return {"kind": "trip", "place": place, "phase": "ahead", "when": month_phrase(start, today)}
        if end >= today:
            return {"kind": "trip", "place": place, "phase": "during", "when": ""}
        if (today - end).days <= 14:
            return {"kind": "trip", "place": place, "phase": "back", "when": ""}
        return None
    if kind == "life_event":
        sub = parts[1] if len(parts) > 1 else ""
        at = value.split(" at ", 1)[1].strip() if " at " in value else ""
        if sub == "job":
            return {"kind": "job", "org": at}
        if sub == "promotion":
            role = value.split(",", 1)[1].strip() if "," in value else ""
            return {"kind": "promotion", "role": role}
        if sub in ("move", "house"):
            place = re.sub(r"^(?:moved to|moved|bought a house in|bought a house)\s*", "", value).strip()
            return {"kind": sub, "place": place} if place or sub == "house" else None
        if sub in ("retirement", "wedding", "engagement", "graduation"):
            return {"kind": sub}
        if sub == "baby":
            name = value.split(",", 1)[1].strip().split(" ", 1) if "," in value else []
            return {"kind": "baby", "name": name[1] if len(name) > 1 else ""}
        return None
    if kind == "work" and key == "work:role":
        return {"kind": "role", "role": value}
    return None


def _words(touch: dict[str, Any]) -> list[str]:
    """The words that would show the user already mentioned this detail."""
    text = " ".join(str(touch.get(k, "")) for k in ("name", "place", "team", "what", "org", "role"))
    words = [w for w in re.findall(r"[^\W\d_]{3,}", text) if w.lower() not in _STOP]
    extra = {"retirement": ["retire"], "wedding": ["wedding", "married"], "engagement": ["engage"],
             "graduation": ["graduat"], "expecting": ["baby"], "baby": ["baby"], "job": ["new job", "new role"],
             "promotion": ["promot"], "move": ["move", "moving"], "house": ["house"]}.get(touch["kind"], [])
    return words + extra


def mentioned(touch: dict[str, Any], said: str) -> bool:
    return any(re.search(r"\b" + re.escape(w.lower()), said) for w in _words(touch))


def _score(touch: dict[str, Any], fact: dict[str, Any], today: dt.date) -> float:
    stated = dt.date.fromisoformat(fact["stated_at"][:10])
    age = max((today - stated).days, 0)
    kind = touch["kind"]
    if kind in _NEWS_BASE:
        event = _date(fact.get("date")) or stated
        if kind != "trip" and kind != "expecting" and (today - event).days > NEWS_DAYS[kind]:
            return 0.0
        base, recency = _NEWS_BASE[kind], 0.5 ** (age / 365)
    else:
        base, recency = _DURABLE_BASE.get(kind, 0.3), 0.5 ** (age / 1095)
    return base * recency * float(fact.get("confidence") or 0.5)


def touches(person: About, today: dt.date, limit: int = 1, min_score: float = MIN_SCORE,
            skip_kinds: frozenset[str] = frozenset()) -> list[dict[str, Any]]:
    """At most ``limit`` personal details for a draft to ``person``, best first.

    Never sensitive, never projected, never one the user mentioned in their last two
    emails to them, one per subject (a new job and the role it brought are one detail).
    """
    found: list[tuple[float, int, dict[str, Any]]] = []
    for index, fact in enumerate(person.facts):
        if fact.get("sensitive") or fact.get("projected") or fact.get("state", "active") != "active":
            continue
        touch = _shape(fact, today, person)
        if touch is None or touch["kind"] in skip_kinds or mentioned(touch, person.said):
            continue
        score = _score(touch, fact, today)
        if score >= min_score and not math.isnan(score):
            touch["score"] = round(score, 3)
            touch["fact"] = fact.get("id")
            found.append((score, index, touch))
    found.sort(key=lambda t: (-t[0], t[1]))
    chosen: list[dict[str, Any]] = []
    for _, _, touch in found:
        if touch["kind"] == "role" and any(t["kind"] in ("job", "promotion") for t in chosen):
            continue
        if any(t["kind"] == touch["kind"] and t["kind"] in ("trip", "team", "hobby") for t in chosen):
            continue
        chosen.append(touch)
        if len(chosen) >= limit:
            break
    return chosen
