"""Microsoft sign-in with msal: the device-code flow, and silent refresh from a cached token.

* ``syncd auth NAME`` runs the device-code flow (RFC 8628): it prints a URL and a code,
  the user signs in on any device, and the token cache is written 0600 to
  ``$SYNCD_HOME/tokens/NAME.msal.json``. ``--token-cache FILE`` imports an msal cache
  made elsewhere instead.
* Every sync asks msal for a token silently; msal refreshes it with the refresh token
  when needed and the changed cache is saved again. A refresh token that is expired
  or revoked stops the account with ``AuthError`` ("run `syncd auth NAME`").
* Scopes are the least the connector needs: Mail.ReadWrite (drafts), Mail.Send (the
  briefing to oneself), Calendars.Read; msal adds offline_access, openid and profile
  itself (https://learn.microsoft.com/entra/msal/python/).
* ``authority`` may point elsewhere (an emulator in tests); msal needs it to be https,
  and is given its own ``requests.Session``; with a ``cafile`` in the config that session
  has ``trust_env=False``, so the cafile is what it trusts, not ``REQUESTS_CA_BUNDLE``.

Tokens and the cache's contents are never logged.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msal
import requests

from connectors.secrets import read_secret, token_file, write_secret
from syncd.errors import AuthError, ConfigError, TransientError

log = logging.getLogger(__name__)

SCOPES = ("Mail.ReadWrite", "Mail.Send", "Calendars.Read")
DEFAULT_AUTHORITY = "https://login.microsoftonline.com"
CLIENT_ID_ENV = "SYNCD_MS_CLIENT_ID"


@dataclass(frozen=True)
class MsSettings:
    name: str  # the account name, for messages and the token file
    client_id: str
    tenant: str = "common"
    authority: str = DEFAULT_AUTHORITY
    cafile: str | None = None
    address: str = ""
    tokens_dir: Path = Path(".")

    @property
    def cache_file(self) -> Path:
        return token_file(self.tokens_dir, self.name, "msal.json")

    @classmethod
    def from_options(cls, name: str, options: dict[str, Any], tokens_dir: Path, address: str = "") -> MsSettings:
        client_id = str(options.get("client_id") or os.environ.get(CLIENT_ID_ENV, "")).strip()
        if not client_id:
            raise ConfigError(
                f"account {name} has no client_id: register an app in Microsoft Entra ID (see the README, "
                f"'Microsoft 365') and add it with --client-id, or set {CLIENT_ID_ENV}"
            )
        return cls(
            name=name, client_id=client_id, tenant=str(options.get("tenant") or "common"),
            authority=str(options.get("authority") or DEFAULT_AUTHORITY).rstrip("/"),
            cafile=options.get("cafile"), address=address, tokens_dir=tokens_dir,
        )


def http_session(cafile: str | None) -> requests.Session:
    """A session for msal and Graph. With ``cafile`` it trusts that certificate and ignores the
    environment (``REQUESTS_CA_BUNDLE`` would otherwise win over ``session.verify``)."""
    session = requests.Session()
    if cafile:
        session.trust_env = False
        session.verify = cafile
    return session


def _app(settings: MsSettings, cache: msal.SerializableTokenCache) -> msal.PublicClientApplication:
    custom = settings.authority != DEFAULT_AUTHORITY
    try:
        return msal.PublicClientApplication(
            settings.client_id, authority=f"{settings.authority}/{settings.tenant}", token_cache=cache,
            http_client=http_session(settings.cafile), instance_discovery=False if custom else None,
        )
    except ValueError as err:  # msal's word for "the authority did not answer as one should"
        raise AuthError(f"cannot use the authority {settings.authority}/{settings.tenant}: {err}") from err
    except requests.RequestException as err:
        raise TransientError(f"cannot reach {settings.authority}: {type(err).__name__}") from err


def _load_cache(data: bytes | None) -> msal.SerializableTokenCache:
    cache = msal.SerializableTokenCache()
    if data:
        try:
            cache.deserialize(data.decode("utf-8"))
        except (ValueError, UnicodeDecodeError) as err:
            raise ConfigError("the msal token cache is not valid JSON") from err
    return cache


class TokenSource:
    """Bearer tokens for one account, from its saved msal cache (refreshed silently)."""

    def __init__(self, settings: MsSettings) -> None:
        self.settings = settings
        self._app: msal.PublicClientApplication | None = None
        self._cache: msal.SerializableTokenCache | None = None

    def _ready(self) -> tuple[msal.PublicClientApplication, msal.SerializableTokenCache]:
        if self._app is None or self._cache is None:
            data = read_secret(self.settings.cache_file)
            if data is None:
                raise AuthError(f"account {self.settings.name} has not been authorized yet")
            self._cache = _load_cache(data)
            self._app = _app(self.settings, self._cache)
        return self._app, self._cache

    def __call__(self, force: bool = False) -> str:
        app, cache = self._ready()
        accounts = app.get_accounts()
        if self.settings.address:
            accounts = [a for a in accounts if str(a.get("username", "")).lower() == self.settings.address] or accounts
        if not accounts:
            raise AuthError(f"the token cache of {self.settings.name} holds no signed-in account")
        try:
            result = app.acquire_token_silent_with_error(list(SCOPES), account=accounts[0], force_refresh=force)
        except requests.RequestException as err:
            raise TransientError(f"cannot reach {self.settings.authority}: {type(err).__name__}") from err
        if cache.has_state_changed:
            write_secret(self.settings.cache_file, cache.serialize())
            cache.has_state_changed = False
        if not result or "access_token" not in result:
            error = (result or {}).get("error") or "no token"
            description = str((result or {}).get("error_description") or "").splitlines()[0:1]
            raise AuthError(f"Microsoft refused to renew the token of {self.settings.name} ({error}{': ' + description[0] if description else ''})")
        return str(result["access_token"])


def authorize(settings: MsSettings, token_cache: str | None, echo: Callable[[str], None]) -> None:
    """Sign in with the device-code flow (or import ``token_cache``) and save the cache 0600."""
    if token_cache:
        cache = _load_cache(Path(token_cache).expanduser().read_bytes())
        app = _app(settings, cache)
        if not app.get_accounts():
            raise ConfigError(f"{token_cache} holds no account for client id {settings.client_id}")
        write_secret(settings.cache_file, cache.serialize())
        TokenSource(settings)()  # proves the imported cache gives a token (refreshing it if it must)
        echo(f"imported the token cache for {settings.name} ({settings.cache_file}, mode 0600)")
        return
    cache = _load_cache(None)
    app = _app(settings, cache)
    try:
        flow = app.initiate_device_flow(scopes=list(SCOPES))
    except requests.RequestException as err:
        raise TransientError(f"cannot reach {settings.authority}: {type(err).__name__}") from err
    if "user_code" not in flow:
        raise AuthError(f"Microsoft did not start the sign-in: {flow.get('error')}: {flow.get('error_description', '')}")
    echo(str(flow.get("message") or f"To sign in, open {flow.get('verification_uri')} and enter the code {flow['user_code']}"))
    result = app.acquire_token_by_device_flow(flow)
    if "access_token" not in result:
        raise AuthError(f"sign-in did not complete: {result.get('error')}: {result.get('error_description', '')}")
    write_secret(settings.cache_file, cache.serialize())
    who = (result.get("id_token_claims") or {}).get("preferred_username") or settings.name
    echo(f"signed in as {who}; token saved to {settings.cache_file} (mode 0600)")

