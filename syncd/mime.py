"""RFC 5322 / MIME bytes -> ``MailRecord``: the one parser behind every raw-mail connector
(Maildir, mbox, IMAP, Gmail ``format=raw``).

* **Policy ``compat32``**: on the project corpus it is ~15x faster than ``policy.default``
  once headers are read (``benchmarks/mime_policy.py``), and reading a header builds no
  header object, so no malformed field can raise there. The decoding the modern policy
  would do is done here, each step guarded: RFC 2047 encoded words
  (``email.header.decode_header``), RFC 2231 parameters (``Message.get_filename``) and
  8-bit header bytes (RFC 6532 UTF-8, else the message's own charset, else cp1252).
  The tree is built by ``syncd.mimetree``: the feedparser's tree, without its
  line-by-line walk through every body.
* **Charsets**: declared (labels read as browsers do, WHATWG), then UTF-8, then the hint;
  then the declared codec with replacements, or UTF-8 if only a few bytes are broken,
  else cp1252 / latin-1. A bogus label never raises.
* **Repair, then give up**: leading blank lines, ``Name : value`` (RFC 5322 4.5) and stray
  lines inside the header block are mended and the bytes parsed again. ``ParseError``
  only for input with no header field at all (empty files, images, plain text).
* **Body**: text/plain preferred in ``multipart/alternative``; HTML-only mail goes through
  ``syncd.htmltext``. Parts with ``Content-Disposition: attachment`` or a file name are
  attachments; ``message/rfc822`` is an attachment (a forwarded message), never merged.
  ``format=flowed`` (RFC 3676) is unwrapped. Capped at ``MAX_BODY_CHARS``.
* **Attachments** are listed, never stored; base64 sizes come from the encoded length.
* **Message-ID**: without one, ``<sha1@syncd.invalid>`` of the raw From, Date, Subject and
  first 4 KB of body, line endings normalised: Maildir (LF) and IMAP (CRLF) copies of a
  message get the same id on every run, so a resync never duplicates it.
* **Bounces**: the recipients a delivery report says are gone for good
  (``MailRecord.bounced``), read by ``syncd.mimebounce``.
"""

from __future__ import annotations

import binascii
import hashlib
import logging
import re
from email.errors import MissingHeaderBodySeparatorDefect
from email.message import Message
from email.parser import BytesParser
from email.policy import compat32
from email.utils import collapse_rfc2231_value

from connectors.base import Attachment, MailRecord
from syncd.errors import ParseError
from syncd.htmltext import html_to_text
from syncd.mimebounce import bounced
from syncd.mimehead import (  # noqa: F401 - the header half of this module
    _addresses,
    _charset_of,
    _CharsetHint,
    _codec,
    _date,
    _decode,
    _Fields,
    _fields,
    _header,
    _Hint,
    _msg_ids,
    _raw,
    _safe,
    _text,
    _words,
)
from syncd.mimetree import parse_bytes

__all__ = ["MAX_BODY_CHARS", "parse_message"]

log = logging.getLogger(__name__)

