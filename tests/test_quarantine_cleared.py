"""A failure that was not one item leaves quarantine when its source reads again:
a whole .ics file that did not parse (its id is the file's path, which no event carries),
a file's broken event the user removed, a broken file the user deleted; and a batch's
``cleared`` names on the mail side too. Through the real sync and store."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from connectors.base import Failure, MailBatch
from syncd import store
from syncd.config import AccountConfig, Config, paths
from syncd.ingest import Ingestor
from syncd.sync import sync

NOW = dt.datetime(2024, 1, 10, 12, tzinfo=dt.UTC)
GOOD = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\n{events}END:VCALENDAR\r\n")


def event(uid: str, start: str = "20240115T100000Z") -> str:
    return (f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20240101T000000Z\r\nDTSTART:{start}\r\n"
            f"DTEND:20240115T110000Z\r\nSUMMARY:{uid}\r\nEND:VEVENT\r\n")


def write(path: Path, text: str) -> None:
    """Write and move the mtime on, so the connector sees a change even within one clock tick."""
    before = path.stat().st_mtime_ns if path.exists() else 0
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(before + 2_000_000_000, before + 2_000_000_000))


def config(tmp_path: Path, where: Path) -> Config:
    return Config(paths=paths(tmp_path / "home"), accounts=(AccountConfig("cal", "ics", {"path": str(where)}),),
                  settings={"database_url": f"sqlite:///{tmp_path / 'store.db'}", "timezone": "UTC"})


def run(cfg: Config, minutes: int = 0) -> list[tuple[str, str]]:
    """Sync once; the quarantine as (id, source)."""
    store.open_db(cfg.database_url)
    [result] = sync(cfg, now=NOW + dt.timedelta(minutes=minutes))
    assert result.error == "", result.error
    held = sorted((q.provider_id, q.source) for q in store.Quarantine.select())
    store.close_db()
    return held


def test_a_whole_file_failure_leaves_quarantine_once_the_file_is_fixed(tmp_path: Path) -> None:
    cal = tmp_path / "work.ics"
    write(cal, GOOD.format(events=event("a")))
    cfg = config(tmp_path, cal)
    assert run(cfg) == []
    write(cal, "this is not a calendar at all\r\n")
    assert run(cfg, 1) == [(str(cal), str(cal))]  # broken: quarantined, by its path
    assert run(cfg, 2) == [(str(cal), str(cal))]  # unchanged: still there, not read again
    write(cal, GOOD.format(events=event("a") + event("b")))
    assert run(cfg, 3) == []  # fixed: the quarantine is empty
    store.open_db(cfg.database_url)
    assert sorted(e.provider_id for e in store.Event.select()) == ["a", "b"]
    store.close_db()


def test_in_a_folder_fixed_removed_and_still_broken_files(tmp_path: Path) -> None:
    folder = tmp_path / "cal"
    folder.mkdir()
    fixed, deleted, partial = folder / "fixed.ics", folder / "deleted.ics", folder / "partial.ics"
    for path in (fixed, deleted):
        write(path, "garbage\r\n")
    write(partial, GOOD.format(events=event("ok") + event("bad", start="garbage") + event("worse", start="nonsense")))
    cfg = config(tmp_path, folder)
    assert run(cfg) == sorted([(str(fixed), str(fixed)), (str(deleted), str(deleted)),
                               ("partial.ics/bad", str(partial)), ("partial.ics/worse", str(partial))])
    write(fixed, GOOD.format(events=event("x")))
    deleted.unlink()
    write(partial, GOOD.format(events=event("ok") + event("bad", start="garbage")))  # "worse" removed by the user
    assert run(cfg, 1) == [("partial.ics/bad", str(partial))]  # still broken: still held


def test_mail_batches_clear_by_name_too(tmp_path: Path) -> None:
    store.open_db(f"sqlite:///{tmp_path / 'm.db'}")
    account = store.Account.create(name="mail", kind="maildir", created=NOW)
    ingestor = Ingestor(account, frozenset({"me@example.com"}), NOW)
    state = ingestor.state("mail")
    held = (Failure("INBOX/broken-folder", "/mail/broken", "cannot list"), Failure("k2", "/mail/cur/k2", "no header"))
    ingestor.apply_mail(MailBatch(failures=held), state)
    assert store.Quarantine.select().count() == 2
    again = Failure("k2", "/mail/cur/k2", "still no header")
    ingestor.apply_mail(MailBatch(failures=(again,), cleared=("/mail/broken", "k2")), state)
    assert [(q.provider_id, q.error) for q in store.Quarantine.select()] == [("k2", "still no header")]
    store.close_db()
