"""``syncd run``: the scheduler. It only decides *when*; ``syncd.sync`` and the briefing do the work.

Like huey's consumer, the loop takes ``now`` as a parameter: ``Daemon.step(now)`` does
what is due at ``now`` and returns the seconds until something is next due, and
``Daemon.run()`` is only "step with ``clock.now()``, then sleep until that time or until
something wakes us". Tests drive ``step`` with a pinned or stepped clock.

* **Accounts** sync on their own ``interval`` (default 5 minutes), each in a thread of
  its own, so a slow or hanging server never holds up another account; the store is
  written by one of them at a time (``sync.STORE_LOCK``). A change seen by a watcher
  (``syncd.watch``) makes an account due at once. After syncs, the derive step runs
  (inference and due drafts: the same step as ``syncd sync``).
* **Failures** back off exponentially with jitter, per account; a refused login stops
  that account until the config is reloaded, and shows in ``syncd status`` and the log.
* **The briefing** for a day goes out once, at ``briefing_time`` in the user's zone or,
  if the machine slept through it, when the daemon next runs that morning (until
  ``briefing_until``, noon by default). The accounts are synced first. The store's
  Briefing table (one row per date) makes it once per date across restarts.
* **Signals** only set flags: SIGTERM/SIGINT finish the batch in hand and exit 0;
  SIGHUP (or an edit of config.toml) reloads the config. A guard thread ends the
  process 9 seconds after a stop request whatever the loop is doing: every batch
  commits with its cursor, so that is as safe as a clean exit.
* **systemd**: READY=1, STATUS=, WATCHDOG=1 and STOPPING=1 through ``syncd.notify``.
"""

from __future__ import annotations

import datetime as dt
import importlib
import logging
import os
import queue
import random
import signal
import threading
import time
from typing import Any

from syncd import clock, identity, runstate, store
from syncd import sync as sync_mod
from syncd.config import AccountConfig, Config, load_at
from syncd.daemon_briefing import Deliver, Mornings, deliver_briefing
from syncd.daemon_parts import AccountState, Waker, iso, status_text
from syncd.errors import SyncdError
from syncd.notify import Notifier
from syncd.schedule import BACKOFF_BASE, BACKOFF_CAP, BriefingPlan, backoff
from syncd.watch import PushWatcher, Watches, has_push

log = logging.getLogger(__name__)

CONFIG_KEY = "\0config"  # the watcher key of config.toml (no account can be named so)
MIN_INTERVAL = 1.0
STOP_GRACE = 7.0  # seconds a stop waits for the batch being applied to commit
STOP_HARD_LIMIT = 9.0  # then the guard ends the process
IDLE_MAX = 3600.0
AT_ONCE = dt.datetime.min.replace(tzinfo=dt.UTC)  # due at the first step, whatever its clock says
LONG_STEP = 1800.0  # derive or a briefing may keep the loop this long before the watchdog may bite


def _warm_up() -> None:
    """Import (and so compile) the inference rules while the first syncs run, not in the first derive."""
    for module in ("syncd.listen", "syncd.drafts"):
        importlib.import_module(module)


