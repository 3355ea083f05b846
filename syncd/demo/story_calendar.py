"""Alex's calendar: two years of meetings at each relationship's rhythm, and the days ahead.

Today: 09:30 Dana (launch review, with Luis and Jordan), 12:00 lunch with Kevin, 15:00 Zoom
with Miguel, 16:30 Sam (colleague only). Tomorrow: Elena. This week: Priya in person, the
day before her birthday. Next week: Grace's intro call. Every Monday: the 1:1 with Jordan.
Times are in the user's zone.
"""

from __future__ import annotations

from syncd.demo.model import Meeting, Series

ZOOM_MIGUEL = "https://zoom.us/j/84512093317?pwd=TdW8rQx2bYk1"
MEET_ELENA = "https://meet.google.com/vhq-ruxw-kbe"
ZOOM_GRACE = "https://zoom.us/j/81177460254"
MEET_NORTHWIND = "https://meet.google.com/nwl-wkly-chk"

MEETINGS: tuple[Meeting, ...] = (
    # -- today ------------------------------------------------------------------------------
    Meeting("today-dana", 0, "09:30", 60, "Northwind relaunch: launch review", ("dana", "luis", "jordan"),
            organizer="dana", location="Northwind Logistics, 200 Atlantic Ave, 5th floor (big room)",
            description="1. Silver churn: what Jordan found\n2. Council date and who presents what\n"
                        "3. Portal pilot: go or wait (Luis)"),
    Meeting("today-kevin", 0, "12:00", 75, "Lunch: Kevin O'Brien", ("kevin",),
            location="Harbor Table, 41 Seaport Blvd, Boston"),
    Meeting("today-miguel", 0, "15:00", 45, "Tidewater referral agreement", ("miguel",),
            location="Zoom", url=ZOOM_MIGUEL,
            description=f"Join Zoom Meeting\n{ZOOM_MIGUEL}\n\nMeeting ID: 845 1209 3317\nPasscode: 604218"),
    Meeting("today-sam", 0, "16:30", 30, "Invoicing & leave plan", ("sam",),
            organizer="sam", location="Morgan Advisory, 88 Broad St (small room)"),
    # -- the days ahead ---------------------------------------------------------------------
    Meeting("elena-expansion", 1, "10:00", 45, "Vireo: EMEA expansion plan", ("elena",),
            organizer="elena", location="Google Meet", url=MEET_ELENA,
            description=f"Join with Google Meet: {MEET_ELENA}"),
    Meeting("priya-planning", ("bday_next", -1), "13:00", 120,
            "Lumen Health: annual partner planning (in person)", ("priya",),
            location="Morgan Advisory, 88 Broad St, Boston (big room)",
            description="Lunch ordered for two. Priya brings the partner NPS results."),
    Meeting("dana-next", 7, "10:00", 30, "Northwind relaunch: weekly check-in", ("dana", "luis"),
            organizer="luis", location="Google Meet", url=MEET_NORTHWIND),
    Meeting("grace-intro", 6, "11:00", 30, "30 min intro: Grace Liu", ("grace",),
            location="Zoom", url=ZOOM_GRACE, description="Booked via Meetwise."),
    # -- the past, one-offs -----------------------------------------------------------------
    Meeting("fenway", ("fenway", 0), "19:10", 180, "Red Sox vs. Yankees (Northwind seats)",
            ("dana", "jordan"), organizer="dana", location="Fenway Park, 4 Jersey St, Boston"),
    Meeting("berlin-dinner", ("berlin", 0), "13:30", 150, "Dinner with Elena (19:30 Berlin time)",
            ("elena",), location="Berlin-Mitte (Elena's pick)"),
    Meeting("walter-lunch", -215, "12:00", 90, "Walter Hughes retirement lunch", ("walter",),
            organizer="walter", location="Hope Club, 6 Benevolent St, Providence"),
    Meeting("ben-cancelled", -180, "09:00", 45, "Saltmarsh: what's next", ("ben",),
            status="CANCELLED", location="Zoom", url="https://zoom.us/j/86620017734"),
)

SERIES: tuple[Series, ...] = (
    Series("dana-monthly", ("dana", "luis"),
           ("Northwind partner program: working session", "Northwind: tier model review",
            "Northwind: reseller council prep"), 700, 100, 30, "10:00", 60,
           location="Northwind Logistics, 200 Atlantic Ave"),
    Series("dana-weekly", ("dana", "luis"), ("Northwind relaunch: weekly check-in",),
           91, 7, 7, "10:00", 30, location=MEET_NORTHWIND, organizer="luis", dow="Tue"),
    Series("priya", ("priya",), ("Lumen Health: channel sync",), 680, 40, 30, "13:00", 45,
           location="Zoom"),
    Series("kevin", ("kevin",), ("Coffee: Kevin O'Brien", "Harborview portfolio: partner programs"),
           720, 120, 45, "08:30", 45, location="Flour & Salt Cafe, Seaport"),
    Series("miguel", ("miguel",), ("Tidewater: referral program",), 610, 40, 30, "15:00", 45,
           location="Zoom"),
    Series("tom", ("tom",), ("Fieldstone: partner program",), 640, 60, 90, "12:00", 45,
           location="Google Meet"),
    Series("hannah", ("hannah",), ("Cobalt co-marketing sync",), 555, 25, 35, "14:00", 30,
           location="Zoom"),
    Series("elena", ("elena",), ("Vireo: EMEA partner expansion",), 595, 90, 90, "09:00", 45,
           location="Google Meet", organizer="elena"),
    Series("marcus", ("marcus",), ("Acme Robotics: channel review",), 700, 110, 100, "11:00", 45,
           location="Microsoft Teams Meeting", organizer="marcus"),
    Series("rachel", ("rachel",), ("Greenline: installer network",), 575, 50, 90, "09:30", 45,
           location="Greenline Energy"),
    Series("bob", ("bob",), ("Feld & Associates: referral catch-up",), 680, 160, 60, "12:30", 60,
           location="Phone: 212-555-0187"),
    Series("olivia", ("olivia",), ("Meridian: store partner pilot",), 535, 30, 90, "10:30", 45,
           location="Microsoft Teams Meeting", organizer="olivia"),
    Series("ben", ("ben",), ("Saltmarsh: reseller agreements",), 695, 270, 90, "09:00", 45,
           location="Zoom"),
    Series("walter", ("walter",), ("Hughes & Co.: agency agreements",), 655, 250, 120, "10:00", 60,
           location="Hughes & Co., Providence"),
    Series("nina", ("nina",), ("Orbital: partner tiers",), 475, 18, 45, "14:30", 30,
           location="Google Meet"),
    Series("sam", ("sam",), ("Books & invoicing",), 700, 30, 60, "16:00", 30,
           location="Morgan Advisory, 88 Broad St", organizer="sam"),
)

# The weekly 1:1 with Jordan: a recurring event (RRULE) since about 600 days ago, Mondays.
WEEKLY_1ON1 = Series("jordan-1on1", ("jordan",), ("Alex / Jordan 1:1",), 600, 0, 7, "08:30", 30,
                     location="Morgan Advisory, 88 Broad St", dow="Mon")
WEEKLY_SKIPPED_AGO = 300  # one Monday that was skipped (EXDATE)
