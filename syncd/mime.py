"""RFC 5322 / MIME bytes -> ``MailRecord``: the one parser behind every raw-mail connector
(Maildir, mbox, IMAP, Gmail ``format=raw``).

* **Policy ``compat32``**: on the project corpus it is ~15x faster than ``policy.default``
  once headers are read (``benchmarks/mime_policy.py``), and reading a header builds no
  header object, so no malformed field can raise there. The decoding the modern policy
  would do is done here, each step guarded: RFC 2047 encoded words
  (``email.header.decode_header``), RFC 2231 parameters (``Message.get_filename``) and
  8-bit header bytes (RFC 6532 UTF-8, else the message's own charset, else cp1252).
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
"""

from __future__ import annotations

import binascii
import codecs
import datetime as dt
import hashlib
import inspect
import logging
import re
from collections.abc import Callable, Mapping
from email.errors import MissingHeaderBodySeparatorDefect
from email.header import Header, decode_header
from email.message import Message
from email.parser import BytesParser
from email.policy import compat32
from email.utils import collapse_rfc2231_value, getaddresses, parsedate_to_datetime
from functools import lru_cache
from typing import Union

from connectors.base import Address, Attachment, MailRecord
from syncd.errors import ParseError
from syncd.htmltext import html_to_text

__all__ = ["MAX_BODY_CHARS", "parse_message"]

log = logging.getLogger(__name__)

MAX_BODY_CHARS = 256 * 1024
_MAX_HTML_CHARS = 1024 * 1024  # HTML handed to the (pure Python) converter
_MAX_DEPTH = 40  # MIME nesting followed
_PARSER = BytesParser(policy=compat32)
_Fields = Union[Message, Mapping[str, object]]  # noqa: UP007 - a runtime alias; anything with .get(name)
# Python 3.11.10+ / 3.12.6+ made getaddresses strict: keep one lenient behaviour everywhere.
_GETADDR_KW = {"strict": False} if "strict" in inspect.signature(getaddresses).parameters else {}
_HEADER_LINE = re.compile(rb"([\x21-\x39\x3b-\x7e]+)[ \t]*:")
_LEADING_BLANKS = re.compile(rb"(?:[ \t]*\r?\n)*")
_HEAD_END = re.compile(rb"\n\r?\n")
_FOLD = re.compile(r"\r?\n(?=[ \t])")
_WS = re.compile(r"[\r\n\t]")
_LINE_ENDS = re.compile(r"\r\n?")
_COMMENT = re.compile(r"\([^()]*\)")
_COLON = re.compile(r"\s*:\s*")
_MSGID = re.compile(r"<([^<>]*)>")
_SIMPLE_ADDR = re.compile(r"([^<>@]*?)\s*<([^<>@\s]+@[^<>@\s]+)>|([^<>@\s]+@[^<>@\s]+)")
_ADDR_AS_NAME = re.compile(r'(^|,)\s*([^\s,<>"@]+@[^\s,<>"]+)\s*<')
_BOUNDARY = re.compile(rb"^--([^\s\"]{1,70}?)\s*$", re.M)
_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?([\w.:-]+)""", re.I)
_B64_JUNK = re.compile(rb"[^A-Za-z0-9+/]")
_COMPAT32_CTES = frozenset({"base64", "quoted-printable", "x-uuencode", "uuencode", "uue", "x-uue"})
_CHARSET_ALIASES = {  # labels mail clients write, read the way browsers read them
    "iso-8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252", "us-ascii": "ascii",
    "iso-8859-8-i": "iso-8859-8", "gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030",
    "ks_c_5601-1987": "cp949", "euc-kr": "cp949", "shift_jis": "cp932", "x-sjis": "cp932",
    "windows-31j": "cp932", "x-mac-roman": "mac_roman", "tis-620": "cp874",
}


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
    hint = _charset_of(msg)
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
    return MailRecord(
        provider_id=provider_id,
        message_id=ids[0] if ids else _synthetic_id(fields, raw),
        folder=folder,
        folder_role=folder_role,
        date=_date(header("date")),
        subject=_words(header("subject")),
        sender=senders[0] if senders else None,
        to=_addresses(header("to")),
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
        return _PARSER.parsebytes(data), True
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


def _safe(fn: Callable[..., object], default: str, *args: object) -> str:
    try:
        value = fn(*args)
    except Exception:  # noqa: BLE001 - a header problem degrades one field only
        return default
    return default if value is None else str(value)


def _charset_of(msg: Message) -> str | None:
    """The message's own charset: the best guess for raw 8-bit bytes in its headers."""
    try:
        return next((c for c in (p.get_content_charset() for p in msg.walk()) if c), None)
    except Exception:  # noqa: BLE001
        return None


