"""OAuth for Gmail against the emulator's token endpoint: refresh, revocation, import, consent flows, CLI."""

from __future__ import annotations

import json
import logging
import stat
import threading
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from syncd import store
from syncd.cli import main
from syncd.config import Config, paths
from syncd.sync import sync
from tests import mailfactory as mf
from tests.conftest import run
from tests.emulators.google import GoogleEmulator
from tests.google_support import gmail_account, google, sleeps, token_json  # noqa: F401

ME = "me@gmail.example"


def _mail(emulator: GoogleEmulator, n: int) -> None:
    emulator.gmail.add(mf.message("dana@acme.example", ME, f"hello {n}", "hi", message_id=f"<a{n}@acme>"), {"INBOX"})


def _token(home: Path, name: str) -> tuple[dict[str, Any], int]:
    path = home / "tokens" / f"{name}.json"
    return json.loads(path.read_text()), stat.S_IMODE(path.stat().st_mode)


def test_access_token_is_refreshed_and_stored_0600(google: GoogleEmulator, tmp_path: Path, home: Path) -> None:  # noqa: F811
    _mail(google, 1)
    config = Config(paths=paths(home), accounts=(gmail_account(google),), settings={"database_url": f"sqlite:///{tmp_path / 'a.db'}"})
    store.open_db(config.database_url)
    [result] = sync(config)
    assert result.error == "" and google.refreshes == 1
    saved, mode = _token(home, "gmail")
    assert mode == 0o600 and saved["token"] in google.valid_tokens and saved["refresh_token"] == "1//good-refresh"
    google.expire_tokens()  # the access token expires (401): google-auth refreshes and the sync goes on
    _mail(google, 2)
    [result] = sync(config)
    assert result.error == "" and result.mail.added == 1 and google.refreshes == 2
    assert _token(home, "gmail")[0]["token"] in google.valid_tokens


def test_revoked_token_stops_that_account_only(tmp_path: Path, home: Path, caplog: pytest.LogCaptureFixture) -> None:
    good, bad = GoogleEmulator().start(), GoogleEmulator().start()
    try:
        _mail(good, 1)
        _mail(bad, 2)
        bad.revoked.add("1//revoked-refresh")
        accounts = (gmail_account(bad, "bad", refresh_token="1//revoked-refresh"), gmail_account(good, "good"))
        config = Config(paths=paths(home), accounts=accounts, settings={"database_url": f"sqlite:///{tmp_path / 'r.db'}"})
        store.open_db(config.database_url)
        with caplog.at_level(logging.DEBUG):
            failed, ok = sync(config)
        assert failed.auth_failed and "run `syncd auth bad`" in failed.error and "invalid_grant" in failed.error
        assert ok.error == "" and ok.mail.added == 1
        assert "1//revoked-refresh" not in caplog.text and "emulated-secret" not in caplog.text
        assert not any("ya29." in r.getMessage() for r in caplog.records)
    finally:
        good.stop()
        bad.stop()


def _add(cli: CliRunner, google: GoogleEmulator, *extra: str) -> None:  # noqa: F811
    run(cli, "account", "add", "gmail", "work", "--address", ME, "--api-base", google.base, "--oauth-base", google.base, *extra)


def test_cli_add_then_import_token_file_then_sync(google: GoogleEmulator, cli: CliRunner, home: Path, tmp_path: Path) -> None:  # noqa: F811
    _mail(google, 1)
    _add(cli, google)
    given = tmp_path / "authorized_user.json"
    given.write_text(json.dumps(token_json(google) | {"token_uri": "https://attacker.example/token"}))
    out = run(cli, "auth", "work", "--token-file", str(given)).output
    assert "mode 0600" in out
    saved, mode = _token(home, "work")
    assert mode == 0o600 and saved["token_uri"] == google.base + "token"  # the config's endpoint, not the file's
    out = run(cli, "sync", "work").output
    assert store.Message.select().count() == 1, out


def test_cli_refuses_a_revoked_token_file_and_saves_nothing(google: GoogleEmulator, cli: CliRunner, home: Path, tmp_path: Path) -> None:  # noqa: F811
    _add(cli, google)
    google.revoked.add("1//gone")
    given = tmp_path / "t.json"
    given.write_text(json.dumps(token_json(google, "1//gone")))
    result = cli.invoke(main, ["auth", "work", "--token-file", str(given)])
    assert result.exit_code != 0 and "refused the token" in result.output + str(result.exception)
    assert not (home / "tokens" / "work.json").exists()


def _client_file(tmp_path: Path) -> Path:
    path = tmp_path / "client_secret.json"
    path.write_text(json.dumps({"installed": {
        "client_id": "123-emulated.apps.googleusercontent.com", "client_secret": "emulated-secret",
        "auth_uri": "https://accounts.google.com/o/oauth2/auth", "token_uri": "https://oauth2.googleapis.com/token",
        "redirect_uris": ["http://localhost"]}}))
    return path


def test_headless_flow_takes_the_pasted_address(google: GoogleEmulator, cli: CliRunner, home: Path, tmp_path: Path) -> None:  # noqa: F811
    _add(cli, google, "--client-secrets", str(_client_file(tmp_path)))
    result = cli.invoke(main, ["auth", "work", "--no-browser"], input="http://localhost:1/?state=x&code=consent-code&scope=a\n")
    assert result.exit_code == 0, result.output
    assert google.base + "auth?" in result.output and "access_type=offline" in result.output
    assert "gmail.compose" in result.output and "gmail.readonly" in result.output and "calendar.readonly" in result.output
    assert "gmail.modify" not in result.output and "mail.google.com" not in result.output  # least privilege
    saved, mode = _token(home, "work")
    assert saved["refresh_token"] == "1//emulated-refresh" and mode == 0o600


def test_loopback_flow_with_a_browser(google: GoogleEmulator, cli: CliRunner, home: Path, tmp_path: Path,  # noqa: F811
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """The browser opens the consent URL; the emulator's consent page redirects to syncd's loopback server."""
    _add(cli, google, "--client-secrets", str(_client_file(tmp_path)))

    class Browser:
        def open(self, url: str, new: int = 0, autoraise: bool = True) -> bool:
            threading.Thread(target=lambda: urllib.request.urlopen(url, timeout=10).read(), daemon=True).start()
            return True

    monkeypatch.setattr("webbrowser.get", lambda *a, **k: Browser())
    run(cli, "auth", "work")
    assert _token(home, "work")[0]["refresh_token"] == "1//emulated-refresh"


def test_account_add_gmail_checks_its_input(cli: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "not-a-client.json"
    bad.write_text('{"hello": 1}')
    result = cli.invoke(main,
                        ["account", "add", "gmail", "x", "--address", ME, "--client-secrets", str(bad)])
    assert result.exit_code == 2 and "not an OAuth client file" in result.output
    result = cli.invoke(main,
                        ["account", "add", "gmail", "x", "--address", ME, "--api-base", "http://api.example.com/"])
    assert result.exit_code == 2 and "only allowed to this machine" in result.output
    help_text = run(cli, "account", "add", "gmail", "--help").output
    assert "Example:" in help_text and "syncd auth" in help_text
