"""Remove signatures, sign-offs and legal footers from the end of a message.

Runs on the lines ``syncd.infer.quotes.strip_quotes`` kept, in this order:

1. legal and list footers ("This email and any attachments are confidential",
   "CONFIDENTIALITY NOTICE", "To unsubscribe…") cut everything from their first
   line (and the ``****``/``----`` rule above it);
2. an RFC 3676 ``-- `` delimiter, or a mobile signature ("Sent from my iPhone",
   "Get Outlook for iOS", "Von meinem iPhone gesendet") with little after it;
3. a sign-off ("Thanks,", "Best regards", "Love  Aunt Bonnie", "Regards, Roman")
   followed only by short signature lines (name, title, company, phone);
4. a trailing block of short lines that starts a paragraph with a name or a
   rule and holds contact details ("Gina X / gina@example.com / (555) 346-9947"),
   or a lone "-Name".

The first line of a message is never taken for a signature ("Thanks!\\nBob"
alone is a message). Each step returns the name used, when one is seen.
"""

from __future__ import annotations

import re

_SIGNOFF_WORDS = (
    r"(?:(?:best|warm(?:est)?|kind(?:est)?|many|with|all (?:my|the) best|very best|"
    r"warm|fond|best)[ \t]+)?"
    r"(?:regards|wishes|thanks|thank you|cheers|best|sincerely|yours(?: truly| sincerely)?|"
    r"cordially|respectfully|love|xoxo|hugs|take care|talk soon|speak soon|all the best|"
    r"(?:thanks|thank you)(?: (?:again|so much|very much|a lot|in advance|for everything))?|"
    r"much appreciated|ciao|rgds|br|thx|tia|at your service|"
    r"mit freundlichen grüßen|viele grüße|liebe grüße|grüße|lg|mfg|cordialement|"
    r"bien à vous|amitiés|bises|saludos|un saludo|atentamente|abrazos|cumprimentos|"
    r"abraços|saluti|cordiali saluti|distinti saluti|met vriendelijke groet(?:en)?|groeten|"
    r"groetjes|hälsningar|med vänlig hälsning|mvh|hilsen|med venlig hilsen|"
    r"с уважением|спасибо|pozdrawiam|z poważaniem)"
)
# All patterns below run on lower-cased text (IGNORECASE on Unicode is slow).
_SIGNOFF = re.compile(_SIGNOFF_WORDS + r"[ \t]*[,.!:;\-–—]*[ \t]*$")
_SIGNOFF_NAME = re.compile(_SIGNOFF_WORDS + r"(?:[ \t]*[,.!\-–—]+[ \t]*|[ \t]+)(?=\S.{0,40}$)")
# "...visit with him. Love-Dad" at the end of the last line.
_INLINE_SIGNOFF = re.compile(
    r"(?<=[.!?])[ \t]+" + _SIGNOFF_WORDS + r"[ \t]*[,\-–—][ \t]*(?=\S.{0,30}$)"
)
_INLINE_WORDS = ("love", "thank", "cheers", "regards", "best", "xo", "hugs", "take care")
_DASH_NAME = re.compile(r"[-–~][ \t]?(?P<name>\w[\w.' -]{0,30}?)\.?$")
_DELIMS = frozenset(("--", "—", "-- "))
_BULLETS = frozenset(("- ", "* ", "• ", "– "))
_RULE_CHARS = "-_=*~"


def _rule(line: str) -> bool:
    """A line drawn with -, _, =, * or ~ (four or more)."""
    s = line.strip()
    return len(s) >= 4 and not s.strip(_RULE_CHARS)


