"""What an account's mail already holds, for a connector's diff (``known``).

Read from the store on demand: a Maildir that changed in one folder reads only that
folder's part, not a mailbox of 100,000s.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import peewee as pw

from syncd import store


class KnownMail(Mapping[str, str]):
    """provider id -> etag of the mail an account holds, read from the store on demand.

    As a mapping it loads everything once (raw rows: a big mailbox has 100,000s);
    ``under(folder)`` and ``folders()`` answer with one indexed query each, so a
    connector that diffs only the folders that changed reads only those.
    """

    def __init__(self, account: store.Account) -> None:
        self.account = account
        self._all: dict[str, str] | None = None

    def _everything(self) -> dict[str, str]:
        if self._all is None:
            L = store.Location
            query = L.select(L.provider_id, L.etag).where(L.account == self.account)
            self._all = dict(store.db.execute(query).fetchall())
        return self._all

    def __getitem__(self, provider_id: str) -> str:
        return self._everything()[provider_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._everything())

    def __len__(self) -> int:
        return len(self._everything())

    def under(self, folder: str) -> dict[str, str]:
        """key -> etag for the ids ``folder/key``."""
        prefix = folder + "/"
        if self._all is not None:
            return {p[len(prefix):]: e for p, e in self._all.items() if p.startswith(prefix) and "/" not in p[len(prefix):]}
        L = store.Location
        if isinstance(store.db.obj, pw.SqliteDatabase):  # binary order: a range of the unique index
            match = (L.provider_id >= prefix) & (L.provider_id < folder + "0")  # "0" follows "/"
        else:  # a locale's collation may not order by code point: compare the prefix exactly
            match = pw.fn.substr(L.provider_id, 1, len(prefix)) == prefix
        rows = store.db.execute(L.select(L.provider_id, L.etag).where((L.account == self.account) & match)).fetchall()
        return {p[len(prefix):]: e for p, e in rows if p.startswith(prefix) and "/" not in p[len(prefix):]}

    def folders(self) -> set[str]:
        """The folders the items are stored in."""
        if self._all is not None:
            return {p.rpartition("/")[0] for p in self._all}
        L = store.Location
        return {f for (f,) in L.select(L.folder).where(L.account == self.account).distinct().tuples()}
