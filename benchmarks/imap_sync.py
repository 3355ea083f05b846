"""IMAP sync speed against a real Dovecot on loopback.

    python benchmarks/imap_sync.py [--messages 5000] [--workdir /tmp/imap-bench-corpus] [--bare] [--json FILE]

1. A seeded corpus of ``--messages`` messages (``benchmarks/gen_maildir.py``: threads,
   newsletters, HTML, attachments, five folders) is generated once under ``--workdir``
   and APPENDed to a fresh Dovecot (``tests/servers.py``: ``dovecot -F`` on a free port,
   its own folder under /tmp, Debian's ``dovecot-imapd``).
2. The initial sync, twice: the connector alone (``UID FETCH BODY.PEEK[]`` in batches and
   the MIME parser: what IMAP costs) and the whole account sync into a fresh SQLite store
   (``syncd.sync.sync_account``: fetch, parse, people, touchpoints; derived facts and drafts,
   which do not depend on the provider, are left out).
3. 10 new messages are APPENDed to INBOX and the account is synced again (the incremental
   case), then once more with nothing new (the no-op case, a few EXAMINEs with CONDSTORE).

``--bare`` runs Dovecot advertising bare IMAP4rev1 (no CONDSTORE/QRESYNC): the
incremental sync then lists every folder's UIDs and flags (a ``UID SEARCH`` per flag).
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks import gen_maildir  # noqa: E402
from connectors.imap import ImapConnector  # noqa: E402
from syncd import store  # noqa: E402
from syncd.config import Config, paths  # noqa: E402
from syncd.sync import sync_account  # noqa: E402
from tests.servers import Dovecot, ImapUser  # noqa: E402

NOW = "2026-03-24T08:00:00+00:00"


def corpus(workdir: Path, n: int) -> Path:
    out = workdir / f"corpus-{n}"
    if not (out / gen_maildir.META).exists():
        print(f"generating {n} messages in {out} ...", flush=True)
        gen_maildir.generate(n, out)
    return out


def load(user: ImapUser, root: Path) -> int:
    """APPEND every message of a Maildir++ tree, folder by folder (MULTIAPPEND, 500 at a time)."""
    count = 0
    with user.client() as client:
        for folder_dir in [root, *sorted(p for p in root.iterdir() if p.name.startswith(".") and p.is_dir())]:
            files = sorted(p for sub in ("cur", "new") if (folder_dir / sub).is_dir() for p in (folder_dir / sub).iterdir())
            folder = "INBOX" if folder_dir == root else folder_dir.name[1:]
            if folder != "INBOX" and not client.folder_exists(folder):
                client.create_folder(folder)
            for start in range(0, len(files), 500):
                chunk = files[start:start + 500]
                messages = [{"msg": p.read_bytes(), "flags": [b"\\Seen"] if p.parent.name == "cur" else []} for p in chunk]
                if client.has_capability("MULTIAPPEND"):
                    client.multiappend(folder, messages)
                else:
                    for m in messages:
                        client.append(folder, m["msg"], flags=m["flags"])
                count += len(chunk)
    return count


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--messages", type=int, default=5000)
    ap.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "imap-bench-corpus")
    ap.add_argument("--bare", action="store_true", help="a server without CONDSTORE/QRESYNC/UIDPLUS/SPECIAL-USE/IDLE")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    args = ap.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    root = corpus(args.workdir, args.messages)
    meta = json.loads((root / gen_maildir.META).read_text())
    server = Dovecot(extensions=not args.bare).start()
    figures: dict[str, object] = {"messages": args.messages, "server": "bare IMAP4rev1" if args.bare else "Dovecot, all extensions",
                                  "python": platform.python_version(), "machine": platform.machine()}
    try:
        user = server.add_user()
        started = time.perf_counter()
        loaded = load(user, root)
        figures["load_seconds"] = round(time.perf_counter() - started, 2)
        print(f"loaded {loaded} messages into Dovecot in {figures['load_seconds']} s")
        account = user.account("bench", addresses=meta["addresses"], folders=["*"])

        connector = ImapConnector.from_config(account, None)  # type: ignore[arg-type]
        started = time.perf_counter()
        fetched = sum(len(b.records) + len(b.failures) for b in connector.sync_mail(None, {}))
        seconds = time.perf_counter() - started
        figures.update(connector_messages=fetched, connector_seconds=round(seconds, 2), connector_msgs_per_s=round(fetched / seconds))
        print(f"initial, connector only (fetch + parse): {fetched} messages in {seconds:.2f} s = {fetched / seconds:.0f} msgs/s")

        with tempfile.TemporaryDirectory(prefix="syncd-bench-store-") as tmp:
            config = Config(paths=paths(Path(tmp) / "home"), accounts=(account,), settings={"database_url": f"sqlite:///{tmp}/bench.db"})
            store.open_db(config.database_url)
            from syncd import clock

            now = clock.parse_instant(NOW)
            started = time.perf_counter()
            result = sync_account(account, config, now)
            seconds = time.perf_counter() - started
            assert result.error == "", result.error
            added = result.mail.added
            figures.update(initial_added=added, initial_seconds=round(seconds, 2), initial_msgs_per_s=round(added / seconds))
            print(f"initial, whole account sync into SQLite: {added} messages in {seconds:.2f} s = {added / seconds:.0f} msgs/s")

            new = gen_maildir.add_messages(root, 10, round_=1)
            with user.client() as client:
                for path in new:
                    client.append("INBOX", path.read_bytes())
                    path.unlink()  # the corpus stays as generated
            started = time.perf_counter()
            result = sync_account(account, config, now)
            seconds = time.perf_counter() - started
            assert result.error == "" and result.mail.added == 10, (result.error, result.mail)
            figures["incremental_10_seconds"] = round(seconds, 3)
            print(f"incremental, 10 new messages: {seconds * 1000:.0f} ms")

            started = time.perf_counter()
            result = sync_account(account, config, now)
            seconds = time.perf_counter() - started
            assert result.error == "" and result.mail.as_dict() == {"added": 0, "updated": 0, "deleted": 0, "quarantined": 0}
            figures["noop_seconds"] = round(seconds, 3)
            print(f"no-op resync: {seconds * 1000:.0f} ms")
            from syncd.ingest import Ingestor

            ingestor = Ingestor(store.Account.get(store.Account.name == "bench"), config.self_addresses, now)
            cursor, known = ingestor.state("mail").cursor, ingestor.known_mail()
            started = time.perf_counter()
            batches = list(ImapConnector.from_config(account, None).sync_mail(cursor, known))  # type: ignore[arg-type]
            seconds = time.perf_counter() - started
            assert not any(b.records or b.deleted or b.flag_changes for b in batches)
            figures["noop_connector_seconds"] = round(seconds, 3)
            print(f"no-op, connector only (login, LIST, per folder an EXAMINE; flag SEARCHes without CONDSTORE): {seconds * 1000:.0f} ms")
            store.close_db()
    finally:
        server.cleanup()
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
