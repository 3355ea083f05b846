"""Watching: which file events count for an account, and bursts coalesced into one call."""

from __future__ import annotations

import time
from pathlib import Path

from syncd.config import AccountConfig
from syncd.watch import Coalescer, has_push, plan
from tests import mailfactory as mf


def test_a_burst_of_changes_is_one_call_and_a_steady_trickle_is_not_starved() -> None:
    fired: list[tuple[str, float]] = []
    coalescer = Coalescer(lambda key: fired.append((key, time.monotonic())), quiet=0.1, longest=0.4)
    try:
        for _ in range(20):  # 20 events in 0.1 s
            coalescer.touch("burst")
            time.sleep(0.005)
        time.sleep(0.3)
        assert [k for k, _ in fired] == ["burst"]
        started = time.monotonic()
        while time.monotonic() - started < 1.3:  # an event every 50 ms, never quiet for 0.1 s
            coalescer.touch("trickle")
            time.sleep(0.05)
        time.sleep(0.3)
        trickle = [t for k, t in fired if k == "trickle"]
        assert 3 <= len(trickle) <= 5  # about every `longest` seconds, not once at the end
    finally:
        coalescer.close()


def test_which_maildir_events_count(tmp_path: Path) -> None:
    root = mf.maildir(tmp_path / "mail", "Sent", "Drafts")
    folder, recursive, matches = plan(AccountConfig("m", "maildir", {"path": str(root)}))  # type: ignore[misc]
    assert folder == root and recursive
    assert matches(f"{root}/new/1.eml", False) and matches(f"{root}/.Sent/cur/2.eml:2,S", False)
    assert matches(f"{root}/.Clients.Acme", True)  # a new folder
    assert not matches(f"{root}/tmp/3.eml", False)  # still being delivered
    assert not matches(f"{root}/.Drafts/cur/4.eml", False)  # where syncd puts its own drafts
    assert not matches(f"{root}/dovecot-uidlist", False)


def test_a_single_file_is_watched_through_its_folder(tmp_path: Path) -> None:
    calendar = tmp_path / "cal" / "work.ics"
    calendar.parent.mkdir()
    calendar.write_text("BEGIN:VCALENDAR\nEND:VCALENDAR\n")
    folder, recursive, matches = plan(AccountConfig("c", "ics", {"path": str(calendar)}))  # type: ignore[misc]
    assert folder == calendar.parent and not recursive
    assert matches(str(calendar), False) and not matches(str(calendar.parent / "other.ics"), False)


def test_nothing_to_watch() -> None:
    assert plan(AccountConfig("u", "ics", {"path": "https://example.org/cal.ics"})) is None
    assert plan(AccountConfig("g", "maildir", {"path": "/no/such/folder"})) is None
    assert plan(AccountConfig("i", "imap", {"host": "x"})) is None
    assert has_push(AccountConfig("i", "imap", {})) and not has_push(AccountConfig("m", "maildir", {}))
