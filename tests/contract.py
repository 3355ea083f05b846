"""The connector contract: what every mail connector must do, whatever its provider.

A test module subclasses :class:`MailContract` and provides a ``driver`` fixture: a
:class:`MailboxDriver` that changes the mailbox the way a user or another client would
(deliver, flag, delete, renumber) and builds the syncd account for it. Every test runs
the real path: ``syncd.sync.sync`` -> connector -> ingest -> a SQLite store, and checks
the store against the mailbox. (As vdirsyncer does for its storages: one suite, every
backend.)
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from email import message_from_bytes
from email.policy import default as default_policy
from pathlib import Path
from typing import Any, Protocol

import pytest

from connectors.base import DRAFTS, Address, OutgoingMail
from syncd import store
from syncd.config import AccountConfig, Config, paths
from syncd.errors import Unsupported
from syncd.ingest import Ingestor
from syncd.sync import AccountResult, connector_for, sync
from tests import mailfactory as mf
from tests.snapshot import snapshot

NOW = dt.datetime(2024, 6, 1, 12, 0, tzinfo=dt.UTC)
DANA = "Dana Whitfield <dana@acme.example>"
RAJ = "Raj Patel <raj@partner.example>"


class MailboxDriver(Protocol):
    """Changes a mailbox from outside syncd. Folders are named "INBOX", "Sent", "Drafts", "Trash".
    Flags use syncd's names: seen, replied, flagged, draft, trashed."""

    address: str

    def account(self) -> AccountConfig: ...

    def add(self, raw: bytes, folder: str = "INBOX", flags: Iterable[str] = ("seen",)) -> None: ...

    def flags(self, message_id: str) -> frozenset[str]: ...

    def set_flags(self, message_id: str, flags: Iterable[str]) -> None: ...

    def delete(self, message_id: str) -> None: ...

    def expire(self) -> None:
        """Make the saved cursor and ids stale: an IMAP UIDVALIDITY change; for Maildir,
        every file renamed (a mailbox restored from a backup by another tool)."""

    def drafts(self) -> list[tuple[bytes, frozenset[str]]]: ...


@dataclass
class Harness:
    config: Config
    driver: MailboxDriver

    def sync(self) -> AccountResult:
        [result] = sync(self.config, now=NOW)
        assert result.error == "", result.error
        return result

    def connector(self) -> Any:
        return connector_for(self.config.accounts[0], self.config)

    def account_row(self) -> store.Account:
        return store.Account.get(store.Account.name == self.config.accounts[0].name)

    def cursor(self) -> str | None:
        return Ingestor(self.account_row(), self.config.self_addresses, NOW).state("mail").cursor

    def known(self) -> dict[str, str]:
        return Ingestor(self.account_row(), self.config.self_addresses, NOW).known_mail()

    def locations(self) -> dict[str, tuple[str, str, str]]:
        """provider id -> (Message-ID, etag, folder)."""
        query = store.Location.select(store.Location, store.Message).join(store.Message)
        return {loc.provider_id: (loc.message.message_id, loc.etag, loc.folder) for loc in query}

    def by_message_id(self) -> dict[str, tuple[str, str]]:
        found: dict[str, tuple[str, str]] = {}
        for mid, etag, folder in self.locations().values():
            assert mid not in found, f"{mid} stored twice"
            found[mid] = (etag, folder)
        return found


def seed(driver: MailboxDriver) -> None:
    """Three messages in INBOX (one unread, one flagged), one sent, one draft, one in Trash."""
    driver.add(mf.message(DANA, driver.address, "Pricing", "Could you send the deck?", message_id="<c1@acme>"))
    driver.add(mf.message(RAJ, driver.address, "Intro", "Meet Dana", message_id="<c2@partner>"), flags=())
    driver.add(mf.message(DANA, driver.address, "Lunch", "Thursday?", message_id="<c3@acme>"), flags=("seen", "flagged"))
    driver.add(
        mf.message(driver.address, DANA, "Re: Pricing", "Here it is.", message_id="<c4@me>", in_reply_to="<c1@acme>"),
        folder="Sent",
    )
    driver.add(mf.message(driver.address, "zoe@else.example", "draft", "unsent", message_id="<c5@me>"), folder="Drafts", flags=("draft",))
    driver.add(mf.message(DANA, driver.address, "old", "gone", message_id="<c6@acme>"), folder="Trash")


