"""Knowing sooner than the interval: file watches, push from servers, and coalescing.

* Local sources are watched with watchdog (inotify on Linux): a Maildir's ``new/`` and
  ``cur/`` folders (recursively, so a new Maildir++ folder is seen too), an mbox or
  ``.ics`` file (through its parent folder, since editors and mail tools replace files
  by renaming), a folder of ``.ics`` files, and ``config.toml``. Only events that change
  something count (created, deleted, moved, modified, closed after writing): syncd's own
  reads open files and must not wake it again.
* A connector that offers ``wait_for_changes(timeout) -> bool`` (IMAP IDLE, RFC 2177)
  gets a thread of its own that waits on the server and backs off when it fails.
* Changes arrive in bursts (a mail client moving 500 messages, an editor's save dance):
  ``Coalescer`` turns each burst into one call, ``quiet`` seconds after the last event
  or ``longest`` seconds after the first, whichever comes first.

Debouncing works in real (monotonic) time, not the daemon's clock: it is about how
files land on a disk, not about when things are due.

https://python-watchdog.readthedocs.io/en/stable/api.html
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from connectors.base import DRAFTS_ROLE, SPAM, TRASH
from connectors.maildir import folder_role
from syncd.config import AccountConfig, Config
from syncd.errors import AuthError

log = logging.getLogger(__name__)

_UNREAD = frozenset({DRAFTS_ROLE, TRASH, SPAM})  # the Maildir folders a sync skips
CHANGES = frozenset({"created", "deleted", "moved", "modified", "closed"})
PUSH_TIMEOUT = 60.0  # each wait on the server; a stopped watcher is gone within this
PUSH_BACKOFF_CAP = 300.0


class Coalescer:
    """Calls ``fire(key)`` once per burst of ``touch(key)`` calls."""

    def __init__(self, fire: Callable[[str], None], quiet: float = 0.25, longest: float = 1.0) -> None:
        self._fire = fire
        self.quiet = quiet
        self.longest = longest
        self._pending: dict[str, tuple[float, float]] = {}  # key -> (first, last) event time
        self._cond = threading.Condition()
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="coalescer", daemon=True)
        self._thread.start()

    def touch(self, key: str) -> None:
        now = time.monotonic()
        with self._cond:
            first, _ = self._pending.get(key, (now, now))
            self._pending[key] = (first, now)
            self._cond.notify()

    def _due(self, first: float, last: float) -> float:
        return min(last + self.quiet, first + self.longest)

    def _run(self) -> None:
        while True:
            with self._cond:
                if self._closed:
                    return
                now = time.monotonic()
                ready = [k for k, (first, last) in self._pending.items() if self._due(first, last) <= now]
                for key in ready:
                    del self._pending[key]
                if not ready:
                    wait = min((self._due(f, la) for f, la in self._pending.values()), default=None)
                    self._cond.wait(None if wait is None else max(0.0, wait - now))
                    continue
            for key in ready:
                try:
                    self._fire(key)
                except Exception:  # a callback's bug must not end the watching
                    log.exception("change callback for %s failed", key)

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify()
        self._thread.join(timeout=2)


class _Handler(FileSystemEventHandler):
    def __init__(self, key: str, matches: Callable[[str, bool], bool], touch: Callable[[str], None]) -> None:
        self.key = key
        self.matches = matches
        self.touch = touch

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type not in CHANGES or (event.is_directory and event.event_type == "modified"):
            return  # a folder's "modified" only echoes the change of an entry, which comes too
        for path in (event.src_path, getattr(event, "dest_path", "")):
            if path and self.matches(str(path), event.is_directory):
                log.debug("%s: %s %s", self.key, event.event_type, path)
                self.touch(self.key)
                return


def _maildir_change(path: str, is_dir: bool) -> bool:
    parts = Path(path).parts
    if "tmp" in parts[-2:]:
        return False  # still being delivered; the rename into new/ follows
    if any(p.startswith(".") and folder_role(p[1:].replace(".", "/")) in _UNREAD for p in parts):
        return False  # Drafts (where syncd itself puts drafts), Trash, Junk: never synced
    return is_dir or (len(parts) >= 2 and parts[-2] in ("new", "cur"))


def _ics_change(path: str, is_dir: bool) -> bool:
    return is_dir or path.lower().endswith(".ics")


def plan(account: AccountConfig) -> tuple[Path, bool, Callable[[str, bool], bool]] | None:
    """What to watch for an account: (folder, recursive, which events count), or None."""
    raw = str(account.options.get("path", ""))
    if account.kind not in ("maildir", "ics") or not raw or raw.startswith(("http://", "https://")):
        return None
    target = Path(raw).expanduser().absolute()
    if target.is_file():
        name = str(target)
        return target.parent, False, lambda path, is_dir: path == name
    if not target.is_dir():
        return None
    return target, True, _maildir_change if account.kind == "maildir" else _ics_change


class Watches:
    """The file watches of one configuration: ``arm`` an account, ``watch_file`` config.toml."""

    def __init__(self, on_change: Callable[[str], None], quiet: float = 0.25, longest: float = 1.0) -> None:
        self.coalescer = Coalescer(on_change, quiet, longest)
        self.observer: Any = Observer()
        self.observer.daemon = True
        self.observer.start()
        self.armed: set[str] = set()

    def arm(self, account: AccountConfig) -> bool:
        """Watch an account's files; False when there is nothing (yet) to watch."""
        if account.name in self.armed:
            return True
        found = plan(account)
        if found is None:
            return False
        folder, recursive, matches = found
        try:
            self.observer.schedule(_Handler(account.name, matches, self.coalescer.touch), str(folder), recursive=recursive)
        except OSError as err:  # e.g. the inotify watch limit; the interval still syncs it
            log.warning("cannot watch %s for %s: %s; syncing on its interval only", folder, account.name, err)
            return False
        self.armed.add(account.name)
        log.debug("watching %s%s for %s", folder, " (recursive)" if recursive else "", account.name)
        return True

    def watch_file(self, key: str, file: Path) -> None:
        name = str(file.absolute())
        with contextlib.suppress(OSError):
            file.parent.mkdir(parents=True, exist_ok=True)
            self.observer.schedule(_Handler(key, lambda path, is_dir: path == name, self.coalescer.touch), str(file.parent))

    def close(self) -> None:
        self.observer.stop()
        self.observer.join(timeout=2)
        self.coalescer.close()


