"""The store opens with a schema version, migrates forward only, and cascades deletions."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from syncd import store
from syncd.errors import ConfigError
from syncd.infer import gists


def test_new_database_is_at_the_current_schema_version(database_url: str) -> None:
    database = store.open_db(database_url)
    assert store.current_version(database) == store.SCHEMA_VERSION >= 1
    for model in store.MODELS:
        assert database.table_exists(model._meta.table_name)
    # opening again migrates nothing
    assert store.migrate(database) == store.SCHEMA_VERSION
    assert store.SchemaVersion.select().count() == 1


def test_a_newer_database_is_refused(tmp_path: Path) -> None:
    database = store.open_db(f"sqlite:///{tmp_path / 'x.db'}")
    store.SchemaVersion.create(version=store.SCHEMA_VERSION + 1)
    with pytest.raises(ConfigError, match="newer than this syncd"):
        store.migrate(database)


def test_migrations_run_in_order_from_any_version(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    database = store.open_db(f"sqlite:///{tmp_path / 'y.db'}")
    current = store.SCHEMA_VERSION
    ran: list[int] = []
    monkeypatch.setattr(store, "MIGRATIONS", [*store.MIGRATIONS, lambda db: ran.append(current + 1), lambda db: ran.append(current + 2)])
    monkeypatch.setattr(store, "SCHEMA_VERSION", current + 2)
    assert store.migrate(database) == current
    assert ran == [current + 1, current + 2]
    assert store.current_version(database) == current + 2


def test_version_1_database_migrates_to_2_keeping_its_rows(database_url: str) -> None:
    """A database as the first release left it: no listening tables or columns."""
    database = store.open_db(database_url)
    now = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    store.Message.create(message_id="<old@x>", subject="kept", date=now)
    database.drop_tables([store.Briefing, store.Draft, store.Feedback, store.OpenLoop, store.Fact])
    database.execute_sql("DROP INDEX message_inferred")
    for column in ("words", "questions", "inferred"):
        database.execute_sql(f"ALTER TABLE message DROP COLUMN {column}")
    database.execute_sql("ALTER TABLE address DROP COLUMN bounced_at")  # version 3
    _drop_version_4(database, loops=False)  # version 2 makes open_loop as it is now
    store.SchemaVersion.delete().execute()
    store.SchemaVersion.create(version=1)
    store.close_db()

    database = store.open_db(database_url)
    assert store.current_version(database) == store.SCHEMA_VERSION
    columns = {c.name for c in database.get_columns("message")}
    assert {"words", "questions", "inferred"} <= columns
    old = store.Message.get(store.Message.message_id == "<old@x>")
    assert (old.subject, old.inferred, old.words) == ("kept", False, 0)
    for table in ("fact", "open_loop", "feedback", "draft", "briefing"):
        assert database.table_exists(table)


def test_version_2_database_migrates_to_3_keeping_its_addresses(database_url: str) -> None:
    """A database as the listening release left it: addresses without ``bounced_at``."""
    database = store.open_db(database_url)
    now = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    person = store.Person.create(name="Walter", primary_email="walter@example.com", created=now)
    store.Address.create(email="walter@example.com", name="Walter", person=person, sent_human=3)
    database.execute_sql("ALTER TABLE address DROP COLUMN bounced_at")
    _drop_version_4(database)
    store.SchemaVersion.delete().execute()
    store.SchemaVersion.create(version=2)
    store.close_db()

    database = store.open_db(database_url)
    assert store.current_version(database) == store.SCHEMA_VERSION
    assert "bounced_at" in {c.name for c in database.get_columns("address")}
    kept = store.Address.get(store.Address.email == "walter@example.com")
    assert (kept.name, kept.sent_human, kept.person.name, kept.bounced_at) == ("Walter", 3, "Walter", None)
    kept.bounced_at = now
    kept.save()
    assert store.Address.get_by_id(kept.id).bounced_at == now


def _drop_version_5(database) -> None:  # type: ignore[no-untyped-def]
    database.execute_sql("DROP INDEX open_loop_closed_by_due_stated_at")


def _drop_version_4(database, loops: bool = True) -> None:  # type: ignore[no-untyped-def]
    if loops:
        _drop_version_5(database)
    database.execute_sql("DROP INDEX message_settled_date")
    for column in ("gist", "settled"):
        database.execute_sql(f"ALTER TABLE message DROP COLUMN {column}")
    if loops:
        database.execute_sql("ALTER TABLE open_loop DROP COLUMN address")


def test_version_3_database_migrates_to_4_and_reads_old_messages_from_their_body(database_url: str) -> None:
    """Messages heard before gists were kept: closing loops reads their body, as before; and they
    count as settled (the listening step of version 3 closed loops as it heard)."""
    from syncd.listen import views

    database = store.open_db(database_url)
    now = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    store.Message.create(message_id="<old@x>", subject="Deck", date=now, body="Here is the deck, attached.", inferred=True)
    _drop_version_4(database)
    store.SchemaVersion.delete().execute()
    store.SchemaVersion.create(version=3)
    store.close_db()

    database = store.open_db(database_url)
    assert store.current_version(database) == store.SCHEMA_VERSION
    old = store.Message.get(store.Message.message_id == "<old@x>")
    assert (old.subject, old.inferred, old.gist, old.settled) == ("Deck", True, "", True)
    (view,) = views([old.id], frozenset(), text=False).values()
    assert view.gist is None and view.text == "Here is the deck, attached."
    store.Message.update(gist="d-deck").where(store.Message.id == old.id).execute()
    (view,) = views([old.id], frozenset(), text=False).values()
    found = gists.gist(view)
    assert view.text == "" and found.delivers and found.topics == {"deck"}


def test_a_loop_stored_before_version_4_is_closed_by_the_address_its_message_used(database_url: str) -> None:
    """Loops of version 3 do not know their address: settling finds it on their message."""
    from syncd import listen

    store.open_db(database_url)
    me, dana = "me@example.org", "dana@acme.example"
    at = dt.datetime(2024, 3, 1, 9, tzinfo=dt.UTC)
    people = {e: store.Person.create(name=e, primary_email=e, created=at, is_self=e == me) for e in (me, dana)}
    addresses = {e: store.Address.create(email=e, person=p) for e, p in people.items()}
    store.Address.create(email="d.smith@zeta.example", person=people[dana])  # sorts first; not the one used
    asked = store.Message.create(message_id="<q@acme>", subject="Deck", date=at, inferred=True, settled=True,
                                 body="Could you send me the pricing deck?")
    answer = store.Message.create(message_id="<a@me>", subject="Re: Deck", date=at + dt.timedelta(days=1), outgoing=True,
                                  thread="<q@acme>", in_reply_to="<q@acme>", inferred=True, gist="d-pricing deck",
                                  body="Here is the pricing deck, attached.")
    for message, sender, recipient in ((asked, dana, me), (answer, me, dana)):
        store.MessageAddress.create(message=message, address=addresses[sender], role="from")
        store.MessageAddress.create(message=message, address=addresses[recipient], role="to")
    loop = store.OpenLoop.create(person=people[dana], message=asked, direction="mine", kind="question",
                                 text="Could you send me the pricing deck?", stated_at=at, thread="<q@acme>",
                                 natural="q", address="")
    assert listen.settle(frozenset({me})) == 1
    assert store.OpenLoop.get_by_id(loop.id).closed_by == "<a@me>"


def test_version_4_database_migrates_to_5_with_its_loops_indexed(database_url: str) -> None:
    """Version 5 indexes open loops by (closed_by, due, stated_at), which settling reads by."""
    database = store.open_db(database_url)
    at = dt.datetime(2024, 3, 1, 9, tzinfo=dt.UTC)
    person = store.Person.create(name="Dana", primary_email="dana@acme.example", created=at)
    message = store.Message.create(message_id="<q@acme>", subject="Deck", date=at)
    store.OpenLoop.create(person=person, message=message, direction="mine", kind="question", text="Deck?",
                          stated_at=at, natural="q")
    _drop_version_5(database)
    store.SchemaVersion.delete().execute()
    store.SchemaVersion.create(version=4)
    store.close_db()

    database = store.open_db(database_url)
    assert store.current_version(database) == store.SCHEMA_VERSION
    indexes = {i.name: i.columns for i in database.get_indexes("open_loop")}
    assert indexes["open_loop_closed_by_due_stated_at"] == ["closed_by", "due", "stated_at"]
    assert [(lp.text, lp.closed_by) for lp in store.OpenLoop.select()] == [("Deck?", "")]


def test_sqlite_runs_in_wal_with_foreign_keys(tmp_path: Path) -> None:
    database = store.open_db(f"sqlite:///{tmp_path / 'z.db'}")
    assert database.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert database.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1


def test_naive_datetimes_are_refused(tmp_path: Path) -> None:
    store.open_db(f"sqlite:///{tmp_path / 'n.db'}")
    with pytest.raises(ValueError, match="naive"):
        store.Account.create(name="a", kind="maildir", created=dt.datetime(2024, 1, 1))
