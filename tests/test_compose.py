"""``connectors.compose.build_message``: its policy makes each header class once, and the
messages are byte for byte those of the standard library's SMTP policy."""

from __future__ import annotations

import datetime as dt
from email.headerregistry import UnstructuredHeader
from email.policy import SMTP

import pytest

from connectors import compose
from connectors.base import Address, OutgoingMail
from syncd import clock

REFS = tuple(f"<{n:040x}.{n}@example.org>" for n in range(1, 12))
MAILS = [
    OutgoingMail(to=(Address("dana@acme.example", "Dana Whitfield"),), subject="Following up on pricing",
                 text="Hi Dana,\n\nhow did the deck land?\n", in_reply_to="<c1@acme>", references=("<c0@acme>", "<c1@acme>"),
                 message_id="<syncd-draft-1.a@syncd.invalid>"),
    OutgoingMail(to=(Address("zoe@example.fr", "Zoë O'Brien-Müller, PhD"), Address("ana@example.es")),
                 subject="Re: « café » et l’ordre du jour — une très longue ligne d’objet qui doit être pliée proprement",
                 text="Bonjour Zoë,\n\n" + "Une ligne très longue, avec des accents: é à ü ç. " * 6 + "\n\nAlex\n",
                 sender=Address("alex@example.org", "Alex Morgan"), in_reply_to=REFS[-1], references=REFS,
                 message_id="<syncd-draft-2.b@syncd.invalid>"),
    OutgoingMail(to=(Address("raj@partner.example", "Raj \"the\" Patel"),), subject="Template", text="Hi Raj,\n\nhere.\n",
                 html="<p>Hi Raj,</p><p>here.</p>", extra_headers=(("X-Syncd", "draft"),)),
]


@pytest.fixture(autouse=True)
def pinned() -> object:
    clock.pin(dt.datetime(2024, 6, 1, 8, 0, tzinfo=dt.UTC))
    yield
    clock.pin(None)


def test_each_header_class_is_made_once() -> None:
    classes = compose.POLICY.header_factory
    assert classes["Subject"] is classes["Subject"] and issubclass(classes["Subject"], UnstructuredHeader)
    compose.build_message(MAILS[0], Address("me@example.org"))
    made = dict(classes._classes)  # type: ignore[attr-defined]
    compose.build_message(MAILS[1], Address("me@example.org"))
    assert all(classes._classes[name] is cls for name, cls in made.items())  # type: ignore[attr-defined]


@pytest.mark.parametrize("mail", MAILS)
def test_the_bytes_are_the_standard_policys(mail: OutgoingMail, monkeypatch: pytest.MonkeyPatch) -> None:
    sender = Address("me@example.org", "Me")
    ours = compose.build_message(mail, sender)
    monkeypatch.setattr(compose, "POLICY", SMTP)
    standard = compose.build_message(mail, sender)
    if not mail.message_id:  # a random one: make them the same
        del ours["Message-ID"], standard["Message-ID"]
    if ours.is_multipart():  # so is the boundary
        ours.set_boundary("=====boundary=====")
        standard.set_boundary("=====boundary=====")
    assert ours.as_bytes() == standard.as_bytes()
    assert ours.as_bytes(policy=ours.policy.clone(linesep="\n")) == standard.as_bytes(policy=standard.policy.clone(linesep="\n"))
