"""Fixtures for the Microsoft 365 tests: the fake authority (https, self-signed), a Graph
emulator per test, and an outlook account signed in through msal's device flow once per
session (its token cache copied into each test's ``$SYNCD_HOME/tokens``).

Test modules import the fixtures they use from here.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from connectors.msauth import MsSettings, authorize
from connectors.secrets import token_file, write_secret
from syncd.config import AccountConfig
from tests.emulators.authority import TENANT, FakeAuthority
from tests.emulators.graph import GraphEmulator
from tests.servers import make_tls_files

CLIENT_ID = "11111111-2222-3333-4444-555555555555"
ME = "me@contoso.example"
ISSUED: set[str] = set()  # every access token the fake authority has issued


@pytest.fixture(scope="session")
def authority(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FakeAuthority]:
    fake = FakeAuthority(make_tls_files(tmp_path_factory.mktemp("authority-tls")), ME, on_token=ISSUED.add).start()
    yield fake
    fake.stop()


def options(authority: FakeAuthority, emulator: GraphEmulator, **extra: Any) -> dict[str, Any]:
    return {"addresses": [ME], "tenant": TENANT, "client_id": CLIENT_ID, "graph_base": emulator.base,
            "authority": authority.url, "cafile": str(authority.cafile), **extra}


@pytest.fixture(scope="session")
def signed_in_cache(authority: FakeAuthority, tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """An msal token cache from one real device-code sign-in against the fake authority."""
    tokens = tmp_path_factory.mktemp("signin") / "tokens"
    settings = MsSettings.from_options("office", {"tenant": TENANT, "client_id": CLIENT_ID, "authority": authority.url,
                                                  "cafile": str(authority.cafile)}, tokens, ME)
    authorize(settings, None, lambda line: None)
    return settings.cache_file.read_bytes()


@pytest.fixture
def graph() -> Iterator[GraphEmulator]:
    emulator = GraphEmulator()
    emulator.tokens = ISSUED
    emulator.start()
    yield emulator
    emulator.stop()


def home_tokens() -> Path:
    return Path(os.environ["SYNCD_HOME"]) / "tokens"


def signed_in_account(
    authority: FakeAuthority, graph: GraphEmulator, cache: bytes, name: str = "office", tokens: Path | None = None, **extra: Any,
) -> AccountConfig:
    """An outlook account on the emulator whose token cache is in place (mode 0600)."""
    write_secret(token_file(tokens or home_tokens(), name, "msal.json"), cache)
    return AccountConfig(name, "outlook", options(authority, graph, **extra))
