"""Microsoft Graph requests per 1,000 messages: a first sync and an incremental sync of 10 new ones.

    .venv/bin/python benchmarks/graph_requests.py [MESSAGES] [--page-size N] [--folders K]

Fills the Graph emulator (tests/emulators/graph.py) with MESSAGES messages (default
1,000; 90 % in Inbox, 10 % in Sent Items, plus K extra folders left empty), runs the
connector's mail and calendar sync over it, delivers 10 new messages to Inbox, and syncs
again. The emulator counts every request: *round trips* (HTTP requests sent) and
*Graph requests* (what Graph counts against its limits: each request inside a $batch
counts). Outlook's limit is 10,000 requests per 10 minutes per app per mailbox
(https://learn.microsoft.com/graph/throttling-limits#outlook-service-limits).
The access token is a fixed string the emulator accepts (msal's calls go to the
identity platform, not to Graph, and are not part of this count).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from connectors.base import Window  # noqa: E402
from connectors.graph import GraphConnector  # noqa: E402
from connectors.graph_http import GraphClient  # noqa: E402
from tests import mailfactory as mf  # noqa: E402
from tests.emulators.graph import GraphEmulator  # noqa: E402

LIMIT = 10_000  # requests per 10 minutes per mailbox


def run(messages: int, page_size: int, folders: int) -> dict[str, tuple[int, int, int]]:
    emulator = GraphEmulator().start()
    emulator.tokens = {"benchmark-token"}
    names = [f"Folder {n}" for n in range(folders)]
    for name in names:
        emulator.state.add_folder(name)
    me = "me@contoso.example"
    for n in range(messages):
        sent = n % 10 == 9
        raw = mf.message(me if sent else f"P{n % 97} <p{n % 97}@example.org>", f"p{n % 89}@example.org" if sent else me,
                         f"subject {n}", f"body of message {n}\n" * 5, message_id=f"<b{n}@bench.example>")
        emulator.state.add_mime(raw, "Sent" if sent else "INBOX")
    client = GraphClient(emulator.base, lambda force: "benchmark-token")
    connector = GraphConnector(client, addresses=(me,), folders=tuple(names), name="bench", page_size=page_size)
    window = Window(dt.datetime(2024, 1, 1, tzinfo=dt.UTC), dt.datetime(2024, 12, 31, tzinfo=dt.UTC))
    results: dict[str, tuple[int, int, int]] = {}

    def measure(label: str, mail_cursor: str | None, cal_cursor: str | None) -> tuple[str | None, str | None]:
        emulator.calls.clear()
        records = 0
        for batch in connector.sync_mail(mail_cursor, {"x": ""} if mail_cursor else {}):
            records += len(batch.records)
            mail_cursor = batch.cursor
        for cal in connector.sync_calendar(cal_cursor, window):
            cal_cursor = cal.cursor
        results[label] = (records, emulator.round_trips(), emulator.graph_requests())
        return mail_cursor, cal_cursor

    mail, cal = measure("initial", None, None)
    for n in range(10):
        emulator.state.add_mime(mf.message(f"New {n} <new{n}@example.org>", me, f"new {n}", "hi", message_id=f"<n{n}@bench.example>"))
    mail, cal = measure("incremental (10 new)", mail, cal)
    measure("incremental (nothing new)", mail, cal)
    emulator.stop()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("messages", type=int, nargs="?", default=1000)
    parser.add_argument("--page-size", type=int, default=100)
    parser.add_argument("--folders", type=int, default=0)
    args = parser.parse_args()
    print(f"{args.messages} messages, page size {args.page_size}, {2 + args.folders} folders, calendar included")
    print(f"{'sync':28} {'messages':>8} {'round trips':>12} {'Graph requests':>15} {'per 1,000 msgs':>15} {'% of 10-min limit':>18}")
    for label, (records, trips, counted) in run(args.messages, args.page_size, args.folders).items():
        per = counted * 1000 / args.messages
        print(f"{label:28} {records:8} {trips:12} {counted:15} {per:15.1f} {100 * counted / LIMIT:17.2f}%")


if __name__ == "__main__":
    main()
