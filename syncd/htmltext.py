"""HTML mail body -> readable plain text, with the standard library only.

Used by ``syncd.mime`` when a message has no usable text/plain alternative. The goal is
text that inference can read, not a faithful rendering:

* ``<head>``, ``<script>``, ``<style>``, ``<title>``, ``<template>`` and ``<noscript>``
  are dropped with everything inside them;
* block elements (``p``, ``div``, ``tr``, ``li``, headings, ...) and ``<br>`` end a line,
  paragraph-like blocks leave a blank line; list items get a ``- `` bullet;
* link text is kept (the URL is not: it is noise for the reader and for inference);
* entities are unescaped by ``html.parser`` itself (``convert_charrefs``);
* runs of whitespace collapse to one space, except inside ``<pre>``;
* text inside ``<blockquote>`` is prefixed with ``> `` per level, so downstream
  quote stripping (``syncd.infer.text``) sees replies the way it sees plain-text quotes.

``html.parser`` never raises on malformed markup in Python 3.10+, but a converter
failure must never lose a message, so anything unexpected falls back to stripping tags
with a regular expression.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

__all__ = ["html_to_text"]

_SKIP = frozenset({"script", "style", "head", "title", "template", "noscript", "svg", "xml"})
_BREAK = frozenset(
    {"div", "tr", "li", "dt", "dd", "section", "article", "header", "footer", "nav", "aside",
     "address", "center", "form", "fieldset", "figure", "figcaption", "main", "caption",
     "option", "legend", "details", "summary"}
)
_PARAGRAPH = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "dl", "table", "pre", "hr"}
)
_CELL = frozenset({"td", "th"})
_WS = re.compile(r"[ \t\n\r\f\v\u00a0\u200b]+")
_TAG = re.compile(r"<[^>]*>")
_BLANKS = re.compile(r"\n{3,}")


class _Converter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self._chunks: list[str] = []
        self._line_depth = 0  # quote depth of the line being built
        self._skip: list[str] = []  # open elements whose content is dropped
        self._quote = 0
        self._pre = 0
        self._blank_wanted = False

    # -- line assembly -------------------------------------------------------
    def _flush(self, blank: bool = False) -> None:
        text = "".join(self._chunks)
        self._chunks = []
        if self._pre:
            pieces = text.split("\n")
        else:
            pieces = [_WS.sub(" ", text).strip()]
        if any(pieces):
            if self._blank_wanted and self.lines and self.lines[-1].strip("> "):
                self.lines.append(self._prefix(min(self._line_depth, self._quote)).rstrip())
            self._blank_wanted = False
            for piece in pieces:
                self.lines.append(self._prefix(self._line_depth) + piece.rstrip())
        if blank:
            self._blank_wanted = True

    def _newline(self) -> None:
        """An explicit ``<br>``: end the line even if it is empty."""
        if self._chunks:
            self._flush()
        else:
            self.lines.append(self._prefix(self._quote).rstrip())

    @staticmethod
    def _prefix(depth: int) -> str:
        return "> " * depth

    # -- HTMLParser callbacks ------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "body":
            self._skip = [t for t in self._skip if t != "head"]  # <head> never closed
        if self._skip:
            if tag in _SKIP:
                self._skip.append(tag)
            return
        if tag in _SKIP:
            self._skip.append(tag)
        elif tag == "br":
            self._newline()
        elif tag == "blockquote":
            self._flush()
            self._quote += 1
        elif tag in _PARAGRAPH or tag in _BREAK:
            self._flush(blank=tag in _PARAGRAPH)
            if tag == "pre":
                self._pre += 1
            elif tag == "li":
                self._data("- ")
        elif tag in _CELL:
            self._data(" ")
        elif tag == "img":
            alt = dict(attrs).get("alt") or ""
            if alt.strip():
                self._data(alt)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in ("br", "img", "hr"):
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if self._skip:
            if tag in self._skip:
                while self._skip and self._skip.pop() != tag:
                    pass
            return
        if tag == "blockquote":
            self._flush()
            self._quote = max(0, self._quote - 1)
        elif tag in _PARAGRAPH or tag in _BREAK:
            self._flush(blank=tag in _PARAGRAPH)
            if tag == "pre" and self._pre:
                self._pre -= 1
        elif tag in _CELL:
            self._data(" ")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self._data(data)

    def _data(self, data: str) -> None:
        if not self._chunks:
            self._line_depth = self._quote
        self._chunks.append(data)

    def text(self) -> str:
        self._flush()
        return _BLANKS.sub("\n\n", "\n".join(self.lines)).strip("\n")


def html_to_text(markup: str) -> str:
    """Return readable text for an HTML document or fragment (never raises)."""
    converter = _Converter()
    try:
        converter.feed(markup)
        converter.close()
        return converter.text()
    except Exception:  # noqa: BLE001 - a converter bug must not lose the message
        text = html.unescape(_TAG.sub(" ", markup))
        return "\n".join(_WS.sub(" ", line).strip() for line in text.splitlines()).strip()
