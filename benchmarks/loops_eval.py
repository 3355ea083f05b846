"""Precision and recall of open-loop detection on the labelled set tests/loops_corpus.json.

    .venv/bin/python benchmarks/loops_eval.py [corpus.json]

Each message of the corpus carries its expected loops as (direction, kind, person, due,
closed_by). A found loop is a true positive when an expected loop of the same message
has the same direction, kind and person. Due dates and closing are scored on the true
positives: a due date is right when both agree (both None included); closing is right
when ``close_loops`` over all later messages names the expected Message-ID (or none).
The corpus is the development set the rules were written against, so these figures
are an upper bound for unseen mail.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from syncd.infer.loops import close_loops, find_loops  # noqa: E402
from syncd.infer.model import Loop, MessageView  # noqa: E402

CORPUS = ROOT / "tests" / "loops_corpus.json"
Key = tuple[str, str, str]


@dataclass
class Report:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    due_right: int = 0
    closed_right: int = 0
    by_kind: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    messages: int = 0
    seconds: float = 0.0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def load(path: Path = CORPUS) -> tuple[frozenset[str], list[tuple[MessageView, list[dict[str, object]]]]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    me = frozenset(data["self"])
    out = []
    for m in data["messages"]:
        view = MessageView(
            message_id=m["id"],
            date=dt.datetime.fromisoformat(m["date"]),
            sender=m["from"],
            text=m["text"],
            subject=m.get("subject", ""),
            sender_name=m["names"].get(m["from"], ""),
            to=tuple(m["to"]),
            cc=tuple(m.get("cc", ())),
            names=tuple(sorted(m["names"].items())),
            outgoing=m["from"] in me,
            automated=m.get("automated", False),
            thread=m.get("thread", ""),
            in_reply_to=m.get("in_reply_to", ""),
            has_attachments=m.get("attachments", False),
        )
        out.append((view, m["loops"]))
    out.sort(key=lambda pair: pair[0].date)
    return me, out


def evaluate(path: Path = CORPUS) -> Report:
    me, corpus = load(path)
    report = Report(messages=len(corpus))
    start = time.perf_counter()
    per_message = [find_loops(msg, me) for msg, _ in corpus]
    every = [lp for loops in per_message for lp in loops]
    closed = iter(close_loops(every, [m for m, _ in corpus], me))  # only later mail counts
    found: list[tuple[MessageView, list[Loop]]] = [
        (msg, [next(closed) for _ in loops]) for (msg, _), loops in zip(corpus, per_message)
    ]
    report.seconds = time.perf_counter() - start

    for (msg, expected), (_, loops) in zip(corpus, found):
        want: dict[Key, list[dict[str, object]]] = {}
        for e in expected:
            want.setdefault((str(e["direction"]), str(e["kind"]), str(e["person"])), []).append(e)
        for lp in loops:
            key = (lp.direction, lp.kind, lp.person)
            if want.get(key):
                e = want[key].pop(0)
                report.tp += 1
                report.by_kind[f"tp {lp.direction}/{lp.kind}"] += 1
                due = lp.due.isoformat() if lp.due else None
                if due == e.get("due"):
                    report.due_right += 1
                else:
                    report.errors.append(f"due   {msg.message_id} {key}: got {due}, want {e.get('due')}")
                if (lp.closed_by or None) == e.get("closed_by"):
                    report.closed_right += 1
                else:
                    report.errors.append(
                        f"close {msg.message_id} {key}: got {lp.closed_by or None}, want {e.get('closed_by')}"
                    )
            else:
                report.fp += 1
                report.by_kind[f"fp {lp.direction}/{lp.kind}"] += 1
                report.errors.append(f"FP    {msg.message_id} {key}: {lp.text!r}")
        for key, rest in want.items():
            for _ in rest:
                report.fn += 1
                report.by_kind[f"fn {key[0]}/{key[1]}"] += 1
                report.errors.append(f"FN    {msg.message_id} {key}")
    return report


def main(argv: list[str]) -> int:
    path = Path(argv[1]) if len(argv) > 1 else CORPUS
    r = evaluate(path)
    print(f"messages {r.messages}  loops expected {r.tp + r.fn}  found {r.tp + r.fp}")
    print(f"precision {r.precision:.3f}  recall {r.recall:.3f}  (tp {r.tp}, fp {r.fp}, fn {r.fn})")
    if r.tp:
        print(f"due date right {r.due_right}/{r.tp}  closing right {r.closed_right}/{r.tp}")
    for k, v in sorted(r.by_kind.items()):
        print(f"  {k:24} {v}")
    for line in r.errors:
        print("  " + line)
    print(f"{r.messages / r.seconds:,.0f} messages/s (find + close)" if r.seconds else "")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
