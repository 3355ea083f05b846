"""One IMAP connection: TLS, login, errors translated once, and the few raw commands
the connector needs.

Everything the IMAP connector asks of a server goes through :class:`Session`, so
provider errors become syncd's scopes in one place: refused credentials ->
``AuthError`` ("authentication failed for user@host"), a dropped or refused connection
or a timeout -> ``TransientError``, an untrusted certificate or a server that refuses
a command -> ``AccountError``.

Commands (RFC 3501 unless noted): ``EXAMINE`` (read-only select: syncing never
changes flags), ``UID SEARCH``, ``UID FETCH`` with ``BODY.PEEK[]`` (never sets
``\\Seen``), ``UID FETCH ... (CHANGEDSINCE m VANISHED)`` (RFC 7162 CONDSTORE/QRESYNC,
section 3.2.6), ``APPEND`` with ``APPENDUID`` and ``UID EXPUNGE`` (RFC 4315 UIDPLUS),
``LIST`` with SPECIAL-USE attributes (RFC 6154) and ``IDLE`` (RFC 2177).
imapclient's ``fetch`` keeps only the UIDs it was given as integers, so a UID *range*
(``1:*``) goes through :meth:`Session.fetch_range` instead.
"""

from __future__ import annotations

import logging
import re
import ssl
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientAbortError, IMAPClientError, LoginError
from imapclient.response_parser import parse_fetch_response

from connectors.tls_modes import IMAP_TLS_MODES
from syncd.errors import AccountError, AuthError, ConfigError, TransientError

log = logging.getLogger(__name__)

TLS_MODES = IMAP_TLS_MODES
DEFAULT_PORTS = {"imaps": 993, "starttls": 143, "none": 143}
_SEARCH_FLAGS = (("SEEN", "seen"), ("ANSWERED", "replied"), ("FLAGGED", "flagged"), ("DRAFT", "draft"), ("DELETED", "trashed"))
_APPENDUID = re.compile(rb"\[APPENDUID (\d+) (\d+)\]", re.I)
_UID_SET = re.compile(r"(\d+)(?::(\d+))?")


@dataclass(frozen=True)
class ServerSettings:
    host: str
    username: str
    port: int = 993
    tls: str = "imaps"
    cafile: str | None = None
    timeout: float = 60.0

    def __post_init__(self) -> None:
        if self.tls not in TLS_MODES:
            raise ConfigError(f"tls {self.tls!r}: expected one of {', '.join(TLS_MODES)}")

    @property
    def where(self) -> str:
        return f"{self.username}@{self.host}"


@dataclass(frozen=True)
class FolderState:
    """What ``EXAMINE`` tells about a folder."""

    uidvalidity: int
    uidnext: int
    exists: int
    highestmodseq: int | None  # None without CONDSTORE, or for a NOMODSEQ mailbox


@lru_cache(maxsize=8)
def tls_context(cafile: str | None) -> ssl.SSLContext:
    """Certificates and host names verified (the system's CAs, or ``cafile`` for a self-signed
    server); made once per process, as loading the system store takes a tenth of a second."""
    return ssl.create_default_context(cafile=cafile)


def uid_set(uids: Iterable[int]) -> str:
    """``1:3,7,9:10`` for [1, 2, 3, 7, 9, 10] (RFC 3501 sequence-set)."""
    ordered = sorted(set(uids))
    parts: list[str] = []
    start = prev = -1
    for uid in ordered:
        if uid == prev + 1:
            prev = uid
            continue
        if start >= 0:
            parts.append(f"{start}:{prev}" if prev > start else str(start))
        start = prev = uid
    if start >= 0:
        parts.append(f"{start}:{prev}" if prev > start else str(start))
    return ",".join(parts)


def parse_uid_set(text: str) -> set[int]:
    found: set[int] = set()
    for low, high in _UID_SET.findall(text):
        a, b = int(low), int(high or low)
        found.update(range(min(a, b), max(a, b) + 1))
    return found


def flag_names(flags: Iterable[bytes | str]) -> list[str]:
    return [f.decode("utf-8", "replace") if isinstance(f, bytes) else str(f) for f in flags]


