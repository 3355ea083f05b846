"""``syncd demo``: a throwaway home with the bundled demo mailbox and calendar.

The demo data is generated relative to the clock (``--now`` pins it), so today's
meetings are always today. The home is kept afterwards so you can explore it with
``syncd --home DIR people`` and friends.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import click

from syncd import clock
from syncd import config as config_mod

if TYPE_CHECKING:
    from syncd.cli import App

DEMO_ZONE = "America/New_York"


def run_demo(app: App, demo_home: str | None) -> None:
    from syncd import queries, store, sync
    from syncd.demo import build_demo

    home = Path(demo_home) if demo_home else Path(tempfile.mkdtemp(prefix="syncd-demo-"))
    home.mkdir(parents=True, exist_ok=True)
    now = clock.now()
    app.home = str(home)
    config = app.reload()
    data = build_demo(home / "demo-data", now)
    if "timezone" not in config.settings:
        config = config_mod.set_setting(config, "timezone", DEMO_ZONE)  # the demo's people live on US Eastern time
    if not any(a.name == "demo-mail" for a in config.accounts):
        config = config_mod.add_account(
            config, "demo-mail", "maildir", {"path": str(data.maildir), "addresses": [data.user_address]}
        )
    if not any(a.name == "demo-calendar" for a in config.accounts):
        config = config_mod.add_account(config, "demo-calendar", "ics", {"path": str(data.calendar)})
    app._config = config
    app.open()
    results = sync.sync(config, now=now)
    out = click.echo
    out(f"syncd demo — home {home}")
    out(f"You are {data.user_name} <{data.user_address}>; today is {now:%A %B %-d, %Y}.\n")
    for result in results:
        total = result.total
        out(f"  synced {result.name}: {total.added} added, {total.quarantined} quarantined ({result.seconds:.1f}s)")
    rows = queries.people(15)
    out(f"\nPeople you are in touch with ({len(queries.people())} in all, most recent first):")
    for row in rows:
        t = row["touchpoints"]
        out(
            f"  {(row['name'] or row['email'])[:26]:<26} {row['email'][:34]:<34} last {row['last_contact'][:10]}"
            f"  {t['in']:>3} in {t['out']:>3} out {t['meetings']:>2} meetings"
        )
    if rows:
        top = queries.person(rows[0]["email"])
        out(f"\nTimeline with {top['name'] or top['email']} (latest 8):")
        for item in top["timeline"][:8]:
            arrow = {"received": "←", "sent": "→", "meeting": "◆"}[item["kind"]]
            out(f"  {item['at'][:10]} {arrow} {item['subject']}")
    robots = store.Person.select().where(store.Person.automated == True).count()  # noqa: E712
    out(f"\nKept out of your people list: {robots} automated senders (newsletters, receipts, notifications).")
    _show_what_was_heard(now)
    from syncd.cli_drafts import show_demo

    show_demo(now, config)
    from syncd.cli_briefing import briefing_text

    out("\n" + "═" * 78 + "\nToday's briefing (`syncd brief --format html` for the email, `--send` to mail it to yourself):\n")
    out(briefing_text(config, now))
    out(f"\nExplore: syncd --home {home} people | person NAME | status | quarantine")


def _show_what_was_heard(now) -> None:  # type: ignore[no-untyped-def]
    from syncd import knowledge

    out = click.echo
    facts = [f for f in knowledge.facts(today=now.date()) if not f["projected"]]
    projected = [f for f in knowledge.facts(today=now.date()) if f["projected"]]
    out(f"\nWhat people told you ({len(facts)} facts; `syncd facts` for all):")
    for fact in facts[:12]:
        care = " (handle with care)" if fact["sensitive"] else ""
        out(f"  {fact['person'][:32]:<32} {fact['kind']:<11} {fact['value']}{care} — said {fact['stated_at']}")
    for fact in projected[:3]:
        out(f"  {fact['person'][:32]:<32} {'projected':<11} {fact['value']}")
    loops = knowledge.loops(now=now)
    out(f"\nOpen loops ({len(loops)}; `syncd loops`):")
    for loop in loops[:8]:
        due = f" (due {loop['due']})" if loop["due"] else ""
        out(f"  {loop['person'][:32]:<32} {knowledge.LOOP_LABELS[(loop['direction'], loop['kind'])]}: {loop['text'][:90]}{due}")
    cold = knowledge.cold(now, 5)
    out("\nGoing cold (against each person's own rhythm; `syncd people --cold`):")
    for row in cold:
        out(f"  {(row['name'] or row['email'])[:32]:<32} {row['reason']}")
