"""Microsoft Graph JSON -> records: messages and events, parsed once, here.

* **Messages** (https://learn.microsoft.com/graph/api/resources/message): addresses
  from ``from``/``sender``, ``toRecipients``, ``ccRecipients``, ``bccRecipients``,
  ``replyTo``; the date is ``receivedDateTime`` (``sentDateTime`` as a fallback); the
  body is whatever ``body.contentType`` says (text when the request asked for
  ``Prefer: outlook.body-content-type="text"``, else HTML converted here). Threading
  and the signals of automated mail come from ``internetMessageHeaders`` where Graph
  gives them (In-Reply-To, References, List-Id, Auto-Submitted, Precedence). ``isRead``
  is sometimes a string ("true"), as in Graph's own delta example. "replied" is the
  MAPI property PidTagLastVerbExecuted (``Integer 0x1081``: 102 reply, 103 reply all),
  asked for with ``$expand=singleValueExtendedProperties``. Graph only says *whether*
  a message has attachments (``hasAttachments``) without fetching them: one unnamed
  :class:`Attachment` stands for "some".
* **Events** (https://learn.microsoft.com/graph/api/resources/event): ``start``/``end``
  are a wall time plus a zone that may be a Windows name ("Pacific Standard Time"),
  mapped to IANA with the CLDR table tzlocal ships; attendees' ``status.response`` and
  ``type`` map to iCalendar PARTSTAT and ROLE; the call link is
  ``onlineMeeting.joinUrl`` (or the older ``onlineMeetingUrl``).

Anything malformed raises :class:`ParseError`; the connector quarantines that item.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import zoneinfo
from collections.abc import Iterable, Mapping
from typing import Any

from tzlocal.windows_tz import win_tz

from connectors.base import Address, Attachment, AttendeeRecord, EventRecord, MailRecord
from syncd.errors import ParseError
from syncd.htmltext import html_to_text
from syncd.mimebounce import bounced_from_text

LAST_VERB = "Integer 0x1081"  # PidTagLastVerbExecuted
REPLIED_VERBS = {"102", "103"}  # EXCHIVERB_REPLYTOSENDER, EXCHIVERB_REPLYTOALL

PARTSTAT = {
    "none": "NEEDS-ACTION", "notresponded": "NEEDS-ACTION", "accepted": "ACCEPTED", "organizer": "ACCEPTED",
    "declined": "DECLINED", "tentativelyaccepted": "TENTATIVE",
}
ROLE = {"required": "REQ-PARTICIPANT", "optional": "OPT-PARTICIPANT", "resource": "NON-PARTICIPANT"}
_FRACTION = re.compile(r"\.(\d{6})\d+")
_MSG_ID = re.compile(r"<[^<>\s]+>")


def truthy(value: Any) -> bool:
    """Graph booleans, which sometimes arrive as strings ("true")."""
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return bool(value)


def address(value: Any) -> Address | None:
    """``{"emailAddress": {"name", "address"}}`` -> Address (None when there is no address)."""
    if value is None:
        return None
    if not isinstance(value, Mapping) or not isinstance(value.get("emailAddress", {}), Mapping):
        raise ParseError(f"not a Graph recipient: {value!r:.80}")
    inner = value.get("emailAddress") or {}
    email = str(inner.get("address") or "").strip().lower()
    return Address(email, str(inner.get("name") or "").strip()) if email else None


def addresses(values: Any) -> tuple[Address, ...]:
    if values is None:
        return ()
    if not isinstance(values, list):
        raise ParseError(f"not a list of recipients: {values!r:.80}")
    return tuple(a for a in (address(v) for v in values) if a is not None)


def utc(value: Any) -> dt.datetime | None:
    """An ISO 8601 instant ("2018-09-09T03:15:08Z") as an aware UTC datetime."""
    if value in (None, ""):
        return None
    try:
        parsed = dt.datetime.fromisoformat(_FRACTION.sub(r".\1", str(value)).replace("Z", "+00:00"))
    except ValueError as err:
        raise ParseError(f"not a date: {value!r:.60}") from err
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)).astimezone(dt.UTC)


def zone(name: str) -> dt.tzinfo:
    """A Graph time zone: a Windows name, an IANA name, or UTC."""
    name = (name or "UTC").strip()
    if name.upper() in ("UTC", "Z", "GMT", "COORDINATED UNIVERSAL TIME"):
        return dt.UTC
    iana = win_tz.get(name, name)
    try:
        return zoneinfo.ZoneInfo(iana)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as err:
        raise ParseError(f"unknown time zone {name!r}") from err


def wall_time(value: Any) -> dt.datetime:
    """Graph's ``dateTimeTimeZone`` (``{"dateTime", "timeZone"}``) as an aware UTC datetime."""
    if not isinstance(value, Mapping) or not value.get("dateTime"):
        raise ParseError(f"not a dateTimeTimeZone: {value!r:.80}")
    try:
        naive = dt.datetime.fromisoformat(_FRACTION.sub(r".\1", str(value["dateTime"])).replace("Z", ""))
    except ValueError as err:
        raise ParseError(f"not a date: {value['dateTime']!r:.60}") from err
    tz = zone(str(value.get("timeZone") or "UTC"))
    local = naive.replace(tzinfo=tz) if naive.tzinfo is None else naive
    return local.astimezone(dt.UTC)