def has_push(account: AccountConfig) -> bool:
    """Whether the account's connector can wait for changes on its server (IMAP IDLE)."""
    import importlib

    from syncd.sync import REGISTRY

    target = REGISTRY.get(account.kind)
    if target is None:
        return False
    module, _, name = target.partition(":")
    try:
        cls = getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        return False
    return callable(getattr(cls, "wait_for_changes", None))


class PushWatcher:
    """A thread that waits on one account's server and calls ``on_change(name)`` on news."""

    def __init__(self, account: AccountConfig, config: Config, on_change: Callable[[str], None], timeout: float = PUSH_TIMEOUT) -> None:
        self.account = account
        self.config = config
        self.on_change = on_change
        self.timeout = timeout
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, name=f"push-{account.name}", daemon=True)

    def start(self) -> PushWatcher:
        self.thread.start()
        return self

    def stop(self) -> None:
        """Ask the thread to end; it does after its current wait (at most ``timeout``)."""
        self.stopped.set()

    def _run(self) -> None:
        from syncd.sync import connector_for

        delay = 1.0
        connector: Any = None
        while not self.stopped.is_set():
            try:
                if connector is None:
                    connector = connector_for(self.account, self.config)
                changed = connector.wait_for_changes(self.timeout)
                delay = 1.0
                if changed and not self.stopped.is_set():
                    self.on_change(self.account.name)
            except AuthError as err:
                log.info("%s: no push while the login is refused: %s", self.account.name, err)
                break
            except Exception as err:  # the server went away: wait, then try again
                log.info("%s: waiting for changes failed (%s); again in %.0fs", self.account.name, err, delay)
                _close(connector)
                connector = None
                self.stopped.wait(delay)
                delay = min(delay * 2, PUSH_BACKOFF_CAP)
        _close(connector)


def _close(connector: Any) -> None:
    if connector is not None and hasattr(connector, "close"):
        with contextlib.suppress(Exception):
            connector.close()
