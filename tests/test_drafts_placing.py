"""Placing a pass of drafts in a Maildir: the Drafts folder listed once per pass (not once
per draft), each file's data durable before it shows in ``cur/``, and the drafts recorded
as placed only after the pass's one fsync of ``cur/``; if that fails they stay pending
and the next pass finds their files instead of writing them twice."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from syncd import store
from tests.draftworld import World
from tests.test_drafts import AFTER, build_scenario


@pytest.fixture
def world(tmp_path: Path, home: Path, cli: object) -> World:
    w = World(tmp_path / "world", home, cli)  # type: ignore[arg-type]
    build_scenario(w)
    w.setup()
    return w


def _listings(monkeypatch: pytest.MonkeyPatch, directory: Path) -> list[str]:
    """The listings of ``directory`` from now on."""
    calls: list[str] = []
    real = os.listdir

    def listdir(path: str | os.PathLike[str] = ".") -> list[str]:
        if Path(path) == directory:
            calls.append(str(path))
        return real(path)

    monkeypatch.setattr(os, "listdir", listdir)
    return calls


def _stored_not_placed(world: World, monkeypatch: pytest.MonkeyPatch) -> object:
    """Sync once with placing switched off (as if the process died right after storing
    the drafts); the config, with the store open."""
    from syncd import config as config_mod
    from syncd import place

    placing = place.place_pending
    monkeypatch.setattr(place, "place_pending", lambda config, now: 0)
    world.sync(AFTER, monkeypatch)
    monkeypatch.setattr(place, "place_pending", placing)
    config = config_mod.load(str(world.home))
    store.open_db(config.database_url)
    assert {d.status for d in store.Draft.select()} == {"pending"} and world.draft_files() == []
    return config


def test_a_pass_lists_drafts_once_and_records_them_once_durable(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    from syncd import place

    config = _stored_not_placed(world, monkeypatch)
    cur = world.mail / ".Drafts" / "cur"
    events: list[tuple[str, object]] = []
    real_fsync, real_rename = os.fsync, os.rename

    def fsync(fd: int) -> None:
        if os.path.samestat(os.fstat(fd), cur.stat()):  # the directory: what the store says right then
            events.append(("sync cur/", sorted(d.status for d in store.Draft.select())))
        else:
            events.append(("fsync", os.fstat(fd).st_ino))
        real_fsync(fd)

    def rename(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        real_rename(src, dst)
        events.append(("rename", (Path(dst).parent, os.stat(dst).st_ino)))

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "rename", rename)
    listed = _listings(monkeypatch, cur)
    assert place.place_pending(config, AFTER) == 5  # type: ignore[arg-type]
    assert len(listed) == 1  # once for the pass, not twice per draft
    renames = [i for i, (kind, _) in enumerate(events) if kind == "rename"]
    assert len(renames) == 5
    for i in renames:  # each file's data was made durable before it showed in cur/
        folder, inode = events[i][1]  # type: ignore[misc]
        assert folder == cur and ("fsync", inode) in events[:i]
    syncs = [(i, value) for i, (kind, value) in enumerate(events) if kind == "sync cur/"]
    assert len(syncs) == 1 and syncs[0][0] > max(renames)  # one fsync of cur/ for the pass, after the files
    assert syncs[0][1] == ["pending"] * 5  # ... and the rows said "placed" only after it
    assert {d.status for d in store.Draft.select()} == {"placed"} and len(world.draft_files()) == 5


def test_when_cur_cannot_be_synced_the_pass_stays_pending_and_is_not_doubled(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    import connectors.maildir_drafts as md
    from syncd import place

    config = _stored_not_placed(world, monkeypatch)
    real = md._fsync_dir

    def failing(directory: Path) -> None:
        raise OSError(5, "Input/output error", str(directory))

    monkeypatch.setattr(md, "_fsync_dir", failing)
    assert place.place_pending(config, AFTER) == 0  # type: ignore[arg-type]
    assert {d.status for d in store.Draft.select()} == {"pending"}
    assert len(world.draft_files()) == 5  # written, but not known to be durable
    store.close_db()
    monkeypatch.setattr(md, "_fsync_dir", real)
    world.sync(AFTER + dt.timedelta(minutes=5), monkeypatch)
    assert {r["status"] for r in world.drafts()} == {"placed"}
    assert len(world.draft_files()) == 5  # found again, not written twice


def test_refresh_lists_the_drafts_folder_once_for_all_placed_drafts(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    from syncd import config as config_mod
    from syncd import place

    world.sync(AFTER, monkeypatch)
    config = config_mod.load(str(world.home))
    store.open_db(config.database_url)
    listed = _listings(monkeypatch, world.mail / ".Drafts" / "cur")
    assert place.refresh(config, AFTER) == 0 and len(listed) == 1
    kept, *deleted = world.draft_files()[:3]
    for path in deleted:  # the user deletes two of the five in their mail client
        path.unlink()
    listed.clear()
    assert place.refresh(config, AFTER) == 2 and len(listed) == 1
    statuses = sorted(d.status for d in store.Draft.select())
    assert statuses == ["gone", "gone", "placed", "placed", "placed"] and kept.exists()
