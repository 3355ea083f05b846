"""systemd's notify protocol, in a few lines of our own (sd_notify(3)).

Under ``Type=notify`` systemd passes ``NOTIFY_SOCKET``: a datagram socket, a path or an
abstract name written with a leading ``@``. The daemon sends newline-separated
``KEY=value`` lines to it: ``READY=1`` once started, ``STATUS=`` with what it is
doing, ``RELOADING=1`` while it re-reads its config, ``WATCHDOG=1`` at least every
``WATCHDOG_USEC`` microseconds (we ping at half of it, as sd_watchdog_enabled(3)
advises), and ``STOPPING=1`` on the way out.

Without ``NOTIFY_SOCKET`` (not under systemd) every call does nothing, so the daemon
runs unchanged from a terminal. A send that fails is logged at DEBUG and forgotten:
losing a status line must never stop a sync.

https://www.freedesktop.org/software/systemd/man/latest/sd_notify.html
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
import time
from collections.abc import Iterator, Mapping

log = logging.getLogger(__name__)


class Notifier:
    """Sends notify messages to ``NOTIFY_SOCKET`` (from ``env``, default ``os.environ``)."""

    def __init__(self, env: Mapping[str, str] | None = None, monotonic=time.monotonic) -> None:  # type: ignore[no-untyped-def]
        env = os.environ if env is None else env
        address = env.get("NOTIFY_SOCKET", "")
        self.address: str | None = None
        if address.startswith("@"):
            self.address = "\0" + address[1:]
        elif address.startswith("/"):
            self.address = address
        self._sock: socket.socket | None = None
        self.watchdog_interval = _watchdog_interval(env)
        self._monotonic = monotonic
        self._last_ping = monotonic()

    @property
    def enabled(self) -> bool:
        return self.address is not None

    def send(self, **fields: str | int) -> bool:
        """Send ``KEY=value`` lines; True when a message went out."""
        if self.address is None or not fields:
            return False
        message = "\n".join(f"{key}={_one_line(str(value))}" for key, value in fields.items())
        try:
            if self._sock is None:
                self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC)
            self._sock.sendto(message.encode("utf-8"), self.address)
            return True
        except OSError as err:
            log.debug("notify %s failed: %s", message.split("=", 1)[0], err)
            return False

    def ready(self, status: str) -> None:
        self.send(READY=1, STATUS=status)

    def status(self, text: str) -> None:
        self.send(STATUS=text)

    def reloading(self) -> None:
        self.send(RELOADING=1, MONOTONIC_USEC=int(time.clock_gettime(time.CLOCK_MONOTONIC) * 1_000_000))

    def stopping(self, status: str = "stopping") -> None:
        self.send(STOPPING=1, STATUS=status)

    def watchdog_due_in(self) -> float | None:
        """Seconds until the next ping is due (None: no watchdog)."""
        if self.watchdog_interval is None or self.address is None:
            return None
        return max(0.0, self._last_ping + self.watchdog_interval / 2 - self._monotonic())

    def ping_if_due(self) -> bool:
        """``WATCHDOG=1`` when half the watchdog interval has passed since the last ping."""
        due = self.watchdog_due_in()
        if due is None or due > 0:
            return False
        self._last_ping = self._monotonic()
        return self.send(WATCHDOG=1)

    @contextlib.contextmanager
    def keepalive(self, limit: float) -> Iterator[None]:
        """Ping from a helper thread while a long step runs in the loop's thread, for at
        most ``limit`` seconds: a step that takes longer than that is taken for hung."""
        if self.watchdog_interval is None or self.address is None:
            yield
            return
        done = threading.Event()
        half = self.watchdog_interval / 2

        def beat() -> None:
            deadline = self._monotonic() + limit
            while not done.wait(max(0.0, self._last_ping + half - self._monotonic())):
                if self._monotonic() > deadline:
                    return
                self._last_ping = self._monotonic()
                self.send(WATCHDOG=1)

        thread = threading.Thread(target=beat, name="watchdog-keepalive", daemon=True)
        thread.start()
        try:
            yield
        finally:
            done.set()
            thread.join()

    def close(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None


def _watchdog_interval(env: Mapping[str, str]) -> float | None:
    """``WATCHDOG_USEC`` in seconds, if it is meant for this process (``WATCHDOG_PID``)."""
    try:
        usec = int(env.get("WATCHDOG_USEC", "0"))
    except ValueError:
        return None
    pid = env.get("WATCHDOG_PID", "")
    if usec <= 0 or (pid and pid != str(os.getpid())):
        return None
    return usec / 1_000_000


def _one_line(text: str) -> str:
    return " ".join(text.split())
