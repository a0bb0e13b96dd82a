"""PDFs of gifts/ (reportlab, read-only: pass loaded objects):

- the delivery note (赠品派送单) in three copies — stub, desk, ledger (R-GIFT-1);
- the sheet of pickup vouchers (赠品提货券) of a batch, each with its serial as a Code 128 barcode;
- the member gift form (会员礼品领取单) in two copies — stub, ledger (R-GIFT-5);
- the campaign close list: reconciliation and what went back to the owning department (R-GIFT-6)."""

from __future__ import annotations

from io import BytesIO

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.graphics.barcode import createBarcodeDrawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from servicedesk.money import money_str

FONT = "STSong-Light"
if FONT not in pdfmetrics.getRegisteredFontNames():
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))

TITLE = ParagraphStyle("gift-title", fontName=FONT, fontSize=15, leading=19, spaceAfter=3 * mm)
BODY = ParagraphStyle("gift-body", fontName=FONT, fontSize=9, leading=12)
GRID = TableStyle([
    ("FONTNAME", (0, 0), (-1, -1), FONT), ("FONTSIZE", (0, 0), (-1, -1), 9),
    ("GRID", (0, 0), (-1, -1), 0.4, colors.grey), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
])


def _when(at) -> str:
    return timezone.localtime(at).strftime("%Y-%m-%d %H:%M") if at else ""


def _who(user) -> str:
    if user is None:
        return ""
    full = user.get_full_name() if hasattr(user, "get_full_name") else ""
    return f"{full} ({user.username})" if full else user.username


def _table(rows, widths) -> Table:
    table = Table(rows, colWidths=widths)
    table.setStyle(GRID)
    return table


def _build(story: list, title: str) -> bytes:
    buffer = BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=12 * mm,
                            bottomMargin=12 * mm, title=title)
    doc.build(story)
    return buffer.getvalue()


def _copies(copies: list[tuple[str, list]]) -> list:
    story: list = []
    for i, (_label, part) in enumerate(copies):
        if i:
            story.append(PageBreak())
        story += part
    return story


def delivery_note_pdf(delivery) -> bytes:
    labels = [_("Stub copy (存根联) — to the delivering department"), _("Desk copy (客服联)"),
              _("Ledger copy (台帐联) — to finance with the original documents")]
    copies = []
    for label in labels:
        part = [
            Paragraph("%s<br/>%s" % (_("Gift delivery note"), label), TITLE),
            _table([
                [_("Delivery note"), delivery.note_number, _("Received at"), _when(delivery.received_at)],
                [_("Item"), f"{delivery.item.code} {delivery.item.name}", _("Quantity"), str(delivery.quantity)],
                [_("Unit value"), money_str(delivery.item.unit_value), _("Balance after"), str(delivery.balance_after)],
            ], [30 * mm, 60 * mm, 30 * mm, 60 * mm]),
            Spacer(0, 4 * mm),
            Paragraph(_("Counted together by the desk and the delivering department (R-GIFT-1)."), BODY),
            Spacer(0, 3 * mm),
            _table([[_("Delivered by"), delivery.delivered_by, _("Signature"), ""],
                    [_("Counted by (desk)"), _who(delivery.counted_by), _("Signature"), ""]],
                   [35 * mm, 65 * mm, 25 * mm, 55 * mm]),
        ]
        copies.append((label, part))
    return _build(_copies(copies), delivery.note_number)


def voucher_sheet_pdf(batch) -> bytes:
    campaign = batch.campaign
    story: list = [Paragraph("%s — %s %s" % (_("Gift pickup vouchers"), campaign.code, campaign.name), TITLE),
                   Paragraph(_("%(item)s × %(qty)s per voucher; valid %(start)s – %(end)s. Collected at the service desk.")
                             % {"item": campaign.gift_item.name, "qty": campaign.quantity, "start": campaign.starts_on,
                                "end": campaign.ends_on}, BODY), Spacer(0, 3 * mm)]
    cells, row = [], []
    for voucher in batch.vouchers.order_by("serial"):
        code = createBarcodeDrawing("Code128", value=voucher.serial, barHeight=10 * mm, barWidth=0.3 * mm,
                                    humanReadable=True)
        row.append([Paragraph(f"{campaign.code}<br/>{campaign.gift_item.name} ×{campaign.quantity}", BODY), code])
        if len(row) == 3:
            cells.append(row)
            row = []
    if row:
        cells.append(row + [""] * (3 - len(row)))
    if cells:
        sheet = Table(cells, colWidths=[60 * mm] * 3, rowHeights=[32 * mm] * len(cells))
        sheet.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.grey), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
        story.append(sheet)
    return _build(story, f"{batch.first_serial}-{batch.last_serial}")


