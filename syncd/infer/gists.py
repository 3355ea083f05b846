"""What closing an open loop reads of a later message: its gist (``syncd.infer.model.Gist``).

``gist(view)`` gives the message's topics (its content words, crudely singular), whether it
delivers something ("here is", "attached", "as promised", an attachment) and whether it
introduces people ("meet", "introducing"). ``syncd.infer.loops.close_loops`` compares these
with what a loop was about; ``syncd.digest`` makes a gist for each message as it is heard,
so closing loops later reads it from the store instead of the body.
"""

from __future__ import annotations

import calendar
import re
from itertools import repeat

from .lowered import Folded
from .model import Gist, MessageView, load_gist
from .text import new_text

__all__ = ["gist", "keywords"]


def _rx(*parts: str) -> re.Pattern[str]:
    return re.compile("".join(parts), re.IGNORECASE)


_DELIVERY = Folded(_rx(
    r"\b(?:here(?:['’]s|\s+is|\s+are|\s+it\s+is|\s+they\s+are|\s+you\s+go)|attached|attaching|enclosed|as\s+promised",
    r"|(?:please|pls)\s+find|find\s+(?:it\s+|them\s+)?(?:below|attached|enclosed)|see\s+(?:the\s+)?(?:attached|below)",
    r"|(?:I|we)(?:['’]ve|\s+have)\s+(?:just\s+)?(?:attached|sent|shared|forwarded|uploaded|added|signed)",
    r"|just\s+(?:sent|shared|forwarded|signed)|sending\s+(?:it\s+|this\s+|them\s+|you\s+)?(?:over|along|through)",
    r"|(?:sent|shared|forwarded)\s+(?:it|them|you)\b)",
))
_INTRODUCED = Folded(_rx(r"\b(?:meet|introduc(?:e|ing)|connecting\s+you|e-?intro|looping\s+in)\b"))
# Each match of the two patterns above holds one of these (lower case).
_DELIVERY_WORDS = ("here", "attach", "enclosed", "promised", "find", "see", "sent", "shared", "forwarded", "uploaded",
                   "added", "signed", "sending")
_INTRODUCED_WORDS = ("meet", "intro", "connecting", "looping")

_STOP = frozenset(
    ["about", "after", "again", "also", "been", "before", "being", "could", "does", "doing", "done", "from", "have", "here", "just", "know", "later", "like", "make", "more", "most", "much", "need", "next", "only", "other", "over", "please", "quick", "really", "same", "send", "sent", "share", "shared", "should", "some", "soon", "sure", "than", "thank", "thanks", "that", "their", "them", "then", "there", "these", "they", "thing", "think", "this", "those", "through", "today", "tomorrow", "very", "want", "week", "weeks", "well", "were", "what", "when", "where", "which", "while", "will", "with", "would", "your", "yours", "you'll", "i'll", "we'll", "back", "follow", "check", "look", "find", "note", "let's", "great", "good", "best", "sorry", "time", "around"]
    + [d.lower() for d in calendar.day_name] + [m.lower() for m in calendar.month_name if m]
)
_TOKEN = re.compile(r"\b(?:[A-Za-z][a-z]{3,}|[A-Z]{2,})\b")


# Stop words, and the words that are one with an "s" added.
_NOT_KEYWORDS = _STOP | frozenset(w.removesuffix("s") for w in _STOP if w.endswith("s"))


def keywords(text: str, drop: str = "") -> frozenset[str]:
    """Content words (crudely singular) of ``text``, minus stop words and ``drop``."""
    # Each distinct word once, lowered and stemmed by C-level map calls.
    words = set(map(str.removesuffix, map(str.lower, set(_TOKEN.findall(text))), repeat("s")))
    words -= _NOT_KEYWORDS
    words.discard(drop)
    return frozenset(words)


def gist(m: MessageView) -> Gist:
    """What ``loops.close_loops`` reads of ``m`` as a later message: its own ``gist`` when it has
    one, else made from its new text."""
    if isinstance(m.gist, str):
        found = load_gist(m.gist)
        if found is not None:
            return found
    elif m.gist is not None:
        return m.gist
    body = new_text(m.text)
    low = body.lower()  # the words without which the patterns cannot match: a cheap test first
    return Gist(
        topics=keywords(m.subject + "\n" + body),
        delivers=m.has_attachments or (any(w in low for w in _DELIVERY_WORDS) and _DELIVERY.search(body, low) is not None),
        introduces=any(w in low for w in _INTRODUCED_WORDS) and _INTRODUCED.search(body, low) is not None,
    )
