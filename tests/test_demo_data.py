"""The bundled demo mailbox and calendar: reproducible, relative to "now", and well-formed."""

from __future__ import annotations

import email
import mailbox
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from email import policy
from email.utils import parseaddr, parsedate_to_datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest

from syncd.demo import EXPECTED, build_demo, expected_date
from syncd.demo.dates import DAYS, MONTHS
from syncd.demo.story import BY_KEY, USER_ADDRESS

NOW = datetime(2026, 3, 24, 7, 0, tzinfo=ZoneInfo("America/New_York"))
AUTOMATED_SENDER = re.compile(r"^(no-?reply|notifications|receipts|newsletter|events|comments-noreply|mailer-daemon)@",
                              re.IGNORECASE)


# -- helpers ---------------------------------------------------------------------------------

def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@dataclass
class Mail:
    folder: str
    msg: email.message.EmailMessage
    sender: str
    recipients: set[str]
    sent_at: datetime
    plain: str
    new_text: str  # what the sender wrote: before any quote or signature
    automated: bool


def _messages(maildir: Path) -> list[Mail]:
    """Every message in INBOX and every sub-folder, read with ``mailbox`` and parsed."""
    md = mailbox.Maildir(maildir, factory=None, create=False)
    boxes = [("INBOX", md)] + [(name, md.get_folder(name)) for name in md.list_folders()]
    out = []
    for name, box in boxes:
        for key in box.iterkeys():
            msg = email.message_from_bytes(box.get_bytes(key), policy=policy.default)
            body = msg.get_body(("plain",))
            plain = body.get_content() if body is not None else ""
            out.append(Mail(name, msg, _sender(msg), _recipients(msg), parsedate_to_datetime(str(msg["Date"])),
                            plain, _new_text(plain), _is_automated(msg)))
    return out


def _new_text(plain: str) -> str:
    lines = []
    for line in plain.splitlines():
        if (line.startswith((">", "-----Original Message-----", "---------- Forwarded message"))
                or line in ("-- ", "Sent from my iPhone") or line.endswith("wrote:")):
            break
        lines.append(line)
    return " ".join(lines)


def _sender(msg: email.message.EmailMessage) -> str:
    return parseaddr(str(msg["From"]))[1].lower()


def _recipients(msg: email.message.EmailMessage) -> set[str]:
    values = [str(v) for v in (msg.get_all("To") or []) + (msg.get_all("Cc") or [])]
    return {addr.lower() for _, addr in email.utils.getaddresses(values)}


def _is_automated(msg: email.message.EmailMessage) -> bool:
    return bool(msg["List-Id"] or msg["Auto-Submitted"] or AUTOMATED_SENDER.match(_sender(msg)))


def _events(calendar: Path) -> list[Any]:
    cal = icalendar.Calendar.from_ical(calendar.read_bytes())
    return list(cal.walk("VEVENT"))


def _start(ev: Any, tz: Any) -> datetime:
    return ev.decoded("dtstart").astimezone(tz)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory):
    paths = build_demo(tmp_path_factory.mktemp("demo"), NOW)
    return paths, _messages(paths.maildir)


# -- reproducible and relative to now ------------------------------------------------------

def test_same_now_gives_byte_identical_files(tmp_path: Path) -> None:
    first = build_demo(tmp_path / "a", NOW)
    second = build_demo(tmp_path / "b", NOW)
    a, b = _files(tmp_path / "a"), _files(tmp_path / "b")
    assert len(a) > 150 and a == b
    assert first.maildir.name == second.maildir.name == "Maildir"
    # rebuilding over an earlier demo replaces it with the same bytes
    build_demo(tmp_path / "a", NOW)
    assert _files(tmp_path / "a") == a


def test_refuses_to_overwrite_a_maildir_that_is_not_a_demo(tmp_path: Path) -> None:
    (tmp_path / "Maildir" / "cur").mkdir(parents=True)
    (tmp_path / "Maildir" / "cur" / "precious:2,S").write_text("From: me\n\nkeep me\n")
    with pytest.raises(FileExistsError):
        build_demo(tmp_path, NOW)
    assert (tmp_path / "Maildir" / "cur" / "precious:2,S").exists()


def test_a_different_now_moves_every_date(tmp_path: Path) -> None:
    later = datetime(2026, 8, 9, 14, 30, tzinfo=timezone(timedelta(hours=2)))
    paths = build_demo(tmp_path, later)
    today = [ev for ev in _events(paths.calendar) if _start(ev, later.tzinfo).date() == later.date()]
    assert len(today) >= 3
    dates = sorted(m.sent_at for m in _messages(paths.maildir))
    assert dates[-1] < later and later - dates[-1] < timedelta(days=2)
    assert timedelta(days=700) < later - dates[0] < timedelta(days=760)


