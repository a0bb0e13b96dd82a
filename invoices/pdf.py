"""The monthly invoice report to finance (发票月报表, R-INV-8) as a PDF (reportlab). A pure builder: the
report from selectors.monthly_report in, bytes out. Headings are bilingual, as on the store's forms."""

from __future__ import annotations

import io

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from servicedesk.money import money_str

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
                            bottomMargin=15 * mm, title=f"发票月报表 {report.month}")
    story = [Paragraph(f"发票月报表 Monthly invoice report — {report.month}", TITLE)]
    story.append(_table([
        ["", "份数 count", "金额 amount"],
        ["开具 issued", report.issued_count, money_str(report.issued_amount)],
        ["作废 voided", report.voided_count, money_str(report.voided_amount)],
        ["遗失 lost", report.lost_count, money_str(report.lost_amount)],
        ["净额 net", "", money_str(report.net_amount)],
    ], [50 * mm, 35 * mm, 45 * mm]))
    story.append(Paragraph("发票本 Books", HEAD))
    rows = [["本号 book", "起 first", "止 last", "限额 limit", "已用 used", "剩余 left", "本月开具 issued",
             "本月作废 void", "本月遗失 lost"]]
    for b in report.books:
        rows.append([b.code, b.first_number, b.last_number, money_str(b.face_limit), b.used, b.remaining,
                     f"{b.issued_count} / {money_str(b.issued_amount)}", f"{b.voided_count} / {money_str(b.voided_amount)}",
                     b.lost_count])
    story.append(_table(rows, [24 * mm, 19 * mm, 19 * mm, 18 * mm, 13 * mm, 13 * mm, 28 * mm, 26 * mm, 16 * mm]))
    for b in report.books:
        if not (b.issued_runs or b.voided or b.lost):
            continue
        story.append(Paragraph(f"{b.code}：号码明细 numbers", HEAD))
        rows = [["类别 kind", "号码 numbers", "金额 amount", "说明 note"]]
        for first, last in b.issued_runs:
            rows.append(["开具 issued", first if first == last else f"{first}–{last}", "", ""])
        for number, amount, reason in b.voided:
            rows.append(["作废 void", number, money_str(amount), _p(reason)])
        for number, blank, amount in b.lost:
            rows.append(["遗失 lost", number, money_str(amount) if not blank else "",
                         "空白 blank" if blank else "已开 issued"])
        story.append(_table(rows, [25 * mm, 50 * mm, 30 * mm, 75 * mm]))
    story.append(Spacer(1, 8 * mm))
    story.append(Paragraph("制表 prepared by：__________　　财务签收 received by finance：__________", CELL))
    doc.build(story)
    return out.getvalue()
