"""The store opens with a schema version, migrates forward only, and cascades deletions."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from syncd import store
from syncd.errors import ConfigError


def test_new_database_is_at_the_current_schema_version(database_url: str) -> None:
    database = store.open_db(database_url)
    assert store.current_version(database) == store.SCHEMA_VERSION >= 1
    for model in store.MODELS:
        assert database.table_exists(model._meta.table_name)
    # opening again migrates nothing and keeps one version row per step
    assert store.migrate(database) == store.SCHEMA_VERSION
    assert store.SchemaVersion.select().count() == store.SCHEMA_VERSION


def test_a_newer_database_is_refused(tmp_path: Path) -> None:
    database = store.open_db(f"sqlite:///{tmp_path / 'x.db'}")
    store.SchemaVersion.create(version=store.SCHEMA_VERSION + 1)
    with pytest.raises(ConfigError, match="newer than this syncd"):
        store.migrate(database)


def test_migrations_run_in_order_from_any_version(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    database = store.open_db(f"sqlite:///{tmp_path / 'y.db'}")
    ran: list[int] = []
    monkeypatch.setattr(store, "MIGRATIONS", [*store.MIGRATIONS, lambda db: ran.append(2), lambda db: ran.append(3)])
    monkeypatch.setattr(store, "SCHEMA_VERSION", 3)
    assert store.migrate(database) == 1
    assert ran == [2, 3]
    assert store.current_version(database) == 3


def test_sqlite_runs_in_wal_with_foreign_keys(tmp_path: Path) -> None:
    database = store.open_db(f"sqlite:///{tmp_path / 'z.db'}")
    assert database.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert database.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1


def test_naive_datetimes_are_refused(tmp_path: Path) -> None:
    store.open_db(f"sqlite:///{tmp_path / 'n.db'}")
    with pytest.raises(ValueError, match="naive"):
        store.Account.create(name="a", kind="maildir", created=dt.datetime(2024, 1, 1))
