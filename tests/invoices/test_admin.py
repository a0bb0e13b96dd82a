"""Counter pages of invoices: write (what to write, then issue), print view, void, lists with search,
books, losses (report, sign, notice), the monthly report page and files, the receipt page's panel and
the dashboard tile."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from invoices import services
from invoices.models import Invoice, InvoiceBook, InvoiceLoss, InvoicePolicy
from tests.invoices.test_api import fresh_receipt

pytestmark = pytest.mark.django_db


def logged(client, user):
    client.force_login(user)
    return client


def counter_post(client, receipt, **extra):
    return client.post(reverse("admin:invoices_invoice_counter"), {
        "receipts": receipt.number, "buyer": "北京华联商贸有限公司", "tax_id": "", "amount": "", "book": "", **extra})


def test_counter_page_shows_exactly_what_to_write_without_taking_the_number(client, clerk, book):
    receipt = fresh_receipt("1200.00")
    page = counter_post(logged(client, clerk), receipt, preview="1")
    assert page.status_code == 200
    text = page.content.decode()
    assert 'id="preview-number"><strong>04400001</strong>' in text and "1200.00" in text
    assert "北京华联商贸有限公司" in text
    assert not Invoice.objects.exists()
    book.refresh_from_db()
    assert book.next_number == "04400001"
    # when: the clerk presses Issue
    response = counter_post(client, receipt, issue="1")
    invoice = Invoice.objects.get()
    assert response.status_code == 302 and response.url == reverse("admin:invoices_invoice_change", args=[invoice.pk])
    assert (invoice.number, invoice.issued_by) == ("04400001", clerk)


def test_counter_page_shows_the_rule_that_refuses(client, clerk, book):
    page = counter_post(logged(client, clerk), fresh_receipt("12000.00"), preview="1")
    assert page.status_code == 200 and b"R-INV-2" in page.content


def test_counter_page_side_prefix_and_unknown_receipt(client, clerk, book):
    receipt = fresh_receipt()
    page = counter_post(logged(client, clerk), receipt, receipts=f"dept {receipt.number}", preview="1")
    assert b"04400001" in page.content
    page = counter_post(client, receipt, receipts="NOPE-1", preview="1")
    assert page.status_code == 200 and b"NOPE-1" in page.content


@pytest.mark.parametrize("written", ["超市 {n}", "超市{n}", "Supermarket: {n}", "market {n}", "MARKET:{n}"])
def test_a_number_on_both_sides_is_named_by_the_side_in_words_or_its_code(written):
    """Issue 15: the hint tells the clerk to write 超市 / 百货 (Supermarket / Department store) before a number
    both sides use; the till codes (market / dept) still work."""
    from invoices.forms import InvoiceCounterForm
    from tests.factories.receipts import ReceiptFactory

    dept, market = ReceiptFactory(side="dept", number="S-77"), ReceiptFactory(side="market", number="S-77")
    form = InvoiceCounterForm({"receipts": written.format(n="S-77") + "\n百货 S-77", "buyer": "张伟"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["receipts"] == [(market.side, "S-77"), (dept.side, "S-77")]
    bare = InvoiceCounterForm({"receipts": "S-77", "buyer": "张伟"})
    assert not bare.is_valid()
    assert "超市" in str(bare.errors["receipts"]) or "Supermarket" in str(bare.errors["receipts"])


def test_counter_hint_names_the_sides_in_words(client, clerk, book):
    text = logged(client, clerk).get(reverse("admin:invoices_invoice_counter"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    text = text.content.decode()
    assert "“超市 12345”或“百货 12345”" in text and "market 12345" not in text


def test_counter_page_403_for_cashier(client, user_in_role):
    assert logged(client, user_in_role("cashier")).get(reverse("admin:invoices_invoice_counter")).status_code == 403


def test_print_view_fits_the_paper_form(client, clerk, book):
    invoice = services.invoice_issue(receipts=[("dept", fresh_receipt().number)], buyer="张伟", user=clerk)
    page = logged(client, clerk).get(reverse("admin:invoices_invoice_print", args=[invoice.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "@page { size: 210mm 99mm" in text and "04400001" in text and "张伟" in text and "1200.00" in text


def test_void_page_for_supervisor_only(client, clerk, supervisor, book):
    invoice = services.invoice_issue(receipts=[("dept", fresh_receipt().number)], buyer="张伟", user=clerk)
    url = reverse("admin:invoices_invoice_void", args=[invoice.pk])
    assert logged(client, clerk).get(url).status_code == 403
    response = logged(client, supervisor).post(url, {"reason": "抬头写错"})
    assert response.status_code == 302
    invoice.refresh_from_db()
    assert invoice.status == "void"
    page = client.get(reverse("admin:invoices_invoice_print", args=[invoice.pk]))
    assert "作废" in page.content.decode() and "VOID" not in page.content.decode()  # one language (issue 15)


def test_invoice_list_search_by_number_receipt_and_buyer(client, clerk, book, django_assert_max_num_queries):
    receipts = [fresh_receipt(number=f"D-LIST-{n}") for n in range(12)]
    for n, r in enumerate(receipts):
        services.invoice_issue(receipts=[("dept", r.number)], buyer=f"买方{n}", user=clerk)
    c = logged(client, clerk)
    url = reverse("admin:invoices_invoice_changelist")
    with django_assert_max_num_queries(30):
        assert c.get(url).status_code == 200
    assert "04400003" in c.get(url, {"q": "04400003"}).content.decode()
    page = c.get(url, {"q": "D-LIST-5"}).content.decode()
    assert "04400006" in page and "04400005" not in page
    page = c.get(url, {"q": "买方11"}).content.decode()
    assert "04400012" in page and "04400011" not in page


def test_receipt_page_shows_its_invoices(client, clerk, book):
    receipt = fresh_receipt()
    services.invoice_issue(receipts=[("dept", receipt.number)], buyer="张伟", user=clerk)
    page = logged(client, clerk).get(reverse("admin:receipts_receipt_change", args=[receipt.pk]))
    assert page.status_code == 200 and "04400001" in page.content.decode()
    assert "+00:00" not in page.content.decode()  # the issue time in store time, as the admin shows times


def test_book_receive_page_and_range_correction(client, user_in_role, supervisor):
    finance = user_in_role("finance")
    url = reverse("admin:invoices_invoicebook_receive")
    assert logged(client, user_in_role("clerk")).get(url).status_code == 403
    response = logged(client, finance).post(url, {"code": "B-2026-009", "first_number": "04400001", "count": "50",
                                                  "face_limit": "10000.00", "note": ""})
    book = InvoiceBook.objects.get(code="B-2026-009")
    assert response.status_code == 302 and book.received_by == finance
    overlap = client.post(url, {"code": "B-2026-010", "first_number": "04400050", "count": "50",
                                "face_limit": "10000.00", "note": ""})
    assert overlap.status_code == 200 and b"R-INV-1" in overlap.content
    response = logged(client, supervisor).post(reverse("admin:invoices_invoicebook_range", args=[book.pk]),
                                               {"first_number": "04400001", "count": "25"})
    assert response.status_code == 302
    book.refresh_from_db()
    assert book.last_number == "04400025"
    assert client.get(reverse("admin:invoices_invoicebook_changelist")).status_code == 200
    assert client.get(reverse("admin:invoices_invoicebook_change", args=[book.pk])).status_code == 200


def test_loss_pages_report_sign_notice(client, clerk, supervisor, book):
    url = reverse("admin:invoices_invoiceloss_report")
    response = logged(client, clerk).post(url, {
        "book": book.code, "numbers": "04400007-04400009, 04400020", "reason": "空白发票遗失",
        "stub_copy": SimpleUploadedFile("stub.png", b"\x89PNG fake", content_type="image/png")})
    loss = InvoiceLoss.objects.get()
    assert response.status_code == 302
    assert loss.numbers == ["04400007", "04400008", "04400009", "04400020"] and loss.stub_copy
    page = client.get(reverse("admin:invoices_invoiceloss_change", args=[loss.pk])).content.decode()
    assert "还剩 7 天" in page  # the desk speaks Chinese by default
    assert client.post(reverse("admin:invoices_invoiceloss_sign", args=[loss.pk])).status_code == 403
    logged(client, supervisor).post(reverse("admin:invoices_invoiceloss_sign", args=[loss.pk]))
    loss.refresh_from_db()
    assert loss.status == "awaiting_notice"
    client.post(reverse("admin:invoices_invoiceloss_notice", args=[loss.pk]),
                {"published_on": timezone.localdate().isoformat(), "publication": "北京晚报"})
    loss.refresh_from_db()
    assert loss.status == "closed"
    assert client.get(reverse("admin:invoices_invoiceloss_changelist"), {"overdue": "yes"}).status_code == 200


def test_report_page_and_files(client, clerk, user_in_role, book):
    services.invoice_issue(receipts=[("dept", fresh_receipt("1200.00").number)], buyer="张伟", user=clerk)
    month = f"{timezone.localdate():%Y-%m}"
    finance = logged(client, user_in_role("finance"))
    page = finance.get(reverse("admin:invoices_invoice_report"), {"month": month})
    assert page.status_code == 200 and "1200.00" in page.content.decode()
    assert finance.get(reverse("admin:invoices_invoice_report_pdf", args=[month])).content.startswith(b"%PDF")
    assert finance.get(reverse("admin:invoices_invoice_report_xlsx", args=[month])).content.startswith(b"PK")
    csv = finance.get(reverse("admin:invoices_invoice_register", args=[month, "csv"]))
    assert b"04400001" in b"".join(csv.streaming_content)
    assert logged(client, clerk).get(reverse("admin:invoices_invoice_report")).status_code == 403


def test_dashboard_tile_book_running_low_and_loss_clock(rf, clerk, book):
    from invoices.dashboard import tiles

    InvoicePolicy.objects.update(low_remaining=47)
    services.invoice_loss_report(book=book.code, numbers=["04400049", "04400050"], reason="遗失", user=clerk)
    services.invoice_issue(receipts=[("dept", fresh_receipt().number)], buyer="张伟", user=clerk)
    request = rf.get("/")
    request.user = clerk
    [tile] = tiles(request)
    lines = {line.label: line for line in tile.lines}
    assert lines["Next number"].value == "04400002 (B-2026-001)"
    assert lines["Book B-2026-001 running low"].value == "47 numbers left" and lines["Book B-2026-001 running low"].alert
    due = timezone.localdate() + dt.timedelta(days=7)
    assert lines[f"Loss notice B-2026-001 due {due}"].value == "7 days left"
    InvoiceLoss.objects.update(notice_due=timezone.localdate() - dt.timedelta(days=2))
    lines = {line.label: line for line in tiles(request)[0].lines}
    overdue = lines[f"Loss notice B-2026-001 due {timezone.localdate() - dt.timedelta(days=2)}"]
    assert overdue.value == "2 days overdue" and overdue.alert


def test_dashboard_tile_without_open_book(rf, clerk):
    from invoices.dashboard import tiles

    request = rf.get("/")
    request.user = clerk
    lines = {line.label: line for line in tiles(request)[0].lines}
    assert lines["No open invoice book"].alert


def test_desk_index_renders_with_the_tile(client, clerk, book):
    page = logged(client, clerk).get("/")
    assert page.status_code == 200


def test_policy_rows_are_edited_by_admin_not_by_clerks(client, user_in_role):
    url = reverse("admin:invoices_invoicepolicy_add")
    assert logged(client, user_in_role("clerk")).get(url).status_code == 403
    admin = logged(client, user_in_role("admin"))
    response = admin.post(url, {"effective_from": "2027-01-01", "time_limit_days": "15", "within_month": "on",
                                "notice_days": "7", "report_day": "5", "low_remaining": "10", "note": ""})
    assert response.status_code == 302
    assert InvoicePolicy.objects.get(effective_from=dt.date(2027, 1, 1)).time_limit_days == 15
