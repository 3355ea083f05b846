"""How long the morning briefing takes on a big store: build (all queries) and render.

    .venv/bin/python benchmarks/briefing_speed.py [MESSAGES] [--people N] [--database-url URL]

Generates a store straight through ``insert_many`` (no mail parsing): MESSAGES messages
(default 100,000) between the user and N people (default 2,000) over three years, one
touchpoint per message, a meeting history, facts and open loops for everyone, and ten
meetings today with four attendees each (three contacts, one colleague), picked among
the busiest correspondents so every attendee brings a long history. Then it times
building the briefing for today and rendering it (text and inlined HTML), five times,
and prints the median wall-clock and CPU times (CPU time tells the cost on a shared machine). The target is under a second for the whole.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import random
import statistics
import sys
import tempfile
import time
import zoneinfo
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from syncd import briefing, render, store  # noqa: E402

TZ = zoneinfo.ZoneInfo("America/New_York")
NOW = dt.datetime(2026, 3, 24, 7, 0, tzinfo=TZ)
ME = "alex@morganadvisory.com"
CHUNK = 500
FACTS = [("family", "daughter Emma, got into the University of Michigan", None, "family:daughter:emma"),
         ("sports", "Boston Red Sox", None, "sports:boston red sox"),
         ("travel", "Lisbon, next week", "2026-03-30", "travel:lisbon"),
         ("preference", "vegetarian", None, "preference:diet"),
         ("birthday", "birthday", "--03-27", "birthday"),
         ("work", "VP of Sales at Acme", None, "work:role")]


def _insert(model: type[store.BaseModel], rows: list[dict[str, object]]) -> None:
    for at in range(0, len(rows), CHUNK):
        model.insert_many(rows[at:at + CHUNK]).execute()


@functools.cache
def _zipf_total(n_people: int) -> float:
    return sum(1.0 / (i + 1) ** 0.8 for i in range(n_people))


def _conversation(rnd: random.Random, rank: int, n_messages: int, n_people: int) -> list[tuple[dt.datetime, bool]]:
    """One relationship's mail, shaped like real mail: a share of the messages that falls
    with rank (a few people write a lot), in threads of one to four messages a few hours
    apart, at the person's own rhythm (two days to four months), over a stretch of time
    that ends now for the busiest people and at some point in the last three years for
    the others (relationships fade)."""
    total = _zipf_total(n_people)
    count = max(1, round(n_messages * (1.0 / (rank + 1) ** 0.8) / total))
    gap = 2.0 * (60.0 ** rnd.random())  # days between conversations
    end = NOW - dt.timedelta(days=rnd.uniform(0.2, 3) if rank < 60 else rnd.uniform(0, 1000))
    out: list[tuple[dt.datetime, bool]] = []
    thread_at = end
    while len(out) < count:
        for k in range(min(count - len(out), rnd.randint(1, 4))):
            out.append((thread_at + dt.timedelta(hours=2 * k + rnd.random()), (k + rank) % 2 == 1))
        thread_at -= dt.timedelta(days=gap * rnd.uniform(0.5, 1.5))
        if thread_at < NOW - dt.timedelta(days=1095):
            thread_at = end - dt.timedelta(days=rnd.uniform(0, 1095))  # a busy correspondent: fill in the years
    return [(min(at, NOW - dt.timedelta(minutes=5)), outgoing) for at, outgoing in out]


def generate(n_messages: int, n_people: int, seed: int = 4) -> dict[str, int]:
    """Fill the open store; returns what it made."""
    rnd = random.Random(seed)
    created = NOW - dt.timedelta(days=1100)
    with store.db.atomic():
        account = store.Account.create(name="bench", kind="maildir", created=created)
        me = store.Person.create(name="Alex Morgan", primary_email=ME, is_self=True, created=created)
        me_addr = store.Address.create(email=ME, name="Alex Morgan", person=me)
        people = [{"name": f"Person {i}", "primary_email": f"person{i}@company{i % 300}.example", "created": created}
                  for i in range(n_people)]
        people += [{"name": f"Colleague {i}", "primary_email": f"colleague{i}@morganadvisory.com", "created": created}
                   for i in range(20)]
        _insert(store.Person, people)
        ids = [p.id for p in store.Person.select(store.Person.id).where(store.Person.is_self == False).order_by(store.Person.id)]  # noqa: E712
        _insert(store.Address, [{"email": p["primary_email"], "name": p["name"], "person": pid} for p, pid in zip(people, ids)])
        addr = {a.person_id: a.id for a in store.Address.select(store.Address.id, store.Address.person)}
        messages, mas, who = [], [], []
        for rank, pid in enumerate(ids):
            for at, outgoing in _conversation(rnd, rank, n_messages, len(ids)):
                n = len(messages)
                who.append(pid)
                messages.append({
                    "message_id": f"<bench-{n}@x>", "subject": f"Re: project {n % 997}", "date": at,
                    "sender": me_addr.id if outgoing else addr[pid], "outgoing": outgoing, "thread": f"<t{pid}-{n // 3}@x>",
                    "body": f"Hi,\n\nNotes on item {n}. Talk soon.\n\nPerson\n--\nPerson {pid}\nDirector, Company {pid % 300}\n",
                    "words": 40, "questions": n % 3, "inferred": True,
                })
        _insert(store.Message, messages)
        mids = [m.id for m in store.Message.select(store.Message.id).order_by(store.Message.id)]
        touches = []
        for mid, pid, m in zip(mids, who, messages):
            mas.append({"message": mid, "address": addr[pid], "role": "to" if m["outgoing"] else "from"})
            touches.append({"person": pid, "kind": "sent" if m["outgoing"] else "received", "at": m["date"],
                            "message": mid, "subject": m["subject"]})
        _insert(store.MessageAddress, mas)
        _insert(store.Touchpoint, touches)
        facts, loops = [], []
        for n, pid in enumerate(ids):
            mid = mids[n % len(mids)]
            for kind, value, date, key in FACTS[: 2 + n % 5]:
                if kind == "birthday":
                    date = f"--{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}"
                elif kind == "travel":
                    date = (NOW.date() + dt.timedelta(days=rnd.randint(-90, 90))).isoformat()
                facts.append({"person": pid, "message": mid, "kind": kind, "value": value, "key": key, "date": date,
                              "confidence": 0.85, "sentence": value, "source": f"<bench-{n}@x>",
                              "stated_at": (NOW - dt.timedelta(days=30 + n % 400)).date().isoformat(),
                              "natural": f"f{n}:{key}"})
            loops.append({"person": pid, "message": mid, "direction": "theirs" if n % 2 else "mine", "kind": "promise",
                          "text": "I'll send the partner numbers by Friday.", "due": None,
                          "stated_at": NOW - dt.timedelta(days=5 + n % 20), "natural": f"l{n}"})
        _insert(store.Fact, facts)
        _insert(store.OpenLoop, loops)
        events, attendees = [], []
        busiest = ids[:30]
        colleagues = ids[n_people:]
        for n in range(10):
            start = dt.datetime.combine(NOW.date(), dt.time(8 + n), TZ)
            events.append({"account": account.id, "provider_id": f"ev{n}", "uid": f"ev{n}@bench", "summary": f"Meeting {n}",
                           "location": f"Company {n}, Main St", "start": start, "end": start + dt.timedelta(minutes=45)})
        _insert(store.Event, events)
        for event in store.Event.select():
            n = int(event.uid[2:].split("@")[0])
            for pid in [*busiest[3 * n:3 * n + 3], colleagues[n]]:
                attendees.append({"event": event.id, "address": addr[pid], "name": "", "partstat": "ACCEPTED"})
            attendees.append({"event": event.id, "address": me_addr.id, "name": "Alex", "partstat": "ACCEPTED", "organizer": True})
        _insert(store.Attendee, attendees)
    return {"messages": len(messages), "people": len(ids), "touchpoints": len(touches), "facts": len(facts),
            "loops": len(loops), "meetings": 10}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("messages", nargs="?", type=int, default=100_000)
    parser.add_argument("--people", type=int, default=2_000)
    parser.add_argument("--database-url", help="a PostgreSQL URL (default: a new SQLite file)")
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{Path(tempfile.mkdtemp(prefix='syncd-bench-')) / 'syncd.db'}"
    store.open_db(url)
    started = time.perf_counter()
    made = generate(args.messages, args.people)
    print(f"generated {made} in {time.perf_counter() - started:.1f}s ({url})")
    own = frozenset([ME])
    builds, renders, cpus = [], [], []
    for _ in range(5):
        t0, c0 = time.perf_counter(), time.process_time()
        b = briefing.build(NOW.date(), NOW, TZ, own, "America/New_York")
        t1 = time.perf_counter()
        render.subject(b)
        render.render_text(b)
        render.render_html(b)
        t2 = time.perf_counter()
        builds.append(t1 - t0)
        renders.append(t2 - t1)
        cpus.append(time.process_time() - c0)
    people = sum(len(m.attendees) for m in b.meetings)
    total = statistics.median(b + r for b, r in zip(builds, renders))
    print(f"briefing for {len(b.meetings)} meetings ({people} attendees) on {made['messages']:,} messages: "
          f"build {statistics.median(builds):.3f}s + render {statistics.median(renders):.3f}s = {total:.3f}s wall, "
          f"{statistics.median(cpus):.3f}s CPU (median of 5; target < 1s)")


if __name__ == "__main__":
    main()
