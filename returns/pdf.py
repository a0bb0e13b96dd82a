"""The return slip (顾客退换货申请表) as a PDF: three copies — cashier, counter, desk (R-RET-12) — one per
page, each with the receipt reference, lines, amounts, rules applied, every signature with name and time,
and the slip number as a QR code and a Code 128 barcode for the till. Read-only: pass a slip loaded with
`selectors.return_detail()`."""

from __future__ import annotations

from io import BytesIO

from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from reportlab.graphics.barcode import createBarcodeDrawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from receipts.choices import PaymentMethod
from servicedesk.money import money_str
from servicedesk.responses import pdf_response

from . import explain

FONT = "STSong-Light"
if FONT not in pdfmetrics.getRegisteredFontNames():
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))

TITLE = ParagraphStyle("title", fontName=FONT, fontSize=15, leading=19, spaceAfter=3 * mm)
BODY = ParagraphStyle("body", fontName=FONT, fontSize=9, leading=12)
SMALL = ParagraphStyle("small", fontName=FONT, fontSize=8, leading=10)
GRID = TableStyle([
    ("FONTNAME", (0, 0), (-1, -1), FONT), ("FONTSIZE", (0, 0), (-1, -1), 8.5),
    ("GRID", (0, 0), (-1, -1), 0.4, colors.grey), ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
])

COPIES = ("cashier", "counter", "desk")


def _copy_label(copy: str) -> str:
    return {"cashier": _("Cashier copy (收银联)"), "counter": _("Counter copy (柜组联)"),
            "desk": _("Desk copy (服务台联)")}[copy]


def _when(at) -> str:
    return timezone.localtime(at).strftime("%Y-%m-%d %H:%M") if at else ""


def _payment_label(value: str) -> str:
    """The refund's payment method as its label (a raw `alipay` was printed, issue 15)."""
    return str(dict(PaymentMethod.choices).get(value, value))


# R-RET-13 clawback sources by registry name; the description is the source's own label (a msgid).
SOURCE_LABELS = {"points": gettext_lazy("Points"), "gifts": gettext_lazy("Gifts")}


def _source_label(name: str) -> str:
    return str(SOURCE_LABELS.get(name, name))


def _who(user) -> str:
    if user is None:
        return ""
    full = user.get_full_name() if hasattr(user, "get_full_name") else ""
    return f"{full} ({user.username})" if full else user.username


def _copy(rr, copy: str) -> list:
    receipt = rr.receipt
    codes = Table([[createBarcodeDrawing("QR", value=rr.number, width=26 * mm, height=26 * mm),
                    createBarcodeDrawing("Code128", value=rr.number, barHeight=12 * mm, barWidth=0.3 * mm,
                                         humanReadable=True)]],
                  colWidths=[32 * mm, 80 * mm])
    head = Table([[Paragraph("%s<br/>%s" % (_("Customer return and exchange slip"), _copy_label(copy)), TITLE), codes]],
                 colWidths=[68 * mm, 112 * mm])
    facts = Table([
        [_("Slip number"), rr.number, _("Status"), str(rr.get_status_display())],
        [_("Receipt"), f"{receipt.get_side_display()} {receipt.number}", _("Rung at"), _when(receipt.rung_at)],
        [_("Reason"), str(rr.get_reason_display()), _("Kind"), str(rr.get_kind_display())],
        [_("Refund by"), _payment_label(rr.payment_method), _("Member card"), receipt.card_number or "-"],
        [_("Quality report"), rr.quality_report_ref or "-", _("Responsible"),
         " / ".join(x for x in (rr.responsible_counter, rr.responsible_salesperson) if x) or "-"],
        [_("Current price confirmed by"), _who(rr.price_confirmed_by) if rr.price_confirmed_by_id else "-", "", ""],
    ], colWidths=[28 * mm, 62 * mm, 28 * mm, 62 * mm])
    facts.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT), ("FONTSIZE", (0, 0), (-1, -1), 8.5),
                               ("GRID", (0, 0), (-1, -1), 0.4, colors.grey)]))
    rows = [[_("Line"), _("SKU"), _("Description"), _("Counter"), _("Qty"), _("Paid"), _("Refund price"),
             _("Refund"), _("Rules")]]
    for line in rr.lines.all():
        rl = line.receipt_line
        rows.append([rl.line_no, rl.sku, Paragraph(rl.description, SMALL), rl.counter, line.quantity,
                     money_str(line.paid_unit_price), money_str(line.refund_unit_price), money_str(line.refund_amount),
                     Paragraph(", ".join(line.rules), SMALL)])
    lines = Table(rows, colWidths=[10 * mm, 18 * mm, 40 * mm, 18 * mm, 10 * mm, 18 * mm, 20 * mm, 18 * mm, 28 * mm],
                  repeatRows=1)
    lines.setStyle(GRID)
    money = [[_("Goods refund"), money_str(rr.refund_amount)],
             [_("Clawback (R-RET-13)"), money_str(rr.clawback_amount)],
             [_("To pay"), money_str(rr.net_refund)],
             [_("Points reversed"), str(rr.points_reversed)]]
    for claw in rr.clawbacks.all():
        source = f"{_source_label(claw.source)}: {_(claw.description)}"
        money.append([source, _("%(earned)s earned, %(rev)s reversed, %(short)s spent → "
                                                             "%(cash)s") % {"earned": claw.points,
                                                                            "rev": claw.reversed_points,
                                                                            "short": claw.shortfall_points,
                                                                            "cash": money_str(claw.cash_amount)}])
    amounts = Table(money, colWidths=[50 * mm, 130 * mm])
    amounts.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT), ("FONTSIZE", (0, 0), (-1, -1), 9),
                                 ("GRID", (0, 0), (-1, -1), 0.4, colors.grey)]))
    signs = [[_("Step"), _("Signed by"), _("Time")]]
    signs += [[str(label), _who(user), _when(at)] for label, user, at in rr.signatures()]
    signatures = Table(signs, colWidths=[50 * mm, 80 * mm, 50 * mm])
    signatures.setStyle(GRID)
    approver = _("department supervisor") if rr.approval_level == "dept_supervisor" else _("operations manager / GM")
    story = [head, facts, Spacer(0, 3 * mm), lines, Spacer(0, 3 * mm), amounts, Spacer(0, 3 * mm),
             Paragraph("<b>%s:</b> %s — %s %s" % (_("Rules applied"), ", ".join(rr.rules), _("approval by"), approver),
                       BODY)]
    story += [Paragraph(sentence, SMALL) for sentence in explain.slip_explanation(rr)]  # the reader's language
    if rr.reject_reason:
        story.append(Paragraph(f"<b>{_('Rejected')}:</b> {rr.reject_reason}", BODY))
    story += [Spacer(0, 3 * mm), signatures]
    return story


def return_slip_pdf(return_request) -> bytes:
    buffer = BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=12 * mm,
                            bottomMargin=12 * mm, title=return_request.number)
    story: list = []
    for i, copy in enumerate(COPIES):
        if i:
            story.append(PageBreak())
        story += _copy(return_request, copy)
    doc.build(story)
    return buffer.getvalue()


def return_slip_response(*, pk: int) -> HttpResponse:
    """The three-copy slip as an inline PDF, the same answer for the admin page and the API (404 unknown)."""
    from . import selectors
    from .models import ReturnRequest

    try:
        rr = selectors.return_detail(pk=pk)
    except ReturnRequest.DoesNotExist:
        raise Http404 from None
    return pdf_response(return_slip_pdf(rr), filename=f"{rr.number}.pdf")
