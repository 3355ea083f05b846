"""Ingest through the Maildir connector: idempotent, incremental, deletions cascade,
bad input quarantined. Every test runs on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from syncd import store
from syncd.config import AccountConfig, Config, paths
from syncd.sync import sync
from tests import mailfactory as mf
from tests.snapshot import snapshot

ME = "me@example.com"
DANA = "Dana Whitfield <dana@acme.example>"
UTC = dt.UTC
NOW = dt.datetime(2024, 6, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def mailbox(tmp_path: Path) -> Path:
    root = mf.maildir(tmp_path / "Mail", "Sent", "Drafts", "Trash")
    mf.deliver(root, mf.message(DANA, ME, "Pricing", "Could you send the deck?", message_id="<a1@acme>"), key="k1")
    mf.deliver(
        root, mf.message(ME, DANA, "Re: Pricing", "Here it is.", message_id="<a2@me>", in_reply_to="<a1@acme>"),
        folder="Sent", key="k2",
    )
    mf.deliver(
        root, mf.message("News <news@shop.example>", ME, "Deals!", "Buy now",
                         headers={"List-Unsubscribe": "<mailto:unsub@shop.example>"}),
        key="k3",
    )
    mf.deliver(root, mf.message("Raj <raj@partner.example>", [ME, "dana@acme.example"], "Intro", "Meet Dana"), flags="", key="k4")
    mf.deliver(root, mf.message(ME, "zoe@else.example", "draft", "unsent"), folder="Drafts", key="k5")
    return root


def config_for(home: Path, database_url: str, mailbox: Path) -> Config:
    return Config(
        paths=paths(home),
        accounts=(AccountConfig("mail", "maildir", {"path": str(mailbox), "addresses": [ME]}),),
        settings={"database_url": database_url},
    )


def open_and_sync(config: Config, now: dt.datetime = NOW):  # type: ignore[no-untyped-def]
    store.open_db(config.database_url)
    return sync(config, now=now)


def test_first_sync_builds_messages_people_and_touchpoints(database_url: str, home: Path, mailbox: Path) -> None:
    config = config_for(home, database_url, mailbox)
    [result] = open_and_sync(config)
    assert result.error == ""
    assert result.mail.added == 4  # Drafts is not read
    outgoing = store.Message.get(store.Message.message_id == "<a2@me>")
    assert outgoing.outgoing and not outgoing.automated
    assert outgoing.thread == "<a1@acme>"
    newsletter = store.Message.get(store.Message.subject == "Deals!")
    assert newsletter.automated
    dana = store.Person.get(store.Person.primary_email == "dana@acme.example")
    assert dana.name == "Dana Whitfield"
    kinds = sorted(t.kind for t in dana.touchpoints)
    assert kinds == ["received", "sent"]
    news = store.Person.get(store.Person.primary_email == "news@shop.example")
    assert news.automated and news.touchpoints.count() == 0
    me = store.Person.get(store.Person.primary_email == ME)
    assert me.is_self and me.touchpoints.count() == 0
    # Raj wrote to the user and Dana: a touchpoint with Raj, not with Dana.
    raj = store.Person.get(store.Person.primary_email == "raj@partner.example")
    assert [t.kind for t in raj.touchpoints] == ["received"]
    assert not store.Message.select().where(store.Message.subject == "draft").exists()


def test_sync_twice_changes_nothing(database_url: str, home: Path, mailbox: Path) -> None:
    config = config_for(home, database_url, mailbox)
    open_and_sync(config)
    first = snapshot()
    state = store.SyncState.get(store.SyncState.stream == "mail").cursor
    # Forget the cursor too: a full relisting must also change nothing.
    store.SyncState.update(cursor=None).execute()
    [again] = sync(config, now=NOW)
    assert (again.mail.added, again.mail.updated, again.mail.deleted) == (0, 0, 0)
    assert snapshot() == first
    assert store.SyncState.get(store.SyncState.stream == "mail").cursor == state


def test_incremental_add_flag_change_and_delete(database_url: str, home: Path, mailbox: Path) -> None:
    config = config_for(home, database_url, mailbox)
    open_and_sync(config)
    before = snapshot()
    new = mf.deliver(mailbox, mf.message("Raj <raj@partner.example>", ME, "Lunch?", "Lunch Friday?", message_id="<n1@p>"), key="k9")
    # flag change: k4 moves from new/ to cur/ and is marked seen and replied
    (mailbox / "new" / "k4").rename(mailbox / "cur" / "k4:2,RS")
    # delete Dana's first message
    deleted = next((mailbox / "cur").glob("k1:*"))
    deleted.unlink()
    for sub in ("new", "cur"):  # make sure the directory change is not within the same mtime tick
        os.utime(mailbox / sub, ns=(0, 1_000_000_000))
    [result] = sync(config, now=NOW)
    assert (result.mail.added, result.mail.updated, result.mail.deleted) == (1, 1, 1)
    after = snapshot()
    assert len(after["messages"]) == len(before["messages"])  # one in, one out
    assert ("mail", "INBOX/k4", "replied,seen", "INBOX", before["locations"][2][4]) in after["locations"] or any(
        loc[1] == "INBOX/k4" and loc[2] == "replied,seen" for loc in after["locations"]
    )
    assert not store.Message.select().where(store.Message.message_id == "<a1@acme>").exists()
    # what was derived from the deleted message went with it
    assert not any(t[3] == "<a1@acme>" for t in after["touchpoints"])
    assert any(t[3] == "<n1@p>" for t in after["touchpoints"])
    assert new.exists()


def test_a_changed_folder_reads_only_its_own_part_of_the_store(
    database_url: str, home: Path, mailbox: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """New mail in INBOX: the diff reads what the store holds for INBOX, not the whole mailbox."""
    from syncd.known import KnownMail

    config = config_for(home, database_url, mailbox)
    for sub in ("new", "cur"):
        for folder in (mailbox, mailbox / ".Sent"):
            os.utime(folder / sub, ns=(0, 1_000_000_000))
    open_and_sync(config)
    asked: list[str] = []
    real_under = KnownMail.under
    monkeypatch.setattr(KnownMail, "under", lambda self, folder: (asked.append(folder), real_under(self, folder))[1])

    def everything(self: KnownMail) -> dict[str, str]:
        raise AssertionError("the whole mailbox was loaded")

    monkeypatch.setattr(KnownMail, "_everything", everything)
    mf.deliver(mailbox, mf.message("Raj <raj@partner.example>", ME, "Lunch?", "Lunch Friday?", message_id="<n2@p>"), key="k10")
    os.utime(mailbox / "new", ns=(0, 2_000_000_000))
    [result] = sync(config, now=NOW)
    assert result.error == "" and result.mail.added == 1
    assert "INBOX" in asked and "Sent" not in asked


def test_unchanged_folders_are_not_listed_again(home: Path, mailbox: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = config_for(home, f"sqlite:///{tmp_path / 's.db'}", mailbox)
    for sub in ("new", "cur"):
        for folder in (mailbox, mailbox / ".Sent"):
            os.utime(folder / sub, ns=(0, 1_000_000_000))
    open_and_sync(config)
    from connectors import maildir

    listed: list[Path] = []
    real = maildir.MaildirConnector._list

    def spy(folder_dir: Path):  # type: ignore[no-untyped-def]
        listed.append(folder_dir)
        return real(folder_dir)

    monkeypatch.setattr(maildir.MaildirConnector, "_list", staticmethod(spy))
    sync(config, now=NOW)
    assert listed == []


def test_bad_message_is_quarantined_and_neighbours_survive(database_url: str, home: Path, mailbox: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (mailbox / "cur" / "bad1:2,S").write_bytes(b"")  # an empty file is not a message
    config = config_for(home, database_url, mailbox)
    [result] = open_and_sync(config)
    assert result.error == ""
    assert result.mail.added == 4
    assert result.mail.quarantined == 1
    row = store.Quarantine.get()
    assert row.provider_id == "INBOX/bad1" and row.source.endswith("bad1:2,S") and row.error
    # fixed later: it leaves quarantine and comes in
    (mailbox / "cur" / "bad1:2,S").write_bytes(mf.message(DANA, ME, "fixed", "ok", message_id="<fixed@x>"))
    store.SyncState.update(cursor=None).execute()
    [again] = sync(config, now=NOW)
    assert again.mail.added == 1
    assert store.Quarantine.select().count() == 0


def test_parser_crash_is_quarantined_not_fatal(home: Path, mailbox: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from connectors import maildir

    real = maildir.parse_message

    def flaky(raw: bytes, **kw):  # type: ignore[no-untyped-def]
        if b"Meet Dana" in raw:
            raise RuntimeError("boom")
        return real(raw, **kw)

    monkeypatch.setattr(maildir, "parse_message", flaky)
    config = config_for(home, f"sqlite:///{tmp_path / 's.db'}", mailbox)
    [result] = open_and_sync(config)
    assert result.mail.added == 3 and result.mail.quarantined == 1
    assert "RuntimeError" in store.Quarantine.get().error


def test_missing_maildir_fails_that_account_only(home: Path, mailbox: Path, tmp_path: Path) -> None:
    config = Config(
        paths=paths(home),
        accounts=(
            AccountConfig("gone", "maildir", {"path": str(tmp_path / "nope"), "addresses": [ME]}),
            AccountConfig("mail", "maildir", {"path": str(mailbox), "addresses": [ME]}),
        ),
        settings={"database_url": f"sqlite:///{tmp_path / 's.db'}"},
    )
    gone, good = open_and_sync(config)
    assert "does not exist" in gone.error
    assert good.error == "" and good.mail.added == 4
    assert store.Account.get(store.Account.name == "gone").last_error


def test_mbox_file_and_appends(database_url: str, home: Path, tmp_path: Path) -> None:
    mbox = tmp_path / "archive.mbox"
    first = mf.message(DANA, ME, "one", "From the start of a line\nhello", message_id="<m1@x>")
    second = mf.message(DANA, ME, "two", "second", message_id="<m2@x>")
    escaped = first.replace(b"\nFrom the start", b"\n>From the start")
    mbox.write_bytes(b"From dana@acme.example Mon May  6 09:30:00 2024\n" + escaped + b"\n")
    config = Config(
        paths=paths(home),
        accounts=(AccountConfig("box", "maildir", {"path": str(mbox), "addresses": [ME]}),),
        settings={"database_url": database_url},
    )
    [result] = open_and_sync(config)
    assert result.mail.added == 1
    body = store.Message.get(store.Message.message_id == "<m1@x>").body
    assert "From the start of a line" in body and ">From" not in body
    with mbox.open("ab") as handle:
        handle.write(b"From dana@acme.example Tue May  7 09:30:00 2024\n" + second + b"\n")
    [result] = sync(config, now=NOW)
    assert (result.mail.added, result.mail.deleted) == (1, 0)
    # rewrite without the first message: it is deleted
    mbox.write_bytes(b"From dana@acme.example Tue May  7 09:30:00 2024\n" + second + b"\n")
    [result] = sync(config, now=NOW)
    assert (result.mail.added, result.mail.deleted) == (0, 1)
    assert [m.message_id for m in store.Message.select()] == ["<m2@x>"]


def test_merge_people(home: Path, mailbox: Path, tmp_path: Path) -> None:
    from syncd import identity

    mf.deliver(mailbox, mf.message("Dana W <dana.w@gmail.example>", ME, "personal", "hi", message_id="<g1@x>"), key="k7")
    config = config_for(home, f"sqlite:///{tmp_path / 's.db'}", mailbox)
    open_and_sync(config)
    person = identity.merge("dana@acme.example", "dana.w@gmail.example")
    assert sorted(a.email for a in person.addresses) == ["dana.w@gmail.example", "dana@acme.example"]
    assert person.touchpoints.count() == 3
    assert store.Person.get_or_none(store.Person.primary_email == "dana.w@gmail.example") is None
    # merges stick across later syncs
    mf.deliver(mailbox, mf.message("Dana W <dana.w@gmail.example>", ME, "again", "hi", message_id="<g2@x>"), key="k8")
    os.utime(mailbox / "cur", ns=(0, 1_000_000_000))
    sync(config, now=NOW)
    assert store.Person.get_by_id(person.id).touchpoints.count() == 4


def test_fixed_recurring_event_leaves_quarantine(home: Path, tmp_path: Path) -> None:
    cal = tmp_path / "cal.ics"
    head = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:weekly@t\r\nDTSTAMP:20240101T000000Z\r\n"
    tail = "DTEND:20240506T100000Z\r\nRRULE:FREQ=WEEKLY;COUNT=3\r\nSUMMARY:1:1\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    cal.write_text(head + "DTSTART;TZID=Nowhere/Nope:20240506T090000\r\n" + tail)
    config = Config(
        paths=paths(home), accounts=(AccountConfig("cal", "ics", {"path": str(cal)}),),
        settings={"database_url": f"sqlite:///{tmp_path / 's.db'}"},
    )
    [result] = open_and_sync(config)
    assert result.calendar.quarantined == 1
    assert store.Quarantine.get().provider_id == "weekly@t"
    cal.write_text(head + "DTSTART:20240506T090000Z\r\n" + tail)
    os.utime(cal, ns=(0, 2_000_000_000))
    [result] = sync(config, now=NOW)
    assert result.calendar.added == 3
    assert store.Quarantine.select().count() == 0


def test_bulk_rows_are_stored_as_peewee_stores_them(database_url: str, tmp_path: Path) -> None:
    """bulk.insert_rows passes plain columns as they are and converts the rest (dates, ints
    given for flags, model instances) through the field, as peewee does, on both databases."""
    from syncd import bulk

    store.open_db(database_url)
    try:
        A, P, T = store.Address, store.Person, store.Touchpoint
        person = P.create(name="Dana", primary_email="dana@acme.example", is_self=False, automated=False, created=NOW)
        other = P.create(name="Raj", primary_email="raj@partner.example", is_self=False, automated=False, created=NOW)
        with store.db.atomic():
            bulk.insert_rows(A, [A.email, A.name, A.person, A.automated],
                             [("dana@acme.example", "Dana", person.id, 1), ("dana@home.example", "D", other, False)])
            later = NOW.astimezone(dt.timezone(dt.timedelta(hours=2))) + dt.timedelta(days=1)
            bulk.insert_rows(T, [T.person, T.kind, T.at, T.subject],
                             [(person.id, "received", NOW, "Pricing"), (other.id, "sent", later, "")])
        rows = sorted(A.select(A.email, A.person, A.automated).tuples())
        assert rows == [("dana@acme.example", person.id, True), ("dana@home.example", other.id, False)]
        raw = sorted(r[0] for r in store.db.execute_sql('SELECT "at" FROM "touchpoint"').fetchall())
        assert raw == ["2024-06-01T12:00:00+00:00", "2024-06-02T12:00:00+00:00"]  # UTC text, as the field writes it
        with store.db.atomic():
            bulk.update_rows(A, [A.automated, A.bounced_at], [(0, NOW, a) for (a,) in A.select(A.id).tuples()])
        assert {(r.automated, r.bounced_at) for r in A.select()} == {(False, NOW)}
    finally:
        store.close_db()


def test_bulk_db_values_converts_only_columns_that_need_it() -> None:
    from syncd import bulk

    A = store.Address
    converted = bulk.db_values([A.email, A.automated, A.bounced_at, None], [("a@x", True, NOW, 7), ("b@x", 0, None, 8)])
    assert converted == [("a@x", True, "2024-06-01T12:00:00+00:00", 7), ("b@x", False, None, 8)]
    assert bulk.db_values([A.email], []) == []