_MOBILE_STARTS = (
    "sent ", "get outlook", "envoy", "von meinem", "enviado", "inviato", "verzonden",
    "skickat", "sendt", "отправлено", "wysłane", "typed on", "please excuse",
)
_MOBILE = re.compile(
    r"(?:sent (?:from|via|with|using) .{2,60}|get outlook for .{2,30}|"
    r"envoy[ée] de mon .{2,40}|von meinem .{2,40} gesendet|enviado desde mi .{2,40}|"
    r"enviado do meu .{2,40}|inviato da(?:l mio)? .{2,40}|verzonden (?:vanaf|met) .{2,40}|"
    r"skickat från min .{2,40}|sendt fra min .{2,40}|отправлено с .{2,40}|wysłane z .{2,40}|"
    r"typed on (?:a |my )?.{2,30}|please excuse (?:any |my )?(?:typos|brevity).{0,40})$"
)
_FOOTER = re.compile(
    r"(?:confidentiality (?:notice|note|statement|warning)|confidential(?:ity)?:|"
    r"disclaimer:|privileged (?:and|&) confidential|legal notice|"
    r"this (?:e-?mail|message|communication|transmission)(?: \(?and any [^.]{0,80}?\)?)? "
    r"(?:is|are|may contain|contains|and its attachments|is intended|may be|is for the)|"
    r"the information (?:contained )?in this (?:e-?mail|message|communication)|"
    r"if you (?:are not the intended recipient|have received this (?:e-?mail|message|"
    r"communication) in error)|to unsubscribe|unsubscribe\b|click here to unsubscribe|"
    r"you (?:are )?receiv(?:ed|ing) this (?:e-?mail|message)|"
    r"if you (?:no longer wish|would like not) to receive|please consider the environment)"
)
# Cheap pre-filter for _FOOTER: the first word of every alternative.
_FOOTER_STARTS = (
    "confidential", "disclaimer", "privileged", "legal", "this", "the ", "if ", "to ",
    "unsub", "click", "you ", "please",
)
_FOOTER_LEAD = " \t*-_=#>[(!"
_FOOTER_FIRST = frozenset("CcDdPpLlTtIiUuYy")
_FOOTER_SCAN = 60  # footers sit at the end: look at the last 60 lines only
_TAIL = 16  # a signature is found among the last 16 non-blank lines
_PHONE = re.compile(r"\+?\(?\d{2,4}\)?[ .\-/]?\d{2,4}[ .\-]\d{3,4}")
_CONTACT_PREFIX = re.compile(
    r"(?:t|m|f|p|tel|phone|mobile|cell|fax|skype|direct|office|work|home)\b\.?[ \t]*[:.]"
)
_TITLE = re.compile(
    r"\b(?:inc|llc|ltd|gmbh|corp|co|plc|group|university|president|director|manager|vp|"
    r"ceo|cto|cfo|coo|founder|partner|engineer|consultant|analyst|associate|officer|head|"
    r"lead|counsel|attorney|ph\.?d|md|mba|esq|sales|marketing|research|department|dept)\b"
)
_NOT_NAME = frozenset(
    ["go", "see", "let", "hope", "have", "happy", "merry", "good", "talk", "call", "thanks", "thank", "love", "congrats", "congratulations", "welcome", "hi", "hello", "hey", "dear", "yes", "no", "ok", "okay", "sure", "great", "sounds", "will", "can", "please", "the", "a", "an", "i", "we", "my", "our", "it", "this", "that", "what", "when", "where", "who", "why", "how", "you", "your", "see", "looking", "speak", "best", "regards", "cheers", "see"]
)
_PARTICLES = frozenset(["van", "von", "de", "der", "den", "da", "di", "le", "la", "del", "dos", "du", "bin", "al", "st."])


def name_like(text: str) -> bool:
    """True for "Bob", "John E. Doe, Ph.D.", "Сергей Обухов"; False for sentences."""
    s = text.strip().lstrip("-–~").strip()
    if not s:
        return False
    head, _, title = s.partition(",")
    if len(title.split()) > 3 or not all(w[0].isupper() for w in title.split()):
        return False  # "Sam, I'll send it" is a sentence; "John Doe, Ph.D." a name
    words = head.replace('"', " ").split()
    if not 1 <= len(words) <= 4 or len(s) > 50 or any(ch.isdigit() for ch in s):
        return False
    for w in words:
        if w.lower() in _PARTICLES:
            continue
        if not w[0].isupper() or w.strip(".'").lower() in _NOT_NAME:
            return False
    return s[-1] not in "!?:;-–~"


