"""Find where the quoted part of a plain-text reply or forward begins.

A line-based scanner, one pass over the body. Most lines are plain text and are
dismissed by one or two character tests; only lines that could open a quote pay
for a regular expression:

* ``>`` quote blocks (interleaved replies keep the text between them; a wrapped
  link fragment sandwiched between quoted lines stays with the quote);
* attribution lines, ``On <date>, <name> wrote:`` and its kin in a dozen
  languages, wrapped over up to five lines, or starting mid-line
  (``... information On Nov 30, 2011, ... wrote:``), Gmail's
  ``2014-10-17 11:28 GMT+03:00 Name <addr>:`` and Android's
  ``---- Name wrote ----``.  An attribution followed by a ``>`` block removes
  just that block ("soft"); followed by unquoted text it ends the new text;
* separators: Outlook ``-----Original Message-----`` and its translations,
  Gmail ``---------- Forwarded message ---------``, Apple
  ``Begin forwarded message:``, Lotus ``----- Forwarded by X on <date> -----``
  and Outlook's ``________________________________`` line;
* header blocks: two or more of From/Sent/Date/To/Cc/Subject (in several
  languages, ``*From:*`` bold too) within a few lines, as Outlook, Yahoo and
  Lotus Notes (``To: … cc: … Subject:``, with the sender/date lines above it)
  write them.

Everything here is measured in ``benchmarks/quote_eval.py``.
"""

from __future__ import annotations

import re

# Words that end an attribution: "wrote:", "a écrit :", "schrieb Max <m@x.de>:".
_KW = (
    r"(?:wrote|writes|schreef|geschreven|[ée]crit|schrieb|escribi[óo]|escreveu|"
    r"ha scritto|scrisse|skrev|napisa[łl](?:\(a\))?|napsal(?:\(a\))?|"
    r"написал(?:\(а\)|а)?|kirjoitti|viết|yazdı|írta|rašė|kirjutas|έγραψε|写道)"
)
# Substrings of every _KW alternative (and "sent"), for a fast pre-filter.
_KW_WORDS = (
    "wrote", "writes", "schreef", "geschreven", "crit", "schrieb", "escrib", "escreveu",
    "scritto", "scrisse", "skrev", "napisa", "napsal", "написал", "kirjoitti", "viết",
    "yazdı", "írta", "rašė", "kirjutas", "έγραψε", "写道", "sent",
)
_ATTR_END = re.compile(
    rf"(?P<kw>{_KW}|sent)[ \t]*[:：]$"  # "... wrote:" (keyword right before the colon)
    rf"|{_KW}[ \t]+[^\n]{{1,100}}[:：]$"  # "... schreef Julius <j@x.com>:"
    rf"|(?P<dash>{_KW})[ \t]*-{{2,}}$"  # "---- John Smith wrote ----"
    r"|[>)\]][ \t]*[:：]$",  # "... Postmaster <postmaster@x.org>:"
)
_ATTR_START = re.compile(
    r"(?:^|(?<=[\s\-\"(*]))(?:"
    r"(?:On|Le|Am|El|Em|Il|Op|Den|På|Dne|Vào|W dniu|Στις|Ngày|Pada|No dia|Às|В|"
    r"Le\s\w+|Am\s\w+)[ \t\n]+\S"
    r"|\d{1,4}[-./]\d{1,2}[-./]\d{1,4}\b|\d{4}年\d{1,2}月"
    r")",
    re.MULTILINE,
)
_DIGIT = re.compile(r"\d")

# Separator lines, compared after stripping the rule characters and lower-casing:
# "-----Original Message-----", "---------- Forwarded message ---------",
# "----- Forwarded by Eric Bass/HOU/ECT on 01/02/2001 -----", "Begin forwarded message:".
_RULE_CHARS = "-=_*~ \t:"
_SEPARATOR_WORDS = frozenset((
    "original message", "original", "reply message", "forwarded message",
    "message d'origine", "message transféré", "message transfére", "ursprüngliche nachricht",
    "weitergeleitete nachricht", "mensaje original", "mensaje reenviado",
    "messaggio originale", "messaggio inoltrato", "oorspronkelijk bericht",
    "doorgestuurd bericht", "ursprungligt meddelande", "vidarebefordrat meddelande",
    "opprinnelig melding", "oprindelig meddelelse", "mensagem original",
    "mensagem encaminhada", "исходное сообщение", "пересылаемое сообщение",
    "wiadomość oryginalna", "przekazana wiadomość", "alkuperäinen viesti",
))
_RULES = frozenset(("--", "==", "__", "**", "~~", "- ", " -"))
_FORWARD_INTROS = frozenset((
    "begin forwarded message", "anfang der weitergeleiteten nachricht",
    "début du message réexpédié", "debut du message reexpedie",
    "inicio del mensaje reenviado", "begin doorgestuurd bericht",
))


