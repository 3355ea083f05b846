"""The .ics connector against real calendar files from the wild, a folder that changes
under it, and a local HTTP server that answers conditional GETs."""

from __future__ import annotations

import datetime as dt
import http.server
import json
import os
import shutil
import threading
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

from connectors.base import CALENDAR, AttendeeRecord, Connector, EventBatch, EventRecord, Window
from connectors.ics import IcsConnector
from syncd.errors import AccountError, AuthError, ConfigError, TransientError

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "ics"
UTC = dt.UTC
WIDE = Window(dt.datetime(2000, 1, 1, tzinfo=UTC), dt.datetime(2030, 1, 1, tzinfo=UTC))


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=UTC)


def sync(
    conn: IcsConnector,
    cursor: str | None = None,
    window: Window = WIDE,
    known: Mapping[str, str] | None = None,
) -> list[EventBatch]:
    return list(conn.sync_calendar(cursor, window, known))


def records(batches: list[EventBatch]) -> dict[str, EventRecord]:
    return {r.provider_id: r for b in batches for r in b.records}


def corpus(rel: str, window: Window = WIDE, default_tz: str = "UTC") -> dict[str, EventRecord]:
    batches = sync(IcsConnector(str(CORPUS / rel), default_tz=default_tz), window=window)
    assert not [f for b in batches for f in b.failures], rel
    return records(batches)


# -- the corpus ----------------------------------------------------------------------


def corpus_files() -> list[Path]:
    return sorted(p for p in CORPUS.rglob("*") if p.is_file())


def test_every_corpus_file_goes_through_without_an_exception() -> None:
    files = corpus_files()
    assert len(files) >= 316
    ok = broken = events = event_failures = 0
    for path in files:
        batches = sync(IcsConnector(str(path)))  # any exception fails the test here
        failures = [f for b in batches for f in b.failures]
        assert all(f.error and f.source == str(path) for f in failures), path
        if any(f.provider_id == str(path) for f in failures):
            broken += 1
        else:
            ok += 1
        event_failures += sum(f.provider_id != str(path) for f in failures)
        events += sum(len(b.records) for b in batches)
        assert batches and batches[-1].full, path
    print(f"\nics corpus: {ok} files ok, {broken} unreadable, {events} events, "
          f"{event_failures} event failures")
    # Measured: 306 ok, 10 unreadable (5 jCal, fuzzing garbage, bad UTC offsets), 15404 events.
    assert ok >= 300
    assert broken <= 10
    assert events >= 15000
    assert event_failures <= 90


def test_unreadable_files_become_failures_with_a_reason() -> None:
    jcal = CORPUS / "collective-icalendar/src/icalendar/tests/calendars/rfc_7265_example_2.jcal"
    (batch,) = sync(IcsConnector(str(jcal)))
    assert batch.records == ()
    (failure,) = batch.failures
    assert failure.provider_id == str(jcal)
    assert failure.error.startswith("not an iCalendar file")
    assert not batch.complete  # a listing that lost a file is not complete


def test_whole_corpus_as_one_folder() -> None:
    conn = IcsConnector(str(CORPUS))
    batches = sync(conn)
    ics_files = [p for p in corpus_files() if p.suffix == ".ics"]
    total = sum(len(b.records) for b in batches)
    failures = [f for b in batches for f in b.failures]
    print(f"\nics corpus folder: {len(ics_files)} files, {len(batches)} batches, "
          f"{total} events, {len(failures)} failures")
    assert total >= 15000  # measured 15271
    assert all(len(b.records) <= 500 for b in batches)
    assert all(b.full for b in batches) and not batches[-1].complete
    cursor = json.loads(batches[-1].cursor or "")
    assert set(cursor["files"]) == {p.relative_to(CORPUS).as_posix() for p in ics_files}
    # every provider id names the file it came from
    for pid in records(batches):
        key = pid[: pid.index(".ics/") + 4]
        assert (CORPUS / key).is_file(), pid
    assert sync(conn, batches[-1].cursor, known={}) == []  # nothing changed


# -- what an event means ---------------------------------------------------------------


