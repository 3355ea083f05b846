"""First-person rules about the writer in the world: sports, interest, travel, location, work,
preference, education.
"""

from __future__ import annotations

import re

from syncd.infer import fact_lex as lex
from syncd.infer.fact_common import (
    Ctx,
    G,
    Hit,
    Rule,
    activity,
    clean_org,
    clean_place,
    fact_date,
    norm_key,
    rx,
    team_name,
    title_case_role,
)

FAN = r"(?:fan|supporter|fanatic|diehard|die-hard|loyalist)s?\b"
ADJ = (r"(?:(?:huge|big|massive|giant|enormous|die-?hard|lifelong|life-long|long-?time|long-?suffering"
       r"|rabid|loyal|true|total|avid|devoted|proud|crazy|obsessed|serious|loud|card-carrying"
       r"|passionate|hardcore|born-and-raised|diehard|unapologetic|bleeding|hometown)\s+)*")
_LEAD = r"^\W*(?:(?:anyway|well|ok|okay|honestly|also|and|but|yes|yeah|ha|haha|so|plus|fyi|ps|p\.s\.)\W+)*"


def _sports(m: re.Match[str], c: Ctx) -> list[Hit]:
    team = team_name(str(G(m).get("team") or ""))
    return [Hit("sports", team, f"sports:{norm_key(team)}", 0.85)]


def _chant(m: re.Match[str], c: Ctx) -> list[Hit]:
    phrase = re.sub(r"\s+", " ", m.group("chant").lower()).replace("’", "'")
    team = lex.CHANTS.get(phrase)
    return [Hit("sports", team, f"sports:{norm_key(team)}", 0.8)] if team else []


_CHANT_RX = "|".join(re.escape(k).replace(r"\ ", r"\s+") for k in sorted(lex.CHANTS, key=len, reverse=True))


def _interest(conf: float = 0.8):
    def build(m: re.Match[str], c: Ctx) -> list[Hit]:
        g = G(m)
        if g.get("lang"):
            what = f"learning {str(g['lang']).title()}"
        elif g.get("doer"):
            what = lex.DOERS[re.sub(r"\s+", " ", str(g["doer"]).lower())]
        elif g.get("verb"):
            what = lex.VERBS[str(g["verb"]).lower()]
        elif g.get("event"):
            ev = str(g["event"]).lower()
            what = ("triathlon" if "tri" in ev or "ironman" in ev else "cycling" if "century" in ev
                    else "running" if re.search(r"\d+k", ev) else "marathon running")
            race = " ".join(str(g["event"]).split())
            if race.lower() not in ("marathon", "marathons", "half", "half marathon", "half-marathon"):
                what = f"{what}, {race}"
        else:
            what = activity(str(g.get("act") or ""))
        if "coach" in m.group(0).lower():
            what = f"coaching {what}"
        base = what.split(",")[0]
        return [Hit("interest", what, f"interest:{norm_key(base)}", conf)]
    return build


_RETURN = re.compile(r"\b(?:back|return(?:ing)?|home)\s+(?:on\s+|by\s+)?(?:the\s+)?(?:following\s+|next\s+)?$", re.IGNORECASE)


_NOT_TRIP = re.compile(r"\s*(?:game|games|match|concert|show|meeting|party|parties|office|store|house|game's|event"
                       r"|conference\s+room|account|team|offices|branch|site|campus)\b", re.IGNORECASE)


def _travel(need_date: bool, conf: float = 0.8):
    def build(m: re.Match[str], c: Ctx) -> list[Hit]:
        place = clean_place(str(G(m).get("place") or ""))
        if not place or place.lower() in lex.TEAMS or _NOT_TRIP.match(c.sentence, m.end()):
            return []
        d = c.date_for(m.span(), kind="travel", skip=_RETURN)
        if need_date and d is None:
            return []
        lead = c.sentence[max(0, (d.span[0] if d else 0) - 8):d.span[0]].lower() if d else ""
        until = bool(re.search(r"\b(?:until|till|til|through)\s*$", lead))
        date = None if until else fact_date(d)
        value = place
        if d and not d.conflict and d.start:
            if until:
                value = f"{place}, until {d.start.isoformat()}"
            elif d.end:
                value = f"{place}, {d.start.isoformat()} to {d.end.isoformat()}"
            else:
                value = f"{place}, " + re.sub(r"^(?:on|in|of|from|the|for)\s+", "", d.text.strip(), flags=re.I)
        return [Hit("travel", value, f"travel:{norm_key(place)}", conf, date)]
    return build


