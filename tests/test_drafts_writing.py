"""How drafts are written: privacy across many people, names, which personal details,
variety, the weekly nudge budget, the phrasing helpers, and the demo's own drafts."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from syncd import config, drafts, knowledge, personal, phrasing, store
from tests.conftest import run
from tests.draftworld import Meeting, World, day

PETS = ["Quillon", "Marzipan", "Thistle", "Pemberton", "Oswin", "Juniper", "Barnaby", "Clementine",
        "Fitzwilliam", "Winifred", "Lysander", "Persimmon"]
SPOUSES = ["Anselm", "Beatrix", "Cornelius", "Delphine", "Evander", "Florentyna", "Gideon", "Honoria",
           "Ignatius", "Jessamy", "Leopold", "Marigold"]
NOW = day(2024, 5, 15, 17)  # a Wednesday


def person(i: int) -> tuple[str, str]:
    email = f"p{i}@org{i}.example"
    return email, f"Person{chr(65 + i)} Tester <{email}>"


def build_many(w: World, meetings: bool = True) -> None:
    """Twelve people with their own pets and spouses, in touch every ten days until a
    month ago; six just met the user one to one, two in a group meeting, two have a
    birthday tomorrow, one asked for something."""
    for i in range(12):
        email, full = person(i)
        start = NOW - dt.timedelta(days=90)
        for k in range(6):
            when = start + dt.timedelta(days=10 * k)
            text = (f"Our dog {PETS[i]} turned three this week. My wife {SPOUSES[i]} says hello."
                    if k == 0 else "More soon.")
            if k == 1 and i in (8, 9):
                text = "My birthday is May 16, so I'll be out that day."
            w.received(full, f"News {k}", f"Hi Alex,\n\n{text}\n\nPerson{chr(65 + i)}", when, f"<m{i}.{k}@org{i}>")
            w.sent(full, f"Re: News {k}", "Hi,\n\nThanks, talk soon.\n\nAlex", when + dt.timedelta(hours=3),
                   f"<a{i}.{k}@me>", in_reply_to=f"<m{i}.{k}@org{i}>")
        if i < 6 and meetings:
            w.meeting(Meeting(f"one-{i}@me.example", f"Org{i}: planning", NOW - dt.timedelta(hours=3), 60, (full,)))
    if meetings:
        w.meeting(Meeting("group@me.example", "Joint roadmap", NOW - dt.timedelta(hours=2), 60, (person(6)[1], person(7)[1])))
    w.received(person(3)[1], "Template?", "Hi Alex,\n\nCould you send me the reseller agreement template?\n\nPersonD",
               NOW - dt.timedelta(days=5), "<q3@org3>")


def test_no_draft_carries_another_persons_facts(tmp_path: Path, home: Path, cli: CliRunner,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    w = World(tmp_path / "w", home, cli)
    build_many(w)
    w.setup(nudges_per_week=20)
    w.sync(NOW, monkeypatch)
    w.sync(NOW + dt.timedelta(days=8), monkeypatch)  # next week: the nudges the birthdays held back
    store.open_db(f"sqlite:///{home / 'syncd.db'}")
    told = {f["person"]: f["value"] for f in knowledge.facts() if f["kind"] == "pet"}
    assert len(told) == 12, "every person's pet was heard (the test needs distinctive facts)"
    store.close_db()
    rows = w.drafts()
    kinds = sorted(r["kind"] for r in rows)
    assert kinds.count("followup") == 7 and kinds.count("birthday") == 2 and kinds.count("reply") == 1
    assert kinds.count("nudge") >= 4
    own = 0
    for row in rows:
        text = f"{row['subject']}\n{row['body']}"
        mine = {int(str(a).split("@")[0][1:]) for a in row["to"]}
        for i in set(range(12)) - mine:
            assert PETS[i] not in text and SPOUSES[i] not in text, (row["occasion"], i, text)
        if any(PETS[i] in text or SPOUSES[i] in text for i in mine):
            own += 1
        if len(mine) > 1:  # a group draft carries nobody's personal details
            assert not any(PETS[i] in text or SPOUSES[i] in text for i in mine), text
    assert own >= 8, "drafts use their own recipient's details (so the check above means something)"


def test_recipients_read_at_once_are_each_read_alone(tmp_path: Path, home: Path, cli: CliRunner,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The drafts due read all their recipients in one go (one query per kind of data):
    each person's About is still what their own rows say, alone, and nobody else's."""
    w = World(tmp_path / "w", home, cli)
    build_many(w)
    w.setup(nudges_per_week=20)
    later = NOW + dt.timedelta(days=8)
    w.sync(NOW, monkeypatch)
    w.sync(later, monkeypatch)  # drafts that named their pets and spouses: remembered as said
    store.open_db(f"sqlite:///{home / 'syncd.db'}")
    people = {p.id: p.primary_email for p in store.Person.select().where(store.Person.is_self == False)}  # noqa: E712
    everyone = personal.Recipients(people, later)
    own = 0
    for pid, email in people.items():
        about = everyone.about(pid)
        assert about == personal.about(pid, later)
        assert [{k: v for k, v in f.items() if k != "key"} for f in about.facts] == knowledge.facts(
            person_id=pid, today=later.date())
        assert list(about.loops) == knowledge.loops(person_id=pid, now=later)
        assert {f["person"] for f in about.facts} | {lp["person"] for lp in about.loops} <= {email}
        assert about.name == personal.greeting_name(pid, email)
        mine = int(email.split("@")[0][1:])
        for i in set(range(12)) - {mine}:
            assert PETS[i].lower() not in about.said and SPOUSES[i].lower() not in about.said, (email, i)
        own += PETS[mine].lower() in about.said or SPOUSES[mine].lower() in about.said
    assert own >= 4, "what syncd's drafts told them is remembered (so the check above means something)"
    first, *others = people
    before = {pid: everyone.about(pid).said for pid in others}
    everyone.wrote(first, "Give Marzipan a pat from me.")  # a draft stored while writing the next ones
    assert everyone.about(first).said.endswith("\ngive marzipan a pat from me.")
    assert {pid: everyone.about(pid).said for pid in others} == before
    store.close_db()


