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


def test_workers_are_used_only_for_big_folders(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import connectors.maildir as maildir

    used: list[int] = []
    real = maildir.ordered_map
    monkeypatch.setattr(maildir, "ordered_map", lambda fn, jobs, workers: (used.append(workers), real(fn, jobs, workers))[1])
    monkeypatch.setattr(maildir, "cores", lambda: 2)
    monkeypatch.setattr(maildir, "PARALLEL_MIN", 500)
    root = bigmaildir.make(tmp_path / "Mail", 900)  # ~630 in INBOX, ~270 in Sent
    records, _, _ = _everything(MaildirConnector(root, addresses=(bigmaildir.ME,)))
    assert len(records) == 900 and used == [2]
