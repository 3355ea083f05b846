"""Drafts are never sent: against a real IMAP server (Dovecot) whose account can also
send by SMTP (aiosmtpd), a sync that writes drafts APPENDs them to ``\\Drafts`` and the
SMTP server receives nothing; the same SMTP path does deliver when syncd sends the
user their own mail, so the silence means something."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from connectors.base import Address, OutgoingMail
from syncd import store
from syncd.config import AccountConfig, Config, paths
from syncd.sync import connector_for, sync
from tests import mailfactory as mf
from tests.draftworld import ME_FULL, Meeting, World, day

NOW = day(2024, 3, 13, 18)


def test_writing_drafts_sends_no_mail(imap_user, smtp_server, tmp_path: Path, home: Path, cli) -> None:  # type: ignore[no-untyped-def]
    smtp = smtp_server("none")
    smtp.username, smtp.password = imap_user.name, imap_user.password
    me = imap_user.address
    with imap_user.client() as client:
        client.append("INBOX", mf.message(
            "Raj Patel <raj@partner.example>", me, "Template?",
            "Hi,\n\nCould you send me the partner agreement template?\n\nThanks,\nRaj",
            date=day(2024, 3, 9, 10), message_id="<r1@partner>"), flags=[b"\\Seen"])
        client.append("INBOX", mf.message(
            "Dana Whitfield <dana@acme.example>", me, "Agenda", "Hi,\n\nSee you Wednesday.\n\nDana",
            date=day(2024, 3, 11, 10), message_id="<d1@acme>"), flags=[b"\\Seen"])
    world = World(tmp_path / "cal", home, cli)
    world.meeting(Meeting("review@me.example", "Acme: pricing review", day(2024, 3, 13, 14), 60,
                          ("Dana Whitfield <dana@acme.example>", ME_FULL.replace("alex@me.example", me))))
    account = imap_user.account("work", smtp_host="127.0.0.1", smtp_port=smtp.port, smtp_tls="none")
    config = Config(
        paths=paths(home), accounts=(account, AccountConfig("calendar", "ics", {"path": str(world.calendar)})),
        settings={"database_url": f"sqlite:///{tmp_path / 'store.db'}", "timezone": "UTC"},
    )
    store.open_db(config.database_url)
    assert "send" in connector_for(account, config).capabilities  # this account could send

    results = sync(config, now=NOW)
    assert all(r.error == "" for r in results), [r.error for r in results]
    sync(config, now=NOW + dt.timedelta(minutes=10))

    rows = list(store.Draft.select().order_by(store.Draft.kind))
    assert [(r.kind, r.status) for r in rows] == [("followup", "placed"), ("reply", "placed")]
    assert all(r.account.name == "work" and r.provider_id.startswith("Drafts/") for r in rows)
    assert smtp.sink.messages == [] and smtp.sink.sessions == 0, "no mail may leave during draft generation"
    assert not (home / "outbox").exists()
    with imap_user.client() as client:
        client.select_folder("Drafts", readonly=True)
        found = client.fetch(client.search("ALL"), ["FLAGS", "BODY.PEEK[HEADER.FIELDS (SUBJECT IN-REPLY-TO)]"])
    headers = sorted(v[b"BODY[HEADER.FIELDS (SUBJECT IN-REPLY-TO)]"].decode() for v in found.values())
    assert len(headers) == 2 and all(b"\\Draft" in v[b"FLAGS"] for v in found.values())
    assert any("Subject: Re: Template?" in h and "In-Reply-To: <r1@partner>" in h for h in headers)

    # The control: the user's own mail does go out through this very SMTP server.
    connector_for(account, config).send(OutgoingMail(to=(Address(me),), subject="Your briefing", text="Good morning."))
    assert len(smtp.sink.messages) == 1 and smtp.sink.messages[0][1] == [me]
