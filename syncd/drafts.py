"""Follow-up drafts: one per occasion, written for one person, left in the user's Drafts.

``generate_due(now, config)`` is the step ``syncd sync`` runs after listening: it marks
drafts the user deleted in their mail client as gone, finds the occasions due at
``now`` (``syncd.occasions``), writes a draft for each, stores it (the occasion key is
unique: a draft is made once per occasion, for ever) and places it
(``syncd.place``). syncd never sends these: there is no path from here to a
connector's ``send``.

Writing: the code decides *what* to say — the greeting name, the meeting's topic, the
promises with their due dates, at most one or two personal details — and the templates
in ``templates/drafts/<kind>.txt.j2`` decide *how*, with several phrasings per part
picked by a hash of the occasion, so two drafts on the same day do not read alike. The
first line of a rendered template is its ``Subject:``.

Privacy: the personal part of a draft comes only from ``syncd.personal.Recipients.about``
for its own recipients (read by their person ids, once for all the drafts due:
``syncd.draftsources``); nothing here reads anyone else's facts.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import json
import logging
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2

from connectors.base import Address
from syncd import bounces, phrasing, store, templatecache
from syncd.bulk import chunks, insert_rows
from syncd.draftsources import Answered, Sources
from syncd.occasions import Occasion, due_occasions, local_zone
from syncd.personal import About, my_name
from syncd.touches import touches

if TYPE_CHECKING:
    from syncd.config import Config

log = logging.getLogger(__name__)

D = store.Draft

KINDS = ("followup", "birthday", "anniversary", "nudge", "reply", "promise")


def template_dirs() -> list[Path]:
    """``syncd/templates`` when installed (package data), else the checkout's ``templates/``."""
    here = Path(__file__).resolve().parent
    return [d for d in (here / "templates", here.parent / "templates") if (d / "drafts").is_dir()][:1]


@functools.cache
def environment(cache: Path | None = None) -> jinja2.Environment:
    """Plain text, strict: a missing value is an error, never an empty hole in a draft.
    With ``cache`` (``templatecache.cache_dir(config.paths)``), compiled templates are
    kept there for the next process (``syncd.templatecache``)."""
    return jinja2.Environment(
        bytecode_cache=templatecache.TemplateCache(cache) if cache is not None else None,
        loader=jinja2.FileSystemLoader([str(d / "drafts") for d in template_dirs()]),
        autoescape=False, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
        keep_trailing_newline=True,
    )


@dataclass(frozen=True)
class Written:
    """A rendered draft, ready to store."""

    kind: str
    to: tuple[Address, ...]
    subject: str
    body: str
    in_reply_to: str = ""
    references: tuple[str, ...] = ()


class Chooser:
    """Deterministic variety: the same occasion always picks the same phrasing."""

    def __init__(self, seed: str) -> None:
        self.seed = seed

    def variant(self, part: str, n: int) -> int:
        digest = hashlib.sha1(f"{self.seed}|{part}".encode()).hexdigest()
        return int(digest[:8], 16) % max(n, 1)

    def pick(self, part: str, options: list[str]) -> str:
        return options[self.variant(part, len(options))]


def _hello(people: list[About]) -> str:
    names = [p.name for p in people]
    if not all(names):
        return "" if len(people) == 1 else "all"
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]


def _to(people: list[About]) -> tuple[Address, ...]:
    return tuple(Address(p.email, p.full_name) for p in people)


def _thread(message: Answered | None) -> tuple[str, str, tuple[str, ...]]:
    """(Re: subject, In-Reply-To, References) for a draft that answers a stored message."""
    if message is None:
        return "", "", ()
    refs = [r for r in message.references.split() if r] or ([message.in_reply_to] if message.in_reply_to else [])
    refs = [r for r in refs if r != message.message_id][-9:] + [message.message_id]
    return phrasing.reply_subject(message.subject), message.message_id, tuple(refs)


# -- what each kind says ----------------------------------------------------------------


def _promise_lines(people: list[About], day: dt.date, words: frozenset[str], group: bool) -> list[dict[str, str]]:
    """The open promises, either way, that a follow-up should recap: due on or after the
    meeting's day (an undated one made before the meeting was most likely about the
    meeting itself: "I'll bring the list", "I'll book the room"), and — in a group —
    about the meeting (a content word shared with its title or agenda)."""
    lines = []
    for person in people:
        for lp in person.loops:
            if lp["kind"] != "promise" or lp["status"] != "open" or not lp["due"]:
                continue
            due_day = dt.date.fromisoformat(lp["due"])
            if due_day < day or (group and not words & phrasing.content_words(lp["text"])):
                continue
            due = phrasing.due_phrase(due_day)
            if lp["direction"] == "mine":
                text = phrasing.my_promise(lp["text"]).rstrip(".")
            else:
                retold = phrasing.their_promise(lp["text"])
                if retold is None:
                    continue
                who = person.name or "you"
                text = f"{who} mentioned {retold}" if group else f"You mentioned {retold}"
            lines.append({"text": text, "due": due, "mine": lp["direction"] == "mine"})
    return lines[:3]


