"""Bounces: which recipients a delivery report says can no longer be reached.

``bounced(msg, ...)`` is called by ``syncd.mime`` for every message; it returns the
lower-cased addresses whose delivery *failed for good*, or ``()``. Precision beats
coverage: a wrong answer stops syncd from ever writing to a live person, so when a
report is unclear nothing is returned.

* **RFC 3464 delivery status notifications** (``multipart/report;
  report-type=delivery-status``, https://www.rfc-editor.org/rfc/rfc3464): each
  per-recipient block of the ``message/delivery-status`` part (or
  ``message/global-delivery-status``, RFC 6533) counts when its ``Action`` is
  ``failed`` *and* its ``Status`` is a permanent ``5.x.x`` (RFC 3463). ``delayed``, and a
  ``failed`` with a ``4.x.x`` status (a transient error the MTA gave up on), are not
  bounces; nor are the permanent codes that refuse *this message* rather than the
  address (RFC 3463: 5.2.2 mailbox full, 5.2.3 / 5.3.4 too long, 5.4.6 routing loop,
  5.6.x content, 5.7.x policy and spam filters): the person is still there. The address is the ``Original-Recipient`` (the one the
  user wrote) when given, else the ``Final-Recipient``. Reports only count at the top
  of the message: a bounce forwarded inside another message says nothing about the
  user's own mail.
* **Older, non-standard notices** (qmail "failure notice", Gmail's text-only "Delivery
  Status Notification (Failure)", postmaster notes): only when the sender is a
  ``mailer-daemon``/``postmaster``, the notice says delivery failed for good and nothing
  about a delay or a retry, it names exactly one address (``X-Failed-Recipients`` or
  the text before the returned message), and the returned copy of the user's message
  has that address in its ``To``/``Cc``: an address the user wrote to.
* A report that reached the user through a mailing list (``List-Id``) is about the
  list's mail, not the user's: ignored.

Providers that hand over a message's headers and text but not its MIME parts
(Microsoft Graph) use ``bounced_from_text``: the notices can be read that way, the
RFC 3464 reports cannot (their delivery-status part is not given).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from email.message import Message
from email.utils import getaddresses

from connectors.base import Address

_DSN_TYPES = frozenset({"message/delivery-status", "message/global-delivery-status"})
_COPY_TYPES = frozenset({"message/rfc822", "text/rfc822-headers", "message/global", "message/global-headers"})
_DAEMON = re.compile(r"^(?:mailer-daemon|postmaster)$", re.I)
_PERMANENT_STATUS = re.compile(r"^\s*5\.(\d{1,3})\.(\d{1,3})\b")
_MESSAGE_REFUSED = frozenset({(2, 2), (2, 3), (3, 4), (4, 6)})  # and every 5.6.x, 5.7.x
_EMAIL = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+")
# Where a notice ends and the returned copy of the message starts.
_COPY_START = re.compile(
    r"^(?:[\s>-]*(?:-{2,}|={2,}|\*{2,}).*(?:original message|below this line|copy of the message|returned message|"
    r"message headers)|\s*original message follows|\s*-+\s*original message\s*-+|"
    r"(?:return-path|received|message-id|mime-version):)", re.I | re.M)
_FAILED = re.compile(
    r"could ?n[o']t be delivered|undeliverable|undelivered|failed permanently|permanent (?:error|failure)"
    r"|delivery (?:has )?failed|(?:was ?n[o']t|was not|wasn't) able to deliver|unable to deliver"
    r"|user unknown|no such (?:user|recipient|mailbox)|address rejected|recipient rejected|invalid recipient", re.I)
_TRANSIENT = re.compile(
    r"delay|temporar|will (?:be )?retr|still (?:being )?(?:retried|trying)|will (?:continue|keep) trying"
    r"|not yet been delivered|warning", re.I)
_COPY_RECIPIENTS = re.compile(r"^(?:to|cc)[ \t]*:(.*(?:\r?\n[ \t]+.*)*)", re.I | re.M)
_MAX_NOTICE = 20_000


Children = Callable[[Message], "list[Message] | None"]


def bounced(msg: Message, sender: Address | None, to: tuple[Address, ...], subject: str, body: str,
            children: Children) -> tuple[str, ...]:
    """The addresses this message reports as permanently undeliverable (sorted).
    ``children`` lists a multipart's parts (``syncd.mime`` mends a lost boundary)."""
    try:
        if msg.get("list-id"):
            return ()
        if msg.get_content_type() == "multipart/report":
            return _from_reports(children(msg) or [])
        if sender is not None and _DAEMON.match(sender.email.partition("@")[0]):
            return _from_notice(msg, sender, to, subject, body)
    except Exception:  # noqa: BLE001 - a report we cannot read is no bounce
        return ()
    return ()


