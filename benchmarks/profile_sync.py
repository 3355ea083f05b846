"""Where ``syncd sync`` spends its time: cProfile of one sync from an empty store.

    python benchmarks/profile_sync.py MAILDIR [--address A ...] [--top 40] [--out FILE.prof]

Runs ``syncd.sync.sync`` in-process on ``MAILDIR`` (addresses from the generator's
``.syncd-bench.json`` when not given) under ``cProfile`` and prints: the split between
the account sync (list, parse, store) and the derive step (people, facts, loops), time
per stage (grouped by the module a function lives in), and the top functions by own
time and by cumulative time. ``--out`` keeps the raw profile for snakeviz/pstats.
cProfile inflates call-heavy code (roughly 1.5-2x); read the shares, not the totals.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import json
import os
import pstats
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

STAGES = (  # (stage, path fragments of the functions it owns), first match wins
    ("parse: email package", ("/email/",)),
    ("parse: syncd.mime + htmltext", ("syncd/mime.py", "syncd/htmltext.py", "/html/")),
    ("maildir listing + file reads", ("connectors/maildir.py",)),
    ("inference: quotes/signature/text", ("infer/quotes.py", "infer/signature.py", "infer/text.py")),
    ("inference: facts", ("infer/fact",)),
    ("inference: loops + dates", ("infer/loops.py", "infer/dates.py")),
    ("ingest + identity glue", ("syncd/ingest.py", "syncd/identity.py")),
    ("listen glue", ("syncd/listen.py",)),
    ("peewee (query building, rows)", ("peewee.py",)),
    ("sqlite3 (C: SQL execution)", ("sqlite3", "method 'execute'", "method 'fetchone'", "method 'commit'",
                                    "method 'executemany'", "method 'fetchall'")),
    ("regex (C)", ("re.Pattern", "_sre", "/re/")),
)


def stage_of(key: tuple[str, int, str]) -> str:
    text = f"{key[0]}:{key[2]}"
    for stage, fragments in STAGES:
        if any(f in text for f in fragments):
            return stage
    return "other"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("maildir", type=Path)
    ap.add_argument("--address", action="append")
    ap.add_argument("--now", default="2024-06-01T08:00:00+00:00")
    ap.add_argument("--top", type=int, default=35)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    meta_file = args.maildir / ".syncd-bench.json"
    addresses = args.address or (json.loads(meta_file.read_text())["addresses"] if meta_file.exists() else None)
    if not addresses:
        sys.exit("give --address")

    from syncd import listen, store
    from syncd import sync as sync_mod
    from syncd.config import AccountConfig, Config, paths

    home = tempfile.mkdtemp(prefix="syncd-profile-")
    # syncd saves follow-up drafts into the account's Drafts folder: it runs on a
    # hard-linked copy, never on the corpus itself.
    from ingest import private_copy

    maildir = private_copy(args.maildir.resolve(), Path(home))
    config = Config(
        paths=paths(home),
        accounts=(AccountConfig("bench", "maildir", {"path": str(maildir), "addresses": addresses}),),
        settings={"database_url": f"sqlite:///{home}/syncd.db"},
    )
    store.open_db(config.database_url)
    now = dt.datetime.fromisoformat(args.now)
    timings: dict[str, float] = {}
    real_listen = listen.listen

    def timed_listen(*a, **k):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        try:
            return real_listen(*a, **k)
        finally:
            timings["listen"] = time.perf_counter() - started

    listen.listen = timed_listen  # type: ignore[assignment]
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    results = sync_mod.sync(config, now=now)
    profiler.disable()
    total = time.perf_counter() - started
    listen.listen = real_listen  # type: ignore[assignment]
    store.close_db()
    added = sum(r.total.added for r in results)
    account = sum(r.seconds for r in results)
    print(f"{added} messages in {total:.1f} s under cProfile: accounts {account:.1f} s, "
          f"listen {timings.get('listen', 0):.1f} s, rest of derive {total - account - timings.get('listen', 0):.1f} s")

    stats = pstats.Stats(profiler)
    by_stage: dict[str, float] = defaultdict(float)
    for key, (_cc, _nc, tt, _ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        by_stage[stage_of(key)] += tt
    whole = sum(by_stage.values())
    print("\nown time by stage:")
    for stage, seconds in sorted(by_stage.items(), key=lambda kv: -kv[1]):
        print(f"  {stage:<38} {seconds:7.2f} s  {seconds / whole:5.1%}")
    for order in ("tottime", "cumulative"):
        buf = io.StringIO()
        pstats.Stats(profiler, stream=buf).strip_dirs().sort_stats(order).print_stats(args.top)
        print(f"\n-- top {args.top} by {order} --")
        print("\n".join(line for line in buf.getvalue().splitlines() if line.strip())[:20000])
    if args.out:
        profiler.dump_stats(str(args.out))
    os.environ.pop("SYNCD_HOME", None)
    shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
