"""``syncd account add outlook``: a Microsoft 365 or Outlook.com mailbox, through Microsoft Graph.

Nothing secret goes into config.toml: the account names the app registration
(``--client-id``, a public client registered in Microsoft Entra ID, see the README) and
the tenant; ``syncd auth NAME`` then signs in with the device-code flow and keeps the
msal token cache 0600 under ``$SYNCD_HOME/tokens/``. ``--graph-base`` and
``--authority`` point Graph calls and sign-in somewhere else (an emulator, a proxy).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import click

from syncd import config as config_mod
from syncd.cli import App
from syncd.cli_account import account_add
from syncd.errors import ConfigError


def _url(value: str, option: str, https: bool) -> str:
    parts = urlsplit(value)
    if parts.scheme not in (("https",) if https else ("https", "http")) or not parts.netloc:
        raise ConfigError(f"{option} {value!r}: expected an {'https' if https else 'http(s)'} URL")
    if parts.scheme == "http" and parts.hostname not in ("127.0.0.1", "::1", "localhost"):
        raise ConfigError(f"{option} {value!r}: plain http only to this machine (an emulator); use https")
    return value.rstrip("/")


@account_add.command("outlook")
@click.argument("name")
@click.option("--address", "addresses", multiple=True, required=True, help="Your own address (repeatable; the first is the mailbox's).")
@click.option("--tenant", default="common", show_default=True,
              help="common, organizations, consumers, or your directory (tenant) id or domain.")
@click.option("--client-id", help="The application (client) id of the app you registered in Entra ID (see the README).")
@click.option("--folders", "folders", multiple=True, metavar="NAMES",
              help="Top-level mail folders to read besides Inbox and Sent Items (comma-separated or repeated).")
@click.option("--graph-base", help="Send Graph calls here instead of https://graph.microsoft.com/v1.0 (an emulator, a proxy).")
@click.option("--authority", help="Sign in here instead of https://login.microsoftonline.com (must be https).")
@click.option("--cafile", type=click.Path(exists=True, dir_okay=False), help="Trust this certificate for --authority/--graph-base.")
@click.pass_obj
def account_add_outlook(
    app: App, name: str, addresses: tuple[str, ...], tenant: str, client_id: str | None, folders: tuple[str, ...],
    graph_base: str | None, authority: str | None, cafile: str | None,
) -> None:
    """Add a Microsoft 365 / Outlook.com mailbox (mail, calendar, drafts, briefing).

    \b
    Example:
      syncd account add outlook work --address me@contoso.com \\
          --tenant organizations --client-id 00000000-1111-2222-3333-444444444444
      syncd auth work
    """
    options: dict[str, Any] = {"addresses": [a.lower() for a in addresses], "tenant": tenant}
    if client_id:
        options["client_id"] = client_id.strip()
    names = [f.strip() for value in folders for f in value.split(",") if f.strip()]
    if names:
        options["folders"] = names
    if graph_base:
        options["graph_base"] = _url(graph_base, "--graph-base", https=False)
    if authority:
        options["authority"] = _url(authority, "--authority", https=True)
    if cafile:
        options["cafile"] = str(Path(cafile).expanduser().resolve())
    config_mod.add_account(app.config, name, "outlook", options)
    hint = "" if client_id else " (first set --client-id or SYNCD_MS_CLIENT_ID: see the README)"
    click.echo(f"added outlook account {name!r}; run `syncd auth {name}` to sign in{hint}")
