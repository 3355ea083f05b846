"""How mail clients lay out text: unwrapping story prose, wrapping, quoting, attribution
lines, signatures, and a plain-text-to-HTML rendering for the HTML part."""

from __future__ import annotations

import html
import re
import textwrap
from datetime import datetime

from syncd.demo.dates import DAYS, MONTHS

_LIST_ITEM = re.compile(r"^(- |\* |\d+\. )")
_URL = re.compile(r"(https?://[^\s<>\"]+)")


def unwrap(text: str) -> str:
    """Join the hard-wrapped lines of the story source into one line per paragraph.

    A line of 60+ characters continues on the next line unless that one is blank or starts a
    list item; shorter lines (greetings, sign-offs, list items) end where they are.
    """
    out: list[str] = []
    for line in text.split("\n"):
        stripped = line.strip()
        if out and stripped and len(out[-1]) >= 60 and not _LIST_ITEM.match(stripped):
            out[-1] = f"{out[-1]} {stripped}"
        else:
            out.append(line.rstrip())
    return "\n".join(out)


def wrap(text: str, width: int = 76) -> str:
    """Hard-wrap the way Gmail's plain-text part does; list items keep a hanging indent."""
    lines = []
    for line in text.split("\n"):
        if len(line) <= width:
            lines.append(line)
            continue
        indent = "  " if _LIST_ITEM.match(line) else ""
        lines.extend(textwrap.wrap(line, width, subsequent_indent=indent, break_long_words=False,
                                   break_on_hyphens=False))
    return "\n".join(lines)


def quote_lines(text: str) -> str:
    return "\n".join(">" + line if line.startswith(">") else ("> " + line if line else ">")
                     for line in text.split("\n"))


def clock12(dt: datetime) -> str:
    hour = dt.hour % 12 or 12
    return f"{hour}:{dt.minute:02d} {'AM' if dt.hour < 12 else 'PM'}"


def gmail_date(dt: datetime) -> str:
    """'Tue, Mar 4, 2025 at 9:12 AM'"""
    return f"{DAYS[dt.weekday()][:3]}, {MONTHS[dt.month - 1][:3]} {dt.day}, {dt.year} at {clock12(dt)}"


def gmail_attribution(dt: datetime, name: str, addr: str) -> str:
    return f"On {gmail_date(dt)} {name} <{addr}> wrote:"


def apple_attribution(dt: datetime, name: str, addr: str) -> str:
    return f"On {MONTHS[dt.month - 1][:3]} {dt.day}, {dt.year}, at {clock12(dt)}, {name} <{addr}> wrote:"


def outlook_sent(dt: datetime) -> str:
    """'Tuesday, March 4, 2025 9:12 AM'"""
    return f"{DAYS[dt.weekday()]}, {MONTHS[dt.month - 1]} {dt.day}, {dt.year} {clock12(dt)}"


def linkify(escaped: str) -> str:
    return _URL.sub(r'<a href="\1">\1</a>', escaped)


def paragraphs_html(text: str, style: str = "") -> str:
    """Plain text to HTML paragraphs (escaped), list items as a list, URLs as links."""
    out = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = block.split("\n")
        if all(_LIST_ITEM.match(line) for line in lines):
            items = "".join(f"<li>{linkify(html.escape(_LIST_ITEM.sub('', line)))}</li>" for line in lines)
            out.append(f"<ul{style}>{items}</ul>")
        else:
            body = "<br>\n".join(linkify(html.escape(line)) for line in lines)
            out.append(f"<p{style}>{body}</p>")
    return "\n".join(out)


def escaped_block(text: str) -> str:
    return "<br>\n".join(html.escape(line) for line in text.split("\n"))
