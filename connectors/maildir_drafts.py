"""Drafts in a Maildir++ folder: the part of ``MaildirConnector`` that writes.

syncd's follow-up drafts go to the Drafts folder (``.Drafts``, made with its
``maildirfolder`` marker when missing, as Courier and Dovecot expect): written to
``tmp/`` and renamed into ``cur/<key>:2,D`` — the ``D`` flag marks a draft
(https://cr.yp.to/proto/maildir.html). The key is made from the draft's Message-ID, so
the same draft written twice is one file, and ``find_draft`` can tell whether the user
has deleted (or sent) it since. A Maildir without any write permission bit (an archive
kept read-only on purpose) is never written to, not even by root.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import TYPE_CHECKING

from connectors.base import DRAFTS_ROLE, Address, OutgoingMail
from connectors.compose import build_message
from syncd.errors import Unsupported

if TYPE_CHECKING:
    from collections.abc import Callable


class MaildirDrafts:
    """Mixed into ``MaildirConnector``: needs ``root``, ``addresses`` and ``folders()``."""

    root: Path
    addresses: tuple[str, ...]
    folders: Callable[[], list[tuple[str, Path]]]

    def _drafts_dir(self, create: bool) -> tuple[str, Path] | None:
        if not self.root.is_dir():
            raise Unsupported(f"{self.root} is not a Maildir: it cannot hold drafts")
        found = [(f, d) for f, d in self.folders() if _role(f) == DRAFTS_ROLE]
        if found:
            folder, folder_dir = sorted(found, key=lambda fd: (fd[0] != "Drafts", fd[0]))[0]
            if create and _read_only(folder_dir / "cur"):
                raise Unsupported(f"{folder_dir} is read-only: it cannot hold drafts")
            return folder, folder_dir
        if not create:
            return None
        if _read_only(self.root):
            raise Unsupported(f"{self.root} is read-only: it cannot hold drafts")
        folder_dir = self.root / ".Drafts"
        for sub in ("tmp", "new", "cur"):
            (folder_dir / sub).mkdir(parents=True, exist_ok=True)
        (folder_dir / "maildirfolder").touch()
        return "Drafts", folder_dir

    @staticmethod
    def draft_key(message_id: str) -> str:
        return "syncd-draft-" + hashlib.sha1(message_id.strip().encode("utf-8")).hexdigest()[:24]

    def _draft_path(self, folder_dir: Path, key: str) -> Path | None:
        for sub in ("cur", "new"):
            try:
                names = os.listdir(folder_dir / sub)
            except FileNotFoundError:
                continue
            for name in names:
                if _key(name) == key:
                    return folder_dir / sub / name
        return None

    def save_draft(self, draft: OutgoingMail) -> str:
        """Write the draft to the Drafts folder with the ``D`` flag; its id is ``Drafts/<key>``.

        The same Message-ID is written once: a second call finds the first file."""
        where = self._drafts_dir(create=True)
        assert where is not None
        folder, folder_dir = where
        sender = Address(self.addresses[0]) if self.addresses else Address(f"{os.environ.get('USER') or 'me'}@localhost")
        message = build_message(draft, sender)
        key = self.draft_key(str(message["Message-ID"]))
        if self._draft_path(folder_dir, key) is None:
            data = message.as_bytes(policy=message.policy.clone(linesep="\n"))
            tmp = folder_dir / "tmp" / f"{key}.{os.getpid()}"
            with open(tmp, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.rename(tmp, folder_dir / "cur" / f"{key}:2,D")
        return f"{folder}/{key}"

    def find_draft(self, message_id: str) -> str | None:
        """The id of the draft saved with this Message-ID, if it is still in Drafts."""
        where = self._drafts_dir(create=False)
        if where is None:
            return None
        folder, folder_dir = where
        key = self.draft_key(message_id)
        return f"{folder}/{key}" if self._draft_path(folder_dir, key) is not None else None

    def delete_draft(self, draft_id: str) -> None:
        """Remove a draft this connector saved; one already gone is not an error."""
        folder, _, key = draft_id.rpartition("/")
        for name, folder_dir in self.folders():
            if name == folder and _role(name) == DRAFTS_ROLE:
                path = self._draft_path(folder_dir, key)
                if path is not None:
                    path.unlink(missing_ok=True)
                return


def _read_only(path: Path) -> bool:
    """No write permission bit at all: a mail archive (or a test corpus) kept read-only
    on purpose. Checked by mode, not ``os.access``, so it holds for root too."""
    try:
        return not path.stat().st_mode & 0o222
    except FileNotFoundError:
        return False


def _role(folder: str) -> str:
    from connectors.maildir import folder_role  # the connector's own table of folder names

    return folder_role(folder)


def _key(filename: str) -> str:
    from connectors.maildir import split_name

    return split_name(filename)[0]
