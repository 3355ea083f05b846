"""systemd's notify protocol against real AF_UNIX datagram sockets, in-process and from ``syncd run``."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from syncd.notify import Notifier
from tests import mailfactory as mf


@pytest.fixture
def notify_socket() -> Iterator[tuple[socket.socket, str]]:
    """A bound datagram socket with a short path (AF_UNIX paths are limited to 108 bytes)."""
    folder = tempfile.mkdtemp(prefix="syncd-notify-")
    path = os.path.join(folder, "notify")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    try:
        yield sock, path
    finally:
        sock.close()
        shutil.rmtree(folder, ignore_errors=True)


def receive(sock: socket.socket, timeout: float) -> list[tuple[float, dict[str, str]]]:
    """Every message that arrives within ``timeout`` seconds, with its arrival time."""
    got = []
    deadline = time.monotonic() + timeout
    while (left := deadline - time.monotonic()) > 0:
        sock.settimeout(left)
        try:
            data = sock.recv(4096)
        except TimeoutError:
            break
        fields = dict(line.split("=", 1) for line in data.decode().splitlines())
        got.append((time.monotonic(), fields))
    return got


def test_messages_reach_a_path_socket(notify_socket: tuple[socket.socket, str]) -> None:
    sock, path = notify_socket
    notifier = Notifier({"NOTIFY_SOCKET": path})
    notifier.ready("synced 3 accounts,\nnext briefing 07:00")
    notifier.status("syncing work")
    notifier.stopping()
    got = [fields for _, fields in receive(sock, 0.5)]
    assert got == [
        {"READY": "1", "STATUS": "synced 3 accounts, next briefing 07:00"},  # one line, always
        {"STATUS": "syncing work"},
        {"STOPPING": "1", "STATUS": "stopping"},
    ]


def test_abstract_socket_names_start_with_at() -> None:
    name = f"syncd-test-{uuid.uuid4().hex}"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind("\0" + name)
        Notifier({"NOTIFY_SOCKET": "@" + name}).ready("up")
        assert receive(sock, 0.5)[0][1] == {"READY": "1", "STATUS": "up"}


def test_watchdog_pings_at_half_the_interval_and_only_for_us(notify_socket: tuple[socket.socket, str]) -> None:
    sock, path = notify_socket
    clock = [100.0]
    notifier = Notifier({"NOTIFY_SOCKET": path, "WATCHDOG_USEC": "2000000"}, monotonic=lambda: clock[0])
    assert notifier.watchdog_interval == 2.0
    assert notifier.ping_if_due() is False
    clock[0] += 0.99
    assert notifier.ping_if_due() is False
    clock[0] += 0.01
    assert notifier.ping_if_due() is True
    assert notifier.watchdog_due_in() == 1.0
    assert [f for _, f in receive(sock, 0.3)] == [{"WATCHDOG": "1"}]
    other = Notifier({"NOTIFY_SOCKET": path, "WATCHDOG_USEC": "2000000", "WATCHDOG_PID": str(os.getpid() + 1)})
    assert other.watchdog_interval is None


def test_keepalive_pings_while_the_loop_is_busy_but_not_for_ever(notify_socket: tuple[socket.socket, str]) -> None:
    sock, path = notify_socket
    notifier = Notifier({"NOTIFY_SOCKET": path, "WATCHDOG_USEC": "200000"})
    with notifier.keepalive(limit=0.5):
        time.sleep(1.0)  # the "long step": pings for 0.5 s (every 0.1 s), then none
    pings = [t for t, f in receive(sock, 0.2) if f == {"WATCHDOG": "1"}]
    assert 3 <= len(pings) <= 7


def test_without_notify_socket_nothing_happens() -> None:
    notifier = Notifier({})
    assert not notifier.enabled
    assert notifier.send(READY=1) is False
    assert notifier.ping_if_due() is False and notifier.watchdog_due_in() is None


def test_syncd_run_speaks_the_notify_protocol(tmp_path: Path, notify_socket: tuple[socket.socket, str]) -> None:
    sock, path = notify_socket
    home = tmp_path / "home"
    mail = mf.maildir(tmp_path / "mail")
    mf.deliver(mail, mf.message("dana@acme.example", "me@home.example"))
    home.mkdir()
    (home / "config.toml").write_text(
        f"[syncd]\ntimezone = 'UTC'\nbriefing_time = '07:00'\n"
        f"[accounts.mail]\nkind = 'maildir'\npath = '{mail}'\naddresses = ['me@home.example']\n"
    )
    env = {**os.environ, "SYNCD_HOME": str(home), "SYNCD_NOW": "2024-06-01T13:00:00+00:00",
           "NOTIFY_SOCKET": path, "WATCHDOG_USEC": "1000000"}
    proc = subprocess.Popen([sys.executable, "-m", "syncd", "run"], env=env, stderr=subprocess.PIPE)
    try:
        got = receive(sock, 6.0)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(10) == 0
        got += receive(sock, 1.0)
    finally:
        if proc.poll() is None:
            proc.kill()
    stderr = proc.stderr.read().decode() if proc.stderr else ""
    fields = [f for _, f in got]
    ready = next(i for i, f in enumerate(fields) if f.get("READY") == "1")
    statuses = [f["STATUS"] for f in fields if "STATUS" in f]
    assert "synced 1 account, next briefing Sun 07:00" in statuses, (statuses, stderr)
    assert fields[-1].get("STOPPING") == "1"
    pings = [t for t, f in got[ready:] if f.get("WATCHDOG") == "1"]
    gaps = [b - a for a, b in zip(pings, pings[1:])]
    assert len(pings) >= 8, (len(pings), stderr)  # ~6 s at one ping per half second
    assert 0.35 <= statistics.median(gaps) <= 0.65, gaps
    assert max(gaps) < 1.0, gaps  # never late enough for systemd to kill it
