"""The .ics connector: one calendar file, a folder of them (a vdir), or an http(s) URL.

Read-only and calendar-only. Changes are found the cheap way: files by (mtime_ns, size),
URLs by ETag / Last-Modified (conditional GET, RFC 9110 13.1) and a hash of the body.
Only new or changed files are read; what an .ics file means is worked out in
``connectors.ical_convert``.

Provider ids. A one-file or URL account uses the ids of ``EventRecord``: ``UID`` for a
single event, ``UID/<RECURRENCE-ID in UTC, 2024-03-05T09:00:00Z>`` for an occurrence.
A folder account prefixes them with the file's path inside the folder, ``work/a.ics/UID``,
so the same UID in two files never collides and every stored id names its file: a file
that changed or vanished is diffed against ``known`` by that prefix (no file path can be
another's path plus "/", so the prefix is unambiguous).

Cursor (JSON, opaque to the rest of syncd)::

    {"v": 1, "mode": "folder", "source": "/home/me/cal",
     "window": ["2024-01-01T00:00:00+00:00", "2024-07-01T00:00:00+00:00"],
     "files": {"work/a.ics": [1712345678901234567, 2048]}}          # file, folder
    {..., "mode": "url", "http": {"etag": "\\"x\\"", "last_modified": "...", "sha256": "..."}}

Runs:

* No cursor, another source, or a moved window (recurrences shift): a full listing.
  Every file is read; batches have ``full=True``; the last has ``complete=True`` when
  nothing failed (a file or event that failed must keep its stored copy, so the listing
  is then not complete and deletions come only from ``known``).
* Otherwise incremental: only new/changed files are read, removed files' ids are deleted.
  Deletions need ``known``; without it a run that sees changes becomes a full listing.
* Nothing changed (or HTTP 304): no batch at all.

Quarantine: a file that does not parse at all is one ``Failure`` whose id and source are
its path (its URL). No record carries that id, so once the file reads again (or is
removed) its path goes in the batch's ``cleared`` and ingest lets the failure go.

Batches hold up to ``batch_size`` records or 100 files; a file's cursor entry advances
only in the batch that carries its last record, so a crash re-reads it (idempotently).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from connectors.base import CALENDAR, BaseConnector, EventBatch, EventRecord, Failure, Window
from connectors.ical_convert import MAX_OCCURRENCES, Converted, Document, convert
from syncd.errors import AccountError, AuthError, ConfigError, TransientError

if TYPE_CHECKING:
    from syncd.config import AccountConfig, Config

log = logging.getLogger(__name__)

CURSOR_VERSION = 1
FILES_PER_BATCH = 100


@dataclass(frozen=True)
class _Unit:
    """One calendar document: a file or the URL."""

    key: str  # cursor key: path inside the folder, or the file/URL name
    prefix: str  # provider-id prefix: "" for one-document accounts, else key + "/"
    signature: list[int]  # [mtime_ns, size]; [] for the URL
    path: Path | None = None


@dataclass
class _Run:
    """Everything pending for the next batch, and the cursor that goes with it."""

    cursor: dict[str, Any]
    full: bool
    window: Window
    records: list[EventRecord] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    files: int = 0
    seen: set[str] = field(default_factory=set)
    failed: set[str] = field(default_factory=set)  # events that failed: keep stored copies
    kept: list[str] = field(default_factory=list)  # id prefixes of files that could not be read
    cleared: list[str] = field(default_factory=list)  # files (URL) read again, or gone

    def batch(self, *, complete: bool = False) -> EventBatch:
        out = EventBatch(
            records=tuple(self.records),
            deleted=tuple(dict.fromkeys(self.deleted)),
            failures=tuple(self.failures),
            cursor=json.dumps(self.cursor, sort_keys=True),
            full=self.full,
            complete=complete,
            cleared=tuple(dict.fromkeys(self.cleared)),
        )
        self.records, self.deleted, self.failures, self.cleared, self.files = [], [], [], [], 0
        return out


class IcsConnector(BaseConnector):
    """Calendar from .ics files or a URL. ``default_tz`` (an IANA name, default "UTC")
    is the zone floating times are read in; syncd passes the user's zone from config."""

    kind: ClassVar[str] = "ics"
    capabilities: ClassVar[frozenset[str]] = frozenset({CALENDAR})

    def __init__(
        self,
        path: str,
        *,
        name: str = "",
        http_timeout: float = 30.0,
        default_tz: str = "UTC",
        max_occurrences: int = MAX_OCCURRENCES,
        batch_size: int = 500,
    ) -> None:
        try:
            self.default_tz = ZoneInfo(default_tz)
        except (ZoneInfoNotFoundError, ValueError) as err:
            raise ConfigError(f"unknown time zone {default_tz!r} for ics account") from err
        scheme = urlsplit(path).scheme.lower()
        self.url = "https" + path[6:] if scheme == "webcal" else path
        self.is_url = scheme in ("http", "https", "webcal")
        self.path = None if self.is_url else Path(path).expanduser()
        self.source = self.url if self.is_url else str(self.path)
        self.name = name or self.source
        self.http_timeout = http_timeout
        self.max_occurrences = max_occurrences
        self.batch_size = batch_size

    @classmethod
    def from_config(cls, account: AccountConfig, config: Config) -> IcsConnector:
        tz = account.options.get("timezone") or config.timezone_name
        return cls(account.options["path"], name=account.name, default_tz=tz)

    # -- the sync -------------------------------------------------------------------

    def sync_calendar(
        self, cursor: str | None, window: Window, known: Mapping[str, str] | None = None
    ) -> Iterator[EventBatch]:
        mode = "url" if self.is_url else "folder" if self.path and self.path.is_dir() else "file"
        old = _load(cursor)
        span = [_iso(window.start), _iso(window.end)]
        same = bool(old) and (old.get("mode"), old.get("source")) == (mode, self.source)
        full = not same or old.get("window") != span
        base = {"v": CURSOR_VERSION, "mode": mode, "source": self.source}
        if mode == "url":
            yield from self._sync_url(old if same else {}, base, span, full, window, known)
            return
        units = self._scan(mode)
        old_files: dict[str, list[int]] = dict(old.get("files", {})) if same else {}
        removed = sorted(set(old_files) - set(units))
        changed = [k for k in sorted(units) if old_files.get(k) != units[k].signature]
        if not full and not changed and not removed:
            return
        if not full and known is None:
            log.info("%s: changed, but no known ids to diff with: full listing", self.name)
            full = True
        todo = sorted(units) if full else changed
        # Intermediate cursors keep the old window: after a crash, a full listing restarts.
        cursor_now = dict(base, window=old.get("window") if same else None, files=old_files)
        run = _Run(cursor_now, full, window)
        index = _index(known, set(units) | set(old_files), mode)
        if removed:
            for key in removed:
                del old_files[key]
                run.deleted += index.get(key, [])
                run.cleared.append(str(Path(self.source, key)))  # a folder's file (a lone file cannot go)
            yield run.batch()
        for key in todo:
            yield from self._file(units[key], run, index)
        yield from self._finish(run, span, known)

    def _file(self, unit: _Unit, run: _Run, index: dict[str, list[str]]) -> Iterator[EventBatch]:
        assert unit.path is not None
        try:
            data = unit.path.read_bytes()
        except OSError as err:  # vanished or unreadable: report, keep its events, retry later
            run.failures.append(Failure(str(unit.path), str(unit.path), f"cannot read: {err}"))
            run.kept.append(unit.prefix)
            return
        result = self._convert(data, unit, run.window, str(unit.path))
        yield from self._apply(result, unit, run, index.get(unit.key, []), str(unit.path))
        run.cursor["files"][unit.key] = unit.signature
        run.files += 1
        if run.files >= FILES_PER_BATCH or len(run.records) >= self.batch_size:
            yield run.batch()

    def _apply(
        self, result: Converted, unit: _Unit, run: _Run, known_ids: list[str], source: str
    ) -> Iterator[EventBatch]:
        """Queue one document's records, cancellations and the ids it no longer has; a
        document that reads (even in part) clears the failures of its source not repeated."""
        ids = {r.provider_id for r in result.records}
        for record in result.records:
            run.records.append(record)
            if len(run.records) >= self.batch_size:
                yield run.batch()  # this unit's cursor entry is not advanced yet
        run.seen |= ids
        run.deleted += result.cancelled
        run.failures += result.failures
        run.failed |= result.failed
        if not result.intact:
            run.kept.append(unit.prefix)
            return
        run.cleared.append(source)
        run.deleted += [pid for pid in known_ids if pid not in ids and not _covered(pid, run)]

    def _finish(
        self, run: _Run, span: list[str], known: Mapping[str, str] | None
    ) -> Iterator[EventBatch]:
        run.cursor["window"] = span
        if run.full and known is not None:  # ids no file accounts for any more
            run.deleted += [pid for pid in known if pid not in run.seen and not _covered(pid, run)]
        # Complete means "everything not listed is gone", untrue while a failure keeps copies.
        yield run.batch(complete=run.full and not (run.failed or run.kept))

    def _convert(self, data: bytes, unit: _Unit, window: Window, source: str) -> Converted:
        name = PurePosixPath(unit.key)
        start, end = (_aware(t) for t in (window.start, window.end))
        label = name.stem or name.name
        doc = Document(source, name.name, label, start, end, unit.prefix, self.default_tz,
                       self.max_occurrences)  # fmt: skip
        return convert(data, doc)

    # -- files ----------------------------------------------------------------------

    def _scan(self, mode: str) -> dict[str, _Unit]:
        assert self.path is not None
        if mode == "file":
            if not self.path.is_file():
                raise AccountError(f"{self.path} is neither an .ics file nor a folder")
            return {self.path.name: _unit(self.path, self.path.name, "")}
        units: dict[str, _Unit] = {}
        for folder, dirs, files in os.walk(self.path, onerror=None):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for file_name in files:
                if file_name.lower().endswith(".ics") and not file_name.startswith("."):
                    path = Path(folder, file_name)
                    key = path.relative_to(self.path).as_posix()
                    try:
                        units[key] = _unit(path, key, key + "/")
                    except OSError:  # vanished between listing and stat
                        continue
        return units

    # -- URL ------------------------------------------------------------------------

    def _sync_url(
        self,
        old: dict[str, Any],
        base: dict[str, Any],
        span: list[str],
        full: bool,
        window: Window,
        known: Mapping[str, str] | None,
    ) -> Iterator[EventBatch]:
        http = dict(old.get("http", {}))
        headers = {"User-Agent": "syncd", "Accept": "text/calendar, */*;q=0.5"}
        if not full and http.get("etag"):
            headers["If-None-Match"] = http["etag"]
        if not full and http.get("last_modified"):
            headers["If-Modified-Since"] = http["last_modified"]
        fetched = self._fetch(headers)
        if fetched is None:
            log.debug("%s: 304 Not Modified", self.name)
            return
        body, etag, last_modified = fetched
        digest = hashlib.sha256(body).hexdigest()
        fresh = {"etag": etag, "last_modified": last_modified, "sha256": digest}
        run = _Run(dict(base, window=old.get("window"), http=http), full or known is None, window)
        if not run.full and digest == http.get("sha256"):
            if fresh != http:  # same calendar, new validators: remember them
                run.cursor["http"] = fresh
                yield from self._finish(run, span, known)
            return
        unit = _Unit(PurePosixPath(urlsplit(self.url).path).name or self.url, "", [])
        result = self._convert(body, unit, window, self.url)
        yield from self._apply(result, unit, run, list(known or ()), self.url)
        run.cursor["http"] = fresh
        yield from self._finish(run, span, known)

    def _fetch(self, headers: dict[str, str]) -> tuple[bytes, str, str] | None:
        """GET the URL; None on 304. HTTP trouble becomes syncd's error tree."""
        request = urllib.request.Request(self.url, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=self.http_timeout) as response:
                body: bytes = response.read()
                reply = response.headers
                return body, reply.get("ETag", ""), reply.get("Last-Modified", "")
        except urllib.error.HTTPError as err:
            if err.code == 304:
                return None
            message = f"{self.url}: HTTP {err.code} {err.reason}"
            if err.code in (401, 403):
                raise AuthError(message) from err
            if err.code in (408, 425, 429) or err.code >= 500:
                raise TransientError(message) from err
            raise AccountError(message) from err
        except (urllib.error.URLError, TimeoutError, OSError) as err:
            raise TransientError(f"{self.url}: {err}") from err


