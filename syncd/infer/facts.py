"""Personal facts from mail: rule-based, precision first.

Public API (all pure: no clock, no I/O, deterministic):

* ``extract_facts(msg, self_addresses) -> list[Fact]`` — the facts one message states.
* ``resolve(facts) -> list[FactState]`` — dedupe and supersede (``syncd.infer.fact_resolve``).
* ``active(facts) -> list[Fact]`` — the facts that are still current.
* ``project(facts, today) -> list[Fact]`` — where life has likely moved on since.

Who a fact is about (shared FACTS.md):

* mail from a contact: first person ("my", "I", "we", "my wife and I") is the sender;
  "you" there is the user, whose facts are never stored; third parties match no rule;
* mail the user sent: second person ("your daughter", "happy birthday", "congrats on your
  promotion") is the recipient, but only when there is exactly one recipient besides the
  user, or the greeting ("Hi Dana," / "Dear Professor Okafor,") names exactly one of them;
  the user's own first-person statements are never read;
* automated mail yields nothing; only the new text is read (``syncd.infer.text``), and a
  second guard cuts quoted headers, sign-offs and signature blocks that slip through.

A sentence is skipped when it is a question, a joke ("just kidding", "lol"), or when the
clause around a match is negated ("I'm not a fan of") or hypothetical ("if I were",
"I'd hate to be", "someday", "might", "supposed to", "fell through").
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from itertools import islice

from syncd.infer import fact_lex as lex
from syncd.infer import fact_rules_life, fact_rules_world, fact_rules_you
from syncd.infer.fact_common import Ctx, Hit, Rule, gate_of, rx
from syncd.infer.fact_resolve import FactState, active, project, resolve
from syncd.infer.model import Fact, MessageView
from syncd.infer.text import new_text, sentences, split_signoff

__all__ = ["extract_facts", "resolve", "active", "project", "FactState", "KINDS"]

KINDS = ("birthday", "anniversary", "family", "pet", "sports", "interest", "life_event", "travel",
         "location", "work", "preference", "education")
FIRST_RULES: tuple[Rule, ...] = tuple(fact_rules_life.RULES + fact_rules_world.RULES)
SECOND_RULES: tuple[Rule, ...] = tuple(fact_rules_you.RULES)


def _index(rules: Sequence[Rule]) -> dict[str, tuple[int, ...]]:
    """Trigger word -> the rules (by position) it wakes up."""
    idx: dict[str, list[int]] = {}
    for i, rule in enumerate(rules):
        for word in rule.triggers:
            idx.setdefault(word, []).append(i)
    return {w: tuple(v) for w, v in idx.items()}


# Personal news sits near the top of a message; very long bodies (digests, reports) are read
# only this far, which keeps the cost of one message bounded.
_MAX_CHARS = 20_000
_INDEX = {id(FIRST_RULES): _index(FIRST_RULES), id(SECOND_RULES): _index(SECOND_RULES)}
_TRIGGERS = {key: frozenset(index) for key, index in _INDEX.items()}
_TOKEN = re.compile(r"[a-z0-9]+(?:['-][a-z0-9]+)*")
# First-person rules only run on sentences with a first-person word, except these, which
# also read subjectless sentences ("Go Pats!", "Lifelong Sox fan here", "off to Japan ...").
_FIRST_PERSON = frozenset(["i", "i'm", "im", "i've", "i'll", "i'd", "we", "we're", "we've", "we'll", "we'd", "my", "our", "me", "us", "mine", "ours", "myself"])
_SUBJECTLESS = frozenset({"go_team", "chant", "fan", "heading", "grad_of", "new_job", "illness", "engaged", "here_now"})

_QUOTE_GUARD = re.compile(
    r"^\s*(?:>|.{0,160}\bwrote:\s*$|-*\s*original message\s*-*\s*$|-{2,}\s*(?:forwarded message|inline attachment"
    r" follows)|begin forwarded message|_{5,}\s*$|\*{10,}\s*$|from:\s*\S.*$|sent from my \w+)", re.IGNORECASE)
# What a line _clean_body cuts at holds one of these (lower-cased), "__" or "**".
_QUOTE_HINTS = (">", "wrote:", "message", "forwarded", "attachment", "from:", "sent from")
_SIGNOFF = re.compile(
    r"^\s*(?:best|thanks|thank you|many thanks|regards|best regards|kind regards|warm regards|warmly|cheers"
    r"|all the best|love|with love|xo+|hugs|take care|talk soon|sincerely|yours|with gratitude|later)\b[\w ]{0,12}[,.!]?\s*$",
    re.IGNORECASE)
_IF_START = re.compile(r"^\W*(?:if|unless)\b")
_QUESTION_START = re.compile(
    r"^\W*(?:are|is|was|were|do|does|did|have|has|had|will|would|could|can|should|shall|how|what|when|where|why"
    r"|who|which|any\s+chance|anyone|isn't|aren't|don't|didn't|doesn't|won't)\b", re.IGNORECASE)
_LOWER_BREAK = re.compile(r"[.!?]\s+(?=[a-z])")
_ABBREVS = frozenset(["e.g", "i.e", "etc", "vs", "approx", "mr", "mrs", "ms", "dr", "st", "jr", "sr", "no", "p.s", "a.m", "p.m"])


def _split_lower(sentence: str) -> list[str]:
    """text.sentences() only breaks before capitals; casual mail ("hey man. off to japan")
    needs breaks before lower case too, except after abbreviations."""
    if ". " not in sentence and "! " not in sentence and "? " not in sentence:
        return [sentence]
    parts, start = [], 0
    for m in _LOWER_BREAK.finditer(sentence):
        word = sentence[start:m.start()].rsplit(None, 1)[-1].lower() if sentence[start:m.start()].strip() else ""
        if word.rstrip(".") in _ABBREVS or len(word) == 1:
            continue
        parts.append(sentence[start:m.start() + 1])
        start = m.end()
    parts.append(sentence[start:])
    return [p for p in parts if p.strip()]
_JOKE = re.compile(r"\b(?:just\s+kidding|kidding|jk|j/k|joking|lol|lmao|rofl|haha+|hehe|/s)\b", re.IGNORECASE)
# A word every _JOKE match holds, searched in the lower-cased sentence: far cheaper than _JOKE.
# Only used on ASCII text, where IGNORECASE matching is exactly matching the lower-cased text
# (elsewhere "ſ" matches "s" and "K", the Kelvin sign, matches "k").
_JOKE_GATE = re.compile(r"kidding|jk|j/k|joking|lol|lmao|rofl|haha|hehe|/s")


def _joking(sentence: str, lowered: str) -> bool:
    if sentence.isascii() and not _JOKE_GATE.search(lowered):
        return False
    return bool(_JOKE.search(sentence))
_RETRACT = re.compile(r"\b(?:just\s+kidding|kidding|jk|j/k|joking)\b", re.IGNORECASE)
_HYPO = re.compile(
    r"\b(?:if|unless|would|wish|imagine|suppose|supposing|pretend|hypothetically|someday|some\s+day|one\s+day"
    r"|dream(?:ing)?\s+of|fantasi[sz]e|thinking\s+(?:about|of)|considering|might|maybe|perhaps|hope\s+to"
    r"|hoping\s+to|plan(?:ning)?\s+to|supposed\s+to|(?:was|were)\s+going\s+to|could|should|wanna|want\s+to"
    r"|cancel(?:l)?ed|fell\s+through|called\s+off|postponed|in\s+case|no\s+longer)\b"
    r"|\b(?:I|we|you|he|she|they|it)'d\b"
    r"|(?<!\bin\s)(?<!\bof\s)(?<!\bby\s)(?<!\bon\s)(?<!\bearly\s)(?<!\blate\s)(?<!\bmid\s)(?<!\bnext\s)(?<!\blast\s)"
    r"(?<!\bthis\s)(?<!\buntil\s)(?<!\bsince\s)(?<!\bfrom\s)(?-i:\bmay\b)(?!\s+\d)", re.IGNORECASE)
# After the match only conditions count ("I'm moving to Denver if the job comes through");
# a modal there belongs to another verb ("my partner Gemma says I should ...").
_HYPO_AFTER = re.compile(r"\b(?:if|unless|maybe|perhaps|hopefully|fingers\s+crossed|cancel(?:l)?ed|fell\s+through"
                         r"|called\s+off|postponed|depending|depends)\b", re.IGNORECASE)
_HYPO_OK = re.compile(
    r"\b(?:should\s+(?:mention|add|say|note|tell|let)|would\s+love\s+(?:for\s+you|it\s+if)|I'd\s+(?:say|add|mention)"
    r"|as\s+if|if\s+(?:you|anyone|anybody|y'all|folks|people|somebody|someone)\s+(?:want|wants|need|needs|like|likes"
    r"|can|have|has|get|are|is|ever)[^,.;]*)", re.IGNORECASE)
_NEG = re.compile(r"n't\b|\b(?:not|never|no|neither|nor|cannot|without|hardly)\b", re.IGNORECASE)
_NEG_OK = re.compile(
    r"\b(?:can'?t|couldn'?t)\s+(?:wait|believe|be\s+(?:happier|prouder|more))|\bnot\s+only\b|\bno\s+doubt\b"
    r"|\bnot\s+sure\s+if\s+you\s+(?:heard|know)|\bnever\s+been\s+(?:happier|better)|\bdon'?t\s+forget\b"
    r"|\bno\s+joke\b|\bnot\s+to\s+brag\b|\bno\s+matter\b|\bnot\s+that\s+I'?m\s+counting\b", re.IGNORECASE)
_CLAUSE = re.compile(r"[,;:()!?]|\.(?:\s|$)|\s[-–—]+\s|[-–—]{2,}|\b(?:but|so|and|although|though|because|while|whereas|then)\b",
                     re.IGNORECASE)
_GREETING = re.compile(
    r"^\s*(?P<hi>(?:hi|hey|hello|dear|good\s+morning|morning|hiya|greetings|yo|howdy)\b\s*)?"
    r"(?P<names>(?-i:[A-Z][\w.'-]*)(?:\s+(?-i:[A-Z][\w.'-]*)){0,2}(?:\s*(?:,|and|&)\s*(?-i:[A-Z][\w.'-]*)(?:\s+(?-i:[A-Z][\w.'-]*))?)*)"
    r"\s*(?:[,:!—–-]|$)", re.IGNORECASE)
_GENERIC = frozenset(["all", "team", "everyone", "everybody", "folks", "guys", "both", "friends", "y'all", "gang", "ladies", "gentlemen"])
_TITLES = frozenset(["professor", "prof", "dr", "mr", "mrs", "ms", "miss", "sir", "madam"])
_PET_NAME = rx(r"^\W*(?:(?:her|his|their)\s+names?\s+(?:is|are)|meet|(?:she|he)(?:'s|\s+is)\s+named)\s+(?P<n1>{NAME})(?:\s+(?:and|&)\s+(?P<n2>{NAME}))?")
_PET_HE = rx(r"\b(?:he|she)(?:'s|\s+is)\s+(?:a|an)\s+(?:(?:rescue|little|new|sweet|big|old)\s+)*{SPECIES}\s+(?:named|called)\s+(?P<name>{NAME})")
_MY_PET = rx(r"\b(?:my|our)\s+(?:\w+\s+)?{SPECIES}\b")
_PET_WORDS = frozenset(w for s in lex.SPECIES for w in s.split())


def _clean_body(text: str, sender_name: str) -> str:
    """Cut what new_text missed: quote headers, sign-offs and signature blocks."""
    text = text.replace("\u2019", "'").replace("\u00a0", " ")
    lines = text.splitlines()
    low_text = text.lower()
    if "__" in text or "**" in text or any(hint in low_text for hint in _QUOTE_HINTS):  # else no line is one
        for i, line in enumerate(lines):
            low = line.lower()
            if (line.lstrip().startswith(">") or "wrote:" in low or "message" in low or "forwarded" in low
                    or "attachment" in low or "__" in line or "**" in line or low.lstrip().startswith(("from:", "sent from"))) \
                    and _QUOTE_GUARD.match(line):
                lines = lines[:i]
                break
    names = {n.lower() for n in sender_name.replace(",", " ").split() if len(n) > 1}
    full = " ".join(sender_name.split()).lower()
    first = next((i for i, line in enumerate(lines) if line.strip()), -1)
    tail = islice((i for i in range(len(lines) - 1, -1, -1) if lines[i].strip()), 8)  # from the end
    for i in reversed(list(tail)):
        s = lines[i].strip().lstrip("-~ ").rstrip(".,! ").lower()
        if i == first or any(len(rest) > 80 for rest in lines[i + 1:]):
            continue
        if _SIGNOFF.match(lines[i]) or (s and (s == full or s in names or s.split()[0] in names and len(s.split()) <= 3)):
            lines = lines[:i]
            break
    return "\n".join(lines)


def _greeting(text: str, others: Sequence[str], names: dict[str, str]) -> tuple[bool, list[str]]:
    """(generic greeting, recipients the first line greets by name)."""
    first = next((ln for ln in text.splitlines() if ln.strip()), "")
    m = _GREETING.match(first)
    if not m:
        return False, []
    tokens = [t.rstrip(".") for t in re.split(r"[\s,&]+|\band\b", m.group("names"))
              if t and t.lower().rstrip(".") not in _TITLES]
    if not m.group("hi") and tokens and tokens[0].lower() in _GENERIC:
        return False, []
    if any(t.lower() in _GENERIC for t in tokens):
        return True, []
    hits = []
    for addr in others:
        words = {w.lower() for w in re.split(r"[\s,.]+", names.get(addr, "")) if w}
        local = re.split(r"[._+-]", addr.split("@")[0].lower())
        if any(t.lower() in words or t.lower() in local for t in tokens):
            hits.append(addr)
    if not m.group("hi") and not hits:
        return False, []
    return False, hits if hits else ["?"]


def _target(msg: MessageView, selfset: frozenset[str], text: str) -> str | None:
    """Who "you" is in mail the user sent, or None when it is not clear."""
    others = [a for a in dict.fromkeys(r.lower() for r in msg.recipients) if a not in selfset]
    names = {a.lower(): n for a, n in msg.names}
    generic, greeted = _greeting(text, others, names)
    if greeted == ["?"]:  # greets someone by a name we cannot find on the mail
        return others[0] if len(others) == 1 and not names.get(others[0]) else None
    if len(greeted) == 1:
        return greeted[0]
    if len(others) == 1 and not greeted:
        return others[0]
    return None


def _blocked(sentence: str, span: tuple[int, int], allow_negation: bool) -> bool:
    """Is the match questioned, quoted, negated or hypothetical within its clause?"""
    start = 0
    for cm in _CLAUSE.finditer(sentence, 0, span[0]):
        start = cm.end()
    end = len(sentence)
    after = _CLAUSE.search(sentence, span[1])
    if after:
        end = after.start()
    if sentence[end:end + 1] == "?" or (start == 0 and _QUESTION_START.match(sentence) and "?" in sentence):
        return True
    if _QUESTION_START.match(sentence[start:span[0]]) and "?" in sentence[span[1]:]:
        return True
    if sum(sentence[:span[0]].count(q) for q in ('"', "\u201c", "\u201d")) % 2 == 1:
        return True  # inside quotation marks: someone else speaking
    mask = _HYPO_OK.sub(lambda m: " " * len(m.group(0)), sentence)
    if _HYPO.search(mask, start, span[1]) or _HYPO_AFTER.search(mask, span[1], end):
        return True
    if allow_negation:
        return False
    before = _NEG_OK.sub(lambda m: " " * len(m.group(0)), sentence[start:span[1]])
    return bool(_NEG.search(before))


def _tokens(lowered: str) -> set[str]:
    tokens = set(_TOKEN.findall(lowered))
    if "'" in lowered:
        tokens.update([t.split("'")[0] for t in tokens if "'" in t])
    return tokens


def _sentence_hits(sentence: str, lowered: str, tokens: set[str], rules: Sequence[Rule],
                   ref: dt.date, next_sentence: str) -> list[Hit]:
    """The hits of ``rules`` in one sentence (``lowered`` is ``sentence.lower()``)."""
    index = _INDEX[id(rules)]
    triggered = tokens & _TRIGGERS[id(rules)]
    if not triggered:
        return []
    woken = sorted({i for t in triggered for i in index[t]})
    personal = rules is SECOND_RULES or not _FIRST_PERSON.isdisjoint(tokens)
    # Each rule's gate (fact_common.gate_of): on an ASCII sentence, tried on the lower-cased
    # sentence before the rule's own pattern; most sentences stop there, at a third of the cost.
    gated = sentence.isascii()
    hits: list[Hit] = []
    ctx: Ctx | None = None  # made for the first match only: most sentences have none
    readable = None  # not a condition nor a joke: asked once a rule gets past its gate
    for i in woken:
        rule = rules[i]
        if not (personal or rule.name in _SUBJECTLESS) or (rule.needs and rule.needs.isdisjoint(tokens)):
            continue
        if gated and (gate := gate_of(rule.regex)) is not None and gate.search(lowered) is None:
            continue
        if readable is None:
            readable = not (_IF_START.match(lowered) or _joking(sentence, lowered))
        if not readable:
            return []
        for m in rule.regex.finditer(sentence):
            if _blocked(sentence, m.span(), rule.allow_negation):
                continue
            if ctx is None:
                ctx = Ctx(sentence, ref, next_sentence)
            hits.extend(h for h in rule.build(m, ctx) if h.value)
    return hits


def _postprocess(per_sentence: list[tuple[str, set[str], list[Hit]]]) -> list[tuple[str, Hit]]:
    out: list[tuple[str, Hit]] = []
    pet_seen = False
    for sentence, tokens, hits in per_sentence:
        petty = not _PET_WORDS.isdisjoint(tokens)
        if not hits and not out and not petty:
            continue
        if {"kidding", "jk", "joking"} & tokens and _RETRACT.search(sentence) and out:
            last = out[-1][0]
            out = [(s, h) for s, h in out if s != last]
        pm = _PET_NAME.match(sentence) if {"name", "names", "named", "meet"} & tokens else None
        if pm:
            for i in range(len(out) - 1, -1, -1):
                s, h = out[i]
                if h.kind == "pet" and h.key.count(":") == 1:
                    names = [n for n in (pm.group("n1"), pm.group("n2")) if n]
                    species = h.key.split(":")[1]
                    value = h.value.replace("new ", "") + " " + " and ".join(names)
                    out[i] = (s, Hit("pet", value, f"pet:{species}:{' '.join(names).lower()}", h.confidence))
                    break
        he = _PET_HE.search(sentence) if pet_seen and ("named" in tokens or "called" in tokens) else None
        if he and pet_seen and not any(h.kind == "pet" for h in hits):
            sp = " ".join(he.group("sp").lower().split())
            species = lex.SPECIES.get(sp, sp)
            hits = hits + [Hit("pet", f"{sp} {he.group('name')}", f"pet:{species}:{he.group('name').lower()}", 0.75)]
        pet_seen = pet_seen or (petty and bool(_MY_PET.search(sentence)))
        out.extend((sentence, h) for h in hits)
    out = _merge_unnamed(out)
    out = _merge_events(out)
    jobs = [i for i, (_, h) in enumerate(out) if h.key == "life_event:job"]
    leaves = [h for _, h in out if h.key == "life_event:job_leave"]
    if jobs and leaves:  # leaving one job for another is one event
        s0, h0 = out[jobs[0]]
        left = leaves[0].value.split(" at ", 1)[1] if " at " in leaves[0].value else ""
        value = f"{h0.value}, leaving {left}" if left else f"{h0.value}, leaving old job"
        out[jobs[0]] = (s0, Hit(h0.kind, value, h0.key, h0.confidence, h0.date or leaves[0].date, h0.sensitive))
        out = [(s, h) for s, h in out if h.key != "life_event:job_leave"]
    places = [h.value for _, h in out if h.kind == "location"]
    fixed: list[tuple[str, Hit]] = []
    seen: set[tuple[str, str, str]] = set()
    for s, h in out:
        if h.kind == "life_event" and h.value == "moved" and places:
            h = Hit(h.kind, f"moved to {places[0]}", h.key, h.confidence, h.date, h.sensitive)
        k = (h.kind, h.key, h.value.lower())
        if k not in seen:
            seen.add(k)
            fixed.append((s, h))
    return fixed


def _merge_unnamed(out: list[tuple[str, Hit]]) -> list[tuple[str, Hit]]:
    """"our new puppy" and "Maple, our new puppy" in one message are one pet (same for
    family): the unnamed mention is dropped, its news carried over to the named one."""
    items = list(out)
    named = {h.key.rsplit(":", 1)[0]: i for i, (_, h) in enumerate(items)
             if h.kind in ("family", "pet") and h.key.count(":") == 2}
    drop: set[int] = set()
    for i, (_, h) in enumerate(items):
        if h.kind not in ("family", "pet") or h.key.count(":") != 1 or h.key not in named:
            continue
        drop.add(i)
        j = named[h.key]
        s2, h2 = items[j]
        news = h.value.split(", ", 1)[1] if ", " in h.value else ""
        if news and ", " not in h2.value:
            items[j] = (s2, Hit(h2.kind, f"{h2.value}, {news}", h2.key, h2.confidence, h.date or h2.date,
                                h.sensitive or h2.sensitive))
    return [x for i, x in enumerate(items) if i not in drop]


def _merge_events(out: list[tuple[str, Hit]]) -> list[tuple[str, Hit]]:
    """One message, one event per key: "I start a new job on July 1! I'm joining Meridian
    Labs as ..." is one new job, with the fuller value and the date either sentence gave."""
    first: dict[str, int] = {}
    merged: list[tuple[str, Hit]] = []
    for s, h in out:
        mergeable = h.kind in ("life_event", "education") or (h.kind in ("family", "pet") and h.key.count(":") == 2)
        if not mergeable or h.key not in first:
            if mergeable:
                first[h.key] = len(merged)
            merged.append((s, h))
            continue
        i = first[h.key]
        s0, h0 = merged[i]
        value = h.value if len(h.value) > len(h0.value) else h0.value
        merged[i] = (s0 if value == h0.value else s, Hit(h0.kind, value, h0.key, max(h0.confidence, h.confidence),
                                                         h0.date or h.date, h0.sensitive or h.sensitive))
    return merged


