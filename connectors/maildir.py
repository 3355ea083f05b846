"""Maildir++ folders and single mbox files.

Maildir (https://cr.yp.to/proto/maildir.html): a message is a file in ``new/`` or
``cur/``; the part of its name before ``:2,`` is its unique key and the letters after
it are its flags. Maildir++ (Courier, Dovecot) keeps sub-folders as dot-directories
beside INBOX: ``.Sent``, ``.paintball``, ``.Clients.Acme``.

Incremental sync uses two things: each folder's ``new/`` and ``cur/`` directory
mtimes (kept in the cursor; a folder whose directories did not change is not even
listed, as ``notmuch new`` does), and ``known``, the keys and flags the store already
holds, to diff a changed folder. A directory modified within the last two seconds is
not trusted (a file may land in the same timestamp tick), so it is listed again next
time.

Drafts, Trash and Spam folders are not read: unsent, deleted and junk mail are not
interactions (and syncd's own drafts live in Drafts).

Drafts syncd writes for the user go to the Drafts folder with the ``D`` flag
(``connectors.maildir_drafts``).

An mbox file is read as a stream of messages separated by ``From `` lines; its
messages are keyed by a hash of their bytes, and a file that only grew is read from
where the last sync stopped.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from connectors.base import (
    ARCHIVE,
    DRAFTS,
    DRAFTS_ROLE,
    INBOX,
    MAIL,
    OTHER,
    SENT,
    SPAM,
    TRASH,
    BaseConnector,
    Failure,
    FlagChange,
    MailBatch,
    MailRecord,
    flags_etag,
    known_folders,
    known_under,
)
from connectors.maildir_drafts import MaildirDrafts
from syncd.errors import AccountError, ParseError

if TYPE_CHECKING:
    from syncd.config import AccountConfig, Config
from syncd.mime import parse_message
from syncd.parallel import cores, ordered_map

log = logging.getLogger(__name__)

BATCH = 200
_FLAG_NAMES = {"D": "draft", "F": "flagged", "P": "passed", "R": "replied", "S": "seen", "T": "trashed"}
_ROLES = {
    "inbox": INBOX,
    "sent": SENT, "sent items": SENT, "sent messages": SENT, "sent mail": SENT,
    "drafts": DRAFTS_ROLE, "draft": DRAFTS_ROLE,
    "trash": TRASH, "deleted items": TRASH, "deleted messages": TRASH, "bin": TRASH,
    "junk": SPAM, "spam": SPAM, "junk e-mail": SPAM, "junk email": SPAM,
    "archive": ARCHIVE, "archives": ARCHIVE, "all mail": ARCHIVE,
}
_SKIPPED_ROLES = {DRAFTS_ROLE, TRASH, SPAM}
_UNTRUSTED_MTIME_NS = 2_000_000_000


def folder_role(folder: str) -> str:
    leaf = folder.rsplit("/", 1)[-1].lower()
    return _ROLES.get(leaf, OTHER)


def split_name(filename: str) -> tuple[str, frozenset[str]]:
    """A Maildir file name's unique key and its flags (by name)."""
    key, sep, info = filename.partition(":")
    if not sep:
        key, sep, info = filename.partition("!")  # the Windows-safe separator some tools use
    return key, _flags(info)


@functools.lru_cache(maxsize=256)
def _flags(info: str) -> frozenset[str]:
    """The flags of a name's info part ("2,RS"); a mailbox has only a handful of distinct ones."""
    if not info.startswith("2,"):
        return frozenset()
    return frozenset(_FLAG_NAMES[c] for c in info[2:] if c in _FLAG_NAMES)


def maildir_flags_suffix(flags: frozenset[str]) -> str:
    letters = sorted(letter for letter, name in _FLAG_NAMES.items() if name in flags)
    return ":2," + "".join(letters)


