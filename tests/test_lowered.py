"""syncd.infer.lowered: twins of case-insensitive patterns for lower-cased ASCII text."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from syncd.infer import facts, gists
from syncd.infer.fact_common import gate_of
from syncd.infer.lowered import Folded, gate, twin
from syncd.infer.text import word_count

# Patterns the inference runs through Folded, and some with case-sensitive parts (gates).
EXACT = {
    "delivery": gists._DELIVERY.pattern,
    "introduced": gists._INTRODUCED.pattern,
}
MIXED = {
    "greeting": re.compile(r"^(?:hi|dear)\s+(?P<n>(?-i:[A-Z])\w+)(?!\s+(?-i:The)\b)", re.I),
    "lookbehind": re.compile(r"(?<!\bin\s)(?<!\bOf\s)(?-i:\bmay\b)(?!\s+\d)", re.I),
}


def _words(pattern: re.Pattern[str]) -> list[str]:
    return sorted(set(re.findall(r"[A-Za-z']{2,}", pattern.pattern)))[:300] or ["a"]


def _texts(pattern: re.Pattern[str]) -> st.SearchStrategy[str]:
    """ASCII text made of the pattern's own words, in any case, with spaces and punctuation."""
    word = st.sampled_from(_words(pattern)).flatmap(
        lambda w: st.sampled_from([w, w.lower(), w.upper(), w.title()]))
    piece = st.one_of(word, word, st.sampled_from([" ", "  ", "\t", "\n", ",", ".", "?", "'", "-", "3", "_", "K"]))
    return st.lists(piece, max_size=14).map(" ".join)


@pytest.mark.parametrize("name", sorted(EXACT))
def test_exact_twins_find_the_same_spans(name: str) -> None:
    pattern = EXACT[name]
    found = twin(pattern)
    assert found is not None and found.exact

    @settings(max_examples=300, deadline=None)
    @given(_texts(pattern), st.integers(0, 5))
    def check(text: str, pos: int) -> None:
        low = text.lower()
        assert [m.span() for m in found.pattern.finditer(low, pos)] == [m.span() for m in pattern.finditer(text, pos)]

    check()


@pytest.mark.parametrize("name", sorted(MIXED))
def test_gates_never_miss_a_match(name: str) -> None:
    pattern = MIXED[name]
    found = twin(pattern)
    assert found is not None and not found.exact

    @settings(max_examples=300, deadline=None)
    @given(_texts(pattern))
    def check(text: str) -> None:
        if found.pattern.search(text.lower()) is None:
            assert pattern.search(text) is None

    check()


def test_gates_are_still_gates() -> None:
    gate = twin(MIXED["greeting"])
    assert gate is not None
    assert gate.pattern.search("hi bob") and not gate.pattern.search("hello bob")
    may = twin(MIXED["lookbehind"])
    assert may is not None and may.pattern.search("we may go") and not may.pattern.search("in may")


def test_unicode_folding_is_worked_out_not_assumed() -> None:
    # IGNORECASE folds the Kelvin sign to "k" and "ſ" to "s"; "é" never matches ASCII text.
    kelvin = twin(re.compile("\u212aey", re.I))
    assert kelvin is not None and kelvin.exact and kelvin.pattern.fullmatch("key")
    long_s = twin(re.compile("ye\u017f", re.I))
    assert long_s is not None and long_s.exact and long_s.pattern.fullmatch("yes")
    accent = twin(re.compile("caf[eé]|né", re.I))
    assert accent is not None and accent.exact
    assert accent.pattern.fullmatch("cafe") and not accent.pattern.search("ne")


def test_what_cannot_be_shown_gives_no_twin() -> None:
    assert twin(re.compile(r"(\w)\1", re.I)) is None
    assert twin(re.compile(r"(?>ab|a)c", re.I)) is None
    assert twin(re.compile(r"a++b", re.I)) is None


def test_folded_searches_other_text_with_the_pattern_itself() -> None:
    folded = Folded(re.compile(r"\bstra(?:ss|ß)e\b", re.I))
    assert folded.search("Die STRASSE hier", "die strasse hier") == (4, 11)
    text = "Die Straße, hier"  # not ASCII: the pattern itself
    assert folded.search(text, text.lower()) == (4, 10)
    assert folded.search("no street", "no street") is None


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab Z9_-.'\n\té\u212a\u00b2"), max_size=40))
def test_word_count_is_the_number_of_words(text: str) -> None:
    assert word_count(text) == len(re.findall(r"\w+", text))
    ascii_text = text.encode("ascii", "ignore").decode()
    assert word_count(ascii_text) == len(re.findall(r"\w+", ascii_text))


# --- the fact rules' gates ----------------------------------------------------------------

RULES = facts.FIRST_RULES + facts.SECOND_RULES
ASCII = st.characters(codec="ascii")


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.name)
def test_every_fact_rule_has_a_gate_that_passes_its_matches(rule) -> None:
    found = gate_of(rule.regex)
    assert found is not None
    pattern = rule.regex.compiled

    @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.from_regex(pattern, alphabet=ASCII), _texts(pattern))
    def check(matching: str, other: str) -> None:
        if rule.regex.search(matching):  # lookarounds may keep a generated text from matching
            assert found.search(matching.lower()) is not None
        if found.search(other.lower()) is None:
            assert rule.regex.search(other) is None

    check()


def test_gates_narrow_the_search() -> None:
    moved = next(rule for rule in RULES if rule.name == "moved")
    found = gate_of(moved.regex)
    assert found is not None
    assert found.search("my wife and i moved to denver") and found.search("we're moving back to ohio")
    assert not found.search("the meeting moved to friday, i think")


def test_a_gate_is_only_made_when_it_can_be_shown() -> None:
    parts = {"X": "a|b", "Y": "(?:ab", "Z": "c"}
    assert gate(r"q{X}r", parts) is None  # "qa|br" is not q, then a|b, then r
    assert gate(r"q{Y})r", parts) is None
    assert gate(r"q{Z}?r", parts) is None  # "?" binds to the part's last atom
    assert gate(r"q(?:{Z})?r", parts) is not None
    assert gate(r"q(\w)\1{Z}", parts) is None  # a backreference: not worked out
    assert gate(r"(\w)\1{Z}", parts) is not None  # ... unless it is in what leads the pattern, left out


def test_rule_patterns_are_compiled_when_first_used() -> None:
    from syncd.infer.fact_common import rx

    pattern = rx(r"\bmy\s+{SPECIES}\s+(?P<name>{NAME})")
    assert pattern._compiled is None  # not when the rules are loaded
    assert gate_of(pattern) is not None and pattern._compiled is None  # the gate is worked out alone
    found = pattern.search("Meet my dog Biscuit!")
    assert found is not None and found.group("name") == "Biscuit"
    assert pattern.compiled.flags & re.IGNORECASE and pattern.compiled.pattern == pattern.pattern
    assert [m.span() for m in pattern.finditer("MY CAT Tom and my dog Rex")] == [
        m.span() for m in re.finditer(pattern.pattern, "MY CAT Tom and my dog Rex", re.IGNORECASE)]
