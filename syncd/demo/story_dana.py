"""Dana Whitfield (Northwind Logistics): the longest relationship, weekly for the last months.

Two years ago Dana hired Alex to rebuild Northwind's reseller program. Her details: die-hard
Red Sox fan; daughter Emma got into the University of Michigan (and moved in, late August). Open
loops: the revised pricing deck (promised by Friday, delivered), Dana's partner numbers
(promised, delivered), and the partner-tier one-pager Alex promised three days ago (not yet).
Threads are filed in the Clients folder.
"""

from __future__ import annotations

from syncd.demo.model import ME, m, thread

C = "Clients"

THREADS = (
    thread("dana-intro", "Partner program - could we talk?", "dana",
        m(728, "dana", """
            Hi Alex,

            Kevin O'Brien gave me your name and said you were the person to call before we do
            anything rash. Northwind has about forty resellers, no tiers, no enablement to speak of,
            and a sales team that thinks "partner" means "discount". I've been asked to fix that
            this year.

            Would you have 45 minutes next week to talk about how you work?

            Thanks,
            Dana
            """, at="08:47"),
        m(728, ME, """
            Hi Dana,

            Kevin is a good judge of messes worth fixing, so I'm flattered. Yes, happy to talk.
            Tuesday or Thursday morning next week both work on my side; pick whichever is less
            chaotic for you.

            Best,
            Alex
            """),
        m(727, "dana", """
            Thursday at 10 works. Fair warning: I'm a die-hard Red Sox fan and last night's game
            was a disaster, so the first five minutes may be group therapy.

            Dana
            """),
        folder=C),
    thread("dana-proposal", "Northwind engagement - proposal", "dana",
        m(706, ME, """
            Hi Dana,

            Thanks again for Thursday. I came away with a clear picture, so here is the shape of
            it in an email rather than a PDF nobody opens:

            - Phase 1 (6 weeks): reseller interviews, the last eight quarters of partner-sourced
              revenue, and a draft tier model.
            - Phase 2 (8 weeks): pricing and margin structure, enablement plan, portal requirements.
            - Phase 3: launch support, as light or as heavy as you need.

            Happy to walk your CFO through the numbers if that helps.

            Alex
            """),
        m(703, "dana", """
            This is exactly the shape I had in mind. Legal will send the MSA over this week; let's
            plan to start on the 1st. Luis Ortega, who runs channel operations, will be your
            day-to-day contact alongside me.

            Dana
            """),
        folder=C),
    thread("dana-fenway", "Fenway on the {fenway:th}?", "dana",
        m(("fenway", -9), "dana", """
            Hi Alex,

            We have the company seats for the Yankees series on the {fenway:th} and two of them are
            going spare. You told me you've never been to Fenway, which as a Bostonian I consider a
            personal failing of mine. Bring Jordan if he's a baseball person.

            Dana
            """),
        m(("fenway", -9), ME, """
            Yes, and thank you! Jordan is in and already practicing his heckles. We'll bring
            sunscreen and low expectations.

            Alex
            """, via="iphone"),
        folder=C),
    thread("dana-pricing", "Pricing slides for the council", "dana",
        m(384, "dana", """
            Alex,

            Before we put pricing in front of the reseller council, can you take another pass at
            the slides? The gold-tier discount still feels too generous, and I'd like to see what
            happens if co-op funds move down to silver.

            Thanks!
            Dana
            """, dow="Mon", at="09:12"),
        m(384, ME, """
            Agreed on both. I'll send you the revised pricing deck by Friday, with the co-op
            scenario modeled side by side so the council can see the trade-off.

            Alex
            """, dow="Tue", at="08:31"),
        m(384, ME, """
            Hi Dana,

            Here's the deck, attached. The main changes:

            - Gold discount drops from 32% to 27%, offset by a 3% rebate on annual growth over 15%.
            - Co-op funds extend to silver partners with a certified engineer.
            - One new slide on what the change means for the five biggest resellers, names removed.

            Happy to walk Luis through it before the council.

            Alex
            """, dow="Thu", at="16:05", attach="q3-pricing"),
        m(384, "dana", """
            This is great, exactly the conversation I want to have. Sending it to the council
            tonight.

            Dana
            """, dow="Thu", at="18:22"),
        folder=C),
    thread("dana-emma", "Slow week", "dana",
        m(("movein", -129), "dana", """
            Hi Alex,

            Sorry for the radio silence this week. My daughter Emma just got into the University of
            Michigan and our house has been pure chaos (the good kind). She opened the email at
            dinner and we all cried into the lasagna.

            Back to work: I read your notes from the latest reseller calls. The point about partners hearing
            about price changes from their own customers stung, because it's true. Can we talk
            Thursday about what we'd change first?

            Dana
            """, at="09:40"),
        m(("movein", -129), ME, """
            Dana, that's wonderful news. Congratulations to Emma, and to you! Your daughter must be
            over the moon, and Ann Arbor is a great town.

            Thursday works. I'll bring a short list, starting with how price changes get announced.

            Alex
            """, at="12:15"),
        m(("movein", -128), "dana", """
            Thank you! She has already picked out the dorm bedding, which is more planning than she
            has done for anything in eighteen years. Thursday it is.

            D.
            """),
        folder=C),
    thread("dana-kickoff", "Relaunch kickoff", "dana",
        m(150, "dana", """
            Alex,

            Officially official: the partner program relaunch has a budget, a launch date, and an
            executive sponsor who has promised to stop calling it "the reseller thing". From here to
            launch I'd love a standing weekly check-in. Tuesdays? Luis will send the invite.

            Dana
            """, cc=("luis",)),
        m(150, ME, """
            Tuesdays are perfect. Congratulations on getting this over the line; I know how many
            meetings it took.

            Alex
            """),
        folder=C),
    thread("dana-week1", "Relaunch - week 1 notes", "dana",
        m(84, ME, """
            Dana, Luis,

            Notes from today, so we're all working from the same list:

            - Tier criteria: revenue plus certifications, reviewed twice a year. Luis to confirm the
              certification names with enablement.
            - Deal registration goes live with the portal pilot, not before.
            - Launch comms: one email from Dana, one webinar, one FAQ. No forty-slide deck.

            Alex
            """, cc=("luis",)),
        m(84, "dana", """
            Perfect. Adding one thing: the sales team gets a briefing the week before partners do,
            or they'll hear about it from the partners and we're back where we started.

            Dana
            """),
        folder=C),
    thread("dana-movein", "Out Thu-Fri", "dana",
        m(("movein", -3), "dana", """
            Quick one: I'm out Thursday and Friday driving Emma to Ann Arbor for move-in. Twelve
            hours in a car with a teenager and a mini-fridge. Luis has the tier criteria if anything
            comes up. Back Monday.

            Dana
            """, cc=("luis",)),
        m(("movein", -3), ME, """
            Safe travels, and good luck with the mini-fridge. Tell Emma to enjoy every minute of
            it; Luis and I will keep the lights on.

            Alex
            """),
        folder=C),
    thread("dana-tiers", "Tier criteria - final", "dana",
        m(56, "dana", """
            Alex, the tier criteria Luis and I landed on are in the shared doc. The one open question is
            whether silver needs one certified engineer or two. I lean one; Luis leans two. You're
            the tiebreaker, no pressure.

            Dana
            """),
        m(55, ME, """
            One, with a second required within twelve months of joining silver. It keeps the door
            open for the small resellers who are growing fastest, and it gives Luis his second
            engineer eventually.

            Alex
            """),
        folder=C),
    thread("dana-numbers", "Partner numbers by tier", "dana",
        m(28, ME, """
            Hi Dana,

            For the council deck, could we get last quarter's partner-sourced numbers by tier? Even
            rough ones are fine for now.

            Alex
            """),
        m(28, "dana", """
            Yes, I'll get you the partner numbers by next Wednesday. Finance is still closing the
            quarter and I'd rather not send you numbers that change twice.

            Dana
            """),
        m(21, "dana", """
            As promised: last quarter's partner numbers, by tier. Partner-sourced revenue is up 18% quarter over
            quarter. Gold is flat, silver is up 31%, and the new registered-deal flow accounts for
            most of the silver growth. Churn in silver is the thing I'd like your read on.

            Dana
            """),
        m(20, ME, """
            Jordan, the partner numbers from Dana for our prep. The 18% is the headline; the churn in silver
            is the story. Can you break churn out by partner age?

            Alex
            """, fwd=True, to=("jordan",), cc=()),
        folder=C),
    thread("dana-agenda", "Agenda for our 9:30", "dana",
        m(3, "dana", """
            Hi Alex,

            Agenda for {n:wd} at 9:30, in the big room:

            1. Silver churn: what Jordan found
            2. Council date and who presents what
            3. Portal pilot: go or wait

            Luis will join for item 3.

            Dana
            """, cc=("luis",)),
        m(3, ME, """
            Looks right. I'll send over the partner tier one-pager by {n+2:wd} so Luis can review
            it before the council.

            Alex
            """),
        folder=C),
    thread("dana-tomorrow", "See you tomorrow", "dana",
        m(1, "dana", """
            See you tomorrow at 9:30. Coffee's on me. And I still owe you another Sox game for
            putting up with us this year.

            Dana
            """, via="iphone", unread=True, at="20:14"),
        folder=C),
)