class MaildirConnector(MaildirDrafts, BaseConnector):
    kind: ClassVar[str] = "maildir"
    capabilities: ClassVar[frozenset[str]] = frozenset({MAIL, DRAFTS})

    def __init__(
        self, path: str | os.PathLike[str], *, name: str = "", addresses: tuple[str, ...] = (), workers: int | None = None
    ) -> None:
        self.root = Path(path).expanduser()
        self.workers = workers  # processes that parse (None: one per core past PARALLEL_MIN new files in all)
        self.name = name
        self.addresses = tuple(a.lower() for a in addresses)
        if self.root.is_file():
            self.capabilities = frozenset({MAIL})  # type: ignore[misc]  # an mbox file has no Drafts folder

    @classmethod
    def from_config(cls, account: AccountConfig, config: Config) -> MaildirConnector:
        return cls(account.options["path"], name=account.name, addresses=account.addresses)

    # -- listing -------------------------------------------------------------

    def folders(self) -> list[tuple[str, Path]]:
        """(folder name, directory) for INBOX and every Maildir++ sub-folder."""
        found = []
        if (self.root / "cur").is_dir() or (self.root / "new").is_dir():
            found.append(("INBOX", self.root))
        with os.scandir(self.root) as entries:
            for entry in entries:
                if entry.name.startswith(".") and entry.name not in (".", "..") and entry.is_dir():
                    path = Path(entry.path)
                    if (path / "cur").is_dir() or (path / "new").is_dir():
                        found.append((entry.name[1:].replace(".", "/"), path))
        return sorted(found)

    def _dir_state(self, folder_dir: Path) -> list[int | None]:
        now_ns = time.time_ns()  # file-system time, to compare with file-system mtimes only
        state: list[int | None] = []
        for sub in ("new", "cur"):
            try:
                mtime = os.stat(folder_dir / sub).st_mtime_ns
            except FileNotFoundError:
                state.append(-1)
                continue
            state.append(None if now_ns - mtime < _UNTRUSTED_MTIME_NS else mtime)
        return state

    @staticmethod
    def _list(folder_dir: Path) -> dict[str, tuple[str, frozenset[str]]]:
        """key -> (path, flags) of every message file; paths stay strings (a big folder
        has tens of thousands of them)."""
        current: dict[str, tuple[str, frozenset[str]]] = {}
        for sub in ("new", "cur"):
            current.update(_list_sub(str(folder_dir / sub)))
        return current

    # -- sync ----------------------------------------------------------------

    def sync_mail(self, cursor: str | None, known: Mapping[str, str] | None = None) -> Iterator[MailBatch]:
        if not self.root.exists():
            raise AccountError(f"mail path {self.root} does not exist")
        if self.root.is_file():
            yield from self._sync_mbox(cursor, known or {})
            return
        state = json.loads(cursor) if cursor else {}
        dirs: dict[str, list[int | None]] = dict(state.get("dirs", {}))
        known = {} if known is None else known  # not `or`: truthiness would load it all
        folders = [(f, d) for f, d in self.folders() if folder_role(f) not in _SKIPPED_ROLES]
        present = {f for f, _ in folders}
        gone = [f"{f}/{k}" for f in sorted(known_folders(known) - present) for k in known_under(known, f)]
        for folder in list(dirs):
            if folder not in present:
                del dirs[folder]
        if gone:
            yield MailBatch(deleted=tuple(gone), cursor=_dump(dirs))
        plans = []
        for folder, folder_dir in folders:
            seen_state = self._dir_state(folder_dir)
            if None not in seen_state and dirs.get(folder) == seen_state:
                continue
            plans.append(self._plan(folder, folder_dir, known_under(known, folder), seen_state))
        yield from self._read(plans, dirs)

    def _plan(self, folder: str, folder_dir: Path, known: dict[str, str], seen_state: list[int | None]) -> _Plan:
        """What changed in one folder: the files to read, deletions, flag changes."""
        current = self._list(folder_dir)
        return _Plan(
            folder=folder, folder_dir=folder_dir, role=folder_role(folder), seen_state=seen_state, current=current,
            todo=sorted(k for k in current if k not in known),
            deleted=tuple(f"{folder}/{k}" for k in known if k not in current),
            changes=tuple(
                FlagChange(f"{folder}/{k}", flags)
                for k, (_, flags) in current.items()
                if k in known and known[k] != flags_etag(flags)
            ),
        )

    def _read(self, plans: list[_Plan], dirs: dict[str, list[int | None]]) -> Iterator[MailBatch]:
        """Batches of the changed folders, in order. Parsing (and the caller's digest) is
        pure: with many new files in all, worker processes parse while ingest stores."""
        digest = self.digest
        jobs = (
            (chunk, [(plan.folder, plan.role, key, plan.current[key][0], plan.current[key][1]) for key in chunk])
            for plan in plans for chunk in plan.chunks()
        )
        todo = sum(len(plan.todo) for plan in plans)
        workers = self.workers if self.workers is not None else (cores() if todo >= PARALLEL_MIN else 0)
        done = ordered_map(read_files, jobs, workers, digest) if workers > 1 and todo > BATCH else (
            (chunk, read_files(payload, digest)) for chunk, payload in jobs
        )
        try:
            for plan in plans:
                first = True
                for _ in plan.chunks():
                    chunk, items = next(done)
                    records: list[MailRecord] = []
                    digests: list[Any] = []
                    failures: list[Failure] = []
                    for key, (item, digested) in zip(chunk, items):
                        if item is MOVED:  # moved by a mail client between listing and reading
                            item = self._reread(plan.folder, plan.folder_dir, plan.role, key)
                            digested = _digested(item, digest)
                        if isinstance(item, Failure):
                            failures.append(item)
                        elif isinstance(item, MailRecord):
                            records.append(item)
                            digests.append(digested)
                    yield MailBatch(
                        records=tuple(records), failures=tuple(failures),
                        deleted=plan.deleted if first else (), flag_changes=plan.changes if first else (),
                        cursor=_dump(dirs), digests=tuple(digests) if digest is not None else (),
                    )
                    first = False
                dirs[plan.folder] = plan.seen_state
                yield MailBatch(
                    deleted=plan.deleted if first else (), flag_changes=plan.changes if first else (), cursor=_dump(dirs)
                )
        finally:
            close = getattr(done, "close", None)
            if close is not None:
                close()  # the workers stop when the caller stops reading

    def _reread(self, folder: str, folder_dir: Path, role: str, key: str) -> MailRecord | Failure | None:
        moved = self._list(folder_dir).get(key)
        if moved is None:
            return None
        item = read_file(folder, role, key, str(moved[0]), moved[1])
        return None if item is MOVED else item  # type: ignore[return-value]

    # -- mbox ----------------------------------------------------------------

    def _sync_mbox(self, cursor: str | None, known: Mapping[str, str]) -> Iterator[MailBatch]:
        state = json.loads(cursor) if cursor else {}
        stat = self.root.stat()
        if state.get("size") == stat.st_size and state.get("mtime") == stat.st_mtime_ns:
            return
        with self.root.open("rb") as handle:
            head = _head_hash(handle, int(state.get("size", 0)))
            appended = bool(state) and stat.st_size > state.get("size", 0) and head == state.get("head")
            start = int(state["size"]) if appended else 0
            folder = self.root.stem
            seen: set[str] = set()
            records: list[MailRecord] = []
            failures: list[Failure] = []
            for offset, raw in _mbox_messages(handle, start):
                provider_id = f"{folder}/{hashlib.sha1(raw).hexdigest()[:24]}"
                seen.add(provider_id)
                if provider_id in known:
                    continue
                try:
                    records.append(parse_message(raw, provider_id=provider_id, folder=folder, folder_role=folder_role(folder)))
                except Exception as err:  # noqa: BLE001 - quarantined, never fatal
                    failures.append(Failure(provider_id, f"{self.root}@{offset}", f"{type(err).__name__}: {err}"))
                if len(records) + len(failures) >= BATCH:
                    yield MailBatch(records=tuple(records), failures=tuple(failures), cursor=cursor)
                    records, failures = [], []
        deleted = () if appended else tuple(pid for pid in known if pid not in seen)
        done = {"size": stat.st_size, "mtime": stat.st_mtime_ns, "head": _head_hash_path(self.root, stat.st_size)}
        yield MailBatch(records=tuple(records), failures=tuple(failures), deleted=deleted, cursor=json.dumps(done))


