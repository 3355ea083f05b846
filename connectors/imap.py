"""IMAP mail (RFC 3501), with SMTP for the user's own briefing.

**Folders.** INBOX, the ``\\Sent`` folder (RFC 6154 SPECIAL-USE; by name where the
server has no special-use: "Sent", "Sent Items", "[Gmail]/Sent Mail") and the folders
named in ``folders`` (``"*"`` for all). Drafts, Trash and Junk are never read (unsent,
deleted and junk mail are not interactions); the virtual ``\\All``/``\\Flagged``/
``\\Important`` views (Gmail's "[Gmail]/All Mail") only when named, as they repeat
every other folder.

**Incremental sync** per folder, by its UIDVALIDITY and the next UID to read (the
cursor is JSON: ``{"folders": {name: {"uv", "next", "ms"}}}``). Provider ids are
``<folder>/<uidvalidity>/<uid>``. Flag changes and expunges:

* with CONDSTORE/QRESYNC (RFC 7162): ``UID FETCH 1:n (FLAGS) (CHANGEDSINCE ms
  VANISHED)`` returns only what changed since the saved HIGHESTMODSEQ; a folder whose
  UIDNEXT and HIGHESTMODSEQ did not move costs one EXAMINE;
* without: ``UID SEARCH ALL`` and one ``UID SEARCH`` per flag (SEEN, ANSWERED, FLAGGED,
  DRAFT, DELETED), diffed against ``known``: flat lists of numbers, cheap to send and parse.

A UIDVALIDITY change makes the folder's old ids meaningless: the folder is listed
again under its new UIDVALIDITY and every known id with the old one is deleted, in the
folder's *last* batch (so messages are re-attached before their old copies go, and a
crash halfway resumes cleanly: old-UIDVALIDITY ids are dropped whenever seen).
Bodies are fetched with ``BODY.PEEK[]`` (mail stays unread) in batches of at most
``BATCH`` messages or ``BATCH_BYTES``; each batch carries its cursor, and the
HIGHESTMODSEQ is saved only in a folder's last batch. ``\\Deleted`` messages count as
gone. A message the parser refuses becomes a ``Failure`` (quarantine), never the folder.

**Errors** (translated in ``imap_session``): refused login -> ``AuthError``; a dropped
connection -> ``TransientError``, retried here after ``RETRY_DELAYS`` from the last
applied batch, then left to the daemon's backoff.

**Drafts** are APPENDed to ``\\Drafts`` with ``\\Draft`` and removed with ``UID
EXPUNGE`` (RFC 4315 UIDPLUS). ``find_draft`` looks one up by ``UID SEARCH NOT DELETED
HEADER Message-ID`` and checks the header it finds (the search is a substring match),
so a draft the user deleted is seen as gone and a crash between APPEND and recording
it never leaves two copies (``connectors.imap_drafts``). **Push**: :meth:`ImapConnector.wait_for_changes` IDLEs
on INBOX (RFC 2177), or polls where the server has no IDLE.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import quote

from connectors.base import (
    DRAFTS,
    MAIL,
    SEND,
    Address,
    BaseConnector,
    Failure,
    FlagChange,
    MailBatch,
    MailRecord,
    OutgoingMail,
    flags_etag,
)
from connectors.imap_drafts import ImapDrafts
from connectors.imap_folders import (
    Known,
    choose_folders,
    dump_cursor,
    group_known,
    imap_flags,
    load_cursor,
    split_batches,
)
from connectors.imap_session import DEFAULT_PORTS, FolderState, ServerSettings, Session
from connectors.password import read_password
from connectors.smtp import DEFAULT_PORTS as SMTP_PORTS
from connectors.smtp import SmtpSettings
from connectors.smtp import send as smtp_send
from syncd.errors import AccountError, ItemError, TransientError, Unsupported
from syncd.mime import parse_message

if TYPE_CHECKING:
    from syncd.config import AccountConfig, Config

log = logging.getLogger(__name__)

BATCH = 200
BATCH_BYTES = 16 * 1024 * 1024
RETRY_DELAYS: tuple[float, ...] = (1.0, 4.0, 15.0)
POLL_SECONDS = 30.0  # INBOX polling interval without IDLE
IDLE_SECONDS = 25 * 60  # RFC 2177: re-issue IDLE at least every 29 minutes

class ImapConnector(ImapDrafts, BaseConnector):
    kind: ClassVar[str] = "imap"
    capabilities: ClassVar[frozenset[str]] = frozenset({MAIL, DRAFTS})

    def __init__(
        self, settings: ServerSettings, password: str, *, addresses: Iterable[str], folders: Iterable[str] = (),
        smtp: SmtpSettings | None = None, name: str = "",
    ) -> None:
        self.settings = settings
        self._password = password
        self.addresses = tuple(a.lower() for a in addresses)
        self.folders = tuple(folders)
        self.smtp = smtp
        self.name = name or settings.where
        if smtp is not None:
            self.capabilities = frozenset({MAIL, DRAFTS, SEND})  # type: ignore[misc]
        self._watch: Session | None = None
        self._inbox_seen: FolderState | None = None

    def __repr__(self) -> str:
        return f"ImapConnector({self.settings.where}:{self.settings.port}, tls={self.settings.tls})"

    @classmethod
    def from_config(cls, account: AccountConfig, config: Config) -> ImapConnector:
        options = account.options
        tls = options.get("tls", "imaps")
        settings = ServerSettings(
            host=options["host"], username=options["username"], tls=tls,
            port=int(options.get("port") or DEFAULT_PORTS.get(tls, 993)), cafile=options.get("cafile"),
        )
        smtp = None
        if options.get("smtp_host"):
            smtp_tls = options.get("smtp_tls", "starttls")
            smtp = SmtpSettings(
                host=options["smtp_host"], tls=smtp_tls, port=int(options.get("smtp_port") or SMTP_PORTS.get(smtp_tls, 587)),
                username=options.get("smtp_username", options["username"]), cafile=options.get("cafile"),
            )
        return cls(
            settings, read_password(options, account.name), addresses=account.addresses,
            folders=options.get("folders", ()), smtp=smtp, name=account.name,
        )

    def connect(self) -> Session:
        if self.settings.tls == "none" and self.settings.host not in ("127.0.0.1", "::1", "localhost"):
            log.warning("%s: logging in to %s without TLS", self.name, self.settings.host)
        return Session(self.settings, self._password)

    # -- sync ----------------------------------------------------------------

    def sync_mail(self, cursor: str | None, known: Mapping[str, str] | None = None) -> Iterator[MailBatch]:
        """Batches of what changed since ``cursor``. A connection that drops mid-sync is
        reopened after ``RETRY_DELAYS`` and the sync resumes from the last batch; a server
        that cannot be reached at all fails at once (the daemon backs off)."""
        state = load_cursor(cursor)
        by_folder = group_known(known or {})
        delays = iter(RETRY_DELAYS)
        connected = [False]
        while True:
            try:
                yield from self._sync_pass(state, by_folder, connected)
                return
            except TransientError as err:
                delay = next(delays, None) if connected[0] else None
                if delay is None:
                    raise
                log.warning("%s: %s; retrying in %.1fs", self.name, err, delay)
                time.sleep(delay)

    def _sync_pass(
        self, state: dict[str, dict[str, Any]], by_folder: dict[str, Known], connected: list[bool]
    ) -> Iterator[MailBatch]:
        """One connection's worth of sync. ``state`` and ``by_folder`` follow every batch
        yielded (and so applied), so a retry after a dropped connection resumes exactly."""
        with self.connect() as session:
            connected[0] = True
            folders = choose_folders(session.list_folders(), self.folders)
            present = {name for name, _ in folders}
            gone = sorted(
                f"{folder}/{uv}/{uid}"
                for folder, known_f in by_folder.items() if folder not in present
                for uv, uids in known_f.items() for uid in uids
            )
            for folder in [f for f in state if f not in present]:
                del state[folder]
            if gone:
                yield MailBatch(deleted=tuple(gone), cursor=dump_cursor(state))
                for folder in [f for f in by_folder if f not in present]:
                    del by_folder[folder]
            for folder, role in folders:
                yield from self._sync_folder(session, folder, role, state, by_folder.setdefault(folder, {}))

    def _sync_folder(
        self, session: Session, folder: str, role: str, state: dict[str, dict[str, Any]], known_f: Known
    ) -> Iterator[MailBatch]:
        try:
            info = session.examine(folder)
        except AccountError as err:  # listed but not selectable now: keep what we have
            log.warning("%s: skipping folder %s: %s", self.name, folder, err)
            return
        if folder.upper() == "INBOX":
            self._inbox_seen = info
        uv = info.uidvalidity
        before = state.get(folder)
        entry: dict[str, Any] = dict(before) if before and before.get("uv") == uv else {"uv": uv, "next": 1, "ms": None}
        if before and before.get("uv") != uv:
            log.warning("%s: UIDVALIDITY of %s changed (%s -> %s): listing it again", self.name, folder, before.get("uv"), uv)
        stale = [(old, uid) for old, uids in known_f.items() if old != uv for uid in uids]
        known_now = known_f.setdefault(uv, {})
        start, modseq = int(entry["next"]), entry.get("ms")
        condstore = session.condstore and modseq is not None and info.highestmodseq is not None
        if condstore and not stale and info.highestmodseq == modseq and info.uidnext == start:
            return  # RFC 7162 section 3.1: nothing was added, flagged or expunged
        deleted: set[int] = set()
        listed: dict[int, frozenset[str]] = {}  # UID -> flags, of what may have changed
        sizes: dict[int, int] = {}
        if info.exists == 0:
            deleted = set(known_now)
        elif condstore:
            modifiers = [f"CHANGEDSINCE {modseq}"] + (["VANISHED"] if session.qresync else [])
            changed, vanished = ({}, set()) if start <= 1 else session.fetch_range(f"1:{start - 1}", ["FLAGS", "RFC822.SIZE"], modifiers)
            if not session.qresync and start > 1:
                vanished = set(known_now) - set(session.search(f"UID 1:{start - 1}"))
            fresh, _ = session.fetch_range(f"{start}:*", ["FLAGS", "RFC822.SIZE"])
            items = {**changed, **{u: d for u, d in fresh.items() if u >= start}}
            listed = {u: imap_flags(d.get(b"FLAGS", ())) for u, d in items.items()}
            sizes = {u: int(d.get(b"RFC822.SIZE", 0) or 0) for u, d in items.items()}
            deleted = vanished & set(known_now)
        else:  # no CONDSTORE: every UID and its flags, by a UID SEARCH per flag
            listed = session.flags_by_search()
            deleted = set(known_now) - set(listed)
        changes: dict[int, frozenset[str]] = {}
        todo: list[int] = []
        for uid, flags in listed.items():
            if uid in known_now:
                if "trashed" in flags:
                    deleted.add(uid)
                elif known_now[uid] != flags_etag(flags):
                    changes[uid] = flags
            elif "trashed" not in flags:
                todo.append(uid)
        if todo and not sizes:
            sizes = {u: int(d.get(b"RFC822.SIZE", 0) or 0) for u, d in session.fetch(todo, ["RFC822.SIZE"]).items()}
        last = max([start - 1, *listed]) + 1
        final = {"uv": uv, "next": max(info.uidnext, last), "ms": info.highestmodseq if session.condstore else None}
        groups = split_batches(sorted(todo), sizes, BATCH, BATCH_BYTES)
        tail = bool(deleted or changes or stale)
        if not groups and not tail and final == before:
            return
        for number, group in enumerate(groups):
            records, failures = self._fetch(session, folder, role, uv, group)
            if number == len(groups) - 1 and not tail:
                state[folder] = final
            else:
                state[folder] = entry = {**entry, "next": max(int(entry["next"]), group[-1] + 1)}
            yield MailBatch(records=tuple(records), failures=tuple(failures), cursor=dump_cursor(state))
            for record in records:
                known_now[int(record.provider_id.rsplit("/", 1)[1])] = flags_etag(record.flags)
        if tail or not groups:
            # Removals come after the additions, in their own batch: a message that only
            # changed its id (new UIDVALIDITY) keeps its row and everything derived from it.
            state[folder] = final
            yield MailBatch(
                deleted=tuple([f"{folder}/{old}/{uid}" for old, uid in stale] + [f"{folder}/{uv}/{u}" for u in sorted(deleted)]),
                flag_changes=tuple(FlagChange(f"{folder}/{uv}/{u}", f) for u, f in sorted(changes.items())),
                cursor=dump_cursor(state),
            )
            for uid in deleted:
                known_now.pop(uid, None)
            for uid, flags in changes.items():
                known_now[uid] = flags_etag(flags)
            for old in [u for u in known_f if u != uv]:
                del known_f[old]

    def _fetch(
        self, session: Session, folder: str, role: str, uv: int, uids: list[int]
    ) -> tuple[list[MailRecord], list[Failure]]:
        """Bodies for ``uids`` (``BODY.PEEK[]``: nothing is marked read), parsed; one bad message is one Failure."""
        if not uids:
            return [], []
        try:
            data = session.fetch(uids, ["BODY.PEEK[]", "FLAGS"])
        except AccountError as refused:  # the server refused the batch: find the message it chokes on
            data = {uids[0]: {b"ERROR": str(refused)}} if len(uids) == 1 else {}
            for uid in uids if len(uids) > 1 else ():
                try:
                    data.update(session.fetch([uid], ["BODY.PEEK[]", "FLAGS"]))
                except AccountError as err:
                    data[uid] = {b"ERROR": str(err)}
        records: list[MailRecord] = []
        failures: list[Failure] = []
        for uid in uids:
            item = data.get(uid)
            if item is None:
                continue  # expunged since it was listed
            provider_id = f"{folder}/{uv}/{uid}"
            flags = imap_flags(item.get(b"FLAGS", ()))
            if "trashed" in flags:
                continue
            raw = item.get(b"BODY[]")
            source = f"imap://{quote(self.settings.username)}@{self.settings.host}/{quote(folder)};UIDVALIDITY={uv}/;UID={uid}"
            try:
                if not isinstance(raw, bytes):
                    raise ItemError(str(item.get(b"ERROR", "the server returned no body")))
                records.append(parse_message(raw, provider_id=provider_id, folder=folder, folder_role=role, flags=flags))
            except ItemError as err:
                failures.append(Failure(provider_id, source, str(err)))
            except Exception as err:  # the parser's bug must not stop the sync: quarantine it
                log.exception("unexpected error parsing %s", source)
                failures.append(Failure(provider_id, source, f"unexpected {type(err).__name__}: {err}"))
        return records, failures

    # -- send ----------------------------------------------------------------

    def send(self, mail: OutgoingMail) -> None:
        """Send the user's own mail (the briefing) by SMTP; any other recipient is refused."""
        if self.smtp is None:
            raise Unsupported(f"account {self.name} has no smtp_host: cannot send")
        sender = Address(self.addresses[0] if self.addresses else self.settings.username)
        smtp_send(self.smtp, self._password, mail, sender, frozenset(self.addresses))

    # -- push ----------------------------------------------------------------

    def wait_for_changes(self, timeout: float) -> bool:
        """Block until INBOX changes (True) or ``timeout`` seconds pass (False).

        IDLE (RFC 2177) where offered, else polling every ``POLL_SECONDS``. A change
        since the last sync looked at INBOX returns at once. The connection is kept
        for the next call; :meth:`close` ends it.
        """
        deadline = time.monotonic() + timeout
        for attempt in (1, 2):
            reused = self._watch is not None
            try:
                return self._wait(deadline)
            except TransientError:
                self.close()
                if attempt == 2 or not reused:
                    raise
                log.info("%s: the IDLE connection was dropped; reconnecting", self.name)
        return False  # not reached

    def _wait(self, deadline: float) -> bool:
        if self._watch is None:
            self._watch = self.connect()
        watch = self._watch
        state = watch.examine("INBOX")
        if self._inbox_seen is not None and state != self._inbox_seen:
            return True
        while (remaining := deadline - time.monotonic()) > 0:
            if "IDLE" in watch.capabilities:
                if watch.idle(min(remaining, IDLE_SECONDS)):
                    return True
                continue
            time.sleep(min(POLL_SECONDS, remaining))
            if watch.examine("INBOX") != state:
                return True
        return False

    def close(self) -> None:
        if self._watch is not None:
            self._watch.close()
            self._watch = None
