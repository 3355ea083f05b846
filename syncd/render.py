"""Rendering a briefing: subject line, plain text, HTML mail, JSON.

Templates live in the repository's top-level ``templates/`` (shipped inside the package
as ``syncd/templates``). HTML templates (``*.html.j2``) are autoescaped: every string
from mail is untrusted, so a subject or display name holding ``<script>`` or ``<img>``
arrives as text. Text templates are not escaped (they are not HTML), and every mail
string is already cleaned of control characters by ``syncd.wording.clean``.

The HTML has its styles in one ``<style>`` block for editing; :func:`render_html`
inlines them into ``style=""`` attributes (css-inline) so Gmail and Outlook render the
mail as designed. No remote images, no web fonts, no ``<link>``.
"""

from __future__ import annotations

import datetime as dt
import json
from functools import cache
from pathlib import Path
from typing import Any

import css_inline
import jinja2

from syncd.briefing import Briefing, Meeting, as_dict
from syncd.dossier import Attendee
from syncd.wording import day

MAX_SUBJECT_NAMES = 3


def template_dir() -> Path:
    """``syncd/templates`` in an installed package, else the repository's ``templates/``."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "templates", here.parent / "templates"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"syncd's templates are missing (looked in {here / 'templates'} and {here.parent / 'templates'})")


@cache
def environment() -> jinja2.Environment:
    """The one Jinja2 environment: autoescaping on for ``.html.j2`` (and ``.html``), off for text."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(template_dir())),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "html.j2", "htm", "xml"),
                                            disabled_extensions=("txt.j2", "txt"), default_for_string=True,
                                            default=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["month_year"] = _month_year
    env.filters["plural"] = _plural
    return env


def _month_year(iso: str | None) -> str:
    return f"{dt.date.fromisoformat(iso[:10]):%b %Y}" if iso else ""


def _plural(n: int, word: str, many: str = "") -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"


def subject(briefing: Briefing) -> str:
    """The day at a glance: ``Tue Mar 24 — 4 meetings: Dana Whitfield, Kevin O'Brien, Miguel Santos, …``."""
    when = day(dt.date.fromisoformat(briefing.date))
    meetings = [m for m in briefing.meetings if m.attendees]
    if not meetings:
        extras = []
        if briefing.promises:
            extras.append(_plural(len(briefing.promises), "promise") + " open")
        if briefing.dates:
            extras.append(_plural(len(briefing.dates), "date") + " this week")
        if briefing.cold:
            extras.append(f"{len(briefing.cold)} going cold")
        return f"{when} — no meetings" + (f"; {', '.join(extras)}" if extras else "")
    names = _headline_names(meetings)
    shown = names[:MAX_SUBJECT_NAMES]
    more = ", …" if len(names) > len(shown) else ""
    return f"{when} — {_plural(len(meetings), 'meeting')}: {', '.join(shown)}{more}"


def _headline_names(meetings: list[Meeting]) -> list[str]:
    """The first contact of each meeting, then everyone else (colleagues last)."""
    firsts: list[Attendee] = []
    rest: list[Attendee] = []
    for meeting in meetings:
        for n, person in enumerate(meeting.attendees):
            (firsts if n == 0 and person.relation != "colleague" else rest).append(person)
    ordered = firsts + [p for p in rest if p.relation != "colleague"] + [p for p in rest if p.relation == "colleague"]
    names: list[str] = []
    for person in ordered:
        if person.name not in names:
            names.append(person.name)
    return names


def summary(briefing: Briefing) -> str:
    """``4 meetings · 3 promises open · 2 dates this week · 5 going cold``."""
    meetings = len([m for m in briefing.meetings if m.attendees])
    parts = [_plural(meetings, "meeting") if meetings else "No meetings"]
    if briefing.promises:
        parts.append(_plural(len(briefing.promises), "promise") + " open")
    if briefing.dates:
        parts.append(_plural(len(briefing.dates), "date") + " this week")
    if briefing.cold:
        parts.append(f"{len(briefing.cold)} going cold")
    if briefing.drafts_waiting:
        parts.append(_plural(briefing.drafts_waiting, "draft") + " to review")
    return " · ".join(parts)


def _context(briefing: Briefing, single: bool) -> dict[str, Any]:
    return {"b": briefing, "subject": subject(briefing), "summary": summary(briefing), "single": single}


def render_text(briefing: Briefing, *, single: bool = False) -> str:
    return environment().get_template("briefing.txt.j2").render(_context(briefing, single))


def render_html(briefing: Briefing, *, single: bool = False, inline: bool = True) -> str:
    html = environment().get_template("briefing.html.j2").render(_context(briefing, single))
    if not inline:
        return html
    return _inliner().inline(html)


@cache
def _inliner() -> css_inline.CSSInliner:
    return css_inline.CSSInliner(load_remote_stylesheets=False, keep_style_tags=False)


def render_json(briefing: Briefing | Meeting) -> str:
    data = as_dict(briefing)
    if isinstance(briefing, Briefing):
        data = {"subject": subject(briefing), **data}  # type: ignore[dict-item]
    return json.dumps(data, indent=2, ensure_ascii=False)


def one_meeting(meeting: Meeting, briefing_day: str, timezone: str, user: str) -> Briefing:
    """A briefing holding only ``meeting``, for ``syncd brief --event``."""
    date = meeting.start[:10]
    return Briefing(date=date, day=briefing_day, timezone=timezone, user=user, meetings=(meeting,), cold=(),
                    dates=(), promises=(), drafts=(), drafts_waiting=0)
