"""The IMAP connector against a real Dovecot: TLS and certificates, credentials, faults
(server killed mid-sync, wrong password), push (IDLE), folder choice, and the Enron
mailbox giving the same store as the Maildir connector."""

from __future__ import annotations

import itertools
import logging
import os
import threading
import time
from pathlib import Path

import peewee as pw
import pytest

from connectors import imap
from connectors.base import ARCHIVE, INBOX, OTHER, SENT
from connectors.imap import ImapConnector, choose_folders
from syncd import identity, store
from syncd.config import AccountConfig, Config, paths
from syncd.sync import AccountResult, sync, sync_account
from tests import mailfactory as mf
from tests.conftest import ENRON
from tests.contract import NOW
from tests.servers import Dovecot, ImapUser, TlsFiles
from tests.snapshot import snapshot

_numbers = itertools.count(1)


def _config(tmp_path: Path, *accounts: AccountConfig, db: str = "store.db") -> Config:
    return Config(paths=paths(tmp_path / "home"), accounts=accounts, settings={"database_url": f"sqlite:///{tmp_path / db}"})


def _sync(config: Config, **kwargs):  # type: ignore[no-untyped-def]
    store.close_db()
    store.open_db(config.database_url)
    return sync(config, now=NOW, **kwargs)


def _append_all(user: ImapUser, folder: str, messages: list[tuple[bytes, list[bytes]]]) -> None:
    with user.client() as client:
        if client.has_capability("MULTIAPPEND"):
            client.multiappend(folder, [{"msg": raw, "flags": flags} for raw, flags in messages])
        else:
            for raw, flags in messages:
                client.append(folder, raw, flags=flags)


def _sync_account(config: Config) -> AccountResult:
    """The account's sync alone: what a connector delivers, without the provider-independent derivations."""
    store.close_db()
    store.open_db(config.database_url)
    identity.mark_self(config.self_addresses)
    return sync_account(config.accounts[0], config, NOW)


def _fill(user: ImapUser, count: int, folder: str = "INBOX") -> None:
    numbers = [next(_numbers) for _ in range(count)]
    _append_all(user, folder, [
        (mf.message(f"Person {n} <p{n}@example.org>", user.address, f"message {n}", f"body {n}", message_id=f"<m{n}@example.org>"), [b"\\Seen"])
        for n in numbers
    ])


# -- TLS and credentials -----------------------------------------------------------


@pytest.mark.parametrize("tls", ["imaps", "starttls"])
def test_tls_with_the_servers_certificate(dovecot: Dovecot, imap_user: ImapUser, tls_files: TlsFiles, tmp_path: Path, tls: str) -> None:
    _fill(imap_user, 3)
    port = dovecot.imaps_port if tls == "imaps" else dovecot.port
    config = _config(tmp_path, imap_user.account(tls=tls, port=port, cafile=str(tls_files.cert)))
    [result] = _sync(config)
    assert result.error == "" and result.mail.added == 3


@pytest.mark.parametrize("tls", ["imaps", "starttls"])
def test_a_self_signed_server_needs_its_certificate(dovecot: Dovecot, imap_user: ImapUser, tmp_path: Path, tls: str) -> None:
    port = dovecot.imaps_port if tls == "imaps" else dovecot.port
    [result] = _sync(_config(tmp_path, imap_user.account(tls=tls, port=port)))
    assert "certificate of 127.0.0.1 is not trusted" in result.error and "--cafile" in result.error


