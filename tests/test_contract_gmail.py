"""The connector contract against the Gmail emulator (real google-api-python-client, HTTP batches, OAuth refresh).

Two contract tests are restated for Gmail, where the provider differs from IMAP and
Maildir by design: Gmail has no "answered" flag (labels only), and Gmail message ids
survive a lost history (only the historyId expires), so "every id renewed" cannot hold.
"""

from __future__ import annotations

import json

import pytest

from connectors.base import CALENDAR, DRAFTS, MAIL, SEND
from connectors.gmail import GmailConnector
from syncd import store
from tests import mailfactory as mf
from tests.contract import DANA, RAJ, Harness, MailContract, seed
from tests.emulators.google import GoogleEmulator
from tests.google_support import GmailDriver, google, sleeps  # noqa: F401


class TestGmailContract(MailContract):
    @pytest.fixture
    def driver(self, google: GoogleEmulator) -> GmailDriver:  # noqa: F811
        return GmailDriver(google)

    def test_declares_everything(self, harness: Harness) -> None:
        connector = harness.connector()
        assert isinstance(connector, GmailConnector)
        assert {MAIL, CALENDAR, DRAFTS, SEND} <= connector.capabilities

    def test_add_flag_change_delete(self, harness: Harness, driver: GmailDriver) -> None:
        """As the contract's, with labels Gmail has: read/unread and starred."""
        seed(driver)
        harness.sync()
        driver.add(mf.message(RAJ, driver.address, "Follow-up", "Any news?", message_id="<c7@partner>"), flags=())
        driver.set_flags("<c2@partner>", ["seen", "flagged"])
        driver.set_flags("<c3@acme>", ["seen"])
        driver.delete("<c1@acme>")
        result = harness.sync()
        assert result.mail.as_dict() == {"added": 1, "updated": 2, "deleted": 1, "quarantined": 0}
        assert harness.by_message_id() == {
            "<c2@partner>": ("flagged,seen", "INBOX"),
            "<c3@acme>": ("seen", "INBOX"),
            "<c4@me>": ("seen", "Sent"),
            "<c7@partner>": ("", "INBOX"),
        }
        assert not store.Message.select().where(store.Message.message_id == "<c1@acme>").exists()
        assert harness.sync().mail.as_dict() == {"added": 0, "updated": 0, "deleted": 0, "quarantined": 0}

    def test_expired_cursor_resyncs_without_loss_or_duplicates(self, harness: Harness, driver: GmailDriver) -> None:
        """History too old (404): a full resync that keeps every row, drops what went
        meanwhile, adds what came, and then runs on history again."""
        seed(driver)
        harness.sync()
        rows = {m.message_id: m.id for m in store.Message.select()}
        driver.expire()
        driver.delete("<c3@acme>")
        driver.add(mf.message(DANA, driver.address, "While away", "hello", message_id="<c9@acme>"))
        driver.emulator.reset_counts()
        harness.sync()
        assert driver.emulator.calls["history.list"] >= 1 and driver.emulator.calls["profile"] == 1  # 404, then a full listing
        after = harness.by_message_id()
        assert set(after) == {"<c1@acme>", "<c2@partner>", "<c4@me>", "<c9@acme>"}
        assert {m.message_id: m.id for m in store.Message.select() if m.message_id in rows} == \
            {k: v for k, v in rows.items() if k != "<c3@acme>"}  # kept, not re-made
        assert json.loads(harness.cursor() or "{}")["stage"] == "history"
        assert harness.sync().mail.as_dict() == {"added": 0, "updated": 0, "deleted": 0, "quarantined": 0}

    def test_drafts_are_threaded_and_found_again(self, harness: Harness, driver: GmailDriver) -> None:
        from connectors.base import Address, OutgoingMail

        seed(driver)
        harness.sync()
        connector = harness.connector()
        draft = OutgoingMail(to=(Address("dana@acme.example", "Dana"),), subject="Re: Pricing", text="Thanks!",
                             in_reply_to="<c1@acme>", message_id="<syncd-draft-1.2@syncd.invalid>")
        assert connector.find_draft(draft.message_id) is None
        draft_id = connector.save_draft(draft)
        assert connector.find_draft(draft.message_id) == draft_id
        thread_of_c1 = driver.gm.by_message_id("<c1@acme>").thread_id
        assert driver.gm.messages[driver.gm.drafts[draft_id]].thread_id == thread_of_c1
        connector.delete_draft(draft_id)
        assert connector.find_draft(draft.message_id) is None
        connector.delete_draft(draft_id)  # already gone: not an error
