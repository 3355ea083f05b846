"""Bounced addresses end to end: ingest sets ``Address.bounced_at`` and mail from the
address clears it (whatever the order mail arrives in); someone whose every address
bounced gets no nudge, no follow-up, is not going cold, and no draft goes to a bounced
address; the demo's Walter Hughes (retired, his address bounces) is left alone."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from connectors.base import Address, MailBatch, MailRecord
from syncd import bounces, config, occasions, store
from syncd.ingest import Ingestor
from tests.conftest import run
from tests.draftworld import ME, Meeting, World, day
from tests.test_bounce_reading import dsn

UTC = dt.UTC
WALTER = "walter@hughes.example"


# -- ingest ----------------------------------------------------------------------------------


def mail(pid: str, when: dt.datetime, sender: str, to: str, bounced: tuple[str, ...] = (),
         folder_role: str = "inbox") -> MailRecord:
    return MailRecord(
        provider_id=pid, message_id=f"<{pid}@test>", folder_role=folder_role, date=when, subject=pid,
        sender=Address(sender), to=(Address(to),), bounced=bounced, body_text="Hello there.",
        content_type="multipart/report" if bounced else "text/plain",
    )


def sent(pid: str, when: dt.datetime) -> MailRecord:
    return mail(pid, when, ME, WALTER, folder_role="sent")


def bounce(pid: str, when: dt.datetime, *who: str) -> MailRecord:
    return mail(pid, when, "mailer-daemon@mx.me.example", ME, bounced=who or (WALTER,))


def from_walter(pid: str, when: dt.datetime) -> MailRecord:
    return mail(pid, when, WALTER, ME)


class Store:
    def __init__(self, url: str) -> None:
        store.open_db(url)
        account = store.Account.create(name="mail", kind="maildir", created=day(2024, 1, 1))
        self.ingestor = Ingestor(account, frozenset({ME}), day(2024, 6, 1))

    def apply(self, *records: MailRecord, deleted: tuple[str, ...] = ()) -> None:
        self.ingestor.apply_mail(MailBatch(records=records, deleted=deleted), self.ingestor.state("mail"))

    def bounced_at(self, email: str = WALTER) -> dt.datetime | None:
        row = store.Address.get_or_none(store.Address.email == email)
        return None if row is None else row.bounced_at


def test_ingest_sets_the_latest_bounce_and_later_mail_clears_it(database_url: str) -> None:
    s = Store(database_url)
    s.apply(from_walter("w1", day(2024, 1, 10)), sent("s1", day(2024, 2, 1)))
    assert s.bounced_at() is None
    s.apply(bounce("b1", day(2024, 2, 1, 9, 1)))
    assert s.bounced_at() == day(2024, 2, 1, 9, 1)
    s.apply(bounce("b2", day(2024, 3, 1)), bounce("b0", day(2024, 1, 20)))  # the latest bounce counts
    assert s.bounced_at() == day(2024, 3, 1)
    assert bounces.unreachable() == {store.Address.get(store.Address.email == WALTER).person_id: day(2024, 3, 1)}
    s.apply(from_walter("w2", day(2024, 3, 5)))  # he wrote: alive after all
    assert s.bounced_at() is None and bounces.unreachable() == {}
    s.apply(bounce("b3", day(2024, 4, 1)))
    assert s.bounced_at() == day(2024, 4, 1)
    s.apply(MailRecord(provider_id="b3-copy", message_id="<b3@test>", date=day(2024, 4, 1)))  # replay: same
    assert s.bounced_at() == day(2024, 4, 1)


def test_order_of_arrival_does_not_matter(database_url: str) -> None:
    """The reply after the bounce is ingested first (another folder, another account)."""
    s = Store(database_url)
    s.apply(from_walter("w2", day(2024, 3, 5)))
    s.apply(bounce("b1", day(2024, 2, 1)))
    assert s.bounced_at() is None
    s.apply(bounce("b2", day(2024, 3, 6)))
    assert s.bounced_at() == day(2024, 3, 6)


def test_deleting_the_bounce_or_the_reply_derives_it_again(database_url: str) -> None:
    s = Store(database_url)
    s.apply(bounce("b1", day(2024, 2, 1)), bounce("b2", day(2024, 3, 1)))
    s.apply(deleted=("b2",))
    assert s.bounced_at() == day(2024, 2, 1)
    s.apply(from_walter("w2", day(2024, 2, 5)))
    assert s.bounced_at() is None
    s.apply(deleted=("w2",))  # the message that said he was alive is gone
    assert s.bounced_at() == day(2024, 2, 1)
    s.apply(deleted=("b1",))
    assert s.bounced_at() is None


def test_only_other_people_and_only_incoming_reports_count(database_url: str) -> None:
    s = Store(database_url)
    s.apply(bounce("b1", day(2024, 2, 1), WALTER, ME, "nina@orbital.example"))
    assert s.bounced_at(ME) is None and s.bounced_at("nina@orbital.example") == day(2024, 2, 1)
    own = MailRecord(provider_id="o1", message_id="<o1@test>", folder_role="sent", date=day(2024, 2, 2),
                     sender=Address(ME), to=(Address("sam@else.example"),), bounced=("sam@else.example",))
    s.apply(own)  # a report the user forwarded or sent is not a bounce of theirs
    assert s.bounced_at("sam@else.example") is None


# -- who is left alone -------------------------------------------------------------------------

NOW = day(2024, 5, 15, 17)
WALTER_FULL = f"Walter Hughes <{WALTER}>"
NINA = "nina@orbital.example"
NINA_FULL = f"Nina Patel <{NINA}>"


def old_friends(w: World, last: dt.datetime) -> None:
    """Walter and Nina wrote every month for a year, until ``last``; the user answered."""
    for who, full in ((WALTER, WALTER_FULL), (NINA, NINA_FULL)):
        key = who.partition("@")[0]
        for k in range(12):
            when = last - dt.timedelta(days=30 * (11 - k))
            w.received(full, f"Catching up {k}", "How are things going on your side these days?", when, f"<{key}{k}@x>")
            w.sent(full, f"Re: Catching up {k}", "All good here, thanks for asking.", when + dt.timedelta(hours=3),
                   f"<{key}{k}r@me>", in_reply_to=f"<{key}{k}@x>")


def deliver_bounce(w: World, when: dt.datetime) -> None:
    from tests import mailfactory as mf

    raw = dsn((WALTER, "failed", "5.1.1"), original_to=WALTER).replace(
        b"Mon, 06 May 2024 09:31:00 +0000", when.strftime("%a, %d %b %Y %H:%M:%S +0000").encode())
    mf.deliver(w.mail, raw)


@pytest.fixture
def world(tmp_path: Path, home: Path, cli: CliRunner, monkeypatch: pytest.MonkeyPatch) -> World:
    monkeypatch.setenv("SYNCD_HOME", str(home))
    return World(tmp_path, home, cli)


def cold_emails(cli: CliRunner) -> list[str]:
    rows = json.loads(run(cli, "people", "--cold", "--json").output)
    store.close_db()
    return [r["email"] for r in rows]


def test_someone_whose_address_bounced_is_not_cold_and_not_nudged(world: World, cli: CliRunner,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    old_friends(world, NOW - dt.timedelta(days=120))
    world.sent(WALTER_FULL, "Hello from Boston", "How is retirement treating you?", NOW - dt.timedelta(days=100), "<hello@me>")
    deliver_bounce(world, NOW - dt.timedelta(days=100) + dt.timedelta(seconds=20))
    world.setup()
    world.sync(NOW, monkeypatch)
    assert cold_emails(cli) == [NINA]
    assert [r["to"] for r in world.drafts()] == [[NINA]]
    monkeypatch.setenv("SYNCD_NOW", NOW.isoformat())
    shown = run(cli, "person", WALTER).output
    assert f"{WALTER}: address bounced on {(NOW - dt.timedelta(days=100)):%Y-%m-%d}" in shown
    rows = {r["email"]: r for r in json.loads(run(cli, "people", "--json").output)}
    assert rows[WALTER]["bounced_at"].startswith(f"{NOW - dt.timedelta(days=100):%Y-%m-%d}")
    assert rows[NINA]["bounced_at"] is None


def test_after_he_writes_again_he_is_back(world: World, cli: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    old_friends(world, NOW - dt.timedelta(days=120))
    deliver_bounce(world, NOW - dt.timedelta(days=100))
    world.received(WALTER_FULL, "New address", "The old server is gone; this one works.", NOW - dt.timedelta(days=95), "<back@x>")
    world.setup()
    world.sync(NOW, monkeypatch)
    assert sorted(cold_emails(cli)) == sorted([WALTER, NINA])


def test_no_follow_up_to_a_bounced_address_and_a_live_one_is_used(world: World, cli: CliRunner,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    old_friends(world, NOW - dt.timedelta(days=20))
    deliver_bounce(world, NOW - dt.timedelta(days=10))
    lunch = Meeting("lunch-1", "Lunch with Walter and Nina", NOW - dt.timedelta(days=1), 60, (WALTER_FULL, NINA_FULL))
    world.meeting(lunch)
    world.setup()
    world.sync(NOW, monkeypatch)
    [followup] = [r for r in world.drafts() if r["kind"] == "followup"]
    assert followup["to"] == [NINA]  # Walter's only address bounced
    cfg = config.load()
    store.open_db(cfg.database_url)
    store.Draft.delete().execute()  # the occasions again, as if no draft had been made
    walter = store.Address.get(store.Address.email == WALTER).person_id
    assert walter in occasions.followups(NOW, cfg.self_addresses)[0].people  # the meeting itself had him
    found = occasions.due_occasions(NOW, cfg)
    assert found and not [o for o in found if walter in o.people]
    store.close_db()
    # Walter has a new address: merged into him, drafts go there, never to the old one.
    world.received("Walter Hughes <walter@retired.example>", "My new address", "Use this one from now on.",
                   NOW - dt.timedelta(days=2), "<new@x>")
    monkeypatch.setenv("SYNCD_NOW", NOW.isoformat())
    run(cli, "sync")
    run(cli, "people", "merge", WALTER, "walter@retired.example")
    store.close_db()
    world.meeting(Meeting("walk-1", "Harbour walk", NOW + dt.timedelta(hours=1), 60, (WALTER_FULL,)))
    world.sync(NOW + dt.timedelta(hours=3), monkeypatch)
    walk = [r for r in world.drafts() if r["kind"] == "followup" and r["subject"] != followup["subject"]]
    assert [r["to"] for r in walk] == [["walter@retired.example"]]


# -- the demo --------------------------------------------------------------------------------

DEMO_NOW = "2026-03-24T07:00:00-04:00"
DEMO_WALTER = "walter@hughesandco.com"


@pytest.mark.slow
def test_the_demo_leaves_walter_alone(tmp_path: Path, cli: CliRunner) -> None:
    demo = str(tmp_path / "demo")
    run(cli, "--now", DEMO_NOW, "demo", "--home", demo)
    store.close_db()
    drafts = json.loads(run(cli, "--home", demo, "drafts", "list", "--json").output)
    assert drafts and not [d for d in drafts if DEMO_WALTER in d["to"]]
    cold = json.loads(run(cli, "--home", demo, "--now", DEMO_NOW, "people", "--cold", "--json", "--limit", "50").output)
    assert cold and DEMO_WALTER not in [r["email"] for r in cold]
    walter = json.loads(run(cli, "--home", demo, "person", DEMO_WALTER, "--json").output)
    [address] = walter["addresses"]
    assert address["bounced_at"] is not None  # the demo's multipart/report, read and stored
    store.close_db()
