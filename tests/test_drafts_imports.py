"""What writing drafts imports in a new process (``syncd sync`` run once): the modules of
``generate_due``'s path, not the briefing's dossier and its questions (their regexes
cost about 20 ms to compile at import, for nothing a draft uses)."""

from __future__ import annotations

import subprocess
import sys


def test_drafts_and_nudges_do_not_import_the_dossier() -> None:
    code = ("import sys, syncd.drafts, syncd.place, syncd.coldness, syncd.knowledge, syncd.draftsources\n"
            "print(sorted(m for m in ('syncd.dossier', 'syncd.questions', 'syncd.briefing') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    assert out.strip() == "[]"
