"""Score syncd.infer.facts on the labelled corpus in tests/facts_corpus/.

    python benchmarks/facts_eval.py                 # both splits, tables + errors
    python benchmarks/facts_eval.py --split train   # only the tuning split
    python benchmarks/facts_eval.py --speed         # messages per second as well

Each file is read in message-date order; every message goes through ``extract_facts`` and the
file's facts through ``resolve``. A predicted fact matches a labelled one when the source
message, person and kind agree, the date agrees where the label gives one, and the values
share a key word (lower case, crude stemming, stop words dropped). Matching is one-to-one.
Superseded and sensitive flags are checked on the matched pairs and reported separately.
Real messages (``Source: enron:...``) are read from ../shared/corpus/maildir/enron-bass-e
(or $SYNCD_SHARED_CORPUS/maildir/enron-bass-e); they are skipped when it is not there.
"""

from __future__ import annotations

import argparse
import datetime as dt
import email
import email.policy
import email.utils
import os
import re
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from syncd.infer.facts import KINDS, extract_facts, resolve  # noqa: E402
from syncd.infer.model import Fact, MessageView  # noqa: E402

CORPUS = ROOT / "tests" / "facts_corpus"


def shared_maildir() -> Path:
    base = Path(os.environ.get("SYNCD_SHARED_CORPUS", ROOT.parent / "shared" / "corpus"))
    return base / "maildir" / "enron-bass-e"


@dataclass
class Expected:
    kind: str
    person: str
    value: str
    date: str | None
    flags: frozenset[str]
    msg_id: str
    file: str


@dataclass
class Item:
    view: MessageView
    expected: list[Expected] = field(default_factory=list)


@dataclass
class CorpusFile:
    path: Path
    self_addresses: frozenset[str]
    items: list[Item]


def _addrs(value: str) -> list[tuple[str, str]]:
    return [(n, a.lower()) for n, a in email.utils.getaddresses([value]) if a]


def _body_of(msg: email.message.Message) -> str:
    parts = msg.walk() if msg.is_multipart() else [msg]
    out = []
    for part in parts:
        if part.get_content_type() != "text/plain":
            continue
        raw = part.get_payload(decode=True)
        if isinstance(raw, bytes):
            out.append(raw.decode(part.get_content_charset() or "latin-1", errors="replace"))
    return "\n".join(out)


def _from_enron(rel: str, msg_id: str, headers: dict[str, str], selfset: frozenset[str]) -> MessageView | None:
    path = shared_maildir() / rel
    if not path.exists():
        return None
    msg = email.message_from_bytes(path.read_bytes())
    date = email.utils.parsedate_to_datetime(msg["Date"])
    frm = _addrs(msg.get("From", ""))
    to, cc = _addrs(msg.get("To", "")), _addrs(msg.get("Cc", ""))
    sender = frm[0][1] if frm else ""
    return MessageView(
        message_id=(msg.get("Message-ID") or f"<{msg_id}@enron>").strip(), date=date, sender=sender,
        text=_body_of(msg), subject=str(msg.get("Subject", "")), sender_name=frm[0][0] if frm else "",
        to=tuple(a for _, a in to), cc=tuple(a for _, a in cc),
        names=tuple((a, n) for n, a in frm + to + cc if n), outgoing=sender in selfset,
        automated="automated" in headers.get("flags", ""))


