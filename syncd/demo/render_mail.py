"""Story threads and automated mail -> RFC 5322 messages (stdlib ``email``), with dates.

Each sender writes like their mail client: Gmail wraps at 76 columns, signs with "-- " and
quotes with "On ... wrote:" and ">" lines; Outlook sends HTML too and quotes with an
"-----Original Message-----" header block; Apple Mail and iPhones quote with ">" and sign
"Sent from my iPhone". Randomness (times of day, Message-IDs, boundaries) comes from the
seeded ``random.Random`` handed in, never from the clock, so a build is reproducible.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from email.message import Message
from email.policy import compat32
from email.utils import format_datetime, formataddr
from zoneinfo import ZoneInfo

from syncd.demo import dates, pdf, story
from syncd.demo.compose import compose
from syncd.demo.model import ME, Msg, Thread
from syncd.demo.render_auto import bounce
from syncd.demo.text import (
    apple_attribution,
    escaped_block,
    gmail_attribution,
    gmail_date,
    outlook_sent,
    paragraphs_html,
    quote_lines,
    unwrap,
    wrap,
)

_POLICY = compat32.clone(max_line_length=998)  # no folding inside long Message-IDs
_HOURS = (7, 8, 8, 9, 9, 9, 10, 10, 10, 11, 11, 12, 13, 14, 14, 15, 15, 16, 16, 17, 18)
_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


@dataclass(frozen=True)
class Rendered:
    folder: str  # "INBOX", "Sent", "Clients", "Archive"
    data: bytes
    when: datetime
    message_id: str
    in_reply_to: str | None
    unread: bool
    automated: bool


@dataclass
class _Sent:
    """What a reply needs to know about the message before it."""

    msg: Msg
    when: datetime
    message_id: str
    references: list[str]
    subject: str
    to: tuple[str, ...]
    cc: tuple[str, ...]
    plain: str


class MailRenderer:
    def __init__(self, now: datetime, rng: random.Random) -> None:
        self.now = now
        self.today = now.date()
        self.user_tz: tzinfo = now.tzinfo  # type: ignore[assignment]
        self.rng = rng
        self.named = dates.anchors(self.today)
        self._boundary = 0

    # -- dates ---------------------------------------------------------------------------

    def day_of(self, when: int | tuple[str, int], dow: str | None = None) -> date:
        if isinstance(when, tuple):
            day = dates.resolve(when[0], self.named) + timedelta(days=when[1])
        else:
            day = self.today - timedelta(days=when)
            if dow is None and when >= 2 and day.weekday() >= 5:  # business mail: weekdays
                monday = day + timedelta(days=7 - day.weekday())
                friday = day - timedelta(days=day.weekday() - 4)
                day = monday if day.weekday() == 6 and monday < self.today else friday
        return dates.pin(day, dow) if dow else day

    def _tz(self, key: str, ago: int) -> tzinfo:
        if key == ME:
            return self.user_tz
        person = story.BY_KEY[key]
        zone = person.tz
        if person.before and ago > person.before[0]:
            zone = person.before[2]
        return self.user_tz if zone is None else ZoneInfo(zone)

    def _moment(self, msg: Msg, prev: datetime | None) -> datetime:
        day = self.day_of(msg.when, msg.dow)
        hh, mm = map(int, msg.at.split(":")) if msg.at else (self.rng.choice(_HOURS), self.rng.randrange(60))
        tz = self._tz(msg.frm, (self.today - day).days)
        when = datetime.combine(day, time(hh, mm, self.rng.randrange(60)), tzinfo=tz)
        if prev is not None and msg.auto:
            when = (prev + timedelta(seconds=self.rng.randint(20, 90))).astimezone(tz)
        elif prev is not None and when <= prev:
            when = (prev + timedelta(minutes=self.rng.randint(14, 150))).astimezone(tz)
        latest = self.now - timedelta(minutes=5)
        return when if when < latest else latest.astimezone(tz)

    # -- people --------------------------------------------------------------------------

    @staticmethod
    def addr(key: str) -> str:
        if key == ME:
            return formataddr((story.USER_NAME, story.USER_ADDRESS))
        person = story.BY_KEY[key]
        return formataddr((person.name, person.email), "utf-8")

    @staticmethod
    def name(key: str) -> str:
        return story.USER_NAME if key == ME else story.BY_KEY[key].name

    @staticmethod
    def client(key: str, msg: Msg) -> str:
        if msg.via == "iphone":
            return "iphone"
        return "gmail" if key == ME else story.BY_KEY[key].client

    def signature(self, key: str, ago: int) -> tuple[str, str]:
        """(signature, legal footer) as that person signed at the time."""
        if key == ME:
            return story.USER_SIGNATURE, ""
        person = story.BY_KEY[key]
        if person.before and ago > person.before[0]:
            return person.before[1], person.footer
        return person.signature, person.footer

    # -- identifiers ---------------------------------------------------------------------

    def message_id(self, key: str, client: str) -> str:
        rng = self.rng
        if client == "gmail":
            return f"<CA{''.join(rng.choice(_ALNUM + '+_-') for _ in range(44))}@mail.gmail.com>"
        if client == "outlook":
            server = f"{rng.choice(('DM6PR', 'BN8PR', 'SA1PR', 'CH2PR'))}{rng.randint(10, 19)}MB{rng.randint(1000, 9999)}"
            return f"<{server}{rng.getrandbits(128):032X}@{server}.namprd{rng.randint(10, 19)}.prod.outlook.com>"
        domain = (story.USER_ADDRESS if key == ME else story.BY_KEY[key].email).split("@")[1]
        u = f"{rng.getrandbits(128):032X}"
        return f"<{u[:8]}-{u[8:12]}-{u[12:16]}-{u[16:20]}-{u[20:]}@{domain}>"

    def finish(self, msg: Message) -> bytes:
        """Deterministic MIME boundaries, then the bytes."""
        for part in msg.walk():
            if part.get_content_maintype() == "multipart":
                self._boundary += 1
                part.set_boundary(f"00000000000{self._boundary:05d}{self.rng.getrandbits(48):012x}")
        return msg.as_bytes(policy=_POLICY)

    # -- threads -------------------------------------------------------------------------

    def thread(self, thread: Thread) -> list[Rendered]:
        out: list[Rendered] = []
        prev: _Sent | None = None
        for msg in thread.msgs:
            if msg.auto == "bounce":
                assert prev is not None, "a bounce answers a message"
                out.append(bounce(self, prev.msg, prev.when, prev.message_id, prev.subject, prev.to))
                continue
            rendered, sent = self._one(thread, msg, prev)
            out.append(rendered)
            if not msg.auto:
                prev = sent
        return out

    def _recipients(self, thread: Thread, msg: Msg, prev: _Sent | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
        if prev is None:
            to = msg.to or ((thread.who,) if msg.frm == ME else (ME,))
            return to, msg.cc or ()
        if msg.to is not None:
            to = msg.to
        elif prev.msg.frm != msg.frm:
            to = (prev.msg.frm,)
        else:
            to = prev.to
        if msg.cc is not None:
            return to, msg.cc
        rest = [k for k in (*prev.to, *prev.cc) if k != msg.frm and k not in to]
        return to, tuple(dict.fromkeys(rest))

    def _subject(self, thread: Thread, msg: Msg, prev: _Sent | None, client: str, day: date) -> str:
        if prev is None:
            return dates.render(thread.subject, {**self.named, "m": day})
        base = prev.subject
        for prefix in ("Re: ", "RE: ", "Fwd: ", "FW: "):
            base = base.removeprefix(prefix)
        if msg.auto == "ooo":
            return f"Automatic reply: {base}"
        if msg.fwd:
            return ("FW: " if client == "outlook" else "Fwd: ") + base
        return ("RE: " if client == "outlook" else "Re: ") + base

    def _one(self, thread: Thread, msg: Msg, prev: _Sent | None) -> tuple[Rendered, _Sent]:
        when = self._moment(msg, prev.when if prev else None)
        day = when.date()
        ago = (self.today - day).days
        client = self.client(msg.frm, msg)
        to, cc = self._recipients(thread, msg, prev)
        subject = self._subject(thread, msg, prev, client, day)
        new = dates.render(unwrap(msg.body), {**self.named, "m": day})
        if client == "gmail":
            new = wrap(new)

        if msg.auto:
            plain, sig, footer = new, "", ""
        elif client == "iphone":
            sig, footer = "Sent from my iPhone", ""
            plain = f"{new}\n\n{sig}"
        else:
            sig, footer = self.signature(msg.frm, ago)
            plain = f"{new}\n\n{'-- ' + chr(10) if client == 'gmail' else ''}{sig}"
            if footer:
                plain += f"\n\n{footer}"
        quote = self._quote(msg, prev, client) if prev is not None and msg.quote and not msg.auto else ""
        plain += quote
        html = None
        if client == "outlook" and not msg.auto:
            html = self._html(new, sig, footer, msg, prev)

        headers = [("From", self.addr(msg.frm)), ("To", ", ".join(self.addr(k) for k in to))]
        if cc:
            headers.append(("Cc", ", ".join(self.addr(k) for k in cc)))
        message_id = self.message_id(msg.frm, client)
        headers += [("Subject", subject), ("Date", format_datetime(when)), ("Message-ID", message_id)]
        references = [*prev.references, prev.message_id][-12:] if prev else []
        if prev is not None:
            headers += [("In-Reply-To", prev.message_id), ("References", " ".join(references))]
        headers += self._client_headers(client, subject, msg)
        attachment = None
        if msg.attach:
            filename, lines = story.ATTACHMENTS[msg.attach]
            attachment = (filename, "pdf", pdf.one_page(lines, title=filename))
        em = compose(headers, plain + "\n", html, attachment, qp=client == "outlook")
        folder = "Sent" if msg.frm == ME else thread.folder
        rendered = Rendered(folder, self.finish(em), when, message_id,
                            prev.message_id if prev else None, msg.unread, bool(msg.auto))
        return rendered, _Sent(msg, when, message_id, references, subject, to, cc, plain)

    @staticmethod
    def _client_headers(client: str, subject: str, msg: Msg) -> list[tuple[str, str]]:
        if msg.auto == "ooo":
            return [("Auto-Submitted", "auto-replied"), ("X-Auto-Response-Suppress", "All")]
        if client == "outlook":
            topic = subject.split(": ", 1)[-1] if ": " in subject[:5] else subject
            return [("Thread-Topic", topic), ("Content-Language", "en-US")]
        if client == "apple":
            return [("X-Mailer", "Apple Mail (2.3826.500.181.1.5)")]
        if client == "iphone":
            return [("X-Mailer", "iPhone Mail (22B91)")]
        return []

    def _quote(self, msg: Msg, prev: _Sent, client: str) -> str:
        p_when = prev.when.astimezone(self._tz(msg.frm, 0))
        p_name, p_addr = self.name(prev.msg.frm), story.email(prev.msg.frm)
        if msg.fwd:
            to = ", ".join(self.addr(k) for k in prev.to)
            return (f"\n\n---------- Forwarded message ---------\nFrom: {self.addr(prev.msg.frm)}\n"
                    f"Date: {gmail_date(p_when)}\nSubject: {prev.subject}\nTo: {to}\n\n\n{prev.plain}")
        if client == "outlook":
            head = [f"From: {self.addr(prev.msg.frm)}", f"Sent: {outlook_sent(p_when)}",
                    f"To: {', '.join(self.addr(k) for k in prev.to)}"]
            if prev.cc:
                head.append(f"Cc: {', '.join(self.addr(k) for k in prev.cc)}")
            head.append(f"Subject: {prev.subject}")
            return "\n\n-----Original Message-----\n" + "\n".join(head) + f"\n\n{prev.plain}"
        if client in ("apple", "iphone"):
            return "\n\n" + quote_lines(f"{apple_attribution(p_when, p_name, p_addr)}\n\n{prev.plain}")
        return f"\n\n{gmail_attribution(p_when, p_name, p_addr)}\n\n{quote_lines(prev.plain)}"

    def _html(self, new: str, sig: str, footer: str, msg: Msg, prev: _Sent | None) -> str:
        font = ' style="margin:0 0 12px 0"'
        parts = [paragraphs_html(new, font), f'<p style="margin:0;color:#444">{escaped_block(sig)}</p>']
        if footer:
            parts.append(f'<p style="font-size:8pt;color:#888888">{escaped_block(footer)}</p>')
        if prev is not None and msg.quote:
            p_when = prev.when.astimezone(self._tz(msg.frm, 0))
            head = (f"<b>From:</b> {escaped_block(self.addr(prev.msg.frm))}<br>\n"
                    f"<b>Sent:</b> {outlook_sent(p_when)}<br>\n"
                    f"<b>To:</b> {escaped_block(', '.join(self.addr(k) for k in prev.to))}<br>\n"
                    f"<b>Subject:</b> {escaped_block(prev.subject)}")
            quoted = escaped_block(prev.plain)
            parts.append('<div style="border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0in 0in 0in">'
                         f'<p style="margin:0">{head}</p></div>\n<div>{quoted}</div>')
        body = "\n".join(parts)
        return ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"></head>\n'
                f'<body><div style="font-family:Calibri,Arial,sans-serif;font-size:11pt;color:#1f1f1f">\n'
                f"{body}\n</div></body></html>\n")
