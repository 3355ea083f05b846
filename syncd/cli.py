"""The ``syncd`` command line: a thin click layer over the library.

Each command parses its arguments, calls one function, and prints (a table for
people, ``--json`` for tools). Mistakes in input or config exit with code 2 and a
message that says what to fix; nothing is written before the input is checked.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from typing import Any

import click

from syncd import __version__, clock
from syncd import config as config_mod
from syncd.errors import ConfigError

log = logging.getLogger(__name__)


class App:
    """What every command needs: where home is, the config, and the open store."""

    def __init__(self, home: str | None) -> None:
        self.home = home
        self._config: config_mod.Config | None = None
        self._db = None

    @property
    def config(self) -> config_mod.Config:
        if self._config is None:
            self._config = config_mod.load(self.home)
        return self._config

    def reload(self) -> config_mod.Config:
        self._config = None
        return self.config

    def open(self) -> None:
        if self._db is None:
            from syncd import store

            self._db = store.open_db(self.config.database_url)


class Group(click.Group):
    """Turns ConfigError into a clear message and exit code 2."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ConfigError as err:
            click.echo(f"syncd: {err}", err=True)
            ctx.exit(2)


def _setup_logging(level: str) -> None:
    fmt = "%(levelname)s %(name)s: %(message)s"
    if not os.environ.get("JOURNAL_STREAM"):
        fmt = "%(asctime)s " + fmt
    logging.basicConfig(level=getattr(logging, level.upper(), logging.WARNING), format=fmt, stream=sys.stderr)


