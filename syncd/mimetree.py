"""Raw mail -> the ``email.message.Message`` tree that ``BytesParser(policy=compat32)``
builds, without walking the body line by line.

The email package's feedparser reads every line of a message in Python, testing each
against every enclosing MIME boundary, so a 50 KB attachment or a long HTML part costs
thousands of calls even when ``syncd.mime`` only lists it. Here only header lines are
read one by one; a body is located with ``str.find`` for its boundary and kept as one
slice of the input. The tree is the feedparser's, attribute for attribute: header
fields as stored by ``compat32`` (8-bit bytes surrogate-escaped), ``From `` envelope,
payloads with the line ending before each boundary dropped (RFC 2046 5.1.1), preamble
and epilogue, the default ``message/rfc822`` type of ``multipart/digest`` parts, and the
same defects in the same order (``syncd.mime`` repairs a header block that has a
``MissingHeaderBodySeparatorDefect``).

Input whose treatment here would need more of the feedparser's corner cases (a
``message/delivery-status`` part, a delimiter line right after another one, an
envelope line ending the header block, nesting deeper than ``_MAX_DEPTH``) is handed to
the feedparser itself, and so is any input on which this walk raises: the feedparser
then parses it, or raises as it always did (``syncd.mime`` keeps the headers of such
mail). ``tests/test_mimetree.py`` compares both trees over the shared corpus.
"""

from __future__ import annotations

import re
from email import errors
from email.message import Message
from email.parser import BytesParser
from email.policy import compat32

__all__ = ["parse_bytes"]

_FEEDPARSER = BytesParser(policy=compat32)
_MAX_DEPTH = 200  # far below the nesting at which the feedparser's recursion gives out
_EOL = re.compile(r"\r\n|\r|\n")
# The feedparser's header line (its ``headerRE``), a block of them, and one plain field:
# "Name:" at the start of a line, then its value as compat32's header_source_parse stores
# it: the rest of the line without leading blanks, and the continuation lines.
_HEADER_LINE = re.compile(r"From |[\041-\071\073-\176]*:|[\t ]")
_HEADER_BLOCK = re.compile(r"(?:(?:From |[\041-\071\073-\176]*:|[\t ])[^\r\n]*(?:\r\n|\r|\n)?)*")
_FIELD = re.compile(r"([\041-\071\073-\176]+):[\t ]*([^\r\n]*(?:(?:\r\n|\r|\n)[\t ][^\r\n]*)*)(?:\r\n|\r|\n)?")
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")
_QUIET_CTES = ("7bit", "8bit", "binary")


class _Refused(Exception):
    """Input this walk leaves to the feedparser."""


def parse_bytes(data: bytes) -> Message:
    """``BytesParser(policy=compat32).parsebytes(data)``, the same tree, faster."""
    text = data.decode("ascii", "surrogateescape")
    try:
        root, _, _ = _part(text, 0, len(text), False, 0)
    except Exception:  # noqa: BLE001 - _Refused, or a header the email package cannot read
        return _FEEDPARSER.parsebytes(data)  # parses it, or raises as before
    if root.get_content_maintype() == "multipart" and not root.is_multipart():
        root.defects.append(errors.MultipartInvariantViolationDefect())
    return root


def _part(text: str, start: int, end: int, in_digest: bool, depth: int) -> tuple[Message, Message, bool]:
    """The message in ``text[start:end]``, the part parsed last inside it (whose trailing
    line ending belongs to a following boundary) and whether that one is a multipart."""
    if depth > _MAX_DEPTH:
        raise _Refused("nested too deep")
    msg = Message(policy=compat32)
    if in_digest:
        msg.set_default_type("message/rfc822")
    body = _headers(msg, text, start, end)
    ctype = msg.get_content_type()
    maintype = ctype.split("/")[0]  # Message.get_content_maintype, read once
    if ctype == "message/delivery-status":
        raise _Refused("delivery-status blocks")
    if maintype == "message":
        inner, last, last_multipart = _part(text, body, end, False, depth + 1)
        msg.attach(inner)
        return msg, last, last_multipart
    if maintype == "multipart":
        _multipart(msg, ctype == "multipart/digest", text, body, end, depth)
    else:
        msg.set_payload(text[body:end])
    return msg, msg, maintype == "multipart"


