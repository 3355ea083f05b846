"""Placing drafts where the user reviews them, and noticing when they are gone.

A stored draft (``store.Draft``, status "pending") is handed to the connector of an
account that can hold drafts (capability ``DRAFTS``): Maildir writes it to ``.Drafts``,
IMAP APPENDs it to ``\\Drafts``. Without such an account it goes to
``$SYNCD_HOME/outbox/drafts/``. Nothing here can send mail: this module never calls a
connector's ``send``.

Placement is idempotent. The provider copy carries a deterministic Message-ID made
from the occasion and the text (``<syncd-draft-<hash>.<hash>@syncd.invalid>``), and a
connector that offers ``find_draft(message_id)`` is asked first, so a crash between
placing and recording never leaves two copies. A draft edited with ``syncd drafts
edit`` is pending again with its old ``provider_id``: that copy is removed first, then
the new text placed.

On every sync, ``refresh`` asks the provider whether each placed draft is still there
(``find_draft``, or the outbox file); one the user deleted, sent or rewrote in their
mail client is marked "gone" and never made again.

A pass over many drafts (``place_pending``, ``refresh``) opens each connector's
``drafts_batch()`` when it has one (Maildir: the Drafts folder is listed once for the
pass, not once per draft). ``place_pending`` records its drafts as placed only after
the batches have closed, that is after the copies are durable; a crash before that
leaves the rows pending and the copies in place, found again by the next pass.
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from connectors.base import DRAFTS, Address, OutgoingMail
from syncd import store
from syncd.bulk import rows_in, update_rows
from syncd.errors import SyncdError, Unsupported
from syncd.occasions import short_hash

if TYPE_CHECKING:
    from syncd.config import AccountConfig, Config

log = logging.getLogger(__name__)

D, A, P = store.Draft, store.Address, store.Person
OUTBOX_PREFIX = "outbox:"
_PLACED = (D.account, D.provider_id, D.status, D.updated)  # what placing a draft sets


def draft_message_id(row: store.Draft) -> str:
    """The Message-ID of the provider's copy: the same for the same occasion and text."""
    text = f"{row.subject}\n{row.body}\n{row.to}"
    return f"<syncd-draft-{short_hash(row.occasion, 16)}.{short_hash(text, 8)}@syncd.invalid>"


def names_of(emails: Sequence[str]) -> dict[str, str]:
    """The name each of these addresses goes by (their person's name, else the address's
    own display name), "" for an address not in the store: one query for all."""
    found = dict.fromkeys(emails, "")
    sql = "SELECT a.email, p.name, a.name FROM address a JOIN person p ON p.id = a.person_id WHERE a.email IN ({ids})"
    for email, person_name, name in rows_in(sql, sorted(set(emails))):
        found[email] = person_name or name or ""
    return found


def outgoing(row: store.Draft, sender: Address, names: Mapping[str, str] | None = None) -> OutgoingMail:
    """The draft as a connector takes it (``names``: read by ``names_of``, when known)."""
    emails = json.loads(row.to)
    names = names if names is not None else names_of(emails)
    to = tuple(Address(email, names[email]) for email in emails)
    return OutgoingMail(
        to=to, subject=row.subject, text=row.body, sender=sender, in_reply_to=row.in_reply_to,
        references=tuple(row.references.split()), message_id=draft_message_id(row),
    )


def _sender_email(account: AccountConfig | None, config: Config) -> str:
    addresses = list(account.addresses) if account is not None else []
    return addresses[0] if addresses else (sorted(config.self_addresses)[0] if config.self_addresses else "")


def _sender(account: AccountConfig | None, config: Config, names: Mapping[str, str] | None = None) -> Address:
    email = _sender_email(account, config)
    if not email:
        return Address("me@localhost")
    return Address(email, (names if names is not None else names_of([email]))[email])


