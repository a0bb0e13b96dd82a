"""R-FIN-1: the gift stock ledger's and the invoice register's month CSV through PostgreSQL's COPY is byte for
byte the CSV finance's Python writer makes of the same rows (UTF-8 BOM, translated header, "\\n" line ends as
the points ledger writes them; text with commas, quotes and line breaks quoted the same; empty text, NULLs,
microseconds and store-local times the same). Elsewhere `export_csv` answers None and the Python path runs."""

import csv
import datetime as dt
import io
from decimal import Decimal as D

import pytest
from django.db import connection, transaction
from django.utils import translation

from finance import exports
from gifts.choices import EntryKind as GK
from gifts.services import _stock_move
from invoices import services as invoice_services
from invoices.models import Invoice
from servicedesk.extensions import month_ledgers
from tests.factories.finance import at_in
from tests.factories.gifts import GiftItemFactory
from tests.factories.invoices import InvoiceBookFactory, InvoicePolicyFactory
from tests.factories.receipts import ReceiptFactory, ReceiptLineFactory

pytestmark = pytest.mark.django_db
on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")

AWKWARD = '礼品, "特大" 号\n第二行'


class PythonPath:
    """The same ledger without its COPY writer: finance writes `export_rows` with the csv module."""

    def __init__(self, ledger):
        self._ledger = ledger

    def __getattr__(self, name):
        return getattr(self._ledger, name)

    def export_csv(self, *, month):
        return None


def _both(name: str, month: dt.date) -> tuple[bytes, bytes]:
    ledger, key = month_ledgers.get(name), f"{month:%Y-%m}"
    with translation.override("zh-hans"):
        fast = b"".join(exports.csv_chunks(ledger=ledger, month=key))
        slow = b"".join(exports.csv_chunks(ledger=PythonPath(ledger), month=key))
    return fast, slow


@pytest.fixture
def gift_rows(month, user_in_role):
    clerk = user_in_role("clerk", username="li_li")
    plain, awkward = GiftItemFactory(name="保温杯", unit_value=D("35.00")), GiftItemFactory(name=AWKWARD, unit_value=D("0.50"))
    moves = [(plain, GK.RECEIVE, 20, "", clerk, at_in(month, 2)),
             (awkward, GK.RECEIVE, 5, 'DN-1,"a"', None, at_in(month, 3) + dt.timedelta(microseconds=123456)),
             (plain, GK.ISSUE, -3, "GI-7", clerk, at_in(month, 28, hour=23)),
             (awkward, GK.ADJUST, -1, "", None, at_in(month, 1, hour=0))]
    for item, kind, qty, reference, user, at in moves:
        with transaction.atomic():
            _stock_move(item=item, kind=kind, quantity=qty, user=user, reference=reference, at=at)
    return len(moves)


@pytest.fixture
def invoice_rows(month, user_in_role):
    InvoicePolicyFactory()
    clerk = user_in_role("clerk", username="zhao_kai")
    book = InvoiceBookFactory(count=20)

    def issue(total, on, receipts=1, **fields):
        refs = []
        for i in range(receipts):
            r = ReceiptFactory(side="dept", rung_at=on - dt.timedelta(hours=2), total=D(total) / receipts)
            ReceiptLineFactory(receipt=r, line_no=1, unit_price=r.total, list_price=r.total, quantity=1)
            refs.append((r.side, r.number))
        return invoice_services.invoice_issue(receipts=refs, buyer=fields.pop("buyer", "北京华联商贸有限公司"), user=clerk,
                                              book=book.code, now=on, **fields)

    a = issue("1200.00", at_in(month, 8), receipts=2, tax_id="91110000MA01")
    b = issue("800.00", at_in(month, 9) + dt.timedelta(microseconds=5), buyer='王"五", 个人')
    issue("66.60", at_in(month, 1, hour=3))
    invoice_services.invoice_void(invoice=b, reason="开错抬头,\n重开", user=clerk, now=at_in(month, 10))
    Invoice.objects.filter(pk=a.pk).update(remarks=AWKWARD, stub_handed_at=at_in(month, 12))
    return 3


@on_postgresql
def test_r_fin_1_gift_stock_csv_by_copy_equals_the_python_writer(gift_rows, month):
    fast, slow = _both("gifts", month)
    assert fast == slow
    assert fast.startswith("\ufeff流水记录,时间,".encode())  # the BOM and the translated header first
    rows = list(csv.reader(io.StringIO(fast.decode("utf-8-sig"))))
    assert len(rows) == 1 + gift_rows and rows[1][4:7] == ["receive", "20", "35.00"]
    assert rows[2][3] == AWKWARD and rows[2][8] == 'DN-1,"a"' and rows[2][9] == ""


@on_postgresql
def test_r_fin_1_invoice_register_csv_by_copy_equals_the_python_writer(invoice_rows, month):
    fast, slow = _both("invoices", month)
    assert fast == slow
    rows = list(csv.reader(io.StringIO(fast.decode("utf-8-sig"))))
    assert rows[0][:3] == ["发票号码", "发票本", "状态"] and len(rows) == 1 + invoice_rows
    first, a, b = rows[1], rows[2], rows[3]  # issue order
    assert first[4] == "66.60" and a[4] == "1200.00" and len(a[7].split(" ")) == 2 and a[12] == AWKWARD
    assert b[2] == "void" and b[5] == '王"五", 个人' and b[10] == "开错抬头,\n重开" and b[3].endswith(".000005+08:00")


@pytest.mark.skipif(connection.vendor == "postgresql", reason="the non-PostgreSQL path")
def test_r_fin_1_gifts_and_invoices_have_no_copy_writer_off_postgresql(gift_rows, month):
    assert month_ledgers.get("gifts").export_csv(month=f"{month:%Y-%m}") is None
    assert month_ledgers.get("invoices").export_csv(month=f"{month:%Y-%m}") is None
    fast, slow = _both("gifts", month)
    assert fast == slow and fast.startswith(b"\xef\xbb\xbf")
