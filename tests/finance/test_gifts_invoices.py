"""Gifts and invoices in finance's month close (R-FIN-1, R-FIN-2, R-GIFT-2, R-INV-8): their month ledgers'
totals and exports, and the period guard on every dated writer."""

import csv
import datetime as dt
import io
from decimal import Decimal as D

import pytest
from django.db import transaction
from django.utils import timezone

from gifts.choices import EntryKind as GK
from gifts.models import GiftStockEntry
from gifts.services import _stock_move
from invoices import services as invoice_services
from invoices.models import Invoice
from servicedesk.periods import PeriodClosed
from tests.factories.finance import at_in
from tests.factories.gifts import GiftItemFactory
from tests.factories.invoices import InvoiceBookFactory, InvoicePolicyFactory
from tests.factories.receipts import ReceiptFactory, ReceiptLineFactory

pytestmark = pytest.mark.django_db


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _stock(item, kind, quantity, *, at, user=None):
    with transaction.atomic():
        return _stock_move(item=item, kind=kind, quantity=quantity, user=user, reference="test", at=at)


@pytest.fixture
def gift_books(month):
    """Before the month: +50 received. In the month: +20 received, -3 issued, -1 birthday, +1 handed back by
    a customer, -2 to the owning department, -1 stocktake. Today: -4 issued (not in the month).
    gifts_issued for the month = 3 + 1 - 1 = 3."""
    item = GiftItemFactory()
    _stock(item, GK.RECEIVE, 50, at=at_in(month - dt.timedelta(days=20), day=5))
    for kind, qty, day in [(GK.RECEIVE, 20, 2), (GK.ISSUE, -3, 3), (GK.BIRTHDAY, -1, 4), (GK.RETURN_CUSTOMER, 1, 5),
                           (GK.RETURN_OWNER, -2, 6), (GK.ADJUST, -1, 7)]:
        _stock(item, kind, qty, at=at_in(month, day))
    _stock(item, GK.ISSUE, -4, at=timezone.now())
    return item


@pytest.fixture
def invoice_books(month, user_in_role):
    """In the month: invoices of 1,200.00 and 800.00 issued, the 800.00 one voided; an invoice issued the month
    before and voided in the month (-300.00). invoices_amount for the month = 2000 - 800 - 300 = 900.00."""
    InvoicePolicyFactory()
    clerk = user_in_role("clerk")
    book = InvoiceBookFactory(count=20)

    def receipt(total, rung_at):
        r = ReceiptFactory(side="dept", rung_at=rung_at, total=D(total))
        ReceiptLineFactory(receipt=r, line_no=1, unit_price=D(total), list_price=D(total), quantity=1)
        return r

    def issue(total, on):
        r = receipt(total, on - dt.timedelta(hours=2))
        return invoice_services.invoice_issue(receipts=[(r.side, r.number)], buyer="北京华联商贸有限公司", user=clerk,
                                              book=book.code, now=on)

    before = month - dt.timedelta(days=1)  # the previous month's last day
    old = issue("300.00", at_in(before.replace(day=1), day=min(before.day, 25)))
    a = issue("1200.00", at_in(month, 8))
    b = issue("800.00", at_in(month, 9))
    invoice_services.invoice_void(invoice=b, reason="开错抬头", user=clerk, now=at_in(month, 10))
    invoice_services.invoice_void(invoice=old, reason="开错金额", user=clerk, now=at_in(month, 11))
    return {"clerk": clerk, "book": book, "a": a, "b": b, "old": old}


@pytest.fixture
def fin(api_as, finance_user):
    return api_as(finance_user)


def test_r_fin_2_month_totals_show_gifts_issued_and_invoices_amount(gift_books, invoice_books, month, fin):
    key = f"{month:%Y-%m}"
    totals = fin.get(f"/api/v1/finance/periods/{key}/").json()["totals"]
    assert totals["gifts_issued"] == 3 and totals["invoices_amount"] == "900.00"
    r = fin.post(f"/api/v1/finance/periods/{key}/close/")
    assert r.status_code == 200, r.content
    assert r.json()["totals"]["gifts_issued"] == 3 and r.json()["totals"]["invoices_amount"] == "900.00"
    assert fin.get(f"/api/v1/finance/periods/{key}/").json()["totals"]["gifts_issued"] == 3


