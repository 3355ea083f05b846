"""Relationships with other rhythms: Bob Feld and Ben Whitaker (gone quiet), Olivia Grant,
Walter Hughes (retired; his address now bounces), Nina Patel, and Grace Liu (brand new).

Bob: "call me Bob". Olivia: promoted to COO, stated only in Alex's own "congrats on your
promotion" (a fact about the recipient). Ben: sails on weekends; "if I were a Yankees fan"
is a joke, not a fact. Walter: retiring, nephew Daniel takes over. Nina: Wharton MBA,
husband Raj. Grace: just joined Peakline as Head of Partnerships; introduced by Dana.
"""

from __future__ import annotations

from syncd.demo.model import ME, m, thread

A = "Archive"

THREADS = (
    # -- Robert "Bob" Feld, Feld & Associates: monthly, then nothing for five months ---------
    thread("bob-intro", "Referral partnership", "bob",
        m(690, "bob", """
            Alex,

            Robert Feld here; Kevin O'Brien suggested we talk. My firm advises mid-size software
            companies on M&A, and half the time the partner program is the mess we find in
            diligence. I suspect we could send each other work.

            And please, call me Bob. Only my mother and the IRS call me Robert.

            Bob
            """),
        m(689, ME, """
            Thanks, Bob. I suspect you're right: I see the same mess from the other side. Lunch
            next time I'm in New York?

            Alex
            """),
        folder=A),
    thread("bob-diligence", "Diligence question", "bob",
        m(560, "bob", """
            Alex, a quick diligence question: how would you value a partner program where 60% of
            partner revenue comes from one reseller? Asking for a client, genuinely.

            Bob
            """),
        m(559, ME, """
            As a customer concentration risk with a nicer name. I'd want to see that reseller's
            contract term and whether they have a competing line. Happy to look at it properly.

            Alex
            """),
        folder=A),
    thread("bob-referral", "Referral: Saltmarsh", "bob",
        m(400, "bob", """
            Alex, I sent Ben Whitaker at Saltmarsh your way. They're preparing for a raise and their
            partner numbers need a story. Be gentle, he's a good guy.

            Bob
            """),
        m(400, ME, """
            Thank you, Bob. Ben and I already know each other a little; I'll reach out this week.

            Alex
            """),
    ),
    thread("bob-catchup", "Catching up", "bob",
        m(160, ME, """
            Hi Bob,

            It's been a while. How are things at the firm? I'd love to hear what you're seeing
            in diligence these days.

            Alex
            """),
        m(158, "bob", """
            Alex, good to hear from you. Busy in the best way. Let's grab lunch next month; I'll
            have my assistant find a date.

            Bob
            """),
    ),
    # -- Olivia Grant, Meridian Retail ---------------------------------------------------------
    thread("olivia-ops", "Store partner pilot", "olivia",
        m(540, "olivia", """
            Alex,

            Kevin O'Brien said you might help us think about a partner pilot for in-store
            installation services. Could we set up an hour with my team?

            Olivia
            """),
        m(540, ME, """
            Hi Olivia, gladly. I'll send a few times for next week.

            Alex
            """),
    ),
    thread("olivia-coo", "Congratulations!", "olivia",
        m(95, ME, """
            Hi Olivia,

            Saw the news: congratulations on your promotion to COO! Meridian is lucky to have you in
            that seat, and the partner pilot just got a very good friend in high places.

            Alex
            """),
        m(94, "olivia", """
            Thank you, Alex! Still getting used to the title, and to the calendar that came with
            it. Let's catch up once I've found the floor again.

            Olivia
            """),
    ),
    thread("olivia-invoice", "Invoice 1042", "olivia",
        m(30, ME, """
            Hi Olivia,

            A small, slightly awkward one: invoice 1042 for the pilot review is now 45 days past due.
            Could you point me to the right person in AP?

            Alex
            """),
        m(29, "olivia", """
            Not awkward at all, and I'm sorry. I'll make sure AP pays it this week.

            Olivia
            """),
    ),
    # -- Ben Whitaker, Saltmarsh Software: quarterly, then quiet ------------------------------
    thread("ben-intro", "Saltmarsh + Morgan", "ben",
        m(700, "ben", """
            Alex, good to meet you at the partner summit. As promised, here's the note. We'd love
            your help restructuring our reseller agreements.

            One thing you should know about me: I sail on weekends out of Marblehead, so my Friday
            afternoons are unreliable whenever the wind is good.

            Ben
            """),
        m(699, ME, """
            Great to meet you too, Ben. I'll take Friday mornings then. Next week?

            Alex
            """),
    ),
    thread("ben-season", "Season", "ben",
        m(520, "ben", """
            Agreements are signed with four of six resellers. The other two are "reviewing", which
            we both know means "waiting to see if anyone else blinks".

            If I were a Yankees fan I'd be worried about the rebuild, but luckily I only follow the
            wind forecast.

            Ben
            """),
        m(520, ME, """
            Four of six is a strong start. Give the other two a deadline and a reason; they'll come.

            Alex
            """),
    ),
    thread("ben-raise", "After the raise", "ben",
        m(270, "ben", """
            Alex, we closed the round. The partner slide was the one the lead investor asked about
            most, so thank you. Let's talk about what's next once the dust settles.

            Ben
            """),
        m(270, ME, """
            Congratulations, Ben, that's a huge milestone. Let's talk whenever you're ready.

            Alex
            """),
    ),
    # -- Walter Hughes, Hughes & Co.: retired; his address bounces now --------------------------
    thread("walter-review", "Agency review", "walter",
        m(660, "walter", """
            Alex,

            Thank you for the review of our agency agreements. It was clear, and it was kind, which
            in my experience is rarer than clear.

            Walter
            """),
        m(660, ME, """
            Thank you, Walter. That means a great deal coming from you.

            Alex
            """),
        folder=A),
    thread("walter-news", "Some news from Providence", "walter",
        m(250, "walter", """
            Alex,

            After 31 years, I'm retiring at the end of {m+40:mon}. My nephew Daniel will take over
            our client work, and I've told him to call you before he changes anything.

            Walter
            """),
        m(250, ME, """
            Congratulations on your retirement, Walter! Thirty-one years of doing it the right way.
            I'd be glad to help Daniel whenever he's ready.

            Alex
            """),
        folder=A),
    thread("walter-hello", "Hello from Boston", "walter",
        m(150, ME, """
            Hi Walter,

            How is retirement treating you? I hope there's a boat or a garden involved.

            Alex
            """),
        m(150, "walter", "", auto="bounce"),
        folder=A),
    # -- Nina Patel, Orbital Payments ----------------------------------------------------------
    thread("nina-tiers", "Partner tiers for payments", "nina",
        m(480, "nina", """
            Hi Alex,

            Payments partners behave differently from software resellers: they're paid on volume,
            not licenses. Has anyone built tiers on processed volume that didn't end in tears?

            Nina
            """),
        m(479, ME, """
            A couple, and the trick is to tier on growth, not on size. Let's talk Thursday?

            Alex
            """),
    ),
    thread("nina-mba", "Back from the MBA cave", "nina",
        m(400, "nina", """
            Hi Alex,

            Apologies for the slow reply: I just finished my MBA at Wharton, three years of nights
            and weekends, so I'm rejoining the land of the living. The growth-based tiers are
            working, by the way.

            Nina
            """),
        m(400, ME, """
            Congratulations on finishing your MBA, Nina! That's a serious achievement. Glad the
            tiers are holding up.

            Alex
            """),
    ),
    thread("nina-sleep", "Tier review", "nina",
        m(260, "nina", """
            Alex,

            Tier review went well. My husband Raj says I talk about partner tiers in my sleep now,
            so I'm blaming you for that.

            Nina
            """),
        m(259, ME, """
            I'll accept the blame and Raj's complaint. Glad the review went well.

            Alex
            """),
    ),
    thread("nina-qbr", "QBR template?", "nina",
        m(18, "nina", """
            Hi Alex, do you have a template for partner QBRs you could share? Ours are a
            forty-slide monologue and partners have started to notice.

            Nina
            """),
        m(17, ME, """
            Hi Nina, it's in the shared folder: six slides, and three of them are questions for the
            partner. The monologue problem goes away when they do most of the talking.

            Alex
            """),
    ),
    # -- Grace Liu, Peakline: brand new, introduced by Dana -----------------------------------
    thread("grace-intro", "Intro: Grace Liu (Peakline) / Alex Morgan", "grace",
        m(5, "dana", """
            Alex, Grace,

            Grace, meet Alex: the reason Northwind's partner program is no longer a spreadsheet.
            Alex, meet Grace, a friend from my first job, who is building something new at Peakline.

            You two should talk. I'll get out of the way.

            Dana
            """, to=(ME, "grace")),
        m(4, "grace", """
            Thanks Dana!

            Alex, so nice to meet you. I just joined Peakline as Head of Partnerships last month, and
            I've inherited eleven partner agreements, none of which agree with each other. Could we
            find 30 minutes?

            Grace
            """, to=(ME,), cc=("dana",)),
        m(4, ME, """
            Lovely to meet you, Grace, and welcome to the partner world. Eleven agreements that
            disagree is a very normal place to start. Grab any time that suits you here:
            https://meetwise.io/alex-morgan/30min

            Alex
            """),
        m(1, "grace", """
            Booked for {n+6:wd}. Looking forward to it!

            Grace
            """, at="09:15", unread=True, quote=False),
    ),
)
