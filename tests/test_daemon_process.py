"""``syncd run`` as a process: SIGTERM mid-sync, SIGKILL at random moments, SIGHUP, the lock."""

from __future__ import annotations

import json
import os
import random
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from syncd import store
from tests import bigmaildir
from tests import mailfactory as mf
from tests.daemon_support import count, maildir_account, syncd, wait_until, write_config
from tests.snapshot import snapshot

NOW = "2024-12-01T12:00:00+00:00"
MESSAGES = 1000


def big_home(home: Path, mail: Path) -> Path:
    write_config(home, {"big": {**maildir_account(mail, interval=3600), "addresses": [bigmaildir.ME]}},
                 timezone="UTC", briefing_time="off")
    return home


def state_of(home: Path) -> dict[str, list[tuple[object, ...]]]:
    store.open_db(f"sqlite:///{home / 'syncd.db'}")
    try:
        return snapshot()
    finally:
        store.close_db()


def daemon_state(home: Path) -> dict[str, Any]:
    try:
        return json.loads((home / "daemon.json").read_text())
    except (OSError, ValueError):
        return {}


def settled(home: Path, pid: int, name: str = "big") -> bool:
    """Daemon ``pid`` synced the account and derived (its status says "synced", not "syncing")."""
    state = daemon_state(home)
    if state.get("pid") != pid:
        return False  # the file of an earlier daemon
    account = state.get("accounts", {}).get(name, {})
    return account.get("syncs", 0) >= 1 and str(state.get("status", "")).startswith("synced")


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, list[tuple[object, ...]]]]]:
    """A large Maildir and the store a clean, uninterrupted ``syncd sync`` makes of it."""
    base = tmp_path_factory.mktemp("big")
    mail = bigmaildir.make(base / "mail", MESSAGES)
    clean = big_home(base / "clean", mail)
    done = syncd(clean, "sync", now=NOW)
    assert done.wait(180) == 0, done.out + done.err
    expected = state_of(clean)
    assert len(expected["messages"]) == MESSAGES
    yield mail, expected


def finish_with_daemon(home: Path) -> None:
    """The next run: a daemon that syncs to the end, then stops cleanly."""
    proc = syncd(home, "run", now=NOW)
    try:
        assert wait_until(lambda: settled(home, proc.pid), 120, 0.1) is not None, proc.err
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()


def test_sigterm_mid_sync_exits_0_within_10s_and_the_next_run_completes(
    tmp_path: Path, big: tuple[Path, dict[str, Any]],
) -> None:
    mail, expected = big
    home = big_home(tmp_path / "home", mail)
    proc = syncd(home, "run", now=NOW)
    try:
        assert wait_until(lambda: count(home) > 0, 60) is not None
        signalled = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(15)
        took = time.monotonic() - signalled
    finally:
        if proc.poll() is None:
            proc.kill()
    stderr = proc.err
    assert code == 0 and took < 10, (code, took, stderr)
    assert 0 < count(home) < MESSAGES  # it really stopped mid-sync, at a batch boundary
    assert "finishing the batch in hand" in stderr
    finish_with_daemon(home)
    assert state_of(home) == expected


@pytest.mark.slow
def test_sigkill_at_random_moments_loses_and_duplicates_nothing(tmp_path: Path, big: tuple[Path, dict[str, Any]]) -> None:
    mail, expected = big
    home = big_home(tmp_path / "home", mail)
    rng = random.Random(20261126)
    runs = landed = 0

    def work_left() -> tuple[int, int]:
        return MESSAGES - count(home), count(home, "message WHERE inferred = 0")

    # Ten kills or more: every other one at any moment from start-up on, the others at a
    # random moment after the run made progress (mid-batch, mid-derive) while work is left.
    # A kill "landed" when that run made progress and was cut off before the end. A fast
    # machine may finish the whole mailbox before three have landed: that store is checked
    # and the kills go on in a fresh one.
    homes = 1
    while runs < 10 or (landed < 3 and runs < 60):
        if runs and work_left() == (0, 0) and landed < 3:
            finish_with_daemon(home)
            assert state_of(home) == expected
            homes += 1
            home = big_home(tmp_path / f"home{homes}", mail)
        runs += 1
        before = work_left()
        proc = syncd(home, "run", now=NOW)
        if runs % 2 == 0 and before != (0, 0):
            wait_until(lambda: work_left() != before, 30)  # noqa: B023 - called right here
            time.sleep(rng.uniform(0.0, 1.0))
        else:
            time.sleep(rng.uniform(0.2, 3.0))
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        after = work_left()
        if after != before and after != (0, 0):
            landed += 1
    finish_with_daemon(home)
    assert state_of(home) == expected
    print(f"{runs} kills in {homes} stores, {landed} of them mid-work")
    assert landed >= 3


