"""Open loops: promises and questions found, dated, attributed, closed."""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib.util
import inspect
import sys
from pathlib import Path

import pytest

from syncd.infer import loops as loops_module
from syncd.infer.loops import close_loops, find_loops, open_unanswered, overdue_promises, resolve_due
from syncd.infer.model import Loop, MessageView

ROOT = Path(__file__).resolve().parents[1]
ME = frozenset({"me@example.com"})
EDT = dt.timezone(dt.timedelta(hours=-4))
MONDAY = dt.datetime(2014, 3, 24, 9, 0, tzinfo=EDT)
NAMES = (
    ("me@example.com", "Alex Morgan"),
    ("dana@acme.com", "Dana Reyes"),
    ("sam@birch.io", "Sam Patel"),
    ("lee@cedar.org", "Lee Wong"),
)


def mail(
    text: str,
    *,
    mid: str = "<m@x>",
    sender: str = "me@example.com",
    to: tuple[str, ...] = ("dana@acme.com",),
    cc: tuple[str, ...] = (),
    day: float = 0,
    thread: str = "",
    **kw: object,
) -> MessageView:
    return MessageView(
        message_id=mid,
        date=MONDAY + dt.timedelta(days=day),
        sender=sender,
        text=text,
        to=to,
        cc=cc,
        names=NAMES,
        outgoing=sender in ME,
        thread=thread,
        **kw,  # type: ignore[arg-type]
    )


def found(msg: MessageView) -> list[tuple[str, str, str, dt.date | None]]:
    return [(lp.person, lp.direction, lp.kind, lp.due) for lp in find_loops(msg, ME)]


# -- the labelled set ---------------------------------------------------------------------


def test_labelled_set_precision_recall_due_and_closing() -> None:
    spec = importlib.util.spec_from_file_location("loops_eval", ROOT / "benchmarks" / "loops_eval.py")
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    sys.modules["loops_eval"] = bench  # dataclasses look their module up by name
    spec.loader.exec_module(bench)
    report = bench.evaluate()
    assert report.messages >= 60
    assert report.tp + report.fn >= 30
    assert report.precision >= 0.85, report.errors
    assert report.recall >= 0.7, report.errors
    assert report.due_right >= 0.9 * report.tp, report.errors
    assert report.closed_right >= 0.9 * report.tp, report.errors


# -- finding ------------------------------------------------------------------------------


def test_happy_to_then_a_promise_is_still_a_promise() -> None:
    assert found(mail("Happy to help, I'll send it over tomorrow.")) == [("dana@acme.com", "mine", "promise", dt.date(2014, 3, 25))]


def test_my_promise_with_a_deadline_is_owed_to_the_recipient() -> None:
    msg = mail("Hi Dana,\n\nI'll send you the revised pricing deck by Friday.\n\nBest,\nAlex", thread="<t@x>")
    [lp] = find_loops(msg, ME)
    assert (lp.person, lp.direction, lp.kind, lp.due) == ("dana@acme.com", "mine", "promise", dt.date(2014, 3, 28))
    assert lp.text == "I'll send you the revised pricing deck by Friday."
    assert (lp.source, lp.stated_at, lp.thread, lp.closed_by) == ("<m@x>", MONDAY, "<t@x>", "")


def test_let_me_get_back_to_you_is_a_promise_without_due_date() -> None:
    assert found(mail("Let me get back to you on the contract.")) == [("dana@acme.com", "mine", "promise", None)]


def test_their_promise_to_me() -> None:
    msg = mail("Hi Alex,\n\nI'll send over the signed SOW next week.\n\nDana", sender="dana@acme.com", to=("me@example.com",))
    assert found(msg) == [("dana@acme.com", "theirs", "promise", dt.date(2014, 4, 4))]


@pytest.mark.parametrize(
    "text",
    [
        "Could you send me the latest SOW?",
        "Can we move our call to Thursday?",
        "What do you think about the new pricing model?",
        "Would you be able to join the dinner on April 10?",
        "Please send me the March invoice when you get a chance.",
        "Let me know if Tuesday at 3pm works for you.",
    ],
)
def test_their_question_or_request_is_mine_to_answer(text: str) -> None:
    msg = mail(f"Hi Alex,\n\n{text}\n\nDana", sender="dana@acme.com", to=("me@example.com",))
    assert found(msg) == [("dana@acme.com", "mine", "question", None)]


