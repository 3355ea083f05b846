"""Fixtures for the Gmail/Calendar tests: the emulator, an authorized account, a mailbox driver."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest

from connectors.google_auth import SCOPES
from connectors.secrets import token_file, write_secret
from syncd.config import AccountConfig, paths
from tests.emulators.google import GoogleEmulator

_LABELS = {"INBOX": {"INBOX"}, "Sent": {"SENT"}, "Drafts": {"DRAFT"}, "Trash": {"TRASH"}}


class Sleeps(list[float]):
    """A fake ``time.sleep`` that records each delay instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture(autouse=True)
def sleeps(monkeypatch: pytest.MonkeyPatch) -> Sleeps:
    """Backoff waits are recorded, not slept: tests stay fast and can check them."""
    from connectors.gmail import GmailConnector
    from connectors.gmail_quota import Backoff

    recorded = Sleeps()
    monkeypatch.setattr(GmailConnector, "backoff_factory", lambda: Backoff(sleep=recorded))
    return recorded


@pytest.fixture
def google() -> Iterator[GoogleEmulator]:
    emulator = GoogleEmulator().start()
    yield emulator
    emulator.stop()


def token_json(emulator: GoogleEmulator, refresh_token: str = "1//good-refresh") -> dict[str, Any]:
    """An authorized-user token as google-auth writes it (no access token yet: the first call refreshes)."""
    return {"client_id": "123-emulated.apps.googleusercontent.com", "client_secret": "emulated-secret",
            "refresh_token": refresh_token, "token_uri": emulator.base + "token", "scopes": list(SCOPES),
            "type": "authorized_user"}


def gmail_account(emulator: GoogleEmulator, name: str = "gmail", *, home: Path | None = None,
                  refresh_token: str = "1//good-refresh", **options: Any) -> AccountConfig:
    """The account config, and its token stored where ``syncd auth --token-file`` would put it."""
    write_secret(token_file(paths(home).tokens, name), json.dumps(token_json(emulator, refresh_token)))
    return AccountConfig(name, "gmail", {"addresses": [emulator.gmail.address], "api_base": emulator.base,
                                         "oauth_base": emulator.base, **options})


def labels_for(folder: str, flags: Iterable[str]) -> set[str]:
    flags = set(flags)
    labels = set(_LABELS.get(folder, {folder}))
    if "seen" not in flags:
        labels.add("UNREAD")
    if "flagged" in flags:
        labels.add("STARRED")
    if "trashed" in flags:
        labels.add("TRASH")
    if "draft" in flags:
        labels.add("DRAFT")
    return labels


class GmailDriver:
    """Changes the emulated mailbox as the Gmail web client would."""

    def __init__(self, emulator: GoogleEmulator) -> None:
        self.emulator = emulator
        self.gm = emulator.gmail
        self.address = self.gm.address

    def account(self) -> AccountConfig:
        return gmail_account(self.emulator)

    def add(self, raw: bytes, folder: str = "INBOX", flags: Iterable[str] = ("seen",)) -> None:
        if folder == "Drafts":
            self.gm.create_draft(raw)
        else:
            self.gm.add(raw, labels_for(folder, flags))

    def _find(self, message_id: str) -> Any:
        found = self.gm.by_message_id(message_id)
        if found is None:
            raise LookupError(message_id)
        return found

    def flags(self, message_id: str) -> frozenset[str]:
        from connectors.gmail import flags_of

        return flags_of(self._find(message_id).labels)

    def set_flags(self, message_id: str, flags: Iterable[str]) -> None:
        """Gmail has labels, not IMAP flags: "replied" has no label and cannot be set."""
        flags = set(flags)
        if flags - {"seen", "flagged", "trashed"}:
            raise ValueError(f"Gmail has no label for {sorted(flags - {'seen', 'flagged', 'trashed'})}")
        stored = self._find(message_id)
        keep = stored.labels - {"UNREAD", "STARRED", "TRASH"}
        self.gm.set_labels(stored.id, keep | (labels_for("", flags) - {""}))

    def delete(self, message_id: str) -> None:
        self.gm.delete(self._find(message_id).id)

    def expire(self) -> None:
        self.gm.expire_history()

    def drafts(self) -> list[tuple[bytes, frozenset[str]]]:
        from connectors.gmail import flags_of

        return [(self.gm.messages[mid].raw, flags_of(self.gm.messages[mid].labels))
                for mid in self.gm.drafts.values() if mid in self.gm.messages]