MAX_BODY_CHARS = 256 * 1024
_MAX_HTML_CHARS = 1024 * 1024  # HTML handed to the (pure Python) converter
_MAX_DEPTH = 40  # MIME nesting followed
_PARSER = BytesParser(policy=compat32)
# Python 3.11.10+ / 3.12.6+ made getaddresses strict: keep one lenient behaviour everywhere.
_HEADER_LINE = re.compile(rb"([\x21-\x39\x3b-\x7e]+)[ \t]*:")
_LEADING_BLANKS = re.compile(rb"(?:[ \t]*\r?\n)*")
_HEAD_END = re.compile(rb"\n\r?\n")
_LINE_ENDS = re.compile(r"\r\n?")
_BOUNDARY = re.compile(rb"^--([^\s\"]{1,70}?)\s*$", re.M)
_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?([\w.:-]+)""", re.I)
_B64_JUNK = re.compile(rb"[^A-Za-z0-9+/]")
_COMPAT32_CTES = frozenset({"base64", "quoted-printable", "x-uuencode", "uuencode", "uue", "x-uue"})


def parse_message(
    raw: bytes,
    *,
    provider_id: str,
    folder: str = "",
    folder_role: str = "inbox",
    flags: frozenset[str] = frozenset(),
    thread_id: str = "",
) -> MailRecord:
    """Parse one raw message, best effort.

    Raises ``ParseError`` only when ``raw`` is not a mail message at all (empty, or no
    header field in it); any other defect degrades one field, never the message.
    """
    msg, complete = _load(raw)
    hint = _CharsetHint(msg)
    fields = _fields(msg)

    def header(name: str) -> str:
        return _header(fields, name, hint)

    written = _addresses(header("from")) + _addresses(header("sender"))
    senders = [a for a in written if "@" in a.email] or written  # <MAILER-DAEMON> last
    ids = _msg_ids(header("message-id"))
    try:
        body, attachments = _body(msg, hint) if complete else ("", ())
    except Exception:  # noqa: BLE001 - a body we cannot read must not cost the touchpoint
        log.warning("message %s: body unreadable, kept headers only", provider_id, exc_info=True)
        body, attachments = "", ()
    sender, to, subject = (senders[0] if senders else None), _addresses(header("to")), _words(header("subject"))
    return MailRecord(
        provider_id=provider_id,
        message_id=ids[0] if ids else _synthetic_id(fields, raw),
        folder=folder,
        folder_role=folder_role,
        date=_date(header("date")),
        subject=subject,
        sender=sender,
        to=to,
        cc=_addresses(header("cc")),
        bcc=_addresses(header("bcc")),
        reply_to=_addresses(header("reply-to")),
        in_reply_to=next(iter(_msg_ids(header("in-reply-to"))), ""),
        references=tuple(dict.fromkeys(_msg_ids(header("references")))),
        thread_id=thread_id,
        body_text=body,
        flags=flags,
        attachments=attachments,
        size=len(raw),
        list_id=_words(header("list-id")),
        list_unsubscribe=header("list-unsubscribe"),
        precedence=header("precedence").lower(),
        auto_submitted=header("auto-submitted").lower(),
        content_type=_safe(msg.get_content_type, "text/plain").lower(),
        bounced=bounced(msg, sender, to, subject, body, _children) if complete else (),
    )


# -- loading ----------------------------------------------------------------------------


def _load(raw: bytes) -> tuple[Message, bool]:
    """Parse, mending the header block if the first try lost it: ``(msg, body parsed)``."""
    if not raw or raw.isspace():
        raise ParseError("not a mail message: the input is empty or blank")
    msg, complete = _parse(raw)
    if not msg.keys() or any(isinstance(d, MissingHeaderBodySeparatorDefect) for d in msg.defects):
        mended = _repair(raw)
        if mended != raw:
            msg, complete = _parse(mended)
    if not msg.keys():
        raise ParseError(f"not a mail message: no RFC 5322 header field in {len(raw)} bytes")
    return msg, complete


def _parse(data: bytes) -> tuple[Message, bool]:
    try:
        return parse_bytes(data), True
    except Exception:  # noqa: BLE001 - e.g. RecursionError on a MIME bomb: keep the headers
        try:
            return _PARSER.parsebytes(data, headersonly=True), False
        except Exception as err:  # noqa: BLE001
            raise ParseError(f"cannot parse the message: {type(err).__name__}: {err}") from err


def _repair(raw: bytes) -> bytes:
    """Drop leading blank lines, write ``Name :`` as ``Name:``, drop stray lines between
    header fields; ``raw`` itself when none of that applies. The first line must be a
    field (or an mbox ``From `` line): text that starts otherwise is not made a message."""
    head_start = _LEADING_BLANKS.match(raw).end()  # type: ignore[union-attr]
    found = _HEAD_END.search(raw, head_start)
    head_stop = found.start() + 1 if found else len(raw)
    lines = raw[head_start:head_stop].splitlines(keepends=True)
    fields = [bool(_HEADER_LINE.match(line)) and b"\x00" not in line for line in lines]
    if not (fields and (fields[0] or lines[0].startswith(b"From "))):
        return raw
    last_field = max(i for i, is_field in enumerate(fields) if is_field) if any(fields) else 0
    changed = head_start > 0
    out: list[bytes] = []
    for i, line in enumerate(lines):
        m = _HEADER_LINE.match(line) if fields[i] else None
        if m:
            out.append(m.group(1) + b":" + line[m.end() :])
            changed |= m.end() != len(m.group(1)) + 1
        elif i == 0 or line[:1] in (b" ", b"\t"):  # mbox envelope, continuation
            out.append(line)
        elif i > last_field:  # the body starts here, without a blank line before it
            out += [b"\n", *lines[i:]]
            break
        else:
            changed = True  # a stray line between fields, dropped
    return b"".join(out) + raw[head_stop:] if changed else raw


# -- headers ----------------------------------------------------------------------------


def _synthetic_id(fields: _Fields, raw: bytes) -> str:
    """A stable id from raw header bytes and the start of the body (CRLF == LF)."""
    digest = hashlib.sha1()
    for name in ("from", "date", "subject"):
        digest.update(b" ".join(_raw(fields, name).split()) + b"|")
    cuts = [i for i in (raw.find(b"\n\n"), raw.find(b"\n\r\n")) if i >= 0]
    if cuts:
        digest.update(raw[min(cuts) : min(cuts) + 8192].replace(b"\r\n", b"\n").strip()[:4096])
    return f"<{digest.hexdigest()}@syncd.invalid>"


# -- body and attachments ---------------------------------------------------------------

class _Segment:
    """A text part, decoded the first time its text is read: the HTML of an alternative
    with a usable plain option, and text past ``MAX_BODY_CHARS``, never are."""

    __slots__ = ("is_html", "_part", "_hint", "_text")

    def __init__(self, is_html: bool, part: Message, hint: _Hint) -> None:
        self.is_html, self._part, self._hint = is_html, part, hint
        self._text: str | None = None

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = _part_text(self._part, self._hint)
        return self._text


def _body(msg: Message, hint: _Hint) -> tuple[str, tuple[Attachment, ...]]:
    segments: list[_Segment] = []
    attachments: list[Attachment] = []
    _collect(msg, 0, segments, attachments, hint)
    texts: list[str] = []
    for segment in segments:
        if sum(map(len, texts)) > MAX_BODY_CHARS:
            break
        text = html_to_text(segment.text[:_MAX_HTML_CHARS]) if segment.is_html else segment.text
        if text.strip():
            texts.append(text.replace("\x00", "").strip("\n"))
    return "\n\n".join(texts)[:MAX_BODY_CHARS].rstrip(), tuple(attachments)


def _usable(option: list[_Segment]) -> bool:
    return any(segment.text.strip() for segment in option)


def _collect(part: Message, depth: int, out: list[_Segment], atts: list[Attachment], hint: _Hint) -> None:
    ctype = _safe(part.get_content_type, "text/plain").lower()
    maintype, _, subtype = ctype.partition("/")
    if maintype == "multipart" and depth < _MAX_DEPTH:
        children = _children(part)
        if children is None:  # no usable boundary: read it as text
            out.append(_Segment(False, part, hint))
        elif subtype == "alternative":  # first non-empty all-plain option, else first non-empty
            options: list[list[_Segment]] = []
            for child in children:
                options.append([])
                _collect(child, depth + 1, options[-1], atts, hint)
            plain = (o for o in options if not any(segment.is_html for segment in o) and _usable(o))
            chosen: list[_Segment] | None = next(plain, None) or next((o for o in options if _usable(o)), None)
            out.extend(chosen or [])
        else:
            for child in children:
                _collect(child, depth + 1, out, atts, hint)
        return
    fields = _fields(part)  # what part.get(name) gives, read in one pass
    filename = _filename(part, fields, maintype)
    disposition = _safe(fields.get, "", "content-disposition", "").split(";", 1)[0]
    attached = bool(filename) or disposition.strip().lower() == "attachment"
    if maintype == "text" and subtype in ("plain", "html") and not attached:
        out.append(_Segment(subtype == "html", part, hint))
    elif maintype != "multipart":
        atts.append(Attachment(filename=filename, content_type=ctype, size=_size(part)))


def _children(part: Message) -> list[Message] | None:
    payload = part.get_payload()
    if not isinstance(payload, list):  # no (right) boundary parameter: find the delimiter used
        data = _payload_bytes(part)
        found = _BOUNDARY.search(data)
        if not found or data.count(b"--" + found.group(1)) < 2:
            return None
        head = b'Content-Type: multipart/mixed; boundary="' + found.group(1) + b'"\n\n'
        try:
            payload = parse_bytes(head + data).get_payload()
        except Exception:  # noqa: BLE001
            return None
    return [p for p in payload if isinstance(p, Message)] if isinstance(payload, list) else None


def _filename(part: Message, part_fields: _Fields, maintype: str) -> str:
    fields = {f: _raw(part_fields, f) for f in ("content-disposition", "content-type")}
    named = any(b"name" in value.lower() for value in fields.values())  # filename=, name=, RFC 2231 name*0*=
    name = _safe(part.get_filename, "") if named else ""
    if name and not all(v.isascii() for v in fields.values()):
        decoded = Message()  # 8-bit parameters: compat32 replaced those bytes; read them again
        for field, data in fields.items():
            if data:
                decoded[field] = _text(data)
        name = _safe(decoded.get_filename, name)
    inner = part.get_payload() if maintype == "message" else None  # a leaf's would be decoded, and may raise
    if not name and isinstance(inner, list) and inner:
        first = inner[0]  # a forwarded message: named after its subject, as mail apps do
        subject = _words(_header(first, "subject", None)) if isinstance(first, Message) else ""
        name = f"{subject}.eml" if subject else ""
    name = _words(" ".join(_text(name.encode("utf-8", "surrogateescape")).split()))
    return name.replace("\\", "/").rsplit("/", 1)[-1].strip("\"' ")


def _cte(part: Message) -> str:
    value = _safe(part.get, "", "content-transfer-encoding", "")
    return value.strip().strip("\"';").strip().lower()


def _payload_bytes(part: Message) -> bytes:
    """The decoded payload. compat32 decodes the exact CTE names it documents; the
    variants seen in the wild (``Quoted-Printable `` with a space, ``"base64"``) here."""
    try:
        data = part.get_payload(decode=True)
    except Exception:  # noqa: BLE001
        return b""
    if not isinstance(data, bytes):
        return b""
    if str(part.get("content-transfer-encoding", "")).lower() in _COMPAT32_CTES:
        return data
    cte = _cte(part)
    if cte == "base64":
        clean = _B64_JUNK.sub(b"", data)
        clean = clean[:-1] if len(clean) % 4 == 1 else clean
        return binascii.a2b_base64(clean + b"=" * (-len(clean) % 4))
    return binascii.a2b_qp(data) if cte in ("quoted-printable", "quoted_printable", "qp") else data


def _part_text(part: Message, hint: _Hint) -> str:
    data = _payload_bytes(part)
    try:  # one pass over the Content-Type parameters (get_param re-parses on every call)
        params = {k.lower(): collapse_rfc2231_value(v) for k, v in (part.get_params() or [])[1:]}
    except Exception:  # noqa: BLE001
        params = {}
    charset = params.get("charset") or None
    if charset is None and part.get_content_subtype() == "html":
        found = _META_CHARSET.search(data[:4096])
        charset = found.group(1).decode("ascii") if found else None
    text = _LINE_ENDS.sub("\n", _decode(data, charset, hint))
    if params.get("format", "").lower() == "flowed":
        return _unflow(text, params.get("delsp", "").lower() == "yes")
    return text


def _unflow(text: str, delsp: bool) -> str:
    """RFC 3676 format=flowed: join soft-broken lines (trailing space), keep quote depth."""
    out: list[str] = []
    para: list[str] = []
    depth = 0
    for line in text.split("\n"):
        content = line.lstrip(">")
        if para and len(line) - len(content) != depth:
            out.append(">" * depth + " " * (depth > 0) + "".join(para))
            para = []
        depth = len(line) - len(content)
        content = content[1:] if content.startswith(" ") else content  # space-stuffing
        soft = content.endswith(" ") and content != "-- "
        para.append(content[:-1] if soft and delsp else content)
        if not soft:
            out.append(">" * depth + " " * (depth > 0) + "".join(para))
            para = []
    if para:
        out.append(">" * depth + " " * (depth > 0) + "".join(para))
    return "\n".join(out)


def _size(part: Message, depth: int = 0) -> int:
    payload = part.get_payload()
    if isinstance(payload, list):  # message/rfc822, message/delivery-status
        inner = [p for p in payload if isinstance(p, Message)] if depth < _MAX_DEPTH else []
        heads = sum(len(k) + len(str(v)) + 4 for p in inner for k, v in p.items())
        return heads + sum(_size(p, depth + 1) for p in inner)
    if _cte(part) == "base64" and isinstance(payload, str):  # exact, without decoding
        return (len(payload) - sum(payload.count(c) for c in "\r\n\t =")) * 3 // 4
    return len(_payload_bytes(part))

