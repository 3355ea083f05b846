"""Twins of case-insensitive patterns for lower-cased ASCII text: cheap tests before the real search.

Python's ``re`` pays for IGNORECASE at every character it compares (and a branch can no longer
skip an alternative on its first letter), so a case-insensitive pattern costs about twice what
the same pattern written in lower case costs, compiled without IGNORECASE and run over the
lower-cased text. This module derives such patterns from parse trees:

* ``twin(pattern)``: exact, where the pattern has no case-sensitive part: for an ASCII string
  ``s``, ``twin.search(s.lower(), pos, endpos)`` finds a match where ``pattern.search(s, pos,
  endpos)`` does, with the same span (every character test answers alike on both strings, so
  the engine takes the same path; ``finditer`` spans agree too). ``Folded`` searches through it.
  Where the pattern has case-sensitive parts (``(?-i:[A-Z]...)``) the twin is only a gate.
* ``gate(template, parts)``: a gate for a pattern assembled from a template and ``{NAME}``
  parts (the fact rules): it accepts at least what the pattern accepts, so when the gate finds
  nothing in the lower-cased text, neither does the pattern. Lookarounds are left out (each
  only ever narrows a match) and every part is worked out once, however many patterns use it;
  what is left is much smaller and quicker than the pattern.

ASCII text only: ASCII's ``lower()`` keeps every character's place, and elsewhere IGNORECASE
folds more than ``lower()`` does ("ſ" matches "s", the Kelvin sign "k"). Callers test
``s.isascii()`` and search with the pattern itself otherwise.

How each character test carries over is not assumed: it is worked out by trying the test on
all 128 ASCII characters, with the flags in force where it stands. A construct whose twin
cannot be shown to hold (backreferences, atomic groups, possessive repeats, anything this
module does not know) gives none: ``None``, and the caller keeps the pattern alone.
"""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Mapping
from re import _constants as sre  # type: ignore[attr-defined]  # the parse tree's opcodes
from re import _parser  # type: ignore[attr-defined]  # (private, stable since 3.11; anything unknown: no twin)
from typing import NamedTuple

__all__ = ["Twin", "twin", "Folded", "gate"]

_ASCII = tuple(chr(i) for i in range(128))
_LOWERED = frozenset(ch.lower() for ch in _ASCII)  # what lower-cased ASCII text is made of
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
_PLACEHOLDER = re.compile(r"\{([A-Z_]+)\}")
_QUANTIFIED = re.compile(r"\{[A-Z_]+\}(?:[?*+]|\{\d)")
_NAMED_GROUP = re.compile(r"\(\?P<\w+>")
_MARK = 0xF0000  # gate(): the n-th placeholder becomes this code point + n while parsing
_MARKS = re.compile("[\U000f0000-\U0010ffff]")


class Twin(NamedTuple):
    pattern: re.Pattern[str]  # compiled without IGNORECASE, for lower-cased ASCII text
    exact: bool  # same matches and spans; else only a gate (no match -> the pattern has none)


class _NoTwin(Exception):
    pass


class _Mode(NamedTuple):
    widen: bool  # accept at least as much (else at most: inside a negative lookaround)
    gate: bool = False  # lookarounds left out: a gate need not be exact
    parts: tuple[str, ...] = ()  # gate(): the part each placeholder mark stands for
    lead: bool = False  # gate(): this sequence leads the pattern


def twin(pattern: re.Pattern[str]) -> Twin | None:
    """The twin of ``pattern`` for lower-cased ASCII text (see the module docstring)."""
    try:
        source, exact = _emit(_items(_parser.parse(pattern.pattern, pattern.flags)), int(pattern.flags), _Mode(True))
    except _NoTwin:
        return None
    return Twin(re.compile(_NEVER if source is None else source), exact)


def gate(template: str, parts: Mapping[str, str], flags: int = re.IGNORECASE) -> re.Pattern[str] | None:
    """A gate for lower-cased ASCII text for the pattern ``template`` with each ``{NAME}`` in it
    replaced by ``parts[NAME]``, compiled with ``flags``: when the gate finds nothing, neither
    does the pattern. None when that cannot be shown (a part that is not one self-contained
    unit, a quantifier right after a placeholder, a construct this module does not know)."""
    names: list[str] = []

    def mark(m: re.Match[str]) -> str:
        names.append(m.group(1))
        return f"({chr(_MARK + len(names) - 1)})"  # a group: the parser merges no lone character into a set

    # Group names go (the pattern may repeat one: the fact rules rename repeats apart).
    marked = _PLACEHOLDER.sub(mark, _NAMED_GROUP.sub("(?:", template))
    if (not all(_self_contained(parts[name]) for name in names)
            or any(_MARKS.search(text) for text in (template, *(parts[n] for n in names)))
            or _QUANTIFIED.search(template)):  # "{NAME}?" binds "?" to the part's last atom, not to all of it
        return None
    try:
        tree = _items(_parser.parse(marked, flags))
        source, _ = _emit(tree, int(flags), _Mode(True, True, tuple(parts[n] for n in names), True))
    except (_NoTwin, re.error):
        return None
    return re.compile(_NEVER if source is None else source)


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


