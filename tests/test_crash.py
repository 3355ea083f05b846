"""Crash safety: ``syncd sync`` killed with SIGKILL at random moments, then synced
again, leaves exactly the store a clean sync makes: nothing lost, nothing twice."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from syncd import store
from tests.conftest import ENRON
from tests.snapshot import snapshot

NOW = "2024-06-01T12:00:00+00:00"
ADDRESSES = ["--address", "eric.bass@enron.com", "--address", "ebass@enron.com"]


def syncd(home: Path, *args: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "SYNCD_HOME": str(home), "SYNCD_NOW": NOW}
    return subprocess.Popen([sys.executable, "-m", "syncd", *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def setup_home(home: Path) -> None:
    mailbox = home.parent / f"{home.name}-mail"
    shutil.copytree(ENRON, mailbox)  # a sync may write drafts into it; the corpus stays as it is
    proc = syncd(home, "account", "add", "maildir", "enron", "--path", str(mailbox), *ADDRESSES)
    assert proc.wait(30) == 0, proc.stderr.read() if proc.stderr else ""


def state_of(home: Path) -> dict[str, list[tuple[object, ...]]]:
    store.open_db(f"sqlite:///{home / 'syncd.db'}")
    try:
        return snapshot()
    finally:
        store.close_db()


@pytest.mark.slow
def test_sigkill_at_random_moments_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    clean = tmp_path / "clean"
    setup_home(clean)
    started = time.monotonic()
    assert syncd(clean, "sync").wait(120) == 0
    full_time = time.monotonic() - started
    expected = state_of(clean)
    assert len(expected["messages"]) == 317

    rng = random.Random(20261125)
    killed_mid_sync = 0
    run = 0
    # At least ten runs, and on until ten kills have landed while the sync was running.
    while run < 10 or (killed_mid_sync < 10 and run < 20):
        run += 1
        home = tmp_path / f"run{run}"
        setup_home(home)
        # Up to two kills in a row before the sync is allowed to finish.
        for _ in range(rng.randint(1, 2)):
            proc = syncd(home, "sync")
            time.sleep(rng.uniform(0.2, max(0.3, full_time * 0.9)))
            if proc.poll() is None:
                killed_mid_sync += 1
            proc.send_signal(signal.SIGKILL)
            proc.wait(30)
        assert syncd(home, "sync").wait(120) == 0
        assert state_of(home) == expected, f"run {run} differs from a clean sync"
    print(f"clean sync {full_time:.2f}s; {killed_mid_sync} kills landed mid-sync")
    assert killed_mid_sync >= 10
