"""A small world for briefing tests: a mailbox and a calendar with one day of meetings.

Tuesday 2024-04-16, America/New_York. The user is Alex <alex@me.example>.

* 09:30 "Acme renewal": Dana (a contact with facts and a promise owed to her), Jo (a
  colleague, me.example), and a robot (noreply@acme.example).
* 12:00 "Lunch with Kevin": Kevin told Alex about his knee surgery (a sensitive fact).
* 13:00 a hostile meeting: its title holds a <script>, its URL is javascript:, and
  Raj (who asked Alex a question never answered) meets someone whose display name and
  subject are HTML.
* 15:00 "Catch-up with Pat": Pat is muted by the tests that need it.
* 16:00 a meeting Alex declined, and a cancelled one: neither is in the briefing.
* Wednesday 10:00 "Raj again".
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tests import mailfactory as mf

ME = "alex@me.example"
NOW = "2024-04-16T07:00:00-04:00"
TODAY = dt.date(2024, 4, 16)
DANA = "Dana Whitfield <dana@acme.example>"
JO = "Jo Park <jo@me.example>"
RAJ = "Raj Patel <raj@partner.example>"
KEVIN = "Kevin O'Brien <kevin@harborview.example>"
PAT = "Pat Quinn <pat@quiet.example>"
EVIL_NAME = "<script>alert(1)</script>"
EVIL = f'"{EVIL_NAME}" <evil@bad.example>'
EVIL_SUBJECT = "<img src=x onerror=alert(1)>"
HOSTILE_TITLE = "<script>alert('title')</script> sync"
ROBOTS = ("noreply@acme.example", "news@acme.example")


def _at(days_before: int, hour: int = 14) -> dt.datetime:
    return dt.datetime(2024, 4, 16, hour, tzinfo=dt.UTC) - dt.timedelta(days=days_before)


def build_mailbox(root: Path) -> Path:
    """The mailbox: INBOX and Sent."""
    mf.maildir(root, "Sent")

    def inbox(key: str, sender: str, subject: str, body: str, days: int, **kw: object) -> None:
        mf.deliver(root, mf.message(sender, ME, subject, body, date=_at(days), message_id=f"<{key}@test>", **kw), key=key)

    def sent(key: str, to: str, subject: str, body: str, days: int, **kw: object) -> None:
        mf.deliver(root, mf.message(ME, to, subject, body, date=_at(days, 17), message_id=f"<{key}@test>", **kw),
                   folder="Sent", key=key)

    inbox("d1", DANA, "Kickoff", "Hi Alex,\n\nGreat to start working together.\n\nDana", 120)
    sent("a1", DANA, "Re: Kickoff", "Likewise, Dana. Talk soon.\n\nAlex", 120, in_reply_to="<d1@test>")
    inbox("d2", DANA, "Slow week", "Hi Alex,\n\nMy daughter Emma just got into the University of Michigan and the house "
          "is chaos. Also, I'm a die-hard Red Sox fan, so April is a good month.\n\nDana", 60)
    sent("a2", DANA, "Re: Slow week", "Congratulations to Emma!\n\nAlex", 60, in_reply_to="<d2@test>")
    inbox("d3", DANA, "Pricing", "Hi Alex,\n\nCan we look at the pricing for the renewal?\n\nDana", 21)
    sent("a3", DANA, "Re: Pricing", "Sure. I'll send you the pricing deck by Friday.\n\nAlex", 21, in_reply_to="<d3@test>")
    inbox("j1", JO, "Team lunch", "Hi Alex,\n\nMy wife Sarah says hi. I'm a die-hard Yankees fan, by the way.\n\nJo", 30)
    sent("a4", JO, "Re: Team lunch", "Ha, noted.\n\nAlex", 30, in_reply_to="<j1@test>")
    inbox("r1", RAJ, "Conference", "Hi Alex,\n\nI'm off to Lisbon next week for a conference.\n\nRaj", 12)
    inbox("r2", RAJ, "Template", "Hi Alex,\n\nCould you send me the partner agreement template?\n\nRaj", 9)
    inbox("k1", KEVIN, "Out for a couple of weeks", "Alex,\n\nHeads-up: I'm having knee surgery on the 14th. I'll be slow "
          "on email for a couple of weeks.\n\nKevin", 40)
    sent("a5", KEVIN, "Re: Out for a couple of weeks", "Good luck with the surgery, Kevin.\n\nAlex", 40, in_reply_to="<k1@test>")
    inbox("k2", KEVIN, "Lunch?", "Alex,\n\nLunch on the 16th? I'm a big Celtics fan, so pick a place with a TV.\n\nKevin", 5)
    inbox("e1", EVIL, EVIL_SUBJECT, "Hello <b>Alex</b>.\n\nE", 3)
    inbox("p1", PAT, "Hello", "Hi Alex,\n\nWe just moved to Denver! I'm a die-hard Yankees fan.\n\nPat", 15)
    sent("a6", PAT, "Re: Hello", "Welcome to Denver, Pat.\n\nAlex", 15, in_reply_to="<p1@test>")
    inbox("n1", "Acme News <news@acme.example>", "Acme monthly", "Happy birthday from Acme! My birthday wishes to you. "
          "Unsubscribe here.", 2, headers={"List-Unsubscribe": "<mailto:u@acme.example>"})
    return root


def _event(uid: str, start: str, end: str, summary: str, attendees: list[tuple[str, str, str]],
           extra: str = "") -> str:
    lines = [f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20240401T000000Z\r\nDTSTART:{start}\r\nDTEND:{end}\r\n",
             f"SUMMARY:{summary}\r\nORGANIZER;CN=Alex:mailto:{ME}\r\n", extra]
    for name, email, partstat in attendees:
        lines.append(f"ATTENDEE;CN={name};PARTSTAT={partstat}:mailto:{email}\r\n")
    lines.append("END:VEVENT\r\n")
    return "".join(lines)


def build_calendar(path: Path) -> Path:
    me = ("Alex", ME, "ACCEPTED")
    dana, jo = ("Dana Whitfield", "dana@acme.example", "ACCEPTED"), ("Jo Park", "jo@me.example", "ACCEPTED")
    raj, kevin = ("Raj Patel", "raj@partner.example", "ACCEPTED"), ("Kevin O'Brien", "kevin@harborview.example", "ACCEPTED")
    pat, evil = ("Pat Quinn", "pat@quiet.example", "ACCEPTED"), ("Evil", "evil@bad.example", "ACCEPTED")
    robot = ("Acme Calendar", "noreply@acme.example", "ACCEPTED")
    events = [
        _event("past-dana", "20240409T133000Z", "20240409T140000Z", "Acme weekly", [me, dana]),
        _event("renewal", "20240416T133000Z", "20240416T140000Z", "Acme renewal", [me, dana, jo, robot],
               "LOCATION:Acme\\, 1 Main St\r\n"),
        _event("lunch", "20240416T160000Z", "20240416T170000Z", "Lunch with Kevin", [me, kevin],
               "LOCATION:Harbor Table\r\n"),
        _event("hostile", "20240416T170000Z", "20240416T173000Z", HOSTILE_TITLE, [me, raj, evil],
               "LOCATION:javascript:alert(2)\r\nURL:javascript:alert(1)\r\n"
               "DESCRIPTION:Join at https://zoom.us/j/123456 please\r\n"),
        _event("pat", "20240416T190000Z", "20240416T193000Z", "Catch-up with Pat", [me, pat]),
        _event("declined", "20240416T200000Z", "20240416T203000Z", "Declined review",
               [("Alex", ME, "DECLINED"), dana]),
        _event("cancelled", "20240416T210000Z", "20240416T213000Z", "Cancelled review", [me, dana],
               "STATUS:CANCELLED\r\n"),
        _event("raj-again", "20240417T140000Z", "20240417T143000Z", "Raj again", [me, raj]),
    ]
    path.write_text("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//syncd tests//EN\r\n" + "".join(events) + "END:VCALENDAR\r\n")
    return path


def write_config(home: Path, mailbox: Path, calendar: Path, extra: str = "") -> None:
    """The config file, written by hand (the time zone and any briefing settings with it)."""
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text(
        f'[syncd]\ntimezone = "America/New_York"\n{extra}\n'
        f'[accounts.mail]\nkind = "maildir"\npath = "{mailbox}"\naddresses = ["{ME}"]\n\n'
        f'[accounts.cal]\nkind = "ics"\npath = "{calendar}"\n'
    )
