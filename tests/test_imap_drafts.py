"""IMAP ``find_draft`` against a real Dovecot, with its extensions and without them
(no UIDPLUS, no SPECIAL-USE): a draft placed once is found again by its Message-ID,
one the user deleted in their mail client is gone and never made again, and a crash
between APPEND and recording it leaves one copy."""

from __future__ import annotations

import datetime as dt
from email import message_from_bytes
from pathlib import Path

import pytest

from connectors.base import Address, OutgoingMail
from connectors.imap import ImapConnector
from syncd import place, store
from syncd.config import Config, paths
from syncd.sync import connector_for, sync
from tests import mailfactory as mf
from tests.servers import ImapUser

UTC = dt.UTC
NOW = dt.datetime(2024, 3, 13, 18, tzinfo=UTC)
RAJ = "Raj Patel <raj@partner.example>"
BEN = "Ben Whitaker <ben@salt.example>"


@pytest.fixture(params=["dovecot", "dovecot_bare"])
def user(request: pytest.FixtureRequest) -> ImapUser:
    return request.getfixturevalue(request.param).add_user()


def config_for(user: ImapUser, tmp_path: Path) -> Config:
    return Config(paths=paths(tmp_path / "home"), accounts=(user.account(),),
                  settings={"database_url": f"sqlite:///{tmp_path / 'store.db'}", "timezone": "UTC"})


def drafts_in(user: ImapUser) -> dict[int, tuple[str, str]]:
    """UID -> (Message-ID, Subject) of what the Drafts folder holds, as another client sees it."""
    with user.client() as client:
        client.select_folder("Drafts", readonly=True)
        data = client.fetch(client.search(["NOT", "DELETED"]), ["BODY.PEEK[HEADER]"])
    out = {}
    for uid, item in data.items():
        head = message_from_bytes(item[b"BODY[HEADER]"])
        out[uid] = (str(head["Message-ID"]), str(head["Subject"]))
    return out


def remove_in_client(user: ImapUser, uid: int, expunge: bool = True) -> None:
    with user.client() as client:
        client.select_folder("Drafts")
        client.add_flags([uid], [b"\\Deleted"])
        if expunge:
            client.expunge()


def draft(message_id: str, subject: str = "Following up") -> OutgoingMail:
    return OutgoingMail(to=(Address("dana@acme.example", "Dana"),), subject=subject, text="Hi Dana,\n\nHow did it land?\n",
                        message_id=message_id)


def test_find_draft_is_the_saved_one_and_exact(user: ImapUser, tmp_path: Path) -> None:
    connector = connector_for(user.account(), config_for(user, tmp_path))
    assert isinstance(connector, ImapConnector)
    assert connector.find_draft("<syncd-draft-1.a@syncd.invalid>") is None  # nothing there yet
    first = connector.save_draft(draft("<syncd-draft-1.a@syncd.invalid>"))
    upper = connector.save_draft(draft("<SYNCD-DRAFT-1.A@syncd.invalid>", "Other"))  # SEARCH ignores case; ids do not
    assert first != upper
    assert connector.find_draft("<syncd-draft-1.a@syncd.invalid>") == first
    assert connector.find_draft("<SYNCD-DRAFT-1.A@syncd.invalid>") == upper
    assert connector.find_draft("<syncd-draft-1.b@syncd.invalid>") is None
    assert connector.find_draft("<1.a@syncd.invalid>") is None  # a substring of a stored id is not it
    folder, uv, uid = first.rsplit("/", 2)
    assert folder == "Drafts" and drafts_in(user)[int(uid)][0] == "<syncd-draft-1.a@syncd.invalid>"
    remove_in_client(user, int(uid), expunge=False)  # flagged \Deleted, still in the folder
    assert connector.find_draft("<syncd-draft-1.a@syncd.invalid>") is None
    remove_in_client(user, int(upper.rsplit("/", 1)[1]))
    assert connector.find_draft("<SYNCD-DRAFT-1.A@syncd.invalid>") is None