def _location(where: str = "home", conf: float = 0.8):
    def build(m: re.Match[str], c: Ctx) -> list[Hit]:
        place = clean_place(str(G(m).get("place") or ""))
        if not place:
            return []
        office = bool(G(m).get("office")) or where == "work"
        return [Hit("location", place, "location:work" if office else "location:home", conf)]
    return build


def _work(m: re.Match[str], c: Ctx) -> list[Hit]:
    g = G(m)
    role = title_case_role(str(g["role"])) if g.get("role") else None
    org = clean_org(g.get("org"))
    if org and (org.lower() in lex.PLACE_NAMES or org.split()[0].lower() in lex.NOT_PLACES):
        org = None
    low = " ".join(str(g["orglow"]).split()) if g.get("orglow") else None
    what = g.get("what")
    if g.get("biz"):
        biz = " ".join(str(g["biz"]).split())
        hits = [Hit("work", f"owner of a {biz}", "work:role", 0.75)]
        town = clean_place(str(g["place"])) if g.get("place") else None
        return hits + ([Hit("location", town, "location:work", 0.7)] if town else [])
    where = org or low
    if what and role is None:
        role = f"teacher, {' '.join(str(what).split())}"
    if not role and not where:
        return []
    value = (f"{role} at {where}" if role and where else (role or where or "")).rstrip(".,;:!")
    hits = [Hit("work", value, "work:role", 0.8)]
    town = clean_place(low.rsplit(" in ", 1)[1]) if low and " in " in low else \
        (clean_place(str(g["place"])) if g.get("place") else None)
    if town:
        hits.append(Hit("location", town, "location:work", 0.7))
    return hits


def _team(m: re.Match[str], c: Ctx) -> list[Hit]:
    team = " ".join(str(G(m)["unit"]).split())
    return [Hit("work", f"{team} team", "work:team", 0.75)]


def _pref(key: str, fmt: str, conf: float = 0.85, sensitive: bool = False):
    def build(m: re.Match[str], c: Ctx) -> list[Hit]:
        g = {k: " ".join(str(v).split()) for k, v in G(m).items() if v}
        what = g.get("what", "").lower()
        value = fmt.format(what=what, name=g.get("name", ""), diet=g.get("diet", "").lower())
        if re.search(r"owl|bird|riser|person$", what) and value.startswith("prefers "):
            value = what
        k = key.format(what=norm_key(what))
        sens = sensitive or bool(re.search(r"celiac|coeliac|lactose|sober", value))
        return [Hit("preference", value, k, conf, None, sens)]
    return build


def _education(m: re.Match[str], c: Ctx) -> list[Hit]:
    g = G(m)
    school = " ".join(str(g["school"]).split()) if g.get("school") else None
    deg = " ".join(str(g["deg"]).split()) if g.get("deg") else None
    field = " ".join(str(g["field"]).split()) if g.get("field") else None
    kind = g.get("sk")
    if kind:
        deg = f"{str(kind).lower()} school"
    parts = [p for p in (deg + (f" in {field}" if field else "") if deg else None, school) if p]
    if not parts:
        return []
    value = ", ".join(parts) if deg else f"{school} grad" if re.search(r"grad|alum|class", m.group(0), re.I) else str(school)
    key = f"education:{norm_key(school or deg or '')}"
    hits = [Hit("education", value, key, 0.85)]
    if kind and re.search(r"\bstarting\b", m.group(0), re.I):
        hits.append(Hit("life_event", f"starting {deg}", "life_event:school", 0.8, fact_date(c.date_for(m.span()))))
    return hits


