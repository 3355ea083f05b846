"""Automated mail -> messages: newsletters (HTML + text, List-Id, List-Unsubscribe),
receipts and notifications from no-reply senders, and a delivery-status bounce."""

from __future__ import annotations

import html
from datetime import datetime, time, timedelta
from email.message import Message
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime, formataddr
from typing import TYPE_CHECKING

from syncd.demo import dates, story
from syncd.demo.compose import compose, with_headers
from syncd.demo.model import Auto, Msg
from syncd.demo.text import paragraphs_html

if TYPE_CHECKING:
    from syncd.demo.render_mail import MailRenderer, Rendered


def _html(a: Auto, text: str) -> str:
    brand = a.sender[0]
    body = paragraphs_html(text, ' style="margin:0 0 14px 0;line-height:1.5"')
    return (
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>"
        f"{html.escape(brand)}</title></head>\n"
        '<body style="margin:0;background:#f4f4f1">\n'
        '<table role="presentation" width="100%" cellpadding="0" cellspacing="0"><tr><td align="center">\n'
        '<table role="presentation" width="600" cellpadding="24" cellspacing="0" '
        'style="background:#ffffff;font-family:Georgia,serif;color:#222222">\n'
        f'<tr><td style="background:#1d3557;color:#ffffff;font-size:20px">{html.escape(brand)}</td></tr>\n'
        f"<tr><td>\n{body}\n</td></tr>\n"
        '<tr><td style="font-size:11px;color:#888888">You can '
        '<a href="https://example.invalid/unsubscribe" style="color:#888888">unsubscribe</a> '
        "at any time.</td></tr>\n</table>\n</td></tr></table>\n</body></html>\n"
    ).replace("https://example.invalid/unsubscribe", _unsubscribe_url(a))


def _unsubscribe_url(a: Auto) -> str:
    for name, value in a.headers:
        if name == "List-Unsubscribe" and value.startswith("<https"):
            return value[1:value.index(">")]
    return f"https://{a.sender[1].split('@')[1]}/settings/notifications"


def automated(r: MailRenderer, a: Auto) -> Rendered:
    from syncd.demo.render_mail import Rendered

    day = r.day_of(a.when, a.dow)
    hh, mm = map(int, a.at.split(":"))
    when = datetime.combine(day, time(hh, mm, r.rng.randrange(60)), tzinfo=r.user_tz)
    when = min(when, r.now - timedelta(minutes=7))
    named = {**r.named, "m": day}
    text = dates.render(a.body, named)
    domain = a.sender[1].split("@")[1]
    message_id = f"<{_stamp(when)}.{r.rng.getrandbits(64):016x}@mail.{domain}>"
    headers = [("From", formataddr(a.sender)), ("To", formataddr((story.USER_NAME, story.USER_ADDRESS))),
               ("Subject", dates.render(a.subject, named)), ("Date", format_datetime(when)),
               ("Message-ID", message_id), *a.headers]
    if a.kind in ("receipt", "notification", "greeting"):
        headers.append(("X-Auto-Response-Suppress", "OOF, AutoReply"))
    em = compose(headers, text + "\n", _html(a, text) if a.html else None)
    return Rendered(a.folder, r.finish(em), when, message_id, None, a.unread, True)


def _stamp(when: datetime) -> str:
    return f"{when.year:04d}{when.month:02d}{when.day:02d}{when.hour:02d}{when.minute:02d}{when.second:02d}"


def bounce(r: MailRenderer, original: Msg, sent: datetime, original_id: str, subject: str,
           to: tuple[str, ...]) -> Rendered:
    """The MTA's report that Alex's message could not be delivered (multipart/report)."""
    from syncd.demo.render_mail import Rendered

    when = sent + timedelta(seconds=r.rng.randint(3, 40))
    rcpt = story.email(to[0])
    host = "mx1.morganadvisory.com"
    queue_id = f"{r.rng.getrandbits(40):010X}"
    outer = MIMEMultipart("report", report_type="delivery-status")
    message_id = f"<{_stamp(when)}.{queue_id}@{host}>"
    outer.preamble = "This is a MIME-encapsulated message."
    outer.attach(MIMEText(
        f"This is the mail system at host {host}.\n\n"
        "I'm sorry to have to inform you that your message could not\n"
        "be delivered to one or more recipients. It's attached below.\n\n"
        "For further assistance, please send mail to postmaster.\n\n"
        "If you do so, please include this problem report. You can\n"
        "delete your own text from the attached returned message.\n\n"
        "                   The mail system\n\n"
        f"<{rcpt}>: host mail.{rcpt.split('@')[1]}[203.0.113.25] said: 550 5.1.1\n"
        f"    <{rcpt}>: Recipient address rejected: User unknown in virtual mailbox\n"
        "    table (in reply to RCPT TO command)\n", "plain", "us-ascii"))
    status = Message()
    status.set_type("message/delivery-status")
    status["Content-Description"] = "Delivery report"
    per_message = Message()
    per_message["Reporting-MTA"] = f"dns; {host}"
    per_message["X-Postfix-Queue-ID"] = queue_id
    per_message["Arrival-Date"] = format_datetime(sent)
    per_rcpt = Message()
    per_rcpt["Final-Recipient"] = f"rfc822; {rcpt}"
    per_rcpt["Original-Recipient"] = f"rfc822;{rcpt}"
    per_rcpt["Action"] = "failed"
    per_rcpt["Status"] = "5.1.1"
    per_rcpt["Remote-MTA"] = f"dns; mail.{rcpt.split('@')[1]}"
    per_rcpt["Diagnostic-Code"] = (f"smtp; 550 5.1.1 <{rcpt}>: Recipient address rejected: "
                                   "User unknown in virtual mailbox table")
    status.set_payload([per_message, per_rcpt])
    outer.attach(status)
    headers = (f"From: {r.addr(original.frm)}\nTo: {', '.join(r.addr(k) for k in to)}\n"
               f"Subject: {subject}\nDate: {format_datetime(sent)}\nMessage-ID: {original_id}\n")
    part = MIMEText(headers, "rfc822-headers", "us-ascii")
    part["Content-Description"] = "Undelivered Message Headers"
    outer.attach(part)
    with_headers(outer, [
        ("From", formataddr(("Mail Delivery System", f"MAILER-DAEMON@{host}"))),
        ("To", formataddr((story.USER_NAME, story.USER_ADDRESS))),
        ("Subject", "Undelivered Mail Returned to Sender"), ("Date", format_datetime(when)),
        ("Message-ID", message_id), ("Auto-Submitted", "auto-replied"),
    ])
    return Rendered("INBOX", r.finish(outer), when, message_id, None, False, True)
