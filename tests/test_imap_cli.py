"""``syncd account add imap``: checked input, a login before saving, no password in the
config, and an account that then syncs from a real Dovecot."""

from __future__ import annotations

import json
import os
from pathlib import Path

from click.testing import CliRunner

from tests.conftest import run
from tests.servers import Dovecot, ImapUser, TlsFiles


def _add(user: ImapUser, *extra: str) -> list[str]:
    return [
        "account", "add", "imap", "mail", "--host", "127.0.0.1", "--port", str(user.server.port), "--tls", "none",
        "--username", user.name, "--address", user.address, *extra,
    ]


def test_add_then_sync(cli: CliRunner, home: Path, imap_user: ImapUser, tls_files: TlsFiles) -> None:
    with imap_user.client() as client:
        client.create_folder("Clients")
        client.create_folder("Family")
        client.append("INBOX", b"From: Dana <dana@acme.example>\r\nSubject: hi\r\nMessage-ID: <h1@acme>\r\n\r\nhello\r\n")
    password_file = imap_user.password_file()
    result = run(cli, *_add(imap_user, "--password-file", str(password_file), "--folders", "Clients,Family",
                            "--smtp-host", "127.0.0.1", "--smtp-tls", "smtps", "--cafile", str(tls_files.cert)))
    assert "added imap account 'mail'" in result.output
    text = (home / "config.toml").read_text()
    assert imap_user.password not in text
    [account] = json.loads(run(cli, "account", "list", "--json").output)
    assert account == {
        "name": "mail", "kind": "imap", "host": "127.0.0.1", "port": imap_user.server.port, "tls": "none",
        "username": imap_user.name, "addresses": [imap_user.address], "password_file": str(password_file),
        "folders": ["Clients", "Family"], "cafile": str(tls_files.cert), "smtp_host": "127.0.0.1", "smtp_tls": "smtps",
    }
    assert "127.0.0.1" in run(cli, "account", "list").output
    run(cli, "sync", "mail")
    status = json.loads(run(cli, "status", "--json").output)
    assert [(row["name"], row["messages"], row["error"]) for row in status] == [("mail", 1, None)]


def test_bad_input_writes_nothing(cli: CliRunner, home: Path, imap_user: ImapUser, tmp_path: Path) -> None:
    loose = tmp_path / "loose.pw"
    loose.write_text(imap_user.password)
    os.chmod(loose, 0o644)
    cases = [
        ((), "exactly one of --password-file"),
        (("--password-file", str(loose), "--password-env", "X"), "exactly one of --password-file"),
        (("--password-file", str(loose)), "can be read by others (mode 0644)"),
        (("--password-file", str(tmp_path / "missing.pw")), "does not exist"),
        (("--password-env", "SYNCD_TEST_UNSET_PASSWORD"), "SYNCD_TEST_UNSET_PASSWORD is not set"),
    ]
    for extra, message in cases:
        result = run(cli, *_add(imap_user, *extra), code=2)
        assert message in result.output, (extra, result.output)
    assert not (home / "config.toml").exists()


def test_a_login_that_fails_is_caught_before_saving(cli: CliRunner, home: Path, own_dovecot: Dovecot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    user = own_dovecot.add_user()
    monkeypatch.setenv("SYNCD_TEST_PASSWORD", "wrong")
    result = run(cli, *_add(user, "--password-env", "SYNCD_TEST_PASSWORD"), code=2)
    assert f"cannot log in to 127.0.0.1: authentication failed for {user.name}@127.0.0.1" in result.output
    assert not (home / "config.toml").exists()
    run(cli, *_add(user, "--password-env", "SYNCD_TEST_PASSWORD", "--no-check"))  # the user may insist
    assert "password_env" in (home / "config.toml").read_text()
