"""``OutgoingMail`` -> RFC 5322 bytes, with the standard library's ``email`` package.

One builder for every connector that hands raw mail to a provider: IMAP APPEND of a
draft (RFC 3501 section 6.3.11), SMTP submission (RFC 6409), Gmail ``raw``. Plain text
always; with ``html`` the message is ``multipart/alternative`` (RFC 2046 section 5.1.4)
with the text part first, so clients that prefer HTML show it and the others still
read the text. Threading headers (``In-Reply-To``, ``References``, RFC 5322 section
3.6.4) are written when the draft follows a conversation.
"""

from __future__ import annotations

from email.headerregistry import BaseHeader, HeaderRegistry
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, formataddr, make_msgid

from connectors.base import Address, OutgoingMail
from syncd import clock

# Headers that would add recipients or forge the envelope: never taken from ``extra_headers``.
RECIPIENT_HEADERS = frozenset({"to", "cc", "bcc", "resent-to", "resent-cc", "resent-bcc", "from", "sender"})


class HeaderClasses(HeaderRegistry):
    """The standard header registry, each header's class made once.

    ``HeaderRegistry.__getitem__`` builds a new class (``type(...)``) for every header of
    every message, and once more each time the policy asks a header's ``max_count``:
    about 40% of building a draft. This one builds the same class (the same bases, the
    same name) once per header name; the messages are the same, byte for byte."""

    def __init__(self) -> None:
        super().__init__()
        self._classes: dict[str, type[BaseHeader]] = {}

    def map_to_type(self, name: str, cls: type[BaseHeader]) -> None:
        super().map_to_type(name, cls)
        self._classes.clear()

    def __getitem__(self, name: str) -> type[BaseHeader]:
        found = self._classes.get(name)
        if found is None:
            found = self._classes[name] = super().__getitem__(name)
        return found


POLICY = SMTP.clone(header_factory=HeaderClasses())  # SMTP's, with the header classes made once


def format_address(address: Address) -> str:
    return formataddr((address.name, address.email)) if address.name else address.email


def build_message(mail: OutgoingMail, sender: Address) -> EmailMessage:
    """The message as a provider should store or send it.

    ``sender`` is used when ``mail.sender`` is empty. A Message-ID is made (on the
    sender's domain) when the mail has none, so a draft can be found again by it.
    """
    author = mail.sender or sender
    msg = EmailMessage(policy=POLICY)
    msg["From"] = format_address(author)
    msg["To"] = ", ".join(format_address(a) for a in mail.to)
    msg["Subject"] = mail.subject
    msg["Date"] = format_datetime(clock.now())
    domain = author.email.rpartition("@")[2] or None
    msg["Message-ID"] = mail.message_id or make_msgid(domain=domain)
    if mail.in_reply_to:
        msg["In-Reply-To"] = mail.in_reply_to
    references = list(mail.references) or ([mail.in_reply_to] if mail.in_reply_to else [])
    if references:
        msg["References"] = " ".join(references)
    for name, value in mail.extra_headers:
        if name.lower() in RECIPIENT_HEADERS:
            raise ValueError(f"header {name!r} cannot be set through extra_headers")
        msg[name] = value
    msg.set_content(mail.text)
    if mail.html:
        msg.add_alternative(mail.html, subtype="html")
    return msg
