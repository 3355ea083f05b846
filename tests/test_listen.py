"""The listening step through the store and the CLI: facts and loops are stored with
their source, resolved per person, closed by later mail, and user feedback sticks."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from syncd import store
from tests import mailfactory as mf
from tests.conftest import run

ME = "alex@me.example"
DANA = "Dana Whitfield <dana@acme.example>"
UTC = dt.UTC


def day(n: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(2024, 3, 1, hour, tzinfo=UTC) + dt.timedelta(days=n)


@pytest.fixture
def mailbox(tmp_path: Path) -> Path:
    root = mf.maildir(tmp_path / "Mail", "Sent")
    mf.deliver(root, mf.message(DANA, ME, "Kickoff", "Great meeting you. I live in Boston with my wife Sarah.\n\nDana",
                                date=day(0), message_id="<d1@acme>"), key="d1")
    mf.deliver(root, mf.message(DANA, ME, "News", "Big news: we just moved to Denver! Also I'm a die-hard Red Sox fan.\n\nDana",
                                date=day(30), message_id="<d2@acme>"), key="d2")
    mf.deliver(root, mf.message(ME, DANA, "Re: News", "Congrats on the move! I'll send you the pricing deck by Friday.\n\nAlex",
                                date=day(31), message_id="<a1@me>", in_reply_to="<d2@acme>"), folder="Sent", key="a1")
    mf.deliver(root, mf.message("Raj Patel <raj@partner.example>", ME, "Question",
                                "Could you send me the partner agreement template?\n\nRaj", date=day(32), message_id="<r1@p>"), key="r1")
    mf.deliver(root, mf.message("Bank <news@bank.example>", ME, "Happy birthday!",
                                "Happy birthday from your bank! My birthday wishes to you. Unsubscribe here.",
                                date=day(33), message_id="<b1@bank>", headers={"List-Unsubscribe": "<mailto:u@bank.example>"}), key="b1")
    return root


@pytest.fixture
def synced(cli: CliRunner, home: Path, mailbox: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SYNCD_NOW", day(40).isoformat())
    run(cli, "account", "add", "maildir", "mail", "--path", str(mailbox), "--address", ME)
    run(cli, "sync")
    return mailbox


def facts_json(cli: CliRunner, *args: str) -> list[dict]:  # type: ignore[type-arg]
    return json.loads(run(cli, "facts", "--json", "--explain", *args).output)


def test_facts_json_is_exactly_the_documented_shape(cli: CliRunner, synced: Path) -> None:
    rows = json.loads(run(cli, "facts", "--json").output)
    assert rows and all(
        set(r) == {"id", "person", "kind", "value", "date", "confidence", "source", "stated_at", "sensitive"} for r in rows
    )
    denver = next(r for r in rows if r["value"] == "Denver")
    assert denver["person"] == "dana@acme.example" and isinstance(denver["id"], int)
    assert all(set(r) >= {"state"} for r in json.loads(run(cli, "facts", "--json", "--all").output))


def test_facts_are_stored_with_their_source_and_resolved(cli: CliRunner, synced: Path) -> None:
    rows = facts_json(cli, "--person", "dana@acme.example")
    found = {(f["kind"], f["value"]) for f in rows if not f["projected"]}
    assert ("location", "Denver") in found
    assert ("sports", "Boston Red Sox") in found
    assert any(k == "family" and "Sarah" in v for k, v in found)
    assert ("location", "Boston") not in found  # superseded by the move
    denver = next(f for f in rows if f["value"] == "Denver")
    assert denver["source"] == "<d2@acme>" and denver["stated_at"] == "2024-03-31"
    assert set(denver) >= {"id", "person", "kind", "value", "date", "confidence", "source", "stated_at", "sensitive"}
    history = facts_json(cli, "--person", "dana@acme.example", "--all")
    boston = next(f for f in history if f["value"] == "Boston")
    assert boston["state"] == "superseded" and boston["source"] == "<d1@acme>"


def test_nothing_is_learned_from_automated_mail(cli: CliRunner, synced: Path) -> None:
    assert not any(f["source"] == "<b1@bank>" for f in facts_json(cli, "--all"))
    assert store.Fact.select().join(store.Message).where(store.Message.automated == True).count() == 0


def test_feedback_sticks_across_reinfer(cli: CliRunner, synced: Path) -> None:
    sox = next(f for f in facts_json(cli) if f["kind"] == "sports")
    run(cli, "facts", "dismiss", str(sox["id"]))
    assert not any(f["kind"] == "sports" for f in facts_json(cli))
    denver = next(f for f in facts_json(cli) if f["value"] == "Denver")
    run(cli, "facts", "confirm", str(denver["id"]))
    loop = json.loads(run(cli, "loops", "--json").output)
    promise = next(lp for lp in loop if lp["kind"] == "promise")
    run(cli, "loops", "done", str(promise["id"]))
    out = run(cli, "reinfer").output
    assert "listened again to 5 messages" in out
    after = facts_json(cli)
    assert not any(f["kind"] == "sports" for f in after)
    assert next(f for f in after if f["value"] == "Denver")["confidence"] == 1.0
    assert any(f["kind"] == "sports" and f["state"] == "dismissed" for f in facts_json(cli, "--all"))
    assert not any(lp["kind"] == "promise" for lp in json.loads(run(cli, "loops", "--json").output))


def test_loops_open_then_close_when_delivered(cli: CliRunner, synced: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = json.loads(run(cli, "loops", "--json").output)
    promise = next(lp for lp in rows if lp["direction"] == "mine" and lp["kind"] == "promise")
    assert promise["person"] == "dana@acme.example" and "pricing deck" in promise["text"]
    assert promise["due"] == "2024-04-05"  # "by Friday" from Sunday 2024-03-31
    question = next(lp for lp in rows if lp["kind"] == "question")
    assert question["person"] == "raj@partner.example" and question["status"] == "open"
    mf.deliver(synced, mf.message(ME, DANA, "Re: News", "Here is the pricing deck, as promised.\n\nAlex", date=day(41),
                                  message_id="<a2@me>", in_reply_to="<d2@acme>"), folder="Sent", key="a2")
    os.utime(synced / ".Sent" / "cur", ns=(0, 1_000_000_000))
    monkeypatch.setenv("SYNCD_NOW", day(42).isoformat())
    run(cli, "sync")
    rows = json.loads(run(cli, "loops", "--json").output)
    assert not any(lp["kind"] == "promise" and lp["direction"] == "mine" for lp in rows)
    closed = json.loads(run(cli, "loops", "--json", "--all").output)
    assert next(lp for lp in closed if lp["id"] == promise["id"])["closed_by"] == "<a2@me>"


def test_a_deleted_message_takes_its_facts_and_loops(cli: CliRunner, synced: Path) -> None:
    next((synced / "cur").glob("d2:*")).unlink()
    os.utime(synced / "cur", ns=(0, 1_000_000_000))
    run(cli, "sync")
    assert not any(f["source"] == "<d2@acme>" for f in facts_json(cli, "--all"))
    # with the move gone, Boston is Dana's current location again
    assert any(f["value"] == "Boston" and f["state"] == "active" for f in facts_json(cli, "--person", "dana@acme.example"))


def test_sync_twice_learns_nothing_twice(cli: CliRunner, synced: Path) -> None:
    before = store.Fact.select().count(), store.OpenLoop.select().count()
    run(cli, "sync")
    assert (store.Fact.select().count(), store.OpenLoop.select().count()) == before


def test_cold_ranking_explains_itself(cli: CliRunner, home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = mf.maildir(tmp_path / "M2", "Sent")
    for week in range(8):  # a weekly correspondent who stopped 5 weeks ago
        mf.deliver(root, mf.message("Wes <wes@weekly.example>", ME, f"week {week}", "Quick update on the project.",
                                    date=day(7 * week)), key=f"w{week}")
        mf.deliver(root, mf.message(ME, "Wes <wes@weekly.example>", f"Re: week {week}", "Thanks, noted.",
                                    date=day(7 * week, 15)), folder="Sent", key=f"x{week}")
    monkeypatch.setenv("SYNCD_NOW", day(7 * 7 + 35).isoformat())
    run(cli, "account", "add", "maildir", "m2", "--path", str(root), "--address", ME)
    run(cli, "sync")
    ranked = json.loads(run(cli, "people", "--cold", "--json").output)
    assert ranked[0]["email"] == "wes@weekly.example"
    assert ranked[0]["rhythm_days"] == pytest.approx(7, abs=0.5)
    assert "usually every" in ranked[0]["reason"] and ranked[0]["last_subject"].startswith("Re: week 7")


def test_a_promise_synced_after_its_delivery_is_closed(cli: CliRunner, home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An old message read late (a Sent folder added afterwards) still meets the mail that came after it."""
    root = mf.maildir(tmp_path / "Late", "Sent")
    mf.deliver(root, mf.message(ME, DANA, "Re: News", "Here is the pricing deck, as promised.\n\nAlex", date=day(41),
                                message_id="<a2@me>", in_reply_to="<d2@acme>"), folder="Sent", key="a2")
    monkeypatch.setenv("SYNCD_NOW", day(42).isoformat())
    run(cli, "account", "add", "maildir", "mail", "--path", str(root), "--address", ME)
    run(cli, "sync")
    mf.deliver(root, mf.message(ME, DANA, "Re: News", "Congrats! I'll send you the pricing deck by Friday.\n\nAlex",
                                date=day(31), message_id="<a1@me>", in_reply_to="<d2@acme>"), folder="Sent", key="a1")
    os.utime(root / ".Sent" / "cur", ns=(0, 1_000_000_000))
    run(cli, "sync")
    rows = json.loads(run(cli, "loops", "--json", "--all").output)
    promise = next(lp for lp in rows if lp["direction"] == "mine" and lp["kind"] == "promise")
    assert promise["closed_by"] == "<a2@me>"