def bounced_from_text(headers: Mapping[str, str], sender: Address | None, to: tuple[Address, ...], subject: str,
                      body: str) -> tuple[str, ...]:
    """``bounced`` for a message known only by its header fields and its text."""
    msg = Message()
    for name in ("content-type", "list-id", "x-failed-recipients"):
        if headers.get(name):
            msg[name] = headers[name]
    return bounced(msg, sender, to, subject, body, lambda _: None)


# -- RFC 3464 ----------------------------------------------------------------------------


def _from_reports(parts: list[Message]) -> tuple[str, ...]:
    found: set[str] = set()
    for part in parts:
        if part.get_content_type() in _DSN_TYPES:
            for block in _blocks(part):
                address = _failed_recipient(block)
                if address:
                    found.add(address)
    return tuple(sorted(found))


def _blocks(part: Message) -> list[dict[str, str]]:
    """The field blocks of a delivery-status part: per-message first, then one per recipient."""
    payload = part.get_payload()
    if isinstance(payload, list):  # compat32 parses message/delivery-status into blocks
        return [{k.lower(): str(v) for k, v in block.items()} for block in payload if isinstance(block, Message)]
    data = part.get_payload(decode=True)
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else str(payload)
    blocks: list[dict[str, str]] = []
    for chunk in re.split(r"\r?\n[ \t]*\r?\n", text.strip()):
        fields: dict[str, str] = {}
        for line in re.sub(r"\r?\n[ \t]+", " ", chunk).splitlines():
            name, colon, value = line.partition(":")
            if colon and name.strip():
                fields.setdefault(name.strip().lower(), value.strip())
        if fields:
            blocks.append(fields)
    return blocks


def _failed_recipient(block: dict[str, str]) -> str:
    action = block.get("action", "").split("(")[0].strip().lower()
    status = _PERMANENT_STATUS.match(block.get("status", ""))
    if action != "failed" or status is None:
        return ""
    subject, detail = int(status.group(1)), int(status.group(2))
    if subject in (6, 7) or (subject, detail) in _MESSAGE_REFUSED:
        return ""
    for name in ("original-recipient", "final-recipient"):
        kind, semicolon, value = block.get(name, "").partition(";")
        if semicolon and kind.strip().lower() in ("rfc822", "utf-8"):
            address = value.strip().strip("<>").strip().lower()
            if _EMAIL.fullmatch(address):
                return address
    return ""


# -- non-standard notices ------------------------------------------------------------------


def _from_notice(msg: Message, sender: Address, to: tuple[Address, ...], subject: str, body: str) -> tuple[str, ...]:
    text = body[:_MAX_NOTICE]
    cut = _COPY_START.search(text)
    notice, copy = (text[:cut.start()], text[cut.start():]) if cut else (text, "")
    if not _FAILED.search(f"{subject}\n{notice}") or _TRANSIENT.search(f"{subject}\n{notice}"):
        return ()
    ignore = {sender.email.lower(), *(a.email.lower() for a in to)}
    failed_header = str(msg.get("x-failed-recipients", "") or "")
    named = {a.lower() for a in _EMAIL.findall(failed_header or notice)}
    named = {a for a in named if a not in ignore and not _DAEMON.match(a.partition("@")[0])}
    if len(named) != 1:
        return ()
    written_to = _copy_recipients(msg, copy)
    address = named.pop()
    return (address,) if address in written_to else ()


def _copy_recipients(msg: Message, copy: str) -> set[str]:
    """The To/Cc addresses of the returned copy: an enclosed part, or headers in the text."""
    found: set[str] = set()
    for part in msg.walk():
        if part is msg or part.get_content_type() not in _COPY_TYPES:
            continue
        inner = part.get_payload()
        heads = inner[0] if isinstance(inner, list) and inner and isinstance(inner[0], Message) else None
        if heads is not None:
            values = [str(v) for v in heads.get_all("to", []) + heads.get_all("cc", [])]
        else:
            values = [m.group(1) for m in _COPY_RECIPIENTS.finditer(str(inner)[:_MAX_NOTICE])]
        found.update(a.lower() for _, a in getaddresses(values) if "@" in a)
    values = [m.group(1) for m in _COPY_RECIPIENTS.finditer(copy)]
    found.update(a.lower() for _, a in getaddresses(values) if "@" in a)
    return found
