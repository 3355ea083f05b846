"""Quarterly and monthly partners: Tom Becker, Hannah Kim, Elena Petrović, Marcus Bell, Rachel Alvarez.

Tom: Michigan grad; "it's my 40th on Friday"; his colleague Mark is a Yankees fan (a third
party, not a fact about anyone). Hannah: rescue dog Max; asked for the onboarding checklist
ten days ago and never got it. Elena: vegetarian; in Lisbon next week; one out-of-office
reply. Marcus: wife Sarah; promoted to VP of Sales; promised an intro to his CFO that never
came. Rachel: was in Boston, moved to Denver (the newer location replaces the older).
"""

from __future__ import annotations

from syncd.demo.model import ME, m, thread

THREADS = (
    # -- Tom Becker, Fieldstone Analytics ----------------------------------------------------
    thread("tom-intro", "Fieldstone partner program", "tom",
        m(650, "tom", """
            Hi Alex,

            I read your piece on partner tiers and forwarded it to my co-founder with the subject
            line "this is us". We have twelve integration partners, zero process, and a support queue
            that proves it.

            Full disclosure: I'm a Michigan grad, so you'll forgive me if I explain everything with
            football metaphors. Could we talk?

            Tom
            """),
        m(649, ME, """
            Hi Tom,

            Football metaphors are welcome; I'll translate them into spreadsheets. Would Tuesday
            at 11 Central work?

            Alex
            """),
        m(649, "tom", """
            Tuesday at 11 works. Go Blue.

            Tom
            """),
    ),
    thread("tom-api", "Partner API docs", "tom",
        m(470, "tom", """
            Alex,

            The partner API docs are live, and for the first time a partner integrated without
            calling us. Thank you for pushing on that.

            Come by the Chicago office next time you're in town. Fair warning: my colleague Mark is a
            Yankees fan and will ask about your allegiance within five minutes of meeting you.

            Tom
            """),
        m(469, ME, """
            That's the best metric there is: nobody had to call. I'll be in Chicago next quarter
            and will prepare my answer for Mark.

            Alex
            """),
    ),
    thread("tom-roadmap", "Roadmap draft", "tom",
        m(210, "tom", """
            Hi Alex,

            Roadmap draft is in the doc. The partner sandbox moved up a quarter, which I think
            makes your life easier.

            Also, I'm out Friday: it's my 40th on Friday and my wife has booked a cabin with no
            Wi-Fi, which I'm told is the point.

            Tom
            """, dow="Tue"),
        m(210, ME, """
            Happy almost-40th! Enjoy the cabin and the silence. The sandbox moving up is great news;
            I'll rework the enablement plan around it.

            Alex
            """, dow="Tue"),
    ),
    thread("tom-michigan", "Advice for a Michigan freshman?", "tom",
        m(("movein", -24), ME, """
            Hi Tom,

            A favor, Michigan alum to be named: Dana Whitfield's daughter Emma starts at Michigan
            soon, and Dana asked whether I knew anyone who'd been through it. Any advice I can pass
            along?

            Alex
            """),
        m(("movein", -23), "tom", """
            Happily. Tell Emma: go to office hours in the first month, when nobody else does; take
            one class that has nothing to do with her major; and buy a real winter coat before
            November, not after.

            Tom
            """),
    ),
    # -- Hannah Kim, Cobalt Cloud --------------------------------------------------------------
    thread("hannah-playbook", "Co-marketing playbook", "hannah",
        m(560, "hannah", """
            Hi Alex,

            Jordan mentioned you've built co-marketing playbooks for a couple of cloud companies.
            We're about to launch MDF for our partners and I'd love to borrow your brain before we
            make it complicated.

            Hannah
            """),
        m(559, ME, """
            Hi Hannah, happy to. The short answer is: make MDF boring and predictable, and partners
            will use it. Does Thursday work for a first call?

            Alex
            """),
    ),
    thread("hannah-mdf", "MDF rules", "hannah",
        m(470, "hannah", """
            Hi Alex,

            Draft MDF rules are in the doc. I kept it to one page like you said.

            Also, we just adopted a rescue dog named Max, so if there's barking during Thursday's
            call, that's him weighing in on the approval workflow.

            Hannah
            """),
        m(470, ME, """
            One page, well done. Max is welcome on every call; his notes are probably better than
            most steering committees'.

            Alex
            """),
    ),
    thread("hannah-results", "First MDF quarter", "hannah",
        m(300, "hannah", """
            First quarter of MDF is in: 22 partners used it, 9 events, and 41 sourced opportunities.
            My VP asked who designed the program, and I said "a one-page document".

            Hannah
            """),
        m(299, ME, """
            That's a fantastic first quarter. Send your VP my regards and keep the page to one.

            Alex
            """),
    ),
    thread("hannah-tiers", "Partner tiers and MDF", "hannah",
        m(120, ME, """
            Hi Hannah,

            Following up on our call: if MDF becomes a tier benefit, I'd tie it to certified
            engineers rather than revenue. Small partners with good engineers are your future gold
            partners.

            Alex
            """),
        m(119, "hannah", """
            That's the argument I needed for the leadership review. Thank you!

            Hannah
            """),
    ),
    thread("hannah-checklist", "Onboarding checklist?", "hannah",
        m(10, "hannah", """
            Hi Alex,

            Great call on Tuesday. Could you share the partner onboarding checklist you mentioned?
            I'd love to adapt it for our MDF partners before the end of the month.

            Thanks!
            Hannah
            """, at="11:37"),
    ),
    # -- Elena Petrović, Vireo Systems ---------------------------------------------------------
    thread("elena-emea", "EMEA partner expansion", "elena",
        m(600, "elena", """
            Dear Alex,

            Hannah Kim at Cobalt recommended you. Vireo is expanding our partner program from the
            DACH region to the rest of Europe next year, and I would like an outside view before
            we commit to a structure.

            Would you have time for a video call in the coming weeks? Afternoons in Berlin are
            easiest, which I realize is your morning.

            Best regards,
            Elena
            """),
        m(600, ME, """
            Dear Elena,

            Thank you for reaching out, and for Hannah's kind word. Mornings are my best hours,
            so your afternoon is perfect. Tuesday at 9am Boston, 3pm Berlin?

            Alex
            """),
        m(599, "elena", """
            Tuesday works. Talk then!

            Elena
            """),
    ),
    thread("elena-dinner", "Dinner in Berlin?", "elena",
        m(400, ME, """
            Hi Elena,

            I'll be in Berlin on the {berlin:th} and {berlin+1:th} for a client workshop. Any chance you're
            free for dinner one of those evenings?

            Alex
            """, dow="Mon"),
        m(400, "elena", """
            Yes, the {berlin:th} is perfect. I'll pick the restaurant. I'm vegetarian, so I will choose
            somewhere that is good for both of us, I promise.

            Elena
            """, dow="Mon"),
        m(399, ME, """
            Wonderful, I trust you completely. See you on the {berlin:th}.

            Alex
            """, dow="Tue"),
    ),
    thread("elena-council", "Partner council slides", "elena",
        m(300, ME, """
            Hi Elena,

            Slides for the partner council are in the shared folder. Slide 9 is the one I'd like
            your view on before we show it to anyone.

            Alex
            """),
        m(300, "elena", """
            Thank you for your message. I am out of the office until {m+6:md} with limited access to
            e-mail. For urgent matters please contact alliances@vireosystems.eu.

            Elena Petrović
            """, auto="ooo", quote=False),
        m(294, "elena", """
            Back at my desk. Slide 9 is right but too polite; say the margin number out loud.

            Elena
            """, to=(ME,)),
    ),
    thread("elena-call", "Call on {n+1:wd}", "elena",
        m(6, "elena", """
            Hi Alex,

            Quick note: I'm in Lisbon next week for our partner offsite, so I'll join {n+1:wd}'s
            call from the hotel. Same time, 10am yours, 4pm mine.

            Elena
            """),
        m(6, ME, """
            Enjoy Lisbon! Same time works. I'll send the expansion one-pager the day before.

            Alex
            """),
    ),
    # -- Marcus Bell, Acme Robotics ------------------------------------------------------------
    thread("marcus-comp", "Partner comp plan question", "marcus",
        m(705, "marcus", """
            Alex,

            Quick one: when a partner-sourced deal closes, should our direct reps get full credit,
            half credit, or nothing? I'm getting three answers from three VPs.

            Marcus
            """),
        m(705, ME, """
            Full credit, for the first year. Reps who are paid to fight partners will fight
            partners. You can tighten it once the program is real.

            Alex
            """),
    ),
    thread("marcus-checkin", "Quick check-in", "marcus",
        m(610, "marcus", """
            Alex,

            Back from a week in Acadia. My wife Sarah claims I'm a nicer person on vacation, which
            I'm choosing to take as a compliment. Full credit for reps is working, by the way:
            partner deals are up and nobody has quit.

            Marcus
            """),
        m(610, ME, """
            Sarah is probably right, and I'm glad the comp plan survived contact with reality.

            Alex
            """),
    ),
    thread("marcus-news", "News", "marcus",
        m(200, "marcus", """
            Alex,

            Quick personal update: as of Monday, I've taken over as VP of Sales at Acme. Channel
            stays with me, so nothing changes for our work together, except that I now get to
            approve my own budget requests.

            Marcus
            """),
        m(200, ME, """
            Congratulations, Marcus! Well deserved, and good news for every partner you work with.

            Alex
            """),
        m(199, "marcus", """
            Thanks! One of my first moves: I'll introduce you to our CFO, Janet Cole, in the next
            couple of weeks. She needs to hear your partner-margin argument from you, not me.

            Marcus
            """),
    ),
    thread("marcus-janet", "Janet?", "marcus",
        m(110, ME, """
            Hi Marcus,

            Any luck connecting me with Janet? Happy to keep it to twenty minutes.

            Alex
            """),
        m(110, "marcus", """
            Ugh, that's on me. Consider it done this week.

            Marcus
            """),
    ),
    # -- Rachel Alvarez, Greenline Energy ------------------------------------------------------
    thread("rachel-intro", "Greenline partner strategy", "rachel",
        m(580, "rachel", """
            Hi Alex,

            We're building an installer partner network at Greenline and I keep hearing your name.
            We're based in Boston too, our office is in the Seaport, so happy to meet in person
            whenever suits.

            Rachel
            """),
        m(580, ME, """
            Hi Rachel, I'd love to. Coffee at your office next Wednesday morning?

            Alex
            """),
    ),
    thread("rachel-news", "Some news", "rachel",
        m(200, "rachel", """
            Alex,

            Some news before it's public: Greenline is opening a Mountain West office and I'll be
            leading it, which means a move for all of us. The installer program comes with me.

            Rachel
            """),
        m(200, ME, """
            That's exciting news, congratulations! The installer program will be in good hands.

            Alex
            """),
    ),
    thread("rachel-denver", "New address", "rachel",
        m(120, "rachel", """
            Hi Alex,

            We just moved to Denver. Boxes everywhere, but the mountains out the window make up for
            it. New office address is in my signature; the installer kickoff is still on for the
            {m+14:th}.

            Rachel
            """),
        m(120, ME, """
            Welcome to Denver! Send a photo of the mountains so I can be jealous. The {m+14:th} is
            in my calendar.

            Alex
            """),
    ),
    thread("rachel-installers", "Installer kickoff follow-up", "rachel",
        m(50, ME, """
            Hi Rachel,

            Thanks for a great kickoff. Three follow-ups from me: the installer tier sheet, the
            certification outline, and a one-page FAQ for your field team.

            Alex
            """),
        m(49, "rachel", """
            Perfect. The field team already asked for the FAQ, so that one first, please.

            Rachel
            """),
    ),
)
