"""The connector contract, against a Maildir++ folder on disk."""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Iterable
from pathlib import Path

import pytest

from connectors.maildir import maildir_flags_suffix, split_name
from syncd.config import AccountConfig
from tests import mailfactory as mf
from tests.contract import MailContract

ME = "me@example.com"
_keys = itertools.count(1)
_MESSAGE_ID = re.compile(rb"^Message-ID:\s*(<[^>]+>)", re.M | re.I)


class MaildirDriver:
    address = ME

    def __init__(self, root: Path) -> None:
        self.root = mf.maildir(root, "Sent", "Drafts", "Trash")
        self.paths: dict[str, Path] = {}

    def account(self) -> AccountConfig:
        return AccountConfig("mail", "maildir", {"path": str(self.root), "addresses": [ME]})

    def _dir(self, folder: str) -> Path:
        return self.root if folder == "INBOX" else self.root / f".{folder}"

    def add(self, raw: bytes, folder: str = "INBOX", flags: Iterable[str] = ("seen",)) -> None:
        key = f"{1700000000 + next(_keys)}.M{os.getpid()}P1.contract"
        suffix = maildir_flags_suffix(frozenset(flags))
        sub = "cur" if suffix != ":2," else "new"
        path = self._dir(folder) / sub / (key + (suffix if sub == "cur" else ""))
        path.write_bytes(raw)
        found = _MESSAGE_ID.search(raw)
        self.paths[found.group(1).decode() if found else key] = path

    def flags(self, message_id: str) -> frozenset[str]:
        return split_name(self.paths[message_id].name)[1]

    def set_flags(self, message_id: str, flags: Iterable[str]) -> None:
        path = self.paths[message_id]
        key, _ = split_name(path.name)
        target = path.parent.parent / "cur" / (key + maildir_flags_suffix(frozenset(flags)))
        path.rename(target)
        self.paths[message_id] = target

    def delete(self, message_id: str) -> None:
        self.paths.pop(message_id).unlink()

    def expire(self) -> None:
        for message_id, path in list(self.paths.items()):
            _, flags = split_name(path.name)
            key = f"{1800000000 + next(_keys)}.M{os.getpid()}P2.restored"
            target = path.parent / (key + (maildir_flags_suffix(flags) if path.parent.name == "cur" else ""))
            path.rename(target)
            self.paths[message_id] = target

    def drafts(self) -> list[tuple[bytes, frozenset[str]]]:
        folder = self._dir("Drafts")
        return [(p.read_bytes(), split_name(p.name)[1]) for sub in ("cur", "new") for p in sorted((folder / sub).iterdir())]


class TestMaildirContract(MailContract):
    @pytest.fixture
    def driver(self, tmp_path: Path) -> MaildirDriver:
        return MaildirDriver(tmp_path / "Mail")
