"""The morning briefing's content: the right people, facts, loops and questions under the
right meeting; nothing of one person under another; no robots; colleagues in one line;
muted people not at all; and delivery once per date, only ever to the user."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from connectors.base import Address, OutgoingMail
from syncd import bounces, clock, config, deliver, dossier, knowledge, store
from syncd.errors import ConfigError, TransientError
from tests import briefing_scenario as sc
from tests.conftest import run

MARKERS = {  # what only this person said: it must never show under anyone else
    "dana@acme.example": ["Emma", "Michigan", "Red Sox", "pricing deck"],
    "raj@partner.example": ["Lisbon", "partner agreement"],
    "kevin@harborview.example": ["nee surgery", "Celtics"],
    "jo@me.example": ["Sarah"],
    "pat@quiet.example": ["Denver"],
}


@pytest.fixture
def world(cli: CliRunner, home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SYNCD_NOW", sc.NOW)
    sc.write_config(home, sc.build_mailbox(tmp_path / "Mail"), sc.build_calendar(tmp_path / "cal.ics"))
    run(cli, "sync")
    return home


def brief_json(cli: CliRunner, *args: str) -> dict[str, Any]:
    return json.loads(run(cli, "brief", "--format", "json", *args).output)


def by_email(meeting: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {a["email"]: a for a in meeting["attendees"]}


def test_the_days_meetings_in_order_in_the_users_zone(cli: CliRunner, world: Path) -> None:
    data = brief_json(cli)
    assert [m["title"] for m in data["meetings"]] == ["Acme renewal", "Lunch with Kevin", sc.HOSTILE_TITLE, "Catch-up with Pat"]
    assert data["meetings"][0]["time"] == "9:30–10:00 AM"  # 13:30Z in America/New_York
    assert data["meetings"][0]["place"] == "Acme, 1 Main St"
    assert data["meetings"][2]["link"] == "https://zoom.us/j/123456"
    assert data["subject"] == "Tue Apr 16 — 4 meetings: Dana Whitfield, Kevin O'Brien, Raj Patel, …"


def test_each_attendee_gets_their_own_facts_loops_and_questions(cli: CliRunner, world: Path) -> None:
    meetings = brief_json(cli)["meetings"]
    dana = by_email(meetings[0])["dana@acme.example"]
    assert dana["relation"] == "contact" and dana["organisation"] == "Acme"
    assert dana["history"]["received"] == 3 and dana["history"]["sent"] == 3 and dana["history"]["meetings"] == 1
    assert dana["history"]["last_subject"] == "Acme weekly" and dana["history"]["last_ago"] == "7 days ago"
    assert any("Emma" in f["text"] and "Michigan" in f["text"] for f in dana["facts"])
    assert all(f["said"].startswith("said ") for f in dana["facts"] if not f["projected"])
    assert [(loop["label"], loop["overdue"]) for loop in dana["loops"]] == [("You promised", True)]
    assert "pricing deck" in dana["loops"][0]["text"]
    assert "Is Emma ready for Michigan?" in dana["questions"]
    raj = by_email(meetings[2])["raj@partner.example"]
    assert [loop["label"] for loop in raj["loops"]] == ["They asked"]
    assert "partner agreement template" in raj["loops"][0]["text"]
    assert "How was Lisbon?" in raj["questions"]
    kevin = by_email(meetings[1])["kevin@harborview.example"]
    assert any("Celtics" in f["text"] for f in kevin["facts"])


def test_nothing_of_one_person_appears_under_another(cli: CliRunner, world: Path) -> None:
    for meeting in brief_json(cli)["meetings"]:
        for person in meeting["attendees"]:
            section = json.dumps(person)
            for other, markers in MARKERS.items():
                if other == person["email"]:
                    continue
                leaked = [m for m in markers if m in section]
                assert not leaked, f"{other}'s {leaked} under {person['email']} in {meeting['title']!r}"


def test_an_attendee_section_reads_only_that_persons_rows(world: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Privacy by construction: the per-person code asks the store for one person id, never for everyone."""
    store.open_db(config.load().database_url)
    calls: list[tuple[str, Any]] = []
    real_facts, real_loops = knowledge.facts, knowledge.loops

    def facts(*args: Any, **kwargs: Any) -> Any:
        calls.append(("facts", kwargs.get("person_id")))
        return real_facts(*args, **kwargs)

    def loops(*args: Any, **kwargs: Any) -> Any:
        calls.append(("loops", kwargs.get("person_id")))
        return real_loops(*args, **kwargs)

    monkeypatch.setattr(knowledge, "facts", facts)
    monkeypatch.setattr(knowledge, "loops", loops)
    raj = store.Person.get(store.Person.primary_email == "raj@partner.example")
    now = clock.parse_instant(sc.NOW)
    brief = dossier.brief_person(raj, raj.primary_email, colleague=False, today=sc.TODAY, now=now)
    assert calls == [("facts", raj.id), ("loops", raj.id)]
    assert brief.loops and brief.facts


