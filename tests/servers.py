"""Real mail servers for the tests: Dovecot (IMAP) and aiosmtpd (SMTP) on free loopback ports.

Dovecot comes from Debian's ``dovecot-imapd`` (``.ci/system-deps.sh`` installs it); each
instance runs as ``dovecot -F -c <its own config>`` in a folder of its own under /tmp
(as root, mail is kept as the ``dovecot`` user, which cannot enter pytest's private
temporary tree) and is killed by its process group, so a system Dovecot is never
touched. Two flavours: ``extensions=True`` advertises CONDSTORE, QRESYNC, UIDPLUS,
SPECIAL-USE and IDLE (Dovecot's defaults); ``extensions=False`` overrides the
capability list to bare IMAP4rev1 and drops the special-use folder attributes, for the
connector's fallback paths.
"""

from __future__ import annotations

import itertools
import os
import pwd
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from imapclient import IMAPClient

from syncd.config import AccountConfig

DOVECOT = "/usr/sbin/dovecot"
DOVEADM = "/usr/bin/doveadm"
BARE_CAPABILITIES = "IMAP4rev1 LITERAL+ SASL-IR LOGIN-REFERRALS ID ENABLE NAMESPACE UNSELECT CHILDREN"
_users = itertools.count(1)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


@dataclass(frozen=True)
class TlsFiles:
    """A self-signed certificate for 127.0.0.1 and localhost (its own CA file)."""

    cert: Path
    key: Path

    def server_context(self) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.cert, self.key)
        return context


def make_tls_files(directory: Path) -> TlsFiles:
    directory.mkdir(parents=True, exist_ok=True)
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-keyout", str(key),
         "-out", str(cert), "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
        check=True, capture_output=True,
    )
    os.chmod(directory, 0o755)
    os.chmod(cert, 0o644)
    return TlsFiles(cert, key)


@dataclass
class ImapUser:
    """A mailbox on a Dovecot: log in as it, or make a syncd account for it."""

    server: Dovecot
    name: str
    password: str

    @property
    def address(self) -> str:
        return f"{self.name}@example.test"

    @property
    def maildir(self) -> Path:
        return self.server.base / "home" / self.name / "Maildir"

    @contextmanager
    def client(self) -> Iterator[IMAPClient]:
        client = IMAPClient("127.0.0.1", port=self.server.port, ssl=False, timeout=30)
        client.login(self.name, self.password)
        try:
            yield client
        finally:
            client.logout()

    def password_file(self) -> Path:
        file = self.server.base / f"{self.name}.password"
        file.write_text(self.password + "\n", encoding="utf-8")
        os.chmod(file, 0o600)
        return file

    def account(self, name: str = "imap", **options: Any) -> AccountConfig:
        base = {
            "host": "127.0.0.1", "port": self.server.port, "tls": "none", "username": self.name,
            "addresses": [self.address], "password_file": str(self.password_file()),
        }
        return AccountConfig(name, "imap", {**base, **options})