def _separator(s: str) -> bool:
    """True for a line that starts a forwarded or original message (``s`` stripped)."""
    core = s.strip(_RULE_CHARS)
    if not core:
        return s.count("_") >= 20  # Outlook's "________________________________"
    ruled = len(s) - len(core) >= 4 and (s[:2] in _RULES or s[-2:] in _RULES)
    low = core.lower()
    if ruled and (low in _SEPARATOR_WORDS or low.startswith("forwarded by ")):
        return True
    return s.endswith(":") and low in _FORWARD_INTROS


_FIELD_CLASS = {
    "from": "f", "von": "f", "de": "f", "fra": "f", "från": "f", "van": "f", "da": "f",
    "от": "f", "od": "f", "lähettäjä": "f", "sent by": "f",
    "sent": "d", "date": "d", "gesendet": "d", "datum": "d", "envoyé": "d", "sendt": "d",
    "skickat": "d", "verzonden": "d", "inviato": "d", "enviado": "d", "fecha": "d",
    "data": "d", "отправлено": "d", "дата": "d", "wysłano": "d", "päivämäärä": "d",
    "to": "t", "an": "t", "à": "t", "til": "t", "till": "t", "aan": "t", "a": "t",
    "para": "t", "кому": "t", "do": "t", "vastaanottaja": "t", "cc": "t", "bcc": "t",
    "kopie": "t", "cc'd": "t", "копия": "t",
    "subject": "s", "betreff": "s", "objet": "s", "emne": "s", "ämne": "s",
    "onderwerp": "s", "oggetto": "s", "asunto": "s", "assunto": "s", "тема": "s",
    "temat": "s", "aihe": "s",
}
_FIELD_SHAPE = re.compile(r"[ \t]*\*?[ \t]*(\w[\w' ]{0,15}?)[ \t]*\*?[ \t]*:")


def _field(line: str) -> str:
    """The class of a header line ("f"rom, "d"ate, "t"o, "s"ubject), or ""."""
    m = _FIELD_SHAPE.match(line)
    return _FIELD_CLASS.get(m.group(1).lower(), "") if m else ""


# Lines that sit right above a header block in Lotus Notes and Outlook:
# '"Bass, Eric" <Eric.Bass@enron.com>', '01/28/2002 09:44 AM', 'Eric Bass/HOU/ECT'.
_DATEISH = re.compile(r"\d{1,4}[-./]\d{1,2}[-./]\d{1,4}|\d{1,2}:\d{2}")
# Lines that sit right above a '>' block without a colon: a date or an address.
_ABOVE_QUOTE = re.compile(
    r"[ \t]*(?:\d{1,4}[-./]\d{1,2}[-./]\d{1,4}\b.*|.*<[^<>\s]*@[^<>\s]*>?[ \t]*[:：]?|<|mailto:.*)"
    r"[ \t]*$"
)

_MAX_ATTR_LINES = 5
_MAX_ATTR_CHARS = 400


def _is_quote(lines: list[str], i: int) -> bool:
    """True when line i is ``>``-quoted (and not the tail of a link wrapped as ``<url\\n>``)."""
    s = lines[i].lstrip()
    if not s.startswith(">"):
        return False
    if i > 0:
        prev = lines[i - 1]
        lt = prev.rfind("<")
        if lt >= 0 and lt > prev.rfind(">"):
            return False
    return True


def _maybe_attr_end(tail: str) -> bool:
    """Cheap test before _ATTR_END: an attribution keyword or '>:' near the end."""
    if any(word in tail for word in _KW_WORDS):
        return True
    return tail.rstrip(" \t:\uff1a")[-1:] in (">", ")", "]")


def attribution_start(lines: list[str], i: int, before_quote: bool) -> tuple[int, int] | None:
    """If line i ends an attribution, return (line, column) where it starts."""
    s = lines[i].rstrip()
    tail = s[-160:].lower()
    if not _maybe_attr_end(tail):
        return None
    m = _ATTR_END.search(tail)
    if m is None:
        return None
    lo = i
    while lo > 0 and i - lo < _MAX_ATTR_LINES - 1 and lines[lo - 1].strip():
        lo -= 1
    window = "\n".join(lines[lo : i + 1])
    for sm in _ATTR_START.finditer(window, max(0, len(window) - _MAX_ATTR_CHARS)):
        start = sm.start()
        if _DIGIT.search(window, start):
            nl = window.rfind("\n", 0, start)
            return lo + window.count("\n", 0, start), start - nl - 1
    # No "On <date>": accept a lone "<someone> wrote:" only when it clearly is one.
    if (m.group("kw") and m.group("kw").lower() != "sent") or m.group("dash"):
        st = s.lstrip()
        if before_quote or "@" in s or st[:1] in "-\"'":
            return i, 0
    return None


