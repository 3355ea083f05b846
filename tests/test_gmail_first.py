"""A useful briefing first: on a first Gmail sync the calendar is stored before the mail,
then the last 30 days of mail of the coming week's attendees, then the rest newest first;
resumable in every phase. A calendar scope the user did not grant stops the calendar
only. Calendar calls are paced by their own budget."""

from __future__ import annotations

import datetime as dt
import functools
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from connectors.gmail import GmailConnector
from connectors.gmail_full import MAX_QUERY, attendee_queries
from connectors.gmail_quota import Pacer
from syncd import clock, store
from syncd.config import Config, paths
from syncd.sync import sync
from tests import mailfactory as mf
from tests.conftest import run
from tests.emulators.google import GoogleEmulator
from tests.google_support import gmail_account, google, sleeps  # noqa: F401

ME = "me@gmail.example"
NOW = dt.datetime(2024, 6, 3, 8, 0, tzinfo=dt.UTC)
NOW_MS = int(NOW.timestamp() * 1000)
DAY_MS = 86_400_000
ATTENDEES = ("dana@acme.example", "raj@partner.example")


def _meeting(google: GoogleEmulator) -> None:  # noqa: F811
    google.calendar.put({
        "id": "ev1", "summary": "Pricing review", "start": {"dateTime": "2024-06-04T10:00:00Z"},
        "end": {"dateTime": "2024-06-04T11:00:00Z"}, "organizer": {"email": "dana@acme.example"},
        "attendees": [{"email": "dana@acme.example", "organizer": True, "responseStatus": "accepted"},
                      {"email": ME, "self": True, "responseStatus": "accepted"},
                      {"email": "raj@partner.example", "responseStatus": "tentative"},
                      {"email": "room-1@resource.calendar.google.com", "resource": True}],
    })


def _mailbox(google: GoogleEmulator, others: int = 200) -> set[str]:  # noqa: F811
    """The attendees' recent mail is older than everyone else's: newest first would take it last."""
    gm = google.gmail
    gm.now_ms = NOW_MS
    recent = set()
    for n, days in enumerate((5, 10, 20)):
        gm.add(mf.message("Dana <dana@acme.example>", ME, f"dana {n}", "hi", message_id=f"<dana{n}@x>"), {"INBOX"}, NOW_MS - days * DAY_MS)
        recent.add(f"<dana{n}@x>")
    gm.add(mf.message(ME, "raj@partner.example", "to raj", "hi", message_id="<raj-sent@x>"), {"SENT"}, NOW_MS - 3 * DAY_MS)
    gm.add(mf.message("lee@x.example", ME, "cc raj", "hi", message_id="<raj-cc@x>", cc=["raj@partner.example"]), {"INBOX"}, NOW_MS - 4 * DAY_MS)
    recent |= {"<raj-sent@x>", "<raj-cc@x>"}
    gm.add(mf.message("dana@acme.example", ME, "old", "hi", message_id="<dana-old@x>"), {"INBOX"}, NOW_MS - 40 * DAY_MS)
    for n in range(others):
        gm.add(mf.message(f"p{n}@x.example", ME, f"m{n}", "hi", message_id=f"<o{n}@x>"), {"INBOX"}, NOW_MS - 3_600_000 - n * 60_000)
    return recent


def _config(google: GoogleEmulator, tmp_path: Path, **options: Any) -> Config:  # noqa: F811
    options.setdefault("quota_per_minute", 10**7)
    config = Config(paths=paths(tmp_path / "home"), accounts=(gmail_account(google, **options),),
                    settings={"database_url": f"sqlite:///{tmp_path / 'g.db'}", "window_past_days": 7, "window_future_days": 14})
    store.open_db(config.database_url)
    return config


def _stored() -> set[str]:
    return {m.message_id for m in store.Message.select()}


def _cursor() -> dict[str, Any]:
    return dict(json.loads(store.SyncState.get(store.SyncState.stream == "mail").cursor))


def test_calendar_then_the_attendees_recent_mail_come_first(google: GoogleEmulator, tmp_path: Path) -> None:  # noqa: F811
    clock.pin(NOW)
    _meeting(google)
    recent = _mailbox(google)
    config = _config(google, tmp_path)
    checks = iter(range(100))
    # checks: before the account, after the calendar batch, before the mail, after the first mail batch
    [first] = sync(config, now=NOW, should_stop=lambda: next(checks) >= 3)
    assert first.error == "" and first.calendar.added == 1
    assert _stored() == recent  # the whole first batch: all the attendees' mail of the last 30 days, nothing else
    state = _cursor()
    assert state["stage"] == "full" and state["phase"] == "first" and state["qi"] == 0
    assert "from:dana@acme.example" in state["queries"][0] and ME not in state["queries"][0] and "resource" not in state["queries"][0]
    [second] = sync(config, now=NOW)  # resumes: the rest, newest first
    assert second.error == "" and len(_stored()) == 206 and "<dana-old@x>" in _stored()
    assert google.calls["threads.get"] == 206 and google.calls["messages.get"] == 0  # each conversation fetched once
    assert _cursor()["stage"] == "history"


