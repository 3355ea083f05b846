"""The daemon's small parts: per-account schedule state, the wake-up pipe, status text.

``AccountState`` is what the scheduler knows of one account (when it is due, how often
it failed, why it stopped) and what ``syncd status`` shows of it. ``Waker`` is the
self-pipe the main loop sleeps on: signal handlers (through ``signal.set_wakeup_fd``),
sync workers and file watchers write a byte to it, so the loop wakes at once while the
handlers themselves only set flags.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import select
from dataclasses import dataclass
from typing import Any


def iso(value: dt.datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value is not None else None


@dataclass
class AccountState:
    """The schedule of one account. ``next_due`` None means stopped (``stopped`` says why)."""

    name: str
    interval: float
    next_due: dt.datetime | None
    failures: int = 0
    backoff: float = 0.0
    last_sync: dt.datetime | None = None  # the start of the last sync that succeeded
    last_done: dt.datetime | None = None  # when the last attempt's result came in
    last_attempt: dt.datetime | None = None
    last_error: str = ""
    stopped: str = ""
    running: bool = False
    poked: bool = False  # a change came in while it was syncing: go again
    syncs: int = 0
    watch: str = "interval"  # interval, files, push

    def public(self) -> dict[str, Any]:
        return {
            "last_sync": iso(self.last_sync),
            "last_attempt": iso(self.last_attempt),
            "next_sync": None if self.running else iso(self.next_due),
            "syncing": self.running,
            "backoff_seconds": round(self.backoff, 1),
            "failures": self.failures,
            "last_error": self.last_error or None,
            "stopped": self.stopped or None,
            "syncs": self.syncs,
            "watch": self.watch,
        }


class Waker:
    """A non-blocking pipe: ``wake()`` from anywhere, ``wait(timeout)`` in the main loop."""

    def __init__(self) -> None:
        self.read_fd, self.write_fd = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)

    def wake(self) -> None:
        with contextlib.suppress(BlockingIOError, OSError):
            os.write(self.write_fd, b"\0")

    def wait(self, timeout: float) -> bool:
        """Sleep up to ``timeout`` seconds; True when woken (everything pending is drained)."""
        ready, _, _ = select.select([self.read_fd], [], [], max(0.0, timeout))
        if not ready:
            return False
        with contextlib.suppress(BlockingIOError, OSError):
            while os.read(self.read_fd, 4096):
                pass
        return True

    def close(self) -> None:
        for fd in (self.read_fd, self.write_fd):
            with contextlib.suppress(OSError):
                os.close(fd)


def status_text(states: list[AccountState], next_briefing: dt.datetime | None, now: dt.datetime, tz: dt.tzinfo) -> str:
    """One line for systemd's STATUS= and ``syncd status``: "synced 3 accounts, next briefing 07:00"."""
    running = [s.name for s in states if s.running]
    if running:
        parts = [f"syncing {', '.join(running)}"]
    else:
        ok = sum(1 for s in states if s.syncs and not s.failures and not s.stopped)
        parts = [f"synced {ok} account{'s' if ok != 1 else ''}" if states else "no accounts configured"]
    failing = sum(1 for s in states if s.failures and not s.stopped)
    stopped = sum(1 for s in states if s.stopped)
    if failing:
        parts.append(f"{failing} backing off")
    if stopped:
        parts.append(f"{stopped} stopped")
    if next_briefing is not None:
        local = next_briefing.astimezone(tz)
        same_day = local.date() == now.astimezone(tz).date()
        parts.append(f"next briefing {local:%H:%M}" if same_day else f"next briefing {local:%a %H:%M}")
    return ", ".join(parts)
