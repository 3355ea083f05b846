"""First-person rules about the writer's life: birthday, anniversary, family, pet, life events.

Every pattern names its subject ("my", "our", "I", "we", "my wife and I"): a third party
("my wife's birthday", "my colleague Mark") never matches a rule about the writer.
"""

from __future__ import annotations

import re

from syncd.infer import fact_lex as lex
from syncd.infer.fact_common import Ctx, G, Hit, Rule, clean_org, clean_place, fact_date, rx, title_case_role

_ORD = r"(?P<age>\d{1,3})(?:st|nd|rd|th)"
_NUMW = (r"(?P<n>\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen"
         r"|twenty|twenty-five|thirty|forty|fifty)")
_SICK = re.compile(r"surger|operat|cancer|chemo|diagnos|hospital|passed|died|death|funeral|ill\b|sick"
                   r"|stroke|heart attack|dementia|alzheimer|parkinson|broke|injur|down\b|lost", re.I)


def _age(m: re.Match[str]) -> str:
    age = G(m).get("age")
    return f"{age}th birthday".replace("1th", "1st").replace("2th", "2nd").replace("3th", "3rd") \
        .replace("11st", "11th").replace("12nd", "12th").replace("13rd", "13th") if age else "birthday"


def _birthday(need_date: bool, today_default: bool = False):
    def build(m: re.Match[str], c: Ctx) -> list[Hit]:
        d = c.date_for(m.span(), kind="birthday")
        if d is None and today_default:
            return [Hit("birthday", _age(m), "birthday", 0.85, f"--{c.ref.month:02d}-{c.ref.day:02d}")]
        if d is None and need_date:
            return []
        return [Hit("birthday", _age(m), "birthday", 0.9 if d and not d.conflict else 0.7,
                    fact_date(d, yearly_date=True))]
    return build


def _anniversary(kind_word: str):
    def build(m: re.Match[str], c: Ctx) -> list[Hit]:
        g = G(m)
        n = g.get("n") or g.get("n2") or g.get("age")
        wedding = kind_word == "wedding" or bool(g.get("w")) or (g.get("poss") or "").lower() == "our"
        label = "wedding anniversary" if wedding else "anniversary"
        value = f"{n}th {label}" if n and n.isdigit() else (f"{n} years, {label}" if n else label)
        d = c.date_for(m.span(), kind="anniversary")
        return [Hit("anniversary", value, "anniversary:wedding" if wedding else "anniversary", 0.85,
                    fact_date(d, yearly_date=True))]
    return build


def _work_anniversary(m: re.Match[str], c: Ctx) -> list[Hit]:
    g = G(m)
    org = clean_org(g.get("org"))
    n = g.get("n") or g.get("n2")
    what = f"{n} years in business" if "business" in m.group(0).lower() else f"{n}-year work anniversary"
    value = f"{what} at {org}" if org else what
    d = c.date_for(m.span(), kind="anniversary")
    hits = [Hit("anniversary", value, "anniversary:work", 0.8, fact_date(d, yearly_date=True))]
    if org:
        hits.append(Hit("work", org, "work:role", 0.7))
    return hits


