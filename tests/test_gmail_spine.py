"""An emulated Gmail account through the whole spine, as a Maildir one goes: mail and
calendar synced, follow-up drafts placed in Gmail's drafts (threaded, never sent), a
draft the user deletes in Gmail is not made again, and the briefing goes to the user
only, by users.messages.send."""

from __future__ import annotations

import datetime as dt
from email import message_from_bytes
from email.policy import default as default_policy
from pathlib import Path

from syncd import store
from syncd.config import Config, paths
from syncd.deliver import deliver_briefing
from syncd.sync import sync
from tests import mailfactory as mf
from tests.draftworld import day
from tests.emulators.google import GoogleEmulator
from tests.google_support import gmail_account, google, sleeps  # noqa: F401

NOW = day(2024, 3, 13, 18)


def test_gmail_account_through_sync_drafts_and_briefing(google: GoogleEmulator, tmp_path: Path, home: Path) -> None:  # noqa: F811
    me = google.gmail.address
    gm = google.gmail
    gm.add(mf.message("Raj Patel <raj@partner.example>", me, "Template?",
                      "Hi,\n\nCould you send me the partner agreement template?\n\nThanks,\nRaj",
                      date=day(2024, 3, 9, 10), message_id="<r1@partner>"), {"INBOX"})
    gm.add(mf.message("Dana Whitfield <dana@acme.example>", me, "Agenda", "Hi,\n\nSee you Wednesday.\n\nDana",
                      date=day(2024, 3, 11, 10), message_id="<d1@acme>"), {"INBOX"})
    google.calendar.put({
        "id": "review1", "iCalUID": "review@me.example", "summary": "Acme: pricing review",
        "start": {"dateTime": "2024-03-13T14:00:00Z"}, "end": {"dateTime": "2024-03-13T15:00:00Z"},
        "organizer": {"email": me, "self": True},
        "attendees": [{"email": "dana@acme.example", "displayName": "Dana Whitfield", "responseStatus": "accepted"},
                      {"email": me, "self": True, "organizer": True, "responseStatus": "accepted"}],
        "hangoutLink": "https://meet.google.com/xyz",
    })
    config = Config(paths=paths(home), accounts=(gmail_account(google, "work"),),
                    settings={"database_url": f"sqlite:///{tmp_path / 'store.db'}", "timezone": "UTC"})
    store.open_db(config.database_url)
    results = sync(config, now=NOW)
    assert [r.error for r in results] == [""]
    sync(config, now=NOW + dt.timedelta(minutes=10))

    rows = list(store.Draft.select().order_by(store.Draft.kind))
    assert [(r.kind, r.status) for r in rows] == [("followup", "placed"), ("reply", "placed")]
    assert all(r.account.name == "work" and r.provider_id in gm.drafts for r in rows)
    assert gm.sent == [] and google.calls["messages.send"] == 0, "no mail may leave during draft generation"
    reply = next(r for r in rows if r.kind == "reply")
    placed = gm.messages[gm.drafts[reply.provider_id]]
    assert placed.thread_id == gm.by_message_id("<r1@partner>").thread_id  # in Raj's conversation
    assert message_from_bytes(placed.raw, policy=default_policy)["In-Reply-To"] == "<r1@partner>"
    assert not store.Message.select().where(store.Message.subject == reply.subject).exists()  # drafts are not interactions

    gm.delete_draft(reply.provider_id)  # the user discards it in Gmail
    sync(config, now=NOW + dt.timedelta(minutes=20))
    sync(config, now=NOW + dt.timedelta(minutes=30))
    assert store.Draft.get_by_id(reply.id).status == "gone"
    assert len(gm.drafts) == 1  # not made again

    delivery = deliver_briefing(config, dt.date(2024, 3, 14), NOW + dt.timedelta(hours=13), force=True)
    assert delivery.sent and delivery.channel == "gmail" and delivery.to == me
    [sent] = gm.sent
    briefing = message_from_bytes(sent, policy=default_policy)
    assert briefing["To"] == me and briefing.get_content_type() == "multipart/alternative"


def test_send_refuses_anyone_but_the_user(google: GoogleEmulator, tmp_path: Path, home: Path) -> None:  # noqa: F811
    import pytest

    from connectors.base import Address, OutgoingMail
    from syncd.errors import ConfigError
    from syncd.sync import connector_for

    config = Config(paths=paths(home), accounts=(gmail_account(google, "work"),))
    connector = connector_for(config.accounts[0], config)
    with pytest.raises(ConfigError, match="only sends mail to you"):
        connector.send(OutgoingMail(to=(Address(google.gmail.address), Address("dana@acme.example")), subject="x", text="y"))
    assert google.gmail.sent == [] and google.calls["messages.send"] == 0


def test_emulator_answers_in_gmails_own_shapes(google: GoogleEmulator) -> None:  # noqa: F811
    """format=full from the emulator has the keys of real Gmail answers (../shared/corpus/api/gmail-format-full)."""
    import json

    from tests.conftest import CORPUS

    real = json.loads((CORPUS / "api" / "gmail-format-full" / "multipartAlternativeMessage.json").read_text())
    from email.message import EmailMessage

    built = EmailMessage()
    built["From"], built["To"], built["Subject"], built["Message-ID"] = "a@b.example", "c@d.example", "s", "<s1@b>"
    built.set_content("text")
    built.add_alternative("<p>text</p>", subtype="html")
    mid = google.gmail.add(built.as_bytes())
    ours = google.gmail.messages[mid].resource("full")
    assert set(real) <= set(ours) | {"labelIds"}
    assert set(real["payload"]) <= set(ours["payload"])
    assert set(real["payload"]["parts"][0]) <= set(ours["payload"]["parts"][0])
    assert set(real["payload"]["parts"][0]["body"]) == set(ours["payload"]["parts"][0]["body"])
