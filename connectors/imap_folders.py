"""Which IMAP folders syncd reads, what their flags mean, and the per-folder cursor.

Roles come from SPECIAL-USE attributes (RFC 6154: ``\\Sent``, ``\\Drafts``, ``\\Trash``,
``\\Junk``, ``\\Archive``, ``\\All``) and, for servers without them, from the folder's
name as Maildir++ names them ("Sent Items", "[Gmail]/Sent Mail", "INBOX.Sent").
System flags (RFC 3501 section 2.3.2) map to the names every connector uses:
``\\Seen`` seen, ``\\Answered`` replied, ``\\Flagged`` flagged, ``\\Draft`` draft,
``\\Deleted`` trashed.

The cursor is JSON, ``{"v": 1, "folders": {name: {"uv": UIDVALIDITY, "next": the next
UID to read, "ms": HIGHESTMODSEQ or null}}}``; provider ids are ``folder/uidvalidity/uid``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping
from typing import Any

from connectors.base import ARCHIVE, DRAFTS_ROLE, INBOX, OTHER, SENT, SPAM, TRASH
from connectors.maildir import folder_role as name_role

log = logging.getLogger(__name__)

_FLAGS = {"\\seen": "seen", "\\answered": "replied", "\\flagged": "flagged", "\\draft": "draft", "\\deleted": "trashed"}
_SPECIAL = {"\\sent": SENT, "\\drafts": DRAFTS_ROLE, "\\trash": TRASH, "\\junk": SPAM, "\\archive": ARCHIVE, "\\all": ARCHIVE}
_VIRTUAL = frozenset({"\\all", "\\flagged", "\\important"})
_SKIPPED = frozenset({DRAFTS_ROLE, TRASH, SPAM})
_NOSELECT = frozenset({"\\noselect", "\\nonexistent"})


def imap_flags(flags: Iterable[bytes | str]) -> frozenset[str]:
    names = (f.decode("utf-8", "replace") if isinstance(f, bytes) else str(f) for f in flags)
    return frozenset(_FLAGS[n.lower()] for n in names if n.lower() in _FLAGS)


def classify(name: str, attributes: Iterable[str], separator: str) -> tuple[str, bool]:
    """(role, virtual) of a folder: SPECIAL-USE attributes first, then its name."""
    attrs = {a.lower() for a in attributes}
    virtual = bool(attrs & _VIRTUAL)
    for attr in attrs:
        if attr in _SPECIAL:
            return _SPECIAL[attr], virtual
    if name.upper() == "INBOX":
        return INBOX, False
    leaf = name.rsplit(separator, 1)[-1] if separator else name
    if leaf.lower() == "all mail":  # Gmail's view of every message, without SPECIAL-USE
        return ARCHIVE, True
    role = name_role(leaf)
    return (role if role != INBOX else OTHER), virtual


def choose_folders(listing: Iterable[tuple[str, frozenset[str], str]], wanted: Iterable[str]) -> list[tuple[str, str]]:
    """(folder, role) to sync: INBOX, the Sent folder and the wanted ones, never Drafts/Trash/Junk."""
    wanted = set(wanted)
    everything = "*" in wanted
    folders: dict[str, tuple[str, bool, bool]] = {}  # name -> (role, virtual, special-use sent)
    for name, attributes, separator in listing:
        if {a.lower() for a in attributes} & _NOSELECT:
            continue
        role, virtual = classify(name, attributes, separator)
        folders[name] = (role, virtual, "\\sent" in {a.lower() for a in attributes})
    sent_candidates = sorted((not special, name) for name, (role, _, special) in folders.items() if role == SENT)
    sent = sent_candidates[0][1] if sent_candidates else None
    chosen = []
    for name in sorted(folders):
        role, virtual, _ = folders[name]
        if role in _SKIPPED:
            continue
        if role == INBOX or name == sent or name in wanted or (everything and not virtual):
            chosen.append((name, role))
    for missing in sorted(wanted - set(folders) - {"*"}):
        log.warning("IMAP folder %r not found on the server", missing)
    return chosen


Known = dict[int, dict[int, str]]  # uidvalidity -> uid -> etag, for one folder


def load_cursor(cursor: str | None) -> dict[str, dict[str, Any]]:
    if not cursor:
        return {}
    data = json.loads(cursor)
    return {str(k): dict(v) for k, v in data.get("folders", {}).items()}


def dump_cursor(state: Mapping[str, Mapping[str, Any]]) -> str:
    return json.dumps({"v": 1, "folders": state}, sort_keys=True, separators=(",", ":"))


def group_known(known: Mapping[str, str]) -> dict[str, Known]:
    by_folder: dict[str, Known] = {}
    for pid, etag in known.items():
        folder, uv, uid = (pid.rsplit("/", 2) + ["", ""])[:3]
        if uv.isdigit() and uid.isdigit():
            by_folder.setdefault(folder, {}).setdefault(int(uv), {})[int(uid)] = etag
    return by_folder


def split_batches(uids: list[int], sizes: Mapping[int, int], count: int, size_limit: int) -> list[list[int]]:
    """Consecutive runs of at most ``count`` messages and ``size_limit`` bytes (a bigger message goes alone)."""
    groups: list[list[int]] = []
    current: list[int] = []
    size = 0
    for uid in uids:
        if current and (len(current) >= count or size + sizes.get(uid, 0) > size_limit):
            groups.append(current)
            current, size = [], 0
        current.append(uid)
        size += sizes.get(uid, 0)
    if current:
        groups.append(current)
    return groups
