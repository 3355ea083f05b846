"""Whole conversations by ``users.threads.get(format=full)``: the records are the ones the
raw path gives (syncd.mime reads both), on real Gmail answers and on the MIME corpus;
``fetch=auto`` takes the cheaper way by the units table; the listing costs no get for
drafts; a batch is shrunk to the quota room left instead of waiting for a whole one."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path
from typing import Any

import pytest

from connectors.base import MailRecord
from connectors.gmail import GmailConnector
from connectors.gmail_payload import full_record
from connectors.gmail_quota import Pacer
from syncd.config import Config, paths
from syncd.errors import ParseError
from syncd.mime import parse_message
from tests import mailfactory as mf
from tests.emulators.google import GoogleEmulator
from tests.google_support import gmail_account, google, sleeps  # noqa: F401

ME = "me@gmail.example"
CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
SAMPLES = CORPUS / "api" / "gmail-format-full"
# 8-bit header bytes valid in no single charset: what Gmail's JSON holds for them is unknown.
UNKNOWABLE = {"mailformed-headers.eml", "russian-attachment-yahoo.eml"}


def connector(google: GoogleEmulator, tmp_path: Path, **options: Any) -> GmailConnector:  # noqa: F811
    options.setdefault("quota_per_minute", 10**7)
    account = gmail_account(google, home=tmp_path / "home", **options)
    return GmailConnector.from_config(account, Config(paths=paths(tmp_path / "home"), accounts=(account,)))


def records(conn: GmailConnector) -> dict[str, MailRecord]:
    return {r.provider_id: r for batch in conn.sync_mail(None, {}) for r in batch.records}


def test_real_format_full_answers_become_records() -> None:
    found = {}
    for path in sorted(SAMPLES.glob("*.json")):
        data = json.loads(path.read_text())
        message = data.get("message", data)  # the draft sample wraps its message
        found[path.stem] = full_record(message, folder="INBOX", folder_role="inbox", flags=frozenset({"seen"}))
    jam = found["multipartAlternativeWithAttachmentsMessage"]
    assert (jam.subject, jam.body_text, jam.sender.email if jam.sender else "") == ("This is my jam", "cool *stuff*", "example@gmail.com")
    assert [(a.filename, a.content_type, a.size) for a in jam.attachments] == [
        ("a3Ln90e_460s.jpg", "image/jpeg", 66308), ("feelthebern.jpg", "image/jpeg", 100446)]
    assert jam.size == 167988 and jam.thread_id == "151e0c038fd6b3b0" and jam.date is not None
    plain = found["plainTextMessage"]
    assert plain.body_text == "The actual message text goes here" and plain.subject == "Subject Text"
    assert plain.message_id == "<CADsZLRwWjzfYvtqgvJ1qhPN-5H+1dAzDE6AUprSSW+Mi3SnW3A@mail.gmail.com>"
    text = found["multipartAlternativePlainTextAttachmentMessage"]
    assert [(a.filename, a.content_type) for a in text.attachments] == [("a_text_file.txt", "text/plain")]
    assert found["multipartAlternativeMessage"].body_text == "wow"  # text/plain chosen over the HTML


def test_an_unreadable_payload_is_a_value_error_for_quarantine() -> None:
    with pytest.raises(ValueError):
        full_record({"id": "1", "payload": {}}, folder="", folder_role="inbox", flags=frozenset())


def _comparable(record: MailRecord) -> MailRecord:
    return dataclasses.replace(record, attachments=tuple((a.filename, a.content_type) for a in record.attachments))  # type: ignore[arg-type]


def test_threads_get_gives_the_records_the_raw_path_gives_on_the_mime_corpus(google: GoogleEmulator, tmp_path: Path) -> None:  # noqa: F811
    files = [p for p in sorted((CORPUS / "mime").rglob("*")) if p.is_file() and p.name not in UNKNOWABLE
             and (p.suffix in (".eml", ".msg", ".mbox") or re.fullmatch(r"msg_\w+\.txt", p.name))]
    kept = 0
    for path in files:
        raw = path.read_bytes()
        try:
            parse_message(raw, provider_id="probe")
        except ParseError:
            continue
        google.gmail.add(raw, {"INBOX"})
        kept += 1
    assert kept > 150
    by_raw = records(connector(google, tmp_path / "a", fetch="messages"))
    google.reset_counts()
    by_thread = records(connector(google, tmp_path / "b", fetch="threads"))
    assert google.calls["threads.get"] > 100
    assert 0 < google.calls["messages.get"] < 60  # only those without a Message-ID (or unreadable as JSON) are read raw
    assert set(by_thread) == set(by_raw) and len(by_raw) == kept
    differ = [pid for pid in by_raw if _comparable(by_raw[pid]) != _comparable(by_thread[pid])]
    assert differ == [], [(by_raw[p], by_thread[p]) for p in differ]
    # Attachment sizes: raw, from the encoded length; full, Gmail's body.size: the same. A
    # forwarded message (message/*) is measured from its parts as written, and the parts'
    # own attachments are not sent: only roughly the same.
    sizes = [(a.size, b.size, a.content_type) for pid in by_raw for a, b in zip(by_raw[pid].attachments, by_thread[pid].attachments, strict=True)]
    assert len(sizes) > 50
    assert [s for s in sizes if s[0] != s[1] and not s[2].startswith("message/")] == []
    assert all(b > 0 for a, b, _ in sizes if a > 0)


def _conversations(google: GoogleEmulator, threads: int, per_thread: int) -> None:  # noqa: F811
    for t in range(threads):
        parent = ""
        for n in range(per_thread):
            mid = f"<t{t}-{n}@x>"
            google.gmail.add(mf.message(f"p{t}@x.example", ME, f"thread {t}", f"message {n}", message_id=mid, in_reply_to=parent), {"INBOX"})
            parent = mid


@pytest.mark.parametrize("per_thread,get_units,expected", [
    (3, 20, "threads.get"),  # the prices: a thread (10) is cheaper than even one message (20)
    (1, 20, "threads.get"),
    (3, 5, "threads.get"),  # Google's table: 10 < 3 x 5
    (2, 5, "messages.get"),  # 10 == 2 x 5: no saving, take the messages
])
def test_auto_fetch_takes_the_cheaper_call(google: GoogleEmulator, tmp_path: Path, per_thread: int, get_units: int, expected: str) -> None:  # noqa: F811
    _conversations(google, 20, per_thread)
    got = records(connector(google, tmp_path, get_units=get_units))
    assert len(got) == 20 * per_thread
    calls = {k: n for k, n in google.calls.items() if k.endswith(".get")}
    assert calls == {expected: 20 if expected == "threads.get" else 20 * per_thread}
    assert len({r.thread_id for r in got.values()}) == 20


def test_threads_cost_fewer_units_than_messages(google: GoogleEmulator, tmp_path: Path) -> None:  # noqa: F811
    _conversations(google, 150, 4)  # 600 messages: two listing pages
    records(connector(google, tmp_path / "m", fetch="messages"))
    by_messages = google.units()
    google.reset_counts()
    records(connector(google, tmp_path / "t", fetch="threads"))
    by_threads = google.units()
    assert by_messages == 1 + 2 * 5 + 600 * 20 + 2 * 2  # profile, two list pages, the gets, history before and after
    assert by_threads == 1 + 2 * 5 + 150 * 10 + 2 * 2


def test_drafts_are_not_listed_so_cost_no_get(google: GoogleEmulator, tmp_path: Path) -> None:  # noqa: F811
    for n in range(20):
        google.gmail.add(mf.message(f"p{n}@x.example", ME, f"m{n}", "hi", message_id=f"<m{n}@x>"), {"INBOX"})
    for n in range(10):
        google.gmail.create_draft(mf.message(ME, f"p{n}@x.example", f"draft {n}", "hi", message_id=f"<dr{n}@x>"))
    got = records(connector(google, tmp_path, fetch="messages"))
    assert len(got) == 20 and google.calls["messages.get"] == 20


def test_a_batch_shrinks_to_the_room_left_in_the_minute(google: GoogleEmulator, tmp_path: Path) -> None:  # noqa: F811
    """1,000 units a minute, 5 already spent: 49 gets now (980 units), not 50 in a minute."""
    for n in range(60):
        google.gmail.add(mf.message(f"p{n}@x.example", ME, f"m{n}", "hi", message_id=f"<m{n}@x>"), {"INBOX"})
    conn = connector(google, tmp_path)
    now = [0.0]
    conn.client.pacer = Pacer(budget=1000, clock=lambda: now[0], sleep=lambda s: now.__setitem__(0, now[0] + s))
    conn.client.pacer.take("messages.list")
    ids = sorted(google.gmail.messages)
    got = conn.client.fetch_many([("messages.get", i) for i in ids])
    assert len(got) == 60 and google.batch_sizes == [49, 11]
    assert now[0] == pytest.approx(60.0)  # the 11 waited for the first minute to pass, no longer


def test_pacer_fit_keeps_a_modelled_sync_near_the_floor() -> None:
    """Pages of 500 (a 5-unit list call each) and batches of 50 gets: shrinking a batch to
    the room left keeps the run near units / budget; waiting for whole batches does not."""
    def paced(shrink: bool) -> float:
        now = [0.0]
        pacer = Pacer(budget=6000, clock=lambda: now[0], sleep=lambda s: now.__setitem__(0, now[0] + s))
        for _ in range(20):  # 10,000 messages
            pacer.take("messages.list")
            for _ in range(10):
                todo = [20] * 50
                while todo:
                    size = pacer.fit(todo) if shrink else len(todo)
                    pacer.take_units(sum(todo[:size]))
                    todo = todo[size:]
                    now[0] += 0.3
        return now[0] / (pacer.spent / 6000 * 60) - 1
    assert paced(shrink=True) < 0.03
    assert paced(shrink=False) > 0.05
