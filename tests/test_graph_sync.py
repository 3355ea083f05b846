"""The Microsoft 365 connector against the Graph emulator: Graph's own documented delta
rounds (../shared/corpus/api/graph), throttling and faults, the calendar, and the Enron
mailbox giving the same store as the Maildir connector."""

from __future__ import annotations

import copy
import datetime as dt
import json
import threading
from pathlib import Path
from typing import Any

import pytest

from connectors import graph_http
from connectors.base import Window
from connectors.graph import GraphConnector
from syncd import identity, store
from syncd.config import AccountConfig, Config, paths
from syncd.sync import AccountResult, connector_for, sync_account
from tests import graph_support
from tests import mailfactory as mf
from tests.conftest import CORPUS, ENRON
from tests.contract import NOW
from tests.emulators.authority import FakeAuthority
from tests.emulators.graph import GraphEmulator
from tests.graph_support import ME, signed_in_account

API = CORPUS / "api" / "graph"
DANA = "Dana Whitfield <dana@acme.example>"

# The shared fixtures (pytest finds them by these names).
authority, graph, signed_in_cache = graph_support.authority, graph_support.graph, graph_support.signed_in_cache


def page(name: str) -> dict[str, Any]:
    return json.loads((API / name).read_text(encoding="utf-8"))


def _config(tmp_path: Path, account: AccountConfig, db: str = "store.db") -> Config:
    return Config(paths=paths(tmp_path / "home"), accounts=(account,), settings={"database_url": f"sqlite:///{tmp_path / db}"})


def _sync(config: Config) -> AccountResult:
    store.close_db()
    store.open_db(config.database_url)
    identity.mark_self(config.self_addresses)
    return sync_account(config.accounts[0], config, NOW)


