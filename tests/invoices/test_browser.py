"""R-INV-2/3 in the browser: the clerk scans a receipt, sees exactly what to write, issues, and prints the
invoice on the paper form's size."""

from decimal import Decimal

import pytest

from invoices.models import Invoice
from tests.factories.invoices import InvoiceBookFactory
from tests.invoices.test_api import fresh_receipt

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_r_inv_2_write_an_invoice_in_the_browser(page, live_server, login, screenshot, user_in_role):
    InvoiceBookFactory(code="B-2026-001", first_number="04400001", count=50, face_limit=Decimal("10000.00"))
    receipt = fresh_receipt("12000.00", number="D20261202-000777")
    user_in_role("clerk", username="desk_wang")
    login("desk_wang")
    page.goto(f"{live_server.url}/invoices/invoice/counter/")
    page.fill("#id_receipts", receipt.number)
    page.fill("#id_buyer", "北京华联商贸有限公司")
    page.click("input[name=preview]")
    assert "R-INV-2" in page.inner_text("#invoice-error")  # 12,000.00 over the 10,000.00 face limit
    page.fill("#id_amount", "10000.00")
    page.click("input[name=preview]")
    assert page.inner_text("#preview-number").startswith("04400001")
    assert page.inner_text("#preview-amount") == "10000.00"
    screenshot("invoice_counter_preview")
    page.click("input[name=issue]")
    page.wait_for_selector(".messagelist .success")
    invoice = Invoice.objects.get()
    assert (invoice.number, invoice.amount) == ("04400001", Decimal("10000.00"))
    page.goto(f"{live_server.url}/invoices/invoice/{invoice.pk}/print/")
    assert "04400001" in page.inner_text("#invoice-print")
    width = page.evaluate("document.getElementById('invoice-print').getBoundingClientRect().width")
    assert abs(width - 210 / 25.4 * 96) < 2  # 210 mm at 96 px per inch
    screenshot("invoice_print_view")
