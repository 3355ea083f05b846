"""The demo's story in one place: the people, every thread, the automated mail, the calendar,
and what a reader (or syncd) should learn from it.

``EXPECTED`` lists the personal facts the demo states on purpose, one per (kind, person,
key word); ``TRAPS`` lists things that look like facts and must not become one (or not about
that person). Dated facts name an anchor; ``build.anchor_dates(now)`` turns it into a date.
"""

from __future__ import annotations

from syncd.demo import (
    story_auto,
    story_calendar,
    story_clients,
    story_dana,
    story_partners,
    story_quiet,
    story_team,
)
from syncd.demo.model import Expect, Thread, Trap
from syncd.demo.story_people import (  # noqa: F401  (re-exported)
    BY_KEY,
    COLLEAGUES,
    CONTACTS,
    PEOPLE,
    USER_ADDRESS,
    USER_NAME,
    USER_SIGNATURE,
    email,
)

THREADS: tuple[Thread, ...] = (
    *story_dana.THREADS, *story_clients.THREADS, *story_partners.THREADS,
    *story_quiet.THREADS, *story_team.THREADS,
)
AUTOMATED = story_auto.AUTOMATED
MEETINGS = story_calendar.MEETINGS
SERIES = story_calendar.SERIES
WEEKLY_1ON1 = story_calendar.WEEKLY_1ON1
WEEKLY_SKIPPED_AGO = story_calendar.WEEKLY_SKIPPED_AGO

# key -> (file name, lines of text on the one page)
ATTACHMENTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "q3-pricing": ("Q3-pricing.pdf", (
        "Northwind Logistics - Partner Program", "Q3 pricing proposal (revised)", "",
        "Gold: 27% discount + 3% rebate on annual growth over 15%",
        "Silver: 18% discount; co-op funds with one certified engineer",
        "Registered: 10% discount on registered deals", "",
        "Scenario B: co-op funds extended to silver", "Prepared by Morgan Advisory",
    )),
}

_e = email
EXPECTED: tuple[Expect, ...] = (
    Expect("sports", _e("dana"), "Red Sox"),
    Expect("family", _e("dana"), "Emma"),
    Expect("birthday", _e("priya"), "birthday", anchor="bday"),
    Expect("interest", _e("priya"), "marathon"),
    Expect("travel", _e("priya"), "Boston", anchor="bday_next-1"),
    Expect("preference", _e("kevin"), "mornings"),
    Expect("sports", _e("kevin"), "Celtics"),
    Expect("life_event", _e("kevin"), "surgery", anchor="kevin_surgery"),
    Expect("anniversary", _e("miguel"), "wedding", anchor="n+21"),
    Expect("travel", _e("miguel"), "Japan", anchor="n+18"),
    Expect("education", _e("tom"), "Michigan"),
    Expect("birthday", _e("tom"), "40th", anchor="tom_bday"),
    Expect("pet", _e("hannah"), "Max"),
    Expect("preference", _e("elena"), "vegetarian"),
    Expect("travel", _e("elena"), "Lisbon"),
    Expect("family", _e("marcus"), "Sarah"),
    Expect("work", _e("marcus"), "VP of Sales"),
    Expect("location", _e("rachel"), "Boston", current=False),
    Expect("location", _e("rachel"), "Denver"),
    Expect("preference", _e("bob"), "Bob"),
    Expect("work", _e("olivia"), "COO"),  # from Alex's "congrats on your promotion to COO"
    Expect("interest", _e("ben"), "sail"),
    Expect("life_event", _e("walter"), "retir"),
    Expect("family", _e("walter"), "Daniel"),
    Expect("education", _e("nina"), "Wharton"),
    Expect("family", _e("nina"), "Raj"),
    Expect("work", _e("grace"), "Head of Partnerships"),
    Expect("education", _e("jordan"), "Babson"),
    Expect("family", _e("sam"), "expecting", anchor="n+75"),
    Expect("pet", _e("riley"), "kitten"),  # named Miso
)

TRAPS: tuple[Trap, ...] = (
    Trap("sports", None, "Yankees", "Tom's colleague Mark (a third party); Ben's 'if I were a "
         "Yankees fan' is a joke; Dana's 'the Yankees series' is the opponent"),
    Trap("family", _e("tom"), "Emma", "Emma is Dana's daughter, named in Alex's mail to Tom"),
    Trap("birthday", USER_ADDRESS, "birthday", "'Happy birthday from Harbor Bank' is automated"),
    Trap("birthday", "newsletter@partnerledger.com", "birthday", "a newsletter turning five"),
    Trap("interest", "newsletter@partnerledger.com", "marathon", "a newsletter editor's note"),
    Trap("anniversary", _e("marcus"), "8 years", "a LinkUp work-anniversary notification"),
    Trap("travel", _e("elena"), "out of the office", "an automatic out-of-office reply"),
    Trap("family", USER_ADDRESS, "daughter", "Alex's 'your daughter' is about Dana"),
)
