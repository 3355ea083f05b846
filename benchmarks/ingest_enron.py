"""Ingest speed on a real Maildir, with and without inference, beside a bare parse.

    python benchmarks/ingest_enron.py [MAILDIR] [--address A ...] [--repeat N]

Prints messages per second for: a bare ``email`` parse (compat32) of every file, the
floor of any Python ingest; ``syncd sync`` into an empty SQLite store without the
listening step; and with it (facts, loops, word counts). The default Maildir is the
shared corpus's enron-bass-e. Best of N runs; each run starts from an empty store.
"""

from __future__ import annotations

import argparse
import datetime as dt
import email
import email.policy
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from syncd import listen, store  # noqa: E402
from syncd.config import AccountConfig, Config, paths  # noqa: E402
from syncd.sync import sync  # noqa: E402

DEFAULT = ROOT.parent / "shared" / "corpus" / "maildir" / "enron-bass-e"
NOW = dt.datetime(2024, 6, 1, tzinfo=dt.timezone.utc)


def files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file() and p.parent.name in ("cur", "new")]


def bare_parse(paths_: list[Path]) -> float:
    started = time.perf_counter()
    for path in paths_:
        msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.compat32)
        for part in msg.walk():
            part.get_payload(decode=True)
    return time.perf_counter() - started


def one_sync(root: Path, addresses: list[str], with_listening: bool) -> float:
    from ingest import private_copy  # drafts go to the account's Drafts folder: never into the corpus

    with tempfile.TemporaryDirectory() as home:
        config = Config(
            paths=paths(home),
            accounts=(AccountConfig("bench", "maildir", {"path": str(private_copy(root, Path(home))), "addresses": addresses}),),
            settings={"database_url": f"sqlite:///{home}/syncd.db"},
        )
        store.open_db(config.database_url)
        real = listen.listen
        if not with_listening:
            listen.listen = lambda *a, **k: listen.Heard()  # type: ignore[assignment]
        try:
            started = time.perf_counter()
            sync(config, now=NOW)
            return time.perf_counter() - started
        finally:
            listen.listen = real  # type: ignore[assignment]
            store.close_db()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("maildir", nargs="?", default=str(DEFAULT))
    parser.add_argument("--address", action="append", default=None)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:  # a sync may place drafts: never in the corpus
        root = Path(scratch) / "maildir"
        shutil.copytree(args.maildir, root)
        run(root, args)


def run(root: Path, args: argparse.Namespace) -> None:
    addresses = args.address or ["eric.bass@enron.com", "ebass@enron.com"]
    found = files(root)
    n = len(found)
    bare = min(bare_parse(found) for _ in range(args.repeat))
    plain = min(one_sync(root, addresses, False) for _ in range(args.repeat))
    full = min(one_sync(root, addresses, True) for _ in range(args.repeat))
    print(f"{root} — {n} messages, {os.cpu_count()} cores, best of {args.repeat}")
    print(f"{'bare compat32 parse':<34} {n / bare:>8.0f} msgs/s  {bare:6.2f} s")
    print(f"{'syncd sync, no inference':<34} {n / plain:>8.0f} msgs/s  {plain:6.2f} s")
    print(f"{'syncd sync, with inference':<34} {n / full:>8.0f} msgs/s  {full:6.2f} s")
    print(f"inference keeps {plain / full:.0%} of the ingest speed (target: at least 50%)")


if __name__ == "__main__":
    main()
