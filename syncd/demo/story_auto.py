"""Automated mail: newsletters, receipts, notifications, and a birthday greeting from a bank.

None of it is from a person, and none of it should become a fact: the newsletter editor's
marathon and the bank's "Happy birthday, Alex!" are traps. Bodies may use the same date
placeholders as threads (``{m+1:wd}``, ``{n:wmd}``).
"""

from __future__ import annotations

import textwrap

from syncd.demo.model import Auto

LEDGER = ("The Partner Ledger", "newsletter@partnerledger.com")
LEDGER_HEADERS = (
    ("List-Id", "The Partner Ledger <weekly.partnerledger.com>"),
    ("List-Unsubscribe", "<https://partnerledger.com/u/7f3a9c21e4>, <mailto:unsubscribe@partnerledger.com?subject=unsubscribe>"),
    ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
    ("Precedence", "bulk"),
)
BREAKFAST = ("Boston Partner Breakfast", "events@bostonpartnerbreakfast.org")
BREAKFAST_HEADERS = (
    ("List-Id", "Boston Partner Breakfast announcements <announce.bostonpartnerbreakfast.org>"),
    ("List-Unsubscribe", "<mailto:announce-leave@bostonpartnerbreakfast.org>"),
    ("Precedence", "list"),
)
BANK = ("Harbor Bank", "no-reply@harborbank.com")
RIDES = ("Ridealong", "receipts@ridealong.com")
PAPERLINE = ("Paperline", "noreply@paperline.app")
MEETWISE = ("Meetwise", "notifications@meetwise.io")
LINKUP = ("LinkUp", "notifications@linkup.com")
DOCS = ("Docuvault", "comments-noreply@docuvault.app")
AIRLINE = ("Skylark Air", "no-reply@skylark.air")

# (subject, lead paragraph, three headlines): one issue every three weeks or so
LEDGER_ISSUES = (
    ("Why your partner portal is empty", "Portals don't fail for lack of features. They fail because partners have no reason to log in on a Tuesday."),
    ("The case against gold tiers", "Three tiers became the default because someone drew three boxes on a whiteboard in 2004. Is it time for two?"),
    ("MDF that partners actually use", "If claiming funds takes longer than running the event, partners will skip both."),
    ("Editor's note: 26.2 reasons", "A personal note this week: I'm training for my first marathon, so forgive the running metaphors. Partner programs, like long runs, are won in the boring middle miles."),
    ("Deal registration, explained to a CFO", "Your CFO doesn't care about channel conflict. She cares about forecast accuracy. Lead with that."),
    ("Partner councils that aren't theater", "Ask three questions, then stop talking. The best councils are mostly listening."),
    ("The onboarding gap", "Most partner churn happens in the first year, and most of it is silent: partners who sign and never register a deal."),
    ("Happy birthday to us!", "The Partner Ledger turns five this week. Thank you for reading, forwarding and arguing with us."),
    ("Co-selling without the spreadsheet", "A shared pipeline view beats a monthly sync call. Here's how three teams built one."),
    ("Referral programs for agencies", "Agencies want predictability more than percentage points. Pay on time and they'll send you their best clients."),
    ("What investors ask about partners", "Concentration, churn, and whether the program survives the founder. Prepare for all three."),
    ("Certification fatigue", "If your certification takes a week, partners will certify one engineer and call it done."),
    ("The one-page program", "If your partner program doesn't fit on a page, your partners don't understand it either."),
    ("Pricing changes without a revolt", "Tell partners first, in writing, with a transition period. Everything else is detail."),
    ("QBRs partners look forward to", "Half the slides should be questions. The other half should be their numbers, not yours."),
    ("Partner NPS, honestly", "The open question at the end of the survey is worth more than the score."),
)
_HEADLINES = (
    "Five programs that cut their tiers in half", "A reader asks: who owns the partner P&L?",
    "Job board: 14 new partner roles this week", "Events: Partner Summit East registration opens",
)


