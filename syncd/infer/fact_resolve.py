"""What is still true: dedupe, supersede and project facts.

``resolve(facts)`` takes facts in the order their messages were sent (ties on ``stated_at``
keep the order given) and returns one ``FactState`` per distinct fact:

* **dedupe** — the same (person, kind, key, normalised value, date) stated again (quoted ten
  times, or restated) is one fact, from its first message; the later sources are listed in
  ``restated_in``. A newer statement that says less (its words are a subset of the older
  value: "birthday" after "40th birthday", "Lisbon" after "Lisbon, next week") is a
  restatement too, never a replacement;
* **supersede** — a newer fact with the same (person, kind, key) replaces the older, which
  stays as history with ``superseded_by`` set (a move to Denver replaces Boston);
* family and pet keys are joined up per person: "my son started college" (``family:son``)
  is the same subject as "my son Leo" (``family:son:leo``) when Leo is the only son named.

``project(facts, today)`` returns new ``Fact`` values with ``projected=True``, a lower
confidence, their own date and a ``basis`` naming the fact they come from:

* a child who got into / started college in year Y → likely graduating in May of Y+4;
* "expecting in June" → a baby likely born around June (unless a birth was already stated);
* a trip with an end date → back the day after it ends;
* a new job or a wedding on a known day → the yearly work / wedding anniversary;
* a child "turning 5 on Sunday" → that child's yearly birthday.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from syncd.infer import fact_lex as lex
from syncd.infer.model import Fact

__all__ = ["FactState", "resolve", "active", "project"]


@dataclass(frozen=True, slots=True)
class FactState:
    """One distinct fact and what became of it."""

    fact: Fact
    superseded_by: Fact | None = None
    restated_in: tuple[str, ...] = ()

    @property
    def active(self) -> bool:
        return self.superseded_by is None


def _words(value: str) -> frozenset[str]:
    return frozenset(re.findall(r"[a-z0-9]+", value.lower()))


def _norm(value: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", value.lower()))


def _join_keys(facts: list[Fact]) -> list[Fact]:
    """Give "family:son" the name of the person's only named son (same for pets)."""
    named: dict[tuple[str, str], set[str]] = defaultdict(set)
    for f in facts:
        parts = f.key.split(":")
        if f.kind in ("family", "pet") and len(parts) == 3:
            named[(f.person, f"{parts[0]}:{parts[1]}")].add(f.key)
    out = []
    for f in facts:
        keys = named.get((f.person, f.key)) if f.kind in ("family", "pet") and f.key.count(":") == 1 else None
        out.append(dataclasses.replace(f, key=next(iter(keys))) if keys and len(keys) == 1 else f)
    return out


def resolve(facts: Iterable[Fact]) -> list[FactState]:
    """Dedupe and supersede; see the module docstring. Deterministic, order-preserving."""
    ordered = [f for _, f in sorted(enumerate(facts), key=lambda p: (p[1].stated_at, p[0]))]
    ordered = _join_keys(ordered)
    facts_out: list[Fact] = []
    superseded: list[Fact | None] = []
    restated: list[list[str]] = []
    seen: dict[tuple[str, str, str, str, str | None], int] = {}
    current: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    for f in ordered:
        dk = (f.person, f.kind, f.key, _norm(f.value), f.date)
        if dk in seen:
            i = seen[dk]
            if f.source != facts_out[i].source and f.source not in restated[i]:
                restated[i].append(f.source)
            continue
        subject = (f.person, f.kind, f.key)
        live = [i for i in current[subject] if superseded[i] is None]
        older = [i for i in live if facts_out[i].source != f.source]
        says_less = [i for i in older if _words(f.value) <= _words(facts_out[i].value)
                     and (f.date is None or f.date == facts_out[i].date)]
        if says_less:
            i = says_less[-1]
            if f.source not in restated[i]:
                restated[i].append(f.source)
            seen[dk] = i
            continue
        for i in older:
            superseded[i] = f
        seen[dk] = len(facts_out)
        current[subject].append(len(facts_out))
        facts_out.append(f)
        superseded.append(None)
        restated.append([])
    return [FactState(f, s, tuple(r)) for f, s, r in zip(facts_out, superseded, restated)]


def active(facts: Iterable[Fact]) -> list[Fact]:
    """The facts still current after ``resolve``."""
    return [s.fact for s in resolve(facts) if s.active]


