"""A big Maildir folder is parsed in worker processes: the same batches, in the same order,
with unreadable files quarantined just as in one process."""

from __future__ import annotations

import os
from pathlib import Path

from connectors.base import Failure
from connectors.maildir import MaildirConnector
from tests import bigmaildir


def _everything(connector: MaildirConnector) -> tuple[list[object], list[Failure], list[str | None]]:
    records, failures, cursors = [], [], []
    for batch in connector.sync_mail(None, {}):
        records.extend(batch.records)
        failures.extend(batch.failures)
        cursors.append(batch.cursor)
    return records, failures, cursors


def test_worker_processes_parse_exactly_what_one_process_does(tmp_path: Path) -> None:
    root = bigmaildir.make(tmp_path / "Mail", 900)
    (root / "cur" / "1600000000.bad.host:2,S").write_bytes(b"\x00\x01 not a message at all \xff\xfe\n")
    for folder in root.rglob("*"):  # settled folders: the cursor records them (recent ones are not trusted)
        if folder.is_dir():
            os.utime(folder, ns=(0, 1_000_000_000))
    alone = _everything(MaildirConnector(root, addresses=(bigmaildir.ME,), workers=0))
    spread = _everything(MaildirConnector(root, addresses=(bigmaildir.ME,), workers=2))
    assert len(alone[0]) == 900 and [f.provider_id for f in alone[1]] == ["INBOX/1600000000.bad.host"]
    assert spread == alone


def test_one_pool_of_workers_reads_all_new_files_of_all_folders(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Workers start once per sync when the new files of all changed folders together are many
    (no folder alone need be), and not at all when they are few."""
    import connectors.maildir as maildir

    used: list[int] = []
    real = maildir.ordered_map
    monkeypatch.setattr(maildir, "ordered_map", lambda fn, jobs, workers, *args: (used.append(workers), real(fn, jobs, workers, *args))[1])
    monkeypatch.setattr(maildir, "cores", lambda: 2)
    monkeypatch.setattr(maildir, "PARALLEL_MIN", 800)
    root = bigmaildir.make(tmp_path / "Mail", 900)  # ~630 in INBOX, ~270 in Sent: each under 800
    records, _, _ = _everything(MaildirConnector(root, addresses=(bigmaildir.ME,)))
    assert len(records) == 900 and used == [2]
    used.clear()
    small = bigmaildir.make(tmp_path / "Small", 700)
    records, _, _ = _everything(MaildirConnector(small, addresses=(bigmaildir.ME,)))
    assert len(records) == 700 and used == []


def test_a_settled_directory_is_listed_once_per_change(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A long-running process keeps the listing of a new/ or cur/ whose mtime has not moved: new mail
    in new/ does not make it read cur/'s tens of thousands of names again."""
    import connectors.maildir as maildir

    root = bigmaildir.make(tmp_path / "Mail", 300)
    for folder in root.rglob("*"):
        if folder.is_dir():
            os.utime(folder, ns=(0, 1_000_000_000))
    scanned: list[str] = []
    real = os.scandir
    monkeypatch.setattr(maildir.os, "scandir", lambda p: (scanned.append(str(p)), real(p))[1])
    first = maildir.MaildirConnector._list(root)
    assert sorted(scanned) == [str(root / "cur"), str(root / "new")]
    scanned.clear()
    (root / "new" / "1800000000.M1P1.host").write_bytes(b"From: a@b.example\r\nSubject: hi\r\n\r\nhello\r\n")
    os.utime(root / "new", ns=(0, 2_000_000_000))
    second = maildir.MaildirConnector._list(root)
    assert scanned == [str(root / "new")]  # cur/ did not change: its names are not read again
    assert set(second) - set(first) == {"1800000000.M1P1.host"} and len(second) == len(first) + 1
    (root / "cur" / next(iter(os.listdir(root / "cur")))).unlink()
    os.utime(root / "cur", ns=(0, 3_000_000_000))
    scanned.clear()
    assert len(maildir.MaildirConnector._list(root)) == len(first)
    assert scanned == [str(root / "cur")]


def test_records_cross_to_the_writer_intact_and_without_asking_their_fields_again(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """What a worker sends back (records, their addresses and attachments) pickles by value:
    equal after the trip, and rebuilt without ``dataclasses.fields`` for every object."""
    import dataclasses
    import datetime as dt
    import pickle

    from connectors.base import Address, Attachment, MailRecord

    record = MailRecord(
        "INBOX/k1", "<m@x>", "INBOX", "inbox", dt.datetime(2024, 1, 1, tzinfo=dt.UTC), "Hi", Address("a@x", "A"),
        (Address("b@x"),), cc=(Address("c@x", "C"),), references=("<r@x>",), flags=frozenset({"seen"}),
        attachments=(Attachment("deck.pdf", "application/pdf", 3),), bounced=("d@x",), body_text="Hello",
    )
    blob = pickle.dumps([record] * 3, protocol=pickle.HIGHEST_PROTOCOL)
    asked: list[object] = []
    real = dataclasses.fields
    monkeypatch.setattr(dataclasses, "fields", lambda cls: asked.append(cls) or real(cls))
    back = pickle.loads(blob)
    assert back == [record] * 3 and isinstance(back[0].cc[0], Address) and isinstance(back[0].attachments[0], Attachment)
    assert asked == []
