"""Drafts in an IMAP account's ``\\Drafts`` folder: the part of ``ImapConnector`` that
writes, finds and removes the drafts syncd places for the user (``syncd.place``).

* **save** APPENDs the message flagged ``\\Draft`` ``\\Seen``; its id is
  ``folder/uidvalidity/uid``, from APPENDUID (RFC 4315 UIDPLUS) or, without UIDPLUS,
  found again by its Message-ID.
* **find** (``find_draft``) EXAMINEs the folder (never creates it) and runs ``UID SEARCH
  NOT DELETED HEADER Message-ID <id>`` (RFC 3501 6.4.4). The search is a case-insensitive
  substring match, so the Message-ID of each hit is fetched and compared exactly. A
  draft the user deleted (expunged, or only flagged ``\\Deleted``) is not found: syncd
  marks it gone and never makes it again; one APPENDed just before a crash is found, so
  placing again records it instead of writing a second copy.
* **delete** expunges that one UID (``UID EXPUNGE``), and leaves the folder alone when its
  UIDVALIDITY changed since.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from connectors.base import DRAFTS_ROLE, Address, OutgoingMail
from connectors.compose import build_message
from connectors.imap_folders import classify
from syncd.errors import AccountError

if TYPE_CHECKING:
    from connectors.imap_session import ServerSettings, Session

log = logging.getLogger(__name__)


class ImapDrafts:
    """Mixed into ``ImapConnector``, which provides these attributes and ``connect``."""

    settings: ServerSettings
    addresses: tuple[str, ...]
    name: str

    def connect(self) -> Session:  # pragma: no cover - ImapConnector's
        raise NotImplementedError


    def _drafts_folder(self, session: Session, create: bool = True) -> str | None:
        listing = session.list_folders()
        by_role = [(not any(a.lower() == "\\drafts" for a in attrs), name) for name, attrs, sep in listing
                   if classify(name, attrs, sep)[0] == DRAFTS_ROLE]
        if by_role:
            return sorted(by_role)[0][1]
        if not create:
            return None
        session.create("Drafts")
        return "Drafts"

    def find_draft(self, message_id: str) -> str | None:
        """The id of the draft with this Message-ID if it is still in Drafts (and not
        flagged ``\\Deleted``), else None. Read-only: the folder is EXAMINEd, never created."""
        wanted = message_id.strip()
        if not wanted:
            return None
        with self.connect() as session:
            folder = self._drafts_folder(session, create=False)
            if folder is None:
                return None
            info = session.examine(folder)
            if info.exists == 0:
                return None
            found = session.search_header("Message-ID", wanted, undeleted=True)
            if not found:
                return None
            heads = session.fetch(found, ["BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]"])
        exact = [uid for uid in found if _message_id_of(heads.get(uid, {})) == wanted]
        return f"{folder}/{info.uidvalidity}/{exact[-1]}" if exact else None

    def save_draft(self, draft: OutgoingMail) -> str:
        """APPEND the draft to ``\\Drafts`` flagged ``\\Draft``; its id is ``folder/uidvalidity/uid``."""
        message = build_message(draft, Address(self.addresses[0] if self.addresses else self.settings.username))
        with self.connect() as session:
            folder = self._drafts_folder(session) or "Drafts"  # made when missing
            placed = session.append(folder, message.as_bytes(), ["\\Draft", "\\Seen"])
            if placed is None:  # no UIDPLUS: find it again by its Message-ID
                info = session.examine(folder)
                found = session.search_header("Message-ID", str(message["Message-ID"]))
                if not found:
                    raise AccountError(f"draft appended to {folder} but not found again")
                placed = (info.uidvalidity, found[-1])
        return f"{folder}/{placed[0]}/{placed[1]}"

    def delete_draft(self, draft_id: str) -> None:
        folder, uv, uid = (draft_id.rsplit("/", 2) + ["", ""])[:3]
        if not (uv.isdigit() and uid.isdigit()):
            raise ValueError(f"not an IMAP draft id: {draft_id!r}")
        with self.connect() as session:
            info = session.select(folder)
            if info.uidvalidity != int(uv):
                log.warning("%s: %s was renumbered since draft %s was saved; leaving it", self.name, folder, draft_id)
                return
            if int(uid) in session.search(f"UID {uid}"):
                session.expunge_uid(int(uid))


def _message_id_of(item: Mapping[bytes, Any]) -> str:
    """The Message-ID in a ``BODY[HEADER.FIELDS (MESSAGE-ID)]`` answer ("" when none)."""
    data = next((v for k, v in item.items() if k.upper().startswith(b"BODY[HEADER")), b"")
    text = data.decode("ascii", "replace") if isinstance(data, bytes) else ""
    name, _, value = " ".join(text.split()).partition(":")
    return value.strip() if name.strip().lower() == "message-id" else ""