def _sig_line(s: str) -> bool:
    """A line that can belong to a signature block (short, not a sentence)."""
    if len(s) > 70 or s[-1] in "?!" or len(s.split()) > 8:
        return False
    if s[-1] != ".":
        return True
    last = s.split()[-1].strip(".")  # "Ph.D.", "Inc.", "-Lev.", "Brett." end with a dot too
    return len(last) <= 4 or "." in last or name_like(s) or bool(_TITLE.search(s.lower()))


def _contact(s: str) -> bool:
    """A phone number, address, URL or "t. / skype:" line."""
    low = s.lower()
    if "@" in s or "http" in low or "www." in low or ".com" in low:
        return True
    if sum(ch.isdigit() for ch in s) >= 7 and _PHONE.search(s):
        return True
    return bool(_CONTACT_PREFIX.match(low))


def _block_line(s: str) -> bool:
    """A line that may follow a sign-off: a name, title, company or contact detail."""
    s = s.strip()
    return _sig_line(s) and (
        name_like(s) or len(s.split()) <= 3 or _contact(s) or bool(_TITLE.search(s.lower()))
    )


def signoff(s: str) -> bool:
    """True for a sign-off line: "Thanks,", "Best regards", "Cheers!", "Mit freundlichen Grüßen"."""
    return len(s) <= 40 and bool(_SIGNOFF.match(s.strip().lower()))


def signoff_name(s: str) -> str:
    """The name in a one-line sign-off ("Regards, Roman" -> "Roman"), or ""."""
    s = s.strip()
    if len(s) > 60:
        return ""
    low = s.lower()
    m = _SIGNOFF_NAME.match(low)
    if m is None or len(low) != len(s):
        return ""
    name = s[m.end() :]
    return _clean_name(name) if name_like(name) else ""


def _inline_signoff(s: str) -> tuple[str, str] | None:
    """("text before", "Dad") for "...visit with him. Love-Dad", else None."""
    low = s.lower()
    if len(low) != len(s) or not any(w in low[-45:] for w in _INLINE_WORDS):
        return None
    m = _INLINE_SIGNOFF.search(low, max(0, len(low) - 60))
    if m is None or not name_like(s[m.end() :]):
        return None
    return s[: m.start()], _clean_name(s[m.end() :])


def _mobile(s: str) -> bool:
    low = s.strip().lower()
    return low.startswith(_MOBILE_STARTS) and bool(_MOBILE.match(low))


def _clean_name(s: str) -> str:
    return s.strip().strip("-–~").strip().rstrip(".,").strip()


def _content(lines: list[str]) -> bool:
    """True when ``lines`` hold more than delimiters and sign-offs."""
    for line in lines:
        s = line.strip()
        if s and s.rstrip() not in _DELIMS and not signoff(s) and not _rule(s):
            return True
    return False


def _name_in(lines: list[str], idx: list[int]) -> str:
    """The name in a signature block: after its sign-off, else its first name-like line."""
    for n, k in enumerate(idx[:3]):
        s = lines[k]
        if signoff(s) and n + 1 < len(idx) and name_like(lines[idx[n + 1]]):
            return _clean_name(lines[idx[n + 1]])
        name = signoff_name(s)
        if name:
            return name
    for k in idx[:2]:
        if name_like(lines[k]):
            return _clean_name(lines[k])
    return ""


def _footer(lines: list[str], first: int) -> int | None:
    """Index of the first line of a legal or list footer (with the rule above it).

    Footers open a paragraph (after a blank line or a rule), so only those lines are tried.
    """
    prev_break = False
    for k in range(max(first + 1, len(lines) - _FOOTER_SCAN), len(lines)):
        line = lines[k]
        if not line or line.isspace():
            prev_break = True
            continue
        if prev_break or line[0] in _FOOTER_LEAD or line[:8].isupper():
            s = line.lstrip(_FOOTER_LEAD)
            if not s or s.isspace():
                prev_break = True
                continue
            if s[0] in _FOOTER_FIRST:
                low = s[:400].lower()
                if low.startswith(_FOOTER_STARTS) and _FOOTER.match(low):
                    while k - 1 > first and (not lines[k - 1].strip() or _rule(lines[k - 1])):
                        k -= 1
                    return k
        prev_break = False
    return None


