"""The processes ``benchmarks/ingest.py`` measures, one contender per process.

    python benchmarks/ingest_children.py bare MAILDIR [--policy compat32|default]
    python benchmarks/ingest_children.py sync HOME --now ISO-8601

``bare``: list the Maildir++ folders as syncd does (skipping Drafts, Trash and Spam) and
parse every message with Python's ``email`` package: the header fields any ingest must
read (From, To, Cc, Subject, Date, Message-ID, In-Reply-To, References) as strings, and
every leaf part's payload decoded. That is the floor of what any Python ingest can do.

``sync``: import syncd (including the modules ``sync`` imports lazily, such as the
inference rules, as a running daemon already has), open the store in ``HOME``
(``SYNCD_HOME``), then time only ``syncd.sync.sync``: the in-process figure, with no
interpreter start and no imports.

Both print one JSON line: ``{"messages": ..., "seconds": ...}``.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import os
import sys
import time
from email import policy as email_policy
from email.parser import BytesParser
from pathlib import Path

HEADERS = ("from", "to", "cc", "subject", "date", "message-id", "in-reply-to", "references")
SKIPPED = {"drafts", "draft", "trash", "deleted items", "deleted messages", "bin", "junk", "spam", "junk e-mail", "junk email"}


def message_files(root: Path) -> list[str]:
    """Every message file of a Maildir++ tree, in the folders syncd reads."""
    found: list[str] = []
    folders = [root] if (root / "cur").is_dir() or (root / "new").is_dir() else []
    with os.scandir(root) as entries:
        for entry in entries:
            if entry.name.startswith(".") and entry.is_dir() and entry.name not in (".", ".."):
                leaf = entry.name[1:].rsplit(".", 1)[-1].lower()
                if leaf not in SKIPPED:
                    folders.append(Path(entry.path))
    for folder in folders:
        for sub in ("cur", "new"):
            try:
                with os.scandir(folder / sub) as entries:
                    found.extend(e.path for e in entries if not e.name.startswith("."))
            except FileNotFoundError:
                pass
    return found


def bare(root: Path, policy_name: str) -> dict[str, float]:
    started = time.perf_counter()
    parser = BytesParser(policy=email_policy.compat32 if policy_name == "compat32" else email_policy.default)
    count = errors = 0
    for path in message_files(root):
        with open(path, "rb") as handle:
            raw = handle.read()
        try:
            msg = parser.parsebytes(raw)
            for name in HEADERS:
                str(msg.get(name, ""))
            for part in msg.walk():
                if not part.is_multipart():
                    part.get_payload(decode=True)
        except Exception:  # noqa: BLE001 - counted: a real ingest would have to survive it
            errors += 1
        count += 1
    return {"messages": count, "errors": errors, "seconds": time.perf_counter() - started}


def sync_in_process(home: Path, now: str, daemon_like: Path | None = None, new: int = 10, seed: int = 1) -> dict[str, float]:
    """One timed ``sync()`` in this process. With ``daemon_like`` (the Maildir), first as the
    daemon would have: ``new`` messages arrive and are synced (untimed: imports, folder
    listings), then ``new`` more arrive and that sync is timed."""
    os.environ["SYNCD_HOME"] = str(home)
    import datetime as dt

    from syncd import store
    from syncd.config import load
    from syncd.sync import sync

    for name in ("syncd.listen", "syncd.drafts", "syncd.briefing", "connectors.maildir"):
        with contextlib.suppress(ImportError):
            importlib.import_module(name)
    config = load()
    store.open_db(config.database_url)
    if daemon_like is not None:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        import gen_maildir

        gen_maildir.add_messages(daemon_like, new, seed=seed, round_=2)
        time.sleep(2.1)  # past the Maildir connector's 2-second untrusted-mtime window
        sync(config, now=dt.datetime.fromisoformat(now))
        gen_maildir.add_messages(daemon_like, new, seed=seed, round_=3)
        time.sleep(2.1)
    started = time.perf_counter()
    results = sync(config, now=dt.datetime.fromisoformat(now))
    seconds = time.perf_counter() - started
    store.close_db()
    added = sum(r.total.added for r in results)
    errors = [r.error for r in results if r.error]
    return {"messages": added, "seconds": seconds, "errors": len(errors)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="what", required=True)
    b = sub.add_parser("bare")
    b.add_argument("maildir", type=Path)
    b.add_argument("--policy", choices=("compat32", "default"), default="compat32")
    s = sub.add_parser("sync")
    s.add_argument("home", type=Path)
    s.add_argument("--now", required=True)
    s.add_argument("--daemon-like", type=Path, metavar="MAILDIR", help="sync a round of new mail first, untimed")
    s.add_argument("--new", type=int, default=10)
    s.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    if args.what == "bare":
        out = bare(args.maildir, args.policy)
    else:
        out = sync_in_process(args.home, args.now, args.daemon_like, args.new, args.seed)
    json.dump(out, sys.stdout)
    print()


if __name__ == "__main__":
    main()