# --- character tests ---------------------------------------------------------------------


def _char_source(op: object, av: object) -> str:
    """A pattern for one character test of the parse tree, to try on the ASCII characters."""
    codes = [av] if op is not sre.IN else [a for i, arg in av for a in (arg if i is sre.RANGE else (arg,))  # type: ignore[attr-defined]
                                          if i in (sre.LITERAL, sre.RANGE)]
    if any(code >= _MARK for code in codes):  # type: ignore[operator]
        raise _NoTwin("a placeholder mark in a character test")
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
def _char_test(op: object, av: object, flags: int, widen: bool) -> tuple[str | None, bool]:
    """The twin of one character test (see ``_carry``)."""
    return _carry(_matched(_char_source(op, av), flags), widen)


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
    """A short pattern for one character of lower-cased ASCII text that is one of ``chars``."""
    if not chars:
        return None
    if len(chars) == 1:
        return re.escape(next(iter(chars)))
    for short in _CATEGORIES.values():
        if _matched(short, 0) & _LOWERED == chars:
            return short
    codes = sorted(map(ord, chars))
    parts, start = [], 0
    for i in range(1, len(codes) + 1):
        if i == len(codes) or codes[i] != codes[i - 1] + 1:  # a run ends
            first, last = chr(codes[start]), chr(codes[i - 1])
            parts.append(re.escape(first) if first == last else f"{re.escape(first)}-{re.escape(last)}")
            start = i
    return f"[{''.join(parts)}]"


# --- the tree ----------------------------------------------------------------------------


def _emit(items: list, flags: int, mode: _Mode) -> tuple[str | None, bool]:
    """(source, exact) of the twin of a parse-tree sequence; source None where it can never
    match lower-cased ASCII text."""
    out: list[str] = []
    exact = True
    if mode.lead:
        return _emit_lead(items, flags, mode)
    for op, av in items:
        src: str | None
        ok = True
        if (mark := _mark(op, av, mode)) is not None:
            src = _part(mode.parts[mark], flags)
            src = None if src is None else f"(?:{src})"
        elif op in (sre.LITERAL, sre.NOT_LITERAL, sre.IN):
            src, ok = _char_test(op, av if op is not sre.IN else tuple(av), flags & _CHAR_FLAGS, mode.widen)
        elif op is sre.ANY:
            src = "(?s:.)" if flags & re.DOTALL else "."
        elif op is sre.AT and av in _AT:
            src = f"(?m:{_AT[av]})" if flags & re.MULTILINE else _AT[av]
        elif op is sre.BRANCH:  # alternatives that never match are left out
            alts = [_emit(alt, flags, mode) for alt in av[1]]
            kept = [a for a, _ in alts if a is not None]
            src = f"(?:{'|'.join(kept)})" if kept else None
            ok = all(e for _, e in alts)
        elif op is sre.SUBPATTERN:  # its flags are kept track of here; its group is not needed
            _group, add, remove, sub = av
            src, ok = _emit(sub, (flags | add) & ~remove, mode)
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
            low, high, sub = av
            src, ok = _emit(sub, flags, mode)
            if not src:
                src = "" if src == "" or low == 0 else None
            else:
                src = src if _atom(sub) else f"(?:{src})"
                src += _REPEATS.get((low, high)) or f"{{{low},{'' if high is sre.MAXREPEAT else high}}}"
                src += "?" if op is sre.MIN_REPEAT else ""
        elif op in (sre.ASSERT, sre.ASSERT_NOT):
            direction, sub = av
            positive = op is sre.ASSERT
            if mode.gate:  # left out: a gate may accept more
                src, ok = "", False
            else:
                inner, ok = _emit(sub, flags, mode._replace(widen=mode.widen == positive))
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


def _mark(op: object, av: object, mode: _Mode) -> int | None:
    """gate(): the number of the placeholder that this item stands for, if it is one."""
    if op is sre.SUBPATTERN and mode.parts and not av[1] and not av[2] and len(av[3]) == 1:  # type: ignore[index]
        op, code = av[3][0]  # type: ignore[index]
        if op is sre.LITERAL and code >= _MARK:
            return code - _MARK
    return None


