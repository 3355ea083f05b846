"""Relationship health: rhythm, bursts, reciprocity, reply time, going-cold ranking."""

from __future__ import annotations

import datetime as dt

import pytest

from syncd.infer.health import going_cold, health, touches_by_person, touches_from
from syncd.infer.model import MessageView, Touch

UTC = dt.UTC
T0 = dt.datetime(2024, 1, 1, 9, 0, tzinfo=UTC)
ME = frozenset({"me@example.com"})


def at(days: float, hours: float = 0.0) -> dt.datetime:
    return T0 + dt.timedelta(days=days, hours=hours)


def every(step: float, n: int, words: int = 40) -> list[Touch]:
    """n touches ``step`` days apart, alternating out/in (so every one is two-way)."""
    return [
        Touch(at(step * i), "out" if i % 2 == 0 else "in", words=words) for i in range(n)
    ]


# -- rhythm --------------------------------------------------------------------------


def test_weekly_contact_three_weeks_on_is_three_times_overdue() -> None:
    touches = every(7, 10)
    now = touches[-1].at + dt.timedelta(days=21)
    h = health("w@x.com", touches, now)
    assert h.rhythm_days == 7.0
    assert h.days_since == 21.0
    assert h.overdue == pytest.approx(3.0)
    assert h.last_contact == touches[-1].at
    assert h.touchpoints == 10
    assert h.reason == "usually every 7 days; 21 days since you last spoke"


def test_quarterly_contact_four_months_on_is_only_a_little_late() -> None:
    touches = every(91, 6)
    now = touches[-1].at + dt.timedelta(days=122)
    h = health("q@x.com", touches, now)
    assert h.rhythm_days == 91.0
    assert h.overdue == pytest.approx(122 / 91)
    assert h.reason == "usually every 3 months; 4 months since you last spoke"


def test_weekly_at_three_weeks_outranks_quarterly_at_four_months() -> None:
    weekly = every(7, 10)
    quarterly = every(91, 10)
    now = at(1200)
    hw = health("weekly@x.com", [Touch(t.at + (now - at(63 + 21)), t.direction, t.words) for t in weekly], now)
    hq = health("quarterly@x.com", [Touch(t.at + (now - at(819 + 122)), t.direction, t.words) for t in quarterly], now)
    assert hw.days_since == pytest.approx(21.0)
    assert hq.days_since == pytest.approx(122.0)
    ranked = going_cold([hq, hw], now, limit=5)
    assert [h.person for h in ranked] == ["weekly@x.com", "quarterly@x.com"]
    assert hw.cold_score > 3 * hq.cold_score


def test_on_time_relationship_is_not_going_cold() -> None:
    touches = every(30, 8)
    now = touches[-1].at + dt.timedelta(days=20)
    h = health("fine@x.com", touches, now)
    assert h.overdue < 1
    assert h.cold_score == 0.0
    assert going_cold([h], now) == []


def test_rhythm_is_the_median_gap_so_one_long_silence_does_not_move_it() -> None:
    days = [0, 10, 20, 30, 200, 210]
    h = health("p@x.com", [Touch(at(d), "in", 10) for d in days], at(230))
    assert h.rhythm_days == 10.0


def test_burst_within_a_day_is_one_interaction() -> None:
    # Four conversations 10 days apart, each a burst of five mails over an afternoon.
    touches = [
        Touch(at(10 * k, hours=h), "out" if h % 2 == 0 else "in", 20)
        for k in range(4)
        for h in range(5)
    ]
    result = health("b@x.com", touches, at(45))
    assert result.touchpoints == 20
    assert result.extra["interactions"] == 4.0
    assert result.rhythm_days == 10.0  # not the median of 0.04-day gaps inside bursts


def test_daily_touches_a_full_day_apart_stay_separate() -> None:
    h = health("d@x.com", every(1, 5), at(10))
    assert h.extra["interactions"] == 5.0
    assert h.rhythm_days == 1.0


