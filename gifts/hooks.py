"""What gifts/ plugs into the lower apps' extension points (servicedesk/extensions.py), registered from
GiftsConfig.ready():

- the gifts refund source (R-RET-13 with R-GIFT-3): a return that takes a receipt below a campaign's minimum
  lists the gift (`gifts_to_return`) and deducts its value unless it is handed back;
- the receipt facts: `"gifts": [{"campaign", "item", "quantity", "value"}]` per receipt (R-GIFT-4, invoices);
- the gift stock ledger check (R-GIFT-2) run by `verify_ledgers` and after every test;
- the gifts panel on the receipt's admin page, and the birthday-gift section of Member 360 (R-GIFT-5).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from servicedesk.extensions import RefundContext, RefundItem
from servicedesk.money import money_str

from . import rules, selectors, services


def _returned_total(ctx: RefundContext) -> dict[int, int]:
    total: dict[int, int] = {}
    for mapping in (ctx.earlier_returned, ctx.returned):
        for line_no, qty in mapping.items():
            total[int(line_no)] = total.get(int(line_no), 0) + int(qty)
    return total


class GiftsRefund:
    """R-RET-13: the campaign gift comes back with the goods when the receipt no longer qualifies, or its
    value is deducted from the refund; exactly once per gift, whatever the number of partial returns."""

    name = "gifts"

    def _item(self, issue, *, handed_back: bool, reference: str) -> RefundItem:
        value = issue.unit_value * issue.quantity
        cash = rules.clawback_cash(unit_value=issue.unit_value, quantity=issue.quantity, handed_back=handed_back)
        how = _("handed back") if handed_back else _("value deducted")
        description = _("Gift %(item)s ×%(qty)s of %(campaign)s (%(value)s): %(how)s") % {
            "item": issue.item.name, "qty": issue.quantity, "campaign": issue.campaign.code, "value": money_str(value),
            "how": how}
        gift = {"campaign": issue.campaign.code, "item": issue.item.name, "quantity": issue.quantity,
                "value": money_str(value)}
        return RefundItem(self.name, description, reference or f"GI-{issue.pk}", cash_amount=cash,
                          detail={**gift, "item_code": issue.item.code, "handed_back": handed_back}, returnable=gift)

    def quote(self, ctx: RefundContext) -> list[RefundItem]:
        return [self._item(issue, handed_back=ctx.gifts_returned, reference="")
                for issue in selectors.gifts_clawback_due(receipt=ctx.receipt, returned=_returned_total(ctx))]

    def apply(self, ctx: RefundContext) -> list[RefundItem]:
        taken = services.gifts_claw_back(receipt=ctx.receipt, returned=_returned_total(ctx),
                                         handed_back=ctx.gifts_returned, reference=ctx.reference, user=ctx.user)
        return [self._item(issue, handed_back=ctx.gifts_returned, reference=ctx.reference) for issue in taken]


class GiftsOnReceiptFacts:
    """R-GIFT-4: the gifts tied to each receipt, for the receipt API and page and for invoice remarks."""

    name = selectors.FACTS_NAME

    def for_receipts(self, *, receipts):
        found = selectors.gifts_for_receipts(receipt_ids=[r.pk for r in receipts])
        return {r.pk: {"gifts": found.get(r.pk, [])} for r in receipts}


class GiftStockLedgerCheck:
    """R-GIFT-2: each item's on-hand equals the sum of its stock ledger and its last running balance."""

    name = "gift_stock"

    def mismatches(self) -> list[str]:
        return [", ".join(f"{k} {v}" for k, v in m.items()) for m in selectors.stock_mismatched()]


class BirthdayGiftPanel:
    """Member 360 (R-GIFT-5): offers the birthday gift when it is due and not yet collected this year."""

    name = "gifts.birthday"
    target = "members.card"

    def render(self, *, obj, request) -> str:
        from .admin_panels import birthday_panel_html

        return birthday_panel_html(card=obj, request=request)


def register() -> None:
    from servicedesk import extensions

    from .admin_panels import ReceiptGiftsInline

    extensions.refund_sources.register(GiftsRefund())
    extensions.receipt_facts.register(GiftsOnReceiptFacts())
    extensions.ledger_checks.register(GiftStockLedgerCheck())
    extensions.admin_inlines.register(extensions.AdminInline("gifts.issues", "receipts.receipt", ReceiptGiftsInline))
    extensions.page_panels.register(BirthdayGiftPanel())