def extract_facts(msg: MessageView, self_addresses: frozenset[str] | Iterable[str]) -> list[Fact]:
    """The facts one message states about a person (see the module docstring for who)."""
    if msg.automated:
        return []
    selfset = frozenset(a.lower() for a in self_addresses)
    sender = msg.sender.lower()
    from_self = msg.outgoing or sender in selfset
    text, _name = split_signoff(new_text(msg.text[:_MAX_CHARS]))
    text = _clean_body(text, "" if from_self else msg.sender_name)
    if not text.strip():
        return []
    if from_self:
        person = _target(msg, selfset, text)
        rules = SECOND_RULES
    else:
        person, rules = sender, FIRST_RULES
    if not person:
        return []
    ref = msg.date.date()
    # sentences() gives whitespace-normalised sentences, and so are the pieces _split_lower cuts.
    sents = [p for s in sentences(text) for p in _split_lower(s)]
    triggers = _TRIGGERS[id(rules)]
    per: list[tuple[str, set[str], list[Hit]]] = []
    for i, s in enumerate(sents):
        lowered = s.lower()
        tokens = _tokens(lowered)
        if triggers.isdisjoint(tokens):  # most sentences wake no rule
            per.append((s, tokens, []))
        else:
            per.append((s, tokens, _sentence_hits(s, lowered, tokens, rules, ref, sents[i + 1] if i + 1 < len(sents) else "")))
    return [Fact(person=person, kind=h.kind, value=h.value, key=h.key, source=msg.message_id,
                 stated_at=ref, sentence=s[:300], confidence=round(h.confidence, 2), date=h.date,
                 sensitive=h.sensitive)
            for s, h in _postprocess(per)]
