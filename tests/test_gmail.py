"""Gmail sync behaviour against the emulator: batching, order, history, quota, faults, resume."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from connectors.gmail import GmailConnector
from connectors.gmail_quota import Backoff, Pacer
from syncd import store
from syncd.config import Config, paths
from syncd.sync import sync
from tests import mailfactory as mf
from tests.emulators.google import GoogleEmulator
from tests.google_support import Sleeps, gmail_account, google, sleeps  # noqa: F401

ME = "me@gmail.example"


def fill(emulator: GoogleEmulator, count: int, start: int = 0, labels: frozenset[str] = frozenset({"INBOX"})) -> list[str]:
    return [emulator.gmail.add(mf.message(f"p{n}@x.example", ME, f"m{n}", f"body {n}", message_id=f"<m{n}@x>"), labels)
            for n in range(start, start + count)]


def config_for(emulator: GoogleEmulator, tmp_path: Path, **options: Any) -> Config:
    """A budget too big to wait on in real time (pacing itself is tested on a fake clock)."""
    options.setdefault("quota_per_minute", 10**7)
    return Config(paths=paths(tmp_path / "home"), accounts=(gmail_account(emulator, **options),),
                  settings={"database_url": f"sqlite:///{tmp_path / 'g.db'}"})


def run(config: Config) -> Any:
    store.open_db(config.database_url)
    [result] = sync(config, now=None)
    return result


def stored() -> set[str]:
    return {m.message_id for m in store.Message.select()}


def test_full_sync_batches_newest_first_and_skips_spam_and_trash(google: GoogleEmulator, tmp_path: Path) -> None:  # noqa: F811
    fill(google, 120)
    google.gmail.add(mf.message("spam@x.example", ME, "win", "prize", message_id="<spam@x>"), {"SPAM"})
    google.gmail.add(mf.message("bin@x.example", ME, "old", "gone", message_id="<bin@x>"), {"TRASH"})
    config = config_for(google, tmp_path, fetch="messages")
    connector = GmailConnector.from_config(config.accounts[0], config)
    batches = [b for b in connector.sync_mail(None, {}) if b.records]
    assert google.batch_sizes == [50, 50, 20]  # HTTP batches of at most 50 messages.get
    assert google.calls["messages.get"] == 120 and google.calls["messages.list"] == 1
    assert google.http_requests < 10  # profile, list, history, three batches, the token
    first = [r.subject for r in batches[0].records]
    assert first == [f"m{n}" for n in range(119, 69, -1)]  # the newest fifty first
    subjects = {r.subject for b in batches for r in b.records}
    assert "win" not in subjects and "old" not in subjects and len(subjects) == 120


def test_history_is_played_from_the_id_read_before_paging(google: GoogleEmulator, tmp_path: Path) -> None:  # noqa: F811
    """Mail that arrives or goes while the full listing runs is not missed."""
    ids = fill(google, 80)
    config = config_for(google, tmp_path)
    connector = GmailConnector.from_config(config.accounts[0], config)
    seen: list[str] = []
    deleted: list[str] = []
    for number, batch in enumerate(connector.sync_mail(None, {})):
        seen.extend(r.message_id for r in batch.records)
        deleted.extend(batch.deleted)
        if number == 0:  # after the first batch: one new message, one not fetched yet deleted, one fetched deleted
            fill(google, 1, start=500)
            google.gmail.delete(ids[0])  # the oldest: still to be fetched
            google.gmail.delete(ids[79])  # the newest: already fetched
    assert "<m500@x>" in seen
    assert "<m0@x>" not in seen
    assert ids[79] in deleted
    assert json.loads(batch.cursor or "")["stage"] == "history"


@pytest.mark.parametrize("fetch,method,units", [("messages", "messages.get", 20), ("auto", "threads.get", 10)])
def test_incremental_sync_of_ten_costs_one_history_call_and_one_batch(
    google: GoogleEmulator, tmp_path: Path, fetch: str, method: str, units: int,  # noqa: F811
) -> None:
    fill(google, 30)
    config = config_for(google, tmp_path, fetch=fetch)
    run(config)
    google.reset_counts()
    fill(google, 10, start=100)
    result = run(config)
    assert result.mail.added == 10
    assert {k: n for k, n in google.calls.items() if k != "events.list"} == {"history.list": 1, method: 10}
    assert google.batch_sizes == [10]
    assert google.units() == 2 + 10 * units  # auto: ten one-message conversations cost less by threads.get


@pytest.mark.parametrize("status,reason", [(429, ""), (403, "rateLimitExceeded"), (403, "userRateLimitExceeded")])
def test_throttled_batch_parts_back_off_halve_the_batch_and_recover(
    google: GoogleEmulator, tmp_path: Path, sleeps: Sleeps, status: int, reason: str,  # noqa: F811
) -> None:
    fill(google, 400)
    google.fail("messages.get", status, reason, times=30)  # throttles most of the first batch
    result = run(config_for(google, tmp_path, fetch="messages"))
    assert result.error == "" and result.mail.added == 400
    assert len(stored()) == 400
    assert sleeps and all(0 < s <= 64 for s in sleeps)
    assert google.batch_sizes[0] == 50 and min(google.batch_sizes) <= 25  # halved
    assert google.batch_sizes[-2] == 50 or google.batch_sizes[-1] == 50  # and grown back


def test_server_errors_and_throttled_history_are_retried(google: GoogleEmulator, tmp_path: Path, sleeps: Sleeps) -> None:  # noqa: F811
    fill(google, 5)
    config = config_for(google, tmp_path)
    google.fail("messages.list", 500, times=2)
    assert run(config).mail.added == 5
    fill(google, 2, start=50)
    google.fail("history.list", 403, "userRateLimitExceeded", times=2)
    assert run(config).mail.added == 2
    assert len(sleeps) == 4
    assert sleeps[1] > sleeps[0] / 2  # exponential (jittered) growth


def test_a_slow_answer_times_out_and_is_retried(google: GoogleEmulator, tmp_path: Path, sleeps: Sleeps) -> None:  # noqa: F811
    fill(google, 3)
    google.fail("messages.list", delay=2.5)
    result = run(config_for(google, tmp_path, timeout=1))
    assert result.error == "" and result.mail.added == 3
    assert len(sleeps) == 1 and google.calls["messages.list"] == 2


def test_a_server_that_keeps_failing_stops_this_pass_only(google: GoogleEmulator, tmp_path: Path, sleeps: Sleeps) -> None:  # noqa: F811
    fill(google, 3)
    config = config_for(google, tmp_path)
    google.fail("profile", 503, times=100)
    result = run(config)
    assert "gave up" in result.error and len(sleeps) == Backoff().tries
    google.faults.clear()
    assert run(config).mail.added == 3  # the next pass goes on


def test_unreadable_message_is_quarantined_and_its_neighbours_stored(google: GoogleEmulator, tmp_path: Path) -> None:  # noqa: F811
    fill(google, 3)
    google.gmail.add(b"", {"INBOX"})
    result = run(config_for(google, tmp_path))
    assert (result.mail.added, result.mail.quarantined) == (3, 1)
    [held] = store.Quarantine.select()
    assert held.source.startswith("gmail:gmail/")


def test_resumed_full_sync_fetches_nothing_twice(google: GoogleEmulator, tmp_path: Path) -> None:  # noqa: F811
    """Stopped after two batches (the daemon's should_stop, or a kill), the next pass
    starts from the cursor's page and offset."""
    fill(google, 620)  # two listing pages
    config = config_for(google, tmp_path, fetch="messages")
    store.open_db(config.database_url)
    batches = iter(range(6))  # checks: before the account, the calendar batch, before mail, two mail batches
    [first] = sync(config, should_stop=lambda: next(batches, 9) >= 4)
    assert first.mail.added == 100
    cursor = json.loads(store.SyncState.get(store.SyncState.stream == "mail").cursor)
    assert cursor["stage"] == "full" and cursor["skip"] == 100
    [second] = sync(config)
    assert second.mail.added == 520 and len(stored()) == 620
    assert google.calls["messages.get"] == 620  # each message fetched once


def test_pacer_keeps_every_minute_within_budget_and_runs_close_to_it() -> None:
    clock = [0.0]
    pacer = Pacer(budget=6000, clock=lambda: clock[0], sleep=lambda s: clock.__setitem__(0, clock[0] + s))
    stamps: list[tuple[float, int]] = []
    for _ in range(200):  # 200 batches of 50 gets: 200,000 units
        pacer.take("messages.get", 50)
        stamps.append((clock[0], 1000))
        clock[0] += 0.05  # the request itself
    for t, _ in stamps:
        assert sum(u for s, u in stamps if t <= s < t + 60) <= 6000
    floor = 200_000 / 6000 * 60
    assert clock[0] <= floor * 1.1  # within 10% of the quota's floor
    assert pacer.spent == 200_000


def test_pacer_refuses_a_batch_bigger_than_the_budget() -> None:
    with pytest.raises(ValueError, match="more than the budget"):
        Pacer(budget=500).take("messages.get", 50)


def test_backoff_halves_then_grows_back() -> None:
    backoff = Backoff(sleep=lambda s: None, rand=lambda: 1.0)
    backoff.throttle()
    backoff.throttle()
    assert backoff.batch == 12 and backoff.slept == 1.0 + 2.0
    for _ in range(8):
        backoff.success()
    assert backoff.batch == 48
    for _ in range(4):
        backoff.success()
    assert backoff.batch == 50


def test_archiving_moves_the_stored_message_to_all_mail_at_no_fetch(google: GoogleEmulator, tmp_path: Path) -> None:  # noqa: F811
    """Removing INBOX (archiving) changes the folder; with a star added too, flags and folder both."""
    ids = fill(google, 3)
    config = config_for(google, tmp_path)
    run(config)

    def place(n: int) -> tuple[str, str]:
        row = store.Location.get(store.Location.provider_id == ids[n])
        return row.folder, row.etag

    assert place(0) == ("INBOX", "seen") and place(1) == ("INBOX", "seen")
    google.gmail.set_labels(ids[0], {"UNREAD"})  # archived, marked unread
    google.gmail.set_labels(ids[1], {"STARRED"})  # archived and starred
    google.gmail.set_labels(ids[2], set())  # archived only: the flags stay as they were
    google.reset_counts()
    result = run(config)
    assert result.mail.updated == 3
    assert place(0) == ("All Mail", "") and place(1) == ("All Mail", "flagged,seen") and place(2) == ("All Mail", "seen")
    assert {k: n for k, n in google.calls.items() if k.endswith(".get")} == {}  # from the history's labels alone
    google.gmail.set_labels(ids[0], {"INBOX", "UNREAD"})  # moved back to the inbox
    run(config)
    assert place(0) == ("INBOX", "")


def test_a_first_round_cursor_resumes_its_listing(google: GoogleEmulator, tmp_path: Path) -> None:  # noqa: F811
    """A version 1 cursor (the first round's) saved mid-backfill resumes at its offset and ends as version 2."""
    fill(google, 30)
    config = config_for(google, tmp_path)
    connector = GmailConnector.from_config(config.accounts[0], config)
    old = json.dumps({"v": 1, "stage": "full", "start": str(google.gmail.history_id), "history": str(google.gmail.history_id),
                      "page": None, "skip": 10, "refresh": False})
    batches = list(connector.sync_mail(old, {}))
    got = [r.subject for b in batches for r in b.records]
    assert sorted(got) == sorted(f"m{n}" for n in range(20))  # the 20 after the first 10 (newest first)
    assert json.loads(batches[-1].cursor or "") == {"v": 2, "stage": "history", "history": str(google.gmail.history_id)}