def _fields(msg: Message) -> dict[str, object]:
    """The first occurrence of every header field by lower-case name, in one pass."""
    found: dict[str, object] = {}
    try:
        for name, value in msg.items():
            found.setdefault(name.lower(), value)
    except Exception:  # noqa: BLE001
        pass
    return found


def _raw(msg: _Fields, name: str) -> bytes:
    """A field's bytes as received (compat32 wraps fields with 8-bit bytes in Header)."""
    try:
        value = msg.get(name)
        if isinstance(value, Header):
            chunks = decode_header(value)
            return b"".join(c if isinstance(c, bytes) else c.encode() for c, _ in chunks)
        return b"" if value is None else str(value).encode("utf-8", "surrogateescape")
    except Exception:  # noqa: BLE001
        return b""


def _header(msg: _Fields, name: str, hint: str | None) -> str:
    """The first ``name`` field as text, unfolded; RFC 2047 words are left encoded."""
    return _WS.sub(" ", _FOLD.sub("", _text(_raw(msg, name), hint))).strip()


def _text(data: bytes, hint: str | None = None) -> str:
    """Header bytes -> str: ASCII, RFC 6532 UTF-8, raw ISO-2022-JP or the message charset."""
    if data.isascii() and b"\x1b" not in data:
        return data.decode("ascii")
    return _decode(data, "iso-2022-jp" if b"\x1b$" in data else None, hint)


def _words(value: str) -> str:
    """Decode RFC 2047 encoded words; undecodable ones stay as written."""
    if "=?" not in value:
        return value.replace("\x00", "")
    try:
        parts = decode_header(value)
    except Exception:  # noqa: BLE001 - e.g. HeaderParseError on broken base64
        return value
    out = []
    for chunk, charset in parts:
        if isinstance(chunk, str):
            out.append(chunk)
        elif charset is None:  # decode_header turned the plain runs into raw-unicode-escape
            out.append(_safe(chunk.decode, "", "raw-unicode-escape") or _decode(chunk, None))
        else:
            out.append(_decode(chunk, charset.split("*", 1)[0]))  # RFC 2231 "utf-8*en"
    return "".join(out).replace("\x00", "").strip()


def _addresses(value: str) -> tuple[Address, ...]:
    if value.count("@") > 1:
        tokens = value.split()
        if all("@" in t for t in tokens) and not any(c in value for c in '<>",;'):
            value = ", ".join(tokens)  # "a@x.com b@y.com": a list without commas
        else:  # "bob@x.com <bob@y.com>": the first one is a display name
            value = _ADDR_AS_NAME.sub(r'\1 "\2" <', value)
    pairs = _simple_addresses(value)
    if pairs is None:
        try:
            pairs = getaddresses([value], **_GETADDR_KW)
        except Exception:  # noqa: BLE001
            return ()
    found: dict[str, str] = {}
    for name, email in pairs:
        email = email.strip().strip("<>").strip()
        if " " in email and "@" in email:  # "Big Bug bb@bug.com": name and address bare
            words = email.split()
            email = [w for w in words if "@" in w][-1]
            name = name or " ".join(w for w in words if w != email)
        if email:
            display = " ".join(_words(name).split()).strip("\"' ")
            found[email.lower()] = found.get(email.lower()) or display
    usable = {k: v for k, v in found.items() if "@" in k[1:-1]}
    if not usable:  # a bare local part only where one was written, as in <MAILER-DAEMON>
        bare = value.strip().lower()
        written = {k for k in found if "@" not in k and (k == bare or f"<{k}>" in bare)}
        usable = {k: v for k, v in found.items() if k in written}
    return tuple(Address(email=k, name=v) for k, v in usable.items())


def _simple_addresses(value: str) -> list[tuple[str, str]] | None:
    """Fast path for plain lists (``a@x, B <b@y>``); None hands the value to the stdlib,
    whose character-by-character parser dominated the parse time of long Cc lists."""
    if any(c in value for c in '"()\\:;'):
        return None
    pairs = []
    for item in filter(None, (i.strip() for i in value.split(","))):
        m = _SIMPLE_ADDR.fullmatch(item)
        if m is None:
            return None
        pairs.append((m.group(1) or "", m.group(2) or m.group(3)))
    return pairs


