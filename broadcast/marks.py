"""Reading marks shown clearly (R-BC-5): the parsed script (rules.reading_marks_parse) as HTML for the
booth page and as reportlab markup for the printable script. Escapes every word of the script."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .rules import reading_marks_parse


def script_html(text: str) -> SafeString:
    parts = []
    for s in reading_marks_parse(text or ""):
        if s.kind == "text":
            parts.append(escape(s.text))
        elif s.kind == "newline":
            parts.append("<br>")
        elif s.kind == "pause":
            parts.append(f'<span class="bc-pause" title="{escape(_("short pause"))}">／</span>')
        elif s.kind == "long_pause":
            parts.append(f'<span class="bc-pause bc-long" title="{escape(_("long pause"))}">／／</span>')
        elif s.kind == "stress":
            parts.append(f'<strong class="bc-stress" title="{escape(_("stress"))}">{escape(s.text)}</strong>')
        elif s.kind == "pronounce":
            parts.append(f'<ruby class="bc-say">{escape(s.text)}<rt>{escape(s.reading)}</rt></ruby>')
    return mark_safe("".join(parts))  # noqa: S308 - every piece of the script is escaped above


def _x(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def script_pdf_markup(text: str) -> str:
    """reportlab Paragraph markup: pauses in red slashes, stress underlined in blue, readings in small
    green brackets after the brand name."""
    parts = []
    for s in reading_marks_parse(text or ""):
        if s.kind == "text":
            parts.append(_x(s.text))
        elif s.kind == "newline":
            parts.append("<br/>")
        elif s.kind == "pause":
            parts.append('<font color="#c0392b"> ／ </font>')
        elif s.kind == "long_pause":
            parts.append('<font color="#c0392b"> ／／ </font>')
        elif s.kind == "stress":
            parts.append(f'<u><font color="#1f4e9a">{_x(s.text)}</font></u>')
        elif s.kind == "pronounce":
            parts.append(f'{_x(s.text)}<font size="7" color="#1e7b34">〔{_x(s.reading)}〕</font>')
    return "".join(parts)
