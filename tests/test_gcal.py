"""Google Calendar through the Gmail connector, against the emulator: window, sync tokens, 410."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from syncd import store
from syncd.config import Config, paths
from syncd.sync import sync
from tests.emulators.google import GoogleEmulator
from tests.google_support import gmail_account, google, sleeps  # noqa: F401

NOW = dt.datetime(2024, 6, 3, 8, 0, tzinfo=dt.UTC)


def meeting(event_id: str, day: int, **extra: Any) -> dict[str, Any]:
    return {
        "id": event_id, "iCalUID": f"{event_id}@google.com", "summary": f"Meeting {event_id}",
        "start": {"dateTime": f"2024-06-{day:02d}T10:00:00Z"}, "end": {"dateTime": f"2024-06-{day:02d}T11:00:00Z"},
        "organizer": {"email": "dana@acme.example", "displayName": "Dana Whitfield"},
        "attendees": [
            {"email": "dana@acme.example", "displayName": "Dana Whitfield", "organizer": True, "responseStatus": "accepted"},
            {"email": "me@gmail.example", "self": True, "responseStatus": "needsAction"},
            {"email": "raj@partner.example", "displayName": "Raj Patel", "optional": True, "responseStatus": "tentative"},
            {"email": "room-1@resource.calendar.google.com", "resource": True, "responseStatus": "accepted"},
        ],
        **extra,
    }


def setup(google: GoogleEmulator, tmp_path: Path) -> Config:  # noqa: F811
    config = Config(paths=paths(tmp_path / "home"), accounts=(gmail_account(google, quota_per_minute=10**7),),
                    settings={"database_url": f"sqlite:///{tmp_path / 'c.db'}", "window_past_days": 30, "window_future_days": 30})
    store.open_db(config.database_url)
    return config


def events() -> dict[str, store.Event]:
    return {e.provider_id: e for e in store.Event.select()}


def test_events_with_attendees_organizer_and_call_links(google: GoogleEmulator, tmp_path: Path) -> None:  # noqa: F811
    google.calendar.put(meeting("ev1", 4, hangoutLink="https://meet.google.com/abc-defg-hij"))
    google.calendar.put(meeting("ev2", 5, conferenceData={"entryPoints": [
        {"entryPointType": "phone", "uri": "tel:+1-555"}, {"entryPointType": "video", "uri": "https://zoom.example/j/1"}]}))
    google.calendar.put(meeting("ev3_20240606T100000Z", 6, recurringEventId="ev3"))
    google.calendar.put({"id": "allday", "summary": "Offsite", "start": {"date": "2024-06-07"}, "end": {"date": "2024-06-08"}})
    google.calendar.put(meeting("far", 28) | {"start": {"dateTime": "2025-01-01T10:00:00Z"}, "end": {"dateTime": "2025-01-01T11:00:00Z"}})
    [result] = sync(setup(google, tmp_path), now=NOW)
    assert result.error == "" and result.calendar.added == 4  # "far" is outside the window
    found = events()
    assert set(found) == {"ev1", "ev2", "ev3_20240606T100000Z", "allday"}
    assert found["ev1"].url == "https://meet.google.com/abc-defg-hij" and found["ev2"].url == "https://zoom.example/j/1"
    assert found["ev3_20240606T100000Z"].recurring and found["allday"].all_day
    people = {(a.address.email, a.partstat) for a in store.Attendee.select().join(store.Event).where(store.Event.provider_id == "ev1")}
    assert ("raj@partner.example", "TENTATIVE") in people and ("dana@acme.example", "ACCEPTED") in people
    assert not any("resource.calendar" in email for email, _ in people)


def test_sync_token_then_cancelled_removed_then_410_full_resync(google: GoogleEmulator, tmp_path: Path) -> None:  # noqa: F811
    google.calendar.put(meeting("ev1", 4))
    google.calendar.put(meeting("ev2", 5))
    config = setup(google, tmp_path)
    sync(config, now=NOW)
    cursor = json.loads(store.SyncState.get(store.SyncState.stream == "calendar").cursor)
    assert cursor["token"].startswith("st-")
    google.calendar.cancel("ev1")
    google.calendar.put(meeting("ev2", 5, summary="Moved agenda"))
    google.calendar.put(meeting("ev4", 9))
    [result] = sync(config, now=NOW)
    assert result.calendar.as_dict() == {"added": 1, "updated": 1, "deleted": 1, "quarantined": 0}
    assert set(events()) == {"ev2", "ev4"} and events()["ev2"].summary == "Moved agenda"
    google.calendar.expire_tokens()
    google.calendar.cancel("ev4")  # while the token was stale
    google.reset_counts()
    [result] = sync(config, now=NOW)
    assert result.error == "" and google.calls["events.list"] == 2  # 410, then the window again
    assert set(events()) == {"ev2"}


def test_window_moving_lists_again(google: GoogleEmulator, tmp_path: Path) -> None:  # noqa: F811
    """An event that was beyond the window comes in when the window reaches it (a sync token alone would not show it)."""
    google.calendar.put(meeting("later", 1) | {"start": {"dateTime": "2024-07-04T10:00:00Z"}, "end": {"dateTime": "2024-07-04T11:00:00Z"}})
    config = setup(google, tmp_path)
    sync(config, now=NOW)
    assert "later" not in events()
    sync(config, now=NOW + dt.timedelta(days=2))
    assert "later" in events()