# --- projections -----------------------------------------------------------------------------
_COLLEGE = re.compile(r"\b(got into|started|freshman at|sophomore at|junior at|senior at|at) (.+)$", re.I)
_SCHOOLS = frozenset(s.lower() for s in lex.SCHOOLS)
_RANGE = re.compile(r"(\d{4}-\d\d-\d\d) to (\d{4}-\d\d-\d\d)")
_TURNING = re.compile(r"turning (\d{1,3})")


def _is_college(what: str) -> bool:
    w = what.lower().strip()
    return w in ("college", "university") or w in _SCHOOLS or bool(re.search(r"\b(university|college)\b", w))


def _project_one(f: Fact, today: dt.date, births: set[str]) -> Fact | None:
    basis = f"{f.kind} {f.key}: {f.value!r} ({f.source}, {f.stated_at.isoformat()})"
    conf = round(min(f.confidence, 0.85) * 0.6, 2)
    base = dt.date.fromisoformat(f.date) if f.date and not f.date.startswith("--") else f.stated_at
    if f.kind == "family":
        who, _, news = f.value.partition(", ")
        m = _COLLEGE.search(news)
        if m and _is_college(m.group(2)) and "graduat" not in news:
            verb = m.group(1).lower()
            if verb == "got into":
                start = base.year if base.month <= 8 else base.year + 1
            else:
                start = base.year if base.month >= 7 else base.year - 1
                start -= {"sophomore at": 1, "junior at": 2, "senior at": 3}.get(verb, 0)
            grad = dt.date(start + 4, 5, 1)
            tense = "likely graduated" if grad < today else "likely graduating"
            return dataclasses.replace(f, value=f"{who}, {tense} college around May {grad.year}",
                                       key=f"{f.key}:graduation", date=grad.isoformat(), confidence=conf,
                                       projected=True, basis=basis)
        if "expecting" in f.value and f.key == "family:baby" and f.date and f.person not in births:
            due = dt.date.fromisoformat(f.date)
            tense = "likely born" if due < today else "due"
            return dataclasses.replace(f, value=f"new baby, {tense} around {due:%B %Y}", key="family:baby:born",
                                       date=f.date, confidence=conf, projected=True, basis=basis)
        t = _TURNING.search(news)
        if t and f.date and len(f.date) == 10:
            day = dt.date.fromisoformat(f.date)
            return dataclasses.replace(f, value=f"{who}'s birthday (turned {t.group(1)} in {day.year})",
                                       key=f"{f.key}:birthday", date=f"--{day:%m-%d}", confidence=conf,
                                       projected=True, basis=basis)
    if f.kind == "travel":
        m = _RANGE.search(f.value)
        if m:
            back = dt.date.fromisoformat(m.group(2)) + dt.timedelta(days=1)
            if back >= today - dt.timedelta(days=30):
                place = f.value.split(",")[0]
                return dataclasses.replace(f, value=f"back from {place}", key=f"{f.key}:back",
                                           date=back.isoformat(), confidence=conf, projected=True, basis=basis)
    if f.kind == "life_event" and f.date and len(f.date) == 10:
        day = dt.date.fromisoformat(f.date)
        if f.key == "life_event:job":
            at = f.value.split(" at ", 1)[1] if " at " in f.value else "new job"
            return dataclasses.replace(f, kind="anniversary", value=f"work anniversary, {at} since {day.year}",
                                       key="anniversary:work", date=f"--{day:%m-%d}", confidence=conf,
                                       projected=True, basis=basis)
        if f.key == "life_event:wedding":
            return dataclasses.replace(f, kind="anniversary", value=f"wedding anniversary, married {day.year}",
                                       key="anniversary:wedding", date=f"--{day:%m-%d}", confidence=conf,
                                       projected=True, basis=basis)
    return None


def project(facts: Iterable[Fact], today: dt.date) -> list[Fact]:
    """Projections from current facts (see the module docstring); ``today`` only words them
    ("likely graduating" / "likely graduated") and drops trips long over."""
    facts = [f for f in facts if not f.projected]
    births = {f.person for f in facts if f.key == "life_event:baby" or (f.kind == "family" and f.value.endswith(", born"))}
    expecting_before = {f.person: f.stated_at for f in facts if f.kind == "family" and f.value.startswith("expecting")}
    births = {p for p in births if p in expecting_before and any(
        g.person == p and g.stated_at >= expecting_before[p] and (g.key == "life_event:baby" or g.value.endswith(", born"))
        for g in facts)}
    out = []
    for f in facts:
        p = _project_one(f, today, births)
        if p is not None:
            out.append(p)
    return out
