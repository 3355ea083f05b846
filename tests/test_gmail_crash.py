"""``syncd sync`` of a Gmail account killed with SIGKILL mid-backfill: the next run resumes
where the last applied batch left off; nothing is lost, nothing stored twice."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from syncd import store
from tests import mailfactory as mf
from tests.emulators.google import GoogleEmulator
from tests.google_support import google  # noqa: F401

ME = "me@gmail.example"
COUNT = 400


def _syncd(home: Path, *args: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "SYNCD_HOME": str(home)}
    return subprocess.Popen([sys.executable, "-m", "syncd", *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def test_sigkill_mid_backfill_resumes_without_loss_or_duplicates(google: GoogleEmulator, tmp_path: Path) -> None:  # noqa: F811
    for n in range(COUNT):
        google.gmail.add(mf.message(f"p{n}@x.example", ME, f"m{n}", f"body {n}", message_id=f"<k{n}@x>"), {"INBOX"})
    home = tmp_path / "home"
    from tests.google_support import gmail_account

    gmail_account(google, "g", home=home)  # the token, where `syncd auth g --token-file` puts it
    add = _syncd(home, "account", "add", "gmail", "g", "--address", ME, "--api-base", google.base, "--oauth-base", google.base,
                 "--quota-per-minute", "10000000")
    assert add.wait(60) == 0, add.stderr.read() if add.stderr else b""
    google.fail("batch", delay=0.4, times=10**6)  # every batch answers slowly: time to land the kill mid-backfill
    proc = _syncd(home, "sync", "g")
    deadline = time.monotonic() + 60
    while len(google.batch_sizes) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    time.sleep(0.6)  # a batch the emulator was still answering is counted before we look
    fetched_before = google.calls["messages.get"]
    assert 0 < len(google.batch_sizes) < COUNT // 50, "the kill must land mid-backfill"
    google.faults.clear()
    done = _syncd(home, "sync", "g")
    assert done.wait(120) == 0, done.stderr.read() if done.stderr else b""
    store.open_db(f"sqlite:///{home / 'syncd.db'}")
    ids = [m.message_id for m in store.Message.select()]
    assert len(ids) == len(set(ids)) == COUNT
    assert store.Location.select().count() == COUNT
    # Resumed, not restarted: only what was fetched but not yet applied at the kill (the batch
    # being applied and the one in flight, at most) is fetched again.
    again = google.calls["messages.get"] - COUNT
    assert again <= 100 and again < fetched_before, (again, fetched_before)
