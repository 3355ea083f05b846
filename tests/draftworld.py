"""A small world for draft tests: a Maildir, an .ics calendar and a syncd home, built
from plain descriptions, synced through the real CLI at a pinned clock."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

import tomlkit
from click.testing import CliRunner

from syncd import store
from tests import mailfactory as mf
from tests.conftest import run

UTC = dt.UTC
ME = "alex@me.example"
ME_FULL = f"Alex Morgan <{ME}>"


@dataclass
class Meeting:
    uid: str
    summary: str
    start: dt.datetime
    minutes: int
    attendees: tuple[str, ...]  # "Name <email>"
    status: str = "CONFIRMED"
    rrule: str = ""


@dataclass
class World:
    root: Path
    home: Path
    cli: CliRunner
    meetings: list[Meeting] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.mail = mf.maildir(self.root / "Mail", "Sent", "Drafts")
        self.calendar = self.root / "calendar.ics"

    # -- mail ------------------------------------------------------------------

    def received(self, sender: str, subject: str, body: str, date: dt.datetime, message_id: str,
                 in_reply_to: str = "", to: str = ME_FULL) -> None:
        mf.deliver(self.mail, mf.message(sender, to, subject, body, date=date, message_id=message_id,
                                         in_reply_to=in_reply_to))

    def sent(self, to: str | list[str], subject: str, body: str, date: dt.datetime, message_id: str,
             in_reply_to: str = "") -> None:
        mf.deliver(self.mail, mf.message(ME_FULL, to, subject, body, date=date, message_id=message_id,
                                         in_reply_to=in_reply_to), folder="Sent")

    # -- calendar --------------------------------------------------------------

    def meeting(self, meeting: Meeting) -> None:
        self.meetings.append(meeting)
        self._write_calendar()

    def _write_calendar(self) -> None:
        lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//syncd tests//EN"]
        for m in self.meetings:
            end = m.start + dt.timedelta(minutes=m.minutes)
            lines += [
                "BEGIN:VEVENT", f"UID:{m.uid}", "DTSTAMP:20240101T000000Z",
                f"DTSTART:{m.start:%Y%m%dT%H%M%SZ}", f"DTEND:{end:%Y%m%dT%H%M%SZ}",
                f"SUMMARY:{m.summary}", f"STATUS:{m.status}", f"ORGANIZER;CN=Alex Morgan:mailto:{ME}",
            ]
            if m.rrule:
                lines.append(f"RRULE:{m.rrule}")
            for who in (ME_FULL, *m.attendees):
                name, _, email = who.partition(" <")
                lines.append(f"ATTENDEE;CN={name};PARTSTAT=ACCEPTED:mailto:{email.rstrip('>')}")
            lines.append("END:VEVENT")
        lines.append("END:VCALENDAR")
        self.calendar.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")

    # -- syncd -----------------------------------------------------------------

    def setup(self, **settings: object) -> None:
        """Add the accounts (mail, and calendar when there are meetings) and settings."""
        if not self.calendar.exists():
            self._write_calendar()
        run(self.cli, "account", "add", "maildir", "mail", "--path", str(self.mail), "--address", ME)
        run(self.cli, "account", "add", "ics", "calendar", "--path", str(self.calendar))
        config = self.home / "config.toml"
        doc = tomlkit.parse(config.read_text(encoding="utf-8"))
        doc["syncd"]["timezone"] = "UTC"  # type: ignore[index]
        for key, value in settings.items():
            doc["syncd"][key] = value  # type: ignore[index]
        config.write_text(tomlkit.dumps(doc), encoding="utf-8")

    def sync(self, now: dt.datetime, monkeypatch: object) -> None:
        monkeypatch.setenv("SYNCD_NOW", now.isoformat())  # type: ignore[attr-defined]
        run(self.cli, "sync")
        store.close_db()  # as a new process would: every sync starts from the files

    def drafts(self, *args: str) -> list[dict[str, object]]:
        rows = json.loads(run(self.cli, "drafts", "list", "--json", *args).output)
        store.close_db()
        return rows

    def draft_files(self) -> list[Path]:
        folder = self.mail / ".Drafts"
        return sorted(p for sub in ("cur", "new") for p in (folder / sub).iterdir())


def day(year: int, month: int, dom: int, hour: int = 9, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, dom, hour, minute, tzinfo=UTC)
