"""Which ``email`` policy should ``syncd.mime`` use? Measure it on real mail.

Parses every file under the Enron Maildir sample and the MIME edge-case corpus
(``../shared/corpus`` beside the project, or the directories given on the command line)
three ways and prints messages per second for each:

* ``compat32``: ``BytesParser(policy=compat32)`` plus reading From, To, Cc, Subject, Date
  and Message-ID as strings (what a mail parser must at least do);
* ``default``: the same with ``policy.default`` (header objects are built on access);
* ``parse_message``: syncd's whole parser (headers decoded, addresses, date, body text
  with HTML conversion, attachments listed) -> ``MailRecord``.

Files that are not mail (images, text snippets) are included: a sync sees them too.
Errors are counted, not raised. Each variant runs ``--rounds`` times; the best round counts.
Time is the process's CPU time (``time.process_time``), so other load on a shared machine
does not skew the comparison; it is single-threaded, so CPU time is the work done.

    .venv/bin/python benchmarks/mime_policy.py [--rounds 5] [DIR ...]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from email import policy
from email.parser import BytesParser
from email.policy import Policy
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from syncd.errors import ParseError  # noqa: E402
from syncd.mime import parse_message  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
DEFAULT_DIRS = (CORPUS / "maildir" / "enron-bass-e", CORPUS / "mime")
HEADERS = ("from", "to", "cc", "subject", "date", "message-id")


def load(dirs: list[Path]) -> list[bytes]:
    return [p.read_bytes() for d in dirs for p in sorted(d.rglob("*")) if p.is_file()]


def stdlib(pol: Policy) -> Callable[[bytes], object]:
    parser = BytesParser(policy=pol)

    def run(raw: bytes) -> object:
        msg = parser.parsebytes(raw)
        return [str(msg.get(name, "")) for name in HEADERS]

    return run


def syncd(raw: bytes) -> object:
    try:
        return parse_message(raw, provider_id="bench")
    except ParseError:
        return None


def measure(fn: Callable[[bytes], object], corpus: list[bytes], rounds: int) -> tuple[float, int]:
    best = float("inf")
    errors = 0
    for _ in range(rounds):
        errors = 0
        start = time.process_time()
        for raw in corpus:
            try:
                fn(raw)
            except Exception:  # noqa: BLE001 - count what a sync would have to survive
                errors += 1
        best = min(best, time.process_time() - start)
    return best, errors


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dirs", nargs="*", type=Path, default=list(DEFAULT_DIRS))
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    corpus = load(args.dirs)
    megabytes = sum(map(len, corpus)) / 1e6
    print(f"{len(corpus)} files, {megabytes:.1f} MB, best of {args.rounds} rounds")
    variants = {
        "compat32": stdlib(policy.compat32),
        "default": stdlib(policy.default),
        "parse_message": syncd,
    }
    for name, fn in variants.items():
        seconds, errors = measure(fn, corpus, args.rounds)
        print(
            f"{name:>14}: {len(corpus) / seconds:8.0f} msgs/s  {megabytes / seconds:6.1f} MB/s (CPU)"
            f"  ({errors} raised)"
        )


if __name__ == "__main__":
    main()