@pytest.mark.parametrize(
    "text",
    [
        "How are you?",
        "How was your weekend? Ours was lovely.",
        "Hope you're well!",
        "Can you believe it's April already?",
        "Crazy week, right?",
        "Thanks! Let me know if you have any questions.",
        "Feel free to reach out if you need anything.",
    ],
)
def test_pleasantries_and_rhetorical_questions_are_not_loops(text: str) -> None:
    assert found(mail(text, sender="dana@acme.com", to=("me@example.com",))) == []


@pytest.mark.parametrize(
    "text",
    [
        "I'll be in Boston next week.",
        "Talk soon! I'll see you on Thursday.",
        "I can send the deck if that would help.",
        "Shall I send you the contract?",
        "I won't be able to send it before Friday.",
        "If you like, I'll send you the draft.",
        "So I'll send it to you tomorrow?",
    ],
)
def test_my_non_promises(text: str) -> None:
    assert found(mail(text)) == []


def test_quoted_and_forwarded_text_is_not_read() -> None:
    quoted = "Sounds good.\n\nOn Mon, Mar 24, 2014 at 9:00 AM, Alex <me@example.com> wrote:\n> Could you send me the deck?\n> I'll share the notes tomorrow."
    assert found(mail(quoted, sender="dana@acme.com", to=("me@example.com",))) == []
    assert found(mail(quoted)) == []


def test_nothing_from_automated_mail() -> None:
    text = "Can you review this pull request? We'll send you a summary tomorrow."
    assert found(mail(text, sender="noreply@github.com", to=("me@example.com",), automated=True)) == []
    assert found(mail(text, sender="noreply@github.com", to=("me@example.com",)))  # the rules alone would fire


def test_greeting_picks_the_person_among_recipients() -> None:
    msg = mail("Hi Sam,\n\nI'll introduce you to Lee next week.", to=("dana@acme.com", "sam@birch.io"))
    assert [p for p, *_ in found(msg)] == ["sam@birch.io"]
    msg = mail("Dana, I'll forward you the case study.", to=("dana@acme.com", "sam@birch.io"))
    assert [p for p, *_ in found(msg)] == ["dana@acme.com"]
    msg = mail("Hi both,\n\nThanks for today.\n\nSam, I'll send you the contract tomorrow.", to=("dana@acme.com", "sam@birch.io"))
    assert [p for p, *_ in found(msg)] == ["sam@birch.io"]


def test_a_question_put_to_someone_else_mid_message_is_not_mine() -> None:
    text = "Hi all,\n\nGreat session.\n\nSam, can you send the deck to everyone? Alex, could you book the room?"
    msg = mail(text, sender="dana@acme.com", to=("me@example.com", "sam@birch.io"))
    [lp] = find_loops(msg, ME)
    assert (lp.direction, lp.kind, lp.text) == ("mine", "question", "Alex, could you book the room?")


def test_small_group_promise_is_owed_to_each_and_broadcast_to_none() -> None:
    text = "Thanks both. I'll share the notes with you tomorrow."
    assert [p for p, *_ in found(mail(text, to=("dana@acme.com", "sam@birch.io")))] == ["dana@acme.com", "sam@birch.io"]
    crowd = tuple(f"p{i}@x.com" for i in range(6))
    assert found(mail(text, to=crowd)) == []


def test_mail_addressed_to_someone_else_gives_me_no_loops() -> None:
    cc_only = mail("Could you send me the Q1 numbers?", sender="dana@acme.com", to=("sam@birch.io",), cc=("me@example.com",))
    assert found(cc_only) == []
    other = mail("Hi Sam,\n\nCould you send me the Q1 numbers?", sender="dana@acme.com", to=("me@example.com", "sam@birch.io"))
    assert found(other) == []
    mine = mail("Hi Alex,\n\nCould you send me the Q1 numbers?", sender="dana@acme.com", to=("me@example.com", "sam@birch.io"))
    assert found(mine) == [("dana@acme.com", "mine", "question", None)]


