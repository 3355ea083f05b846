"""syncd.mimetree builds the very tree ``BytesParser(policy=compat32)`` builds: compared
attribute for attribute over the shared corpus, small messages for each corner the
feedparser has, and seeded mutations of corpus files (lost lines, repeated boundaries,
other line endings, stray envelope lines)."""

from __future__ import annotations

import random
from email.message import Message
from email.parser import BytesParser
from email.policy import compat32
from pathlib import Path

import pytest

from syncd import mimetree
from syncd.mimetree import parse_bytes
from tests.conftest import CORPUS

FEEDPARSER = BytesParser(policy=compat32)


def shape(msg: Message) -> tuple[object, ...]:
    """Everything the parser sets on a message, children included."""
    payload = msg.get_payload()
    return (
        type(msg),
        msg._headers,  # noqa: SLF001 - the fields exactly as stored, 8-bit bytes escaped
        msg.get_unixfrom(),
        msg.preamble,
        msg.epilogue,
        msg.get_default_type(),
        [(type(d), d.args, getattr(d, "line", None)) for d in msg.defects],
        [shape(p) for p in payload] if isinstance(payload, list) else payload,
    )


def outcome(parse: object, raw: bytes) -> tuple[object, ...]:
    try:
        return shape(parse(raw))  # type: ignore[operator]
    except Exception as err:  # noqa: BLE001 - raising alike is agreeing
        return ("raises", type(err))


def assert_same_tree(raw: bytes) -> None:
    assert outcome(parse_bytes, raw) == outcome(FEEDPARSER.parsebytes, raw)


def corpus_files() -> list[Path]:
    return sorted(p for p in [*(CORPUS / "mime").rglob("*"), *(CORPUS / "maildir").rglob("*")] if p.is_file())


def test_same_tree_as_the_feedparser_on_the_corpus() -> None:
    files = corpus_files()
    assert len(files) > 700
    differ = [p for p in files if outcome(parse_bytes, p.read_bytes()) != outcome(FEEDPARSER.parsebytes, p.read_bytes())]
    assert differ == []


PLAIN = b"From: a@x.com\nSubject: hi\n\nbody\n"
ALT = (b'From: a@x.com\nContent-Type: multipart/alternative; boundary="b"\n\npreamble\n--b\n'
       b"Content-Type: text/plain\n\ntext\n\n--b\nContent-Type: text/html\n\n<p>html</p>\n--b--\nepilogue\n")
CASES = {
    "plain": PLAIN,
    "crlf": PLAIN.replace(b"\n", b"\r\n"),
    "lone cr": PLAIN.replace(b"\n", b"\r"),
    "no final newline": PLAIN.rstrip(),
    "empty": b"",
    "headers only": b"From: a@x.com\nSubject: hi",
    "8-bit header": "From: Zoë <z@x.com>\nSubject: café\n\nbody\n".encode(),
    "folded header": b"Subject: one\n two\n\tthree\nFrom: a@x.com\n\nbody\n",
    "blank values": b"Subject:   \n folded\n \nX-Empty:\nX-Tabs:\t v \t\r\nTo:\r\n\tb@y.com\r\n\r\nbody\n",
    "no blank line before the body": b"From: a@x.com\nthis is body text\nmore\n",
    "first line is a continuation": b" lost\nFrom: a@x.com\n\nbody\n",
    "colon first": b"From: a@x.com\n: no name\n\nbody\n",
    "envelope": b"From a@x.com Mon Jan  1 00:00:00 2024\nFrom: a@x.com\n\nbody\n",
    "misplaced envelope": b"From: a@x.com\nFrom a@x.com Mon Jan 1\nSubject: s\n\nbody\n",
    "envelope ends the headers": b"From: a@x.com\nFrom a@x.com Mon Jan 1\n\nbody\n",
    "alternative": ALT,
    "alternative crlf": ALT.replace(b"\n", b"\r\n"),
    "alternative lone cr": ALT.replace(b"\n", b"\r"),
    "boundary with spaces after it": ALT.replace(b"--b\n", b"--b \t\n").replace(b"--b--\n", b"--b--  \n"),
    "no epilogue": ALT.replace(b"--b--\nepilogue\n", b"--b--"),
    "empty epilogue": ALT.replace(b"--b--\nepilogue\n", b"--b--\n"),
    "no preamble": ALT.replace(b"preamble\n", b""),
    "no close delimiter": ALT.replace(b"--b--\nepilogue\n", b""),
    "wrong boundary": ALT.replace(b'boundary="b"', b'boundary="c"'),
    "close delimiter first": ALT.replace(b"preamble\n--b\n", b"preamble\n--b--\n"),
    "no boundary": ALT.replace(b'; boundary="b"', b""),
    "folded boundary": ALT.replace(b'boundary="b"', b'boundary="b\n x"'),
    "repeated delimiter": ALT.replace(b"--b\nContent-Type: text/html", b"--b\n--b\nContent-Type: text/html"),
    "delimiter at the end": ALT.replace(b"--b--\nepilogue\n", b"--b\n"),
    "look-alike delimiters": ALT.replace(b"text\n\n", b"text\n--bb\n --b\nx--b\n--b-\n--b---\n"),
    "base64 multipart": ALT.replace(b"multipart/alternative;", b"multipart/alternative;\nContent-Transfer-Encoding: base64\nX:"),
    "nested": (b'Content-Type: multipart/mixed; boundary="o"\n\n--o\nContent-Type: multipart/alternative; boundary="i"\n\n'
               b"--i\n\nin one\n--i\n\nin two\n--i--\ninner epilogue\n\n--o\nContent-Type: text/plain; name=a.txt\n\nfile\n--o--\n"),
    "nested without its close": (b'Content-Type: multipart/mixed; boundary="o"\n\n--o\n'
                                 b'Content-Type: multipart/alternative; boundary="i"\n\n--i\n\nin one\n--o--\n'),
    "same boundary nested": (b'Content-Type: multipart/mixed; boundary="o"\n\n--o\n'
                             b'Content-Type: multipart/mixed; boundary="o"\n\n--o\n\nx\n--o--\n'),
    "forwarded": (b'Content-Type: multipart/mixed; boundary="o"\n\n--o\n\nsee below\n--o\nContent-Type: message/rfc822\n\n'
                  b"From: b@y.com\nSubject: old\n\nold body\n\n--o--\n"),
    "forwarded multipart": (b'Content-Type: multipart/mixed; boundary="o"\n\n--o\nContent-Type: message/rfc822\n\n'
                            b'Content-Type: multipart/alternative; boundary="i"\n\n--i\n\nx\n--i--\nafter\n--o--\n'),
    "digest": (b'Content-Type: multipart/digest; boundary="d"\n\n--d\n\nFrom: a@x.com\nSubject: one\n\nfirst\n'
               b"--d\nContent-Type: text/plain\n\nsecond\n--d--\n"),
    "delivery status": (b'Content-Type: multipart/report; report-type=delivery-status; boundary="r"\n\n--r\n\nfailed\n'
                        b"--r\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; x\n\n"
                        b"Final-Recipient: rfc822; b@y.com\nAction: failed\nStatus: 5.1.1\n\n--r--\n"),
    "empty part": ALT.replace(b"--b\nContent-Type: text/plain\n\ntext\n\n", b"--b\n\n"),
}