def test_fewer_than_three_interactions_have_no_rhythm() -> None:
    touches = [Touch(at(0), "out", 10), Touch(at(0, hours=3), "in", 10), Touch(at(50), "out", 10)]
    h = health("few@x.com", touches, at(100))
    assert h.extra["interactions"] == 2.0
    assert h.rhythm_days is None
    assert h.overdue == 0.0
    assert h.cold_score == 0.0
    assert h.reason == "50 days since you last spoke; too few conversations to know your rhythm"
    assert going_cold([h], at(100)) == []


def test_no_touches_at_all() -> None:
    h = health("nobody@x.com", [], at(0))
    assert h.last_contact is None and h.days_since is None and h.rhythm_days is None
    assert h.reciprocity == 0.5 and h.cold_score == 0.0 and h.reason == ""


def test_future_touches_are_ignored() -> None:
    touches = every(7, 5) + [Touch(at(100), "meeting")]
    h = health("f@x.com", touches, at(50))
    assert h.last_contact == at(28)
    assert h.touchpoints == 5


# -- reciprocity and reply time ------------------------------------------------------------


def test_reciprocity_is_their_share_of_words_and_questions_are_counted_by_side() -> None:
    touches = [
        Touch(at(0), "out", words=300, questions=0),
        Touch(at(2), "in", words=100, questions=2),
        Touch(at(4), "out", words=300, questions=1),
        Touch(at(6), "meeting"),
    ]
    h = health("r@x.com", touches, at(7))
    assert h.reciprocity == pytest.approx(100 / 700)
    assert h.their_questions == 2
    assert h.my_questions == 1
    assert h.reason.endswith("you do most of the talking")


def test_reply_time_is_the_median_of_my_answers() -> None:
    touches = [
        Touch(at(0), "in", 10),
        Touch(at(0, hours=2), "out", 10, reply_to_at=at(0)),
        Touch(at(5), "in", 10),
        Touch(at(5, hours=30), "out", 10, reply_to_at=at(5)),
        Touch(at(9), "in", 10),
        Touch(at(9, hours=5), "out", 10, reply_to_at=at(9)),
        Touch(at(12), "in", 10, reply_to_at=at(9, hours=5)),  # their reply: not mine
        Touch(at(14), "out", 10),  # not a reply
    ]
    h = health("t@x.com", touches, at(20))
    assert h.my_reply_hours == pytest.approx(5.0)


# -- ranking -----------------------------------------------------------------------------


def test_old_dead_relationship_ranks_below_a_recently_lapsed_one() -> None:
    now = at(3000)
    gone = health("gone@x.com", [Touch(at(d), "out" if d % 60 else "in", 30) for d in (0, 30, 60)], now)
    assert gone.days_since == pytest.approx(2940.0)
    lapsed = [Touch(t.at + dt.timedelta(days=2900), t.direction, t.words) for t in every(30, 3)]
    lapsed_h = health("lapsed@x.com", lapsed, now)
    assert lapsed_h.overdue == pytest.approx(40 / 30)
    ranked = going_cold([gone, lapsed_h], now)
    assert [h.person for h in ranked] == ["lapsed@x.com", "gone@x.com"]
    assert gone.extra["decay"] < 0.01
    assert gone.cold_score < 0.05 * lapsed_h.cold_score


def test_deeper_relationship_ranks_higher_at_the_same_lateness() -> None:
    now = at(500)
    # Same rhythm and lateness; one is two-way, the other only ever one-sided.
    deep = [Touch(t.at + dt.timedelta(days=300), t.direction, 30) for t in every(10, 12)]
    shallow = [Touch(t.at + dt.timedelta(days=300), "out", 30) for t in every(10, 12)]
    # Named so that a tie would sort the shallow one first.
    hd, hs = health("z-deep@x.com", deep, now), health("a-shallow@x.com", shallow, now)
    assert hd.overdue == pytest.approx(hs.overdue)
    assert hd.extra["two_way"] == 6.0 and hs.extra["two_way"] == 0.0
    assert [h.person for h in going_cold([hs, hd], now)] == ["z-deep@x.com", "a-shallow@x.com"]


