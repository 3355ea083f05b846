"""Second-person rules, read only in mail the user sent: facts about the one recipient.

"Happy birthday!", "congrats on your promotion to SVP", "you and your wife Maria",
"since you're a Cubs fan", "enjoy Paris!". The caller decides who "you" is (the only
non-self recipient, or the one the greeting names) and drops the message otherwise.
"""

from __future__ import annotations

import re

from syncd.infer import fact_lex as lex
from syncd.infer.dates import find_dates, yearly
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
from syncd.infer.fact_rules_world import ADJ, FAN, TEAM_WORDS


def _greeting_date(m: re.Match[str], c: Ctx, early: bool, belated: bool) -> str | None:
    """The day a "happy birthday/anniversary" is about: the day written, else the day sent."""
    if belated:
        return None
    d = c.date_for(m.span(), before=False, kind="greeting")
    if d is not None:
        return fact_date(d, yearly_date=True)
    if early:
        for text in (c.sentence, c.next_sentence):
            soon = [x for x in find_dates(text, c.ref, "future") if x.day and 0 < (x.day - c.ref).days <= 14]
            if len(soon) == 1 and soon[0].day:
                return yearly(soon[0].day)
        return None
    return yearly(c.ref)


def _happy(kind: str):
    def build(m: re.Match[str], c: Ctx) -> list[Hit]:
        g = G(m)
        text = m.group(0).lower()
        date = _greeting_date(m, c, "early" in text, "belated" in text or "late" in text)
        n = g.get("age") or g.get("n")
        if kind == "birthday":
            value = f"{n}th birthday" if n else "birthday"
            if date is None:
                return []
            return [Hit("birthday", value, "birthday", 0.75, date)]
        value = f"{n}th wedding anniversary" if n else "anniversary"
        return [Hit("anniversary", value, "anniversary:wedding", 0.7, date)]
    return build


_EVENTS = [
    (r"promotion(?:\s+to\s+(?P<role>{ROLE}))?", "promotion", "life_event:promotion"),
    (r"making\s+(?P<role2>partner|VP|director|principal|tenure|senior\s+partner)\b", "promotion", "life_event:promotion"),
    (r"new\s+(?:job|role|position|gig)(?:\s+(?:at|with)\s+(?P<org>{ORG}))?", "new job", "life_event:job"),
    (r"engagement", "engagement", "life_event:engagement"),
    (r"(?:wedding|marriage)", "wedding", "life_event:wedding"),
    (r"retirement", "retirement", "life_event:retirement"),
    (r"graduation|graduating", "graduation", "life_event:graduation"),
    (r"new\s+(?:house|home|place|condo)", "new house", "life_event:house"),
    (r"(?:big\s+)?move(?:\s+to\s+(?P<place>{PLACE}))?", "moved to", "life_event:move"),
    (r"new\s+baby|baby|pregnancy|new\s+arrival|little\s+one", "new baby", "life_event:baby"),
    (r"(?:[\w-]+\s+)?(?:surgery|operation|procedure)", "surgery", "life_event:surgery"),
    (r"(?:finishing|completing|getting|earning)\s+your\s+(?P<deg>{DEGREE})", "", "education"),
]
_EV_RX = rx(r"(?:on|for|with|about)\s+(?:your\s+|the\s+)?(?:" +
            "|".join(f"(?P<e{i}>{p})" for i, (p, _, _) in enumerate(_EVENTS)) + r")")


def _congrats(m: re.Match[str], c: Ctx) -> list[Hit]:
    """Every event congratulated in the sentence ("congrats on X - and on Y!")."""
    hits: list[Hit] = []
    for em in _EV_RX.finditer(c.sentence, m.start()):
        g = G(em)
        for i, (_, label, key) in enumerate(_EVENTS):
            if not em.group(f"e{i}"):
                continue
            if key == "education":
                deg = " ".join(str(g["deg"]).split())
                hits.append(Hit("education", deg, f"education:{norm_key(deg)}", 0.7))
                break
            role = g.get("role") or g.get("role2")
            org = clean_org(g.get("org"))
            place = clean_place(str(g["place"])) if g.get("place") else None
            value = label
            if role:
                value = f"{label}, {title_case_role(str(role))}"
                hits.append(Hit("work", title_case_role(str(role)), "work:role", 0.65))
            if org:
                value = f"{label} at {org}"
                hits.append(Hit("work", org, "work:role", 0.65))
            if place:
                value = f"{label} {place}"
            elif label == "moved to":
                value = "moved"
            d = c.date_for(em.span(), kind="life_event")
            if key == "life_event:surgery":
                value = " ".join(em.group(0).split()[1:]).replace("your ", "").replace("the ", "")
            hits.append(Hit("life_event", value, key, 0.7, fact_date(d), key == "life_event:surgery"))
            if place:
                hits.append(Hit("location", place, "location:home", 0.7))
            break
    return hits