# --- family ------------------------------------------------------------------------------------
# A proper name, case-sensitive although the rules are not: "the University of Michigan", "Texas A&M".
_PROPER = r"(?-i:(?:the\s+)?[A-Z][\w&]*(?:\s+(?:of\s+(?:the\s+)?|&\s+|and\s+)?[A-Z][\w&]*){0,3})"
_NEWS_RAW: list[tuple[str, str]] = [
    (r"(?:got|was|been|has\s+been)\s+(?:accepted|admitted)\s+(?:in)?to\s+(?P<obj>college|university|{_PROPER})", "got into {obj}"),
    (r"got\s+into\s+(?P<obj>college|university|grad\s+school|law\s+school|med\s+school|{_PROPER})", "got into {obj}"),
    (r"(?:is\s+|'s\s+)?(?:starting|started|starts|begins|began)\s+(?P<obj>college|high\s+school|middle\s+school|kindergarten|kindergarden|preschool|pre-k|first\s+grade|school|university|grad\s+school|law\s+school|med\s+school|at\s+{_PROPER})", "started {obj}"),
    (r"(?:is\s+|'s\s+)?(?:off\s+to|leaving\s+for|left\s+for|heading\s+off\s+to)\s+college", "started college"),
    (r"(?:is\s+|'s\s+)?(?:graduating|graduated|graduates|will\s+graduate)(?:\s+from\s+(?P<obj>(?:high\s+school|college|{_PROPER})))?", "graduating {from}"),
    (r"(?:is\s+|'s\s+)?(?:getting\s+married|got\s+married|just\s+married)", "getting married"),
    (r"(?:is\s+|'s\s+|just\s+)?(?:got\s+engaged|is\s+engaged|engaged)", "engaged"),
    (r"(?:just\s+)?(?:had|is\s+having|'s\s+having)\s+(?:a|her|their)\s+(?:first\s+|second\s+|third\s+)?baby(?:\s+(?P<obj>boy|girl))?", "had a baby {obj}"),
    (r"(?:is|'s)\s+(?:expecting|pregnant)", "expecting a baby"),
    (r"(?:was|were)\s+born|arrived", "born"),
    (r"(?:turned|turns|is\s+turning|'s\s+turning|will\s+turn|turn)\s+(?P<obj>\d{1,3})", "turning {obj}"),
    (r"made\s+the\s+(?P<obj>(?:[\w-]+\s+){0,3}?team)", "made the {obj}"),
    (r"(?:passed\s+away|passed|died|lost\s+(?:his|her|their)\s+(?:battle|fight))", "passed away"),
    (r"(?:is|was|'s)\s+(?:in|back\s+in)\s+(?:the\s+)?hospital", "in the hospital"),
    (r"(?:was|has\s+been|got|is)\s+(?:just\s+)?diagnosed\s+with\s+(?P<obj>[\w'-]+(?:\s+[\w'-]+){0,2}?)(?=\s+(?:in|last|this|and|on|a|two|three)\b|[,.;!]|$)", "diagnosed with {obj}"),
    (r"(?:is\s+|'s\s+)?(?:having|getting|recovering\s+from|had)\s+(?P<obj>(?:[\w-]+\s+){0,2}?surgery)", "{obj}"),
    (r"has\s+(?P<obj>cancer|dementia|alzheimer'?s|parkinson'?s|covid|leukemia|lymphoma)", "has {obj}"),
    (r"broke\s+(?:his|her|their)\s+(?P<obj>\w+)", "broke {obj}"),
    (r"(?:is\s+|'s\s+)?applying\s+to\s+(?P<obj>colleges?|schools?|law\s+school|med\s+school|grad\s+school)", "applying to {obj}"),
    (r"(?:is|'s)\s+(?:now\s+)?(?:a\s+)?(?P<yr>freshman|sophomore|junior|senior)\s+(?:at|in)\s+(?P<obj>{_PROPER}|college|high\s+school)", "{yr} at {obj}"),
    (r"(?:is|'s)\s+(?:now\s+)?(?:at|in)\s+(?P<obj>college|" + "|".join(re.escape(s) for s in lex.SCHOOLS) + r")\b", "at {obj}"),
    (r"(?:got|landed|started)\s+(?:a|her|his|their)\s+(?:new\s+|first\s+)?job", "new job"),
    (r"(?:is\s+|'s\s+)?(?:moving|moved)\s+(?:back\s+)?to\s+(?P<obj>[A-Z][\w.-]*(?:\s+[A-Z][\w.-]*){0,2})", "moving to {obj}"),
    (r"(?:now\s+|still\s+)?lives\s+in\s+(?P<obj>[A-Z][\w.-]*(?:\s+[A-Z][\w.-]*){0,2})", "lives in {obj}"),
    (r"(?:now\s+|still\s+)?works\s+(?:at|for)\s+(?P<obj>[A-Z][\w&.-]*(?:\s+[A-Z][\w&.-]*){0,2})", "works at {obj}"),
]
_NEWS: list[tuple[str, str]] = [(p.replace("{_PROPER}", _PROPER), v) for p, v in _NEWS_RAW]
_NEWS_RX = re.compile(
    r"^\s*,?\s*(?:who\s+|,\s*)?(?:(?:just|finally|recently|officially|also|now)\s+)?(?:" +
    "|".join(f"(?P<n{i}>{re.sub(r'[(][?]P<[a-z]+>', '(?:', p)})" for i, (p, _) in enumerate(_NEWS)) + ")",
    re.IGNORECASE)