def test_stopped_in_the_first_phase_resumes_there(google: GoogleEmulator, tmp_path: Path) -> None:  # noqa: F811
    """More attendees' mail than one batch: stopped after its first batch, the next pass
    goes on with the same query at the saved offset, and fetches nothing twice."""
    clock.pin(NOW)
    _meeting(google)
    for n in range(70):
        google.gmail.add(mf.message("dana@acme.example", ME, f"d{n}", "hi", message_id=f"<d{n}@x>"), {"INBOX"}, NOW_MS - DAY_MS - n * 60_000)
    recent = _mailbox(google, others=30)
    config = _config(google, tmp_path, fetch="messages")
    checks = iter(range(100))
    sync(config, now=NOW, should_stop=lambda: next(checks) >= 3)
    state = _cursor()
    assert (state["phase"], state["qi"], state["skip"]) == ("first", 0, 50) and len(_stored()) == 50
    assert _stored() <= recent | {f"<d{n}@x>" for n in range(70)}
    sync(config, now=NOW)
    assert len(_stored()) == 70 + 6 + 30
    assert google.calls["messages.get"] == 106


def test_attendee_queries_are_chunked_and_cover_everyone() -> None:
    people = [f"person.number{n}@example{n % 7}.com" for n in range(120)]
    queries = attendee_queries(people)
    assert len(queries) > 1 and all(len(q) <= MAX_QUERY for q in queries)
    assert all(q.startswith("newer_than:30d -in:drafts (") and q.endswith(")") for q in queries)
    named = [p for q in queries for p in people if f"from:{p} " in q]
    assert sorted(named) == sorted(people)  # each address in exactly one query
    assert attendee_queries([]) == []


def test_without_the_calendar_scope_mail_syncs_and_calendar_says_why(google: GoogleEmulator, tmp_path: Path) -> None:  # noqa: F811
    clock.pin(NOW)
    google.granted = ["gmail.readonly", "gmail.compose"]  # calendar unticked at consent
    _meeting(google)
    recent = _mailbox(google, others=10)
    config = _config(google, tmp_path)
    [result] = sync(config, now=NOW)
    assert result.error == "" and not result.auth_failed
    assert _stored() == recent | {"<dana-old@x>"} | {f"<o{n}@x>" for n in range(10)}  # mail goes on (newest first)
    [warning] = result.warnings
    assert "https://www.googleapis.com/auth/calendar.readonly" in warning and "`syncd auth gmail`" in warning
    assert store.Event.select().count() == 0
    assert "calendar.readonly" in store.Account.get(store.Account.name == "gmail").last_error
    google.granted = ["gmail.readonly", "gmail.compose", "calendar.readonly"]  # after `syncd auth gmail`
    google.expire_tokens()
    [again] = sync(config, now=NOW)
    assert again.warnings == [] and again.calendar.added == 1
    assert store.Account.get(store.Account.name == "gmail").last_error == ""


def test_cli_sync_reports_the_missing_calendar_scope(google: GoogleEmulator, cli: CliRunner, home: Path) -> None:  # noqa: F811
    google.granted = ["gmail.readonly", "gmail.compose"]
    google.gmail.add(mf.message("a@x.example", ME, "hi", "hi", message_id="<a@x>"), {"INBOX"})
    run(cli, "account", "add", "gmail", "g", "--address", ME, "--api-base", google.base, "--oauth-base", google.base)
    gmail_account(google, "g", home=home)
    out = run(cli, "sync", "g", code=1).output
    assert "1 added" in out and "calendar not synced" in out and "syncd auth g" in out and "calendar.readonly" in out


def test_calendar_requests_are_paced_by_their_own_budget(google: GoogleEmulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    clock.pin(NOW)
    _meeting(google)
    _mailbox(google, others=20)
    now = [0.0]
    pacers: list[Pacer] = []

    def factory(**kwargs: Any) -> Pacer:
        pacers.append(Pacer(clock=lambda: now[0], sleep=lambda s: now.__setitem__(0, now[0] + s), **kwargs))
        return pacers[-1]

    monkeypatch.setattr(GmailConnector, "pacer_factory", staticmethod(functools.partial(factory)))
    config = _config(google, tmp_path, calendar_per_minute=1)
    [result] = sync(config, now=NOW)
    assert result.error == "" and len(_stored()) == 26
    gmail_pacer, calendar_pacer = pacers
    assert google.calls["events.list"] == 2  # the coming week's attendees, then the calendar window
    assert calendar_pacer.spent == 2 and 59 <= calendar_pacer.waited <= 61  # one a minute: the second waited
    assert gmail_pacer.waited == 0 and gmail_pacer.spent == google.units()  # the Gmail budget paid for no calendar call