def _body(value: Any) -> str:
    if not isinstance(value, Mapping):
        return ""
    content = str(value.get("content") or "")
    return html_to_text(content) if str(value.get("contentType", "")).lower() == "html" else content.replace("\r\n", "\n")


def _headers(values: Any) -> dict[str, str]:
    found: dict[str, str] = {}
    for header in values if isinstance(values, list) else ():
        if isinstance(header, Mapping) and header.get("name"):
            found.setdefault(str(header["name"]).lower(), str(header.get("value") or ""))
    return found


def extended(item: Mapping[str, Any], prop: str) -> str | None:
    for entry in item.get("singleValueExtendedProperties") or ():
        if isinstance(entry, Mapping) and str(entry.get("id", "")).lower() == prop.lower():
            return str(entry.get("value"))
    return None


def mail_flags(item: Mapping[str, Any]) -> frozenset[str]:
    flags = set()
    if truthy(item.get("isRead")):
        flags.add("seen")
    flag = item.get("flag")
    if isinstance(flag, Mapping) and str(flag.get("flagStatus", "")).lower() == "flagged":
        flags.add("flagged")
    if truthy(item.get("isDraft")):
        flags.add("draft")
    if extended(item, LAST_VERB) in REPLIED_VERBS:
        flags.add("replied")
    return frozenset(flags)


def mail_record(item: Mapping[str, Any], provider_id: str, folder: str, role: str) -> MailRecord:
    """One message of a delta page. Raises ParseError for an item syncd cannot read."""
    if not isinstance(item, Mapping) or not item.get("id"):
        raise ParseError("a message without an id")
    date = utc(item.get("receivedDateTime")) or utc(item.get("sentDateTime"))  # a malformed one raises
    headers = _headers(item.get("internetMessageHeaders"))
    message_id = str(item.get("internetMessageId") or "").strip() or _synthetic_id(item)
    references = tuple(_MSG_ID.findall(headers.get("references", "")))
    in_reply_to = next(iter(_MSG_ID.findall(headers.get("in-reply-to", ""))), "")
    sender = address(item.get("from")) or address(item.get("sender"))
    to, subject, body = addresses(item.get("toRecipients")), str(item.get("subject") or ""), _body(item.get("body"))
    return MailRecord(
        provider_id=provider_id,
        message_id=message_id,
        folder=folder,
        folder_role=role,
        date=date,
        subject=subject,
        sender=sender,
        to=to,
        cc=addresses(item.get("ccRecipients")),
        bcc=addresses(item.get("bccRecipients")),
        reply_to=addresses(item.get("replyTo")),
        in_reply_to=in_reply_to,
        references=references,
        thread_id=str(item.get("conversationId") or ""),
        body_text=body,
        flags=mail_flags(item),
        attachments=(Attachment("", "", 0),) if truthy(item.get("hasAttachments")) else (),
        list_id=headers.get("list-id", ""),
        list_unsubscribe=headers.get("list-unsubscribe", ""),
        precedence=headers.get("precedence", ""),
        auto_submitted=headers.get("auto-submitted", ""),
        content_type=headers.get("content-type", "").split(";", 1)[0].strip().lower(),
        bounced=bounced_from_text(headers, sender, to, subject, body),  # notices only: no MIME parts here
    )


