"""Twins of case-insensitive patterns for lower-cased ASCII text: cheap tests before the real search.

Python's ``re`` pays for IGNORECASE at every character it compares (and a branch can no longer
skip an alternative on its first letter), so a rule pattern costs 1.5-2 us a sentence before it
matches anything. The same pattern written in lower case and compiled without IGNORECASE, run
over the lower-cased sentence, costs about half as much. ``twin(pattern)`` derives that pattern
from ``pattern``'s parse tree and tells how far it can be trusted:

* exact: for an ASCII string ``s``, ``twin.search(s.lower(), pos, endpos)`` finds a match where
  ``pattern.search(s, pos, endpos)`` does, with the same span: every character test answers
  alike on both strings, so the engine takes the same path (``finditer`` spans agree too);
* a gate only, where the pattern has case-sensitive parts (``(?-i:[A-Z]...)``): the twin
  accepts at least what the pattern accepts (inside negative lookarounds, at most), so when
  the twin finds nothing, neither does the pattern.

ASCII text only: ASCII's ``lower()`` keeps every character's place, and elsewhere IGNORECASE
folds more than ``lower()`` does ("ſ" matches "s", the Kelvin sign "k"). Callers test
``s.isascii()`` and search with the pattern itself otherwise.

How each character test carries over is not assumed: it is worked out by trying the test
on all 128 ASCII characters, with the flags in force where it stands. A construct whose twin
cannot be shown to hold (backreferences, atomic groups, possessive repeats, anything this
module does not know) gives no twin: ``None``, and the caller keeps the pattern alone.
"""

from __future__ import annotations

import functools
import re
import sys
from re import _constants as sre  # the parse tree's opcodes; anything unknown gives no twin
from re import _parser
from typing import NamedTuple

__all__ = ["Twin", "twin", "Folded"]

_ASCII = tuple(chr(i) for i in range(128))
_LOWERED = tuple(sorted({ch.lower() for ch in _ASCII}))  # what lower-cased ASCII text is made of
_LOWERED_SET = frozenset(_LOWERED)
_CHAR_FLAGS = re.IGNORECASE | re.ASCII  # the flags a character test depends on
_NEVER = r"[^\x00-\x7f]"  # one character that lower-cased ASCII text never holds
_CATEGORIES = {
    sre.CATEGORY_DIGIT: r"\d", sre.CATEGORY_NOT_DIGIT: r"\D", sre.CATEGORY_SPACE: r"\s",
    sre.CATEGORY_NOT_SPACE: r"\S", sre.CATEGORY_WORD: r"\w", sre.CATEGORY_NOT_WORD: r"\W",
}
_AT = {
    sre.AT_BEGINNING: "^", sre.AT_END: "$", sre.AT_BEGINNING_STRING: r"\A", sre.AT_END_STRING: r"\Z",
    sre.AT_BOUNDARY: r"\b", sre.AT_NON_BOUNDARY: r"\B",
}


_REPEATS = {(0, sre.MAXREPEAT): "*", (1, sre.MAXREPEAT): "+", (0, 1): "?"}


class Twin(NamedTuple):
    pattern: re.Pattern[str]  # compiled without IGNORECASE, for lower-cased ASCII text
    exact: bool  # same matches and spans; else only a gate (no match -> the pattern has none)


class _NoTwin(Exception):
    pass


class Folded:
    """A case-insensitive pattern that searches lower-cased ASCII text through its exact twin."""

    __slots__ = ("pattern", "_twin")

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern
        found = twin(pattern)
        self._twin = found.pattern if found is not None and found.exact else None

    def search(self, text: str, low: str, pos: int = 0, endpos: int = sys.maxsize) -> tuple[int, int] | None:
        """The span of ``pattern.search(text, pos, endpos)``, or None (``low`` is ``text.lower()``)."""
        if self._twin is not None and text.isascii():
            m = self._twin.search(low, pos, endpos)
        else:
            m = self.pattern.search(text, pos, endpos)
        return None if m is None else m.span()


def twin(pattern: re.Pattern[str]) -> Twin | None:
    """The twin of ``pattern`` for lower-cased ASCII text (see the module docstring)."""
    try:
        source, exact = _emit(_parser.parse(pattern.pattern, pattern.flags), pattern.flags, True)
    except _NoTwin:
        return None
    return Twin(re.compile(_NEVER if source is None else source), exact)


def _char_source(op: object, av: object) -> str:
    """A pattern for one character test of the parse tree, to try on the ASCII characters."""
    if op is sre.LITERAL:
        return re.escape(chr(av))  # type: ignore[arg-type]
    if op is sre.NOT_LITERAL:
        return f"[^{re.escape(chr(av))}]"  # type: ignore[arg-type]
    parts = []
    for item, arg in av:  # type: ignore[attr-defined]
        if item is sre.NEGATE:
            parts.append("^")
        elif item is sre.LITERAL:
            parts.append(re.escape(chr(arg)))
        elif item is sre.RANGE:
            parts.append(f"{re.escape(chr(arg[0]))}-{re.escape(chr(arg[1]))}")
        elif item is sre.CATEGORY and arg in _CATEGORIES:
            parts.append(_CATEGORIES[arg])
        else:
            raise _NoTwin(item)
    return f"[{''.join(parts)}]"