def _atom(items: list) -> bool:
    """Is the twin of ``items`` one atom (a quantifier after it applies to all of it)?"""
    if len(items) != 1:
        return False
    op, av = items[0]
    if op is sre.SUBPATTERN:
        return _atom(av[3])
    return op in (sre.LITERAL, sre.NOT_LITERAL, sre.IN, sre.ANY, sre.BRANCH)


def _emit_lead(items: list, flags: int, mode: _Mode) -> tuple[str | None, bool]:
    """The gate source of a sequence that leads the pattern (exact: never).

    A gate is only asked whether there is a match, and where "X Y Z" matches, "Y" matches
    too: so what leads up to the first letter is left out (a word boundary, "\\w+", a name),
    through groups and each alternative of a leading branch ("(?:I|we|my \\w+ and I) went"
    reads "i went|we went|my\\s+\\w+ and i went"), and the gate ends before the next
    ``{NAME}`` part (a place, an organisation: long lists that hardly narrow it). Every
    alternative then starts with a letter, which the regex engine looks for before it
    tries anything else."""
    alts = [a for a in _leads(items, flags, mode) if a is not None]
    return (f"(?:{'|'.join(dict.fromkeys(alts))})" if alts else None), False


def _leads(items: list, flags: int, mode: _Mode) -> list[str | None]:
    plain = mode._replace(lead=False)
    for k, (op, av) in enumerate(items):
        rest = items[k + 1 :]
        if (mark := _mark(op, av, mode)) is not None:
            return _leads(_part_tree(mode.parts[mark], flags) + rest, flags, mode)
        if op is sre.LITERAL:
            end = next((j for j in range(k, len(items)) if _holds_mark(items[j], mode)), len(items))
            return [_emit(items[k:end], flags, plain)[0]]
        if op is sre.SUBPATTERN and not av[1] and not av[2]:
            return _leads(av[3] + rest, flags, mode)
        if op is sre.BRANCH:
            return [lead for alt in av[1] for lead in _leads(alt + rest, flags, mode)]
    return [""]


def _holds_mark(item: tuple, mode: _Mode) -> bool:
    op, av = item
    if _mark(op, av, mode) is not None:
        return True
    if op is sre.BRANCH:
        return any(_holds_mark(x, mode) for alt in av[1] for x in alt)
    if op in (sre.SUBPATTERN, sre.MAX_REPEAT, sre.MIN_REPEAT, sre.ASSERT, sre.ASSERT_NOT):
        return any(_holds_mark(x, mode) for x in av[-1])
    return False


@functools.cache
def _part_tree(source: str, flags: int) -> list:
    return _items(_parser.parse(source, flags))


def _items(tree: _parser.SubPattern | list) -> list:
    """The parse tree as plain lists (a SubPattern's items cost a Python call each to read)."""
    out = []
    for op, av in tree.data if isinstance(tree, _parser.SubPattern) else tree:
        if op is sre.BRANCH:
            av = (av[0], [_items(alt) for alt in av[1]])
        elif op is sre.SUBPATTERN:
            av = (*av[:3], _items(av[3]))
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
            av = (*av[:2], _items(av[2]))
        elif op in (sre.ASSERT, sre.ASSERT_NOT):
            av = (av[0], _items(av[1]))
        elif op is sre.ATOMIC_GROUP:
            av = _items(av)
        elif op is sre.GROUPREF_EXISTS:
            av = (av[0], _items(av[1]), av[2] and _items(av[2]))
        out.append((op, av))
    return out


@functools.cache
def _part(source: str, flags: int) -> str | None:
    """The gate source of one ``{NAME}`` part, worked out once however often it is used."""
    return _emit(_part_tree(source, flags), flags, _Mode(True, True))[0]


@functools.cache
def _self_contained(source: str) -> bool:
    """Does ``source`` stay one unit when pasted into a pattern: its brackets balanced, no "|"
    outside them (else ``a{X}b`` would not read as a, then X, then b)?"""
    depth, i, in_class = 0, 0, False
    while i < len(source):
        ch = source[i]
        if ch == "\\":
            i += 1
        elif in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
            i += 1 if source[i + 1 : i + 2] == "^" else 0
            i += 1 if source[i + 1 : i + 2] == "]" else 0  # a "]" first in a class is a character
        elif ch in "()":
            depth += 1 if ch == "(" else -1
            if depth < 0:
                return False
        elif ch == "|" and depth == 0:
            return False
        i += 1
    return depth == 0 and not in_class