def test_recurrence_id_override_moves_one_occurrence_and_keeps_its_id() -> None:
    got = corpus("khal/tests/ics/event_rrule_recuid.ics")
    assert len(got) == 6
    moved = got["event_rrule_recurrence_id/2014-07-07T05:00:00Z"]
    assert (moved.start, moved.end) == (at(2014, 7, 7, 7), at(2014, 7, 7, 12))
    usual = got["event_rrule_recurrence_id/2014-07-14T05:00:00Z"]
    assert (usual.start, usual.recurring) == (at(2014, 7, 14, 5), True)


def test_cancelled_occurrence_is_a_deletion() -> None:
    (batch,) = sync(IcsConnector(str(CORPUS / "khal/tests/ics/event_rrule_recuid_cancelled.ics")))
    gone = "event_rrule_recurrence_id/2014-07-14T05:00:00Z"
    assert batch.deleted == (gone,)
    assert gone not in records([batch]) and len(batch.records) == 5


def test_exdate_removes_the_occurrence() -> None:
    got = corpus("khal/tests/ics/event_dtr_exdatez.ics")
    assert sorted(got) == [
        "event_dtr_exdatez/2014-06-30T05:30:00Z",
        "event_dtr_exdatez/2014-07-07T05:30:00Z",
        "event_dtr_exdatez/2014-07-14T05:30:00Z",
    ]  # 07-21 is the EXDATE; DURATION gives the end
    assert got["event_dtr_exdatez/2014-06-30T05:30:00Z"].end == at(2014, 6, 30, 10, 1)


def test_x_wr_timezone_keeps_the_wall_time_across_dst() -> None:
    window = Window(at(2021, 11, 1), at(2022, 7, 1))
    got = corpus("x-wr-timezone/test/calendars/moved-event-RECURRENCE-ID.in.ics", window)
    uid = "38m812jicsrer5gorh3mlp7qhc@google.com"
    assert got[f"{uid}/2022-03-25T20:30:00Z"].start == at(2022, 3, 25, 20, 30)  # 21:30 CET
    assert got[f"{uid}/2022-04-29T19:30:00Z"].start == at(2022, 4, 29, 19, 30)  # 21:30 CEST
    assert got[f"{uid}/2021-12-31T20:30:00Z"].start == at(2021, 12, 17, 20, 30)  # moved
    assert got[f"{uid}/2021-12-31T20:30:00Z"].calendar == "Partyborn Zeitgeist"
    floating = corpus("x-wr-timezone/test/calendars/single-event-no-tz.in.ics")
    assert floating["match_1025179"].start == at(2021, 9, 16, 19)  # 21:00 Europe/Brussels


def test_windows_tzid_resolves_to_the_iana_zone() -> None:
    # The file's own VTIMEZONE for "New Zealand Standard Time" has CET offsets; the
    # IANA zone (Pacific/Auckland, NZDT +13 in November) wins.
    got = corpus("khal/tests/ics/tz_windows_format.ics")
    event = got["PERSOYPOYGVR55JMICVAFVDWWBIKPC9PTAG6SN4B2YT"]
    assert (event.start, event.end) == (at(2019, 11, 20, 0), at(2019, 11, 20, 1, 30))


def test_floating_time_is_read_in_default_tz() -> None:
    rel = "khal/tests/ics/event_dt_floating.ics"
    assert corpus(rel)["floating1234567890"].start == at(2014, 4, 9, 9, 30)
    berlin = corpus(rel, default_tz="Europe/Berlin")["floating1234567890"]
    assert (berlin.start, berlin.end) == (at(2014, 4, 9, 7, 30), at(2014, 4, 9, 8, 30))
    with pytest.raises(ConfigError):
        IcsConnector(str(CORPUS / rel), default_tz="Mars/Olympus_Mons")


def test_all_day_events() -> None:
    event = corpus("khal/tests/ics/event_d.ics")["V042MJ8B3SJNFXQOJL6P53OFMHJE8Z3VZWOU"]
    assert (event.start, event.end, event.all_day) == (at(2014, 4, 9), at(2014, 4, 10), True)
    same = corpus("khal/tests/ics/event_d_same_start_end.ics")  # DTEND == DTSTART: one day
    assert same["V042MJ8B3SJNFXQOJL6P53OFMHJE8Z3VZWOU"].end == at(2014, 4, 10)
    window = Window(at(1996, 1, 1), at(1998, 1, 1))
    rel = "collective-icalendar/src/icalendar/tests/calendars/issue_1426_value_parameters.ics"
    bare = corpus(rel, window)["issue-1426"]  # no DTEND: one day
    assert (bare.start, bare.end, bare.all_day) == (at(1997, 1, 1), at(1997, 1, 2), True)
    assert bare.url == "https://example.com/meet"  # RFC 7986 CONFERENCE


