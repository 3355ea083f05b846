"""The user's side of drafts: list them, read one, edit one, discard one.

Plain dicts out (ready for ``--json``), so the CLI knows no model. An edit saves the
new text and replaces the provider's copy; a discard removes the provider's copy and
keeps the row (its occasion stays taken, so the draft is never made again).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import TYPE_CHECKING, Any

from syncd import store
from syncd.errors import ConfigError

if TYPE_CHECKING:
    from syncd.config import Config

D = store.Draft
STATUSES = ("pending", "placed", "discarded", "gone")


def as_dict(row: store.Draft) -> dict[str, Any]:
    where = row.account.name if row.account_id is not None else ("outbox" if row.provider_id.startswith("outbox:") else "")
    return {
        "id": row.id, "kind": row.kind, "to": json.loads(row.to), "subject": row.subject, "body": row.body,
        "status": row.status, "occasion": row.occasion, "reason": row.reason,
        "created": row.created.isoformat(), "updated": row.updated.isoformat(),
        "person": row.person.primary_email if row.person_id is not None else None,
        "placed_in": where or None, "provider_id": row.provider_id or None,
        "in_reply_to": row.in_reply_to or None,
    }


def listing(status: str | None = None) -> list[dict[str, Any]]:
    """Drafts, newest first; all of them, or those with one status."""
    query = D.select().order_by(D.created.desc(), D.id.desc())
    if status is not None:
        query = query.where(D.status == status)
    return [as_dict(row) for row in query]


def get(draft_id: int) -> store.Draft:
    row = D.get_or_none(D.id == draft_id)
    if row is None:
        raise ConfigError(f"no draft with id {draft_id} (see `syncd drafts list`)")
    return row


def editable_text(row: store.Draft) -> str:
    return f"Subject: {row.subject}\n\n{row.body}"


def parse_edited(text: str) -> tuple[str, str]:
    """``(subject, body)`` from the edited text: an optional ``Subject:`` line, a blank line, the body."""
    text = text.replace("\r\n", "\n")
    m = re.match(r"\s*Subject:[ \t]*(?P<subject>[^\n]*)\n(?P<body>.*)\Z", text, re.DOTALL)
    if m is None:
        return "", text.strip() + "\n"
    return " ".join(m.group("subject").split()), m.group("body").strip() + "\n"


def edit(draft_id: int, text: str, config: Config, now: dt.datetime) -> store.Draft:
    """Save the edited text and replace the provider's copy with it."""
    from syncd import place

    row = get(draft_id)
    if row.status in ("discarded", "gone"):
        raise ConfigError(f"draft {draft_id} is {row.status}: there is nothing left to edit")
    subject, body = parse_edited(text)
    if not body.strip():
        raise ConfigError("the edited draft has no text; use `syncd drafts discard` to drop it")
    row.subject = subject or row.subject
    row.body = body
    row.status = "pending"  # keeps provider_id: place() removes that copy before it places the new one
    row.updated = now
    row.save()
    place.place(row, config, now)
    return row


def discard(draft_id: int, config: Config, now: dt.datetime) -> store.Draft:
    """Remove the draft from the provider (or the outbox); it is never made again."""
    from syncd import place

    row = get(draft_id)
    if row.status == "discarded":
        return row
    if row.status in ("placed", "pending"):
        place.remove(row, config)
    row.status = "discarded"
    row.updated = now
    row.save()
    return row
