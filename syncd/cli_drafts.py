"""CLI commands for follow-up drafts: ``syncd drafts list|show|edit|discard``.

``syncd sync`` writes the drafts that are due; these commands only look at them and
change them. Nothing here sends mail.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from syncd import clock
from syncd.cli import App, emit_json, main

if TYPE_CHECKING:
    import datetime as dt

    from syncd.config import Config

_STATUS = click.Choice(["pending", "placed", "discarded", "gone"])


def _line(row: dict[str, Any]) -> str:
    to = ", ".join(row["to"])
    return f"  #{row['id']:<4} {row['kind']:<11} {row['status']:<9} {to[:34]:<34} {row['subject']}"


@main.group(invoke_without_command=True)
@click.pass_context
def drafts(ctx: click.Context) -> None:
    """Follow-up drafts syncd left in your Drafts folder for you to review (never sent by syncd).

    \b
    Example:
      syncd drafts list
      syncd drafts show 3
      syncd drafts edit 3
      syncd drafts discard 3
    """
    if ctx.invoked_subcommand is None:
        ctx.invoke(drafts_list)


@drafts.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON: id, kind, to, subject, body, status, occasion, created, reason, ...")
@click.option("--status", type=_STATUS, help="Only drafts with this status.")
@click.pass_obj
def drafts_list(app: App, as_json: bool = False, status: str | None = None) -> None:
    """List the drafts, newest first, with why each was written.

    \b
    Example:
      syncd drafts list --status placed
      syncd drafts list --json
    """
    from syncd import draftbox

    app.open()
    rows = draftbox.listing(status)
    if as_json:
        emit_json(rows)
        return
    if not rows:
        click.echo("no drafts" + (f" with status {status}" if status else ""))
    for row in rows:
        click.echo(_line(row))
        click.echo(f"         why: {row['reason']}")


@drafts.command("show")
@click.argument("draft_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def drafts_show(app: App, draft_id: int, as_json: bool) -> None:
    """Show one draft in full.

    \b
    Example:
      syncd drafts show 3
    """
    from syncd import draftbox

    app.open()
    row = draftbox.as_dict(draftbox.get(draft_id))
    if as_json:
        emit_json(row)
        return
    click.echo(f"To: {', '.join(row['to'])}")
    click.echo(f"Subject: {row['subject']}")
    if row["in_reply_to"]:
        click.echo(f"In-Reply-To: {row['in_reply_to']}")
    click.echo(f"Status: {row['status']}" + (f" (in {row['placed_in']})" if row["placed_in"] else ""))
    click.echo(f"Why: {row['reason']}\n")
    click.echo(row["body"], nl=False)


@drafts.command("edit")
@click.argument("draft_id", type=int)
@click.pass_obj
def drafts_edit(app: App, draft_id: int) -> None:
    """Edit a draft in $EDITOR; the copy in your Drafts folder is replaced with it.

    \b
    Example:
      EDITOR=nano syncd drafts edit 3
    """
    from syncd import draftbox

    app.open()
    row = draftbox.get(draft_id)
    original = draftbox.editable_text(row)
    edited = click.edit(original, extension=".txt", require_save=True)
    if edited is None or edited == original:
        click.echo(f"draft #{draft_id} unchanged")
        return
    row = draftbox.edit(draft_id, edited, app.config, clock.now())
    click.echo(f"draft #{row.id} saved ({row.status})")


@drafts.command("discard")
@click.argument("draft_id", type=int)
@click.pass_obj
def drafts_discard(app: App, draft_id: int) -> None:
    """Discard a draft: it is removed from your Drafts folder and never written again.

    \b
    Example:
      syncd drafts discard 3
    """
    from syncd import draftbox

    app.open()
    draftbox.discard(draft_id, app.config, clock.now())
    click.echo(f"draft #{draft_id} discarded")


def show_demo(now: dt.datetime, config: Config) -> None:
    """For ``syncd demo``: the drafts left in the Drafts folder, with their reasons, and
    the ones the next two days would bring (a preview: nothing is stored)."""
    from syncd import draftbox
    from syncd import drafts as drafts_mod

    out = click.echo
    rows = [r for r in draftbox.listing() if r["status"] in ("placed", "pending")]
    out(f"\nDrafts left in your Drafts folder for review ({len(rows)}; `syncd drafts list`; syncd never sends them):")
    for row in reversed(rows):
        out(f"\n  #{row['id']} {row['kind']} to {', '.join(row['to'])} — {row['reason']}")
        out(f"  Subject: {row['subject']}")
        for line in row["body"].rstrip().splitlines():
            out(f"  │ {line}" if line else "  │")
    coming = list(drafts_mod.preview(now, config))
    if coming:
        out("\nComing up (what the next syncs will write):")
        for at, occasion, written in coming:
            out(f"  by {at:%a %H:%M}  {occasion.kind:<11} {', '.join(a.email for a in written.to)[:40]:<40} {written.subject}")
            out(f"                  why: {occasion.reason}")
