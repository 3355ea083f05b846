"""The systemd user unit: render it for this install, install it, uninstall it.

``syncd service install`` writes ``~/.config/systemd/user/syncd.service`` with the
ExecStart of the Python that runs this syncd (a venv, pipx, a distro package: whatever
it is) and write access to exactly syncd's data (its data dir, and the folder of a
SQLite file configured elsewhere). ``systemd/syncd.service`` in the source tree is the
same unit rendered for a ``pipx``/``pip --user`` install (``%h/.local``); a test keeps
the two in step.

The hardening is what a mail client can live with: the whole file system read-only
(mail and calendars are read, never written) except the data dir, no devices, no
kernel knobs, no privilege gain, the address families that IMAP, SMTP, HTTP and
PostgreSQL need, a native ``@system-service`` system call set. ``PrivateUsers=yes`` is
spelled out: a user manager before systemd 253 applies the file-system options only
with it (https://github.com/systemd/systemd/pull/25233). Exit code 2 (bad config,
another daemon running) is not restarted.

https://www.freedesktop.org/software/systemd/man/latest/systemd.exec.html
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from syncd.config import Config

UNIT_NAME = "syncd.service"
WATCHDOG_SEC = 300

HARDENING = """\
NoNewPrivileges=yes
PrivateUsers=yes
ProtectSystem=strict
ProtectHome=read-only
ReadWritePaths={rw}
PrivateTmp=yes
PrivateMounts=yes
PrivateDevices=yes
DevicePolicy=closed
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectKernelLogs=yes
ProtectControlGroups=yes
ProtectClock=yes
ProtectHostname=yes
ProtectProc=invisible
ProcSubset=pid
RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6
RestrictNamespaces=yes
RestrictRealtime=yes
RestrictSUIDSGID=yes
LockPersonality=yes
MemoryDenyWriteExecute=yes
RemoveIPC=yes
KeyringMode=private
CapabilityBoundingSet=
AmbientCapabilities=
SystemCallFilter=@system-service
SystemCallFilter=~@privileged @resources
SystemCallErrorNumber=EPERM
SystemCallArchitectures=native
UMask=0077
"""

TEMPLATE = """\
# syncd as a systemd user service. `syncd service install` writes this unit with the
# ExecStart of your install; then: systemctl --user enable --now syncd
[Unit]
Description=syncd: mail and calendar sync, morning briefing and follow-up drafts
StartLimitIntervalSec=600
StartLimitBurst=5

[Service]
Type=notify
NotifyAccess=main
ExecStart={exec_start}
ExecReload=/bin/kill -HUP $MAINPID
{environment}Restart=on-failure
RestartSec=30
RestartPreventExitStatus=2
WatchdogSec={watchdog}
TimeoutStartSec=60
TimeoutStopSec=15

{hardening}
[Install]
WantedBy=default.target
"""


@dataclass(frozen=True)
class UnitPlan:
    """What goes into the unit: the command, the writable paths, the environment."""

    command: tuple[str, ...]
    writable: tuple[str, ...]
    environment: tuple[tuple[str, str], ...] = ()
    specifiers: bool = False  # the words hold systemd specifiers (%h): written as they are


# The unit in the source tree (systemd/syncd.service): for `pipx install syncd` or
# `pip install --user syncd`, which put the script in ~/.local/bin, with the default data dir.
DEFAULT_PLAN = UnitPlan(("%h/.local/bin/syncd", "run", "--log-level", "info"), ("%h/.local/share/syncd",), specifiers=True)


def quote(arg: str) -> str:
    """One ExecStart/Environment word, quoted the systemd way; ``%`` and ``$`` escaped."""
    escaped = arg.replace("%", "%%").replace("$", "$$")
    if re.fullmatch(r"[A-Za-z0-9_@%+=:,./$-]+", escaped):
        return escaped
    return '"' + escaped.replace("\\", "\\\\").replace('"', '\\"') + '"'


def render(plan: UnitPlan) -> str:
    word = (lambda text: text) if plan.specifiers else quote
    environment = "".join(f"Environment={word(f'{k}={v}')}\n" for k, v in plan.environment)
    rw = " ".join(word(p) for p in plan.writable)
    return TEMPLATE.format(
        exec_start=" ".join(word(a) for a in plan.command), environment=environment,
        watchdog=WATCHDOG_SEC, hardening=HARDENING.format(rw=rw),
    )


def this_install() -> tuple[str, ...]:
    """The command that starts this syncd: its console script, else ``python -m syncd``."""
    python = Path(sys.executable).absolute()
    script = python.parent / "syncd"
    if script.is_file() and os.access(script, os.X_OK):
        return (str(script),)
    return (str(python), "-m", "syncd")


def plan_for(config: Config, home: str | None = None) -> UnitPlan:
    """The unit for this install and this home (``--home``/``SYNCD_HOME`` is kept in it)."""
    writable = [str(config.paths.data_dir)]
    url = config.database_url
    if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
        folder = str(Path(url[len("sqlite:///"):]).parent)
        if folder not in writable:
            writable.append(folder)
    environment: tuple[tuple[str, str], ...] = ()
    home = home or os.environ.get("SYNCD_HOME")
    if home:
        environment = (("SYNCD_HOME", str(Path(home).expanduser().resolve())),)
    return UnitPlan((*this_install(), "run", "--log-level", "info"), tuple(writable), environment)


def unit_dir() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "systemd" / "user"


def install(config: Config, home: str | None = None, now: bool = False) -> tuple[Path, list[str]]:
    """Write the unit (and create the data dir it may write); returns it and what was run."""
    plan = plan_for(config, home)
    for folder in plan.writable:
        Path(folder).mkdir(parents=True, exist_ok=True, mode=0o700)
    target = unit_dir() / UNIT_NAME
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".tmp")
    tmp.write_text(render(plan), encoding="utf-8")
    os.replace(tmp, target)
    ran: list[str] = []
    if now:
        for args in (["daemon-reload"], ["enable", "--now", "syncd"]):
            _systemctl(args)
            ran.append("systemctl --user " + " ".join(args))
    return target, ran


def uninstall(now: bool = True) -> tuple[Path | None, list[str]]:
    """Stop and disable the service (when systemctl is there), then remove the unit."""
    target = unit_dir() / UNIT_NAME
    ran: list[str] = []
    if now and shutil.which("systemctl"):
        for args in (["disable", "--now", "syncd"], ["daemon-reload"]):
            try:
                _systemctl(args)
                ran.append("systemctl --user " + " ".join(args))
            except RuntimeError:
                pass  # not running, or no user manager: the file still goes
    if not target.exists():
        return None, ran
    target.unlink()
    return target, ran


def _systemctl(args: list[str]) -> None:
    if not shutil.which("systemctl"):
        raise RuntimeError("systemctl not found: is systemd running this machine?")
    done = subprocess.run(["systemctl", "--user", *args], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"systemctl --user {' '.join(args)}: {done.stderr.strip() or done.returncode}")
