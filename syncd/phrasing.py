"""Small, pure helpers that turn what the store holds into words a draft can use.

No database, no clock: everything takes its inputs as arguments, so each rule can
be tested on its own. ``syncd.drafts`` decides *what* a draft says; these helpers
give the pieces their natural shape ("the launch review", "yesterday", "by
Thursday, March 26", "the partner tier one-pager"); the templates in
``templates/drafts/`` decide *how* it reads.
"""

from __future__ import annotations

import datetime as dt
import re

from syncd.wording import this_week

_SPACE = re.compile(r"\s+")
_PREFIX = re.compile(r"^\s*(?:(?:re|fwd?|fw|aw|wg|sv|tr)\s*(?:\[\d+\])?\s*:\s*)+", re.IGNORECASE)
PAREN = re.compile(r"\s*[(\[][^)\]]*[)\]]")
_DURATION = re.compile(r"^\s*\d+\s*(?:min(?:ute)?s?|hr?s?|hours?)\b\.?\s*", re.IGNORECASE)
MEALS = ("breakfast", "coffee", "lunch", "dinner", "drinks")
_GENERIC = {
    "intro": "our intro call", "introduction": "our intro call", "intro call": "our intro call",
    "catch-up": "our catch-up", "catch up": "our catch-up", "check-in": "our check-in", "sync": "our sync",
    "call": "our call", "chat": "our chat", "meeting": "our meeting", "1:1": "our one-on-one",
}
_DETERMINERS = ("the ", "a ", "an ", "our ", "your ", "my ", "this ", "that ")


def one_line(text: str) -> str:
    """Whitespace (newlines included) collapsed: safe in a subject or a sentence."""
    return _SPACE.sub(" ", text or "").strip()


def bare_subject(subject: str) -> str:
    """A subject without its ``Re:``/``Fwd:`` prefixes."""
    return one_line(_PREFIX.sub("", subject or ""))


def reply_subject(subject: str) -> str:
    """``Re: <subject>``, never ``Re: Re:``."""
    bare = bare_subject(subject)
    return f"Re: {bare}" if bare else "Re:"


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _sentence_case(text: str, proper: set[str]) -> str:
    """Lower the first word of a title like "Launch review" (not "EMEA ..." nor a name)."""
    words = text.split(" ")
    first = words[0]
    rest_lower = all(not w[:1].isupper() or w.isupper() for w in words[1:])
    if first[:1].isupper() and not first.isupper() and rest_lower and first.lower() not in proper:
        words[0] = first[:1].lower() + first[1:]
    return " ".join(words)


def meeting_topic(summary: str, names: list[str], proper: set[str]) -> tuple[str, str]:
    """``(topic phrase, meal)`` for a meeting title.

    "Lunch: Kevin O'Brien" -> ("", "lunch"); "Vireo: EMEA expansion plan" -> ("the EMEA
    expansion plan", ""); "Tidewater referral agreement" -> ("the Tidewater referral
    agreement", "") when "tidewater" is in ``proper`` (attendees' names and domains).
    ``names`` are the other attendees' names: a title part that is just their name is
    not a topic.
    """
    text = one_line(PAREN.sub("", summary or ""))
    low_names = {n.lower() for n in names if n}
    parts = [p.strip() for p in text.split(":") if p.strip()] or [""]
    parts = [p for p in parts if p.lower() not in low_names and not any(p.lower() == n.split(" ")[0] for n in low_names)] or [""]
    topic = parts[-1] if len(parts) > 1 else parts[0]
    topic = _DURATION.sub("", topic).strip()
    meal = next((m for m in MEALS if re.match(rf"{m}\b", topic, re.IGNORECASE)), "")
    if meal and len(topic.split()) <= 2:
        return "", meal
    if not topic:
        return "", ""
    generic = _GENERIC.get(topic.lower())
    if generic:
        return generic, ""
    topic = _sentence_case(topic, proper)
    if not topic.lower().startswith(_DETERMINERS):
        topic = "the " + topic
    return topic, ""


def proper_words(names: list[str], emails: list[str]) -> set[str]:
    """Lower-case words that are names: from display names and the domains' labels."""
    found: set[str] = set()
    for name in names:
        found.update(w.lower() for w in re.findall(r"[^\W\d_]+", name))
    for email in emails:
        domain = email.rpartition("@")[2].lower()
        for label in domain.split(".")[:-1]:
            found.add(label)
            found.update(label[:i] for i in range(4, len(label)))  # "tidewaterstudio" -> "tidewater"
    return found


