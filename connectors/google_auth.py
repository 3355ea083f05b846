"""OAuth for Google accounts: the installed-app flow, token storage and refresh.

* ``syncd auth NAME`` runs the installed-app flow (google-auth-oauthlib) with a loopback
  redirect (https://developers.google.com/identity/protocols/oauth2/native-app#redirect-uri_loopback);
  ``--no-browser`` prints the consent URL and takes back the address the browser ended
  on (or just its ``code``), for a server without a browser: the out-of-band flow
  Google retired in 2022 is not used.
* ``--token-file F`` imports an authorized-user token JSON (google-auth's format:
  client_id, client_secret, refresh_token) instead.
* Tokens live in ``$SYNCD_HOME/tokens/NAME.json``, 0600, written atomically
  (:mod:`connectors.secrets`); google-auth refreshes the access token when it expires and
  the connector writes the refreshed one back. A refresh token that Google refuses
  (revoked, expired, password changed) becomes ``AuthError``: the account stops and
  asks for ``syncd auth NAME``; other accounts go on.
* The token endpoint comes from the account's config, never from a token file
  (google-auth ignores a file's ``token_uri`` too, so a file cannot send the refresh
  token elsewhere). ``oauth_base`` (``--oauth-base``) replaces ``https://oauth2.googleapis.com/`` and
  ``https://accounts.google.com/o/oauth2/`` for the token and consent endpoints: an
  emulator or a proxy.

Scopes are the least that syncd needs: read mail, write drafts and send the briefing
(gmail.compose), read calendars.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from connectors.secrets import read_secret, token_file, write_secret
from syncd.errors import AuthError, ConfigError, TransientError

if TYPE_CHECKING:
    from google.oauth2.credentials import Credentials

    from syncd.config import AccountConfig, Config

SCOPES = (
    "https://www.googleapis.com/auth/gmail.readonly",
    "https://www.googleapis.com/auth/gmail.compose",
    "https://www.googleapis.com/auth/calendar.readonly",
)
GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token"
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")


def _base(url: str) -> str:
    return url if url.endswith("/") else url + "/"


def token_uri(options: dict[str, Any]) -> str:
    base = options.get("oauth_base")
    return _base(base) + "token" if base else GOOGLE_TOKEN_URI


def token_path(account: AccountConfig, config: Config) -> Path:
    return token_file(config.paths.tokens, account.name)


def load_credentials(account: AccountConfig, config: Config) -> Credentials:
    """The account's stored credentials, pointed at the configured token endpoint."""
    from google.oauth2.credentials import Credentials

    path = token_path(account, config)
    data = read_secret(path)
    if data is None:
        raise AuthError(f"account {account.name} has no token yet")
    try:
        info = json.loads(data)
        credentials = Credentials.from_authorized_user_info(info, list(info.get("scopes") or SCOPES))  # type: ignore[no-untyped-call]
        return credentials.with_token_uri(token_uri(account.options))  # type: ignore[no-untyped-call]
    except (ValueError, KeyError, TypeError) as err:
        raise AuthError(f"the token in {path} is unreadable ({type(err).__name__})") from None


def save_credentials(account: AccountConfig, config: Config, credentials: Credentials) -> Path:
    path = token_path(account, config)
    write_secret(path, credentials.to_json())  # type: ignore[no-untyped-call]
    return path


def refresh(credentials: Credentials, http: Any) -> None:
    """Refresh now (import check, or before the first call), translating errors."""
    from google.auth.exceptions import RefreshError, TransportError
    from google_auth_httplib2 import Request

    try:
        credentials.refresh(Request(http))  # type: ignore[no-untyped-call]
    except RefreshError as err:
        raise AuthError(f"Google refused the token: {_reason(err)}") from None
    except TransportError as err:
        raise TransientError(f"cannot reach the token endpoint: {err}") from None


def _reason(err: Exception) -> str:
    """The error code and description Google gave, never the request (it holds the token)."""
    text = str(err.args[0]) if err.args else type(err).__name__
    return text.split(",")[0][:200]


