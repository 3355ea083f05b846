"""CLI commands for the background service: ``run`` and ``service install/uninstall``.

``syncd run`` is the long-running process (``syncd.daemon``); exit codes: 0 after
SIGTERM/SIGINT, 2 for a bad config or when another daemon holds this home's lock.
Logs go to stderr: under journald (``JOURNAL_STREAM``) without timestamps (journald
adds them) and with ``<N>`` priority prefixes journald reads as the entry's priority.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
from typing import Any

import click
from click.core import ParameterSource

from syncd.cli import App, main

LEVELS = ["debug", "info", "warning", "error"]
_PRIORITY = {logging.DEBUG: 7, logging.INFO: 6, logging.WARNING: 4, logging.ERROR: 3, logging.CRITICAL: 2}


class JournalFormatter(logging.Formatter):
    """``<priority>LEVEL name: message`` (sd-daemon(3) prefixes), one line per record."""

    def format(self, record: logging.LogRecord) -> str:
        priority = _PRIORITY.get(record.levelno, 6)
        text = super().format(record)
        return "\n".join(f"<{priority}>{line}" for line in text.splitlines())


def under_journal() -> bool:
    """Whether stderr is the journal stream systemd gave us (``JOURNAL_STREAM=dev:inode``)."""
    value = os.environ.get("JOURNAL_STREAM", "")
    try:
        device, inode = (int(part) for part in value.split(":"))
        stat = os.fstat(sys.stderr.fileno())
    except (ValueError, OSError, AttributeError):
        return False
    return (stat.st_dev, stat.st_ino) == (device, inode)


def _logging_for_daemon(ctx: click.Context, level: str | None) -> None:
    parent = ctx.parent
    if level is None:
        explicit = parent is not None and parent.get_parameter_source("log_level") != ParameterSource.DEFAULT
        level = str(parent.params["log_level"]) if explicit and parent is not None else "info"
    root = logging.getLogger()
    root.setLevel(getattr(logging, level.upper()))
    if under_journal():
        for handler in root.handlers:
            handler.setFormatter(JournalFormatter("%(levelname)s %(name)s: %(message)s"))


class _EarlySignals:
    """Flags for SIGTERM/SIGINT/SIGHUP from the first moment; handed to the daemon once it exists."""

    def __init__(self) -> None:
        self.target: Any = self
        self.stop_requested = False
        self.reload_requested = False
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        signal.signal(signal.SIGHUP, self._reload)

    def _stop(self, signum: int, frame: object) -> None:
        self.target.stop_requested = True

    def _reload(self, signum: int, frame: object) -> None:
        self.target.reload_requested = True

    def hand_over(self, daemon: Any) -> None:
        self.target = daemon  # from here on the flags land on the daemon
        daemon.stop_requested = daemon.stop_requested or self.stop_requested
        daemon.reload_requested = daemon.reload_requested or self.reload_requested


@main.command()
@click.option("--log-level", "log_level", type=click.Choice(LEVELS, case_sensitive=False), default=None,
              help="Log this much to stderr (default: info; bodies and tokens only at debug).")
@click.pass_context
def run(ctx: click.Context, log_level: str | None) -> None:
    """Run in the foreground: sync every account on its interval and on change, send the
    morning briefing, write follow-up drafts. Stop with Ctrl-C or SIGTERM; SIGHUP reloads.

    One daemon per home: a second one exits with code 2 and names the first one's pid.
    Under systemd (Type=notify) it reports READY, STATUS and WATCHDOG; see `syncd service`.

    \b
    Example:
      syncd run --log-level info
      syncd service install --now
    """
    from syncd.daemon import Daemon
    from syncd.lock import LOCK_NAME, DaemonLock, LockHeld

    app: App = ctx.obj
    early = _EarlySignals()  # a SIGTERM while starting up still ends in a clean exit 0
    _logging_for_daemon(ctx, log_level)
    config = app.config
    lock = DaemonLock(config.paths.data_dir / LOCK_NAME)
    try:
        lock.acquire()
    except LockHeld as err:
        click.echo(f"syncd: {err}", err=True)
        ctx.exit(2)
    if not config.accounts:
        logging.getLogger("syncd.daemon").warning(
            "no accounts configured yet: add one with `syncd account add`; the daemon picks it up")
    app.open()
    daemon = Daemon(config)
    early.hand_over(daemon)
    code = daemon.run()
    ctx.exit(code)  # the store lock is still held: no sync thread starts a batch while we exit


@main.group()
def service() -> None:
    """Install or remove syncd as a systemd user service (starts at login, restarts on failure).

    \b
    Example:
      syncd service install --now
      journalctl --user -u syncd -f
      syncd service uninstall
    """


@service.command("install")
@click.option("--now", "start_now", is_flag=True, help="Also enable and start it (systemctl --user enable --now syncd).")
@click.pass_obj
def service_install(app: App, start_now: bool) -> None:
    """Write ~/.config/systemd/user/syncd.service for this install and this home.

    \b
    Example:
      syncd service install --now
    """
    from syncd import service as service_mod

    try:
        target, ran = service_mod.install(app.config, app.home, now=start_now)
    except RuntimeError as err:
        click.echo(f"syncd: wrote the unit, but could not start it: {err}", err=True)
        sys.exit(1)
    click.echo(f"wrote {target}")
    for line in ran:
        click.echo(f"ran: {line}")
    if not start_now:
        click.echo("start it now and at every login:  systemctl --user enable --now syncd")
    click.echo("follow its log:                   journalctl --user -u syncd -f")
    click.echo("keep it running while logged out: loginctl enable-linger")


@service.command("uninstall")
@click.pass_obj
def service_uninstall(app: App) -> None:
    """Stop and disable the user service and remove its unit file.

    \b
    Example:
      syncd service uninstall
    """
    from syncd import service as service_mod

    target, ran = service_mod.uninstall()
    for line in ran:
        click.echo(f"ran: {line}")
    click.echo(f"removed {target}" if target else "no syncd unit was installed")
