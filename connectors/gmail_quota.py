"""Staying inside Gmail's per-user quota, and backing off when told to.

Gmail charges *quota units* per method and allows a budget per user per minute
(https://developers.google.com/gmail/api/reference/quota): 6,000 units a minute for
new projects, ``messages.get`` 20 units and ``history.list`` 2 as the issue states
them (Google's table has varied: make both configurable with ``quota_per_minute``,
``get_units``, ``history_units``, ``thread_units``). ``threads.get`` costs 10 units
(Google's table): a whole conversation for half of one ``messages.get`` at the issue's
price. :class:`Pacer` keeps a log of what was spent in the
last 60 seconds and waits before a call that would take the window over budget, so a
steady sync runs *at* the quota rather than into it. When a whole batch does not fit
in what is left of the minute, :meth:`Pacer.fit` shrinks it to the room there is (down
to half a batch) instead of waiting for a whole batch's worth of units to leave the
window. Google Calendar has a budget of its own (requests a minute, ``calendar_per_minute``):
a second :class:`Pacer` with one unit a request.

When Google still says no (429, or 403 ``rateLimitExceeded`` /
``userRateLimitExceeded``, https://developers.google.com/gmail/api/guides/handle-errors),
:class:`Backoff` waits exponentially longer (with jitter: half to all of the delay) and halves the batch size;
after a run of successes the size grows back to its maximum. Clock, sleep and random
are injected so tests and the benchmark run on simulated time.
"""

from __future__ import annotations

import collections
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

WINDOW = 60.0
UNITS = {"messages.get": 20, "threads.get": 10, "history.list": 2, "messages.list": 5, "profile": 1, "drafts.create": 10,
         "drafts.list": 5, "drafts.delete": 10, "messages.send": 100}
CALENDAR_UNITS = {"events.list": 1}
DEFAULT_BUDGET = 6000
CALENDAR_BUDGET = 600  # Calendar API requests per minute per user (Google's default quota)
MAX_BATCH = 50  # Gmail: "batches of more than 50 requests are likely to trigger rate limiting"


@dataclass
class Pacer:
    budget: int = DEFAULT_BUDGET
    units: dict[str, int] = field(default_factory=lambda: dict(UNITS))
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    spent: int = 0
    waited: float = 0.0
    _log: collections.deque[tuple[float, int]] = field(default_factory=collections.deque)

    def cost(self, method: str, count: int = 1) -> int:
        return self.units.get(method, 5) * count

    def _used(self, now: float) -> int:
        while self._log and self._log[0][0] <= now - WINDOW:
            self._log.popleft()
        return sum(units for _, units in self._log)

    def room(self) -> int:
        """Units that can be spent now without waiting."""
        return max(0, self.budget - self._used(self.clock()))

    def fit(self, costs: list[int]) -> int:
        """How many of the calls costing ``costs`` (in order) to send now: all that fit in
        the room left this minute, but never fewer than half of them (a smaller batch
        would only add round trips: then wait for the room instead). At least one."""
        room, count = self.room(), 0
        for cost in costs:
            if cost > room:
                break
            room -= cost
            count += 1
        return max(1, count if count * 2 >= len(costs) else len(costs))

    def take(self, method: str, count: int = 1) -> None:
        """Wait until ``count`` calls of ``method`` fit in the last minute's budget, then book them."""
        self.take_units(self.cost(method, count), f"{count} x {method}")

    def take_units(self, cost: int, what: str = "a batch") -> None:
        if cost > self.budget:
            raise ValueError(f"{what} costs {cost} units, more than the budget of {self.budget} a minute")
        while True:
            now = self.clock()
            used = self._used(now)
            if used + cost <= self.budget:
                break
            # The oldest entries must leave the window before this call fits.
            freed, until = 0, now
            for stamp, units in self._log:
                freed += units
                until = stamp + WINDOW
                if used - freed + cost <= self.budget:
                    break
            delay = max(until - now, 0.001)
            self.waited += delay
            self.sleep(delay)
        self._log.append((self.clock(), cost))
        self.spent += cost


@dataclass
class Backoff:
    """Exponential backoff with full jitter, and the batch size that goes with it."""

    base: float = 1.0
    cap: float = 64.0
    tries: int = 8
    max_batch: int = MAX_BATCH
    recover_after: int = 4  # successes at one size before doubling it
    sleep: Callable[[float], None] = time.sleep
    rand: Callable[[], float] = random.random
    batch: int = MAX_BATCH
    failures: int = 0
    _streak: int = 0
    slept: float = 0.0
    throttled: int = 0

    def __post_init__(self) -> None:
        self.batch = min(self.batch, self.max_batch)

    def throttle(self) -> None:
        """Told to slow down: halve the batch and wait. Raises when out of tries."""
        self.throttled += 1
        self.batch = max(1, self.batch // 2)
        self._streak = 0
        self.wait()

    def wait(self) -> None:
        """A transient error: wait longer each time, jittered."""
        self.failures += 1
        if self.failures > self.tries:
            raise TimeoutError(f"still failing after {self.tries} retries")
        delay = min(self.cap, self.base * 2 ** (self.failures - 1)) * (0.5 + self.rand() / 2)
        self.slept += delay
        self.sleep(delay)

    def success(self) -> None:
        self.failures = 0
        self._streak += 1
        if self.batch < self.max_batch and self._streak >= self.recover_after:
            self.batch = min(self.max_batch, self.batch * 2)
            self._streak = 0
