"""``syncd account``: add, list and remove the accounts syncd reads (IMAP's ``add``
lives in ``syncd.cli_imap``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from syncd import config as config_mod
from syncd.cli import App, emit_json, main
from syncd.errors import ConfigError

# -- accounts ----------------------------------------------------------------


@main.group()
def account() -> None:
    """Add, list and remove the accounts syncd reads.

    \b
    Example:
      syncd account add maildir personal --path ~/Mail --address me@example.com
      syncd account list
    """


@account.group("add")
def account_add() -> None:
    """Add an account of one kind (maildir, ics, imap)."""


@account_add.command("maildir")
@click.argument("name")
@click.option("--path", required=True, help="A Maildir++ folder (INBOX with .Sent etc.) or an mbox file.")
@click.option("--address", "addresses", multiple=True, required=True, help="Your own address (repeatable).")
@click.pass_obj
def account_add_maildir(app: App, name: str, path: str, addresses: tuple[str, ...]) -> None:
    """Add a local Maildir++ folder or mbox file.

    \b
    Example:
      syncd account add maildir personal --path ~/Mail --address me@example.com --address me@work.com
    """
    target = Path(path).expanduser()
    if not target.exists():
        raise ConfigError(f"--path {path}: no such file or folder")
    if target.is_dir() and not any((target / d).is_dir() for d in ("cur", "new")) and not any(
        p.name.startswith(".") and (p / "cur").is_dir() for p in target.iterdir()
    ):
        raise ConfigError(f"--path {path}: not a Maildir (no cur/ or new/ inside)")
    config_mod.add_account(app.config, name, "maildir", {"path": str(target.resolve()), "addresses": [a.lower() for a in addresses]})
    click.echo(f"added maildir account {name!r}; run `syncd sync {name}`")


@account_add.command("ics")
@click.argument("name")
@click.option("--path", required=True, help="An .ics file, a folder of .ics files, or an http(s) URL.")
@click.option("--timezone", help="Zone for floating times in this calendar (default: the configured one).")
@click.pass_obj
def account_add_ics(app: App, name: str, path: str, timezone: str | None) -> None:
    """Add an iCalendar source: a file, a folder, or a URL.

    \b
    Example:
      syncd account add ics work-calendar --path ~/calendars/work.ics
    """
    options: dict[str, Any] = {}
    if path.startswith(("http://", "https://")):
        options["path"] = path
    else:
        target = Path(path).expanduser()
        if not target.exists():
            raise ConfigError(f"--path {path}: no such file or folder")
        options["path"] = str(target.resolve())
    if timezone:
        options["timezone"] = timezone
    config_mod.add_account(app.config, name, "ics", options)
    click.echo(f"added ics account {name!r}; run `syncd sync {name}`")


@account.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def account_list(app: App, as_json: bool) -> None:
    """List the configured accounts.

    \b
    Example:
      syncd account list --json
    """
    rows = [{"name": a.name, "kind": a.kind, **a.options} for a in app.config.accounts]
    if as_json:
        emit_json(rows)
        return
    if not rows:
        click.echo("no accounts yet: try `syncd account add maildir NAME --path DIR --address ADDR`")
    for row in rows:
        click.echo(f"{row['name']:<20} {row['kind']:<8} {row.get('path') or row.get('host', '')}")


@account.command("remove")
@click.argument("name")
@click.pass_obj
def account_remove(app: App, name: str) -> None:
    """Remove an account and everything synced from it.

    \b
    Example:
      syncd account remove old-mail
    """
    config_mod.remove_account(app.config, name)
    if app.config.paths.db_file.exists() or app.config.settings.get("database_url"):
        from syncd.ingest import remove_account

        app.open()
        remove_account(name)
    click.echo(f"removed account {name!r}")
