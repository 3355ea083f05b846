"""Shared fixtures: a private SYNCD_HOME, the CLI, a real PostgreSQL server, the corpus."""

from __future__ import annotations

import itertools
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from syncd import clock, store

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
ENRON = CORPUS / "maildir" / "enron-bass-e"


def _corpus_fingerprint() -> list[tuple[str, int, int]]:
    return sorted((str(p.relative_to(CORPUS)), p.stat().st_size, p.stat().st_mtime_ns) for p in CORPUS.rglob("*"))


@pytest.fixture(scope="session", autouse=True)
def _corpus_stays_untouched() -> Iterator[None]:
    """The shared corpus is read-only data beside CI: no test may write into it (syncing
    a Maildir may place drafts in it, so tests sync private copies)."""
    before = _corpus_fingerprint()
    yield
    after = _corpus_fingerprint()
    changed = sorted(set(before) ^ set(after))
    assert not changed, f"tests changed ../shared/corpus: {changed[:5]}"


@pytest.fixture(autouse=True)
def _isolate(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """No test sees the developer's real config, data or pinned clock."""
    monkeypatch.delenv("SYNCD_NOW", raising=False)
    monkeypatch.setenv("SYNCD_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    clock.pin(None)
    yield
    clock.pin(None)
    store.close_db()


@pytest.fixture
def enron_copy(tmp_path: Path) -> Path:
    """A private copy of the Enron mailbox: syncing a Maildir may write to it (drafts),
    and the shared corpus must never change."""
    target = tmp_path / "enron-bass-e"
    shutil.copytree(ENRON, target)
    return target


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


@pytest.fixture
def cli() -> CliRunner:
    return CliRunner()


def run(cli: CliRunner, *args: str, code: int = 0):  # type: ignore[no-untyped-def]
    """Run ``syncd ARGS`` in-process and check its exit code."""
    from syncd.cli import main

    result = cli.invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == code, f"syncd {' '.join(args)} -> {result.exit_code}\n{result.output}"
    return result


# -- PostgreSQL ---------------------------------------------------------------


def _pg_bin(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    for candidate in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True):
        return str(candidate)
    raise RuntimeError(f"PostgreSQL's {name} not found: install Debian's postgresql (make test does)")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A real PostgreSQL server on a free loopback port, for this test session only.

    Its files live in a folder of their own under /tmp: as root the server runs as the
    ``postgres`` user, which cannot enter pytest's private temporary tree.
    """
    base = Path(tempfile.mkdtemp(prefix="syncd-pg-"))
    data, sock = base / "data", base / "sock"
    sock.mkdir()
    as_root = os.geteuid() == 0
    prefix = ["runuser", "-u", "postgres", "--"] if as_root else []
    if as_root:
        shutil.chown(base, "postgres")
        shutil.chown(sock, "postgres")
    port = _free_port()
    subprocess.run(
        [*prefix, _pg_bin("initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"],
        check=True, capture_output=True,
    )
    log = base / "server.log"
    if as_root:
        log.touch()
        shutil.chown(log, "postgres")
    subprocess.run(
        [*prefix, _pg_bin("pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-t", "60", "-o",
         f"-p {port} -k {sock} -c listen_addresses=127.0.0.1 -c fsync=off", "start"],
        check=True, capture_output=True,
    )
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}"
    finally:
        subprocess.run([*prefix, _pg_bin("pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"], capture_output=True)
        shutil.rmtree(base, ignore_errors=True)


_db_numbers = itertools.count(1)


@pytest.fixture
def postgres_url(postgres_server: str) -> str:
    """A fresh, empty database on the session's PostgreSQL server."""
    import psycopg2

    name = f"syncd_test_{os.getpid()}_{next(_db_numbers)}"
    conn = psycopg2.connect(f"{postgres_server}/postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f"CREATE DATABASE {name}")
    conn.close()
    return f"{postgres_server}/{name}"


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Run a test once on the embedded SQLite and once on a real PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    return str(request.getfixturevalue("postgres_url"))


def wait_for(predicate, timeout: float = 10.0, step: float = 0.05) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return False
from tests.servers import dovecot, dovecot_bare, imap_user, own_dovecot, smtp_server, tls_files  # noqa: E402,F401 - real IMAP/SMTP servers
