"""The scheduler driven by a stepped clock: intervals, backoff, the morning briefing, status."""

from __future__ import annotations

import datetime as dt
import json
import random
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from syncd import store
from syncd.daemon import Daemon
from syncd.deliver import deliver_briefing
from syncd.lock import LOCK_NAME, DaemonLock
from syncd.notify import Notifier
from tests import mailfactory as mf
from tests.conftest import run
from tests.daemon_support import maildir_account, open_home, settle, write_config

T0 = dt.datetime(2026, 3, 24, 5, 0, tzinfo=dt.UTC)  # 06:00 in Berlin


def seconds(n: float) -> dt.timedelta:
    return dt.timedelta(seconds=n)


def mailbox(path: Path, n: int = 2) -> Path:
    root = mf.maildir(path, "Sent")
    for i in range(n):
        mf.deliver(root, mf.message(f"friend{i}@example.org", "me@home.example", subject=f"hello {i}"))
    return root


def quiet(config, **kw) -> Daemon:  # type: ignore[no-untyped-def]
    """A daemon without file watches or notify socket: only the stepped clock moves it."""
    return Daemon(config, watch=False, notifier=Notifier({}), **kw)


def test_each_account_syncs_on_its_own_interval(home: Path, tmp_path: Path) -> None:
    write_config(home, {
        "fast": maildir_account(mailbox(tmp_path / "fast"), interval=60),
        "slow": maildir_account(mailbox(tmp_path / "slow"), interval=300),
    }, briefing_time="off")
    daemon = quiet(open_home(home))
    assert settle(daemon, T0) == 60.0  # both synced; the fast one is next, in a minute
    assert {n: s.syncs for n, s in daemon.accounts.items()} == {"fast": 1, "slow": 1}
    assert store.Location.select().count() == 4
    for now in (T0 + seconds(59), T0 + seconds(60), T0 + seconds(120), T0 + seconds(299), T0 + seconds(300)):
        settle(daemon, now)
    assert {n: s.syncs for n, s in daemon.accounts.items()} == {"fast": 4, "slow": 2}


def test_a_failing_account_backs_off_exponentially_while_a_healthy_one_keeps_syncing(
    home: Path, tmp_path: Path, cli: CliRunner,
) -> None:
    gone = mailbox(tmp_path / "gone")
    write_config(home, {
        "gone": maildir_account(gone, interval=60),
        "healthy": maildir_account(mailbox(tmp_path / "healthy"), interval=60),
    }, briefing_time="off")
    shutil.rmtree(gone)  # the folder vanishes: AccountError on every attempt
    daemon = quiet(open_home(home), rng=random.Random(3))
    attempts: list[dt.datetime] = []
    now = T0
    while now < T0 + dt.timedelta(minutes=30):
        settle(daemon, now)
        state = daemon.accounts["gone"]
        if state.last_attempt is not None and (not attempts or attempts[-1] != state.last_attempt):
            attempts.append(state.last_attempt)
        now += seconds(5)
    gaps = [(b - a).total_seconds() for a, b in zip(attempts, attempts[1:])]
    assert len(gaps) >= 5
    for k, gap in enumerate(gaps, start=1):  # after the k-th failure: within [d/2, d] (+ one 5 s step)
        ceiling = 15.0 * 2 ** (k - 1)
        assert ceiling / 2 <= gap <= ceiling + 5, (k, gaps)
    healthy = daemon.accounts["healthy"]
    assert healthy.failures == 0 and healthy.syncs >= 29  # every minute, untouched by the other
    failing = daemon.accounts["gone"]
    assert failing.failures == len(attempts) and "does not exist" in failing.last_error
    # syncd status shows it, from the store and from the daemon's state file
    with DaemonLock(home / LOCK_NAME):
        rows = {r["name"]: r for r in json.loads(run(cli, "status", "--json").output)}
        text = run(cli, "status").output
    assert "does not exist" in rows["gone"]["error"] and rows["gone"]["backoff_seconds"] > 0
    assert rows["healthy"]["error"] is None and rows["healthy"]["backoff_seconds"] == 0
    assert rows["healthy"]["next_sync"] is not None
    assert "daemon: running" in text and "backing off" in text


def test_a_recovered_account_goes_back_to_its_interval(home: Path, tmp_path: Path) -> None:
    path = mailbox(tmp_path / "flaky")
    write_config(home, {"flaky": maildir_account(path, interval=60)}, briefing_time="off")
    moved = tmp_path / "moved"
    path.rename(moved)
    daemon = quiet(open_home(home), rng=random.Random(1))
    settle(daemon, T0)
    assert daemon.accounts["flaky"].failures == 1
    moved.rename(path)
    delay = settle(daemon, T0 + seconds(15))
    state = daemon.accounts["flaky"]
    assert (state.failures, state.backoff, state.syncs, delay) == (0, 0.0, 1, 60.0)