def _headers(msg: Message, text: str, start: int, end: int) -> int:
    """Read the header block into ``msg``; return where the body starts."""
    fields = []
    stop = start
    while found := _FIELD.match(text, stop, end):  # the usual block: "Name: value" fields only
        fields.append(found)
        stop = found.end()
    if _HEADER_LINE.match(text, stop, end):  # an envelope line, a stray continuation, ": x"
        fields, stop = [], _HEADER_BLOCK.match(text, start, end).end()  # type: ignore[union-attr]
    body = stop
    if stop < end:
        if text[stop] in "\r\n":  # the blank separator line
            body = stop + (2 if text.startswith("\r\n", stop) else 1)
        else:  # the body starts without one: kept, and noted as the feedparser notes it
            msg.defects.append(errors.MissingHeaderBodySeparatorDefect())
    if fields or stop == start:
        for field in fields:
            msg.set_raw(field[1], field[2])
    else:
        _header_lines(msg, _LINE.findall(text, start, stop))
    return body


def _header_lines(msg: Message, lines: list[str]) -> None:
    """The feedparser's reading of a header block with more than fields in it."""
    name_line: list[str] = []
    for number, line in enumerate(lines):
        if line[0] in " \t":
            if name_line:
                name_line.append(line)
            else:
                msg.defects.append(errors.FirstHeaderLineIsContinuationDefect(line))
            continue
        if name_line:
            _store(msg, name_line)
            name_line = []
        if line.startswith("From "):
            if number == 0:
                msg.set_unixfrom(_chop_eol(line))
            elif number == len(lines) - 1:
                raise _Refused("an envelope line ends the header block")  # it would start the body
            else:
                msg.defects.append(errors.MisplacedEnvelopeHeaderDefect(line))
            continue
        if line[0] == ":":
            msg.defects.append(errors.InvalidHeaderDefect("Missing header name."))
            continue
        name_line = [line]
    if name_line:
        _store(msg, name_line)


def _store(msg: Message, lines: list[str]) -> None:
    """One field as ``compat32.header_source_parse`` stores it."""
    name, value = lines[0].split(":", 1)
    msg.set_raw(name, (value.lstrip(" \t") + "".join(lines[1:])).rstrip("\r\n"))


def _multipart(msg: Message, digest: bool, text: str, body: int, end: int, depth: int) -> None:
    boundary = msg.get_boundary()
    if boundary is None:
        msg.defects.append(errors.NoBoundaryInMultipartDefect())
        msg.set_payload(text[body:end])
        return
    if str(msg.get("content-transfer-encoding", "8bit")).lower() not in _QUIET_CTES:
        msg.defects.append(errors.InvalidMultipartContentTransferEncodingDefect())
    delimiters = _delimiters(text, "--" + boundary, body, end)
    if not delimiters or delimiters[0][2]:  # no opening delimiter: all of it is text
        msg.defects.append(errors.StartBoundaryNotFoundDefect())
        msg.set_payload(text[body : delimiters[0][0] if delimiters else end])
        msg.epilogue = ""
        return
    first = delimiters[0][0]
    if first > body:  # the line ending before a delimiter belongs to it
        msg.preamble = _chop_eol(text[body:first])
    for i, (_, after, closing) in enumerate(delimiters):
        if closing:
            msg.epilogue = text[after:end]
            return
        stop = delimiters[i + 1][0] if i + 1 < len(delimiters) else end
        if stop == after:
            raise _Refused("a delimiter line right after another, or at the end")
        child, last, last_multipart = _part(text, after, stop, digest, depth + 1)
        msg.attach(child)
        if last_multipart:
            if last.epilogue == "":
                last.epilogue = None
            elif last.epilogue is not None:
                last.epilogue = _chop_eol(last.epilogue)
        else:  # the raw payload, as the feedparser trims it (get_payload would decode it)
            payload = last._payload  # type: ignore[attr-defined]  # noqa: SLF001
            if isinstance(payload, str):
                last._payload = _chop_eol(payload)  # type: ignore[attr-defined]  # noqa: SLF001
    msg.defects.append(errors.CloseBoundaryNotFoundDefect())


def _delimiters(text: str, separator: str, start: int, end: int) -> list[tuple[int, int, bool]]:
    """``(line start, next line start, closing)`` of each delimiter line in the range,
    up to and including the first closing one."""
    found: list[tuple[int, int, bool]] = []
    if "\r" in separator or "\n" in separator:  # a folded parameter: no line can match it
        return found
    at = text.find(separator, start, end)
    while at >= 0:
        eol = _EOL.search(text, at, end)
        line_end, after = (eol.start(), eol.end()) if eol else (end, end)
        if at == start or text[at - 1] in "\r\n":
            rest = text[at + len(separator) : line_end]
            if not rest.strip(" \t"):
                found.append((at, after, False))
            elif rest.startswith("--") and not rest[2:].strip(" \t"):
                found.append((at, after, True))
                break
        at = text.find(separator, line_end, end)
    return found


def _chop_eol(value: str) -> str:
    if value.endswith("\r\n"):
        return value[:-2]
    return value[:-1] if value[-1:] in ("\r", "\n") else value