def _unit(path: Path, key: str, prefix: str) -> _Unit:
    info = path.stat()
    return _Unit(key, prefix, [info.st_mtime_ns, info.st_size], path)


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def _iso(value: dt.datetime) -> str:
    return _aware(value).isoformat()


def _load(cursor: str | None) -> dict[str, Any]:
    """The cursor as a dict; {} (a full listing) when absent, foreign or corrupt."""
    if not cursor:
        return {}
    try:
        state = json.loads(cursor)
    except ValueError:
        log.warning("ics cursor is not JSON; starting over")
        return {}
    return state if isinstance(state, dict) and state.get("v") == CURSOR_VERSION else {}


def _index(known: Mapping[str, str] | None, keys: set[str], mode: str) -> dict[str, list[str]]:
    """Known provider ids grouped by the file they came from."""
    if not known:
        return {}
    if mode == "file":
        return {key: list(known) for key in keys}
    grouped: dict[str, list[str]] = {}
    for pid in known:
        cut = pid.find("/")
        while cut != -1:
            if pid[:cut] in keys:
                grouped.setdefault(pid[:cut], []).append(pid)
                break
            cut = pid.find("/", cut + 1)
    return grouped


def _covered(pid: str, run: _Run) -> bool:
    """Whether pid belongs to an event or file that failed this time (its copy is kept)."""
    return (
        pid in run.failed
        or any(pid.startswith(base + "/") for base in run.failed)
        or any(pid.startswith(prefix) for prefix in run.kept)
    )