def test_mailing_to_many_gives_me_no_loops() -> None:
    crowd = ("me@example.com", *(f"p{i}@x.com" for i in range(5)))
    msg = mail("Could you send me your slides? I'll send the agenda tomorrow.", sender="dana@acme.com", to=crowd)
    assert found(msg) == []
    few = mail("Could you send me your slides? I'll send the agenda tomorrow.", sender="dana@acme.com", to=crowd[:3])
    assert [d for _, d, *_ in found(few)] == ["theirs", "mine"]


def test_several_questions_in_one_message_are_one_loop() -> None:
    msg = mail("How was the trip? Could you send the deck? And what about pricing?", sender="dana@acme.com", to=("me@example.com",))
    [lp] = find_loops(msg, ME)
    assert lp.text == "Could you send the deck? And what about pricing?"


# -- due dates (message of Monday 2014-03-24) ------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "due"),
    [
        ("by Friday", "2014-03-28"),
        ("by end of week", "2014-03-28"),
        ("tomorrow", "2014-03-25"),
        ("next week", "2014-04-04"),
        ("early next week", "2014-04-01"),
        ("by April 3", "2014-04-03"),
        ("by 3rd March", "2015-03-03"),
        ("by EOD", "2014-03-24"),
        ("EOD Friday", "2014-03-28"),
        ("Monday", "2014-03-31"),
        ("this Wednesday", "2014-03-26"),
        ("next Friday", "2014-04-04"),
        ("by the 31st", "2014-03-31"),
        ("in two weeks", "2014-04-07"),
        ("by end of month", "2014-03-31"),
        ("soon", None),
    ],
)
def test_due_dates_resolve_against_the_message_date(phrase: str, due: str | None) -> None:
    assert resolve_due(f"I'll send it {phrase}", MONDAY.date()) == (dt.date.fromisoformat(due) if due else None)


# -- closing -------------------------------------------------------------------------------


def _promise(text: str = "I'll send you the deck by Friday.") -> Loop:
    [lp] = find_loops(mail(text, mid="<p@x>", thread="<p@x>"), ME)
    return lp


def test_send_promise_closes_on_delivery_in_thread_not_on_a_chat() -> None:
    lp = _promise()
    chat = mail("Running late, sorry.", mid="<c@x>", thread="<p@x>", day=1)
    deck = mail("Here's the deck, as promised.", mid="<d@x>", thread="<p@x>", day=3)
    assert close_loops([lp], [chat], ME)[0].closed_by == ""
    assert close_loops([lp], [deck, chat], ME)[0].closed_by == "<d@x>"


def test_attachment_alone_delivers() -> None:
    sent = mail("Deck for Thursday.", mid="<a@x>", thread="<p@x>", day=1, has_attachments=True)
    assert close_loops([_promise()], [sent], ME)[0].closed_by == "<a@x>"


def test_other_thread_delivery_must_be_about_it_and_in_time() -> None:
    lp = _promise()
    other = mail("Here's the invoice.", mid="<i@x>", thread="<o@x>", day=2)
    right = mail("Here's the deck for Thursday.", mid="<r@x>", thread="<o@x>", day=2)
    late = mail("Here's the deck, finally.", mid="<l@x>", thread="<o@x>", day=30)
    assert close_loops([lp], [other], ME)[0].closed_by == ""
    assert close_loops([lp], [right], ME)[0].closed_by == "<r@x>"
    assert close_loops([lp], [late], ME)[0].closed_by == ""  # past due + grace, other thread


def test_get_back_to_you_closes_on_any_answer_in_thread() -> None:
    lp = _promise("Let me get back to you on the contract.")
    answer = mail("Legal is fine with the cap.", mid="<g@x>", thread="<p@x>", day=1)
    assert close_loops([lp], [answer], ME)[0].closed_by == "<g@x>"


def test_intro_promise_closes_on_the_introduction() -> None:
    lp = _promise("I'll introduce you to Sam.")
    intro = mail("Dana, meet Sam.", mid="<n@x>", to=("dana@acme.com", "sam@birch.io"), day=2)
    assert close_loops([lp], [intro], ME)[0].closed_by == "<n@x>"