def _trailing(lines: list[str], idx: list[int], first: int) -> tuple[list[str], str] | None:
    """Steps 3 and 4: a sign-off with its block, a lone name, or a contact block."""
    tail = idx[-12:]
    for n, k in enumerate(tail):
        s = lines[k].strip()
        rest = tail[n + 1 :]
        if not rest:
            inline = _inline_signoff(s)
            if inline:
                return [*lines[:k], inline[0]], inline[1]
        if k == first:
            continue
        if signoff(s):
            if all(_block_line(lines[r]) for r in rest):
                name = _clean_name(lines[rest[0]]) if rest and name_like(lines[rest[0]]) else ""
                return lines[:k], name
            # "Thanks in advance,\n<a text line>\nBob": only the name goes.
            last = lines[tail[-1]]
            if len(rest) <= 2 and name_like(last) and len(last.split()) <= 2:
                return lines[: tail[-1]], _clean_name(last)
        if not rest:
            name = signoff_name(s)
            if name:
                return lines[:k], name
            m = _DASH_NAME.match(s)
            above = lines[tail[n - 1]].lstrip()[:1] if n else ""
            if m and name_like(m.group("name")) and above != s[0]:  # not a "- item" list
                return lines[:k], _clean_name(m.group("name"))
    for n, k in enumerate(tail):
        if k == first or lines[k - 1].strip():
            continue
        block = tail[n:]
        texts = [lines[r].strip() for r in block]
        if not all(_sig_line(t) for t in texts):
            continue
        head = texts[0]
        if head[:2] in _BULLETS:  # a list, not a signature
            continue
        contact = any(_contact(t) for t in texts)
        if _rule(head) and contact:
            return lines[:k], _name_in(lines, block[1:])
        if name_like(head) and (contact or len(texts) <= 3):
            return lines[:k], _clean_name(head)
    return None


def _ends(lines: list[str], count: int) -> tuple[int, list[int]]:
    """(first non-blank index, the last ``count`` non-blank indices); (-1, []) if blank."""
    tail: list[int] = []
    k = len(lines) - 1
    while k >= 0 and len(tail) < count:
        if lines[k] and not lines[k].isspace():
            tail.append(k)
        k -= 1
    if not tail:
        return -1, []
    tail.reverse()
    first = 0  # the first non-blank line: looked for from the top, where it usually is
    while first < tail[0] and (not lines[first] or lines[first].isspace()):
        first += 1
    return first, tail


def strip_signature(lines: list[str]) -> tuple[list[str], str]:
    """Return (lines without signature and footer, the name the sender signed with)."""
    first, idx = _ends(lines, _TAIL)
    if len(idx) < 2:
        inline = _inline_signoff(lines[idx[0]]) if idx else None
        if inline:
            return [*lines[: idx[0]], inline[0]], inline[1]
        return lines, ""
    cut = _footer(lines, first)
    if cut is not None:
        lines = lines[:cut]
        first, idx = _ends(lines, _TAIL)
    name = ""
    # "-- " delimiter or a mobile signature, with little after it.
    for n, k in enumerate(idx):
        if k == first:
            continue
        delim = lines[k].rstrip() in _DELIMS
        if (delim or _mobile(lines[k])) and _content(lines[:k]):
            name = _name_in(lines, idx[n + 1 if delim else n :])
            lines, idx = lines[:k], idx[:n]
            break
    if len(idx) >= 2 or (idx and idx[0] != first):
        found = _trailing(lines, idx, first)
        if found is not None and _content(found[0]):
            lines, name = found[0], name or found[1]
    return lines, name
