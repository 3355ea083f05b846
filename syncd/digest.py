"""What inference hears of a message, made where its record is made.

A connector that parses in worker processes (Maildir) runs ``digest`` there, beside the
parse (``BaseConnector.digest``): a first sync then reads each body once, in the
workers, and ingest stores the findings in the same transaction as the message. The
listening step (``syncd.listen``) hears whatever arrived without a digest.

A digest records what it assumed of the message (the user wrote it; it is automated):
ingest keeps it only when its own reading of the message agrees (an address merged
into the user's own is known to the store, not to the worker).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from connectors.base import MailRecord
from syncd.identity import is_automated_message, normalize
from syncd.infer.model import Fact, Gist, Loop, MessageView, dump_gist


def thread_key(record: MailRecord) -> str:
    """The conversation a message belongs to: the root of its References chain."""
    if record.references:
        return record.references[0]
    return record.in_reply_to or record.message_id


def record_view(record: MailRecord, self_addresses: frozenset[str], automated: bool | None = None) -> MessageView | None:
    """The MessageView of a message straight from its record (None: it has no date).

    The view ``syncd.listen.views`` builds from stored rows, with the names the message
    itself gives (the store keeps the latest name seen for each address). ``automated``:
    when already known."""
    if record.date is None:
        return None
    sender = normalize(record.sender.email) if record.sender else ""
    everyone = ((record.sender,) if record.sender else ()) + record.to + record.cc
    outgoing = sender in self_addresses or record.folder_role == "sent"
    if automated is None:
        automated = not outgoing and is_automated_message(record)
    return MessageView(
        message_id=record.message_id,
        date=record.date,
        sender=sender,
        text=record.body_text,
        subject=record.subject,
        sender_name=record.sender.name if record.sender else "",
        to=tuple(normalize(a.email) for a in record.to),
        cc=tuple(normalize(a.email) for a in record.cc),
        names=tuple((normalize(a.email), a.name) for a in everyone if a.name),
        outgoing=outgoing,
        automated=automated,
        thread=thread_key(record),
        in_reply_to=record.in_reply_to,
        has_attachments=bool(record.attachments),
    )


class Digest(NamedTuple):
    outgoing: bool  # what the digest assumed
    automated: bool
    counts: tuple[int, int]  # words, questions of the new text
    facts: list[Fact]
    loops: list[Loop]
    gist: str  # what closing loops reads of it as a later message, as stored (``dump_gist``)


def hear_view(view: MessageView, self_addresses: frozenset[str]) -> Digest:
    """Words, facts, open loops and gist of one message."""
    # The rules compile their patterns on import: loaded when there is mail to hear.
    from syncd.infer.hear import hear
    from syncd.infer.loops import gist

    heard = hear([(0, view)], self_addresses)
    if not heard:  # automated: nothing is inferred, and it closes no loop
        return Digest(view.outgoing, view.automated, (0, 0), [], [], dump_gist(Gist()))
    _, counts, facts, loops = heard[0]
    return Digest(view.outgoing, view.automated, counts, facts, loops, dump_gist(gist(view)))


def hear_views(items: Sequence[tuple[int, MessageView]], self_addresses: frozenset[str]) -> list[tuple[int, Digest]]:
    """``hear_view`` for each ``(key, view)`` (what the listening step's workers run)."""
    return [(key, hear_view(view, self_addresses)) for key, view in items]


def digest(record: MailRecord, self_addresses: frozenset[str]) -> Digest | None:
    """What the listening step would hear in this record (None: it has no date)."""
    view = record_view(record, self_addresses)
    return None if view is None else hear_view(view, self_addresses)
