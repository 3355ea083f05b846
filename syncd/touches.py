"""Which personal details a draft to one person brings up: ``touches(about, today, ...)``.

Chosen from that person's own ``syncd.personal.About`` alone: never a sensitive detail,
never a projection, the most relevant and recent first, and never one the user already
mentioned to them in their last two emails (or one of syncd's recent drafts to them).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import TYPE_CHECKING, Any

from syncd.phrasing import month_phrase

if TYPE_CHECKING:
    from syncd.personal import About

_SPOUSE = {"wife", "husband", "partner", "fiancé", "fiancée", "fiancé(e)", "spouse", "girlfriend", "boyfriend"}
_CHILD = {"daughter", "son", "kid", "kids", "children", "twins", "baby", "stepdaughter", "stepson"}
_NEWS_BASE = {
    "trip": 1.0, "baby": 0.95, "expecting": 0.9, "job": 0.9, "promotion": 0.85, "move": 0.85, "wedding": 0.85,
    "engagement": 0.85, "graduation": 0.8, "retirement": 0.8, "house": 0.8, "role": 0.5,
}
_DURABLE_BASE = {"child": 0.75, "partner": 0.7, "pet": 0.7, "hobby": 0.6, "team": 0.55, "relative": 0.35}
NEWS_DAYS = {"trip": 45, "baby": 365, "expecting": 270, "job": 365, "promotion": 365, "move": 365, "wedding": 365,
             "engagement": 365, "graduation": 365, "retirement": 730, "house": 365, "role": 180}
MIN_SCORE = 0.2
_STOP = frozenset({"new", "next", "week", "month", "year", "the", "and", "for", "with", "from", "his", "her", "their"})
_CITY_TEAMS = re.compile(r"^(?:New York|Los Angeles|San Francisco|San Diego|San Jose|Tampa Bay|Kansas City|St\. Louis|"
                         r"Golden State|New England|New Orleans|Green Bay|Las Vegas|Oklahoma City|Salt Lake|[A-Z][a-z]+)\s+(?=\S)")


def _date(text: str | None) -> dt.date | None:
    if not text or text.startswith("--"):
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return None


def _head(value: str) -> str:
    return value.split(",", 1)[0].strip()


def _shape(fact: dict[str, Any], today: dt.date, person: About) -> dict[str, Any] | None:
    """A fact as a touch the templates can phrase, or None when it makes no good line."""
    kind, value, key = fact["kind"], fact["value"], fact.get("key", "")
    parts = key.split(":")
    head = _head(value)
    if kind == "pet":
        if value.endswith(", died"):
            return None
        species = parts[1] if len(parts) > 1 else ""
        name = head.split(" ", 1)[1] if " " in head and not head.startswith("new ") else ""
        return {"kind": "pet", "name": name, "animal": species or head.split(" ")[-1], "new": head.startswith("new ")}
    if kind == "family":
        if key == "family:baby" or value.startswith("expecting"):
            due = _date(fact.get("date"))
            if due is None or due < today:
                return None  # after the due date nobody should guess how it went
            return {"kind": "expecting", "month": f"{due:%B}"}
        rel = parts[1] if len(parts) > 1 else head.split(" ")[0]
        name = head[len(rel):].strip() if head.lower().startswith(rel) else ""
        if not name:
            return None
        touch = "partner" if rel in _SPOUSE else "child" if rel in _CHILD else "relative"
        return {"kind": touch, "name": name, "relation": rel}
    if kind == "sports":
        return {"kind": "team", "team": _CITY_TEAMS.sub("", value) or value}
    if kind == "interest":
        return {"kind": "hobby", "what": head}
    if kind == "travel":
        start = _date(fact.get("date"))
        if start is None:
            return None
        m = re.search(r"\bto (\d{4}-\d{2}-\d{2})", value)
        end = _date(m.group(1)) if m else start + dt.timedelta(days=3)
        end = max(end or start, start)
        place = head
        if place.lower() in person.meeting_places:
            return None  # travelling to meet the user: not news to them
        if start > today:
            if (start - today).days > NEWS_DAYS["trip"]:
                return None
            return {"kind": "trip", "place": place, "phase": "ahead", "when": month_phrase(start, today)}
        if end >= today:
            return {"kind": "trip", "place": place, "phase": "during", "when": ""}
        if (today - end).days <= 14:
            return {"kind": "trip", "place": place, "phase": "back", "when": ""}
        return None
    if kind == "life_event":
        sub = parts[1] if len(parts) > 1 else ""
        at = value.split(" at ", 1)[1].strip() if " at " in value else ""
        if sub == "job":
            return {"kind": "job", "org": at}
        if sub == "promotion":
            role = value.split(",", 1)[1].strip() if "," in value else ""
            return {"kind": "promotion", "role": role}
        if sub in ("move", "house"):
            place = re.sub(r"^(?:moved to|moved|bought a house in|bought a house)\s*", "", value).strip()
            return {"kind": sub, "place": place} if place or sub == "house" else None
        if sub in ("retirement", "wedding", "engagement", "graduation"):
            return {"kind": sub}
        if sub == "baby":
            name = value.split(",", 1)[1].strip().split(" ", 1) if "," in value else []
            return {"kind": "baby", "name": name[1] if len(name) > 1 else ""}
        return None
    if kind == "work" and key == "work:role":
        return {"kind": "role", "role": value}
    return None


def _words(touch: dict[str, Any]) -> list[str]:
    """The words that would show the user already mentioned this detail."""
    text = " ".join(str(touch.get(k, "")) for k in ("name", "place", "team", "what", "org", "role"))
    words = [w for w in re.findall(r"[^\W\d_]{3,}", text) if w.lower() not in _STOP]
    extra = {"retirement": ["retire"], "wedding": ["wedding", "married"], "engagement": ["engage"],
             "graduation": ["graduat"], "expecting": ["baby"], "baby": ["baby"], "job": ["new job", "new role"],
             "promotion": ["promot"], "move": ["move", "moving"], "house": ["house"]}.get(touch["kind"], [])
    return words + extra


def mentioned(touch: dict[str, Any], said: str) -> bool:
    return any(re.search(r"\b" + re.escape(w.lower()), said) for w in _words(touch))


def _score(touch: dict[str, Any], fact: dict[str, Any], today: dt.date) -> float:
    stated = dt.date.fromisoformat(fact["stated_at"][:10])
    age = max((today - stated).days, 0)
    kind = touch["kind"]
    if kind in _NEWS_BASE:
        event = _date(fact.get("date")) or stated
        if kind != "trip" and kind != "expecting" and (today - event).days > NEWS_DAYS[kind]:
            return 0.0
        base, recency = _NEWS_BASE[kind], 0.5 ** (age / 365)
    else:
        base, recency = _DURABLE_BASE.get(kind, 0.3), 0.5 ** (age / 1095)
    return base * recency * float(fact.get("confidence") or 0.5)


def touches(person: About, today: dt.date, limit: int = 1, min_score: float = MIN_SCORE,
            skip_kinds: frozenset[str] = frozenset()) -> list[dict[str, Any]]:
    """At most ``limit`` personal details for a draft to ``person``, best first.

    Never sensitive, never projected, never one the user mentioned in their last two
    emails to them, one per subject (a new job and the role it brought are one detail).
    """
    found: list[tuple[float, int, dict[str, Any]]] = []
    for index, fact in enumerate(person.facts):
        if fact.get("sensitive") or fact.get("projected") or fact.get("state", "active") != "active":
            continue
        touch = _shape(fact, today, person)
        if touch is None or touch["kind"] in skip_kinds or mentioned(touch, person.said):
            continue
        score = _score(touch, fact, today)
        if score >= min_score and not math.isnan(score):
            touch["score"] = round(score, 3)
            touch["fact"] = fact.get("id")
            found.append((score, index, touch))
    found.sort(key=lambda t: (-t[0], t[1]))
    chosen: list[dict[str, Any]] = []
    for _, _, touch in found:
        if touch["kind"] == "role" and any(t["kind"] in ("job", "promotion") for t in chosen):
            continue
        if any(t["kind"] == touch["kind"] and t["kind"] in ("trip", "team", "hobby") for t in chosen):
            continue
        chosen.append(touch)
        if len(chosen) >= limit:
            break
    return chosen
