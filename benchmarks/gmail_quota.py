"""Gmail sync cost: requests and quota units, counted by the local emulator, and the
modelled wall time at the quota.

    .venv/bin/python benchmarks/gmail_quota.py [--messages 1000] [--budget 6000] [--get-units 20]

1. A full sync of N messages and an incremental sync of 10 new ones, through the real
   connector (google-api-python-client, HTTP batches) against ``tests/emulators/google.py``:
   HTTP round trips, API calls and quota units, per 1,000 messages.
2. A 50,000-message mailbox: the units the same call pattern costs, the floor (units /
   budget), and the time :class:`connectors.gmail_quota.Pacer` actually takes on a
   simulated clock (it waits; the emulator is not needed). And how many messages (the
   newest first) are in the store after 5 minutes.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from connectors.gmail import GmailConnector  # noqa: E402
from connectors.gmail_quota import UNITS, Pacer  # noqa: E402
from syncd.config import Config, paths  # noqa: E402
from tests import mailfactory as mf  # noqa: E402
from tests.emulators.google import GoogleEmulator  # noqa: E402
from tests.google_support import gmail_account  # noqa: E402


def measure(count: int, units: dict[str, int]) -> tuple[dict[str, float], dict[str, float]]:
    emulator = GoogleEmulator().start()
    try:
        for n in range(count):
            emulator.gmail.add(mf.message(f"p{n}@x.example", "me@gmail.example", f"m{n}", "body", message_id=f"<b{n}@x>"))
        home = Path(tempfile.mkdtemp()) / "home"
        account = gmail_account(emulator, home=home, quota_per_minute=10**9)
        connector = GmailConnector.from_config(account, Config(paths=paths(home), accounts=(account,)))
        known: dict[str, str] = {}
        cursor = None
        for batch in connector.sync_mail(None, known):
            known.update((r.provider_id, "") for r in batch.records)
            cursor = batch.cursor
        full = {"http": emulator.http_requests - emulator.calls["token"], "calls": sum(emulator.calls.values()) - emulator.calls["token"],
                "units": emulator.units(units)}
        emulator.reset_counts()
        for n in range(10):
            emulator.gmail.add(mf.message(f"q{n}@x.example", "me@gmail.example", f"n{n}", "body", message_id=f"<n{n}@x>"))
        for _ in connector.sync_mail(cursor, known):
            pass
        incremental = {"http": emulator.http_requests, "calls": sum(emulator.calls.values()), "units": emulator.units(units)}
        return full, incremental
    finally:
        emulator.stop()


def model(total: int, budget: int, units: dict[str, int], minutes: float = 5.0) -> dict[str, float]:
    """The full sync's call pattern for ``total`` messages, paced on a simulated clock."""
    clock = [0.0]
    pacer = Pacer(budget=budget, units=units, clock=lambda: clock[0], sleep=lambda s: clock.__setitem__(0, clock[0] + s))
    in_five = 0
    pacer.take("profile")
    pacer.take("history.list")
    for page_start in range(0, total, 500):
        pacer.take("messages.list")
        for start in range(page_start, min(page_start + 500, total), 50):
            size = min(50, total - start)
            pacer.take("messages.get", size)
            clock[0] += 0.3  # one batch round trip, as measured against the emulator, rounded up
            if clock[0] <= minutes * 60:
                in_five = start + size
    floor = pacer.spent / budget * 60
    return {"units": pacer.spent, "floor_min": floor / 60, "paced_min": clock[0] / 60, "over_floor": clock[0] / floor - 1,
            "newest_in_5_min": in_five}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--budget", type=int, default=6000)
    parser.add_argument("--get-units", type=int, default=20)
    parser.add_argument("--history-units", type=int, default=2)
    args = parser.parse_args()
    units = {**UNITS, "messages.get": args.get_units, "history.list": args.history_units}
    full, incremental = measure(args.messages, units)
    per = 1000 / args.messages
    print(f"full sync of {args.messages} messages, per 1,000: {full['http'] * per:.0f} HTTP requests, "
          f"{full['calls'] * per:.0f} API calls, {full['units'] * per:.0f} quota units")
    print(f"incremental sync of 10 new messages: {incremental['http']} HTTP requests, {incremental['calls']} API calls, "
          f"{incremental['units']} quota units")
    m = model(50_000, args.budget, units)
    print(f"50,000 messages at {args.budget} units/min: {m['units']:.0f} units, floor {m['floor_min']:.1f} min, "
          f"paced {m['paced_min']:.1f} min ({m['over_floor']:+.1%} over the floor); "
          f"newest {m['newest_in_5_min']:.0f} messages stored within 5 minutes")


if __name__ == "__main__":
    main()
