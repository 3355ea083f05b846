"""The shapes the demo story is written in: people, threads of messages, automated mail.

Story modules hold data only; ``build.py`` turns it into files. Dates are never
absolute: a message is placed ``when`` days before the demo's today (or relative to a
named anchor such as ``"bday"``), and its text may name dates with placeholders that
``dates.py`` renders against the message's own date, e.g. ``"my birthday is this
{bday:wmd}"`` or ``"surgery on the {m+9:th}"``.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field

ME = "me"  # the user's key in every ``frm`` / ``to`` / ``cc``


@dataclass(frozen=True)
class Person:
    key: str
    name: str
    email: str
    company: str
    title: str
    city: str
    tz: str | None  # IANA zone for their Date headers; None: the user's own zone
    client: str  # "gmail", "outlook" or "apple": how they quote, sign and build messages
    signature: str
    cadence: str = ""  # "weekly", "monthly", "quarterly", "cold", "new", "colleague", "minor"
    footer: str = ""  # a legal footer some companies append under the signature
    # (until_days_ago, signature, tz): how they signed before a change in their life
    before: tuple[int, str, str | None] | None = None


@dataclass(frozen=True)
class Msg:
    when: int | tuple[str, int]  # days before today, or (anchor name, days after it)
    frm: str
    body: str
    to: tuple[str, ...] | None = None  # None: reply to the previous sender (or the thread's contact)
    cc: tuple[str, ...] | None = None  # None: reply-all keeps the rest of the previous message
    at: str | None = None  # "HH:MM" in the sender's zone; None: a plausible hour
    dow: str | None = None  # pin to this weekday ("Mon".."Sun") of the week ``when`` falls in
    via: str | None = None  # "iphone": sent from a phone (no signature, Apple quoting)
    attach: str | None = None  # key into ATTACHMENTS
    unread: bool = False  # lands in new/ without flags
    fwd: bool = False  # forwards the previous message instead of replying to it
    auto: str | None = None  # "ooo" (an auto-reply) or "bounce" (a delivery report)
    quote: bool = True  # replies quote the previous message


@dataclass(frozen=True)
class Thread:
    key: str
    subject: str
    who: str  # the contact the thread is with (first recipient when the user starts it)
    msgs: tuple[Msg, ...]
    folder: str = "INBOX"  # where incoming messages are filed; the user's own go to Sent


@dataclass(frozen=True)
class Auto:
    """One automated message: newsletter, receipt, notification."""

    when: int | tuple[str, int]
    at: str
    sender: tuple[str, str]  # (display name, address)
    subject: str
    body: str
    kind: str  # "newsletter", "receipt", "notification", "greeting"
    headers: tuple[tuple[str, str], ...] = ()
    html: bool = True
    folder: str = "INBOX"
    unread: bool = False
    dow: str | None = None  # pin to this weekday of the week ``when`` falls in


@dataclass(frozen=True)
class Expect:
    """A fact the demo means to state: ``word`` should appear in the value."""

    kind: str
    person: str
    word: str
    anchor: str | None = None  # the date it is about, resolved by ``build.anchor_dates``
    current: bool = True  # False: replaced by a later fact of the same kind


@dataclass(frozen=True)
class Trap:
    """Something that looks like a fact and is not one (or not about that person)."""

    kind: str
    person: str | None
    word: str
    why: str


@dataclass(frozen=True)
class Meeting:
    """A one-off calendar event. ``day`` is days after today (negative: past)."""

    key: str
    day: int | tuple[str, int]
    at: str  # "HH:MM", the user's zone
    minutes: int
    title: str
    who: tuple[str, ...]  # attendees besides the user
    organizer: str = ME
    location: str = ""
    url: str = ""
    description: str = ""
    status: str = "CONFIRMED"
    partstat: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Series:
    """Past meetings at a rhythm: every ``every`` days from ``start`` to ``end`` days ago."""

    key: str
    who: tuple[str, ...]
    titles: tuple[str, ...]
    start: int
    end: int
    every: int
    at: str
    minutes: int
    location: str = ""
    organizer: str = ME
    dow: str | None = None  # pin each occurrence to this weekday of its week


def m(when: int | tuple[str, int], frm: str, body: str, **kw: object) -> Msg:
    """A message; ``body`` is dedented and stripped so it can be written indented."""
    return Msg(when, frm, textwrap.dedent(body).strip("\n"), **kw)  # type: ignore[arg-type]


def thread(key: str, subject: str, who: str, *msgs: Msg, folder: str = "INBOX") -> Thread:
    return Thread(key, subject, who, tuple(msgs), folder)
