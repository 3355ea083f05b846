"""One pass over the accounts: sync each, then everything derived.

Errors are handled by scope: an item that cannot be read is quarantined by its
connector; an expired cursor restarts that stream with a full, idempotent resync;
a calendar that cannot be read (a scope not granted, say) is that stream's problem
only: mail still syncs, and the problem is reported (``warnings``, the account's
last error); anything else stops this account only (recorded on the account, shown
by ``syncd status``) and the next account goes on.

The calendar is synced before the mail: on a first sync the mail backfill can take
hours, and the coming week's meetings are what a briefing needs first.
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib
import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from connectors.base import CALENDAR, MAIL, Connector, Window
from syncd import identity, store
from syncd.config import AccountConfig, Config
from syncd.digest import digest
from syncd.errors import AuthError, CursorExpired, SyncdError
from syncd.ingest import CALENDAR as CAL_STREAM
from syncd.ingest import MAIL as MAIL_STREAM
from syncd.ingest import Counts, Ingestor
from syncd.meetings import derive_started_meetings

log = logging.getLogger(__name__)

# Accounts may sync in threads of their own (the daemon): the store is written by one
# of them at a time, and an account lets go of the lock only while its connector fetches.
STORE_LOCK = threading.RLock()

# A lazy registry from the config's ``kind`` to the connector class.
REGISTRY = {
    "maildir": "connectors.maildir:MaildirConnector",
    "ics": "connectors.ics:IcsConnector",
    "imap": "connectors.imap:ImapConnector",
    "gmail": "connectors.gmail:GmailConnector",
    "outlook": "connectors.graph:GraphConnector",
}


def connector_for(account: AccountConfig, config: Config) -> Connector:
    """Each connector class builds itself from its account's options
    (``from_config(account, config)``), so adding a kind touches one module and one line here."""
    if account.kind not in REGISTRY:
        raise SyncdError(f"no connector for kind {account.kind!r}")
    module_name, _, class_name = REGISTRY[account.kind].partition(":")
    cls: Any = getattr(importlib.import_module(module_name), class_name)
    return cls.from_config(account, config)


def window_for(now: dt.datetime, config: Config) -> Window:
    """Day-aligned, so the window moves once a day, not on every sync."""
    past, future = config.window_days
    today = dt.datetime.combine(now.astimezone(dt.UTC).date(), dt.time(), dt.UTC)
    return Window(today - dt.timedelta(days=past), today + dt.timedelta(days=future + 1))


@dataclass
class AccountResult:
    name: str
    kind: str
    mail: Counts = field(default_factory=Counts)
    calendar: Counts = field(default_factory=Counts)
    error: str = ""
    seconds: float = 0.0
    auth_failed: bool = False  # stop this account until the user re-authenticates
    warnings: list[str] = field(default_factory=list)  # a stream that failed while the others synced

    @property
    def total(self) -> Counts:
        total = Counts()
        total += self.mail
        total += self.calendar
        return total


Progress = Callable[[str, Counts], None]


# What to do when an account's credentials are refused, by kind (OAuth kinds: `syncd auth`).
AUTH_HINTS = {"imap": "check the account's password file or variable, then reload"}


def ensure_account(account: AccountConfig, now: dt.datetime) -> store.Account:
    row, created = store.Account.get_or_create(name=account.name, defaults={"kind": account.kind, "created": now})
    if not created and row.kind != account.kind:
        row.kind = account.kind
        row.save()
    return row


def sync_account(
    account: AccountConfig, config: Config, now: dt.datetime,
    progress: Progress | None = None, should_stop: Callable[[], bool] = lambda: False,
) -> AccountResult:
    with STORE_LOCK:
        return _sync_account(account, config, now, progress, should_stop)


def _sync_account(
    account: AccountConfig, config: Config, now: dt.datetime,
    progress: Progress | None, should_stop: Callable[[], bool],
) -> AccountResult:
    result = AccountResult(account.name, account.kind)
    started = time.monotonic()
    row = ensure_account(account, now)
    ingestor = Ingestor(row, config.self_addresses, now)
    try:
        connector = connector_for(account, config)
        # Inference is pure: a connector that parses in worker processes hears there too.
        connector.digest = functools.partial(digest, self_addresses=config.self_addresses)  # type: ignore[misc]
        if CALENDAR in connector.capabilities:
            try:
                _run_stream(ingestor, connector, CAL_STREAM, result.calendar, now, config, progress, should_stop)
            except AuthError:
                raise
            except SyncdError as err:
                if MAIL not in connector.capabilities:
                    raise
                result.warnings.append(f"calendar not synced: {err}")
                log.error("account %s: calendar not synced: %s", account.name, err)
        if MAIL in connector.capabilities and not should_stop():
            _run_stream(ingestor, connector, MAIL_STREAM, result.mail, now, config, progress, should_stop)
        row.last_error = "; ".join(result.warnings)
    except AuthError as err:
        hint = AUTH_HINTS.get(account.kind, f"run `syncd auth {account.name}`")
        result.error = f"{err} ({hint})"
        result.auth_failed = True
    except (SyncdError, OSError) as err:
        result.error = str(err) or type(err).__name__
    except Exception as err:  # one account's bug never stops the others
        log.exception("account %s failed", account.name)
        result.error = f"unexpected {type(err).__name__}: {err}"
    if result.error:
        log.error("account %s: %s", account.name, result.error)
        row.last_error = result.error
    else:
        row.last_sync = now
    row.save()
    result.seconds = time.monotonic() - started
    return result


def _run_stream(
    ingestor: Ingestor, connector: Connector, stream: str, counts: Counts, now: dt.datetime,
    config: Config, progress: Progress | None, should_stop: Callable[[], bool],
) -> None:
    for attempt in (1, 2):
        state = ingestor.state(stream)
        try:
            if stream == MAIL_STREAM:
                batches: Iterable[Any] = connector.sync_mail(state.cursor, ingestor.known_mail())
                apply = ingestor.apply_mail
            else:
                batches = connector.sync_calendar(state.cursor, window_for(now, config), ingestor.known_events())
                apply = ingestor.apply_events
            first_full = True
            for batch in _unlocked(batches):
                done = apply(batch, state, first_full=first_full and batch.full)
                if batch.full:
                    first_full = False
                counts += done
                if progress is not None:
                    progress(ingestor.account.name, done)
                if should_stop():
                    return
            return
        except CursorExpired as err:
            if attempt == 2:
                raise
            log.warning("%s: %s; starting a full resync", ingestor.account.name, err)
            state.cursor = None
            state.save()


def _unlocked(batches: Iterable[Any]) -> Iterator[Any]:
    """The batches, fetched with ``STORE_LOCK`` let go (held again while each is applied)."""
    it = iter(batches)
    while True:
        STORE_LOCK.release()
        try:
            batch = next(it)
        except StopIteration:
            return
        finally:
            STORE_LOCK.acquire()
        yield batch


def sync(
    config: Config, names: Iterable[str] = (), now: dt.datetime | None = None,
    progress: Progress | None = None, should_stop: Callable[[], bool] = lambda: False,
) -> list[AccountResult]:
    """Sync the named accounts (all when none are named), then derive."""
    from syncd import clock

    now = now or clock.now()
    wanted = list(names)
    accounts = [config.account(n) for n in wanted] if wanted else [a for a in config.accounts if a.options.get("enabled", True)]
    identity.mark_self(config.self_addresses)
    results = []
    for account in accounts:
        if should_stop():
            break
        results.append(sync_account(account, config, now, progress, should_stop))
    derive(now, config.self_addresses, config)
    return results


def derive(now: dt.datetime, self_addresses: frozenset[str], config: Config | None = None) -> None:
    """Everything computed from the synced rows: meetings that have started, robots,
    what people told us (facts, open loops), and (given the config) the follow-up
    drafts due at ``now``."""
    derive_started_meetings(now)
    with store.db.atomic():
        identity.refresh_automated()
    # The rules compile many patterns on import: only load them when there is mail to read.
    M = store.Message
    # Three questions, each answered by its own index (an OR of them would read every row).
    F = store.Fact  # facts a crash left pending (syncd.listen.resolve_pending) are resolved too
    if (M.select().where(M.inferred == False).exists() or M.select().where(M.settled == False).exists()  # noqa: E712
            or F.select().where(F.state == store.FACT_PENDING).exists()):
        from syncd.listen import listen

        heard = listen(self_addresses)
        log.info("listened to %s messages: %s facts, %s open loops", heard.messages, heard.facts, heard.loops)
    if config is not None:
        from syncd.drafts import generate_due

        generate_due(now, config)
