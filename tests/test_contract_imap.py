"""The connector contract, against a real Dovecot: once with CONDSTORE/QRESYNC/UIDPLUS/
SPECIAL-USE/IDLE, once with a server that advertises none of them (the fallback paths)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import pytest
from imapclient import IMAPClient

from connectors.base import DRAFTS
from connectors.imap import ImapConnector
from syncd import store
from syncd.config import AccountConfig
from tests.contract import Harness, MailContract, seed
from tests.servers import ImapUser

_NAMES = {"seen": b"\\Seen", "replied": b"\\Answered", "flagged": b"\\Flagged", "draft": b"\\Draft", "trashed": b"\\Deleted"}
_BACK = {v.lower(): k for k, v in _NAMES.items()}


class ImapDriver:
    """Changes the mailbox as another IMAP client would (and, for UIDVALIDITY, as a server rebuild does)."""

    def __init__(self, user: ImapUser) -> None:
        self.user = user
        self.address = user.address

    def account(self) -> AccountConfig:
        return self.user.account()

    def add(self, raw: bytes, folder: str = "INBOX", flags: Iterable[str] = ("seen",)) -> None:
        with self.user.client() as client:
            if not client.folder_exists(folder):
                client.create_folder(folder)
            client.append(folder, raw, flags=[_NAMES[f] for f in flags])

    def _find(self, client: IMAPClient, message_id: str) -> tuple[str, int]:
        for _, _, folder in client.list_folders():
            client.select_folder(folder)
            found = client.search(["HEADER", "Message-ID", message_id])
            if found:
                return folder, found[0]
        raise LookupError(message_id)

    def flags(self, message_id: str) -> frozenset[str]:
        with self.user.client() as client:
            _, uid = self._find(client, message_id)
            return frozenset(_BACK[f.lower()] for f in client.get_flags([uid])[uid] if f.lower() in _BACK)

    def set_flags(self, message_id: str, flags: Iterable[str]) -> None:
        with self.user.client() as client:
            _, uid = self._find(client, message_id)
            client.set_flags([uid], [_NAMES[f] for f in flags])

    def delete(self, message_id: str) -> None:
        with self.user.client() as client:
            _, uid = self._find(client, message_id)
            client.delete_messages([uid])
            client.expunge()

    def expire(self) -> None:
        """Dovecot rebuilds a Maildir folder's UID list (new UIDVALIDITY, UIDs renumbered) when
        its dovecot-uidlist and indexes are gone, as after a restore or a server migration."""
        for folder in [self.user.maildir, *self.user.maildir.glob(".*")]:
            for name in ("dovecot-uidlist", "dovecot.index", "dovecot.index.log", "dovecot.index.cache"):
                (folder / name).unlink(missing_ok=True)

    def drafts(self) -> list[tuple[bytes, frozenset[str]]]:
        with self.user.client() as client:
            client.select_folder("Drafts", readonly=True)
            data = client.fetch(client.search("ALL"), ["BODY.PEEK[]", "FLAGS"])
        return [
            (item[b"BODY[]"], frozenset(_BACK[f.lower()] for f in item[b"FLAGS"] if f.lower() in _BACK))
            for _, item in sorted(data.items())
        ]


@pytest.fixture(params=["dovecot", "dovecot_bare"])
def server_kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


class TestImapContract(MailContract):
    @pytest.fixture
    def driver(self, server_kind: str, request: pytest.FixtureRequest) -> ImapDriver:
        return ImapDriver(request.getfixturevalue(server_kind).add_user())

    def test_declares_drafts(self, harness: Harness) -> None:
        """IMAP places drafts: the contract's draft test must run in full here, never take the refusal branch."""
        connector = harness.connector()
        assert isinstance(connector, ImapConnector) and DRAFTS in connector.capabilities

    def test_uses_condstore_exactly_when_offered(self, harness: Harness, driver: ImapDriver, server_kind: str) -> None:
        seed(driver)
        harness.sync()
        folders = json.loads(harness.cursor() or "{}")["folders"]
        assert set(folders) == {"INBOX", "Sent"}
        modseqs = [entry["ms"] for entry in folders.values()]
        if server_kind == "dovecot":
            assert all(isinstance(m, int) and m > 0 for m in modseqs)
        else:
            assert modseqs == [None, None]

    def test_uidvalidity_change_keeps_messages_and_what_derives_from_them(self, harness: Harness, driver: ImapDriver) -> None:
        seed(driver)
        harness.sync()
        rows = {m.message_id: m.id for m in store.Message.select()}
        old = {v["uv"] for v in json.loads(harness.cursor() or "{}")["folders"].values()}
        driver.expire()
        harness.sync()
        assert {m.message_id: m.id for m in store.Message.select()} == rows  # re-attached before the old copies went
        new = {v["uv"] for v in json.loads(harness.cursor() or "{}")["folders"].values()}
        assert len(new) == 2 and not new & old
        assert {pid.split("/")[1] for pid in harness.locations()} == {str(u) for u in new}


def test_sync_marks_nothing_read_on_the_server(imap_user: ImapUser, tmp_path: Path) -> None:
    """BODY.PEEK[]: an unread message stays unread (the contract checks flags; this checks \\Seen after a body fetch)."""
    driver = ImapDriver(imap_user)
    driver.add(b"From: a@b.example\r\nSubject: unread\r\nMessage-ID: <u1@b>\r\n\r\nhello\r\n", flags=())
    connector = ImapConnector.from_config(imap_user.account(), None)  # type: ignore[arg-type]
    records = [r for batch in connector.sync_mail(None, {}) for r in batch.records]
    assert [r.subject for r in records] == ["unread"] and records[0].body_text.strip() == "hello"
    assert driver.flags("<u1@b>") == frozenset()