def _ledger(i: int, subject: str, lead: str) -> Auto:
    items = "\n".join(f"- {_HEADLINES[(i + k) % len(_HEADLINES)]}" for k in range(3))
    body = (
        f"THE PARTNER LEDGER | Issue {212 - i}\n\n{subject}\n\n{lead}\n\n"
        f"Read the full essay: https://partnerledger.com/issues/{212 - i}\n\nAlso this week:\n{items}\n\n"
        "You're receiving this because you subscribed at partnerledger.com.\n"
        "Unsubscribe: https://partnerledger.com/u/7f3a9c21e4\n"
        "The Partner Ledger, 1 Broadway, Cambridge MA 02142"
    )
    return Auto(3 + 21 * i, "06:30", LEDGER, f"{subject} | The Partner Ledger #{212 - i}", body,
                "newsletter", LEDGER_HEADERS, folder="INBOX" if i < 8 else "Archive", unread=i == 0)


def _breakfast(i: int) -> Auto:
    topics = ("Partner marketing on a shoestring", "Building a partner team from zero",
              "Marketplaces: hype or channel?", "Partner ops tooling show-and-tell",
              "Agencies as partners", "Measuring partner influence")
    body = (
        f"Boston Partner Breakfast | {{m+16:wmd}}, 7:30-9:00am\n\nTopic: {topics[i]}\n\n"
        "Coffee, pastries, and forty people who run partner programs. Free for members; RSVP\n"
        "so we order enough croissants.\n\nRSVP: https://bostonpartnerbreakfast.org/rsvp\n\n"
        "You are subscribed to announce@bostonpartnerbreakfast.org. To leave, send any message to\n"
        "announce-leave@bostonpartnerbreakfast.org."
    )
    return Auto(20 + 61 * i, "08:00", BREAKFAST, f"[BPB] {{m+16:md}}: {topics[i]}", body,
                "newsletter", BREAKFAST_HEADERS, html=False, folder="INBOX" if i < 3 else "Archive", dow="Tue")


def _d(text: str) -> str:
    return textwrap.dedent(text).strip("\n")


_STATEMENT = _d("""
    Hi Alex,

    Your statement for the account ending in 4417 is ready to view in online banking.

    Log in at https://harborbank.com/login to view or download it. For your security we never
    include account details in email.

    Harbor Bank. Member FDIC. Please do not reply to this message; this mailbox is not monitored.
    """)
_BIRTHDAY = _d("""
    Happy birthday, Alex!

    Everyone at Harbor Bank wishes you a wonderful year ahead. To celebrate, enjoy no foreign
    transaction fees for the next 30 days on your Harbor Rewards card.

    Harbor Bank. Member FDIC. Please do not reply to this message; this mailbox is not monitored.
    """)


def _ride(ago: int | tuple[str, int], at: str, pickup: str, dropoff: str, total: str) -> Auto:
    body = _d(f"""
        Thanks for riding with Ridealong, Alex.

        Total charged: ${total}
        Pickup: {pickup}
        Drop-off: {dropoff}
        Payment: Visa ending in 2281

        Rate your driver: https://ridealong.com/r/rate
        Ridealong Inc., 500 Howard St, San Francisco CA. This receipt was sent automatically.
        """)
    return Auto(ago, at, RIDES, "Your {m:wd} ride receipt", body, "receipt",
                folder="INBOX" if isinstance(ago, int) and ago < 200 else "Archive")


def _paid(ago: int, invoice: int, client: str, amount: str) -> Auto:
    body = _d(f"""
        Good news, Alex: {client} paid invoice {invoice}.

        Amount: ${amount}
        Paid on: {{m:wmd}}
        Deposited to: Morgan Advisory operating account

        View the invoice: https://paperline.app/i/{invoice}

        You're receiving this because payment notifications are on. Manage them in Settings.
        """)
    return Auto(ago, "03:12", PAPERLINE, f"Payment received: invoice {invoice} from {client}", body,
                "receipt", html=False)