@functools.cache
def _matched(source: str, flags: int) -> frozenset[str]:
    """The ASCII characters one character test accepts."""
    test = re.compile(source, flags)
    return frozenset(ch for ch in _ASCII if test.fullmatch(ch))


@functools.cache
def _carry(matched: frozenset[str], widen: bool) -> tuple[str | None, bool]:
    """The test for lower-cased text standing for a test that accepts ``matched``.

    Widened: every lower-cased form of an accepted character (accepts at least as much);
    else only the forms all of whose ASCII originals are accepted (at most as much). Exact
    when the two agree. None: no character of lower-cased ASCII text passes."""
    wide = frozenset(ch.lower() for ch in matched)
    narrow = frozenset(low for low in _LOWERED if all(ch in matched for ch in _ASCII if ch.lower() == low))
    return _class_source(wide if widen else narrow), wide == narrow


def _class_source(chars: frozenset[str]) -> str | None:
    """A short pattern for one character of lower-cased ASCII text that is one of ``chars``
    (None: no character is)."""
    if not chars:
        return None
    if len(chars) == 1:
        return re.escape(next(iter(chars)))
    for short in _CATEGORIES.values():
        if _matched(short, 0) & _LOWERED_SET == chars:
            return short
    codes = sorted(map(ord, chars))
    parts, start = [], 0
    for i in range(1, len(codes) + 1):
        if i == len(codes) or codes[i] != codes[i - 1] + 1:  # a run ends
            first, last = chr(codes[start]), chr(codes[i - 1])
            parts.append(re.escape(first) if first == last else f"{re.escape(first)}-{re.escape(last)}")
            start = i
    return f"[{''.join(parts)}]"


def _emit(items: _parser.SubPattern | list, flags: int, widen: bool) -> tuple[str | None, bool]:
    """(source, exact) of the twin of a parse-tree sequence, source None where it can never
    match lower-cased ASCII text; ``widen``: outside negative lookarounds."""
    out: list[str] = []
    exact = True
    for op, av in items:
        src: str | None
        ok = True
        if op in (sre.LITERAL, sre.NOT_LITERAL, sre.IN):
            src, ok = _carry(_matched(_char_source(op, av), flags & _CHAR_FLAGS), widen)
        elif op is sre.ANY:
            src = "(?s:.)" if flags & re.DOTALL else "."
        elif op is sre.AT and av in _AT:
            src = f"(?m:{_AT[av]})" if flags & re.MULTILINE else _AT[av]
        elif op is sre.BRANCH:  # alternatives that never match are left out
            alts = [_emit(alt, flags, widen) for alt in av[1]]
            kept = [a for a, _ in alts if a is not None]
            src = f"(?:{'|'.join(kept)})" if kept else None
            ok = all(e for _, e in alts)
        elif op is sre.SUBPATTERN:  # its flags are kept track of here; its group is not needed
            _group, add, remove, sub = av
            src, ok = _emit(sub, (flags | add) & ~remove, widen)
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
            low, high, sub = av
            src, ok = _emit(sub, flags, widen)
            if src is None or not src:
                src = "" if src == "" or low == 0 else None
            else:
                src = src if _atom(sub) else f"(?:{src})"
                src += _REPEATS.get((low, high)) or f"{{{low},{'' if high is sre.MAXREPEAT else high}}}"
                src += "?" if op is sre.MIN_REPEAT else ""
        elif op in (sre.ASSERT, sre.ASSERT_NOT):
            direction, sub = av
            positive = op is sre.ASSERT
            inner, ok = _emit(sub, flags, widen if positive else not widen)
            if inner is None:  # a lookaround that never holds, or one that always does
                src = None if positive else ""
            else:
                src = f"(?{'<' if direction < 0 else ''}{'=' if positive else '!'}{inner})"
        else:  # backreferences, conditionals, atomic groups, possessive repeats
            raise _NoTwin(op)
        if src is None:  # the sequence never matches; exactly so when this item's twin is exact
            return None, ok
        exact = exact and ok
        out.append(src)
    return "".join(out), exact


def _atom(items: _parser.SubPattern | list) -> bool:
    """Is the twin of ``items`` one atom (a quantifier after it applies to all of it)?"""
    if len(items) != 1:
        return False
    op, av = items[0]
    if op is sre.SUBPATTERN:
        return _atom(av[3])
    return op in (sre.LITERAL, sre.NOT_LITERAL, sre.IN, sre.ANY, sre.BRANCH)
