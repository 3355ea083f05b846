"""Quarantine: what a connector could not read, kept with its error, retried each sync.

An item leaves quarantine when it reads cleanly (by its id, or an id under it) or when a
batch names it, or its source, as clean or gone (``MailBatch.cleared``).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence

from connectors.base import Failure
from syncd import store
from syncd.bulk import chunks

log = logging.getLogger(__name__)


class QuarantineBook:
    """One account's quarantine, with the ids it holds cached for the sync."""

    def __init__(self, account: store.Account, now: dt.datetime) -> None:
        self.account = account
        self.now = now
        self._held: dict[str, set[str]] | None = None

    def record(self, stream: str, failures: Sequence[Failure]) -> int:
        """Keep these failures (again: the error and last time seen are updated)."""
        if failures and self._held is not None:
            self._held.setdefault(stream, set()).update(f.provider_id for f in failures)
        for failure in failures:
            log.warning("quarantined %s: %s", failure.source, failure.error)
            (
                store.Quarantine.insert(
                    account=self.account, stream=stream, provider_id=failure.provider_id,
                    source=failure.source, error=failure.error, first_seen=self.now, last_seen=self.now,
                )
                .on_conflict(
                    conflict_target=[store.Quarantine.account, store.Quarantine.stream, store.Quarantine.provider_id],
                    update={
                        store.Quarantine.error: failure.error,
                        store.Quarantine.source: failure.source,
                        store.Quarantine.last_seen: self.now,
                        store.Quarantine.attempts: store.Quarantine.attempts + 1,
                    },
                )
                .execute()
            )
        return len(failures)

    def clear(self, stream: str, provider_ids: Sequence[str]) -> None:
        """Items that now read cleanly leave quarantine. A quarantined id also covers
        the ids under it (``UID`` covers ``UID/2024-03-05T09:00:00Z``)."""
        if self._held is None:
            query = store.Quarantine.select(store.Quarantine.stream, store.Quarantine.provider_id).where(
                store.Quarantine.account == self.account
            )
            self._held = {}
            for s, pid in query.tuples():
                self._held.setdefault(s, set()).add(pid)
        held = self._held.get(stream)
        if not held:
            return
        cleared = set()
        for pid in provider_ids:
            if pid in held:
                cleared.add(pid)
            elif "/" in pid:
                parts = pid.split("/")
                cleared.update(p for i in range(1, len(parts)) if (p := "/".join(parts[:i])) in held)
        if not cleared:
            return
        held -= cleared
        for chunk in chunks(sorted(cleared)):
            store.Quarantine.delete().where(
                (store.Quarantine.account == self.account)
                & (store.Quarantine.stream == stream)
                & store.Quarantine.provider_id.in_(list(chunk))
            ).execute()

    def clear_named(self, stream: str, names: Sequence[str], failures: Sequence[Failure]) -> None:
        """Quarantined items whose id or source the batch names as clean leave quarantine,
        but not the failures this same batch reports."""
        if not names:
            return
        Q, again = store.Quarantine, {f.provider_id for f in failures}
        where = (Q.account == self.account) & (Q.stream == stream)
        gone: list[str] = []
        for chunk in chunks(sorted(set(names))):
            query = Q.select(Q.provider_id).where(where & (Q.provider_id.in_(list(chunk)) | Q.source.in_(list(chunk))))
            gone += [pid for (pid,) in query.tuples() if pid not in again]
        for chunk in chunks(gone):
            Q.delete().where(where & Q.provider_id.in_(list(chunk))).execute()
        if self._held is not None:
            self._held.get(stream, set()).difference_update(gone)
