"""Printable day sheet and printable script (reading marks shown: R-BC-5). Read-only builders."""

from __future__ import annotations

from io import BytesIO

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from .marks import _x, script_pdf_markup

FONT = "STSong-Light"
if FONT not in pdfmetrics.getRegisteredFontNames():
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))

TITLE = ParagraphStyle("bc-title", fontName=FONT, fontSize=15, leading=19, spaceAfter=3 * mm)
BODY = ParagraphStyle("bc-body", fontName=FONT, fontSize=9, leading=12)
SCRIPT = ParagraphStyle("bc-script", fontName=FONT, fontSize=13, leading=22)
SMALL = ParagraphStyle("bc-small", fontName=FONT, fontSize=8, leading=10, textColor=colors.grey)


def _kind_label(kind: str) -> str:
    return {"fixed": _("Plan item"), "moment": _("Fixed moment"), "promotion": _("Promotion")}.get(kind, kind)


def day_sheet_pdf(plan) -> bytes:
    """The day's sheet (selectors.DayPlan) on A4: time, kind, title, script, a tick column for the booth."""
    sheet = plan.sheet
    buffer = BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=12 * mm,
                            bottomMargin=12 * mm, title=f"broadcast {sheet.day}")
    story = [
        Paragraph(_("PA run sheet %(day)s") % {"day": sheet.day.isoformat()}, TITLE),
        Paragraph(_("Opening %(opening)s, closing %(closing)s · %(plan)s") % {
            "opening": sheet.hours.opening.strftime("%H:%M"), "closing": sheet.hours.closing.strftime("%H:%M"),
            "plan": str(plan.plan) if plan.plan else "-"}, BODY),
        Spacer(1, 3 * mm),
    ]
    rows = [[_("Time"), _("Kind"), _("Title"), _("Script"), _("Aired")]]
    for item in sheet.items:
        script = plan.scripts.get(item.script_id) if item.script_id else None
        title = item.title
        if item.moved_from is not None:
            title += f" ({_('moved from')} {item.moved_from // 60:02d}:{item.moved_from % 60:02d})"
        rows.append([item.at, _kind_label(item.kind), Paragraph(_x(title), BODY),
                     Paragraph(_x(script.title) if script else "", BODY), "□"])
    table = Table(rows, colWidths=[16 * mm, 24 * mm, 78 * mm, 48 * mm, 14 * mm], repeatRows=1)
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), FONT), ("FONTSIZE", (0, 0), (-1, -1), 8.5),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey), ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]))
    story.append(table)
    if sheet.dropped:
        story.append(Spacer(1, 3 * mm))
        story.append(Paragraph(_("Not on the sheet: ") + "; ".join(_x(f"{d.nominal} {d.title} ({d.reason})")
                                                                    for d in sheet.dropped), SMALL))
    story.append(Spacer(1, 2 * mm))
    story.append(Paragraph(_("Printed %(at)s") % {"at": timezone.localtime().strftime("%Y-%m-%d %H:%M")}, SMALL))
    doc.build(story)
    return buffer.getvalue()


def script_pdf(script) -> bytes:
    """One script, large print, with its reading marks in colour and a legend."""
    buffer = BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=15 * mm,
                            bottomMargin=15 * mm, title=script.title)
    status = script.get_status_display()
    reviewed = ""
    if script.reviewed_by_id and script.status == "approved":
        reviewed = _("approved by %(who)s at %(at)s") % {
            "who": script.reviewed_by.username, "at": timezone.localtime(script.reviewed_at).strftime("%Y-%m-%d %H:%M")}
    story = [
        Paragraph(_x(script.title), TITLE),
        Paragraph(f"{script.get_kind_display()} · {status} {reviewed}", BODY),
        Spacer(1, 5 * mm),
        Paragraph(script_pdf_markup(script.text), SCRIPT),
        Spacer(1, 6 * mm),
        Paragraph(_("Reading marks: %(pause)s short pause, %(long)s long pause, %(stress)s stressed, "
                    "%(say)s how to say a brand name.") % {
            "pause": '<font color="#c0392b">／</font>', "long": '<font color="#c0392b">／／</font>',
            "stress": '<u><font color="#1f4e9a">' + _("words") + "</font></u>",
            "say": '<font size="7" color="#1e7b34">〔…〕</font>'}, SMALL),
    ]
    doc.build(story)
    return buffer.getvalue()