class Targets:
    """The accounts that can hold drafts, their connectors built once per pass; what
    placing the drafts of a pass reads from the store (names, where the messages they
    follow are held, the accounts' rows) read once for all of them by ``prepare``.

    Used as a context manager (``with Targets(config) as targets``), it opens the
    ``drafts_batch()`` of each connector it builds that has one, and closes them on exit."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self._built: dict[str, Any] = {}
        self._names: dict[str, str] = {}
        self._held: dict[int, list[str]] = {}
        self._accounts: dict[str, store.Account | None] = {}
        self._batches: contextlib.ExitStack | None = None

    def __enter__(self) -> Targets:
        self._batches = contextlib.ExitStack()
        return self

    def __exit__(self, *exc: Any) -> None:
        batches, self._batches = self._batches, None
        if batches is not None:
            batches.__exit__(*exc)

    def prepare(self, rows: Sequence[store.Draft]) -> None:
        """Read what placing these drafts needs, one query per kind of data."""
        emails = [e for row in rows for e in json.loads(row.to)]
        self.names(emails + [_sender_email(a, self.config) for a in [None, *self.config.accounts]])
        self.held([row.message_id for row in rows if row.message_id is not None])

    def names(self, emails: Iterable[str]) -> dict[str, str]:
        """``names_of``, remembered for the pass."""
        missing = [e for e in dict.fromkeys(emails) if e and e not in self._names]
        if missing:
            self._names.update(names_of(missing))
        return self._names

    def held(self, message_ids: Iterable[int]) -> dict[int, list[str]]:
        """The names of the accounts holding each of these messages, remembered for the pass."""
        missing = sorted({m for m in message_ids if m not in self._held})
        if missing:
            found: dict[int, list[str]] = defaultdict(list)
            sql = ("SELECT l.message_id, a.name FROM location l JOIN account a ON a.id = l.account_id"
                   " WHERE l.message_id IN ({ids}) ORDER BY l.id")
            for message_id, name in rows_in(sql, missing):
                found[message_id].append(name)
            self._held.update({m: found[m] for m in missing})
        return self._held

    def account_row(self, name: str) -> store.Account | None:
        if name not in self._accounts:
            self._accounts[name] = store.Account.get_or_none(store.Account.name == name)
        return self._accounts[name]

    def sender(self, account: AccountConfig | None) -> Address:
        return _sender(account, self.config, self.names([_sender_email(account, self.config)]))

    def connector(self, name: str) -> Any | None:
        if name not in self._built:
            from syncd.sync import connector_for

            try:
                account = self.config.account(name)
                built = connector_for(account, self.config)
                self._built[name] = built if DRAFTS in built.capabilities else None
                batch = getattr(built, "drafts_batch", None)
                if self._batches is not None and self._built[name] is not None and batch is not None:
                    self._batches.enter_context(batch())
            except (SyncdError, OSError) as err:
                log.warning("account %s cannot hold drafts now: %s", name, err)
                self._built[name] = None
        return self._built[name]

    def choose(self, row: store.Draft) -> tuple[AccountConfig, Any] | None:
        """The account holding the message the draft follows, else the first that can hold drafts."""
        names = [a.name for a in self.config.accounts if a.options.get("enabled", True)]
        if row.message_id is not None:
            held = self.held([row.message_id])[row.message_id]
            names = [n for n in names if n in held] + [n for n in names if n not in held]
        for name in names:
            connector = self.connector(name)
            if connector is not None:
                return self.config.account(name), connector
        return None


def outbox_dir(config: Config) -> Path:
    return config.paths.outbox / "drafts"


def _outbox_file(config: Config, row: store.Draft) -> Path:
    return outbox_dir(config) / f"{row.kind}-{short_hash(row.occasion, 16)}.eml"


def _write_outbox(config: Config, row: store.Draft, targets: Targets | None = None) -> str:
    from syncd.deliver import write_eml

    path = _outbox_file(config, row)
    targets = targets or Targets(config)
    # Only the user can read it (it may hold what people told them), and it is on disk
    # before the row says it is placed.
    write_eml(path, outgoing(row, targets.sender(None), targets.names(json.loads(row.to))))
    return OUTBOX_PREFIX + path.name


def remove(row: store.Draft, config: Config, targets: Targets | None = None) -> None:
    """Remove the provider's (or the outbox's) copy of a placed draft, if it is still there."""
    if not row.provider_id:
        return
    if row.provider_id.startswith(OUTBOX_PREFIX):
        (outbox_dir(config) / row.provider_id[len(OUTBOX_PREFIX):]).unlink(missing_ok=True)
        return
    if row.account_id is None:
        return
    targets = targets or Targets(config)
    connector = targets.connector(row.account.name)
    if connector is None:
        raise SyncdError(f"account {row.account.name} cannot reach its drafts now; try again later")
    connector.delete_draft(row.provider_id)


def _put(row: store.Draft, config: Config, targets: Targets) -> tuple[store.Account | None, str]:
    """Put one pending draft where the user reviews it: (the account's row or None for
    the outbox, the provider id). Records nothing."""
    if row.provider_id:
        remove(row, config, targets)  # the copy before an edit
    target = targets.choose(row)
    placed, where = "", None
    if target is not None:
        account, connector = target
        mail = outgoing(row, targets.sender(account), targets.names(json.loads(row.to)))
        finder: Callable[[str], str | None] | None = getattr(connector, "find_draft", None)
        try:
            placed = (finder(mail.message_id) if finder is not None else None) or connector.save_draft(mail)
            where = targets.account_row(account.name)
        except Unsupported as err:  # e.g. a read-only Maildir: the outbox holds it instead
            log.warning("account %s cannot hold draft %s: %s", account.name, row.id, err)
    return where, placed or _write_outbox(config, row, targets)


def _record(placed: Sequence[tuple[store.Draft, store.Account | None, str]], now: Any) -> None:
    """Say where these drafts are (status "placed"), one prepared statement for all:
    peewee's save costs more than the database's work, per draft."""
    for row, where, provider_id in placed:
        row.account = where
        row.provider_id = provider_id
        row.status = "placed"
        row.updated = now
    update_rows(D, _PLACED, [(row.account_id, row.provider_id, row.status, row.updated, row.id) for row, _, _ in placed])


def place(row: store.Draft, config: Config, now: Any, targets: Targets | None = None) -> None:
    """Put one pending draft where the user reviews it and record where (status "placed")."""
    where, provider_id = _put(row, config, targets or Targets(config))
    _record([(row, where, provider_id)], now)


def place_pending(config: Config, now: Any) -> int:
    """Place every pending draft (new ones, edited ones, and any a crash left behind).

    The copies are written inside the connectors' batches and the rows updated after
    the batches closed (the copies durable), in one statement. A draft that fails
    stays pending; if closing a batch fails, all of the pass stay pending, and the next
    pass finds the copies already written (``find_draft``) rather than doubling them.
    An unexpected error stops the pass, as it always did: the drafts placed before it
    are recorded (once durable), then it is raised."""
    rows = list(D.select().where(D.status == "pending").order_by(D.id))
    if not rows:
        return 0
    placed: list[tuple[store.Draft, store.Account | None, str]] = []
    failure: Exception | None = None
    try:
        with Targets(config) as targets:
            targets.prepare(rows)
            for row in rows:
                try:
                    placed.append((row, *_put(row, config, targets)))
                except (SyncdError, OSError) as err:
                    log.warning("draft %s stays pending: %s", row.id, err)
                except Exception as err:  # raised below, after recording the others
                    failure = err
                    break
    except (SyncdError, OSError) as err:
        log.warning("the drafts of this pass stay pending (their copies may not be durable): %s", err)
        placed = []
    _record(placed, now)
    if failure is not None:
        raise failure
    return len(placed)


def refresh(config: Config, now: Any) -> int:
    """Mark "gone" the placed drafts the user removed (or sent, or rewrote) in their mail client."""
    with Targets(config) as targets:
        return _refresh(config, now, targets)


def _refresh(config: Config, now: Any, targets: Targets) -> int:
    gone = 0
    configured = {a.name for a in config.accounts}
    names = dict(store.Account.select(store.Account.id, store.Account.name).tuples())
    for row in D.select().where(D.status == "placed").order_by(D.id):
        name = names.get(row.account_id)
        if row.provider_id.startswith(OUTBOX_PREFIX):
            present: bool | None = (outbox_dir(config) / row.provider_id[len(OUTBOX_PREFIX):]).exists()
        elif name not in configured:
            continue
        else:
            connector = targets.connector(name)
            finder = getattr(connector, "find_draft", None) if connector is not None else None
            if finder is None:
                continue  # this provider cannot tell; leave it placed
            try:
                present = finder(draft_message_id(row)) is not None
            except (SyncdError, OSError) as err:
                log.warning("cannot check draft %s: %s", row.id, err)
                continue
        if not present:
            row.status = "gone"
            row.updated = now
            row.save()
            gone += 1
    return gone