def test_event_without_dtend() -> None:
    event = corpus("khal/tests/ics/event_dt_no_end.ics")["nodtend"]
    assert event.start == event.end == at(2016, 1, 16, 7)
    event = corpus("khal/tests/ics/event_dt_duration.ics")["V042MJ8B3SJNFXQOJL6P53OFMHJE8Z3VZWOU"]
    assert (event.start, event.end) == (at(2014, 4, 9, 7, 30), at(2014, 4, 9, 8, 30))


def test_event_without_uid_gets_a_deterministic_one(tmp_path: Path) -> None:
    rel = "khal/tests/ics/without_uid.ics"
    first, second = corpus(rel), corpus(rel)
    assert list(first) == list(second) and len(first) == 1
    (event,) = first.values()
    assert event.uid.endswith("@syncd") and event.provider_id == event.uid
    assert event.summary == "An Event"
    copy = tmp_path / "elsewhere.ics"
    shutil.copy(CORPUS / rel, copy)
    assert list(records(sync(IcsConnector(str(copy))))) != list(first)  # file name counts


def test_attendees_with_cn_and_partstat() -> None:
    event = corpus("icalevents/test/test_data/multi_attendee_response.ics")[
        "ecc5e718-08eb-4247-a871-d7e09a3ffbbc@localhost"
    ]
    assert event.attendees == (
        AttendeeRecord("calendar@gmail.com", "Eigenmann, Martin", "DECLINED", ""),
        AttendeeRecord("calendar@microsoft.com", "Eigenmann, Isabel", "", ""),
    )
    partstat = corpus("khal/tests/ics/event_dt_partstat.ics")
    (event,) = partstat.values()
    assert event.attendees[0] == AttendeeRecord(
        "jdoe@example.com", "Jane Doe", "ACCEPTED", "REQ-PARTICIPANT"
    )


def test_organizer() -> None:
    rel = "collective-icalendar/src/icalendar/tests/events/"
    rel += "issue_101_icalendar_chokes_on_umlauts_in_organizer.ics"
    (event,) = corpus(rel).values()
    assert event.organizer == AttendeeRecord("adm-acme@mydomain.de", "acme, ädmin")
    window = Window(at(2012, 1, 1), at(2013, 1, 1))
    rel = "collective-icalendar/src/icalendar/tests/calendars/property_params.ics"
    (event,) = corpus(rel, window).values()  # MAILTO: in capitals
    assert event.organizer == AttendeeRecord("rembrand@daxlab.com")
    assert event.attendees[0] == AttendeeRecord("rembrand@xs4all.nl", "RembrandXS", "NEEDS-ACTION")


def test_broken_vtimezone_is_salvaged_event_by_event() -> None:
    got = corpus("icalevents/test/test_data/icloud.ics")  # TZOFFSETFROM:+5328 in Europe/Berlin
    assert len(got) == 38
    assert got["003AFB7E-BA60-481A-A087-23024D956074"].start == at(2016, 11, 3, 17)
    assert got["003AFB7E-BA60-481A-A087-23024D956074"].calendar == "Der Wir Kalender"


# -- bad input stays contained ------------------------------------------------------

EVENT = """BEGIN:VEVENT\r
UID:{uid}\r
SUMMARY:{summary}\r
DTSTART:{start}\r
DURATION:PT1H\r
{extra}END:VEVENT\r
"""


def ics(*events: str) -> str:
    head = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:test\r\n"
    return head + "".join(events) + "END:VCALENDAR\r\n"


def event(uid: str, start: str = "20240115T100000Z", summary: str = "", extra: str = "") -> str:
    return EVENT.format(uid=uid, start=start, summary=summary or uid, extra=extra)


