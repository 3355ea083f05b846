"""Open loops: what was promised, and what was asked and never answered.

Pure and rule-based, no clock (deadlines resolve against the message's own date),
precision first: a sentence that is only maybe a loop is left out. Only the new text
counts (``syncd.infer.text`` strips quotes, forwards and signatures); nothing comes
from automated mail, nor from mail to more than ``MAX_GROUP`` other people.

* ``find_loops(msg, self_addresses)`` -> the loops one message opens:

  - mine/promise: the user's commitments in mail they sent ("I'll send you the deck by
    Friday", "let me get back to you on the contract"), one per promise sentence,
    with ``due`` when a deadline is given. Owed to the person named at the start of
    the sentence, else in the greeting ("Hi Tom,"), else to each To recipient;
  - theirs/promise: the same commitments made by a contact to the user;
  - mine/question: what a contact asks of the user ("Could you send me...?", "Can we
    move our call?", "Please send the invoice"), one loop per message. Pleasantries
    ("How are you?", "How was your weekend?"), rhetorical questions and stock offers
    ("let me know if you have any questions") are not loops, nor is mail where the
    user is only on Cc or the greeting names someone else.

* ``close_loops(loops, later, self_addresses)`` sets ``closed_by`` where later mail
  delivers or answers (rules in its docstring); ``open_unanswered(loops, now)`` and
  ``overdue_promises(loops, now)`` pick what still needs doing.
* ``resolve_due(text, base)`` is the deadline resolver (a deadline, unlike a fact's
  date, is the *last* day: "next week" is its Friday).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Collection, Iterable, Sequence

from .due import _DAY_AFTER, resolve_due  # noqa: F401 - resolve_due is part of this module's API
from .gists import gist, keywords
from .model import Gist, Loop, MessageView
from .text import new_text, sentences

MAX_GROUP = 4  # mail to more people than this (besides the user) is a broadcast
UNANSWERED_DAYS = 3.0  # open_unanswered: a question older than this is overdue
WINDOW = dt.timedelta(days=14)  # other-thread delivery counts this long (no due date)
GRACE = dt.timedelta(days=7)  # ... or until this long after the due date
# Past these an open loop is "stale": most likely settled off-mail. Mail after that does
# not close it (and reading it would make every batch of a big first sync read every loop).
STALE_AFTER_DUE = dt.timedelta(days=45)
STALE_PROMISE = dt.timedelta(days=90)
STALE_QUESTION = dt.timedelta(days=60)


def stale_from(lp: Loop) -> dt.datetime:
    """When ``lp`` goes stale."""
    if lp.due is not None:
        return dt.datetime.combine(lp.due, dt.time.max, lp.stated_at.tzinfo) + STALE_AFTER_DUE
    return lp.stated_at + (STALE_QUESTION if lp.kind == "question" else STALE_PROMISE)
MAX_TEXT = 240
MAX_QUESTION_WORDS = 30  # longer "questions" are run-on text or mangled bullets

_I = re.IGNORECASE


def _rx(*parts: str) -> re.Pattern[str]:
    return re.compile("".join(parts), _I)


# -- what a promise, a question, a delivery look like ------------------------------------

_WILL = r"(?:I|we)\s*(?:['’]ll|\s+will|\s+shall|['’]m\s+going\s+to|\s+am\s+going\s+to|['’]re\s+going\s+to|\s+are\s+going\s+to)"
_ADV = (r"(?:\s+(?:also|definitely|certainly|then|just|quickly|personally|happily|gladly|first|now|try\s+to"
        r"|try\s+and|make\s+sure\s+to|be\s+sure\s+to|aim\s+to|plan\s+to|be))*")
_REPLY_VERBS = (r"get\s+back|follow[\s-]+up|circle\s+back|let\s+you\s+know|check|look\s+into|find\s+out|confirm"
                r"|revert|respond|reply|update\s+you|reach\s+out|ping|call\s+you|give\s+you\s+a\s+(?:call|ring|shout)"
                r"|touch\s+base|loop\s+back")
_INTRO_VERBS = r"introduce|intro|connect\s+you|put\s+you\s+in\s+touch"
_SEND_VERBS = (
    r"send(?:ing)?|resend|forward(?:ing)?|shar(?:e|ing)|email|e-mail|shoot|drop\s+you|mail|upload|post|sign"
    r"|draft|prepare|put\s+together|pull\s+together|write(?:\s+up)?|dig\s+(?:up|out)|review|take\s+a\s+look"
    r"|have\s+a\s+look|look\s+(?:at|over|through)|set\s+up|schedule|book|arrange|sort\s+out|deliver|provide"
    r"|return|bring|circulate|distribute|pass\s+(?:it\s+|them\s+)?along|compile"
    r"|make\s+sure\s+(?:you|it|they)\s+(?:have|get|receive)s?|have\s+(?:my|our)\s+\w+\s+(?:send|share|forward|email|call|get)"
    r"|get\s+(?:you|it|them|the|that|those|this|these|a|an|our|my)\b"
    r"|have\s+(?:the|it|them|that|those|this|a|an|our|my)\b[^.?!]{0,60}?\b(?:to\s+you|over|ready|for\s+you|back\s+to\s+you|done)"
)
_PROMISE = _rx(
    rf"(?:\b{_WILL}|^(?:will|I['’]ll)){_ADV}\s+(?P<verb>{_REPLY_VERBS}|{_INTRO_VERBS}|{_SEND_VERBS})\b",
    r"|\blet\s+me\s+(?:\w+\s+){0,5}?(?P<let>get\s+back|check|find\s+out|look\s+into|dig\s+(?:up|into)",
    r"|circle\s+back|confirm|follow\s+up|ask|talk\s+to|see\s+what\s+I\s+can)\b",
)
_PROMISE_CUES = ("'ll", "’ll", "will", "shall", "going to", "let me")
_PROMISE_CUE = re.compile("|".join(map(re.escape, _PROMISE_CUES)))  # one of them, in lower case
_SEND_KIND = _rx(rf"\b(?:{_SEND_VERBS})")
_REPLY_KIND = _rx(rf"\b(?:{_REPLY_VERBS}|let\s+me)\b")
_INTRO_KIND = _rx(rf"\b(?:{_INTRO_VERBS})\b")
_NOT_PROMISE = _rx(  # offers on condition, refusals, hedges
    r"^(?:if\s+you\s+(?:want|like|need|prefer|['’]d\s+like|would\s+like)|if\s+(?:it|that)\s+helps)\b",
    r"|\b(?:won['’]t|will\s+not|['’]ll\s+not|['’]ll\s+never|(?:I|we)\s+(?:might|may|hope\s+to|could))\b",
)
_PLEASANTRY = _rx(
    r"^(?:and\s+|so\s+|oh,?\s+)?(?:how\s+(?:are|r)\s+(?:you|u|things|the\s+kids|the\s+family|you\s+guys|y'all)\b",
    r"|how\s+(?:is|was|were|did|'s|’s|are)\s+(?:(?:your|the|you)\s+)?(?:\w+\s+){0,3}?(?:weekend|trip|holidays?",
    r"|vacation|break|week|summer|winter|spring|flight|travels?|honeymoon|birthday|family|kids|wedding|life",
    r"|it\s+going|everything|things|time\s+off)\b|how(?:'s|’s|\s+is|\s+are)\s+(?:life|things|it\s+going|everything)\b",
    r"|how\s+have\s+you\s+been|how['’]ve\s+you\s+been|how\s+goes\s+it|what['’]s\s+(?:new|up|happening)|what\s+is\s+new",
    r"|(?:I\s+)?hope\s+(?:you|all|things|everything|this|your)\b|how\s+(?:was|were)\b|how\s+could\s+you\s+(?:not|resist)",
    r"|(?:can|could)\s+you\s+believe|guess\s+what|who\s+knew|who\s+doesn['’]t|what\s+could\s+go\s+wrong",
    r"|who\s+(?:would|could)\s+have\s+(?:thought|guessed|known)|who['’]d\s+have\s+thought",
    r"|what['’]s\s+not\s+to\s+(?:like|love)|(?:isn['’]t|wasn['’]t|aren['’]t|doesn['’]t|don['’]t)\s+(?:it|this|that|they|he|she)\b)",
)
_TAG_QUESTION = _rx(r"(?:,|\s)\s*(?:right|huh|eh|no|yeah|you\s+know)\s*\?+\W*$")
_REPORTED = re.compile(r"[\"“]\s*[^\"“”]*\?\s*[\"”]\W*$")  # asked, "What ...?"
_SHORT_OK = _rx(r"^(?:any\s+)?(?:thoughts|ideas|feedback|updates?|news|objections)\b|^sound\s+good",
                r"|^(?:does\s+)?that\s+work|^ok(?:ay)?\b")
_QUESTION_CUES = ("you", "please", "pls", "kindly", "lmk", "let me know", "me ", "us ")
_QUESTION_CUE = re.compile("|".join(map(re.escape, _QUESTION_CUES)))  # one of them, in lower case
_QUESTION_END = re.compile(r"\?[\s\W]*$")
_WORD = re.compile(r"\w+")
# A request: one at the start of the sentence, or one anywhere after a word boundary. Two
# patterns rather than one "^...|\b...|^...": with every alternative behind one "\b" the
# search costs a third as much.
_REQUEST_START = _rx(
    r"(?:please|pls|kindly)\s+(?:(?:can|could|would)\s+you\s+)?(?:send|forward|share|confirm|let\s+(?:me|us)\s+know",
    r"|get\s+back|call\s+me|give\s+me|get\s+me|reply|respond|rsvp|e-?mail\s+me|review|sign|look\s+(?:at|over)",
    r"|take\s+a\s+look|check|advise\s+(?:me|us)|tell\s+me|remind\s+me|ping\s+me|text\s+me|update\s+me|approve)\b",
    r"|(?:send|forward|share|shoot|email|give|ping|tell|remind|text)\s+(?:me|us)\b",
)
_REQUEST_ANY = _rx(
    r"\b(?:(?:let\s+me\s+know|lmk)\b(?!\s+if\s+(?:you\s+)?(?:have|need|there|I\s+can|we\s+can|anything|any",
    r"|you['’]d\s+like|you\s+would\s+like|you\s+want|that\s+helps|this\s+helps|it\s+helps))",
    r"|(?:can|could|would)\s+you\b|I\s+was\s+wondering\s+if\b|would\s+it\s+be\s+possible\b",
    r"|I['’]?d\s+(?:appreciate|be\s+grateful)\s+if\s+you\b|(?:would|I['’]?d)\s+love\s+(?:your|to\s+(?:hear|get|have)\s+your)",
    r"\s+(?:thoughts|feedback|input|take|opinion|views|advice)\b)",
)
_NOT_REQUEST = _rx(r"\b(?:feel\s+free|don['’]t\s+hesitate|do\s+not\s+hesitate|no\s+rush|no\s+need\s+to)\b",
                   r"|\blet\s+me\s+know\s+if\s+(?:you\s+)?(?:have|need|there|anything|any)\b")
# -- addressing: greetings and names ----------------------------------------------------

_GREETING = _rx(
    r"^(?:hi|hello|hey|dear|hiya|morning|good\s+(?:morning|afternoon|evening))\b[ \t,]*",
    r"(?P<names>(?-i:[A-Z])[\w.'’-]*(?:(?:\s*,\s*|\s+and\s+|\s*&\s*)(?-i:[A-Z])[\w.'’-]*){0,4})?[ \t]*[,:!.—–-]*[ \t]*",
)
_VOCATIVE = re.compile(r"^(?P<names>[A-Z][\w'’-]+(?:\s*(?:,|and|&)\s*[A-Z][\w'’-]+){0,3})\s*(?:,|—|–|--?|:)\s+")
_LONE_QMARK = re.compile(r"(\s)\?(?=\s)")
_LOCAL_SPLIT = re.compile(r"[._+-]")
_QMARK_SPLIT = re.compile(r"(?<=\?)\s+")
_NAME_SPLIT = _rx(r"\s*(?:,|\band\b|&)\s*")


def _name_index(msg: MessageView) -> dict[str, str]:
    """First names and address local parts of everyone on the message -> address."""
    index: dict[str, str] = {}
    for addr in (msg.sender, *msg.recipients):
        local = _LOCAL_SPLIT.split(addr.partition("@")[0], 1)[0]
        if len(local) > 1:
            index.setdefault(local, addr)
    for addr, name in msg.names:
        if first := name.replace(",", " ").split():
            index[first[0].lower()] = addr.lower()
    return index


def _named(names: str, index: dict[str, str]) -> set[str] | None:
    """Addresses named in a greeting or vocative; None unless every name is known."""
    found = {index.get(n.lower()) for n in _NAME_SPLIT.split(names.strip()) if n}
    return None if not found or None in found else {a for a in found if a}


def _vocative(sentence: str, index: dict[str, str]) -> tuple[set[str] | None, str]:
    """("Sam, can you...") -> ({sam's address}, "can you...")."""
    v = _VOCATIVE.match(sentence)
    if v and (named := _named(v.group("names"), index)) is not None:
        return named, sentence[v.end():]
    return None, sentence


def _clauses(body: str, index: dict[str, str]) -> tuple[set[str] | None, list[str]]:
    """(addresses the greeting names, the sentences of the new text)."""
    first, _, rest = new_text(body).lstrip().partition("\n")
    addressed: set[str] | None = None
    if m := _GREETING.match(first):
        addressed = _named(m.group("names"), index) if m.group("names") else None
        first = first[m.end():]
    else:
        addressed, first = _vocative(first, index)
    text = f"{first}\n{rest}"
    if " ?" in text or "\n?" in text:  # a lone "?" is a bullet mangled by a charset
        text = _LONE_QMARK.sub(r"\1•", text)
    out: list[str] = []
    for s in sentences(text):
        if "?" in s[:-1]:
            out.extend(" ".join(p.split()) for p in _QMARK_SPLIT.split(s) if p.strip())
        else:
            out.append(s)  # sentences() are whitespace-normalised already
    return addressed, out


# -- finding loops ----------------------------------------------------------------------


def _is_question(sentence: str) -> bool:
    s = sentence.strip().strip("\"'()[]*_ ")
    if "?" not in s and not _QUESTION_CUE.search(s.lower() + " "):
        return False
    asked = _QUESTION_END.search(s) is not None
    if not asked and not _request(s):  # the answer below too, found at the cost of one search
        return False
    if _PLEASANTRY.search(s) or _NOT_REQUEST.search(s) or len(s.split()) > MAX_QUESTION_WORDS:
        return False
    if asked:
        if _TAG_QUESTION.search(s) or _REPORTED.search(sentence):
            return False
        return len(_WORD.findall(s)) >= 3 or bool(_SHORT_OK.search(s))
    return True


def _request(s: str) -> bool:
    return _REQUEST_START.match(s) is not None or _REQUEST_ANY.search(s) is not None


def _promise(sentence: str) -> re.Match[str] | None:
    low = sentence.lower()
    # Every cue holds "ll" ("'ll", "will", "shall"), "going to" or "let me": three quick tests first.
    if ("ll" not in low and "going to" not in low and "let me" not in low) or low.rstrip().endswith("?") \
            or not _PROMISE_CUE.search(low):
        return None
    m = _PROMISE.search(sentence)
    return None if m is None or _NOT_PROMISE.search(sentence) else m


def find_loops(msg: MessageView, self_addresses: Collection[str]) -> list[Loop]:
    """The open loops one message starts (see the module docstring)."""
    mine = frozenset(a.lower() for a in self_addresses)
    outgoing = msg.outgoing or msg.sender in mine
    others = set(msg.recipients) - mine
    if msg.automated or (not outgoing and (len(others) > MAX_GROUP or (mine and msg.to and not mine & set(msg.to)))):
        return []  # automated, a mailing to many, or the user is only copied
    index = _name_index(msg)
    addressed, clauses = _clauses(msg.text, index)
    loops: list[Loop] = []

    def add(person: str, direction: str, kind: str, text: str, due: dt.date | None = None) -> None:
        text = text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1].rstrip() + "…"
        loops.append(Loop(person, direction, kind, text, msg.message_id, msg.date, msg.thread or msg.message_id, due))

    if outgoing:
        to = [a for a in msg.to if a not in mine] or [a for a in msg.cc if a not in mine]
        for s in clauses:
            named, rest = _vocative(s, index)
            if (m := _promise(rest)) is None:
                continue
            people = named or (addressed & others if addressed else None)
            if not people:
                people = set(to) if len(to) <= MAX_GROUP else set()
            for person in sorted(people - mine):
                add(person, "mine", "promise", s, resolve_due(rest[m.start():], msg.date.date()))
        return loops
    if addressed is not None and not addressed & mine and addressed - {msg.sender}:
        return []  # "Hi Sam," — to another person on the thread
    asked: list[str] = []
    for s in clauses:
        named, rest = _vocative(s, index)
        if named is not None and not named & mine:
            continue
        if (m := _promise(rest)) is not None:
            add(msg.sender, "theirs", "promise", s, resolve_due(rest[m.start():], msg.date.date()))
        elif _is_question(rest):
            asked.append(s)
    if asked:
        add(msg.sender, "mine", "question", " ".join(asked[:3]))
    return loops


# -- closing loops ------------------------------------------------------------------------

def _promise_kind(text: str) -> str:
    """"intro", "reply" (any answer delivers it) or "send" (needs a deliverable)."""
    m = _PROMISE.search(text)
    said = m.group(0) if m else text
    if _INTRO_KIND.search(said):
        return "intro"
    if (m and m.group("let")) or (_REPLY_KIND.search(said) and not _SEND_KIND.search(said)):
        return "reply"
    return "send"


def close_loops(
    loops: Sequence[Loop], later: Iterable[MessageView], self_addresses: Collection[str]
) -> list[Loop]:
    """``loops`` in the same order, with ``closed_by`` set where later mail closes them.

    Only mail dated after the loop, before it went stale (``stale_from``) and not
    automated closes it; the first closing message by date wins; loops already closed
    are kept as they are.

    * mine/question: the user's later mail to the person in the same thread; in
      another thread, one about the same thing (it shares a content word with the
      question, "pricing model"), so a note about something else does not count.
    * mine/promise: later mail from the user to the person that delivers it. In the
      same thread any answer delivers "get back to you / let you know / follow up";
      a "send" promise needs an attachment or delivery words ("here is", "attached",
      "as promised", "please find"). In another thread such a delivery counts until
      ``GRACE`` after the due date (or ``WINDOW`` after the promise without one) and
      must share a content word with the promise. An introduction closes with mail
      to the person and someone else that has intro words ("meet", "introducing").
    * theirs/promise: the same rules, for mail from the person to the user.
    """
    mine = frozenset(a.lower() for a in self_addresses)
    to_person: dict[str, list[MessageView]] = {}
    from_person: dict[str, list[MessageView]] = {}
    for m in sorted(later, key=lambda m: m.date):
        if m.automated:
            continue
        if m.outgoing or m.sender in mine:
            for r in set(m.recipients) - mine:
                to_person.setdefault(r, []).append(m)
        else:
            from_person.setdefault(m.sender, []).append(m)
    gists: dict[str, Gist] = {}

    def closes(lp: Loop, kind: str, m: MessageView, until: dt.datetime, words: frozenset[str]) -> bool:
        g = gists.get(m.message_id)
        if g is None:
            g = gists[m.message_id] = gist(m)
        if (m.thread or m.message_id) == lp.thread:
            return kind in ("question", "reply") or g.delivers
        if kind == "question":
            return bool(words & g.topics)
        if kind == "intro":
            return g.introduces and len(set(m.recipients) - mine) > 1
        return m.date <= until and g.delivers and bool(words & g.topics)

    closed: list[Loop] = []
    for lp in loops:
        if lp.closed_by:
            closed.append(lp)
            continue
        pool = (to_person if lp.direction == "mine" else from_person).get(lp.person, [])
        if not pool:
            closed.append(lp)
            continue
        kind = "question" if lp.kind == "question" else _promise_kind(lp.text)
        due_end = dt.datetime.combine(lp.due, dt.time.max, lp.stated_at.tzinfo) if lp.due else None
        until = due_end + GRACE if due_end else lp.stated_at + WINDOW
        words = keywords(lp.text, lp.person.partition("@")[0].lower())
        stale = stale_from(lp)
        by = next(
            (m.message_id for m in pool
             if lp.stated_at < m.date <= stale and m.message_id != lp.source and closes(lp, kind, m, until, words)),
            "",
        )
        closed.append(dataclasses.replace(lp, closed_by=by) if by else lp)
    return closed


def open_unanswered(loops: Iterable[Loop], now: dt.datetime, days: float = UNANSWERED_DAYS) -> list[Loop]:
    """Questions to the user, still open and older than ``days`` at ``now``; oldest first."""
    cutoff = now - dt.timedelta(days=days)
    found = [lp for lp in loops if lp.kind == "question" and lp.direction == "mine" and not lp.closed_by
             and lp.stated_at <= cutoff]
    return sorted(found, key=lambda lp: lp.stated_at)


def overdue_promises(loops: Iterable[Loop], now: dt.datetime) -> list[Loop]:
    """Open promises (either way) whose due date is before ``now``'s date; oldest due first."""
    today = now.date()
    found = [lp for lp in loops if lp.kind == "promise" and not lp.closed_by and lp.due and lp.due < today]
    return sorted(found, key=lambda lp: (lp.due or today, lp.stated_at))
