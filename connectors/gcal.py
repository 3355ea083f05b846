"""Google Calendar v3 events for the Gmail connector
(https://developers.google.com/calendar/api/guides/sync).

* Full: ``events.list(singleEvents=True, timeMin, timeMax)`` over the window (recurring
  events come expanded, one item per occurrence), paged; the last page's
  ``nextSyncToken`` is the cursor, saved with the window it was listed for.
* Incremental: ``events.list(syncToken=...)`` returns what changed since (the API does not
  take a time range with a sync token). Cancelled events and occurrences are removed.
* 410 Gone (the token expired) is ``CursorExpired``: a full listing again. The window
  moves once a day; then the listing is done again too, so events that just came into
  the window are read.

An event becomes an ``EventRecord``: attendees with their ``responseStatus``
(accepted -> ACCEPTED…), the organizer, and the call link (``hangoutLink``, else a video
entry point of ``conferenceData``). An item that cannot be read is a ``Failure``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

from connectors.base import AttendeeRecord, EventBatch, EventRecord, Failure, Window, load_cursor
from syncd.errors import CursorExpired

PARTSTAT = {"accepted": "ACCEPTED", "declined": "DECLINED", "tentative": "TENTATIVE", "needsAction": "NEEDS-ACTION"}
PAGE = 250


def _stamp(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def sync(client: Any, calendar_id: str, cursor: str | None, window: Window) -> Iterator[EventBatch]:
    span = [_stamp(window.start), _stamp(window.end)]
    state = _load(cursor)
    full = state is None or state.get("window") != span
    token: str | None = None
    while True:
        params: dict[str, Any] = {"calendarId": calendar_id, "singleEvents": True, "maxResults": PAGE, "pageToken": token}
        if full:
            params.update(timeMin=span[0], timeMax=span[1], showDeleted=False)
        else:
            assert state is not None
            params.update(syncToken=state["token"], showDeleted=True)
        page = client.call("events.list", client.calendar.events().list(**params))
        records: list[EventRecord] = []
        deleted: list[str] = []
        failures: list[Failure] = []
        for item in page.get("items", ()):
            if item.get("status") == "cancelled":
                deleted.append(str(item.get("id", "")))
                continue
            try:
                records.append(event_record(item, calendar_id))
            except (KeyError, ValueError, TypeError) as err:
                failures.append(Failure(str(item.get("id", "?")), f"gcal:{calendar_id}/{item.get('id', '?')}",
                                        f"unreadable event: {type(err).__name__}: {err}"))
        token = page.get("nextPageToken")
        last = not token
        sync_token = page.get("nextSyncToken")
        cursor_out = json.dumps({"token": sync_token, "window": span}) if last and sync_token else cursor if not full else None
        yield EventBatch(records=tuple(records), deleted=tuple(deleted), failures=tuple(failures),
                         cursor=cursor_out, full=full, complete=full and last)
        if last:
            return


def _load(cursor: str | None) -> dict[str, Any] | None:
    state = load_cursor(cursor, "calendar")
    if state is None:
        return None
    if not isinstance(state, dict) or not state.get("token"):
        raise CursorExpired("unknown calendar cursor")
    return state


def _when(value: dict[str, Any]) -> tuple[dt.datetime, bool]:
    if value.get("dateTime"):
        moment = dt.datetime.fromisoformat(str(value["dateTime"]).replace("Z", "+00:00"))
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.UTC)
        return moment.astimezone(dt.UTC), False
    day = dt.date.fromisoformat(str(value["date"]))
    return dt.datetime.combine(day, dt.time(), dt.UTC), True


def _person(data: dict[str, Any]) -> AttendeeRecord:
    role = "CHAIR" if data.get("organizer") else "OPT-PARTICIPANT" if data.get("optional") else "REQ-PARTICIPANT"
    return AttendeeRecord(email=str(data.get("email", "")).lower(), name=str(data.get("displayName", "")),
                          partstat=PARTSTAT.get(str(data.get("responseStatus", "")), ""), role=role)


def call_link(item: dict[str, Any]) -> str:
    if item.get("hangoutLink"):
        return str(item["hangoutLink"])
    for point in (item.get("conferenceData") or {}).get("entryPoints", ()):
        if point.get("entryPointType") == "video" and point.get("uri"):
            return str(point["uri"])
    return ""


def event_record(item: dict[str, Any], calendar_id: str = "primary") -> EventRecord:
    start, all_day = _when(item["start"])
    end, _ = _when(item.get("end") or item["start"])
    organizer = None
    if item.get("organizer", {}).get("email"):
        org = item["organizer"]
        attendee: dict[str, Any] = next((a for a in item.get("attendees", ()) if a.get("email", "").lower() == org["email"].lower()), {})
        organizer = AttendeeRecord(email=org["email"].lower(), name=str(org.get("displayName") or attendee.get("displayName", "")),
                                   partstat=PARTSTAT.get(str(attendee.get("responseStatus", "")), ""), role="CHAIR")
    attendees = tuple(_person(a) for a in item.get("attendees", ()) if a.get("email") and not a.get("resource"))
    return EventRecord(
        provider_id=str(item["id"]), uid=str(item.get("iCalUID") or item["id"]), summary=str(item.get("summary", "")),
        description=str(item.get("description", "")), location=str(item.get("location", "")), url=call_link(item),
        start=start, end=end, all_day=all_day, status=str(item.get("status", "confirmed")).upper(),
        organizer=organizer, attendees=attendees, calendar=calendar_id, recurring=bool(item.get("recurringEventId")),
    )