def day_phrase(day: dt.date, today: dt.date) -> str:
    """When a past day was, as people say it: "today", "yesterday", "on Monday", "on March 3"."""
    delta = (today - day).days
    if delta == 0:
        return "today"
    if delta == 1:
        return "yesterday"
    if 1 < delta < 7:
        return f"on {day:%A}"
    return f"on {day:%B} {day.day}"


def possessive_day(day: dt.date, today: dt.date) -> str:
    """"today's", "yesterday's", "Monday's"."""
    phrase = day_phrase(day, today)
    return phrase.removeprefix("on ") + "'s"


def future_phrase(day: dt.date, today: dt.date) -> str:
    """When a coming day is: "today", "tomorrow", "on Thursday", "on Thursday, March 26"."""
    near = this_week(day, today)
    if near in ("today", "tomorrow"):
        return near
    return f"on {near}" if near else f"on {day:%A}, {day:%B} {day.day}"


def due_phrase(due: dt.date) -> str:
    """"Thursday, March 26": a due date written out, with no relative words to go stale."""
    return f"{due:%A}, {due:%B} {due.day}"


def month_phrase(day: dt.date, today: dt.date) -> str:
    """A rough "when" for a trip: "this week", "next week", "next month", "in May"."""
    delta = (day - today).days
    if delta < 7 and day.isocalendar()[1] == today.isocalendar()[1]:
        return "this week"
    if delta < 14:
        return "next week"
    if (day.year, day.month) == (today.year, today.month):
        return "later this month"
    nxt = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    if (day.year, day.month) == (nxt.year, nxt.month):
        return "next month"
    return f"in {day:%B}"


# -- promises and requests -----------------------------------------------------------

_VERBS = (r"send|share|forward|e-?mail|pass(?:\s+along)?|get|put\s+together|pull\s+together|write\s+up|"
          r"draft|prepare|dig\s+up|drop|circulate|bring")
_STOP_OBJECT = (r"by|before|on|to\s+you|to\s+the|this|next|tomorrow|tonight|later|when|after|once|first|so|as\s+soon|"
                r"in\s+the|early|the\s+day|ahead|beforehand|in\s+advance|for\s+you|for\s+your|over\s+the|asap|today|"
                r"end\s+of|at\s+the|within|if|and\s+(?:then|I|we)")
_DELIVERABLE = re.compile(
    rf"\b(?:I|we)\s*(?:'ll|\s+will|'m\s+going\s+to|\s+am\s+going\s+to|\s+can)\s+"
    rf"(?:(?:also|just|quickly|definitely|happily|gladly|then)\s+)?(?P<verb>{_VERBS})\s+"
    rf"(?:(?:it|this|them)\s+)?(?:(?:over|across|along|through)\s+)?(?:(?:to\s+)?(?:you|y'all|you\s+both|you\s+all)\s+)?"
    rf"(?:(?:over|across|along|through)\s+)?"
    rf"(?P<obj>(?:the|a|an|my|our|some|that|those|these)\s+.+?)"
    rf"(?=\s+(?:{_STOP_OBJECT})\b|\s*[,.;:!?(]|\s+-|$)",
    re.IGNORECASE,
)
_PURPOSE = re.compile(r"\bso\s+(?:that\s+)?(?P<purpose>[^.;!?]+)", re.IGNORECASE)
_REQUEST = re.compile(
    rf"\b(?:could|can|would|will)\s+you\s+(?:please\s+|kindly\s+|possibly\s+)?(?:{_VERBS})\s+(?:(?:me|us)\s+)?"
    rf"(?:(?:over|across|along)\s+)?(?P<obj>(?:the|a|an|your|that|those|these|some)\s+.+?)"
    rf"(?=\s+(?:you\s+mentioned|you\s+talked|you\s+said|we\s+discussed|we\s+talked|{_STOP_OBJECT}|with|for)\b|\s*[,.;:!?(]|$)"
    rf"|\bplease\s+(?:{_VERBS})\s+(?:(?:me|us)\s+)?(?:(?:over|across|along)\s+)?(?P<obj2>(?:the|a|an|your|that|those|some)\s+.+?)"
    rf"(?=\s+(?:{_STOP_OBJECT}|with|for)\b|\s*[,.;:!?(]|$)",
    re.IGNORECASE,
)
_MENTIONED = re.compile(r"\byou\s+(?:mentioned|talked\s+about|said|promised|brought\s+up)\b", re.IGNORECASE)

_SWAP = {
    "i": "you", "me": "you", "my": "your", "mine": "yours", "myself": "yourself",
    "you": "me", "your": "my", "yours": "mine", "yourself": "myself",
    "i'm": "you're", "i've": "you've", "i'll": "you'll", "i'd": "you'd", "am": "are",
}
_WORD = re.compile(r"[A-Za-z']+")


