"""What the returns app tells the others about a receipt (servicedesk.extensions.receipt_facts), so that
apps beside it (gifts, invoices) count a receipt net of refunds without importing returns:

- `returned_lines`: {line_no: pieces} on refund slips that were not rejected (pending ones included: the
  goods are on their way back);
- `refunded`: the goods refund of those pieces, a money string.
Exchanges take nothing off the receipt's value and are not counted."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Sum
from django.utils.translation import gettext as _

from servicedesk.money import money_str

from .choices import ReturnKind, ReturnStatus
from .models import ReturnLine


class RefundsOnReceiptFacts:
    name = "returns"

    def for_receipts(self, *, receipts):
        rows = (ReturnLine.objects.filter(receipt_line__receipt__in=[r.pk for r in receipts],
                                          return_request__kind=ReturnKind.REFUND)
                .exclude(return_request__status=ReturnStatus.REJECTED)
                .values("receipt_line__receipt_id", "receipt_line__line_no")
                .annotate(n=Sum("quantity"), amount=Sum("refund_amount")).order_by())
        facts = {r.pk: {"returned_lines": {}, "refunded": Decimal("0.00")} for r in receipts}
        for row in rows:
            fact = facts[row["receipt_line__receipt_id"]]
            fact["returned_lines"][row["receipt_line__line_no"]] = row["n"]
            fact["refunded"] += row["amount"] or Decimal("0.00")
        return {pk: {**fact, "refunded": money_str(fact["refunded"])} for pk, fact in facts.items()}


class SlipScan:
    """The scan box's slip lookup: a return slip number (its QR / Code 128 code) opens the slip."""

    name = "returns"

    def find(self, *, term, user):
        from django.urls import reverse

        from servicedesk.extensions import ScanHit

        from .models import ReturnRequest

        if not (term.upper().startswith("TH") and user.has_perm("returns.view_returnrequest")):
            return []
        return [ScanHit(_("Return slip"), rr.number, reverse("admin:returns_returnrequest_change", args=[rr.pk]),
                        f"{rr.get_status_display()} · {rr.refund_amount:.2f}")
                for rr in ReturnRequest.objects.filter(number=term.upper())[:2]]


def register() -> None:
    from servicedesk import extensions

    extensions.receipt_facts.register(RefundsOnReceiptFacts())
    extensions.scan_lookups.register(SlipScan())
