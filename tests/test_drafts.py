"""Follow-up drafts end to end: the occasions of one scenario with the clock pinned
before and after, each draft made once across restarts and re-syncs, placed in the
Maildir++ Drafts folder (read back with Python's ``mailbox``), never remade after the
user deletes it, and the ``syncd drafts`` commands."""

from __future__ import annotations

import datetime as dt
import mailbox
import os
import stat
from email import message_from_bytes
from email.policy import default as default_policy
from pathlib import Path

import pytest
from click.testing import CliRunner

from syncd import store
from tests.conftest import run
from tests.draftworld import ME, Meeting, World, day

DANA = "Dana Whitfield <dana@acme.example>"
PRIYA = "Priya Raman <priya@lumen.example>"
BEN = "Ben Whitaker <ben@salt.example>"
RAJ = "Raj Patel <raj@partner.example>"
SAM = "Sam Okafor <sam@me.example>"  # a colleague: same domain as the user

BEFORE = day(2024, 3, 12, 9)  # Tuesday morning
AFTER = day(2024, 3, 13, 18)  # Wednesday evening, same ISO week


def build_scenario(world: World) -> None:
    # Dana: a friendly thread in which the user promised the deck "by Friday" (March 15).
    world.received(DANA, "Pricing", "Hi Alex,\n\nHow should we think about the silver tier? I'm a die-hard Red Sox "
                   "fan, by the way, so the Fenway seats were perfect.\n\nDana", day(2024, 3, 4), "<d1@acme>")
    world.sent(DANA, "Re: Pricing", "Hi Dana,\n\nGood question. I'll send you the pricing deck by Friday.\n\nAlex",
               day(2024, 3, 8, 10), "<a1@me>", in_reply_to="<d1@acme>")
    # ... and a meeting with her on Wednesday afternoon (plus an internal one, never followed up).
    world.meeting(Meeting("pricing-review@me.example", "Acme: pricing review", day(2024, 3, 13, 14), 60, (DANA,)))
    world.meeting(Meeting("books@me.example", "Books and invoicing", day(2024, 3, 13, 16), 30, (SAM,)))
    # Priya: her birthday is March 14; the user wrote back, so they are in touch.
    world.received(PRIYA, "Lunch next month?", "Hi Alex,\n\nLunch sounds good. My birthday is March 14, so maybe the "
                   "week after.\n\nPriya", day(2024, 2, 20), "<p1@lumen>")
    world.sent(PRIYA, "Re: Lunch next month?", "Hi Priya,\n\nWonderful, the week after it is.\n\nAlex",
               day(2024, 2, 21, 10), "<a2@me>", in_reply_to="<p1@lumen>")
    # Ben: every two weeks since October, then silence since the end of December: going cold.
    start = day(2023, 10, 18)
    for i in range(6):
        when = start + dt.timedelta(days=14 * i)
        text = "I sail on weekends when the weather allows." if i == 0 else "More soon."
        world.received(BEN, f"Catch-up {i}", f"Hi Alex,\n\nGood to hear from you. {text}\n\nBen", when, f"<b{i}@salt>")
        world.sent(BEN, f"Re: Catch-up {i}", "Hi Ben,\n\nThanks, talk soon.\n\nAlex", when + dt.timedelta(hours=20),
                   f"<ab{i}@me>", in_reply_to=f"<b{i}@salt>")
    # Raj: a request the user never answered.
    world.received(RAJ, "Template?", "Hi Alex,\n\nCould you send me the partner agreement template?\n\nThanks,\nRaj",
                   day(2024, 3, 9, 10), "<r1@partner>")


@pytest.fixture
def world(tmp_path: Path, home: Path, cli: CliRunner) -> World:
    w = World(tmp_path / "world", home, cli)
    build_scenario(w)
    w.setup()
    return w


def occasions(rows: list[dict]) -> list[str]:  # type: ignore[type-arg]
    return sorted(str(r["occasion"]) for r in rows)


