"""Reading bounces (syncd.mimebounce through syncd.mime): RFC 3464 delivery status
notifications and the clear non-standard notices, from the corpus and made here."""

from __future__ import annotations

from pathlib import Path

import pytest

from syncd.mime import parse_message

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
FLANKER = CORPUS / "mime" / "flanker" / "tests" / "fixtures" / "messages" / "bounce"
RUBY = CORPUS / "mime" / "ruby-mail" / "spec" / "fixtures" / "emails" / "multipart_report_emails"
CPYTHON = CORPUS / "mime" / "cpython-test_email" / "Lib" / "test" / "test_email" / "data"
ENRON_QMAIL = CORPUS / "maildir" / "enron-bass-e" / "new" / "1013029336.M000300P6754e4e05d3c.enron"


def bounced(path: Path) -> tuple[str, ...]:
    return parse_message(path.read_bytes(), provider_id=path.name).bounced


def dsn(*recipients: tuple[str, str, str], original_to: str = "walter@hughes.example",
        extra: str = "", outer: str = "multipart/report; report-type=delivery-status") -> bytes:
    """A Postfix-shaped report: one per-recipient block per (address, action, status)."""
    blocks = "\n".join(
        f"Final-Recipient: rfc822; {address}\nOriginal-Recipient: rfc822;{address}\n"
        f"Action: {action}\nStatus: {status}\nDiagnostic-Code: smtp; {status[0]}50 {status} no\n"
        for address, action, status in recipients
    )
    return f"""From: Mail Delivery System <MAILER-DAEMON@mx1.me.example>
To: Alex Morgan <alex@me.example>
Subject: Undelivered Mail Returned to Sender
Date: Mon, 06 May 2024 09:31:00 +0000
Message-ID: <report-1@mx1.me.example>
Auto-Submitted: auto-replied
{extra}MIME-Version: 1.0
Content-Type: {outer}; boundary="B1"

--B1
Content-Type: text/plain; charset=us-ascii

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients.

--B1
Content-Type: message/delivery-status

Reporting-MTA: dns; mx1.me.example
Arrival-Date: Mon, 06 May 2024 09:30:00 +0000

{blocks}
--B1
Content-Type: text/rfc822-headers

From: Alex Morgan <alex@me.example>
To: {original_to}
Subject: Hello from Boston

--B1--
""".replace("\n", "\r\n").encode()


# -- RFC 3464 ----------------------------------------------------------------------------


def test_a_failed_recipient_with_a_permanent_status_bounced() -> None:
    record = parse_message(dsn(("walter@hughes.example", "failed", "5.1.1")), provider_id="1")
    assert record.bounced == ("walter@hughes.example",)
    assert record.content_type == "multipart/report"


def test_a_delay_or_a_transient_failure_is_no_bounce() -> None:
    assert parse_message(dsn(("walter@hughes.example", "delayed", "4.4.1")), provider_id="1").bounced == ()
    # "failed" after days of 4.x.x retries: the MTA gave up on a transient error
    assert parse_message(dsn(("walter@hughes.example", "failed", "4.2.2")), provider_id="1").bounced == ()
    assert bounced(FLANKER / "delayed.eml") == ()  # Action: failed, Status: 4.0.0
    assert bounced(FLANKER / "no-mx.eml") == ()  # Action: delayed, 4.4.4
    assert bounced(RUBY / "report_422.eml") == ()  # Action: delayed, 4.2.2


def test_several_recipients_each_read_on_its_own() -> None:
    raw = dsn(("a@one.example", "failed", "5.1.1"), ("b@two.example", "delayed", "4.4.1"),
              ("C@Three.example", "failed", "5.1.10"), ("d@four.example", "delivered", "2.0.0"),
              ("e@five.example", "failed", "5.7.1"))  # 5.7.1: the message was refused, not the address
    assert parse_message(raw, provider_id="1").bounced == ("a@one.example", "c@three.example")
    assert bounced(RUBY / "multi_address_bounce1.eml") == (
        "bbbbvhvbbvkjbhfbvbvjhb@gmail.com", "bscdbcjhasbcjhbdscbhbsdhcbj@gmail.com", "egyfefsdvsfvvhjsd@gmail.com",
        "kfhejkfbsjkjsbhds@gmail.com", "qfvhgsvhgsduiohncdhcvhsdfvsfygusd@gmail.com")


@pytest.mark.parametrize(("name", "expected"), [
    (FLANKER / "zed.eml", ("asdfasdfasdfasdfasdfasdfewrqertrtyrthsfgdfgadfqeadvxzvz@gmail.com",)),
    (FLANKER / "office365.eml", ("noname@example.com",)),
    (RUBY / "report_530.eml", ("edwin@zzzzzzz.com",)),
    (RUBY / "multipart_report_multiple_status.eml", ("u@ci.com",)),  # a text part wrongly typed as a DSN first
    (FLANKER / "mailbox-full.eml", ()),  # 5.2.2 mailbox full: the person is still there
    (CPYTHON / "msg_43.txt", ()),  # 5.7.1 "BANNED" attachment: the message was refused
    (CPYTHON / "msg_25.txt", ()),  # 5.4.6 routing loop (and a broken boundary, mended)
    (CPYTHON / "msg_16.txt", ()),  # a report about a mailing list's mail (List-Id)
])
def test_reports_from_the_wild(name: Path, expected: tuple[str, ...]) -> None:
    assert bounced(name) == expected


