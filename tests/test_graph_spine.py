"""An emulated Microsoft 365 account through the same spine as a Maildir one: the drafts
scenario of test_drafts.py synced through the CLI from the Graph emulator gives the same
drafts, placed in Outlook's Drafts (replies made with createReply, so they thread), never
remade once the user deletes one; and the briefing goes out through /me/sendMail to the
user alone."""

from __future__ import annotations

import datetime as dt
import json
from email import message_from_bytes
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

import pytest
import tomlkit
from click.testing import CliRunner

from connectors.base import Address, OutgoingMail
from connectors.secrets import token_file, write_secret
from syncd import store
from syncd.config import load
from syncd.errors import ConfigError
from syncd.sync import connector_for
from tests import graph_support
from tests import mailfactory as mf
from tests.conftest import run
from tests.draftworld import ME, ME_FULL, Meeting, World
from tests.emulators.authority import TENANT, FakeAuthority
from tests.emulators.graph import GraphEmulator
from tests.graph_support import CLIENT_ID
from tests.test_drafts import AFTER, BEFORE, EXPECTED_AFTER, EXPECTED_BEFORE, build_scenario, occasions

# The shared fixtures (pytest finds them by these names).
authority, graph, signed_in_cache = graph_support.authority, graph_support.graph, graph_support.signed_in_cache


class GraphWorld:
    """test_drafts' world, kept in the Graph emulator instead of a Maildir and an .ics file."""

    def __init__(self, emulator: GraphEmulator, home: Path, cli: CliRunner) -> None:
        self.emulator, self.state, self.home, self.cli = emulator, emulator.state, home, cli

    def received(self, sender: str, subject: str, body: str, date: dt.datetime, message_id: str, in_reply_to: str = "", to: str = ME_FULL) -> None:
        self.state.add_mime(mf.message(sender, to, subject, body, date=date, message_id=message_id, in_reply_to=in_reply_to))

    def sent(self, to: str | list[str], subject: str, body: str, date: dt.datetime, message_id: str, in_reply_to: str = "") -> None:
        self.state.add_mime(mf.message(ME_FULL, to, subject, body, date=date, message_id=message_id, in_reply_to=in_reply_to), "Sent")

    def meeting(self, m: Meeting) -> None:
        def who(text: str, response: str) -> dict[str, Any]:
            name, _, email = text.partition(" <")
            return {"type": "required", "status": {"response": response}, "emailAddress": {"name": name, "address": email.rstrip(">")}}

        end = m.start + dt.timedelta(minutes=m.minutes)
        self.state.put_event({
            "id": f"ev-{m.uid}", "iCalUId": m.uid, "subject": m.summary, "type": "singleInstance",
            "start": {"dateTime": m.start.strftime("%Y-%m-%dT%H:%M:%S.0000000"), "timeZone": "GMT Standard Time"},
            "end": {"dateTime": end.strftime("%Y-%m-%dT%H:%M:%S.0000000"), "timeZone": "GMT Standard Time"},
            "organizer": {"emailAddress": {"name": "Alex Morgan", "address": ME}},
            "attendees": [who(ME_FULL, "organizer")] + [who(a, "accepted") for a in m.attendees],
            "isCancelled": m.status == "CANCELLED",
        })

    def setup(self, authority: FakeAuthority, cache: bytes) -> None:
        run(self.cli, "account", "add", "outlook", "office", "--address", ME, "--tenant", TENANT, "--client-id", CLIENT_ID,
            "--graph-base", self.emulator.base, "--authority", authority.url, "--cafile", str(authority.cafile))
        write_secret(token_file(self.home / "tokens", "office", "msal.json"), cache)
        config = self.home / "config.toml"
        doc = tomlkit.parse(config.read_text(encoding="utf-8"))
        doc["syncd"]["timezone"] = "UTC"  # type: ignore[index]
        config.write_text(tomlkit.dumps(doc), encoding="utf-8")

    sync = World.sync
    drafts = World.drafts

    def draft_items(self) -> list[dict[str, Any]]:
        folder = self.state.folder_id("drafts")
        return [m for m in self.state.messages.values() if m["parentFolderId"] == folder]


@pytest.fixture
def gworld(graph: GraphEmulator, authority: FakeAuthority, signed_in_cache: bytes, home: Path, cli: CliRunner) -> GraphWorld:
    world = GraphWorld(graph, home, cli)
    build_scenario(world)  # type: ignore[arg-type]
    world.setup(authority, signed_in_cache)
    return world