def test_r_fin_2_gift_stock_adjustment_in_a_closed_month_is_409(gift_books, month, fin, api_as, user_in_role):
    assert fin.post(f"/api/v1/finance/periods/{month:%Y-%m}/close/").status_code == 200
    rows = GiftStockEntry.objects.count()
    with pytest.raises(PeriodClosed) as err:
        _stock(gift_books, GK.ADJUST, -1, at=at_in(month, 20))
    assert (err.value.code, err.value.status_code) == ("period_closed", 409)
    assert GiftStockEntry.objects.count() == rows
    gift_books.refresh_from_db()
    assert gift_books.on_hand == 50 + 20 - 3 - 1 + 1 - 2 - 1 - 4  # nothing moved
    _stock(gift_books, GK.ADJUST, -1, at=timezone.now())  # the correction goes into the open month


def test_r_fin_2_invoice_issue_void_and_loss_in_a_closed_month_are_409(invoice_books, month, fin):
    assert fin.post(f"/api/v1/finance/periods/{month:%Y-%m}/close/").status_code == 200
    clerk, a = invoice_books["clerk"], invoice_books["a"]
    r = ReceiptFactory(side="dept", rung_at=at_in(month, 12), total=D("500.00"))
    ReceiptLineFactory(receipt=r, line_no=1, unit_price=D("500.00"), list_price=D("500.00"), quantity=1)
    with pytest.raises(PeriodClosed):
        invoice_services.invoice_issue(receipts=[(r.side, r.number)], buyer="张伟", user=clerk, now=at_in(month, 13))
    with pytest.raises(PeriodClosed):
        invoice_services.invoice_void(invoice=a, reason="x", user=clerk, now=at_in(month, 14))
    with pytest.raises(PeriodClosed):
        invoice_services.invoice_loss_report(book=invoice_books["book"].code, numbers=[a.number], reason="丢失",
                                             user=clerk, now=at_in(month, 15))
    a.refresh_from_db()
    assert a.status == "issued" and Invoice.objects.count() == 3


def test_r_fin_1_gifts_export_csv_has_translated_header_and_the_months_rows(gift_books, month, fin):
    r = fin.get(f"/api/v1/finance/exports/gifts/?month={month:%Y-%m}&format=csv", HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 200
    rows = list(csv.reader(io.StringIO(_body(r).decode("utf-8-sig"))))
    assert rows[0] == ["ledger entry", "at", "item code", "item name", "kind", "quantity", "unit value",
                       "balance after", "reference", "by"]
    assert [row[4] for row in rows[1:]] == ["receive", "issue", "birthday", "return_customer", "return_owner", "adjust"]
    assert sum(int(row[5]) for row in rows[1:]) == 20 - 3 - 1 + 1 - 2 - 1
    r = fin.get(f"/api/v1/finance/exports/gifts/?month={month:%Y-%m}&format=csv", HTTP_ACCEPT_LANGUAGE="zh-hans")
    header = next(csv.reader(io.StringIO(_body(r).decode("utf-8-sig"))))
    assert header[:3] == ["流水记录", "时间", "赠品编码"]


def test_r_fin_1_invoices_export_csv_has_translated_header_and_the_months_invoices(invoice_books, month, fin):
    r = fin.get(f"/api/v1/finance/exports/invoices/?month={month:%Y-%m}&format=csv", HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 200
    rows = list(csv.reader(io.StringIO(_body(r).decode("utf-8-sig"))))
    assert rows[0][:5] == ["invoice number", "book", "status", "issued at", "amount"]
    assert [(row[0], row[2], row[4]) for row in rows[1:]] == [
        (invoice_books["a"].number, "issued", "1200.00"), (invoice_books["b"].number, "void", "800.00")]
    r = fin.get(f"/api/v1/finance/exports/invoices/?month={month:%Y-%m}&format=csv", HTTP_ACCEPT_LANGUAGE="zh-hans")
    header = next(csv.reader(io.StringIO(_body(r).decode("utf-8-sig"))))
    assert header[:2] == ["发票号码", "发票本"]


def test_the_ledgers_are_registered_with_their_units(db):
    from servicedesk.extensions import month_ledgers

    assert month_ledgers.get("gifts").unit == "count" and month_ledgers.get("invoices").unit == "money"
    assert month_ledgers.get("invoices").cached_balance() is None
