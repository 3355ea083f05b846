"""Questions worth asking, and the briefing's wording: pure functions, no store."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from syncd import wording
from syncd.dossier import pick_facts
from syncd.questions import promised_thing, questions

TODAY = dt.date(2026, 3, 24)


def fact(kind: str, value: str, stated: str = "2026-01-10", date: str | None = None, *, confidence: float = 0.85,
         sensitive: bool = False, projected: bool = False) -> dict[str, Any]:
    return {"kind": kind, "value": value, "stated_at": stated, "date": date, "confidence": confidence,
            "sensitive": sensitive, "projected": projected, "source": "<m@x>"}


def ask(*facts: dict[str, Any], loops: tuple[dict[str, Any], ...] = (), today: dt.date = TODAY) -> list[str]:
    return questions("Dana", facts, loops, today)


@pytest.mark.parametrize(("today", "expected"), [
    (dt.date(2025, 6, 1), "Is Emma ready for Michigan?"),
    (dt.date(2026, 3, 24), "How is Emma's first year at Michigan going?"),
    (dt.date(2026, 7, 10), "How did Emma's first year at Michigan go?"),
    (dt.date(2027, 11, 2), "How is Emma getting on at Michigan?"),
    (dt.date(2029, 4, 2), "Is Emma graduating from Michigan this spring?"),
])
def test_college_news_is_asked_about_for_the_right_year(today: dt.date, expected: str) -> None:
    emma = fact("family", "daughter Emma, got into the University of Michigan", stated="2025-04-21")
    assert ask(emma, today=today) == [expected]


def test_a_sensitive_fact_a_projection_or_a_doubtful_fact_is_never_a_question() -> None:
    assert ask(fact("life_event", "surgery: knee surgery", date="2026-03-01", sensitive=True)) == []
    assert ask(fact("life_event", "moved to Denver", date="2026-03-01", sensitive=True)) == []
    assert ask(fact("family", "daughter Emma, likely graduating college around May 2026", date="2026-05-01", projected=True)) == []
    assert ask(fact("life_event", "moved to Denver", date="2026-03-01", confidence=0.4)) == []
    assert ask(fact("life_event", "moved to Denver", date="2026-03-01")) == ["How are you settling into Denver?"]


@pytest.mark.parametrize(("date", "value", "expected"), [
    ("2026-04-11", "Japan, 2026-04-11 to 2026-04-23", ["Are you all set for Japan?"]),
    ("2026-03-23", "Lisbon, next week", ["How is Lisbon treating you?"]),
    ("2026-03-10", "Lisbon, next week", ["How was Lisbon?"]),
    ("2025-11-01", "Lisbon, next week", []),  # long over
    ("2026-09-01", "Japan", []),  # too far off to ask about yet
])
def test_trips_are_asked_about_while_they_are_timely(date: str, value: str, expected: list[str]) -> None:
    assert ask(fact("travel", value, date=date)) == expected


def test_teams_only_in_their_season() -> None:
    sox = fact("sports", "Boston Red Sox")
    assert ask(sox, today=dt.date(2026, 6, 1)) == ["How are the Red Sox looking this season?"]
    assert ask(sox, today=dt.date(2026, 3, 24)) == ["Ready for the Red Sox season?"]
    assert ask(sox, today=dt.date(2026, 12, 1)) == []
    assert ask(fact("sports", "Boston Celtics"), today=dt.date(2026, 3, 24)) == ["How are the Celtics looking this season?"]


def test_what_they_promised_becomes_a_gentle_check_and_the_users_own_promises_do_not() -> None:
    theirs = {"direction": "theirs", "kind": "promise", "text": "For Tuesday's call: I'll send the draft referral agreement over beforehand."}
    mine = {"direction": "mine", "kind": "promise", "text": "I'll send you the pricing deck by Friday."}
    assert ask(loops=(theirs, mine)) == ["Did the draft referral agreement come together?"]
    assert promised_thing("We'll share our partner numbers by Friday.") == "your partner numbers"
    assert promised_thing("I'll call you tomorrow.") == ""


def test_at_most_three_questions_the_most_timely_first() -> None:
    found = ask(
        fact("sports", "Boston Red Sox"), fact("pet", "dog Max"), fact("interest", "sailing"),
        fact("life_event", "new job at Peakline", date="2026-02-01"),
        fact("travel", "Lisbon, next week", date="2026-03-23"),
    )
    assert found == ["How are the first weeks at Peakline going?", "How is Lisbon treating you?",
                     "Ready for the Red Sox season?"]


def test_birthday_coming_up() -> None:
    assert ask(fact("birthday", "birthday", date="--03-26")) == ["Any plans for your birthday on Thursday?"]
    assert ask(fact("birthday", "birthday", date="--03-25")) == ["Any plans for your birthday tomorrow?"]
    assert ask(fact("birthday", "birthday", date="--03-21")) == ["Did you have a good birthday?"]
    assert ask(fact("birthday", "birthday", date="--08-29")) == []


def test_the_best_few_facts_one_per_subject_and_never_stale() -> None:
    picked = pick_facts([
        fact("education", "MBA, Wharton", stated="2025-02-17"), fact("education", "MBA", stated="2025-02-17"),
        fact("travel", "Lisbon, next week", date="2025-10-01"),  # over
        fact("work", "VP of Sales at Acme"),  # shown as their role instead
        fact("family", "daughter Emma, likely graduating college around May 2029", date="2029-05-01", projected=True),
        fact("preference", "vegetarian", stated="2025-02-17"),
        fact("life_event", "surgery: knee surgery", date="2025-12-18", sensitive=True),
    ], TODAY)
    assert [(n.kind, n.text, n.care) for n in picked] == [
        ("life_event", "Knee surgery (Dec 2025)", True), ("preference", "Vegetarian", False),
        ("education", "MBA, Wharton", False),
    ]
    assert picked[1].said == "said 13 months ago"


def test_wording() -> None:
    assert wording.ago(dt.date(2025, 1, 20), TODAY) == "14 months ago"
    assert wording.ago(dt.date(2026, 3, 23), TODAY) == "yesterday"
    assert wording.ago(dt.date(2026, 3, 10), TODAY) == "2 weeks ago"
    assert wording.rhythm(7.2) == "every week" and wording.rhythm(13) == "every 2 weeks" and wording.rhythm(91) == "every 3 months"
    start = dt.datetime(2026, 3, 24, 9, 30)
    assert wording.time_range(start, start + dt.timedelta(hours=1)) == "9:30–10:30 AM"
    assert wording.time_range(start.replace(hour=11), start.replace(hour=12, minute=15)) == "11:30 AM–12:15 PM"
    assert wording.clean("Hi\r\nBcc: x@y\u202e\x00 there  ") == "Hi Bcc: x@y there"
    assert wording.fact_text("family", "daughter Emma, likely graduating college around May 2026", "2026-05-01",
                             TODAY, projected=True) == "Emma may be graduating this spring"
    assert wording.fact_text("travel", "Japan, 2026-04-11 to 2026-04-23", "2026-04-11", TODAY) == "Off to Japan, Apr 11–23"
    assert wording.fact_text("birthday", "birthday", "--03-26", TODAY) == "Birthday: Mar 26 (Thursday)"
