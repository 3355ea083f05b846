"""Hearing a message where it is parsed (``syncd.digest``): ingest stores what was heard in
the same transaction as the message, and settling closes loops afterwards, in date order.
What is stored is what the listening step would have stored; a digest that read the
message otherwise than ingest does is left to the listening step."""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path

from connectors.base import Address, MailBatch, MailRecord
from connectors.maildir import MaildirConnector
from syncd import listen, store
from syncd.digest import digest
from syncd.infer import gists
from syncd.infer.model import Gist, MessageView, dump_gist, load_gist
from syncd.ingest import Ingestor
from tests import mailfactory as mf

UTC = dt.UTC
ME, DANA, ALT = "me@example.org", "dana@acme.example", "me@old-job.example"
NOW = dt.datetime(2024, 3, 20, 9, tzinfo=UTC)


def _ingest(root: Path, digested: bool) -> Ingestor:
    account = store.Account.create(name="mail", kind="maildir", created=NOW)
    ingestor = Ingestor(account, frozenset({ME}), NOW)
    connector = MaildirConnector(root, addresses=(ME,))
    if digested:
        connector.digest = functools.partial(digest, self_addresses=frozenset({ME}))
    state = ingestor.state("mail")
    for batch in connector.sync_mail(None, {}):
        ingestor.apply_mail(batch, state)
    return ingestor


def _mailbox(root: Path) -> Path:
    mf.maildir(root, "Sent")
    mf.deliver(root, mf.message(DANA, ME, "News", "My daughter Emma just started college!\n\nCould you send me the "
                                "pricing deck?\n\nDana", date=dt.datetime(2024, 3, 4, 9, tzinfo=UTC),
                                message_id="<d1@acme>"), key="d1")
    mf.deliver(root, mf.message(ME, DANA, "Re: News", "Congrats to Emma! Here is the pricing deck, attached.\n\nAlex",
                                date=dt.datetime(2024, 3, 5, 9, tzinfo=UTC), message_id="<a1@me>",
                                in_reply_to="<d1@acme>"), folder="Sent", key="a1")
    return root


def _knowledge() -> tuple[list, list, list]:  # type: ignore[type-arg]
    F, L, M = store.Fact, store.OpenLoop, store.Message
    return (
        sorted(F.select(F.natural, F.state, F.date, F.sentence).tuples()),
        sorted(L.select(L.natural, L.closed_by, L.due, L.address).tuples()),
        sorted(M.select(M.message_id, M.words, M.questions, M.gist).tuples()),
    )


def test_messages_are_heard_as_they_are_stored_then_settled(tmp_path: Path) -> None:
    store.open_db(f"sqlite:///{tmp_path / 'a.db'}")
    _ingest(_mailbox(tmp_path / "Mail"), digested=True)
    M = store.Message
    # Heard in ingest's own transactions: facts and loops stored, nothing left to hear, loops not closed yet.
    assert M.select().where(M.inferred == False).count() == 0  # noqa: E712
    assert M.select().where(M.settled == False).count() == 2  # noqa: E712
    assert [f.value for f in store.Fact.select()] and store.OpenLoop.select().count() == 1
    assert store.OpenLoop.get().closed_by == ""
    heard = listen.listen(frozenset({ME}))
    assert (heard.messages, heard.settled) == (0, 2)
    assert store.OpenLoop.get().closed_by == "<a1@me>"
    assert store.OpenLoop.get().address == DANA


def test_what_is_heard_at_parse_time_is_what_listening_hears(tmp_path: Path) -> None:
    root = _mailbox(tmp_path / "Mail")
    store.open_db(f"sqlite:///{tmp_path / 'digested.db'}")
    _ingest(root, digested=True)
    listen.listen(frozenset({ME}))
    digested = _knowledge()
    store.close_db()
    store.open_db(f"sqlite:///{tmp_path / 'listened.db'}")
    _ingest(root, digested=False)
    assert store.Message.select().where(store.Message.inferred == False).count() == 2  # noqa: E712
    assert listen.listen(frozenset({ME})).messages == 2
    assert _knowledge() == digested and digested[0] and digested[1]


def test_a_digest_that_read_the_message_otherwise_is_left_to_listening(tmp_path: Path) -> None:
    """An address merged into the user's own is known to the store, not to the worker that
    parsed: the worker took the mail for someone else's, so ingest does not keep what it heard."""
    store.open_db(f"sqlite:///{tmp_path / 'm.db'}")
    account = store.Account.create(name="mail", kind="maildir", created=NOW)
    ingestor = Ingestor(account, frozenset({ME}), NOW)
    ingestor.directory.resolve(ME)
    me = store.Person.get(store.Person.primary_email == ME)
    store.Person.update(is_self=True).where(store.Person.id == me.id).execute()
    store.Address.create(email=ALT, person=me)  # merged into the user's own, not in the config
    ingestor = Ingestor(account, frozenset({ME}), NOW)  # a fresh cache, as the next sync has
    record = MailRecord(provider_id="INBOX/1", message_id="<x@old>", date=NOW, subject="Hi", sender=Address(ALT),
                        to=(Address(DANA),), body_text="I'll send you the deck by Friday.")
    heard = digest(record, frozenset({ME}))
    assert heard is not None and not heard.outgoing
    ingestor.apply_mail(MailBatch(records=(record,), digests=(heard,)), ingestor.state("mail"))
    row = store.Message.get()
    assert row.outgoing and not row.inferred  # left to the listening step, which reads the store
    assert listen.listen(frozenset({ME})).messages == 1
    loop = store.OpenLoop.get()
    assert (loop.direction, loop.kind, loop.address) == ("mine", "promise", DANA)


def test_a_gist_is_stored_and_read_back_as_it_was() -> None:
    for gist in (Gist(), Gist(frozenset({"deck", "pricing"}), True, False), Gist(frozenset({"intro"}), False, True)):
        text = dump_gist(gist)
        assert text and load_gist(text) == gist
        # A view read from the store carries the stored form; closing loops reads it when asked.
        view = MessageView(message_id="<m@x>", date=NOW, sender="a@x", text="unrelated words", gist=text)
        assert gists.gist(view) == gist
    assert load_gist("") is None