_CHILD = {"son", "daughter", "baby", "twins", "child", "children"}


def _news(rest: str) -> tuple[str, re.Match[str]] | None:
    m = _NEWS_RX.match(rest)
    if not m:
        return None
    for i, (_, template) in enumerate(_NEWS):
        if m.group(f"n{i}"):
            sub = re.match(_NEWS[i][0], m.group(f"n{i}"), re.IGNORECASE)
            g = {k: (v or "") for k, v in (sub.groupdict() if sub else {}).items()}
            obj = re.sub(r"\s+", " ", g.get("obj", "")).strip()
            text = template.format(obj=obj, yr=g.get("yr", ""), **{"from": f"from {obj}" if obj else ""})
            return re.sub(r"\s+", " ", text).strip(), m
    return None


def _relation(word: str) -> str:
    w = word.lower()
    fixes = {"daugher": "daughter", "daugter": "daughter", "neice": "niece", "finace": "fiancé",
             "hubby": "husband"}
    return lex.RELATIONS.get(fixes.get(w, w), fixes.get(w, w))


def _family(m: re.Match[str], c: Ctx) -> list[Hit]:
    g = G(m)
    rel = _relation(str(g["rel"]))
    name = g.get("name")
    if name and name.lower() in lex.PLACE_NAMES:
        name = None
    found = _news(c.sentence[m.end():])
    if not name and not found:
        return []
    who = f"{rel} {name}" if name else rel
    key = f"family:{rel}:{name.lower()}" if name else f"family:{rel}"
    hits: list[Hit] = []
    if found:
        news, nm = found
        d = c.date_for((m.end(), m.end() + nm.end()), kind="family")
        sensitive = bool(_SICK.search(news))
        date = fact_date(d, month_ok=True)
        hits.append(Hit("family", f"{who}, {news}", key, 0.85, date, sensitive))
        if news == "born" and rel in _CHILD:
            hits.append(Hit("life_event", f"new baby, {who}", "life_event:baby", 0.85, date))
    else:
        hits.append(Hit("family", who, key, 0.8))
    return hits


def _family_name_first(m: re.Match[str], c: Ctx) -> list[Hit]:
    rel, name = _relation(str(G(m)["rel"])), str(G(m)["name"])
    return [Hit("family", f"{rel} {name}", f"family:{rel}:{name.lower()}", 0.8)]


def _expecting(m: re.Match[str], c: Ctx) -> list[Hit]:
    d = c.date_for(m.span(), kind="family")
    if d is None and c.next_sentence and re.search(r"\bdue\b", c.next_sentence, re.I):
        nxt = Ctx(c.next_sentence, c.ref)
        d = next(iter(nxt.dates()), None)
    twins = "twins" if "twins" in c.sentence[m.start():m.end() + 12].lower() else "a baby"
    return [Hit("family", f"expecting {twins}" + (f", due {d.text}" if d and not d.conflict else ""),
                "family:baby", 0.85, fact_date(d))]


def _had_baby(m: re.Match[str], c: Ctx) -> list[Hit]:
    g = G(m)
    what = (g.get("what") or "baby").lower()
    rel = {"boy": "son", "girl": "daughter"}.get(what, what)
    d = c.date_for(m.span(), kind="life_event")
    date = fact_date(d)
    low = m.group(0).lower()
    verb = ("adopting" if "adopting" in low else "adopted") if "adopt" in low else "new baby"
    hits = [Hit("life_event", f"{verb}, {rel}" + (f" {g['name']}" if g.get("name") else ""), "life_event:baby", 0.85, date)]
    if g.get("name"):
        news = "adopted" if verb.startswith("adopt") else "born"
        hits.append(Hit("family", f"{rel} {g['name']}, {news}", f"family:{rel}:{str(g['name']).lower()}", 0.8, date))
    return hits


