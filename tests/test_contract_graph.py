"""The connector contract, against the Graph emulator (msal signed in through the fake authority)."""

from __future__ import annotations

from collections.abc import Iterable
from email.message import EmailMessage
from email.policy import default as default_policy

import pytest

from connectors.base import DRAFTS
from connectors.graph import GraphConnector
from syncd.config import AccountConfig
from tests import graph_support
from tests.contract import Harness, MailContract
from tests.emulators.authority import FakeAuthority
from tests.emulators.graph import GraphEmulator
from tests.graph_support import ME, signed_in_account

# The shared fixtures (pytest finds them by these names).
authority, graph, signed_in_cache = graph_support.authority, graph_support.graph, graph_support.signed_in_cache


class GraphDriver:
    """Changes the mailbox as Outlook would. Deleting in Outlook moves to Deleted Items
    ("trashed"), and the emulator's ``expire`` forgets every delta state and renumbers
    every item, as a mailbox move does."""

    address = ME

    def __init__(self, emulator: GraphEmulator, account: AccountConfig) -> None:
        self.emulator = emulator
        self.state = emulator.state
        self._account = account

    def account(self) -> AccountConfig:
        return self._account

    def add(self, raw: bytes, folder: str = "INBOX", flags: Iterable[str] = ("seen",)) -> None:
        self.state.add_mime(raw, folder, tuple(flags))

    def flags(self, message_id: str) -> frozenset[str]:
        return self.state.flags(self.state.find(message_id))

    def set_flags(self, message_id: str, flags: Iterable[str]) -> None:
        self.state.set_flags(self.state.find(message_id), frozenset(flags))

    def delete(self, message_id: str) -> None:
        self.state.delete(self.state.find(message_id))

    def expire(self) -> None:
        self.state.expire()

    def drafts(self) -> list[tuple[bytes, frozenset[str]]]:
        """Each draft in Drafts as MIME, the way Outlook would export it."""
        found = []
        folder = self.state.folder_id("drafts")
        for item in self.state.messages.values():
            if item["parentFolderId"] != folder:
                continue
            if "_mime" in item:  # made from MIME: Outlook exports it as it came
                found.append((item["_mime"], self.state.flags(item["id"])))
                continue
            msg = EmailMessage(policy=default_policy)
            msg["Subject"] = item.get("subject", "")
            msg["To"] = ", ".join(
                f"{r['emailAddress'].get('name')} <{r['emailAddress']['address']}>" if r["emailAddress"].get("name") else r["emailAddress"]["address"]
                for r in item.get("toRecipients", [])
            )
            if item.get("replyToInternetMessageId"):
                msg["In-Reply-To"] = item["replyToInternetMessageId"]
            body = item.get("body", {})
            msg.set_content("(text)")
            msg.add_alternative(body.get("content", ""), subtype="html" if body.get("contentType") == "html" else "plain")
            found.append((msg.as_bytes(), self.state.flags(item["id"])))
        return found


class TestGraphContract(MailContract):
    @pytest.fixture
    def driver(self, graph: GraphEmulator, authority: FakeAuthority, signed_in_cache: bytes) -> GraphDriver:
        return GraphDriver(graph, signed_in_account(authority, graph, signed_in_cache, page_size=3))

    def test_declares_drafts(self, harness: Harness) -> None:
        """Graph places drafts: the contract's draft test must run in full here."""
        connector = harness.connector()
        assert isinstance(connector, GraphConnector) and DRAFTS in connector.capabilities
