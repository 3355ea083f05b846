"""The daemon on the real clock: file watches, config edits, IMAP IDLE, a refused login
and an unreachable server on a real Dovecot, next to a healthy account."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import socket
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from syncd import store
from syncd.daemon import Daemon
from syncd.lock import LOCK_NAME, DaemonLock
from syncd.notify import Notifier
from tests import mailfactory as mf
from tests.conftest import run
from tests.daemon_support import Running, count, maildir_account, open_home, settle, wait_until, write_config
from tests.servers import ImapUser, SmtpServer, TlsFiles

T0 = dt.datetime(2026, 3, 24, 5, 0, tzinfo=dt.UTC)


def live(config, **kw) -> Daemon:  # type: ignore[no-untyped-def]
    return Daemon(config, notifier=Notifier({}), **kw)


def mailbox(path: Path, n: int = 2) -> Path:
    root = mf.maildir(path)
    for i in range(n):
        mf.deliver(root, mf.message(f"friend{i}@example.org", "me@home.example", subject=f"hello {i}"))
    return root


def deliver_like_an_mda(root: Path, raw: bytes, name: str) -> None:
    """Write into tmp/, then rename into new/ (the Maildir delivery protocol)."""
    (root / "tmp" / name).write_bytes(raw)
    os.rename(root / "tmp" / name, root / "new" / name)


def test_new_mail_in_a_watched_maildir_is_synced_within_two_seconds(home: Path, tmp_path: Path) -> None:
    root = mailbox(tmp_path / "mail")
    write_config(home, {"mail": maildir_account(root, interval=3600)}, briefing_time="off")
    daemon = live(open_home(home))
    with Running(daemon):
        assert wait_until(lambda: daemon.accounts["mail"].syncs == 1 and daemon.idle, 15) is not None
        deliver_like_an_mda(root, mf.message("new@example.org", "me@home.example", subject="fresh"), "1800000000.new.test")
        took = wait_until(lambda: count(home) == 3, 5)
        assert took is not None and took < 2.0, took
        # a burst of fifty deliveries is coalesced into a few syncs, and none is lost
        syncs = daemon.accounts["mail"].syncs
        for i in range(50):
            deliver_like_an_mda(root, mf.message(f"burst{i}@example.org", "me@home.example"), f"1800000001.b{i}.test")
        assert wait_until(lambda: count(home) == 53, 10) is not None
        assert wait_until(lambda: not daemon.accounts["mail"].running, 5) is not None
        assert daemon.accounts["mail"].syncs - syncs <= 4
        assert daemon.accounts["mail"].watch == "files"


def test_reading_mail_does_not_wake_the_daemon(home: Path, tmp_path: Path) -> None:
    root = mailbox(tmp_path / "mail", n=5)
    write_config(home, {"mail": maildir_account(root, interval=3600)}, briefing_time="off")
    daemon = live(open_home(home))
    with Running(daemon):
        assert wait_until(lambda: daemon.accounts["mail"].syncs == 1 and daemon.idle, 15) is not None
        for path in (root / "cur").iterdir():
            path.read_bytes()  # a mail client (or syncd itself) opening messages
        assert wait_until(lambda: daemon.accounts["mail"].syncs > 1, 1.5) is None


def test_an_edited_config_is_reloaded_without_a_restart(home: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    first, second = mailbox(tmp_path / "first"), mailbox(tmp_path / "second", n=3)
    write_config(home, {"first": maildir_account(first, interval=3600)}, briefing_time="off")
    daemon = live(open_home(home))
    with Running(daemon):
        assert wait_until(lambda: daemon.accounts["first"].syncs == 1 and daemon.idle, 15) is not None
        write_config(home, {"first": maildir_account(first, interval=3600), "second": maildir_account(second)},
                     briefing_time="off")
        assert wait_until(lambda: count(home) == 5, 10) is not None
        # its result is taken in by the loop a moment after the rows commit
        assert wait_until(lambda: "second" in daemon.accounts and daemon.accounts["second"].syncs == 1, 10) is not None
        (home / "config.toml").write_text("[accounts.broken\n")  # a typo keeps the config in use
        assert wait_until(lambda: "config not reloaded" in caplog.text, 5) is not None
        assert set(daemon.accounts) == {"first", "second"}


def test_imap_idle_brings_new_mail_at_once(home: Path, imap_user: ImapUser) -> None:
    account = imap_user.account("imap", interval=3600)
    write_config(home, {"imap": dict(account.options, kind="imap")}, briefing_time="off")
    daemon = live(open_home(home))
    with Running(daemon):
        assert wait_until(lambda: daemon.accounts["imap"].syncs == 1 and daemon.idle, 20) is not None
        assert daemon.accounts["imap"].watch == "push"
        with imap_user.client() as client:
            client.append("INBOX", mf.message("pushed@example.org", imap_user.address, subject="idle"))
        took = wait_until(lambda: count(home) == 1, 10)
        assert took is not None and took < 5.0, took


def test_a_refused_login_stops_that_account_only(home: Path, tmp_path: Path, imap_user: ImapUser, cli: CliRunner) -> None:
    account = imap_user.account("imap", interval=60)
    password = Path(account.options["password_file"])
    password.write_text("wrong password\n")
    write_config(home, {
        "imap": dict(account.options, kind="imap"),
        "local": maildir_account(mailbox(tmp_path / "local"), interval=60),
    }, briefing_time="off")
    daemon = live(open_home(home), watch=False)
    settle(daemon, T0)
    imap = daemon.accounts["imap"]
    assert imap.stopped and "authentication failed" in imap.stopped and imap.next_due is None
    attempted = imap.last_attempt
    for minute in range(1, 6):
        settle(daemon, T0 + dt.timedelta(minutes=minute))
    assert imap.last_attempt == attempted  # never retried on its own: the password will not fix itself
    assert daemon.accounts["local"].syncs == 6
    with DaemonLock(home / LOCK_NAME):
        rows = {r["name"]: r for r in json.loads(run(cli, "status", "--json").output)}
        text = run(cli, "status").output
    assert "authentication failed" in rows["imap"]["error"] and "password" in rows["imap"]["error"]
    assert rows["imap"]["stopped"] and rows["local"]["stopped"] is None
    assert "STOPPED" in text
    password.write_text(imap_user.password + "\n")  # the user fixes it and reloads (SIGHUP)
    daemon.reload_requested = True
    settle(daemon, T0 + dt.timedelta(minutes=6))
    assert not imap.stopped and imap.syncs == 1 and imap.failures == 0


class BlackHole:
    """A TCP port that accepts connections and never says a word (a server that hangs)."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.held: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        with contextlib.suppress(OSError):
            while True:
                self.held.append(self.listener.accept()[0])

    def close(self) -> None:
        self.listener.close()
        for conn in self.held:
            conn.close()