class Daemon:
    """The scheduler of one home. Build it with an open store; call ``step`` or ``run``."""

    def __init__(
        self, config: Config, *, notifier: Notifier | None = None, deliver: Deliver | None = None,
        rng: random.Random | None = None, watch: bool = True, quiet: float = 0.25,
        backoff_base: float = BACKOFF_BASE, backoff_cap: float = BACKOFF_CAP,
    ) -> None:
        self.config = config
        self.notifier = notifier or Notifier()
        self.mornings = Mornings(BriefingPlan.from_settings(config.settings, config.timezone), deliver or deliver_briefing)
        self.rng = rng or random.Random()
        self.backoff_base, self.backoff_cap = backoff_base, backoff_cap
        self.state_file = config.paths.data_dir / runstate.STATE_NAME
        self.accounts: dict[str, AccountState] = {}
        self.stop_requested = False  # set by SIGTERM/SIGINT (and tests)
        self.reload_requested = False  # set by SIGHUP and the config.toml watcher
        self._use_watches, self._quiet = watch, quiet
        self._watches: Watches | None = None
        self._push: dict[str, PushWatcher] = {}
        self._results: queue.SimpleQueue[tuple[str, int, sync_mod.AccountResult]] = queue.SimpleQueue()
        self._workers: dict[str, threading.Thread] = {}
        self._pokes: set[str] = set()
        self._pokes_lock = threading.Lock()
        self._generation = 0  # bumped by a reload: results of removed accounts are dropped
        self._waker = Waker()
        self._derive_needed = False
        self.deriving = False
        self._published: dict[str, Any] = {}
        self._status = ""
        self._exited = threading.Event()
        self._store_locked = False
        self.started: dt.datetime | None = None  # the first step's now
        threading.Thread(target=_warm_up, name="warm-up", daemon=True).start()
        self._adopt(config, AT_ONCE)

    # -- configuration ----------------------------------------------------------------

    def _adopt(self, config: Config, now: dt.datetime) -> None:
        """Take ``config``: keep the state of known accounts, add new ones (due now)."""
        wanted = [a for a in config.accounts if a.options.get("enabled", True)]
        for account in wanted:
            interval = max(MIN_INTERVAL, float(account.interval))
            state = self.accounts.get(account.name)
            if state is None:
                self.accounts[account.name] = AccountState(account.name, interval, next_due=now)
                continue
            if state.stopped:  # the user may have fixed the password: try again
                state.stopped, state.failures, state.backoff, state.next_due = "", 0, 0.0, now
            elif not state.failures and state.last_done is not None:
                state.next_due = state.last_done + dt.timedelta(seconds=interval)
            state.interval = interval
        names = {a.name for a in wanted}
        for name in list(self.accounts):
            if name not in names:
                del self.accounts[name]
        self.config = config
        with sync_mod.STORE_LOCK:
            identity.mark_self(config.self_addresses)
        self._rewatch()

    def _rewatch(self) -> None:
        for watcher in self._push.values():
            watcher.stop()
        self._push = {}
        if self._watches is not None:
            self._watches.close()
            self._watches = None
        if not self._use_watches:
            return
        self._watches = Watches(self.poke, quiet=self._quiet)
        self._watches.watch_file(CONFIG_KEY, self.config.paths.config_file)
        for account in self._enabled():
            self._arm(account)

    def _arm(self, account: AccountConfig) -> None:
        state = self.accounts[account.name]
        if self.stop_requested:
            return
        if self._watches is not None and self._watches.arm(account):
            state.watch = "files"
        elif self._use_watches and has_push(account) and account.name not in self._push and not state.stopped:
            self._push[account.name] = PushWatcher(account, self.config, self.poke).start()
            state.watch = "push"

    def _enabled(self) -> list[AccountConfig]:
        return [a for a in self.config.accounts if a.name in self.accounts]

    def _reload(self, now: dt.datetime) -> None:
        self.notifier.reloading()
        try:
            config = load_at(self.config.paths)
            plan = BriefingPlan.from_settings(config.settings, config.timezone)
        except SyncdError as err:
            log.error("config not reloaded, keeping the one in use: %s", err)
            self.notifier.ready(self._status or "running")
            return
        if config.database_url != self.config.database_url:
            log.warning("database_url changed: that takes a restart (systemctl --user restart syncd)")
        self._generation += 1
        self.mornings.plan = plan
        self._adopt(config, now)
        log.info("config reloaded: %s accounts", len(self.accounts))
        self.notifier.ready(self._status or "running")

    # -- what wakes us ------------------------------------------------------------------

    def poke(self, key: str) -> None:
        """Something changed (a watcher saw it): sync that account soon. Any thread."""
        log.debug("change seen: %s", "config.toml" if key == CONFIG_KEY else key)
        if key == CONFIG_KEY:
            self.reload_requested = True
        else:
            with self._pokes_lock:
                self._pokes.add(key)
        self._waker.wake()

    def wake(self) -> None:
        self._waker.wake()

    def request_stop(self) -> None:
        self.stop_requested = True
        self._waker.wake()

    # -- one step -----------------------------------------------------------------------

    def step(self, now: dt.datetime) -> float:
        """Do what is due at ``now``; return the seconds until something is next due."""
        self.started = self.started or now
        self.notifier.ping_if_due()
        if self.reload_requested and not self.stop_requested:
            self.reload_requested = False
            self._reload(now)
        self._collect(now)
        if self._derive_needed and not self.stop_requested:
            self._derive(now)
        if not self.stop_requested:
            self._dispatch(now)
            self._briefing(now)
        self._publish(now)
        return self._until_due(now)

    def _collect(self, now: dt.datetime) -> None:
        while True:
            try:
                name, generation, result = self._results.get_nowait()
            except queue.Empty:
                return
            self._workers.pop(name, None)
            state = self.accounts.get(name)
            self._derive_needed = True
            if state is None:
                continue
            state.running, state.last_done = False, now
            if result.auth_failed:
                state.failures += 1
                state.stopped, state.last_error, state.next_due, state.backoff = result.error, result.error, None, 0.0
                log.error("account %s stopped until the config is reloaded: %s", name, result.error)
                if name in self._push:
                    self._push.pop(name).stop()
                continue
            if result.error:
                state.failures += 1
                state.backoff = backoff(state.failures, self.rng, self.backoff_base, self.backoff_cap)
                state.last_error = result.error
                state.next_due = now + dt.timedelta(seconds=state.backoff)
                log.warning("account %s failed (%s in a row), next try in %.0fs: %s",
                            name, state.failures, state.backoff, result.error)
                continue
            if state.failures:
                log.info("account %s works again after %s failures", name, state.failures)
            state.failures, state.backoff, state.last_error = 0, 0.0, ""
            state.last_sync = state.last_attempt
            state.syncs += 1
            total = result.total
            log.info("synced %s: %s added, %s updated, %s deleted, %s quarantined (%.1fs)", name,
                     total.added, total.updated, total.deleted, total.quarantined, result.seconds)
            state.next_due = now if state.poked else now + dt.timedelta(seconds=state.interval)
            state.poked = False
            if state.watch == "interval" and generation == self._generation:
                account = next((a for a in self.config.accounts if a.name == name), None)
                if account is not None:
                    self._arm(account)

    def _derive(self, now: dt.datetime) -> None:
        self._derive_needed, self.deriving = False, True
        self.notifier.status("deriving facts, loops and drafts")
        try:
            with self.notifier.keepalive(LONG_STEP), sync_mod.STORE_LOCK:
                sync_mod.derive(now, self.config.self_addresses, self.config)
        except Exception:  # a bug in a derived step must not stop the syncing
            log.exception("deriving after sync failed")
        finally:
            self.deriving = False
        self.notifier.ping_if_due()

    def _dispatch(self, now: dt.datetime) -> None:
        with self._pokes_lock:
            pokes, self._pokes = self._pokes, set()
        for account in self._enabled():
            state = self.accounts[account.name]
            poked = account.name in pokes
            if state.stopped or state.next_due is None:
                continue
            if state.running:
                state.poked = state.poked or poked
                continue
            if (poked and not state.failures) or state.next_due <= now:
                self._start(account, state, now)

    def _start(self, account: AccountConfig, state: AccountState, now: dt.datetime) -> None:
        state.running, state.poked, state.last_attempt = True, False, now
        worker = threading.Thread(
            target=self._work, args=(account, self.config, now, self._generation), name=f"sync-{account.name}", daemon=True,
        )
        self._workers[account.name] = worker
        worker.start()

    def _work(self, account: AccountConfig, config: Config, now: dt.datetime, generation: int) -> None:
        try:
            result = sync_mod.sync_account(account, config, now, should_stop=lambda: self.stop_requested)
        except BaseException as err:  # sync_account catches its own; this is the last net
            log.exception("sync of %s crashed", account.name)
            result = sync_mod.AccountResult(account.name, account.kind, error=f"unexpected {type(err).__name__}: {err}")
        finally:
            try:
                if store.db.obj is not None and not store.db.is_closed():
                    store.db.close()  # this thread's connection
            except Exception:  # noqa: BLE001 - closing is best effort
                pass
        self._results.put((account.name, generation, result))
        self._waker.wake()

    @property
    def idle(self) -> bool:
        """Nothing syncing, nothing left to derive (tests wait for this)."""
        return not self.deriving and not self._derive_needed and not any(s.running for s in self.accounts.values())

    def wait_idle(self, timeout: float = 30.0) -> bool:
        """Wait for the syncs in flight to end (tests; a stopping daemon). True when none is left."""
        deadline = time.monotonic() + timeout
        for worker in list(self._workers.values()):
            worker.join(max(0.0, deadline - time.monotonic()))
        return not any(w.is_alive() for w in self._workers.values())

    # -- the briefing -------------------------------------------------------------------

    def _briefing(self, now: dt.datetime) -> None:
        mornings = self.mornings
        if mornings.plan.at is None or mornings.due(now) is None:
            return
        if mornings.newly:  # sync every healthy account first, so the briefing is fresh
            for account in self._enabled():
                state = self.accounts[account.name]
                if not state.stopped and not state.failures:
                    mornings.waits.add(account.name)
                    if not state.running:
                        self._start(account, state, now)
        syncing = self._derive_needed or any(self.accounts[n].running for n in mornings.waits if n in self.accounts)
        if mornings.ready(now, syncing):
            self.notifier.status(f"sending the briefing for {mornings.day}")
            with self.notifier.keepalive(LONG_STEP):
                mornings.send(self.config, now)

    # -- telling the world --------------------------------------------------------------

    def _until_due(self, now: dt.datetime) -> float:
        due: list[dt.datetime] = [s.next_due for s in self.accounts.values() if s.next_due is not None and not s.running]
        wake = self.mornings.wake_at(now) if self.mornings.plan.at is not None else None
        if wake is not None:
            due.append(wake)
        if not due:
            return IDLE_MAX
        return min(IDLE_MAX, max(0.0, (min(due) - now).total_seconds()))

    def _publish(self, now: dt.datetime) -> None:
        plan = self.mornings.plan
        upcoming = self.mornings.next_at(now) if plan.at is not None else None
        text = status_text(list(self.accounts.values()), upcoming, now, plan.tz)
        if text != self._status:
            self._status = text
            self.notifier.status(text)
        data = {
            "pid": os.getpid(), "started": iso(self.started), "status": text,
            "next_briefing": iso(upcoming.astimezone(plan.tz)) if upcoming else None,
            "accounts": {name: state.public() for name, state in sorted(self.accounts.items())},
        }
        if data != self._published:
            self._published = data
            try:
                runstate.write(self.state_file, {**data, "updated": iso(now)})
            except OSError as err:
                log.warning("cannot write %s: %s", self.state_file, err)

    def _until(self, timeout: float) -> float:
        watchdog = self.notifier.watchdog_due_in()
        return timeout if watchdog is None else min(timeout, watchdog)

    # -- the loop -------------------------------------------------------------------------

    def run(self, main: bool = True) -> int:
        """Step with ``clock.now()`` until stopped; returns the exit code (0).

        ``main``: this is the process's main loop. It installs the signal handlers and
        returns still holding ``sync.STORE_LOCK``, so no sync thread starts another batch
        while the process ends. Tests run it in a thread with ``main=False``.
        """
        previous = self._install_signals() if main else {}
        threading.Thread(target=self._guard, name="stop-guard", daemon=True).start()
        self.notifier.ready("starting")
        log.info("syncd daemon started (pid %s): %s accounts", os.getpid(), len(self.accounts))
        try:
            while not self.stop_requested:
                delay = self.step(clock.now())
                if self.stop_requested:
                    break
                self._waker.wait(self._until(delay))
            return self._shutdown()
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
            if main:
                signal.set_wakeup_fd(-1)
            elif self._store_locked:
                sync_mod.STORE_LOCK.release()
            self._store_locked = False
            self._exited.set()

    def _install_signals(self) -> dict[int, Any]:
        def stop(signum: int, frame: object) -> None:
            self.stop_requested = True

        def reload(signum: int, frame: object) -> None:
            self.reload_requested = True

        previous: dict[int, Any] = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)}
        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGHUP, reload)
        signal.set_wakeup_fd(self._waker.write_fd, warn_on_full_buffer=False)
        return previous

    def _guard(self) -> None:
        """End the process ``STOP_HARD_LIMIT`` seconds after a stop request, come what may."""
        while not self.stop_requested and not self._exited.wait(0.1):
            pass
        if self._exited.wait(STOP_HARD_LIMIT):
            return
        log.error("still busy %ss after the stop request; exiting now (every committed batch is kept)", STOP_HARD_LIMIT)
        self.notifier.stopping("stopping (forced)")
        logging.shutdown()
        os._exit(0)

    def _shutdown(self) -> int:
        self.notifier.stopping("stopping: finishing the batch in hand")
        log.info("stopping: finishing the batch in hand")
        for watcher in self._push.values():
            watcher.stop()
        if self._watches is not None:
            self._watches.close()
            self._watches = None
        # A sync applying a batch holds the store lock: taking it waits for that batch to
        # commit. A sync that is fetching (perhaps from a server that hangs) has no batch
        # in hand; it waits on the lock for ever and ends with the process.
        self._store_locked = locked = sync_mod.STORE_LOCK.acquire(timeout=STOP_GRACE)
        if not locked:
            log.warning("a batch is still being applied; leaving it to the database's rollback")
        self._collect(clock.now())
        self._publish(clock.now())
        log.info("stopped")
        return 0
