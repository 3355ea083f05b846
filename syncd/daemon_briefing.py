"""The daemon's morning briefing: once per date, after a fresh sync, retried until noon.

``Mornings`` keeps what the scheduler needs between steps: the date that is due and
waiting (for its fresh sync, or for a retry after a failed delivery) and the dates
this process delivered or declined. Whether a date was sent is asked of the store's
Briefing table (one row per date, written by ``syncd.deliver``), so a restart, a
second morning or a ``syncd briefing --send`` by hand never sends a date twice.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Collection
from typing import Any

from syncd import store
from syncd import sync as sync_mod
from syncd.config import Config
from syncd.schedule import BriefingPlan, briefing_due, next_briefing

log = logging.getLogger(__name__)

PRESYNC_WAIT = dt.timedelta(minutes=10)  # the briefing waits at most this for its fresh sync
RETRY_CAP = 1800.0

Deliver = Callable[[Config, dt.date, dt.datetime], bool]


def deliver_briefing(config: Config, date: dt.date, now: dt.datetime) -> bool:
    """Build and deliver the morning briefing for ``date``; True when it went out.

    The seam to ``syncd.deliver`` (imported lazily: the daemon runs without it), which
    records one Briefing row per date, so a date is never sent twice.
    """
    from syncd import deliver

    return bool(deliver.deliver_briefing(config, date, now))


class Mornings:
    """When the briefing is due, and sending it (the daemon decides when to call)."""

    def __init__(self, plan: BriefingPlan, deliver: Deliver) -> None:
        self.plan = plan
        self.deliver = deliver
        self.day: dt.date | None = None  # due and not yet sent
        self.waits: set[str] = set()  # accounts whose fresh sync it waits for
        self.deadline: dt.datetime | None = None
        self.retry: dt.datetime | None = None
        self.failures = 0
        self.done: set[dt.date] = set()  # delivered or declined by this process
        self.newly = False  # the last ``due`` started a new round
        self._sent: tuple[dt.datetime, set[dt.date]] | None = None  # one store query per ``now``

    def sent_days(self, now: dt.datetime) -> set[dt.date]:
        if self._sent is not None and self._sent[0] == now:
            return self._sent[1]
        today = now.astimezone(self.plan.tz).date()
        since = (today - dt.timedelta(days=1)).isoformat()
        try:
            rows: Any = store.Briefing.select(store.Briefing.date).where(store.Briefing.date >= since).tuples()
            days = {dt.date.fromisoformat(str(day)) for (day,) in rows} | self.done
        except Exception:  # noqa: BLE001 - a store hiccup: assume sent, ask again next step
            log.exception("cannot read the sent briefings")
            return self.done | {today}
        self._sent = (now, days)
        return days

    def due(self, now: dt.datetime, sent: Collection[dt.date] | None = None) -> dt.date | None:
        """The date due at ``now``; a new date starts a new round (``newly`` then True)."""
        sent = self.sent_days(now) if sent is None else sent
        day = briefing_due(now, self.plan.tz, self.plan.at, self.plan.until, sent)
        if day != self.day:
            self.day, self.waits, self.retry, self.failures = day, set(), None, 0
            self.deadline = now + PRESYNC_WAIT if day is not None else None
            self.newly = day is not None
        else:
            self.newly = False
        return day

    def ready(self, now: dt.datetime, still_syncing: bool) -> bool:
        """Whether to send now: its syncs are done (or waited for long enough), no retry pending."""
        if still_syncing and self.deadline is not None and now < self.deadline:
            return False
        return self.retry is None or now >= self.retry

    def send(self, config: Config, now: dt.datetime) -> bool:
        """Deliver the due date's briefing; on failure schedule a retry. True when done."""
        day = self.day
        assert day is not None
        self._sent = None
        try:
            with sync_mod.STORE_LOCK:
                sent = self.deliver(config, day, now)
        except Exception as err:  # noqa: BLE001 - retried until the window closes
            self.failures += 1
            delay = min(RETRY_CAP, 60.0 * 2 ** (self.failures - 1))
            self.retry = now + dt.timedelta(seconds=delay)
            log.error("briefing for %s not delivered (%s); trying again in %.0fs", day, err, delay,
                      exc_info=log.isEnabledFor(logging.DEBUG))
            return False
        self.done.add(day)
        self.day = None
        log.info("briefing for %s %s", day, "delivered" if sent else "not needed: nothing to send")
        return True

    def wake_at(self, now: dt.datetime) -> dt.datetime | None:
        """When the scheduler should look at the briefing again."""
        if self.day is not None:
            return self.retry or self.deadline or now
        return self.next_at(now)

    def next_at(self, now: dt.datetime) -> dt.datetime | None:
        """When the next briefing goes out (``now`` when one is due)."""
        return next_briefing(now, self.plan.tz, self.plan.at, self.plan.until, self.sent_days(now))
