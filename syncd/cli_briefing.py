"""CLI commands for the briefing: ``brief`` (print or send the morning briefing, or one
meeting's brief) and ``people mute`` / ``people unmute`` (muted people get no brief)."""

from __future__ import annotations

import datetime as dt

import click

from syncd import clock
from syncd.cli import App, main, people
from syncd.config import Config
from syncd.errors import ConfigError


def _day(text: str | None, now: dt.datetime, tz: dt.tzinfo) -> dt.date:
    if not text:
        return now.astimezone(tz).date()
    try:
        return dt.date.fromisoformat(text)
    except ValueError as err:
        raise click.BadParameter(f"{text!r} is not a date like 2026-04-08", param_hint="--date") from err


def briefing_text(config: Config, now: dt.datetime) -> str:
    """Today's briefing as text (the store must be open): for ``syncd demo`` and friends."""
    from syncd import deliver, render

    return render.render_text(deliver.build_for(config, now.astimezone(config.timezone).date(), now))


@main.command()
@click.option("--date", "date_text", metavar="YYYY-MM-DD", help="The day to brief (default: today in your time zone).")
@click.option("--format", "fmt", type=click.Choice(["text", "html", "json"]), default="text", show_default=True,
              help="Plain text, the HTML mail, or the same content as JSON (meetings → attendees → facts/loops/questions).")
@click.option("--event", "uid", metavar="UID", help="Only this meeting's brief (its calendar UID).")
@click.option("--send", is_flag=True, help="Deliver it to your own address (or to the outbox folder when no account can send).")
@click.option("--force", is_flag=True, help="With --send: send again even if this date's briefing went out already.")
@click.pass_obj
def brief(app: App, date_text: str | None, fmt: str, uid: str | None, send: bool, force: bool) -> None:
    """The morning briefing: today's meetings and the people in them (what to remember,
    what is open, what to ask), promises due, dates this week, people going cold.

    \b
    Example:
      syncd brief
      syncd brief --date 2026-04-08 --format html > briefing.html
      syncd brief --event 7kq2@calendar.example.com
      syncd brief --send
    """
    from syncd import briefing, deliver, render

    if force and not send:
        raise click.UsageError("--force only means something with --send")
    if send and uid:
        raise click.UsageError("--send delivers the whole briefing; leave out --event")
    config = app.config
    now = clock.now()
    day = _day(date_text, now, config.timezone)
    if send:
        deliver.recipient(config)  # a wrong briefing_to fails before the store is touched
    app.open()
    if send:
        done = deliver.deliver_briefing(config, day, now, force=force)
        if done.sent:
            where = done.location if done.channel == deliver.OUTBOX else f"{done.to} via {done.channel}"
            click.echo(f"sent “{done.subject}” to {where}")
        else:
            click.echo(f"nothing sent: {done.reason}")
        return
    if uid:
        meeting = briefing.brief_event(uid, day if date_text else None, now, config.timezone, config.self_addresses)
        if fmt == "json":
            click.echo(render.render_json(meeting))
            return
        local = dt.date.fromisoformat(meeting.start[:10])
        b = render.one_meeting(meeting, f"{local:%A, %B} {local.day}", config.timezone_name, "")
        click.echo(render.render_html(b, single=True) if fmt == "html" else render.render_text(b, single=True).rstrip("\n"))
        return
    b = deliver.build_for(config, day, now)
    if fmt == "json":
        click.echo(render.render_json(b))
    elif fmt == "html":
        click.echo(render.render_html(b))
    else:
        click.echo(f"Subject: {render.subject(b)}\n")
        click.echo(render.render_text(b), nl=False)


def _set_muted(app: App, who: str, muted: bool) -> None:
    from syncd import identity, store

    app.open()
    person = identity.find_person(who)
    if person.is_self:
        raise ConfigError(f"{person.primary_email} is you")
    store.Person.update(muted=muted).where(store.Person.id == person.id).execute()
    label = f"{person.name} <{person.primary_email}>" if person.name else person.primary_email
    click.echo(f"{'muted' if muted else 'unmuted'} {label}")


@people.command("mute")
@click.argument("who")
@click.pass_obj
def people_mute(app: App, who: str) -> None:
    """Mute someone: no brief for them before meetings, and they stay out of going cold,
    dates and promises in the briefing.

    \b
    Example:
      syncd people mute pat@example.com
    """
    _set_muted(app, who, True)


@people.command("unmute")
@click.argument("who")
@click.pass_obj
def people_unmute(app: App, who: str) -> None:
    """Undo ``people mute``: they are briefed again.

    \b
    Example:
      syncd people unmute pat@example.com
    """
    _set_muted(app, who, False)