@contextlib.contextmanager
def _plain_http_on_loopback(uri: str) -> Iterator[None]:
    """oauthlib insists on https; a token endpoint on this machine (an emulator) is allowed plain http."""
    if urlsplit(uri).hostname not in LOOPBACK_HOSTS or os.environ.get("OAUTHLIB_INSECURE_TRANSPORT"):
        yield
        return
    os.environ["OAUTHLIB_INSECURE_TRANSPORT"] = "1"
    try:
        yield
    finally:
        os.environ.pop("OAUTHLIB_INSECURE_TRANSPORT", None)


def authorize(account: AccountConfig, config: Config, options: dict[str, Any], echo: Callable[[str], None],
              prompt: Callable[[str], str] = input) -> None:
    """``syncd auth NAME`` for a Google account: import a token or run the consent flow."""
    import httplib2

    if options.get("token_file"):
        credentials = _imported(Path(options["token_file"]), account)
    else:
        credentials = _consent(account, bool(options.get("no_browser")), echo, prompt)
    refresh(credentials, httplib2.Http(timeout=30))  # a refused token is caught here, not at 3 a.m.
    path = save_credentials(account, config, credentials)
    echo(f"authorized {account.name}; token stored in {path} (mode 0600)")


def _imported(path: Path, account: AccountConfig) -> Credentials:
    from google.oauth2.credentials import Credentials

    try:
        info = json.loads(path.read_text(encoding="utf-8"))
        missing = [k for k in ("client_id", "client_secret", "refresh_token") if not info.get(k)]
        if missing:
            raise ConfigError(f"{path} is not an authorized-user token: no {', '.join(missing)}")
        credentials = Credentials.from_authorized_user_info(info, list(info.get("scopes") or SCOPES))  # type: ignore[no-untyped-call]
        return credentials.with_token_uri(token_uri(account.options))  # type: ignore[no-untyped-call]
    except (OSError, ValueError) as err:
        raise ConfigError(f"cannot read the token file {path}: {type(err).__name__}: {err}") from None


def _client_config(account: AccountConfig) -> dict[str, Any]:
    secrets = account.options.get("client_secrets")
    if not secrets:
        raise ConfigError(f"account {account.name} has no client_secrets file: use --token-file, or re-add it with --client-secrets")
    try:
        config = json.loads(Path(secrets).read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise ConfigError(f"cannot read the OAuth client file {secrets}: {err}") from None
    kind = "installed" if "installed" in config else "web" if "web" in config else ""
    if not kind:
        raise ConfigError(f"{secrets} is not an OAuth client file (download it as JSON for a 'Desktop app' client)")
    base = account.options.get("oauth_base")
    if base:
        config[kind].update(token_uri=_base(base) + "token", auth_uri=_base(base) + "auth")
    return config


def _consent(account: AccountConfig, no_browser: bool, echo: Callable[[str], None], prompt: Callable[[str], str]) -> Credentials:
    from google_auth_oauthlib.flow import InstalledAppFlow

    client = _client_config(account)
    flow = InstalledAppFlow.from_client_config(client, scopes=list(SCOPES))
    uri = next(iter(client.values()))["token_uri"]
    with _plain_http_on_loopback(uri):
        if not no_browser:
            credentials = flow.run_local_server(
                host="localhost", port=0, open_browser=True, timeout_seconds=300,
                authorization_prompt_message="Opening your browser; if it does not open, visit:\n{url}",
                success_message="syncd is authorized. You can close this tab.",
            )
        else:
            flow.redirect_uri = "http://localhost:1/"
            url, _ = flow.authorization_url(access_type="offline", prompt="consent")
            echo("Open this address in a browser on any machine and allow access:\n")
            echo(url + "\n")
            echo("The browser then fails to load a page on localhost. Copy that page's address")
            echo("(it contains code=...) or just the code, and paste it here.")
            answer = prompt("address or code: ").strip()
            code = parse_qs(urlsplit(answer).query).get("code", [answer])[0] if "code=" in answer else answer
            if not code:
                raise ConfigError("no code given; nothing was saved")
            flow.fetch_token(code=code)
            credentials = flow.credentials
    return credentials  # type: ignore[return-value]