def test_colleagues_get_one_line_and_nothing_personal(cli: CliRunner, world: Path) -> None:
    jo = by_email(brief_json(cli)["meetings"][0])["jo@me.example"]
    assert jo["relation"] == "colleague"
    assert jo["facts"] == [] and jo["loops"] == [] and jo["questions"] == []
    text = run(cli, "brief").output
    assert "Colleagues: Jo Park (last 4 weeks ago: “Re: Team lunch”)" in text
    assert "Sarah" not in text


def test_automated_senders_and_declined_or_cancelled_meetings_never_appear(cli: CliRunner, world: Path) -> None:
    outputs = [run(cli, "brief", "--format", fmt).output for fmt in ("json", "text", "html")]
    for out in outputs:
        for robot in sc.ROBOTS:
            assert robot not in out
        assert "Acme News" not in out and "Acme Calendar" not in out
        assert "Declined review" not in out and "Cancelled review" not in out
    dana_meeting = json.loads(outputs[0])["meetings"][0]
    assert [a["email"] for a in dana_meeting["attendees"]] == ["dana@acme.example", "jo@me.example"]


def test_muted_people_get_no_brief_anywhere(cli: CliRunner, world: Path) -> None:
    assert "pat@quiet.example" in run(cli, "brief", "--format", "json").output
    run(cli, "people", "mute", "pat@quiet.example")
    for fmt in ("json", "text", "html"):
        out = run(cli, "brief", "--format", fmt).output
        assert "Pat Quinn" not in out and "pat@quiet.example" not in out and "Denver" not in out
    pat_meeting = brief_json(cli)["meetings"][3]
    assert pat_meeting["title"] == "Catch-up with Pat" and pat_meeting["attendees"] == []
    run(cli, "people", "unmute", "Pat Quinn")
    assert "Denver" in run(cli, "brief").output


def test_a_sensitive_fact_is_shown_with_care_and_never_asked_about(cli: CliRunner, world: Path) -> None:
    kevin = by_email(brief_json(cli)["meetings"][1])["kevin@harborview.example"]
    care = [f for f in kevin["facts"] if f["care"]]
    assert len(care) == 1 and "Knee surgery" in care[0]["text"]
    assert not any("knee" in q.lower() or "surgery" in q.lower() for q in kevin["questions"])
    assert "Knee surgery (Mar 2024) (said 6 weeks ago) — handle with care; let them bring it up" in run(cli, "brief").output


def test_one_meetings_brief_by_uid(cli: CliRunner, world: Path) -> None:
    meeting = json.loads(run(cli, "brief", "--event", "hostile", "--format", "json").output)
    assert meeting["title"] == sc.HOSTILE_TITLE
    assert set(by_email(meeting)) == {"raj@partner.example", "evil@bad.example"}
    upcoming = json.loads(run(cli, "brief", "--event", "raj-again", "--format", "json").output)
    assert upcoming["start"].startswith("2024-04-17T10:00")
    text = run(cli, "brief", "--event", "lunch").output
    assert text.startswith("Before your meeting") and "Kevin O'Brien" in text and "Dana" not in text
    result = run(cli, "brief", "--event", "no-such-uid", code=2)
    assert "no meeting with UID 'no-such-uid'" in result.output


