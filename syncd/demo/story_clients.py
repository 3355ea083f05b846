"""Monthly relationships: Priya Raman, Kevin O'Brien, Miguel Santos.

Priya: birthday this week (she said so a year ago: "my birthday is this Thursday, ..."),
training for the Chicago Marathon, in Boston this week for an in-person planning session.
Kevin: prefers mornings, Celtics fan, had knee surgery; lunch today at noon.
Miguel: 10th wedding anniversary coming up, off to Japan for it; call today at 15:00, and he
promised to send the draft referral agreement first.
"""

from __future__ import annotations

from syncd.demo.model import ME, m, thread

THREADS = (
    # -- Priya Raman, Lumen Health ------------------------------------------------------------
    thread("priya-intro", "Intro: Priya Raman (Lumen Health) <> Alex Morgan", "priya",
        m(690, "marcus", """
            Alex, Priya,

            I've been meaning to connect you two for months. Priya runs channel partnerships at
            Lumen Health and is building the program I wish we had built at Acme five years ago.
            Alex is the person who untangled ours.

            I'll let you take it from here.

            Marcus
            """, to=(ME, "priya")),
        m(689, "priya", """
            Thanks Marcus (moving you to bcc)!

            Alex, lovely to meet you. Would you have time for a call next week? We're about to sign
            our first ten partners and I'd like to not make every mistake personally.

            Priya
            """, to=(ME,), cc=()),
        m(689, ME, """
            Lovely to meet you too, Priya. How about next Wednesday at 1pm Eastern, 10am Pacific?
            I'll send an invite.

            Alex
            """),
    ),
    thread("priya-board", "Partner advisory board", "priya",
        m(("chicago", -110), "priya", """
            Hi Alex,

            Following up on the advisory board idea: I have four partners who said yes and one who
            said "maybe, if there's lunch". Can we sketch the first agenda together?

            One scheduling note: I'm training for the Chicago Marathon, so Saturday mornings are
            spoken for until race day. If I'm slow on email then, I'm somewhere around mile 16.

            Priya
            """),
        m(("chicago", -109), ME, """
            Good luck with the training! Yes to the agenda. I'd keep the first meeting to three
            questions and let the partners do most of the talking. I'll send a draft Monday.

            Alex
            """),
    ),
    thread("priya-plan", "Partner plan for next quarter", "priya",
        m(("bday", -2), "priya", """
            Hi Alex,

            Could we push our call to next week? My birthday is this {bday:wmd}, and my team has
            planned something mysterious that apparently requires me to be out of the office. I've
            been told to wear comfortable shoes, which is worrying.

            Priya
            """, at="10:05"),
        m(("bday", -2), ME, """
            Of course, and happy early birthday! Comfortable shoes means either a hike or karaoke; I
            hope for your sake it's the hike. Next Tuesday at the same time?

            Alex
            """, at="16:40"),
    ),
    thread("priya-chicago", "Channel data (and a medal)", "priya",
        m(("chicago", 2), "priya", """
            Alex,

            I finished Chicago in 3:58. Under four hours by ninety seconds, which I'm choosing to
            remember forever.

            Now, business: the channel data you asked for is in the shared folder, split by partner
            type. The referral partners look much better than I expected.

            Priya
            """),
        m(("chicago", 2), ME, """
            Under four hours! Congratulations, that's a real achievement. I'll dig into the data
            this week; if the referral numbers hold up, that changes the plan for next year.

            Alex
            """),
    ),
    thread("priya-nps", "Partner NPS survey", "priya",
        m(210, ME, """
            Hi Priya,

            Here's the partner NPS survey we talked about: eight questions, five minutes, and one
            open question at the end that usually tells you more than the other seven.

            Alex
            """),
        m(208, "priya", """
            Love it. Sending it out Monday to all 34 partners. I'll share results when we have them.

            Priya
            """, via="iphone"),
    ),
    thread("priya-planning", "Planning session in Boston?", "priya",
        m(26, "priya", """
            Hi Alex,

            I'll be in Boston the week of {bday_next-1:md} for a conference. Could we do the annual
            planning session in person while I'm there? {bday_next-1:wd} at 1pm would be ideal.

            Priya
            """),
        m(26, ME, """
            Perfect, {bday_next-1:wd} at 1pm it is. I'll book the big room at our office and order
            lunch.

            Alex
            """),
        m(2, "priya", """
            Flights booked: I land in Boston {bday_next-2:wd} night. See you at 1 on {bday_next-1:wd};
            I'll bring the partner NPS results.

            Priya
            """, at="18:55", via="iphone"),
    ),
    # -- Kevin O'Brien, Harborview Capital ----------------------------------------------------
    thread("kevin-dana", "Dana Whitfield at Northwind", "kevin",
        m(735, "kevin", """
            Alex,

            I gave Dana Whitfield at Northwind Logistics your name. They're rebuilding their partner
            program and she's sharp but under-resourced. Expect a note.

            Kevin
            """),
        m(735, ME, """
            Thank you, Kevin. I owe you a lunch.

            Alex
            """),
    ),
    thread("kevin-portfolio", "Portfolio partner programs", "kevin",
        m(590, "kevin", """
            Alex,

            Two of our portfolio companies are about to launch partner programs and I'd rather they
            talked to you before they talk to each other. Would you be open to a call? I prefer
            mornings; anything after 2pm and I'm running on fumes.

            Kevin
            """),
        m(590, ME, """
            Mornings suit me too. Tuesday at 8:30?

            Alex
            """),
    ),
    thread("kevin-thursday", "Thursday", "kevin",
        m(("garden", -2), "kevin", """
            Alex, I can't do Thursday evening after all, I'll be at the Garden. Go Celtics! Friday
            morning instead?

            Kevin
            """),
        m(("garden", -2), ME, """
            Friday at 8:30 it is. Enjoy the game.

            Alex
            """),
    ),
    thread("kevin-knee", "Out for a couple of weeks", "kevin",
        m(100, "kevin", """
            Alex,

            Heads-up: I'm having knee surgery on the {kevin_surgery:th}. An old basketball injury finally sent
            the bill. I'll be slow on email for a couple of weeks, so don't read anything into it.

            Kevin
            """, dow="Tue"),
        m(100, ME, """
            Good luck with the surgery, Kevin. Take the couple of weeks and then some; the portfolio
            list can wait.

            Alex
            """, dow="Tue"),
    ),
    thread("kevin-checkin", "Checking in", "kevin",
        m(75, ME, """
            Hi Kevin,

            How's your knee healing? No rush at all on the portfolio list, I just wanted to say
            hello.

            Alex
            """),
        m(74, "kevin", """
            Off crutches as of Monday and already bored. The list is coming, I promise.

            Kevin
            """, via="iphone"),
    ),
    thread("kevin-lunch", "Lunch?", "kevin",
        m(18, "kevin", """
            Alex,

            Lunch on {n:wmd}? Harbor Table at noon, my treat. I owe you for the Meridian intro.

            Kevin
            """),
        m(18, ME, """
            Perfect, see you there.

            Alex
            """),
        m(2, "kevin", """
            Still on for lunch {n:wd}? I'll bring the list of three portfolio companies that need
            partner help. Yes, finally.

            Kevin
            """, at="07:42"),
    ),
    # -- Miguel Santos, Tidewater Studio ------------------------------------------------------
    thread("miguel-intro", "Agency partner program", "miguel",
        m(620, "miguel", """
            Hi Alex,

            We're a 30-person design and product studio in Austin. Half our new clients come from
            three SaaS companies who send us their customers, and none of it is written down. I'd
            like to turn that into a real referral program before it turns into an argument.

            Do you work with agencies, or only with the software side?

            Miguel
            """),
        m(619, ME, """
            Both, and agencies are often the more interesting half. Happy to talk. Thursday
            afternoon your time?

            Alex
            """),
        m(619, "miguel", """
            Thursday at 2 Central. Sending an invite now.

            Miguel
            """),
    ),
    thread("miguel-terms-v1", "Referral terms v1", "miguel",
        m(400, ME, """
            Miguel,

            First version of the referral terms is in the shared doc. The short version: 10% of
            first-year revenue for sourced deals, 5% for influenced, paid quarterly, and a
            ninety-day registration window so nobody argues about who found whom.

            Alex
            """),
        m(399, "miguel", """
            Clear and fair. Two of the three partners will sign this as is. The third will want 12%,
            because the third always wants 12%.

            Miguel
            """),
    ),
    thread("miguel-referral", "Referral terms", "miguel",
        m(35, "miguel", """
            Hi Alex,

            Big month coming up: our 10th wedding anniversary is {n+21:md}, and we're finally taking
            the trip we postponed twice. Off to Japan {n+18~n+30:rng}. So I'd love to lock the
            referral terms before I go and then ignore my laptop entirely.

            Can you take one more pass at the partner tiers?

            Miguel
            """),
        m(35, ME, """
            Ten years, congratulations to you both! Japan is a perfect way to mark it. Let's
            absolutely lock the terms before you go. I'll send a redline by {m+3:wd}.

            Alex
            """),
        m(33, ME, """
            Miguel, the redline is in the shared doc as promised. The only real change is a clawback
            if a referred client leaves within ninety days.

            Alex
            """),
    ),
    thread("miguel-call", "For our call", "miguel",
        m(3, "miguel", """
            Hi Alex,

            For {n:wd}'s call: I'll send the draft referral agreement over beforehand. Our lawyer has
            opinions, and I'd rather you see them before we talk.

            Miguel
            """, at="17:20"),
    ),
)