@pytest.mark.parametrize("raw", CASES.values(), ids=CASES.keys())
def test_same_tree_on_each_corner(raw: bytes) -> None:
    assert_same_tree(raw)


def test_deep_nesting_is_left_to_the_feedparser() -> None:
    for depth in (mimetree._MAX_DEPTH + 5, 3000):  # the second is too deep for the feedparser too
        nest = "".join(f'--b{i}\nContent-Type: multipart/mixed; boundary="b{i + 1}"\n\n' for i in range(depth))
        assert_same_tree(f'Content-Type: multipart/mixed; boundary="b0"\n\n{nest}'.encode())


def test_mutated_corpus_messages() -> None:
    rng = random.Random(20240611)
    sources = [p.read_bytes() for p in corpus_files() if p.stat().st_size < 20_000]
    for _ in range(400):
        lines = rng.choice(sources).splitlines(keepends=True) or [b""]
        delimiters = [line for line in lines if line.startswith(b"--")] or [b"--x\n"]
        for _ in range(rng.randint(1, 4)):
            i = rng.randrange(len(lines) + 1)
            choice = rng.randrange(6)
            if choice == 0:
                del lines[i - 1 : i]
            elif choice == 1:
                lines.insert(i, rng.choice(delimiters))
            elif choice == 2:
                ending = rng.choice([b"\n", b"\r\n", b"\r"])
                lines = [line.rstrip(b"\r\n") + ending for line in lines]
            elif choice == 3:
                lines = lines[:i]
            elif choice == 4:
                lines.insert(i, rng.choice([b"From x\n", b": v\n", b" more\n", b"\n", b"\r", b"--\n"]))
            else:
                lines.insert(i, rng.choice(delimiters).rstrip(b"\r\n") + rng.choice([b"--\n", b" \n", b"-\n", b""]))
        assert_same_tree(b"".join(lines))


def test_bodies_are_not_read_by_the_feedparser(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ordinary mail never reaches the line-by-line parser: the speed this module is for."""

    class NoFeedparser:
        def parsebytes(self, data: bytes) -> Message:
            raise AssertionError("handed to the feedparser")

    attachment = b"QUJD" * 19 + b"\n"
    raw = ALT.replace(b"--b--", b"--b\nContent-Type: application/pdf; name=a.pdf\nContent-Transfer-Encoding: base64\n\n"
                      + attachment * 600 + b"--b--")
    expected = shape(FEEDPARSER.parsebytes(raw))
    monkeypatch.setattr(mimetree, "_FEEDPARSER", NoFeedparser())
    assert shape(parse_bytes(raw)) == expected
    assert parse_bytes(raw).get_payload()[2].get_payload() == (attachment * 600)[:-1].decode()
    with pytest.raises(AssertionError, match="handed to the feedparser"):
        parse_bytes(CASES["delivery status"])