def test_a_hanging_server_never_holds_up_another_account(home: Path, tmp_path: Path) -> None:
    password = tmp_path / "password"
    password.write_text("x\n")
    password.chmod(0o600)
    hole = BlackHole()
    write_config(home, {
        "far": {"kind": "imap", "host": "127.0.0.1", "port": hole.port, "tls": "none", "username": "me",
                "addresses": ["me@home.example"], "password_file": str(password), "interval": 60},
        "local": maildir_account(mailbox(tmp_path / "local"), interval=1),
    }, briefing_time="off")
    daemon = live(open_home(home), watch=False)
    try:
        with Running(daemon):
            assert wait_until(lambda: bool(hole.held), 10) is not None  # far's sync is connected, and waits
            assert wait_until(lambda: daemon.accounts["local"].syncs >= 3, 10) is not None
            assert daemon.accounts["far"].running  # still stuck while the other synced three times
            hole.close()  # the connection drops: far's sync fails and backs off
            assert wait_until(lambda: daemon.accounts["far"].failures == 1, 10) is not None
            far = daemon.accounts["far"]
            assert far.backoff >= 7.5 and "127.0.0.1" in far.last_error and not far.running
            syncs = daemon.accounts["local"].syncs
            assert wait_until(lambda: daemon.accounts["local"].syncs >= syncs + 2, 5) is not None
    finally:
        hole.close()
    assert store.Account.get(store.Account.name == "local").last_error == ""


def test_one_briefing_per_day_reaches_the_smtp_server_across_a_restart(
    home: Path, imap_user: ImapUser, tls_files: TlsFiles,
) -> None:
    from zoneinfo import ZoneInfo

    smtp = SmtpServer("starttls", tls_files, username=imap_user.name, password=imap_user.password).start()
    try:
        account = imap_user.account("imap", interval=3600, smtp_host="127.0.0.1", smtp_port=smtp.port,
                                    smtp_tls="starttls", cafile=str(tls_files.cert))
        write_config(home, {"imap": dict(account.options, kind="imap")}, timezone="Europe/Berlin", briefing_time="07:00")
        config = open_home(home)

        def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
            return dt.datetime(2026, 3, day, hour, minute, tzinfo=ZoneInfo("Europe/Berlin"))

        daemon = live(config, watch=False)
        for now in (at(24, 6, 50), at(24, 7), at(24, 7, 30)):
            settle(daemon, now)
        daemon = live(config, watch=False)  # restarted the same morning
        for now in (at(24, 9), at(25, 6), at(25, 7, 10), at(25, 11)):
            settle(daemon, now)
        assert [rcpt for _, rcpt, _ in smtp.sink.messages] == [[imap_user.address], [imap_user.address]]
        subjects = [raw.split(b"X-Syncd: ", 1)[1].split(b"\r\n", 1)[0] for _, _, raw in smtp.sink.messages]
        assert subjects == [b"briefing 2026-03-24", b"briefing 2026-03-25"]
    finally:
        smtp.stop()
