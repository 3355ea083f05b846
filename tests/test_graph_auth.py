"""Microsoft sign-in through msal against the fake authority (https, self-signed): the
device-code flow from the CLI, silent refresh, an expired refresh token, importing a
token cache, and tokens kept 0600 and out of every log."""

from __future__ import annotations

import logging
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from connectors.msauth import MsSettings, authorize
from syncd import config as config_mod
from syncd import identity, store
from syncd.config import AccountConfig, Config, paths
from syncd.sync import AccountResult, sync_account
from tests import graph_support
from tests import mailfactory as mf
from tests.conftest import run
from tests.contract import NOW
from tests.emulators.authority import TENANT, FakeAuthority
from tests.emulators.graph import GraphEmulator
from tests.graph_support import CLIENT_ID, ME, home_tokens, options

# The shared fixtures (pytest finds them by these names).
authority, graph, signed_in_cache = graph_support.authority, graph_support.graph, graph_support.signed_in_cache


@pytest.fixture
def own_tokens(authority: FakeAuthority, graph: GraphEmulator) -> Iterator[set[str]]:
    """Only tokens issued during this test open the emulator."""
    fresh: set[str] = set()
    graph.tokens = fresh
    authority.on_token, before = fresh.add, authority.on_token
    yield fresh
    authority.on_token = before
    authority.expires_in = 3600


def _sign_in(authority: FakeAuthority, name: str = "office") -> MsSettings:
    settings = MsSettings.from_options(name, {"tenant": TENANT, "client_id": CLIENT_ID, "authority": authority.url,
                                              "cafile": str(authority.cafile)}, home_tokens(), ME)
    authorize(settings, None, lambda line: None)
    return settings


def _sync(tmp_path: Path, account: AccountConfig) -> AccountResult:
    config = Config(paths=paths(tmp_path / "home"), accounts=(account,), settings={"database_url": f"sqlite:///{tmp_path / 's.db'}"})
    store.close_db()
    store.open_db(config.database_url)
    identity.mark_self(config.self_addresses)
    return sync_account(account, config, NOW)


def test_device_code_flow_from_the_cli(cli: CliRunner, authority: FakeAuthority, graph: GraphEmulator, home: Path, tmp_path: Path) -> None:
    run(cli, "account", "add", "outlook", "office", "--address", ME, "--tenant", TENANT, "--client-id", CLIENT_ID,
        "--graph-base", graph.base, "--authority", authority.url, "--cafile", str(authority.cafile))
    account = config_mod.load(home).account("office")
    assert account.options["graph_base"] == graph.base and account.options["tenant"] == TENANT
    before = len(authority.grants)
    out = run(cli, "auth", "office").output
    assert "https://microsoft.com/devicelogin" in out and "FAKE-CODE" in out and f"signed in as {ME}" in out
    assert authority.grants[before:] == ["urn:ietf:params:oauth:grant-type:device_code"] * 2  # pending, then tokens
    cache = home / "tokens" / "office.msal.json"
    assert stat.S_IMODE(cache.stat().st_mode) == 0o600 and stat.S_IMODE(cache.parent.stat().st_mode) == 0o700
    graph.state.add_mime(mf.message("Dana <dana@acme.example>", ME, "hi", "x", message_id="<a1@acme>"))
    assert run(cli, "sync", "office").exit_code == 0
    store.open_db(f"sqlite:///{home / 'syncd.db'}")
    assert store.Message.get().message_id == "<a1@acme>"


def test_silent_refresh_saves_the_new_token(authority: FakeAuthority, graph: GraphEmulator, own_tokens: set[str], tmp_path: Path) -> None:
    authority.expires_in = 60  # msal renews a token that expires within five minutes
    settings = _sign_in(authority)
    signed_in = settings.cache_file.read_bytes()
    own_tokens.clear()  # the token from the sign-in no longer opens the mailbox
    before = len(authority.grants)
    result = _sync(tmp_path, AccountConfig("office", "outlook", options(authority, graph)))
    assert result.error == ""
    assert "refresh_token" in authority.grants[before:]
    assert settings.cache_file.read_bytes() != signed_in and stat.S_IMODE(settings.cache_file.stat().st_mode) == 0o600


def test_an_expired_refresh_token_stops_the_account_with_a_hint(
    authority: FakeAuthority, graph: GraphEmulator, own_tokens: set[str], tmp_path: Path, caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    authority.expires_in = 60
    _sign_in(authority)
    authority.expire_refresh_tokens()
    result = _sync(tmp_path, AccountConfig("office", "outlook", options(authority, graph)))
    assert result.auth_failed and "run `syncd auth office`" in result.error and "invalid_grant" in result.error
    assert not [c for c in graph.calls if "delta" in c[1]]  # nothing was asked of Graph without a token
    text = caplog.text + result.error
    assert own_tokens and not any(token in text for token in own_tokens)


def test_graph_refusing_the_token_is_an_auth_error_after_one_refresh(
    authority: FakeAuthority, graph: GraphEmulator, own_tokens: set[str], tmp_path: Path,
) -> None:
    _sign_in(authority)
    authority.on_token = lambda token: None  # Graph accepts none of the tokens issued from now on
    own_tokens.clear()
    before = len(authority.grants)
    result = _sync(tmp_path, AccountConfig("office", "outlook", options(authority, graph)))
    assert result.auth_failed and "InvalidAuthenticationToken" in result.error
    assert authority.grants[before:] == ["refresh_token"]
    # The first request (the calendar view: calendars sync first) is tried once, refreshed once, tried again;
    # then the account stops: nothing else is asked with a refused token.
    assert [path for _, path, _ in graph.calls] == ["/me/calendarView/delta"] * 2


def test_import_a_token_cache(cli: CliRunner, authority: FakeAuthority, graph: GraphEmulator, signed_in_cache: bytes, home: Path, tmp_path: Path) -> None:
    exported = tmp_path / "msal_cache.json"
    exported.write_bytes(signed_in_cache)
    run(cli, "account", "add", "outlook", "office", "--address", ME, "--tenant", TENANT, "--client-id", CLIENT_ID,
        "--graph-base", graph.base, "--authority", authority.url, "--cafile", str(authority.cafile))
    out = run(cli, "auth", "office", "--token-cache", str(exported)).output
    assert "imported the token cache" in out
    saved = home / "tokens" / "office.msal.json"
    assert saved.read_bytes() == signed_in_cache and stat.S_IMODE(saved.stat().st_mode) == 0o600


def test_an_account_without_client_id_says_how_to_get_one(cli: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SYNCD_MS_CLIENT_ID", raising=False)
    out = run(cli, "account", "add", "outlook", "office", "--address", ME).output
    assert "--client-id" in out
    refused = run(cli, "auth", "office", code=2).output
    assert "register an app in Microsoft Entra ID" in refused


def test_outlook_urls_are_checked(cli: CliRunner) -> None:
    assert "https URL" in run(cli, "account", "add", "outlook", "o", "--address", ME, "--authority", "http://127.0.0.1:1", code=2).output
    assert "only to this machine" in run(cli, "account", "add", "outlook", "o", "--address", ME,
                                         "--graph-base", "http://graph.example/v1.0", code=2).output