def test_question_closes_on_my_reply_and_only_mine() -> None:
    ask = mail("Could you send me the pricing model?", mid="<q@x>", sender="dana@acme.com", to=("me@example.com",), thread="<q@x>")
    [lp] = find_loops(ask, ME)
    theirs = mail("Also, any news?", mid="<z@x>", sender="dana@acme.com", to=("me@example.com",), thread="<q@x>", day=1)
    unrelated = mail("Lunch Friday?", mid="<u@x>", thread="<u@x>", day=1)
    topical = mail("On the pricing model: yes, soon.", mid="<t@x>", thread="<t@x>", day=2)
    reply = mail("Will do.", mid="<r@x>", thread="<q@x>", day=3)
    assert close_loops([lp], [theirs, unrelated], ME)[0].closed_by == ""
    assert close_loops([lp], [theirs, unrelated, topical], ME)[0].closed_by == "<t@x>"
    assert close_loops([lp], [reply, unrelated], ME)[0].closed_by == "<r@x>"


def test_their_promise_closes_on_their_delivery() -> None:
    said = mail("I'll send over the signed SOW next week.", mid="<s@x>", sender="dana@acme.com", to=("me@example.com",), thread="<s@x>")
    [lp] = find_loops(said, ME)
    mine = mail("Here is our SOW.", mid="<m1@x>", thread="<s@x>", day=1, has_attachments=True)
    theirs = mail("Attached is the signed SOW.", mid="<m2@x>", sender="dana@acme.com", to=("me@example.com",), thread="<s@x>", day=7, has_attachments=True)
    assert close_loops([lp], [mine], ME)[0].closed_by == ""
    assert close_loops([lp], [mine, theirs], ME)[0].closed_by == "<m2@x>"


def test_earlier_and_automated_mail_never_close() -> None:
    lp = _promise()
    before = mail("Here's the deck.", mid="<b@x>", thread="<p@x>", day=-1)
    robot = mail("Here's the deck.", mid="<r@x>", thread="<p@x>", day=1, automated=True)
    assert close_loops([lp], [before, robot], ME)[0].closed_by == ""


def test_open_unanswered_and_overdue_promises() -> None:
    q = Loop("dana@acme.com", "mine", "question", "Could you?", "<q@x>", MONDAY)
    fresh = Loop("sam@birch.io", "mine", "question", "Could you?", "<f@x>", MONDAY + dt.timedelta(days=3))
    done = dataclasses.replace(q, closed_by="<r@x>")
    promise = Loop("dana@acme.com", "mine", "promise", "I'll send", "<p@x>", MONDAY, due=dt.date(2014, 3, 26))
    now = MONDAY + dt.timedelta(days=4)
    assert open_unanswered([fresh, done, promise, q], now) == [q]
    assert open_unanswered([fresh, q], now, days=0.5) == [q, fresh]
    assert overdue_promises([promise, q], now) == [promise]
    assert overdue_promises([promise], MONDAY + dt.timedelta(days=1)) == []


def test_no_clock_inside() -> None:
    source = inspect.getsource(loops_module)
    assert ".now(" not in source and ".today(" not in source and "time.time" not in source


def test_mail_after_a_loop_went_stale_does_not_close_it() -> None:
    lp = _promise("Let me get back to you on the contract.")
    assert lp.due is None
    soon = mail("Legal is fine with the cap.", mid="<g@x>", thread="<p@x>", day=80)
    months = mail("Legal is fine with the cap.", mid="<h@x>", thread="<p@x>", day=120)  # past STALE_PROMISE
    assert close_loops([lp], [soon], ME)[0].closed_by == "<g@x>"
    assert close_loops([lp], [months], ME)[0].closed_by == ""


@pytest.mark.parametrize("sentence, asked", [
    ("Please send me the invoice", True),
    ("Kindly confirm the dates", True),
    ("Send me the deck when you can", True),
    ("I was hoping to send me a note", False),  # "send ... me" only counts at the start
    ("Could you look at the draft", True),
    ("Let me know what you think", True),
    ("Let me know if you have any questions", False),
    ("lmk", True),
    ("Would it be possible to move it", True),
    ("I'd appreciate if you could call", True),
    ("We would love your thoughts on it", True),
    ("The weather is nice", False),
    ("Thanks, please", False),
])
def test_requests(sentence: str, asked: bool) -> None:
    assert loops_module._request(sentence) is asked
