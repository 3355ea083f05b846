"""CLI commands for what syncd heard: ``facts``, ``loops``, ``reinfer`` (and the
``--cold`` ranking on ``people``, which lives with its command in ``syncd.cli``)."""

from __future__ import annotations

import click

from syncd import clock
from syncd.cli import App, emit_json, main


def _now_and_open(app: App):  # type: ignore[no-untyped-def]
    app.open()
    return clock.now()


@main.group(invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON (the format of FACTS.md, plus id and sensitive).")
@click.option("--person", help="Only this person (an address or a unique part of a name).")
@click.option("--kind", type=click.Choice(["birthday", "anniversary", "family", "pet", "sports", "interest", "life_event",
                                           "travel", "location", "work", "preference", "education"]))
@click.option("--all", "include_all", is_flag=True, help="Include superseded, restated and dismissed facts (JSON gains \"state\").")
@click.option("--explain", is_flag=True, help="JSON: add the sentence, state, and what a projection is based on.")
@click.pass_context
def facts(ctx: click.Context, as_json: bool, person: str | None, kind: str | None, include_all: bool, explain: bool) -> None:
    """What people told you about their lives, with where and when they said it.

    \b
    JSON: one object per fact, as in FACTS.md plus id and sensitive; projections
    (what is likely by now, e.g. a graduation) have id null.

    \b
    Example:
      syncd facts --person dana@acme.com
      syncd facts --kind birthday --json
      syncd facts dismiss 42
    """
    if ctx.invoked_subcommand is not None:
        return
    from syncd import knowledge

    now = _now_and_open(ctx.obj)
    rows = knowledge.facts(person, kind, include_all, today=now.date())
    if as_json:
        keys = list(knowledge.FACT_KEYS)
        if include_all:
            keys.append("state")
        emit_json(rows if explain else [{k: row[k] for k in keys} for row in rows])
        return
    if not rows:
        click.echo("no facts yet")
    current = None
    for row in rows:
        if row["person"] != current:
            current = row["person"]
            click.echo(f"\n{current}")
        ident = f"#{row['id']}" if row["id"] is not None else "  ~"
        date = f" [{row['date']}]" if row["date"] else ""
        note = " (projected)" if row["projected"] else (f" ({row['state']})" if row["state"] != "active" else "")
        care = " ⚑ sensitive" if row["sensitive"] else ""
        click.echo(f"  {ident:>6} {row['kind']:<11} {row['value']}{date}{note}{care}  — said {row['stated_at']}")


@facts.command("dismiss")
@click.argument("fact_id", type=int)
@click.pass_obj
def facts_dismiss(app: App, fact_id: int) -> None:
    """Mark a fact wrong: it stops appearing, and stays dismissed after re-inference.

    \b
    Example:
      syncd facts dismiss 42
    """
    from syncd import knowledge

    row = knowledge.fact_feedback(fact_id, "dismissed", _now_and_open(app))
    click.echo(f"dismissed: {row['person']} {row['kind']} {row['value']}")


@facts.command("confirm")
@click.argument("fact_id", type=int)
@click.pass_obj
def facts_confirm(app: App, fact_id: int) -> None:
    """Mark a fact right: it is shown with full confidence, also after re-inference.

    \b
    Example:
      syncd facts confirm 42
    """
    from syncd import knowledge

    row = knowledge.fact_feedback(fact_id, "confirmed", _now_and_open(app))
    click.echo(f"confirmed: {row['person']} {row['kind']} {row['value']}")


@main.group(invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--person", help="Only this person (an address or a unique part of a name).")
@click.option("--all", "include_all", is_flag=True, help="Include loops that were closed or marked done.")
@click.pass_context
def loops(ctx: click.Context, as_json: bool, person: str | None, include_all: bool) -> None:
    """Open loops: what you promised, what they promised, and questions you never answered.

    \b
    Example:
      syncd loops
      syncd loops --person "Dana" --json
      syncd loops done 7
    """
    if ctx.invoked_subcommand is not None:
        return
    from syncd import knowledge

    now = _now_and_open(ctx.obj)
    rows = knowledge.loops(person, now, include_all)
    if as_json:
        emit_json(rows)
        return
    if not rows:
        click.echo("no open loops")
    for row in rows:
        due = f" (due {row['due']}{', OVERDUE' if row['overdue'] else ''})" if row["due"] else ""
        status = "" if row["status"] == "open" else f" [{row['status']}]"
        click.echo(f"  #{row['id']:<4} {row['person']:<32} {knowledge.LOOP_LABELS[(row['direction'], row['kind'])]}: {row['text']}{due}{status}")


@loops.command("done")
@click.argument("loop_id", type=int)
@click.pass_obj
def loops_done(app: App, loop_id: int) -> None:
    """Close a loop by hand (it stays closed after re-inference).

    \b
    Example:
      syncd loops done 7
    """
    from syncd import knowledge

    knowledge.loop_done(loop_id, _now_and_open(app))
    click.echo(f"loop #{loop_id} closed")


@main.command()
@click.pass_obj
def reinfer(app: App) -> None:
    """Recompute facts and open loops from the stored messages (after the rules changed),
    keeping your feedback.

    \b
    Example:
      syncd reinfer
    """
    from syncd.listen import reinfer as run

    app.open()
    heard = run(app.config.self_addresses)
    click.echo(f"listened again to {heard.messages} messages: {heard.facts} facts, {heard.loops} open loops")
