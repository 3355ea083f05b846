"""Builds small RFC 5322 messages and delivers them into Maildir folders for tests."""

from __future__ import annotations

import datetime as dt
import itertools
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

_counter = itertools.count(1)


def message(
    sender: str, to: str | list[str], subject: str = "hello", body: str = "Hi there.",
    date: dt.datetime | None = None, message_id: str | None = None, in_reply_to: str = "",
    cc: list[str] | None = None, headers: dict[str, str] | None = None,
) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = ", ".join(to) if isinstance(to, list) else to
    if cc:
        msg["Cc"] = ", ".join(cc)
    msg["Subject"] = subject
    msg["Date"] = format_datetime(date or dt.datetime(2024, 5, 6, 9, 30, tzinfo=dt.UTC))
    msg["Message-ID"] = message_id or f"<test-{next(_counter)}@example.test>"
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
        msg["References"] = in_reply_to
    for key, value in (headers or {}).items():
        msg[key] = value
    msg.set_content(body)
    return bytes(msg)


def maildir(root: Path, *folders: str) -> Path:
    for folder in ("", *folders):
        base = root / (f".{folder}" if folder else "")
        for sub in ("cur", "new", "tmp"):
            (base / sub).mkdir(parents=True, exist_ok=True)
    return root


def deliver(root: Path, raw: bytes, folder: str = "", flags: str = "S", key: str | None = None) -> Path:
    """Put a message in a folder's cur/ (or new/ when flags is None-like '')."""
    key = key or f"{1700000000 + next(_counter)}.M{next(_counter)}P1.test"
    base = root / (f".{folder}" if folder else "")
    maildir(root, folder) if folder else maildir(root)
    path = base / "cur" / f"{key}:2,{flags}" if flags else base / "new" / key
    path.write_bytes(raw)
    return path