def test_one_bad_event_does_not_drop_its_neighbours(tmp_path: Path) -> None:
    path = tmp_path / "cal.ics"
    bad_rule = "RRULE:FREQ=DAILY;COUNT=3\r\nRDATE;VALUE=TIME:083000\r\n"
    bad_start = event("b", start="2024-99-99")
    path.write_text(ics(event("a"), bad_start, event("c", extra=bad_rule), event("d")))
    (batch,) = sync(IcsConnector(str(path)))
    assert sorted(records([batch])) == ["a", "d"]
    assert {f.provider_id: f.error.split(":")[0] for f in batch.failures} == {
        "b": "bad DTSTART",
        "c": "cannot expand",
    }


def test_pathological_recurrences_are_capped(tmp_path: Path) -> None:
    path = tmp_path / "cal.ics"
    path.write_text(ics(
        event("every-second", start="20240101T000000Z", extra="RRULE:FREQ=SECONDLY\r\n"),
        event("every-minute-for-decades", "20000101T000000Z", extra="RRULE:FREQ=MINUTELY\r\n"),
        event("plain", start="20240101T100000Z"),
    ))  # fmt: skip
    started = time.monotonic()
    day = Window(at(2024, 1, 1), at(2024, 1, 2))
    batches = sync(IcsConnector(str(path), max_occurrences=1000), window=day)
    assert time.monotonic() - started < 20
    got = records(batches)
    assert sum(pid.startswith("every-second/") for pid in got) == 1000  # of 86400
    assert "plain" in got
    (failure,) = [f for b in batches for f in b.failures]
    assert failure.provider_id == "every-minute-for-decades"
    assert "too dense" in failure.error


def test_call_link_from_description_wins_over_a_plain_url(tmp_path: Path) -> None:
    path = tmp_path / "cal.ics"
    extra = (
        "URL:https://example.com/agenda\r\n"
        "DESCRIPTION:Join: https://us02web.zoom.us/j/123?pwd=x.\r\n"
        "ORGANIZER;CN=Boss:mailto:Boss@Example.COM\r\nSTATUS:TENTATIVE\r\n"
    )
    google = "X-GOOGLE-CONFERENCE:https://meet.google.com/abc-defg-hij\r\n"
    path.write_text(ics(event("z", extra=extra), event("g", extra=google)))
    got = records(sync(IcsConnector(str(path))))
    assert got["z"].url == "https://us02web.zoom.us/j/123?pwd=x"
    assert got["z"].organizer == AttendeeRecord("boss@example.com", "Boss")
    assert got["z"].status == "TENTATIVE"
    assert got["g"].url == "https://meet.google.com/abc-defg-hij"


# -- incremental sync over a folder ----------------------------------------------------


class Store:
    """What ingest does with batches, as far as this connector can tell."""

    def __init__(self) -> None:
        self.items: dict[str, EventRecord] = {}
        self.cursor: str | None = None
        self._listed: set[str] = set()

    @property
    def known(self) -> dict[str, str]:
        return {pid: "" for pid in self.items}

    def sync(self, conn: IcsConnector, window: Window = WIDE) -> list[EventBatch]:
        batches = sync(conn, self.cursor, window, self.known)
        for batch in batches:
            for record in batch.records:
                self.items[record.provider_id] = record
                self._listed.add(record.provider_id)
            for pid in batch.deleted:
                self.items.pop(pid, None)
            if batch.full and batch.complete:
                self.items = {k: v for k, v in self.items.items() if k in self._listed}
            if batch.complete or not batch.full:
                self._listed = set()
            self.cursor = batch.cursor
        return batches


def write(path: Path, text: str, bump: int = 0) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    if bump:  # same size, new mtime: a change must still be seen
        info = path.stat()
        os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns + bump))


def emitted(batches: list[EventBatch]) -> list[str]:
    return sorted(records(batches))


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    write(tmp_path / "a.ics", ics(event("a1"), event("a2")))
    write(tmp_path / "b.ics", ics(event("weekly", extra="RRULE:FREQ=WEEKLY;COUNT=3\r\n")))
    write(tmp_path / "sub" / "c.ics", ics(event("c1")))
    write(tmp_path / "notes.txt", "not a calendar")
    return tmp_path


