"""Sending the user's own mail (the morning briefing) by SMTP submission.

syncd never sends mail to anyone but the user: :func:`send` refuses, before any
connection is made, a message addressed to anything but the account's own addresses,
and hands the server an explicit envelope (``RCPT TO`` is only the checked ``To``
list; no header can add a recipient).

Transport security, as for IMAP: implicit TLS (``smtps``, RFC 8314, port 465),
``starttls`` (RFC 3207, port 587) or ``none`` (for a local relay); certificates are
verified against the system store, or against ``cafile`` for a self-signed server.
Authentication is ``AUTH`` (RFC 4954) through :mod:`smtplib` when a username is set.
Errors are translated here, once, into syncd's tree: refused credentials stop the
account (``AuthError``), a dropped connection or a 4xx reply is retried later
(``TransientError``), a 5xx reply or an untrusted certificate needs the user
(``AccountError``).
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from connectors.base import Address, OutgoingMail
from connectors.compose import build_message
from connectors.imap_session import tls_context
from connectors.tls_modes import SMTP_TLS_MODES
from syncd.errors import AccountError, AuthError, ConfigError, TransientError

TLS_MODES = SMTP_TLS_MODES
DEFAULT_PORTS = {"smtps": 465, "starttls": 587, "none": 25}


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    tls: str = "starttls"
    username: str = ""
    cafile: str | None = None
    timeout: float = 60.0

    def __post_init__(self) -> None:
        if self.tls not in TLS_MODES:
            raise ConfigError(f"smtp_tls {self.tls!r}: expected one of {', '.join(TLS_MODES)}")


def check_recipients(mail: OutgoingMail, own: frozenset[str]) -> list[str]:
    """The envelope recipients, all of them the user's own addresses, or ``ConfigError``."""
    if not mail.to:
        raise ConfigError("refusing to send a message without a recipient")
    recipients = []
    for address in mail.to:
        email = address.email.strip().lower()
        if email not in own:
            raise ConfigError(
                f"refusing to send to {address.email}: syncd only sends mail to you "
                f"(this account's addresses: {', '.join(sorted(own)) or 'none'})"
            )
        recipients.append(email)
    return recipients


@contextmanager
def _translated(settings: SmtpSettings) -> Iterator[None]:
    where = f"{settings.host}:{settings.port}"
    try:
        yield
    except smtplib.SMTPAuthenticationError as err:
        raise AuthError(f"authentication failed for {settings.username}@{settings.host}: {_reply(err)}") from err
    except smtplib.SMTPNotSupportedError as err:
        raise AccountError(f"SMTP server {where} does not support {err}") from err
    except smtplib.SMTPResponseException as err:
        if 400 <= err.smtp_code < 500:
            raise TransientError(f"SMTP server {where} said {err.smtp_code}: {_reply(err)}") from err
        raise AccountError(f"SMTP server {where} refused the message: {err.smtp_code} {_reply(err)}") from err
    except smtplib.SMTPRecipientsRefused as err:
        raise AccountError(f"SMTP server {where} refused the recipients: {err.recipients}") from err
    except ssl.SSLCertVerificationError as err:
        raise AccountError(
            f"the certificate of {settings.host} is not trusted ({err.verify_message}); "
            "for a self-signed server pass its certificate with --cafile"
        ) from err
    except (TimeoutError, smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, OSError) as err:
        raise TransientError(f"cannot reach SMTP server {where}: {err}") from err
    except smtplib.SMTPException as err:
        raise AccountError(f"SMTP server {where}: {err}") from err


def _reply(err: smtplib.SMTPResponseException) -> str:
    message = err.smtp_error
    return message.decode("utf-8", "replace") if isinstance(message, bytes) else str(message)


def send(settings: SmtpSettings, password: str, mail: OutgoingMail, sender: Address, own: frozenset[str]) -> None:
    """Submit ``mail`` to the user's own addresses; raise before connecting if it is addressed to anyone else."""
    recipients = check_recipients(mail, own)
    message = build_message(mail, sender)
    author = (mail.sender or sender).email
    context = tls_context(settings.cafile) if settings.tls != "none" else None
    with _translated(settings):
        client: smtplib.SMTP
        if settings.tls == "smtps":
            client = smtplib.SMTP_SSL(settings.host, settings.port, timeout=settings.timeout, context=context)
        else:
            client = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
        try:
            client.ehlo()
            if settings.tls == "starttls":
                client.starttls(context=context)
                client.ehlo()
            if settings.username:
                client.login(settings.username, password)
            client.send_message(message, from_addr=author, to_addrs=recipients)
        finally:
            try:
                client.quit()
            except (smtplib.SMTPException, OSError):
                client.close()
