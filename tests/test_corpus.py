"""Real-world mail and calendars from the shared corpus, end to end through accounts:
nothing escapes, unreadable items land in Quarantine with a reason, neighbours survive."""

from __future__ import annotations

import shutil
from pathlib import Path

from syncd import store
from syncd.config import AccountConfig, Config, paths
from syncd.sync import sync
from tests.conftest import CORPUS, ENRON
from tests.test_ingest import NOW

BASS = ["eric.bass@enron.com", "ebass@enron.com"]


def _config(home: Path, tmp_path: Path, *accounts: AccountConfig) -> Config:
    return Config(paths=paths(home), accounts=accounts, settings={"database_url": f"sqlite:///{tmp_path / 'c.db'}"})


def test_every_mime_file_through_a_maildir_account(home: Path, tmp_path: Path) -> None:
    files = sorted(p for p in (CORPUS / "mime").rglob("*") if p.is_file())
    root = tmp_path / "Mail"
    for sub in ("cur", "new", "tmp"):
        (root / sub).mkdir(parents=True)
    for number, path in enumerate(files):
        shutil.copyfile(path, root / "cur" / f"{number:05d}.corpus:2,S")
    config = _config(home, tmp_path, AccountConfig("corpus", "maildir", {"path": str(root), "addresses": ["me@example.com"]}))
    store.open_db(config.database_url)
    [result] = sync(config, now=NOW)
    assert result.error == ""
    quarantined = list(store.Quarantine.select())
    locations = store.Location.select().count()
    print(f"\nmime corpus: {len(files)} files, {locations} stored, {len(quarantined)} quarantined")
    assert locations + len(quarantined) == len(files)  # every file accounted for
    assert all(q.error and q.source.endswith(":2,S") for q in quarantined)
    # exactly the files the parser refuses on their own (talon's bare reply bodies, HTML snippets, ...)
    from syncd.errors import ParseError
    from syncd.mime import parse_message

    refused = set()
    for number, path in enumerate(files):
        try:
            parse_message(path.read_bytes(), provider_id="x")
        except ParseError:
            refused.add(f"INBOX/{number:05d}.corpus")
    assert {q.provider_id for q in quarantined} == refused
    eml = [p for p in files if p.suffix == ".eml"]
    assert sum(1 for n, p in enumerate(files) if p.suffix == ".eml" and f"INBOX/{n:05d}.corpus" not in refused) >= 0.95 * len(eml)


def test_every_ics_file_through_an_ics_account(home: Path, tmp_path: Path) -> None:
    files = sorted(p for p in (CORPUS / "ics").rglob("*.ics") if p.is_file())
    accounts = tuple(AccountConfig(f"ics{n}", "ics", {"path": str(p)}) for n, p in enumerate(files))
    config = _config(home, tmp_path, *accounts)
    store.open_db(config.database_url)
    results = sync(config, now=NOW)
    assert [r.error for r in results if r.error] == []
    events = store.Event.select().count()
    quarantined = list(store.Quarantine.select())
    bad_files = {q.account.name for q in quarantined}
    print(f"\nics corpus: {len(files)} files, {events} events, {len(quarantined)} quarantined items from {len(bad_files)} files")
    assert events > 300
    assert all(q.error for q in quarantined)
    # a bad file never drops a good neighbour: every account without quarantine has events or is empty by nature
    assert len(bad_files) < len(files) // 4


def test_enron_mailbox(home: Path, tmp_path: Path, enron_copy: Path) -> None:
    config = _config(home, tmp_path, AccountConfig("enron", "maildir", {"path": str(enron_copy), "addresses": BASS}))
    store.open_db(config.database_url)
    [result] = sync(config, now=NOW)
    message_files = [p for p in ENRON.rglob("*") if p.is_file() and p.parent.name in ("cur", "new")]
    assert not (ENRON / ".Drafts").exists()  # the shared corpus is never written to
    assert result.error == "" and result.mail.quarantined == 0
    assert store.Location.select().count() == len(message_files) == 317
    folders = {loc.folder for loc in store.Location.select()}
    assert folders == {"INBOX", "paintball"}
    from syncd import queries

    people = {p["email"]: p for p in queries.people()}
    assert len(people) > 40
    assert store.Touchpoint.select().count() >= 150  # inbox only: no Sent folder in this mailbox
    for robot in ("foxsportsflash_h@mailings.foxsports.com", "deals@bestfares.com", "account-update@amazon.com",
                  "1800flowers.224433405@s2u2.com", "flash@icruise.com"):
        assert robot not in people, robot
        person = store.Person.select().join(store.Address).where(store.Address.email == robot).get()
        assert person.automated
    assert "timothy.blanchard@enron.com" in people
    assert not any(e in people for e in BASS)