@pytest.fixture
def account(graph: GraphEmulator, authority: FakeAuthority, signed_in_cache: bytes) -> AccountConfig:
    return signed_in_account(authority, graph, signed_in_cache)


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Backoff waits are recorded, not slept."""
    waited: list[float] = []
    monkeypatch.setattr(graph_http.time, "sleep", waited.append)
    return waited


def _locations() -> dict[str, tuple[str, str]]:
    return {loc.provider_id: (loc.etag, loc.message.subject) for loc in store.Location.select()}


# -- Graph's documented delta round ----------------------------------------------------------


def test_documented_messages_delta_round(graph: GraphEmulator, account: AccountConfig, tmp_path: Path) -> None:
    """nextLink -> nextLink -> deltaLink, then a round with @removed and isRead as the string "true"."""
    graph.script = [("inbox/messages/delta", page("delta-query-messages__resp1.json")),
                    ("skiptoken=GwcBoTmPuoTQWfcsAbkYM", page("delta-query-messages__resp2.json")),
                    ("skiptoken=GwcBoTmPKILK4jLH7mAd1lLU", page("delta-query-messages__resp3.json"))]
    config = _config(tmp_path, account)
    first = _sync(config)
    assert (first.error, first.mail.added, first.mail.quarantined) == ("", 5, 0)
    cursor = json.loads(store.SyncState.get(store.SyncState.stream == "mail").cursor)
    assert cursor["folders"]["INBOX"]["link"].endswith("$deltatoken=GwcBoTmPuoGNlgXgF1nyUNMXY")
    assert _locations()["INBOX/AAMkADNkNAAASq35xAAA="] == ("", "Holiday hours update")  # isRead false
    assert _locations()["INBOX/AQMkADNkNAAAVRMKAAAAA=="] == ("seen", "Holiday promotion sale")

    second_round = page("delta-query-messages__resp4.json")
    second_round["value"][0]["id"] = "AQMkADNkNAAAgWJAAAA"  # the documented @removed names an id of another round
    graph.script = [("deltatoken=GwcBoTmPuoGNlgXgF1nyUNMXY", second_round)]
    second = _sync(config)
    assert (second.error, second.mail.as_dict()) == ("", {"added": 0, "updated": 1, "deleted": 1, "quarantined": 0})
    assert _locations()["INBOX/AAMkADNkNAAASq35xAAA="] == ("seen", "Holiday hours update")  # "true" is true
    assert "INBOX/AQMkADNkNAAAgWJAAAA" not in _locations()


def test_delta_requests_ask_for_what_syncd_reads(graph: GraphEmulator, account: AccountConfig, tmp_path: Path) -> None:
    graph.state.add_mime(mf.message(DANA, ME, "Pricing", "Could you send the deck?", message_id="<p1@acme>"))
    seen: list[tuple[str, dict[str, str]]] = []
    original = graph.handle

    def spy(method: str, target: str, headers: dict[str, str], body: bytes, inner: bool = False) -> Any:
        seen.append((target, headers))
        return original(method, target, headers, body, inner)

    graph.handle = spy  # type: ignore[method-assign]
    assert _sync(_config(tmp_path, account)).error == ""
    target, headers = next((t, h) for t, h in seen if "inbox/messages/delta" in t)
    assert "$select=id,internetMessageId,conversationId" in target and "$expand=singleValueExtendedProperties" in target
    assert 'outlook.body-content-type="text"' in headers["Prefer"] and "odata.maxpagesize=100" in headers["Prefer"]
    message = store.Message.get(store.Message.message_id == "<p1@acme>")
    assert message.body.strip() == "Could you send the deck?" and message.subject == "Pricing"


def test_html_bodies_are_converted_when_graph_sends_html(graph: GraphEmulator, account: AccountConfig, tmp_path: Path) -> None:
    item = page("message-get__resp1.json")
    graph.state.add_message({k: v for k, v in item.items() if not k.startswith("@")}, "INBOX")
    assert _sync(_config(tmp_path, account)).mail.added == 1
    message = store.Message.get()
    assert message.body == "The group represents Nevada." and message.message_id == "<MWHPR6E1BE060@MWHPR1120.namprd22.prod.outlook.com>"
    assert {(ma.address.email, ma.role) for ma in store.MessageAddress.select()} == {
        ("adelev@contoso.onmicrosoft.com", "from"), ("alexw@contoso.onmicrosoft.com", "to")}


def test_a_malformed_item_is_quarantined_and_its_neighbours_kept(graph: GraphEmulator, account: AccountConfig, tmp_path: Path) -> None:
    graph.state.add_mime(mf.message(DANA, ME, "before", "one", message_id="<b1@acme>"))
    graph.state.add_message({"subject": "broken", "receivedDateTime": "yesterday-ish", "toRecipients": "nobody"}, "INBOX")
    graph.state.add_mime(mf.message(DANA, ME, "after", "two", message_id="<b2@acme>"))
    result = _sync(_config(tmp_path, account))
    assert (result.error, result.mail.added, result.mail.quarantined) == ("", 2, 1)
    [held] = store.Quarantine.select()
    assert "not a date" in held.error and held.source.startswith(graph.base + "/me/messages/")


# -- throttling and faults ----------------------------------------------------------------------


def test_429_and_503_honour_retry_after(graph: GraphEmulator, account: AccountConfig, tmp_path: Path, sleeps: list[float]) -> None:
    graph.state.add_mime(mf.message(DANA, ME, "one", "x", message_id="<t1@acme>"))
    graph.fail("429", match="messages/delta", retry_after=7)
    graph.fail("503", match="messages/delta", retry_after=3)
    result = _sync(_config(tmp_path, account))
    assert (result.error, result.mail.added) == ("", 1)
    assert sleeps == [7.0, 3.0]


def test_throttled_past_every_retry_is_transient_and_resumes(graph: GraphEmulator, account: AccountConfig, tmp_path: Path, sleeps: list[float]) -> None:
    for n in range(5):
        graph.state.add_mime(mf.message(DANA, ME, f"m{n}", "x", message_id=f"<r{n}@acme>"))
    config = _config(tmp_path, signed_in_account_with(account, page_size=2))
    graph.fail("429", match="skiptoken", times=len(graph_http.RETRY_DELAYS) + 1, retry_after=1)
    failed = _sync(config)
    assert "throttling" in failed.error and failed.mail.added == 2  # the first page was kept
    resumed = _sync(config)
    assert (resumed.error, resumed.mail.added) == ("", 3)
    assert store.Message.select().count() == 5


def signed_in_account_with(account: AccountConfig, **options: Any) -> AccountConfig:
    return AccountConfig(account.name, account.kind, {**account.options, **options})


def test_a_dropped_connection_is_retried(graph: GraphEmulator, account: AccountConfig, tmp_path: Path, sleeps: list[float]) -> None:
    graph.state.add_mime(mf.message(DANA, ME, "one", "x", message_id="<d1@acme>"))
    graph.fail("drop", match="messages/delta")
    result = _sync(_config(tmp_path, account))
    assert (result.error, result.mail.added) == ("", 1)
    assert sleeps == [graph_http.RETRY_DELAYS[0]]


def test_410_mid_round_resyncs_idempotently(graph: GraphEmulator, account: AccountConfig, tmp_path: Path) -> None:
    for n in range(4):
        graph.state.add_mime(mf.message(DANA, ME, f"m{n}", "x", message_id=f"<g{n}@acme>"))
    config = _config(tmp_path, signed_in_account_with(account, page_size=2))
    _sync(config)
    before = _locations()
    graph.state.add_mime(mf.message(DANA, ME, "new", "x", message_id="<g9@acme>"))
    graph.state.delete(graph.state.find("<g0@acme>"))
    graph.fail("410", match="deltatoken")
    result = _sync(config)
    assert (result.error, result.mail.added, result.mail.deleted) == ("", 1, 1)
    assert set(_locations()) == (set(before) - {pid for pid, v in before.items() if v[1] == "m0"}) | {
        pid for pid, v in _locations().items() if v[1] == "new"}
    assert store.Message.select().count() == 4


def test_batch_cuts_round_trips_for_several_folders(graph: GraphEmulator, account: AccountConfig, tmp_path: Path) -> None:
    graph.state.add_folder("Clients")
    graph.state.add_folder("Partners")
    graph.state.add_mime(mf.message(DANA, ME, "client", "x", message_id="<f1@acme>"), "Clients")
    config = _config(tmp_path, signed_in_account_with(account, folders=["Clients", "Partners"]))
    assert _sync(config).mail.added == 1
    graph.calls.clear()
    graph.state.add_mime(mf.message(DANA, ME, "partner", "y", message_id="<f2@acme>"), "Partners")
    result = _sync(config)
    assert (result.error, result.mail.added) == ("", 1)
    mail_calls = [(path, inner) for _, path, inner in graph.calls if "calendarView" not in path]
    assert mail_calls == [("/$batch", False)] + [(path, True) for path, _ in mail_calls[1:]] and len(mail_calls) == 5  # 4 deltaLinks in 1 $batch
    assert {loc.folder for loc in store.Location.select()} == {"Clients", "Partners"}


def test_batch_retries_a_throttled_inner_request(graph: GraphEmulator, account: AccountConfig, tmp_path: Path, sleeps: list[float]) -> None:
    config = _config(tmp_path, account)
    _sync(config)
    graph.state.add_mime(mf.message(DANA, ME, "late", "x", message_id="<i1@acme>"), "Sent")
    graph.fail("429", match="deltatoken", retry_after=5)  # the first inner request of the $batch
    result = _sync(config)
    assert (result.error, result.mail.added) == ("", 1) and sleeps == [5.0]


def test_at_most_four_requests_in_flight_per_mailbox(graph: GraphEmulator, account: AccountConfig, tmp_path: Path) -> None:
    graph.latency = 0.05
    connectors = [connector_for(account, _config(tmp_path, account)) for _ in range(3)]
    threads = [threading.Thread(target=lambda c=c: c.client.request("GET", "/me/mailFolders")) for c in connectors for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert graph.max_in_flight == graph_http.MAX_IN_FLIGHT == 4


# -- calendar -------------------------------------------------------------------------------


def _event(event_id: str, start: str, end: str, zone: str = "UTC", **extra: Any) -> dict[str, Any]:
    return {"id": event_id, "iCalUId": f"uid-{event_id}", "subject": event_id, "start": {"dateTime": start, "timeZone": zone},
            "end": {"dateTime": end, "timeZone": zone}, "attendees": [], "type": "singleInstance", **extra}


def test_calendar_windows_zones_attendees_links_and_cancellations(graph: GraphEmulator, account: AccountConfig, tmp_path: Path) -> None:
    orientation = {k: v for k, v in page("event-get__resp1.json").items() if not k.startswith("@")}
    orientation["start"]["dateTime"] = "2024-06-03T10:00:00.0000000"  # Pacific Daylight Time: 17:00 UTC
    orientation["end"]["dateTime"] = "2024-06-03T12:00:00.0000000"
    orientation["onlineMeeting"] = {"joinUrl": "https://teams.microsoft.com/l/meetup-join/abc"}
    graph.state.put_event(orientation)
    graph.state.put_event(_event("weekly", "2024-06-04T09:00:00.0000000", "2024-06-04T09:30:00.0000000", "W. Europe Standard Time",
                                 type="occurrence", seriesMasterId="series1"))
    graph.state.put_event(_event("far", "2026-01-01T09:00:00", "2026-01-01T10:00:00"))  # outside the window
    config = _config(tmp_path, account)
    assert _sync(config).calendar.added == 2
    event = store.Event.get(store.Event.provider_id == orientation["id"])
    assert (event.start, event.end) == (dt.datetime(2024, 6, 3, 17, 0, tzinfo=dt.UTC), dt.datetime(2024, 6, 3, 19, 0, tzinfo=dt.UTC))
    assert event.url == "https://teams.microsoft.com/l/meetup-join/abc" and event.summary == "Orientation"
    partstats = {a.address.email: a.partstat for a in store.Attendee.select().where(store.Attendee.event == event)}
    assert partstats["danas@a830edad905084922e17020313.onmicrosoft.com"] == "TENTATIVE"
    assert partstats["samanthab@a830edad905084922e17020313.onmicrosoft.com"] in ("NEEDS-ACTION", "ACCEPTED")
    weekly = store.Event.get(store.Event.provider_id == "weekly")
    assert weekly.start == dt.datetime(2024, 6, 4, 7, 0, tzinfo=dt.UTC)  # CEST

    cancelled = copy.deepcopy(graph.state.events["weekly"]) | {"isCancelled": True}
    graph.state.put_event(cancelled)
    graph.state.remove_event(orientation["id"])
    graph.calls.clear()
    result = _sync(config)
    assert (result.error, result.calendar.deleted) == ("", 2) and store.Event.select().count() == 0
    assert [p for m, p, _ in graph.calls if "calendarView" in p] == ["/me/calendarView/delta"]


def test_calendar_documented_round_and_a_new_window(graph: GraphEmulator, account: AccountConfig, tmp_path: Path) -> None:
    graph.script = [("calendarView/delta?startDateTime", page("delta-query-events__resp1.json")),
                    ("skiptoken=R0usmcCM996atia_s", page("delta-query-events__resp2.json")),
                    ("skiptoken=R0usmci39OQxqJrxK4", page("delta-query-events__resp3.json"))]
    connector = connector_for(account, _config(tmp_path, account))
    assert isinstance(connector, GraphConnector)
    window = Window(dt.datetime(2016, 12, 1, tzinfo=dt.UTC), dt.datetime(2016, 12, 31, tzinfo=dt.UTC))
    batches = list(connector.sync_calendar(None, window))
    assert [len(b.records) for b in batches] == [2, 2, 1] and [b.complete for b in batches] == [False, False, True]
    assert all(b.full for b in batches) and batches[-1].records[0].location == "Home"
    cursor = batches[-1].cursor
    graph.script = [("deltatoken=R0usmcMDNGg0J1E", page("delta-query-events__resp4.json"))]
    [changes] = list(connector.sync_calendar(cursor, window))
    assert not changes.full and changes.deleted == ("AAMkADk0MGFkODE3LWE4MmYtNDRhOS04OGQLkRkXbBznTvAADb6ytyAAA=",)
    assert [r.summary for r in changes.records] == ["Attend service"]
    moved = Window(window.start + dt.timedelta(days=1), window.end + dt.timedelta(days=1))
    graph.calls.clear()
    [fresh] = list(connector.sync_calendar(cursor, moved))  # a new window: a new full round
    assert fresh.full and fresh.complete and fresh.records == ()
    assert json.loads(fresh.cursor or "{}")["window"][0] == moved.start.isoformat()
    assert [path for _, path, _ in graph.calls] == ["/me/calendarView/delta"]


# -- the same store as Maildir -------------------------------------------------------------------


def test_enron_mailbox_same_store_as_maildir(
    graph: GraphEmulator, authority: FakeAuthority, signed_in_cache: bytes, tmp_path: Path, enron_copy: Path,
) -> None:
    from tests.test_imap import _content

    graph.state.add_folder("paintball")
    for folder, directory in (("INBOX", ENRON), ("paintball", ENRON / ".paintball")):
        for path in sorted(p for sub in ("cur", "new") if (directory / sub).is_dir() for p in (directory / sub).iterdir()):
            graph.state.add_mime(path.read_bytes(), folder, ("seen",) if path.parent.name == "cur" else ())
    addresses = ["eric.bass@enron.com", "ebass@enron.com"]
    maildir = AccountConfig("enron", "maildir", {"path": str(enron_copy), "addresses": addresses})
    from_maildir = _sync(_config(tmp_path, maildir, db="maildir.db"))
    by_maildir = _content()
    outlook = signed_in_account(authority, graph, signed_in_cache, "enron", addresses=addresses, folders=["paintball"])
    from_graph = _sync(_config(tmp_path, outlook, db="graph.db"))
    by_graph = _content()
    assert from_graph.error == from_maildir.error == ""
    assert from_graph.mail.added == from_maildir.mail.added == 317
    for part in ("addressed", "people", "touchpoints"):
        assert by_graph[part] == by_maildir[part], part
    assert [m[:6] for m in by_graph["messages"]] == [m[:6] for m in by_maildir["messages"]]


def test_conversions_attachments_all_day_and_unknown_zones() -> None:
    from connectors.graph_convert import event_record, mail_record
    from syncd.errors import ParseError

    item = {"id": "m1", "internetMessageId": "<m1@x>", "receivedDateTime": "2024-06-01T08:00:00Z", "hasAttachments": "true",
            "isRead": "false", "flag": {"flagStatus": "flagged"}, "body": {"contentType": "text", "content": "a\r\nb"}}
    record = mail_record(item, "INBOX/m1", "INBOX", "inbox")
    assert len(record.attachments) == 1 and record.flags == frozenset({"flagged"}) and record.body_text == "a\nb"
    all_day = _event("holiday", "2024-07-04T00:00:00.0000000", "2024-07-05T00:00:00.0000000", "Pacific Standard Time", isAllDay=True)
    event = event_record(all_day)
    assert event.all_day and (event.start, event.end) == (dt.datetime(2024, 7, 4, tzinfo=dt.UTC), dt.datetime(2024, 7, 5, tzinfo=dt.UTC))
    with pytest.raises(ParseError, match="unknown time zone"):
        event_record(_event("odd", "2024-07-04T09:00:00", "2024-07-04T10:00:00", "Atlantis Standard Time"))