def test_another_day_and_a_quiet_day(cli: CliRunner, world: Path) -> None:
    tomorrow = brief_json(cli, "--date", "2024-04-17")
    assert [m["title"] for m in tomorrow["meetings"]] == ["Raj again"]
    quiet = run(cli, "brief", "--date", "2024-04-20").output
    assert "Sat Apr 20 — no meetings; 1 promise open" in quiet
    assert "No meetings today" in quiet and "pricing deck" in quiet  # still worth reading: the promise
    run(cli, "brief", "--date", "April 20", code=2)


# -- delivery ------------------------------------------------------------------------


def _only_message(path: Path) -> email.message.EmailMessage:
    return email.message_from_bytes(path.read_bytes(), policy=email.policy.default)  # type: ignore[return-value]


def test_send_without_a_sending_account_writes_the_outbox_once_per_date(cli: CliRunner, world: Path) -> None:
    out = run(cli, "brief", "--send").output
    eml = world / "outbox" / "2024-04-16-briefing.eml"
    assert str(eml) in out and eml.stat().st_mode & 0o777 == 0o600
    msg = _only_message(eml)
    assert msg.get_content_type() == "multipart/alternative"
    assert msg["To"].addresses[0].addr_spec == sc.ME and len(msg["To"].addresses) == 1
    assert msg["Cc"] is None and msg["Bcc"] is None and msg["Auto-Submitted"] == "auto-generated"
    assert [p.get_content_type() for p in msg.iter_parts()] == ["text/plain", "text/html"]
    first = eml.read_bytes()
    assert "nothing sent: the briefing for 2024-04-16 went out already" in run(cli, "brief", "--send").output
    assert eml.read_bytes() == first
    run(cli, "brief", "--send", "--force")
    assert eml.read_bytes() != first  # a new Message-ID
    store.open_db(config.load().database_url)
    assert [(b.date, b.channel) for b in store.Briefing.select()] == [("2024-04-16", "outbox")]