def test_closing_loops_reads_the_new_mail_not_the_whole_history(
    cli: CliRunner, home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An open question amid months of busy correspondence: one new message from that person is
    checked against the open loops, without reading the person's history again."""
    from syncd import listen

    root = mf.maildir(tmp_path / "Busy", "Sent")
    mf.deliver(root, mf.message(DANA, ME, "Budget", "Could you send me the budget sheet?\n\nDana",
                                date=day(100), message_id="<q@acme>"), key="q")
    for n in range(1, 120):
        mf.deliver(root, mf.message(DANA, ME, f"Note {n}", f"Weekly note number {n}.\n\nDana",
                                    date=day(n), message_id=f"<n{n}@acme>"), key=f"n{n}")
    monkeypatch.setenv("SYNCD_NOW", day(130).isoformat())
    run(cli, "account", "add", "maildir", "mail", "--path", str(root), "--address", ME)
    run(cli, "sync")
    read: list[int] = []
    real_views = listen.views
    monkeypatch.setattr(listen, "views", lambda ids, me, **kw: (read.extend(ids), real_views(ids, me, **kw))[1])
    mf.deliver(root, mf.message(ME, DANA, "Re: Budget", "Here is the budget sheet, attached.\n\nAlex", date=day(131),
                                message_id="<r@me>", in_reply_to="<q@acme>"), folder="Sent", key="r")
    os.utime(root / ".Sent" / "cur", ns=(0, 1_000_000_000))
    monkeypatch.setenv("SYNCD_NOW", day(132).isoformat())
    run(cli, "sync")
    assert read == [max(read)]  # the new message only (heard from its record, then settled)
    rows = json.loads(run(cli, "loops", "--json", "--all").output)
    assert next(lp for lp in rows if lp["kind"] == "question" and lp["direction"] == "mine")["closed_by"] == "<r@me>"


def test_inference_in_worker_processes_stores_exactly_the_same(tmp_path: Path) -> None:
    """Many messages are inferred in worker processes, batches stored in order: the store is the one
    a single process makes (facts and their states, loops and what closed them, word counts)."""
    from syncd.config import AccountConfig, Config, paths
    from syncd.listen import reinfer
    from syncd.sync import sync
    from tests import bigmaildir

    root = bigmaildir.make(tmp_path / "Big", 1200)
    for n in range(40):  # questions and promises answered weeks later, across batches
        them = f"person{n}@corp{n % 7}.example"
        asked = dt.datetime(2024, 1, 2, tzinfo=UTC) + dt.timedelta(days=n)
        mf.deliver(root, mf.message(them, bigmaildir.ME, f"Budget {n}", "Could you send me the budget sheet?",
                                    date=asked, message_id=f"<q{n}@x>"), key=f"q{n}")
        mf.deliver(root, mf.message(bigmaildir.ME, them, f"Re: Budget {n}", "Here is the budget sheet, attached.",
                                    date=asked + dt.timedelta(days=30), message_id=f"<a{n}@x>", in_reply_to=f"<q{n}@x>"),
                   folder="Sent", key=f"a{n}")
    account = AccountConfig("big", "maildir", {"path": str(root), "addresses": [bigmaildir.ME]})
    config = Config(paths(tmp_path / "home"), (account,), {"database_url": f"sqlite:///{tmp_path / 'big.db'}"})
    store.open_db(config.database_url)
    sync(config, now=dt.datetime(2024, 9, 1, tzinfo=UTC))  # 1,280 messages: one process

    def knowledge() -> tuple[list, list, list]:  # type: ignore[type-arg]
        facts = sorted(store.Fact.select(store.Fact.natural, store.Fact.state, store.Fact.date).tuples())
        loops = sorted(store.OpenLoop.select(store.OpenLoop.natural, store.OpenLoop.closed_by, store.OpenLoop.due).tuples())
        counts = sorted(store.Message.select(store.Message.message_id, store.Message.words, store.Message.questions).tuples())
        return facts, loops, counts

    alone = knowledge()
    assert len(alone[0]) > 20 and sum(1 for _, closed, _ in alone[1] if closed) >= 40
    heard = reinfer(config.self_addresses, workers=2)
    assert heard.workers == 2 and heard.messages == 1280
    assert knowledge() == alone


def test_new_facts_wait_unseen_until_their_people_are_resolved(home: Path, mailbox: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Facts are stored pending (no reader shows them) and each person's facts are resolved
    once, when hearing ends; facts a crash left pending are resolved by the next sync,
    even one that finds no new mail."""
    from syncd import knowledge, listen
    from syncd.config import AccountConfig, Config, paths
    from syncd.sync import sync

    account = AccountConfig("mail", "maildir", {"path": str(mailbox), "addresses": [ME]})
    config = Config(paths(home), (account,), {"database_url": f"sqlite:///{home / 'pending.db'}"})
    store.open_db(config.database_url)
    F = store.Fact
    with monkeypatch.context() as patch:
        patch.setattr(listen, "resolve_pending", lambda: 0)  # killed before resolving
        sync(config, now=day(40))
    assert F.select().count() > 3 and not F.select().where(F.state != store.FACT_PENDING).exists()
    assert knowledge.facts() == []  # pending: shown to nobody

    resolved: list[list[int]] = []
    real = listen.resolve_facts
    monkeypatch.setattr(listen, "resolve_facts", lambda people: (resolved.append(sorted(people)), real(people))[1])
    sync(config, now=day(41))  # nothing new to read: the pending facts bring the listening step
    assert len(resolved) == 1 and len(resolved[0]) == len(set(resolved[0])) >= 1  # each person once, one pass
    states = dict(F.select(F.value, F.state).tuples())
    assert states["Boston"] == "superseded" and states["Denver"] == "active"
    assert "Denver" in {f["value"] for f in knowledge.facts()}
    store.close_db()