def _date(value: str) -> dt.datetime | None:
    """UTC-aware date; unparseable, out-of-range or absurd (<1970, >2100) dates are None."""
    try:
        when = parsedate_to_datetime(_COLON.sub(":", _COMMENT.sub(" ", value)))
        if not 1970 <= when.year <= 2100:
            return None
        if when.tzinfo is None:  # "-0000": UTC by RFC 5322 3.3
            return when.replace(tzinfo=dt.UTC)
        return when.astimezone(dt.UTC)
    except Exception:  # noqa: BLE001 - TypeError/ValueError/OverflowError on bad dates
        return None


def _msg_ids(value: str) -> list[str]:
    value = _COMMENT.sub("", value)
    ids = ["<" + "".join(m.split()) + ">" for m in _MSGID.findall(value) if m.strip()]
    if not ids and "@" in value and len(value.split()) == 1:  # written without brackets
        ids = ["<" + value.strip("<>") + ">"]
    return ids


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

_Segment = tuple[bool, str]  # (is_html, text)


def _body(msg: Message, hint: str | None) -> tuple[str, tuple[Attachment, ...]]:
    segments: list[_Segment] = []
    attachments: list[Attachment] = []
    _collect(msg, 0, segments, attachments, hint)
    texts: list[str] = []
    for is_html, text in segments:
        if sum(map(len, texts)) > MAX_BODY_CHARS:
            break
        text = html_to_text(text[:_MAX_HTML_CHARS]) if is_html else text
        if text.strip():
            texts.append(text.replace("\x00", "").strip("\n"))
    return "\n\n".join(texts)[:MAX_BODY_CHARS].rstrip(), tuple(attachments)


def _collect(
    part: Message, depth: int, out: list[_Segment], atts: list[Attachment], hint: str | None
) -> None:
    ctype = _safe(part.get_content_type, "text/plain").lower()
    maintype, _, subtype = ctype.partition("/")
    if maintype == "multipart" and depth < _MAX_DEPTH:
        children = _children(part)
        if children is None:  # no usable boundary: read it as text
            out.append((False, _part_text(part, hint)))
        elif subtype == "alternative":  # first non-empty all-plain option, else first non-empty
            options: list[list[_Segment]] = []
            for child in children:
                options.append([])
                _collect(child, depth + 1, options[-1], atts, hint)
            usable = [o for o in options if any(t.strip() for _, t in o)]
            plain = [o for o in usable if not any(is_html for is_html, _ in o)]
            out.extend((plain or usable or [[]])[0])
        else:
            for child in children:
                _collect(child, depth + 1, out, atts, hint)
        return
    filename = _filename(part, maintype)
    disposition = _safe(part.get, "", "content-disposition", "").split(";", 1)[0]
    attached = bool(filename) or disposition.strip().lower() == "attachment"
    if maintype == "text" and subtype in ("plain", "html") and not attached:
        out.append((subtype == "html", _part_text(part, hint)))
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
            payload = _PARSER.parsebytes(head + data).get_payload()
        except Exception:  # noqa: BLE001
            return None
    return [p for p in payload if isinstance(p, Message)] if isinstance(payload, list) else None


def _filename(part: Message, maintype: str) -> str:
    name = _safe(part.get_filename, "")
    fields = {f: _raw(part, f) for f in ("content-disposition", "content-type")}
    if name and not all(v.isascii() for v in fields.values()):
        decoded = Message()  # 8-bit parameters: compat32 replaced those bytes; read them again
        for field, data in fields.items():
            if data:
                decoded[field] = _text(data)
        name = _safe(decoded.get_filename, name)
    inner = part.get_payload()
    if not name and maintype == "message" and isinstance(inner, list) and inner:
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


def _part_text(part: Message, hint: str | None) -> str:
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


# -- charsets ---------------------------------------------------------------------------


@lru_cache(maxsize=256)
def _codec(charset: str | None) -> str | None:
    """A Python text codec for a charset label; None for unknown or bogus labels."""
    label = (charset or "").strip().strip("\"'").lower()
    try:
        b"".decode(_CHARSET_ALIASES.get(label, label))  # rejects bytes codecs like "base64"
        return codecs.lookup(_CHARSET_ALIASES.get(label, label)).name
    except (LookupError, ValueError, TypeError):
        return None


def _decode(data: bytes, charset: str | None, hint: str | None = None) -> str:
    codec = _codec(charset)
    for candidate in filter(None, dict.fromkeys((codec, "utf-8", _codec(hint)))):
        try:
            return data.decode(candidate)
        except (UnicodeDecodeError, LookupError):
            pass
    if codec:
        return data.decode(codec, "replace")
    text = data.decode("utf-8", "replace")  # a truncated sequence in otherwise good UTF-8
    if text.count("\ufffd") * 10 <= sum(1 for b in data if b > 0x7F):
        return text
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")
