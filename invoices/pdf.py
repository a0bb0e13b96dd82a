"""The monthly invoice report to finance (发票月报表, R-INV-8) as a PDF (reportlab). A pure builder: the
report from selectors.monthly_report in, bytes out. Headings are in the request's language (issue 15)."""

from __future__ import annotations

import io

from django.utils.translation import pgettext_lazy
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from servicedesk.money import money_str

# The report's words, in the request's language (it printed Chinese and English side by side, issue 15).
LABELS = {
    "Monthly invoice report": pgettext_lazy("invoice report", "Monthly invoice report"),
    "count": pgettext_lazy("invoice report", "count"),
    "amount": pgettext_lazy("invoice report", "amount"),
    "issued": pgettext_lazy("invoice report", "issued"),
    "voided": pgettext_lazy("invoice report", "voided"),
    "lost": pgettext_lazy("invoice report", "lost"),
    "net": pgettext_lazy("invoice report", "net"),
    "Books": pgettext_lazy("invoice report", "Books"),
    "book": pgettext_lazy("invoice report", "book"),
    "first": pgettext_lazy("invoice report", "first"),
    "last": pgettext_lazy("invoice report", "last"),
    "limit": pgettext_lazy("invoice report", "limit"),
    "used": pgettext_lazy("invoice report", "used"),
    "left": pgettext_lazy("invoice report", "left"),
    "issued this month": pgettext_lazy("invoice report", "issued this month"),
    "void this month": pgettext_lazy("invoice report", "void this month"),
    "lost this month": pgettext_lazy("invoice report", "lost this month"),
    "numbers in detail": pgettext_lazy("invoice report", "numbers in detail"),
    "kind": pgettext_lazy("invoice report", "kind"),
    "numbers": pgettext_lazy("invoice report", "numbers"),
    "note": pgettext_lazy("invoice report", "note"),
    "void": pgettext_lazy("invoice report", "void"),
    "blank": pgettext_lazy("invoice report", "blank"),
    "written": pgettext_lazy("invoice report", "written"),
    "prepared by": pgettext_lazy("invoice report", "prepared by"),
    "received by finance": pgettext_lazy("invoice report", "received by finance"),
}


def _r(text: str) -> str:
    return str(LABELS[text])

FONT = "STSong-Light"
if FONT not in pdfmetrics.getRegisteredFontNames():
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))

TITLE = ParagraphStyle("title", fontName=FONT, fontSize=15, leading=20, alignment=1, spaceAfter=4 * mm)
HEAD = ParagraphStyle("head", fontName=FONT, fontSize=11, leading=15, spaceBefore=4 * mm, spaceAfter=2 * mm)
CELL = ParagraphStyle("cell", fontName=FONT, fontSize=8.5, leading=11)


def _table(rows, widths) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("FONTSIZE", (0, 0), (-1, -1), 8.5),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
        ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
    ]))
    return table


def _p(text) -> Paragraph:
    return Paragraph(str(text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"), CELL)


def monthly_report_pdf(report) -> bytes:
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm,
                            bottomMargin=15 * mm, title="%s %s" % (_r("Monthly invoice report"), report.month))
    story = [Paragraph("%s — %s" % (_r("Monthly invoice report"), report.month), TITLE)]
    story.append(_table([
        ["", _r("count"), _r("amount")],
        [_r("issued"), report.issued_count, money_str(report.issued_amount)],
        [_r("voided"), report.voided_count, money_str(report.voided_amount)],
        [_r("lost"), report.lost_count, money_str(report.lost_amount)],
        [_r("net"), "", money_str(report.net_amount)],
    ], [50 * mm, 35 * mm, 45 * mm]))
    story.append(Paragraph(_r("Books"), HEAD))
    rows = [[_r("book"), _r("first"), _r("last"), _r("limit"), _r("used"), _r("left"), _r("issued this month"),
             _r("void this month"), _r("lost this month")]]
    for b in report.books:
        rows.append([b.code, b.first_number, b.last_number, money_str(b.face_limit), b.used, b.remaining,
                     f"{b.issued_count} / {money_str(b.issued_amount)}", f"{b.voided_count} / {money_str(b.voided_amount)}",
                     b.lost_count])
    story.append(_table(rows, [24 * mm, 19 * mm, 19 * mm, 18 * mm, 13 * mm, 13 * mm, 28 * mm, 26 * mm, 16 * mm]))
    for b in report.books:
        if not (b.issued_runs or b.voided or b.lost):
            continue
        story.append(Paragraph("%s：%s" % (b.code, _r("numbers in detail")), HEAD))
        rows = [[_r("kind"), _r("numbers"), _r("amount"), _r("note")]]
        for first, last in b.issued_runs:
            rows.append([_r("issued"), first if first == last else f"{first}–{last}", "", ""])
        for number, amount, reason in b.voided:
            rows.append([_r("void"), number, money_str(amount), _p(reason)])
        for number, blank, amount in b.lost:
            rows.append([_r("lost"), number, money_str(amount) if not blank else "",
                         _r("blank") if blank else _r("written")])
        story.append(_table(rows, [25 * mm, 50 * mm, 30 * mm, 75 * mm]))
    story.append(Spacer(1, 8 * mm))
    story.append(Paragraph("%s：__________　　%s：__________" % (_r("prepared by"), _r("received by finance")),
                           CELL))
    doc.build(story)
    return out.getvalue()