def seed(user: ImapUser) -> None:
    """Raj asked for something the user never answered; Ben wrote every two weeks, then stopped."""
    with user.client() as client:
        client.append("INBOX", mf.message(RAJ, user.address, "Template?", "Hi Alex,\n\nCould you send me the partner "
                                          "agreement template?\n\nThanks,\nRaj", date=NOW - dt.timedelta(days=4),
                                          message_id="<r1@partner>"), flags=[b"\\Seen"])
        for i in range(6):
            when = dt.datetime(2023, 10, 18, 9, tzinfo=UTC) + dt.timedelta(days=14 * i)
            client.append("INBOX", mf.message(BEN, user.address, f"Catch-up {i}", "Hi Alex,\n\nMore soon.\n\nBen",
                                              date=when, message_id=f"<b{i}@salt>"), flags=[b"\\Seen"])
            client.append("Sent", mf.message(user.address, BEN, f"Re: Catch-up {i}", "Hi Ben,\n\nTalk soon.\n\nAlex",
                                             date=when + dt.timedelta(hours=20), message_id=f"<ab{i}@me>",
                                             in_reply_to=f"<b{i}@salt>"), flags=[b"\\Seen"])


def placed_rows() -> list[store.Draft]:
    return list(store.Draft.select().order_by(store.Draft.id))


def test_a_draft_deleted_in_the_mail_client_is_gone_and_never_made_again(user: ImapUser, tmp_path: Path) -> None:
    seed(user)
    config = config_for(user, tmp_path)
    store.open_db(config.database_url)
    sync(config, now=NOW)
    rows = placed_rows()
    assert sorted(r.kind for r in rows) == ["nudge", "reply"] and {r.status for r in rows} == {"placed"}
    held = drafts_in(user)
    assert sorted(mid for mid, _ in held.values()) == sorted(place.draft_message_id(r) for r in rows)
    reply = next(r for r in rows if r.kind == "reply")
    remove_in_client(user, int(reply.provider_id.rsplit("/", 1)[1]))
    sync(config, now=NOW + dt.timedelta(minutes=5))
    sync(config, now=NOW + dt.timedelta(hours=1))
    after = {r.id: r for r in placed_rows()}
    assert len(after) == 2 and after[reply.id].status == "gone"
    nudge = next(r for r in after.values() if r.kind == "nudge")
    assert nudge.status == "placed"
    assert list(drafts_in(user).values()) == [(place.draft_message_id(nudge), nudge.subject)]  # not re-made
    store.close_db()


def test_a_crash_between_append_and_record_leaves_one_copy(user: ImapUser, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    seed(user)
    config = config_for(user, tmp_path)
    store.open_db(config.database_url)
    placing = place.place_pending

    def crash(*args: object, **kwargs: object) -> int:
        raise RuntimeError("the process dies after the rows are stored")

    monkeypatch.setattr(place, "place_pending", crash)
    with pytest.raises(RuntimeError):
        sync(config, now=NOW)
    monkeypatch.setattr(place, "place_pending", placing)
    rows = placed_rows()
    assert len(rows) == 2 and {r.status for r in rows} == {"pending"} and drafts_in(user) == {}
    target = place.Targets(config).choose(rows[0])  # APPENDed, then the process died again
    assert target is not None
    appended = target[1].save_draft(place.outgoing(rows[0], place._sender(target[0], config)))
    assert len(drafts_in(user)) == 1
    sync(config, now=NOW + dt.timedelta(minutes=5))
    rows = placed_rows()
    assert {r.status for r in rows} == {"placed"} and rows[0].provider_id == appended
    held = drafts_in(user)
    assert len(held) == 2 and sorted(mid for mid, _ in held.values()) == sorted(place.draft_message_id(r) for r in rows)
    store.close_db()