# -- the mailbox -----------------------------------------------------------------------------

def test_maildir_is_readable_and_every_message_parses(demo) -> None:
    paths, mails = demo
    assert len(mails) >= 150
    assert {"INBOX", "Sent", "Clients", "Archive"} <= {m.folder for m in mails}
    for mail in mails:
        for part in mail.msg.walk():
            assert not part.defects, (mail.msg["Subject"], part.defects)
        for header in ("From", "To", "Date", "Subject", "Message-ID"):
            assert mail.msg[header], (header, mail.msg["Subject"])
    assert list((paths.maildir / "new").iterdir()), "some INBOX mail is unread"
    assert all(p.name.endswith((":2,S", ":2,RS")) for p in (paths.maildir / "cur").iterdir())
    assert all(p.name.endswith(":2,S") for p in (paths.maildir / ".Sent" / "cur").iterdir())
    message_ids = [str(m.msg["Message-ID"]) for m in mails]
    assert len(set(message_ids)) == len(message_ids)


def test_replies_thread_to_messages_in_the_set_and_quote_them(demo) -> None:
    _, mails = demo
    by_id = {str(m.msg["Message-ID"]): m for m in mails}
    replies = [m for m in mails if m.msg["In-Reply-To"]]
    assert len(replies) >= 60
    for reply in replies:
        parent = str(reply.msg["In-Reply-To"])
        assert parent in by_id and parent in str(reply.msg["References"]).split()
        assert by_id[parent].sent_at < reply.sent_at
    bodies = [m.plain for m in replies]
    assert any(re.search(r"^On \w{3}, \w{3} \d+, \d{4} at .+ wrote:$", b, re.MULTILINE) for b in bodies)
    assert any("-----Original Message-----" in b for b in bodies)
    assert any("---------- Forwarded message" in b for b in bodies)
    assert sum(1 for b in bodies if "\n> " in b) >= 40


def test_sent_mail_is_from_the_user_and_nothing_else_is(demo) -> None:
    paths, mails = demo
    assert paths.user_address == USER_ADDRESS and paths.user_name == "Alex Morgan"
    sent = [m for m in mails if m.folder == "Sent"]
    assert len(sent) >= 50
    assert all(m.sender == USER_ADDRESS for m in sent)
    assert all(m.sender != USER_ADDRESS for m in mails if m.folder != "Sent")


def test_automated_mail_is_about_a_quarter(demo) -> None:
    _, mails = demo
    automated = [m for m in mails if m.automated]
    assert 0.2 <= len(automated) / len(mails) <= 0.35
    assert any(m.msg["List-Unsubscribe"] and m.msg["List-Id"] for m in automated)
    assert any(m.msg.get_content_type() == "multipart/report" and m.sender.startswith("mailer-daemon")
               for m in automated)
    assert any("birthday" in str(m.msg["Subject"]).lower() and "no-reply" in m.sender for m in automated)
    assert any(m.msg["Auto-Submitted"] == "auto-replied" and m.sender.endswith("vireosystems.eu")
               for m in automated)


def test_html_alternatives_and_a_pdf_attachment(demo) -> None:
    _, mails = demo
    alternatives = [m.msg for m in mails
                    if any(p.get_content_type() == "multipart/alternative" for p in m.msg.walk())]
    assert len(alternatives) >= 5
    assert all(m.get_body(("html",)) is not None and m.get_body(("plain",)) is not None for m in alternatives)
    pdfs = [p for m in mails for p in m.msg.iter_attachments() if p.get_content_type() == "application/pdf"]
    assert pdfs and pdfs[0].get_filename() == "Q3-pricing.pdf"
    data = pdfs[0].get_content()
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF") and len(data) > 2000


def test_signatures_and_phone_signoffs(demo) -> None:
    _, mails = demo
    assert sum("\n-- \n" in m.plain for m in mails) >= 40
    assert sum("Sent from my iPhone" in m.plain for m in mails) >= 5


# -- personal details ------------------------------------------------------------------------