def swap_person(text: str) -> str:
    """First and second person swapped ("send you my notes" -> "send me your notes"),
    to retell what they promised in the user's voice."""
    def repl(m: re.Match[str]) -> str:
        word = m.group(0)
        swapped = _SWAP.get(word.lower())
        if swapped is None:
            return word
        return swapped.capitalize() if word[:1].isupper() and word != "I" else swapped
    return _WORD.sub(repl, text)


def _clean_object(obj: str) -> str:
    obj = one_line(obj).rstrip(" ,.;:")
    return re.sub(r"^(?:that|those|these)\s+", "the ", obj, flags=re.IGNORECASE)


def deliverable(promise: str) -> tuple[str, str] | None:
    """``(thing, purpose)`` from one of the user's promises to send something:
    "I'll send over the partner tier one-pager by Thursday so Luis can review it" ->
    ("the partner tier one-pager", "Luis can review it"); None for promises that are
    not a thing to hand over ("I'll book the big room")."""
    m = _DELIVERABLE.search(promise)
    if m is None:
        return None
    obj = _clean_object(m.group("obj"))
    if m.group("verb").lower() == "bring" or len(obj.split()) > 10:
        return None
    obj = re.sub(r"^(?:my|our)\s+", "the ", obj, flags=re.IGNORECASE)
    purpose = _PURPOSE.search(promise[m.end():])
    return obj, (one_line(purpose.group("purpose")).rstrip(" ,") if purpose else "")


def requested(question: str) -> tuple[str, bool] | None:
    """``(thing, they said I mentioned it)`` from their request to send something:
    "Could you share the partner onboarding checklist you mentioned?" ->
    ("the partner onboarding checklist", True)."""
    m = _REQUEST.search(question)
    if m is None:
        return None
    obj = _clean_object(m.group("obj") or m.group("obj2"))
    if len(obj.split()) > 10:
        return None
    obj = re.sub(r"^your\s+", "my ", obj, flags=re.IGNORECASE)
    return obj, bool(_MENTIONED.search(question[m.end():m.end() + 40]))


_THEIR_PROMISE = re.compile(
    r"\b(?:I|we)\s*(?:'ll|\s+will|'m\s+going\s+to|\s+am\s+going\s+to)\s+(?P<rest>[^.;!?]+)", re.IGNORECASE
)


def their_promise(promise: str) -> str | None:
    """What they promised, retold: "I'll send the draft agreement over" -> "you'd send
    the draft agreement over"."""
    m = _THEIR_PROMISE.search(promise)
    if m is None:
        return None
    subject = "you'd" if m.group(0).lower().startswith("i") else "your team would"
    rest = one_line(m.group("rest")).rstrip(" ,")
    if len(rest.split()) > 18:
        return None
    return f"{subject} {swap_person(rest)}"


def my_promise(promise: str) -> str:
    """The user's own promise as a recap line: their words, trimmed to the promise."""
    m = re.search(r"\b(?:I|we)\s*(?:'ll|\s+will|'m\s+going\s+to|\s+am\s+going\s+to)\b", promise, re.IGNORECASE)
    text = promise[m.start():] if m else promise
    text = one_line(text).rstrip(" ,;:")
    if m and text[:1].islower():
        text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


_CONTENT = re.compile(r"[^\W\d_][\w'-]{3,}")
_COMMON = frozenset(
    ["about", "after", "again", "also", "been", "before", "being", "could", "does", "doing", "done", "from", "have", "here", "just", "know", "later", "like", "make", "more", "most", "much", "need", "next", "only", "other", "over", "please", "quick", "really", "same", "send", "sent", "share", "shared", "should", "some", "soon", "sure", "than", "thank", "thanks", "that", "their", "them", "then", "there", "these", "they", "thing", "think", "this", "those", "through", "today", "tomorrow", "very", "want", "week", "weeks", "well", "were", "what", "when", "where", "which", "while", "will", "with", "would", "your", "yours", "you'll", "i'll", "we'll", "back", "follow", "check", "look", "find", "note", "great", "good", "best", "sorry", "time", "around", "meeting", "call"]
)


def content_words(text: str) -> frozenset[str]:
    """Content words of ``text``, lower case and crudely singular, for "is this about that"."""
    return frozenset(
        w.lower().removesuffix("s") for w in _CONTENT.findall(text or "") if w.lower() not in _COMMON
    )


def gap_phrase(days: float) -> str:
    """How long a silence has been, as a person says it."""
    if days < 21:
        return "a couple of weeks"
    if days < 45:
        return "a few weeks"
    if days < 75:
        return "a couple of months"
    if days < 200:
        return "a few months"
    if days < 330:
        return "the better part of a year"
    if days < 540:
        return "over a year"
    return "far too long"
