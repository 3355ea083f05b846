"""Sending the briefing to the user through a real SMTP server (aiosmtpd on loopback):
STARTTLS, implicit TLS and plain, AUTH, certificate checks, and the one rule that
matters most: syncd sends mail to no one but the user."""

from __future__ import annotations

import os
from email import message_from_bytes
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

import pytest

from connectors.base import SEND, Address, OutgoingMail
from connectors.imap import ImapConnector
from syncd.config import AccountConfig
from syncd.errors import AccountError, AuthError, ConfigError, Unsupported
from tests.servers import SmtpServer, TlsFiles

pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")  # plain and smtps test servers

ME = "me@example.test"
BRIEFING = OutgoingMail(
    to=(Address(ME, "Me"),), subject="Your morning briefing",
    text="Today: lunch with Dana.\n", html="<p>Today: <b>lunch with Dana</b>.</p>",
)


def connector(tmp_path: Path, server: SmtpServer, password: str | None = None, **options: Any) -> ImapConnector:
    secret = tmp_path / "pw"
    secret.write_text((password or server.password) + "\n")
    os.chmod(secret, 0o600)
    base = {
        "host": "imap.invalid", "username": server.username, "addresses": [ME, "me@work.example"],
        "password_file": str(secret), "smtp_host": "127.0.0.1", "smtp_port": server.port, "smtp_tls": server.tls,
    }
    return ImapConnector.from_config(AccountConfig("mail", "imap", {**base, **options}), None)  # type: ignore[arg-type]


@pytest.mark.parametrize("tls", ["starttls", "smtps", "none"])
def test_the_briefing_reaches_the_user(smtp_server: Any, tls_files: TlsFiles, tmp_path: Path, tls: str) -> None:
    server = smtp_server(tls)
    conn = connector(tmp_path, server, cafile=str(tls_files.cert))
    assert SEND in conn.capabilities
    conn.send(BRIEFING)
    [(mail_from, rcpt, raw)] = server.sink.messages
    assert (mail_from, rcpt) == (ME, [ME])
    msg = message_from_bytes(raw, policy=default_policy)
    assert msg["Subject"] == "Your morning briefing" and msg["To"] == "Me <me@example.test>" and msg["Message-ID"]
    assert msg.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in msg.iter_parts()] == ["text/plain", "text/html"]
    assert "lunch with Dana" in msg.get_body(("plain",)).get_content()


def test_anyone_else_is_refused_before_connecting(smtp_server: Any, tls_files: TlsFiles, tmp_path: Path) -> None:
    server = smtp_server("starttls")
    conn = connector(tmp_path, server, cafile=str(tls_files.cert))
    for to in [(Address("dana@acme.example"),), (Address(ME), Address("dana@acme.example")), ()]:
        mail = OutgoingMail(to=to, subject="hi", text="hello")
        with pytest.raises(ConfigError, match="syncd only sends mail to you|without a recipient"):
            conn.send(mail)
    sneaky = OutgoingMail(to=(Address(ME),), subject="hi", text="hello", extra_headers=(("Bcc", "dana@acme.example"),))
    with pytest.raises(ValueError, match="Bcc"):
        conn.send(sneaky)
    assert server.sink.sessions == 0 and server.sink.messages == []
    conn.send(OutgoingMail(to=(Address("ME@Work.Example"),), subject="hi", text="hello"))  # any own address, any case
    assert [rcpt for _, rcpt, _ in server.sink.messages] == [["me@work.example"]]


def test_wrong_smtp_password(smtp_server: Any, tls_files: TlsFiles, tmp_path: Path) -> None:
    server = smtp_server("starttls")
    conn = connector(tmp_path, server, password="wrong", cafile=str(tls_files.cert))
    with pytest.raises(AuthError, match="authentication failed for me@127.0.0.1"):
        conn.send(BRIEFING)
    assert server.sink.messages == []


@pytest.mark.parametrize("tls", ["starttls", "smtps"])
def test_an_untrusted_certificate_is_refused(smtp_server: Any, tmp_path: Path, tls: str) -> None:
    server = smtp_server(tls)
    with pytest.raises(AccountError, match="certificate of 127.0.0.1 is not trusted.*--cafile"):
        connector(tmp_path, server).send(BRIEFING)
    assert server.sink.messages == []


def test_no_smtp_host_no_send(tmp_path: Path) -> None:
    secret = tmp_path / "pw"
    secret.write_text("x")
    os.chmod(secret, 0o600)
    account = AccountConfig("mail", "imap", {"host": "h", "username": "u", "addresses": [ME], "password_file": str(secret)})
    conn = ImapConnector.from_config(account, None)  # type: ignore[arg-type]
    assert SEND not in conn.capabilities
    with pytest.raises(Unsupported):
        conn.send(BRIEFING)