def test_going_cold_skips_recent_contacts_and_respects_limit() -> None:
    now = at(100)
    # Daily contact, silent five days: five times late, but contacted very recently.
    daily = health("daily@x.com", [Touch(at(80 + i), "out" if i % 2 else "in", 10) for i in range(16)], now)
    assert daily.overdue == pytest.approx(5.0) and daily.cold_score > 0
    late = [
        health(f"p{i}@x.com", [Touch(at(10 * k - i), "in" if k % 2 else "out", 10) for k in range(6)], now)
        for i in range(4)
    ]
    ranked = going_cold([daily, *late], now, limit=2)
    assert len(ranked) == 2
    assert "daily@x.com" not in [h.person for h in going_cold([daily, *late], now, limit=10)]
    assert ranked[0].cold_score >= ranked[1].cold_score


# -- touches from mail -------------------------------------------------------------------


def _msg(mid: str, day: float, sender: str, to: tuple[str, ...], text: str, **kw: object) -> MessageView:
    return MessageView(message_id=mid, date=at(day), sender=sender, to=to, text=text, **kw)  # type: ignore[arg-type]


def test_touches_from_mail_count_new_words_questions_and_reply_time() -> None:
    msgs = [
        _msg("<1>", 0, "dana@acme.com", ("me@example.com",), "How was the trip? Did the demo go well?"),
        _msg(
            "<2>",
            0.25,
            "me@example.com",
            ("dana@acme.com",),
            "It went great, thanks.\n\nOn Mon, Dana wrote:\n> How was the trip? Did the demo go well?",
            outgoing=True,
            in_reply_to="<1>",
        ),
        _msg("<3>", 1, "news@shop.com", ("me@example.com",), "Sale! Why wait?", automated=True),
        _msg("<4>", 2, "sam@other.com", ("me@example.com",), "Unrelated."),
    ]
    touches = touches_from(msgs, {"dana@acme.com"}, ME)
    assert [(t.direction, t.words, t.questions) for t in touches] == [("in", 9, 2), ("out", 4, 0)]
    assert touches[1].reply_to_at == at(0)
    assert touches[0].reply_to_at is None
    assert set(touches_by_person(msgs, ME)) == {"dana@acme.com", "sam@other.com"}


def test_announcements_to_many_are_not_touches() -> None:
    crowd = ("me@example.com", *(f"p{i}@x.com" for i in range(11)))
    msgs = [
        _msg("<a>", 0, "dana@acme.com", crowd, "All hands on Friday."),
        _msg("<b>", 1, "dana@acme.com", ("me@example.com", "sam@other.com"), "Lunch?"),
    ]
    assert [t.at for t in touches_from(msgs, {"dana@acme.com"}, ME)] == [at(1)]


def test_two_way_counts_meetings_and_matched_in_out_interactions() -> None:
    import random

    from syncd.infer.health import interactions, two_way

    def reference(groups: list[list[Touch]]) -> int:  # the rule as written before its one-pass form
        meetings = sum(1 for g in groups if any(t.direction == "meeting" for t in g))
        rest = [g for g in groups if not any(t.direction == "meeting" for t in g)]
        ins = sum(1 for g in rest if any(t.direction == "in" for t in g))
        outs = sum(1 for g in rest if any(t.direction == "out" for t in g))
        return meetings + min(ins, outs)

    # a meeting, a burst both ways (one interaction: not an exchange of its own unless matched), in, out
    groups = interactions([Touch(at(0), "meeting"), Touch(at(0, 2), "in"), Touch(at(5), "in"), Touch(at(5, 1), "out"),
                           Touch(at(9), "in"), Touch(at(12), "out"), Touch(at(20), "in")])
    assert two_way(groups) == 1 + min(3, 2) == reference(groups)
    rnd = random.Random(7)
    for _ in range(300):
        touches = [Touch(at(rnd.randrange(200), rnd.randrange(24)), rnd.choice(["in", "out", "meeting", "in", "out"]))
                   for _ in range(rnd.randrange(0, 40))]
        groups = interactions(touches)
        assert two_way(groups) == reference(groups)