# --- pets --------------------------------------------------------------------------------------
def _pet(m: re.Match[str], c: Ctx) -> list[Hit]:
    g = G(m)
    sp_word = re.sub(r"\s+", " ", str(g["sp"]).lower())
    species = lex.SPECIES.get(sp_word, sp_word)
    name = g.get("name") or g.get("name2")
    rest = c.sentence[m.end():]
    died = bool(re.search(r"\bdown\b", m.group(0), re.I)) or bool(
        re.match(r"\s*(?:,\s*)?(?:just\s+)?(?:died|passed(?:\s+away)?|crossed\s+the\s+rainbow\s+bridge)", rest, re.I))
    new = bool(re.search(r"\b(?:adopted|got|rescued|brought|fostered|bought|welcomed|getting|new)\b", m.group(0), re.I))
    if not name and not new and not died:
        return []
    if name and name.lower() in ("he", "she"):
        name = None
    who = f"{sp_word} {name}" if name else (f"new {sp_word}" if not died else sp_word)
    key = f"pet:{species}:{name.lower()}" if name else f"pet:{species}"
    if died:
        d = c.date_for(m.span(), kind="pet")
        return [Hit("pet", f"{who}, died", key, 0.85, fact_date(d), True)]
    return [Hit("pet", who, key, 0.85 if name else 0.75)]


# --- life events -------------------------------------------------------------------------------
_MOVE_DAY = re.compile(r"\b(?:clos(?:e|es|ing)|move[- ]in|moving\s+(?:in|day)|keys)\b", re.IGNORECASE)
_GENERIC_ROLES = frozenset({"job", "role", "position", "offer", "post", "gig"})


def _event(label: str, key: str, conf: float = 0.85, sensitive: bool = False, *, place: bool = False,
           org: bool = False, work: bool = False):
    def build(m: re.Match[str], c: Ctx) -> list[Hit]:
        g = G(m)
        value = label.format(**{k: (v or "") for k, v in g.items()})
        d = c.date_for(m.span(), kind="life_event")
        if d is None and key in ("life_event:house", "life_event:move") and _MOVE_DAY.search(c.next_sentence):
            d = next((x for x in Ctx(c.next_sentence, c.ref).dates() if x.grain == "day"), None)
        hits: list[Hit] = []
        where = clean_place(str(g["place"])) if g.get("place") else None
        if place and g.get("place") and not where:
            return []
        company = clean_org(g.get("org")) if org else None
        if company and company.lower() in lex.PLACE_NAMES:
            return []
        if where and not place:  # "joined Deer Valley Resort in Park City": where they work
            hits.append(Hit("location", where, "location:work", 0.7))
            where = None
        if where:
            value = f"{value} {where}"
            hits.append(Hit("location", where, "location:home", 0.8, fact_date(d)))
        if company:
            value = f"{value} at {company}" if " at " not in value else value
        roles = [v for k, v in m.groupdict().items() if k.split("__")[0] == "role" and v]
        role = next((r for r in roles if re.sub(r"^new\s+", "", r.lower()).strip() not in _GENERIC_ROLES), None)
        if work and (company or role):
            job = f"{title_case_role(role)} at {company}" if role and company else (title_case_role(role) if role else company)
            hits.append(Hit("work", job or "", "work:role", 0.8))
        if not where:
            value = re.sub(r"\s+(?:in|to)$", "", value)
        what = g.get("what")
        if what:
            value = value + ": " + " ".join(what.split())
        hits.insert(0, Hit("life_event", re.sub(r"\s+", " ", value).strip(" ,:"), key, conf,
                           fact_date(d), sensitive or bool(_SICK.search(value) and key.endswith(("surgery", "illness")))))
        return hits
    return build


def _conjoined(build):
    """A rule whose match may start at "and ..." counts only after an "I" earlier in the sentence."""
    def wrapped(m: re.Match[str], c: Ctx) -> list[Hit]:
        if re.match(r"(?:and|&)\b", m.group(0), re.I) and not re.search(r"\bI\b", c.sentence[:m.start()]):
            return []
        return build(m, c)
    return wrapped