def _followup(occasion: Occasion, people: list[About], src: Sources) -> dict[str, Any] | None:
    assert occasion.event is not None
    event, today = src.events[occasion.event], src.today
    day = event.start.astimezone(src.zone).date()
    names = [p.full_name for p in people] + [p.name for p in people]
    proper = phrasing.proper_words(names, [p.email for p in people])
    topic, meal = phrasing.meeting_topic(event.summary, names, proper)
    words = phrasing.content_words(f"{event.summary}\n{event.description}")
    group = len(people) > 1
    return {
        "summary": phrasing.one_line(phrasing.PAREN.sub("", event.summary)),
        "topic": topic, "meal": meal, "group": group,
        "when": phrasing.day_phrase(day, today), "when_s": phrasing.possessive_day(day, today),
        "promises": _promise_lines(people, day, words, group),
        "next": _next_meeting(people, src, proper),
        "touches": [] if group else touches(people[0], today, limit=1),
    }


def _next_meeting(people: list[About], src: Sources, proper: set[str]) -> dict[str, str] | None:
    """The next meeting with any of them soon (``syncd.draftsources``): "the weekly check-in", "on Tuesday"."""
    event = src.next_meeting([p.person_id for p in people])
    if event is None:
        return None
    names = [p.full_name for p in people] + [p.name for p in people]
    topic, meal = phrasing.meeting_topic(event.summary, names, proper)
    return {"topic": topic or (f"{meal}" if meal else "our next meeting"),
            "when": phrasing.future_phrase(event.start.astimezone(src.zone).date(), src.today)}


def _yearly_fact(occasion: Occasion, src: Sources) -> store.Fact:
    assert occasion.fact is not None
    return src.facts[occasion.fact]


def _milestone(fact: store.Fact, day: dt.date) -> str:
    """"40th" when the fact said so and this is the occurrence it was about."""
    m = re.match(r"(\d{1,3})(?:st|nd|rd|th)\b", fact.value)
    stated = dt.date.fromisoformat(fact.stated_at[:10])
    if m is None or not 0 <= (day - stated).days <= 365:
        return ""
    return phrasing.ordinal(int(m.group(1)))


def _birthday(occasion: Occasion, people: list[About], src: Sources) -> dict[str, Any] | None:
    assert occasion.date is not None
    fact = _yearly_fact(occasion, src)
    return {
        "ordinal": _milestone(fact, occasion.date), "name": people[0].name,
        "touches": touches(people[0], src.today, limit=1, skip_kinds=frozenset({"expecting"})),
    }


def _anniversary(occasion: Occasion, people: list[About], src: Sources) -> dict[str, Any] | None:
    assert occasion.date is not None
    fact, today = _yearly_fact(occasion, src), src.today
    wedding = "wedding" in fact.value.lower() or fact.key.endswith(":wedding")
    partner = next((t["name"] for t in touches(people[0], today, limit=5, min_score=0.0)
                    if t["kind"] == "partner"), "")
    org = fact.value.split(" at ", 1)[1].strip() if " at " in fact.value else ""
    return {
        "wedding": wedding, "ordinal": _milestone(fact, occasion.date), "partner": partner, "org": org,
        "what": fact.value, "touches": touches(people[0], today, limit=1, skip_kinds=frozenset({"partner"})),
    }


def _nudge(occasion: Occasion, people: list[About], src: Sources) -> dict[str, Any] | None:
    person = people[0]
    last_at = src.last_contact.get(person.person_id)
    days = (src.now - last_at).total_seconds() / 86400 if last_at else 365.0
    return {"gap": phrasing.gap_phrase(days), "touches": touches(person, src.today, limit=2)}


def _first_question(text: str) -> str:
    for sentence in re.split(r"(?<=[?.!])\s+", text):
        if sentence.strip().endswith("?"):
            return phrasing.one_line(sentence)
    return phrasing.one_line(text)


def _reply(occasion: Occasion, people: list[About], src: Sources) -> dict[str, Any] | None:
    person = people[0]
    loop = next((lp for lp in person.loops if lp["id"] in occasion.loops), None)
    if loop is None:
        return None
    wanted = phrasing.requested(loop["text"])
    return {
        "thing": wanted[0] if wanted else "", "mentioned": bool(wanted and wanted[1]),
        "question": _first_question(loop["text"]), "days": (src.now - dt.datetime.fromisoformat(loop["stated_at"])).days,
        "touches": touches(person, src.today, limit=1, min_score=0.35),
    }


def _promise(occasion: Occasion, people: list[About], src: Sources) -> dict[str, Any] | None:
    person = people[0]
    loop = next((lp for lp in person.loops if lp["id"] in occasion.loops), None)
    found = phrasing.deliverable(loop["text"]) if loop else None
    if loop is None or found is None:
        return None
    thing, purpose = found
    due = dt.date.fromisoformat(loop["due"]) if loop["due"] else occasion.date
    return {"thing": thing, "purpose": purpose, "late": bool(due and due < src.today), "touches": []}


