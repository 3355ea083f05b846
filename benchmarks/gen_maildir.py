"""A seeded, reproducible Maildir++ corpus that looks like one person's mailbox.

    python benchmarks/gen_maildir.py N OUT [--seed S]

Writes ``N`` messages under ``OUT`` (a Maildir++ root: INBOX in ``OUT/cur`` and
``OUT/new``, plus ``.Sent``, ``.Archive``, ``.Work``, ``.Lists`` and an empty
``.Drafts``) and prints the user's addresses. The same ``N`` and ``--seed`` give the
same bytes on every machine and every run (a checksum of the corpus is printed and kept
in ``OUT/.syncd-bench.json`` with the addresses, so a benchmark can pass ``--address``).

What is in it, so that a benchmark on it means something:

* a few hundred correspondents (``N // 40``, between 60 and 400), some with two
  addresses, a popular few writing most of the mail; names with accents are RFC 2047
  encoded, as mail clients write them;
* threads: ~70% of personal mail is a reply, quoting the message before it (Gmail
  ``On ... wrote:`` with ``>`` lines, or Outlook ``-----Original Message-----``), with
  In-Reply-To and References; some threads have long Cc lists;
* ~30% of all messages are the user's own, in ``.Sent``;
* ~20% are newsletters and notifications (List-Unsubscribe, often List-Id and
  Precedence: bulk, HTML-heavy, an unsubscribe footer), half filtered into ``.Lists``;
* sizes from about 1 KB to 100 KB (log-normal, most a few KB); ~70% of messages are
  ``multipart/alternative`` text + HTML (quoted-printable HTML, as Gmail writes it), a
  few newsletters are HTML only; ~5% carry a ~50 KB base64 attachment;
* signatures (``-- `` and ``Sent from my iPhone``), greetings and sign-offs;
* personal facts sprinkled through the personal mail, each correspondent with their own
  consistent life ("my daughter Emma just started college", "I'm a huge Celtics fan",
  "we just moved to Denver") and promises and questions (open loops).

``add_messages`` appends a few new messages to INBOX/new (the incremental benchmark).
Generation uses only ``random.Random(seed)``; 100k messages take about a minute.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import datetime as dt
import hashlib
import html
import json
import math
import os
import random
import sys
import time
import unicodedata
from dataclasses import dataclass, field
from email.header import Header
from pathlib import Path

META = ".syncd-bench.json"
USER_NAME = "Alex Morgan"
USER_ADDRESSES = ("alex.morgan@example.org", "alex@morgan-family.net")
END = dt.datetime(2024, 5, 31, 18, 0, tzinfo=dt.timezone.utc)
NOW = "2024-06-01T08:00:00+00:00"  # a clock for the benchmarks: the morning after the corpus ends
FOLDERS = ("", ".Sent", ".Archive", ".Work", ".Lists", ".Drafts")

FIRST = ["Emma", "Olivia", "Ava", "Sophia", "Mia", "Amelia", "Harper", "Evelyn", "Abigail", "Emily", "Ella", "Chloe", "Grace", "Lily", "Zoë", "Nora", "Hannah", "Leah", "Maya", "Priya", "Aisha", "Ingrid", "Sofía", "Lucía", "Chiara", "Anouk", "Mei", "Yuki", "Fatima", "Noor", "Liam", "Noah", "Oliver", "Elijah", "James", "William", "Benjamin", "Lucas", "Henry", "Theodore", "Jack", "Daniel", "Samuel", "David", "Joseph", "Carter", "Owen", "Wyatt", "Julian", "Mateo", "José", "Søren", "Björn", "Luca", "Arjun", "Ravi", "Kenji", "Omar", "Tariq", "Dmitri", "Pierre", "François", "Marco", "Diego", "Andrés", "Kwame", "Tomás", "Ethan", "Ryan"]
LAST = ["Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores", "Green", "Adams", "Nelson", "Baker", "Hall", "Rivera", "Campbell", "Mitchell", "Carter", "Roberts", "Müller", "Schmidt", "Dubois", "Rossi", "Novak", "Kowalski", "Jensen", "Larsen", "Okafor", "Mensah", "Tanaka", "Sato", "Kim", "Park", "Chen", "Wang", "Patel", "Shah", "Singh", "Khan", "Ivanova", "Silva", "Costa", "Núñez", "Ødegaard"]
PERSONAL_DOMAINS = ("gmail.com", "yahoo.com", "outlook.com", "icloud.com", "fastmail.com", "hotmail.com", "proton.me")
COMPANIES = (
    ("Acme Corp", "acme-corp.com"), ("Northwind Traders", "northwind.io"), ("Globex", "globex.com"),
    ("Initech", "initech.net"), ("Umbrella Health", "umbrella.co"), ("Hooli", "hooli.com"),
    ("Stark Industries", "stark-industries.com"), ("Wayne Enterprises", "wayne-ent.com"),
    ("Vandelay Industries", "vandelay.com"), ("Soylent Foods", "soylent.example.com"),
    ("Cyberdyne Systems", "cyberdyne.ai"), ("Tyrell Corp", "tyrell.io"), ("Oscorp", "oscorp.org"),
    ("Massive Dynamic", "massivedynamic.com"), ("Pied Piper", "piedpiper.com"),
)
TITLES = ("Product Manager", "Senior Engineer", "Director of Sales", "Account Executive", "VP Marketing",
          "Designer", "Data Scientist", "Operations Lead", "CFO", "Partner", "Consultant", "Recruiter")
ZONES = ((-8, "-0800"), (-5, "-0500"), (-6, "-0600"), (0, "+0000"), (1, "+0100"), (2, "+0200"), (5.5, "+0530"), (9, "+0900"))

DAUGHTERS = ("Emma", "Lily", "Sophie", "Ava", "Chloe", "Zoe", "Ruby")
SONS = ("Noah", "Max", "Leo", "Sam", "Ben", "Jake", "Finn")
KIDS = DAUGHTERS + SONS
COLLEGES = ("Boston University", "UCLA", "Michigan", "NYU", "McGill", "Georgia Tech", "Oberlin", "UT Austin")
TEAMS = ("Celtics", "Red Sox", "Yankees", "Lakers", "Packers", "Warriors", "Arsenal", "Cubs", "Seahawks", "Bruins")
CITIES = ("Denver", "Austin", "Portland", "Chicago", "Seattle", "Lisbon", "Toronto", "Boston", "Atlanta", "Berlin")
PETS = ("Biscuit", "Luna", "Milo", "Pepper", "Scout", "Hazel", "Otis", "Maple")
HOBBIES = ("rock climbing", "sourdough baking", "marathon training", "woodworking", "birdwatching", "salsa dancing")
PLACES = ("Japan", "Iceland", "Portugal", "Peru", "Vietnam", "Morocco", "New Zealand", "Scotland")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
DOCS = ("deck", "proposal", "budget spreadsheet", "contract draft", "Q3 numbers", "design mockups", "report",
        "slides", "invoice", "project plan", "meeting notes", "updated timeline")
TOPICS = ("pricing", "the launch plan", "hiring", "the Q3 roadmap", "the vendor contract", "the offsite",
          "the migration", "onboarding", "the board meeting", "the renewal", "the partnership", "the audit")
SUBJECT_FORMS = ("{topic}", "Quick question about {topic}", "Re-thinking {topic}", "{topic}: next steps",
                 "Notes from today", "Lunch next week?", "Catching up", "Following up on {topic}",
                 "{doc} for review", "Call on {weekday}?", "Thoughts on {topic}", "Intro: {name}",
                 "Update on {topic}", "Weekend plans", "Congrats!", "{doc} attached", "Café meeting on {weekday}")
FILLER = (
    "I went through the numbers again this morning and they mostly hold up.",
    "The team has been heads down on the release, so things have been a bit hectic.",
    "We should probably loop in finance before we commit to anything.",
    "Thanks again for making time for the call yesterday, it was really helpful.",
    "I think the main open question is how we sequence the rollout across regions.",
    "Our current estimate is six to eight weeks, depending on the vendor.",
    "Let me know what you think when you get a chance.",
    "The feedback from the pilot customers was better than we expected.",
    "There are a couple of risks we flagged in the last review that still need owners.",
    "I talked to legal and they are fine with the revised wording in section four.",
    "The offsite venue confirmed the dates, and the agenda is mostly settled.",
    "We had a good discussion about priorities but did not land on a decision.",
    "Most of the work left is integration testing and documentation.",
    "I am still catching up on email after the conference, sorry for the delay.",
    "The new dashboard makes it much easier to see where the bottlenecks are.",
    "Support tickets went down about twelve percent after the last update.",
    "It would be great to get your perspective before we present this to the group.",
    "The budget for next year looks tight, but there is room for one more hire.",
    "We moved the weekly sync to Thursdays so more people can join.",
    "I attached a short summary of where things stand at the end of this note.",
    "Overall the quarter went well, although the pipeline is thinner than I would like.",
    "The design team shared a few options and I prefer the second one.",
    "Happy to jump on a call if that is easier than going back and forth here.",
    "No rush on this, whenever you have a moment is fine.",
    "The migration went smoothly apart from a short outage on Tuesday night.",
    "We are still waiting to hear back from the client about the scope change.",
    "The draft looks good to me overall, just a few small comments inline.",
    "I checked with the others and everyone is available in the afternoon.",
    "The numbers in the appendix come from the March export, so they may be slightly stale.",
    "Hiring has picked up and we should have two new engineers starting next month.",
    "Costs came in under plan, mostly because the hardware order slipped into next quarter.",
    "The weather here has been lovely, finally some sun after weeks of rain.",
    "I will be out of the office for a few days around the holiday.",
    "The kickoff went well and people seemed genuinely excited about the project.",
    "Someone asked about the timeline during the all hands and I did not have a good answer.",
    "We are planning to revisit the pricing model once the pilot wraps up.",
)
GREETINGS = ("Hi {first},", "Hey {first},", "Hello {first},", "{first},", "Dear {first},", "Hi {first} -", "Morning {first},")
SIGNOFFS = ("Thanks,", "Best,", "Cheers,", "Best regards,", "Thanks!", "Talk soon,", "All the best,", "Regards,")
LOOPS_OUT = ("I'll send you the {doc} by {weekday}.", "I will get back to you on {topic} next week.",
             "Let me dig up the {doc} and send it over tomorrow.", "I'll follow up with the team and circle back by {weekday}.")
LOOPS_ASK = ("Could you send me the {doc} when you get a chance?", "Can you review the {doc} before {weekday}?",
             "Would you be able to share the {doc} with the group?", "Do you have time to look at {topic} this week?")
FACT_FORMS = {
    "kid_college": "My daughter {daughter} just started college at {college}, so the house is very quiet.",
    "kid_grad": "Our son {son} graduates from high school in {month}, we are so proud of him.",
    "team": "I'm a huge {team} fan, so you can imagine how this week has been.",
    "moved": "We just moved to {city}, still unpacking boxes.",
    "birthday": "My birthday is on {month} {day}, so I will be out that day.",
    "pet": "We adopted a dog named {pet} last weekend and she is already running the house.",
    "hobby": "I've been getting into {hobby} lately, it is a great way to switch off.",
    "trip": "I just got back from two weeks in {place}, it was amazing.",
    "spouse": "My wife {spouse} and I are expecting our first baby in {month}!",
    "job": "I started a new job as {title} at {company} last month.",
}
YOUR_FACTS = ("How is {kid} liking college?", "Congrats on the move to {city}!", "Happy early birthday!",
              "How was the trip to {place}?")
NEWSLETTERS = (
    ("The Morning Digest", "digest@news.morningdigest.example", "morningdigest.example", True),
    ("GitHub", "notifications@github.com", "github.com", True),
    ("Acme Shop", "deals@email.acmeshop.example", "acmeshop.example", False),
    ("LinkedIn", "messages-noreply@linkedin.com", "linkedin.com", False),
    ("City Library", "newsletter@citylibrary.example", "citylibrary.example", True),
    ("Hacker Weekly", "hello@hackerweekly.example", "hackerweekly.example", True),
    ("Northwind Airlines", "no-reply@northwind-air.example", "northwind-air.example", False),
    ("Bank of Examples", "alerts@bankofexamples.example", "bankofexamples.example", False),
    ("Python Insider", "python-announce-list@python.example", "python.example", True),
    ("Running Club", "club-news@runners.example", "runners.example", True),
    ("Local Food Co-op", "info@foodcoop.example", "foodcoop.example", True),
    ("The Weekend Read", "editors@weekendread.example", "weekendread.example", True),
)
HEADLINES = ("Ten things we learned this week", "Your weekly summary is ready", "Prices drop on spring favourites",
             "New features you might have missed", "Upcoming events near you", "Your statement is available",
             "Reading list: the best of the month", "Members-only offer inside", "What changed in the latest release",
             "Three ways to save time every day", "Trip reminder and travel tips", "Community highlights")


@dataclass
class Person:
    name: str
    emails: tuple[str, ...]
    header_name: str  # RFC 2047 encoded when not ASCII
    first: str
    zone: tuple[float, str]
    signature: str
    company: str
    facts: list[str] = field(default_factory=list)
    said: set[str] = field(default_factory=set)


@dataclass
class Mail:
    """One message while it is being written (before it becomes bytes)."""

    author: Person | None
    to: list[Person]
    cc: list[Person]
    subject: str
    text: str  # the new text with greeting and sign-off
    msgid: str
    when: dt.datetime
    thread: Thread | None = None


@dataclass
class Thread:
    subject: str
    people: list[Person]
    ids: list[str]
    last: Mail | None = None
    last_from_user: bool = False


class World:
    """The user, their correspondents and the text pools, all drawn from one seed."""

    def __init__(self, n: int, seed: int) -> None:
        rng = random.Random(f"world-{seed}")
        self.user = Person(USER_NAME, USER_ADDRESSES, USER_NAME, "Alex", (-5, "-0500"),
                           "-- \nAlex Morgan\nHead of Partnerships, Example Org\n+1 617 555 0100", "Example Org")
        count = max(60, min(400, n // 40))
        self.people: list[Person] = []
        used: set[str] = set()
        for i in range(count):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            company, domain = rng.choice(COMPANIES)
            local = _ascii(f"{first}.{last}").lower()
            work = f"{local}@{domain}"
            if work in used:
                work = f"{local}{i}@{domain}"
            used.add(work)
            personal = f"{_ascii(first).lower()}{rng.randint(1, 99)}@{rng.choice(PERSONAL_DOMAINS)}"
            kind = rng.random()
            emails = (work,) if kind < 0.55 else (personal,) if kind < 0.85 else (work, personal)
            name = f"{first} {last}"
            header_name = name if name.isascii() else Header(name, "utf-8").encode()
            if rng.random() < 0.6:
                sig = f"-- \n{name}\n{rng.choice(TITLES)} | {company}\n+1 {rng.randint(200, 989)} 555 {rng.randint(1000, 9999)}"
            else:
                sig = rng.choice(("Sent from my iPhone", "", f"{first[0]}.", "--\n" + first))
            person = Person(name, emails, header_name, first, rng.choice(ZONES), sig, company)
            person.facts = self._facts(rng, person)
            self.people.append(person)
        # A few people write most of the mail (Zipf-like weights).
        self.weights = [1.0 / (i + 1) ** 0.9 for i in range(count)]
        self.cum = _cumulative(self.weights)
        # Pre-wrapped filler paragraphs: bodies are drawn from them.
        self.paragraphs = [_wrap(" ".join(rng.choice(FILLER) for _ in range(rng.randint(2, 6)))) for _ in range(300)]
        self.blob = base64.encodebytes(rng.randbytes(60_000)).decode("ascii")  # attachments slice this
        self.html_paragraphs = ["<p>" + html.escape(p.replace("\n", " ")) + "</p>" for p in self.paragraphs]

    @staticmethod
    def _facts(rng: random.Random, person: Person) -> list[str]:
        values = {
            "daughter": rng.choice(DAUGHTERS), "son": rng.choice(SONS), "college": rng.choice(COLLEGES), "team": rng.choice(TEAMS),
            "city": rng.choice(CITIES), "month": rng.choice(MONTHS), "day": rng.randint(1, 28),
            "pet": rng.choice(PETS), "hobby": rng.choice(HOBBIES), "place": rng.choice(PLACES),
            "spouse": rng.choice(FIRST), "title": rng.choice(TITLES), "company": rng.choice(COMPANIES)[0],
        }
        kinds = rng.sample(sorted(FACT_FORMS), rng.randint(1, 4))
        return [FACT_FORMS[k].format(**values) for k in kinds]

    def pick(self, rng: random.Random) -> Person:
        x = rng.random() * self.cum[-1]
        lo, hi = 0, len(self.cum) - 1
        while lo < hi:
            mid = (lo + hi) // 2
            if self.cum[mid] < x:
                lo = mid + 1
            else:
                hi = mid
        return self.people[lo]


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.replace("ø", "o").replace("Ø", "O"))
    return "".join(c for c in decomposed if c.isascii())


def _cumulative(weights: list[float]) -> list[float]:
    out, total = [], 0.0
    for w in weights:
        total += w
        out.append(total)
    return out


def _wrap(text: str, width: int = 72) -> str:
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    if line:
        lines.append(line)
    return "\n".join(lines)


def _date_header(when: dt.datetime, zone: tuple[float, str]) -> str:
    local = when + dt.timedelta(hours=zone[0])
    return local.strftime("%a, %d %b %Y %H:%M:%S ") + zone[1]


def _addr(p: Person, email: str | None = None) -> str:
    email = email or p.emails[0]
    if p.header_name.startswith("=?"):
        return f"{p.header_name} <{email}>"
    return f'"{p.name}" <{email}>' if "," in p.name else f"{p.name} <{email}>"


def _qp(text: str) -> str:
    return binascii.b2a_qp(text.encode("utf-8")).decode("ascii")


class Writer:
    """Turns ``Mail`` into RFC 5322 bytes and Maildir files."""

    def __init__(self, world: World, out: Path, seed: int, tag: str = "b") -> None:
        self.world = world
        self.out = out
        self.seed = seed
        self.tag = tag
        self.digest = hashlib.sha256()
        self.counts: dict[str, int] = {}
        self.bytes = 0
        self.paths: list[Path] = []

    def write(self, rng: random.Random, i: int, folder: str, raw: bytes, when: dt.datetime, new: bool) -> None:
        ts = int(when.timestamp())
        name = f"{ts}.M{i:06d}P{self.seed}Q{self.tag}.benchhost,S={len(raw)}"
        if new:
            sub, name = "new", name
        else:
            flags = "S" if rng.random() < 0.85 else rng.choice(("RS", "FS", "PS"))
            sub, name = "cur", f"{name}:2,{flags}"
        path = self.out / folder / sub / name if folder else self.out / sub / name
        with open(path, "wb") as handle:
            handle.write(raw)
        self.digest.update(name.encode())
        self.digest.update(raw)
        self.counts[folder or "INBOX"] = self.counts.get(folder or "INBOX", 0) + 1
        self.bytes += len(raw)
        self.paths.append(path)


def _headers(rng: random.Random, mail: Mail, author: Person, from_email: str, world: World) -> list[str]:
    host = from_email.split("@", 1)[1]
    date = _date_header(mail.when, author.zone)
    heads = [
        f"Return-Path: <{from_email}>",
        f"Received: from mail.{host} (mail.{host} [203.0.113.{rng.randint(1, 254)}])\n\tby mx.example.org "
        f"(Postfix) with ESMTPS id {rng.getrandbits(40):010X}\n\tfor <{USER_ADDRESSES[0]}>; {date}",
        f"Date: {date}",
        f"From: {_addr(author, from_email)}",
        "To: " + ",\n ".join(_addr(p) for p in mail.to),
    ]
    if mail.cc:
        heads.append("Cc: " + ",\n ".join(_addr(p) for p in mail.cc))
    subject = mail.subject
    heads.append("Subject: " + (subject if subject.isascii() else Header(subject, "utf-8").encode()))
    heads.append(f"Message-ID: {mail.msgid}")
    if mail.thread is not None and len(mail.thread.ids) > 1:
        heads.append(f"In-Reply-To: {mail.thread.ids[-2]}")
        refs = mail.thread.ids[:-1][-12:]
        heads.append("References: " + "\n ".join(refs))
    heads.append("MIME-Version: 1.0")
    if rng.random() < 0.3:
        heads.append(rng.choice(("X-Mailer: Apple Mail (2.3696.120.41.1.1)", "User-Agent: Mozilla Thunderbird",
                                 "X-Mailer: Microsoft Outlook 16.0", "X-Mailer: iPhone Mail (20E252)")))
    return heads


def _body_parts(rng: random.Random, world: World, text: str, quote_text: str, quote_head: str,
                multipart: bool, attach: bool) -> str:
    """Content-Type header line(s) + blank line + body."""
    plain = text + ("\n\n" + quote_head + "\n" + quote_text if quote_text else "")
    if plain.isascii():
        text_part = "Content-Type: text/plain; charset=\"UTF-8\"\nContent-Transfer-Encoding: 7bit\n\n" + plain
    else:
        text_part = "Content-Type: text/plain; charset=\"UTF-8\"\nContent-Transfer-Encoding: quoted-printable\n\n" + _qp(plain)
    if multipart:
        paras = "".join("<div>" + html.escape(p).replace("\n", "<br>") + "</div><div><br></div>" for p in text.split("\n\n"))
        quote = ""
        if quote_text:
            quote = (f'<div class="gmail_quote"><div dir="ltr" class="gmail_attr">{html.escape(quote_head)}</div>'
                     '<blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex;border-left:1px solid '
                     'rgb(204,204,204);padding-left:1ex">' + html.escape(quote_text).replace("\n", "<br>\n") + "</blockquote></div>")
        doc = f'<div dir="ltr">{paras}</div>{quote}\n'
        boundary = f"000000000000{rng.getrandbits(48):012x}"
        html_part = "Content-Type: text/html; charset=\"UTF-8\"\nContent-Transfer-Encoding: quoted-printable\n\n" + _qp(doc)
        body = (f"Content-Type: multipart/alternative; boundary=\"{boundary}\"\n\n--{boundary}\n{text_part}\n"
                f"--{boundary}\n{html_part}\n--{boundary}--\n")
    else:
        body = text_part + "\n"
    if not attach:
        return body
    size = rng.randint(36_000, 56_000)  # ~50 KB once base64 encoded
    start = rng.randint(0, len(world.blob) - size - 1)
    start -= start % 77  # on a line boundary (76 chars + newline)
    data = world.blob[start:start + size]
    data = data[: data.rfind("\n") + 1]
    name = rng.choice(("report.pdf", "Q3 numbers.xlsx", "photo.jpg", "contract-v2.docx", "slides.pdf", "invoice_2291.pdf"))
    ctype = {"pdf": "application/pdf", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             "jpg": "image/jpeg", "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}[name.rsplit(".", 1)[1]]
    boundary = f"000000000000{rng.getrandbits(48):012x}"
    inner = body.split("\n\n", 1) if not multipart else None
    first = body if multipart else f"{inner[0]}\n\n{inner[1]}"  # type: ignore[index]
    return (f"Content-Type: multipart/mixed; boundary=\"{boundary}\"\n\n--{boundary}\n{first}\n"
            f"--{boundary}\nContent-Type: {ctype}; name=\"{name}\"\nContent-Disposition: attachment; filename=\"{name}\"\n"
            f"Content-Transfer-Encoding: base64\n\n{data}\n--{boundary}--\n")


def _target_chars(rng: random.Random) -> int:
    """Characters of new text: log-normal, median ~1.2 KB, capped so the whole stays under ~100 KB."""
    return int(min(40_000, max(150, rng.lognormvariate(math.log(1200), 1.0))))


def _new_text(rng: random.Random, world: World, author: Person, to: Person, chars: int,
              fact: str, loop: str) -> str:
    parts = [rng.choice(GREETINGS).format(first=to.first)]
    size = 0
    body: list[str] = []
    while size < chars:
        p = rng.choice(world.paragraphs)
        body.append(p)
        size += len(p)
    if fact:
        body.insert(rng.randint(0, min(2, len(body))), _wrap(fact))
    if loop:
        body.insert(rng.randint(0, len(body)), _wrap(loop))
    parts.extend(body)
    parts.append(rng.choice(SIGNOFFS) + "\n" + author.first)
    if author.signature:
        parts.append(author.signature)
    return "\n\n".join(parts)


def _quote(rng: random.Random, prev: Mail) -> tuple[str, str]:
    """(attribution line, quoted text) of the message replied to."""
    lines = prev.text.split("\n")[:150]
    author = prev.author
    assert author is not None
    if rng.random() < 0.8:
        head = f"On {_date_header(prev.when, author.zone)}, {author.name} <{author.emails[0]}> wrote:"
        return head, "\n".join(">" + (" " + line if line and not line.startswith(">") else line) for line in lines)
    head = "-----Original Message-----"
    meta = (f"From: {author.name} [mailto:{author.emails[0]}]\nSent: {_date_header(prev.when, author.zone)}\n"
            f"To: {', '.join(p.name for p in prev.to)}\nSubject: {prev.subject}\n")
    return head, meta + "\n" + "\n".join(lines)


def _newsletter(rng: random.Random, world: World, i: int, when: dt.datetime) -> tuple[bytes, str]:
    name, sender, domain, is_list = rng.choice(NEWSLETTERS)
    date = _date_header(when, (0, "+0000"))
    msgid = f"<{rng.getrandbits(64):016x}.{i}@{domain}>"
    n_items = max(2, min(40, int(rng.lognormvariate(math.log(6), 0.7))))
    items = [rng.choice(HEADLINES) + ": " + rng.choice(world.paragraphs).replace("\n", " ") for _ in range(n_items)]
    unsub = f"https://{domain}/unsubscribe?u={rng.getrandbits(64):x}"
    footer = ("You are receiving this email because you subscribed to " + name + ".\n"
              f"Unsubscribe: {unsub}\nUpdate your preferences: https://{domain}/preferences")
    text = f"{name}\n\n" + "\n\n".join(_wrap(it) for it in items) + "\n\n" + footer + "\n"
    rows = "".join(
        '<tr><td style="padding:12px 24px;font-family:Helvetica,Arial,sans-serif;font-size:15px;line-height:22px;'
        f'color:#333333"><h2 style="margin:0 0 8px 0;font-size:18px">{html.escape(it.split(":", 1)[0])}</h2>'
        f'{html.escape(it.split(":", 1)[1])} <a href="https://{domain}/r/{rng.getrandbits(32):x}" '
        'style="color:#1a73e8">Read more</a></td></tr>' for it in items
    )
    doc = ('<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">'
           '<style>body{margin:0;padding:0}table{border-collapse:collapse}</style></head><body>'
           '<table width="100%" cellpadding="0" cellspacing="0" border="0" bgcolor="#f4f4f4"><tr><td align="center">'
           f'<table width="600" cellpadding="0" cellspacing="0" border="0" bgcolor="#ffffff">{rows}'
           f'<tr><td style="padding:24px;font-size:12px;color:#999999">{html.escape(footer).replace(chr(10), "<br>")}'
           f' <a href="{unsub}">Unsubscribe</a></td></tr></table></td></tr></table></body></html>\n')
    heads = [
        f"Return-Path: <bounce-{rng.getrandbits(48):x}@bounce.{domain}>",
        f"Received: from out.{domain} (out.{domain} [198.51.100.{rng.randint(1, 254)}])\n\tby mx.example.org "
        f"(Postfix) with ESMTPS id {rng.getrandbits(40):010X}\n\tfor <{USER_ADDRESSES[0]}>; {date}",
        f"DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d={domain}; s=s1;\n\th=from:to:subject:date:"
        f"message-id:list-unsubscribe;\n\tbh={base64.b64encode(rng.randbytes(32)).decode()};\n\t"
        f"b={base64.b64encode(rng.randbytes(128)).decode()}",
        f"Date: {date}",
        f"From: {name} <{sender}>",
        f"To: {USER_ADDRESSES[0]}",
        f"Subject: {rng.choice(HEADLINES)}",
        f"Message-ID: {msgid}",
        f"List-Unsubscribe: <mailto:unsubscribe-{rng.getrandbits(32):x}@{domain}>, <{unsub}>",
        "List-Unsubscribe-Post: List-Unsubscribe=One-Click",
        "MIME-Version: 1.0",
    ]
    if is_list:
        heads.append(f"List-Id: {name} <news.{domain}>")
        heads.append("Precedence: bulk")
    html_part = "Content-Type: text/html; charset=\"UTF-8\"\nContent-Transfer-Encoding: quoted-printable\n\n" + _qp(doc)
    if rng.random() < 0.15:  # HTML only
        body = html_part + "\n"
    else:
        boundary = f"----=_Part_{rng.getrandbits(40)}"
        body = (f"Content-Type: multipart/alternative; boundary=\"{boundary}\"\n\n--{boundary}\n"
                "Content-Type: text/plain; charset=\"UTF-8\"\nContent-Transfer-Encoding: quoted-printable\n\n"
                f"{_qp(text)}\n--{boundary}\n{html_part}\n--{boundary}--\n")
    folder = ".Lists" if rng.random() < 0.5 else ""
    return ("\n".join(heads) + "\n" + body).encode("utf-8"), folder


class Generator:
    """Writes messages one at a time, keeping recent threads open to be replied to."""

    def __init__(self, world: World, writer: Writer, rng: random.Random) -> None:
        self.world = world
        self.writer = writer
        self.rng = rng
        self.threads: list[Thread] = []

    def one(self, i: int, when: dt.datetime, new: bool = False) -> None:
        rng, world = self.rng, self.world
        if rng.random() < 0.20:
            raw, folder = _newsletter(rng, world, i, when)
            self.writer.write(rng, i, folder, raw, when, new)
            return
        outgoing = rng.random() < 0.375  # 30% of all mail once newsletters are counted
        candidates = [t for t in self.threads[-60:] if t.last_from_user != outgoing]
        thread: Thread | None = None
        if candidates and rng.random() < 0.7:
            thread = candidates[-1 - min(len(candidates) - 1, int(rng.expovariate(0.25)))]
        if thread is None:
            others = [world.pick(rng)]
            if rng.random() < 0.12:  # a bigger group, a long Cc list
                others += [world.pick(rng) for _ in range(rng.randint(2, 9))]
            others = list({id(p): p for p in others}.values())
            fields = {"topic": rng.choice(TOPICS), "doc": rng.choice(DOCS), "weekday": rng.choice(WEEKDAYS),
                      "name": rng.choice(world.people).name}
            subject = rng.choice(SUBJECT_FORMS).format(**fields)
            subject = subject[0].upper() + subject[1:]
            thread = Thread(subject=subject, people=others, ids=[])
            self.threads.append(thread)
            if len(self.threads) > 400:
                del self.threads[:100]
        user = world.user
        if outgoing:
            author = user
            to = thread.people[:1]
            cc = thread.people[1:]
        else:
            author = thread.people[0] if len(thread.people) == 1 or rng.random() < 0.6 else rng.choice(thread.people)
            to = [user]
            cc = [p for p in thread.people if p is not author]
        recipient = to[0]
        fact = loop = ""
        if not outgoing and rng.random() < 0.12 and author.facts:
            fact = rng.choice(author.facts)
        elif outgoing and rng.random() < 0.03:
            fact = rng.choice(YOUR_FACTS).format(kid=rng.choice(KIDS), city=rng.choice(CITIES), place=rng.choice(PLACES))
        if rng.random() < 0.10:
            form = rng.choice(LOOPS_OUT if rng.random() < 0.5 else LOOPS_ASK)
            loop = form.format(doc=rng.choice(DOCS), weekday=rng.choice(WEEKDAYS), topic=rng.choice(TOPICS))
        text = _new_text(rng, world, author, recipient, _target_chars(rng), fact, loop)
        domain = author.emails[0].split("@", 1)[1]
        msgid = f"<{rng.getrandbits(80):020x}.{i}@{'mail.gmail.com' if 'gmail' in domain else domain}>"
        thread.ids.append(msgid)
        subject = thread.subject if len(thread.ids) == 1 else ("Re: " + thread.subject)
        mail = Mail(author, to, cc, subject, text, msgid, when, thread)
        quote_head = quote_text = ""
        if thread.last is not None and rng.random() < 0.9:
            quote_head, quote_text = _quote(rng, thread.last)
        from_email = author.emails[0] if len(author.emails) == 1 or rng.random() < 0.7 else author.emails[1]
        heads = _headers(rng, mail, author, from_email, world)
        multipart = rng.random() < 0.68
        attach = rng.random() < 0.06
        body = _body_parts(rng, world, text, quote_text, quote_head, multipart, attach)
        raw = ("\n".join(heads) + "\n" + body).encode("utf-8")
        thread.last = mail
        thread.last_from_user = outgoing
        if outgoing:
            folder = ".Sent"
        else:
            x = rng.random()
            work = from_email.split("@", 1)[1] not in PERSONAL_DOMAINS
            folder = ".Archive" if x < 0.15 else ".Work" if x < 0.35 and work else ""
        self.writer.write(rng, i, folder, raw, when, new and not outgoing)


def _make_dirs(out: Path) -> None:
    for folder in FOLDERS:
        for sub in ("cur", "new", "tmp"):
            (out / folder / sub if folder else out / sub).mkdir(parents=True, exist_ok=True)


def generate(n: int, out: Path, seed: int = 1) -> dict[str, object]:
    """Write ``n`` messages under ``out`` (which must not hold a corpus yet); returns the metadata."""
    started = time.perf_counter()
    out = Path(out)
    _make_dirs(out)
    world = World(n, seed)
    writer = Writer(world, out, seed)
    rng = random.Random(f"mail-{seed}")
    gen = Generator(world, writer, rng)
    span = dt.timedelta(days=max(365, n / 40))  # ~40 messages a day, at least a year of mail
    step = span.total_seconds() / n
    start = END - span
    for i in range(n):
        when = start + dt.timedelta(seconds=int(step * i + rng.random() * step))
        gen.one(i, when, new=(n - i) <= max(1, n // 200))  # the last 0.5% are still in new/
    meta = {
        "messages": n, "seed": seed, "addresses": list(USER_ADDRESSES), "name": USER_NAME, "now": NOW,
        "folders": writer.counts, "bytes": writer.bytes, "sha256": writer.digest.hexdigest(),
        "people": len(world.people),
    }
    (out / META).write_text(json.dumps(meta, indent=2) + "\n")
    meta["seconds"] = round(time.perf_counter() - started, 2)
    return meta


def add_messages(out: Path, count: int, seed: int = 1, round_: int = 1) -> list[Path]:
    """Add ``count`` new messages to the corpus at ``out``, dated after its last one, in the
    folders new mail lands in (incoming in ``new/``, the user's own in ``.Sent``); ``round_``
    makes each call's messages distinct. Returns the new files (their names hold ``Qinc``)."""
    out = Path(out)
    meta = json.loads((out / META).read_text())
    world = World(int(meta["messages"]), seed)
    writer = Writer(world, out, seed, tag=f"inc{round_}")
    rng = random.Random(f"incremental-{seed}-{round_}")
    gen = Generator(world, writer, rng)
    for k in range(count):
        when = END + dt.timedelta(minutes=10 * round_ + k)
        gen.one(10_000_000 + round_ * 1000 + k, when, new=True)
    return list(writer.paths)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int, help="number of messages")
    ap.add_argument("out", type=Path, help="the Maildir++ root to create (must be empty or absent)")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    if args.out.exists() and any(args.out.iterdir()):
        sys.exit(f"{args.out} is not empty")
    meta = generate(args.n, args.out, args.seed)
    print(f"{meta['messages']} messages, {meta['bytes'] / 1e6:.0f} MB, {meta['people']} people, in {meta['seconds']} s")
    print("folders: " + ", ".join(f"{k} {v}" for k, v in sorted(meta["folders"].items())))  # type: ignore[attr-defined]
    print(f"user: {meta['name']} " + " ".join(f"--address {a}" for a in meta["addresses"]))  # type: ignore[attr-defined]
    print(f"sha256: {meta['sha256']}")
    if os.environ.get("GEN_STATS"):
        sizes = sorted(p.stat().st_size for p in args.out.rglob("*") if p.is_file() and p.parent.name in ("cur", "new"))
        pick = lambda q: sizes[int(q * (len(sizes) - 1))]  # noqa: E731
        print(f"sizes: min {sizes[0]} p50 {pick(.5)} p90 {pick(.9)} p99 {pick(.99)} max {sizes[-1]}")


if __name__ == "__main__":
    main()
