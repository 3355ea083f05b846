"""Who is in the demo: Alex Morgan, three colleagues, and the people Alex looks after.

Alex is an independent partner-program consultant in Boston. Each contact below has a
rhythm (``cadence``) that the calendar series and the threads follow, and a handful of
personal details they mention in passing (listed in ``story.EXPECTED``).
"""

from __future__ import annotations

from syncd.demo.model import Person

USER_NAME = "Alex Morgan"
USER_ADDRESS = "alex@morganadvisory.com"
USER_SIGNATURE = """\
Alex Morgan
Principal | Morgan Advisory
+1 (617) 555-0199 | morganadvisory.com"""

_HARBORVIEW_FOOTER = """\
CONFIDENTIALITY NOTICE: This e-mail message, including any attachments, is for the sole use of
the intended recipient(s) and may contain confidential and privileged information. Any
unauthorized review, use, disclosure or distribution is prohibited. If you are not the intended
recipient, please contact the sender by reply e-mail and destroy all copies of the original
message. Harborview Capital Partners LLC does not accept orders by e-mail."""


def _sig(*lines: str) -> str:
    return "\n".join(lines)


PEOPLE: tuple[Person, ...] = (
    # -- clients and partners -------------------------------------------------------------
    Person("dana", "Dana Whitfield", "dana@northwindlogistics.com", "Northwind Logistics",
           "VP Partnerships", "Boston", "America/New_York", "gmail",
           _sig("Dana Whitfield", "VP Partnerships | Northwind Logistics", "+1 (617) 555-0142"),
           cadence="weekly"),
    Person("luis", "Luis Ortega", "luis.ortega@northwindlogistics.com", "Northwind Logistics",
           "Director, Channel Operations", "Boston", "America/New_York", "outlook",
           _sig("Luis Ortega", "Director, Channel Operations", "Northwind Logistics",
                "o: +1 (617) 555-0157"),
           cadence="minor"),
    Person("priya", "Priya Raman", "priya.raman@lumenhealth.io", "Lumen Health",
           "Head of Channel Partnerships", "San Francisco", "America/Los_Angeles", "apple",
           _sig("Priya Raman", "Head of Channel Partnerships", "Lumen Health",
                "lumenhealth.io | +1 (415) 555-0176"),
           cadence="monthly"),
    Person("kevin", "Kevin O'Brien", "kobrien@harborviewcap.com", "Harborview Capital",
           "Managing Director", "Boston", "America/New_York", "outlook",
           _sig("Kevin O'Brien", "Managing Director", "Harborview Capital Partners",
                "One Seaport Lane, Boston MA 02210", "T +1 617 555 0118"),
           cadence="monthly", footer=_HARBORVIEW_FOOTER),
    Person("miguel", "Miguel Santos", "miguel@tidewaterstudio.com", "Tidewater Studio",
           "Founder & CEO", "Austin", "America/Chicago", "gmail",
           _sig("Miguel Santos", "Founder & CEO, Tidewater Studio",
                "tidewaterstudio.com | +1 (512) 555-0133"),
           cadence="monthly"),
    Person("tom", "Tom Becker", "tom@fieldstone.ai", "Fieldstone Analytics",
           "CTO & Co-founder", "Chicago", "America/Chicago", "gmail",
           _sig("Tom Becker", "CTO & Co-founder", "Fieldstone Analytics"),
           cadence="quarterly"),
    Person("hannah", "Hannah Kim", "hannah.kim@cobaltcloud.com", "Cobalt Cloud",
           "Partner Marketing Lead", "Seattle", "America/Los_Angeles", "gmail",
           _sig("Hannah Kim | Partner Marketing Lead", "Cobalt Cloud", "she/her"),
           cadence="monthly"),
    Person("elena", "Elena Petrović", "elena.petrovic@vireosystems.eu", "Vireo Systems",
           "Director, Global Alliances", "Berlin", "Europe/Berlin", "apple",
           _sig("Elena Petrović", "Director, Global Alliances", "Vireo Systems GmbH",
                "Friedrichstraße 68, 10117 Berlin", "+49 30 5557 0192"),
           cadence="quarterly"),
    Person("marcus", "Marcus Bell", "mbell@acmerobotics.com", "Acme Robotics",
           "VP of Sales", "Pittsburgh", "America/New_York", "outlook",
           _sig("Marcus Bell", "VP of Sales | Acme Robotics", "m: 412.555.0163"),
           cadence="quarterly",
           before=(200, _sig("Marcus Bell", "Director, Channel Sales | Acme Robotics",
                             "m: 412.555.0163"), "America/New_York")),
    Person("rachel", "Rachel Alvarez", "rachel.alvarez@greenline-energy.com", "Greenline Energy",
           "COO", "Denver", "America/Denver", "gmail",
           _sig("Rachel Alvarez", "Chief Operating Officer", "Greenline Energy",
                "1550 Wynkoop St, Denver CO 80202"),
           cadence="quarterly",
           before=(120, _sig("Rachel Alvarez", "Chief Operating Officer", "Greenline Energy",
                             "25 Fan Pier Blvd, Boston MA 02210"), "America/New_York")),
    Person("bob", "Robert Feld", "rfeld@feldassociates.com", "Feld & Associates",
           "Managing Partner", "New York", "America/New_York", "outlook",
           _sig("Robert Feld", "Managing Partner", "Feld & Associates LLP",
                "200 Park Avenue South, New York, NY 10003", "212-555-0187"),
           cadence="cold"),
    Person("olivia", "Olivia Grant", "ogrant@meridianretail.com", "Meridian Retail",
           "COO", "Chicago", "America/Chicago", "outlook",
           _sig("Olivia Grant", "Chief Operating Officer", "Meridian Retail Group"),
           cadence="quarterly",
           before=(95, _sig("Olivia Grant", "VP, Operations", "Meridian Retail Group"), "America/Chicago")),
    Person("ben", "Ben Whitaker", "ben@saltmarshsoftware.com", "Saltmarsh Software",
           "Head of Partnerships", "Marblehead", "America/New_York", "apple",
           _sig("Ben Whitaker", "Head of Partnerships, Saltmarsh Software"),
           cadence="cold"),
    Person("grace", "Grace Liu", "grace.liu@peakline.co", "Peakline",
           "Head of Partnerships", "New York", "America/New_York", "gmail",
           _sig("Grace Liu", "Head of Partnerships | Peakline", "peakline.co"),
           cadence="new"),
    Person("walter", "Walter Hughes", "walter@hughesandco.com", "Hughes & Co.",
           "Founder", "Providence", "America/New_York", "outlook",
           _sig("Walter Hughes", "Founder, Hughes & Co.", "(401) 555-0121"),
           cadence="quarterly"),
    Person("nina", "Nina Patel", "nina.patel@orbitalpay.com", "Orbital Payments",
           "Senior Partner Manager", "New York", "America/New_York", "gmail",
           _sig("Nina Patel", "Senior Partner Manager | Orbital Payments"),
           cadence="monthly"),
    # -- colleagues at Morgan Advisory ----------------------------------------------------
    Person("jordan", "Jordan Lee", "jordan@morganadvisory.com", "Morgan Advisory",
           "Associate", "Boston", None, "gmail",
           _sig("Jordan Lee", "Associate | Morgan Advisory", "+1 (617) 555-0171"),
           cadence="colleague"),
    Person("sam", "Sam Okafor", "sam@morganadvisory.com", "Morgan Advisory",
           "Operations & Finance", "Boston", None, "gmail",
           _sig("Sam Okafor", "Operations & Finance | Morgan Advisory"),
           cadence="colleague"),
    Person("riley", "Riley Chen", "riley@morganadvisory.com", "Morgan Advisory",
           "Design", "Boston", None, "apple",
           _sig("Riley Chen", "Design, Morgan Advisory"),
           cadence="colleague"),
)

BY_KEY: dict[str, Person] = {p.key: p for p in PEOPLE}
COLLEAGUES = tuple(p for p in PEOPLE if p.cadence == "colleague")
CONTACTS = tuple(p for p in PEOPLE if p.cadence not in ("colleague", "minor"))


def email(key: str) -> str:
    return USER_ADDRESS if key == "me" else BY_KEY[key].email