# -- the morning briefing --------------------------------------------------------------


class Counting:
    """The real delivery (to the outbox: a Maildir account cannot send), counted."""

    def __init__(self) -> None:
        self.sent: list[dt.date] = []

    def __call__(self, config, date: dt.date, now: dt.datetime) -> bool:  # type: ignore[no-untyped-def]
        done = deliver_briefing(config, date, now)
        if done:
            self.sent.append(date)
        return bool(done)


def briefing_home(home: Path, tmp_path: Path) -> None:
    write_config(home, {"mail": maildir_account(mailbox(tmp_path / "mail"), interval=300)},
                 timezone="Europe/Berlin", briefing_time="07:00")


def berlin(day: int, hour: int, minute: int = 0) -> dt.datetime:
    from zoneinfo import ZoneInfo

    return dt.datetime(2026, 3, day, hour, minute, tzinfo=ZoneInfo("Europe/Berlin")).astimezone(dt.UTC)


def test_one_briefing_per_day_across_two_days_and_restarts(home: Path, tmp_path: Path) -> None:
    briefing_home(home, tmp_path)
    config = open_home(home)
    counting = Counting()
    daemon = quiet(config, deliver=counting)
    for now in (berlin(24, 6), berlin(24, 6, 59)):
        settle(daemon, now)
    assert counting.sent == []
    syncs_before = daemon.accounts["mail"].syncs
    settle(daemon, berlin(24, 7))
    assert counting.sent == [dt.date(2026, 3, 24)]
    assert daemon.accounts["mail"].syncs == syncs_before + 1  # synced first, so it is fresh
    for now in (berlin(24, 7, 1), berlin(24, 9), berlin(24, 11, 59)):
        settle(daemon, now)
    daemon = quiet(config, deliver=counting)  # a restart the same morning
    for now in (berlin(24, 10), berlin(24, 13), berlin(25, 6, 30)):
        settle(daemon, now)
    assert counting.sent == [dt.date(2026, 3, 24)]
    for now in (berlin(25, 7), berlin(25, 7, 5)):
        settle(daemon, now)
    daemon = quiet(config, deliver=counting)  # and another one
    settle(daemon, berlin(25, 8))
    assert counting.sent == [dt.date(2026, 3, 24), dt.date(2026, 3, 25)]
    assert [b.date for b in store.Briefing.select().order_by(store.Briefing.date)] == ["2026-03-24", "2026-03-25"]
    assert sorted(p.name for p in (home / "outbox").iterdir()) == ["2026-03-24-briefing.eml", "2026-03-25-briefing.eml"]


def test_a_daemon_started_at_half_past_nine_sends_the_missed_briefing_once(home: Path, tmp_path: Path) -> None:
    briefing_home(home, tmp_path)
    config = open_home(home)
    counting = Counting()
    daemon = quiet(config, deliver=counting)
    for now in (berlin(24, 9, 30), berlin(24, 9, 31), berlin(24, 10)):
        settle(daemon, now)
    settle(quiet(config, deliver=counting), berlin(24, 10, 30))
    assert counting.sent == [dt.date(2026, 3, 24)]


def test_a_daemon_started_after_noon_leaves_that_day_alone(home: Path, tmp_path: Path) -> None:
    briefing_home(home, tmp_path)
    counting = Counting()
    daemon = quiet(open_home(home), deliver=counting)
    settle(daemon, berlin(24, 12, 30))
    assert counting.sent == []
    assert daemon.mornings.next_at(berlin(24, 12, 30)) == berlin(25, 7)
    assert "next briefing Wed 07:00" in json.loads((home / "daemon.json").read_text())["status"]


def test_a_failed_delivery_is_retried_until_it_goes_out(home: Path, tmp_path: Path) -> None:
    briefing_home(home, tmp_path)
    calls: list[dt.datetime] = []

    def flaky(config, date: dt.date, now: dt.datetime) -> bool:  # type: ignore[no-untyped-def]
        calls.append(now)
        if len(calls) < 3:
            raise OSError("smtp server unreachable")
        return True

    daemon = quiet(open_home(home), deliver=flaky)
    for minute in range(0, 10):
        settle(daemon, berlin(24, 7, minute))
    assert [c.astimezone(dt.UTC) for c in calls] == [berlin(24, 7, 0), berlin(24, 7, 1), berlin(24, 7, 3)]


@pytest.mark.parametrize("setting", ["off", ""])
def test_briefing_time_off_sends_nothing(home: Path, tmp_path: Path, setting: str) -> None:
    write_config(home, {"mail": maildir_account(mailbox(tmp_path / "mail"))}, briefing_time=setting)
    counting = Counting()
    settle(quiet(open_home(home), deliver=counting), berlin(24, 8))
    assert counting.sent == []