R = Rule
RULES: list[Rule] = [
    # birthday
    R("my_birthday", frozenset({"birthday", "bday", "b-day"}),
      rx(r"\bmy\s+(?:(?P<age>\d{1,3})(?:st|nd|rd|th)\s+)?(?:b-?day|birthday|bday)\b(?!\s*(?:party|present|gift|card|dinner|cake|wish|list|plans|celebration))"),
      _birthday(need_date=True)),
    R("its_my", frozenset({"it's", "its", "it"}),
      rx(r"\bit(?:'?s|\s+is)\s+my\s+(?:" + _ORD + r"(?:\s+birthday)?|birthday|b-?day)\b(?!\s*(?:party|dinner))"),
      _birthday(need_date=False, today_default=True)),
    R("i_turn", frozenset({"turn", "turning", "turned", "be"}),
      rx(r"\bI(?:'m|\s+am|'ll|\s+will)?\s+(?:turn|turning|turned)\s+(?P<age>\d{1,3})\b"
         r"|\bI(?:'ll|\s+will)\s+be\s+(?P<age__b>[1-9]\d)\b(?!\s*(?:minutes|mins?|hours?|hrs?|days?|weeks?|years|%|people|percent|dollars|bucks|k\b|miles))"),
      _birthday(need_date=True)),
    R("today_my", frozenset({"today"}),
      rx(r"\btoday(?:'s|\s+is)\s+my\s+(?:birthday|bday|" + _ORD + r")"), _birthday(need_date=False, today_default=True)),
    # anniversary
    R("our_anniv", frozenset({"anniversary"}),
      rx(r"\b(?P<poss>our|my)\s+(?:" + _ORD + r"\s+|" + _NUMW + r"(?:-|\s)year\s+)?(?P<w>wedding\s+)?anniversary\b(?!\s+(?:party|gift|present|at|with))"),
      _anniversary("")),
    R("years_married", frozenset({"married", "marriage"}),
      rx(r"\b" + _NUMW + r"\s+years?\s+(?:married|of\s+marriage)\b|\bmarried\s+(?:for\s+)?" + _NUMW.replace("?P<n>", "?P<n2>") + r"\s+years\b"),
      _anniversary("wedding")),
    R("work_anniv", frozenset({"anniversary", "business"}),
      rx(r"\bmy\s+" + _NUMW + r"(?:-|\s)year\s+(?:work\s+)?anniversary\s+(?:at|with)\s+{ORG}"
         r"|\b(?:celebrating|celebrate|marking|mark)\s+" + _NUMW.replace("?P<n>", "?P<n2>") + r"\s+years\s+in\s+business"),
      _work_anniversary),
    # family
    R("my_rel", frozenset(lex.RELATIONS) | {"daugher", "daugter", "neice", "hubby"},
      rx(r"\b(?P<poss>my|our)\s+(?:(?:new|little|baby|oldest|youngest|eldest|older|younger|big|twin|wonderful|lovely|amazing|beautiful|dear|late|first|second|third)\s+)*{REL}\b(?!'s\b|-in-law)(?:\s*,?\s*(?P<name>{NAME})\b)?"),
      _family, needs=frozenset({"my", "our"})),
    R("name_my_rel", frozenset(lex.RELATIONS),
      rx(r"\b(?=[A-Z]\w*,\s+(?:my|our)\s)(?P<name>{NAME}),\s+(?:my|our)\s+{REL}\b"), _family_name_first),
    R("expecting", frozenset({"expecting", "pregnant", "baby", "twins", "due", "maternity", "paternity"}),
      rx(r"\b(?:{WE}|I)(?:'re|'m|\s+are|\s+am)\s+(?:(?:so|finally|officially|now|also)\s+)*(?:expecting|pregnant|having\s+(?:a\s+baby|twins|our\s+(?:first|second|third)(?:\s+(?:baby|child|kid))?))"
         r"|\b(?:I'?ll\s+be|I'?m|I\s+am|I\s+will\s+be|going)\s+(?:going\s+)?on\s+(?:maternity|paternity|parental)\s+leave"),
      _expecting),
    R("had_baby", frozenset({"had", "welcomed", "adopting", "adopted"}),
      rx(r"\b(?:{WE})\s+(?:just\s+)?(?:had|welcomed|(?:are|'re)\s+adopting|adopted)\s+(?:a|our)\s+(?:(?:beautiful|healthy|baby|little|new|first|second|third)\s+)*(?P<what>baby|son|daughter|boy|girl|twins)(?:\s+(?:boy|girl))?(?:\s*,?\s*(?P<name>{NAME}))?"),
      _had_baby),
    # pets
    R("my_pet", frozenset(lex.SPECIES) | {"pup"},
      rx(r"\b(?:my|our)\s+(?:(?:new|rescue|little|old|sweet|adopted|foster|two|three|beloved|late)\s+)*{SPECIES}\b(?!'s)(?:\s*,?\s*(?:named|called)?\s*(?P<name>{NAME}))?"),
      _pet, needs=frozenset({"my", "our"})),
    R("got_pet", frozenset({"adopted", "got", "rescued", "brought", "fostered", "bought", "welcomed", "getting"}),
      rx(r"\b(?:I|{WE})\s+(?:just\s+|finally\s+|recently\s+)?(?:adopted|got|rescued|brought\s+home|fostered|bought|welcomed|(?:are|'re)\s+getting)\s+(?:a|an|two|three|another|a\s+new)\s+(?:(?:new|rescue|little|baby|sweet|tiny)\s+)*{SPECIES}\b(?!\s+(?:report|results?|test|coat|partner|meeting|food|bed|toy))(?:\s*,?\s*(?:named|called)\s+(?P<name>{NAME}))?"),
      _pet),
    R("name_our_pet", frozenset(lex.SPECIES),
      rx(r"\b(?=[A-Z]\w*,\s+(?:my|our)\s)(?P<name>{NAME}),\s+(?:my|our)\s+(?:new\s+)?{SPECIES}\b"), _pet),
    R("pet_down", frozenset({"down", "lost"}),
      rx(r"\b(?:I|we)\s+(?:had\s+to\s+)?(?:put|putting|lost)\s+(?:our|my)\s+(?:(?:sweet|old|beloved)\s+)*{SPECIES}(?:\s*,?\s*(?P<name>{NAME}))?(?:,)?(?:\s+down)?"),
      _pet),
]
# life events
RULES += [
    R("new_job", frozenset({"job", "role", "position", "gig"}),
      rx(r"\b(?:I'?m|I\s+am|I'?ll|I\s+will|I)\s+(?:just\s+|recently\s+|finally\s+)?(?:start(?:ed)?|starting|begin|began|got|landed)\s+(?:a|my)\s+new\s+(?:job|role|position|gig)(?:\s+as\s+(?:a|an|the)\s+{ROLE})?(?:\s+(?:at|with)\s+{ORG})?"
         r"|(?:^|[:;]\s*)(?:I\s+)?(?:got\s+a\s+)?new\s+job\b(?!\s+(?:posting|title|listing|req|description|opening))"),
      _event("new job", "life_event:job", org=True, work=True)),
    R("start_at", frozenset({"start", "started", "starting"}),
      rx(r"\b(?:I'?m|I\s+am|I'?ll|I\s+will|I)\s+(?:just\s+|recently\s+)?(?:start(?:ed)?|starting)\s+(?:work(?:ing)?\s+)?(?:at|with)\s+{ORG}(?:\s+(?:on\s+\S+\s+|next\s+\w+\s+|in\s+\w+\s+)?as\s+(?:a|an|the|our)?\s*{ROLE})?"),
      _event("new job", "life_event:job", org=True, work=True)),
    R("joined", frozenset({"joined", "joining", "accepted", "taken", "took"}),
      rx(r"\b(?:I'?ve|I\s+have|I'?m|I\s+am|I'?ll\s+be|I\s+will\s+be|I)\s+(?:just\s+|officially\s+|finally\s+)?(?:joined|joining|(?:accepted|taken|took)\s+(?:a|an|the)\s+(?P<role>(?:new\s+)?(?:[\w/-]+\s+){0,2}?(?:job|role|position|offer|apprenticeship|internship|fellowship|residency|post))(?:\s+as\s+(?:a|an|the)?\s*{ROLE})?\s+(?:at|with))\s+{ORG}(?:\s+as\s+(?:a|an|the|our)?\s*{ROLE})?(?:\s+in\s+{PLACE})?"
         r"|\b(?:and|&)\s+(?:have\s+|'ve\s+)?(?:just\s+|also\s+)?(?:accepted|taken|took)\s+(?:a|an|the)\s+(?P<role>(?:new\s+)?(?:[\w/-]+\s+){0,2}?(?:job|role|position|offer|apprenticeship|internship|fellowship|residency|post))\s+(?:at|with)\s+{ORG}(?:\s+in\s+{PLACE})?"),
      _conjoined(_event("new job", "life_event:job", org=True, work=True))),
    R("promoted", frozenset({"promoted", "promotion", "made"}),
      rx(r"\bI(?:'ve)?\s+(?:just\s+|finally\s+)?(?:got|was|'ve\s+been|have\s+been|been)\s+promoted(?:\s+to\s+{ROLE})?"
         r"|\bI\s+(?:just\s+|finally\s+)?(?:got|received)\s+(?:the|a|my)\s+promotion"
         r"|\bI\s+(?:just\s+|finally\s+)?made\s+(?P<role>partner|director|VP|principal|tenure|senior\s+partner)\b"),
      _event("promotion", "life_event:promotion", work=True)),
    R("last_day", frozenset({"last", "leaving", "left", "quit", "resigned"}),
      rx(r"\bmy\s+last\s+day(?:\s+(?:of|at)\s+work)?(?:\s+here)?(?:\s+(?:at|with)\s+{ORG})?"
         r"|\bI(?:'m|\s+am)\s+leaving\s+{ORG}|\bI\s+(?:just\s+)?(?:left|quit|resigned\s+from)\s+{ORG}"),
      _event("leaving job, last day", "life_event:job_leave", org=True)),
    R("laid_off", frozenset({"laid", "let", "fired", "terminated", "termination", "layoff", "redundant", "lost"}),
      rx(r"\b(?:I'?ve\s+been|I\s+have\s+been|I'?m\s+being|I\s+am\s+being|I\s+(?:just\s+)?(?:got|was))\s+(?:laid\s+off|let\s+go|fired|terminated|downsized|made\s+redundant)(?:\s+from\s+{ORG})?"
         r"|\bmy\s+(?:termination|layoff|lay-off)\b|\bI\s+lost\s+my\s+job"),
      _event("laid off", "life_event:job_loss", sensitive=True, org=True)),
    R("retire", frozenset({"retiring", "retired", "retire", "retirement"}),
      rx(r"\bI(?:'m|\s+am)?\s+(?:just\s+|officially\s+|finally\s+)?(?:retiring|retired|will\s+retire|'ll\s+retire)\b(?:\s+from\s+{ORG})?"
         r"|\bmy\s+retirement\b(?!\s+(?:party|plan|account|fund|savings))"),
      _event("retirement", "life_event:retirement", org=True)),
    R("moved", frozenset({"moved", "relocated", "moving", "relocating"}),
      rx(r"\b(?:I|{WE})(?:'ve|\s+have)?\s+(?:just\s+|finally\s+|recently\s+|officially\s+)?(?:moved|relocated)\s+(?:back\s+|home\s+|up\s+|down\s+|out\s+|over\s+)?(?:here\s+)?to\s+{PLACE}"
         r"|\b(?:I'?m|I\s+am|{WE}\s+are|{WE}'re)\s+(?:(?:finally|officially|also|actually)\s+)*(?:moving|relocating)\s+(?:back\s+)?to\s+{PLACE}"),
      _event("moved to", "life_event:move", place=True)),
    R("moved_here", frozenset({"moved", "relocated"}),
      rx(r"\b(?:I|{WE})(?:'ve|\s+have)?\s+(?:just\s+|recently\s+|finally\s+)?(?:moved|relocated)\s+(?:(?:up|down|out|over)\s+)?(?:here|in)\b|\b(?:I|{WE})\s+(?:just\s+|recently\s+)?relocated\b(?!\s+to)"),
      _event("moved", "life_event:move")),
    R("house", frozenset({"house", "home", "condo", "apartment", "townhouse"}),
      rx(r"\b(?:I|{WE})\s+(?:just\s+|finally\s+)?(?:bought|closed\s+on|purchased)\s+(?:a|our|my|the)\s+(?:(?:first|new|little|brick|old|dream)\s+)*(?:house|home|condo|townhouse)(?:\s+in\s+{PLACE})?"),
      _event("bought a house in", "life_event:house", place=True)),
    R("wedding", frozenset({"married", "wedding"}),
      rx(r"\b(?:I'?m|I\s+am|{WE}(?:'re|\s+are))\s+(?:(?:finally|officially|also)\s+)*getting\s+married"
         r"|\b(?:our|my)\s+wedding\s+(?:is|will\s+be|'s|was)\b|\b(?:I|{WE})\s+(?:just\s+)?got\s+married"),
      _event("wedding", "life_event:wedding")),
    R("engaged", frozenset({"engaged", "proposed", "yes"}),
      rx(r"\b(?:I|{WE})(?:'re|'m|\s+am|\s+are)?\s+(?:just\s+|finally\s+|officially\s+)?(?:got\s+)?engaged\b(?!\s+(?:in|with))"
         r"|\b(?=[A-Z]\w*\s+(?:proposed|said\s+yes))(?P<name>{NAME})\s+(?:proposed|said\s+yes)\b(?=\s*(?:[!.,]|$|on\b|last\b|at\b|to\s+me\b|in\b))"),
      lambda m, c: _event("engaged", "life_event:engagement")(m, c) + (
          [Hit("family", f"fiancé(e) {G(m)['name']}", f"family:fiancé:{str(G(m)['name']).lower()}", 0.75)]
          if G(m).get("name") else [])),
    R("graduate", frozenset({"graduating", "graduate", "graduated"}),
      rx(r"\bI(?:'m|\s+am)?\s+(?:finally\s+)?(?:graduating|graduate|will\s+graduate|'ll\s+graduate|graduated)\b(?!\s+(?:student|school|program|degree))(?:\s+from\s+{SCHOOL})?"
         r"|\b(?:and|&)\s+graduating\b"),
      _event("graduation", "life_event:graduation")),
    R("surgery", frozenset({"surgery", "operation", "procedure", "out", "removed", "replacement", "replaced"}),
      rx(r"\bI(?:'m|\s+am|'ll)?\s+(?:just\s+)?(?:had|having|getting|have|recovering\s+from|going\s+in\s+for|scheduled\s+for)\s+(?:a\s+|my\s+|some\s+|minor\s+|major\s+)?(?P<what>(?:[\w-]+\s+){0,2}?(?:surgery|operation|procedure|transplant|replacement|biopsy))"
         r"|\bI(?:'m|\s+am)?\s+(?:having|had|getting|got)\s+my\s+(?P<what2>\w+)\s+(?:out|removed|taken\s+out|replaced|fixed)\b"),
      lambda m, c: _event("surgery", "life_event:surgery", sensitive=True)(m, c) if not G(m).get("what2") else
      [Hit("life_event", f"surgery: {G(m)['what2']} removed", "life_event:surgery", 0.8,
           fact_date(c.date_for(m.span(), kind="life_event")), True)]),
    R("illness", frozenset({"diagnosed", "cancer", "chemo", "hospital", "broke", "fractured", "tore", "sprained", "chemotherapy", "radiation", "recovering"}),
      rx(r"\b(?:I'?ve\s+been|I\s+have\s+been|I\s+was|I\s+got|I\s+just\s+got)\s+diagnosed\s+with\s+(?P<what>[\w'-]+(?:\s+[\w'-]+){0,2}?)(?=[,.;!]|\s+(?:in|last|this|and|on)\b|$)"
         r"|\bI\s+(?:have|'ve\s+got)\s+(?P<what2>cancer|lymphoma|leukemia|covid|diabetes|MS|ALS|shingles|pneumonia)"
         r"|(?<!'s\s)\b(?:my\s+)?(?P<what3>chemo(?:therapy)?|radiation)\s+(?:starts|begins|started|treatment)"
         r"|\bI'?m\s+(?:in|back\s+in)\s+(?:the\s+)?hospital"
         r"|\bI'?m\s+(?:still\s+)?recovering\s+from\s+(?P<what5>(?:[\w-]+\s+){0,2}?(?:covid|pneumonia|cancer|surgery|stroke|heart\s+attack|concussion|flu|injury|accident))\b"
         r"|\bI\s+(?:just\s+)?(?:broke|fractured|tore|sprained)\s+my\s+(?P<what4>\w+)"),
      lambda m, c: [Hit("life_event", ("broke " + str(G(m)["what4"])) if G(m).get("what4") else
                        "illness: " + (G(m).get("what") or G(m).get("what2") or G(m).get("what3") or G(m).get("what5") or "in hospital"),
                        "life_event:injury" if G(m).get("what4") else "life_event:illness", 0.8,
                        fact_date(c.date_for(m.span(), kind="life_event")), True)]),
    R("divorce", frozenset({"divorce", "divorced", "separating", "separated"}),
      rx(r"\bI'?m\s+(?:going\s+through|getting|in\s+the\s+middle\s+of)\s+(?:a\s+)?divorce"
         r"|\b(?:we|I)(?:'re|\s+are|'m|\s+am)?\s+(?:getting\s+)?(?:divorced|separating|separated)\b|\bmy\s+divorce\b"),
      _event("divorce", "life_event:divorce", sensitive=True)),
]