def _sorry(m: re.Match[str], c: Ctx) -> list[Hit]:
    g = G(m)
    if g.get("rel"):
        rel = lex.RELATIONS.get(str(g["rel"]).lower(), str(g["rel"]).lower())
        return [Hit("family", f"{rel}, loss or illness (condolences)", f"family:{rel}", 0.6, None, True)]
    what = " ".join(str(g.get("ev") or "").split()).lower()
    key = "life_event:surgery" if "surg" in what else "life_event:job_loss" if "layoff" in what or "job" in what \
        else "life_event:divorce" if "divorce" in what else "life_event:illness"
    return [Hit("life_event", what, key, 0.65, fact_date(c.date_for(m.span())), True)]


def _your_rel(m: re.Match[str], c: Ctx) -> list[Hit]:
    g = G(m)
    rel = lex.RELATIONS.get(str(g["rel"]).lower(), str(g["rel"]).lower())
    name = str(g["name"])
    return [Hit("family", f"{rel} {name}", f"family:{rel}:{name.lower()}", 0.7)]


def _you_and(m: re.Match[str], c: Ctx) -> list[Hit]:
    name = str(G(m)["name"])
    return [Hit("family", f"spouse/partner {name}", f"family:partner:{name.lower()}", 0.6)]


def _arrival(m: re.Match[str], c: Ctx) -> list[Hit]:
    name = str(G(m)["name"])
    return [Hit("life_event", f"new baby, {name}", "life_event:baby", 0.7, fact_date(c.date_for(m.span()))),
            Hit("family", f"baby {name}", f"family:baby:{name.lower()}", 0.7)]


def _your_pet(m: re.Match[str], c: Ctx) -> list[Hit]:
    g = G(m)
    sp = " ".join(str(g["sp"]).lower().split())
    species = lex.SPECIES.get(sp, sp)
    name = g.get("name")
    if not name and "new" not in m.group(0).lower():
        return []
    value = f"{sp} {name}" if name else f"new {sp}"
    return [Hit("pet", value, f"pet:{species}:{str(name).lower()}" if name else f"pet:{species}", 0.7)]


def _sports(m: re.Match[str], c: Ctx) -> list[Hit]:
    team = team_name(str(G(m)["team"]))
    return [Hit("sports", team, f"sports:{norm_key(team)}", 0.75)]


def _interest(m: re.Match[str], c: Ctx) -> list[Hit]:
    g = G(m)
    if g.get("doer"):
        what = lex.DOERS[" ".join(str(g["doer"]).lower().split())]
    elif g.get("race"):
        what = {"regatta": "sailing", "marathon": "marathon running", "half marathon": "marathon running",
                "triathlon": "triathlon"}.get(" ".join(str(g["race"]).lower().split()), "")
    else:
        what = activity(str(g.get("act") or ""))
    return [Hit("interest", what, f"interest:{norm_key(what)}", 0.7)] if what else []


def _travel(m: re.Match[str], c: Ctx) -> list[Hit]:
    place = clean_place(str(G(m).get("place") or ""))
    if not place:
        return []
    d = c.date_for(m.span(), before=False, kind="travel")
    value = f"{place}, {d.text}" if d and not d.conflict else place
    return [Hit("travel", value, f"travel:{norm_key(place)}", 0.65, fact_date(d))]


def _location(m: re.Match[str], c: Ctx) -> list[Hit]:
    place = clean_place(str(G(m).get("place") or ""))
    return [Hit("location", place, "location:home", 0.65)] if place else []


