"""The CLI contract: every command, its JSON shapes, and clear errors (exit 2, nothing written)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from syncd.cli import main
from tests import mailfactory as mf
from tests.conftest import run

ME = "me@example.com"


def all_commands(group: click.Group, prefix: tuple[str, ...] = ()):  # type: ignore[no-untyped-def]
    for name, command in group.commands.items():
        yield (*prefix, name), command
        if isinstance(command, click.Group):
            yield from all_commands(command, (*prefix, name))


@pytest.mark.parametrize("path", [" ".join(p) for p, _ in all_commands(main)])
def test_every_command_has_help_with_an_example(cli: CliRunner, path: str) -> None:
    result = run(cli, *path.split(), "--help")
    command = main
    for part in path.split():
        command = command.commands[part]  # type: ignore[attr-defined]
    assert command.help, f"syncd {path} has no help text"
    if not isinstance(command, click.Group) or path in ("people", "account"):
        assert "Example" in result.output, f"syncd {path} --help shows no example"


@pytest.fixture
def mailbox(tmp_path: Path) -> Path:
    root = mf.maildir(tmp_path / "Mail", "Sent")
    mf.deliver(root, mf.message("Dana Whitfield <dana@acme.example>", ME, "Pricing", "Could you send it?", message_id="<c1@x>"))
    mf.deliver(root, mf.message(ME, "Dana Whitfield <dana@acme.example>", "Re: Pricing", "Sure.", message_id="<c2@x>", date=dt.datetime(2024, 5, 7, 10, 0, tzinfo=dt.UTC)), folder="Sent")
    return root


@pytest.fixture
def calendar(tmp_path: Path) -> Path:
    path = tmp_path / "cal.ics"
    path.write_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:ev1@test\r\n"
        "DTSTAMP:20240501T000000Z\r\nDTSTART:20240510T150000Z\r\nDTEND:20240510T160000Z\r\n"
        "SUMMARY:Quarterly review\r\nORGANIZER;CN=Me:mailto:me@example.com\r\n"
        "ATTENDEE;CN=Dana Whitfield;PARTSTAT=ACCEPTED:mailto:dana@acme.example\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    return path


def test_contract_end_to_end(cli: CliRunner, home: Path, mailbox: Path, calendar: Path) -> None:
    run(cli, "account", "add", "maildir", "mail", "--path", str(mailbox), "--address", ME)
    run(cli, "account", "add", "ics", "cal", "--path", str(calendar))
    accounts = json.loads(run(cli, "account", "list", "--json").output)
    assert [(a["name"], a["kind"]) for a in accounts] == [("mail", "maildir"), ("cal", "ics")]
    assert (home / "config.toml").stat().st_mode & 0o777 == 0o600
    out = run(cli, "--now", "2024-06-01T12:00:00+00:00", "sync").output
    assert "mail: 2 added" in out and "cal: 1 added" in out
    people = json.loads(run(cli, "people", "--json").output)
    assert [p["email"] for p in people] == ["dana@acme.example"]
    dana = people[0]
    assert dana["name"] == "Dana Whitfield"
    assert dana["touchpoints"] == {"in": 1, "out": 1, "meetings": 1, "total": 3}
    assert set(dana) >= {"email", "name", "last_contact", "touchpoints"}
    person = json.loads(run(cli, "person", "Dana", "--json").output)
    # newest first: the meeting (May 10), the reply (May 7), the question (May 6)
    assert [t["kind"] for t in person["timeline"]] == ["meeting", "sent", "received"]
    status = json.loads(run(cli, "status", "--json").output)
    assert {s["name"]: (s["kind"], s["messages"], s["events"], s["quarantined"], s["error"]) for s in status} == {
        "mail": ("maildir", 2, 0, 0, None), "cal": ("ics", 0, 1, 0, None),
    }
    assert all(s["last_sync"].startswith("2024-06-01") for s in status)
    assert json.loads(run(cli, "quarantine", "--json").output) == []
    assert "Dana Whitfield" in run(cli, "people").output
    run(cli, "account", "remove", "cal")
    status = json.loads(run(cli, "status", "--json").output)
    assert [s["name"] for s in status] == ["mail"]
    assert json.loads(run(cli, "people", "--json").output)[0]["touchpoints"]["meetings"] == 0


def test_now_is_pinned_by_env(cli: CliRunner, home: Path, mailbox: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SYNCD_NOW", "2030-01-02T03:04:05+00:00")
    run(cli, "account", "add", "maildir", "mail", "--path", str(mailbox), "--address", ME)
    run(cli, "sync")
    assert json.loads(run(cli, "status", "--json").output)[0]["last_sync"] == "2030-01-02T03:04:05+00:00"


def _nothing_written(home: Path) -> bool:
    return not (home / "syncd.db").exists() and not (home / "config.toml").exists()


@pytest.mark.parametrize(
    "args, message",
    [
        (["account", "add", "maildir", "x", "--path", "/no/such/dir", "--address", ME], "no such file"),
        (["account", "add", "ics", "x", "--path", "/no/such.ics"], "no such file"),
        (["sync", "nope"], "no account named 'nope'"),
        (["sync"], "no accounts configured"),
        (["--now", "yesterday-ish", "status"], "ISO-8601"),
        (["account", "remove", "nope"], "no account named"),
    ],
)
def test_bad_input_exits_2_and_writes_nothing(cli: CliRunner, home: Path, args: list[str], message: str) -> None:
    result = cli.invoke(main, args)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert _nothing_written(home)


def test_bad_address_is_refused(cli: CliRunner, home: Path, mailbox: Path) -> None:
    result = cli.invoke(main, ["account", "add", "maildir", "x", "--path", str(mailbox), "--address", "not-an-address"])
    assert result.exit_code == 2 and "not an email address" in result.output
    assert _nothing_written(home)


def test_not_a_maildir_is_refused(cli: CliRunner, home: Path, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = cli.invoke(main, ["account", "add", "maildir", "x", "--path", str(tmp_path / "empty"), "--address", ME])
    assert result.exit_code == 2 and "not a Maildir" in result.output


@pytest.mark.parametrize(
    "text, where",
    [
        ("[accounts.mail]\nkind = 'maildir'\npath = 3\naddresses = ['a@b.c']\n", ":3: accounts.mail.path: must be a str"),
        ("[accounts.mail]\nkind = 'pop3'\n", ":2: accounts.mail.kind: unknown or missing kind 'pop3'"),
        ("[syncd]\ntimezone = 'Mars/Olympus'\n", ":2: syncd.timezone: unknown time zone"),
        ("[syncd]\nbriefing = 'x'\n", ":2: syncd.briefing: unknown setting"),
        ("[accounts.mail\nkind = 'maildir'\n", "not valid TOML"),
        ("[accounts.mail]\nkind = 'maildir'\naddresses = ['a@b.c']\n", ":1: accounts.mail.path: required"),
    ],
)
def test_bad_config_names_key_and_line(cli: CliRunner, home: Path, text: str, where: str) -> None:
    home.mkdir(parents=True)
    (home / "config.toml").write_text(text)
    result = cli.invoke(main, ["status"])
    assert result.exit_code == 2
    assert where in result.output, result.output
    assert not (home / "syncd.db").exists()


def test_duplicate_account_and_comments_survive(cli: CliRunner, home: Path, mailbox: Path) -> None:
    home.mkdir(parents=True)
    (home / "config.toml").write_text("# my notes\n[syncd]\ntimezone = 'Europe/Berlin'  # where I live\n")
    run(cli, "account", "add", "maildir", "mail", "--path", str(mailbox), "--address", ME)
    text = (home / "config.toml").read_text()
    assert "# my notes" in text and "# where I live" in text
    result = cli.invoke(main, ["account", "add", "maildir", "mail", "--path", str(mailbox), "--address", ME])
    assert result.exit_code == 2 and "exists already" in result.output


def test_python_dash_m_runs(home: Path) -> None:
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "syncd", "--help"], capture_output=True, text=True, check=True)
    assert "relationship gardener" in out.stdout


def test_auth_refuses_an_account_without_oauth(cli: CliRunner, home: Path, mailbox: Path) -> None:
    run(cli, "account", "add", "maildir", "personal", "--path", str(mailbox), "--address", ME)
    result = cli.invoke(main, ["auth", "personal"])
    assert result.exit_code == 2 and "nothing to authorize" in result.output
    result = cli.invoke(main, ["auth", "nobody"])
    assert result.exit_code == 2 and "no account named 'nobody'" in result.output