def test_sighup_reloads_the_config_and_a_new_interval_takes_effect(tmp_path: Path) -> None:
    mail = mf.maildir(tmp_path / "mail")
    mf.deliver(mail, mf.message("dana@acme.example", "me@home.example"))
    home = tmp_path / "home"
    # config.toml is a link to a file elsewhere: editing that file is invisible to the
    # config watcher, so only SIGHUP can make the daemon see the new interval.
    real = tmp_path / "elsewhere" / "config.toml"
    write_config(real.parent, {"mail": maildir_account(mail, interval=3600)}, briefing_time="off")
    home.mkdir()
    (home / "config.toml").symlink_to(real)
    proc = syncd(home, "run")
    try:
        assert wait_until(lambda: settled(home, proc.pid, "mail"), 30) is not None
        write_config(real.parent, {"mail": maildir_account(mail, interval=1)}, briefing_time="off")
        time.sleep(1.5)
        assert daemon_state(home)["accounts"]["mail"]["syncs"] == 1  # no reload without the signal
        proc.send_signal(signal.SIGHUP)
        assert wait_until(lambda: daemon_state(home)["accounts"]["mail"]["syncs"] >= 3, 10) is not None
        proc.send_signal(signal.SIGINT)
        assert proc.wait(10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    assert "config reloaded" in proc.err


def test_a_second_daemon_names_the_first_and_exits_2(tmp_path: Path) -> None:
    home = tmp_path / "home"
    mail = mf.maildir(tmp_path / "mail")
    write_config(home, {"mail": maildir_account(mail)}, briefing_time="off")
    first = syncd(home, "run")
    try:
        assert wait_until(lambda: settled(home, first.pid, "mail"), 30) is not None
        second = syncd(home, "run")
        assert second.wait(30) == 2
        assert f"pid {first.pid}" in second.err
        status = syncd(home, "status", "--daemon", "--json")
        assert status.wait(30) == 0
        shown = json.loads(status.out)
        assert shown["running"] is True and shown["pid"] == first.pid
        assert shown["accounts"]["mail"]["next_sync"] and shown["status"].startswith("synced 1 account")
        first.send_signal(signal.SIGTERM)
        assert first.wait(10) == 0
    finally:
        if first.poll() is None:
            first.kill()
    status = syncd(home, "status")
    assert status.wait(30) == 0
    assert "daemon: not running" in status.out


def test_logs_for_journald_have_priorities_no_timestamps_and_no_bodies(tmp_path: Path) -> None:
    mail = mf.maildir(tmp_path / "mail")
    mf.deliver(mail, mf.message("dana@acme.example", "me@home.example", subject="secret plans",
                                body="The launch code is swordfish-7781."))
    home = tmp_path / "home"
    write_config(home, {"mail": maildir_account(mail)}, briefing_time="off")
    log = tmp_path / "journal"
    log.touch()
    stat = log.stat()
    with log.open("ab") as stream:  # stderr is "the journal stream" systemd names in JOURNAL_STREAM
        proc = subprocess.Popen(
            [sys.executable, "-m", "syncd", "run"], stderr=stream, stdout=subprocess.DEVNULL,
            env={**os.environ, "SYNCD_HOME": str(home), "JOURNAL_STREAM": f"{stat.st_dev}:{stat.st_ino}"},
        )
    try:
        assert wait_until(lambda: settled(home, proc.pid, "mail"), 30) is not None
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    lines = log.read_text().splitlines()
    assert "<6>INFO syncd.daemon: synced mail: 1 added, 0 updated, 0 deleted, 0 quarantined" in "\n".join(lines)
    assert lines and all(re.match(r"<[0-7]>[A-Z]+ [\w.]+: ", line) for line in lines), lines
    assert "swordfish" not in log.read_text() and "secret plans" not in log.read_text()
