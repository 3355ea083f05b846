"""The daemon's timing rules as pure functions: the briefing window and the backoff."""

from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

import pytest

from syncd.errors import ConfigError
from syncd.schedule import BriefingPlan, backoff, briefing_due, next_briefing, parse_hhmm

BERLIN = ZoneInfo("Europe/Berlin")
SEVEN, NOON = dt.time(7), dt.time(12)


def at(day: int, hour: int, minute: int = 0, tz: dt.tzinfo = BERLIN) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=tz)


@pytest.mark.parametrize(
    "now, due",
    [
        (at(24, 6, 59), None),  # too early
        (at(24, 7, 0), dt.date(2026, 3, 24)),  # on time
        (at(24, 9, 30), dt.date(2026, 3, 24)),  # the machine slept through 07:00: still this morning
        (at(24, 11, 59), dt.date(2026, 3, 24)),
        (at(24, 12, 0), None),  # past noon: that day's briefing is skipped
        (at(24, 23, 0), None),
        # 06:30 UTC is 07:30 in Berlin (CET, UTC+1): the zone decides, not the clock's offset
        (dt.datetime(2026, 3, 24, 6, 30, tzinfo=dt.UTC), dt.date(2026, 3, 24)),
        (dt.datetime(2026, 3, 24, 5, 30, tzinfo=dt.UTC), None),
    ],
)
def test_briefing_is_due_from_its_time_until_noon_in_the_users_zone(now: dt.datetime, due: dt.date | None) -> None:
    assert briefing_due(now, BERLIN, SEVEN, NOON, ()) == due


def test_a_sent_date_is_never_due_again() -> None:
    assert briefing_due(at(24, 9, 30), BERLIN, SEVEN, NOON, {dt.date(2026, 3, 24)}) is None
    assert briefing_due(at(25, 7, 0), BERLIN, SEVEN, NOON, {dt.date(2026, 3, 24)}) == dt.date(2026, 3, 25)


def test_no_briefing_time_means_no_briefing() -> None:
    assert briefing_due(at(24, 8), BERLIN, None) is None
    assert next_briefing(at(24, 8), BERLIN, None) is None


def test_until_not_after_the_briefing_time_means_end_of_day() -> None:
    assert briefing_due(at(24, 22), BERLIN, dt.time(13), dt.time(12), ()) == dt.date(2026, 3, 24)
    assert briefing_due(at(24, 12, 59), BERLIN, dt.time(13), dt.time(12), ()) is None


def test_next_briefing() -> None:
    assert next_briefing(at(24, 5), BERLIN, SEVEN, NOON, ()) == at(24, 7)
    assert next_briefing(at(24, 9, 30), BERLIN, SEVEN, NOON, ()) == at(24, 9, 30)  # due now
    assert next_briefing(at(24, 9, 30), BERLIN, SEVEN, NOON, {dt.date(2026, 3, 24)}) == at(25, 7)
    assert next_briefing(at(24, 13), BERLIN, SEVEN, NOON, ()) == at(25, 7)


def test_daylight_saving_day_keeps_local_seven() -> None:
    # Berlin springs forward on 2026-03-29: 07:00 local is 06:00 UTC before, 05:00 UTC from then on.
    assert next_briefing(at(28, 5), BERLIN, SEVEN, NOON, ()).astimezone(dt.UTC).hour == 6
    assert next_briefing(at(28, 8), BERLIN, SEVEN, NOON, {dt.date(2026, 3, 28)}).astimezone(dt.UTC).hour == 5
    assert briefing_due(dt.datetime(2026, 3, 29, 5, 0, tzinfo=dt.UTC), BERLIN, SEVEN, NOON, ()) == dt.date(2026, 3, 29)


def test_plan_from_settings() -> None:
    plan = BriefingPlan.from_settings({"briefing_time": "06:45", "briefing_until": "10:00"}, BERLIN)
    assert (plan.at, plan.until) == (dt.time(6, 45), dt.time(10))
    assert BriefingPlan.from_settings({}, BERLIN).at == dt.time(7)
    assert BriefingPlan.from_settings({"briefing_time": "off"}, BERLIN).at is None
    with pytest.raises(ConfigError, match="briefing_until"):
        BriefingPlan.from_settings({"briefing_until": "noon"}, BERLIN)
    with pytest.raises(ConfigError):
        parse_hhmm("25:00", "briefing_time")


def test_backoff_grows_exponentially_with_bounded_jitter_and_a_cap() -> None:
    rng = random.Random(1)
    for failures in range(1, 12):
        ceiling = min(3600.0, 15.0 * 2 ** (failures - 1))
        waits = [backoff(failures, rng) for _ in range(200)]
        assert all(ceiling / 2 <= w <= ceiling for w in waits)
        assert max(waits) - min(waits) > ceiling / 4  # it is jittered, not fixed
    assert backoff(0, rng) == 0.0
    assert backoff(40, rng) <= 3600.0
