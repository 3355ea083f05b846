"""What inference hears in a batch of messages: word counts, facts and open loops.

Pure, like the rest of ``syncd.infer``: it runs in the main process for a few messages
and in worker processes (``syncd.listen``) for many, with the same results.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from syncd.infer.facts import extract_facts
from syncd.infer.loops import find_loops
from syncd.infer.model import Fact, Loop, MessageView
from syncd.infer.text import new_text, sentences, word_count

# (message key, (words, questions), facts, loops) for each message that is not automated.
Heard = tuple[int, tuple[int, int], list[Fact], list[Loop]]


def hear(messages: Sequence[tuple[int, MessageView]], self_addresses: Collection[str]) -> list[Heard]:
    """For each ``(key, view)``: the words and questions of its new text, its facts and loops."""
    found: list[Heard] = []
    for key, view in messages:
        if view.automated:
            continue
        body = new_text(view.text)
        questions = sum(1 for s in sentences(body) if s.rstrip().endswith("?")) if "?" in body else 0
        counts = (word_count(body), questions)
        found.append((key, counts, extract_facts(view, self_addresses), find_loops(view, self_addresses)))
    return found