@dataclass
class _Plan:
    """One changed folder's work."""

    folder: str
    folder_dir: Path
    role: str
    seen_state: list[int | None]
    current: dict[str, tuple[str, frozenset[str]]]  # key -> (path, flags)
    todo: list[str]  # keys of the files to read, sorted
    deleted: tuple[str, ...]
    changes: tuple[FlagChange, ...]

    def chunks(self) -> Iterator[list[str]]:
        for start in range(0, len(self.todo), BATCH):
            yield self.todo[start:start + BATCH]


def _dump(dirs: dict[str, list[int | None]]) -> str:
    return json.dumps({"v": 1, "dirs": dirs}, sort_keys=True, separators=(",", ":"))


def _head_hash(handle, size: int) -> str:  # type: ignore[no-untyped-def]
    handle.seek(0)
    digest = hashlib.sha1(handle.read(min(size, 65536))).hexdigest()
    handle.seek(0)
    return digest


def _head_hash_path(path: Path, size: int) -> str:
    with path.open("rb") as handle:
        return _head_hash(handle, size)


def _mbox_messages(handle, start: int) -> Iterator[tuple[int, bytes]]:  # type: ignore[no-untyped-def]
    """(offset, raw message) for each message of an mbox, from byte ``start``.

    Messages start at a line beginning with ``From `` at the file's start or after a
    blank line; ``>From `` quoting (mboxo/mboxrd) is undone one level.
    """
    handle.seek(start)
    lines: list[bytes] = []
    offset = start
    position = start
    previous_blank = True
    for line in handle:
        if line.startswith(b"From ") and previous_blank:
            if lines:
                yield offset, b"".join(lines)
            lines, offset = [], position
        elif line.startswith(b">") and line.lstrip(b">").startswith(b"From "):
            lines.append(line[1:])
        elif lines or line.strip() != b"":
            lines.append(line)
        position += len(line)
        previous_blank = line in (b"\n", b"\r\n")
    if lines:
        yield offset, b"".join(lines)


