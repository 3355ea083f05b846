"""Gmail sync cost and time to a useful briefing: counted by the local emulator, timed
on a simulated clock at the quota.

    .venv/bin/python benchmarks/gmail_quota.py [--messages 1000] [--budget 6000] [--get-units 20]

1. **Per 1,000 messages, both ways**: a full sync through the real connector
   (google-api-python-client, HTTP batches) against ``tests/emulators/google.py`` of a
   mailbox whose conversations are 1 to 10 messages long (seeded: 2.1 on average), once
   with ``messages.get`` (format=raw) and once with ``threads.get`` (format=full): HTTP
   round trips, calls and quota units, at the issue's prices (get 20, thread 10) and at
   Google's table (get 5, thread 10). And an incremental sync of 10 new messages.
2. **The 5-minute mark** for mailboxes of 5k, 50k and 500k messages receiving 20, 50 or
   200 a day: the measured units per conversation and the first phase's call pattern
   (calendar, then the last 30 days of the week's attendees' mail, then the rest newest
   first), paced by :class:`connectors.gmail_quota.Pacer` on a simulated clock (0.3 s a
   batch round trip, as measured). "Briefing-ready" = the calendar and all mail of the
   week's attendees from the last 30 days stored. The first round's order (newest first,
   one ``messages.get`` each) is shown beside it: ready when the whole last month is in.
   Assumed: a quarter of the last 30 days' mail involves someone met this week.
3. **A 50,000-message full sync** against the quota floor (units / budget).
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from connectors.gmail import GmailConnector  # noqa: E402
from connectors.gmail_quota import MAX_BATCH, UNITS, Pacer  # noqa: E402
from syncd.config import Config, paths  # noqa: E402
from tests import mailfactory as mf  # noqa: E402
from tests.emulators.google import GoogleEmulator  # noqa: E402
from tests.google_support import gmail_account  # noqa: E402

ME = "me@gmail.example"
ROUND_TRIP = 0.3  # seconds for one batch against the emulator, rounded up
ATTENDEE_SHARE = 0.25
SIZES = [1] * 55 + [2] * 25 + [3] * 7 + [4] * 5 + [6] * 5 + [10] * 3  # conversation lengths, drawn with a seed


def fill(emulator: GoogleEmulator, count: int, seed: int = 7) -> int:
    """``count`` messages in conversations; returns the number of conversations."""
    rng = random.Random(seed)
    made = threads = 0
    while made < count:
        size = min(rng.choice(SIZES), count - made)
        parent = ""
        for n in range(size):
            mid = f"<c{threads}-{n}@x>"
            emulator.gmail.add(mf.message(f"p{threads}@x.example", ME, f"c{threads}", "body", message_id=mid, in_reply_to=parent))
            parent = mid
        made += size
        threads += 1
    return threads


def measure(count: int, fetch: str, units: dict[str, int]) -> dict[str, Any]:
    emulator = GoogleEmulator().start()
    try:
        threads = fill(emulator, count)
        home = Path(tempfile.mkdtemp()) / "home"
        account = gmail_account(emulator, home=home, quota_per_minute=10**9, fetch=fetch, get_units=units["messages.get"],
                                thread_units=units["threads.get"])
        connector = GmailConnector.from_config(account, Config(paths=paths(home), accounts=(account,)))
        known: dict[str, str] = {}
        cursor = None
        for batch in connector.sync_mail(None, known):
            known.update((r.provider_id, "") for r in batch.records)
            cursor = batch.cursor
        gmail_calls = {k: n for k, n in emulator.calls.items() if k not in ("token", "events.list")}
        full = {"http": emulator.http_requests - emulator.calls["token"] - emulator.calls["events.list"],
                "calls": sum(gmail_calls.values()), "units": emulator.units(units), "threads": threads, "stored": len(known),
                "gets": {k: n for k, n in gmail_calls.items() if k.endswith(".get")}}
        emulator.reset_counts()
        for n in range(10):
            emulator.gmail.add(mf.message(f"q{n}@x.example", ME, f"n{n}", "body", message_id=f"<n{n}@x>"))
        for _ in connector.sync_mail(cursor, known):
            pass
        full["incremental"] = {"http": emulator.http_requests, "units": emulator.units(units)}
        return full
    finally:
        emulator.stop()


class Clock:
    def __init__(self, budget: int, units: dict[str, int]) -> None:
        self.now = 0.0
        self.pacer = Pacer(budget=budget, units=units, clock=lambda: self.now, sleep=self._sleep)

    def _sleep(self, seconds: float) -> None:
        self.now += seconds

    def batch(self, method: str, count: int, done: Any = None) -> None:
        """``count`` calls through HTTP batches, each shrunk to the room left (as GoogleClient.fetch_many);
        ``done(calls)`` after each batch."""
        while count:
            todo = [self.pacer.cost(method)] * min(count, MAX_BATCH)
            size = self.pacer.fit(todo)
            self.pacer.take_units(sum(todo[:size]))
            self.now += ROUND_TRIP
            count -= size
            if done is not None:
                done(size)


def fetch_messages(clock: Clock, messages: int, per_thread: float, method: str, on_batch: Any) -> None:
    """A listing of ``messages`` newest first, pages of 500, fetched by ``method``;
    ``on_batch(messages so far)`` after each batch."""
    got = [0]

    def done(calls: int) -> None:
        got[0] = min(messages, got[0] + (calls if method == "messages.get" else round(calls * per_thread)))
        on_batch(got[0])

    for start in range(0, messages, 500):
        page = min(500, messages - start)
        clock.pacer.take("messages.list")
        clock.batch(method, page if method == "messages.get" else math.ceil(page / per_thread), done)
        got[0] = start + page
        on_batch(got[0])


def five_minutes(total: int, per_day: int, budget: int, units: dict[str, int], per_thread: float, method: str, first: bool) -> dict[str, float]:
    clock = Clock(budget, units)
    month = min(total, per_day * 30)
    priority = min(month, round(month * ATTENDEE_SHARE))
    clock.now += 2 * ROUND_TRIP  # the calendar: the week's attendees, then the window (its own budget)
    clock.pacer.take("profile")
    clock.pacer.take("history.list")
    stored_at = {"ready": math.inf, "stored": 0}

    def page_done(done: int, base: int = 0, ready_after: int | None = None) -> None:
        if clock.now <= 300:
            stored_at["stored"] = base + done
        if ready_after is not None and base + done >= ready_after and stored_at["ready"] == math.inf:
            stored_at["ready"] = clock.now

    if first:
        fetch_messages(clock, priority, per_thread, method, lambda done: page_done(done, 0, priority if done >= priority else None))
        fetch_messages(clock, total - priority, per_thread, method, lambda done: page_done(done, priority))
    else:  # newest first: the attendees' mail is spread over the month
        fetch_messages(clock, total, per_thread, method, lambda done: page_done(done, 0, month))
    if priority == 0:
        stored_at["ready"] = 2 * ROUND_TRIP
    return {"stored_5min": stored_at["stored"], "ready_s": stored_at["ready"], "total_min": clock.now / 60,
            "floor_min": clock.pacer.spent / budget, "units": clock.pacer.spent}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--budget", type=int, default=6000)
    parser.add_argument("--get-units", type=int, default=20)
    parser.add_argument("--thread-units", type=int, default=10)
    args = parser.parse_args()
    issue = {**UNITS, "messages.get": args.get_units, "threads.get": args.thread_units}
    google = {**UNITS, "messages.get": 5, "threads.get": 10}
    per = 1000 / args.messages
    print(f"1. Full sync of {args.messages} messages, per 1,000 messages:")
    measured: dict[str, dict[str, Any]] = {}
    for fetch in ("messages", "threads"):
        m = measured[fetch] = measure(args.messages, fetch, issue)
        print(f"   {fetch:>8}: {m['http'] * per:5.0f} HTTP requests, {m['calls'] * per:5.0f} calls {m['gets']}, "
              f"{m['units'] * per:6.0f} units at get {issue['messages.get']}/thread {issue['threads.get']}, "
              f"{(m['units'] - sum(n * (issue[k] - google[k]) for k, n in m['gets'].items())) * per:6.0f} at Google's 5/10; "
              f"10 new messages: {m['incremental']['http']} requests, {m['incremental']['units']} units")
    per_thread = args.messages / measured["threads"]["threads"]
    print(f"   ({measured['threads']['threads']} conversations: {per_thread:.2f} messages each; auto takes threads.get "
          f"at get {issue['messages.get']}/thread {issue['threads.get']}, and at Google's 5/10 for conversations of 3 or more)")
    print(f"\n2. After 5 minutes at {args.budget} units/min (get {issue['messages.get']}, thread {issue['threads.get']}):")
    print("   mailbox  a day | now: stored  briefing-ready | first round (newest first, messages.get): stored  ready")
    for total in (5_000, 50_000, 500_000):
        for per_day in (20, 50, 200):
            now = five_minutes(total, per_day, args.budget, issue, per_thread, "threads.get", True)
            old = five_minutes(total, per_day, args.budget, issue, per_thread, "messages.get", False)
            print(f"   {total:>7,} {per_day:>5} | {now['stored_5min']:>11,.0f}  {now['ready_s']:>9.0f} s     | "
                  f"{old['stored_5min']:>38,.0f}  {old['ready_s'] / 60:>5.1f} min")
    print(f"\n3. A 50,000-message full sync at {args.budget} units/min:")
    for method in ("messages.get", "threads.get"):
        m50 = five_minutes(50_000, 50, args.budget, issue, per_thread, method, method == "threads.get")
        print(f"   {method}: {m50['units']:,.0f} units, floor {m50['floor_min']:.1f} min, paced {m50['total_min']:.1f} min "
              f"({m50['total_min'] / m50['floor_min'] - 1:+.1%} over the floor)")


if __name__ == "__main__":
    main()
