"""Relationship health: how a relationship is doing, from its touchpoints.

Pure functions, no clock: ``now`` is always a parameter.

* ``touches_from(messages, person, self_addresses)`` turns mail into ``Touch`` values
  for one person (``touches_by_person`` does every correspondent in one pass). A
  meeting is simply ``Touch(at=start, direction="meeting")``.
* ``health(person, touches, now)`` measures one relationship:

  - **interactions**: touches less than a day after the first touch of an interaction
    belong to it, so a burst of ten mails in an afternoon is one conversation;
  - **rhythm**: the median gap, in days, between interactions. The median keeps one
    long holiday or one busy week from moving it. At least ``MIN_INTERACTIONS`` (3)
    interactions are needed, otherwise there is no rhythm (None);
  - **overdue**: days since the last contact divided by the rhythm (> 1 is later than
    usual);
  - **reciprocity**: the share of the words that are theirs ("listen more than you
    tell": 0.5 is balanced, low means the user does the talking), and who asks the
    questions;
  - **my_reply_hours**: the median time the user takes to answer them;
  - **cold_score** and a human ``reason``.

* ``going_cold(healths, now, limit)`` ranks the relationships that need a nudge.

The cold score respects each person's own rhythm: a quarterly contact four months on
(overdue ~1.3) scores low, a weekly one three weeks on (overdue 3) scores high. It is

    score = urgency(overdue) * depth(two_way) * decay(days_since)

``urgency`` is 0 up to the usual gap, grows as log2(overdue) up to ``PEAK_OVERDUE``
and then falls slowly (a relationship ten times its rhythm late is less a nudge than a
memory); ``depth`` grows with the number of two-way interactions (both of you wrote,
or you met); ``decay`` halves the score for every year of silence beyond the first,
so someone silent for five years after three mails is gone, not going cold.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from statistics import median

from .model import Health, MessageView, Touch
from .text import new_text, sentences

BURST = dt.timedelta(days=1)  # touches closer than this to an interaction's start join it
MIN_INTERACTIONS = 3  # interactions needed before a rhythm means anything
PEAK_OVERDUE = 4.0  # overdue ratio where urgency is highest
DEPTH_SCALE = 4.0  # two-way interactions at which depth reaches ~63%
DEPTH_FLOOR = 0.15  # depth of a one-way relationship (never zero: they may matter)
DECAY_AFTER_DAYS = 365.0  # silence after which the score halves every further year
RECENT_DAYS = 7.0  # going_cold ignores anyone contacted more recently than this
BROADCAST = 10  # mail to more people than this is an announcement, not a touch

_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
_DAY = 86400.0


# -- touches ---------------------------------------------------------------------


def _words_and_questions(text: str) -> tuple[int, int]:
    body = new_text(text)
    words = len(_WORD.findall(body))
    questions = sum(1 for s in sentences(body) if s.rstrip().endswith("?"))
    return words, questions


def touches_from(
    messages: Iterable[MessageView],
    person: Collection[str],
    self_addresses: Collection[str],
) -> list[Touch]:
    """The touchpoints between the user and one person, oldest first.

    ``person`` is the person's addresses (lower case). A message from them is an "in"
    touch; a message from the user with them among the recipients is an "out" touch.
    Automated mail and mail to more than ``BROADCAST`` people are never touches.
    ``reply_to_at`` is set when the message answers
    (In-Reply-To) one of the given messages that came from the other side.
    """
    key = "person"
    addresses = {a.lower(): key for a in person}
    return touches_by_person(messages, self_addresses, addresses).get(key, [])


def touches_by_person(
    messages: Iterable[MessageView],
    self_addresses: Collection[str],
    people: Mapping[str, str] | None = None,
) -> dict[str, list[Touch]]:
    """Every correspondent's touchpoints in one pass: ``{person key: touches}``.

    ``people`` maps an address to a person key (from ``syncd.identity``); addresses it
    does not list are skipped. Without it every address is its own person.
    """
    msgs = sorted(
        (m for m in messages if not m.automated and len(m.recipients) <= BROADCAST), key=lambda m: m.date
    )
    by_id = {m.message_id: m for m in msgs}
    mine = frozenset(a.lower() for a in self_addresses)
    out: dict[str, list[Touch]] = {}

    def person_of(address: str) -> str | None:
        if address in mine:
            return None
        if people is None:
            return address
        return people.get(address)

    for m in msgs:
        sent_by_me = m.outgoing or m.sender in mine
        if sent_by_me:
            targets = {p for a in m.recipients if (p := person_of(a)) is not None}
        else:
            p = person_of(m.sender)
            targets = {p} if p is not None else set()
        if not targets:
            continue
        words, questions = _words_and_questions(m.text)
        parent = by_id.get(m.in_reply_to) if m.in_reply_to else None
        for p in targets:
            reply_to_at = None
            if parent is not None and parent.date <= m.date:
                parent_mine = parent.outgoing or parent.sender in mine
                if sent_by_me and not parent_mine and person_of(parent.sender) == p or not sent_by_me and parent_mine:
                    reply_to_at = parent.date
            out.setdefault(p, []).append(
                Touch(
                    at=m.date,
                    direction="out" if sent_by_me else "in",
                    words=words,
                    questions=questions,
                    reply_to_at=reply_to_at,
                )
            )
    return out


# -- one relationship -----------------------------------------------------------------


def interactions(touches: Sequence[Touch]) -> list[list[Touch]]:
    """Group touches (any order) into interactions: a burst within a day is one."""
    groups: list[list[Touch]] = []
    for t in sorted(touches, key=lambda t: t.at):
        if groups and t.at - groups[-1][0].at < BURST:
            groups[-1].append(t)
        else:
            groups.append([t])
    return groups


def rhythm_days(groups: Sequence[Sequence[Touch]]) -> float | None:
    """Median gap in days between interaction starts; None below MIN_INTERACTIONS."""
    if len(groups) < MIN_INTERACTIONS:
        return None
    gaps = [
        (b[0].at - a[0].at).total_seconds() / _DAY for a, b in zip(groups, groups[1:])
    ]
    return float(median(gaps))


def two_way(groups: Sequence[Sequence[Touch]]) -> int:
    """How many exchanges went both ways: meetings, plus matched in/out interactions.
    (One pass over each interaction's directions: ranking who goes cold asks this of
    hundreds of people.)"""
    meetings = ins = outs = 0
    for group in groups:
        directions = {t.direction for t in group}
        if "meeting" in directions:
            meetings += 1
        else:
            ins += "in" in directions
            outs += "out" in directions
    return meetings + min(ins, outs)


def urgency(overdue: float) -> float:
    """0 up to the usual gap, log2 up to the peak, then a slow fall."""
    if overdue <= 1.0:
        return 0.0
    if overdue <= PEAK_OVERDUE:
        return math.log2(overdue)
    return math.log2(PEAK_OVERDUE) * math.sqrt(PEAK_OVERDUE / overdue)


def depth(exchanges: int) -> float:
    """Weight of a relationship by its two-way exchanges, in [DEPTH_FLOOR, 1)."""
    return DEPTH_FLOOR + (1.0 - DEPTH_FLOOR) * (1.0 - math.exp(-exchanges / DEPTH_SCALE))


def decay(days_since: float) -> float:
    """1 for the first year of silence, then halving every further year."""
    return math.pow(0.5, max(0.0, days_since - DECAY_AFTER_DAYS) / 365.0)


def _span(days: float, *, every: bool = False) -> str:
    if days < 1.5 and every:
        return "day"
    if days < 1.5:
        return "1 day"
    if days < 21 or (not every and days < 60):
        n = round(days)
        return f"{n} days"
    if days < 90:
        n = round(days / 7)
        return f"{n} weeks"
    if days < 730:
        n = round(days / 30.44)
        return f"{n} months"
    n = round(days / 365.25)
    return f"{n} years"


def health(person: str, touches: Sequence[Touch], now: dt.datetime) -> Health:
    """How the relationship with ``person`` stands at ``now``.

    Touches after ``now`` (a meeting still to come) are ignored.
    """
    past = [t for t in touches if t.at <= now]
    groups = interactions(past)
    last = groups[-1][-1].at if groups else None
    rhythm = rhythm_days(groups)
    since = (now - last).total_seconds() / _DAY if last is not None else None
    overdue = since / rhythm if since is not None and rhythm else 0.0

    their_words = sum(t.words for t in past if t.direction == "in")
    my_words = sum(t.words for t in past if t.direction == "out")
    total = their_words + my_words
    reciprocity = their_words / total if total else 0.5
    their_q = sum(t.questions for t in past if t.direction == "in")
    my_q = sum(t.questions for t in past if t.direction == "out")
    waits = [
        (t.at - t.reply_to_at).total_seconds() / 3600.0
        for t in past
        if t.direction == "out" and t.reply_to_at is not None and t.reply_to_at <= t.at
    ]
    reply_hours = float(median(waits)) if waits else None

    exchanges = two_way(groups)
    u = urgency(overdue)
    d = depth(exchanges)
    k = decay(since) if since is not None else 1.0
    score = u * d * k if rhythm is not None else 0.0

    reason = ""
    if since is not None:
        ago = "today" if since < 1 else f"{_span(since)} since you last spoke"
        if rhythm is not None:
            reason = f"usually every {_span(rhythm, every=True)}; {ago}"
        else:
            reason = f"{ago}; too few conversations to know your rhythm"
        if total >= 200 and reciprocity < 0.3:
            reason += "; you do most of the talking"
    return Health(
        person=person,
        last_contact=last,
        touchpoints=len(past),
        rhythm_days=rhythm,
        days_since=since,
        overdue=overdue,
        reciprocity=reciprocity,
        their_questions=their_q,
        my_questions=my_q,
        my_reply_hours=reply_hours,
        cold_score=score,
        reason=reason,
        extra={
            "interactions": float(len(groups)),
            "two_way": float(exchanges),
            "urgency": u,
            "depth": d,
            "decay": k,
        },
    )


# -- ranking ---------------------------------------------------------------------


def going_cold(
    healths: Iterable[Health],
    now: dt.datetime,
    limit: int = 10,
    *,
    recent_days: float = RECENT_DAYS,
    min_interactions: int = MIN_INTERACTIONS,
) -> list[Health]:
    """The relationships most in need of a nudge, highest ``cold_score`` first.

    Skipped: no rhythm, fewer than ``min_interactions`` interactions, contact within
    ``recent_days`` of ``now`` (judged on ``last_contact``, so healths computed a little
    earlier are still filtered right), and a score of zero (not late yet).
    """
    picked: list[Health] = []
    for h in healths:
        if h.rhythm_days is None or h.last_contact is None or h.cold_score <= 0.0:
            continue
        if h.extra.get("interactions", float(h.touchpoints)) < min_interactions:
            continue
        if (now - h.last_contact).total_seconds() / _DAY < recent_days:
            continue
        picked.append(h)
    picked.sort(key=lambda h: (-h.cold_score, h.person))
    return picked[: max(0, limit)]
