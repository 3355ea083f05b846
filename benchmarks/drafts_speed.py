"""What ``syncd.drafts.generate_due`` costs after a first sync, alone: CPU time and cProfile.

    python benchmarks/drafts_speed.py [--maildir DIR] [--workdir DIR] [--rounds 5]
                                      [--profile] [--top 30] [--dump FILE]

Once (kept in ``--workdir`` and reused while the corpus is the same): a hard-linked copy
of ``--maildir`` (``ingest.private_copy``: syncd writes drafts into the account's Drafts
folder, never into the corpus) and a first ``syncd.sync.sync`` of it at ``--now``; the
synced database is kept as ``base.db``. Then each round, in a fresh process (as a
``syncd sync``; the first round compiles the templates, the next ones load them from
``syncd.templatecache``, as the next sync would): the base database copied,
its drafts deleted, the copy's Drafts folder and outbox emptied, the modules imported,
and ``generate_due(now, config)`` timed with ``time.process_time`` (CPU, not wall: the
machine is shared). ``--profile`` runs one more round under cProfile and prints the time
per part and the top functions. ``--dump`` writes what the round made — the draft rows
and every file placed in Drafts, sorted, the clock pinned to ``--now`` so ``Date:`` is
stable — so two checkouts can be compared with ``cmp``.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import json
import pstats
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

CORPUS = Path("/tmp/syncd-bench/maildir-10000-s1")
NOW = "2024-06-01T08:00:00+00:00"

PARTS = (  # (part, path fragments of the functions it owns), first match wins
    ("jinja (compile + render)", ("jinja2/", "<template>", "markupsafe")),
    ("email package (build, as_bytes)", ("/email/",)),
    ("placing: syncd.place + connectors", ("syncd/place.py", "connectors/")),
    ("occasions", ("syncd/occasions.py",)),
    ("sources + personal + touches", ("syncd/draftsources.py", "syncd/personal.py", "syncd/touches.py",
                                      "syncd/questions.py", "syncd/known.py")),
    ("phrasing + drafts", ("syncd/phrasing.py", "syncd/wording.py", "syncd/drafts.py")),
    ("peewee (query building, rows)", ("peewee.py", "playhouse/")),
    ("sqlite3 (C: SQL execution)", ("sqlite3", "method 'execute'", "method 'fetchone'", "method 'commit'",
                                    "method 'executemany'", "method 'fetchall'")),
    ("file system (C)", ("posix.", "built-in method io.open", "method 'write' of '_io", "_io.")),
    ("regex (C)", ("re.Pattern", "_sre", "/re/")),
)


def part_of(key: tuple[str, int, str]) -> str:
    text = f"{key[0]}:{key[2]}"
    for part, fragments in PARTS:
        if any(f in text for f in fragments):
            return part
    return "other"


def _meta(maildir: Path) -> dict[str, Any]:
    meta: dict[str, Any] = json.loads((maildir / ".syncd-bench.json").read_text())
    return meta


def _config(home: Path, maildir: Path, addresses: list[str]) -> Any:
    from syncd.config import AccountConfig, Config, paths

    return Config(
        paths=paths(home),
        accounts=(AccountConfig("bench", "maildir", {"path": str(maildir), "addresses": addresses}),),
        settings={"database_url": f"sqlite:///{home}/syncd.db"},
    )


def prepare(source: Path, workdir: Path, now: str) -> None:
    """The first sync, once per corpus: ``workdir/base.db`` and the hard-linked copy."""
    stamp = workdir / "prepared.json"
    meta = _meta(source)
    wanted = {"source": str(source), "sha256": meta.get("sha256"), "now": now}
    if stamp.exists() and json.loads(stamp.read_text()) == wanted and (workdir / "base.db").exists():
        return
    from ingest import private_copy

    from syncd import store
    from syncd import sync as sync_mod

    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    maildir = private_copy(source, workdir)
    home = workdir / "home"
    home.mkdir()
    config = _config(home, maildir, meta["addresses"])
    store.open_db(config.database_url)
    started = time.process_time()
    sync_mod.sync(config, now=dt.datetime.fromisoformat(now))
    print(f"first sync of {source.name}: {time.process_time() - started:.1f} s CPU", flush=True)
    store.close_db()
    _copy_db(home / "syncd.db", workdir / "base.db")
    stamp.write_text(json.dumps(wanted))


def _copy_db(source: Path, target: Path) -> None:
    """A consistent copy (WAL folded in) with SQLite's backup API."""
    target.unlink(missing_ok=True)
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()


def _reset(workdir: Path) -> tuple[Path, Path]:
    """The state right before a first sync's ``generate_due``: the base database without
    its drafts, no Drafts folder (the corpus has none), no outbox."""
    home = workdir / "home"
    maildir = next(workdir.glob("run-*"))
    for suffix in ("", "-wal", "-shm"):
        (home / f"syncd.db{suffix}").unlink(missing_ok=True)
    _copy_db(workdir / "base.db", home / "syncd.db")
    with sqlite3.connect(home / "syncd.db") as db:
        db.execute("DELETE FROM draft")
    db.close()
    shutil.rmtree(maildir / ".Drafts", ignore_errors=True)
    shutil.rmtree(home / "outbox", ignore_errors=True)
    return home, maildir


