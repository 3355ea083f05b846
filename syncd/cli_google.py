"""``syncd account add gmail``: a Google account (Gmail and Google Calendar), then ``syncd auth NAME``.

The account names the OAuth client file downloaded from Google Cloud (a "Desktop app"
client, see the README); the token ``syncd auth`` obtains is kept apart, 0600, under
``$SYNCD_HOME/tokens/``. ``--api-base`` and ``--oauth-base`` point the connector and its
token refresh at an emulator or a proxy.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import click

from syncd import config as config_mod
from syncd.cli import App
from syncd.cli_account import account_add
from syncd.errors import ConfigError


def _url(value: str | None, option: str) -> str | None:
    if value is None:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(f"{option} {value!r}: expected an http(s) URL such as http://127.0.0.1:8080/")
    if parts.scheme == "http" and parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        raise ConfigError(f"{option} {value!r}: plain http is only allowed to this machine; use https")
    return value if value.endswith("/") else value + "/"


@account_add.command("gmail")
@click.argument("name")
@click.option("--address", "addresses", multiple=True, required=True, help="Your Gmail address (repeatable: aliases too).")
@click.option("--client-secrets", type=click.Path(exists=True, dir_okay=False),
              help="The OAuth client JSON downloaded from Google Cloud (a Desktop app client).")
@click.option("--api-base", metavar="URL", help="Send API calls here instead of Google (an emulator or a proxy).")
@click.option("--oauth-base", metavar="URL", help="Use this OAuth endpoint (token refresh, consent) instead of Google's.")
@click.option("--quota-per-minute", type=int, help="Gmail quota units per user per minute (default 6000).")
@click.option("--get-units", type=int, help="Quota units one messages.get costs (default 20).")
@click.option("--thread-units", type=int, help="Quota units one threads.get costs (default 10).")
@click.option("--calendar-per-minute", type=int, help="Google Calendar requests per minute (default 600).")
@click.option("--fetch", type=click.Choice(["auto", "messages", "threads"]),
              help="Fetch mail by conversation (threads.get) or by message; auto (default): whichever costs fewer units.")
@click.pass_obj
def account_add_gmail(
    app: App, name: str, addresses: tuple[str, ...], client_secrets: str | None, api_base: str | None,
    oauth_base: str | None, quota_per_minute: int | None, get_units: int | None, thread_units: int | None,
    calendar_per_minute: int | None, fetch: str | None,
) -> None:
    """Add a Google account: Gmail, its drafts, and Google Calendar. Then run `syncd auth NAME`.

    \b
    Example:
      syncd account add gmail personal --address me@gmail.com \\
          --client-secrets ~/Downloads/client_secret_1234.apps.googleusercontent.com.json
      syncd auth personal
    """
    options: dict[str, Any] = {"addresses": [a.lower() for a in addresses]}
    if client_secrets:
        path = Path(client_secrets).expanduser().resolve()
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as err:
            raise ConfigError(f"--client-secrets {path}: not a JSON file ({err})") from None
        if not isinstance(data, dict) or not ({"installed", "web"} & set(data)):
            raise ConfigError(f"--client-secrets {path}: not an OAuth client file (create a 'Desktop app' client and download its JSON)")
        options["client_secrets"] = str(path)
    for key, value in (("api_base", _url(api_base, "--api-base")), ("oauth_base", _url(oauth_base, "--oauth-base")),
                       ("quota_per_minute", quota_per_minute), ("get_units", get_units), ("thread_units", thread_units),
                       ("calendar_per_minute", calendar_per_minute), ("fetch", fetch)):
        if value is not None:
            options[key] = value
    config_mod.add_account(app.config, name, "gmail", options)
    click.echo(f"added gmail account {name!r}; now run `syncd auth {name}`"
               + ("" if client_secrets else " --token-file FILE (no --client-secrets: the browser flow is not available)"))