def _synthetic_id(item: Mapping[str, Any]) -> str:
    """A stable Message-ID for an item Graph gives none (rare: some system messages)."""
    digest = hashlib.sha256(f"{item.get('id')}|{item.get('conversationId')}".encode()).hexdigest()[:24]
    return f"<graph-{digest}@syncd.invalid>"


def attendee(value: Any, *, organizer: bool = False) -> AttendeeRecord | None:
    who = address(value)
    if who is None:
        return None
    if organizer:
        return AttendeeRecord(who.email, who.name, "ACCEPTED", "CHAIR")
    status = value.get("status") if isinstance(value.get("status"), Mapping) else {}
    response = str(status.get("response") or "none").lower()
    return AttendeeRecord(
        who.email, who.name, PARTSTAT.get(response, "NEEDS-ACTION"),
        ROLE.get(str(value.get("type") or "required").lower(), "REQ-PARTICIPANT"),
    )


def call_link(item: Mapping[str, Any]) -> str:
    online = item.get("onlineMeeting")
    if isinstance(online, Mapping) and online.get("joinUrl"):
        return str(online["joinUrl"])
    return str(item.get("onlineMeetingUrl") or "")


def event_record(item: Mapping[str, Any], calendar: str = "Calendar") -> EventRecord:
    """One occurrence of a calendarView delta page. Raises ParseError for one syncd cannot read."""
    if not isinstance(item, Mapping) or not item.get("id"):
        raise ParseError("an event without an id")
    start, end = wall_time(item.get("start")), wall_time(item.get("end"))
    all_day = truthy(item.get("isAllDay"))
    if all_day:  # all-day events start at 00:00 UTC of their own date
        start = dt.datetime.combine(wall_date(item.get("start")), dt.time(), dt.UTC)
        end = dt.datetime.combine(wall_date(item.get("end")), dt.time(), dt.UTC)
    location = item.get("location")
    return EventRecord(
        provider_id=str(item["id"]),
        uid=str(item.get("iCalUId") or item["id"]),
        summary=str(item.get("subject") or "").strip(),
        description=_body(item.get("body")),
        location=str(location.get("displayName") or "") if isinstance(location, Mapping) else "",
        url=call_link(item),
        start=start,
        end=end,
        all_day=all_day,
        status="TENTATIVE" if str(item.get("showAs", "")).lower() == "tentative" else "CONFIRMED",
        organizer=attendee(item.get("organizer"), organizer=True),
        attendees=tuple(a for a in _attendees(item.get("attendees")) if a is not None),
        calendar=calendar,
        recurring=str(item.get("type") or "").lower() in ("occurrence", "exception"),
    )


def wall_date(value: Any) -> dt.date:
    if not isinstance(value, Mapping):
        raise ParseError(f"not a dateTimeTimeZone: {value!r:.80}")
    try:
        return dt.date.fromisoformat(str(value.get("dateTime", ""))[:10])
    except ValueError as err:
        raise ParseError(f"not a date: {value!r:.60}") from err


def _attendees(values: Any) -> Iterable[AttendeeRecord | None]:
    if values is None:
        return ()
    if not isinstance(values, list):
        raise ParseError(f"attendees is not a list: {values!r:.80}")
    return [attendee(v) for v in values]
