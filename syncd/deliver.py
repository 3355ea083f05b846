"""Delivering the morning briefing to the user, and only to the user.

* **Where to**: ``briefing_to`` when set (it must be one of the user's own addresses),
  else the user's first configured address. Any other recipient is refused with a
  ``ConfigError`` before anything is sent or written: syncd never mails anyone else.
* **How**: through the first enabled account whose connector offers ``send`` (SMTP
  for IMAP accounts now; Gmail and Graph later); with none, the message is written to
  ``$SYNCD_HOME/outbox/<date>-briefing.eml`` (mode 0600) for the user to open.
* **Once per date**: the ``Briefing`` row (unique on the date) is written *before* the
  message goes out, in its own transaction. That makes delivery at-most-once: a crash
  between the commit and the send loses that day's briefing (``--force`` sends it
  again) but can never send it twice, and a second process racing for the same date
  hits the unique constraint and sends nothing. When the send itself fails with an
  error, nothing went out, so the row is removed again and the caller (the daemon)
  may retry. For a briefing to oneself, a missed morning is a smaller harm than two
  identical mails, and the spec asks for one per date.

The message is multipart/alternative (text first, then HTML) and carries
``Auto-Submitted: auto-generated`` (RFC 3834), so when it comes back through the
user's inbox syncd's own ingest knows it for automated mail and learns nothing from it.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from dataclasses import dataclass
from email.utils import make_msgid
from pathlib import Path

import peewee as pw

from connectors.base import SEND, Address, Connector, OutgoingMail
from syncd import briefing as briefing_mod
from syncd import render, store
from syncd.config import Config
from syncd.errors import ConfigError

log = logging.getLogger(__name__)

OUTBOX = "outbox"


@dataclass(frozen=True)
class Delivery:
    """What happened to one date's briefing. True when a message went out."""

    date: str
    sent: bool
    channel: str = ""  # the account kind that sent it, or "outbox"
    to: str = ""
    subject: str = ""
    location: str = ""  # the .eml file, for the outbox
    message_id: str = ""
    reason: str = ""  # why nothing was sent

    def __bool__(self) -> bool:
        return self.sent


def own_addresses(config: Config) -> list[str]:
    """The user's addresses in config order: ``[syncd] addresses`` first, then each account's."""
    ordered: list[str] = []
    for email in [*config.settings.get("addresses", ()), *(a for acc in config.accounts for a in acc.addresses)]:
        email = str(email).strip().lower()
        if email and email not in ordered:
            ordered.append(email)
    return ordered


def recipient(config: Config) -> str:
    """``briefing_to``, checked to be one of the user's own addresses, else the first of them."""
    own = own_addresses(config)
    if not own:
        raise ConfigError("no address of yours is configured, so the briefing has nowhere to go: "
                          "add one with `syncd account add ... --address ME` or [syncd] addresses = [...]")
    wanted = str(config.settings.get("briefing_to") or "").strip().lower()
    if not wanted:
        return own[0]
    if wanted not in own:
        raise ConfigError(f"briefing_to = {wanted!r} is not one of your own addresses ({', '.join(own)}): "
                          "syncd only ever sends mail to you")
    return wanted


def check_only_to_user(mail: OutgoingMail, config: Config) -> None:
    """Refuse a message to anyone but the user (and any Cc/Bcc-like header)."""
    own = set(own_addresses(config))
    strangers = [a.email for a in mail.to if a.email.strip().lower() not in own]
    if strangers or not mail.to:
        raise ConfigError(f"refusing to send the briefing to {', '.join(strangers) or 'nobody'}: "
                          "syncd only ever sends mail to you")


def compose(b: briefing_mod.Briefing, to: str) -> OutgoingMail:
    """The briefing as a multipart/alternative message from the user to the user."""
    domain = to.rpartition("@")[2] or None
    return OutgoingMail(
        to=(Address(to, b.user),),
        sender=Address(to, "syncd"),
        subject=render.subject(b),
        text=render.render_text(b),
        html=render.render_html(b),
        message_id=make_msgid(idstring=f"briefing.{b.date}", domain=domain),
        extra_headers=(("Auto-Submitted", "auto-generated"), ("X-Syncd", f"briefing {b.date}")),
    )


def sending_connector(config: Config) -> Connector | None:
    """The first enabled account whose connector can send, or None (then: the outbox)."""
    from syncd.sync import connector_for

    for account in config.accounts:
        if not account.options.get("enabled", True):
            continue
        connector = connector_for(account, config)
        if SEND in connector.capabilities:
            return connector
    return None


def deliver(b: briefing_mod.Briefing, config: Config, now: dt.datetime, *, force: bool = False,
            connector: Connector | None = None) -> Delivery:
    """Send ``b`` once for its date (``force``: again). ``connector`` overrides the account search."""
    to = recipient(config)
    mail = compose(b, to)
    check_only_to_user(mail, config)
    existing = store.Briefing.get_or_none(store.Briefing.date == b.date)
    if existing is not None and not force:
        return Delivery(date=b.date, sent=False, channel=existing.channel, subject=existing.subject,
                        location=existing.location, message_id=existing.message_id,
                        reason=f"the briefing for {b.date} went out already ({existing.channel}); --force sends it again")
    sender = connector if connector is not None else sending_connector(config)
    channel = sender.kind if sender is not None else OUTBOX
    target = config.paths.outbox / f"{b.date}-briefing.eml" if sender is None else None
    try:
        with store.db.atomic():
            store.Briefing.delete().where(store.Briefing.date == b.date).execute()
            row = store.Briefing.create(date=b.date, sent_at=now, channel=channel, subject=mail.subject,
                                        message_id=mail.message_id, location=str(target or ""))
    except pw.IntegrityError:
        return Delivery(date=b.date, sent=False, reason=f"the briefing for {b.date} is being sent by another process")
    try:
        if sender is not None:
            sender.send(mail)
        else:
            assert target is not None
            write_eml(target, mail)
    except Exception:
        row.delete_instance()  # it failed, so nothing went out: let a retry send it (a kill keeps the row)
        raise
    log.info("briefing for %s sent via %s", b.date, channel)
    return Delivery(date=b.date, sent=True, channel=channel, to=to, subject=mail.subject,
                    location=str(target or ""), message_id=mail.message_id)


def write_eml(target: Path, mail: OutgoingMail) -> None:
    """The message as an .eml file only the user can read, written atomically."""
    from connectors.compose import build_message

    message = build_message(mail, mail.sender or mail.to[0])
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(message.as_bytes())
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def build_for(config: Config, date: dt.date, now: dt.datetime) -> briefing_mod.Briefing:
    """The briefing for ``date`` with the config's zone and addresses."""
    return briefing_mod.build(date, now, config.timezone, config.self_addresses, config.timezone_name)


def deliver_briefing(config: Config, date: dt.date, now: dt.datetime, *, force: bool = False) -> Delivery:
    """Build and deliver the briefing for ``date`` (the daemon's entry point).

    With ``skip_empty_briefing = true``, a day with nothing worth saying sends nothing.
    """
    existing = store.Briefing.get_or_none(store.Briefing.date == date.isoformat())
    if existing is not None and not force:
        return Delivery(date=date.isoformat(), sent=False, channel=existing.channel,
                        reason=f"the briefing for {date} went out already ({existing.channel}); --force sends it again")
    b = build_for(config, date, now)
    if b.empty and config.settings.get("skip_empty_briefing", False):
        return Delivery(date=b.date, sent=False, reason="nothing worth saying today (skip_empty_briefing = true)")
    return deliver(b, config, now, force=force)