EXPECTED_BEFORE = ["nudge:ben@salt.example:2024-W11"]
EXPECTED_AFTER = sorted([
    "birthday:priya@lumen.example:2024",
    "followup:pricing-review@me.example",
    "nudge:ben@salt.example:2024-W11",
    "reply:<r1@partner>",
])


def test_exactly_the_expected_drafts_before_and_after_each_once(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    world.sync(BEFORE, monkeypatch)
    assert occasions(world.drafts()) == EXPECTED_BEFORE
    world.sync(AFTER, monkeypatch)
    rows = world.drafts()
    promise = [r for r in rows if r["kind"] == "promise"]
    assert len(promise) == 1 and str(promise[0]["occasion"]).startswith("promise:<a1@me>:")
    assert occasions([r for r in rows if r["kind"] != "promise"]) == EXPECTED_AFTER
    assert {r["status"] for r in rows} == {"placed"}
    assert len(world.draft_files()) == 5
    # A restart (every sync here is a fresh process) and re-syncs, later the same evening: nothing new.
    for later in (AFTER, AFTER + dt.timedelta(minutes=5), AFTER + dt.timedelta(hours=3)):
        world.sync(later, monkeypatch)
    again = world.drafts()
    assert occasions(again) == occasions(rows) and [r["id"] for r in again] == [r["id"] for r in rows]
    assert len(world.draft_files()) == 5


def test_the_drafts_say_the_right_things(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    world.sync(BEFORE, monkeypatch)
    world.sync(AFTER, monkeypatch)
    by_kind = {r["kind"]: r for r in world.drafts()}
    followup = by_kind["followup"]
    assert followup["to"] == ["dana@acme.example"] and followup["body"].startswith("Hi Dana,")
    assert "pricing review" in followup["body"]
    assert "I'll send you the pricing deck by Friday" in followup["body"] and "Friday, March 15" in followup["body"]
    assert "Red Sox" in followup["body"]  # the one warm personal touch
    assert followup["body"].rstrip().endswith("Alex")
    reply = by_kind["reply"]
    assert reply["subject"] == "Re: Template?" and reply["to"] == ["raj@partner.example"]
    assert "[Attach the partner agreement template here]" in reply["body"]
    promise = by_kind["promise"]
    assert promise["subject"] == "Re: Pricing" and promise["to"] == ["dana@acme.example"]
    assert "the pricing deck" in promise["body"] and "[Attach the pricing deck here]" in promise["body"]
    birthday = by_kind["birthday"]
    assert birthday["to"] == ["priya@lumen.example"] and "birthday" in birthday["body"].lower()
    nudge = by_kind["nudge"]
    assert nudge["body"].startswith("Hi Ben,") and "sailing" in nudge["body"]  # asks about his life
    assert "?" in nudge["body"]
    for row in by_kind.values():
        assert row["reason"], row


def test_internal_and_cancelled_meetings_and_answered_ones_get_no_followup(
    tmp_path: Path, home: Path, cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = World(tmp_path / "w", home, cli)
    w.meeting(Meeting("internal@me.example", "Books", day(2024, 3, 13, 10), 30, (SAM,)))
    w.meeting(Meeting("cancelled@me.example", "Acme sync", day(2024, 3, 13, 11), 30, (DANA,), status="CANCELLED"))
    w.meeting(Meeting("answered@me.example", "Lumen planning", day(2024, 3, 13, 12), 30, (PRIYA,)))
    w.sent(PRIYA, "Thanks for today", "Hi Priya,\n\nThank you for the time today.\n\nAlex", day(2024, 3, 13, 13), "<t1@me>")
    for week in range(4):  # a weekly series: routine, no thank-you note each week
        w.meeting(Meeting(f"weekly-{week}@me.example", "Acme weekly", day(2024, 3, 13, 15) - dt.timedelta(days=7 * (3 - week)), 30, (RAJ,)))
    w.meeting(Meeting("oneoff@me.example", "Partner kickoff", day(2024, 3, 13, 16), 30, (RAJ,)))
    w.setup()
    w.sync(day(2024, 3, 13, 18), monkeypatch)
    assert [r["occasion"] for r in w.drafts() if r["kind"] == "followup"] == ["followup:oneoff@me.example"]


def test_deleted_in_the_mail_client_is_gone_and_never_made_again(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    world.sync(AFTER, monkeypatch)
    rows = world.drafts()
    reply = next(r for r in rows if r["kind"] == "reply")
    path = next(p for p in world.draft_files() if p.name.startswith(str(reply["provider_id"]).split("/")[1]))
    path.unlink()  # the user deletes it in their mail client
    world.sync(AFTER + dt.timedelta(minutes=5), monkeypatch)
    world.sync(AFTER + dt.timedelta(hours=1), monkeypatch)
    after = world.drafts()
    assert len(after) == len(rows)
    assert next(r for r in after if r["id"] == reply["id"])["status"] == "gone"
    assert len(world.draft_files()) == len(rows) - 1
    assert [r["occasion"] for r in world.drafts("--status", "gone")] == [reply["occasion"]]


def test_maildir_placement_reads_back_with_a_mail_library(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    world.sync(AFTER, monkeypatch)
    drafts = mailbox.Maildir(world.mail, factory=None, create=False).get_folder("Drafts")
    found = {msg["Subject"]: msg for msg in drafts}
    assert len(found) == 5
    for msg in found.values():
        assert "D" in msg.get_flags() and msg.get_subdir() == "cur"
        assert msg["From"] == f"Alex Morgan <{ME}>"
        assert msg["Message-ID"].startswith("<syncd-draft-") and msg["Date"]
        assert msg.get_content_type() == "text/plain" and msg.get_content_charset() == "utf-8"
    reply = found["Re: Template?"]
    assert reply["To"] == "Raj Patel <raj@partner.example>"
    assert reply["In-Reply-To"] == "<r1@partner>" and reply["References"] == "<r1@partner>"
    body = message_from_bytes(bytes(reply), policy=default_policy).get_content()
    assert body.startswith("Hi Raj,") and "partner agreement template" in body
    promise = next(m for s, m in found.items() if s == "Re: Pricing")
    assert promise["In-Reply-To"] == "<a1@me>" and promise["References"].split() == ["<d1@acme>", "<a1@me>"]
    assert not list((world.mail / ".Drafts" / "tmp").iterdir())


def test_drafts_folder_is_created_when_missing(tmp_path: Path, home: Path, cli: CliRunner,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    w = World(tmp_path / "w", home, cli)
    build_scenario(w)
    for sub in ("cur", "new", "tmp"):
        (w.mail / ".Drafts" / sub).rmdir()
    (w.mail / ".Drafts").rmdir()
    w.setup()
    w.sync(AFTER, monkeypatch)
    assert (w.mail / ".Drafts" / "maildirfolder").exists() and len(w.draft_files()) == 5


def test_a_crash_between_storing_and_placing_leaves_one_copy(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    from syncd import config as config_mod
    from syncd import place
    from syncd import sync as sync_mod

    placing = place.place_pending

    def crash(*args: object, **kwargs: object) -> int:
        raise RuntimeError("the process dies after the rows are stored")

    monkeypatch.setattr(place, "place_pending", crash)
    config = config_mod.load(str(world.home))
    store.open_db(config.database_url)
    with pytest.raises(RuntimeError):
        sync_mod.sync(config, now=AFTER)
    monkeypatch.setattr(place, "place_pending", placing)
    rows = list(store.Draft.select().order_by(store.Draft.id))
    assert len(rows) == 5 and {r.status for r in rows} == {"pending"} and world.draft_files() == []
    # It dies again, after one provider copy was written but before its row said so.
    target = place.Targets(config).choose(rows[0])
    assert target is not None
    target[1].save_draft(place.outgoing(rows[0], place._sender(target[0], config)))
    assert len(world.draft_files()) == 1
    store.close_db()
    world.sync(AFTER + dt.timedelta(minutes=5), monkeypatch)
    placed = world.drafts()
    assert {r["status"] for r in placed} == {"placed"}
    assert len(world.draft_files()) == len(placed) == 5


def test_mbox_account_cannot_hold_drafts_so_they_go_to_the_outbox(
    tmp_path: Path, home: Path, cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests import mailfactory as mf

    mbox = tmp_path / "mail.mbox"
    raw = mf.message(RAJ, ME, "Template?", "Hi Alex,\n\nCould you send me the partner agreement template?\n\nRaj",
                     date=day(2024, 3, 9, 10), message_id="<r1@partner>")
    mbox.write_bytes(b"From raj@partner.example Sat Mar  9 10:00:00 2024\n" + raw.replace(b"\r\n", b"\n") + b"\n")
    run(cli, "account", "add", "maildir", "mail", "--path", str(mbox), "--address", ME)
    monkeypatch.setenv("SYNCD_NOW", AFTER.isoformat())
    run(cli, "sync")
    store.close_db()
    [row] = __import__("json").loads(run(cli, "drafts", "list", "--json").output)
    assert row["status"] == "placed" and row["placed_in"] == "outbox"
    [file] = list((home / "outbox" / "drafts").iterdir())
    msg = message_from_bytes(file.read_bytes(), policy=default_policy)
    assert msg["To"] == "Raj Patel <raj@partner.example>" and msg["In-Reply-To"] == "<r1@partner>"
    assert file.stat().st_mode & 0o777 == 0o600  # a draft may carry what Raj told the user: theirs alone
    file.unlink()
    store.close_db()
    run(cli, "sync")
    store.close_db()
    [row] = __import__("json").loads(run(cli, "drafts", "list", "--json").output)
    assert row["status"] == "gone" and not list((home / "outbox" / "drafts").iterdir())


# -- the CLI -----------------------------------------------------------------------------


def test_drafts_list_json_has_the_contract_fields(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    world.sync(AFTER, monkeypatch)
    rows = world.drafts()
    assert rows
    for row in rows:
        assert set(row) >= {"id", "kind", "to", "subject", "body", "status", "occasion", "created"}
        assert isinstance(row["id"], int) and isinstance(row["to"], list) and all("@" in a for a in row["to"])
        assert row["kind"] in ("followup", "birthday", "anniversary", "nudge", "reply", "promise")
        dt.datetime.fromisoformat(str(row["created"]))
    assert world.drafts("--status", "discarded") == []
    assert len(world.drafts("--status", "placed")) == len(rows)
    text = run(world.cli, "drafts", "list").output
    assert "why:" in text and "Re: Template?" in text
    store.close_db()


def test_show_edit_and_discard(world: World, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    world.sync(AFTER, monkeypatch)
    reply = next(r for r in world.drafts() if r["kind"] == "reply")
    shown = run(world.cli, "drafts", "show", str(reply["id"])).output
    assert "Subject: Re: Template?" in shown and "Why:" in shown and "Hi Raj," in shown
    store.close_db()
    editor = tmp_path / "editor.sh"  # what a user does in $EDITOR: change a line, save
    editor.write_text("#!/bin/sh\nsed -i 's/^Hi Raj,$/Dear Raj,/; s/^Subject: .*/Subject: The template/' \"$1\"\n")
    editor.chmod(editor.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("EDITOR", str(editor))
    monkeypatch.setenv("VISUAL", str(editor))
    before = {p.name for p in world.draft_files()}
    run(world.cli, "drafts", "edit", str(reply["id"]))
    store.close_db()
    edited = next(r for r in world.drafts() if r["id"] == reply["id"])
    assert edited["status"] == "placed" and edited["body"].startswith("Dear Raj,") and edited["subject"] == "The template"
    after = {p.name for p in world.draft_files()}
    assert len(after) == len(before) and after != before  # the provider's copy was replaced, not added to
    copy = mailbox.Maildir(world.mail, factory=None, create=False).get_folder("Drafts")
    [msg] = [m for m in copy if m["Subject"] == "The template"]
    assert "Dear Raj," in msg.get_payload(decode=True).decode() and msg["In-Reply-To"] == "<r1@partner>"
    run(world.cli, "drafts", "discard", str(reply["id"]))
    store.close_db()
    assert len(world.draft_files()) == len(before) - 1
    assert next(r for r in world.drafts() if r["id"] == reply["id"])["status"] == "discarded"
    world.sync(AFTER + dt.timedelta(hours=1), monkeypatch)  # discarded is never written again
    assert len(world.draft_files()) == len(before) - 1
    assert sum(1 for r in world.drafts() if r["kind"] == "reply") == 1


def test_unknown_draft_id_is_a_clear_error(world: World) -> None:
    result = run(world.cli, "drafts", "show", "999", code=2)
    assert "no draft with id 999" in result.output
    assert os.environ.get("SYNCD_HOME")


def test_a_read_only_maildir_is_left_untouched_and_the_outbox_holds_the_drafts(
    tmp_path: Path, home: Path, cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = World(tmp_path / "w", home, cli)
    build_scenario(w)
    for sub in ("cur", "new", "tmp"):
        (w.mail / ".Drafts" / sub).rmdir()
    (w.mail / ".Drafts").rmdir()
    w.setup()
    w.mail.chmod(0o555)  # an archive kept read-only on purpose (the project's own test corpus is one)
    try:
        w.sync(AFTER, monkeypatch)
        assert not (w.mail / ".Drafts").exists()
    finally:
        w.mail.chmod(0o755)
    rows = w.drafts()
    assert len(rows) == 5 and {r["placed_in"] for r in rows} == {"outbox"}
    assert len(list((home / "outbox" / "drafts").glob("*.eml"))) == 5


def test_a_question_settled_by_a_meeting_needs_no_reply_but_a_request_does(
    tmp_path: Path, home: Path, cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = World(tmp_path / "w", home, cli)
    kevin = "Kevin O'Brien <kevin@harbor.example>"
    w.received(kevin, "Lunch?", "Hi Alex,\n\nStill on for lunch Tuesday at noon?\n\nKevin", day(2024, 3, 4), "<k1@harbor>")
    w.received(kevin, "Deck?", "Hi Alex,\n\nCould you send me the portfolio deck?\n\nKevin", day(2024, 3, 4, 11), "<k2@harbor>")
    w.meeting(Meeting("lunch@me.example", "Lunch: Kevin O'Brien", day(2024, 3, 5, 12), 60, (kevin,)))
    w.setup()
    w.sync(day(2024, 3, 9, 9), monkeypatch)  # the lunch was four days ago: too late for a follow-up
    assert [r["occasion"] for r in w.drafts() if r["kind"] == "reply"] == ["reply:<k2@harbor>"]


def test_anniversary_the_day_before_with_its_number(tmp_path: Path, home: Path, cli: CliRunner,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    w = World(tmp_path / "w", home, cli)
    miguel = "Miguel Santos <miguel@tidewater.example>"
    w.received(miguel, "News", "Hi Alex,\n\nOur 10th wedding anniversary is June 3, so I'm off that week.\n\nMiguel",
               day(2024, 5, 2), "<m1@tw>")
    w.sent(miguel, "Re: News", "Hi Miguel,\n\nNoted, thanks.\n\nAlex", day(2024, 5, 3), "<a1@me>", in_reply_to="<m1@tw>")
    w.setup()
    w.sync(day(2024, 6, 1, 9), monkeypatch)
    assert w.drafts() == []
    w.sync(day(2024, 6, 2, 9), monkeypatch)
    [row] = w.drafts()
    assert row["occasion"] == "anniversary:miguel@tidewater.example:2024" and row["to"] == ["miguel@tidewater.example"]
    assert "10th anniversary" in row["body"] and row["body"].startswith("Hi Miguel,")
    w.sync(day(2024, 6, 3, 9), monkeypatch)  # the day itself: no second greeting
    assert len(w.drafts()) == 1
