"""``syncd account add imap``: an IMAP mailbox (with SMTP for the user's own briefing).

The password never goes into config.toml: the account names a file only the user can
read (``--password-file``, mode 0600) or an environment variable (``--password-env``).
Before anything is written the input is checked and, unless ``--no-check``, syncd logs
in once, so a typo in the host or the password is caught here rather than at 3 a.m.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from connectors.password import check_password_file
from connectors.tls_modes import IMAP_TLS_MODES, SMTP_TLS_MODES
from syncd import config as config_mod
from syncd.cli import App
from syncd.cli_account import account_add
from syncd.errors import ConfigError, SyncdError


def _folders(values: tuple[str, ...]) -> list[str]:
    return [f.strip() for value in values for f in value.split(",") if f.strip()]


@account_add.command("imap")
@click.argument("name")
@click.option("--host", required=True, help="The IMAP server, e.g. imap.fastmail.com.")
@click.option("--port", type=int, help="Default: 993 with imaps, 143 otherwise.")
@click.option("--tls", type=click.Choice(IMAP_TLS_MODES), default="imaps", show_default=True,
              help="imaps (TLS from the start), starttls, or none (a server on this machine only).")
@click.option("--username", required=True, help="The login name (often the address).")
@click.option("--address", "addresses", multiple=True, required=True, help="Your own address (repeatable).")
@click.option("--password-file", type=click.Path(dir_okay=False), help="A file only you can read (chmod 600) holding the password.")
@click.option("--password-env", metavar="VAR", help="An environment variable holding the password.")
@click.option("--folders", "folders", multiple=True, metavar="NAMES",
              help="Folders to read besides INBOX and Sent (comma-separated or repeated; '*' for all).")
@click.option("--cafile", type=click.Path(exists=True, dir_okay=False), help="Trust this certificate (a self-signed server).")
@click.option("--smtp-host", help="Send the briefing to yourself through this SMTP server.")
@click.option("--smtp-port", type=int, help="Default: 465 with smtps, 587 with starttls, 25 with none.")
@click.option("--smtp-tls", type=click.Choice(SMTP_TLS_MODES), default="starttls", show_default=True)
@click.option("--smtp-username", help="Default: the IMAP username.")
@click.option("--check/--no-check", default=True, show_default=True, help="Log in once before saving the account.")
@click.pass_obj
def account_add_imap(
    app: App, name: str, host: str, port: int | None, tls: str, username: str, addresses: tuple[str, ...],
    password_file: str | None, password_env: str | None, folders: tuple[str, ...], cafile: str | None,
    smtp_host: str | None, smtp_port: int | None, smtp_tls: str, smtp_username: str | None, check: bool,
) -> None:
    """Add an IMAP mailbox (Fastmail, iCloud, a company or self-hosted server).

    \b
    Example:
      chmod 600 ~/.config/syncd/fastmail.pw
      syncd account add imap personal --host imap.fastmail.com --username me@fastmail.com \\
          --address me@fastmail.com --password-file ~/.config/syncd/fastmail.pw \\
          --smtp-host smtp.fastmail.com --smtp-tls smtps
    """
    if bool(password_file) == bool(password_env):
        raise ConfigError("give exactly one of --password-file FILE or --password-env VAR")
    options: dict[str, Any] = {
        "host": host, "tls": tls, "username": username, "addresses": [a.lower() for a in addresses],
    }
    if port:
        options["port"] = port
    if password_file:
        options["password_file"] = str(check_password_file(password_file).resolve())
    else:
        options["password_env"] = password_env
    if folders:
        options["folders"] = _folders(folders)
    if cafile:
        options["cafile"] = str(Path(cafile).expanduser().resolve())
    if smtp_host:
        options.update(smtp_host=smtp_host, smtp_tls=smtp_tls)
        if smtp_port:
            options["smtp_port"] = smtp_port
        if smtp_username:
            options["smtp_username"] = smtp_username
    if check:
        _check_login(app, name, options)
    config_mod.add_account(app.config, name, "imap", options)
    click.echo(f"added imap account {name!r}; run `syncd sync {name}`")


def _check_login(app: App, name: str, options: dict[str, Any]) -> None:
    from connectors.imap import ImapConnector

    account = config_mod.AccountConfig(name=name, kind="imap", options=options)
    try:
        with ImapConnector.from_config(account, app.config).connect():
            pass
    except ConfigError:
        raise
    except SyncdError as err:
        raise ConfigError(f"cannot log in to {options['host']}: {err} (nothing was saved; --no-check skips this)") from err