def test_incremental_folder_sync(folder: Path) -> None:
    conn, store = IcsConnector(str(folder)), Store()
    assert isinstance(conn, Connector) and conn.capabilities == frozenset({CALENDAR})
    first = store.sync(conn)
    assert sorted(store.items) == [
        "a.ics/a1", "a.ics/a2",
        "b.ics/weekly/2024-01-15T10:00:00Z", "b.ics/weekly/2024-01-22T10:00:00Z",
        "b.ics/weekly/2024-01-29T10:00:00Z", "sub/c.ics/c1",
    ]  # fmt: skip
    assert first[-1].full and first[-1].complete

    assert store.sync(conn) == []  # nothing touched: nothing at all

    write(folder / "a.ics", ics(event("a1", summary="a1 moved", start="20240116T100000Z")))
    changed = store.sync(conn)
    assert emitted(changed) == ["a.ics/a1"]
    assert [pid for b in changed for pid in b.deleted] == ["a.ics/a2"]
    assert not any(b.full for b in changed)
    assert store.items["a.ics/a1"].summary == "a1 moved"

    write(folder / "sub" / "c.ics", ics(event("c1", summary="c1 same size")), bump=10**9)
    assert emitted(store.sync(conn)) == ["sub/c.ics/c1"]

    (folder / "b.ics").unlink()
    removed = store.sync(conn)
    assert emitted(removed) == []
    assert sorted(pid for b in removed for pid in b.deleted) == [
        "b.ics/weekly/2024-01-15T10:00:00Z", "b.ics/weekly/2024-01-22T10:00:00Z",
        "b.ics/weekly/2024-01-29T10:00:00Z",
    ]  # fmt: skip

    write(folder / "d.ics", ics(event("a1")))  # same UID as in a.ics: no collision
    assert emitted(store.sync(conn)) == ["d.ics/a1"]
    assert sorted(store.items) == ["a.ics/a1", "d.ics/a1", "sub/c.ics/c1"]


def test_window_moved_reexpands_recurrences(tmp_path: Path) -> None:
    daily = event("daily", start="20240101T090000Z", extra="RRULE:FREQ=DAILY\r\n")
    write(tmp_path / "daily.ics", ics(daily))
    write(tmp_path / "once.ics", ics(event("once", start="20240103T090000Z")))
    conn, store = IcsConnector(str(tmp_path)), Store()
    store.sync(conn, Window(at(2024, 1, 1), at(2024, 1, 4)))
    assert sorted(store.items) == [
        "daily.ics/daily/2024-01-01T09:00:00Z", "daily.ics/daily/2024-01-02T09:00:00Z",
        "daily.ics/daily/2024-01-03T09:00:00Z", "once.ics/once",
    ]  # fmt: skip
    assert store.sync(conn, Window(at(2024, 1, 1), at(2024, 1, 4))) == []
    moved = store.sync(conn, Window(at(2024, 1, 2), at(2024, 1, 5)))
    assert all(b.full for b in moved) and moved[-1].complete
    assert sorted(store.items) == [
        "daily.ics/daily/2024-01-02T09:00:00Z", "daily.ics/daily/2024-01-03T09:00:00Z",
        "daily.ics/daily/2024-01-04T09:00:00Z", "once.ics/once",
    ]  # fmt: skip


def test_without_known_a_change_means_a_full_listing(folder: Path) -> None:
    conn = IcsConnector(str(folder))
    cursor = sync(conn)[-1].cursor
    write(folder / "a.ics", ics(event("a1")))
    batches = sync(conn, cursor)  # known=None: the connector cannot diff by itself
    assert all(b.full for b in batches) and batches[-1].complete
    assert "b.ics/weekly/2024-01-22T10:00:00Z" in records(batches)


def test_cursor_advances_a_file_only_with_its_last_record(tmp_path: Path) -> None:
    write(tmp_path / "big.ics", ics(*(event(f"e{i}") for i in range(5))))
    conn = IcsConnector(str(tmp_path), batch_size=2)
    batches = sync(conn)
    assert [len(b.records) for b in batches] == [2, 2, 1]
    middle = json.loads(batches[1].cursor or "")
    assert "big.ics" not in middle["files"]  # a crash here re-reads big.ics
    assert emitted(sync(conn, batches[1].cursor, known={})) == [f"big.ics/e{i}" for i in range(5)]
    assert sync(conn, batches[-1].cursor, known={}) == []