def birthday_form_pdf(issue) -> bytes:
    labels = [_("Stub copy (存根联)"), _("Ledger copy (台帐联) — to finance")]
    member = issue.member
    from members.rules import mask_id_number

    copies = []
    for label in labels:
        part = [
            Paragraph("%s<br/>%s" % (_("Member gift form"), label), TITLE),
            _table([
                [_("Form"), f"GI-{issue.pk}", _("Issued at"), _when(issue.issued_at)],
                [_("Member"), member.name, _("Card"), issue.card.card_number if issue.card else ""],
                [_("Document"), mask_id_number(member.id_number), _("Year"), str(issue.year)],
                [_("Gift"), f"{issue.item.code} {issue.item.name}", _("Quantity"), str(issue.quantity)],
                [_("Value"), money_str(issue.value), _("Balance after"), str(issue.balance_after)],
            ], [30 * mm, 60 * mm, 30 * mm, 60 * mm]),
            Spacer(0, 4 * mm),
            Paragraph(_("Birthday gift, once per member per calendar year, on the card and the holder's ID (R-GIFT-5)."),
                      BODY),
            Spacer(0, 3 * mm),
            _table([[_("Member's signature"), ""], [_("Issued by"), _who(issue.issued_by)]], [50 * mm, 130 * mm]),
        ]
        copies.append((label, part))
    return _build(_copies(copies), f"GI-{issue.pk}")


def campaign_close_pdf(campaign) -> bytes:
    s = campaign.close_summary or {}
    kinds = s.get("ledger_by_kind", {})
    rows = [[_("Ledger kind"), _("Units")]] + [[k, str(v)] for k, v in sorted(kinds.items())]
    returned = [[_("Item"), _("Quantity returned")]] + [[r["item"], str(r["quantity"])] for r in s.get("returned", [])]
    story = [
        Paragraph("%s<br/>%s %s" % (_("Campaign close — list of gifts returned"), campaign.code, campaign.name),
                  TITLE),
        _table([
            [_("Dates"), f"{campaign.starts_on} – {campaign.ends_on}", _("Owning department"),
             campaign.owner_department or "-"],
            [_("Closed at"), _when(campaign.closed_at), _("Closed by"), _who(campaign.closed_by)],
            [_("Gift item"), s.get("item", ""), _("Issued in this campaign"), str(s.get("issued_in_campaign", 0))],
            [_("Ledger balance"), str(s.get("ledger_balance", "")), _("Vouchers out / collected"),
             f"{s.get('vouchers_out', 0)} / {s.get('vouchers_collected', 0)}"],
            [_("Unexplained stocktakes"), str(s.get("unexplained_stocktakes", 0)), _("Shared with an open campaign"),
             _("yes") if s.get("shared_with_open_campaign") else _("no")],
        ], [35 * mm, 55 * mm, 40 * mm, 50 * mm]),
        Spacer(0, 4 * mm), Paragraph(_("Reconciliation against the ledger (R-GIFT-6)"), BODY), _table(rows, [90 * mm, 90 * mm]),
        Spacer(0, 4 * mm), Paragraph(_("Returned to the owning department"), BODY),
        _table(returned if len(returned) > 1 else returned + [["-", "0"]], [90 * mm, 90 * mm]),
        Spacer(0, 6 * mm),
        _table([[_("Handed over by (desk)"), ""], [_("Received by (department)"), ""]], [60 * mm, 120 * mm]),
    ]
    return _build(story, campaign.code)
