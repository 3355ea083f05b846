"""Alex's colleagues at Morgan Advisory: Jordan Lee, Sam Okafor, Riley Chen.

Jordan: finishing an MBA at Babson (then done). Sam: expecting a baby. Riley: adopted a kitten,
Miso. Sam has a 4:30 with Alex today; Jordan has the weekly Monday 1:1 (a recurring event).
"""

from __future__ import annotations

from syncd.demo.model import ME, m, thread

THREADS = (
    # -- Jordan Lee ------------------------------------------------------------------------
    thread("jordan-tuesdays", "Tuesday evenings", "jordan",
        m(600, "jordan", """
            Hi Alex,

            Heads-up for scheduling: I'm finishing my MBA at Babson, so on Tuesday evenings I'm in
            class until graduation. Anything before 5 is fine.

            Jordan
            """),
        m(600, ME, """
            Noted, and good for you. No Tuesday-evening fire drills, I promise.

            Alex
            """),
    ),
    thread("jordan-deck", "Pricing deck - numbers check", "jordan",
        m(("deck", -2), "jordan", """
            Alex,

            I checked the numbers in the pricing deck against Northwind's partner report. Two
            fixes: the gold rebate threshold should be 15%, not 12%, and slide 7 double-counts the
            co-op funds. Corrected version is in the folder.

            Jordan
            """, at="14:10"),
        m(("deck", -2), ME, """
            Great catch on slide 7, thank you. That would have been a long meeting.

            Alex
            """, at="15:02"),
    ),
    thread("jordan-done", "Done!", "jordan",
        m(150, "jordan", """
            Officially done with the MBA. Thank you for putting up with three years of Tuesday
            evenings, and for the reference letter that started it all.

            Jordan
            """),
        m(150, ME, """
            Congratulations, Jordan! Drinks on me on Friday. You've earned every one.

            Alex
            """, via="iphone"),
    ),
    thread("jordan-prep", "Prep for Dana at 9:30", "jordan",
        m(2, "jordan", """
            Alex,

            Notes for {n:wd} with Dana and Luis:

            - Silver churn is concentrated in partners under a year old (11 of 14 that left).
            - Most of them never registered a deal. Onboarding is the gap, not pricing.
            - Suggest we propose a 90-day onboarding path before touching silver pricing.

            Jordan
            """, at="17:45"),
        m(2, ME, """
            This is exactly the story. Let's lead with it. Thanks, Jordan.

            Alex
            """, at="19:03"),
    ),
    # -- Sam Okafor ------------------------------------------------------------------------
    thread("sam-books", "Books for the quarter", "sam",
        m(400, "sam", """
            Hi Alex,

            Books are closed for the quarter. Two clients pay late every time (you know who), and
            I'd like to move them to a deposit. Okay with you?

            Sam
            """),
        m(400, ME, """
            Okay with me. Be nice about it; both of them are good relationships.

            Alex
            """),
    ),
    thread("sam-news", "Personal news", "sam",
        m(100, "sam", """
            Hi Alex,

            Some personal news: we're expecting in {n+75:mon}! I'm planning to take twelve weeks of
            leave, and I'll get the books and the invoicing calendar in shape well before then.

            Sam
            """),
        m(100, ME, """
            Sam, congratulations!! That's wonderful news. Take all the leave you need; we'll figure
            out the rest together.

            Alex
            """),
    ),
    thread("sam-meridian", "Meridian invoice", "sam",
        m(31, "sam", """
            Alex, Meridian's invoice 1042 is 45 days overdue. Do you want to nudge Olivia, or shall
            I go through AP?

            Sam
            """),
        m(31, ME, """
            I'll nudge Olivia today. If nothing happens by the end of next week, go through AP.

            Alex
            """),
    ),
    thread("sam-430", "For our 4:30", "sam",
        m(1, "sam", """
            Hi Alex,

            For {n:wd}'s 4:30: invoicing review (Meridian finally paid), the leave plan, and whether
            we raise day rates next quarter. Fifteen minutes, I promise.

            Sam
            """, at="16:20"),
    ),
    # -- Riley Chen ------------------------------------------------------------------------
    thread("riley-template", "Deck template", "riley",
        m(("deck", -3), "riley", """
            Alex,

            New deck template is in the shared drive, including the pricing layout you asked for.
            Apologies for the delay: we just adopted a kitten, Miso, and she has opinions about my
            keyboard.

            Riley
            """),
        m(("deck", -3), ME, """
            It looks great, thank you. Give Miso my regards and a cardboard box of her own.

            Alex
            """),
    ),
    thread("riley-launch", "Launch comms visuals", "riley",
        m(30, ME, """
            Hi Riley,

            For Northwind's launch: one email header, one webinar title card, and a simple tier
            graphic. Their colors, our layout. Could you have drafts by the end of next week?

            Alex
            """),
        m(29, "riley", """
            Yes, drafts by next Friday. Miso approves of the color palette.

            Riley
            """, via="iphone"),
    ),
)