def _diet(m: re.Match[str], c: Ctx) -> list[Hit]:
    diet = " ".join(str(G(m)["diet"]).lower().split())
    return [Hit("preference", diet, "preference:diet", 0.7)]


def _school(m: re.Match[str], c: Ctx) -> list[Hit]:
    school = " ".join(str(G(m)["school"]).split())
    return [Hit("education", f"{school} grad", f"education:{norm_key(school)}", 0.7)]


R = Rule
RULES: list[Rule] = [
    R("happy_bday", frozenset({"happy", "hbd", "birthday", "bday"}),
      rx(r"\bhappy\s+(?:early\s+|belated\s+|late\s+)?(?:(?P<age>\d{1,3})(?:st|nd|rd|th)\s+)?(?:b-?day|birthday|bday)\b"
         r"|\bhappy\s+(?P<age__b>\d{1,3})(?:st|nd|rd|th)\b|\bHBD\b"
         r"|\b(?:hope\s+you\s+have|have|enjoy)\s+(?:a\s+|your\s+)?(?:(?:great|wonderful|happy|fantastic|lovely|good|fun|very\s+happy)\s+)*(?:b-?day|birthday)\b(?=[^.!?]*\b(?:today|tomorrow|day|on|this|next)\b)"),
      _happy("birthday")),
    R("happy_anniv", frozenset({"anniversary"}),
      rx(r"\bhappy\s+(?:early\s+|belated\s+|late\s+)?(?:(?P<n>\d{1,2})(?:st|nd|rd|th)\s+)?(?:wedding\s+)?anniversary\b"
         r"|\b(?:have|enjoy)\s+(?:a\s+|your\s+)?(?:(?:great|wonderful|happy|lovely|fantastic)\s+)*(?:(?P<n__b>\d{1,2})(?:st|nd|rd|th)\s+)?(?:wedding\s+)?anniversary\b"),
      _happy("anniversary")),
    R("congrats", frozenset({"congrats", "congratulations", "congratulate", "mazel", "luck", "best"}),
      rx(r"\b(?:congrats|congratulations|congratulate|mazel\s+tov|good\s+luck|best\s+of\s+luck|all\s+the\s+best)\b"),
      _congrats),
    R("sorry", frozenset({"sorry", "hope", "condolences", "thoughts"}),
      rx(r"\bsorry\s+(?:to\s+hear\s+)?(?:about|for\s+the\s+loss\s+of)\s+your\s+(?:(?:dear|late)\s+)?{REL}\b(?!'s)"
         r"|\bsorry\s+(?:to\s+hear\s+)?(?:about|for)\s+your\s+(?P<ev>(?:[\w-]+\s+)?(?:surgery|diagnosis|accident|injury|layoff|divorce)|job)"
         r"|\bhope\s+(?:the|your)\s+(?P<ev__b>(?:[\w-]+\s+)?(?:surgery|chemo))\s+(?:goes|went|is\s+going)"),
      _sorry),
    R("your_rel", frozenset(lex.RELATIONS),
      rx(r"\byour\s+(?:(?:new|little|lovely|beautiful|wonderful)\s+)*{REL}\b(?!'s)\s*,?\s*(?P<name>{NAME})"),
      _your_rel, needs=frozenset({"your"})),
    R("your_rel_unwell", frozenset(lex.RELATIONS),
      rx(r"\b(?:hope|glad|hear)\b[^.!?]{0,20}\byour\s+{REL}\s+(?:is|'s)\s+(?:feeling\s+better|doing\s+better|recovering|on\s+the\s+mend|out\s+of\s+(?:the\s+)?hospital|home\s+from\s+(?:the\s+)?hospital)"),
      lambda m, c: [Hit("family", f"{lex.RELATIONS.get(str(G(m)['rel']).lower(), str(G(m)['rel']).lower())}, unwell (recovering)",
                        f"family:{lex.RELATIONS.get(str(G(m)['rel']).lower(), str(G(m)['rel']).lower())}", 0.6, None, True)]),
    R("you_and", frozenset({"anniversary"}),
      rx(r"\bhappy\s+(?:belated\s+|early\s+)?anniversary\s+to\s+you\s+and\s+(?P<name>{NAME})\b"),
      _you_and),
    R("arrival", frozenset({"arrival", "birth"}),
      rx(r"\bon\s+the\s+(?:arrival|birth)\s+of\s+(?:(?:little|baby|your|sweet)\s+)*(?P<name>{NAME})"), _arrival),
    R("your_pet", frozenset(lex.SPECIES),
      rx(r"\byour\s+(?:(?:new|little|adorable|sweet|cute)\s+)*{SPECIES}\b(?!'s)(?:\s*,?\s*(?P<name>{NAME}))?"), _your_pet,
      needs=frozenset({"your"})),
    R("your_team", TEAM_WORDS,
      rx(r"\b(?:you'?re|you\s+are)\s+(?:(?:such|still|always|also)\s+)*(?:a|an)\s+" + ADJ + r"{TEAM}\s+" + FAN
         + r"|\byour\s+(?:beloved\s+)?{TEAM}\b(?!\s+(?:tickets?|jersey|hat|cap|game))"),
      _sports, needs=frozenset({"you're", "you", "your"})),
    R("your_interest", frozenset({"love", "enjoy", "means", "luck"}) | frozenset(w.split()[-1] for w in lex.DOERS),
      rx(r"\byou\s+(?:(?:really|still|also)\s+)*(?:love|enjoy)\s+{ACT}\b|\b(?=[\w-]+(?:\s+[\w-]+)?\s+means\s)(?:{ACT})\s+means\s+(?:so\s+much\s+)?to\s+you"
         r"|\byou'?re\s+(?:such\s+)?(?:a|an)\s+(?:(?:avid|keen|great|amazing|big|serious)\s+)*{DOER}\b"
         r"|\bgood\s+luck\s+(?:at|in|with)\s+(?:the|your)\s+(?:\w+\s+)?(?P<race>regatta|half\s+marathon|marathon|triathlon)"),
      _interest),
    R("your_trip", frozenset({"enjoy", "trip", "vacation", "holiday", "honeymoon", "travels", "heading", "headed", "going", "off", "flying"}),
      rx(r"^\W*enjoy\s+{PLACE}\s*[!.]*\s*$"
         r"|\b(?:enjoy|have\s+(?:a\s+)?(?:great|wonderful|fun|safe|good|lovely)|safe\s+travels?)\s+(?:your\s+)?(?:trip|time|vacation|holiday|flight|stay)?\s*(?:to|in)\s+{PLACE}"
         r"|\byour\s+(?:(?:upcoming|big|recent)\s+)?(?:trip|vacation|holiday|honeymoon)\s+(?:to|in)\s+{PLACE}"
         r"|\byou'?re\s+(?:heading|headed|going|off|flying|traveling)\s+to\s+{PLACE}"),
      _travel),
    R("your_move", frozenset({"moving", "relocating", "moved"}),
      rx(r"\byou'?re\s+(?:(?:finally|officially)\s+)?(?:moving|relocating)\s+(?:back\s+)?to\s+{PLACE}|\byou\s+(?:just\s+)?moved\s+to\s+{PLACE}"),
      lambda m, c: [h for h in (_location(m, c) + [Hit("life_event", f"moved to {G(m)['place']}", "life_event:move", 0.65,
                                                   fact_date(c.date_for(m.span(), kind="life_event")))])
                    if clean_place(str(G(m)["place"]))]),
    R("your_home", frozenset({"settling", "settled", "living", "based", "home", "house", "life", "place"}),
      rx(r"\byou'?re\s+(?:(?:now|finally)\s+)*(?:settling\s+(?:in(?:to)?)|settled\s+in|living\s+in|based\s+in)\s+{PLACE}"
         r"|\byour\s+(?:new\s+)?(?:home|house|place|life)\s+in\s+{PLACE}"),
      _location),
    R("your_diet", frozenset({"vegetarian", "vegan", "kosher", "halal", "gluten-free", "pescatarian"}),
      rx(r"\b(?:since|as|because|knowing|I\s+know)\s+you'?re\s+(?:a\s+)?(?P<diet>vegetarian|vegan|pescatarian|gluten[- ]free|kosher|halal)"),
      _diet),
    R("your_school", frozenset({"grad", "alum", "graduate"}),
      rx(r"\byou'?re\s+(?:a|an)\s+{SCHOOL}\s+(?:grad|alum|graduate)"), _school),
]

