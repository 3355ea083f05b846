"""Questions worth asking someone you are about to meet, from what they told you.

Pure: ``questions(name, facts, loops, today)`` takes the person's facts and open loops
as ``syncd.knowledge`` gives them (dicts) and returns at most three questions, the
most timely first. Each kind of fact has its own phrasing ("How is Emma's first year at
Michigan going?", "How was Lisbon?", "How are you settling into Denver?"); a promise
they made becomes a gentle check ("Did the draft referral agreement come together?").

Rules that matter more than coverage:

* a sensitive fact (health, loss, a divorce) is never turned into a question: the
  briefing mentions it with care and leaves it to them to raise;
* projections are never asked about (they are guesses), nor low-confidence facts;
* a question must still be timely: a trip is asked about while it is on or just over,
  a new job in its first months, a team only in its season.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any

from syncd.wording import clean, soon, yearly

MAX_QUESTIONS = 3
MIN_CONFIDENCE = 0.6

# League -> the months its season is on; teams by their full names (as syncd.infer.fact_lex writes them).
_SEASONS = {"mlb": range(4, 11), "nfl": (9, 10, 11, 12, 1), "nba": (10, 11, 12, 1, 2, 3, 4, 5),
            "nhl": (10, 11, 12, 1, 2, 3, 4, 5), "soccer": (8, 9, 10, 11, 12, 1, 2, 3, 4, 5),
            "mls": range(3, 11), "college": (9, 10, 11, 12, 1, 2, 3)}
_LEAGUE_WORDS = {
    "mlb": "Red Sox|Yankees|Mets|Blue Jays|Orioles|Rays|White Sox|Guardians|Detroit Tigers|Royals|Minnesota Twins|Astros|"
           "Angels|Athletics|Mariners|Braves|Marlins|Phillies|Nationals|Cubs|Reds|Brewers|Pirates|Cardinals|"
           "Diamondbacks|Rockies|Dodgers|Padres",
    "nfl": "Patriots|Bills|Dolphins|Ravens|Bengals|Browns|Steelers|Texans|Colts|Jaguars|Titans|Broncos|Chiefs|"
           "Raiders|Chargers|Cowboys|Eagles|Commanders|Bears|Detroit Lions|Packers|Vikings|Falcons|Saints|Buccaneers|"
           "49ers|Seahawks|Rams",
    "nba": "Celtics|Knicks|Nets|76ers|Raptors|Bulls|Cavaliers|Pistons|Pacers|Bucks|Hornets|Heat|Magic|Wizards|"
           "Nuggets|Timberwolves|Thunder|Trail Blazers|Jazz|Warriors|Clippers|Lakers|Suns|Mavericks|Rockets|"
           "Grizzlies|Pelicans",
    "nhl": "Bruins|Sabres|Red Wings|Canadiens|Senators|Maple Leafs|Carolina Hurricanes|Blue Jackets|Devils|Islanders|"
           "Flyers|Penguins|Capitals|Blackhawks|Avalanche|Dallas Stars|Minnesota Wild|Predators|St. Louis Blues|"
           "Flames|Canucks|Golden Knights|Kraken|Sharks|Anaheim Ducks|Lightning",
    "soccer": "Arsenal|Chelsea|Liverpool|Manchester|Tottenham|Everton|Celtic|Barcelona|Real Madrid|Bayern|Juventus|"
              "Milan|Paris Saint-Germain",
    "mls": "Sounders|Timbers|Galaxy|Revolution",
    "college": "Longhorns|Aggies|Sooners|Crimson Tide|Buckeyes|Wolverines|Fighting Irish|Tar Heels|Blue Devils|Hoyas|"
               "Jayhawks|Gators|Seminoles|Hokies|Cornhuskers|Badgers|Spartans|Nittany Lions|Volunteers|Razorbacks|"
               "Trojans|Boilermakers|Hawkeyes|Syracuse Orange|Oregon Ducks|UCLA Bruins|Miami Hurricanes",
}
_LEAGUES = [(league, re.compile(rf"\b(?:{words})\b")) for league, words in _LEAGUE_WORDS.items()]
_PROMISE = re.compile(
    r"\b(?:I|we)\s*(?:'|’)?(?:ll|\s+will|\s+am going to|'m going to)\s+(?:also\s+|definitely\s+|try to\s+)?"
    r"(?:send(?:\s+over)?|share|forward|get you|put together|pull together|finish|write up|draft|prepare|dig up)\s+"
    r"(?:you\s+|over\s+)?(?P<obj>(?:the|a|an|our|my|some|those|these|that|this)\s+[^.,;:!?]+)",
    re.I,
)
_OBJ_END = re.compile(r"\s+(?:over|to you|to the team|by|before|beforehand|tomorrow|today|tonight|this|next|on|when|"
                      r"so|and|after|that|which|for|with|in the|early|later|asap)\b.*$", re.I)
_COLLEGE = re.compile(r"^(got into|started(?: at)?|is at|at|freshman at)\s+(.+)$", re.I)
_ORDINAL = ("first", "second", "third", "final")


def questions(name: str, facts: Iterable[Mapping[str, Any]], loops: Iterable[Mapping[str, Any]],
              today: dt.date) -> list[str]:
    """At most three questions for ``name`` (their first name), the most timely first."""
    found: list[tuple[float, str]] = []
    for fact in facts:
        if fact.get("sensitive") or fact.get("projected") or float(fact.get("confidence", 0)) < MIN_CONFIDENCE:
            continue
        made = _from_fact(fact, today)
        if made is not None:
            found.append(made)
    for loop in loops:
        if loop.get("direction") == "theirs" and loop.get("kind") == "promise":
            obj = promised_thing(str(loop.get("text", "")))
            if obj:
                found.append((0.65, f"Did {obj} come together?"))
    found.sort(key=lambda p: -p[0])
    out: list[str] = []
    for _, question in found:
        if question not in out:
            out.append(question)
    return out[:MAX_QUESTIONS]


def promised_thing(text: str) -> str:
    """What a promise was about: "I'll send the draft referral agreement over" -> "the draft referral agreement"."""
    m = _PROMISE.search(clean(text, 300))
    if not m:
        return ""
    obj = _OBJ_END.sub("", m.group("obj")).strip()
    words = obj.split()
    if len(words) < 2 or len(words) > 9:
        return ""
    if words[0].lower() in ("my", "our"):
        words[0] = "your"  # their words, asked back to them
    return " ".join(words)


def _stated(fact: Mapping[str, Any]) -> dt.date:
    return dt.date.fromisoformat(str(fact["stated_at"])[:10])


def _date(fact: Mapping[str, Any]) -> dt.date | None:
    value = fact.get("date")
    if not value or str(value).startswith("--"):
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def _from_fact(fact: Mapping[str, Any], today: dt.date) -> tuple[float, str] | None:
    kind, value = str(fact["kind"]), clean(str(fact["value"]), 160)
    age = (today - _stated(fact)).days
    maker = _MAKERS.get(kind)
    return maker(value, fact, today, age) if maker else None


def _family(value: str, fact: Mapping[str, Any], today: dt.date, age: int) -> tuple[float, str] | None:
    who, _, news = value.partition(", ")
    words = who.split()
    named = words[-1] if len(words) > 1 and words[-1][:1].isupper() else ""
    someone = named or f"your {who}"
    college = _COLLEGE.match(news)
    if college:
        return _college(someone, named, college.group(1).lower(), college.group(2), _date(fact) or _stated(fact), today)
    if news.startswith("expecting"):
        due = _date(fact)
        if due is None or due >= today:
            return 0.85, "How are the preparations for the baby going?"
        if (today - due).days < 200:
            return 0.85, "How is the new baby?"
        return None
    if news.endswith("born") or "new baby" in value:
        return (0.85, "How is the baby?") if age < 365 else None
    if named and words[0].lower() in ("wife", "husband", "partner", "daughter", "son", "fiancée", "fiance", "fiancé") and age < 730:
        return 0.3, f"How is {named}?"
    return None


def _college(someone: str, named: str, verb: str, school: str, base: dt.date, today: dt.date) -> tuple[float, str] | None:
    school = re.sub(r"^(?:the\s+)?(?:University of\s+)?", "", school.strip(), flags=re.I).strip() or "college"
    place = "college" if school.lower() in ("college", "university") else school
    if verb == "got into":
        start = base.year if base.month <= 8 else base.year + 1
    else:
        start = base.year if base.month >= 7 else base.year - 1
    term_start = dt.date(start, 9, 1)
    possessive = f"{named}'s" if named else f"{someone}'s"
    if today < term_start:
        return (0.85, f"Is {someone} ready for {place}?") if (term_start - today).days < 150 else None
    year = (today - term_start).days // 365
    if year >= 4:
        return None
    summer = today.month in (6, 7, 8)
    if summer:
        return 0.7, f"How did {possessive} {_ORDINAL[year]} year at {place} go?"
    if year == 3 and today.month in (3, 4, 5):
        return 0.85, f"Is {someone} graduating from {place} this spring?"
    if year == 0:
        return 0.85, f"How is {possessive} first year at {place} going?"
    return 0.6, f"How is {someone} getting on at {place}?"


def _travel(value: str, fact: Mapping[str, Any], today: dt.date, age: int) -> tuple[float, str] | None:
    place = value.split(",")[0].strip()
    span = re.search(r"(\d{4}-\d\d-\d\d) to (\d{4}-\d\d-\d\d)", value)
    start = _date(fact)
    if start is None:
        return None
    end = dt.date.fromisoformat(span.group(2)) if span else start + dt.timedelta(days=6)
    if 0 < (start - today).days <= 30:
        return 0.7, f"Are you all set for {place}?"
    if start <= today <= end:
        return 0.9, f"How is {place} treating you?"
    if 0 < (today - end).days <= 30:
        return 0.9, f"How was {place}?"
    return None


def _life_event(value: str, fact: Mapping[str, Any], today: dt.date, age: int) -> tuple[float, str] | None:
    when = _date(fact) or _stated(fact)
    since = (today - when).days
    low = value.lower()
    if low.startswith("new job") and -30 <= since <= 200:
        at = value.split(" at ", 1)[1] if " at " in value else ""
        weeks = "weeks" if since < 60 else "months"
        return 1.0, f"How are the first {weeks} at {at} going?" if at else "How is the new job going?"
    if low.startswith("promotion") and 0 <= since <= 200:
        return 0.95, "How is the new role going?"
    if low.startswith("moved to") and 0 <= since <= 270:
        return 0.95, f"How are you settling into {value[9:].strip()}?"
    if low.startswith("retire") and 0 <= since <= 400:
        return 0.9, "How is retirement treating you?"
    if "wedding" in low:
        if 0 < -since <= 120:
            return 0.95, "How are the wedding plans coming along?"
        if 0 <= since <= 120:
            return 0.95, "How was the wedding?"
    if ("graduat" in low) and 0 <= since <= 120:
        return 0.8, "What comes after the graduation?"
    if ("baby" in low or "born" in low) and 0 <= since <= 365:
        return 0.9, "How is the baby?"
    return None


def _sports(value: str, fact: Mapping[str, Any], today: dt.date, age: int) -> tuple[float, str] | None:
    team = value.split(",")[0].strip()
    nickname = " ".join(team.split()[-2:]) if team.endswith(("Sox", "Jays", "Wings", "Leafs", "Knights", "Blazers")) else team.split()[-1]
    for league, pattern in _LEAGUES:
        if pattern.search(team):
            months = _SEASONS[league]
            if today.month in months:
                return 0.4, f"How are the {nickname} looking this season?"
            nxt = (today.month % 12) + 1
            if nxt in months:
                return 0.4, f"Ready for the {nickname} season?"
            return None
    return None


def _interest(value: str, fact: Mapping[str, Any], today: dt.date, age: int) -> tuple[float, str] | None:
    activity, _, event = value.partition(", ")
    if event and re.search(r"\b(marathon|half|race|triathlon|ironman|regatta|tournament)\b", event, re.I) and age < 300:
        return 0.5, f"How is the training for the {event} going?"
    if age > 900:
        return None
    if activity.endswith("ing"):
        return 0.35, f"Have you had much time for {activity} lately?"
    return 0.3, f"Still enjoying {activity}?"


def _pet(value: str, fact: Mapping[str, Any], today: dt.date, age: int) -> tuple[float, str] | None:
    words = value.split()
    if words and words[0].lower() == "new" and age < 180:
        return 0.5, f"How is the {' '.join(words[1:])} settling in?"
    if len(words) > 1 and words[-1][:1].isupper() and age < 900:
        return 0.3, f"How is {words[-1]}?"
    return None


def _birthday(value: str, fact: Mapping[str, Any], today: dt.date, age: int) -> tuple[float, str] | None:
    date = fact.get("date")
    nxt = yearly(str(date) if date else None, today)
    if nxt is not None and 0 < (nxt - today).days < 7:
        when = soon(nxt, today)
        return 0.6, f"Any plans for your birthday {when if when == 'tomorrow' else 'on ' + when}?"
    last = yearly(str(date) if date else None, today - dt.timedelta(days=5))
    if last is not None and 0 < (today - last).days <= 5:
        return 0.6, "Did you have a good birthday?"
    return None


_MAKERS = {
    "family": _family, "travel": _travel, "life_event": _life_event, "sports": _sports,
    "interest": _interest, "pet": _pet, "birthday": _birthday,
}
