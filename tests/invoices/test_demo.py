"""Demo data: two books, invoices (one split at the face limit), a void and a loss, accounted for."""

import pytest
from django.core.management import call_command

from invoices.hooks import InvoiceNumbersCheck
from invoices.models import Invoice, InvoiceBook, InvoiceLoss

pytestmark = pytest.mark.django_db


def test_demo_loads_books_invoices_a_void_and_a_loss():
    from io import StringIO

    from invoices import demo
    from servicedesk import demo as desk_demo

    out = StringIO()
    desk_demo.load(stdout=out)  # the demo users
    demo.load(stdout=out)
    demo.load(stdout=out)  # idempotent
    assert InvoiceBook.objects.count() == 2
    assert Invoice.objects.count() == 8
    assert Invoice.objects.filter(status="void").count() == 1
    assert Invoice.objects.filter(amount=10000).count() == 1
    loss = InvoiceLoss.objects.get()
    assert (loss.numbers, loss.status) == (["04400098", "04400099"], "awaiting_notice")
    assert InvoiceNumbersCheck().mismatches() == []
    call_command("verify_ledgers")