@dataclass
class Dovecot:
    tls: TlsFiles | None = None
    extensions: bool = True
    base: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="syncd-dovecot-")))
    port: int = field(default_factory=free_port)
    imaps_port: int = 0
    proc: subprocess.Popen[bytes] | None = None

    def __post_init__(self) -> None:
        if not Path(DOVECOT).exists():
            raise RuntimeError("Dovecot not found: install Debian's dovecot-imapd (make test does)")
        if self.tls is not None and not self.imaps_port:
            self.imaps_port = free_port()
        os.chmod(self.base, 0o755)
        for sub in ("run", "state", "home"):
            (self.base / sub).mkdir(exist_ok=True)
        (self.base / "passwd.d").mkdir(exist_ok=True)
        self._chown(self.base / "home")
        self.config = self.base / "dovecot.conf"
        self.config.write_text(self._config_text(), encoding="utf-8")

    def _chown(self, path: Path) -> None:
        if os.geteuid() == 0:
            shutil.chown(path, "dovecot", "dovecot")

    def _config_text(self) -> str:
        b = self.base
        if os.geteuid() == 0:
            identity = "uid=dovecot gid=dovecot"
            users = ""
        else:  # an unprivileged Dovecot runs everything as the current user
            me = pwd.getpwuid(os.geteuid()).pw_name
            identity = f"uid={os.geteuid()} gid={os.getegid()}"
            users = f"default_internal_user = {me}\ndefault_login_user = {me}\n"
        ssl_lines = "ssl = no\n"
        if self.tls is not None:
            ssl_lines = f"ssl = yes\nssl_cert = <{self.tls.cert}\nssl_key = <{self.tls.key}\n"
        special = (
            "  mailbox Drafts {\n    special_use = \\Drafts\n    auto = subscribe\n  }\n"
            "  mailbox Sent {\n    special_use = \\Sent\n    auto = subscribe\n  }\n"
        ) if self.extensions else (
            "  mailbox Drafts {\n    auto = subscribe\n  }\n  mailbox Sent {\n    auto = subscribe\n  }\n"
        )
        capability = "" if self.extensions else f"imap_capability = {BARE_CAPABILITIES}\n"
        return (
            f"base_dir = {b}/run\nstate_dir = {b}/state\nlog_path = /dev/stderr\nprotocols = imap\n"
            f"listen = 127.0.0.1\n{ssl_lines}disable_plaintext_auth = no\nauth_mechanisms = plain login\n"
            f"auth_failure_delay = 0\nmail_location = maildir:~/Maildir\nfirst_valid_uid = 1\n{users}{capability}"
            f"passdb {{\n  driver = passwd-file\n  args = scheme=PLAIN username_format=%u {b}/passwd.d/%u\n}}\n"
            f"userdb {{\n  driver = static\n  args = {identity} home={b}/home/%u\n}}\n"
            f"service imap-login {{\n  inet_listener imap {{\n    address = 127.0.0.1\n    port = {self.port}\n  }}\n"
            f"  inet_listener imaps {{\n    address = 127.0.0.1\n    port = {self.imaps_port}\n  }}\n}}\n"
            f"namespace inbox {{\n  inbox = yes\n  separator = /\n{special}}}\n"
        )

    # -- life ------------------------------------------------------------------

    def start(self) -> Dovecot:
        log = open(self.base / "dovecot.log", "ab")  # noqa: SIM115 - the server's, closed with it
        self.proc = subprocess.Popen(
            [DOVECOT, "-F", "-c", str(self.config)], stdout=log, stderr=log, start_new_session=True,
        )
        log.close()
        deadline = time.monotonic() + 15
        while not _port_open(self.port):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"Dovecot did not start:\n{self.log_tail()}")
            time.sleep(0.02)
        return self

    def kill(self) -> None:
        """SIGKILL the whole server (master, login and imap processes): connections drop.
        Also how it is stopped: a Dovecot just started may take seconds over a SIGTERM."""
        if self.proc is None:
            return
        with suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)
        self.proc = None
        deadline = time.monotonic() + 5
        while _port_open(self.port) and time.monotonic() < deadline:
            time.sleep(0.02)

    stop = kill

    def cleanup(self) -> None:
        self.stop()
        shutil.rmtree(self.base, ignore_errors=True)

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join((self.base / "dovecot.log").read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    # -- users -----------------------------------------------------------------

    def add_user(self, name: str | None = None, password: str | None = None) -> ImapUser:
        name = name or f"user{os.getpid()}x{next(_users)}"
        password = password or f"pw-{name}-s3cret"
        home = self.base / "home" / name
        home.mkdir()
        self._chown(home)
        # One passwd-file per user: Dovecot re-reads a changed passwd-file at most once a second.
        (self.base / "passwd.d" / name).write_text(f"{name}:{{PLAIN}}{password}::::::\n", encoding="utf-8")
        return ImapUser(self, name, password)

    def doveadm(self, *args: str) -> str:
        done = subprocess.run([DOVEADM, "-c", str(self.config), *args], check=True, capture_output=True, text=True)
        return done.stdout


# -- SMTP ----------------------------------------------------------------------


@dataclass
class SmtpSink:
    """An aiosmtpd handler that keeps what it receives and counts sessions."""

    messages: list[tuple[str, list[str], bytes]] = field(default_factory=list)
    sessions: int = 0

    async def handle_EHLO(self, server: Any, session: Any, envelope: Any, hostname: str, responses: list[str]) -> list[str]:  # noqa: N802
        self.sessions += 1
        session.host_name = hostname  # aiosmtpd leaves this to an EHLO hook
        return responses

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.original_content or b"")))
        return "250 2.0.0 accepted"


@dataclass
class SmtpServer:
    """aiosmtpd on a free loopback port: ``tls`` is ``none``, ``starttls`` or ``smtps``; AUTH required."""

    tls: str
    tls_files: TlsFiles
    username: str = "me"
    password: str = "smtp-s3cret"
    sink: SmtpSink = field(default_factory=SmtpSink)
    port: int = field(default_factory=free_port)

    def __post_init__(self) -> None:
        def authenticator(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
            ok = isinstance(data, LoginPassword) and data.login.decode() == self.username and data.password.decode() == self.password
            return AuthResult(success=ok, handled=False)

        kwargs: dict[str, Any] = {"authenticator": authenticator, "auth_required": True, "auth_require_tls": self.tls == "starttls"}
        if self.tls == "starttls":
            kwargs.update(tls_context=self.tls_files.server_context(), require_starttls=True)
        elif self.tls == "smtps":
            kwargs.update(ssl_context=self.tls_files.server_context(), auth_require_tls=False)
        self.controller = Controller(self.sink, hostname="127.0.0.1", port=self.port, **kwargs)

    def start(self) -> SmtpServer:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()


# -- fixtures --------------------------------------------------------------------


@pytest.fixture(scope="session")
def tls_files() -> Iterator[TlsFiles]:
    directory = Path(tempfile.mkdtemp(prefix="syncd-tls-"))
    try:
        yield make_tls_files(directory)
    finally:
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(scope="session")
def dovecot(tls_files: TlsFiles) -> Iterator[Dovecot]:
    """Dovecot with its extensions and TLS (STARTTLS on ``port``, implicit TLS on ``imaps_port``)."""
    server = Dovecot(tls=tls_files).start()
    try:
        yield server
    finally:
        server.cleanup()


@pytest.fixture(scope="session")
def dovecot_bare() -> Iterator[Dovecot]:
    """Dovecot advertising bare IMAP4rev1: no CONDSTORE, QRESYNC, UIDPLUS, SPECIAL-USE or IDLE."""
    server = Dovecot(extensions=False).start()
    try:
        yield server
    finally:
        server.cleanup()


@pytest.fixture
def imap_user(dovecot: Dovecot) -> ImapUser:
    return dovecot.add_user()


@pytest.fixture
def own_dovecot() -> Iterator[Dovecot]:
    """A Dovecot of this test's own, to kill and restart."""
    server = Dovecot().start()
    try:
        yield server
    finally:
        server.cleanup()


@pytest.fixture
def smtp_server(tls_files: TlsFiles) -> Iterator[Any]:
    """``smtp_server(tls)`` starts an aiosmtpd; all are stopped after the test."""
    started: list[SmtpServer] = []

    def start(tls: str = "starttls", username: str = "me", password: str = "smtp-s3cret") -> SmtpServer:
        server = SmtpServer(tls, tls_files, username, password).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()