def _header_block(lines: list[str], i: int) -> bool:
    """True when a header block (From/Sent/To/Subject…) starts at line i."""
    classes: set[str] = set()
    gap = 0
    n = len(lines)
    j = i
    while j < n and j < i + 12:
        cls = _field(lines[j])
        if cls:
            classes.add(cls)
            gap = 0
            if len(classes) >= 2:
                return True
        else:
            gap += 1
            if gap > 2:
                return False
        j += 1
    return False


def _lotus_above(line: str) -> bool:
    s = line.strip()
    if not s:
        return False
    if "@" in s or _DATEISH.search(s):
        return True
    if s.endswith((".", "!", "?", ":")):
        return False
    return "/" in s or (
        len(s) <= 40 and ('"' in s or "," in s) and not s.endswith((".", "!", "?", ":"))
    )


def _next_nonblank(lines: list[str], i: int) -> int:
    n = len(lines)
    while i < n and not lines[i].strip():
        i += 1
    return i


def _quote_block_end(lines: list[str], i: int) -> int:
    """Index just past the ``>`` block starting at i (blank lines and wrapped links included)."""
    n = len(lines)
    j = i + 1
    while j < n:
        s = lines[j].strip()
        if not s or _is_quote(lines, j):
            j += 1
            continue
        # A wrapped link fragment between two quoted lines stays with the quote.
        if (
            j + 1 < n
            and _is_quote(lines, j + 1)
            and lines[j - 1].strip()
            and (" " not in s or "://" in s or s.endswith(">"))
        ):
            j += 1
            continue
        break
    return j


def _above_quote(line: str) -> bool:
    s = line.strip()
    if not ("@" in s or s[:1].isdigit() or s == "<" or s.startswith("mailto:")):
        return False
    return bool(_ABOVE_QUOTE.match(s))


def _drop_attribution_above(kept: list[tuple[int, str]]) -> None:
    """Remove date/address lines (and blanks) directly above a quote block."""
    while kept and not kept[-1][1].strip():
        kept.pop()
    for _ in range(4):
        if kept and _above_quote(kept[-1][1]):
            kept.pop()
            while kept and not kept[-1][1].strip():
                kept.pop()
        else:
            break


def strip_quotes(lines: list[str]) -> list[str]:
    """The lines of ``lines`` written by the sender: quotes and forwards removed."""
    kept: list[tuple[int, str]] = []  # (line index, text kept of it)
    n = len(lines)
    i = 0
    while i < n:
        line = lines[i]
        s = line.strip()
        if not s:
            kept.append((i, line))
            i += 1
            continue
        if s[0] == ">" and _is_quote(lines, i):
            inner = s.lstrip("> \t")
            if inner.endswith((":", "\uff1a")) and len(inner) < 40 and _ATTR_END.search(inner.lower()):
                # Polymail wraps "On <date> <name>\n<\nmailto:...\n> wrote:": a hard cut.
                while kept and (
                    not kept[-1][1].strip()
                    or _above_quote(kept[-1][1])
                    or _ATTR_START.match(kept[-1][1].strip())
                ):
                    kept.pop()
                break
            _drop_attribution_above(kept)
            if kept:  # keep the paragraph break the quote stood in
                kept.append((i, ""))
            i = _quote_block_end(lines, i)
            continue
        c0 = s[0]
        last = s[-1]
        if (c0 in "-_=*~" or last in ":-") and _separator(s):
            break
        if s.find(":", 0, 20) > 0 and _field(line) and _header_block(lines, i):
            start = i
            while start > 0 and i - start < 12 and _lotus_above(lines[start - 1]):
                start -= 1
            while kept and kept[-1][0] >= start:
                kept.pop()
            break
        if last in ":\uff1a-":
            nxt = _next_nonblank(lines, i + 1)
            before_quote = nxt < n and _is_quote(lines, nxt)
            found = attribution_start(lines, i, before_quote)
            if found is not None:
                j, col = found
                while kept and kept[-1][0] >= j:
                    kept.pop()
                head = lines[j][:col]
                if head.strip(_RULE_CHARS):
                    kept.append((j, head))
                if before_quote:  # soft: drop the attribution, the quote follows
                    i += 1
                    continue
                break
        kept.append((i, line))
        i += 1
    return [text for _, text in kept]