def test_a_birthday_this_week_names_the_right_weekday(demo) -> None:
    paths, mails = demo
    pattern = re.compile(r"[Mm]y birthday is this (\w+), (\w+) (\d+)")
    found = []
    for mail in mails:
        match = pattern.search(mail.new_text)
        if not match:
            continue
        sent = mail.sent_at.date()
        weekday, month, day = match[1], MONTHS.index(match[2]) + 1, int(match[3])
        said = date(sent.year + (month < sent.month), month, day)
        assert DAYS[said.weekday()] == weekday
        assert sent < said and said.isocalendar()[:2] == sent.isocalendar()[:2]  # "this Wednesday"
        found.append((mail.sender, said))
    assert found
    today = NOW.date()

    def next_time(day: date) -> date:
        this_year = date(today.year, day.month, day.day)
        return this_year if this_year >= today else date(today.year + 1, day.month, day.day)

    this_week = [(who, d) for who, d in found if timedelta(0) < next_time(d) - today <= timedelta(days=7)]
    assert this_week, "someone's birthday falls in the coming week"
    who, bday = this_week[0]
    assert expected_date("bday", NOW) == bday
    upcoming = [ev for ev in _events(paths.calendar)
                if today < _start(ev, NOW.tzinfo).date() < next_time(bday)
                and any(str(a).lower() == f"mailto:{who}" for a in ev.get("attendee", []))]
    assert upcoming, "a meeting with the birthday person before their birthday"


def test_every_expected_fact_is_said_by_or_to_its_person(demo) -> None:
    _, mails = demo
    assert {e.kind for e in EXPECTED} == {"birthday", "anniversary", "family", "pet", "sports", "interest",
                                         "life_event", "travel", "location", "work", "preference", "education"}
    for fact in EXPECTED:
        said = [m for m in mails if not m.automated and fact.word.lower() in m.new_text.lower()
                and (m.sender == fact.person or (m.sender == USER_ADDRESS and fact.person in m.recipients))]
        assert said, fact
        if fact.anchor:
            assert isinstance(expected_date(fact.anchor, NOW), date)


def test_rhythms_weekly_cold_and_new(demo) -> None:
    paths, mails = demo
    events = _events(paths.calendar)

    def touches(key: str) -> list[datetime]:
        addr = BY_KEY[key].email
        mail = [m.sent_at for m in mails if not m.automated and (addr == m.sender or addr in m.recipients)]
        meet = [_start(ev, NOW.tzinfo) for ev in events
                if any(str(a).lower() == f"mailto:{addr}" for a in ev.get("attendee", []))]
        return sorted(t for t in mail + meet if t < NOW)

    recent = [t for t in touches("dana") if NOW - t < timedelta(days=90)]
    assert len(recent) >= 12  # weekly
    for key in ("bob", "ben"):  # gone quiet, well beyond their old rhythm
        times = touches(key)
        assert len(times) >= 6 and NOW - times[-1] > timedelta(days=150)
    grace = touches("grace")
    assert grace and NOW - grace[0] < timedelta(days=7)  # brand new


# -- the calendar ----------------------------------------------------------------------------

@pytest.mark.parametrize("now", [NOW, datetime(2025, 11, 3, 6, 15, tzinfo=timezone(timedelta(hours=-5)))],
                         ids=["zoneinfo", "fixed-offset"])
def test_calendar_has_today_tomorrow_and_a_weekly_series(tmp_path: Path, now: datetime) -> None:
    paths = build_demo(tmp_path, now)
    events = _events(paths.calendar)
    assert len(events) >= 100
    for ev in events:
        assert ev.get("uid") and ev.get("dtstamp") and ev.get("organizer") is not None
        assert ev["organizer"].params.get("CN")
        for attendee in ev.get("attendee", []):
            assert attendee.params.get("CN") and attendee.params.get("PARTSTAT")
    today = [ev for ev in events if _start(ev, now.tzinfo).date() == now.date()]
    assert len(today) >= 3
    user = f"mailto:{USER_ADDRESS}"
    colleagues = {f"mailto:{p.email}" for p in BY_KEY.values() if p.cadence == "colleague"} | {user}
    attendees = [{str(a).lower() for a in ev.get("attendee", [])} for ev in today]
    assert sum(1 for a in attendees if a - colleagues) >= 3, "meetings with external contacts"
    assert any(a <= colleagues and len(a) > 1 for a in attendees), "a meeting with a colleague only"
    assert any("zoom.us" in str(ev.get("url", "")) or "meet.google" in str(ev.get("url", "")) for ev in today)
    tomorrow = now.date() + timedelta(days=1)
    assert any(_start(ev, now.tzinfo).date() == tomorrow for ev in events)
    weekly = [ev for ev in events if ev.get("rrule")]
    assert len(weekly) == 1 and weekly[0]["rrule"].to_ical() == b"FREQ=WEEKLY;BYDAY=MO"
    assert weekly[0].get("exdate")
    past = [ev for ev in events if _start(ev, now.tzinfo) < now - timedelta(days=600)]
    assert past, "history goes back about two years"