def _timed_parts() -> dict[str, float]:
    """Wrap the parts of ``generate_due`` with CPU timers (inclusive: "render" is inside
    "write", "compile templates" inside "render", "build message" inside "place pending")."""
    import jinja2

    import connectors.maildir_drafts as md
    from connectors import compose
    from syncd import drafts, place

    spent: dict[str, float] = defaultdict(float)

    def wrap(owner: Any, name: str, label: str) -> None:
        real = getattr(owner, name)
        spent[label] = 0.0

        def timed(*a: Any, **k: Any) -> Any:
            started = time.process_time()
            try:
                return real(*a, **k)
            finally:
                spent[label] += time.process_time() - started

        setattr(owner, name, timed)

    wrap(place, "refresh", "refresh placed")
    wrap(drafts, "due_occasions", "due occasions")
    wrap(drafts, "my_name", "my name")
    wrap(drafts, "Sources", "sources")
    wrap(drafts, "write", "write (all)")
    wrap(drafts, "render", "render (in write)")
    wrap(jinja2.Environment, "compile", "compile templates (in render)")
    wrap(drafts, "record", "record")
    wrap(place, "place_pending", "place pending")
    wrap(md, "build_message", "build message (in place)")
    wrap(compose, "build_message", "build message (in place)")
    return spent


def child(source: Path, workdir: Path, now_text: str, profile: bool, top: int, dump: Path | None) -> None:
    """One round in this process: reset, import, time ``generate_due``; prints one JSON line."""
    home, maildir = _reset(workdir)
    # what a sync has imported by the time derive calls generate_due: not timed
    import connectors.maildir  # noqa: F401
    from syncd import clock, drafts, listen, place, store, sync  # noqa: F401

    config = _config(home, maildir, _meta(source)["addresses"])
    now = dt.datetime.fromisoformat(now_text)
    clock.pin(now)  # Date: of the placed files
    store.open_db(config.database_url)
    profiler = cProfile.Profile(time.process_time) if profile else None  # CPU, as the rounds
    parts = _timed_parts() if not profile else {}
    started = time.process_time()
    if profiler is not None:
        profiler.enable()
    made = drafts.generate_due(now, config)
    if profiler is not None:
        profiler.disable()
    cpu = time.process_time() - started
    if not profile:  # the next sync's check of the drafts just placed
        before = parts["refresh placed"]
        started = time.process_time()
        place.refresh(config, now)
        parts["next refresh (placed drafts)"] = time.process_time() - started
        parts["refresh placed"] = before
    if dump is not None:
        _dump(dump, maildir)
    store.close_db()
    print(json.dumps({"cpu": cpu, "drafts": len(made), "parts": parts}), flush=True)
    if profiler is not None:
        _report(profiler, top)


def _dump(out: Path, maildir: Path) -> None:
    from syncd import store

    D = store.Draft
    fields = [f for f in D._meta.sorted_fields if f.name != "id"]
    rows = sorted(json.dumps([str(getattr(r, f.name + ("_id" if hasattr(f, "rel_model") else ""))) for f in fields])
                  for r in D.select())
    files = sorted(maildir.glob(".Drafts/*/*"))
    with open(out, "w") as handle:
        handle.write(f"{len(rows)} drafts\n" + "\n".join(rows) + "\n")
        for path in files:
            handle.write(f"\n== {path.parent.name}/{path.name}\n{path.read_text()}")


def _report(profiler: cProfile.Profile, top: int) -> None:
    stats = pstats.Stats(profiler)
    by_part: dict[str, float] = defaultdict(float)
    for key, (_cc, _nc, tt, _ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        by_part[part_of(key)] += tt
    whole = sum(by_part.values())
    print(f"\nunder cProfile (CPU clock): {whole:.3f} s; own time by part:")
    for part, seconds in sorted(by_part.items(), key=lambda kv: -kv[1]):
        print(f"  {part:<38} {seconds:7.3f} s  {seconds / whole:5.1%}")
    for order in ("tottime", "cumulative"):
        buf = io.StringIO()
        pstats.Stats(profiler, stream=buf).strip_dirs().sort_stats(order).print_stats(top)
        print(f"\n-- top {top} by {order} --")
        print("\n".join(line for line in buf.getvalue().splitlines() if line.strip()))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--maildir", type=Path, default=CORPUS)
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/syncd-drafts-speed"))
    ap.add_argument("--now", default=NOW)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("--top", type=int, default=30)
    ap.add_argument("--dump", type=Path, help="write the drafts made (rows and files) here")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    source, workdir = args.maildir.resolve(), args.workdir.resolve()
    if args.child:
        child(source, workdir, args.now, args.profile, args.top, args.dump)
        return
    prepare(source, workdir, args.now)
    # the compiled templates kept beside the database (syncd.templatecache): the first round compiles them
    shutil.rmtree(workdir / "home" / "cache", ignore_errors=True)
    base = [sys.executable, __file__, "--child", "--maildir", str(source), "--workdir", str(workdir), "--now", args.now]
    cpus = []
    parts: dict[str, list[float]] = defaultdict(list)
    for attempt in range(args.rounds):
        extra = ["--dump", str(args.dump)] if args.dump is not None and attempt == 0 else []
        out = subprocess.run(base + extra, check=True, capture_output=True, text=True).stdout
        result = json.loads(out.splitlines()[-1])
        cpus.append(result["cpu"])
        for label, seconds in result["parts"].items():
            parts[label].append(seconds)
        print(f"  round {attempt + 1}: generate_due {result['cpu']:.3f} s CPU, {result['drafts']} drafts", flush=True)
    if cpus:
        warm = cpus[1:] or cpus
        print(f"generate_due: first round {cpus[0]:.3f} s CPU; then best {min(warm):.3f} s, "
              f"median {statistics.median(warm):.3f} s over {len(warm)} rounds")
        for label, values in parts.items():
            later = values[1:] or values
            print(f"  {label:<32} first {values[0]:.3f} s, then median {statistics.median(later):.3f} s")
    if args.profile:
        out = subprocess.run(base + ["--profile", "--top", str(args.top)], check=True, capture_output=True, text=True).stdout
        print(out.split("\n", 1)[1] if "\n" in out else out)


if __name__ == "__main__":
    main()
