"""One person's brief: who they are, how you know them, what to remember, what is open,
and what to ask.

Privacy by construction: :func:`brief_person` reads only rows of the one person it is
given (facts, loops, touchpoints and their last few messages, all by person id), so
nothing of person A can end up in the brief of person B. It reads the store and never
the clock (``now`` and ``today`` are parameters).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import peewee as pw

from syncd import knowledge, store
from syncd.infer.health import interactions, rhythm_days
from syncd.infer.model import Touch
from syncd.questions import questions
from syncd.store import instant
from syncd.wording import ago, cap, clean, day, fact_text, first_name, month_day, rhythm, yearly

T, M, A = store.Touchpoint, store.Message, store.Address

MAX_FACTS = 4
MIN_CONFIDENCE = 0.5
MIN_PROJECTED_CONFIDENCE = 0.4
# Public mail providers: an address there says nothing about someone's organisation or colleagues.
FREEMAIL = frozenset(["gmail.com", "googlemail.com", "yahoo.com", "yahoo.co.uk", "ymail.com", "hotmail.com", "hotmail.co.uk", "outlook.com", "live.com", "msn.com", "aol.com", "icloud.com", "me.com", "mac.com", "proton.me", "protonmail.com", "pm.me", "gmx.com", "gmx.de", "gmx.net", "web.de", "fastmail.com", "fastmail.fm", "hey.com", "zoho.com", "mail.com", "yandex.com", "yandex.ru", "qq.com", "163.com", "comcast.net", "verizon.net", "att.net", "sbcglobal.net", "btinternet.com", "orange.fr", "free.fr", "laposte.net", "t-online.de", "libero.it"])
_LABELS = {("mine", "promise"): "You promised", ("theirs", "promise"): "They promised",
           ("mine", "question"): "They asked", ("theirs", "question"): "You asked"}
# How much each kind of fact is worth a line before a meeting (timeliness and confidence scale it).
_WEIGHT = {"life_event": 3.0, "family": 3.0, "travel": 2.5, "preference": 2.0, "birthday": 1.0, "anniversary": 1.0,
           "interest": 1.5, "sports": 1.5, "pet": 1.2, "location": 1.0, "education": 0.8, "work": 0.5}


@dataclass(frozen=True)
class Note:
    """A fact worth remembering, as the briefing shows it."""

    kind: str
    text: str
    said: str  # "said 14 months ago"
    stated_at: str
    date: str | None
    projected: bool
    care: bool  # sensitive: mentioned with care, never asked about
    source: str


@dataclass(frozen=True)
class LoopNote:
    direction: str  # mine / theirs
    kind: str  # promise / question
    label: str  # "You promised", "They asked", ...
    text: str
    stated_at: str
    when: str  # "4 days ago"
    due: str | None
    due_label: str  # "due Thursday", "overdue since Mar 20"
    overdue: bool
    source: str


@dataclass(frozen=True)
class History:
    first_contact: str | None
    received: int
    sent: int
    meetings: int
    rhythm: str  # "every 2 weeks", "" when unknown
    last_contact: str | None
    last_ago: str  # "yesterday"
    last_subject: str
    last_kind: str  # received / sent / meeting


@dataclass(frozen=True)
class Attendee:
    name: str
    email: str
    organisation: str
    role: str
    relation: str  # contact (a full brief), colleague (one line), new (never in touch)
    history: History | None
    facts: tuple[Note, ...] = ()
    loops: tuple[LoopNote, ...] = ()
    questions: tuple[str, ...] = ()
    repeat_of: str = ""  # the earlier meeting today where their full brief is


def own_domains(self_addresses: Iterable[str]) -> frozenset[str]:
    """The user's own organisation's domains (public mail providers are nobody's organisation)."""
    return frozenset(d for a in self_addresses if (d := a.rpartition("@")[2].lower()) and d not in FREEMAIL)


def brief_person(person: store.Person, email: str, *, colleague: bool, today: dt.date, now: dt.datetime,
                 hints: Sequence[str] = (), skip_event: int | None = None) -> Attendee:
    """The brief of one person (``email`` is the address they are invited with)."""
    name = clean(person.name, 80) or clean(email, 80)
    history = _history(person.id, now, skip_event)
    if colleague:
        return Attendee(name=name, email=email, organisation="", role="", relation="colleague", history=history)
    facts = knowledge.facts(person_id=person.id, today=today)
    loops = knowledge.loops(person_id=person.id, now=now)
    work = next((f for f in facts if f["kind"] == "work" and not f["projected"]), None)
    role = cap(clean(work["value"], 100)) if work else ""
    organisation = organisation_of(person.id, email, hints)
    if not organisation and work and " at " in work["value"]:
        organisation = clean(work["value"].split(" at ", 1)[1], 80)
    return Attendee(
        name=name, email=email, organisation=organisation, role=role,
        relation="contact" if history is not None else "new", history=history,
        facts=tuple(pick_facts(facts, today)),
        loops=tuple(loop_note(loop, today) for loop in loops),
        questions=tuple(questions(first_name(person.name, email), facts, loops, today)),
    )


RHYTHM_SAMPLE = 200  # the usual rhythm is read from this many latest touchpoints


def _history(person_id: int, now: dt.datetime, skip_event: int | None) -> History | None:
    """How you know them, from their touchpoints up to ``now``: counts and first contact by
    aggregate, the rhythm and the last contact from the latest few (bounded, indexed)."""
    mine = (T.person == person_id) & (T.at <= now)
    if skip_event is not None:
        mine &= T.event.is_null() | (T.event != skip_event)
    by_kind = list(store.db.execute(T.select(T.kind, pw.fn.COUNT(T.id), pw.fn.MIN(T.at)).where(mine).group_by(T.kind)))
    if not by_kind:
        return None
    counts = {kind: n for kind, n, _ in by_kind}
    first = min(at for _, _, at in by_kind)
    latest = list(store.db.execute(
        T.select(T.at, T.kind, T.subject).where(mine).order_by(T.at.desc()).limit(RHYTHM_SAMPLE)
    ).fetchall())
    ats = [instant(at) for at, _, _ in reversed(latest)]
    usual = rhythm_days(interactions([Touch(at=at, direction="in") for at in ats]))
    last_at, last_kind, last_subject = ats[-1], latest[0][1], latest[0][2]
    first_at = instant(first)
    return History(
        first_contact=first_at.date().isoformat(), received=counts.get("received", 0), sent=counts.get("sent", 0),
        meetings=counts.get("meeting", 0), rhythm=rhythm(usual), last_contact=last_at.isoformat(),
        last_ago=ago(last_at.astimezone(now.tzinfo).date(), now.date()), last_subject=clean(last_subject, 120),
        last_kind=last_kind,
    )


def pick_facts(facts: Sequence[Mapping[str, Any]], today: dt.date) -> list[Note]:
    """The few facts most worth a line: timely, confident, recent; one per subject."""
    scored: list[tuple[float, Mapping[str, Any]]] = []
    for fact in facts:
        kind = str(fact["kind"])
        if kind == "work" and not fact["projected"]:
            continue  # shown as their role
        if kind == "travel" and fact["projected"]:
            continue  # "back from Japan" beside "off to Japan, Apr 11-23" says nothing new
        floor = MIN_PROJECTED_CONFIDENCE if fact["projected"] else MIN_CONFIDENCE
        if float(fact["confidence"]) < floor:
            continue
        weight = _timeliness(fact, today)
        if weight <= 0:
            continue
        years = max(0, (today - dt.date.fromisoformat(str(fact["stated_at"])[:10])).days) / 365.25
        score = _WEIGHT.get(kind, 1.0) * weight * float(fact["confidence"]) / (1.0 + years / 2)
        scored.append((score, fact))
    scored.sort(key=lambda p: -p[0])
    picked: list[Note] = []
    seen: list[frozenset[str]] = []
    for _, fact in scored:
        words = frozenset(re.findall(r"[a-z0-9]+", str(fact["value"]).lower()))
        if any(words <= other or other <= words for other in seen if fact["kind"] not in ("birthday", "anniversary")):
            continue  # "MBA" after "MBA, Wharton"
        seen.append(words)
        picked.append(fact_note(fact, today))
        if len(picked) == MAX_FACTS:
            break
    return picked


def _timeliness(fact: Mapping[str, Any], today: dt.date) -> float:
    """1 for an ordinary fact; more when its date is near; 0 when it is over and done."""
    kind, date = str(fact["kind"]), fact.get("date")
    if kind in ("birthday", "anniversary"):
        nxt = yearly(str(date) if date else None, today)
        if nxt is None:
            return 0.5
        days = (nxt - today).days
        return 3.0 if days <= 14 else (1.0 if days <= 60 else 0.4)
    when = None
    if date and not str(date).startswith("--"):
        try:
            when = dt.date.fromisoformat(str(date))
        except ValueError:
            when = None
    if kind == "travel":
        if when is None:
            return 0.5
        days = (when - today).days
        return 0.0 if days < -30 else (2.0 if days <= 30 else 0.6)
    if fact["projected"]:
        if when is None:
            return 0.5
        days = (when - today).days
        return 0.0 if days < -90 or days > 365 else 1.5
    return 1.0


def fact_note(fact: Mapping[str, Any], today: dt.date) -> Note:
    stated = dt.date.fromisoformat(str(fact["stated_at"])[:10])
    said = f"said {ago(stated, today)}" if not fact["projected"] else f"from what they said {ago(stated, today)}"
    return Note(
        kind=str(fact["kind"]),
        text=fact_text(str(fact["kind"]), str(fact["value"]), fact.get("date"), today,
                       projected=bool(fact["projected"])),
        said=said, stated_at=stated.isoformat(), date=fact.get("date"), projected=bool(fact["projected"]),
        care=bool(fact["sensitive"]), source=str(fact["source"]),
    )


def loop_note(loop: Mapping[str, Any], today: dt.date) -> LoopNote:
    stated = dt.datetime.fromisoformat(str(loop["stated_at"]))
    due = dt.date.fromisoformat(loop["due"]) if loop.get("due") else None
    if due is None:
        due_label = ""
    elif due < today:
        due_label = f"overdue since {day(due)}"
    elif (due - today).days < 7:
        due_label = "due today" if due == today else f"due {'tomorrow' if (due - today).days == 1 else f'{due:%A}'}"
    else:
        due_label = f"due {month_day(due)}"
    return LoopNote(
        direction=str(loop["direction"]), kind=str(loop["kind"]),
        label=_LABELS.get((str(loop["direction"]), str(loop["kind"])), "Open"),
        text=clean(str(loop["text"]), 240), stated_at=stated.isoformat(), when=ago(stated.date(), today),
        due=loop.get("due"), due_label=due_label, overdue=bool(due and due < today), source=str(loop["source"]),
    )


def organisation_of(person_id: int, email: str, hints: Sequence[str] = ()) -> str:
    """Their organisation's name as they write it ("Harborview Capital Partners"), found in the
    meeting's place or title, or in the signature of their last few messages, by matching
    their mail domain ("harborviewcap.com"); else the domain itself."""
    domain = email.rpartition("@")[2].lower()
    if not domain or domain in FREEMAIL:
        return ""
    parts = domain.split(".")
    label = parts[-3] if len(parts) >= 3 and parts[-2] in ("co", "com", "org", "net", "ac", "gov", "edu") else parts[-2] if len(parts) >= 2 else parts[0]
    label = re.sub(r"[^a-z0-9]", "", label)
    found = _org_in(hints, label)
    if found:
        return found
    addresses = A.select(A.id).where(A.person == person_id)
    bodies = M.select(M.body).where(M.sender.in_(addresses) & (M.automated == False)).order_by(M.date.desc()).limit(3)  # noqa: E712
    for (body,) in bodies.tuples():
        found = _org_in(body.splitlines()[-60:], label)
        if found:
            return found
    return domain


_PIECES = re.compile(r"\s*(?:[,|·•–—(){}\[\]:/]|\s-\s)\s*")


def _org_in(lines: Iterable[str], label: str) -> str:
    if len(label) < 3:
        return ""
    for line in lines:
        for piece in _PIECES.split(line.lstrip("> \t")):
            words = piece.split()
            if not 1 <= len(words) <= 6 or not piece[:1].isupper():
                continue
            squashed = re.sub(r"[^a-z0-9]", "", piece.lower())
            if squashed == label or (len(label) >= 5 and squashed.startswith(label) and len(words) > 1):
                return clean(piece, 80)
    return ""