R = Rule
TEAM_WORDS = frozenset(w for k in lex.TEAMS for w in re.findall(r"[a-z0-9]+(?:['-][a-z0-9]+)*", k))
RULES: list[Rule] = [
    R("fan", frozenset({"fan", "fans", "supporter", "supporters", "fanatic", "diehard", "die-hard", "loyalist"}),
      rx(r"\b(?:I'?m|I\s+am|I'?ve\s+(?:always\s+)?been|{WE_ARE}|we'?ve\s+been|as|me,?)\s+(?:(?:still|always|also|such|now|definitely|totally|really|basically|forever|kind\s+of)\s+)*(?:a|an)?\s*" + ADJ + r"{TEAM}\s+" + FAN
         + r"|" + _LEAD + ADJ + r"{TEAM}\s+fan\b(?!\s+(?:is|are|was|were|will|would|who|in|of)\b)"
         + r"|\b(?:I'?m|I\s+am)\s+(?:a\s+)?" + ADJ + r"fan\s+of\s+(?:the\s+)?{TEAM}"
         + r"|\b(?:my\s+(?:whole\s+)?family|whole\s+family)\s+(?:are|is)\s+(?:all\s+)?{TEAM}\s+fans"),
      _sports),
    R("go_team", frozenset({"go"}),
      rx(r"^\W*(?:let'?s\s+)?(?:go\s+){1,3}(?:the\s+)?{TEAM}(?=\s*(?:[!.]|$))"), _sports),
    R("chant", frozenset({"hook'em", "hook", "roll", "gig", "war", "boomer", "go", "wahoowa", "who", "fly", "let's"}),
      rx(r"^\W*(?P<chant>" + _CHANT_RX + r")\W*$"), _chant),
    R("root_for", frozenset({"root", "cheer", "pull", "follow", "season"}),
      rx(r"\b(?:I|{WE})\s+(?:(?:still|always|really|religiously|passionately)\s+)*(?:root|cheer|pull)\s+for\s+(?:the\s+)?{TEAM}"
         r"|\b(?:I|{WE})\s+(?:(?:still|always|religiously)\s+)*follow\s+the\s+{TEAM}"
         r"|\b(?:I|{WE})\s+(?:have|'ve\s+had|have\s+had|hold)\s+(?:had\s+)?season\s+tickets\s+(?:to|for)\s+(?:the\s+)?{TEAM}"),
      _sports),
    R("my_team", TEAM_WORDS,
      rx(r"\bmy\s+(?:(?:beloved|poor|lowly|hapless|precious|dear|sad|sorry)\s+)?{TEAM}\b(?!\s+(?:fan|jersey|tickets?|hat|cap|game|shirt))"),
      _sports, needs=frozenset({"my"})),
    # interest
    R("love_act", frozenset({"love", "adore", "enjoy", "live"}),
      rx(r"\b(?:I|{WE})\s+(?:(?:really|absolutely|just|still|also|totally|truly|do)\s+)*(?:love|adore|enjoy|live\s+for)\s+(?:to\s+)?(?:go\s+)?{ACT}\b"),
      _interest()),
    R("verb_habit", frozenset(lex.VERBS),
      rx(r"\b(?:I|{WE})\s+(?:(?:also|still|usually|mostly|try\s+to|like\s+to|love\s+to|get\s+to|now)\s+)*(?P<verb>" + "|".join(lex.VERBS) + r")\s+"
         r"(?:(?:on\s+(?:the\s+)?weekends|every\s+(?:single\s+)?(?:day|morning|evening|night|weekend|week|summer|winter|sunday|saturday|chance)|(?:most|some)\s+(?:days|mornings|evenings|weekends)"
         r"|a\s+lot|competitively|regularly|whenever|when(?:ever)?\s+(?:I|the|we)|year-round|all\s+(?:summer|winter|year)|daily|weekly|on\s+\w+days|religiously|before\s+work|after\s+work|in\s+the\s+(?:mornings|evenings))\b)"
         r"|\b(?:I|{WE})\s+(?:(?:also|still|usually|now)\s+)*(?P<verb2>sail|golf|ski|snowboard|knit|kayak|surf|crochet|quilt|meditate|boulder)\b(?!\s+(?:the|a|an|it|that|this|to|for|my|our|your|with))"),
      lambda m, c: _interest()(m, c) if G(m).get("verb") else [Hit("interest", lex.VERBS[str(G(m)["verb2"]).lower()], f"interest:{norm_key(lex.VERBS[str(G(m)['verb2']).lower()])}", 0.8)]),
    R("been_acting", frozenset({"been"}),
      rx(r"\b(?:I'?ve|I\s+have|we'?ve)\s+been\s+{ACT}\s+(?:a\s+lot|regularly|(?:almost\s+)?every\s+\w+|more|again|lately|constantly|nonstop|a\s+ton)\b"),
      _interest()),
    R("into_act", frozenset({"into", "obsessed", "addicted", "hooked"}),
      rx(r"\b(?:I'?ve|I\s+have|I'?m|I\s+am|we'?ve|we'?re)\s+(?:(?:been|gotten|got|getting|become|became|really|totally|completely|super|so|now|recently|lately|also|even)\s+)*(?:into|obsessed\s+with|addicted\s+to|hooked\s+on)\s+{ACT}\b"),
      _interest()),
    R("doer", frozenset(w.split()[-1] for w in lex.DOERS) | {"fan", "lover", "buff", "nut", "enthusiast"},
      rx(r"\b{I_AM}\s+(?:(?:also|still|now|such|quite|really|kind\s+of)\s+)*(?:a|an)\s+(?:(?:avid|keen|big|huge|serious|passionate|obsessive|enthusiastic|amateur|weekend|competitive|lifelong|decent|terrible|bad|mediocre|hopeless|total|die-?hard)\s+)*(?:{DOER}\b|{ACT}\s+(?:fan|lover|buff|nut|enthusiast|junkie)\b|fan\s+of\s+{ACT}\b)"),
      _interest()),
    R("training", frozenset({"training", "ran", "run", "running", "did", "finished", "completed", "raced"}),
      rx(r"\b(?:I'?ve\s+been|I'?m|I\s+am|I\s+have\s+been|been)\s+training\s+for\s+(?:a|an|the|my\s+first|my|another)?\s*(?P<event>(?-i:(?:[A-Z][\w.]*\s+)*)(?:marathon|half(?:-|\s)marathon|half|triathlon|tri|ironman|ultra|5k|10k|century(?:\s+ride)?)s?)"
         r"|\b(?:I'?m|I\s+am|I'?ll\s+be)\s+(?:also\s+)?running\s+(?:the|a|my\s+first|my)\s+(?P<event__y>(?-i:(?:[A-Z][\w.]*\s+)*)(?:marathon|half(?:-|\s)marathon|half|5k|10k|ultra))\b"
         r"|\bI\s+(?:just\s+)?(?:ran|did|finished|completed|raced)\s+(?:my|our|the|a)?\s*(?:first\s+|second\s+|\d+(?:st|nd|rd|th)\s+)?(?P<event__x>half(?:-|\s)marathon|marathon|triathlon|ironman|5k|10k|ultra)"),
      _interest()),
    R("taking_up", frozenset({"started", "starting", "taken", "took", "picked", "taking", "doing", "learning"}),
      rx(r"\b(?:I'?m|I\s+am|I'?ve|I\s+have|I)\s+(?:(?:been|just|recently|finally|now|also|even)\s+)*(?:started|starting|taken\s+up|took\s+up|picked\s+up|taking|doing|learning)\s+(?:a\s+|an\s+|some\s+|the\s+)?(?:(?:new|beginner|weekly|evening|night)\s+)?(?:{ACT}|{LANG})\b"),
      _interest()),
    R("play", frozenset({"play", "played", "coach"}),
      rx(r"\bI\s+(?:(?:also|still|mostly|usually)\s+)*play(?:ed)?\s+(?:(?:a\s+lot\s+of|some|competitive|club|league|pickup|weekend)\s+)?(?:the\s+)?{ACT}\b"
         r"|\b(?:I|{WE})\s+coach\s+(?:(?:my|our)\s+\w+(?:'s)?\s+|a\s+|the\s+)?(?:(?:youth|little\s+league|high\s+school|middle\s+school|club|rec|travel)\s+)*{ACT}"),
      _interest(0.75)),
    R("hobby", frozenset({"hobby", "hobbies", "passion", "interests", "interest", "club"}),
      rx(r"\bmy\s+(?:favorite\s+)?(?:hobby|hobbies|passion)\s+(?:is|are)\s+{ACT}|\bmy\s+{ACT}\s+(?:interests?|passion|hobby)\b|\b(?:my|our)\s+(?P<act__b>book\s+club)\b"),
      _interest()),
    R("go_act", frozenset({"go", "went"}),
      rx(r"\b(?:I|{WE})\s+(?:(?:often|usually|always)\s+)?(?:go|went)\s+(?P<act>skiing|fishing|hunting|sailing|hiking|camping|kayaking|surfing|snowboarding|climbing|bowling|golfing|biking|swimming|diving|paintballing)\b"),
      _interest(0.7)),
    # travel
    R("in_place", frozenset({"in", "at", "visiting"}),
      rx(r"\b(?:I'?m|I\s+am|I'?ll\s+be|I\s+will\s+be|{WE_ARE}|we'?ll\s+be|we\s+will\s+be)\s+(?:(?:also|actually|physically|currently|all)\s+)*(?:in|visiting)\s+{PLACE}(?!\s+(?:office|now|for\s+good|these\s+days|permanently))"),
      _travel(need_date=True)),
    R("heading", frozenset({"heading", "headed", "head", "off", "flying", "fly", "driving", "going", "traveling", "travelling", "leaving", "way", "taking", "plane", "flight"}),
      rx(r"\b(?:I'?m|I\s+am|{WE_ARE}|I'?ll\s+be|we'?ll\s+be|I|{WE}(?:'re|\s+are)?|we)\s+(?:(?:also|finally|actually|just|all|then|now)\s+)*(?P<verb>heading|headed|off|flying|driving|going|traveling|travelling|leaving|jetting\s+off|taking\s+(?:the\s+kids|the\s+family|my\s+\w+|our\s+\w+)|on\s+(?:my|our)\s+way)\s+(?:out\s+|back\s+|up\s+|down\s+|over\s+)?(?:to|for)\s+{PLACE}"
         r"|" + _LEAD + r"(?:(?:I'?m|we'?re)\s+)?(?P<verb__b>heading|headed|off|flying|jetting\s+off)\s+(?:out\s+|back\s+)?to\s+{PLACE}"
         r"|\bI\s+was\s+on\s+(?:a|the)\s+(?:plane|flight|train)\s+to\s+{PLACE}"),
      lambda m, c: _travel(need_date=str(G(m).get("verb") or "").lower() in ("going", "driving", "leaving") and
                           str(G(m).get("place") or "").lower() not in lex.PLACE_NAMES)(m, c)),
    R("trip_to", frozenset({"trip", "vacation", "holiday", "getaway", "honeymoon", "visiting", "leave", "spending"}),
      rx(r"\b(?:my|our)\s+(?:(?:upcoming|big|annual|next|first|family|work|business|summer|spring|winter|ski|honeymoon|anniversary)\s+)*(?:trip|vacation|holiday|getaway|honeymoon)\s+(?:to|in)\s+{PLACE}"
         r"|\b(?:I'?ll\s+be|I'?m|we'?ll\s+be|{WE_ARE}|I\s+will\s+be|I\s+am)\s+(?:out\s+|away\s+)?on\s+(?:vacation|holiday|leave|a\s+trip)\b[^.;!?]{0,30}?\b(?:in|to)\s+{PLACE}"
         r"|\b(?:I'?m|I\s+am|I'?ll\s+be|we'?re|we'?ll\s+be)\s+(?:out|away|off)\b[^.;!?]{0,60}?\bvisiting\s+(?:(?:my|our|the)\s+)?(?:family|parents|folks|in-laws|kids|grandkids|friends)\s+in\s+{PLACE}"
         r"|\b(?:I'?m|I\s+am|I'?ll\s+be|{WE_ARE}|we'?ll\s+be|I|we)\s+(?:also\s+)?spending\s+(?:Christmas|Thanksgiving|Easter|New\s+Year'?s|the\s+holidays|spring\s+break|(?:the|this|next)\s+(?:summer|winter|weekend|week)|(?:a|two|three|four|\d+)\s+(?:days|weeks?|nights))\s+in\s+{PLACE}"),
      _travel(need_date=False)),
    # location
    R("live_in", frozenset({"live", "lived", "living", "reside", "based", "located", "settled", "work", "office"}),
      rx(r"\b(?:I|{WE})(?:'ve|\s+have)?\s+(?:(?:now|still|currently|actually|also|been)\s+)*(?:live|reside|lived|living)\s+in\s+{PLACE}"
         r"|\b(?:I'?m|I\s+am|{WE_ARE})\s+(?:(?:now|also|currently|still)\s+)*living\s+in\s+{PLACE}"
         r"|\b(?:I'?m|I\s+am|{WE_ARE})\s+(?:(?:now|also|currently|actually)\s+)*(?P<office>based|located)\s+(?:in|out\s+of)\s+(?:our\s+)?{PLACE}(?:\s+office)?"
         r"|\b(?:I'?m|I\s+am|{WE_ARE})\s+(?:(?:now|also|currently|actually)\s+)*settled\s+in\s+{PLACE}"
         r"|\bI\s+(?:(?:now|still|mostly)\s+)*work\s+(?:out\s+of|from|in|at)\s+(?:our|the)\s+{PLACE}(?P<office__b>\s+office)"),
      _location()),
    R("here_now", frozenset({"now", "good", "permanently", "days", "year", "glad", "happy", "staying", "home", "house", "apartment", "while"}),
      rx(r"\b(?:I'?m|I\s+am|{WE_ARE})\s+(?:(?:now|still|finally|officially)\s+)*(?:back\s+)?in\s+{PLACE}\s+(?:now|for\s+good|these\s+days|permanently|full[- ]time|for\s+(?:another|a|the\s+next)\s+(?:year|few\s+years|while))\b"
         r"|\b(?:glad|happy|good|great|nice)\s+to\s+be\s+(?:back\s+)?in\s+{PLACE}"
         r"|\bstaying\s+(?:put\s+)?in\s+{PLACE}"
         r"|\b(?:my|our)\s+(?:new\s+)?(?:home|house|place|apartment)\s+in\s+{PLACE}"),
      _location(conf=0.75)),
    # work
    R("i_am_role", frozenset(lex.TITLES) | {"ceo", "vp", "svp"},
      rx(r"\b{I_AM}\s+(?:(?:now|currently|still|also|actually|officially|the\s+new|a\s+new)\s+)*(?:the\s+|a\s+|an\s+)?{ROLE}\s+(?:at|for|with|of)\s+(?:{ORG_LOWER}|{ORG})"
         r"|\bI(?:'ve|\s+have)\s+(?:just\s+|recently\s+|officially\s+)?(?:taken\s+over|stepped\s+(?:in|up)|started|begun|been\s+named|been\s+appointed)\s+as\s+(?:the\s+|a\s+|an\s+|our\s+)?{ROLE}(?:\s+(?:at|of|for)\s+{ORG})?"
         r"|\bI\s+(?:was|got)\s+(?:just\s+)?(?:named|appointed|hired\s+as)\s+(?:the\s+|a\s+|an\s+)?{ROLE}(?:\s+(?:at|of|for)\s+{ORG})?"
         r"|\bI\s+work\s+(?:part[- ]time\s+|full[- ]time\s+)?as\s+(?:a|an|the)\s+{ROLE}\s+(?:at|for)\s+{ORG}"),
      _work),
    R("work_at", frozenset({"work", "worked", "working", "teach", "been", "own", "run"} | set(lex.TITLES) | {"worker", "realtor", "photographer", "journalist", "electrician", "plumber",
                                                                                          "carpenter", "paramedic", "veterinarian", "firefighter", "dentist", "pharmacist"}),
      rx(r"\b(?:I'?ve|I\s+have|I)\s+(?:(?:still|now|currently|actually)\s+)*(?:work|worked)\s+(?:(?:remotely|full[- ]time|part[- ]time|now|here)\s+)*(?:at|for)\s+{ORG}"
         r"(?:\s+as\s+(?:a|an|the)\s+{ROLE})?"
         r"|\b{I_AM}\s+(?:(?:now|still|currently)\s+)*working\s+(?:(?:remotely|full[- ]time|part[- ]time)\s+)*(?:at|for)\s+{ORG}"
         r"|\bI\s+teach\s+(?P<what>[\w\s]{2,40}?)\s+at\s+{ORG}"
         r"|\b(?:I'?ve|I\s+have)\s+been\s+(?:at|with)\s+{ORG}\s+(?:for|since)\b"
         r"|\b{I_AM}\s+(?:now\s+)?(?:a|an)\s+(?:(?:freelance|self-employed|independent|professional|practicing|licensed|registered|certified|full-time|part-time)\s+)?(?P<role>nurse|teacher|lawyer|attorney|doctor|physician|engineer|accountant|architect|professor|pilot|firefighter|pharmacist|dentist|therapist|chef|paramedic|veterinarian|electrician|plumber|carpenter|photographer|journalist|realtor|social\s+worker|software\s+engineer)\b(?=\s*(?:[,.;!]|$|\s+(?:by\s+trade|now|these\s+days|here)\b))"
         r"|\bI\s+(?:own|run)\s+(?:a|an|my\s+own)\s+(?:(?:small|little|tiny)\s+)?(?P<biz>(?:[\w-]+\s+){0,2}?(?:bakery|restaurant|shop|store|business|company|firm|practice|studio|cafe|farm|gym|salon|agency|consultancy|bar|winery|brewery))(?:\s+in\s+{PLACE})?"),
      _work),
    R("team", frozenset({"team", "group", "desk", "squad", "practice", "division"}),
      rx(r"\b{I_AM}\s+(?:(?:now|also|currently)\s+)*(?:on|in|with)\s+the\s+(?P<unit>(?:[\w&/-]+\s+){1,3}?)(?:team|group|desk|squad)\b"
         r"|\bI(?:'ve|\s+have)?\s+(?:recently\s+|just\s+|now\s+)?(?:run|lead|manage|head|head\s+up|joined|moved\s+(?:over\s+)?to|switched\s+to|transferred\s+to)\s+(?:the|our)\s+(?P<unit__b>(?:[\w&/-]+\s+){1,3}?)(?:team|group|desk|practice|division)\b"),
      _team),
    # preference
    R("diet", frozenset({"vegetarian", "vegan", "pescatarian", "pescetarian", "gluten-free", "gluten", "dairy-free", "lactose", "celiac", "coeliac", "kosher", "halal", "paleo", "keto", "teetotal", "sober", "plant-based"}),
      rx(r"\b(?:I'?m|I\s+am|I'?ve\s+been|I\s+have\s+been|I'?ve\s+gone|I\s+went|{WE_ARE})\s+(?:(?:now|also|strictly|mostly|fully|totally|still|a)\s+)*(?P<diet>vegetarian|vegan|pescatarian|pescetarian|gluten[- ]free|dairy[- ]free|lactose[- ]intolerant|celiac|coeliac|kosher|halal|paleo|keto|teetotal|sober|plant[- ]based)\b"
         r"|\bI\s+(?:keep|eat|only\s+eat)\s+(?P<diet__b>kosher|halal)\b"),
      _pref("preference:diet", "{diet}")),
    R("dont_eat", frozenset({"eat", "drink"}),
      rx(r"\bI\s+(?:don'?t|do\s+not|no\s+longer|never)\s+(?P<verb>eat|drink)\s+(?P<what>meat|red\s+meat|pork|fish|seafood|dairy|gluten|alcohol|coffee|caffeine|sugar|beef|shellfish)\b"
         r"|\bI\s+(?:don'?t|do\s+not)\s+drink\b(?!\s+(?:coffee|tea|soda|much|enough|water|milk))"),
      lambda m, c: [Hit("preference", f"doesn't {G(m).get('verb') or 'drink'} {G(m).get('what') or 'alcohol'}".lower(),
                        f"preference:{'diet' if (G(m).get('verb') or '').lower() == 'eat' else 'drink'}:{norm_key(G(m).get('what') or 'alcohol')}", 0.8)],
      allow_negation=True),
    R("allergy", frozenset({"allergic", "allergy", "allergies"}),
      rx(r"\b{I_AM}\s+(?:(?:very|severely|deathly|super|also|quite|really|so)\s+)*allergic\s+to\s+(?P<what>(?:[\w-]+\s+){0,2}?[\w-]+)(?=\s*(?:[,.;!()-]|$|\s+(?:so|and|but|which)\b))"
         r"|\bI\s+have\s+(?:a|an|severe|bad|terrible)\s+(?:(?:severe|bad)\s+)?(?P<what__b>[\w-]+)\s+allergy|\bmy\s+(?P<what__c>[\w-]+)\s+allergy"),
      _pref("preference:allergy:{what}", "allergic to {what}", 0.85, True)),
    R("call_me", frozenset({"call", "calls", "go"}),
      rx(r"\b(?:please\s+)?call\s+me\s+(?P<name>{NAME})\b(?!\s+(?:at|on|back|tomorrow|when|if|after|before|and|or))"
         r"|\b(?:I\s+go\s+by|everyone\s+calls\s+me|(?:my\s+)?friends\s+call\s+me|people\s+call\s+me|most\s+people\s+call\s+me)\s+(?P<name__b>{NAME})"),
      _pref("preference:name", "goes by {name}", 0.85)),
    R("prefer_time", frozenset({"prefer", "best", "better", "easiest", "ideal", "owl", "bird", "riser", "person", "morning"}),
      rx(r"\bI\s+(?:(?:really|generally|usually|much|strongly|also|definitely)\s+)*prefer\s+(?P<what>(?:early\s+)?mornings?|afternoons?|evenings?|early|late|weekends|weekdays|phone|calls?|email|text(?:ing)?|zoom|video|in[- ]person|to\s+meet\s+(?:in\s+the\s+)?(?:morning|afternoon|evening)s?|(?:a\s+)?call|(?:a\s+)?phone\s+call)\b"
         r"|\b(?P<what__b>(?:early\s+)?mornings?|afternoons?|evenings?|text|texting|email|phone|calls?)\s+(?:(?:are|is|work)\s+(?:much\s+|always\s+|usually\s+|generally\s+)?(?:best|better|easiest|ideal)|works?\s+best)\b(?=[^.!?]*\b(?:me|I)\b)"
         r"|\b{I_AM}\s+(?:(?:usually|generally|always|much)\s+)*(?:best|freest|most\s+available)\s+(?P<what__c>early|in\s+the\s+mornings?|mornings?|afternoons?|evenings?|late)"
         r"|\b{I_AM}\s+(?:a|an)\s+(?P<what__d>night\s+owl|early\s+bird|early\s+riser|morning\s+person)"),
      _pref("preference:schedule", "prefers {what}")),
    R("not_morning", frozenset({"person", "owl"}),
      rx(r"\b{I_AM}\s+not\s+(?:a|an)\s+(?P<what>morning\s+person|night\s+owl|phone\s+person|email\s+person)"),
      _pref("preference:schedule", "not a {what}"), allow_negation=True),
    # education
    R("grad_of", frozenset({"grad", "graduate", "alum", "alumnus", "alumna", "alumni", "class"}),
      rx(r"\b{I_AM}\s+(?:(?:also|a\s+proud|proud|a\s+fellow|fellow)\s+)*(?:a\s+|an\s+)?{SCHOOL}\s+(?:grad|graduate|alum|alumnus|alumna|alumni|alumnae)\b"
         r"|\bclass\s+of\s+(?:'?\d{2}|\d{4})\s+(?:at|from)\s+{SCHOOL}|\b(?=(?:[\w.&'-]+\s+){1,4}class\s+of\b){SCHOOL}\s+class\s+of\s+'?\d{2,4}"),
      _education),
    R("went_to", frozenset({"went", "graduated", "studied", "attended", "got", "did"}),
      rx(r"\bI\s+(?:(?:also|too)\s+)?(?:went\s+to|graduated\s+from|studied\s+(?:\w+\s+)?at|attended|got\s+my\s+(?:\w+\s+)?(?:degree|MBA|PhD|masters?|JD|BA|BS)\s+(?:from|at)|did\s+my\s+(?:\w+\s+)?(?:degree|MBA|PhD|undergrad|masters?)\s+at)\s+{SCHOOL}"),
      _education),
    R("degree", frozenset({"mba", "emba", "phd", "ph.d", "doctorate", "master's", "masters", "jd", "degree", "ba", "bs", "mfa", "mph", "mpa", "msc", "ms", "certificate", "cfa", "credential", "school", "freshman", "sophomore", "junior", "senior", "student", "1l", "2l", "3l", "first-year"}),
      rx(r"\b{I_AM}\s+(?:(?:now|currently|still|also)\s+)*(?:finishing|doing|getting|working\s+on|pursuing|starting|completing|in\s+the\s+middle\s+of|halfway\s+through|studying\s+for)\s+(?:my|an?|the)\s+{DEGREE}(?:\s+in\s+(?P<field>[\w-]+(?:\s+[\w-]+){0,2}?)(?=\s+(?:at|from)\b|\s*[,.;!]|\s*$))?(?:\s+(?:at|from)\s+{SCHOOL})?"
         r"|\bmy\s+(?P<deg__b>(?:nursing|law|teaching|master'?s|bachelor'?s|business)\s+degree|MBA|PhD|JD|EMBA|MFA)(?:\s+in\s+[\w\s]{2,30}?)?\s+(?:at|from)\s+{SCHOOL}"
         r"|\b{I_AM}\s+(?:(?:now|currently|also)\s+)*(?:a\s+)?(?:freshman|sophomore|junior|senior|first-year|second-year|grad\s+student|graduate\s+student|PhD\s+student|doctoral\s+student|student|1L|2L|3L)\s+(?:at|in)\s+{SCHOOL}"
         r"|\b{I_AM}\s+(?:(?:now|also|finally)\s+)*(?:starting|going\s+to|back\s+in|in|finishing|attending)\s+(?P<sk>law|business|grad|graduate|med|medical|nursing|dental|vet|film|art|culinary)\s+school(?:\s+(?:at|in)\s+{SCHOOL})?"),
      _education),
]