def test_send_through_the_accounts_smtp_to_the_user_only(cli: CliRunner, world: Path, smtp_server: Any,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    server = smtp_server("starttls")
    cafile = server.tls_files.cert
    monkeypatch.setenv("SMTP_PASSWORD", server.password)
    with (world / "config.toml").open("a") as f:
        f.write(f'\n[accounts.work]\nkind = "imap"\nhost = "127.0.0.1"\nport = 1\ntls = "none"\nusername = "{server.username}"\n'
                f'addresses = ["{sc.ME}"]\npassword_env = "SMTP_PASSWORD"\nsmtp_host = "127.0.0.1"\n'
                f'smtp_port = {server.port}\nsmtp_tls = "starttls"\ncafile = "{cafile}"\nenabled = false\n')
    # a disabled account is not used to send: the briefing goes to the outbox
    assert "outbox" in run(cli, "brief", "--send").output and not server.sink.messages
    text = (world / "config.toml").read_text().replace("enabled = false\n", "")
    (world / "config.toml").write_text(text)
    out = run(cli, "brief", "--send", "--date", "2024-04-17").output
    assert f"to {sc.ME} via imap" in out
    assert len(server.sink.messages) == 1
    mail_from, rcpt_tos, raw = server.sink.messages[0]
    assert rcpt_tos == [sc.ME] and mail_from == sc.ME
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    assert msg.get_content_type() == "multipart/alternative"
    assert msg["Subject"] == "Wed Apr 17 — 1 meeting: Raj Patel"
    sessions = server.sink.sessions
    assert "nothing sent" in run(cli, "brief", "--send", "--date", "2024-04-17").output
    assert len(server.sink.messages) == 1 and server.sink.sessions == sessions


class FailingOnce:
    kind = "flaky"
    capabilities = frozenset({"send"})

    def __init__(self) -> None:
        self.sent: list[OutgoingMail] = []
        self.fail = True

    def send(self, mail: OutgoingMail) -> None:
        if self.fail:
            self.fail = False
            raise TransientError("connection dropped")
        self.sent.append(mail)


def test_a_failed_send_leaves_no_record_so_it_can_be_retried(world: Path) -> None:
    cfg = config.load()
    store.open_db(cfg.database_url)
    now = clock.parse_instant(sc.NOW)
    b = deliver.build_for(cfg, sc.TODAY, now)
    connector = FailingOnce()
    with pytest.raises(TransientError):
        deliver.deliver(b, cfg, now, connector=connector)  # type: ignore[arg-type]
    assert store.Briefing.select().count() == 0
    assert deliver.deliver(b, cfg, now, connector=connector)  # type: ignore[arg-type]
    assert not deliver.deliver(b, cfg, now, connector=connector)  # type: ignore[arg-type]
    assert len(connector.sent) == 1 and [a.email for a in connector.sent[0].to] == [sc.ME]


def test_mail_to_anyone_but_the_user_is_refused(world: Path) -> None:
    cfg = config.load()
    stranger = OutgoingMail(to=(Address("boss@elsewhere.example"),), subject="x", text="x")
    with pytest.raises(ConfigError, match="only ever sends mail to you"):
        deliver.check_only_to_user(stranger, cfg)
    sneaky = config.Config(paths=cfg.paths, accounts=cfg.accounts, settings={**cfg.settings, "briefing_to": "boss@elsewhere.example"})
    with pytest.raises(ConfigError, match="briefing_to"):
        deliver.recipient(sneaky)


@pytest.mark.parametrize(("setting", "message"), [
    ('briefing_to = "boss@elsewhere.example"', "syncd.briefing_to: 'boss@elsewhere.example' is not one of your own addresses"),
    ('briefing_time = "7am"', "syncd.briefing_time: '7am' is not a time of day"),
    ("skip_empty_briefing = 1", "syncd.skip_empty_briefing: must be a bool"),
])
def test_briefing_settings_are_checked(cli: CliRunner, home: Path, tmp_path: Path, setting: str, message: str) -> None:
    sc.write_config(home, tmp_path, tmp_path / "cal.ics", extra=setting)
    result = run(cli, "brief", "--send", code=2)
    assert message in result.output
    assert not (home / "outbox").exists()


def test_briefing_to_one_of_your_own_addresses_is_used(cli: CliRunner, home: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SYNCD_NOW", sc.NOW)
    sc.write_config(home, sc.build_mailbox(tmp_path / "Mail"), tmp_path / "none.ics",
                    extra='addresses = ["alex.personal@home.example"]\nbriefing_to = "alex.personal@home.example"\nbriefing_time = "06:30"')
    run(cli, "sync", "mail")
    run(cli, "brief", "--send")
    msg = _only_message(home / "outbox" / "2024-04-16-briefing.eml")
    assert [a.addr_spec for a in msg["To"].addresses] == ["alex.personal@home.example"]


def test_nothing_worth_saying_sends_nothing_when_configured(cli: CliRunner, home: Path, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SYNCD_NOW", sc.NOW)
    empty = tmp_path / "Empty"
    from tests import mailfactory as mf

    mf.maildir(empty, "Sent")
    sc.write_config(home, empty, tmp_path / "none.ics")
    run(cli, "sync", "mail")
    assert "No meetings today" in run(cli, "brief").output
    run(cli, "brief", "--send")
    assert (home / "outbox" / "2024-04-16-briefing.eml").exists()  # default: a short briefing all the same
    sc.write_config(home, empty, tmp_path / "none.ics", extra="skip_empty_briefing = true")
    out = run(cli, "brief", "--send", "--date", "2024-04-17").output
    assert "nothing sent: nothing worth saying today" in out
    assert not (home / "outbox" / "2024-04-17-briefing.eml").exists()


# -- the demo ------------------------------------------------------------------------

DEMO_NOW = "2026-03-24T07:00:00-04:00"


@pytest.fixture(scope="module")
def demo_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("demo") / "home"
    result = CliRunner().invoke(__import__("syncd.cli", fromlist=["main"]).main,
                                ["--now", DEMO_NOW, "demo", "--home", str(home)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    clock.pin(None)
    store.close_db()
    assert 'timezone = "America/New_York"' in (home / "config.toml").read_text()  # the demo sets its zone
    return home


def demo_brief(cli: CliRunner, home: Path, *args: str) -> str:
    return run(cli, "--home", str(home), "--now", DEMO_NOW, "brief", *args).output


def test_demo_briefing_briefs_the_right_people(cli: CliRunner, demo_home: Path) -> None:
    data = json.loads(demo_brief(cli, demo_home, "--format", "json"))
    assert data["subject"] == "Tue Mar 24 — 4 meetings: Dana Whitfield, Kevin O'Brien, Miguel Santos, …"
    assert [(m["time"], m["title"]) for m in data["meetings"]] == [
        ("9:30–10:30 AM", "Northwind relaunch: launch review"), ("12:00–1:15 PM", "Lunch: Kevin O'Brien"),
        ("3:00–3:45 PM", "Tidewater referral agreement"), ("4:30–5:00 PM", "Invoicing & leave plan"),
    ]
    people = [[(a["name"], a["relation"]) for a in m["attendees"]] for m in data["meetings"]]
    assert people == [
        [("Dana Whitfield", "contact"), ("Luis Ortega", "contact"), ("Jordan Lee", "colleague")],
        [("Kevin O'Brien", "contact")], [("Miguel Santos", "contact")], [("Sam Okafor", "colleague")],
    ]
    dana = data["meetings"][0]["attendees"][0]
    assert dana["organisation"] == "Northwind Logistics"
    assert "How is Emma's first year at Michigan going?" in dana["questions"]
    assert any("one-pager" in loop["text"] and loop["due_label"] == "due Thursday" for loop in dana["loops"])
    kevin = data["meetings"][1]["attendees"][0]
    assert kevin["organisation"] == "Harborview Capital Partners"
    assert [f["care"] for f in kevin["facts"] if "Knee" in f["text"]] == [True]
    assert not any("knee" in q.lower() for q in kevin["questions"])
    miguel = data["meetings"][2]["attendees"][0]
    assert data["meetings"][2]["link"].startswith("https://zoom.us/")
    assert "Did the draft referral agreement come together?" in miguel["questions"]
    sam = data["meetings"][3]["attendees"][0]
    assert sam["facts"] == [] and sam["questions"] == []  # a colleague: the baby news stays out
    assert ("Thu Mar 26", "Priya Raman's birthday") in [(d["day"], d["text"]) for d in data["dates"]]
    assert [c["name"] for c in data["cold"]][:2] == ["Tom Becker", "Robert Feld"]


def test_demo_briefing_never_shows_a_robot(cli: CliRunner, demo_home: Path) -> None:
    store.open_db(f"sqlite:///{demo_home / 'syncd.db'}")
    robots = [p.primary_email for p in store.Person.select().where(store.Person.automated == True)]  # noqa: E712
    store.close_db()
    assert len(robots) >= 5
    for fmt in ("json", "text", "html"):
        out = demo_brief(cli, demo_home, "--format", fmt)
        assert not [r for r in robots if r in out]



def test_demo_cold_ranking_is_the_same_as_computing_everyones_health(demo_home: Path) -> None:
    from syncd.infer.health import going_cold

    store.open_db(f"sqlite:///{demo_home / 'syncd.db'}")
    now = clock.parse_instant(DEMO_NOW)
    gone = bounces.unreachable()  # Walter Hughes: his address bounces, he is not "going cold"
    assert len(gone) == 1
    everyone = going_cold([h for p, h in knowledge.healths(now) if p.id not in gone], now, 50)
    assert len(everyone) >= 4
    for limit in (1, 3, 5, 50):
        fast = knowledge.cold(now, limit)
        assert [(c["email"], c["score"], c["reason"]) for c in fast] == [
            (h.person, round(h.cold_score, 3), h.reason) for h in everyone[:limit]
        ]


def test_the_light_cold_score_agrees_with_health_on_random_histories() -> None:
    import random

    from syncd.coldness import score
    from syncd.infer.health import health
    from syncd.infer.model import Touch

    rnd = random.Random(7)
    now = clock.parse_instant(DEMO_NOW)
    for _ in range(300):
        gap = rnd.uniform(0.3, 120)
        at = now - dt.timedelta(days=rnd.uniform(0, 900))
        touches = []
        for _ in range(rnd.randint(0, 25)):
            touches.append(Touch(at=at, direction=rnd.choice(["in", "out", "meeting"]), words=rnd.randint(0, 300)))
            at -= dt.timedelta(days=gap * rnd.uniform(0.05, 2.5))
        touches.append(Touch(at=now + dt.timedelta(days=2), direction="meeting"))  # the future does not count
        full, light = health("p@x", touches, now), score("p@x", touches, now)
        assert (light.cold_score, light.rhythm_days, light.last_contact, light.days_since, light.extra["interactions"]) == (
            full.cold_score, full.rhythm_days, full.last_contact, full.days_since, full.extra["interactions"])


def test_cold_ranking_prunes_yet_ranks_like_computing_everyone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """On a generated store of faded and lively relationships, the bounded ranking computes
    few people's health and still returns exactly what computing everyone's would."""
    import importlib.util

    from syncd import coldness
    from syncd.infer.health import going_cold
    from tests.conftest import ROOT

    spec = importlib.util.spec_from_file_location("briefing_speed", ROOT / "benchmarks" / "briefing_speed.py")
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    store.open_db(f"sqlite:///{tmp_path / 'gen.db'}")
    bench.generate(6000, 400)
    scored: list[int] = []
    real_scores = coldness._scores

    def counting(person_ids: list[int], now: dt.datetime) -> Any:
        scored.extend(person_ids)
        return real_scores(person_ids, now)

    monkeypatch.setattr(coldness, "_scores", counting)
    now = bench.NOW
    everyone = going_cold([h for _, h in knowledge.healths(now)], now, 40)
    for limit in (5, 10, 40):
        scored.clear()
        fast = knowledge.cold(now, limit)
        assert [(c["email"], c["score"], c["reason"]) for c in fast] == [
            (h.person, round(h.cold_score, 3), h.reason) for h in everyone[:limit]
        ]
    scored.clear()
    knowledge.cold(now, 5)
    assert 0 < len(scored) < len(coldness._bounds(now)) / 2, "the bounds pruned nothing"


def test_the_same_briefing_on_sqlite_and_postgresql(cli: CliRunner, home: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch, database_url: str) -> None:
    monkeypatch.setenv("SYNCD_NOW", sc.NOW)
    sc.write_config(home, sc.build_mailbox(tmp_path / "Mail"), sc.build_calendar(tmp_path / "cal.ics"),
                    extra=f'database_url = "{database_url}"')
    run(cli, "sync")
    data = brief_json(cli)
    assert [[a["email"] for a in m["attendees"]] for m in data["meetings"]] == [
        ["dana@acme.example", "jo@me.example"], ["kevin@harborview.example"],
        ["raj@partner.example", "evil@bad.example"], ["pat@quiet.example"],
    ]
    dana = data["meetings"][0]["attendees"][0]
    assert dana["history"]["first_contact"] == "2023-12-18" and dana["history"]["meetings"] == 1
    assert [p["name"] for p in data["promises"]] == ["Dana Whitfield"]
    run(cli, "brief", "--send")
    assert "went out already" in run(cli, "brief", "--send").output
    later = json.loads(run(cli, "--now", "2024-06-20T07:00:00-04:00", "brief", "--format", "json").output)
    assert [c["email"] for c in later["cold"]][:1] == ["dana@acme.example"]
    assert later["cold"][0]["reason"].startswith("usually every 6 weeks")
