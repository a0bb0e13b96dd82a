"""What the invoices app plugs into the lower apps' extension points (servicedesk/extensions.py),
registered from InvoicesConfig.ready():

- receipt facts: `"invoices": ["04400001", …]`, the non-void invoice numbers of each receipt (R-INV-3);
- the invoices panel on the receipt's admin page;
- the number-accounting ledger check (R-INV-1): run by `verify_ledgers` and after every test.
"""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy

from servicedesk.admin_tools import ReadOnlyInline

from . import selectors
from .models import InvoiceReceipt


class InvoicesOnReceiptFacts:
    name = "invoices"

    def for_receipts(self, *, receipts):
        numbers = selectors.invoice_numbers_for_receipts(receipt_ids=[r.pk for r in receipts])
        return {r.pk: {"invoices": numbers.get(r.pk, [])} for r in receipts}


class InvoiceNumbersCheck:
    """R-INV-1: every number of every book is exactly one of unused, issued, voided, lost; the book counters agree."""

    name = "invoices"

    def mismatches(self) -> list[str]:
        return selectors.number_accounting_mismatches()


class ReceiptInvoicesInline(ReadOnlyInline):
    model = InvoiceReceipt
    fields = readonly_fields = ["invoice", "invoice_status", "amount", "invoice_buyer", "invoice_issued_at"]
    verbose_name_plural = gettext_lazy("Invoices (R-INV-3)")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("invoice")

    @admin.display(description=gettext_lazy("status"))
    def invoice_status(self, obj):
        return obj.invoice.get_status_display()

    @admin.display(description=gettext_lazy("buyer"))
    def invoice_buyer(self, obj):
        return obj.invoice.buyer

    @admin.display(description=gettext_lazy("issued at"))
    def invoice_issued_at(self, obj):
        # a read-only callable's datetime is printed as str() (UTC, microseconds): shown as the admin's columns are
        return admin.utils.display_for_value(obj.invoice.issued_at, "—")


class InvoiceScan:
    """The scan box's invoice lookup: an invoice number opens the invoice."""

    name = "invoices"

    def find(self, *, term, user):
        from django.urls import reverse
        from django.utils.translation import gettext as _

        from servicedesk.extensions import ScanHit

        from .models import Invoice

        if not term.isdigit() or len(term) > 20 or not user.has_perm("invoices.view_invoice"):
            return []
        return [ScanHit(_("Invoice"), inv.number, reverse("admin:invoices_invoice_change", args=[inv.pk]),
                        f"{inv.get_status_display()} · {inv.amount:.2f} · {inv.buyer}")
                for inv in Invoice.objects.filter(number=term)[:3]]


def register() -> None:
    from servicedesk import extensions

    extensions.scan_lookups.register(InvoiceScan())
    extensions.receipt_facts.register(InvoicesOnReceiptFacts())
    extensions.ledger_checks.register(InvoiceNumbersCheck())
    extensions.admin_inlines.register(extensions.AdminInline("invoices.receipt", "receipts.receipt",
                                                             ReceiptInvoicesInline))
