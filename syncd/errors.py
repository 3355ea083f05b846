"""One error tree for syncd, by scope: what the caller should do about it.

Connectors translate provider errors into these at one place (``raise ... from err``);
the sync loop and the CLI catch them by category, the way offlineimap scopes errors
to a message, a folder, an account or the whole run.
"""

from __future__ import annotations


class SyncdError(Exception):
    """Base of every error syncd raises on purpose."""


class ConfigError(SyncdError):
    """Bad configuration or command-line input: tell the user, exit code 2."""


class ItemError(SyncdError):
    """One item (a message, an event) cannot be read: quarantine it and go on."""


class ParseError(ItemError):
    """Input that cannot be parsed."""


class TransientError(SyncdError):
    """Network drop, throttling, server hiccup: retry later with backoff."""


class AuthError(SyncdError):
    """Credentials refused or expired: stop this account until ``syncd auth NAME``."""


class CursorExpired(SyncdError):
    """The provider forgot our cursor (Gmail 404 on history, Graph 410, UIDVALIDITY):
    restart this stream with a full, idempotent resync."""


class AccountError(SyncdError):
    """This account cannot sync (its folder vanished, its server is gone); others go on."""


class Unsupported(SyncdError):
    """The connector lacks this capability; syncd falls back."""
