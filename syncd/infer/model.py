"""The plain values inference reads and writes.

Inference is pure: ``(messages, now) -> findings``. It never touches the database,
the clock or the network. ``syncd`` builds ``MessageView`` values from stored rows
(or straight from connector records) and stores the findings it gets back.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Gist:
    """What closing an open loop reads of a later message (``syncd.infer.loops.gist``).

    Made once, where the message is first heard, and kept with the stored message: closing
    the loops of a busy correspondence then never strips its mail's quotes again."""

    topics: frozenset[str] = frozenset()  # content words of the subject and new text
    delivers: bool = False  # an attachment, or delivery words ("attached", "here is")
    introduces: bool = False  # introduction words ("meet", "introducing")


def dump_gist(gist: Gist) -> str:
    """The stored form: two flags, then the topics (never "": that means not known)."""
    return ("d" if gist.delivers else "-") + ("i" if gist.introduces else "-") + " ".join(sorted(gist.topics))


def load_gist(text: str) -> Gist | None:
    if not text:
        return None
    return Gist(topics=frozenset(text[2:].split()), delivers=text[0] == "d", introduces=text[1] == "i")


@dataclass(frozen=True, slots=True)
class MessageView:
    """What inference may know of one message.

    ``text`` is the whole body as text; inference strips quotes, forwards and
    signatures itself (``syncd.infer.text.new_text``). Addresses are lower case.
    ``outgoing`` is True when the user wrote it. ``automated`` is True for
    newsletters, receipts, notifications and bounces: nothing is inferred from those.
    """

    message_id: str
    date: dt.datetime  # timezone-aware
    sender: str
    text: str
    subject: str = ""
    sender_name: str = ""
    to: tuple[str, ...] = ()
    cc: tuple[str, ...] = ()
    names: tuple[tuple[str, str], ...] = ()  # (email, display name) for everyone on it
    outgoing: bool = False
    automated: bool = False
    thread: str = ""  # a thread key: the root Message-ID of the conversation
    in_reply_to: str = ""
    has_attachments: bool = False
    # When known: a Gist, or its stored form (read when needed: most mail closes nothing);
    # else made from ``text`` when needed.
    gist: Gist | str | None = None

    @property
    def recipients(self) -> tuple[str, ...]:
        return self.to + self.cc


@dataclass(frozen=True, slots=True)
class Fact:
    """Something a person told us about their life (see shared FACTS.md for kinds).

    ``key`` names the subject within the kind so a newer fact can supersede an older
    one about the same thing ("location:home", "family:daughter:emma", "work:role").
    ``date`` is ISO ``YYYY-MM-DD``, or ``--MM-DD`` for a yearly date with no year.
    """

    person: str
    kind: str
    value: str
    key: str
    source: str  # Message-ID (or event UID)
    stated_at: dt.date
    sentence: str
    confidence: float
    date: str | None = None
    sensitive: bool = False
    projected: bool = False
    basis: str = ""  # for a projection: what it is based on


@dataclass(frozen=True, slots=True)
class Loop:
    """An open loop: a promise or an unanswered question.

    ``direction`` is "mine" (the user promised or owes an answer) or "theirs" (they
    promised the user). ``kind`` is "promise" or "question".
    """

    person: str
    direction: str
    kind: str
    text: str
    source: str
    stated_at: dt.datetime
    thread: str = ""
    due: dt.date | None = None
    closed_by: str = ""  # the Message-ID that delivered or answered it


@dataclass(frozen=True, slots=True)
class Touch:
    """One touchpoint as health sees it."""

    at: dt.datetime
    direction: str  # "in" (they wrote), "out" (the user wrote), "meeting"
    words: int = 0
    questions: int = 0
    reply_to_at: dt.datetime | None = None  # when the message this one answers was sent


@dataclass(frozen=True, slots=True)
class Health:
    person: str
    last_contact: dt.datetime | None
    touchpoints: int
    rhythm_days: float | None  # the person's usual gap between touchpoints
    days_since: float | None
    overdue: float  # days_since / rhythm; > 1 means later than usual
    reciprocity: float  # share of words that are theirs (0..1); 0.5 is balanced
    their_questions: int
    my_questions: int
    my_reply_hours: float | None  # median time the user takes to answer them
    cold_score: float = 0.0
    reason: str = ""
    extra: dict[str, float] = field(default_factory=dict)
