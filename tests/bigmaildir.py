"""A seeded Maildir of a few thousand small messages, written in well under a second.

Enough to keep a sync busy for seconds (so a signal lands mid-sync), with a little for
listening to do (a promise or a personal fact now and then, replies, the user's own
mail in ``.Sent``) but not so much that deriving dominates the test's time.
"""

from __future__ import annotations

import datetime as dt
import random
from email.utils import format_datetime
from pathlib import Path

ME = "me@home.example"
PLAIN = ("Thanks, see you soon.", "Sounds good to me.", "Noted, talk later.", "Here are the numbers.")
RICH = ("I'll send you the deck by Friday.", "My daughter Emma just started college.",
        "Can you review the contract before Tuesday?", "We just moved to Denver last month.")


def make(root: Path, count: int, seed: int = 7) -> Path:
    rng = random.Random(seed)
    for folder in (root, root / ".Sent"):
        for sub in ("cur", "new", "tmp"):
            (folder / sub).mkdir(parents=True, exist_ok=True)
    people = [f"person{i}@corp{i % 7}.example" for i in range(60)]
    start = dt.datetime(2024, 1, 1, 8, 0, tzinfo=dt.UTC)
    for n in range(count):
        other = rng.choice(people)
        outgoing = rng.random() < 0.3
        body = rng.choice(RICH) if rng.random() < 0.05 else rng.choice(PLAIN)
        sender, to = (ME, other) if outgoing else (f"Person {other[6:8]} <{other}>", ME)
        raw = (
            f"From: {sender}\r\nTo: {to}\r\nSubject: note {n}\r\n"
            f"Date: {format_datetime(start + dt.timedelta(hours=3 * n))}\r\n"
            f"Message-ID: <big-{seed}-{n}@home.example>\r\nMIME-Version: 1.0\r\n"
            f"Content-Type: text/plain; charset=utf-8\r\n\r\nHi,\r\n\r\n{body}\r\n\r\nBest,\r\n"
        ).encode()
        folder = root / ".Sent" if outgoing else root
        (folder / "cur" / f"{1700000000 + n}.M{n}P{seed}.big:2,S").write_bytes(raw)
    return root