def test_a_failed_event_keeps_its_stored_copy(tmp_path: Path) -> None:
    write(tmp_path / "cal.ics", ics(event("good"), event("flaky")))
    conn, store = IcsConnector(str(tmp_path)), Store()
    store.sync(conn)
    broken = event("flaky", start="garbage")
    write(tmp_path / "cal.ics", ics(event("good", summary="edited"), broken))
    batches = store.sync(conn)
    assert [f.provider_id for b in batches for f in b.failures] == ["cal.ics/flaky"]
    assert not any(b.deleted for b in batches)
    assert store.items["cal.ics/flaky"].summary == "flaky"  # still there, quarantined
    assert store.items["cal.ics/good"].summary == "edited"


def test_full_listing_with_a_failure_still_cleans_up(tmp_path: Path) -> None:
    write(tmp_path / "a.ics", ics(event("good"), event("flaky")))
    write(tmp_path / "b.ics", ics(event("gone")))
    conn, store = IcsConnector(str(tmp_path)), Store()
    store.sync(conn)
    (tmp_path / "b.ics").unlink()
    write(tmp_path / "a.ics", ics(event("good"), event("flaky", start="garbage")))
    store.cursor = None  # the cursor was lost: a full listing that knows no removed files
    batches = store.sync(conn)
    assert all(b.full for b in batches) and not batches[-1].complete  # a failure keeps copies
    assert sorted(store.items) == ["a.ics/flaky", "a.ics/good"]  # b.ics/gone is deleted


def test_missing_source_is_an_account_error(tmp_path: Path) -> None:
    with pytest.raises(AccountError):
        sync(IcsConnector(str(tmp_path / "nope.ics")))


# -- a calendar URL ------------------------------------------------------------------


class Calendar(http.server.BaseHTTPRequestHandler):
    body = b""
    etag = '"v1"'
    status = 200
    seen: list[tuple[str | None, int]] = []

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        cls = type(self)
        if cls.status != 200:
            self.send_error(cls.status)
            return
        if self.headers.get("If-None-Match") == cls.etag:
            cls.seen.append((self.headers.get("If-None-Match"), 304))
            self.send_response(304)
            self.send_header("ETag", cls.etag)
            self.end_headers()
            return
        cls.seen.append((self.headers.get("If-None-Match"), 200))
        self.send_response(200)
        self.send_header("Content-Type", "text/calendar")
        self.send_header("ETag", cls.etag)
        self.send_header("Content-Length", str(len(cls.body)))
        self.end_headers()
        self.wfile.write(cls.body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture
def server() -> Iterator[str]:
    Calendar.seen, Calendar.status = [], 200
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Calendar)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/team.ics"
    httpd.shutdown()
    httpd.server_close()


def test_url_with_etag(server: str) -> None:
    Calendar.body = ics(event("one"), event("two")).encode()
    Calendar.etag = '"v1"'
    conn, store = IcsConnector(server, http_timeout=5), Store()
    store.sync(conn)
    assert sorted(store.items) == ["one", "two"]
    assert store.items["one"].calendar == "team"

    assert store.sync(conn) == []  # 304: nothing changed
    assert Calendar.seen == [(None, 200), ('"v1"', 304)]
    later = Window(at(2024, 2, 1), at(2030, 1, 1))
    moved = store.sync(conn, later)  # a new window needs the body again
    assert Calendar.seen[-1] == (None, 200) and moved[-1].full and moved[-1].complete
    assert sorted(store.items) == []  # both events are before the new window
    assert emitted(store.sync(conn)) == ["one", "two"]  # back to the wide window

    Calendar.body, Calendar.etag = ics(event("one", summary="renamed")).encode(), '"v2"'
    changed = store.sync(conn)
    assert emitted(changed) == ["one"]
    assert [pid for b in changed for pid in b.deleted] == ["two"]
    assert Calendar.seen[-3:] == [(None, 200), (None, 200), ('"v1"', 200)]
    assert json.loads(store.cursor or "")["http"]["etag"] == '"v2"'


@pytest.mark.parametrize(
    ("status", "error"), [(404, AccountError), (401, AuthError), (503, TransientError)]
)
def test_url_errors_map_to_the_error_tree(server: str, status: int, error: type[Exception]) -> None:
    Calendar.status = status
    with pytest.raises(error):
        sync(IcsConnector(server, http_timeout=5))


def test_unreachable_url_is_transient() -> None:
    with pytest.raises(TransientError):
        sync(IcsConnector("http://127.0.0.1:9/cal.ics", http_timeout=2))
