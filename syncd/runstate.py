"""What the running daemon tells ``syncd status``: a small JSON file beside the store.

The daemon rewrites ``<data dir>/daemon.json`` (atomically, mode 0600) whenever its
schedule changes: its pid, what it is doing, the next briefing, and per account the
last and next sync, the backoff and the last error. Whether a daemon runs at all is
asked of the lock (``syncd.lock``), not of this file, so a daemon killed with SIGKILL
is never reported as running.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import Any

from syncd.config import Paths
from syncd.lock import LOCK_NAME, holder

STATE_NAME = "daemon.json"


def write(file: Path, data: dict[str, Any]) -> None:
    tmp = file.with_name(f".{file.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(data, out, indent=1, sort_keys=True, default=str)
    os.replace(tmp, file)


def read(file: Path) -> dict[str, Any] | None:
    with contextlib.suppress(OSError, ValueError):
        data = json.loads(file.read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else None
    return None


def describe(paths: Paths) -> dict[str, Any]:
    """The daemon as ``syncd status --daemon --json`` shows it."""
    pid = holder(paths.data_dir / LOCK_NAME)
    info: dict[str, Any] = {"running": pid is not None, "pid": pid or None}
    state = read(paths.data_dir / STATE_NAME) if pid is not None else None
    if state is not None and (not pid or state.get("pid") == pid):
        for key in ("started", "updated", "status", "next_briefing", "accounts"):
            info[key] = state.get(key)
    info.setdefault("accounts", {})
    info.setdefault("next_briefing", None)
    info.setdefault("status", None)
    return info


def annotate(rows: list[dict[str, Any]], info: dict[str, Any]) -> list[dict[str, Any]]:
    """Add the daemon's view to ``syncd status`` rows: next sync, backoff, stopped."""
    accounts = info.get("accounts") or {}
    for row in rows:
        mine = accounts.get(row["name"], {})
        row["next_sync"] = mine.get("next_sync")
        row["backoff_seconds"] = mine.get("backoff_seconds") or 0
        row["stopped"] = mine.get("stopped") or None
    return rows


def header(info: dict[str, Any]) -> str:
    """One line for ``syncd status``: running or not, pid, what it does, next briefing."""
    if not info["running"]:
        return "daemon: not running (start it with `syncd run` or `syncd service install --now`)"
    line = f"daemon: running, pid {info['pid'] or '?'}"
    if info.get("status"):
        line += f"; {info['status']}"
    elif info.get("next_briefing"):
        line += f"; next briefing {info['next_briefing']}"
    return line


def account_suffix(row: dict[str, Any]) -> str:
    """The daemon's part of an account's ``syncd status`` line."""
    parts = []
    if row.get("stopped"):
        parts.append(f"STOPPED: {row['stopped']}")
    elif row.get("next_sync"):
        parts.append(f"next sync {row['next_sync']}")
    if row.get("backoff_seconds"):
        parts.append(f"backing off {float(row['backoff_seconds']):.0f}s")
    return ("  " + ", ".join(parts)) if parts else ""