def test_wrong_password_stops_that_account_only(
    own_dovecot: Dovecot, dovecot: Dovecot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The failing login is on a Dovecot of its own: Dovecot delays every later login
    from an address that failed (its auth penalty), which would only slow the suite."""
    imap_user, other = own_dovecot.add_user(), dovecot.add_user()
    _fill(other, 2)
    monkeypatch.setenv("BAD_IMAP_PASSWORD", "not-the-password")
    bad = imap_user.account("bad", password_env="BAD_IMAP_PASSWORD")
    del bad.options["password_file"]
    config = _config(tmp_path, bad, other.account("good"))
    results = _sync(config)
    assert [r.name for r in results] == ["bad", "good"]
    assert f"authentication failed for {imap_user.name}@127.0.0.1: [AUTHENTICATIONFAILED]" in results[0].error
    assert results[1].error == "" and results[1].mail.added == 2
    assert store.Account.get(store.Account.name == "bad").last_error == results[0].error


def test_password_file_must_be_private(imap_user: ImapUser, tmp_path: Path) -> None:
    account = imap_user.account()
    os.chmod(account.options["password_file"], 0o644)
    [result] = _sync(_config(tmp_path, account))
    assert "can be read by others (mode 0644)" in result.error and "chmod 600" in result.error


def test_the_password_is_never_logged(imap_user: ImapUser, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    _fill(imap_user, 2)
    caplog.set_level(logging.DEBUG)
    [result] = _sync(_config(tmp_path, imap_user.account()))
    assert result.error == "" and result.mail.added == 2
    assert "LOGIN" in caplog.text  # imapclient's protocol log was on
    connector = ImapConnector.from_config(imap_user.account(), None)  # type: ignore[arg-type]
    assert imap_user.password not in caplog.text + repr(connector) + str(vars(connector.settings))


# -- faults ----------------------------------------------------------------------------


def test_server_killed_mid_sync_then_restarted(own_dovecot: Dovecot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(imap, "BATCH", 20)
    monkeypatch.setattr(imap, "RETRY_DELAYS", ())
    user = own_dovecot.add_user()
    _fill(user, 150)
    clean = _config(tmp_path, user.account(), db="clean.db")
    [done] = _sync(clean)
    assert done.error == "" and done.mail.added == 150
    expected = snapshot()

    config = _config(tmp_path, user.account(), db="killed.db")
    batches = []

    def kill_after_two(name: str, counts: object) -> None:
        batches.append(counts)
        if len(batches) == 2:
            own_dovecot.kill()

    [broken] = _sync(config, progress=kill_after_two)
    assert "IMAP connection to 127.0.0.1" in broken.error
    assert 0 < store.Location.select().count() < 150
    own_dovecot.start()
    [again] = _sync(config)
    assert again.error == ""
    assert snapshot() == expected  # nothing lost, nothing twice


def test_a_dropped_connection_is_retried_with_backoff(own_dovecot: Dovecot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(imap, "BATCH", 20)
    monkeypatch.setattr(imap, "RETRY_DELAYS", (0.3, 1.0, 2.0))
    user = own_dovecot.add_user()
    _fill(user, 100)
    restarter: list[threading.Thread] = []

    def kill_once(name: str, counts: object) -> None:
        if not restarter:
            own_dovecot.kill()
            thread = threading.Timer(0.5, own_dovecot.start)
            thread.start()
            restarter.append(thread)

    [result] = _sync(_config(tmp_path, user.account()), progress=kill_once)
    restarter[0].join()
    assert result.error == ""
    assert store.Location.select().count() == store.Message.select().count() == 100


def test_a_server_that_is_down_fails_at_once(own_dovecot: Dovecot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Retries are for a connection that drops mid-sync; an unreachable server is the daemon's to back off from."""
    monkeypatch.setattr(imap, "RETRY_DELAYS", (30.0,))
    user = own_dovecot.add_user()
    own_dovecot.stop()
    started = time.monotonic()
    [result] = _sync(_config(tmp_path, user.account()))
    assert f"IMAP connection to 127.0.0.1:{own_dovecot.port} lost during connect" in result.error
    assert time.monotonic() - started < 10


# -- push ------------------------------------------------------------------------------


@pytest.mark.parametrize("server", ["dovecot", "dovecot_bare"])
def test_wait_for_changes(server: str, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(imap, "POLL_SECONDS", 0.2)  # the bare server has no IDLE: it is polled
    user = request.getfixturevalue(server).add_user()
    connector = ImapConnector.from_config(user.account(), None)  # type: ignore[arg-type]
    try:
        list(connector.sync_mail(None, {}))
        started = time.monotonic()
        assert connector.wait_for_changes(0.6) is False
        assert time.monotonic() - started >= 0.5
        threading.Timer(0.3, _fill, (user, 1)).start()
        started = time.monotonic()
        assert connector.wait_for_changes(20) is True
        assert time.monotonic() - started < 10
        # A change between the last sync and the wait is not missed.
        list(connector.sync_mail(None, {}))
        _fill(user, 1)
        assert connector.wait_for_changes(20) is True
    finally:
        connector.close()


def test_wait_for_changes_survives_a_dropped_connection(own_dovecot: Dovecot) -> None:
    user = own_dovecot.add_user()
    connector = ImapConnector.from_config(user.account(), None)  # type: ignore[arg-type]
    try:
        assert connector.wait_for_changes(0.2) is False  # the IDLE connection is open now
        own_dovecot.kill()
        own_dovecot.start()
        threading.Timer(0.5, _fill, (user, 1)).start()
        assert connector.wait_for_changes(20) is True  # reconnected once, then saw the new message
    finally:
        connector.close()


# -- folders ---------------------------------------------------------------------------


def test_folder_choice_gmail_and_plain_servers() -> None:
    gmail = [
        ("INBOX", frozenset({"\\HasNoChildren"}), "/"),
        ("[Gmail]", frozenset({"\\HasChildren", "\\Noselect"}), "/"),
        ("[Gmail]/All Mail", frozenset({"\\All", "\\HasNoChildren"}), "/"),
        ("[Gmail]/Drafts", frozenset({"\\Drafts"}), "/"),
        ("[Gmail]/Sent Mail", frozenset({"\\Sent"}), "/"),
        ("[Gmail]/Spam", frozenset({"\\Junk"}), "/"),
        ("[Gmail]/Starred", frozenset({"\\Flagged"}), "/"),
        ("[Gmail]/Trash", frozenset({"\\Trash"}), "/"),
        ("Clients", frozenset(), "/"),
    ]
    assert choose_folders(gmail, []) == [("INBOX", INBOX), ("[Gmail]/Sent Mail", SENT)]
    assert choose_folders(gmail, ["*"]) == [("Clients", OTHER), ("INBOX", INBOX), ("[Gmail]/Sent Mail", SENT)]
    assert ("[Gmail]/All Mail", ARCHIVE) in choose_folders(gmail, ["[Gmail]/All Mail"])  # only when asked for
    assert choose_folders(gmail, ["[Gmail]/Trash"]) == [("INBOX", INBOX), ("[Gmail]/Sent Mail", SENT)]
    courier = [("INBOX", frozenset(), "."), ("INBOX.Sent Items", frozenset(), "."), ("INBOX.Trash", frozenset(), ".")]
    assert choose_folders(courier, ["*"]) == [("INBOX", INBOX), ("INBOX.Sent Items", SENT)]


def test_configured_folders_and_a_folder_deleted_on_the_server(imap_user: ImapUser, tmp_path: Path) -> None:
    with imap_user.client() as client:
        client.create_folder("Clients")
        client.create_folder("Family")
    _fill(imap_user, 2, "Clients")
    with imap_user.client() as client:
        client.append("Family", mf.message("Mum <mum@home.example>", imap_user.address, "Sunday", "lunch?", message_id="<f1@home>"))
    config = _config(tmp_path, imap_user.account(folders=["Clients"]))
    [result] = _sync(config)
    assert result.mail.added == 2 and {loc.folder for loc in store.Location.select()} == {"Clients"}
    with imap_user.client() as client:
        client.delete_folder("Clients")
    [result] = _sync(config)
    assert result.error == "" and result.mail.deleted == 2 and store.Message.select().count() == 0


# -- the Enron mailbox -------------------------------------------------------------------


def test_enron_mailbox_same_store_as_maildir(imap_user: ImapUser, tmp_path: Path, enron_copy: Path) -> None:
    with imap_user.client() as client:
        client.create_folder("paintball")
    for folder, directory in (("INBOX", ENRON), ("paintball", ENRON / ".paintball")):
        files = sorted(p for sub in ("cur", "new") if (directory / sub).is_dir() for p in (directory / sub).iterdir())
        _append_all(imap_user, folder, [(p.read_bytes(), [b"\\Seen"] if p.parent.name == "cur" else []) for p in files])
    addresses = ["eric.bass@enron.com", "ebass@enron.com"]
    from_maildir = _sync_account(_config(tmp_path, AccountConfig("enron", "maildir", {"path": str(enron_copy), "addresses": addresses}), db="maildir.db"))
    by_maildir = _content()
    from_imap = _sync_account(_config(tmp_path, imap_user.account("enron", addresses=addresses, folders=["*"]), db="imap.db"))
    by_imap = _content()
    assert from_imap.error == from_maildir.error == ""
    assert from_imap.mail.added == from_maildir.mail.added == 317
    assert from_imap.mail.quarantined == from_maildir.mail.quarantined == 0
    assert by_imap.keys() == by_maildir.keys()
    for part in by_maildir:
        assert by_imap[part] == by_maildir[part], part


def _content() -> dict[str, list[tuple[object, ...]]]:
    """The store by natural keys, in one query per table (``snapshot`` walks rows one by one)."""
    s = store
    sender = s.Address.alias()
    return {
        "messages": sorted(
            (m, subj, str(d), o, a, t, b[:200], e)
            for m, subj, d, o, a, t, b, e in s.Message.select(
                s.Message.message_id, s.Message.subject, s.Message.date, s.Message.outgoing, s.Message.automated,
                s.Message.thread, s.Message.body, sender.email,
            ).join(sender, pw.JOIN.LEFT_OUTER, on=(s.Message.sender == sender.id)).tuples()
        ),
        "folders": sorted(f for (f,) in s.Location.select(s.Location.folder).tuples()),
        "addressed": sorted(
            s.MessageAddress.select(s.Message.message_id, s.Address.email, s.MessageAddress.role)
            .join(s.Message).switch(s.MessageAddress).join(s.Address).tuples()
        ),
        "people": sorted(s.Person.select(s.Person.primary_email, s.Person.name, s.Person.is_self, s.Person.automated).tuples()),
        "touchpoints": sorted(
            (e, k, str(at), m) for e, k, at, m in s.Touchpoint.select(s.Person.primary_email, s.Touchpoint.kind, s.Touchpoint.at, s.Message.message_id)
            .join(s.Person).switch(s.Touchpoint).join(s.Message).tuples()
        ),
    }
