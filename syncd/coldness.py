"""Ranking the relationships going cold, on a store of any size.

``syncd.infer.health.going_cold`` ranks people by their cold score, which needs each
person's health, which needs all their touchpoints: on a store of 100,000 messages,
computing it for everyone costs seconds. :func:`coldest` returns exactly what
``going_cold`` over everyone reachable would (same people, same order, same health), doing less:

1. SQL picks the candidates ``going_cold`` could rank at all (at least
   ``MIN_INTERACTIONS`` touchpoints, none in the last ``RECENT_DAYS``) and gives, from
   their counts, span and last contact, an upper bound on each score (see ``_bounds``);
2. scores come from timestamps and directions only (:func:`score`: one light query, no
   message join, only the parts of health the ranking reads), best bound first, a
   batch at a time, until the last place beats every bound left;
3. the full health (words, questions, reply times: the reason's "you do most of the
   talking") is computed for the few people picked.

People all of whose addresses bounced (``syncd.bounces``) are not going cold: they are
gone. They are left out at step 2.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict

import peewee as pw

from syncd import bounces, knowledge, store
from syncd.infer.health import (
    MIN_INTERACTIONS,
    PEAK_OVERDUE,
    RECENT_DAYS,
    decay,
    depth,
    going_cold,
    interactions,
    rhythm_days,
    two_way,
    urgency,
)
from syncd.infer.model import Health, Touch
from syncd.store import instant  # not dossier's: importing that (and its questions) costs 20 ms per process

T, P = store.Touchpoint, store.Person
FIRST_BATCH = 50  # then twice as many each time
_DIRECTION = {"received": "in", "sent": "out", "meeting": "meeting"}


def _count(kind: str) -> pw.Expression:
    return pw.fn.SUM(pw.Case(None, [(T.kind == kind, 1)], 0))


def _bounds(now: dt.datetime) -> list[tuple[float, int]]:
    """(upper bound of the cold score, person id) for every candidate, best first.

    The score is ``urgency(overdue) * depth(two_way) * decay(days_since)``. From one
    grouped query: ``decay`` exactly (the last contact); ``depth`` at most that of
    meetings + min(received, sent), which two_way cannot exceed; ``urgency`` at most
    its peak, and less when even the longest possible rhythm leaves them far past it:
    interactions are at least half the distinct days with a touchpoint, and at least
    half the gaps between n interactions reach the median, so the rhythm is at most
    span / ceil((n - 1) / 2).
    """
    quiet_since = T.at.db_value(now - dt.timedelta(days=RECENT_DAYS))  # MAX() of the column is its stored text
    query = (
        T.select(T.person, _count("received"), _count("sent"), _count("meeting"), pw.fn.MIN(T.at), pw.fn.MAX(T.at),
                 pw.fn.COUNT(pw.fn.DISTINCT(pw.fn.SUBSTR(T.at, 1, 10))))
        .where(T.at <= now).group_by(T.person)
        .having((pw.fn.COUNT(T.id) >= MIN_INTERACTIONS) & (pw.fn.MAX(T.at) <= quiet_since))
    )
    bounds = []
    for pid, received, sent, meetings, first, last, days in store.db.execute(query).fetchall():
        last_at = instant(last)
        since = (now - last_at).total_seconds() / 86400.0
        span = (last_at - instant(first)).total_seconds() / 86400.0
        gaps_at_least_median = max(1, math.ceil((math.ceil(days / 2) - 1) / 2))
        longest_rhythm = max(span / gaps_at_least_median, 1e-9)
        peak = urgency(max(since / longest_rhythm, PEAK_OVERDUE))
        two_way_most = int(meetings or 0) + min(int(received or 0), int(sent or 0))
        bounds.append((peak * depth(two_way_most) * decay(since), pid))
    bounds.sort(key=lambda b: (-b[0], b[1]))
    return bounds


def score(person: str, touches: list[Touch], now: dt.datetime) -> Health:
    """The part of ``health`` that ``going_cold`` reads (last contact, rhythm, interactions,
    cold score), from timestamps and directions: the same formula, half the work.
    tests/test_briefing.py checks it agrees with ``health`` on random histories."""
    groups = interactions([t for t in touches if t.at <= now])
    last = groups[-1][-1].at if groups else None
    usual = rhythm_days(groups)
    since = (now - last).total_seconds() / 86400.0 if last is not None else None
    overdue = since / usual if since is not None and usual else 0.0
    value = urgency(overdue) * depth(two_way(groups)) * (decay(since) if since is not None else 1.0) if usual is not None else 0.0
    return Health(person=person, last_contact=last, touchpoints=sum(len(g) for g in groups), rhythm_days=usual,
                  days_since=since, overdue=overdue, reciprocity=0.5, their_questions=0, my_questions=0,
                  my_reply_hours=None, cold_score=value, extra={"interactions": float(len(groups))})


def _scores(person_ids: list[int], now: dt.datetime) -> tuple[list[Health], dict[str, int]]:
    """Scores for a batch of people (not the user, robots, muted or unreachable people): one light query."""
    people: dict[int, str] = dict(
        P.select(P.id, P.primary_email)
        .where(P.id.in_(person_ids) & (P.is_self == False) & (P.automated == False) & (P.muted == False))  # noqa: E712
        .tuples()  # type: ignore[arg-type]
    )
    for pid in bounces.unreachable(list(people)):
        del people[pid]
    found: dict[int, list[Touch]] = defaultdict(list)
    query = T.select(T.person, T.kind, T.at).where(T.person.in_(list(people)) & (T.at <= now))
    for pid, kind, at in store.db.execute(query).fetchall():
        found[pid].append(Touch(at=instant(at), direction=_DIRECTION[kind]))
    return [score(people[pid], found[pid], now) for pid in found], {email: pid for pid, email in people.items()}


def coldest(now: dt.datetime, limit: int) -> list[tuple[store.Person, Health]]:
    """``going_cold`` over everyone not muted, automated, unreachable or the user, with each person."""
    bounds = _bounds(now)
    scored: list[Health] = []
    ids: dict[str, int] = {}
    top: list[Health] = []
    at, size = 0, max(FIRST_BATCH, 2 * limit)
    while at < len(bounds):
        if len(top) >= limit and top[-1].cold_score > bounds[at][0]:
            break
        healths, batch_ids = _scores([pid for _, pid in bounds[at:at + size]], now)
        at, size = at + size, size * 2
        scored.extend(healths)
        ids.update(batch_ids)
        top = going_cold(scored, now, limit)
    full = {p.primary_email: (p, h) for p, h in knowledge.healths(now, [ids[h.person] for h in top])}
    return [full[h.person] for h in top]
