"""``syncd auth NAME``: authorize an OAuth account (Gmail, Microsoft 365).

The work is the connector's: its class provides ``authorize(account, config, options,
echo)``, which runs the provider's flow (or imports a token the user already has) and
stores the result 0600 under ``$SYNCD_HOME/tokens/``. Kinds that log in with a password
(IMAP) or none (Maildir, .ics) have nothing to authorize.
"""

from __future__ import annotations

import importlib
from typing import Any

import click

from syncd.cli import App, main
from syncd.errors import ConfigError


@main.command("auth")
@click.argument("name")
@click.option("--token-file", type=click.Path(exists=True, dir_okay=False),
              help="Gmail: import an authorized-user token JSON (google-auth's format) instead of the browser flow.")
@click.option("--token-cache", type=click.Path(exists=True, dir_okay=False),
              help="Microsoft 365: import an msal token cache instead of the device-code flow.")
@click.option("--no-browser", is_flag=True,
              help="Gmail on a headless server: print the URL and paste the code back.")
@click.pass_obj
def auth(app: App, name: str, token_file: str | None, token_cache: str | None, no_browser: bool) -> None:
    """Authorize an OAuth account (gmail, outlook) and store its token (mode 0600).

    \b
    Example:
      syncd auth work-gmail
      syncd auth work-gmail --no-browser
      syncd auth office --token-cache ~/msal_cache.json
    """
    from syncd.sync import REGISTRY

    account = app.config.account(name)
    module_name, _, class_name = REGISTRY.get(account.kind, ":").partition(":")
    cls: Any = getattr(importlib.import_module(module_name), class_name) if module_name else None
    if cls is None or not hasattr(cls, "authorize"):
        raise ConfigError(f"account {name!r} is a {account.kind} account: it has nothing to authorize")
    options = {"token_file": token_file, "token_cache": token_cache, "no_browser": no_browser}
    cls.authorize(account, app.config, options, click.echo)