def test_writing_the_drafts_due_asks_the_store_a_few_questions_not_a_few_per_draft(
        tmp_path: Path, home: Path, cli: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    w = World(tmp_path / "w", home, cli)
    build_many(w)
    w.setup(nudges_per_week=20)
    w.sync(NOW, monkeypatch)
    first = sorted((r["occasion"], r["subject"], r["body"]) for r in w.drafts())
    store.open_db(f"sqlite:///{home / 'syncd.db'}")
    store.Draft.delete().execute()  # written again: the copies in Drafts are found, not doubled
    database, queries = store.db.obj, []
    real = database.execute_sql
    monkeypatch.setattr(database, "execute_sql", lambda sql, *args, **kwargs: queries.append(sql) or real(sql, *args, **kwargs))
    made = drafts.generate_due(NOW, config.load(home))
    store.close_db()
    assert sorted((r["occasion"], r["subject"], r["body"]) for r in w.drafts()) == first
    assert len(made) == len(first) >= 10
    assert len(queries) <= 55 + len(made), "one query per kind of data (not ~25 per draft), one update per draft placed"


def test_greeting_names(tmp_path: Path, home: Path, cli: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    w = World(tmp_path / "w", home, cli)
    w.received("Robert Feld <rfeld@feld.example>", "Hi", "Hi Alex,\n\nGood to hear from you.\n\nThanks,\nBob",
               day(2024, 5, 1), "<r@feld>")
    w.received("Hannah Kim <hannah@cobalt.example>", "Hi", "Hi Alex,\n\nThanks!\nHannah Kim\n-- \nCobalt Cloud\n",
               day(2024, 5, 2), "<h@cobalt>")
    w.received("Hannah Kim <hannah@cobalt.example>", "Hi", "Hi Alex,\n\nOne more thing.\n\nCobalt Cloud",
               day(2024, 5, 3), "<h2@cobalt>")
    w.received("Dr. Priya Raman <priya@lumen.example>", "Hi", "Hi Alex,\n\nSee you there.", day(2024, 5, 2), "<p@l>")
    w.received('"O\'Brien, Kevin" <kevin@harbor.example>', "Hi", "Hi Alex,\n\nSee you there.", day(2024, 5, 2), "<kv@h>")
    w.received("Marie Curie <marie@lab.example>", "Hi", "Hi Alex,\n\nSee you there.", day(2024, 5, 2), "<m@lab>")
    w.received("kobrien <kobrien@harbor.example>", "Hi", "Hi Alex,\n\nSee you there.", day(2024, 5, 2), "<k@h>")
    w.received("ops@robots.example", "Hi", "Hi Alex,\n\nSee you there.", day(2024, 5, 2), "<o@r>")
    w.sent("Bob <rfeld@feld.example>", "Re: Hi", "Hi Bob,\n\nLikewise.\n\nBest,\nAlex", day(2024, 5, 4), "<me1@me>")
    w.setup()
    w.sync(day(2024, 5, 5), monkeypatch)
    store.open_db(f"sqlite:///{home / 'syncd.db'}")
    names = {p.primary_email: personal.greeting_name(p.id, p.primary_email) for p in store.Person.select()}
    assert names["rfeld@feld.example"] == "Bob"  # from his own sign-off, not the display name
    assert names["hannah@cobalt.example"] == "Hannah"  # "Cobalt Cloud" is a signature line, not a name
    assert names["priya@lumen.example"] == "Priya"  # nameparser: the title is not the name
    assert names["kevin@harbor.example"] == "Kevin"  # nameparser: last name first
    assert names["marie@lab.example"] == "Marie"  # nameparser on the display name
    assert names["kobrien@harbor.example"] == ""  # a mailbox name is not a name: "Hi,"
    assert names["ops@robots.example"] == ""
    assert personal.my_name(frozenset({"alex@me.example"})) == "Alex"


def test_details_already_mentioned_or_sensitive_are_left_out(tmp_path: Path, home: Path, cli: CliRunner,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    w = World(tmp_path / "w", home, cli)
    for who, pet, wife, mention in (("xena", "Biscuit", "Rosalind", True), ("yuri", "Waffles", "Ottoline", False)):
        full = f"{who.title()} Doe <{who}@{who}.example>"
        start = NOW - dt.timedelta(days=90)
        for k in range(6):
            when = start + dt.timedelta(days=10 * k)
            text = (f"Our dog {pet} turned three this week. My wife {wife} says hello. I'm having knee surgery "
                    "next week, wish me luck." if k == 0 else "More soon.")
            w.received(full, f"News {k}", f"Hi Alex,\n\n{text}\n\n{who.title()}", when, f"<{who}{k}@x>")
            reply = f"Give {pet} a pat from me. Talk soon." if (mention and k == 5) else "Thanks, talk soon."
            w.sent(full, f"Re: News {k}", f"Hi,\n\n{reply}\n\nAlex", when + dt.timedelta(hours=3), f"<{who}{k}@me>",
                   in_reply_to=f"<{who}{k}@x>")
    w.setup()
    w.sync(NOW, monkeypatch)
    store.open_db(f"sqlite:///{home / 'syncd.db'}")
    assert any(f["sensitive"] and "surgery" in f["value"] for f in knowledge.facts()), "the sensitive fact was heard"
    store.close_db()
    nudges = {r["to"][0]: r["body"] for r in w.drafts() if r["kind"] == "nudge"}
    assert set(nudges) == {"xena@xena.example", "yuri@yuri.example"}
    assert "Biscuit" not in nudges["xena@xena.example"] and "Rosalind" in nudges["xena@xena.example"]
    assert "Waffles" in nudges["yuri@yuri.example"] and "Ottoline" in nudges["yuri@yuri.example"]
    for body in nudges.values():
        assert "surgery" not in body.lower() and "knee" not in body.lower()


def test_nudges_keep_to_the_weekly_budget_most_valuable_first(tmp_path: Path, home: Path, cli: CliRunner,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    w = World(tmp_path / "w", home, cli)
    for i, rounds in enumerate((8, 6, 4, 3)):  # deeper relationships first
        email, full = person(i)
        for k in range(rounds):
            when = NOW - dt.timedelta(days=60 + 10 * (rounds - k))
            w.received(full, f"N{k}", "Hi Alex,\n\nMore soon.\n\nP", when, f"<n{i}.{k}@x>")
            w.sent(full, f"Re: N{k}", "Hi,\n\nThanks.\n\nAlex", when + dt.timedelta(hours=2), f"<r{i}.{k}@me>")
    w.setup(nudges_per_week=2)
    w.sync(NOW, monkeypatch)
    store.open_db(f"sqlite:///{home / 'syncd.db'}")
    ranked = [row["email"] for row in knowledge.cold(NOW, 10)]
    store.close_db()
    assert len(ranked) == 4
    first = [r["to"][0] for r in w.drafts() if r["kind"] == "nudge"]
    assert sorted(first) == sorted(ranked[:2])
    w.sync(NOW + dt.timedelta(hours=5), monkeypatch)  # same week: the budget is spent
    assert len(w.drafts()) == 2
    w.sync(NOW + dt.timedelta(days=7), monkeypatch)  # next week: the other two, nobody twice
    nudged = [r["to"][0] for r in w.drafts() if r["kind"] == "nudge"]
    assert sorted(nudged) == sorted(ranked)


def test_same_kind_same_day_reads_differently(tmp_path: Path, home: Path, cli: CliRunner,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    w = World(tmp_path / "w", home, cli)
    build_many(w, meetings=False)
    w.setup(nudges_per_week=20)
    w.sync(NOW + dt.timedelta(days=8), monkeypatch)  # no meetings, no birthdays due: everyone is nudged
    bodies = [r["body"] for r in w.drafts() if r["kind"] == "nudge"]
    assert len(bodies) >= 8
    skeletons = {re.sub(r"^Hi [^,]*,|\b(?:" + "|".join(PETS + SPOUSES) + r")\b", "", b) for b in bodies}
    assert len(skeletons) >= 4, "several phrasings per part, chosen by the occasion"
    assert sorted(r["body"] for r in w.drafts() if r["kind"] == "nudge") == sorted(bodies)  # and deterministic


# -- phrasing ---------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("I'll send over the partner tier one-pager by Thursday so Luis can review it before the council.",
     ("the partner tier one-pager", "Luis can review it before the council")),
    ("I'll send the expansion one-pager the day before.", ("the expansion one-pager", "")),
    ("Great. I'll get you the revised pricing deck by Friday.", ("the revised pricing deck", "")),
    ("I'll book the big room at our office and order lunch.", None),
    ("I'll bring the slides.", None),
])
def test_deliverable(text: str, expected: tuple[str, str] | None) -> None:
    assert phrasing.deliverable(text) == expected


def test_requests_promises_and_topics() -> None:
    assert phrasing.requested("Could you share the partner onboarding checklist you mentioned? I'd love it.") == (
        "the partner onboarding checklist", True)
    assert phrasing.requested("Can you send me your notes from Tuesday?") == ("my notes from Tuesday", False)
    assert phrasing.requested("How was the trip?") is None
    assert phrasing.their_promise("I'll send you my notes tomorrow.") == "you'd send me your notes tomorrow"
    assert phrasing.meeting_topic("Lunch: Kevin O'Brien", ["Kevin O'Brien"], set()) == ("", "lunch")
    assert phrasing.meeting_topic("Vireo: EMEA expansion plan", [], set()) == ("the EMEA expansion plan", "")
    proper = phrasing.proper_words(["Miguel Santos"], ["miguel@tidewaterstudio.com"])
    assert phrasing.meeting_topic("Tidewater referral agreement", ["Miguel Santos"], proper) == (
        "the Tidewater referral agreement", "")
    assert phrasing.meeting_topic("30 min intro: Grace Liu", ["Grace Liu"], set()) == ("our intro call", "")
    assert phrasing.reply_subject("RE: Fwd: Re: Pricing") == "Re: Pricing"
    assert [phrasing.ordinal(n) for n in (1, 2, 3, 11, 12, 13, 21, 40, 112)] == [
        "1st", "2nd", "3rd", "11th", "12th", "13th", "21st", "40th", "112th"]
    today = dt.date(2024, 3, 13)
    assert phrasing.day_phrase(today, today) == "today" and phrasing.possessive_day(today - dt.timedelta(1), today) == "yesterday's"
    assert phrasing.future_phrase(dt.date(2024, 3, 15), today) == "on Friday"


# -- the demo's drafts ------------------------------------------------------------------

BANNED = ("circle back", "touch base", "synergy", "hope this finds you well", "just checking in", "per my last",
          "leverage", "reach out", "{{", "}}", "None")
DEMO_NOW = "2026-03-24T07:00:00-04:00"


@pytest.mark.slow
def test_the_demo_leaves_thoughtful_drafts(tmp_path: Path, cli: CliRunner) -> None:
    run(cli, "--now", DEMO_NOW, "demo", "--home", str(tmp_path / "demo"))
    store.close_db()
    rows = json.loads(run(cli, "--home", str(tmp_path / "demo"), "drafts", "list", "--json").output)
    store.close_db()
    found = sorted((r["kind"], r["to"][0]) for r in rows)
    assert found == sorted([
        ("reply", "hannah.kim@cobaltcloud.com"), ("promise", "dana@northwindlogistics.com"),
        ("promise", "elena.petrovic@vireosystems.eu"), ("nudge", "tom@fieldstone.ai"),
        ("nudge", "rfeld@feldassociates.com"), ("nudge", "ben@saltmarshsoftware.com"),  # Walter bounced
    ])
    for row in rows:
        body = row["body"]
        words = len(body.split())
        assert 25 <= words <= 120, (words, body)
        assert body.count("!") <= 1 and not any(b.lower() in body.lower() for b in BANNED), body
        assert re.match(r"Hi [A-Z][a-z]+,\n\n", body), body
        assert body.rstrip().endswith("\nAlex")
        assert row["status"] == "placed" and row["reason"]
    bob = next(r for r in rows if r["to"] == ["rfeld@feldassociates.com"])
    assert bob["body"].startswith("Hi Bob,")  # Robert signs "Bob"
    dana = next(r for r in rows if r["kind"] == "promise" and r["to"] == ["dana@northwindlogistics.com"])
    assert "the partner tier one-pager" in dana["body"] and "so Luis can review it before the council" in dana["body"]
    assert dana["subject"] == "Re: Agenda for our 9:30"