class Session:
    """A logged-in connection. Use as a context manager; it logs out on exit."""

    def __init__(self, settings: ServerSettings, password: str) -> None:
        self.settings = settings
        self.selected: str | None = None
        with self.errors("connect"):
            context = tls_context(settings.cafile) if settings.tls != "none" else None
            self.client = IMAPClient(
                settings.host, port=settings.port, ssl=settings.tls == "imaps",
                ssl_context=context, timeout=settings.timeout,
            )
        try:
            with self.errors("log in"):
                if settings.tls == "starttls":
                    self.client.starttls(context)
                self.client.login(settings.username, password)
                self.capabilities = frozenset(c.decode().upper() for c in self.client.capabilities())
                if "QRESYNC" in self.capabilities and "ENABLE" in self.capabilities:
                    self.client.enable("QRESYNC")
                elif "CONDSTORE" in self.capabilities and "ENABLE" in self.capabilities:
                    self.client.enable("CONDSTORE")
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Log out; a connection that is already gone is simply dropped."""
        try:
            self.client.logout()
        except (IMAPClientError, OSError):
            with suppress(IMAPClientError, OSError):
                self.client.shutdown()

    @property
    def condstore(self) -> bool:
        return "ENABLE" in self.capabilities and bool({"CONDSTORE", "QRESYNC"} & self.capabilities)

    @property
    def qresync(self) -> bool:
        return "ENABLE" in self.capabilities and "QRESYNC" in self.capabilities

    @contextmanager
    def errors(self, what: str) -> Iterator[None]:
        """Translate one command's failure into syncd's error scopes."""
        where = f"{self.settings.host}:{self.settings.port}"
        try:
            yield
        except LoginError as err:
            raise AuthError(f"authentication failed for {self.settings.where}: {_server_text(err)}") from err
        except ssl.SSLCertVerificationError as err:
            raise AccountError(
                f"the certificate of {self.settings.host} is not trusted ({err.verify_message}); "
                "for a self-signed server pass its certificate with --cafile"
            ) from err
        except (TimeoutError, IMAPClientAbortError, OSError) as err:
            raise TransientError(f"IMAP connection to {where} lost during {what}: {err or type(err).__name__}") from err
        except IMAPClientError as err:
            raise AccountError(f"IMAP server {where} refused {what}: {_server_text(err)}") from err

    # -- folders ---------------------------------------------------------------

    def list_folders(self) -> list[tuple[str, frozenset[str], str]]:
        """(name, attributes such as ``\\Sent`` or ``\\Noselect``, hierarchy separator) per folder."""
        with self.errors("LIST"):
            listing = self.client.list_folders()
        found = []
        for flags, separator, name in listing:
            sep = separator.decode() if isinstance(separator, bytes) else (separator or "")
            found.append((str(name), frozenset(flag_names(flags)), sep))
        return found

    def examine(self, folder: str) -> FolderState:
        with self.errors(f"EXAMINE {folder}"):
            info = self.client.select_folder(folder, readonly=True)
        self.selected = folder
        return _folder_state(info)

    def select(self, folder: str) -> FolderState:
        with self.errors(f"SELECT {folder}"):
            info = self.client.select_folder(folder)
        self.selected = folder
        return _folder_state(info)

    # -- messages --------------------------------------------------------------

    def search(self, criteria: str) -> list[int]:
        with self.errors(f"UID SEARCH in {self.selected}"):
            return sorted(int(u) for u in self.client.search(criteria))

    def flags_by_search(self) -> dict[int, frozenset[str]]:
        """Every UID of the selected folder with its system flags (syncd's names), by one
        ``UID SEARCH`` per flag: flat lists of numbers, far cheaper than FETCH FLAGS of each."""
        everything = self.search("ALL")
        having = {name: set(self.search(key)) for key, name in _SEARCH_FLAGS}
        return {uid: frozenset(name for name, uids in having.items() if uid in uids) for uid in everything}

    def search_header(self, name: str, value: str, undeleted: bool = False) -> list[int]:
        """``UID SEARCH HEADER name value`` (a substring match, RFC 3501 6.4.4); ``undeleted``
        leaves out messages flagged ``\\Deleted`` but not yet expunged."""
        criteria = (["NOT", "DELETED"] if undeleted else []) + ["HEADER", name, value]
        with self.errors(f"UID SEARCH HEADER in {self.selected}"):
            return sorted(int(u) for u in self.client.search(criteria))

    def fetch(self, uids: Iterable[int], items: list[str]) -> dict[int, dict[bytes, Any]]:
        """``UID FETCH`` for explicit UIDs (the server may have expunged some: they are simply absent)."""
        return self.fetch_range(uid_set(uids), items)[0]

    def fetch_range(
        self, spec: str, items: list[str], modifiers: list[str] | None = None
    ) -> tuple[dict[int, dict[bytes, Any]], set[int]]:
        """``UID FETCH spec (items) (modifiers)``: the data by UID and the UIDs the server
        reported ``VANISHED (EARLIER)`` (RFC 7162 section 3.2.10, with QRESYNC only)."""
        if not spec:
            return {}, set()
        imap = self.client._imap  # imapclient keeps the raw imaplib connection here
        args = ["UID", "FETCH", spec, "(" + " ".join(items) + ")"]
        if modifiers:
            args.append("(" + " ".join(modifiers) + ")")
        with self.errors(f"UID FETCH in {self.selected}"):
            imap.untagged_responses.pop("VANISHED", None)
            tag = imap._command(*args)
            typ, data = imap._command_complete("FETCH", tag)
            if typ != "OK":
                raise IMAPClientError(f"UID FETCH failed: {data!r}")
            typ, data = imap._untagged_response(typ, data, "FETCH")
            parsed = parse_fetch_response(data, False, True)
            vanished: set[int] = set()
            for line in imap.untagged_responses.pop("VANISHED", []) or []:
                text = line.decode() if isinstance(line, bytes) else str(line)
                vanished |= parse_uid_set(text.replace("(EARLIER)", ""))
        return {int(uid): dict(item) for uid, item in parsed.items() if isinstance(uid, int)}, vanished

    def append(self, folder: str, raw: bytes, flags: list[str]) -> tuple[int, int] | None:
        """APPEND; (uidvalidity, uid) when the server says so (RFC 4315 APPENDUID)."""
        with self.errors(f"APPEND to {folder}"):
            reply = self.client.append(folder, raw, flags=[f.encode() for f in flags])
        found = _APPENDUID.search(reply if isinstance(reply, bytes) else str(reply).encode())
        return (int(found.group(1)), int(found.group(2))) if found else None

    def create(self, folder: str) -> None:
        with self.errors(f"CREATE {folder}"):
            self.client.create_folder(folder)

    def expunge_uid(self, uid: int) -> bool:
        """Remove one message by UID: ``UID EXPUNGE`` with UIDPLUS; without it, ``EXPUNGE``
        only when no other message is marked ``\\Deleted`` (which it would take too)."""
        with self.errors(f"remove UID {uid} from {self.selected}"):
            self.client.add_flags([uid], [b"\\Deleted"], silent=True)
            if "UIDPLUS" in self.capabilities:
                self.client.uid_expunge([uid])
                return True
            marked = {int(u) for u in self.client.search("DELETED")}
            if marked <= {uid}:
                self.client.expunge()
                return True
        log.warning("%s has other messages marked deleted: UID %s left marked \\Deleted", self.selected, uid)
        return False

    # -- push ------------------------------------------------------------------

    def idle(self, timeout: float) -> bool:
        """RFC 2177 IDLE on the selected folder for up to ``timeout`` seconds; True when it changed."""
        with self.errors(f"IDLE on {self.selected}"):
            self.client.idle()
            try:
                responses = self.client.idle_check(timeout=timeout)
            finally:
                self.client.idle_done()
        return any(len(r) > 1 and r[1] in (b"EXISTS", b"EXPUNGE", b"FETCH", b"VANISHED") for r in responses)

    def noop(self) -> None:
        with self.errors("NOOP"):
            self.client.noop()


def _server_text(err: Exception) -> str:
    """The server's words, without the ``b'...'`` imapclient wraps them in."""
    text = str(err)
    if len(text) > 2 and text[0] == "b" and text[1] in "'\"" and text.endswith(text[1]):
        text = text[2:-1]
    return text


def _folder_state(info: dict[bytes, Any]) -> FolderState:
    modseq = info.get(b"HIGHESTMODSEQ")
    if b"NOMODSEQ" in info:
        modseq = None
    return FolderState(
        uidvalidity=int(info.get(b"UIDVALIDITY", 0)),
        uidnext=int(info.get(b"UIDNEXT", 0)),
        exists=int(info.get(b"EXISTS", 0)),
        highestmodseq=int(modseq) if modseq is not None else None,
    )