def test_only_a_report_at_the_top_counts() -> None:
    """A bounce forwarded inside another message says nothing about the user's own mail."""
    inner = dsn(("walter@hughes.example", "failed", "5.1.1")).decode()
    raw = ("From: Sam <sam@me.example>\r\nTo: alex@me.example\r\nSubject: Fwd: look at this\r\n"
           "Message-ID: <fwd@me.example>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"F\"\r\n\r\n"
           "--F\r\nContent-Type: text/plain\r\n\r\nThis bounced for me.\r\n"
           f"--F\r\nContent-Type: message/rfc822\r\n\r\n{inner}\r\n--F--\r\n").encode()
    assert parse_message(raw, provider_id="1").bounced == ()


def test_the_original_recipient_is_the_address_written() -> None:
    raw = dsn(("walter@hughes.example", "failed", "5.1.1")).replace(
        b"Original-Recipient: rfc822;walter@hughes.example", b"Original-Recipient: rfc822;walt@alias.example")
    assert parse_message(raw, provider_id="1").bounced == ("walt@alias.example",)


# -- non-standard notices ------------------------------------------------------------------


@pytest.mark.parametrize(("name", "expected"), [
    (ENRON_QMAIL, ("lwbthmarine@alltel.net",)),  # qmail "failure notice", copy of the message below
    (FLANKER / "gmail-invalid-address.eml", ("awfawfawfawfawfaw@someserverhere.com",)),  # X-Failed-Recipients
    (FLANKER / "gmail-no-dns.eml", ("user@example.comm",)),
    (FLANKER / "broken-mime.eml", ("info@example.net",)),  # "Delivery failed ...", "Original message follows."
])
def test_clear_notices_from_the_wild(name: Path, expected: tuple[str, ...]) -> None:
    assert bounced(name) == expected


def notice(body: str, sender: str = "MAILER-DAEMON@mail.example", subject: str = "failure notice") -> bytes:
    return (f"From: {sender}\r\nTo: alex@me.example\r\nSubject: {subject}\r\nMessage-ID: <n@mail.example>\r\n"
            f"Date: Mon, 06 May 2024 09:31:00 +0000\r\n\r\n{body}").replace("\r\n", "\n").replace("\n", "\r\n").encode()


COPY = "\n--- Below this line is a copy of the message.\n\nFrom: alex@me.example\nTo: {to}\nSubject: Hi\n\nHello\n"


def test_unclear_notices_are_left_alone() -> None:
    failed = "Your message could not be delivered to the following address:\n\n<{who}>\n"
    clear = notice(failed.format(who="walter@hughes.example") + COPY.format(to="walter@hughes.example"))
    assert parse_message(clear, provider_id="1").bounced == ("walter@hughes.example",)
    two = notice("Your message could not be delivered to <a@one.example> and <b@two.example>.\n"
                 + COPY.format(to="a@one.example, b@two.example"))
    assert parse_message(two, provider_id="1").bounced == ()  # which one? do nothing
    not_written = notice(failed.format(who="walter@hughes.example") + COPY.format(to="other@else.example"))
    assert parse_message(not_written, provider_id="1").bounced == ()  # the user did not write to it
    no_copy = notice(failed.format(who="walter@hughes.example"))
    assert parse_message(no_copy, provider_id="1").bounced == ()
    delay = notice("Warning: your message could not be delivered yet to <walter@hughes.example>; "
                   "we will retry for 5 days.\n" + COPY.format(to="walter@hughes.example"))
    assert parse_message(delay, provider_id="1").bounced == ()
    person = notice(failed.format(who="walter@hughes.example") + COPY.format(to="walter@hughes.example"),
                    sender="Dana <dana@acme.example>")
    assert parse_message(person, provider_id="1").bounced == ()  # only a mail system reports bounces


def test_from_headers_and_text_only_as_graph_gives_them() -> None:
    """Microsoft Graph hands over header fields and text, not MIME parts: notices are read,
    reports cannot be (their delivery-status part is not there), so nothing is guessed."""
    from connectors.base import Address
    from syncd.mimebounce import bounced_from_text

    gmail = parse_message((FLANKER / "gmail-invalid-address.eml").read_bytes(), provider_id="1")
    headers = {"x-failed-recipients": "awfawfawfawfawfaw@someserverhere.com", "content-type": "text/plain"}
    assert bounced_from_text(headers, gmail.sender, gmail.to, gmail.subject, gmail.body_text) == (
        "awfawfawfawfawfaw@someserverhere.com",)
    report = parse_message(dsn(("walter@hughes.example", "failed", "5.1.1")), provider_id="2")
    assert report.bounced == ("walter@hughes.example",)
    assert bounced_from_text({"content-type": "multipart/report; report-type=delivery-status"}, report.sender,
                             report.to, report.subject, report.body_text) == ()
    assert bounced_from_text({}, Address("dana@acme.example"), gmail.to, gmail.subject, gmail.body_text) == ()
