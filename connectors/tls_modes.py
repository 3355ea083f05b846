"""The TLS modes the IMAP and SMTP connectors accept, apart from the connectors themselves:
the command line offers them as choices without loading ``imapclient``, ``ssl`` and ``smtplib``
on every start."""

from __future__ import annotations

IMAP_TLS_MODES = ("imaps", "starttls", "none")
SMTP_TLS_MODES = ("smtps", "starttls", "none")