BUILDERS: dict[str, Callable[[Occasion, list[About], Sources], dict[str, Any] | None]] = {
    "followup": _followup, "birthday": _birthday, "anniversary": _anniversary,
    "nudge": _nudge, "reply": _reply, "promise": _promise,
}


def render(kind: str, context: dict[str, Any], seed: str, templates: jinja2.Environment | None = None) -> tuple[str, str]:
    """``(subject, body)`` from ``templates/drafts/<kind>.txt.j2`` (``templates``: ``environment(...)``)."""
    chooser = Chooser(seed)
    text = (templates or environment()).get_template(f"{kind}.txt.j2").render(
        **context, variant=chooser.variant, pick=chooser.pick,
    )
    lines = [line.rstrip() for line in text.strip().splitlines()]
    subject = ""
    if lines and lines[0].lower().startswith("subject:"):
        subject = phrasing.one_line(lines.pop(0).split(":", 1)[1])
    body = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"
    return subject, body


def write(occasion: Occasion, src: Sources, me: str, templates: jinja2.Environment | None = None) -> Written | None:
    """The draft for one occasion (read into ``src``), from its recipients' own facts and loops only."""
    people = []
    for pid in occasion.people:  # never to an address that bounced (syncd.bounces)
        about = src.recipients.about(pid)
        email = bounces.live_among(src.recipients.addresses(pid), about.email)
        if email is not None:
            people.append(about if email == about.email else dataclasses.replace(about, email=email))
    if not people:
        return None
    context = BUILDERS[occasion.kind](occasion, people, src)
    if context is None:
        return None
    answered = src.answered[occasion.message] if occasion.message is not None else None
    reply_subject, in_reply_to, references = _thread(answered)
    context.update(hello=_hello(people), me=me, reply_subject=reply_subject)
    subject, body = render(occasion.kind, context, occasion.key, templates)
    return Written(occasion.kind, _to(people), subject, body, in_reply_to, references)


_STORED = (D.occasion, D.kind, D.person, D.to, D.subject, D.body, D.reason, D.status, D.in_reply_to, D.references,
           D.message, D.event, D.created, D.updated)


def record(drafts: Sequence[tuple[Occasion, Written]], now: dt.datetime) -> list[store.Draft]:
    """Store the drafts (pending), one statement for all; an occasion that already has a
    draft keeps it (the key is unique: a draft once per occasion, for ever). Returns the
    drafts stored now."""
    rows = [
        (occasion.key, occasion.kind, occasion.people[0], json.dumps([a.email for a in written.to]), written.subject,
         written.body, occasion.reason, "pending", written.in_reply_to, " ".join(written.references), occasion.message,
         occasion.event, now, now)
        for occasion, written in drafts
    ]
    with store.db.atomic():
        insert_rows(D, _STORED, rows, ignore=True)
    stored: list[store.Draft] = []
    for part in chunks([occasion.key for occasion, _ in drafts]):
        stored.extend(D.select().where(D.occasion.in_(list(part)) & (D.created == now)))
    return sorted(stored, key=lambda row: row.id)


def generate_due(now: dt.datetime, config: Config) -> list[store.Draft]:
    """Mark gone drafts, write and store the drafts due at ``now``, place the pending ones.

    Never raises for one bad occasion or an unreachable provider: drafts stay pending
    and the next sync tries again."""
    from syncd import place

    try:
        place.refresh(config, now)
    except Exception:  # a provider check must never stop the sync
        log.exception("checking placed drafts failed")
    zone = local_zone(now, config)
    due = due_occasions(now, config)
    me = my_name(config.self_addresses) if due else ""  # a query over the user's own mail: only when needed
    src = Sources(due, now, zone)
    templates = environment(templatecache.cache_dir(config.paths))
    drafts = []
    for occasion in due:
        try:
            written = write(occasion, src, me, templates)
        except Exception:
            log.exception("could not write the draft for %s", occasion.key)
            continue
        if written is not None:
            drafts.append((occasion, written))
            src.recipients.wrote(occasion.people[0], written.body)  # said, for the next draft to them
    made = record(drafts, now)
    if made:
        log.info("wrote %s drafts: %s", len(made), ", ".join(r.kind for r in made))
    place.place_pending(config, now)
    return made


def preview(now: dt.datetime, config: Config, hours: tuple[int, ...] = tuple(range(2, 49, 2)),
            ) -> Iterator[tuple[dt.datetime, Occasion, Written]]:
    """The drafts the syncs of the next two days would write (looked at every two hours),
    without storing anything: for the demo."""
    zone = local_zone(now, config)
    me = my_name(config.self_addresses)
    templates = environment(templatecache.cache_dir(config.paths))
    seen: set[str] = set()
    for hour in hours:
        at = now + dt.timedelta(hours=hour)
        due = [o for o in due_occasions(at, config) if o.key not in seen]
        seen.update(o.key for o in due)
        src = Sources(due, at, zone)
        for occasion in due:
            written = write(occasion, src, me, templates)
            if written is not None:
                yield at, occasion, written
