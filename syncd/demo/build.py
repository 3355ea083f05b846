"""Write the demo mailbox (Maildir++) and calendar (.ics) for a given "today".

    paths = build_demo(Path("demo-data"), now)

Everything is relative to ``now`` (timezone-aware): the same ``now`` gives byte-identical
files (file modification times are set to each message's date, too). Rebuilding into a folder
that holds an earlier demo replaces it; any other existing content is left alone and is an error.
"""

from __future__ import annotations

import os
import random
import shutil
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from syncd.demo import dates, story
from syncd.demo.render_auto import automated
from syncd.demo.render_ics import CalendarRenderer
from syncd.demo.render_mail import MailRenderer, Rendered

SEED = 20240326  # one fixed seed: the story's randomness never depends on the clock
MARKER = ".syncd-demo"
_FOLDER_DIRS = {"INBOX": "", "Sent": ".Sent", "Clients": ".Clients", "Archive": ".Archive", "Drafts": ".Drafts"}


@dataclass(frozen=True)
class DemoPaths:
    maildir: Path
    calendar: Path
    user_address: str
    user_name: str


def anchor_dates(now: datetime) -> dict[str, date]:
    """The demo's named dates for this ``now`` (for ``story.EXPECTED`` anchors)."""
    return dates.anchors(now.date())


def expected_date(anchor: str, now: datetime) -> date:
    """The date of an ``Expect.anchor`` such as ``"bday"`` or ``"n+21"``."""
    return dates.resolve(anchor, dates.anchors(now.date()))


def render_mail(now: datetime) -> list[Rendered]:
    """Every message of the demo, threads first, in story order."""
    renderer = MailRenderer(now, random.Random(SEED))
    out: list[Rendered] = []
    for thread in story.THREADS:
        out.extend(renderer.thread(thread))
    out.extend(automated(renderer, a) for a in story.AUTOMATED)
    return out


def _prepare(path: Path) -> None:
    if path.exists():
        if not (path / MARKER).exists():
            raise FileExistsError(f"{path} exists and is not a syncd demo; refusing to overwrite it")
        shutil.rmtree(path)
    path.mkdir(parents=True)
    (path / MARKER).write_text("built by syncd.demo; safe to delete\n")


def _write_maildir(root: Path, messages: list[Rendered], rng: random.Random) -> Counter[str]:
    for sub in _FOLDER_DIRS.values():
        for leaf in ("cur", "new", "tmp"):
            (root / sub / leaf).mkdir(parents=True, exist_ok=True)
        if sub:
            (root / sub / "maildirfolder").touch()
    replied = {m.in_reply_to for m in messages if m.folder == "Sent" and m.in_reply_to}
    counts: Counter[str] = Counter()
    for msg in sorted(messages, key=lambda m: (m.when, m.message_id)):
        stamp = int(msg.when.timestamp())
        size, crlf_size = len(msg.data), len(msg.data) + msg.data.count(b"\n")
        name = f"{stamp}.M{rng.randrange(1_000_000):06d}P{rng.randrange(2000, 60000)}.mx1,S={size},W={crlf_size}"
        if msg.unread:
            path = root / _FOLDER_DIRS[msg.folder] / "new" / name
        else:
            flags = "RS" if msg.message_id in replied and msg.folder != "Sent" else "S"
            path = root / _FOLDER_DIRS[msg.folder] / "cur" / f"{name}:2,{flags}"
        path.write_bytes(msg.data)
        os.utime(path, (stamp, stamp))
        counts[msg.folder] += 1
        counts["automated" if msg.automated else "personal"] += 1
    return counts


def build_demo(root: Path, now: datetime) -> DemoPaths:
    """Write ``root/Maildir`` and ``root/calendar.ics`` for a demo whose today is ``now``."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("build_demo needs a timezone-aware now")
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    maildir, calendar = root / "Maildir", root / "calendar.ics"
    if calendar.exists() and not (maildir / MARKER).exists():
        raise FileExistsError(f"{calendar} exists and is not from a syncd demo; refusing to overwrite it")
    _prepare(maildir)
    _write_maildir(maildir, render_mail(now), random.Random(SEED + 1))
    data, _ = CalendarRenderer(now, random.Random(SEED + 2)).calendar()
    calendar.write_bytes(data)
    stamp = int(now.timestamp())
    os.utime(calendar, (stamp, stamp))
    return DemoPaths(maildir, calendar, story.USER_ADDRESS, story.USER_NAME)