def load_file(path: Path) -> CorpusFile:
    selfset: frozenset[str] = frozenset()
    items: list[Item] = []
    blocks = re.split(r"^=== ", path.read_text(encoding="utf-8"), flags=re.M)
    for line in blocks[0].splitlines():
        if line.startswith("@self:"):
            selfset = frozenset(a.strip().lower() for a in line[6:].split(",") if a.strip())
    for block in blocks[1:]:
        head, _, rest = block.partition("\n")
        msg_id = head.strip()
        body_part, _, expect_part = rest.partition("--- expect")
        lines = body_part.split("\n")
        headers: dict[str, str] = {}
        i = 0
        while i < len(lines) and lines[i].strip():
            k, _, v = lines[i].partition(":")
            headers[k.strip().lower()] = v.strip()
            i += 1
        body = "\n".join(lines[i + 1:]).rstrip() + "\n"
        if "source" in headers:
            view = _from_enron(headers["source"].removeprefix("enron:"), msg_id, headers, selfset)
            if view is None:
                continue
        else:
            frm = _addrs(headers.get("from", ""))
            to, cc = _addrs(headers.get("to", "")), _addrs(headers.get("cc", ""))
            sender = frm[0][1]
            flags = headers.get("flags", "")
            view = MessageView(
                message_id=f"<{msg_id}@{path.stem}>",
                date=dt.datetime.strptime(headers["date"], "%Y-%m-%d %H:%M %z"), sender=sender, text=body,
                subject=headers.get("subject", ""), sender_name=frm[0][0], to=tuple(a for _, a in to),
                cc=tuple(a for _, a in cc), names=tuple((a, n) for n, a in frm + to + cc if n),
                outgoing="outgoing" in flags or sender in selfset, automated="automated" in flags)
        item = Item(view)
        others = [a for a in view.recipients if a not in selfset]
        for ln in expect_part.splitlines():
            ln = ln.strip()
            if not ln or ln.startswith("#"):
                continue
            cols = [c.strip() for c in ln.split("|")] + ["", "", "", ""]
            person = {"from": view.sender, "to": others[0] if len(others) == 1 else "?"}.get(cols[1], cols[1].lower())
            item.expected.append(Expected(cols[0], person, cols[2], cols[3] or None,
                                          frozenset(cols[4].split()), view.message_id, path.name))
        items.append(item)
    items.sort(key=lambda it: it.view.date)
    return CorpusFile(path, selfset, items)


def load_split(split: str) -> list[CorpusFile]:
    folder = CORPUS / "heldout" if split == "heldout" else CORPUS
    return [load_file(p) for p in sorted(folder.glob("*.txt"))]


_STOP = frozenset(["a", "an", "the", "of", "at", "in", "on", "to", "for", "and", "my", "our", "his", "her", "their", "your", "with", "from", "is", "s", "new", "just", "by", "as", "it", "its", "be"])


def _stem(w: str) -> str:
    for suf in ("ations", "ation", "ments", "ment", "ings", "ing", "ied", "ies", "ed", "es", "ion", "er", "s"):
        if w.endswith(suf) and len(w) - len(suf) >= 3:
            return w[: -len(suf)][:5]
    return w[:5]


def keywords(value: str) -> set[str]:
    return {_stem(w) for w in re.findall(r"[a-z0-9&]+", value.lower().replace("'", "")) if w not in _STOP}


@dataclass
class Result:
    tp: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    fp: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    fn: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    false_pos: list[tuple[str, Fact]] = field(default_factory=list)
    misses: list[Expected] = field(default_factory=list)
    flag_errors: list[str] = field(default_factory=list)
    automated_facts: int = 0
    messages: int = 0

    def add(self, other: Result) -> None:
        for k in KINDS:
            self.tp[k] += other.tp[k]
            self.fp[k] += other.fp[k]
            self.fn[k] += other.fn[k]
        self.false_pos += other.false_pos
        self.misses += other.misses
        self.flag_errors += other.flag_errors
        self.automated_facts += other.automated_facts
        self.messages += other.messages

    def prf(self, kind: str | None = None) -> tuple[float, float, int, int, int]:
        ks = [kind] if kind else list(KINDS)
        tp, fp, fn = (sum(d[k] for k in ks) for d in (self.tp, self.fp, self.fn))
        p = tp / (tp + fp) if tp + fp else 1.0
        r = tp / (tp + fn) if tp + fn else 1.0
        return p, r, tp, fp, fn


