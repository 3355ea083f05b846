"""Drafts in a Maildir++ folder: the part of ``MaildirConnector`` that writes.

syncd's follow-up drafts go to the Drafts folder (``.Drafts``, made with its
``maildirfolder`` marker when missing, as Courier and Dovecot expect): written to
``tmp/`` and renamed into ``cur/<key>:2,D`` — the ``D`` flag marks a draft
(https://cr.yp.to/proto/maildir.html). The key is made from the draft's Message-ID, so
the same draft written twice is one file, and ``find_draft`` can tell whether the user
has deleted (or sent) it since. A Maildir without any write permission bit (an archive
kept read-only on purpose) is never written to, not even by root.

Durability: a file's data is fsynced in ``tmp/`` before it is renamed into ``cur/``, so
a file in ``cur/`` is never a partial one; the rename itself is made durable by an fsync
of ``cur/`` before ``save_draft`` returns. Inside ``drafts_batch()`` (a pass of syncd
placing or checking many drafts) the Drafts folder is found and listed once, and the
fsync of ``cur/`` is done once, when the batch closes: the caller records the drafts as
placed only after that (``syncd.place.place_pending``).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from pathlib import Path
from typing import TYPE_CHECKING

from connectors.base import DRAFTS_ROLE, Address, OutgoingMail
from connectors.compose import build_message
from syncd.errors import Unsupported

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

_UNKNOWN = ("", Path())  # a batch that has not looked for the Drafts folder yet


class _Batch:
    """What one batch knows of the Drafts folder: where it is (``None``: there is none
    yet), each folder's files by key (listed once, then kept up to date by this
    connector's own writes and deletions), and the directories whose new entries still
    need an fsync."""

    def __init__(self) -> None:
        self.where: tuple[str, Path] | None = _UNKNOWN
        self.files: dict[Path, dict[str, Path]] = {}
        self.unsynced: set[Path] = set()


class MaildirDrafts:
    """Mixed into ``MaildirConnector``: needs ``root``, ``addresses`` and ``folders()``."""

    root: Path
    addresses: tuple[str, ...]
    folders: Callable[[], list[tuple[str, Path]]]
    _batch: _Batch | None = None

    @contextlib.contextmanager
    def drafts_batch(self) -> Iterator[None]:
        """Many drafts saved, found or deleted at once: the Drafts folder is found and
        listed once for all of them, and the new files' directory entries are made
        durable by one fsync of ``cur/`` as the batch closes (each file's data is
        fsynced before its rename, batch or not). Nobody else is expected to write
        syncd's drafts meanwhile (the sync lock); a draft the user deletes during the
        batch is seen as gone by the next one."""
        if self._batch is not None:  # already in one: the outer batch closes it
            yield
            return
        self._batch = batch = _Batch()
        try:
            yield
        finally:
            self._batch = None
            for directory in sorted(batch.unsynced):
                _fsync_dir(directory)

    def _found_drafts_dir(self) -> tuple[str, Path] | None:
        """The Drafts folder, if there is one (remembered for a batch)."""
        batch = self._batch
        if batch is not None and batch.where is not _UNKNOWN:
            return batch.where
        found = [(f, d) for f, d in self.folders() if _role(f) == DRAFTS_ROLE]
        where = sorted(found, key=lambda fd: (fd[0] != "Drafts", fd[0]))[0] if found else None
        if batch is not None:
            batch.where = where
        return where

    def _drafts_dir(self, create: bool) -> tuple[str, Path] | None:
        if not self.root.is_dir():
            raise Unsupported(f"{self.root} is not a Maildir: it cannot hold drafts")
        found = self._found_drafts_dir()
        if found:
            folder, folder_dir = found
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
        _fsync_dir(folder_dir)  # its cur/ (where drafts go) and the folder itself, durable
        _fsync_dir(self.root)
        if self._batch is not None:
            self._batch.where = ("Drafts", folder_dir)
        return "Drafts", folder_dir

    @staticmethod
    def draft_key(message_id: str) -> str:
        return "syncd-draft-" + hashlib.sha1(message_id.strip().encode("utf-8")).hexdigest()[:24]

    def _draft_path(self, folder_dir: Path, key: str) -> Path | None:
        if self._batch is not None:
            files = self._batch.files.get(folder_dir)
            if files is None:
                files = self._batch.files[folder_dir] = _files(folder_dir)
            return files.get(key)
        return _files(folder_dir).get(key)

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
                os.fsync(handle.fileno())  # the data first: never a partial file in cur/
            path = folder_dir / "cur" / f"{key}:2,D"
            os.rename(tmp, path)
            if self._batch is None:
                _fsync_dir(path.parent)  # the rename, before the caller records the draft as placed
            else:  # the batch syncs cur/ once as it closes, before its drafts are recorded
                self._batch.unsynced.add(path.parent)
                self._batch.files.setdefault(folder_dir, {})[key] = path
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
                    if self._batch is not None:
                        self._batch.files.get(folder_dir, {}).pop(key, None)
                return


def _files(folder_dir: Path) -> dict[str, Path]:
    """Each file of a folder by its key (``cur/`` before ``new/``, as ``_draft_path`` looks)."""
    found: dict[str, Path] = {}
    for sub in ("cur", "new"):
        try:
            names = os.listdir(folder_dir / sub)
        except FileNotFoundError:
            continue
        for name in names:
            found.setdefault(_key(name), folder_dir / sub / name)
    return found


def _fsync_dir(directory: Path) -> None:
    """Make the entries of a directory (files renamed or made in it) durable."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


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
