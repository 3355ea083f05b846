"""Helpers for the daemon tests: a home with a config, a stepped daemon, a daemon in a thread."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import tomlkit

from syncd import config as config_mod
from syncd import store
from syncd.daemon import Daemon


def write_config(home: Path, accounts: dict[str, dict[str, Any]], **settings: Any) -> None:
    home.mkdir(parents=True, exist_ok=True)
    doc = {"syncd": settings, "accounts": accounts}
    (home / "config.toml").write_text(tomlkit.dumps(doc), encoding="utf-8")


def maildir_account(path: Path, **options: Any) -> dict[str, Any]:
    return {"kind": "maildir", "path": str(path), "addresses": ["me@home.example"], **options}


def open_home(home: Path) -> config_mod.Config:
    config = config_mod.load(home)
    store.open_db(config.database_url)
    return config


def settle(daemon: Daemon, now: dt.datetime) -> float:
    """Step, let the syncs it started finish, and step again to take their results."""
    daemon.step(now)
    assert daemon.wait_idle(60), "a sync did not finish"
    return daemon.step(now)


class Running:
    """``Daemon.run`` in a thread with the real clock (``main=False``: no signal handlers)."""

    def __init__(self, daemon: Daemon) -> None:
        self.daemon = daemon
        self.code: int | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        self.code = self.daemon.run(main=False)

    def __enter__(self) -> Running:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.daemon.request_stop()
        self.thread.join(15)
        assert not self.thread.is_alive(), "the daemon did not stop"
        assert self.daemon.wait_idle(30), "a sync thread outlived the daemon"  # none may touch the next test's store


def wait_until(predicate: Callable[[], bool], timeout: float, step: float = 0.02) -> float | None:
    """Seconds it took for ``predicate`` to hold, or None."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if predicate():
            return time.monotonic() - started
        time.sleep(step)
    return None


def count(home: Path, table: str = "location") -> int:
    """Rows in a table of a home's SQLite store, read-only (another process may be writing)."""
    db = home / "syncd.db"
    if not db.exists():
        return 0
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
    try:
        return int(conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])
    except sqlite3.OperationalError:
        return 0
    finally:
        conn.close()


class Syncd(subprocess.Popen):  # type: ignore[type-arg]
    """``syncd ARGS`` as a process; its output goes to files (a daemon's log can outgrow a pipe)."""

    def __init__(self, home: Path, args: tuple[str, ...], env: dict[str, str]) -> None:
        logs = home.parent / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        stem = f"{args[0] if args else 'syncd'}-{time.monotonic_ns()}"
        self.out_file, self.err_file = logs / f"{stem}.out", logs / f"{stem}.err"
        with self.out_file.open("wb") as out, self.err_file.open("wb") as err:
            super().__init__([sys.executable, "-m", "syncd", *args], env=env, stdout=out, stderr=err)

    @property
    def out(self) -> str:
        return self.out_file.read_text(errors="replace")

    @property
    def err(self) -> str:
        return self.err_file.read_text(errors="replace")


def syncd(home: Path, *args: str, now: str | None = None, **env: str) -> Syncd:
    full = {**os.environ, "SYNCD_HOME": str(home), **env}
    if now:
        full["SYNCD_NOW"] = now
    else:
        full.pop("SYNCD_NOW", None)
    return Syncd(home, args, full)