class MailContract:
    """Subclasses provide ``driver`` (a fixture returning a MailboxDriver)."""

    @pytest.fixture
    def harness(self, driver: MailboxDriver, tmp_path: Path) -> Harness:
        config = Config(
            paths=paths(tmp_path / "home"), accounts=(driver.account(),),
            settings={"database_url": f"sqlite:///{tmp_path / 'contract.db'}"},
        )
        store.open_db(config.database_url)
        return Harness(config, driver)

    def test_initial_sync(self, harness: Harness, driver: MailboxDriver) -> None:
        seed(driver)
        before = {mid: driver.flags(mid) for mid in ("<c1@acme>", "<c2@partner>", "<c3@acme>", "<c4@me>")}
        result = harness.sync()
        assert (result.mail.added, result.mail.quarantined) == (4, 0)  # Drafts and Trash are not read
        assert harness.by_message_id() == {
            "<c1@acme>": ("seen", "INBOX"),
            "<c2@partner>": ("", "INBOX"),
            "<c3@acme>": ("flagged,seen", "INBOX"),
            "<c4@me>": ("seen", "Sent"),
        }
        assert store.Message.get(store.Message.message_id == "<c4@me>").outgoing
        assert not store.Message.get(store.Message.message_id == "<c1@acme>").outgoing
        assert {mid: driver.flags(mid) for mid in before} == before  # reading never marks mail read

    def test_resync_finds_nothing(self, harness: Harness, driver: MailboxDriver) -> None:
        seed(driver)
        harness.sync()
        expected = snapshot()
        result = harness.sync()
        assert result.mail.as_dict() == {"added": 0, "updated": 0, "deleted": 0, "quarantined": 0}
        assert snapshot() == expected

    def test_add_flag_change_delete(self, harness: Harness, driver: MailboxDriver) -> None:
        seed(driver)
        harness.sync()
        driver.add(mf.message(RAJ, driver.address, "Follow-up", "Any news?", message_id="<c7@partner>"), flags=())
        driver.set_flags("<c2@partner>", ["seen", "replied"])
        driver.set_flags("<c3@acme>", ["seen"])
        driver.delete("<c1@acme>")
        result = harness.sync()
        assert result.mail.as_dict() == {"added": 1, "updated": 2, "deleted": 1, "quarantined": 0}
        assert harness.by_message_id() == {
            "<c2@partner>": ("replied,seen", "INBOX"),
            "<c3@acme>": ("seen", "INBOX"),
            "<c4@me>": ("seen", "Sent"),
            "<c7@partner>": ("", "INBOX"),
        }
        assert not store.Message.select().where(store.Message.message_id == "<c1@acme>").exists()
        assert harness.sync().mail.as_dict() == {"added": 0, "updated": 0, "deleted": 0, "quarantined": 0}

    def test_marked_deleted_counts_as_gone(self, harness: Harness, driver: MailboxDriver) -> None:
        seed(driver)
        harness.sync()
        driver.set_flags("<c3@acme>", ["seen", "trashed"])  # \Deleted / Maildir T, not yet expunged
        result = harness.sync()
        assert result.mail.deleted == 1
        assert "<c3@acme>" not in harness.by_message_id()

    def test_expired_cursor_resyncs_without_loss_or_duplicates(self, harness: Harness, driver: MailboxDriver) -> None:
        seed(driver)
        harness.sync()
        before = harness.locations()
        messages = store.Message.select().count()
        driver.expire()
        harness.sync()
        after = harness.locations()
        assert not set(before) & set(after), "every id was renewed"
        assert sorted(v[:2] for v in after.values()) == sorted(v[:2] for v in before.values())
        assert store.Message.select().count() == messages == len(after)
        assert harness.sync().mail.as_dict() == {"added": 0, "updated": 0, "deleted": 0, "quarantined": 0}

    def test_cursor_json_round_trip(self, harness: Harness, driver: MailboxDriver) -> None:
        seed(driver)
        harness.sync()
        cursor = harness.cursor()
        assert cursor is not None
        reformatted = json.dumps(json.loads(cursor), indent=2, sort_keys=False)
        batches = list(harness.connector().sync_mail(reformatted, harness.known()))
        assert [(b.records, b.deleted, b.flag_changes, b.failures) for b in batches if b.records or b.deleted or b.flag_changes or b.failures] == []
        assert all(isinstance(json.loads(b.cursor or "{}"), dict) for b in batches)

    def test_unparseable_message_is_quarantined_not_the_folder(self, harness: Harness, driver: MailboxDriver) -> None:
        seed(driver)
        driver.add(b"this is not a mail message\r\njust words, no header at all\r\n")
        result = harness.sync()
        assert (result.mail.added, result.mail.quarantined) == (4, 1)
        [held] = store.Quarantine.select()
        assert held.error and held.source
        driver.add(mf.message(RAJ, driver.address, "After", "still syncing", message_id="<c8@partner>"))
        harness.sync()
        assert "<c8@partner>" in harness.by_message_id()
        assert store.Quarantine.select().count() == 1

    def test_drafts_placed_and_removed(self, harness: Harness, driver: MailboxDriver) -> None:
        connector = harness.connector()
        draft = OutgoingMail(
            to=(Address("dana@acme.example", "Dana Whitfield"),), subject="Following up on pricing",
            text="Hi Dana,\n\nhow did the deck land?\n", html="<p>Hi Dana,</p><p>how did the deck land?</p>",
            in_reply_to="<c1@acme>",
        )
        if DRAFTS not in connector.capabilities:
            with pytest.raises(Unsupported):
                connector.save_draft(draft)
            return
        draft_id = connector.save_draft(draft)
        [(msg, flags)] = [(m, f) for m, f in _parsed(driver.drafts()) if m["Subject"] == draft.subject]
        assert "draft" in flags
        assert msg["Subject"] == "Following up on pricing" and msg["In-Reply-To"] == "<c1@acme>"
        assert msg["To"] == "Dana Whitfield <dana@acme.example>"
        assert msg.get_content_type() == "multipart/alternative"
        harness.sync()
        assert not store.Message.select().where(store.Message.subject == "Following up on pricing").exists()
        connector.delete_draft(draft_id)
        assert [m for m, _ in _parsed(driver.drafts()) if m["Subject"] == draft.subject] == []


def _parsed(drafts: list[tuple[bytes, frozenset[str]]]) -> list[tuple[Any, frozenset[str]]]:
    return [(message_from_bytes(raw, policy=default_policy), flags) for raw, flags in drafts]