def emit_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def _console():  # type: ignore[no-untyped-def]
    from rich.console import Console

    return Console(highlight=False)


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--home", envvar="SYNCD_HOME", type=click.Path(file_okay=False), help="Keep config, database and outbox here (default: SYNCD_HOME, else the user's config and data dirs).")
@click.option("--now", "now", metavar="ISO-8601", help="Pin the clock, e.g. 2026-03-24T08:00:00+01:00 (also SYNCD_NOW).")
@click.option("--log-level", default="warning", show_default=True, type=click.Choice(["debug", "info", "warning", "error"], case_sensitive=False))
@click.version_option(__version__, prog_name="syncd")
@click.pass_context
def main(ctx: click.Context, home: str | None, now: str | None, log_level: str) -> None:
    """syncd: a relationship gardener for your mailbox and calendar.

    \b
    Example:
      syncd account add maildir personal --path ~/Mail --address me@example.com
      syncd sync && syncd people
    """
    _setup_logging(log_level)
    if now:
        try:
            clock.pin(now)
        except ConfigError as err:
            raise click.BadParameter(str(err), param_hint="--now") from err
    ctx.obj = App(home)


# -- sync --------------------------------------------------------------------


@main.command()
@click.argument("names", nargs=-1)
@click.pass_obj
def sync(app: App, names: tuple[str, ...]) -> None:
    """Sync accounts (all by default), then everything derived.

    Prints what was added, updated, deleted and quarantined per account. Exits
    non-zero only when an account failed entirely.

    \b
    Example:
      syncd sync
      syncd sync personal work-calendar
    """

    for name in names:
        app.config.account(name)
    if not app.config.accounts:
        raise ConfigError("no accounts configured: add one with `syncd account add`")
    app.open()
    results = _sync_with_progress(app, names)
    failed = False
    for result in results:
        total = result.total
        line = (
            f"{result.name}: {total.added} added, {total.updated} updated, {total.deleted} deleted, "
            f"{total.quarantined} quarantined ({result.seconds:.1f}s)"
        )
        if result.error:
            failed = True
            line += f" — FAILED: {result.error}"
        for warning in getattr(result, "warnings", ()):
            failed = True
            line += f" — {warning}"
        click.echo(line)
    if failed:
        sys.exit(1)


def _sync_with_progress(app: App, names: tuple[str, ...]) -> list[Any]:
    from syncd import sync as sync_mod

    if not sys.stderr.isatty():
        return sync_mod.sync(app.config, names)
    from rich.progress import Progress, SpinnerColumn, TextColumn

    with Progress(SpinnerColumn(), TextColumn("{task.description}"), transient=True) as bar:
        task = bar.add_task("syncing", total=None)
        seen = {"n": 0}

        def progress(account: str, counts: Any) -> None:
            seen["n"] += counts.added + counts.updated + counts.deleted + counts.quarantined
            bar.update(task, description=f"syncing {account}: {seen['n']} items")

        return sync_mod.sync(app.config, names, progress=progress)


# -- people --------------------------------------------------------------------


@main.group(invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="At most this many people.")
@click.option("--cold", is_flag=True, help="Rank the relationships going cold against their own rhythm, with the reason.")
@click.pass_context
def people(ctx: click.Context, as_json: bool, limit: int | None, cold: bool) -> None:
    """The people you are in touch with, most recent first.

    \b
    Example:
      syncd people --limit 20
      syncd people --cold
      syncd people merge dana@acme.com dana.whitfield@gmail.com
    """
    if ctx.invoked_subcommand is not None:
        return
    from syncd import queries

    app: App = ctx.obj
    app.open()
    if cold:
        from syncd import knowledge

        ranked = knowledge.cold(clock.now(), limit or 10)
        if as_json:
            emit_json(ranked)
            return
        if not ranked:
            click.echo("nobody is going cold")
        for row in ranked:
            click.echo(f"  {(row['name'] or row['email'])[:28]:<28} {row['reason']}; last: {row['last_subject']}")
        return
    rows = queries.people(limit)
    if as_json:
        emit_json(rows)
        return
    from rich.table import Table

    table = Table("name", "email", "last contact", "in", "out", "meetings", box=None)
    for row in rows:
        t = row["touchpoints"]
        email = row["email"] + (f" (address bounced on {row['bounced_at'][:10]})" if row["bounced_at"] else "")
        table.add_row(row["name"] or "—", email, (row["last_contact"] or "")[:10], str(t["in"]), str(t["out"]), str(t["meetings"]))
    _console().print(table)


@people.command("merge")
@click.argument("keep")
@click.argument("other")
@click.pass_obj
def people_merge(app: App, keep: str, other: str) -> None:
    """Join two addresses (or people) into one person; the first one's name stays.

    \b
    Example:
      syncd people merge dana@acme.com dana.whitfield@gmail.com
    """
    from syncd import identity

    app.open()
    person = identity.merge(keep, other)
    click.echo(f"merged into {person.name or person.primary_email} <{person.primary_email}>")


@main.command()
@click.argument("query")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def person(app: App, query: str, as_json: bool) -> None:
    """One person: their addresses and the timeline of your touchpoints.

    \b
    Example:
      syncd person dana@acme.com
      syncd person "Dana"
    """
    from syncd import queries

    app.open()
    data = queries.person(query)
    if as_json:
        emit_json(data)
        return
    click.echo(f"{data['name'] or data['email']} <{data['email']}>")
    others = [a["email"] for a in data["addresses"] if a["email"] != data["email"]]
    if others:
        click.echo("also: " + ", ".join(others))
    for address in data["addresses"]:
        if address["bounced_at"]:
            click.echo(f"{address['email']}: address bounced on {address['bounced_at'][:10]}")
    t = data["touchpoints"]
    click.echo(f"{t['in']} in, {t['out']} out, {t['meetings']} meetings; first {(data['first_contact'] or '—')[:10]}, last {(data['last_contact'] or '—')[:10]}")
    arrows = {"received": "←", "sent": "→", "meeting": "◆"}
    for item in data["timeline"]:
        click.echo(f"  {item['at'][:16].replace('T', ' ')}  {arrows[item['kind']]} {item['subject']}")


# -- status and quarantine ---------------------------------------------------------


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--daemon", "daemon_only", is_flag=True, help="Only the daemon: running, pid, next briefing, each account's schedule.")
@click.pass_obj
def status(app: App, as_json: bool, daemon_only: bool) -> None:
    """Per account: messages, events, last sync, quarantined items, last error; and the daemon.

    \b
    Example:
      syncd status --json
      syncd status --daemon --json
    """
    from syncd import queries, runstate

    info = runstate.describe(app.config.paths)
    if daemon_only:
        emit_json(info) if as_json else click.echo(runstate.header(info))
        return
    app.open()
    rows = runstate.annotate(queries.status(), info)
    if as_json:
        emit_json(rows)
        return
    click.echo(runstate.header(info))
    if not rows:
        click.echo("nothing synced yet: run `syncd sync`")
    for row in rows:
        line = f"{row['name']:<18} {row['kind']:<8} {row['messages']:>6} messages {row['events']:>5} events  last sync {row['last_sync'] or 'never'}"
        if row["quarantined"]:
            line += f"  {row['quarantined']} quarantined"
        if row["error"]:
            line += f"  ERROR: {row['error']}"
        click.echo(line + runstate.account_suffix(row))


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def quarantine(app: App, as_json: bool) -> None:
    """What could not be read, and why (kept, never dropped; retried on each sync).

    \b
    Example:
      syncd quarantine --json
    """
    from syncd import queries

    app.open()
    rows = queries.quarantine()
    if as_json:
        emit_json(rows)
        return
    if not rows:
        click.echo("nothing in quarantine")
    for row in rows:
        click.echo(f"{row['account']}: {row['source']}\n    {row['error']}")


# -- demo ----------------------------------------------------------------------


@main.command()
@click.option("--home", "demo_home", type=click.Path(file_okay=False), help="Build the demo here (default: a new temporary folder).")
@click.pass_obj
def demo(app: App, demo_home: str | None) -> None:
    """Build a demo home with a bundled mailbox and calendar, sync it, and show what syncd knows.

    \b
    Example:
      syncd demo
      syncd --now 2026-03-24T07:00:00-04:00 demo --home /tmp/syncd-demo
    """
    from syncd.demo_cli import run_demo

    run_demo(app, demo_home)


# Each module registers its commands on ``main`` when imported.
from syncd import (  # noqa: E402,F401
    cli_account,  # account add maildir|ics, list, remove
    cli_auth,  # auth NAME (OAuth accounts)
    cli_briefing,  # brief, people mute/unmute
    cli_daemon,  # run, service install/uninstall
    cli_drafts,  # drafts list/show/edit/discard
    cli_google,  # account add gmail
    cli_graph,  # account add outlook
    cli_imap,  # account add imap
    cli_knowledge,  # facts, loops, reinfer
)

if __name__ == "__main__":  # pragma: no cover
    main()