def evaluate_file(cf: CorpusFile) -> Result:
    res = Result()
    predicted: list[Fact] = []
    for it in cf.items:
        facts = extract_facts(it.view, cf.self_addresses)
        res.messages += 1
        if it.view.automated:
            res.automated_facts += len(facts)
        predicted.extend(facts)
    states = resolve(predicted)
    expected = [e for it in cf.items for e in it.expected]
    used: set[int] = set()
    for e in expected:
        best, best_score = None, 0
        for i, s in enumerate(states):
            f = s.fact
            if i in used or f.source != e.msg_id or f.person != e.person or f.kind != e.kind:
                continue
            if e.date and f.date != e.date:
                continue
            score = len(keywords(e.value) & keywords(f.value))
            if score > best_score:
                best, best_score = i, score
        if best is None:
            res.fn[e.kind] += 1
            res.misses.append(e)
            continue
        used.add(best)
        res.tp[e.kind] += 1
        s = states[best]
        if ("superseded" in e.flags) == s.active:
            res.flag_errors.append(f"{cf.path.name} {e.msg_id}: superseded expected={'superseded' in e.flags} "
                                   f"got={not s.active} ({s.fact.kind}: {s.fact.value})")
        if "sensitive" in e.flags and not s.fact.sensitive:
            res.flag_errors.append(f"{cf.path.name} {e.msg_id}: not marked sensitive ({s.fact.value})")
    for i, s in enumerate(states):
        if i not in used:
            res.fp[s.fact.kind] += 1
            res.false_pos.append((cf.path.name, s.fact))
    return res


def evaluate(split: str) -> Result:
    total = Result()
    for cf in load_split(split):
        total.add(evaluate_file(cf))
    return total


def table(name: str, res: Result) -> str:
    rows = [f"{name}: {res.messages} messages",
            f"{'kind':<12} {'prec':>6} {'recall':>6} {'tp':>4} {'fp':>4} {'fn':>4}"]
    for k in (*KINDS, None):
        p, r, tp, fp, fn = res.prf(k)
        rows.append(f"{k or 'OVERALL':<12} {p:>6.2f} {r:>6.2f} {tp:>4} {fp:>4} {fn:>4}")
    rows.append(f"facts from automated mail: {res.automated_facts}; flag errors: {len(res.flag_errors)}")
    return "\n".join(rows)


def speed(repeat: int = 10) -> dict[str, float]:
    """Messages per second of CPU time (process time, so other load on the box matters less):
    the labelled corpus, and the whole Enron mailbox read as if nothing in it were automated."""
    sets: dict[str, list[tuple[MessageView, frozenset[str]]]] = {
        "corpus": [(it.view, cf.self_addresses) for split in ("train", "heldout") for cf in load_split(split)
                   for it in cf.items]}
    maildir = shared_maildir()
    if maildir.exists():
        selfset = frozenset({"eric.bass@enron.com"})
        loaded = [_from_enron(str(p.relative_to(maildir)), p.name, {}, selfset)
                  for p in sorted(maildir.rglob("*")) if p.is_file() and "maildirfolder" not in p.name]
        sets["enron mailbox"] = [(v, selfset) for v in loaded if v is not None]
    out = {}
    for name, batch in sets.items():
        start = time.process_time()
        for _ in range(repeat):
            for v, s in batch:
                extract_facts(v, s)
        out[name] = repeat * len(batch) / (time.process_time() - start)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", choices=["train", "heldout", "both"], default="both")
    ap.add_argument("--speed", action="store_true")
    ap.add_argument("--quiet", action="store_true", help="tables only")
    args = ap.parse_args()
    for split in (["train", "heldout"] if args.split == "both" else [args.split]):
        res = evaluate(split)
        print(table(split, res))
        if not args.quiet:
            print("\nfalse positives:")
            for fname, f in res.false_pos:
                print(f"  {fname} {f.source} {f.kind} | {f.person} | {f.value} | {f.date}  <- {f.sentence[:110]!r}")
            print("misses:")
            for e in res.misses:
                print(f"  {e.file} {e.msg_id} {e.kind} | {e.person} | {e.value} | {e.date}")
            for line in res.flag_errors:
                print("  flag:", line)
        print()
    if args.speed:
        for name, rate in speed().items():
            print(f"speed ({name}): {rate:.0f} messages/s")


if __name__ == "__main__":
    main()