def _texts(rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return sorted((r["occasion"], r["kind"], r["subject"], r["to"], r["status"]) for r in rows)


def test_same_drafts_as_maildir_placed_in_outlook_drafts(
    gworld: GraphWorld, tmp_path: Path, cli: CliRunner, monkeypatch: pytest.MonkeyPatch,
) -> None:
    gworld.sync(BEFORE, monkeypatch)
    assert occasions(gworld.drafts()) == EXPECTED_BEFORE
    gworld.sync(AFTER, monkeypatch)
    rows = gworld.drafts()
    assert occasions([r for r in rows if r["kind"] != "promise"]) == EXPECTED_AFTER
    assert {r["status"] for r in rows} == {"placed"} and len(gworld.draft_items()) == 5
    for later in (AFTER + dt.timedelta(minutes=5), AFTER + dt.timedelta(hours=3)):  # restarts and re-syncs
        gworld.sync(later, monkeypatch)
    assert _texts(gworld.drafts()) == _texts(rows) and len(gworld.draft_items()) == 5

    # The same scenario in a Maildir and an .ics file gives the same drafts.
    maildir_home = tmp_path / "maildir-home"
    monkeypatch.setenv("SYNCD_HOME", str(maildir_home))
    world = World(tmp_path / "maildir-world", maildir_home, cli)
    build_scenario(world)
    world.setup()
    world.sync(BEFORE, monkeypatch)
    world.sync(AFTER, monkeypatch)
    assert _texts(world.drafts()) == _texts(rows)


def test_replies_thread_with_create_reply_and_deleted_drafts_stay_gone(gworld: GraphWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    gworld.sync(AFTER, monkeypatch)
    state = gworld.state
    reply = next(m for m in gworld.draft_items() if m["subject"] == "Re: Template?")
    raj = state.messages[state.find("<r1@partner>")]
    assert reply["conversationId"] == raj["conversationId"] and reply["replyToInternetMessageId"] == "<r1@partner>"
    assert [r["emailAddress"]["address"] for r in reply["toRecipients"]] == ["raj@partner.example"]
    assert reply["body"]["content"].startswith("Hi Raj,") and "partner agreement template" in reply["body"]["content"]
    promise = next(m for m in gworld.draft_items() if m["subject"] == "Re: Pricing")
    my_answer = state.messages[state.find("<a1@me>")]
    assert promise["conversationId"] == my_answer["conversationId"]  # createReply on the latest of the thread
    assert any(path.endswith(f"/messages/{state.find('<a1@me>')}/createReply") for _, path, _ in gworld.emulator.calls)

    state.delete(reply["id"])  # the user deletes it in Outlook
    gworld.sync(AFTER + dt.timedelta(minutes=5), monkeypatch)
    gworld.sync(AFTER + dt.timedelta(hours=1), monkeypatch)
    rows = gworld.drafts()
    assert [r["occasion"] for r in rows if r["status"] == "gone"] == ["reply:<r1@partner>"]
    assert len(gworld.draft_items()) == len(rows) - 1


def test_a_draft_with_nothing_to_reply_to_is_posted_as_mime(gworld: GraphWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    gworld.sync(AFTER, monkeypatch)
    nudge = next(m for m in gworld.draft_items() if "_mime" in m and "ben" in json.dumps(m["toRecipients"]))
    msg = message_from_bytes(nudge["_mime"], policy=default_policy)
    assert msg["Message-ID"].startswith("<syncd-draft-") and msg["To"] == "Ben Whitaker <ben@salt.example>"


def test_the_briefing_goes_out_through_graph_to_the_user_only(gworld: GraphWorld, monkeypatch: pytest.MonkeyPatch, home: Path) -> None:
    gworld.sync(BEFORE, monkeypatch)
    monkeypatch.setenv("SYNCD_NOW", BEFORE.isoformat())
    out = run(gworld.cli, "brief", "--send").output
    assert "outlook" in out
    [sent] = gworld.state.sent
    msg = message_from_bytes(sent, policy=default_policy)
    assert msg["To"].addresses[0].addr_spec == ME and msg["Auto-Submitted"] == "auto-generated" and msg.get_content_type() == "multipart/alternative"
    config = load(home)
    connector = connector_for(config.account("office"), config)
    with pytest.raises(ConfigError, match="only sends mail to you"):
        connector.send(OutgoingMail(to=(Address("dana@acme.example"),), subject="x", text="y"))
    assert len(gworld.state.sent) == 1
    store.close_db()
