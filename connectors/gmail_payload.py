"""Gmail ``format=full`` messages (as ``users.threads.get`` returns them) -> ``MailRecord``.

A ``format=full`` message carries no raw bytes: its ``payload`` is the MIME tree as JSON
(https://developers.google.com/gmail/api/reference/rest/v1/users.messages#MessagePart):
each part has ``mimeType``, ``headers`` (name/value, as written in the message),
``body`` (``data``: the part's content *already transfer-decoded*, base64url; or an
``attachmentId`` and a ``size`` for attachments) and ``parts``.

So that the decoding rules stay exactly syncd's (charsets, RFC 2047/2231, HTML to text,
``format=flowed``, attachments listed, the Message-ID made up when missing), the tree is
written back as MIME bytes and read by :func:`syncd.mime.parse_message`, the parser every
raw-mail connector uses; there is no second parser here. Each leaf is written with its
own headers and its decoded content re-encoded base64 (its original
Content-Transfer-Encoding header dropped: Gmail already undid it); multiparts keep their
boundary. An attachment's content is not in the answer: the record lists it with the
``size`` Gmail gives, and the record's ``size`` is ``sizeEstimate``.
"""

from __future__ import annotations

import base64
import dataclasses
import re
from typing import Any

from connectors.base import MailRecord
from syncd.mime import parse_message

_FOLD = re.compile(r"\r?\n[ \t]*")
_BOUNDARY = re.compile(r"""boundary\s*=\s*(?:"([^"]+)"|([^\s;]+))""", re.I)
_MAX_DEPTH = 40


def _data(body: dict[str, Any]) -> bytes:
    text = str(body.get("data") or "")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _headers(part: dict[str, Any], extra: list[tuple[str, str]] | None = None) -> bytes:
    lines = []
    for header in part.get("headers") or ():
        name, value = str(header["name"]), str(header.get("value", ""))
        if name.lower() == "content-transfer-encoding":
            continue
        lines.append(f"{name}: {_FOLD.sub(chr(13) + chr(10) + ' ', value)}\r\n")
    lines.extend(f"{name}: {value}\r\n" for name, value in extra or ())
    return "".join(lines).encode("utf-8", "surrogateescape")


def _has(part: dict[str, Any], name: str) -> bool:
    return any(str(h.get("name", "")).lower() == name for h in part.get("headers") or ())


def _write(part: dict[str, Any], depth: int = 0) -> bytes:
    mime = str(part.get("mimeType") or "text/plain").lower()
    children = part.get("parts") or []
    if depth > _MAX_DEPTH:
        children = []
    if mime.startswith("multipart/") and children:
        content_type = next((str(h.get("value", "")) for h in part.get("headers") or () if str(h.get("name", "")).lower() == "content-type"), "")
        found = _BOUNDARY.search(content_type)
        extra: list[tuple[str, str]] = []
        if found:
            boundary = found.group(1) or found.group(2)
        else:  # no boundary written: make one (the parts below are base64 or headers: no clash)
            boundary = f"syncd-part-{depth}-{len(children)}"
            part = {**part, "headers": [h for h in part.get("headers") or () if str(h.get("name", "")).lower() != "content-type"]}
            extra.append(("Content-Type", f'{mime}; boundary="{boundary}"'))
        inner = b"".join(b"--" + boundary.encode() + b"\r\n" + _write(child, depth + 1) + b"\r\n" for child in children)
        return _headers(part, extra) + b"\r\n" + inner + b"--" + boundary.encode() + b"--\r\n"
    extra = [] if _has(part, "content-type") else [("Content-Type", mime)]
    if mime.startswith("message/"):  # an attached message: its bytes (or its tree) as they are
        content = _write(children[0], depth + 1) if children else _data(part.get("body") or {})
        return _headers(part, extra) + b"\r\n" + content
    content = _data(part.get("body") or {})
    encoded = base64.encodebytes(content).replace(b"\n", b"\r\n")
    return _headers(part, [*extra, ("Content-Transfer-Encoding", "base64")]) + b"\r\n" + encoded


def payload_bytes(payload: dict[str, Any]) -> bytes:
    """The MIME bytes a ``format=full`` payload stands for (attachment contents left out)."""
    if not isinstance(payload, dict) or not payload.get("headers"):
        raise ValueError("format=full message without payload headers")
    return _write(payload)


def _attachment_sizes(part: dict[str, Any], out: list[tuple[str, int]], depth: int = 0) -> list[tuple[str, int]]:
    body = part.get("body") or {}
    if body.get("attachmentId") and not body.get("data"):
        out.append((str(part.get("mimeType", "")).lower(), int(body.get("size") or 0)))
    for child in part.get("parts") or () if depth < _MAX_DEPTH else ():
        _attachment_sizes(child, out, depth + 1)
    return out


def full_record(message: dict[str, Any], *, folder: str, folder_role: str, flags: frozenset[str]) -> MailRecord:
    """One ``format=full`` message as a record, decoded by ``syncd.mime``.

    Raises ``ParseError``/``ValueError``/``KeyError`` for a message that cannot be read
    (the caller quarantines it)."""
    pid = str(message["id"])
    raw = payload_bytes(message.get("payload") or {})
    record = parse_message(raw, provider_id=pid, folder=folder, folder_role=folder_role, flags=flags,
                           thread_id=str(message.get("threadId", "")))
    sizes = _attachment_sizes(message["payload"], [])
    attachments = []
    for attachment in record.attachments:  # contents were not sent: take the sizes Gmail gives
        match = next((i for i, (ctype, _) in enumerate(sizes) if ctype == attachment.content_type), None)
        if attachment.size == 0 and match is not None:
            attachment = dataclasses.replace(attachment, size=sizes.pop(match)[1])
        attachments.append(attachment)
    return dataclasses.replace(record, attachments=tuple(attachments), size=int(message.get("sizeEstimate") or len(raw)))