# A file that vanished between listing and reading: a client renamed it (new flags).
MOVED = "moved"
PARALLEL_MIN = 2000  # below this many new files, starting worker processes costs more than it saves


def read_file(folder: str, role: str, key: str, path: str, flags: frozenset[str]) -> MailRecord | Failure | str | None:
    """One message file as a record; a Failure when it cannot be read; ``MOVED`` when it is gone."""
    provider_id = f"{folder}/{key}"
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
    except FileNotFoundError:
        return MOVED
    except OSError as err:
        return Failure(provider_id, path, f"cannot read file: {err}")
    try:
        return parse_message(raw, provider_id=provider_id, folder=folder, folder_role=role, flags=flags)
    except ParseError as err:
        return Failure(provider_id, path, str(err))
    except Exception as err:  # the parser's bug must not stop the sync: quarantine it
        log.exception("unexpected error parsing %s", path)
        return Failure(provider_id, path, f"unexpected {type(err).__name__}: {err}")


def read_files(
    jobs: list[tuple[str, str, str, str, frozenset[str]]], digest: Callable[[MailRecord], Any] | None = None
) -> list[tuple[MailRecord | Failure | str | None, Any]]:
    """``(read_file, its digest)`` for each job, in order (what a worker process runs)."""
    items = [read_file(*job) for job in jobs]
    return [(item, _digested(item, digest)) for item in items]


def _digested(item: MailRecord | Failure | str | None, digest: Callable[[MailRecord], Any] | None) -> Any:
    """The caller's digest of a record read (None for anything else, or without a digest)."""
    return digest(item) if digest is not None and isinstance(item, MailRecord) else None


# A long-running process (the daemon) keeps the last listing of each settled new/ and
# cur/ directory: new mail changes one of them, and a big folder's other half (tens of
# thousands of names) is not read again while its mtime stays the same.
_LISTINGS: dict[str, tuple[int, dict[str, tuple[str, frozenset[str]]]]] = {}


def _list_sub(path: str) -> dict[str, tuple[str, frozenset[str]]]:
    try:
        mtime = os.stat(path).st_mtime_ns
    except FileNotFoundError:
        _LISTINGS.pop(path, None)
        return {}
    cached = _LISTINGS.get(path)
    if cached is not None and cached[0] == mtime:
        return cached[1]
    found: dict[str, tuple[str, frozenset[str]]] = {}
    try:
        entries = os.scandir(path)
    except FileNotFoundError:
        return {}
    with entries:
        for entry in entries:
            if entry.name.startswith("."):
                continue
            key, flags = split_name(entry.name)
            if "trashed" in flags:
                continue  # marked deleted, waiting to be expunged
            found[key] = (entry.path, flags)
    if time.time_ns() - mtime >= _UNTRUSTED_MTIME_NS:  # a directory changed just now may change again in the same tick
        if len(_LISTINGS) >= 512:  # a few mailboxes' worth; never grows without bound
            _LISTINGS.clear()
        _LISTINGS[path] = (mtime, found)
    else:
        _LISTINGS.pop(path, None)
    return found
