"""Header values and charsets for ``syncd.mime``: RFC 2047 encoded words, addresses,
dates, Message-IDs and the charset fallbacks, each guarded so no malformed header raises.

The body half (walking MIME parts, attachments, HTML) is ``syncd.mime``; this module
has no state and no I/O.
"""

from __future__ import annotations

import codecs
import datetime as dt
import inspect
import re
from collections.abc import Callable, Mapping
from email.header import Header, decode_header
from email.message import Message
from email.utils import getaddresses, parsedate_to_datetime
from functools import lru_cache
from typing import Union

from connectors.base import Address

_Fields = Union[Message, Mapping[str, object]]  # noqa: UP007 - a runtime alias; anything with .get(name)
_GETADDR_KW = {"strict": False} if "strict" in inspect.signature(getaddresses).parameters else {}
_FOLD = re.compile(r"\r?\n(?=[ \t])")
_WS = re.compile(r"[\r\n\t]")
_COMMENT = re.compile(r"\([^()]*\)")
_COLON = re.compile(r"\s*:\s*")
_MSGID = re.compile(r"<([^<>]*)>")
_SPECIALS = re.compile(r'["()\\:;]')
_SIMPLE_ADDR = re.compile(r"([^<>@]*?)\s*<([^<>@\s]+@[^<>@\s]+)>|([^<>@\s]+@[^<>@\s]+)")
_ADDR_AS_NAME = re.compile(r'(^|,)\s*([^\s,<>"@]+@[^\s,<>"]+)\s*<')
_CHARSET_ALIASES = {  # labels mail clients write, read the way browsers read them
    "iso-8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252", "us-ascii": "ascii",
    "iso-8859-8-i": "iso-8859-8", "gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030",
    "ks_c_5601-1987": "cp949", "euc-kr": "cp949", "shift_jis": "cp932", "x-sjis": "cp932",
    "windows-31j": "cp932", "x-mac-roman": "mac_roman", "tis-620": "cp874",
}


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


_Hint = Callable[[], "str | None"]


class _CharsetHint:
    """``_charset_of(msg)``, looked up the first time a decoding needs it: the headers
    of most mail are ASCII and its text parts decode as labelled, so most never do."""

    __slots__ = ("_msg", "_value", "_looked")

    def __init__(self, msg: Message) -> None:
        self._msg, self._looked = msg, False
        self._value: str | None = None

    def __call__(self) -> str | None:
        if not self._looked:
            self._value, self._looked = _charset_of(self._msg), True
        return self._value


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


def _header(msg: _Fields, name: str, hint: _Hint | None) -> str:
    """The first ``name`` field as text, unfolded; RFC 2047 words are left encoded."""
    data = _raw(msg, name)
    if not data:  # absent, as most of the fields asked for are
        return ""
    text = _text(data, hint)
    if not text.isprintable():  # line breaks or tabs in it (printable text has none)
        text = _WS.sub(" ", _FOLD.sub("", text))
    return text.strip()


def _text(data: bytes, hint: _Hint | None = None) -> str:
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
    if not value:  # most messages lack most of From, Sender, To, Cc, Bcc, Reply-To
        return ()
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
    if _SPECIALS.search(value):
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


def _decode(data: bytes, charset: str | None, hint: _Hint | None = None) -> str:
    """Declared charset, UTF-8, the message's charset (``hint()``), then the fallbacks."""
    codec = _codec(charset)
    for candidate in filter(None, dict.fromkeys((codec, "utf-8"))):
        try:
            return data.decode(candidate)
        except (UnicodeDecodeError, LookupError):
            pass
    fallback = _codec(hint()) if hint is not None else None  # asked for only now: seldom needed
    if fallback not in (None, codec, "utf-8"):
        try:
            return data.decode(fallback)  # type: ignore[arg-type]
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
