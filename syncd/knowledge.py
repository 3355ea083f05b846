"""What syncd knows about people, for the CLI and the briefing: facts, open loops,
relationship health. Plain dicts out, ready for JSON (shared FACTS.md fixes the facts
shape); user feedback applied; projections made for "today".
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

import peewee as pw

from syncd import store
from syncd.bulk import chunks, rows_in
from syncd.errors import ConfigError
from syncd.identity import find_person
from syncd.infer.fact_resolve import project
from syncd.infer.health import health
from syncd.infer.loops import STALE_AFTER_DUE, STALE_PROMISE, STALE_QUESTION, UNANSWERED_DAYS
from syncd.infer.model import Fact, Health, Touch

F, L, P, T, M, FB = store.Fact, store.OpenLoop, store.Person, store.Touchpoint, store.Message, store.Feedback


# The shape of `syncd facts --json` (shared FACTS.md, plus id and sensitive).
FACT_KEYS = ("id", "person", "kind", "value", "date", "confidence", "source", "stated_at", "sensitive")


# How a loop reads to the user, by (direction, kind).
LOOP_LABELS = {
    ("mine", "promise"): "you promised", ("theirs", "promise"): "they promised",
    ("mine", "question"): "they asked", ("theirs", "question"): "you asked",
}


def _feedback(target: str) -> dict[str, str]:
    return dict(FB.select(FB.natural, FB.verdict).where(FB.target == target).tuples())


def _fact_dict(row: Any, email: str, verdict: str | None) -> dict[str, Any]:
    """``row``: a stored fact (a model, or a row of ``_fact_query``)."""
    return {
        "id": row.id,
        "person": email,
        "kind": row.kind,
        "value": row.value,
        "date": row.date,
        "confidence": 1.0 if verdict == "confirmed" else round(row.confidence, 2),
        "source": row.source,
        "stated_at": row.stated_at,
        "sensitive": row.sensitive,
        "projected": False,
        "sentence": row.sentence,
        "state": "dismissed" if verdict == "dismissed" else row.state,
        "confirmed": verdict == "confirmed",
    }


def _fact_query(include_all: bool) -> pw.ModelSelect:
    """Facts as plain rows (``row.person`` is the id, ``row.primary_email`` the person's):
    peewee's models cost more to build than the database takes to read them."""
    query = F.select(F, P.primary_email).join(P).order_by(P.primary_email, F.kind, F.stated_at, F.id)
    return (query if include_all else query.where(F.state == "active")).namedtuples()


def facts(person: str | None = None, kind: str | None = None, include_all: bool = False,
          today: dt.date | None = None, person_id: int | None = None) -> list[dict[str, Any]]:
    """Active facts (``include_all``: superseded, restated and dismissed too), and the
    projections made from the active ones for ``today``."""
    query = _fact_query(include_all)
    if person is not None:
        query = query.where(F.person == find_person(person).id)
    if person_id is not None:
        query = query.where(F.person == person_id)
    if kind is not None:
        query = query.where(F.kind == kind)
    return _fact_items(query, _feedback("fact"), include_all, today, kind)


def facts_by_person(person_ids: Sequence[int], today: dt.date) -> dict[int, list[dict[str, Any]]]:
    """For each of these people, what ``facts(person_id=..., today=today)`` gives, each
    stored fact with its ``key`` too ("" for a projection): one query for all of them,
    each person's list made from their own rows only."""
    rows: dict[int, list[Any]] = defaultdict(list)
    for part in chunks(sorted(set(person_ids))):
        for row in _fact_query(False).where(F.person.in_(list(part))):
            rows[row.person].append(row)
    verdicts = _feedback("fact")
    out: dict[int, list[dict[str, Any]]] = {}
    for person_id in person_ids:
        keys = {row.id: row.key for row in rows[person_id]}
        items = _fact_items(rows[person_id], verdicts, False, today, None)
        for item in items:
            item["key"] = keys.get(item["id"], "") if item["id"] is not None else ""
        out[person_id] = items
    return out


def _fact_items(rows: Iterable[Any], verdicts: dict[str, str], include_all: bool, today: dt.date | None,
                kind: str | None) -> list[dict[str, Any]]:
    out = []
    live: list[tuple[Any, Fact]] = []
    for row in rows:
        verdict = verdicts.get(row.natural)
        item = _fact_dict(row, row.primary_email, verdict)
        if item["state"] == "active":
            live.append((row, Fact(
                person=item["person"], kind=row.kind, value=row.value, key=row.key, source=row.source,
                stated_at=dt.date.fromisoformat(row.stated_at), sentence=row.sentence,
                confidence=item["confidence"], date=row.date, sensitive=row.sensitive,
            )))
        if include_all or item["state"] == "active":
            out.append(item)
    if today is not None:
        for p in project([f for _, f in live], today):
            if kind is not None and p.kind != kind:
                continue
            out.append({
                "id": None, "person": p.person, "kind": p.kind, "value": p.value, "date": p.date,
                "confidence": round(p.confidence, 2), "source": p.source, "stated_at": p.stated_at.isoformat(),
                "sensitive": p.sensitive, "projected": True, "basis": p.basis, "sentence": p.sentence,
                "state": "active", "confirmed": False,
            })
    return out


def fact_feedback(fact_id: int, verdict: str, now: dt.datetime) -> dict[str, Any]:
    row = F.get_or_none(F.id == fact_id)
    if row is None:
        raise ConfigError(f"no fact with id {fact_id} (see `syncd facts --all`)")
    (
        FB.insert(target="fact", natural=row.natural, verdict=verdict, at=now)
        .on_conflict(conflict_target=[FB.target, FB.natural], update={FB.verdict: verdict, FB.at: now})
        .execute()
    )
    return _fact_dict(row, row.person.primary_email, verdict)


# Past STALE_* (syncd.infer.loops) an open loop is "stale": most likely settled off-mail,
# no longer worth a nudge.


def _stale(row: Any, due: dt.date | None, now: dt.datetime) -> bool:
    if due is not None:
        return now.date() - due > STALE_AFTER_DUE
    limit = STALE_QUESTION if row.kind == "question" else STALE_PROMISE
    return now - row.stated_at > limit


def _loop_query(now: dt.datetime | None, include_all: bool) -> pw.ModelSelect:
    """Loops as plain rows (``row.person`` is the id, ``row.primary_email`` the person's,
    ``row.message_id`` the source's Message-ID)."""
    query = L.select(L, P.primary_email, M.message_id).join(P).switch(L).join(M).order_by(L.stated_at, L.id).namedtuples()
    if not include_all:
        query = query.where(L.closed_by == "")
        if now is not None:  # what _stale would drop anyway, left in the database: the work follows the open loops
            recent = now - max(STALE_PROMISE, STALE_QUESTION)
            query = query.where(
                (L.due.is_null() & (L.stated_at >= recent)) | (L.due >= (now.date() - STALE_AFTER_DUE).isoformat())
            )
    return query


def loops(person: str | None = None, now: dt.datetime | None = None, include_all: bool = False,
          person_id: int | None = None, direction: str | None = None, kind: str | None = None) -> list[dict[str, Any]]:
    """Open loops: promises not yet delivered; their questions still unanswered after a
    few days. Old ones go stale. ``include_all`` adds closed, done and stale ones."""
    query = _loop_query(now, include_all)
    if direction is not None:
        query = query.where(L.direction == direction)
    if kind is not None:
        query = query.where(L.kind == kind)
    if person is not None:
        query = query.where(L.person == find_person(person).id)
    if person_id is not None:
        query = query.where(L.person == person_id)
    return _loop_items(query, _feedback("loop"), now, include_all)


def loops_by_person(person_ids: Sequence[int], now: dt.datetime) -> dict[int, list[dict[str, Any]]]:
    """For each of these people, what ``loops(person_id=..., now=now)`` gives: one query
    for all of them, each person's list made from their own rows only."""
    rows: dict[int, list[Any]] = defaultdict(list)
    for part in chunks(sorted(set(person_ids))):
        for row in _loop_query(now, False).where(L.person.in_(list(part))):
            rows[row.person].append(row)
    done = _feedback("loop")
    return {person_id: _loop_items(rows[person_id], done, now, False) for person_id in person_ids}


def _loop_items(rows: Iterable[Any], done: dict[str, str], now: dt.datetime | None,
                include_all: bool) -> list[dict[str, Any]]:
    out = []
    for row in rows:
        due = dt.date.fromisoformat(row.due) if row.due else None
        status = "done" if done.get(row.natural) == "done" else ("closed" if row.closed_by else "open")
        if status == "open" and now is not None:
            if row.kind == "question" and now - row.stated_at < dt.timedelta(days=UNANSWERED_DAYS):
                continue  # not unanswered yet: give the user a few days
            if _stale(row, due, now):
                status = "stale"
        if status != "open" and not include_all:
            continue
        out.append({
            "id": row.id, "person": row.primary_email, "direction": row.direction, "kind": row.kind,
            "text": row.text, "due": row.due, "stated_at": row.stated_at.isoformat(),
            "source": row.message_id, "status": status, "closed_by": row.closed_by or None,
            "overdue": bool(due and now and status == "open" and due < now.date()),
        })
    return out


def loop_done(loop_id: int, now: dt.datetime) -> None:
    row = L.get_or_none(L.id == loop_id)
    if row is None:
        raise ConfigError(f"no open loop with id {loop_id} (see `syncd loops`)")
    (
        FB.insert(target="loop", natural=row.natural, verdict="done", at=now)
        .on_conflict(conflict_target=[FB.target, FB.natural], update={FB.verdict: "done", FB.at: now})
        .execute()
    )


# A touch with its message's size and questions, and the date of the message it answered.
_TOUCHES = """SELECT t.person_id, t.kind, t.at, m.words, m.questions, r.date FROM touchpoint t
  LEFT JOIN message m ON m.id = t.message_id
  LEFT JOIN message r ON r.message_id = m.in_reply_to AND m.in_reply_to <> ''
  {where} ORDER BY t.at"""


def touches(person_ids: list[int] | None = None) -> dict[int, list[Touch]]:
    """Touchpoints as health sees them, per person, oldest first."""
    # raw values straight from the driver: peewee's per-row conversion costs seconds on big stores
    if person_ids is None:
        rows: Iterable[tuple[Any, ...]] = store.db.obj.execute_sql(_TOUCHES.format(where="")).fetchall()
    else:
        rows = rows_in(_TOUCHES.format(where="WHERE t.person_id IN ({ids})"), person_ids)
    direction = {"received": "in", "sent": "out", "meeting": "meeting"}
    when = T.at.python_value
    out: dict[int, list[Touch]] = defaultdict(list)
    for person_id, kind, at, words, questions, replied_at in rows:
        out[person_id].append(Touch(
            at=when(at) if isinstance(at, str) else at, direction=direction[kind], words=words or 0,
            questions=questions or 0, reply_to_at=when(replied_at) if isinstance(replied_at, str) else replied_at,
        ))
    return out


def healths(now: dt.datetime, person_ids: list[int] | None = None) -> list[tuple[store.Person, Health]]:
    query = P.select().where((P.is_self == False) & (P.automated == False) & (P.muted == False))  # noqa: E712
    if person_ids is not None:
        query = query.where(P.id.in_(person_ids))
    people = {p.id: p for p in query}
    found = touches(list(people) if person_ids is not None else None)
    return [(people[pid], health(people[pid].primary_email, ts, now)) for pid, ts in found.items() if pid in people]


def cold(now: dt.datetime, limit: int = 10) -> list[dict[str, Any]]:
    """The relationships most overdue against their own rhythm, with the reason."""
    from syncd.coldness import coldest

    out = []
    found = coldest(now, limit)
    subjects = _last_subjects([person.id for person, _ in found])
    for person, h in found:
        last = subjects.get(person.id)
        out.append({
            "email": h.person, "name": person.name,
            "last_contact": h.last_contact.isoformat() if h.last_contact else None,
            "rhythm_days": round(h.rhythm_days, 1) if h.rhythm_days else None,
            "days_since": round(h.days_since, 1) if h.days_since is not None else None,
            "overdue": round(h.overdue, 2), "score": round(h.cold_score, 3), "reason": h.reason,
            "last_subject": last or "",
        })
    return out


_LAST_SUBJECTS = """SELECT person_id, subject FROM (
  SELECT person_id, subject, ROW_NUMBER() OVER (PARTITION BY person_id ORDER BY at DESC, id DESC) AS n
  FROM touchpoint WHERE person_id IN ({ids}) AND kind <> 'meeting'
) AS latest WHERE n = 1"""


def _last_subjects(person_ids: Sequence[int]) -> dict[int, str]:
    """The subject of each person's latest mail either way (not a meeting): one query for all."""
    return dict(rows_in(_LAST_SUBJECTS, sorted(set(person_ids))))
