"""CPU time of each pure stage of ingest, one process, no database: where a sync's work is.

    python benchmarks/stages.py MAILDIR [--address A ...] [--dump FILE] [--repeat N]

MAILDIR may also be any folder of message files (``../shared/corpus/mime``).

Reads every message file of the Maildir++ root into memory, then times (CPU seconds of
this process, best of ``--repeat``):

1. a bare parse with Python's ``email`` package, policy compat32 (the issue's floor);
2. ``syncd.mime.parse_message`` (headers decoded, body text, HTML to text, bounces);
3. ``syncd.infer.hear.hear`` over the views of those records (quotes and signatures
   stripped, word counts, facts, open loops) — what the listening step runs.

``--dump FILE`` writes, one line a message in file order, a digest of the record and of
what was heard: two checkouts that dump the same file parse and infer alike. A change
meant only for speed is checked with ``cmp`` of the dumps before and after.
"""

from __future__ import annotations

import argparse
import email
import hashlib
import json
import os
import sys
import time
from email.policy import compat32
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from syncd.digest import record_view  # noqa: E402
from syncd.infer.hear import hear  # noqa: E402
from syncd.mime import ParseError, parse_message  # noqa: E402


def message_files(root: Path) -> list[Path]:
    """The message files of a Maildir++ root; of any other folder, every file under it."""
    found, every = [], []
    for folder, _dirs, names in os.walk(root):
        every += [Path(folder) / n for n in names if not n.startswith(".syncd-bench")]
        if os.path.basename(folder) in ("cur", "new"):
            found += [Path(folder) / n for n in names]
    return sorted(found or every)


def addresses_of(root: Path) -> list[str]:
    meta = root / ".syncd-bench.json"
    return json.loads(meta.read_text())["addresses"] if meta.exists() else []


def best(fn, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.process_time()
        result = fn()
        times.append(time.process_time() - start)
    return min(times), result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("maildir", type=Path)
    ap.add_argument("--address", action="append", help="the user's own address (default: the generator's)")
    ap.add_argument("--dump", type=Path, help="write a digest of every record and finding here")
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args()
    me = frozenset(a.lower() for a in (args.address or addresses_of(args.maildir)))
    files = message_files(args.maildir)
    raws = [f.read_bytes() for f in files]

    def parse_all():
        out = []
        for i, raw in enumerate(raws):
            try:
                out.append(parse_message(raw, provider_id=str(i), folder_role="sent" if "/.Sent/" in str(files[i]) else "inbox"))
            except ParseError:
                out.append(None)
        return out

    bare, _ = best(lambda: [email.message_from_bytes(r, policy=compat32) for r in raws], args.repeat)
    parse, records = best(parse_all, args.repeat)
    views = [(i, v) for i, r in enumerate(records) if r is not None and (v := record_view(r, me)) is not None]
    infer, heard = best(lambda: hear(views, me), args.repeat)
    n = len(raws)
    print(f"{n} messages, {sum(map(len, raws)) / 1e6:.0f} MB: {args.maildir}")
    for label, seconds in (("bare compat32 parse", bare), ("parse_message", parse), ("hear (inference)", infer)):
        print(f"  {label:<22} {seconds:6.2f} s CPU  {n / seconds:8,.0f} msgs/s")
    print(f"  parse + hear           {parse + infer:6.2f} s CPU  = {(parse + infer) / bare:.2f}x the bare parse")
    if args.dump:
        by_key = {key: (counts, facts, loops) for key, counts, facts, loops in heard}
        with args.dump.open("w") as out:
            for i, record in enumerate(records):
                digest = hashlib.sha1(repr(record).encode()).hexdigest() if record is not None else "unparsed"
                out.write(f"{files[i].relative_to(args.maildir)} {digest} {by_key.get(i)!r}\n")
        print(f"  dump: {args.dump}")


if __name__ == "__main__":
    main()