AUTOMATED: tuple[Auto, ...] = (
    *(_ledger(i, s, lead) for i, (s, lead) in enumerate(LEDGER_ISSUES)),
    *(_breakfast(i) for i in range(6)),
    *(Auto(6 + 30 * i, "05:55", BANK, "Your Harbor Bank statement is ready", _STATEMENT, "receipt",
           folder="INBOX" if i < 3 else "Archive") for i in range(6)),
    Auto(140, "08:00", BANK, "Happy birthday from Harbor Bank, Alex!", _BIRTHDAY, "greeting", folder="Archive"),
    _ride(1, "11:38", "41 Seaport Blvd, Boston", "200 Atlantic Ave, Boston", "14.20"),
    _ride(74, "08:02", "Morgan Advisory, 88 Broad St, Boston", "Harborview Capital, 1 Seaport Ln", "11.85"),
    _ride(150, "09:21", "88 Broad St, Boston", "200 Atlantic Ave, Boston", "16.40"),
    _ride(("fenway", 0), "17:46", "88 Broad St, Boston", "4 Jersey St, Boston (Fenway Park)", "23.10"),
    _ride(590, "07:58", "88 Broad St, Boston", "1 Seaport Ln, Boston", "12.60"),
    _paid(2, 1042, "Meridian Retail Group", "8,400.00"),
    _paid(12, 1051, "Northwind Logistics", "18,000.00"),
    _paid(41, 1047, "Northwind Logistics", "18,000.00"),
    _paid(55, 1044, "Lumen Health", "6,500.00"),
    _paid(71, 1039, "Northwind Logistics", "18,000.00"),
    _paid(90, 1036, "Tidewater Studio", "4,200.00"),
    Auto(("berlin", -20), "12:14", AIRLINE, "Your trip to Berlin: booking confirmed (BOS-BER)", _d("""
        Hi Alex,

        Your booking is confirmed. Confirmation code: QX7P2M

        Outbound: Boston (BOS) to Berlin (BER), {berlin-2:wmd}, departs 17:40
        Return: Berlin (BER) to Boston (BOS), {berlin+2:wmd}, departs 11:05

        Manage your booking at https://skylark.air/manage. This is an automated message.
        """), "receipt", folder="Archive"),
    Auto(3, "14:02", MEETWISE, "New booking: Grace Liu, 30 min intro ({n+6:wd} 11:00)", _d("""
        Grace Liu (grace.liu@peakline.co) booked time with you.

        Event: 30 min intro
        When: {n+6:wmd}, 11:00-11:30
        Where: Zoom (link in the calendar invite)

        Reschedule or cancel: https://meetwise.io/bookings/g7k2
        You're receiving this because you're the host of this booking page.
        """), "notification"),
    Auto(1, "18:00", MEETWISE, "Your day tomorrow: 4 meetings", _d("""
        Good evening, Alex. Here is your schedule for {m+1:wmd}:

        09:30  Northwind relaunch: launch review (Dana Whitfield, Luis Ortega, Jordan Lee)
        12:00  Lunch: Kevin O'Brien
        15:00  Tidewater referral agreement (Miguel Santos)
        16:30  Invoicing & leave plan (Sam Okafor)

        Manage notifications: https://meetwise.io/settings
        """), "notification", html=False, unread=True),
    Auto(97, "10:20", LINKUP, "Olivia Grant has a new position", _d("""
        Olivia Grant started a new position: Chief Operating Officer at Meridian Retail Group.

        Say congrats: https://linkup.com/in/oliviagrant

        You're receiving LinkUp notification emails. Unsubscribe: https://linkup.com/settings/email
        """), "notification"),
    Auto(230, "10:20", LINKUP, "Congratulate Marcus Bell on 8 years at Acme Robotics", _d("""
        Celebrate Marcus Bell's work anniversary: 8 years at Acme Robotics.

        Say congrats: https://linkup.com/in/marcusbell

        You're receiving LinkUp notification emails. Unsubscribe: https://linkup.com/settings/email
        """), "notification", folder="Archive"),
    Auto(15, "10:20", LINKUP, "You appeared in 14 searches this week", _d("""
        Alex, you appeared in 14 searches this week.

        See who's looking: https://linkup.com/me/search-appearances

        You're receiving LinkUp notification emails. Unsubscribe: https://linkup.com/settings/email
        """), "notification"),
    Auto(57, "16:44", DOCS, "Dana Whitfield shared \"Tier criteria v4\" with you", _d("""
        Dana Whitfield (dana@northwindlogistics.com) shared a document with you.

        Tier criteria v4
        "Alex, the final tier criteria, with the silver question still open."

        Open: https://docuvault.app/d/tier-criteria-v4
        Docuvault: you received this email because someone shared a document with you.
        """), "notification"),
    Auto(20, "09:03", DOCS, "Luis Ortega commented on \"Partner numbers by tier\"", _d("""
        Luis Ortega commented on Partner numbers by tier:

        "Silver churn by partner age is on tab 3."

        Reply: https://docuvault.app/d/partner-numbers-by-tier
        Docuvault: you received this email because you are a collaborator on this document.
        """), "notification"),
)
